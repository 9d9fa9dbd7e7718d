"""The queue: Redis connection, RQ queue, our own Redis keys, and submitting a conversion.

Every job is one document. Its id is 128 random bits (`secrets.token_hex(16)`), unguessable, because
the id is the only key to a user's document. Jobs are serialised as JSON (rq's JSONSerializer), so job
arguments must be JSON-safe: the upload's SHA-256, the original filename, the options dict.

Our keys sit next to rq's under `gongwen:<queue>:`:

    dedupe:<result key>   → job id of the conversion of those bytes with those options
                            (dedupe:<owner>:<result key> when API keys are on: one key's jobs are its own)
    batch:<batch id>      → JSON list of {filename, job} of one batch
    batch-owner:<batch id> → the owner tag of the API key that made the batch
    cancel:<job id>       → set while a running job should stop at its next page
    stats:*               → counters of pages and seconds per page (`workers.queue.stats`)
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from redis import Redis
from rq import Queue, Retry
from rq.job import Job, JobStatus
from rq.serializers import JSONSerializer

from workers import defaults
from workers.settings import Settings
from workers.storage.directory import StoredUpload, result_key

if TYPE_CHECKING:
    from workers.storage.backend import StorageBackend

JOB_FUNC = "workers.queue.jobs.convert_job"
"""The RQ job function, by import path (the API never imports the OCR side)."""

LIVE_STATUSES = {JobStatus.QUEUED, JobStatus.STARTED, JobStatus.SCHEDULED, JobStatus.DEFERRED,
                 JobStatus.FINISHED, JobStatus.CREATED}
"""A duplicate submission joins a job in one of these states; a failed or canceled one is redone."""


def new_id() -> str:
    """128 random bits as 32 hex digits: job and batch ids."""
    return secrets.token_hex(16)


def connect(settings: Settings) -> Redis:
    return Redis.from_url(settings.redis_url)


def make_queue(settings: Settings, connection: Redis) -> Queue:
    return Queue(settings.queue_name, connection=connection, serializer=JSONSerializer)


def as_text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def key(settings: Settings, *parts: str) -> str:
    return ":".join(("gongwen", settings.queue_name, *parts))


def job_timeout_s(pages: int) -> int:
    """A job's timeout grows with its page count (defaults.JOB_TIMEOUT_*)."""
    return defaults.JOB_TIMEOUT_BASE_S + defaults.JOB_TIMEOUT_PER_PAGE_S * max(1, pages)


def fetch_job(connection: Redis, job_id: str) -> Job | None:
    """The job, or None for an unknown (or expired, or malformed) id."""
    if not job_id or len(job_id) > 64 or not all(c.isalnum() or c in "-_" for c in job_id):
        return None
    if not Job.exists(job_id, connection):
        return None
    return Job.fetch(job_id, connection=connection, serializer=JSONSerializer)


@dataclass(frozen=True)
class Submission:
    """What submitting a document gave: the job and whether it already existed (`deduplicated`)."""

    job_id: str
    status: str
    deduplicated: bool
    pages: int


def conversion_options(dpi: int | None, split: bool = False) -> dict[str, Any]:
    """The options that change a conversion's output (the output format does not: all are made). `split`
    is recorded only when set, so an unsplit conversion keeps the result key it always had."""
    return {"dpi": dpi, "split": True} if split else {"dpi": dpi}


def dedupe_key(settings: Settings, rkey: str, owner: str = "") -> str:
    """The Redis key naming the job that converts `rkey`; per owner, so no API key sees another's job."""
    return key(settings, "dedupe", owner, rkey) if owner else key(settings, "dedupe", rkey)


def submit(connection: Redis, settings: Settings, storage: StorageBackend, upload: StoredUpload, *,
           filename: str, options: dict[str, Any], pages: int, owner: str = "") -> Submission:
    """Enqueue one document, or return the job that already converts (or converted) the same bytes.

    The dedupe key is claimed with SET NX before enqueueing, so two concurrent identical submissions
    make one job. When the Redis job has expired but its result files are still in storage, a job is
    recorded as finished at once, without OCR. `owner` (the tag of the API key, `service.auth.owner_tag`)
    is kept in the job's meta; deduplication never crosses owners (the stored result is still shared).
    """
    rkey = result_key(upload.sha256, options)
    dedupe = dedupe_key(settings, rkey, owner)
    queue = make_queue(settings, connection)
    for _ in range(3):  # the claimed job may vanish between GET and fetch: try again
        existing = connection.get(dedupe)
        if existing is not None:
            job = fetch_job(connection, as_text(existing))
            if job is not None and job.get_status() in LIVE_STATUSES:
                return Submission(job.id, job.get_status().value, True, int(job.meta.get("pages", pages)))
            connection.delete(dedupe)
        job_id = new_id()
        if not connection.set(dedupe, job_id, nx=True, ex=settings.result_ttl_s):
            continue
        meta = {"filename": filename, "sha256": upload.sha256, "options": options, "result_key": rkey,
                "pages": pages, "progress": {"pages_done": 0, "pages_total": pages}, "attempts": 0,
                "owner": owner}
        if storage.has_result(rkey):
            job = _record_cached(queue, settings, job_id, upload, filename, options, meta)
            return Submission(job.id, JobStatus.FINISHED.value, True, pages)
        queue.enqueue_call(
            JOB_FUNC, args=(upload.sha256, filename, options), job_id=job_id, meta=meta,
            timeout=job_timeout_s(pages), result_ttl=settings.result_ttl_s,
            failure_ttl=settings.failure_ttl_s, ttl=defaults.QUEUED_TTL_S,
            retry=Retry(max=defaults.JOB_RETRY_MAX, interval=list(defaults.JOB_RETRY_BACKOFF_S)),
            description=f"convert {filename}",
        )
        return Submission(job_id, JobStatus.QUEUED.value, False, pages)
    raise RuntimeError("could not claim the dedupe key")  # pragma: no cover - needs a pathological race


def _record_cached(queue: Queue, settings: Settings, job_id: str, upload: StoredUpload, filename: str,
                   options: dict[str, Any], meta: dict[str, Any]) -> Job:
    """A job that is finished from birth: its result is already in storage."""
    meta = {**meta, "cached": True, "progress": {"pages_done": meta["pages"], "pages_total": meta["pages"]}}
    job = queue.create_job(JOB_FUNC, args=(upload.sha256, filename, options), job_id=job_id, meta=meta,
                           result_ttl=settings.result_ttl_s, status=JobStatus.FINISHED,
                           description=f"convert {filename} (cached)")
    with queue.connection.pipeline() as pipe:
        job.save(pipeline=pipe)
        pipe.expire(job.key, settings.result_ttl_s)
        queue.finished_job_registry.add(job, settings.result_ttl_s, pipeline=pipe)
        pipe.execute()
    return job


def request_cancel(connection: Redis, settings: Settings, job: Job) -> bool:
    """Cancel a queued job now, or ask a running one to stop at its next page. False if it has ended."""
    status = job.get_status()
    if status in (JobStatus.QUEUED, JobStatus.SCHEDULED, JobStatus.DEFERRED, JobStatus.CREATED):
        job.cancel()
        connection.expire(job.key, settings.failure_ttl_s)
        connection.delete(dedupe_key(settings, str(job.meta.get("result_key", "")), str(job.meta.get("owner", ""))))
        return True
    if status is JobStatus.STARTED:
        connection.set(key(settings, "cancel", job.id), "1", ex=defaults.CANCEL_FLAG_TTL_S)
        return True
    return False


def cancel_requested(connection: Redis, settings: Settings, job_id: str) -> bool:
    return bool(connection.exists(key(settings, "cancel", job_id)))


def save_batch(connection: Redis, settings: Settings, batch_id: str, items: list[dict[str, Any]],
               owner: str = "") -> None:
    with connection.pipeline() as pipe:
        pipe.set(key(settings, "batch", batch_id), json.dumps(items), ex=settings.result_ttl_s)
        pipe.set(key(settings, "batch-owner", batch_id), owner, ex=settings.result_ttl_s)
        pipe.execute()


def batch_owner(connection: Redis, settings: Settings, batch_id: str) -> str | None:
    """The owner tag a batch was made with ("" without API keys); None for an unknown batch."""
    raw = connection.get(key(settings, "batch-owner", batch_id))
    return None if raw is None else as_text(raw)


def load_batch(connection: Redis, settings: Settings, batch_id: str) -> list[dict[str, Any]] | None:
    raw = connection.get(key(settings, "batch", batch_id))
    return None if raw is None else list(json.loads(raw))


def count_live_workers(queue: Queue) -> int:
    """Workers registered on the queue whose registration has not expired (a killed worker's entry
    stays in rq's set until some worker's maintenance cleans it; its heartbeat key expires sooner)."""
    from rq import worker_registration

    keys = sorted(worker_registration.get_keys(queue=queue))
    if not keys:
        return 0
    with queue.connection.pipeline() as pipe:
        for worker_key in keys:
            pipe.exists(worker_key)
        return sum(1 for alive in pipe.execute() if alive)


def reap_abandoned(queue: Queue) -> None:
    """Retry or fail jobs whose worker stopped heartbeating (what worker maintenance also does)."""
    queue.started_job_registry.cleanup()
