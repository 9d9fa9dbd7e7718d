"""GET /metrics in the Prometheus text format (0.0.4), from Redis: the same numbers on every API replica.

    gongwen_jobs{state="queued|started|finished|failed|canceled|scheduled"}   gauge
    gongwen_queue_depth                                                     gauge
    gongwen_workers                                                         gauge
    gongwen_pages_processed_total / gongwen_documents_processed_total       counter
    gongwen_seconds_per_page_bucket{le=…} / _sum / _count                   histogram
"""

from __future__ import annotations

from collections.abc import Sequence

from rq import Queue

from workers.queue.queue import count_live_workers
from workers.queue.stats import SECONDS_PER_PAGE_BUCKETS, read_stats
from workers.settings import Settings

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def _family(name: str, kind: str, help_text: str, samples: Sequence[tuple[str, float]]) -> list[str]:
    lines = [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]
    lines += [f"{sample} {value:g}" for sample, value in samples]
    return lines


def render_metrics(queue: Queue, settings: Settings) -> str:
    jobs = {
        "queued": queue.count,
        "started": queue.started_job_registry.get_job_count(cleanup=False),
        "finished": queue.finished_job_registry.get_job_count(cleanup=False),
        "failed": queue.failed_job_registry.get_job_count(cleanup=False),
        "canceled": queue.canceled_job_registry.get_job_count(cleanup=False),
        "scheduled": queue.scheduled_job_registry.get_job_count(cleanup=False),
    }
    stats = read_stats(queue.connection, settings)
    les = [f"{b:g}" for b in SECONDS_PER_PAGE_BUCKETS] + ["+Inf"]
    lines: list[str] = []
    lines += _family("gongwen_jobs", "gauge", "Jobs by state (finished/failed within their TTL).",
                     [(f'gongwen_jobs{{state="{s}"}}', n) for s, n in jobs.items()])
    lines += _family("gongwen_queue_depth", "gauge", "Jobs waiting in the queue.",
                     [("gongwen_queue_depth", jobs["queued"])])
    lines += _family("gongwen_workers", "gauge", "Workers registered on the queue.",
                     [("gongwen_workers", count_live_workers(queue))])
    lines += _family("gongwen_pages_processed_total", "counter", "Pages converted.",
                     [("gongwen_pages_processed_total", stats.pages_total)])
    lines += _family("gongwen_documents_processed_total", "counter", "Documents converted.",
                     [("gongwen_documents_processed_total", stats.documents_total)])
    hist: list[tuple[str, float]] = [(f'gongwen_seconds_per_page_bucket{{le="{le}"}}', n) for le, n in zip(les, stats.bucket_counts)]
    hist += [("gongwen_seconds_per_page_sum", stats.seconds_sum),
             ("gongwen_seconds_per_page_count", stats.pages_observed)]
    lines += _family("gongwen_seconds_per_page", "histogram", "Conversion seconds per page.", hist)
    return "\n".join(lines) + "\n"
