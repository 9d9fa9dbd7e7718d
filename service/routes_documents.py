"""POST /v1/documents (one scan), POST /v1/batches (many, and/or zip archives), GET /v1/batches/{id}."""

from __future__ import annotations

import zipfile
from pathlib import PurePosixPath
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import JSONResponse

from service.app import ApiError, AppState, State
from service.auth import require_api_key
from workers import defaults
from workers.errors import GongwenError, InputError, InputTooLarge
from workers.intake import count_pages
from workers.queue import (
    Submission,
    conversion_options,
    fetch_job,
    load_batch,
    new_id,
    reap_abandoned,
    save_batch,
    submit,
)
from workers.status import JobState, describe_job, job_state
from workers.storage import StoredUpload

router = APIRouter(prefix="/v1", dependencies=[Depends(require_api_key)], tags=["documents"])

OutputFormat = Literal["text", "md", "json"]
ZIP_MAGIC = b"PK\x03\x04"


def _links(request: Request, job_id: str, fmt: str) -> dict[str, str]:
    return {
        "status_url": str(request.url_for("get_job", job_id=job_id)),
        "result_url": f"{request.url_for('get_result', job_id=job_id)}?format={fmt}",
    }


def _submit_stored(app: AppState, upload: StoredUpload, filename: str, dpi: int | None) -> Submission:
    pages = count_pages(upload.path, app.settings, dpi)
    return submit(app.redis, app.settings, app.storage, upload, filename=filename,
                  options=conversion_options(dpi), pages=pages)


def _check_dpi(dpi: int | None) -> None:
    if dpi is not None and not 50 <= dpi <= 600:
        raise InputError("dpi must be between 50 and 600")


def _max_bytes(app: AppState) -> int:
    return app.settings.max_upload_mb << 20


@router.post("/documents", status_code=202, summary="Submit one scan (PDF, TIFF, PNG, JPEG)")
def post_document(
    request: Request,
    app: State,
    file: Annotated[UploadFile, File(description="the scan")],
    format: Annotated[OutputFormat, Form(description="format of the result_url (all three are made)")] = "text",
    dpi: Annotated[int | None, Form(description="PDF render resolution; default from settings")] = None,
) -> JSONResponse:
    """Streams the upload into storage and queues one job. The same bytes with the same options
    return the existing job (200, `deduplicated: true`) instead of converting again."""
    _check_dpi(dpi)
    stored = app.storage.save_stream(file.file, max_bytes=_max_bytes(app))
    sub = _submit_stored(app, stored, file.filename or stored.sha256[:12], dpi)
    body = {"id": sub.job_id, "status": sub.status, "deduplicated": sub.deduplicated, "pages": sub.pages,
            "sha256": stored.sha256, **_links(request, sub.job_id, format)}
    return JSONResponse(body, status_code=200 if sub.deduplicated else 202)


def _zip_members(app: AppState, archive: zipfile.ZipFile) -> list[tuple[str, StoredUpload | GongwenError]]:
    out: list[tuple[str, StoredUpload | GongwenError]] = []
    for info in archive.infolist():
        name = info.filename
        if info.is_dir() or PurePosixPath(name).name.startswith(".") or name.startswith("__MACOSX/"):
            continue
        if info.file_size > _max_bytes(app) or info.file_size > defaults.ZIP_MAX_RATIO * max(info.compress_size, 1):
            out.append((name, InputTooLarge(f"{name}: too large or too compressed to unpack")))
            continue
        with archive.open(info) as member:
            out.append((name, app.storage.save_stream(member, max_bytes=_max_bytes(app))))
    return out


def _expand(app: AppState, upload: UploadFile) -> list[tuple[str, StoredUpload | GongwenError]]:
    name = upload.filename or "upload"
    stored = app.storage.save_stream(upload.file, max_bytes=_max_bytes(app))
    with stored.path.open("rb") as fh:
        is_zip = fh.read(4) == ZIP_MAGIC
    if not is_zip:
        return [(name, stored)]
    try:
        with zipfile.ZipFile(stored.path) as archive:
            return _zip_members(app, archive)
    except zipfile.BadZipFile as exc:
        return [(name, InputError(f"{name}: not a readable zip archive ({exc})"))]


@router.post("/batches", status_code=202, summary="Submit many scans (files and/or zip archives)")
def post_batch(
    request: Request,
    app: State,
    files: Annotated[list[UploadFile], File(description="scans and/or .zip archives of scans")],
    format: Annotated[OutputFormat, Form()] = "text",
    dpi: Annotated[int | None, Form()] = None,
) -> JSONResponse:
    """One job per document; a document that cannot be accepted is listed with its error and
    does not stop the others."""
    _check_dpi(dpi)
    entries = [entry for upload in files for entry in _expand(app, upload)]
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
            sub = _submit_stored(app, stored, name, dpi)
        except GongwenError as exc:
            items.append({"filename": name, "job": None, "error": exc.to_dict()})
            documents.append({"filename": name, "id": None, "status": "rejected", "error": exc.to_dict()})
            continue
        items.append({"filename": name, "job": sub.job_id, "error": None})
        documents.append({"filename": name, "id": sub.job_id, "status": sub.status,
                          "deduplicated": sub.deduplicated, **_links(request, sub.job_id, format)})
    save_batch(app.redis, app.settings, batch_id, items)
    body = {"id": batch_id, "status_url": str(request.url_for("get_batch", batch_id=batch_id)),
            "documents": documents}
    return JSONResponse(body, status_code=202)


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
