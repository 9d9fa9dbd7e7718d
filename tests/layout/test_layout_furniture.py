"""The JSON's `furniture`: OCR lines of the pages that are in no block (what the review page draws greyed)."""

from __future__ import annotations

import json
from pathlib import Path

from layout_typeset import ocr_line, typeset

from fixtures.gw import load_gw
from layout import build_document, document_to_dict
from layout.model import Page

SAMPLE = Path(__file__).parents[2] / "fixtures" / "texts"


def _pages() -> list[Page]:
    truth = load_gw(min(SAMPLE.glob("*.gw")))
    return typeset([(line.role, line.text) for line in truth.lines])


def test_page_numbers_are_furniture_and_every_line_is_in_a_block_or_furniture() -> None:
    pages = _pages()
    assert len(pages) >= 2, "the test needs a document over several pages"
    doc = build_document(pages)
    data = document_to_dict(doc, pages)
    json.dumps(data, ensure_ascii=False)
    furniture = data["furniture"]
    numbers = [item for item in furniture if item["kind"] == "page_number"]
    assert sorted(item["page"] for item in numbers) == [page.number for page in pages]
    placed = {(line["page"], tuple(line["bbox"])) for block in data["blocks"] for line in block["lines"]}
    left_out = [(item["page"], tuple(item["bbox"])) for item in furniture]
    every = {(line.page, tuple(line.box.as_list())) for page in pages for line in page.lines if line.text.strip()}
    assert placed.isdisjoint(left_out) and placed | set(left_out) == every
    assert set(furniture[0]) == {"page", "bbox", "text", "score", "kind"}


def test_red_seal_text_is_furniture_of_kind_seal() -> None:
    pages = _pages()
    last = pages[-1]
    ring = ocr_line("重庆市渝北区卫生健康委员会", 700, 1300, page=last.number, red=0.9)
    pages[-1] = Page(last.number, last.width, last.height, last.lines + (ring,))
    furniture = document_to_dict(build_document(pages), pages)["furniture"]
    assert {"page": last.number, "text": ring.text, "kind": "seal"}.items() <= next(
        item for item in furniture if item["text"] == ring.text).items()


def test_without_pages_there_is_no_furniture() -> None:
    pages = _pages()
    assert document_to_dict(build_document(pages))["furniture"] == []
