"""The S3 backend of `workers.storage.backend.StorageBackend`: uploads, results and page previews as objects in one
bucket, under the same content-addressed keys as the directory backend (`workers.storage.directory`), below the
prefix of `GONGWEN_STORAGE_URL=s3://bucket/prefix`. Any S3 API works (AWS, MinIO, SeaweedFS, Ceph…):
`AWS_ENDPOINT_URL` names a non-AWS one; credentials and region are the standard `AWS_*` settings.

- Uploads stream to the store while they are received: hashed and size-checked chunk by chunk, sent as
  a multipart upload under `tmp/` in PART_BYTES parts, and copied to `uploads/<aa>/<sha256>` once the
  hash is known (an upload smaller than one part is put there directly). Nothing touches local disk.
- `local_upload` downloads an upload to a private temporary file (the system's temp dir, never the
  storage directory) for as long as a block runs: the page count in the API, the conversion in a worker.
- Results and previews are plain PUTs; S3 writes are atomic per object, so a reader never sees half a
  file. Served by streaming the object, or by a presigned URL (`presigned_url`).
- `sweep` deletes objects whose LastModified is older than their TTL (a lifecycle rule on the bucket
  may do the same job) and aborts multipart uploads abandoned by a killed API.
- A missing bucket, refused credentials or an unreachable endpoint raise `StorageUnavailable` (503,
  retryable) with a message that says which; the bucket is never created by us.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from workers.errors import InputTooLarge, StorageUnavailable
from workers.settings import Settings
from workers.storage.directory import (
    AREAS,
    CHUNK_BYTES,
    FORMATS,
    SUFFIXES,
    TMP_MAX_AGE_S,
    Area,
    Blob,
    Format,
    SavesUploads,
    StoredUpload,
    check_name,
)

log = logging.getLogger(__name__)

PART_BYTES = 8 << 20
"""Bytes per multipart part (S3's minimum is 5 MiB except the last): the memory one upload holds."""

CONNECT_TIMEOUT_S = 5.0
"""Seconds to open a connection to the store before calling it unreachable."""
READ_TIMEOUT_S = 60.0
"""Seconds to wait for a response (a 200 MiB upload's copy may take a while on a slow store)."""
MAX_ATTEMPTS = 4
"""Tries per request (botocore's standard retry mode, with back-off): rides out a store's short restart."""
DELETE_BATCH = 1000
"""Keys per DeleteObjects call (the S3 API's maximum)."""


def parse_storage_url(url: str) -> tuple[str, str]:
    """`s3://bucket/some/prefix` → ("bucket", "some/prefix") (prefix without slashes at either end)."""
    parsed = urlparse(url)
    if parsed.scheme != "s3" or not parsed.netloc:
        raise ValueError(f"GONGWEN_STORAGE_URL must look like s3://bucket/prefix, not {url!r}")
    return parsed.netloc, parsed.path.strip("/")


def _unavailable(exc: Exception, bucket: str, what: str, *, bucket_call: bool = False) -> StorageUnavailable:
    """Our error for a boto3/botocore exception, saying which of the usual causes it is. `bucket_call`:
    the request was about the bucket itself (HEAD bucket answers a missing bucket with a bare 404)."""
    from botocore.exceptions import ClientError, HTTPClientError, NoCredentialsError
    from botocore.exceptions import ConnectionError as BotoConnectionError

    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code = str(error.get("Code", ""))
        status = _status(exc)
        if code == "NoSuchBucket" or (status == 404 and bucket_call):
            return StorageUnavailable(f"the storage bucket {bucket!r} does not exist (create it, or fix "
                                      "GONGWEN_STORAGE_URL)")
        if status in (401, 403) or code in ("AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch"):
            return StorageUnavailable(f"the object store refused our credentials for bucket {bucket!r} "
                                      f"({code or status}) while {what}: check AWS_ACCESS_KEY_ID and "
                                      "AWS_SECRET_ACCESS_KEY")
        return StorageUnavailable(f"the object store failed while {what}: {code or status} {error.get('Message', '')}")
    if isinstance(exc, NoCredentialsError):
        return StorageUnavailable("no S3 credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
    if isinstance(exc, (BotoConnectionError, HTTPClientError)):
        return StorageUnavailable(f"the object store cannot be reached while {what} ({exc})")
    return StorageUnavailable(f"the object store failed while {what}: {type(exc).__name__}: {exc}")


def _boto_errors() -> tuple[type[Exception], ...]:
    from botocore.exceptions import BotoCoreError, ClientError

    return (BotoCoreError, ClientError)


def _status(exc: Exception) -> int:
    response = getattr(exc, "response", None) or {}
    return int(response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0))


def _error_code(exc: Exception) -> str:
    response = getattr(exc, "response", None) or {}
    return str(response.get("Error", {}).get("Code", ""))


@dataclass(frozen=True)
class _Object:
    key: str
    age_s: float


class S3Storage(SavesUploads):
    """Uploads and results in one bucket. Cheap to construct; its boto3 client is thread-safe."""

    blocking_io = True

    def __init__(self, client: Any, bucket: str, prefix: str = "") -> None:
        self.client, self.bucket, self.prefix = client, bucket, prefix.strip("/")

    @classmethod
    def from_settings(cls, settings: Settings) -> S3Storage:
        import boto3
        from botocore.config import Config

        bucket, prefix = parse_storage_url(settings.storage_url)
        config = Config(connect_timeout=CONNECT_TIMEOUT_S, read_timeout=READ_TIMEOUT_S,
                        retries={"max_attempts": MAX_ATTEMPTS, "mode": "standard"},
                        signature_version="s3v4", s3={"addressing_style": "path"})
        client = boto3.session.Session().client(
            "s3", endpoint_url=settings.s3_endpoint_url or None, region_name=settings.s3_region,
            aws_access_key_id=settings.s3_access_key_id or None,
            aws_secret_access_key=settings.s3_secret_access_key or None, config=config)
        return cls(client, bucket, prefix)

    def describe(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"

    def _key(self, *parts: str) -> str:
        return "/".join((self.prefix, *parts)) if self.prefix else "/".join(parts)

    def upload_key(self, sha256: str) -> str:
        return self._key("uploads", sha256[:2], sha256)

    def named_key(self, area: Area, key: str, name: str) -> str:
        assert area in AREAS, area
        return self._key(area, key[:2], key, check_name(name))

    def _call(self, what: str, method: str, **kwargs: Any) -> Any:
        try:
            return getattr(self.client, method)(Bucket=self.bucket, **kwargs)
        except _boto_errors() as exc:
            raise _unavailable(exc, self.bucket, what, bucket_call=method == "head_bucket") from exc

    def _raise_unless_absent(self, exc: Exception, what: str) -> None:
        """Return when `exc` says the object is not there; raise StorageUnavailable for anything else,
        a missing bucket included (a HEAD answers both with a bare 404: the bucket is then asked, on
        this rare path only)."""
        if _status(exc) != 404 or _error_code(exc) == "NoSuchBucket":
            raise _unavailable(exc, self.bucket, what) from exc
        if _error_code(exc) != "NoSuchKey":
            self.check()

    def _exists(self, key: str, what: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=key)
            return True
        except _boto_errors() as exc:
            self._raise_unless_absent(exc, what)
            return False

    def ensure(self) -> None:
        """Nothing to create: the bucket is the operator's (a missing one is reported by `check`)."""

    def check(self) -> None:
        self._call("checking the bucket", "head_bucket")

    def close(self) -> None:
        self.client.close()

    # -- uploads ---------------------------------------------------------------------------------

    def writer(self, *, max_bytes: int) -> S3UploadWriter:
        return S3UploadWriter(self, max_bytes)

    def has_upload(self, sha256: str) -> bool:
        return self._exists(self.upload_key(sha256), "looking for an upload")

    @contextmanager
    def local_upload(self, sha256: str) -> Iterator[Path]:
        handle, name = tempfile.mkstemp(prefix="gongwen-upload-")
        path = Path(name)
        try:
            with os.fdopen(handle, "wb") as out:
                try:
                    body = self.client.get_object(Bucket=self.bucket, Key=self.upload_key(sha256))["Body"]
                    for chunk in body.iter_chunks(CHUNK_BYTES):
                        out.write(chunk)
                except _boto_errors() as exc:
                    self._raise_unless_absent(exc, "reading an upload")
                    raise FileNotFoundError(f"no upload {sha256}") from exc
            yield path
        finally:
            path.unlink(missing_ok=True)

    # -- results ---------------------------------------------------------------------------------

    def has_result(self, key: str) -> bool:
        return all(self._exists(self.named_key("results", key, f"result.{SUFFIXES[fmt]}"), "looking for a result")
                   for fmt in FORMATS)

    def write_result(self, key: str, renderings: Mapping[Format, str | bytes]) -> None:
        """Put every rendering (text as UTF-8, the PDF as it is). Each PUT is atomic; `has_result` is true
        only once all are in. Writing an existing result again renews its age against the sweep, as the
        directory's `os.utime` does."""
        for fmt in FORMATS:
            data = renderings[fmt]
            self.put_named("results", key, f"result.{SUFFIXES[fmt]}",
                           data.encode("utf-8") if isinstance(data, str) else data)

    def read_result(self, key: str, fmt: Format) -> bytes:
        data = self.get_named("results", key, f"result.{SUFFIXES[fmt]}")
        if data is None:
            raise FileNotFoundError(f"no result {key}/{fmt}")
        return data

    # -- named files of a result -----------------------------------------------------------------

    def put_named(self, area: Area, key: str, name: str, data: bytes) -> None:
        self._call(f"writing {area}/{name}", "put_object", Key=self.named_key(area, key, name), Body=data)

    def open_named(self, area: Area, key: str, name: str) -> Blob | None:
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self.named_key(area, key, name))
        except _boto_errors() as exc:
            self._raise_unless_absent(exc, f"reading {area}/{name}")
            return None
        return Blob(int(response["ContentLength"]), response["Body"].iter_chunks(CHUNK_BYTES))

    def get_named(self, area: Area, key: str, name: str) -> bytes | None:
        blob = self.open_named(area, key, name)
        if blob is None:
            return None
        try:
            return b"".join(blob.chunks)
        except _boto_errors() as exc:
            raise _unavailable(exc, self.bucket, f"reading {area}/{name}") from exc

    def list_named(self, area: Area, key: str) -> list[str]:
        folder = self._key(area, key[:2], key) + "/"
        return sorted(obj.key[len(folder):] for obj in self._list(folder))

    def presigned_url(self, area: Area, key: str, name: str, expires_s: int) -> str | None:
        try:
            return str(self.client.generate_presigned_url(
                "get_object", Params={"Bucket": self.bucket, "Key": self.named_key(area, key, name)},
                ExpiresIn=expires_s))
        except _boto_errors() as exc:
            raise _unavailable(exc, self.bucket, "signing a URL") from exc

    # -- expiry ----------------------------------------------------------------------------------

    def _list(self, prefix: str, now: float | None = None) -> Iterator[_Object]:
        now = time.time() if now is None else now
        try:
            for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix):
                for item in page.get("Contents", ()):
                    yield _Object(str(item["Key"]), now - item["LastModified"].timestamp())
        except _boto_errors() as exc:
            raise _unavailable(exc, self.bucket, "listing objects") from exc

    def _delete(self, keys: list[str]) -> None:
        for start in range(0, len(keys), DELETE_BATCH):
            batch = [{"Key": k} for k in keys[start:start + DELETE_BATCH]]
            self._call("deleting expired objects", "delete_objects", Delete={"Objects": batch, "Quiet": True})

    def sweep(self, *, upload_ttl_s: float, result_ttl_s: float, now: float | None = None) -> int:
        """Delete uploads, results and previews older than their TTL; returns how many uploads plus
        result and preview folders went (as the directory backend counts). Several sweepers at once
        are harmless: deleting a deleted key succeeds."""
        doomed: list[str] = []
        removed = 0
        for obj in self._list(self._key("uploads") + "/", now):
            if obj.age_s > upload_ttl_s:
                doomed.append(obj.key)
                removed += 1
        for area in AREAS:
            folders: set[str] = set()
            for obj in self._list(self._key(area) + "/", now):
                if obj.age_s > result_ttl_s:
                    doomed.append(obj.key)
                    folders.add(obj.key.rsplit("/", 1)[0])
            removed += len(folders)
        doomed += [obj.key for obj in self._list(self._key("tmp") + "/", now) if obj.age_s > TMP_MAX_AGE_S]
        self._delete(doomed)
        self._abort_stale_multipart(now)
        return removed

    def _abort_stale_multipart(self, now: float | None) -> None:
        """Multipart uploads under tmp/ left by an API killed mid-upload (they hold storage until aborted)."""
        now = time.time() if now is None else now
        tmp = self._key("tmp") + "/"
        try:
            listing = self.client.list_multipart_uploads(Bucket=self.bucket, Prefix=tmp)
            for upload in listing.get("Uploads", ()):
                if now - upload["Initiated"].timestamp() > TMP_MAX_AGE_S:
                    self.client.abort_multipart_upload(Bucket=self.bucket, Key=upload["Key"],
                                                       UploadId=upload["UploadId"])
        except _boto_errors() as exc:
            log.warning("could not list or abort stale multipart uploads: %s", exc)


class S3UploadWriter:
    """One upload streaming into the bucket: hashed and size-checked chunk by chunk; at most one part
    (PART_BYTES) in memory; named by its SHA-256 on commit."""

    def __init__(self, storage: S3Storage, max_bytes: int) -> None:
        self.storage, self.max_bytes = storage, max_bytes
        self.digest = hashlib.sha256()
        self.size = 0
        self.buffer = bytearray()
        self.tmp_key = storage._key("tmp", secrets.token_hex(12))
        self.upload_id: str | None = None
        self.parts: list[dict[str, Any]] = []
        self.done = False

    def write(self, chunk: bytes) -> None:
        assert not self.done, "write after commit/abort"
        self.size += len(chunk)
        if self.size > self.max_bytes:
            self.abort()
            raise InputTooLarge(f"upload is larger than {self.max_bytes // (1 << 20)} MiB")
        self.digest.update(chunk)
        self.buffer += chunk
        if len(self.buffer) >= PART_BYTES:
            self._send_part()

    def _send_part(self) -> None:
        s3 = self.storage
        try:
            if self.upload_id is None:
                self.upload_id = s3.client.create_multipart_upload(Bucket=s3.bucket, Key=self.tmp_key)["UploadId"]
            number = len(self.parts) + 1
            sent = s3.client.upload_part(Bucket=s3.bucket, Key=self.tmp_key, UploadId=self.upload_id,
                                         PartNumber=number, Body=bytes(self.buffer))
        except _boto_errors() as exc:
            self.abort()
            raise _unavailable(exc, s3.bucket, "receiving an upload") from exc
        self.parts.append({"PartNumber": number, "ETag": sent["ETag"]})
        self.buffer = bytearray()

    def commit(self) -> StoredUpload:
        assert not self.done, "commit after commit/abort"
        s3 = self.storage
        sha = self.digest.hexdigest()
        final = s3.upload_key(sha)
        try:
            if self.upload_id is None:  # smaller than one part: straight to its name
                s3.client.put_object(Bucket=s3.bucket, Key=final, Body=bytes(self.buffer))
            else:
                if self.buffer:
                    self._send_part()
                s3.client.complete_multipart_upload(Bucket=s3.bucket, Key=self.tmp_key, UploadId=self.upload_id,
                                                    MultipartUpload={"Parts": self.parts})
                self.upload_id = None
                # same bytes under the same name: replacing is harmless, and renews the age
                s3.client.copy_object(Bucket=s3.bucket, Key=final,
                                      CopySource={"Bucket": s3.bucket, "Key": self.tmp_key})
                s3.client.delete_object(Bucket=s3.bucket, Key=self.tmp_key)
        except _boto_errors() as exc:
            self.abort()
            raise _unavailable(exc, s3.bucket, "storing an upload") from exc
        self.done = True
        self.buffer = bytearray()
        return StoredUpload(sha, self.size)

    def abort(self) -> None:
        """Drop a partial upload (no-op after commit)."""
        if self.done:
            return
        self.done = True
        self.buffer = bytearray()
        if self.upload_id is not None:
            try:
                self.storage.client.abort_multipart_upload(Bucket=self.storage.bucket, Key=self.tmp_key,
                                                           UploadId=self.upload_id)
            except _boto_errors() as exc:  # the sweep aborts it later
                log.warning("could not abort multipart upload %s: %s", self.tmp_key, exc)
            self.upload_id = None
