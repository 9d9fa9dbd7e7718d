"""The renderings of a split batch (`workers.output.split`, `workers.pipeline.render_result` with parts) on REAL OCR
pages recorded by tests/layout/record.py: no OCR runs here."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

import layout
from layout.model import Page
from layout.serial import pages_from_dict
from workers.output.split import render_each
from workers.pipeline import ConvertResult, SourceInfo, render_result

DATA = Path(__file__).resolve().parents[1] / "layout" / "data"


def _pages(*names: str) -> tuple[Page, ...]:
    pages: list[Page] = []
    for name in names:
        path = DATA / f"{name}.pages.json" if name == "sample_reply" else DATA / "corpus" / name / "pages.json"
        for page in pages_from_dict(json.loads(path.read_text(encoding="utf-8"))):
            number = len(pages) + 1
            pages.append(replace(page, number=number, lines=tuple(replace(ln, page=number) for ln in page.lines),
                                 seals=tuple(replace(s, page=number) for s in page.seals)))
    return tuple(pages)


def _result(pages: tuple[Page, ...], *, split: bool) -> ConvertResult:
    return ConvertResult(layout.build_document(pages), pages, SourceInfo("box.pdf", "0" * 64, "application/pdf",
                                                                         len(pages)),
                         {"layout_s": 0.0}, (), (), tuple(layout.split_document(pages)) if split else ())


@pytest.fixture(scope="module")
def batch() -> tuple[Page, ...]:
    return _pages("doc_06", "sample_reply", "doc_13")


def test_text_separates_documents_with_a_rule_line(batch: tuple[Page, ...]) -> None:
    text = render_result(_result(batch, split=True), "text")
    pieces = text.split("=" * 40 + "\n")
    assert len(pieces) == 3
    assert pieces == [layout.render_text(layout.build_document(_pages(name)))
                      for name in ("doc_06", "sample_reply", "doc_13")]
    assert pieces[1].startswith("公开\n重庆市渝北区卫生健康委员会文件\n")


def test_markdown_separates_documents_with_a_thematic_break(batch: tuple[Page, ...]) -> None:
    md = render_result(_result(batch, split=True), "md")
    pieces = md.split("\n---\n\n")
    assert len(pieces) == 3 and all(piece.count("\n# ") + piece.startswith("# ") == 1 for piece in pieces)
    assert pieces[2] == layout.render_markdown(layout.build_document(_pages("doc_13")))


def test_json_lists_the_documents_with_file_page_numbers(batch: tuple[Page, ...]) -> None:
    envelope = json.loads(render_result(_result(batch, split=True), "json"))
    documents = envelope["documents"]
    assert [d["pages"] for d in documents] == [[1, 2], [3, 5], [6, 7]]
    assert documents[1]["fields"]["doc_number"] == "渝北卫健函〔2024〕117号"
    assert {p for b in documents[1]["blocks"] for p in b["pages"]} == {3, 4, 5}
    assert all(line["page"] in (6, 7) for b in documents[2]["blocks"] for line in b["lines"])
    assert "".join(d["text"] for d in documents) == "".join(
        layout.render_text(layout.build_document(_pages(n))) for n in ("doc_06", "sample_reply", "doc_13"))
    # the whole-file members are there as without split
    unsplit = json.loads(render_result(_result(batch, split=False), "json"))
    assert {k: v for k, v in envelope.items() if k != "documents"} == unsplit


def test_without_split_nothing_changes(batch: tuple[Page, ...]) -> None:
    plain = _result(batch, split=False)
    assert "documents" not in json.loads(render_result(plain, "json"))
    assert render_result(plain, "text") == layout.render_text(plain.document)
    assert "=" * 40 not in render_result(plain, "text")


def test_one_rendering_per_document(batch: tuple[Page, ...]) -> None:
    result = _result(batch, split=True)
    texts = render_each(result, "text")
    assert texts == render_result(result, "text").split("=" * 40 + "\n")
    entries = [json.loads(doc) for doc in render_each(result, "json")]
    assert [e["pages"] for e in entries] == [[1, 2], [3, 5], [6, 7]]
    assert entries[0]["source"]["filename"] == "box.pdf" and entries[0]["text"] == texts[0]
    with pytest.raises(ValueError, match="per document"):
        render_each(result, "alto")
