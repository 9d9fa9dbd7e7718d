"""`python -m bench.service`: the queue service measured end to end (issue 6) — real API, Redis, workers.

    python -m bench.service --corpus corpus [--limit N] [--out results] [--requests 200] [--clients 20]

1. Throughput: the first N documents' `doc.pdf` (corpus/<id>/doc.pdf, sorted) are submitted over HTTP
   to a real `gongwen serve --no-worker` API, converted by `gongwen worker` (1 process, CPU_THREADS_ONE
   engine threads) and then by `gongwen worker --processes 2` (CPU_THREADS_TWO threads each). The clock
   starts at the first submission once the workers are registered (model loaded and warmed) and stops
   when every job is finished: pages/min, documents/min, each job's run time (rq started→ended).
2. Submit latency: `--requests` POST /v1/documents of ~1 MiB PNGs from `--clients` threads, each sending
   its next as soon as the last answered, while the 2 workers are busy (the first two uploads are
   started before the burst). Every upload is a real scan page with a distinct padding chunk, so each has
   its own SHA-256 and nothing is deduplicated. The queued jobs are dropped right after.
3. Worker memory: psutil every 0.5 s of each registered worker process (and its children): RSS once
   the model is loaded, peak during the throughput run; also the whole process tree's total.

Isolation: Redis DB 13 (`REDIS_URL`), a fresh queue name and storage directory per phase; every key of
those queues is deleted and every process started here is ended (by its process group) at the end.
Numbers go to stdout and `--out/service.json`.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import os
import struct
import sys
import tempfile
import threading
import time
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.service_procs import REDIS_URL, MemorySampler, Phase

CPU_THREADS_ONE = 2
"""1 worker: the engine may use both cores."""
CPU_THREADS_TWO = 1
"""2 workers: one engine thread each (bench/SPEED.md: less CPU per page than 1 × 2 threads)."""
UPLOAD_BYTES = 1 << 20
"""Size of each upload of the submit-latency burst (1 MiB)."""
RUN_TIMEOUT_S = 1800.0
"""Seconds the throughput run may take before the benchmark gives up."""
POLL_S = 0.25
PNG_PAD_CHUNK = b"gwBn"
"""A PNG chunk type that is ancillary, private and safe to copy (lower, lower, upper, lower)."""
DONE = ("finished", "failed", "stopped", "canceled")


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile: the smallest value with at least q of the values at or below it."""
    if not values:
        raise ValueError("percentile of no values")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def per_minute(count: float, seconds: float) -> float:
    return 60.0 * count / seconds if seconds > 0 else float("nan")


def padded_png(png: bytes, index: int, size: int = UPLOAD_BYTES) -> bytes:
    """`png` with a private ancillary chunk (PNG_PAD_CHUNK, skipped by decoders) naming `index` inserted
    before IEND, padded so the file is `size` bytes: the same picture, distinct bytes (a distinct SHA-256)
    per index. `png` must be smaller than `size`."""
    iend = png.rindex(b"IEND") - 4
    head = f"gongwen-bench\0{index}:".encode()
    pad = size - len(png) - 12 - len(head)
    if pad < 0:
        raise ValueError(f"the PNG is {len(png)} bytes, more than {size} can hold with the chunk")
    data = head + b"." * pad
    chunk = (struct.pack(">I", len(data)) + PNG_PAD_CHUNK + data
             + struct.pack(">I", zlib.crc32(PNG_PAD_CHUNK + data)))
    return png[:iend] + chunk + png[iend:]


def scan_png(page_jpg: Path, size: int = UPLOAD_BYTES) -> bytes:
    """A corpus page as a grayscale PNG under `size` bytes (scaled down until it fits)."""
    from PIL import Image

    image = Image.open(page_jpg).convert("L")
    while True:
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        if buffer.tell() < size - 4096:
            return buffer.getvalue()
        image = image.resize((image.width * 9 // 10, image.height * 9 // 10))


def corpus_documents(corpus: Path, limit: int | None) -> list[Path]:
    docs = sorted(p for p in corpus.glob("*/doc.pdf"))
    return docs[:limit] if limit else docs


def wait_done(phase: Phase, job_ids: list[str], timeout_s: float = RUN_TIMEOUT_S) -> None:
    """Until every job is in a final state (rq's status hash field, one pipeline per poll)."""
    deadline = time.monotonic() + timeout_s
    pending = list(job_ids)
    while pending:
        with phase.redis.pipeline() as pipe:
            for job_id in pending:
                pipe.hget(f"rq:job:{job_id}", "status")
            states = pipe.execute()
        pending = [j for j, s in zip(pending, states) if s is None or s.decode() not in DONE]
        if pending and time.monotonic() > deadline:
            raise RuntimeError(f"{len(pending)} jobs not done after {timeout_s} s")
        if pending:
            time.sleep(POLL_S)


def job_rows(phase: Phase, job_ids: list[str], names: list[str]) -> list[dict[str, Any]]:
    from workers.queue.queue import fetch_job

    rows = []
    for job_id, name in zip(job_ids, names):
        job = fetch_job(phase.redis, job_id)
        assert job is not None, job_id
        run_s = (job.ended_at - job.started_at).total_seconds() if job.ended_at and job.started_at else None
        rows.append({"document": name, "status": job.get_status().value, "pages": int(job.meta.get("pages", 0)),
                     "run_s": run_s, "worker_pid": job.meta.get("worker_pid"), "error": job.meta.get("error")})
    return rows


def throughput(phase: Phase, docs: list[Path], processes: int, threads: int) -> dict[str, Any]:
    """Workers ready → submit every document → all finished: rates, per-job run times, worker RSS."""
    import httpx

    workers, ready_s = phase.start_workers(processes, threads)
    time.sleep(1.0)  # let RSS settle after the warm-up inference
    pids = phase.worker_pids()
    loaded, loaded_pss = MemorySampler.snapshot([workers.pid])
    sampler = MemorySampler([workers.pid])
    sampler.start()
    load_before = os.getloadavg()
    began = time.perf_counter()
    ids, names = [], []
    with httpx.Client(base_url=phase.base, timeout=120) as http:
        for doc in docs:
            answer = http.post("/v1/documents", files={"file": (doc.name, doc.read_bytes(), "application/pdf")})
            answer.raise_for_status()
            ids.append(answer.json()["id"])
            names.append(doc.parent.name)
    wait_done(phase, ids)
    wall_s = time.perf_counter() - began
    sampler.halt.set()
    sampler.join()
    rows = job_rows(phase, ids, names)
    pages = sum(row["pages"] for row in rows)
    runs = [row["run_s"] for row in rows if row["run_s"] is not None]
    return {
        "workers": processes, "cpu_threads_per_worker": threads, "ready_s": round(ready_s, 1),
        "documents": len(rows), "pages": pages, "failed": [r for r in rows if r["status"] != "finished"],
        "wall_s": round(wall_s, 2), "pages_per_min": round(per_minute(pages, wall_s), 2),
        "documents_per_min": round(per_minute(len(rows), wall_s), 2),
        "job_run_s": {"mean": round(sum(runs) / len(runs), 2), "p50": round(percentile(runs, 0.5), 2),
                      "max": round(max(runs), 2), "per_page": round(sum(runs) / max(pages, 1), 2)},
        "jobs": rows, "load_before": load_before, "load_after": os.getloadavg(),
        "load_1min_during": {"mean": round(sum(sampler.loads) / max(len(sampler.loads), 1), 2),
                             "max": round(max(sampler.loads, default=float("nan")), 2)},
        "memory_mb": memory_report(pids, workers.pid, (loaded, loaded_pss), sampler),
    }


def memory_report(pids: list[int], root: int, at_load: tuple[dict[int, float], float],
                  sampler: MemorySampler) -> dict[str, Any]:
    """Per registered worker process: RSS after model load, peak; with its children; the tree totals."""
    from bench.service_procs import children_of

    loaded, loaded_pss = at_load
    per_worker = []
    for pid in pids:
        family = [pid, *children_of(pid)]
        per_worker.append({
            "pid": pid, "rss_loaded": round(loaded.get(pid, float("nan")), 1),
            "rss_peak": round(sampler.peak.get(pid, float("nan")), 1),
            "with_children_peak": round(sum(sampler.peak.get(p, 0.0) for p in family), 1),
        })
    return {"workers": per_worker, "tree_root_pid": root, "tree_loaded_total": round(sum(loaded.values()), 1),
            "tree_peak_total": round(sampler.peak_total, 1), "tree_pss_loaded": round(loaded_pss, 1),
            "tree_pss_peak": round(sampler.peak_pss_total, 1),
            "note": "RSS counts pages shared by forked processes (rq's scheduler, pool children) once per "
                    "process; PSS splits them"}


def submit_latency(phase: Phase, page_jpg: Path, requests: int, clients: int) -> dict[str, Any]:
    """`requests` distinct ~1 MiB PNG uploads from `clients` closed-loop threads while the workers are busy."""
    import httpx

    base = scan_png(page_jpg)
    uploads = [padded_png(base, index) for index in range(requests + 2)]
    with httpx.Client(base_url=phase.base, timeout=120) as http:  # two jobs to keep both workers busy
        warm = [http.post("/v1/documents", files={"file": (f"busy-{i}.png", uploads[i], "image/png")}).json()["id"]
                for i in range(2)]
    deadline = time.monotonic() + 120
    while phase.queue.started_job_registry.get_job_count(cleanup=False) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    latencies: list[float] = []
    statuses: list[int] = []
    running: list[int] = []
    lock, stop = threading.Lock(), threading.Event()
    todo = iter(range(2, requests + 2))

    def client() -> None:
        with httpx.Client(base_url=phase.base, timeout=120) as http:
            while True:
                with lock:
                    index = next(todo, None)
                if index is None:
                    return
                began = time.perf_counter()
                answer = http.post("/v1/documents", files={"file": (f"load-{index}.png", uploads[index], "image/png")})
                with lock:
                    latencies.append(time.perf_counter() - began)
                    statuses.append(answer.status_code)

    def watch() -> None:
        while not stop.is_set():
            running.append(phase.queue.started_job_registry.get_job_count(cleanup=False))
            stop.wait(0.1)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    watcher = threading.Thread(target=watch)
    load_before, began = os.getloadavg(), time.perf_counter()
    watcher.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    burst_s = time.perf_counter() - began
    stop.set()
    watcher.join()
    dropped = phase.queue.empty()  # the queued jobs are not wanted: the machine is shared
    return {
        "requests": len(latencies), "clients": clients, "upload_bytes": len(uploads[2]),
        "statuses": {str(s): statuses.count(s) for s in sorted(set(statuses))}, "burst_s": round(burst_s, 2),
        "submissions_per_s": round(len(latencies) / burst_s, 1),
        "p50_ms": round(1000 * percentile(latencies, 0.5), 1), "p99_ms": round(1000 * percentile(latencies, 0.99), 1),
        "max_ms": round(1000 * max(latencies), 1), "running_jobs_min": min(running), "running_jobs_max": max(running),
        "busy_jobs": warm, "queued_jobs_dropped": dropped, "load_before": load_before, "load_after": os.getloadavg(),
    }


def print_table(report: dict[str, Any]) -> None:
    print(f"{'workers × threads':<18} {'docs':>5} {'pages':>6} {'wall s':>8} {'pages/min':>10} {'docs/min':>9} "
          f"{'job s mean/max':>15} {'RSS loaded/peak MB per worker':>30} {'tree PSS peak':>13} {'load mean/max':>13}")
    for run in report["throughput"]:
        mem = run["memory_mb"]["workers"]
        rss = ", ".join(f"{w['rss_loaded']:.0f}/{w['rss_peak']:.0f}" for w in mem)
        jobs = run["job_run_s"]
        print(f"{run['workers']} × {run['cpu_threads_per_worker']:<14} {run['documents']:>5} {run['pages']:>6} "
              f"{run['wall_s']:>8.1f} {run['pages_per_min']:>10.1f} {run['documents_per_min']:>9.2f} "
              f"{jobs['mean']:>7.1f}/{jobs['max']:<7.1f} {rss:>30} {run['memory_mb']['tree_pss_peak']:>13.0f} "
              f"{run['load_1min_during']['mean']:>5.1f}/{run['load_1min_during']['max']:<5.1f}")
    lat = report.get("submit")
    if lat:
        print(f"submit: {lat['requests']} × {lat['upload_bytes'] / (1 << 20):.1f} MiB, {lat['clients']} clients, "
              f"statuses {lat['statuses']}: p50 {lat['p50_ms']:.0f} ms, p99 {lat['p99_ms']:.0f} ms, max "
              f"{lat['max_ms']:.0f} ms ({lat['submissions_per_s']:.0f}/s); running jobs during the burst "
              f"{lat['running_jobs_min']}–{lat['running_jobs_max']}; load {lat['load_before'][0]:.1f}→{lat['load_after'][0]:.1f}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.service", description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=Path("corpus"))
    parser.add_argument("--limit", type=int, help="the first N documents only")
    parser.add_argument("--out", type=Path, default=Path("results"))
    parser.add_argument("--requests", type=int, default=200, help="uploads of the submit-latency burst")
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients of the burst")
    args = parser.parse_args(argv)
    docs = corpus_documents(args.corpus, args.limit)
    if not docs:
        parser.error(f"no */doc.pdf under {args.corpus}")
    report: dict[str, Any] = {"command": "python -m bench.service " + " ".join(argv if argv is not None else sys.argv[1:]),
                              "redis": REDIS_URL, "cpus": os.cpu_count(), "throughput": []}
    with tempfile.TemporaryDirectory(prefix="gongwen-bench-") as tmp:
        for processes, threads in ((1, CPU_THREADS_ONE), (2, CPU_THREADS_TWO)):
            phase = Phase(f"w{processes}", Path(tmp))
            try:
                phase.start_api()
                report["throughput"].append(throughput(phase, docs, processes, threads))
                if processes == 2:
                    page = min(docs[0].parent.glob("page-*.jpg"))
                    report["submit"] = submit_latency(phase, page, args.requests, args.clients)
            finally:
                phase.stop()
                phase.purge()
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "service.json").write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print_table(report)
    return 0 if not any(run["failed"] for run in report["throughput"]) else 1


if __name__ == "__main__":
    raise SystemExit(main())
