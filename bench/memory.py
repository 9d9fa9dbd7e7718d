"""`python -m bench.memory`: a worker's memory — peak RSS over a long PDF, and RSS flat over many jobs.

    python -m bench.memory [--pages 50] [--jobs 200] [--out results] [--skip-peak] [--skip-jobs]

1. Peak RSS: a fresh process (what a worker is) loads the engine and converts one `--pages`-page PDF made
   of real scanned pages (the committed sample's pages, repeated; 200 dpi A4). Reported: RSS after loading,
   peak RSS over the whole run (`ru_maxrss`, which includes the model load), and the page rate.
2. Flatness: a fresh process converts `--jobs` small one-page inputs in a row with the one engine, as a
   worker does; the inputs are five crops of different sizes of real pages (so the OCR sees varying shapes,
   the case where an allocator can keep growing), PNG files. Reported: current RSS after each 10th job; the
   check is RSS after the last job within 10% of RSS after job 20.

Targets (issue 9): peak ≤ 1.5 GB during a 50-page PDF, RSS after job 200 within 10% of job 20. Both parts
run in child processes so that one's peak does not hide in the other's; the numbers go to
`--out/memory.json` and stdout.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

SAMPLE_PDF = Path(__file__).resolve().parents[1] / "fixtures" / "samples" / "sample_reply.pdf"
PEAK_LIMIT_MB = 1536.0
"""Issue 9: a worker stays under 1.5 GB during a 50-page PDF."""
FLAT_TOLERANCE = 0.10
"""Issue 9: RSS after the last job within 10% of RSS after job 20 (job 20: arenas are warm by then)."""
FLAT_REFERENCE_JOB = 20
SAMPLE_EVERY = 10
CROPS = ((0.0, 0.0, 1.0, 0.35), (0.0, 0.3, 1.0, 0.6), (0.1, 0.55, 0.9, 0.8), (0.0, 0.0, 0.6, 0.25),
         (0.0, 0.68, 1.0, 1.0))
"""Job inputs: (x0, y0, x1, y1) fractions of a page; different sizes and content."""


def rss_mb() -> float:
    """Current resident set size of this process, in MiB (Linux /proc)."""
    with open("/proc/self/statm", encoding="ascii") as handle:
        resident_pages = int(handle.read().split()[1])
    return resident_pages * resource.getpagesize() / (1 << 20)


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MiB (ru_maxrss is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _sample_pages(dpi: int) -> list[np.ndarray]:
    from workers.image.ingest import open_document
    from workers.settings import load_settings

    with open_document(SAMPLE_PDF, settings=load_settings(), dpi=dpi) as source:
        return list(source.iter_pages())


def make_long_pdf(path: Path, pages: int, dpi: int = 200) -> Path:
    """A `pages`-page PDF of the sample's scanned pages repeated (JPEG, `dpi`)."""
    from PIL import Image

    images = [Image.fromarray(page[:, :, ::-1]) for page in _sample_pages(dpi)]
    chosen = [images[i % len(images)] for i in range(pages)]
    chosen[0].save(path, save_all=True, append_images=chosen[1:], resolution=float(dpi), quality=85)
    return path


def make_job_inputs(folder: Path, dpi: int = 200) -> list[Path]:
    """Small one-page PNG inputs: crops of the sample's pages (see CROPS)."""
    import cv2

    pages = _sample_pages(dpi)
    paths = []
    for index, (x0, y0, x1, y1) in enumerate(CROPS):
        page = pages[index % len(pages)]
        height, width = page.shape[:2]
        crop = page[int(y0 * height):int(y1 * height), int(x0 * width):int(x1 * width)]
        path = folder / f"job-{index}.png"
        cv2.imwrite(str(path), crop)
        paths.append(path)
    return paths


def _engine_and_settings() -> tuple[Any, Any]:
    from workers.ocr.engine import get_engine
    from workers.settings import load_settings

    settings = load_settings()
    return get_engine(settings), settings


def measure_peak(pages: int) -> dict[str, Any]:
    """(child process) Load the engine, convert one `pages`-page PDF; RSS figures."""
    from workers.pipeline import convert_file

    start_rss = rss_mb()
    engine, settings = _engine_and_settings()
    loaded_rss = rss_mb()
    with tempfile.TemporaryDirectory() as tmp:
        pdf = make_long_pdf(Path(tmp) / "long.pdf", pages)
        wall, cpu = time.perf_counter(), time.process_time()
        result = convert_file(pdf, settings=settings, engine=engine)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {
        "pages": len(result.pages), "rss_start_mb": start_rss, "rss_loaded_mb": loaded_rss,
        "rss_end_mb": rss_mb(), "peak_rss_mb": peak_rss_mb(), "limit_mb": PEAK_LIMIT_MB,
        "ok": peak_rss_mb() <= PEAK_LIMIT_MB, "wall_s": wall, "cpu_s": cpu,
    }


def measure_jobs(jobs: int) -> dict[str, Any]:
    """(child process) `jobs` one-page conversions in a row with one engine; RSS every SAMPLE_EVERY jobs."""
    from workers.pipeline import convert_file

    engine, settings = _engine_and_settings()
    samples: dict[int, float] = {0: rss_mb()}
    with tempfile.TemporaryDirectory() as tmp:
        inputs = make_job_inputs(Path(tmp))
        cpu = time.process_time()
        for job in range(1, jobs + 1):
            convert_file(inputs[job % len(inputs)], settings=settings, engine=engine)
            if job % SAMPLE_EVERY == 0 or job == FLAT_REFERENCE_JOB:
                samples[job] = rss_mb()
        cpu = time.process_time() - cpu
    reference, last = samples[min(FLAT_REFERENCE_JOB, jobs)], samples[jobs]
    growth = (last - reference) / reference
    return {
        "jobs": jobs, "rss_mb": samples, "reference_job": FLAT_REFERENCE_JOB, "growth": growth,
        "ok": abs(growth) <= FLAT_TOLERANCE, "peak_rss_mb": peak_rss_mb(), "cpu_s_per_job": cpu / jobs,
    }


def _in_child(part: str, count: int) -> dict[str, Any]:
    """Run one part in a fresh interpreter; its JSON line is the last line of its stdout."""
    done = subprocess.run([sys.executable, "-m", "bench.memory", "--child", part, str(count)],
                          check=True, capture_output=True, text=True)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.memory", description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=50, help="pages of the long PDF (peak RSS)")
    parser.add_argument("--jobs", type=int, default=200, help="one-page jobs in a row (flatness)")
    parser.add_argument("--out", type=Path, default=Path("results"))
    parser.add_argument("--skip-peak", action="store_true")
    parser.add_argument("--skip-jobs", action="store_true")
    parser.add_argument("--child", nargs=2, metavar=("PART", "COUNT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        part, count = args.child[0], int(args.child[1])
        print(json.dumps(measure_peak(count) if part == "peak" else measure_jobs(count)))
        return 0
    report: dict[str, Any] = {}
    if not args.skip_peak:
        report["peak"] = peak = _in_child("peak", args.pages)
        print(f"peak RSS over a {peak['pages']}-page PDF: {peak['peak_rss_mb']:.0f} MB (after loading "
              f"{peak['rss_loaded_mb']:.0f} MB, at the end {peak['rss_end_mb']:.0f} MB; limit "
              f"{PEAK_LIMIT_MB:.0f} MB) — {'ok' if peak['ok'] else 'OVER'}; CPU {peak['cpu_s'] / peak['pages']:.2f} s/page")
    if not args.skip_jobs:
        report["jobs"] = flat = _in_child("jobs", args.jobs)
        rss = {int(k): v for k, v in flat["rss_mb"].items()}
        print(f"RSS over {flat['jobs']} jobs: " + ", ".join(f"#{k} {v:.0f}" for k, v in sorted(rss.items())) + " MB")
        print(f"after job {flat['jobs']} vs job {FLAT_REFERENCE_JOB}: {100 * flat['growth']:+.1f}% "
              f"(limit ±{100 * FLAT_TOLERANCE:.0f}%) — {'ok' if flat['ok'] else 'GROWING'}")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "memory.json").write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    return 0 if all(part["ok"] for part in report.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
