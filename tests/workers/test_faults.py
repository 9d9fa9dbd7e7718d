"""Faults, with real worker processes on the real Redis (DB 14, a fresh queue per test):

- corrupt input that only shows when a page is decoded (truncated PNG, JPEG, TIFF) fails with
  `corrupt_input`; files the API would have refused at submit (truncated PDF, garbage TIFF, an encrypted
  PDF), queued straight onto the queue, fail in the worker with the same codes; none is retried, the
  worker survives and its next job succeeds; `gongwen convert` gives the same codes for the same files;
- edge documents (a blank page, a drawing without text, a PDF sent as image/png) finish with a clean
  result and a warning, never a crash; a page with ink the OCR reads nothing from is warned about;
- an OCR call that hangs in native code is stopped: the job fails with `timeout` (not retried), the
  hung worker process is ended by its watchdog and replaced by the pool, and the queue keeps moving.

What is simulated: only the hang. A C function compiled here with gcc sleeps inside native code and
restarts its sleep after every signal (so SIGALRM, rq's soft timeout, cannot end it) — what a wedged
onnxruntime or OpenCV call looks like to Python. The job function (`tests/workers/stalls.py`) puts it in
front of the real engine's `recognise` and then runs the real `workers.queue.jobs.convert_job`; everything else
is the product.
The SIGKILL-mid-job fault is tests/workers/test_queue.py::test_sigkill_mid_job_requeues_to_another_worker_or_fails_clearly.
"""

from __future__ import annotations

import json
import math
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image, ImageDraw
from stalls import HANG_C, NATIVE_HANG_FUNC  # tests/workers is on sys.path under pytest

from service.api import create_app
from workers import defaults
from workers.queue.queue import JOB_FUNC, connect, conversion_options, fetch_job, make_queue, reap_abandoned
from workers.queue.status import JobState, describe_job, job_state
from workers.storage.directory import Storage

JOB_BOUND_S = 300.0
"""Seconds a one-page job may take from submit to an end state on a busy 2-core machine."""
HANG_JOB_TIMEOUT_S = 20
"""The hung job's own timeout (rq's soft timeout fires then and cannot interrupt the native call): two orders
of magnitude above the ~0.1 s of ingest and preprocessing before the hung call, so on any machine the
timeout falls inside the native call and it is the watchdog that must end it."""
HANG_RECOVERY_BOUND_S = (HANG_JOB_TIMEOUT_S + defaults.JOB_HARD_KILL_GRACE_S + defaults.JOB_HEARTBEAT_INTERVAL_S
                         + defaults.JOB_LEASE_S + 60)
"""Seconds from enqueue until the hung job is failed: its timeout, the watchdog's grace, one heartbeat
interval for the watchdog to notice, the lease to run out so the job is reaped, and slack for a busy machine."""
WORKER_RESPAWN_BOUND_S = 180.0
"""Seconds for the pool to start a replacement worker and for it to load the model and register."""

def _wait_end(settings: Any, job_id: str, timeout_s: float) -> Any:
    redis = connect(settings)
    queue = make_queue(settings, redis)
    deadline = time.monotonic() + timeout_s
    while True:
        reap_abandoned(queue)  # what the API does when a started job is read
        job = fetch_job(redis, job_id)
        assert job is not None, f"job {job_id} disappeared"
        if job_state(job) in (JobState.FINISHED, JobState.FAILED, JobState.CANCELED):
            return job
        assert time.monotonic() < deadline, f"job {job_id} still {job_state(job).value} after {timeout_s} s"
        time.sleep(0.2)


def _enqueue_raw(settings: Any, path: Path, func: str = JOB_FUNC, extra_args: tuple[Any, ...] = (),
                 timeout: int | None = None) -> str:
    """Put a file on the queue as the API would, but without the API's validation (so the worker meets it)."""
    from rq import Retry

    from workers.queue.queue import job_timeout_s

    storage = Storage(settings.storage_dir)
    storage.ensure()
    stored = storage.save_file(path, max_bytes=1 << 26)
    queue = make_queue(settings, connect(settings))
    job = queue.enqueue_call(func, args=(stored.sha256, path.name, conversion_options(None), *extra_args),
                             timeout=timeout or job_timeout_s(1), failure_ttl=settings.failure_ttl_s,
                             retry=Retry(max=defaults.JOB_RETRY_MAX, interval=[1]),
                             meta={"pages": 1, "filename": path.name, "attempts": 0})
    return str(job.id)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in state


@pytest.mark.slow
def test_corrupt_input_fails_cleanly_is_not_retried_and_the_worker_takes_the_next_job(
        queue_settings: Any, workers: Any, bad_scans: dict[str, Any], gongwen: Any, tmp_path: Path,
        make_scan: Callable[..., Path]) -> None:
    worker = workers.start()
    workers.wait_ready(1)
    ids: dict[str, str] = {}
    with TestClient(create_app(queue_settings)) as client:
        for name in ("truncated_png", "truncated_jpeg", "truncated_tiff"):  # pass the API, fail on decode
            bad = bad_scans[name]
            response = client.post("/v1/documents", files={"file": (bad.path.name, bad.path.read_bytes(), "image/png")})
            assert response.status_code == 202, response.text
            ids[name] = response.json()["id"]
    for name in ("truncated_pdf", "garbage_tiff", "encrypted_pdf"):  # the API refuses these; the worker too
        ids[name] = _enqueue_raw(queue_settings, bad_scans[name].path)
    good = _enqueue_raw(queue_settings, make_scan("after-bad.png", variant=800))
    pids = set()
    for name, job_id in ids.items():
        job = _wait_end(queue_settings, job_id, JOB_BOUND_S)
        view = describe_job(job)
        assert view["status"] == "failed", (name, view)
        assert view["error"]["code"] == bad_scans[name].code, (name, view["error"])
        assert view["attempts"] == 1 and job.retries_left == 0 and len(job.results()) == 1, name  # not retried
        pids.add(view["worker"]["pid"])
    finished = describe_job(_wait_end(queue_settings, good, JOB_BOUND_S))
    assert finished["status"] == "finished" and finished["worker"]["pid"] in pids | {worker.pid}
    assert worker.poll() is None, "the worker process died"
    assert len(pids) == 1  # one worker process took every bad file and then the good one
    # the CLI gives the same codes for the same files (one process: one model load for the folder)
    folder = tmp_path / "decode-bad"
    folder.mkdir()
    for name in ("truncated_png", "truncated_jpeg", "truncated_tiff"):
        (folder / bad_scans[name].path.name).write_bytes(bad_scans[name].path.read_bytes())
    cli = gongwen("convert", folder, "-o", tmp_path / "out", "--no-progress")
    lines = [line for line in cli.stderr.decode().splitlines() if line.startswith(f"gongwen: {folder}")]
    assert len(lines) == 3 and all(": corrupt_input: " in line for line in lines), cli.stderr.decode()
    assert cli.returncode == 4  # CorruptInput.exit_code
    print(f"\n6 corrupt/encrypted inputs failed with their codes, 0 retries, worker pid {worker.pid} survived "
          f"and finished the next job in {finished['timings']['run_s']} s")


def _no_text_page(path: Path) -> Path:
    """A drawing without text: two thin curves across the page. (Filled shapes are no good here: the OCR
    reads a large disc as "O" and a block as "一", even on a page the preprocessing calls blank.)"""
    page = Image.new("RGB", (1240, 1754), "white")
    draw = ImageDraw.Draw(page)
    draw.line([(x, 900 + 400 * math.sin(x / 90)) for x in range(80, 1160, 4)], fill=(30, 30, 30), width=5)
    draw.line([(x, 500 + 200 * math.cos(x / 140)) for x in range(80, 1160, 4)], fill=(30, 30, 30), width=5)
    page.save(path)
    return path


class _ReadsNothing:
    """An engine that finds no text (what the real one gives on a photo or a drawing)."""

    def recognise(self, image: Any, page: int) -> list[Any]:
        return []

    def recognise_crops(self, crops: Any) -> list[tuple[str, float]]:
        return [("", 0.0) for _ in crops]


def test_a_page_with_ink_but_no_text_gives_a_clean_result_and_a_warning(
        tmp_path: Path, make_scan: Callable[..., Path]) -> None:
    from workers.pipeline import convert_file, render_result
    from workers.settings import Settings

    result = convert_file(make_scan("ink.png", variant=830), settings=Settings(cache_dir=tmp_path),
                          engine=_ReadsNothing())  # type: ignore[arg-type]
    assert render_result(result, "text").strip() == ""
    assert "page 1: no text found" in result.warnings and not any("blank" in w for w in result.warnings)


@pytest.mark.slow
def test_blank_and_textless_pages_and_a_pdf_sent_as_png_finish_cleanly_with_warnings(
        queue_settings: Any, workers: Any, tmp_path: Path, make_scan: Callable[..., Path]) -> None:
    workers.start()
    workers.wait_ready(1)
    blank = tmp_path / "blank.png"
    Image.new("RGB", (1240, 1754), "white").save(blank)
    pdf = tmp_path / "real.pdf"
    Image.open(make_scan("as-pdf.png", variant=810)).convert("RGB").save(pdf, resolution=150)
    # imported here, not at module level: worker processes import this module for its job function, and
    # tests/ (where bad_scans lives) is on sys.path only under pytest
    from bad_scans import zero_page_pdf

    empty = tmp_path / "none.pdf"
    empty.write_bytes(zero_page_pdf())
    with TestClient(create_app(queue_settings)) as client:
        jobs = {}
        for label, path, name in (("blank", blank, "blank.png"), ("no_text", _no_text_page(tmp_path / "shapes.png"),
                                  "shapes.png"), ("pdf_as_png", pdf, "scan.png"), ("no_pages", empty, "none.pdf")):
            media_type = "application/pdf" if name.endswith(".pdf") else "image/png"
            response = client.post("/v1/documents", files={"file": (name, path.read_bytes(), media_type)})
            assert response.status_code == 202, response.text
            jobs[label] = response.json()["id"]
        results = {}
        for label, job_id in jobs.items():
            view = describe_job(_wait_end(queue_settings, job_id, JOB_BOUND_S))
            assert view["status"] == "finished", (label, view)
            results[label] = json.loads(client.get(f"/v1/jobs/{job_id}/result", params={"format": "json"}).content)
    assert results["blank"]["text"].strip() == ""
    assert "page 1: blank page (no ink found)" in results["blank"]["warnings"]
    assert results["no_text"]["text"].strip() == ""
    assert any(w.startswith("page 1: ") and ("no text found" in w or "blank page" in w)
               for w in results["no_text"]["warnings"]), results["no_text"]["warnings"]
    assert results["no_pages"]["text"] == "" and results["no_pages"]["source"]["pages"] == 0
    assert results["no_pages"]["warnings"] == ["the document has no pages"]
    assert results["pdf_as_png"]["source"]["media_type"] == "application/pdf"
    assert results["pdf_as_png"]["source"]["filename"] == "scan.png" and "通知" in results["pdf_as_png"]["text"]


@pytest.mark.slow
def test_an_ocr_call_hung_in_native_code_is_stopped_and_the_queue_keeps_moving(
        queue_settings: Any, workers: Any, tmp_path: Path, make_scan: Callable[..., Path]) -> None:
    source, library = tmp_path / "hang.c", tmp_path / "libgongwenhang.so"
    source.write_text(HANG_C)
    subprocess.run(["gcc", "-shared", "-fPIC", "-O1", "-o", str(library), str(source)], check=True)
    pool = workers.start("--processes", "2")
    workers.wait_ready(2)
    enqueued = time.monotonic()
    hung = _enqueue_raw(queue_settings, make_scan("hang.png", variant=820),
                        func=NATIVE_HANG_FUNC, extra_args=(str(library),),
                        timeout=HANG_JOB_TIMEOUT_S)
    redis = connect(queue_settings)
    while "worker_pid" not in (job := fetch_job(redis, hung)).meta:  # type: ignore[union-attr]
        assert time.monotonic() - enqueued < JOB_BOUND_S, "the hang job never started"
        time.sleep(0.1)
    victim = int(job.meta["worker_pid"])  # type: ignore[union-attr]
    job = _wait_end(queue_settings, hung, HANG_RECOVERY_BOUND_S)
    stopped_after = time.monotonic() - enqueued
    view = describe_job(job)
    assert view["status"] == "failed" and view["error"]["code"] == "timeout", view
    assert view["attempts"] == 1 and job.retries_left == 0 and len(job.results()) == 1  # not retried
    assert not _alive(victim), "the hung worker process is still running"
    assert pool.poll() is None, "the pool itself died"
    # the queue keeps moving: a normal job is done by a live worker, and the pool is back to two workers
    after = _enqueue_raw(queue_settings, make_scan("after-hang.png", variant=821))
    done = describe_job(_wait_end(queue_settings, after, JOB_BOUND_S))
    assert done["status"] == "finished" and done["worker"]["pid"] != victim
    from workers.queue.queue import count_live_workers

    deadline = time.monotonic() + WORKER_RESPAWN_BOUND_S
    while count_live_workers(make_queue(queue_settings, redis)) < 2:
        assert time.monotonic() < deadline, f"no replacement worker after {WORKER_RESPAWN_BOUND_S} s: {workers.logs()}"
        time.sleep(0.5)
    assert "inside native code; ending worker process" in workers.logs()  # the watchdog, not something else
    print(f"\nnative hang: job timeout {HANG_JOB_TIMEOUT_S} s, failed with `timeout` {stopped_after:.0f} s after "
          f"enqueue (bound {HANG_RECOVERY_BOUND_S} s); worker {victim} ended by its watchdog and replaced; "
          f"the next job finished in {done['timings']['run_s']} s")
