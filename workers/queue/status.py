"""A job as the outside sees it: state, progress, timings, error (shared by the API and `gongwen batch`).

States (a `str` Enum, so they survive JSON): queued, started, finished, failed, canceled. rq's
`scheduled` (waiting for a retry's back-off) and `deferred` read as queued; `stopped` as canceled.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

from rq.job import Job, JobStatus


class JobState(str, Enum):
    QUEUED = "queued"
    STARTED = "started"
    FINISHED = "finished"
    FAILED = "failed"
    CANCELED = "canceled"


_STATES: dict[JobStatus, JobState] = {
    JobStatus.CREATED: JobState.QUEUED,
    JobStatus.QUEUED: JobState.QUEUED,
    JobStatus.SCHEDULED: JobState.QUEUED,
    JobStatus.DEFERRED: JobState.QUEUED,
    JobStatus.READY_TO_ENQUEUE: JobState.QUEUED,
    JobStatus.RATE_LIMITED: JobState.QUEUED,
    JobStatus.STARTED: JobState.STARTED,
    JobStatus.FINISHED: JobState.FINISHED,
    JobStatus.FAILED: JobState.FAILED,
    JobStatus.STOPPED: JobState.CANCELED,
    JobStatus.CANCELED: JobState.CANCELED,
}


def job_state(job: Job) -> JobState:
    return _STATES.get(job.get_status(refresh=False) or JobStatus.QUEUED, JobState.QUEUED)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _seconds(start: datetime | None, end: datetime | None) -> float | None:
    return round((end - start).total_seconds(), 3) if start and end else None


def job_error(job: Job, state: JobState) -> dict[str, str] | None:
    """The stable {code, message} of a failed or canceled job; None otherwise."""
    if state is JobState.CANCELED:
        return {"code": "canceled", "message": "canceled on request"}
    if state is not JobState.FAILED:
        return None
    error = job.meta.get("error")
    if isinstance(error, dict) and error.get("code"):
        return {"code": str(error["code"]), "message": str(error.get("message", ""))}
    result = job.latest_result()
    exc = (result.exc_string or "") if result is not None else ""
    if "AbandonedJobError" in exc or not exc:  # reaped by a process without our exception handler
        return {"code": "worker_lost", "message": "the worker running the job stopped (crash, kill or restart)"}
    return {"code": "internal_error", "message": exc.strip().splitlines()[-1][:500]}


def describe_job(job: Job) -> dict[str, Any]:
    """The JSON body of GET /v1/jobs/{id} (without URLs, which the API adds)."""
    state = job_state(job)
    meta = job.meta
    progress = meta.get("progress") or {"pages_done": 0, "pages_total": meta.get("pages", 0)}
    return {
        "id": job.id,
        "status": state.value,
        "filename": meta.get("filename"),
        "sha256": meta.get("sha256"),
        "options": meta.get("options", {}),
        "progress": {"pages_done": int(progress.get("pages_done", 0)),
                     "pages_total": int(progress.get("pages_total", 0))},
        "attempts": int(meta.get("attempts", 0)),
        "cached": bool(meta.get("cached", False)),
        "timings": {
            "enqueued_at": _iso(job.enqueued_at or job.created_at),
            "started_at": _iso(job.started_at),
            "ended_at": _iso(job.ended_at),
            "queued_s": _seconds(job.enqueued_at, job.started_at),
            "run_s": _seconds(job.started_at, job.ended_at) if state is JobState.FINISHED else None,
            "pipeline": meta.get("timings", {}),
        },
        "worker": {"pid": meta.get("worker_pid"), "host": meta.get("worker_host"),
                   "engine_loads": meta.get("engine_loads"), "engine_wait_s": meta.get("engine_wait_s")},
        "error": job_error(job, state),
    }
