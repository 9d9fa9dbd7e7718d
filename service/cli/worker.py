"""`gongwen worker`: an RQ worker (or N) that loads the OCR model once and keeps it for every job.

    gongwen worker                    one in-process worker (workers.queue.worker.GongwenWorker)
    gongwen worker --processes 4      rq's WorkerPool: 4 worker processes, each with its own model,
                                      respawned if one dies; SIGTERM/SIGINT stop them after their job
    gongwen worker --burst            take jobs until the queue is empty, then exit

Equivalent rq command line (same class, same serializer):
    rq worker-pool -n 4 -w workers.queue.worker.GongwenWorker -S rq.serializers.JSONSerializer \
        -u "$GONGWEN_REDIS_URL" gongwen
Workers on other machines need the same GONGWEN_REDIS_URL and the same storage: GONGWEN_STORAGE_URL (an S3
bucket, with the AWS_* settings) or GONGWEN_STORAGE_DIR on a shared file system.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import time
from typing import Any

from workers import defaults
from workers.settings import Settings, load_settings


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("worker", help="run queue workers (loads the OCR model once per process)",
                                   description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--processes", "-n", type=int, default=1, help="worker processes (default 1)")
    parser.add_argument("--burst", action="store_true", help="exit when the queue is empty")
    parser.add_argument("--queue", help="queue name (default: GONGWEN_QUEUE or 'gongwen')")
    parser.add_argument("--redis-url", help="Redis URL (default: GONGWEN_REDIS_URL)")
    parser.add_argument("--log-level", default="INFO")
    parser.add_argument("--check", action="store_true",
                        help="health check: exit 0 if a live worker of this host is registered, else 1")
    parser.set_defaults(handler=run)


def settings_from_args(args: argparse.Namespace, settings: Settings | None = None) -> Settings:
    settings = settings or load_settings()
    changes: dict[str, object] = {}
    if getattr(args, "queue", None):
        changes["queue_name"] = args.queue
    if getattr(args, "redis_url", None):
        changes["redis_url"] = args.redis_url
    return settings.with_(**changes) if changes else settings


def run_worker(settings: Settings, *, processes: int = 1, burst: bool = False, log_level: str = "INFO") -> int:
    from rq.serializers import JSONSerializer
    from rq.worker_pool import WorkerPool

    from workers.queue import jobs
    from workers.queue.queue import connect
    from workers.queue.worker import GongwenWorker

    logging.basicConfig(level=log_level, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    os.nice(defaults.WORKER_NICE)  # OCR yields the CPU to the API and Redis; pool children inherit it
    jobs.configure(settings)  # each worker process loads the model itself, after the pool's fork
    connection = connect(settings)
    if processes <= 1:
        return _work_in_process(GongwenWorker, settings, connection, burst=burst, log_level=log_level)
    pool = WorkerPool([settings.queue_name], connection=connection, num_workers=processes,
                      worker_class=GongwenWorker, serializer=JSONSerializer)
    pool.start(burst=burst, logging_level=log_level)
    return 0


REDIS_RECONNECT_S = 2.0
"""Seconds an in-process worker waits before starting afresh after losing Redis."""


class _StopAsked(Exception):
    """SIGTERM/SIGINT while no rq worker is running in this process (between a lost Redis and a fresh
    worker): raised by `_stop_between_workers` out of the wait or the new worker's first Redis calls."""


def _stop_between_workers(signum: int, frame: Any) -> None:
    raise _StopAsked(signal.Signals(signum).name)


def _work_in_process(worker_class: Any, settings: Settings, connection: Any, *, burst: bool, log_level: str) -> int:
    """One worker in this process. When Redis goes away at the wrong moment (a job ending, a heartbeat,
    the worker's teardown), rq raises out of `work()`: a fresh worker (new name, same loaded model) starts
    once Redis answers. A job that was ending then is reaped when its lease runs out and retried; nothing
    is lost. A worker told to stop (SIGTERM/SIGINT) exits 0, whenever the signal comes: while rq's worker
    runs, rq's handler takes it; before (the dead worker's handlers are replaced at once, then its flag is
    read) and during the wait for a fresh one, `_stop_between_workers` does. At every instant one of the
    two is installed, so no signal meets the default handler (which would end the process with -15)."""
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    log = logging.getLogger("gongwen.worker")
    try:
        while True:
            worker = None
            try:
                worker = worker_class([settings.queue_name], connection=connection)  # talks to Redis already
                worker.work(burst=burst, with_scheduler=True, logging_level=log_level)
                return 0
            except (RedisConnectionError, RedisTimeoutError) as exc:
                signal.signal(signal.SIGTERM, _stop_between_workers)  # rq's handlers belong to the dead worker
                signal.signal(signal.SIGINT, _stop_between_workers)
                listener = getattr(worker, "pubsub_thread", None)
                if listener is not None:  # the dead worker's command listener would retry Redis forever
                    listener.stop()
                if getattr(worker, "stop_signalled", False):
                    log.warning("stopping as asked; Redis is gone (%s), a job this worker held goes back to "
                                "the queue when its lease expires", exc)
                    return 0
                log.warning("lost Redis (%s); starting a fresh worker in %.0f s", exc, REDIS_RECONNECT_S)
                time.sleep(REDIS_RECONNECT_S)
    except _StopAsked as asked:
        log.warning("stopping as asked (%s) while waiting for Redis to start a fresh worker", asked)
        return 0


def check_local_worker(settings: Settings) -> int:
    """0 when a worker on this host (container) is registered on the queue and heartbeating, else 1."""
    import socket

    from rq import Worker

    from workers.queue.queue import connect, make_queue

    queue = make_queue(settings, connect(settings))
    host = socket.gethostname()
    alive = [w for w in Worker.all(queue=queue) if w.hostname == host]
    print(f"{len(alive)} worker(s) of {host} registered on queue {settings.queue_name}")
    return 0 if alive else 1


def run(args: argparse.Namespace) -> int:
    if args.check:
        return check_local_worker(settings_from_args(args))
    return run_worker(settings_from_args(args), processes=args.processes, burst=args.burst,
                      log_level=args.log_level)
