"""API keys: `X-API-Key: <key>` or `Authorization: Bearer <key>`; no keys configured = open API."""

from __future__ import annotations

import secrets

from fastapi import Request

from service.app import ApiError, State


def require_api_key(request: Request, app: State) -> str | None:
    """FastAPI dependency on every /v1 route; returns the key used (None when auth is off)."""
    keys = app.settings.api_keys
    if not keys:
        return None
    given = request.headers.get("x-api-key", "")
    auth = request.headers.get("authorization", "")
    if not given and auth.lower().startswith("bearer "):
        given = auth[7:].strip()
    if given and any(secrets.compare_digest(given.encode(), key.encode()) for key in keys):
        return given
    raise ApiError(401, "unauthorized", "missing or unknown API key (X-API-Key header)")
