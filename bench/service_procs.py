"""bench.service's processes: one isolated queue with its API and workers, and a worker memory sampler.

Each phase has a fresh queue name and storage directory on Redis DB 13 (`REDIS_URL`); its processes run
in their own sessions and are ended by process group; `Phase.purge` deletes every key of its queue.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

REDIS_URL = "redis://127.0.0.1:6379/13"
"""A DB of its own: never the service's DB 0, nor the tests' DB 14."""
SAMPLE_S = 0.5
"""Seconds between two memory samples."""
READY_TIMEOUT_S = 300.0
"""Seconds workers may take to load and warm the model and register (busy 2-core machine)."""


class Phase:
    """One isolated queue: its storage directory, API process and worker processes (own sessions)."""

    def __init__(self, name: str, tmp: Path) -> None:
        from workers.queue.queue import connect, make_queue
        from workers.settings import load_settings

        self.queue_name = f"bench{secrets.token_hex(4)}{name}"
        self.settings = load_settings().with_(redis_url=REDIS_URL, queue_name=self.queue_name,
                                              storage_dir=tmp / name / "storage")
        self.log_dir = tmp / name
        self.log_dir.mkdir(parents=True)
        self.redis = connect(self.settings)
        self.queue = make_queue(self.settings, self.redis)
        self.procs: list[subprocess.Popen[bytes]] = []
        self.base = ""

    def _spawn(self, label: str, args: list[str], threads: int | None = None) -> subprocess.Popen[bytes]:
        env = dict(os.environ, GONGWEN_REDIS_URL=REDIS_URL, GONGWEN_QUEUE=self.queue_name,
                   GONGWEN_STORAGE_DIR=str(self.settings.storage_dir), PYTHONUNBUFFERED="1")
        if threads:
            env["GONGWEN_CPU_THREADS"] = str(threads)
        code = f"from service.cli import main; raise SystemExit(main({args!r}))"
        with (self.log_dir / f"{label}.log").open("wb") as log:
            proc = subprocess.Popen([sys.executable, "-c", code], env=env, stdout=log,
                                    stderr=subprocess.STDOUT, start_new_session=True)
        self.procs.append(proc)
        return proc

    def start_api(self) -> None:
        import httpx

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = int(sock.getsockname()[1])
        proc = self._spawn("api", ["serve", "--no-worker", "--port", str(port)])
        self.base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{self.base}/healthz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"API did not start: {(self.log_dir / 'api.log').read_text(errors='replace')}")
            time.sleep(0.2)

    def start_workers(self, processes: int, threads: int) -> tuple[subprocess.Popen[bytes], float]:
        """`gongwen worker [--processes N]`; returns it and the seconds until N workers registered."""
        from rq import Worker

        args = ["worker"] + (["--processes", str(processes)] if processes > 1 else [])
        began = time.monotonic()
        proc = self._spawn("workers", args, threads)
        while Worker.count(queue=self.queue) < processes:
            if proc.poll() is not None or time.monotonic() - began > READY_TIMEOUT_S:
                raise RuntimeError(f"workers not ready: {(self.log_dir / 'workers.log').read_text(errors='replace')[-3000:]}")
            time.sleep(0.3)
        return proc, time.monotonic() - began

    def worker_pids(self) -> list[int]:
        from rq import Worker

        return sorted(int(w.pid) for w in Worker.all(queue=self.queue) if w.pid)

    def stop(self) -> None:
        for proc in self.procs:
            try:
                os.killpg(proc.pid, signal.SIGKILL)  # the session: pool children, rq's scheduler too
            except ProcessLookupError:
                pass
            proc.wait(timeout=30)
        self.procs.clear()

    def purge(self) -> None:
        """Delete this queue's keys: its jobs, rq's per-queue and worker keys, our gongwen:<queue>:* keys."""
        redis, name = self.redis, self.queue_name.encode()
        doomed: list[bytes] = []
        for job_key in redis.scan_iter(match="rq:job:*", count=500):
            if redis.type(job_key) == b"hash" and redis.hget(job_key, "origin") == name:
                job_id = job_key.decode().split(":", 2)[2]
                doomed += [job_key, f"rq:results:{job_id}".encode(), f"rq:executions:{job_id}".encode(),
                           f"rq:job:{job_id}:dependents".encode()]
                doomed += list(redis.scan_iter(match=f"rq:execution:{job_id}:*", count=500))
        doomed += list(redis.scan_iter(match=f"*{self.queue_name}*", count=500))
        for worker_key in redis.scan_iter(match="rq:worker:*", count=500):
            if redis.type(worker_key) == b"hash" and redis.hget(worker_key, "queues") == name:
                doomed += [worker_key, worker_key + b":executions"]
                redis.srem("rq:workers", worker_key)
        for scheduler_key in redis.scan_iter(match="rq:scheduler:*", count=500):
            if redis.type(scheduler_key) == b"hash" and redis.hget(scheduler_key, "queues") == name:
                doomed.append(scheduler_key)
        redis.srem("rq:queues", f"rq:queue:{self.queue_name}")
        if doomed:
            redis.delete(*set(doomed))


class MemorySampler(threading.Thread):
    """RSS (MiB) of each process of the given trees every SAMPLE_S: per pid peak, tree-total RSS and PSS
    peaks; and the machine's 1-minute load average at each sample."""

    def __init__(self, roots: list[int]) -> None:
        super().__init__(daemon=True)
        self.roots, self.halt = roots, threading.Event()
        self.peak: dict[int, float] = {}
        self.peak_total = 0.0
        self.peak_pss_total = 0.0
        self.loads: list[float] = []

    @staticmethod
    def snapshot(roots: list[int]) -> tuple[dict[int, float], float]:
        """({pid: RSS MiB} of every process of the trees, their total PSS MiB: shared pages split)."""
        import psutil

        rss: dict[int, float] = {}
        pss = 0.0
        for root in roots:
            try:
                top = psutil.Process(root)
                family = [top, *top.children(recursive=True)]
            except psutil.Error:
                continue
            for proc in family:
                try:
                    info = proc.memory_full_info()
                except psutil.Error:
                    continue
                rss[proc.pid] = info.rss / (1 << 20)
                pss += info.pss / (1 << 20)
        return rss, pss

    def run(self) -> None:
        while not self.halt.is_set():
            rss, pss = self.snapshot(self.roots)
            for pid, value in rss.items():
                self.peak[pid] = max(self.peak.get(pid, 0.0), value)
            self.peak_total = max(self.peak_total, sum(rss.values()))
            self.peak_pss_total = max(self.peak_pss_total, pss)
            self.loads.append(os.getloadavg()[0])
            self.halt.wait(SAMPLE_S)


def children_of(pid: int) -> list[int]:
    import psutil

    try:
        return [p.pid for p in psutil.Process(pid).children(recursive=True)]
    except psutil.Error:
        return []
