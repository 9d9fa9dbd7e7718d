"""GET /healthz, GET /readyz, GET /metrics, POST /v1/clean."""

from __future__ import annotations

import hashlib
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from redis.exceptions import RedisError
from starlette.concurrency import run_in_threadpool

from service.app import ApiError, State
from service.auth import require_api_key
from service.metrics import CONTENT_TYPE, render_metrics
from workers.errors import GongwenError, InputTooLarge
from workers.queue.queue import count_live_workers
from workers.storage.directory import MEDIA_TYPES

router = APIRouter(tags=["operations"])


@router.get("/healthz", summary="The API process is alive")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", summary="Redis and the storage usable, and at least one worker registered")
def readyz(app: State) -> JSONResponse:
    try:
        app.storage.check()
    except GongwenError as exc:  # StorageUnavailable: bucket missing, credentials refused, store away
        return JSONResponse({"ready": False, "storage": False, "reason": exc.message, "code": exc.code},
                            status_code=503)
    try:
        app.redis.ping()
        workers = count_live_workers(app.queue)
    except RedisError as exc:
        return JSONResponse({"ready": False, "redis": False, "storage": True, "workers": 0, "reason": str(exc)},
                            status_code=503)
    ready = workers > 0
    body = {"ready": ready, "redis": True, "storage": True, "workers": workers, "queue": app.queue.name}
    return JSONResponse(body, status_code=200 if ready else 503)


@router.get("/metrics", summary="Prometheus metrics", response_class=PlainTextResponse,
            dependencies=[Depends(require_api_key)])
def metrics(app: State) -> Response:
    return Response(render_metrics(app.queue, app.settings), media_type=CONTENT_TYPE)


@router.post("/v1/clean", summary="Repair text a previous OCR tool produced (text in, document out)",
             dependencies=[Depends(require_api_key)],
             openapi_extra={"requestBody": {"required": True, "content": {"text/plain": {"schema": {"type": "string"}}}}})
async def clean(request: Request, app: State, format: Annotated[Literal["text", "md", "json"], Query()] = "json",
                filename: Annotated[str | None, Query()] = None) -> Response:
    """The body is the text (UTF-8, UTF-16 with a BOM, or GB18030); the answer is what `gongwen clean`
    prints for the same text: clean text, Markdown or the SPEC JSON envelope."""
    try:
        from service.cli.clean import decode_text, render
    except ModuleNotFoundError as exc:  # pragma: no cover - text repair is part of this build
        raise ApiError(501, "not_available", "text repair is not part of this build") from exc
    max_bytes = app.settings.max_upload_mb << 20
    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if len(data) > max_bytes:
            raise InputTooLarge(f"the text is larger than {app.settings.max_upload_mb} MiB")
    raw = bytes(data)
    body = await run_in_threadpool(render, decode_text(raw), format, filename=filename,
                                   sha256=hashlib.sha256(raw).hexdigest())
    return Response(body.encode("utf-8"), media_type=MEDIA_TYPES[format])
