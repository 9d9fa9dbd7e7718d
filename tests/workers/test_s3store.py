"""The S3 backend (workers/storage/s3.py) against a real S3 server: SeaweedFS, started by the test session
itself (tests/servers.py, fixture `s3_server`); every test has a bucket of its own (`s3_bucket`).

No process of ours runs here besides the test: the API and the worker over S3 are tests/service/test_s3_service.py.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from servers import PrivateS3, pick_port  # tests/servers.py (tests/ is on sys.path)

from workers.errors import InputTooLarge, StorageUnavailable
from workers.settings import load_settings
from workers.storage.backend import open_storage
from workers.storage.directory import FORMATS, TMP_MAX_AGE_S, result_key
from workers.storage.s3 import PART_BYTES, S3Storage, parse_storage_url

RENDERINGS: dict[Any, str | bytes] = {"text": "正文\n", "md": "# 标题\n", "json": "{}\n", "alto": "<alto/>",
                                      "hocr": "<html/>", "pdf": b"%PDF-1.7 \x00\xff bytes as they are"}


_OPENED: list[Any] = []
"""Storages a test opened, closed after it (`_close_opened`): a client dropped with open sockets warns."""


@pytest.fixture(autouse=True)
def _close_opened() -> Iterator[None]:
    yield
    while _OPENED:
        _OPENED.pop().close()


def _storage(server: PrivateS3, bucket: str, tmp_path: Path, **changes: Any) -> S3Storage:
    settings = load_settings({}).with_(storage_dir=tmp_path / "local-storage",
                                       **{**server.settings_changes(bucket), **changes})
    storage = open_storage(settings)
    assert isinstance(storage, S3Storage)
    _OPENED.append(storage)
    storage.ensure()
    return storage


def _keys(server: PrivateS3, bucket: str) -> list[str]:
    return sorted(o["Key"] for o in server.client().list_objects_v2(Bucket=bucket).get("Contents", ()))


def _multipart_uploads(server: PrivateS3, bucket: str) -> list[dict[str, Any]]:
    return list(server.client().list_multipart_uploads(Bucket=bucket).get("Uploads", ()))


def test_storage_url_names_the_bucket_and_prefix() -> None:
    assert parse_storage_url("s3://scans/gongwen/prod/") == ("scans", "gongwen/prod")
    assert parse_storage_url("s3://scans") == ("scans", "")
    with pytest.raises(ValueError, match="s3://bucket/prefix"):
        parse_storage_url("/var/storage")


def test_a_large_upload_streams_as_a_multipart_upload_and_lands_under_its_sha256(
        s3_server: PrivateS3, s3_bucket: str, tmp_path: Path) -> None:
    storage = _storage(s3_server, s3_bucket, tmp_path)
    data = os.urandom(2 * PART_BYTES + 12345)
    writer = storage.writer(max_bytes=len(data))
    for start in range(0, PART_BYTES + 1, 1 << 20):  # a little over one part received so far
        writer.write(data[start:start + (1 << 20)])
    sent = PART_BYTES + (1 << 20)
    pending = _multipart_uploads(s3_server, s3_bucket)
    assert [u["Key"] for u in pending] == [f"gw/tmp/{writer.tmp_key.rsplit('/', 1)[1]}"]  # already in the store
    assert len(writer.buffer) < PART_BYTES  # what it holds in memory: less than one part
    writer.write(data[sent:])
    stored = writer.commit()
    sha = hashlib.sha256(data).hexdigest()
    assert (stored.sha256, stored.size, stored.path) == (sha, len(data), None)
    assert _keys(s3_server, s3_bucket) == [f"gw/uploads/{sha[:2]}/{sha}"]  # no tmp/ object left
    assert _multipart_uploads(s3_server, s3_bucket) == []
    assert storage.has_upload(sha)
    with storage.local_upload(sha) as path:
        assert path.read_bytes() == data
        assert not path.is_relative_to(tmp_path / "local-storage")
    assert not path.exists()  # the temporary copy is gone with the block
    assert not (tmp_path / "local-storage").exists()  # nothing was ever written to the storage directory


def test_a_small_upload_is_one_put_and_the_same_bytes_keep_one_name(
        s3_server: PrivateS3, s3_bucket: str, tmp_path: Path) -> None:
    storage = _storage(s3_server, s3_bucket, tmp_path)
    first = storage.save_chunks([b"%PDF-1.4 ", b"same bytes"], max_bytes=1 << 20)
    second = storage.save_chunks([b"%PDF-1.4 same bytes"], max_bytes=1 << 20)
    assert first == second and first.sha256 == hashlib.sha256(b"%PDF-1.4 same bytes").hexdigest()
    assert _keys(s3_server, s3_bucket) == [f"gw/uploads/{first.sha256[:2]}/{first.sha256}"]
    assert not storage.has_upload("00" * 32)
    with pytest.raises(FileNotFoundError), storage.local_upload("00" * 32):
        pass


@pytest.mark.parametrize("size", [1500, PART_BYTES + 100])
def test_an_upload_over_the_cap_is_refused_and_leaves_nothing_in_the_bucket(
        s3_server: PrivateS3, s3_bucket: str, tmp_path: Path, size: int) -> None:
    storage = _storage(s3_server, s3_bucket, tmp_path)
    chunks = [b"x" * (1 << 20)] * (size // (1 << 20)) + [b"x" * (size % (1 << 20))]
    with pytest.raises(InputTooLarge):
        storage.save_chunks(chunks, max_bytes=size - 1)
    assert _keys(s3_server, s3_bucket) == []
    assert _multipart_uploads(s3_server, s3_bucket) == []  # a part already sent is aborted, not kept


def test_results_and_previews_are_objects_read_back_streamed_or_by_presigned_url(
        s3_server: PrivateS3, s3_bucket: str, tmp_path: Path) -> None:
    storage = _storage(s3_server, s3_bucket, tmp_path)
    key = result_key("ab" * 32, {"dpi": None})
    assert not storage.has_result(key)
    storage.put_named("previews", key, "page-001.jpg", b"\xff\xd8 jpeg")
    storage.write_result(key, RENDERINGS)
    assert storage.has_result(key)
    for fmt in FORMATS:
        expected = RENDERINGS[fmt]
        assert storage.read_result(key, fmt) == (expected.encode() if isinstance(expected, str) else expected)
    blob = storage.open_named("results", key, "result.pdf")
    assert blob is not None and blob.size == len(RENDERINGS["pdf"])
    assert b"".join(blob.chunks) == RENDERINGS["pdf"]
    assert storage.list_named("previews", key) == ["page-001.jpg"]
    assert storage.get_named("previews", key, "page-002.jpg") is None
    assert storage.open_named("results", "cd" * 32, "result.txt") is None
    url = storage.presigned_url("results", key, "result.pdf", expires_s=60)
    assert url is not None and "X-Amz-Signature=" in url
    assert httpx.get(url).content == RENDERINGS["pdf"]  # no credentials: the signature is the permission
    assert httpx.get(url.replace("result.pdf", "result.txt")).status_code == 403
    assert not (tmp_path / "local-storage").exists()


def test_the_sweep_deletes_what_outlived_its_ttl_and_abandoned_multipart_uploads(
        s3_server: PrivateS3, s3_bucket: str, tmp_path: Path) -> None:
    storage = _storage(s3_server, s3_bucket, tmp_path)
    kept_sha = storage.save_chunks([b"a scan"], max_bytes=1 << 20).sha256
    key = result_key(kept_sha, {"dpi": None})
    storage.write_result(key, RENDERINGS)
    storage.put_named("previews", key, "page-001.jpg", b"jpeg")
    abandoned = storage.writer(max_bytes=4 * PART_BYTES)  # an API killed mid-upload: never committed
    abandoned.write(b"y" * PART_BYTES)
    assert len(_multipart_uploads(s3_server, s3_bucket)) == 1

    assert storage.sweep(upload_ttl_s=3600, result_ttl_s=3600) == 0
    assert storage.has_upload(kept_sha) and storage.has_result(key)
    assert len(_multipart_uploads(s3_server, s3_bucket)) == 1  # younger than TMP_MAX_AGE_S: maybe still running

    later = time.time() + TMP_MAX_AGE_S + 60
    assert storage.sweep(upload_ttl_s=3600, result_ttl_s=3600, now=later) == 3  # upload, result, previews
    assert _keys(s3_server, s3_bucket) == []
    assert _multipart_uploads(s3_server, s3_bucket) == []


def test_a_missing_bucket_is_storage_unavailable_saying_so(s3_server: PrivateS3, tmp_path: Path) -> None:
    storage = _storage(s3_server, "no-such-bucket", tmp_path)
    for attempt in (storage.check, lambda: storage.has_upload("ab" * 32), lambda: storage.has_result("ab" * 32),
                    lambda: storage.save_chunks([b"scan"], max_bytes=100),
                    lambda: storage.open_named("results", "ab" * 32, "result.txt")):
        with pytest.raises(StorageUnavailable, match="'no-such-bucket' does not exist") as caught:
            attempt()
        assert (caught.value.code, caught.value.http_status, caught.value.retryable) == (
            "storage_unavailable", 503, True)


def test_refused_credentials_are_storage_unavailable_saying_so(
        s3_server: PrivateS3, s3_bucket: str, tmp_path: Path) -> None:
    storage = _storage(s3_server, s3_bucket, tmp_path, s3_secret_access_key="not-the-secret")
    for attempt in (storage.check, lambda: storage.save_chunks([b"scan"], max_bytes=100),
                    lambda: storage.put_named("results", "ab" * 32, "result.txt", b"x")):
        with pytest.raises(StorageUnavailable, match="refused our credentials"):
            attempt()
    assert _keys(s3_server, s3_bucket) == []


def test_an_unreachable_store_is_storage_unavailable_within_seconds(tmp_path: Path) -> None:
    port = pick_port()  # nothing listens there
    settings = load_settings({}).with_(storage_url="s3://scans/gw", s3_endpoint_url=f"http://127.0.0.1:{port}",
                                       s3_access_key_id="k", s3_secret_access_key="s")
    storage = open_storage(settings)
    _OPENED.append(storage)
    started = time.monotonic()
    with pytest.raises(StorageUnavailable, match="cannot be reached"):
        storage.check()
    print(f"\nunreachable store reported in {time.monotonic() - started:.1f} s")


def test_without_a_storage_url_the_directory_backend_is_used(tmp_path: Path) -> None:
    storage = open_storage(load_settings({}).with_(storage_dir=tmp_path))
    assert not isinstance(storage, S3Storage) and storage.describe() == f"directory {tmp_path}"
