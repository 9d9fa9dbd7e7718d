"""What every route needs: settings, Redis, storage, the queue (one `AppState` per API process),
and the one handler that turns errors into JSON.

Error body, for every error the API returns: {"error": {"code": "...", "message": "..."}}, with the
HTTP status of the `workers.errors` class (or of `ApiError` for API-only conditions such as 404/409).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import JSONResponse
from redis import Redis
from rq import Queue

from workers.errors import GongwenError, ServiceUnavailable
from workers.queue.queue import connect, make_queue
from workers.settings import Settings
from workers.storage.backend import StorageBackend, open_storage


@dataclass(frozen=True)
class AppState:
    settings: Settings
    redis: Redis
    storage: StorageBackend
    queue: Queue

    @classmethod
    def build(cls, settings: Settings) -> AppState:
        redis = connect(settings)
        storage = open_storage(settings)
        storage.ensure()  # a bucket is only checked by /readyz: the API starts while the store is away
        return cls(settings, redis, storage, make_queue(settings, redis))

    def close(self) -> None:
        """Close the Redis connections and the storage's client (at the app's shutdown): an app dropped with
        them open frees their sockets only in the cyclic garbage collector, with a ResourceWarning."""
        self.redis.close()
        self.storage.close()


class ApiError(Exception):
    """An error only the HTTP interface has (unknown id, not finished yet…)."""

    def __init__(self, http_status: int, code: str, message: str, **extra: object) -> None:
        super().__init__(message)
        self.http_status, self.code, self.message, self.extra = http_status, code, message, extra


async def state(request: Request) -> AppState:
    """FastAPI dependency: the process's AppState."""
    app_state: AppState = request.app.state.gongwen
    return app_state


State = Annotated[AppState, Depends(state)]
"""Route parameter type: `app: State` gives the process's AppState."""


def error_body(code: str, message: str, **extra: object) -> dict[str, object]:
    return {"error": {"code": code, "message": message, **extra}}


async def handle_gongwen_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, GongwenError)
    return JSONResponse(error_body(exc.code, exc.message), status_code=exc.http_status)


async def handle_redis_error(request: Request, exc: Exception) -> JSONResponse:
    """Redis unreachable or failing: 503 with the stable code `unavailable` (clients may retry)."""
    return JSONResponse(error_body(ServiceUnavailable.code, f"the queue is unavailable: {exc}"),
                        status_code=ServiceUnavailable.http_status)


async def handle_api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    headers = {"Retry-After": str(exc.extra["retry_after_s"])} if "retry_after_s" in exc.extra else None
    return JSONResponse(error_body(exc.code, exc.message, **exc.extra), status_code=exc.http_status, headers=headers)
