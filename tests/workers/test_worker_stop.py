"""A worker told to stop (SIGTERM) exits whatever Redis does afterwards (`docker compose down` stops the
workers and Redis at once): it is never stuck restarting itself against a Redis that is gone.

Each test runs its OWN redis-server (tests/servers.py: a free loopback port, AOF under tmp_path) and
kills it; the machine's shared Redis is never touched.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from servers import PrivateRedis  # tests/servers.py (tests/ is on sys.path)

from workers import defaults
from workers.queue.queue import connect, conversion_options, fetch_job, make_queue, reap_abandoned, submit
from workers.queue.status import JobState, job_state
from workers.storage.directory import Storage

SAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "samples" / "sample_reply.pdf"
EXIT_BOUND_S = 10.0
"""Seconds within which the stopped worker must be gone once Redis is (the issue's bound): it notices at
its next heartbeat (every JOB_HEARTBEAT_INTERVAL_S = 5 s) or its next page, whichever comes first."""


@pytest.fixture
def queue_settings(private_queue_settings: Any) -> Any:
    """The test's own Redis (tests/conftest.py), not the shared DB 14: this module kills it."""
    return private_queue_settings


@pytest.fixture
def redis(queue_settings: Any) -> Iterator[Any]:
    """A client of the test's Redis, closed after the test (`private_redis` checks that none is left open)."""
    with connect(queue_settings) as client:
        yield client


def _wait_started(redis: Any, job_id: str, timeout_s: float = 300) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        job = fetch_job(redis, job_id)
        assert job is not None
        if job_state(job) is JobState.STARTED:
            return
        assert time.monotonic() < deadline, f"job {job_id} still {job_state(job).value}"
        time.sleep(0.1)


def _wait_gone(proc: Any, workers: Any, bound_s: float) -> float:
    started = time.monotonic()
    while proc.poll() is None:
        assert time.monotonic() - started < bound_s, f"worker still running {bound_s} s later: {workers.logs()}"
        time.sleep(0.05)
    return time.monotonic() - started


@pytest.mark.slow
def test_sigterm_mid_job_then_redis_gone_the_worker_exits_and_its_job_goes_back(
        private_redis: PrivateRedis, queue_settings: Any, redis: Any, workers: Any) -> None:
    storage = Storage(queue_settings.storage_dir)
    storage.ensure()
    stored = storage.save_file(SAMPLE, max_bytes=1 << 24)
    job_id = submit(redis, queue_settings, storage, stored, filename=SAMPLE.name,
                    options=conversion_options(None), pages=3).job_id
    worker = workers.start()
    workers.wait_ready(1)
    _wait_started(redis, job_id)

    worker.send_signal(signal.SIGTERM)
    time.sleep(0.2)  # rq's handler has run: the worker means to finish this job, then stop
    private_redis.kill()
    took = _wait_gone(worker, workers, EXIT_BOUND_S)
    print(f"\nworker gone {took:.1f} s after Redis, exit status {worker.returncode}")
    assert worker.returncode == 0, workers.logs()
    assert "lost Redis" not in workers.logs()  # it never tried to start afresh
    assert "stopping as asked" in workers.logs()

    # The job was handed back, not lost: once Redis is back and the lease has run out it is queued again.
    private_redis.start()  # the client connects again on its next command
    deadline = time.monotonic() + defaults.JOB_LEASE_S + 60
    while True:
        reap_abandoned(make_queue(queue_settings, redis))
        job = fetch_job(redis, job_id)
        assert job is not None, "the job vanished"
        if job_state(job) is not JobState.STARTED:
            break
        assert time.monotonic() < deadline, "the job is still held by the stopped worker"
        time.sleep(0.5)
    assert job_state(job) in (JobState.QUEUED, JobState.FINISHED), job_state(job)


@pytest.mark.slow
def test_redis_gone_then_sigterm_to_an_idle_worker_it_exits(private_redis: PrivateRedis, workers: Any) -> None:
    worker = workers.start()
    workers.wait_ready(1)
    private_redis.kill()
    time.sleep(1.0)  # the worker is retrying its dequeue, or (rq raised out of work()) waiting to start afresh
    restarts = workers.logs(tail=None).count("starting a fresh worker")
    worker.send_signal(signal.SIGTERM)
    took = _wait_gone(worker, workers, EXIT_BOUND_S)
    print(f"\nidle worker gone {took:.1f} s after SIGTERM, exit status {worker.returncode}"
          f" (restarts before it: {restarts})")
    assert worker.returncode == 0, workers.logs()
    assert workers.logs(tail=None).count("starting a fresh worker") == restarts  # none after the signal


@pytest.mark.slow
def test_sigterm_while_waiting_to_start_a_fresh_worker_it_exits_0(private_redis: PrivateRedis,
                                                                   workers: Any) -> None:
    """Between a lost Redis and a fresh worker no rq handler is installed; a SIGTERM then must still be a
    clean stop (exit 0), not the default handler's death by signal (-15). A worker started while Redis is
    down is in that wait, deterministically: its first Redis call fails, and it waits to start afresh."""
    private_redis.kill()
    worker = workers.start()
    deadline = time.monotonic() + 300  # the model loads first
    while "starting a fresh worker" not in workers.logs():
        assert worker.poll() is None, workers.logs()
        assert time.monotonic() < deadline, workers.logs()
        time.sleep(0.05)
    worker.send_signal(signal.SIGTERM)
    took = _wait_gone(worker, workers, EXIT_BOUND_S)
    print(f"\nworker waiting for Redis gone {took:.1f} s after SIGTERM, exit status {worker.returncode}")
    assert worker.returncode == 0, workers.logs()
    assert "while waiting for Redis" in workers.logs()


def _session_pids(session_id: int) -> set[int]:
    """Live processes of a session (a worker started by `WorkerProcs` leads its own): the pool and its
    worker processes."""
    pids = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[3]) == session_id and fields[0] != "Z":  # fields: state ppid pgrp session …
            pids.add(int(stat.parent.name))
    return pids


@pytest.mark.slow
def test_sigterm_to_a_worker_pool_lets_the_job_finish_and_ends_every_process(
        queue_settings: Any, redis: Any, workers: Any) -> None:
    storage = Storage(queue_settings.storage_dir)
    storage.ensure()
    stored = storage.save_file(SAMPLE, max_bytes=1 << 24)
    pool = workers.start("--processes", "2")
    workers.wait_ready(2)
    children = _session_pids(pool.pid) - {pool.pid}
    assert len(children) >= 2, children
    job_id = submit(redis, queue_settings, storage, stored, filename=SAMPLE.name,
                    options=conversion_options(None), pages=3).job_id
    _wait_started(redis, job_id)

    pool.send_signal(signal.SIGTERM)  # as `docker stop` does: to the pool (PID 1 of its container) only
    took = _wait_gone(pool, workers, 300)
    print(f"\npool of 2 gone {took:.1f} s after SIGTERM (its job finished first), exit status {pool.returncode}")
    assert pool.returncode == 0, workers.logs()
    assert _session_pids(pool.pid) == set(), "a worker process outlived its pool"
    job = fetch_job(redis, job_id)
    assert job is not None and job_state(job) is JobState.FINISHED, workers.logs()
    assert job.meta["attempts"] == 1
