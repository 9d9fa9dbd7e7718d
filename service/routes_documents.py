"""POST /v1/documents (one scan), POST /v1/batches (many, and/or zip archives), GET /v1/batches/{id}."""

from __future__ import annotations

import zipfile
from pathlib import PurePosixPath
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from service.app import ApiError, AppState, State
from service.auth import require_api_key
from service.upload import BATCH_SCHEMA, DOCUMENT_SCHEMA, Form, ReceivedFile, display_name, receive_form
from workers import defaults
from workers.errors import GongwenError, InputError, InputTooLarge
from workers.queue.intake import count_pages
from workers.queue.queue import (
    Submission,
    conversion_options,
    fetch_job,
    load_batch,
    new_id,
    reap_abandoned,
    save_batch,
    submit,
)
from workers.queue.status import JobState, describe_job, job_state
from workers.storage.directory import FORMATS, StoredUpload

router = APIRouter(prefix="/v1", dependencies=[Depends(require_api_key)], tags=["documents"])


def _links(request: Request, job_id: str, fmt: str) -> dict[str, str]:
    return {
        "status_url": str(request.url_for("get_job", job_id=job_id)),
        "result_url": f"{request.url_for('get_result', job_id=job_id)}?format={fmt}",
    }


def _submit_stored(app: AppState, upload: StoredUpload, filename: str, dpi: int | None, owner: str,
                   split: bool = False) -> Submission:
    with app.storage.local_upload(upload.sha256) as path:  # in a bucket: a temporary copy, removed after
        pages = count_pages(path, app.settings, dpi)
    return submit(app.redis, app.settings, app.storage, upload, filename=filename,
                  options=conversion_options(dpi, split), pages=pages, owner=owner)


_TRUE, _FALSE = ("true", "1", "yes", "on"), ("false", "0", "no", "off", "")


def _split(form: Form) -> bool:
    """The `split` form field: true when the file is a batch of documents to find and convert one by one."""
    raw = (form.fields.get("split") or "").strip().lower()
    if raw not in _TRUE + _FALSE:
        raise InputError("split must be true or false")
    return raw in _TRUE


def _options(form: Form) -> tuple[str, int | None]:
    """The `format` and `dpi` form fields, checked."""
    fmt = form.fields.get("format") or "text"
    if fmt not in FORMATS:
        raise InputError(f"format must be one of {', '.join(FORMATS)}")
    raw = (form.fields.get("dpi") or "").strip()
    if not raw:
        return fmt, None
    if not raw.isdigit() or not 50 <= int(raw) <= 600:
        raise InputError("dpi must be a whole number between 50 and 600")
    return fmt, int(raw)


def _max_bytes(app: AppState) -> int:
    """The upload cap in bytes (settings.max_upload_mb, per file and per zip member)."""
    return app.settings.max_upload_mb << 20


@router.post("/documents", status_code=202, summary="Submit one scan (PDF, TIFF, PNG, JPEG)",
             openapi_extra=DOCUMENT_SCHEMA)
async def post_document(request: Request, app: State) -> JSONResponse:
    """Multipart form: `file` (the scan), `format` (text|md|json|alto|hocr|pdf: the format of `result_url`; all
    are made), `dpi` (PDF render resolution, default from settings), `split` (true: the file is a batch of
    documents; the result holds each one, README "Batch scans"). The file streams into storage as
    it arrives. The same bytes with the same options return the existing job (200, `deduplicated:
    true`) instead of converting again; a new job answers 202."""
    form = await receive_form(request, app.storage, max_bytes=_max_bytes(app))
    fmt, dpi = _options(form)
    split = _split(form)
    if len(form.files) != 1:
        raise InputError(f"send exactly one file (got {len(form.files)}); use /v1/batches for many")
    received = form.files[0]
    sub = await run_in_threadpool(_submit_stored, app, received.stored, received.filename, dpi, request.state.owner,
                                  split)
    body = {"id": sub.job_id, "status": sub.status, "deduplicated": sub.deduplicated, "pages": sub.pages,
            "sha256": received.stored.sha256, **_links(request, sub.job_id, fmt)}
    return JSONResponse(body, status_code=200 if sub.deduplicated else 202)


def _zip_members(app: AppState, archive: zipfile.ZipFile) -> list[tuple[str, StoredUpload | GongwenError]]:
    out: list[tuple[str, StoredUpload | GongwenError]] = []
    for info in archive.infolist():
        name = display_name(info.filename)
        if info.is_dir() or PurePosixPath(name).name.startswith(".") or name.startswith("__MACOSX/"):
            continue
        if info.file_size > _max_bytes(app) or info.file_size > defaults.ZIP_MAX_RATIO * max(info.compress_size, 1):
            out.append((name, InputTooLarge(f"{name}: too large or too compressed to unpack")))
            continue
        with archive.open(info) as member:
            out.append((name, app.storage.save_stream(member, max_bytes=_max_bytes(app))))
    return out


def _expand(app: AppState, received: ReceivedFile) -> list[tuple[str, StoredUpload | GongwenError]]:
    name, stored = received.filename, received.stored
    if not received.is_zip:
        return [(name, stored)]
    with app.storage.local_upload(stored.sha256) as path:
        try:
            with zipfile.ZipFile(path) as archive:
                return _zip_members(app, archive)
        except zipfile.BadZipFile as exc:
            return [(name, InputError(f"{name}: not a readable zip archive ({exc})"))]


@router.post("/batches", status_code=202, summary="Submit many scans (files and/or zip archives)",
             openapi_extra=BATCH_SCHEMA)
async def post_batch(request: Request, app: State) -> JSONResponse:
    """Multipart form: any number of `files` (scans and/or .zip archives of scans), `format`, `dpi`, `split`
    (true: every file is a batch of documents, split one by one).
    One job per document; a document that cannot be accepted is listed with its error and does not
    stop the others."""
    form = await receive_form(request, app.storage, max_bytes=_max_bytes(app))
    fmt, dpi = _options(form)
    body = await run_in_threadpool(_submit_batch, request, app, form, fmt, dpi, _split(form))
    return JSONResponse(body, status_code=202)


def _submit_batch(request: Request, app: AppState, form: Form, fmt: str, dpi: int | None,
                  split: bool = False) -> dict[str, Any]:
    entries = [entry for received in form.files for entry in _expand(app, received)]
    if len(entries) > defaults.BATCH_MAX_DOCUMENTS:
        raise InputError(f"a batch holds at most {defaults.BATCH_MAX_DOCUMENTS} documents")
    if not entries:
        raise InputError("the batch holds no documents")
    batch_id = new_id()
    items: list[dict[str, Any]] = []
    documents: list[dict[str, Any]] = []
    for name, stored in entries:
        try:
            if isinstance(stored, GongwenError):
                raise stored
            sub = _submit_stored(app, stored, name, dpi, request.state.owner, split)
        except GongwenError as exc:
            items.append({"filename": name, "job": None, "error": exc.to_dict()})
            documents.append({"filename": name, "id": None, "status": "rejected", "error": exc.to_dict()})
            continue
        items.append({"filename": name, "job": sub.job_id, "error": None})
        documents.append({"filename": name, "id": sub.job_id, "status": sub.status,
                          "deduplicated": sub.deduplicated, **_links(request, sub.job_id, fmt)})
    save_batch(app.redis, app.settings, batch_id, items, owner=request.state.owner)
    return {"id": batch_id, "status_url": str(request.url_for("get_batch", batch_id=batch_id)),
            "documents": documents}


@router.get("/batches/{batch_id}", summary="Per-document states and counts of a batch")
def get_batch(batch_id: str, request: Request, app: State) -> dict[str, Any]:
    items = load_batch(app.redis, app.settings, batch_id)
    if items is None:
        raise ApiError(404, "not_found", f"no batch {batch_id}")
    reap_abandoned(app.queue)
    counts = {s.value: 0 for s in JobState} | {"rejected": 0, "expired": 0}
    documents = []
    for item in items:
        job = fetch_job(app.redis, item["job"]) if item["job"] else None
        if item["job"] is None:
            counts["rejected"] += 1
            documents.append({"filename": item["filename"], "id": None, "status": "rejected",
                              "error": item["error"]})
            continue
        if job is None:
            counts["expired"] += 1
            documents.append({"filename": item["filename"], "id": item["job"], "status": "expired"})
            continue
        view = describe_job(job)
        counts[job_state(job).value] += 1
        documents.append({"filename": item["filename"], "id": job.id, "status": view["status"],
                          "progress": view["progress"], "error": view["error"],
                          **_links(request, job.id, "text")})
    done = counts["finished"] + counts["failed"] + counts["canceled"] + counts["rejected"] + counts["expired"]
    return {"id": batch_id, "total": len(items), "done": done == len(items), "counts": counts,
            "documents": documents}
