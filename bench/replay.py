"""`python -m bench.replay`: the layout rules re-scored over OCR read once, for fast work on `layout/`.

    python -m bench.replay cache CORPUS CACHE.pkl [--mode bw|gray|colour] [--split dev|held]
    python -m bench.replay score CORPUS CACHE.pkl [--out SCORES.json] [-v]
    python -m bench.replay diff A.json B.json

`cache` runs each varied-corpus folder of CORPUS (one colour mode, or all) through the pipeline up to the
layout (`workers.pipeline.convert_file`) and pickles its OCR pages; `score` builds every document again from
those pages with the layout code of this checkout and prints, per field, the exact rate, then CER and
paragraph F1 (`-v`: each wrong field's value beside the truth); `diff` names each document × field that
became right or wrong between two score files, and the CER/F1 changes. The layout is pure over the pages
(`layout.build_document`), so a rule changed in `layout/` replays a corpus in seconds, not the OCR's
minutes. OCR-side changes (`workers/`) need a new cache. A development tool: not a bench row.
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
import time
from pathlib import Path
from typing import Any

from bench import groups, metrics
from bench.corpus import Case, find_varied_cases


def cache(corpus: Path, out: Path, modes: list[str] | None, split: str | None) -> int:
    from workers.ocr.engine import get_engine
    from workers.pipeline import convert_file
    from workers.settings import load_settings

    settings = load_settings()
    engine = get_engine(settings)
    cases = find_varied_cases(corpus, split=split, modes=modes)
    stored: dict[str, Any] = {}
    for index, case in enumerate(cases, 1):
        start = time.perf_counter()
        result = convert_file(case.pdf, settings=settings, engine=engine, filename=case.pdf.name)
        stored[case.id] = result.pages
        print(f"[{index}/{len(cases)}] {case.id}: {len(result.pages)} pages, {time.perf_counter() - start:.1f}s",
              flush=True)
    out.write_bytes(pickle.dumps(stored))
    print(f"{len(stored)} documents → {out}")
    return 0


def score_case(case: Case, pages: Any) -> dict[str, Any]:
    """One document built from its cached pages, scored as bench.run scores it."""
    import layout

    document = layout.build_document(list(pages))
    body = layout.document_to_dict(document, list(pages))
    text = str(body["text"])
    matches = metrics.field_matches(body["fields"], case.fields)
    return {"matches": matches, "values": body["fields"], "truth": case.fields,
            "cer": metrics.cer(text, case.truth), "f1": metrics.boundary_scores(text, case.truth).f1}


def score(corpus: Path, cached: Path, out: Path | None, verbose: bool) -> int:
    pages = pickle.loads(cached.read_bytes())
    cases = {case.id: case for case in find_varied_cases(corpus)}
    scores = {doc: score_case(cases[doc], doc_pages) for doc, doc_pages in sorted(pages.items()) if doc in cases}
    if out:
        out.write_text(json.dumps(scores, ensure_ascii=False, indent=1))
    for doc, record in scores.items():
        wrong = [name for name, ok in record["matches"].items() if not ok]
        if verbose and wrong:
            print(f"{doc}: cer {100 * record['cer']:.2f}% f1 {record['f1']:.3f}")
            for name in wrong:
                print(f"   {name}: {record['values'].get(name)!r}  ≠  {record['truth'].get(name)!r}")
    print(summary(scores))
    return 0


def summary(scores: dict[str, Any]) -> str:
    names = sorted({name for record in scores.values() for name in record["matches"]})
    per = {name: [r["matches"][name] for r in scores.values() if name in r["matches"]] for name in names}
    core = [ok for r in scores.values() for name, ok in r["matches"].items() if name in groups.CORE_FIELDS]
    every = [ok for r in scores.values() for ok in r["matches"].values()]
    n = max(len(scores), 1)
    cer = sum(r["cer"] for r in scores.values()) / n
    f1 = sum(r["f1"] for r in scores.values()) / n
    rows = "  ".join(f"{name} {100 * sum(oks) / len(oks):.1f}" for name, oks in per.items() if oks)
    return (f"{len(scores)} docs: fields {100 * sum(every) / max(len(every), 1):.1f}%  core "
            f"{100 * sum(core) / max(len(core), 1):.1f}%  cer {100 * cer:.2f}%  f1 {f1:.3f}\n  {rows}")


def diff(a_path: Path, b_path: Path) -> int:
    a, b = json.loads(a_path.read_text()), json.loads(b_path.read_text())
    for doc in sorted(set(a) & set(b)):
        for name, ok in b[doc]["matches"].items():
            before = a[doc]["matches"].get(name)
            if before is not None and before != ok:
                word = "BETTER" if ok else "WORSE "
                print(f"{word} {doc} {name}: {a[doc]['values'].get(name)!r} → {b[doc]['values'].get(name)!r}")
        for key, digits in (("cer", 4), ("f1", 3)):
            if round(a[doc][key], digits) != round(b[doc][key], digits):
                print(f"  {key} {doc}: {a[doc][key]:.4f} → {b[doc][key]:.4f}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.replay", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("cache")
    c.add_argument("corpus", type=Path)
    c.add_argument("out", type=Path)
    c.add_argument("--mode", choices=groups.MODES, action="append", default=None)
    c.add_argument("--split", choices=groups.SPLITS, default=None)
    s = sub.add_parser("score")
    s.add_argument("corpus", type=Path)
    s.add_argument("cache", type=Path)
    s.add_argument("--out", type=Path, default=None)
    s.add_argument("-v", "--verbose", action="store_true")
    d = sub.add_parser("diff")
    d.add_argument("a", type=Path)
    d.add_argument("b", type=Path)
    args = parser.parse_args(argv)
    if args.command == "cache":
        return cache(args.corpus, args.out, args.mode, args.split)
    if args.command == "score":
        return score(args.corpus, args.cache, args.out, args.verbose)
    return diff(args.a, args.b)


if __name__ == "__main__":
    sys.exit(main())
