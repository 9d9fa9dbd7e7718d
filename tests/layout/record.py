"""Record the real OCR lines of the committed sample for the layout replay test.

    .venv/bin/python tests/layout/record.py            # OCR the sample, report, write nothing
    .venv/bin/python tests/layout/record.py --write    # ... and rewrite tests/layout/data/*.pages.json

Runs the product pipeline (`workers.pipeline.convert_file`: ingest, preprocessing, PaddleOCR, red ink) on
`fixtures/samples/<name>.pdf` and stores its pages with `layout.serial.pages_to_dict`. The layout result
itself is not stored: the replay test rebuilds it from these lines. Rewrite only on purpose (new models,
new preprocessing, a new sample), and say so in the commit.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "fixtures" / "samples"
DATA = Path(__file__).resolve().parent / "data"
NAMES = ("sample_reply",)


def record(name: str) -> dict[str, object]:
    sys.path.insert(0, str(ROOT))
    from layout.serial import pages_to_dict
    from workers.pipeline import convert_file
    from workers.settings import load_settings

    result = convert_file(SAMPLES / f"{name}.pdf", settings=load_settings())
    return pages_to_dict(result.pages)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite tests/layout/data/<name>.pages.json")
    args = parser.parse_args(argv)
    for name in NAMES:
        data = record(name)
        pages = data["pages"]
        assert isinstance(pages, list)
        print(f"{name}: {len(pages)} pages, {sum(len(p['lines']) for p in pages)} lines")
        if args.write:
            DATA.mkdir(exist_ok=True)
            target = DATA / f"{name}.pages.json"
            target.write_text(json.dumps(data, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
            print(f"wrote {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
