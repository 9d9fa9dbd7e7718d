"""`gongwen batch DIR -o OUTDIR`: queue every scan in a folder through Redis and collect the results.

Each scan goes into the shared storage and onto the queue (the same path as POST /v1/documents, with
its dedupe); running workers (`gongwen worker`, here or on other machines) convert them. Progress bars
count documents and pages; each result is written to OUTDIR as soon as it finishes (same relative
path, suffix .txt/.md/.json/.alto.xml/.hocr.html/.pdf), via a temporary file and a rename, so a rerun skips every document whose
result file exists and an interrupted run loses nothing. Exit status 0 when every document finished,
1 when some failed (listed on stderr).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from service.cli.convert import SCAN_SUFFIXES
from workers.settings import Settings

POLL_INTERVAL_S = 0.5
"""Seconds between two looks at the pending jobs."""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("batch", help="convert every scan in a folder through the queue",
                                   description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("directory", type=Path, help="folder of scans (searched recursively)")
    parser.add_argument("-o", "--out", type=Path, required=True, help="folder for the results")
    parser.add_argument("--format", choices=("text", "md", "json", "alto", "hocr", "pdf"), default="text")
    parser.add_argument("--dpi", type=int, help="PDF render resolution (default from settings)")
    parser.add_argument("--queue", help="queue name (default: GONGWEN_QUEUE or 'gongwen')")
    parser.add_argument("--redis-url", help="Redis URL (default: GONGWEN_REDIS_URL)")
    parser.add_argument("--split", action="store_true",
                        help="each scan is a batch of documents: its result lists them (text: a line of = "
                             "between two; md: a --- rule; json: `documents`)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bars")
    parser.set_defaults(handler=run)


@dataclass
class _Pending:
    source: Path
    target: Path
    job_id: str
    pages_total: int
    pages_seen: int = 0


@dataclass
class _Tally:
    written: int = 0
    skipped: int = 0
    failed: list[str] = field(default_factory=list)


def find_scans(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*") if p.is_file() and p.suffix.lower() in SCAN_SUFFIXES)


def target_for(source: Path, directory: Path, out: Path, fmt: str) -> Path:
    from workers.storage.directory import SUFFIXES

    return (out / source.relative_to(directory)).with_suffix("." + SUFFIXES[fmt])  # type: ignore[index]


def _write_atomically(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.part")
    tmp.write_bytes(data)
    os.replace(tmp, target)


def run_batch(settings: Settings, directory: Path, out: Path, *, fmt: str = "text", dpi: int | None = None,
              progress: bool = True, split: bool = False) -> int:
    from tqdm import tqdm

    from workers.errors import GongwenError
    from workers.queue.intake import count_pages
    from workers.queue.queue import connect, conversion_options, fetch_job, make_queue, reap_abandoned, submit
    from workers.queue.status import JobState, describe_job, job_state
    from workers.storage.backend import open_storage

    redis = connect(settings)
    storage = open_storage(settings)
    storage.ensure()
    scans = find_scans(directory)
    tally = _Tally()
    pending: list[_Pending] = []
    docs = tqdm(total=len(scans), unit="doc", desc="documents", disable=not progress, position=0)
    pages = tqdm(total=0, unit="page", desc="pages", disable=not progress, position=1)
    for source in scans:
        target = target_for(source, directory, out, fmt)
        if target.exists():
            tally.skipped += 1
            docs.update(1)
            continue
        try:
            stored = storage.save_file(source, max_bytes=settings.max_upload_mb << 20)
            n_pages = count_pages(source, settings, dpi)  # the same bytes, read where they are
            sub = submit(redis, settings, storage, stored, filename=source.name,
                         options=conversion_options(dpi, split), pages=n_pages)
        except GongwenError as exc:
            tally.failed.append(f"{source}: {exc.code}: {exc.message}")
            docs.update(1)
            continue
        pending.append(_Pending(source, target, sub.job_id, n_pages))
        pages.total += n_pages
        pages.refresh()
    queue = make_queue(settings, redis)
    while pending:
        time.sleep(POLL_INTERVAL_S)
        reap_abandoned(queue)
        for item in list(pending):
            job = fetch_job(redis, item.job_id)
            if job is None:
                tally.failed.append(f"{item.source}: expired: the job vanished from Redis")
                pending.remove(item)
                docs.update(1)
                continue
            view = describe_job(job)
            done = min(view["progress"]["pages_done"], item.pages_total)
            pages.update(max(0, done - item.pages_seen))
            item.pages_seen = max(item.pages_seen, done)
            state = job_state(job)
            if state is JobState.FINISHED:
                pages.update(item.pages_total - item.pages_seen)
                _write_atomically(item.target, storage.read_result(str(job.meta["result_key"]), fmt))  # type: ignore[arg-type]
                tally.written += 1
            elif state in (JobState.FAILED, JobState.CANCELED):
                error = view["error"] or {"code": state.value, "message": ""}
                tally.failed.append(f"{item.source}: {error['code']}: {error['message']}")
            else:
                continue
            pending.remove(item)
            docs.update(1)
    pages.close()
    docs.close()
    print(f"{tally.written} written, {tally.skipped} already done, {len(tally.failed)} failed", file=sys.stderr)
    for line in tally.failed:
        print(f"failed: {line}", file=sys.stderr)
    return 1 if tally.failed else 0


def run(args: argparse.Namespace) -> int:
    from service.cli.worker import settings_from_args

    return run_batch(settings_from_args(args), args.directory, args.out, fmt=args.format, dpi=args.dpi,
                     progress=not args.no_progress, split=args.split)
