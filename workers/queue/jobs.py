"""RQ job functions: module-level, JSON-safe arguments, the OCR model kept in the worker process.

`install_runtime(settings)` is called once per worker process before it takes jobs (by
`workers.queue.worker.GongwenWorker`); it loads the OCR engine and keeps it. Every job then reuses it:
`meta["engine_loads"]` records how many times this process loaded the model (1 for every job of a
healthy worker) and `meta["engine_wait_s"]` what the job itself spent getting the engine (~0).
"""

from __future__ import annotations

import os
import socket
import time
from dataclasses import dataclass
from typing import Any

from redis import Redis
from rq import get_current_job
from rq.job import Job

from workers import defaults
from workers.errors import InputError
from workers.output.previews import PreviewWriter
from workers.queue.queue import cancel_requested
from workers.queue.stats import record_document
from workers.settings import Settings, load_settings
from workers.storage.backend import StorageBackend, open_storage
from workers.storage.directory import FORMATS, result_key


class JobCanceled(Exception):
    """Raised between pages when the job's cancel flag is set (DELETE /v1/jobs/{id})."""


@dataclass
class Runtime:
    """What a worker process keeps between jobs."""

    settings: Settings
    storage: StorageBackend
    engine: Any  # workers.ocr.engine.OcrEngine; typed loosely so this module imports no OCR code
    engine_load_s: float
    engine_loads: int


WARMUP_PAGE_PX = (1754, 1240)
"""Height, width of the synthetic page the models read once at worker start (A4 at 150 dpi): the first
inference at page size grows onnxruntime's buffers, which should not be a job's cost."""
WARMUP_BARS = 8
"""Text-line-like dark bars on that page, so the recogniser runs too."""

_RUNTIME: Runtime | None = None
_SETTINGS: Settings | None = None


def configure(settings: Settings) -> None:
    """Settings for the runtime installed later in this process (or in processes forked from it)."""
    global _SETTINGS
    _SETTINGS = settings


def install_runtime(settings: Settings | None = None, *, engine: Any = None) -> Runtime:
    """Load the OCR engine once for this process (or take the one given) and keep it."""
    global _RUNTIME
    settings = settings or _SETTINGS or load_settings()
    started = time.perf_counter()
    loads = _RUNTIME.engine_loads if _RUNTIME else 0
    if engine is None:
        engine = _load_and_warm(settings)
        loads += 1
    storage = open_storage(settings)
    storage.ensure()
    _RUNTIME = Runtime(settings, storage, engine, time.perf_counter() - started, loads)
    return _RUNTIME


def _load_and_warm(settings: Settings) -> Any:
    """Load every model a conversion may use, and run each once, so no job pays a first-use cost:
    the detector + recogniser (PaddleOCR), the recogniser alone (second looks), the direction classifier."""
    import numpy as np

    from workers.image.preprocess import OrientationClassifier
    from workers.ocr.engine import get_engine  # the OCR stack: imported by workers only

    engine = get_engine(settings)
    page = np.full(WARMUP_PAGE_PX + (3,), 255, dtype=np.uint8)
    for row in range(WARMUP_BARS):  # dark bars shaped like text lines: detector and recogniser both run
        top = 150 + row * 90
        page[top:top + 40, 150:1090] = 30
    engine.recognise(page, 1)
    crop = np.ascontiguousarray(page[140:200, 140:1100])
    engine.recognise_crops([crop])
    OrientationClassifier().probabilities([crop])
    return engine


def runtime() -> Runtime:
    """The process's runtime; installed on first use when a plain rq worker runs our jobs."""
    return _RUNTIME if _RUNTIME is not None else install_runtime()


class _Progress:
    """progress(pages_done, pages_total) for the pipeline: writes job meta, honours cancel requests."""

    def __init__(self, job: Job, connection: Redis, settings: Settings) -> None:
        self.job, self.connection, self.settings = job, connection, settings
        self.last_save = 0.0

    def check_cancel(self) -> None:
        if cancel_requested(self.connection, self.settings, self.job.id):
            raise JobCanceled(f"job {self.job.id} canceled")

    def __call__(self, pages_done: int, pages_total: int) -> None:
        now = time.monotonic()
        if pages_done >= pages_total or now - self.last_save >= defaults.PROGRESS_SAVE_INTERVAL_S:
            self.job.meta["progress"] = {"pages_done": pages_done, "pages_total": pages_total}
            self.job.save_meta()
            self.last_save = now
        self.check_cancel()


def convert_job(sha256: str, filename: str, options: dict[str, Any]) -> dict[str, Any]:
    """Convert the upload `sha256` with `options`; write every rendering (text, Markdown, JSON, ALTO, hOCR,
    the searchable PDF) to storage.

    Returns {"result_key", "pages", "timings"} (JSON-safe). Errors are GongwenError subclasses; the
    worker decides from their class whether a retry can help (`workers.queue.worker.classify_failure`).
    """
    from workers.pipeline import ConvertOptions, convert_file, render_bytes

    job = get_current_job()
    if job is None:  # pragma: no cover - only RQ calls this
        raise RuntimeError("convert_job runs inside an RQ worker")
    waited = time.perf_counter()
    rt = runtime()
    engine_wait_s = time.perf_counter() - waited
    job.meta.update(
        attempts=int(job.meta.get("attempts", 0)) + 1, worker_pid=os.getpid(), worker_host=socket.gethostname(),
        engine_loads=rt.engine_loads, engine_load_s=round(rt.engine_load_s, 3),
        engine_wait_s=round(engine_wait_s, 6), error=None,
    )
    job.save_meta()
    progress = _Progress(job, job.connection, rt.settings)
    progress.check_cancel()

    try:
        with rt.storage.local_upload(sha256) as path:  # in a bucket: a temporary local copy, removed after
            started = time.perf_counter()
            result = convert_file(path, settings=rt.settings, options=ConvertOptions(dpi=options.get("dpi"),
                                                                           split=bool(options.get("split"))),
                                  filename=filename, engine=rt.engine, progress=progress,
                                  page_image=PreviewWriter(rt.storage, result_key(sha256, options)))
            seconds = time.perf_counter() - started
            key = result_key(sha256, options)
            # inside the block: the searchable PDF is built from the scan itself, which a bucket's
            # temporary copy holds only until the block ends
            rt.storage.write_result(key, {fmt: render_bytes(result, fmt, path) for fmt in FORMATS})
    except FileNotFoundError as exc:
        raise InputError(f"the upload of {filename} is no longer in storage; submit it again") from exc
    pages = len(result.pages)
    record_document(job.connection, rt.settings, pages=pages, seconds=seconds)
    job.meta["progress"] = {"pages_done": pages, "pages_total": pages}
    job.meta["pages"] = pages
    job.meta["timings"] = {k: round(float(v), 4) for k, v in result.timings.items()}
    job.save_meta()
    return {"result_key": key, "pages": pages, "timings": job.meta["timings"]}
