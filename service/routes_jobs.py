"""GET /v1/jobs/{id} (state, progress, timings, error), GET /v1/jobs/{id}/result, DELETE /v1/jobs/{id}."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response, StreamingResponse
from rq.job import Job

from service.app import ApiError, AppState, State
from service.auth import require_api_key
from workers.queue.queue import fetch_job, reap_abandoned, request_cancel
from workers.queue.status import JobState, describe_job, job_state
from workers.storage.directory import MEDIA_TYPES, SUFFIXES

router = APIRouter(prefix="/v1/jobs", dependencies=[Depends(require_api_key)], tags=["jobs"])


def job_or_404(app: AppState, job_id: str) -> Job:
    """The job (its owner was checked by `require_api_key`), or 404; a job whose worker died is settled."""
    job = fetch_job(app.redis, job_id)
    if job is None:
        raise ApiError(404, "not_found", f"no job {job_id} (unknown, or expired)")
    if job_state(job) is JobState.STARTED:
        reap_abandoned(app.queue)  # a job whose worker died is re-queued or failed right here
        job.refresh()
    return job


@router.get("/{job_id}", name="get_job", summary="State, progress, timings and error of a job")
def get_job(job_id: str, request: Request, app: State) -> dict[str, Any]:
    view = describe_job(job_or_404(app, job_id))
    view["result_url"] = f"{request.url_for('get_result', job_id=job_id)}?format=text"
    return view


@router.get("/{job_id}/result", name="get_result", summary="The result: text, Markdown, JSON (SPEC), ALTO, hOCR or searchable PDF/A",
            responses={404: {"description": "unknown job"}, 409: {"description": "not finished"},
                       410: {"description": "result expired"}})
def get_result(job_id: str, app: State,
               format: Annotated[Literal["text", "md", "json", "alto", "hocr", "pdf"], Query()] = "text") -> Response:
    job = job_or_404(app, job_id)
    view = describe_job(job)
    if view["status"] != JobState.FINISHED.value:
        raise ApiError(409, "not_finished", f"job {job_id} is {view['status']}", job_status=view["status"],
                       job_error=view["error"])
    key = str(job.meta.get("result_key", ""))
    if not key or not app.storage.has_result(key):
        raise ApiError(410, "expired", f"the result of job {job_id} is no longer kept")
    name = f"result.{SUFFIXES[format]}"
    if app.settings.storage_presign_s > 0:  # the client fetches it from the store itself
        url = app.storage.presigned_url("results", key, name, app.settings.storage_presign_s)
        if url is not None:
            return RedirectResponse(url, status_code=307)
    blob = app.storage.open_named("results", key, name)
    if blob is None:
        raise ApiError(410, "expired", f"the result of job {job_id} is no longer kept")
    return StreamingResponse(blob.chunks, media_type=MEDIA_TYPES[format],
                             headers={"Content-Length": str(blob.size)})


@router.delete("/{job_id}", summary="Cancel a queued or running job",
               responses={409: {"description": "already ended"}})
def delete_job(job_id: str, app: State) -> dict[str, Any]:
    """A queued job is canceled at once; a running one stops at its next page (state `canceled`)."""
    job = job_or_404(app, job_id)
    if not request_cancel(app.redis, app.settings, job):
        raise ApiError(409, "already_ended", f"job {job_id} is {job_state(job).value}",
                       job_status=job_state(job).value)
    job.refresh()
    return {"id": job_id, "status": job_state(job).value, "cancel_requested": True}
