"""`python -m bench.seals`: what red ink does to the lines users search by, measured on the corpus.

    python -m bench.seals --corpus DIR [--only ID] [--limit N] [--sealed] [--out FILE]   # the product alone
    python -m bench.seals --from results/bench.json --corpus DIR               # scores a bench.run result
    python -m bench.seals --corpus DIR --pages P; ... --replay P               # record OCR pages; re-score them
    python -m bench.seals --corpus DIR --input doc.tif                         # another scan file per document
                                                                               # through today's layout rules

For every document with a seal (`meta.json` → `seals`) or a red mark, from the product's clean text and
fields against the ground truth (`meta.json` → `source`, a `fixtures/texts/*.gw` file):
- **signature/date CER**: each truth signature and date line against the output line closest to it (edit
  distance / length, summed over the lines; SPEC normalisation, so spaces do not count);
- **fields**: `signature`, `date`, `issuer_mark`, `issuers` exact (SPEC `field_matches`);
- **seal leaks**: output lines that are no line of the truth and are made of the seal's own text (its ring
  text or code number) — each counts once;
- **second look**: its seconds against the OCR seconds of the document (`second_look_s` / `ocr_s`).
Timings on a busy machine are noisy; the share is a ratio of two timings taken in the same run.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bench import metrics
from fixtures.gw import load_gw

FIELDS = ("signature", "date", "issuer_mark", "issuers")
LEAK_MIN_SHARE = 0.8
"""An extra output line is seal text when at least this share of its characters come from the seal's text."""
LEAK_MIN_CHARS = 1
"""...and it has at least this many characters (a lone 州 from the ring counts)."""
REPO = Path(__file__).resolve().parents[1]


def _lines(text: str) -> list[str]:
    return [line for line in metrics.normalise(text).split("\n") if line]


def line_errors(hyp_text: str, truth_lines: Sequence[str]) -> tuple[int, int]:
    """(edit distance, characters) of the truth lines against their closest output lines."""
    hyp = _lines(hyp_text)
    errors = chars = 0
    for raw in truth_lines:
        want = metrics.normalise(raw).replace("\n", "")
        if not want:
            continue
        chars += len(want)
        errors += min((metrics.edit_distance(got, want) for got in hyp), default=len(want))
    return errors, chars


def seal_leaks(hyp_text: str, truth_text: str, seal_texts: Sequence[str]) -> list[str]:
    """Output lines that are not truth lines and consist of the seals' own text."""
    truth = set(_lines(truth_text))
    alphabet = set("".join(metrics.normalise(text) for text in seal_texts))
    if not alphabet:
        return []
    leaks = []
    for line in _lines(hyp_text):
        if line in truth or len(line) < LEAK_MIN_CHARS:
            continue
        if sum(ch in alphabet for ch in line) >= LEAK_MIN_SHARE * len(line):
            leaks.append(line)
    return leaks


def score_document(folder: Path, text: str, fields: dict[str, Any], timings: dict[str, float]) -> dict[str, Any]:
    """The seal/title scores of one product output (see the module doc)."""
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    doc = load_gw(REPO / meta["source"])
    truth_fields = json.loads((folder / "fields.json").read_text(encoding="utf-8"))
    seals = meta.get("seals", [])
    wanted = doc.texts("signature") + doc.texts("date")
    errors, chars = line_errors(text, wanted)
    matches = metrics.field_matches(fields, truth_fields)
    seal_texts = [s.get("text", "") for s in seals] + [s.get("code", "") for s in seals]
    return {
        "id": folder.name,
        "seals": len(seals),
        "sigdate_errors": errors,
        "sigdate_chars": chars,
        "fields": {key: bool(matches.get(key)) for key in FIELDS},
        "values": {key: fields.get(key) for key in FIELDS},
        "truth": {key: truth_fields.get(key) for key in FIELDS},
        "leaks": seal_leaks(text, (folder / "truth.txt").read_text(encoding="utf-8"), seal_texts),
        "second_look_s": float(timings.get("second_look_s", 0.0)),
        "ocr_s": float(timings.get("ocr_s", 0.0)),
    }


def summarise(records: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Totals over documents: CER of signature/date lines (documents with seals), field exact rates, leaks,
    second-look share of OCR time."""
    sealed = [r for r in records if r["seals"]]
    chars = sum(r["sigdate_chars"] for r in sealed)
    ocr = sum(r["ocr_s"] for r in records)
    summary: dict[str, Any] = {
        "documents": len(records),
        "with_seals": len(sealed),
        "sigdate_cer": sum(r["sigdate_errors"] for r in sealed) / chars if chars else None,
        "leaks": sum(len(r["leaks"]) for r in records),
        "second_look_share": sum(r["second_look_s"] for r in records) / ocr if ocr else None,
    }
    for key in FIELDS:
        pool = sealed if key in ("signature", "date") else records
        summary[f"{key}_exact"] = sum(r["fields"][key] for r in pool) / len(pool) if pool else None
    return summary


def format_summary(summary: dict[str, Any], records: Sequence[dict[str, Any]]) -> str:
    def pct(value: float | None) -> str:
        return "—" if value is None else f"{100 * value:.1f}%"

    out = [
        f"documents {summary['documents']} (with seals {summary['with_seals']})",
        f"signature/date line CER (seal documents): {pct(summary['sigdate_cer'])}",
        "exact: " + ", ".join(f"{key} {pct(summary[f'{key}_exact'])}" for key in FIELDS),
        f"seal-text leaks: {summary['leaks']}",
        f"second look / OCR time: {pct(summary['second_look_share'])} (busy machine: noisy)",
    ]
    for r in records:
        wrong = [key for key in FIELDS if not r["fields"][key]]
        if wrong or r["leaks"] or r["sigdate_errors"]:
            details = "; ".join(f"{key}: {r['values'][key]!r} ≠ {r['truth'][key]!r}" for key in wrong)
            out.append(f"  {r['id']}: sig/date errors {r['sigdate_errors']}/{r['sigdate_chars']}"
                       f"{'; leaks ' + repr(r['leaks']) if r['leaks'] else ''}{'; ' + details if details else ''}")
    return "\n".join(out)


def _from_bench(path: Path, corpus: Path) -> list[dict[str, Any]]:
    bench = json.loads(path.read_text(encoding="utf-8"))
    records = []
    for record in bench.get("documents", bench.get("records", [])):
        product = record.get("product", {})
        fields = product.get("fields", {}).get("values", {})
        records.append(score_document(corpus / record["id"], product.get("text", ""), fields,
                                      product.get("timings", {})))
    return records


def _has_seal(folder: Path) -> bool:
    return bool(json.loads((folder / "meta.json").read_text(encoding="utf-8")).get("seals"))


def _run_product(corpus: Path, only: str | None, limit: int | None, sealed: bool = False,
                 pages_dir: Path | None = None, input_name: str = "doc.pdf") -> list[dict[str, Any]]:
    from workers.ocr.engine import get_engine
    from workers.pipeline import convert_file
    from workers.settings import load_settings

    settings = load_settings()
    engine = get_engine(settings)
    # the recognition-only model loads at the first second look: load it before any timing
    engine.recognise_crops([np.full((48, 96, 3), 255, np.uint8)])
    folders = sorted(p for p in corpus.iterdir() if (p / input_name).is_file() and (p / "meta.json").is_file())
    folders = [p for p in folders if only in (None, p.name, p.name.split("-v")[0])]
    folders = [p for p in folders if not sealed or _has_seal(p)][:limit]
    records = []
    for folder in folders:
        started = time.perf_counter()
        result = convert_file(folder / input_name, settings=settings, engine=engine)
        envelope = result.envelope()
        records.append(score_document(folder, envelope["text"], envelope["fields"], result.timings))
        if pages_dir is not None:
            from layout.serial import pages_to_dict

            pages_dir.mkdir(parents=True, exist_ok=True)
            recorded = dict(pages_to_dict(result.pages), timings=result.timings)
            (pages_dir / f"{folder.name}.json").write_text(json.dumps(recorded, ensure_ascii=False), encoding="utf-8")
        print(f"bench.seals: {folder.name} {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
    return records


def _replay(corpus: Path, pages_dir: Path) -> list[dict[str, Any]]:
    """Score OCR pages recorded by `--pages` again through today's layout rules (layout is pure)."""
    import layout
    from layout.serial import pages_from_dict

    records = []
    for path in sorted(pages_dir.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        document = layout.build_document(pages_from_dict(data))
        body = layout.document_to_dict(document)
        records.append(score_document(corpus / path.stem, body["text"], body["fields"], data.get("timings", {})))
    return records


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.seals", description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=Path("corpus"))
    parser.add_argument("--from", dest="source", type=Path, default=None, help="score a bench.run bench.json")
    parser.add_argument("--only", default=None)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--sealed", action="store_true", help="only the documents with a seal")
    parser.add_argument("--pages", type=Path, default=None, help="record each document's OCR pages here")
    parser.add_argument("--replay", type=Path, default=None, help="score pages recorded with --pages again")
    parser.add_argument("--out", type=Path, default=None, help="write the records and summary as JSON")
    parser.add_argument("--input", default="doc.pdf", help="each document's scan file (doc.tif: bench.scanmodes)")
    args = parser.parse_args(argv)
    if args.source:
        records = _from_bench(args.source, args.corpus)
    elif args.replay:
        records = _replay(args.corpus, args.replay)
    else:
        records = _run_product(args.corpus, args.only, args.limit, args.sealed, args.pages, args.input)
    summary = summarise(records)
    print(format_summary(summary, records))
    if args.out:
        args.out.write_text(json.dumps({"summary": summary, "documents": records}, ensure_ascii=False, indent=1),
                            encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
