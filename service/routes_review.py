"""The review page (GET /, its static files) and the page previews it draws line boxes on.

    GET /                           the review page: upload scans, follow them, open a document
    GET /static/{file}              its CSS and JavaScript modules (plain files; no build step, no CDN)
    GET /v1/jobs/{id}/pages         {"pages": [{page, width, height, scale, url}]}: the previews so far
    GET /v1/jobs/{id}/pages/{n}     the preview of page n (JPEG; long side ≤ 1400 px)

The page and its files need no API key (they hold no data); the previews are job data and have the same
key and id rules as every /v1/jobs route. A preview's `width`/`height` are the upright page's pixels,
the frame of the result's line boxes; `scale` maps them onto the preview.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, Response, StreamingResponse

from service.app import ApiError, AppState, State
from service.auth import require_api_key
from service.routes_jobs import job_or_404
from workers.output.previews import list_previews, open_preview

STATIC_DIR = Path(__file__).parent / "static"
STATIC_TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
                ".js": "text/javascript; charset=utf-8", ".svg": "image/svg+xml"}
"""The only files served from STATIC_DIR, by suffix (JavaScript modules need a JavaScript type)."""

PAGE_HEADERS = {
    # everything the page loads comes from this server: no CDN, works offline
    "Content-Security-Policy": "default-src 'self'; img-src 'self' blob: data:; style-src 'self'; "
                               "script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
                               "frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
PREVIEW_CACHE = "private, max-age=3600"
"""Previews are content-addressed (same scan + options → same pages): the browser may keep them an hour."""

router = APIRouter(tags=["review page"])
pages_router = APIRouter(prefix="/v1/jobs", dependencies=[Depends(require_api_key)], tags=["jobs"])


@router.get("/", include_in_schema=False)
def review_page() -> FileResponse:
    return FileResponse(STATIC_DIR / "index.html", media_type=STATIC_TYPES[".html"], headers=PAGE_HEADERS)


@router.get("/static/{name:path}", include_in_schema=False)
def static_file(name: str) -> FileResponse:
    root = STATIC_DIR.resolve()
    path = (root / name).resolve()
    if not path.is_relative_to(root) or path.suffix not in STATIC_TYPES or not path.is_file():
        raise ApiError(404, "not_found", f"no file {name}")
    headers = {**PAGE_HEADERS, "Cache-Control": "no-cache"}
    return FileResponse(path, media_type=STATIC_TYPES[path.suffix], headers=headers)


def _result_key(app: AppState, job_id: str) -> str:
    key = str(job_or_404(app, job_id).meta.get("result_key", ""))
    if not key:
        raise ApiError(404, "not_found", f"job {job_id} has no pages")
    return key


@pages_router.get("/{job_id}/pages", summary="The page previews of a job (those written so far)")
def get_pages(job_id: str, request: Request, app: State) -> dict[str, Any]:
    pages = list_previews(app.storage, _result_key(app, job_id))
    for page in pages:
        page["url"] = str(request.url_for("get_page", job_id=job_id, number=page["page"]))
    return {"id": job_id, "pages": pages}


@pages_router.get("/{job_id}/pages/{number}", name="get_page", summary="The preview of one page (JPEG)",
                  response_class=Response, responses={200: {"content": {"image/jpeg": {}}},
                                                      404: {"description": "unknown job or page"}})
def get_page(job_id: str, number: int, app: State) -> StreamingResponse:
    blob = open_preview(app.storage, _result_key(app, job_id), number)
    if blob is None:
        raise ApiError(404, "not_found", f"job {job_id} has no preview of page {number}")
    return StreamingResponse(blob.chunks, media_type="image/jpeg",
                             headers={"Cache-Control": PREVIEW_CACHE, "Content-Length": str(blob.size)})


router.include_router(pages_router)
