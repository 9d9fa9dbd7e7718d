"""The photo rows of the benchmark: phone photos of the corpus documents (fixtures/corpus/photo.py).

    python -m bench.run --corpus corpus --photos corpus-photo [--photo-limit N]

The photo corpus is generated when its folder is missing (`python -m fixtures.corpus photo --out DIR`).
Its two halves (by text, `fixtures.corpus.varied.split_of`) are run and reported apart: `photos dev` is
where the photo step was tuned, `photos held` is never looked at to tune it. The rows are those of
`bench.groups` (a record marked `corpus` "photo" belongs to `photos <split>`): the SPEC metrics of both
systems, and the cost of the photo step (finding, squaring, flattening the sheet: `timings.photo_s`) as a
share of the product's time on those pages.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import groups
from bench.corpus import Case, load_case

HALVES = ("dev", "held")


def ensure_photos(corpus: Path) -> None:
    if corpus.is_dir():
        return
    command = [sys.executable, "-m", "fixtures.corpus", "photo", "--out", str(corpus)]
    print(f"bench: generating the photo corpus: {' '.join(command[1:])}", file=sys.stderr)
    subprocess.run(command, check=True, stdout=sys.stderr)


def photo_cases(corpus: Path, half: str, limit: int | None) -> list[Case]:
    """The documents of one half (meta.json `split`), sorted by id, the first `limit`."""
    import json

    folders = []
    for folder in sorted(p for p in corpus.iterdir() if (p / "meta.json").is_file() and (p / "doc.pdf").is_file()):
        if json.loads((folder / "meta.json").read_text(encoding="utf-8")).get("split") == half:
            folders.append(folder)
    return [load_case(folder) for folder in folders[:limit]]


def run_photos(corpus: Path, limit: int | None, bench_case: Callable[[Case, int], dict[str, Any]],
               progress: Callable[[dict[str, Any], int, int], None]) -> list[dict[str, Any]]:
    """Both systems over the first `limit` documents of each half, dev first: the records of `bench_case`,
    marked as photos of their half (`corpus` "photo", `split`) for the rows of `bench.groups`."""
    ensure_photos(corpus)
    records = []
    for half in HALVES:
        cases = photo_cases(corpus, half, limit)
        for index, case in enumerate(cases):
            records.append({**bench_case(case, index), "corpus": groups.PHOTO, "split": half})
            progress(records[-1], index + 1, len(cases))
    return records
