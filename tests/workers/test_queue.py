"""The queue and its workers: storage, failure classification, and real worker processes on a real Redis.

Slow tests start `gongwen worker` processes and run real OCR on one-page scans (a few seconds each).
Bounds: a worker registers within WORKER_READY_TIMEOUT_S (model load on a busy machine); a job whose
worker was SIGKILLed is re-queued or failed within KILL_RECOVERY_BOUND_S (lease + back-off + one page).
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rq.exceptions import AbandonedJobError
from rq.job import Job
from rq.timeouts import JobTimeoutException

from workers import defaults
from workers.errors import CorruptInput, InputTooLarge, StorageFull
from workers.queue.queue import connect, conversion_options, fetch_job, new_id, submit
from workers.queue.status import JobState, describe_job, job_state
from workers.queue.worker import classify_failure
from workers.storage.directory import Storage, result_key

STALLED_JOB_TIMEOUT_S = 3
"""The rq timeout of a job whose OCR call stalls for an hour: any value fails it with `timeout`."""
KILL_RECOVERY_BOUND_S = defaults.JOB_LEASE_S + defaults.WORKER_MAINTENANCE_INTERVAL_S + 90
"""Seconds within which a job whose worker was SIGKILLed must be finished by another worker or failed:
its lease expires (JOB_LEASE_S), a maintenance pass or a status read reaps it, the retry waits its
back-off, then one page of OCR on a busy machine."""

JOB_BOUND_S = 300.0
"""Seconds a one-page job may take from submit to finished on a busy 2-core machine."""


# -- storage and ids (fast) ----------------------------------------------------------------------

def test_uploads_are_content_addressed(tmp_path: Path) -> None:
    storage = Storage(tmp_path)
    storage.ensure()
    first = storage.save_chunks([b"%PDF-1.4 ", b"same bytes"], max_bytes=1 << 20)
    second = storage.save_chunks([b"%PDF-1.4 same bytes"], max_bytes=1 << 20)
    assert first == second
    assert first.path.read_bytes() == b"%PDF-1.4 same bytes"
    assert not list(storage.tmp_dir.iterdir())


def test_upload_over_the_limit_is_refused_and_leaves_nothing(tmp_path: Path) -> None:
    storage = Storage(tmp_path)
    with pytest.raises(InputTooLarge):
        storage.save_chunks([b"x" * 600, b"x" * 600], max_bytes=1000)
    assert not list((tmp_path / "uploads").rglob("*")) if (tmp_path / "uploads").exists() else True
    assert not list(storage.tmp_dir.iterdir())


def test_result_key_depends_on_bytes_and_options() -> None:
    sha = "ab" * 32
    assert result_key(sha, {"dpi": None}) == result_key(sha, {"dpi": None})
    assert result_key(sha, {"dpi": None}) != result_key(sha, {"dpi": 300})
    assert result_key(sha, {"dpi": None}) != result_key("cd" * 32, {"dpi": None})


def test_results_are_written_whole_and_swept_after_their_ttl(tmp_path: Path) -> None:
    storage = Storage(tmp_path)
    storage.ensure()
    key = result_key("ab" * 32, {"dpi": None})
    pdf = b"%PDF-1.7 bytes as they are"
    storage.write_result(key, {"text": "正文\n", "md": "# 标题\n", "json": "{}\n", "alto": "<alto/>", "hocr": "<html/>",
                               "pdf": pdf})
    storage.write_result(key, {"text": "again\n", "md": "", "json": "", "alto": "", "hocr": "",
                               "pdf": b""})  # a second writer changes nothing
    assert storage.read_result(key, "text") == "正文\n".encode()
    assert storage.read_result(key, "pdf") == pdf and storage.result_path(key, "alto").name == "result.alto.xml"
    assert storage.sweep(upload_ttl_s=3600, result_ttl_s=3600) == 0
    assert storage.sweep(upload_ttl_s=3600, result_ttl_s=3600, now=time.time() + 7200) == 1
    assert not storage.has_result(key)


def test_job_ids_are_128_random_bits() -> None:
    ids = {new_id() for _ in range(1000)}
    assert len(ids) == 1000
    assert all(len(i) == 32 and int(i, 16) >= 0 for i in ids)


def _wrapped(cause: BaseException) -> BaseException:
    """`cause` re-raised as ModelError, the way the engine wraps whatever PaddleOCR raised."""
    from workers.errors import ModelError

    try:
        try:
            raise cause
        except Exception as exc:
            raise ModelError("OCR failed on page 1") from exc
    except ModelError as wrapped:
        return wrapped


@pytest.mark.parametrize(("exc", "code", "retry"), [
    (CorruptInput("truncated PDF"), "corrupt_input", False),
    (StorageFull("disk full"), "storage_full", True),
    (AbandonedJobError(), "worker_lost", True),
    (JobTimeoutException("too slow"), "timeout", False),
    (ValueError("a bug"), "internal_error", False),
    (_wrapped(JobTimeoutException("too slow")), "timeout", False),
])
def test_only_transient_failures_are_retried(exc: BaseException, code: str, retry: bool) -> None:
    from redis import Redis

    job = Job(id="x" * 32, connection=Redis.from_url("redis://127.0.0.1:6379/14"))  # not saved: no I/O
    job.meta = {}
    got_code, message, transient = classify_failure(exc, job)
    assert (got_code, transient) == (code, retry)
    assert message


# -- real workers (slow) -------------------------------------------------------------------------

def _submit_file(settings: Any, path: Path) -> str:
    storage = Storage(settings.storage_dir)
    storage.ensure()
    stored = storage.save_file(path, max_bytes=1 << 24)
    sub = submit(connect(settings), settings, storage, stored, filename=path.name,
                 options=conversion_options(None), pages=1)
    return sub.job_id


def _wait_state(settings: Any, job_id: str, states: set[JobState], timeout_s: float) -> Job:
    from workers.queue.queue import make_queue, reap_abandoned

    redis = connect(settings)
    deadline = time.monotonic() + timeout_s
    while True:
        reap_abandoned(make_queue(settings, redis))
        job = fetch_job(redis, job_id)
        assert job is not None
        if job_state(job) in states:
            return job
        assert time.monotonic() < deadline, f"job {job_id} still {job_state(job).value} after {timeout_s} s"
        time.sleep(0.1)


@pytest.mark.slow
def test_worker_loads_the_model_once_and_every_job_reuses_it(
        queue_settings: Any, workers: Any, make_scan: Callable[..., Path]) -> None:
    workers.start()
    workers.wait_ready(1)
    first = _submit_file(queue_settings, make_scan("load-a.png", variant=1))
    second = _submit_file(queue_settings, make_scan("load-b.png", variant=2))
    views = [describe_job(_wait_state(queue_settings, job_id, {JobState.FINISHED, JobState.FAILED}, JOB_BOUND_S))
             for job_id in (first, second)]
    assert [v["status"] for v in views] == ["finished", "finished"], views
    assert views[0]["worker"]["pid"] == views[1]["worker"]["pid"]
    ttl = connect(queue_settings).ttl(f"rq:job:{first}")
    assert 0 < ttl <= queue_settings.result_ttl_s  # a finished job is kept for the configured TTL
    # the model was loaded once, before the first job; neither job waited for it
    assert [v["worker"]["engine_loads"] for v in views] == [1, 1]
    assert all(v["worker"]["engine_wait_s"] < 1.0 for v in views)  # a look-up (~µs), not a model load (4–10 s)
    load_s = float(connect(queue_settings).hget(
        f"rq:worker:{fetch_job(connect(queue_settings), second).worker_name}", "gongwen_engine_load_s") or 0)
    print(f"\nmodel load {load_s:.2f} s (once, at worker start); job run times "
          f"{views[0]['timings']['run_s']} s, {views[1]['timings']['run_s']} s")


@pytest.mark.slow
def test_sigkill_mid_job_requeues_to_another_worker_or_fails_clearly(
        queue_settings: Any, workers: Any, make_scan: Callable[..., Path]) -> None:
    first, second = workers.start(), workers.start()
    workers.wait_ready(2)
    job_id = _submit_file(queue_settings, make_scan("kill.png", variant=3))
    job = _wait_state(queue_settings, job_id, {JobState.STARTED, JobState.FINISHED}, JOB_BOUND_S)
    while "worker_pid" not in job.meta and job_state(job) is JobState.STARTED:  # rq marks it started first
        time.sleep(0.05)
        job.refresh()
    assert job_state(job) is JobState.STARTED, "the job finished before it could be killed"
    victim = int(job.meta["worker_pid"])
    assert victim in (first.pid, second.pid)
    os.kill(victim, signal.SIGKILL)
    killed_at = time.monotonic()
    job = _wait_state(queue_settings, job_id, {JobState.FINISHED, JobState.FAILED}, KILL_RECOVERY_BOUND_S)
    view = describe_job(job)
    print(f"\nrecovered in {time.monotonic() - killed_at:.1f} s: {view['status']} attempts={view['attempts']}")
    if view["status"] == "finished":
        assert view["attempts"] == 2
        assert view["worker"]["pid"] != victim
    else:
        assert view["error"]["code"] == "worker_lost"


@pytest.mark.slow
def test_sigterm_lets_the_current_job_finish_and_takes_no_new_one(
        queue_settings: Any, workers: Any, make_scan: Callable[..., Path]) -> None:
    proc = workers.start()
    workers.wait_ready(1)
    current = _submit_file(queue_settings, make_scan("term-a.png", variant=4))
    waiting = _submit_file(queue_settings, make_scan("term-b.png", variant=5))
    job = _wait_state(queue_settings, current, {JobState.STARTED, JobState.FINISHED}, JOB_BOUND_S)
    assert job_state(job) is JobState.STARTED
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=JOB_BOUND_S) == 0
    redis = connect(queue_settings)
    done, left = fetch_job(redis, current), fetch_job(redis, waiting)
    assert done is not None and left is not None
    assert job_state(done) is JobState.FINISHED
    assert job_state(left) is JobState.QUEUED
    assert int(left.meta.get("attempts", 0)) == 0
    from fastapi.testclient import TestClient

    from service.api import create_app

    with TestClient(create_app(queue_settings)) as client:  # the worker that made it has exited
        result = client.get(f"/v1/jobs/{current}/result", params={"format": "text"})
        assert result.status_code == 200 and "通知" in result.text


@pytest.mark.slow
def test_a_batch_of_ten_through_two_worker_processes_runs_each_job_exactly_once(
        queue_settings: Any, workers: Any, make_scan: Callable[..., Path]) -> None:
    from fastapi.testclient import TestClient

    from service.api import create_app

    workers.start("--processes", "2")
    workers.wait_ready(2)
    scans = [make_scan(f"ten-{i}.png", variant=100 + i) for i in range(10)]
    with TestClient(create_app(queue_settings)) as client:
        files = [("files", (p.name, p.read_bytes(), "image/png")) for p in scans]
        batch = client.post("/v1/batches", files=files).json()
        deadline = time.monotonic() + 10 * JOB_BOUND_S / 2
        while not (status := client.get(f"/v1/batches/{batch['id']}").json())["done"]:
            assert time.monotonic() < deadline, status["counts"]
            time.sleep(0.5)
    assert status["counts"]["finished"] == 10, status
    redis = connect(queue_settings)
    jobs = [fetch_job(redis, d["id"]) for d in status["documents"]]
    assert len({job.id for job in jobs if job}) == 10
    for job in jobs:
        assert job is not None
        assert job.meta["attempts"] == 1, job.meta
        assert len(job.results()) == 1  # one execution recorded by rq
    pids = {job.meta["worker_pid"] for job in jobs if job}
    assert len(pids) == 2, f"both worker processes should have taken jobs: {pids}"


@pytest.mark.slow
def test_a_job_over_its_timeout_fails_with_code_timeout_and_is_not_retried(
        queue_settings: Any, workers: Any, make_scan: Callable[..., Path]) -> None:
    from rq import Retry
    from stalls import PYTHON_STALL_FUNC  # tests/workers is on sys.path under pytest

    from workers.queue.queue import make_queue

    workers.start()
    workers.wait_ready(1)
    storage = Storage(queue_settings.storage_dir)
    stored = storage.save_file(make_scan("timeout.png", variant=50), max_bytes=1 << 24)
    queue = make_queue(queue_settings, connect(queue_settings))
    # slow by construction: the real convert_job, whose OCR call sleeps an hour in Python (interruptible by
    # rq's SIGALRM), so the job can only end by its timeout, on any machine
    job = queue.enqueue_call(PYTHON_STALL_FUNC, args=(stored.sha256, "timeout.png", conversion_options(None)),
                             timeout=STALLED_JOB_TIMEOUT_S, retry=Retry(max=2, interval=[1]), meta={"pages": 1},
                             failure_ttl=queue_settings.failure_ttl_s)
    job = _wait_state(queue_settings, job.id, {JobState.FINISHED, JobState.FAILED}, JOB_BOUND_S)
    view = describe_job(job)
    assert view["status"] == "failed"
    assert view["error"]["code"] == "timeout"
    assert view["attempts"] == 1 and job.retries_left == 0
    assert len(job.results()) == 1
    assert 0 < connect(queue_settings).ttl(job.key) <= queue_settings.failure_ttl_s  # kept days, not a year
