"""`python -m bench.split`: splitting archive batches — boundaries, per-document CER, and cost per page.

    python -m bench.split --batch DIR/batch-s1-p40-d200 --out results     # a batch made before
    python -m bench.split --pages 100 --seed 1 --out results              # make it first (fixtures.corpus batch)

The batch (`python -m fixtures.corpus batch`) holds documents of both typesetters, some with attachment
pages, blank separator sheets, flipped first pages and photocopies, and its true page ranges. Measured:

- **boundaries**: of the true document starts after the first, how many are starts of a found document
  (`found`); found starts that are no true start (`false`); documents whose whole page range is found;
- **per-document CER** (SPEC: newline one character) of the split document against its truth, beside the
  CER of the same document's pages converted alone (`documents/NN.pdf`); the gap in percentage points, and
  whether the two texts and fields are identical;
- **cost**: seconds per page (wall and CPU: the process's user+sys, the figure to trust on a busy machine) of
  the batch converted with `split`, and of its documents converted one by one; the ratio.

One OCR engine is loaded and warmed up on the first document before anything is timed. Writes
`split.json`, `split.md` and the batch's OCR pages (`split.pages.json`, `layout.serial`: the rules can be
replayed on them without OCR) to `--out` and prints the table.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import metrics


def _timed(run: Any) -> tuple[Any, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    value = run()
    return value, time.perf_counter() - wall, time.process_time() - cpu


def score_boundaries(found: Sequence[tuple[int, int]], truth: Sequence[tuple[int, int]]) -> dict[str, int]:
    """Counts of true starts found, false starts, and whole ranges found (the first document's start is no
    boundary: every split finds it)."""
    true_starts = {first for first, _ in truth[1:]}
    found_starts = {first for first, _ in found[1:]}
    return {"true": len(true_starts), "found": len(true_starts & found_starts),
            "false": len(found_starts - true_starts), "ranges": len(set(found) & set(truth)),
            "documents": len(truth), "documents_found": len(found)}


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]) + 1)


def run_bench(batch: Path, *, alone_first: bool = False) -> dict[str, Any]:
    """Measure `batch` (see the module doc). `alone_first`: convert the documents one by one before the batch
    (the default is after it), to see what the order does to wall time on a busy machine."""
    import layout
    from workers.ocr.engine import get_engine
    from workers.pipeline import ConvertOptions, convert_file
    from workers.settings import load_settings

    manifest = json.loads((batch / "manifest.json").read_text(encoding="utf-8"))
    settings = load_settings()
    engine = get_engine(settings)
    docs = manifest["documents"]
    convert_file(batch / docs[0]["alone"], settings=settings, engine=engine)  # warm-up, not timed
    load: dict[str, float] = {}

    def run_batch() -> tuple[Any, float, float]:
        timed = _timed(lambda: convert_file(batch / "batch.pdf", settings=settings, engine=engine,
                                            options=ConvertOptions(split=True)))
        load["after_batch"] = os.getloadavg()[0]
        return timed

    def run_alone() -> list[tuple[Any, float, float]]:
        timed = [_timed(lambda d=doc: convert_file(batch / d["alone"], settings=settings, engine=engine))
                 for doc in docs]
        load["after_alone"] = os.getloadavg()[0]
        return timed

    load["before"] = os.getloadavg()[0]
    if alone_first:
        alones = run_alone()
        split, wall, cpu = run_batch()
    else:
        split, wall, cpu = run_batch()
        alones = run_alone()
    found = [part.pages for part in split.parts]
    truth = [tuple(doc["pages"]) for doc in docs]
    rows, alone_wall, alone_cpu, alone_pages = [], 0.0, 0.0, 0
    for doc, span, (alone, seconds, cpu_s) in zip(docs, truth, alones, strict=True):
        alone_wall, alone_cpu, alone_pages = alone_wall + seconds, alone_cpu + cpu_s, alone_pages + len(alone.pages)
        ref = (batch / doc["truth"]).read_text(encoding="utf-8")
        ref_fields = json.loads((batch / doc["fields"]).read_text(encoding="utf-8"))
        part = max(split.parts, key=lambda p: _overlap(p.pages, span), default=None)
        split_text = layout.render_text(part.document) if part else ""
        alone_text = layout.render_text(alone.document)
        split_fields = layout.document_to_dict(part.document)["fields"] if part else {}
        alone_fields = layout.document_to_dict(alone.document)["fields"]
        rows.append({
            "number": doc["number"], "pages": list(span), "found": list(part.pages) if part else None,
            "gw_id": doc["gw_id"], "profile": doc["profile"], "format": doc["format"],
            "attachment_pages": doc["attachment_pages"], "flipped": doc["flipped"], "photocopy": doc["photocopy"],
            "cer_split": metrics.cer(split_text, ref), "cer_alone": metrics.cer(alone_text, ref),
            "same_text": split_text == alone_text, "same_fields": split_fields == alone_fields,
            "fields_split": metrics.field_accuracy(metrics.field_matches(split_fields, ref_fields)),
            "fields_alone": metrics.field_accuracy(metrics.field_matches(alone_fields, ref_fields)),
        })
    pages = len(split.pages)
    from layout.serial import pages_to_dict

    return {
        "ocr_pages": pages_to_dict(split.pages),
        "when": datetime.now(UTC).isoformat(timespec="seconds"), "batch": manifest["id"], "pages": pages,
        "separators": manifest["separators"], "found": [list(span) for span in found],
        "truth": [list(span) for span in truth], "boundaries": score_boundaries(found, truth), "documents": rows,
        "cost": {"split_wall_s_per_page": wall / pages, "split_cpu_s_per_page": cpu / pages,
                 "alone_wall_s_per_page": alone_wall / alone_pages, "alone_cpu_s_per_page": alone_cpu / alone_pages,
                 "alone_pages": alone_pages, "split_layout_s": split.timings.get("layout_s", 0.0),
                 "order": "alone first" if alone_first else "batch first",
                 "load_average_1min": {k: round(v, 2) for k, v in load.items()}},
    }


def render_markdown(result: dict[str, Any]) -> str:
    b, c = result["boundaries"], result["cost"]
    doc_pages = result["pages"] - len(result["separators"])
    per_doc = result["pages"] / max(doc_pages, 1)  # blank sheets cost almost no OCR: per page of text too
    gaps = [abs(r["cer_split"] - r["cer_alone"]) * 100 for r in result["documents"]]
    lines = [
        (f"# Batch split: {result['batch']} ({result['pages']} pages, {b['documents']} documents, "
        f"separators at {result['separators']}), {result['when']}"),
        "",
        (f"Boundaries found **{b['found']} / {b['true']}**, false boundaries **{b['false']}**, whole page ranges "
        f"{b['ranges']} / {b['documents']} (documents found: {b['documents_found']})."),
        "",
        (f"Per-document CER gap split vs alone: max **{max(gaps, default=0.0):.3f}** points; identical text "
        f"{sum(r['same_text'] for r in result['documents'])} / {len(result['documents'])}, identical fields "
        f"{sum(r['same_fields'] for r in result['documents'])} / {len(result['documents'])}."),
        "",
        "| # | pages | found | text | profile | notes | CER split | CER alone | fields split / alone |",
        "|---|---|---|---|---|---|---:|---:|---:|",
    ]
    for r in result["documents"]:
        notes = ", ".join([k for k in ("flipped", "photocopy") if r[k]] + (
            [f"{r['attachment_pages']} attachment(s) on own pages"] if r["attachment_pages"] else []) + (
            ["letter"] if r["format"] == "letter" else []))
        lines.append(f"| {r['number']} | {r['pages'][0]}–{r['pages'][1]} | "
                     f"{'–'.join(map(str, r['found'])) if r['found'] else '—'} | {r['gw_id']} | {r['profile']} | "
                     f"{notes} | {r['cer_split'] * 100:.2f} % | {r['cer_alone'] * 100:.2f} % | "
                     f"{r['fields_split'] * 100:.0f} % / {r['fields_alone'] * 100:.0f} % |")
    lines += [
        "",
        "| cost | wall s/page | CPU s/page |",
        "|---|---:|---:|",
        f"| batch, split ({result['pages']} pages) | {c['split_wall_s_per_page']:.2f} | {c['split_cpu_s_per_page']:.2f} |",
        (f"| documents one by one ({c['alone_pages']} pages) | {c['alone_wall_s_per_page']:.2f} | "
        f"{c['alone_cpu_s_per_page']:.2f} |"),
        (f"| ratio | {c['split_wall_s_per_page'] / c['alone_wall_s_per_page']:.3f}× | "
        f"{c['split_cpu_s_per_page'] / c['alone_cpu_s_per_page']:.3f}× |"),
        (f"| batch per document page (its {doc_pages} pages that are no separator sheet) | "
         f"{c['split_wall_s_per_page'] * per_doc:.2f} | {c['split_cpu_s_per_page'] * per_doc:.2f} |"),
        (f"| ratio per document page | {c['split_wall_s_per_page'] * per_doc / c['alone_wall_s_per_page']:.3f}× | "
         f"{c['split_cpu_s_per_page'] * per_doc / c['alone_cpu_s_per_page']:.3f}× |"),
        "",
        (f"Layout (all pages' evidence + each document built) took {c['split_layout_s']:.3f} s of the batch. "
        f"Order: {c.get('order', 'batch first')}; 1-minute load average {c.get('load_average_1min', {})} "
        f"({os.cpu_count()} cores): wall time follows the machine's load, CPU time the work."),
    ]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.split", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batch", type=Path, help="a batch folder (with manifest.json)")
    parser.add_argument("--pages", type=int, default=40, help="without --batch: make one of this many pages")
    parser.add_argument("--seed", type=int, default=1, help="without --batch: its seed")
    parser.add_argument("--batches", type=Path, default=Path(".cache/batches"), help="where made batches go")
    parser.add_argument("--out", type=Path, default=Path("results"))
    parser.add_argument("--alone-first", action="store_true",
                        help="convert the documents one by one before the batch (default: after)")
    parser.add_argument("--report", type=Path, help="only rewrite split.md from this split.json (no OCR)")
    args = parser.parse_args(argv)
    if args.report is not None:
        text = render_markdown(json.loads(args.report.read_text(encoding="utf-8")))
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "split.md").write_text(text, encoding="utf-8")
        sys.stdout.write(text)
        return 0
    batch = args.batch
    if batch is None:
        from fixtures.corpus.batch import build_batch

        made = build_batch(args.batches, pages=args.pages, seed=args.seed)
        batch = args.batches / made["id"]
    result = run_bench(batch, alone_first=args.alone_first)
    args.out.mkdir(parents=True, exist_ok=True)
    ocr_pages = result.pop("ocr_pages")  # the batch's OCR pages, to replay the rules offline (layout.serial)
    (args.out / "split.pages.json").write_text(json.dumps(ocr_pages, ensure_ascii=False) + "\n", encoding="utf-8")
    (args.out / "split.json").write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    text = render_markdown(result)
    (args.out / "split.md").write_text(text, encoding="utf-8")
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
