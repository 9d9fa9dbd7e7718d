"""Load: 200 submissions from 20 concurrent clients against a real API process and 2 real worker processes.

What is asserted (behaviour, on any machine):
- no 5xx (no non-202 answer at all: the 200 scans are distinct, so nothing is deduplicated away);
- nothing lost: 202 distinct job ids, every one of them ends;
- every job finishes exactly once: `finished`, one attempt, one execution recorded by rq, both workers
  took jobs, and the pages counter in Redis grows by exactly the number of jobs.
What is only printed: submit latency p50/p99 (client side, while both workers are busy with OCR: two
full-page jobs are submitted first and the measured submissions start once both are `started`), how many
jobs ran during the burst, and the drain rate. Latency on a shared 2-core machine is a benchmark figure,
not a pass/fail bound: `make bench-service` (bench/service.py) measures it and README.md records it.
The 20 clients each submit 10 scans, one every CLIENT_INTERVAL_S, staggered (40 submissions a second in
all). The scans are small distinct two-line PNGs (each job is real OCR, a fraction of a second of CPU) so
the whole queue drains well within LOAD_DRAIN_BOUND_S, a "does not hang" bound.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image, ImageDraw, ImageFont

SUBMISSIONS = 200
CLIENTS = 20
CLIENT_INTERVAL_S = 0.5
"""Seconds between two submissions of one client."""
LOAD_DRAIN_BOUND_S = 1800.0
"""Seconds all jobs may take to finish: a "does not hang" bound, an order of magnitude above the ~2–3 min
the 202 small pages take on 2 busy cores."""
FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"


def _small_scans(folder: Path, count: int) -> list[bytes]:
    """`count` distinct two-line PNGs (640×160) of printed Chinese: real OCR input, cheap to read."""
    font = ImageFont.truetype(FONT, size=36, index=2)
    out = []
    for number in range(count):
        page = Image.new("L", (640, 160), 255)
        draw = ImageDraw.Draw(page)
        draw.text((40, 20), f"关于第{number}号文件的通知", font=font, fill=20)
        draw.text((40, 90), f"请于{number % 28 + 1}日前报送。", font=font, fill=20)
        path = folder / f"load-{number:03d}.png"
        page.save(path)
        out.append(path.read_bytes())
    return out


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


@pytest.mark.slow
def test_200_submissions_from_20_clients_against_2_workers(
        api_server: Callable[[int], Any], workers: Any, queue_settings: Any, tmp_path: Path,
        make_scan: Callable[..., Path], free_port: Callable[[], int]) -> None:
    from workers.queue.queue import connect, fetch_job, make_queue
    from workers.queue.stats import read_stats

    scans = _small_scans(tmp_path, SUBMISSIONS)
    port = free_port()
    api_server(port)
    workers.start("--processes", "2")
    workers.wait_ready(2)
    base = f"http://127.0.0.1:{port}"
    redis = connect(queue_settings)
    queue = make_queue(queue_settings, redis)
    pages_before = read_stats(redis, queue_settings).pages_total

    with httpx.Client(base_url=base, timeout=30) as http:  # make both workers busy first
        busy = [http.post("/v1/documents", files={"file": (f"busy-{i}.png", make_scan(f"busy-{i}.png", variant=900 + i)
                                                           .read_bytes(), "image/png")}).json()["id"]
                for i in range(2)]
    deadline = time.monotonic() + 120
    while queue.started_job_registry.get_job_count(cleanup=False) < 2:
        assert time.monotonic() < deadline, "the two warm-up jobs did not start"
        time.sleep(0.05)

    latencies: list[float] = []
    answers: list[tuple[int, str]] = []
    started_during: list[int] = []
    lock = threading.Lock()
    per_client = SUBMISSIONS // CLIENTS
    t0 = time.perf_counter() + 0.5

    def client(index: int) -> None:
        with httpx.Client(base_url=base, timeout=60) as http:
            for turn in range(per_client):
                number = index * per_client + turn
                data = scans[number]
                due = t0 + (index / CLIENTS + turn) * CLIENT_INTERVAL_S
                time.sleep(max(0.0, due - time.perf_counter()))
                began = time.perf_counter()
                response = http.post("/v1/documents", files={"file": (f"load-{number:03d}.png", data, "image/png")})
                elapsed = time.perf_counter() - began
                with lock:
                    latencies.append(elapsed)
                    answers.append((response.status_code, response.json().get("id", "") if response.status_code < 500
                                    else response.text))

    threads = [threading.Thread(target=client, args=(index,)) for index in range(CLIENTS)]
    burst_began = time.monotonic()
    for thread in threads:
        thread.start()
    sampler_stop = threading.Event()

    def sample_busy() -> None:  # how many jobs were running while the burst was being submitted
        while not sampler_stop.is_set():
            started_during.append(queue.started_job_registry.get_job_count(cleanup=False))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample_busy)
    sampler.start()
    for thread in threads:
        thread.join()
    burst_s = time.monotonic() - burst_began
    sampler_stop.set()
    sampler.join()

    statuses = [status for status, _ in answers]
    assert len(answers) == SUBMISSIONS
    assert all(status == 202 for status in statuses), sorted(set(statuses))
    ids = [job_id for _, job_id in answers] + busy
    assert len(set(ids)) == SUBMISSIONS + 2
    p50, p99 = _percentile(latencies, 0.50), _percentile(latencies, 0.99)

    drain_began = time.monotonic()
    deadline = drain_began + LOAD_DRAIN_BOUND_S
    pending = set(ids)
    while pending:
        for job_id in list(pending):
            job = fetch_job(redis, job_id)
            assert job is not None, f"job {job_id} disappeared"
            status = job.get_status()
            if status is not None and status.value in ("finished", "failed", "stopped", "canceled"):
                pending.discard(job_id)
        assert time.monotonic() < deadline, f"{len(pending)} jobs not done after {LOAD_DRAIN_BOUND_S} s"
        time.sleep(1.0)
    drain_s = time.monotonic() - drain_began

    pids: set[int] = set()
    for job_id in ids:
        job = fetch_job(redis, job_id)
        assert job is not None
        assert job.get_status().value == "finished", (job_id, job.meta.get("error"))
        assert job.meta["attempts"] == 1, job.meta
        assert len(job.results()) == 1  # one execution recorded by rq
        pids.add(int(job.meta["worker_pid"]))
    assert len(pids) == 2
    assert read_stats(redis, queue_settings).pages_total - pages_before == SUBMISSIONS + 2
    print(f"\nload: {SUBMISSIONS} submissions, {CLIENTS} clients, burst {burst_s:.2f} s; submit latency "
          f"p50 {p50 * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms, max {max(latencies) * 1000:.1f} ms; running jobs "
          f"during the burst min {min(started_during)} max {max(started_during)}; all {len(ids)} jobs finished "
          f"exactly once in {drain_s:.0f} s after the burst ({len(ids) / max(drain_s, 1e-9):.2f} jobs/s)")
