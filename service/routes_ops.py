"""GET /healthz, GET /readyz, GET /metrics, POST /v1/clean."""

from __future__ import annotations

import importlib
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Query
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from redis.exceptions import RedisError

from service.app import ApiError, State
from service.auth import require_api_key
from service.metrics import CONTENT_TYPE, render_metrics
from workers.queue import count_live_workers
from workers.storage import MEDIA_TYPES

router = APIRouter(tags=["operations"])


@router.get("/healthz", summary="The API process is alive")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", summary="Redis reachable and at least one worker registered")
def readyz(app: State) -> JSONResponse:
    try:
        app.redis.ping()
        workers = count_live_workers(app.queue)
    except RedisError as exc:
        return JSONResponse({"ready": False, "redis": False, "workers": 0, "reason": str(exc)}, status_code=503)
    ready = workers > 0
    body = {"ready": ready, "redis": True, "workers": workers, "queue": app.queue.name}
    return JSONResponse(body, status_code=200 if ready else 503)


@router.get("/metrics", summary="Prometheus metrics", response_class=PlainTextResponse)
def metrics(app: State) -> Response:
    return Response(render_metrics(app.queue, app.settings), media_type=CONTENT_TYPE)


@router.post("/v1/clean", summary="Repair text a previous OCR tool produced (text in, document out)",
             dependencies=[Depends(require_api_key)])
def clean(text: Annotated[str, Body(media_type="text/plain", description="the text to repair")],
          format: Annotated[Literal["text", "md", "json"], Query()] = "json") -> Response:
    try:
        repair = importlib.import_module("layout.repair")
    except ModuleNotFoundError as exc:
        raise ApiError(501, "not_available", "text repair is not part of this build") from exc
    import layout

    document = repair.repair_text(text)
    if format == "text":
        body = layout.render_text(document)
    elif format == "md":
        body = layout.render_markdown(document)
    else:
        import json

        payload: dict[str, Any] = layout.document_to_dict(document)
        body = json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
    return Response(body.encode("utf-8"), media_type=MEDIA_TYPES[format])
