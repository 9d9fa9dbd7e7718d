"""The storage interface the API, the workers and the CLI use, and the choice of backend.

    open_storage(settings) → StorageBackend
        GONGWEN_STORAGE_URL empty            the directory GONGWEN_STORAGE_DIR (`workers.storage.directory.Storage`)
        GONGWEN_STORAGE_URL=s3://bucket/pfx  objects in an S3 bucket (`workers.storage.s3.S3Storage`)

Both keep the same content-addressed layout (see `workers.storage.directory`): `uploads/<aa>/<sha256>`,
`results/<aa>/<key>/result.*` (one per format), `previews/<aa>/<key>/page-NNN.{jpg,json}`. The rest of the code
sees only this interface: uploads go in as a stream (size cap and SHA-256 while receiving), come out as
a local file for as long as a block runs (`local_upload`), and a result's files are put and read by
name (`put_named`/`get_named`/`open_named`), which is how anything beside the renderings is kept.
Errors are ours: `StorageFull` (507), `StorageUnavailable` (503, store unreachable, bucket missing,
credentials refused), `InputTooLarge` (413, the cap).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager
from pathlib import Path
from typing import IO, Protocol

from workers.settings import Settings

__all__ = ["StorageBackend", "UploadSink", "open_storage"]
from workers.storage.directory import Area, Blob, Format, Storage, StoredUpload, UploadSink


class StorageBackend(Protocol):
    blocking_io: bool
    """True when a write may wait on the network: the API then feeds uploads from a worker thread."""

    def describe(self) -> str: ...

    def ensure(self) -> None:
        """Create what the backend needs (folders); a bucket is never created, only checked."""

    def check(self) -> None:
        """Raise StorageUnavailable unless the storage can be used now (/readyz)."""

    def close(self) -> None:
        """Release what the backend holds open (a bucket client's pooled connections; a directory: nothing)."""

    # uploads
    def writer(self, *, max_bytes: int) -> UploadSink: ...

    def save_stream(self, source: IO[bytes], *, max_bytes: int) -> StoredUpload: ...

    def save_chunks(self, chunks: Iterable[bytes], *, max_bytes: int) -> StoredUpload: ...

    def save_file(self, path: Path, *, max_bytes: int) -> StoredUpload: ...

    def has_upload(self, sha256: str) -> bool: ...

    def local_upload(self, sha256: str) -> AbstractContextManager[Path]:
        """The upload as a local file while the block runs; FileNotFoundError when it is not stored."""

    # the renderings of a result (text, md, json, alto, hocr as UTF-8 text; pdf as bytes)
    def has_result(self, key: str) -> bool: ...

    def write_result(self, key: str, renderings: Mapping[Format, str | bytes]) -> None: ...

    def read_result(self, key: str, fmt: Format) -> bytes: ...

    # named files of a result
    def put_named(self, area: Area, key: str, name: str, data: bytes) -> None: ...

    def get_named(self, area: Area, key: str, name: str) -> bytes | None: ...

    def open_named(self, area: Area, key: str, name: str) -> Blob | None: ...

    def list_named(self, area: Area, key: str) -> list[str]: ...

    def presigned_url(self, area: Area, key: str, name: str, expires_s: int) -> str | None: ...

    # expiry
    def sweep(self, *, upload_ttl_s: float, result_ttl_s: float, now: float | None = None) -> int: ...


def open_storage(settings: Settings) -> StorageBackend:
    """The storage the settings name (nothing is created or contacted yet; call `ensure`)."""
    if settings.storage_url:
        from workers.storage.s3 import S3Storage  # boto3 is imported only when S3 is used

        return S3Storage.from_settings(settings)
    return Storage(settings.storage_dir)
