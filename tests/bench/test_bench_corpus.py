from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.corpus import find_cases, parse_splits, stale_ids
from bench.metrics import Split


def _doc(root: Path, name: str, *, pdf: bool = True) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "truth.txt").write_text("标题\n正文第一段。\n", encoding="utf-8")
    (folder / "fields.json").write_text(json.dumps({"title": "标题"}, ensure_ascii=False), encoding="utf-8")
    (folder / "splits.json").write_text(json.dumps([{"line": 1, "offset": 2}]), encoding="utf-8")
    if pdf:
        (folder / "doc.pdf").write_bytes(b"%PDF-1.4\n")
    return folder


@pytest.mark.parametrize(
    "data",
    [
        [{"line": 3, "offset": 17}, {"line": 5, "offset": 2}],
        [[3, 17], [5, 2]],
        {"splits": [{"line": 3, "offset": 17}, {"line": 5, "offset": 2}]},
        [{"page": 1, "block_index": 3, "char_offset": 17, "role": "p"}, {"block_index": 5, "char_offset": 2}],
    ],
)
def test_parse_splits(data: object) -> None:
    assert parse_splits(data) == (Split(3, 17), Split(5, 2))


def test_parse_splits_rejects_unknown_keys() -> None:
    with pytest.raises(ValueError):
        parse_splits([{"page": 1, "where": 3}])


def test_find_cases(tmp_path: Path) -> None:
    _doc(tmp_path, "doc_b")
    _doc(tmp_path, "doc_a")
    _doc(tmp_path, "no_pdf", pdf=False)
    (tmp_path / "stray").mkdir()
    cases = find_cases(tmp_path)
    assert [c.id for c in cases] == ["doc_a", "doc_b"]
    assert cases[0].truth == "标题\n正文第一段。\n"
    assert cases[0].fields == {"title": "标题"}
    assert cases[0].splits == (Split(1, 2),)
    assert cases[0].pdf == tmp_path / "doc_a" / "doc.pdf"
    assert [c.id for c in find_cases(tmp_path, limit=1)] == ["doc_a"]
    assert [c.id for c in find_cases(tmp_path, only="doc_b")] == ["doc_b"]
    with pytest.raises(SystemExit):
        find_cases(tmp_path, only="missing")
    assert [c.id for c in find_cases(tmp_path, ids=["doc_b", "doc_z"])] == ["doc_b"]
    assert [c.id for c in find_cases(tmp_path, ids=["doc_z"])] == ["doc_a", "doc_b"]  # none listed: all
    assert cases[0].first_page() == tmp_path / "doc_a" / "doc.pdf"  # no page image
    (tmp_path / "doc_a" / "page-002.jpg").write_bytes(b"")
    (tmp_path / "doc_a" / "page-001.jpg").write_bytes(b"")
    assert cases[0].first_page() == tmp_path / "doc_a" / "page-001.jpg"


def test_stale_ids(tmp_path: Path) -> None:
    _doc(tmp_path, "doc_a")
    _doc(tmp_path, "doc_b")
    expected = {"doc_a": "标题\n正文第一段。\n", "doc_b": "标题\n正文改过了。\n", "doc_c": "新的"}
    assert stale_ids(tmp_path, expected) == ["doc_b", "doc_c"]


def test_case_without_optional_files(tmp_path: Path) -> None:
    folder = _doc(tmp_path, "doc")
    (folder / "fields.json").unlink()
    (folder / "splits.json").unlink()
    (case,) = find_cases(tmp_path)
    assert (case.fields, case.splits) == ({}, ())


def test_case_reads_page_rotations(tmp_path: Path) -> None:
    folder = _doc(tmp_path, "doc")
    pages = [{"number": 1, "rotation_deg": 180}, {"number": 2, "rotation_deg": 0}]
    (folder / "meta.json").write_text(json.dumps({"pages": pages}), encoding="utf-8")
    (case,) = find_cases(tmp_path)
    assert case.rotations == (180, 0)
