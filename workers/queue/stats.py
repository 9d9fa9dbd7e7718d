"""Counters the workers keep in Redis for /metrics: pages processed and a seconds-per-page histogram.

Kept in Redis (not in a worker's memory) because workers come and go and run on several machines;
the API reads them back and renders them in the Prometheus text format (`service.metrics`).
"""

from __future__ import annotations

from dataclasses import dataclass

from redis import Redis

from workers.queue.queue import as_text, key
from workers.settings import Settings

SECONDS_PER_PAGE_BUCKETS: tuple[float, ...] = (0.5, 1.0, 2.0, 3.0, 5.0, 8.0, 13.0, 21.0, 34.0, 60.0)
"""Upper bounds (seconds) of the seconds-per-page histogram: a page takes ~1–3 s on a small CPU."""


@dataclass(frozen=True)
class PageStats:
    pages_total: int
    documents_total: int
    bucket_counts: tuple[int, ...]  # cumulative, one per bucket, then +Inf
    seconds_sum: float
    pages_observed: int


def _stats_key(settings: Settings) -> str:
    return key(settings, "stats")


def record_document(connection: Redis, settings: Settings, *, pages: int, seconds: float) -> None:
    """Count one converted document of `pages` pages that took `seconds` of conversion time."""
    if pages <= 0:
        return
    per_page = seconds / pages
    with connection.pipeline() as pipe:
        name = _stats_key(settings)
        pipe.hincrby(name, "pages_total", pages)
        pipe.hincrby(name, "documents_total", 1)
        pipe.hincrbyfloat(name, "seconds_sum", seconds)
        pipe.hincrby(name, "pages_observed", pages)
        for bound in SECONDS_PER_PAGE_BUCKETS:
            if per_page <= bound:
                pipe.hincrby(name, f"le_{bound}", pages)
        pipe.execute()


def read_stats(connection: Redis, settings: Settings) -> PageStats:
    raw = {as_text(k): as_text(v) for k, v in connection.hgetall(_stats_key(settings)).items()}
    observed = int(raw.get("pages_observed", 0))
    buckets = tuple(int(raw.get(f"le_{bound}", 0)) for bound in SECONDS_PER_PAGE_BUCKETS) + (observed,)
    return PageStats(
        pages_total=int(raw.get("pages_total", 0)),
        documents_total=int(raw.get("documents_total", 0)),
        bucket_counts=buckets,
        seconds_sum=float(raw.get("seconds_sum", 0.0)),
        pages_observed=observed,
    )
