"""The benchmark's view of a fixture corpus: reading document folders, and generating stale or missing ones.

A corpus folder holds one sub-folder per document (`fixtures.corpus build` writes them): `doc.pdf`,
`page-001.*`, `truth.txt`, `fields.json`, `splits.json`, `meta.json`, plus `manifest.json` at the top. A
folder without `manifest.json` is a hand-made corpus and is used exactly as it is.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.metrics import Split

_LINE_KEYS = ("line", "block_index", "line_index")
_OFFSET_KEYS = ("offset", "char_offset")


@dataclass(frozen=True)
class Case:
    """One corpus document: its folder, clean truth text, truth fields and page-break splits."""

    id: str
    folder: Path
    truth: str
    fields: dict[str, Any]
    splits: tuple[Split, ...]
    rotations: tuple[int, ...] = ()
    """Per page, the quarter turn (degrees) the scan simulation applied (meta.json), when known."""
    meta: dict[str, Any] = field(default_factory=dict, compare=False)
    """The folder's meta.json ({} when it has none): a varied corpus's split, mode, dpi and input file."""

    @property
    def pdf(self) -> Path:
        """The file the bench reads: meta.json's `input` (a 1-bit scan's G4 TIFF), else doc.pdf."""
        return self.folder / str(self.meta.get("input", "doc.pdf"))

    def first_page(self) -> Path:
        """A one-page input (the first page image; the PDF when there is none)."""
        pages = sorted(self.folder.glob("page-*.*"))
        return pages[0] if pages else self.pdf


def _pick(item: dict[str, Any], keys: Sequence[str]) -> int:
    for key in keys:
        if key in item:
            return int(item[key])
    raise ValueError(f"splits.json entry {item} has none of {keys}")


def parse_splits(data: Any) -> tuple[Split, ...]:
    """`splits.json` → Splits: a list (or {"splits": list}) of [line, offset] or objects whose line is
    `line`/`block_index` (0-based truth line) and offset `offset`/`char_offset` (characters of that line
    before the page break)."""
    items = data.get("splits", []) if isinstance(data, dict) else data
    result = []
    for item in items:
        if isinstance(item, dict):
            result.append(Split(_pick(item, _LINE_KEYS), _pick(item, _OFFSET_KEYS)))
        else:
            result.append(Split(int(item[0]), int(item[1])))
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
        rotations=tuple(
            int(page.get("rotation_deg", 0)) for page in read_json("meta.json", {}).get("pages", [])
        ),
        meta=read_json("meta.json", {}),
    )


def find_cases(
    corpus: Path, only: str | None = None, limit: int | None = None, ids: Sequence[str] | None = None
) -> list[Case]:
    """The documents of a corpus folder (sub-folders with truth.txt and doc.pdf), sorted by id; `ids`
    keeps those of them that are listed (all when none is)."""
    folders = sorted(p for p in corpus.iterdir() if (p / "truth.txt").is_file() and (p / "doc.pdf").is_file())
    if ids is not None and any(p.name in ids for p in folders):
        folders = [p for p in folders if p.name in ids]
    if only is not None:
        folders = [p for p in folders if p.name == only]
        if not folders:
            raise SystemExit(f"bench: no document {only!r} in {corpus}")
    return [load_case(p) for p in folders[:limit]]


def planned(*, quick: bool, only: str | None = None) -> dict[str, str]:
    """The documents `fixtures.corpus` would build now: id → current clean truth text."""
    from fixtures.corpus.plan import plan_corpus
    from fixtures.gw import load_gw

    return {job.doc_id: load_gw(Path(job.gw_path)).truth_text for job in plan_corpus(quick=quick, only=only)}


def _build(corpus: Path, *, quick: bool, only: str | None) -> None:
    command = [sys.executable, "-m", "fixtures.corpus", "build", "--out", str(corpus)]
    command += ["--quick"] if quick else []
    command += ["--only", only] if only else []
    print(f"bench: generating the corpus: {' '.join(command[1:])}", file=sys.stderr)
    subprocess.run(command, check=True, stdout=sys.stderr)  # stdout is the table's


def stale_ids(corpus: Path, expected: dict[str, str]) -> list[str]:
    """Planned documents missing from a generated corpus, or whose truth text has changed since."""
    stale = []
    for doc_id, truth in expected.items():
        path = corpus / doc_id / "truth.txt"
        if not path.is_file() or path.read_text(encoding="utf-8") != truth:
            stale.append(doc_id)
    return stale


def ensure_corpus(corpus: Path, *, quick: bool, only: str | None) -> list[str] | None:
    """Generate the corpus when its folder is missing; in a generated corpus (with manifest.json) rebuild
    the documents that are missing or out of date. Returns the planned ids (None for a hand-made corpus)."""
    if not corpus.is_dir():
        _build(corpus, quick=quick, only=only)
    if not (corpus / "manifest.json").is_file() and only is None:
        return None
    expected = planned(quick=quick, only=only)
    for doc_id in stale_ids(corpus, expected):
        _build(corpus, quick=False, only=doc_id)
    return list(expected)


def varied_variant(corpus: Path) -> int:
    """The variant a generated varied corpus was built as (its manifest's `variant`; 0 when none)."""
    path = corpus / "manifest.json"
    return int(json.loads(path.read_text(encoding="utf-8")).get("variant") or 0) if path.is_file() else 0


def missing_varied(corpus: Path, *, split: str | None) -> bool:
    """Whether a folder the varied corpus plans (one half with `split`, both without; the corpus's own
    variant) is missing."""
    from fixtures.corpus.varied import plan_varied, planned_folders

    jobs = plan_varied(split=split, variant=varied_variant(corpus))
    return any(not (corpus / name / "truth.txt").is_file() for name in planned_folders(jobs))


def ensure_varied(corpus: Path, *, split: str | None) -> None:
    """Generate the varied corpus (`fixtures.corpus build --profile varied`, one half with `split`) when
    any of its planned folders is missing (it is deterministic: delete a folder to rebuild it). A dev
    variant corpus (`--variant N`) is completed as that variant."""
    if not missing_varied(corpus, split=split):
        return
    variant = varied_variant(corpus)
    command = [sys.executable, "-m", "fixtures.corpus", "build", "--profile", "varied", "--out", str(corpus)]
    command += ["--split", split] if split else []
    command += ["--variant", str(variant)] if variant else []
    print(f"bench: generating the varied corpus: {' '.join(command[1:])}", file=sys.stderr)
    subprocess.run(command, check=True, stdout=sys.stderr)


def find_varied_cases(
    corpus: Path, *, split: str | None = None, modes: Sequence[str] | None = None, limit: int | None = None
) -> list[Case]:
    """The varied corpus's folders of one half (both when `split` is None) in the given colour modes (all
    when None), sorted by document then mode; `limit` keeps the first N documents, each in every mode."""
    cases = [load_case(p) for p in sorted(corpus.iterdir())
             if (p / "truth.txt").is_file() and (p / "meta.json").is_file()]
    cases = [c for c in cases if (split is None or c.meta.get("split") == split)
             and (modes is None or c.meta.get("mode") in modes)]
    documents = sorted({str(c.meta.get("document", c.id)) for c in cases})[:limit]
    order = {"colour": 0, "gray": 1, "bw": 2}
    kept = [c for c in cases if str(c.meta.get("document", c.id)) in documents]
    return sorted(kept, key=lambda c: (str(c.meta.get("document", c.id)), order.get(str(c.meta.get("mode")), 9)))
