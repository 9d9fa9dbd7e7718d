"""Streaming multipart/form-data: file parts go straight from the socket into storage.

Starlette's own form parser first spools every file part to a temporary file (and has no size cap for
files), so a 2 GB upload would be written in full before it could be refused. Here each chunk of a file
part is hashed and written to storage as it arrives (the directory's `tmp/`, or a multipart upload to
the bucket), refused the moment it passes the upload cap, and named by its content address when the
part ends. Plain fields are small and kept in memory. When the storage's writes may wait on the network
(`blocking_io`), the parser is fed from a worker thread, so the event loop never waits on the store.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from fastapi import Request
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.concurrency import run_in_threadpool

from workers.errors import InputError, InputTooLarge
from workers.storage.backend import StorageBackend, UploadSink
from workers.storage.directory import FORMATS, StoredUpload

ZIP_MAGIC = b"PK\x03\x04"

MAX_FIELD_BYTES = 64 * 1024
"""Bytes a non-file form field may have (options like `format` or `dpi` are a few bytes)."""

MAX_PARTS = 2000
"""Parts one request may have (files plus fields)."""

MAX_FILENAME_CHARS = 255
"""Characters of a file name kept for display and the result's `source.filename` (the end, with its suffix)."""


def display_name(raw: str) -> str:
    """A client's file name as recorded: control characters (NUL, CR, LF…) dropped, at most
    MAX_FILENAME_CHARS characters. Only ever shown: storage names files by their SHA-256, never by this."""
    clean = "".join(ch for ch in raw if unicodedata.category(ch) != "Cc").strip()
    return clean if len(clean) <= MAX_FILENAME_CHARS else "…" + clean[-(MAX_FILENAME_CHARS - 1):]

_OPTIONS = {
    "format": {"type": "string", "enum": list(FORMATS), "default": "text",
               "description": "format of result_url (every format is made)"},
    "dpi": {"type": "integer", "minimum": 50, "maximum": 600, "description": "PDF render resolution"},
    "split": {"type": "boolean", "default": False,
              "description": "the file is a batch of documents: the result lists each (`documents`)"},
}


def multipart_schema(files: dict[str, object]) -> dict[str, object]:
    """openapi_extra for a route that parses its own multipart body (so /docs can still send it)."""
    schema = {"type": "object", "properties": {**files, **_OPTIONS}, "required": list(files)}
    return {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": schema}}}}


DOCUMENT_SCHEMA = multipart_schema({"file": {"type": "string", "format": "binary", "description": "the scan"}})
BATCH_SCHEMA = multipart_schema({"files": {"type": "array", "items": {"type": "string", "format": "binary"},
                                           "description": "scans and/or .zip archives of scans"}})


@dataclass(frozen=True)
class ReceivedFile:
    field: str
    filename: str
    stored: StoredUpload
    is_zip: bool = False
    """The part began with the ZIP magic (seen while it streamed in: no need to read it back)."""


@dataclass
class Form:
    fields: dict[str, str] = field(default_factory=dict)
    files: list[ReceivedFile] = field(default_factory=list)


class _Receiver:
    """MultipartParser callbacks: headers → part kind; data → storage writer or field buffer."""

    def __init__(self, storage: StorageBackend, max_bytes: int) -> None:
        self.storage, self.max_bytes = storage, max_bytes
        self.form = Form()
        self.parts = 0
        self._header_name = b""
        self._header_value = b""
        self._headers: dict[bytes, bytes] = {}
        self._name = ""
        self._filename: str | None = None
        self._writer: UploadSink | None = None
        self._buffer = bytearray()
        self._head = b""

    def callbacks(self) -> dict[str, object]:
        return {
            "on_part_begin": self.part_begin, "on_header_field": self.header_field,
            "on_header_value": self.header_value, "on_header_end": self.header_end,
            "on_headers_finished": self.headers_finished, "on_part_data": self.part_data,
            "on_part_end": self.part_end,
        }

    def part_begin(self) -> None:
        self.parts += 1
        if self.parts > MAX_PARTS:
            raise InputError(f"a request may have at most {MAX_PARTS} parts")
        self._headers, self._buffer = {}, bytearray()

    def header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def header_end(self) -> None:
        self._headers[self._header_name.strip().lower()] = self._header_value.strip()
        self._header_name, self._header_value = b"", b""

    def headers_finished(self) -> None:
        _, params = parse_options_header(self._headers.get(b"content-disposition", b""))
        self._name = params.get(b"name", b"").decode("utf-8", "replace")
        raw = params.get(b"filename")
        self._filename = None if raw is None else display_name(raw.decode("utf-8", "replace"))
        self._writer = self.storage.writer(max_bytes=self.max_bytes) if self._filename is not None else None
        self._head = b""

    def part_data(self, data: bytes, start: int, end: int) -> None:
        if self._writer is not None:
            if len(self._head) < len(ZIP_MAGIC):
                self._head += data[start:min(end, start + len(ZIP_MAGIC) - len(self._head))]
            self._writer.write(data[start:end])
            return
        self._buffer += data[start:end]
        if len(self._buffer) > MAX_FIELD_BYTES:
            raise InputTooLarge(f"form field {self._name!r} is longer than {MAX_FIELD_BYTES} bytes")

    def part_end(self) -> None:
        if self._writer is not None:
            stored = self._writer.commit()
            self._writer = None
            self.form.files.append(ReceivedFile(self._name, self._filename or stored.sha256[:12], stored,
                                                self._head == ZIP_MAGIC))
        else:
            self.form.fields[self._name] = self._buffer.decode("utf-8", "replace")

    def abort(self) -> None:
        if self._writer is not None:
            self._writer.abort()
            self._writer = None


async def receive_form(request: Request, storage: StorageBackend, *, max_bytes: int) -> Form:
    """Parse the request body as multipart/form-data, storing file parts as they stream in."""
    content_type, params = parse_options_header(request.headers.get("content-type"))
    boundary = params.get(b"boundary")
    if content_type != b"multipart/form-data" or not boundary:
        raise InputError("send the scan as multipart/form-data (curl -F file=@scan.pdf)")
    receiver = _Receiver(storage, max_bytes)
    parser = MultipartParser(boundary, receiver.callbacks())  # type: ignore[arg-type]
    try:
        async for chunk in request.stream():
            if storage.blocking_io:
                await run_in_threadpool(parser.write, chunk)
            else:
                parser.write(chunk)
        if storage.blocking_io:
            await run_in_threadpool(parser.finalize)
        else:
            parser.finalize()
    except MultipartParseError as exc:
        receiver.abort()
        raise InputError(f"malformed multipart body: {exc}") from exc
    except Exception:
        receiver.abort()
        raise
    return receiver.form
