"""The RQ worker: in-process (rq.SimpleWorker) with the OCR model loaded once, a heartbeat thread and
a watchdog.

Why SimpleWorker and not rq's default forking Worker (measured on this machine, 2 cores):
- Memory and speed of the loaded model. With the forking Worker the model would be loaded in the parent
  and each job would run in a fork()ed work horse. onnxruntime's intra-op thread pool does not survive
  fork(): in the child the same session ran single-threaded, 0.90 s instead of 0.47 s per inference of
  the PP-OCRv6 detector on a 960×960 input (and 1.55 s for the first one, page faults). Loading the model
  in each horse instead pays the load on every job. In-process, the one session keeps its threads and
  every job reuses it: the second job pays no model load (see `meta["engine_loads"]`).
- Timeouts that can stop native code. rq's SIGALRM death penalty raises in Python code only, so a call
  stuck inside onnxruntime/OpenCV/pdfium would not be interrupted. Pages are short native calls, so the
  soft timeout normally fires at the next page; for a truly hung call a watchdog thread records the
  failure (code `timeout`) and ends the whole process with os._exit once the job is
  `JOB_HARD_KILL_GRACE_S` past its timeout. The process manager (docker `restart:`, `gongwen worker
  --processes N`, which respawns) starts a fresh worker.
- A crashing job (segfault in native code, OOM kill) takes the worker process with it, unlike a work
  horse. Nothing is lost: the job's lease (`JOB_LEASE_S`, renewed by the heartbeat thread every
  `JOB_HEARTBEAT_INTERVAL_S`) expires, and the next maintenance pass of any worker (every
  `WORKER_MAINTENANCE_INTERVAL_S`) or the API's next look at the job re-queues it with back-off, or
  fails it with code `worker_lost` once its retries are used up. rq's own SimpleWorker would keep the
  lease for the whole job timeout + 60 s; the heartbeat thread is what makes recovery quick.
Scaling is by processes (`--processes N`, one model each) and by machines sharing Redis and storage.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from types import TracebackType
from typing import Any

from redis.exceptions import RedisError
from rq import SimpleWorker
from rq.exceptions import AbandonedJobError
from rq.executions import Execution
from rq.job import Job
from rq.queue import Queue
from rq.serializers import JSONSerializer
from rq.timeouts import BaseTimeoutException

from workers import defaults
from workers.errors import GongwenError, OcrTimeout, StorageUnavailable
from workers.queue.jobs import JobCanceled, runtime

log = logging.getLogger("gongwen.worker")

EXIT_HUNG_JOB = 70
"""Exit status of a worker the watchdog ended because a job hung in native code."""

EXIT_STOPPED_WITHOUT_REDIS = 0
"""Exit status of a worker told to stop (SIGTERM) that then lost Redis mid-job: it did what it was told;
its job, which can no longer be recorded, goes back to the queue when its lease expires."""


def _chain(exc: BaseException | None) -> list[BaseException]:
    """The exception and the ones it was raised from (`raise … from`) or during."""
    seen: list[BaseException] = []
    while exc is not None and exc not in seen:
        seen.append(exc)
        exc = exc.__cause__ or exc.__context__
    return seen


def classify_failure(exc: BaseException | None, job: Job) -> tuple[str, str, bool]:
    """(code, message, retry may help) for an exception that ended a job.

    A timeout or cancel raised inside a wrapped call (the engine turns any exception of PaddleOCR into
    ModelError, including rq's SIGALRM exception) is found down the exception chain and wins."""
    for cause in _chain(exc):
        if isinstance(cause, (JobCanceled, BaseTimeoutException)):
            exc = cause
            break
    if isinstance(exc, JobCanceled):
        return "canceled", "canceled on request", False
    if isinstance(exc, BaseTimeoutException):
        return OcrTimeout.code, f"the job exceeded its timeout of {job.timeout} s", False
    if isinstance(exc, AbandonedJobError):
        if job.meta.get("hard_timeout"):
            return OcrTimeout.code, "the job hung past its timeout; its worker was restarted", False
        return "worker_lost", "the worker running the job stopped (crash, kill or restart)", True
    if isinstance(exc, GongwenError):
        return exc.code, exc.message, exc.retryable
    if isinstance(exc, (RedisError, ConnectionError)):
        return "unavailable", f"transient infrastructure error: {exc}", True
    return "internal_error", f"{type(exc).__name__}: {exc}", False


def wait_for_storage(storage: Any) -> None:
    """Return once `storage.check()` passes; until then say why every STORAGE_WAIT_RETRY_S. A worker that
    cannot read uploads or write results (a bucket not made yet, wrong credentials, a store still
    starting) would take jobs only to fail them and spend their retries, so it does not register."""
    while True:
        try:
            storage.check()
            return
        except StorageUnavailable as exc:
            log.error("storage %s is not usable, not taking jobs yet: %s (next check in %.0f s)",
                      storage.describe(), exc.message, defaults.STORAGE_WAIT_RETRY_S)
        time.sleep(defaults.STORAGE_WAIT_RETRY_S)


class _Heartbeat(threading.Thread):
    """Renews the job's lease while it runs; ends the process if the job hangs past its hard limit."""

    def __init__(self, worker: GongwenWorker, job: Job, execution: Execution) -> None:
        super().__init__(name=f"heartbeat-{job.id[:8]}", daemon=True)
        self.worker, self.job, self.execution = worker, job, execution
        self.stopped = threading.Event()
        self.hard_limit_s = (job.timeout or defaults.JOB_TIMEOUT_BASE_S) + defaults.JOB_HARD_KILL_GRACE_S
        self.started_at = time.monotonic()

    def run(self) -> None:
        while not self.stopped.wait(defaults.JOB_HEARTBEAT_INTERVAL_S):
            if time.monotonic() - self.started_at > self.hard_limit_s:
                self._end_hung_process()
            try:
                self.worker.maintain_heartbeats(self.job, self.execution)
            except RedisError as exc:  # Redis away for a moment: the lease is long enough to retry
                if self.worker.stop_signalled:
                    self._end_stopped_process(exc)
                log.warning("heartbeat for job %s failed: %s", self.job.id, exc)

    def _end_stopped_process(self, exc: RedisError) -> None:
        """Told to stop and Redis is gone (`docker compose down` stops both at once): the job's outcome
        could not be recorded anyway, so hand it back (its lease runs out, it is retried) and exit now
        rather than wait for a page boundary or for a Redis that may never return."""
        log.warning("stopping as asked: Redis is gone (%s); job %s goes back to the queue when its lease "
                    "expires", exc, self.job.id)
        logging.shutdown()
        os._exit(EXIT_STOPPED_WITHOUT_REDIS)

    def _end_hung_process(self) -> None:
        log.error("job %s is %.0f s past its timeout inside native code; ending worker process",
                  self.job.id, time.monotonic() - self.started_at - (self.job.timeout or 0))
        try:
            self.job.meta["hard_timeout"] = True
            self.job.meta["error"] = {"code": OcrTimeout.code, "message": "the job hung past its timeout"}
            self.job.retries_left = 0
            self.job.save()
        finally:
            os._exit(EXIT_HUNG_JOB)

    def stop(self) -> None:
        self.stopped.set()
        if self is not threading.current_thread():
            self.join(timeout=5)


class GongwenWorker(SimpleWorker):
    """SimpleWorker + model loaded before registering + heartbeat/watchdog + failure classification."""

    def __init__(self, queues: Any, *args: Any, **kwargs: Any) -> None:
        kwargs["serializer"] = JSONSerializer
        kwargs.setdefault("worker_ttl", defaults.WORKER_TTL_S)
        kwargs.setdefault("maintenance_interval", defaults.WORKER_MAINTENANCE_INTERVAL_S)
        super().__init__(queues, *args, **kwargs)
        self.push_exc_handler(self._record_failure)
        self._beat: _Heartbeat | None = None
        self._last_sweep = float("-inf")  # sweep on the first maintenance pass
        self.stop_signalled = False
        """Set by SIGTERM/SIGINT: the worker must end, whatever Redis does (see `service.cli.worker`)."""

    def request_stop(self, signum: Any, frame: Any) -> None:
        self.stop_signalled = True
        super().request_stop(signum, frame)

    def bootstrap(self, *args: Any, **kwargs: Any) -> None:
        # Load the model before registering: /readyz counts only workers that can take a job at once.
        rt = runtime()
        log.info("OCR engine ready in %.2f s (loads in this process: %d)", rt.engine_load_s, rt.engine_loads)
        wait_for_storage(rt.storage)
        super().bootstrap(*args, **kwargs)
        self.connection.hset(self.key, mapping={"gongwen_engine_load_s": f"{rt.engine_load_s:.3f}"})

    def get_heartbeat_ttl(self, job: Job, working_time: float = 0.0) -> int:
        return defaults.JOB_LEASE_S

    def execute_job(self, job: Job, queue: Queue) -> None:
        execution = self.prepare_execution(job)
        self._beat = _Heartbeat(self, job, execution)
        self._beat.start()
        try:
            self.perform_job(job, queue, execution)
        finally:
            self._stop_beat()
        self.set_state("idle")

    def handle_execution_ended(self, job: Job, queue: Queue, heartbeat_ttl: int) -> None:
        # The job body has returned or raised: no more lease renewals before rq records the outcome.
        self._stop_beat()
        super().handle_execution_ended(job, queue, heartbeat_ttl)

    def _stop_beat(self) -> None:
        if self._beat is not None:
            self._beat.stop()
            self._beat = None

    def _record_failure(self, job: Job, exc_type: type[BaseException] | None, exc_value: BaseException | None,
                        traceback: TracebackType | None) -> None:
        """rq exception handler: store a stable error code; no retry for errors a retry cannot fix."""
        code, message, transient = classify_failure(exc_value, job)
        if isinstance(exc_value, JobCanceled):
            self._stopped_job_id = job.id  # rq then marks it STOPPED (our `canceled`), never retried
        job.meta["error"] = {"code": code, "message": message}
        try:
            job.save_meta()
        except RedisError:  # pragma: no cover - the failure itself is still recorded by rq
            log.exception("could not save the error of job %s", job.id)
        if not transient:
            job.retries_left = 0

    def run_maintenance_tasks(self) -> None:
        super().run_maintenance_tasks()
        now = time.monotonic()
        if now - self._last_sweep >= defaults.STORAGE_SWEEP_INTERVAL_S:
            self._last_sweep = now
            rt = runtime()
            ttl_s = rt.settings.result_ttl_s
            try:
                removed = rt.storage.sweep(upload_ttl_s=ttl_s, result_ttl_s=ttl_s)  # page previews too
            except (OSError, GongwenError) as exc:  # a failed sweep must not stop the worker; the next pass retries
                log.warning("storage sweep failed: %s", exc)
                return
            if removed:
                log.info("storage sweep removed %d expired uploads/results/previews", removed)
