"""`python -m bench.run`: the product and plain PaddleOCR over a fixture corpus, side by side.

    python -m bench.run --corpus corpus --out results [--quick] [--only ID] [--limit N]
                        [--varied DIR [--split dev|held] [--mode colour|gray|bw ...] [--skip-standard]]

A missing corpus folder is generated first (`python -m fixtures.corpus build --out DIR [--quick]`), and in a
generated one the documents whose truth changed since are rebuilt (see `bench.corpus`); without `--corpus`
the full corpus lives in `corpus/` and the quick one in `.cache/corpus-quick/`; `--quick` on a full corpus
runs its quick documents. Each document's
`doc.pdf` goes through both systems in the same process, the order alternating per document to spread
machine noise; each system is loaded once and warmed up on one page before any timing. The product is timed
over the whole `convert_file` (ingest, preprocessing, OCR, layout); plain PaddleOCR over the same ingest
plus `predict` (see `bench.baseline`). Both in wall and in CPU seconds (the process, all threads: the
figure to trust on a busy machine), and inside the OCR, in each model (detection, recognition). After each
conversion the archive formats (searchable PDF, ALTO, hOCR) are rendered from it and timed apart: their
share of the conversion's time is the `archive formats` line (target ≤ 5%). Writes `bench.json`, `bench.md` and `bench.png` to `--out` and prints
the table.

With `--varied DIR` the second typesetter's corpus (`fixtures.corpus.varied`, generated when missing) runs
too, product only (plain PaddleOCR has no fields; the speed ratio is the standard corpus's): one half
(`--split`) or both, some colour modes (`--mode`, repeatable) or all, `--limit` documents each in every
mode. Every run ends with the rows of `bench.groups`: the standard corpus, and per half × colour mode
(and 100 dpi), and with `--photos DIR` per photo half, the CER, F1 and exact rate of each field (the photo
halves also under the mean row, beside plain PaddleOCR). `--skip-standard` runs the varied corpus alone.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import groups, metrics, report
from bench.baseline import PlainPaddleOcr
from bench.corpus import Case, ensure_corpus, ensure_varied, find_cases, find_varied_cases
from workers.settings import Settings, load_settings

DEFAULT_CORPUS = Path("corpus")
DEFAULT_QUICK_CORPUS = Path(".cache/corpus-quick")
SYSTEMS = ("product", "baseline")


@dataclass(frozen=True)
class Run:
    """One system's output on one document. `seconds` is wall time, `cpu_seconds` this process's CPU time
    (all threads: less sensitive than wall time to other load on the machine); `timings` per stage."""

    text: str
    pages: int
    seconds: float
    cpu_seconds: float = 0.0
    fields: dict[str, Any] | None = None
    timings: dict[str, float] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    error: str | None = None


# ------------------------------------------------------------------------------------------- systems
class Product:
    """The product: `workers.pipeline.convert_file` with one engine loaded once."""

    def __init__(self, settings: Settings) -> None:
        from workers.ocr.engine import get_engine

        self.settings = settings
        self.engine = get_engine(settings)

    def warm_up(self, case: Case) -> None:
        from workers.pipeline import convert_file

        first = case.first_page()
        archive_seconds(convert_file(first, settings=self.settings, engine=self.engine), first)

    def convert(self, case: Case) -> Run:
        from workers.pipeline import convert_file

        before = model_seconds(self.engine)
        start = time.perf_counter()
        result = convert_file(case.pdf, settings=self.settings, engine=self.engine, filename=case.pdf.name)
        seconds = time.perf_counter() - start
        models = {key: value - before.get(key, 0.0) for key, value in model_seconds(self.engine).items()}
        envelope = result.envelope()
        return Run(
            text=str(envelope["text"]),
            pages=len(result.pages),
            seconds=seconds,
            fields=dict(envelope["fields"]),
            timings={**{k: float(v) for k, v in envelope.get("timings", {}).items()}, **models,
                     **archive_seconds(result, case.pdf)},
            warnings=tuple(str(w) for w in envelope.get("warnings", ())),
        )


def archive_seconds(result: Any, source: Path) -> dict[str, float]:
    """Wall seconds to render the archive formats of a finished conversion (`render_pdf_s`, `render_alto_s`,
    `render_hocr_s`): what the worker spends after `convert_file` to keep them beside the text. Not part of
    the product's `seconds` (the ratio to plain PaddleOCR stays a conversion-to-conversion figure)."""
    from workers.pipeline import render_bytes, render_result

    seconds = {}
    for fmt in report.ARCHIVE_FORMATS:
        start = time.perf_counter()
        if fmt == "pdf":
            render_bytes(result, "pdf", source)
        else:
            render_result(result, fmt)
        seconds[f"render_{fmt}_s"] = time.perf_counter() - start
    return seconds


def model_seconds(engine: object) -> dict[str, float]:
    """The engine's running totals of seconds in its models (det_s, rec_s, det_cpu_s, rec_cpu_s), if it
    keeps them (`workers.ocr.engine.PaddleEngine.seconds`); {} otherwise."""
    seconds = getattr(engine, "seconds", None)
    return {str(k): float(v) for k, v in seconds.items()} if isinstance(seconds, dict) else {}


class Baseline:
    def __init__(self, settings: Settings) -> None:
        self.ocr = PlainPaddleOcr(settings)

    def warm_up(self, case: Case) -> None:
        self.ocr.convert(case.first_page())

    def convert(self, case: Case) -> Run:
        result = self.ocr.convert(case.pdf)
        timings = {"decode_s": result.decode_seconds, "predict_s": result.predict_seconds, **result.models}
        return Run(text=result.text, pages=result.pages, seconds=result.seconds, timings=timings)


def safely(system: Product | Baseline, case: Case) -> Run:
    """Run one system on one document; a failure is recorded (empty text) instead of ending the run."""
    start, cpu = time.perf_counter(), time.process_time()
    try:
        run = system.convert(case)
    except Exception as exc:  # noqa: BLE001 - the benchmark reports failures, it does not stop on them
        run = Run(text="", pages=0, seconds=time.perf_counter() - start, error=f"{type(exc).__name__}: {exc}")
    return replace(run, cpu_seconds=time.process_time() - cpu)


# ------------------------------------------------------------------------------------------- scoring
def score_run(run: Run, case: Case) -> dict[str, Any]:
    """The metrics of SPEC.md for one system on one document, JSON-ready, with the hyp text."""
    boundary = metrics.boundary_scores(run.text, case.truth)
    joined, splits = metrics.page_break_joins(run.text, case.truth, case.splits)
    scored: dict[str, Any] = {
        "cer": metrics.cer(run.text, case.truth),
        "char_cer": metrics.char_cer(run.text, case.truth),
        "boundary": {"precision": boundary.precision, "recall": boundary.recall, "f1": boundary.f1},
        "joins": [joined, splits],
        "seconds": run.seconds,
        "cpu_seconds": run.cpu_seconds,
        "pages": run.pages,
        "timings": run.timings,
        "warnings": list(run.warnings),
        "error": run.error,
        "text": run.text,
    }
    if run.fields is not None:
        matches = metrics.field_matches(run.fields, case.fields)
        scored["fields"] = {
            "matches": matches,
            "accuracy": metrics.field_accuracy(matches),
            "values": run.fields,
        }
    return scored


def bench_case(case: Case, systems: dict[str, Product | Baseline], index: int) -> dict[str, Any]:
    order = SYSTEMS if index % 2 == 0 else SYSTEMS[::-1]
    runs = {name: safely(systems[name], case) for name in order}
    record: dict[str, Any] = {
        "id": case.id,
        "corpus": groups.STANDARD,
        "order": list(order),
        "truth_chars": len(metrics.normalise(case.truth)),
        "turned_pages": sum(1 for rotation in case.rotations if rotation % 360),
    }
    record["pages"] = max(run.pages for run in runs.values())
    for name, run in runs.items():
        record[name] = score_run(run, case)
    return record


def bench_varied_case(case: Case, product: Product) -> dict[str, Any]:
    """One varied-corpus folder through the product alone, with its half, colour mode and dpi."""
    run = safely(product, case)
    return {
        "id": case.id,
        "corpus": "varied",
        "split": case.meta.get("split"),
        "mode": case.meta.get("mode"),
        "dpi": case.meta.get("dpi"),
        "document": case.meta.get("document"),
        "truth_chars": len(metrics.normalise(case.truth)),
        "pages": run.pages,
        "product": score_run(run, case),
    }


def varied_progress_line(record: dict[str, Any], done: int, total: int) -> str:
    p = record["product"]
    bad = [n for n, ok in p.get("fields", {}).get("matches", {}).items() if not ok]
    error = f" [failed: {p['error']}]" if p["error"] else ""
    return (f"[{done}/{total}] {record['id']}: {record['pages']} pages, CER {100 * p['cer']:.2f}%, "
            f"F1 {p['boundary']['f1']:.3f}, wrong {','.join(bad) or '-'}, {p['seconds']:.1f}s{error}")


# ----------------------------------------------------------------------------------------------- CLI
def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=None, help="corpus folder (generated when missing)")
    parser.add_argument("--out", type=Path, default=Path("results"), help="where bench.json/.md/.png go")
    parser.add_argument("--quick", action="store_true", help="the few-document quick corpus")
    parser.add_argument("--only", default=None, help="run one document id")
    parser.add_argument("--limit", type=int, default=None, help="run the first N documents")
    parser.add_argument("--varied", type=Path, default=None, help="also the varied corpus folder (generated when missing)")
    parser.add_argument("--split", choices=groups.SPLITS, default=None, help="varied: one half only")
    parser.add_argument("--mode", choices=groups.MODES, action="append", default=None,
                        help="varied: this colour mode (repeatable; default all)")
    parser.add_argument("--skip-standard", action="store_true", help="run the varied corpus alone")
    parser.add_argument("--photos", type=Path, default=None,
                        help="also the phone-photo corpus (generated when missing): rows `photos dev`/`photos held`")
    parser.add_argument("--photo-limit", type=int, default=None, help="the first N photo documents of each half")
    args = parser.parse_args(argv)
    if args.skip_standard and args.varied is None:
        parser.error("--skip-standard needs --varied")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    wall = time.perf_counter()
    corpus = args.corpus or (DEFAULT_QUICK_CORPUS if args.quick else DEFAULT_CORPUS)
    load_before = os.getloadavg()[0]
    cases: list[Case] = []
    if not args.skip_standard:
        planned_ids = ensure_corpus(corpus, quick=args.quick, only=args.only)
        cases = find_cases(corpus, args.only, args.limit, planned_ids)
        if not cases:
            raise SystemExit(f"bench: no documents in {corpus}")
    varied: list[Case] = []
    if args.varied is not None:
        ensure_varied(args.varied, split=args.split)
        varied = find_varied_cases(args.varied, split=args.split, modes=args.mode, limit=args.limit)
        if not varied:
            raise SystemExit(f"bench: no varied documents in {args.varied}")
    settings = load_settings()
    loading = time.perf_counter()
    systems: dict[str, Product | Baseline] = {"product": Product(settings)}
    if cases:
        systems["baseline"] = Baseline(settings)
    for system in systems.values():
        system.warm_up((cases or varied)[0])
    loading = time.perf_counter() - loading
    records = []
    for index, case in enumerate(cases):
        records.append(bench_case(case, systems, index))
        print(report.progress_line(records[-1], index + 1, len(cases)), file=sys.stderr, flush=True)
    varied_records = []
    for index, case in enumerate(varied):
        product = systems["product"]
        assert isinstance(product, Product)
        varied_records.append(bench_varied_case(case, product))
        print(varied_progress_line(varied_records[-1], index + 1, len(varied)), file=sys.stderr, flush=True)
    header = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "corpus": str(corpus),
        "quick": args.quick,
        "documents": len(cases),
        "varied": None if args.varied is None else {"corpus": str(args.varied), "split": args.split,
                                                     "modes": args.mode, "folders": len(varied)},
        "machine": f"{platform.machine()} {platform.system()}, {settings.cpu_threads} OCR threads",
        "python": platform.python_version(),
        "settings": {"dpi": settings.dpi, "engine": settings.engine, "device": settings.device},
        "load_and_warm_up_s": loading,
        "load_average_1min": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "wall_s": time.perf_counter() - wall,
    }
    photo_records = []
    if args.photos is not None:
        from bench.photos import run_photos

        photo_records = run_photos(
            args.photos, args.photo_limit, lambda case, i: bench_case(case, systems, i),
            lambda record, done, total: print(report.progress_line(record, done, total), file=sys.stderr, flush=True))
        header["wall_s"] = time.perf_counter() - wall
    bench = report.build(header, records, varied=varied_records, photos=photo_records)
    paths = report.write_all(bench, args.out)
    print(report.format_table(bench))
    print(f"\nwrote {', '.join(str(p) for p in paths)}; wall time {header['wall_s']:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
