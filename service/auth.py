"""API keys, per-key ownership of jobs and batches, and per-key submission rate limits.

Keys: `Authorization: Bearer <key>` (or `X-API-Key: <key>`); no keys configured = open API. A key is
compared in constant time against every configured key (SHA-256 digests compared with
`hmac.compare_digest`, no early exit), and it is never logged, stored or echoed: jobs and batches carry
only its owner tag (`owner_tag`, a salted SHA-256 prefix). A job or batch made with one key answers 404
to any other key, exactly as an unknown id does.
"""

from __future__ import annotations

import hashlib
import hmac
import time

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from service.app import ApiError, AppState, State
from workers.queue.queue import batch_owner, fetch_job, key

OWNER_SALT = b"gongwen-owner:"
"""Prefix hashed with a key into its owner tag (the tag identifies a key without revealing it)."""
RATE_WINDOW_S = 60
"""Length of one rate-limit window (the limit is per minute)."""
LIMITED_METHODS = ("POST",)
"""Requests that count against the rate limit: submissions (polling and downloads do not)."""


def owner_tag(api_key: str) -> str:
    """What jobs and batches record about the key that made them: 128 bits of a salted SHA-256."""
    return hashlib.sha256(OWNER_SALT + api_key.encode()).hexdigest()[:32]


def key_matches(given: str, keys: tuple[str, ...]) -> bool:
    """Constant time: every configured key is compared (digests: equal length whatever the input)."""
    given_digest = hashlib.sha256(given.encode()).digest()
    matched = False
    for candidate in keys:
        matched |= hmac.compare_digest(given_digest, hashlib.sha256(candidate.encode()).digest())
    return matched


def _given_key(request: Request) -> str:
    given = request.headers.get("x-api-key", "")
    auth = request.headers.get("authorization", "")
    if not given and auth[:7].lower() == "bearer ":
        given = auth[7:].strip()
    return given


async def require_api_key(request: Request, app: State) -> str | None:
    """FastAPI dependency on every /v1 route and /metrics; returns the key used (None when auth is off).

    Also: records the caller's owner tag in `request.state.owner`, refuses a job or batch of another
    key with 404, and counts submissions against `settings.rate_limit_per_min` (429 over it). Async, so
    an open API pays no thread hop per request; the Redis look-ups run in the thread pool."""
    keys = app.settings.api_keys
    given = _given_key(request) if keys else ""
    if keys and not (given and key_matches(given, keys)):
        raise ApiError(401, "unauthorized", "missing or unknown API key (send Authorization: Bearer <key>)")
    owner = owner_tag(given) if keys else ""
    request.state.owner = owner
    if keys and ("job_id" in request.path_params or "batch_id" in request.path_params):
        await run_in_threadpool(_check_owner, request, app, owner)
    if request.method in LIMITED_METHODS and app.settings.rate_limit_per_min > 0:
        client = request.client.host if request.client else "unknown"
        await run_in_threadpool(_check_rate, app, owner or f"addr:{client}")
    return given or None


def _check_owner(request: Request, app: AppState, owner: str) -> None:
    job_id = request.path_params.get("job_id")
    if job_id is not None:
        job = fetch_job(app.redis, str(job_id))
        if job is not None and job.meta.get("owner") != owner:
            raise ApiError(404, "not_found", f"no job {job_id} (unknown, or expired)")
    batch_id = request.path_params.get("batch_id")
    if batch_id is not None:
        made_by = batch_owner(app.redis, app.settings, str(batch_id))
        if made_by is not None and made_by != owner:
            raise ApiError(404, "not_found", f"no batch {batch_id}")


def _check_rate(app: AppState, bucket: str) -> None:
    """Fixed one-minute windows counted in Redis, so the limit holds across API replicas."""
    now = time.time()
    window = int(now // RATE_WINDOW_S)
    name = key(app.settings, "rate", bucket, str(window))
    with app.redis.pipeline() as pipe:
        pipe.incr(name)
        pipe.expire(name, RATE_WINDOW_S * 2)
        count = int(pipe.execute()[0])
    if count > app.settings.rate_limit_per_min:
        retry_after = max(1, int((window + 1) * RATE_WINDOW_S - now) + 1)
        raise ApiError(429, "rate_limited",
                       f"more than {app.settings.rate_limit_per_min} submissions this minute; retry in {retry_after} s",
                       retry_after_s=retry_after)
