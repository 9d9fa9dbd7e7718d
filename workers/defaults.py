"""Timeouts, TTLs and retry back-off of the queue, each with its unit in the name.

The ones an operator is expected to tune (result and failure TTLs, the queue name) are also fields of
`workers.settings.Settings`, which takes its defaults from here; the rest are engineering constants.
"""

from __future__ import annotations

QUEUE_NAME = "gongwen"
"""Name of the RQ queue (and of the `gongwen:<queue>:…` key prefix of our own Redis keys)."""

JOB_TIMEOUT_BASE_S = 60
"""Seconds a job may take before its first page: opening the file, the layout rules, writing results."""

JOB_TIMEOUT_PER_PAGE_S = 60
"""Seconds each page adds to a job's timeout (a page takes 1–3 s on two busy cores: 20× headroom)."""

JOB_HARD_KILL_GRACE_S = 60
"""Seconds past a job's timeout after which the watchdog ends the whole worker process.

The soft timeout (SIGALRM) raises in Python code, so it cannot interrupt a native call (onnxruntime,
OpenCV, pdfium) that hangs; past this grace the watchdog records the failure and exits the process."""

JOB_HEARTBEAT_INTERVAL_S = 5
"""Seconds between the heartbeats a busy worker sends for its job (from a thread, while OCR runs)."""

JOB_LEASE_S = 30
"""Seconds a started job stays claimed without a heartbeat; after that it counts as abandoned (its
worker died) and is retried or failed. Must be several heartbeat intervals."""

JOB_RETRY_MAX = 2
"""Retries of a job after a transient failure (a lost worker, Redis or storage trouble). Input errors
(corrupt, encrypted, unsupported files), timeouts and bugs are never retried."""

JOB_RETRY_BACKOFF_S = (5, 30)
"""Seconds to wait before the 1st and 2nd retry (the last value repeats)."""

RESULT_TTL_S = 7 * 24 * 3600
"""Seconds a finished job and its result files are kept (default for settings.result_ttl_s)."""

FAILURE_TTL_S = 3 * 24 * 3600
"""Seconds a failed or canceled job is kept for inspection (default for settings.failure_ttl_s)."""

QUEUED_TTL_S = 7 * 24 * 3600
"""Seconds a job may wait in the queue before RQ discards it (no worker for a week)."""

WORKER_NICE = 10
"""Niceness a worker process adds to itself: OCR saturates every core, and the API and Redis on the same
machine must still answer at once (submit latency under load: tests/service/test_reliability_load.py)."""

WORKER_TTL_S = 60
"""Seconds a worker's registration lives without a heartbeat (rq's default is 420). /readyz counts only
live workers, so a dead worker drops out within this time."""

WORKER_MAINTENANCE_INTERVAL_S = 30
"""Seconds between a worker's maintenance passes: abandoned-job reaping, registry cleanup, storage
sweep (rq's default is 600, which would leave a lost job `started` for ten minutes)."""

STORAGE_SWEEP_INTERVAL_S = 3600
"""Seconds between two sweeps of expired uploads and results from the storage (directory or bucket)."""

STORAGE_WAIT_RETRY_S = 5.0
"""Seconds a starting worker waits between two checks of a storage it cannot use yet (bucket missing,
credentials refused, store away): it registers, and so takes jobs, only once the storage works."""

CANCEL_FLAG_TTL_S = 24 * 3600
"""Seconds a cancel request for a running job is remembered."""

PROGRESS_SAVE_INTERVAL_S = 0.5
"""Minimum seconds between two progress writes of one job (the last page is always written)."""

API_HOST = "127.0.0.1"
"""Interface `gongwen serve` listens on by default (the container sets 0.0.0.0)."""

API_PORT = 8000
"""TCP port `gongwen serve` listens on by default."""

UPLOAD_CHUNK_BYTES = 1 << 20
"""Bytes read per chunk while streaming an upload into storage."""

BATCH_MAX_DOCUMENTS = 1000
"""Documents one batch request may hold (files plus zip members)."""

ZIP_MAX_RATIO = 200
"""Largest uncompressed/compressed ratio of a zip member (zip bombs are refused before extraction)."""
