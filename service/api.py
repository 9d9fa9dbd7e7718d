"""The HTTP API (FastAPI; OpenAPI docs at /docs). `create_app(settings)` builds one app per process.

No OCR happens here: the API stores uploads, counts pages, queues jobs and reads results. It never
imports paddleocr or onnxruntime (tests/service/test_api.py checks), so it starts in a second and can
run on a machine without the models.

    POST   /v1/documents            one scan → 202 {id, status_url, result_url} (200 if deduplicated)
    POST   /v1/batches              many scans and/or zips → 202 {id, status_url, documents[]}
    GET    /v1/batches/{id}         per-document states and counts
    GET    /v1/jobs/{id}            state, progress, timings, error
    GET    /v1/jobs/{id}/result     ?format=text|md|json|alto|hocr|pdf; 404 unknown, 409 not finished, 410 expired
    DELETE /v1/jobs/{id}            cancel a queued or running job
    POST   /v1/clean                text repair (text in, document out)
    GET    /healthz /readyz /metrics
    GET    /                        the review page (service/routes_review.py); /v1/jobs/{id}/pages[/{n}]
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from redis.exceptions import RedisError

from service.app import ApiError, AppState, handle_api_error, handle_gongwen_error, handle_redis_error
from service.routes_documents import router as documents_router
from service.routes_jobs import router as jobs_router
from service.routes_ops import router as ops_router
from service.routes_review import router as review_router
from workers.errors import GongwenError
from workers.settings import Settings, load_settings


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    app.state.gongwen.close()


def create_app(settings: Settings | None = None) -> FastAPI:
    app = FastAPI(title="gongwen-ocr", version="0.1.0", lifespan=_lifespan,
                  description="OCR for scanned Chinese official documents (公文): clean text, Markdown, JSON.")
    app.state.gongwen = AppState.build(settings or load_settings())
    origins = app.state.gongwen.settings.cors_origins
    if origins:  # off unless GONGWEN_CORS_ORIGINS names the browser origins allowed to call the API
        app.add_middleware(CORSMiddleware, allow_origins=list(origins), allow_methods=["GET", "POST", "DELETE"],
                           allow_headers=["Authorization", "X-API-Key", "Content-Type"])
    app.add_exception_handler(GongwenError, handle_gongwen_error)
    app.add_exception_handler(ApiError, handle_api_error)
    app.add_exception_handler(RedisError, handle_redis_error)
    app.include_router(documents_router)
    app.include_router(jobs_router)
    app.include_router(ops_router)
    app.include_router(review_router)  # GET / (the review page), /static, /v1/jobs/{id}/pages
    return app
