"""Content-addressed storage shared by the API and the workers: the directory backend (the default; on
one machine, or a shared volume). `workers.storage.s3` keeps the same layout as objects in an S3 bucket;
both implement `workers.storage.backend.StorageBackend`, and `workers.storage.backend.open_storage` picks one from settings.

Layout under `settings.storage_dir`:

    uploads/<aa>/<sha256>               the uploaded bytes, named by their SHA-256
    results/<aa>/<key>/result.{txt,md,json}
                                        the three renderings of one conversion; <key> hashes the input's
                                        SHA-256, the conversion options and RESULT_SCHEMA
    previews/<aa>/<key>/page-NNN.{jpg,json}
                                        page images of that conversion for the review page
                                        (`workers.output.previews`), kept and swept like its result
    tmp/                                partial writes; moved into place with an atomic rename

Everything is written to `tmp/` first and renamed into place, so a reader never sees half a file and
two workers finishing the same conversion at once both succeed (the second rename finds the first's
result and drops its own copy). Results outlive the worker that wrote them; `sweep` deletes files older
than their TTL. Every OSError that means "disk full" becomes `StorageFull` (retryable).

Named files of a result (`put_named(area, key, name, data)`, area "results" or "previews") are how a
job keeps anything beside the three renderings: page previews, and any further rendering of the result.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import secrets
import shutil
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Literal, Protocol

from workers.errors import InputTooLarge, StorageFull, StorageUnavailable

Format = Literal["text", "md", "json", "alto", "hocr", "pdf"]
FORMATS: tuple[Format, ...] = ("text", "md", "json", "alto", "hocr", "pdf")
SUFFIXES: dict[Format, str] = {"text": "txt", "md": "md", "json": "json", "alto": "alto.xml", "hocr": "hocr.html",
                               "pdf": "pdf"}
MEDIA_TYPES: dict[Format, str] = {
    "text": "text/plain; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "json": "application/json",
    "alto": "application/xml",
    "hocr": "application/xhtml+xml; charset=utf-8",
    "pdf": "application/pdf",
}

RESULT_SCHEMA = 2
"""Bump when the result files change meaning: old cached results then stop matching new submissions."""

CHUNK_BYTES = 1 << 20
"""Bytes copied per read while streaming into storage."""

TMP_MAX_AGE_S = 24 * 3600
"""Seconds after which a partial write in tmp/ is considered abandoned (its writer was killed)."""


Area = Literal["results", "previews"]
"""Where a named file of a result lives: beside the renderings, or with the page previews."""
AREAS: tuple[Area, ...] = ("results", "previews")

NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
"""Characters a named file may have: one plain file name, never a path."""


def check_name(name: str) -> str:
    """`name` if it is a plain file name (no slash, no leading dot), else ValueError."""
    if not name or name.startswith(".") or not set(name) <= NAME_CHARS or len(name) > 128:
        raise ValueError(f"not a plain file name: {name!r}")
    return name


@dataclass(frozen=True)
class StoredUpload:
    """An upload in storage: its SHA-256 (hex), size in bytes and, in a directory, its path (None in a
    bucket: read it with `storage.local_upload(sha256)`)."""

    sha256: str
    size: int
    path: Path | None = None


@dataclass(frozen=True)
class Blob:
    """A stored file being read: its size in bytes and its bytes in chunks (read once)."""

    size: int
    chunks: Iterator[bytes]


def _read_chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            yield chunk


def result_key(sha256: str, options: Mapping[str, object]) -> str:
    """The content address of a conversion: same input bytes + same options → same key."""
    canonical = json.dumps({"sha256": sha256, "options": dict(options), "schema": RESULT_SCHEMA},
                           sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _storage_error(exc: OSError, what: str) -> Exception:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return StorageFull(f"storage is full while writing {what}")
    return exc


class UploadSink(Protocol):
    """One upload being received: write(chunk)… then commit() (named by its SHA-256) or abort()."""

    def write(self, chunk: bytes) -> None: ...

    def commit(self) -> StoredUpload: ...

    def abort(self) -> None: ...


class SavesUploads:
    """The ways an upload comes in besides a streaming parser (a whole stream, chunks, a file), for any
    backend whose `writer` takes an upload chunk by chunk: one place for all of them."""

    def writer(self, *, max_bytes: int) -> UploadSink:
        raise NotImplementedError

    def save_chunks(self, chunks: Iterable[bytes], *, max_bytes: int) -> StoredUpload:
        """Store `chunks` as one upload, hashing on the way; refuse more than max_bytes (nothing is kept)."""
        writer = self.writer(max_bytes=max_bytes)
        try:
            for chunk in chunks:
                writer.write(chunk)
            return writer.commit()
        finally:
            writer.abort()

    def save_stream(self, source: IO[bytes], *, max_bytes: int) -> StoredUpload:
        """Copy `source` into storage chunk by chunk (CHUNK_BYTES at a time)."""
        return self.save_chunks(iter(lambda: source.read(CHUNK_BYTES), b""), max_bytes=max_bytes)

    def save_file(self, path: Path, *, max_bytes: int) -> StoredUpload:
        with path.open("rb") as source:
            return self.save_stream(source, max_bytes=max_bytes)


class Storage(SavesUploads):
    """The storage directory. Cheap to construct; safe for several processes at once."""

    blocking_io = False
    """Writes are local file writes, fast enough to make from the event loop."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def describe(self) -> str:
        return f"directory {self.root}"

    def check(self) -> None:
        """Raise StorageUnavailable unless the directory can be written (for /readyz)."""
        if not (self.root.is_dir() and os.access(self.root, os.W_OK | os.X_OK)):
            raise StorageUnavailable(f"the storage directory {self.root} is missing or not writable")

    def close(self) -> None:
        """Nothing is held open between calls."""

    @property
    def tmp_dir(self) -> Path:
        return self.root / "tmp"

    def ensure(self) -> None:
        for sub in ("uploads", "results", "tmp"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)

    def upload_path(self, sha256: str) -> Path:
        return self.root / "uploads" / sha256[:2] / sha256

    def result_dir(self, key: str) -> Path:
        return self.root / "results" / key[:2] / key

    def result_path(self, key: str, fmt: Format) -> Path:
        return self.result_dir(key) / f"result.{SUFFIXES[fmt]}"

    def _tmp_path(self) -> Path:
        self.tmp_dir.mkdir(parents=True, exist_ok=True)
        return self.tmp_dir / secrets.token_hex(12)

    # -- uploads ---------------------------------------------------------------------------------

    def writer(self, *, max_bytes: int) -> UploadWriter:
        """A push-style upload: write(chunk)… then commit() (or abort()); for streaming parsers."""
        return UploadWriter(self, max_bytes)

    def has_upload(self, sha256: str) -> bool:
        return self.upload_path(sha256).is_file()

    @contextmanager
    def local_upload(self, sha256: str) -> Iterator[Path]:
        """The upload as a local file while the block runs (here: the stored file itself, no copy).
        FileNotFoundError when it is not (or no longer) stored."""
        path = self.upload_path(sha256)
        if not path.is_file():
            raise FileNotFoundError(f"no upload {sha256}")
        yield path

    # -- named files of a result (previews, further renderings) ---------------------------------

    def named_path(self, area: Area, key: str, name: str) -> Path:
        assert area in AREAS, area
        return self.root / area / key[:2] / key / check_name(name)

    def put_named(self, area: Area, key: str, name: str, data: bytes) -> None:
        """Store `data` as `name` of result `key` in `area`, atomically (a reader never sees half)."""
        final = self.named_path(area, key, name)
        tmp = self._tmp_path()
        try:
            tmp.write_bytes(data)
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp, final)
        except OSError as exc:
            raise _storage_error(exc, f"{area}/{name}") from exc
        finally:
            tmp.unlink(missing_ok=True)

    def get_named(self, area: Area, key: str, name: str) -> bytes | None:
        try:
            return self.named_path(area, key, name).read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return None

    def open_named(self, area: Area, key: str, name: str) -> Blob | None:
        """The file for streaming to a client, or None when there is none."""
        path = self.named_path(area, key, name)
        try:
            size = path.stat().st_size
        except (FileNotFoundError, NotADirectoryError):
            return None
        return Blob(size, _read_chunks(path))

    def list_named(self, area: Area, key: str) -> list[str]:
        """Names of the files of result `key` in `area`, sorted."""
        folder = self.root / area / key[:2] / key
        return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []

    def presigned_url(self, area: Area, key: str, name: str, expires_s: int) -> str | None:
        """A URL a client may fetch the file from directly: a directory has none."""
        return None

    # -- results ---------------------------------------------------------------------------------

    def has_result(self, key: str) -> bool:
        return all(self.result_path(key, fmt).is_file() for fmt in FORMATS)

    def write_result(self, key: str, renderings: Mapping[Format, str | bytes]) -> None:
        """Write every rendering (text as UTF-8, the PDF as it is) as one directory, atomically."""
        final = self.result_dir(key)
        if self.has_result(key):
            os.utime(final)
            return
        tmp = self._tmp_path()
        try:
            tmp.mkdir()
            for fmt in FORMATS:
                data = renderings[fmt]
                (tmp / f"result.{SUFFIXES[fmt]}").write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
            final.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.rename(tmp, final)
            except OSError as exc:
                if exc.errno not in (errno.EEXIST, errno.ENOTEMPTY):
                    raise
                # another worker finished the same conversion first (its files are identical in meaning),
                # or a named file was put there before the renderings: add whatever is still missing
                for part in tmp.iterdir():
                    if not (final / part.name).exists():
                        os.replace(part, final / part.name)
        except OSError as exc:
            raise _storage_error(exc, "a result") from exc
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def read_result(self, key: str, fmt: Format) -> bytes:
        return self.result_path(key, fmt).read_bytes()

    # -- expiry ----------------------------------------------------------------------------------

    def sweep(self, *, upload_ttl_s: float, result_ttl_s: float, now: float | None = None) -> int:
        """Delete uploads, and results with their page previews, last touched longer ago than their TTL;
        returns how many.

        Several workers may sweep at once: an entry another one removed first is skipped."""
        now = time.time() if now is None else now
        removed = 0
        for upload in (self.root / "uploads").glob("*/*"):
            if _age_s(upload, now) > upload_ttl_s:
                upload.unlink(missing_ok=True)
                removed += 1
        for result in [*(self.root / "results").glob("*/*"), *(self.root / "previews").glob("*/*")]:
            if _age_s(result, now) > result_ttl_s:
                shutil.rmtree(result, ignore_errors=True)
                removed += 1
        for tmp in self.tmp_dir.glob("*") if self.tmp_dir.exists() else ():
            if _age_s(tmp, now) > TMP_MAX_AGE_S:  # left by a process killed mid-write
                shutil.rmtree(tmp, ignore_errors=True) if tmp.is_dir() else tmp.unlink(missing_ok=True)
        return removed


def _age_s(path: Path, now: float) -> float:
    """Seconds since `path` was last modified; 0 when it has just vanished (another sweeper)."""
    try:
        return now - path.stat().st_mtime
    except FileNotFoundError:
        return 0.0


class UploadWriter:
    """One upload being written: hashed and size-checked chunk by chunk, named by its SHA-256 on commit."""

    def __init__(self, storage: Storage, max_bytes: int) -> None:
        self.storage, self.max_bytes = storage, max_bytes
        self.tmp = storage._tmp_path()
        self.digest = hashlib.sha256()
        self.size = 0
        try:
            self.handle: IO[bytes] | None = self.tmp.open("wb")
        except OSError as exc:
            raise _storage_error(exc, "an upload") from exc

    def write(self, chunk: bytes) -> None:
        assert self.handle is not None, "write after commit/abort"
        self.size += len(chunk)
        if self.size > self.max_bytes:
            self.abort()
            raise InputTooLarge(f"upload is larger than {self.max_bytes // (1 << 20)} MiB")
        self.digest.update(chunk)
        try:
            self.handle.write(chunk)
        except OSError as exc:
            self.abort()
            raise _storage_error(exc, "an upload") from exc

    def commit(self) -> StoredUpload:
        assert self.handle is not None, "commit after commit/abort"
        sha = self.digest.hexdigest()
        final = self.storage.upload_path(sha)
        try:
            self.handle.close()
            self.handle = None
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self.tmp, final)  # same bytes under the same name: replacing is harmless
            os.utime(final)  # a re-upload renews the file's lease against the sweep
        except OSError as exc:
            self.abort()
            raise _storage_error(exc, "an upload") from exc
        return StoredUpload(sha, self.size, final)

    def abort(self) -> None:
        """Drop a partial upload (no-op after commit)."""
        if self.handle is not None:
            self.handle.close()
            self.handle = None
        self.tmp.unlink(missing_ok=True)
