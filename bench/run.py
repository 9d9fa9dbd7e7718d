"""`python -m bench.run`: the product and plain PaddleOCR over a fixture corpus, side by side.

    python -m bench.run --corpus corpus --out results [--quick] [--only ID] [--limit N]

A missing corpus folder is generated first (`python -m fixtures.corpus build --out DIR [--quick]`); without
`--corpus` the full corpus lives in `corpus/` and the quick one in `.cache/corpus-quick/`. Each document's
`doc.pdf` goes through both systems in the same process, the order alternating per document to spread
machine noise; each system is loaded once and warmed up on one page before any timing. The product is timed
over the whole `convert_file` (ingest, preprocessing, OCR, layout); plain PaddleOCR over the same ingest
plus `predict` (see `bench.baseline`). Writes `bench.json`, `bench.md` and `bench.png` to `--out` and prints
the table.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import metrics, report
from bench.baseline import PlainPaddleOcr
from workers.settings import Settings, load_settings

DEFAULT_CORPUS = Path("corpus")
DEFAULT_QUICK_CORPUS = Path(".cache/corpus-quick")
SYSTEMS = ("product", "baseline")


@dataclass(frozen=True)
class Case:
    """One corpus document: its folder, clean truth text, truth fields and page-break splits."""

    id: str
    folder: Path
    truth: str
    fields: dict[str, Any]
    splits: tuple[metrics.Split, ...]

    @property
    def pdf(self) -> Path:
        return self.folder / "doc.pdf"


@dataclass(frozen=True)
class Run:
    """One system's output on one document. `seconds` is wall time; `timings` the product's stages."""

    text: str
    pages: int
    seconds: float
    fields: dict[str, Any] | None = None
    timings: dict[str, float] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    error: str | None = None


# -------------------------------------------------------------------------------------------- corpus
_LINE_KEYS = ("line", "block_index", "line_index")
_OFFSET_KEYS = ("offset", "char_offset")


def _pick(item: dict[str, Any], keys: Sequence[str]) -> int:
    for key in keys:
        if key in item:
            return int(item[key])
    raise ValueError(f"splits.json entry {item} has none of {keys}")


def parse_splits(data: Any) -> tuple[metrics.Split, ...]:
    """`splits.json` → Splits: a list (or {"splits": list}) of [line, offset] or objects whose line is
    `line`/`block_index` (0-based truth line) and offset `offset`/`char_offset` (characters of that line
    before the page break)."""
    items = data.get("splits", []) if isinstance(data, dict) else data
    result = []
    for item in items:
        if isinstance(item, dict):
            result.append(metrics.Split(_pick(item, _LINE_KEYS), _pick(item, _OFFSET_KEYS)))
        else:
            result.append(metrics.Split(int(item[0]), int(item[1])))
    return tuple(result)


def load_case(folder: Path) -> Case:
    def read_json(name: str, default: Any) -> Any:
        path = folder / name
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else default

    return Case(
        id=folder.name,
        folder=folder,
        truth=(folder / "truth.txt").read_text(encoding="utf-8"),
        fields=read_json("fields.json", {}),
        splits=parse_splits(read_json("splits.json", [])),
    )


def find_cases(corpus: Path, only: str | None = None, limit: int | None = None) -> list[Case]:
    """The documents of a corpus folder (sub-folders with truth.txt and doc.pdf), sorted by id."""
    folders = sorted(p for p in corpus.iterdir() if (p / "truth.txt").is_file() and (p / "doc.pdf").is_file())
    if only is not None:
        folders = [p for p in folders if p.name == only]
        if not folders:
            raise SystemExit(f"bench: no document {only!r} in {corpus}")
    return [load_case(p) for p in folders[:limit]]


def ensure_corpus(corpus: Path, *, quick: bool, only: str | None) -> None:
    """Generate the corpus with `fixtures.corpus` when its folder does not exist yet."""
    if corpus.is_dir():
        return
    command = [sys.executable, "-m", "fixtures.corpus", "build", "--out", str(corpus)]
    command += ["--quick"] if quick else []
    command += ["--only", only] if only else []
    print(f"bench: generating the corpus: {' '.join(command[1:])}", file=sys.stderr)
    subprocess.run(command, check=True, stdout=sys.stderr)  # stdout is the table's


# ------------------------------------------------------------------------------------------- systems
def first_page(case: Case) -> Path:
    """A one-page input to warm a system up on (every stage loads what it loads lazily), untimed."""
    pages = sorted(case.folder.glob("page-*.*"))
    return pages[0] if pages else case.pdf


class Product:
    """The product: `workers.pipeline.convert_file` with one engine loaded once."""

    def __init__(self, settings: Settings) -> None:
        from workers.engine import get_engine

        self.settings = settings
        self.engine = get_engine(settings)

    def warm_up(self, case: Case) -> None:
        from workers.pipeline import convert_file

        convert_file(first_page(case), settings=self.settings, engine=self.engine)

    def convert(self, case: Case) -> Run:
        from workers.pipeline import convert_file

        start = time.perf_counter()
        result = convert_file(case.pdf, settings=self.settings, engine=self.engine, filename=case.pdf.name)
        seconds = time.perf_counter() - start
        envelope = result.envelope()
        return Run(
            text=str(envelope["text"]),
            pages=len(result.pages),
            seconds=seconds,
            fields=dict(envelope["fields"]),
            timings={k: float(v) for k, v in envelope.get("timings", {}).items()},
            warnings=tuple(str(w) for w in envelope.get("warnings", ())),
        )


class Baseline:
    def __init__(self, settings: Settings) -> None:
        self.ocr = PlainPaddleOcr(settings)

    def warm_up(self, case: Case) -> None:
        self.ocr.convert(first_page(case))

    def convert(self, case: Case) -> Run:
        result = self.ocr.convert(case.pdf)
        timings = {"decode_s": result.decode_seconds, "predict_s": result.predict_seconds}
        return Run(text=result.text, pages=result.pages, seconds=result.seconds, timings=timings)


def safely(system: Product | Baseline, case: Case) -> Run:
    """Run one system on one document; a failure is recorded (empty text) instead of ending the run."""
    start = time.perf_counter()
    try:
        return system.convert(case)
    except Exception as exc:  # noqa: BLE001 - the benchmark reports failures, it does not stop on them
        return Run(
            text="", pages=0, seconds=time.perf_counter() - start, error=f"{type(exc).__name__}: {exc}"
        )


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
        "order": list(order),
        "truth_chars": len(metrics.normalise(case.truth)),
    }
    record["pages"] = max(run.pages for run in runs.values())
    for name, run in runs.items():
        record[name] = score_run(run, case)
    return record


# ----------------------------------------------------------------------------------------------- CLI
def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=None, help="corpus folder (generated when missing)")
    parser.add_argument("--out", type=Path, default=Path("results"), help="where bench.json/.md/.png go")
    parser.add_argument("--quick", action="store_true", help="the few-document quick corpus")
    parser.add_argument("--only", default=None, help="run one document id")
    parser.add_argument("--limit", type=int, default=None, help="run the first N documents")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    wall = time.perf_counter()
    corpus = args.corpus or (DEFAULT_QUICK_CORPUS if args.quick else DEFAULT_CORPUS)
    ensure_corpus(corpus, quick=args.quick, only=args.only)
    cases = find_cases(corpus, args.only, args.limit)
    if not cases:
        raise SystemExit(f"bench: no documents in {corpus}")
    settings = load_settings()
    loading = time.perf_counter()
    systems: dict[str, Product | Baseline] = {"product": Product(settings), "baseline": Baseline(settings)}
    for system in systems.values():
        system.warm_up(cases[0])
    loading = time.perf_counter() - loading
    records = []
    for index, case in enumerate(cases):
        records.append(bench_case(case, systems, index))
        print(report.progress_line(records[-1], index + 1, len(cases)), file=sys.stderr, flush=True)
    header = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "corpus": str(corpus),
        "quick": args.quick,
        "documents": len(cases),
        "machine": f"{platform.machine()} {platform.system()}, {settings.cpu_threads} OCR threads",
        "python": platform.python_version(),
        "settings": {"dpi": settings.dpi, "engine": settings.engine, "device": settings.device},
        "load_and_warm_up_s": loading,
        "wall_s": time.perf_counter() - wall,
    }
    bench = report.build(header, records)
    paths = report.write_all(bench, args.out)
    print(report.format_table(bench))
    print(f"\nwrote {', '.join(str(p) for p in paths)}; wall time {header['wall_s']:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
