"""Record real OCR lines for the layout replay tests (`test_layout_replay.py`).

    .venv/bin/python tests/layout/record.py                  # OCR everything, report, write nothing
    .venv/bin/python tests/layout/record.py --write          # ... and rewrite tests/layout/data/
    .venv/bin/python tests/layout/record.py --only doc_12    # one document

Runs the product pipeline (`workers.pipeline.convert_file`: ingest, preprocessing, PaddleOCR, red ink) and
stores its pages with `layout.serial.pages_to_dict`:
- the committed sample `fixtures/samples/sample_reply.pdf` → `data/sample_reply.pages.json`;
- a few corpus documents (`python -m fixtures.corpus build --only ID`, variant v0, rendered into a temporary
  folder) → `data/corpus/<ID>/pages.json` with the corpus's `truth.txt`, `fields.json`, `splits.json`,
  so the replay does not depend on later edits of the corpus or its texts.
The layout result itself is never stored: the replay rebuilds it. Rewrite only on purpose (new models,
preprocessing, sample or corpus renderer) and say so in the commit.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "fixtures" / "samples"
DATA = Path(__file__).resolve().parent / "data"
SAMPLE_NAMES = ("sample_reply",)
CORPUS_IDS = ("doc_01", "doc_06", "doc_09", "doc_12", "doc_13", "doc_14", "seed_004")
"""Chosen for coverage: joint marks (stacked small characters, 文件 read into a line), letter format with
marks beside the doc number, letter-spaced marks, 签发人, signatures indented or right-aligned, seals
over signatures, attachments, 150/200/300 dpi, specks."""


def _convert(pdf: Path) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    from layout.serial import pages_to_dict
    from workers.pipeline import convert_file
    from workers.settings import load_settings

    return pages_to_dict(convert_file(pdf, settings=load_settings()).pages)


def _dump(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False) + "\n"


def record_sample(name: str, write: bool) -> None:
    data = _convert(SAMPLES / f"{name}.pdf")
    print(f"{name}: {len(data['pages'])} pages, {sum(len(p['lines']) for p in data['pages'])} lines")
    if write:
        DATA.mkdir(exist_ok=True)
        (DATA / f"{name}.pages.json").write_text(_dump(data), encoding="utf-8")


def record_corpus(doc_id: str, write: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "fixtures.corpus", "build", "--out", tmp, "--only", doc_id],
                       cwd=ROOT, check=True)
        folder = Path(tmp) / f"{doc_id}-v0"
        data = _convert(folder / "doc.pdf")
        print(f"{doc_id}: {len(data['pages'])} pages, {sum(len(p['lines']) for p in data['pages'])} lines")
        if write:
            target = DATA / "corpus" / doc_id
            target.mkdir(parents=True, exist_ok=True)
            (target / "pages.json").write_text(_dump(data), encoding="utf-8")
            for name in ("truth.txt", "fields.json", "splits.json"):
                shutil.copyfile(folder / name, target / name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite the files under tests/layout/data/")
    parser.add_argument("--only", help="one sample name or corpus id")
    args = parser.parse_args(argv)
    for name in SAMPLE_NAMES:
        if args.only in (None, name):
            record_sample(name, args.write)
    for doc_id in CORPUS_IDS:
        if args.only in (None, doc_id):
            record_corpus(doc_id, args.write)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
