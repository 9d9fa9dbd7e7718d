"""Splitting a batch scan into its documents (`layout.split`): the boundary rules on page evidence, and on
REAL OCR lines of recorded documents (tests/layout/data) concatenated into batches."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pytest

from layout import build_document, document_to_dict, render_text
from layout.model import OcrLine, Page
from layout.patterns import attachment_heading_number
from layout.serial import pages_from_dict
from layout.split import PageEvidence, find_documents, page_evidence, split_document
from tests.layout.layout_typeset import typeset

DATA = Path(__file__).resolve().parent / "data"
RECORDED = ("sample_reply", "doc_01", "doc_06", "doc_09", "doc_12", "doc_13", "doc_14", "seed_004")
"""doc_06, doc_13 and seed_004 are letter format (信函); doc_01, doc_09, doc_12 joint issue; sample_reply
and doc_14 have a seal over the signature."""


def _recorded(name: str) -> tuple[Page, ...]:
    path = DATA / f"{name}.pages.json" if name == "sample_reply" else DATA / "corpus" / name / "pages.json"
    return pages_from_dict(json.loads(path.read_text(encoding="utf-8")))


def _renumber(pages: Sequence[Page], start: int) -> list[Page]:
    """`pages` as pages start, start+1, … of a longer file (every line's page number with them)."""
    out = []
    for offset, page in enumerate(sorted(pages, key=lambda p: p.number)):
        number = start + offset
        out.append(replace(page, number=number, lines=tuple(replace(ln, page=number) for ln in page.lines),
                           seals=tuple(replace(s, page=number) for s in page.seals)))
    return out


def _gray(pages: Sequence[Page]) -> list[Page]:
    """The same pages as a grayscale scan gives them: no red anywhere (the pipeline measures no red ink)."""
    return [replace(p, lines=tuple(replace(ln, red=0.0) for ln in p.lines), seals=()) for p in pages]


BLANK = "blank"


def _batch(*parts: str | Sequence[Page]) -> tuple[list[Page], list[tuple[int, int]]]:
    """A batch file of recorded documents (by name) or given pages, BLANK for a separator sheet; with the
    true page range of each document."""
    pages: list[Page] = []
    truth: list[tuple[int, int]] = []
    for part in parts:
        start = len(pages) + 1
        if isinstance(part, str) and part == BLANK:
            pages.append(Page(number=start, width=1240, height=1754))
            continue
        doc = _recorded(part) if isinstance(part, str) else part
        pages += _renumber(doc, start)
        truth.append((start, len(pages)))
    return pages, truth


def _found(pages: Sequence[Page]) -> list[tuple[int, int]]:
    return find_documents([page_evidence(page) for page in pages])


# --- the rules on page evidence -------------------------------------------------------------------------

FIRST = PageEvidence(0, issuer_mark=True, doc_number=True, title=True)
BODY = PageEvidence(0)
CLOSING = PageEvidence(0, ends=True, closes=True)
LISTS = PageEvidence(0, ends=True, announces=2)  # 附件说明 + signature and date
LISTS_ONE = PageEvidence(0, ends=True, announces=1)
ATTACHMENT = PageEvidence(0, title=True, attachment_heading=1)
ATTACHMENT_END = PageEvidence(0, closes=True)
EMPTY = PageEvidence(0, blank=True)
NUMBER_ONLY = PageEvidence(0, doc_number=True)  # a document without red header or title: its number
TITLE_ONLY = PageEvidence(0, title=True)
TITLED_END = PageEvidence(0, title=True, closes=True)  # a one-page attachment (or document) with a title
TITLE_ADDRESSEE = PageEvidence(0, title=True, addressee=True)  # a document without red header or number
MARK_ONLY = PageEvidence(0, issuer_mark=True)


@pytest.mark.parametrize(("sequence", "expected"), [
    ([FIRST, BODY, CLOSING, FIRST, CLOSING], [(1, 3), (4, 5)]),
    ([FIRST, CLOSING, FIRST, CLOSING, FIRST, CLOSING], [(1, 2), (3, 4), (5, 6)]),  # back to back
    ([FIRST, BODY, TITLE_ONLY, CLOSING], [(1, 4)]),  # a title-like line mid-document, no end before it
    ([FIRST, CLOSING, TITLE_ONLY, CLOSING], [(1, 2), (3, 4)]),  # opens with a title after an end
    ([FIRST, CLOSING, NUMBER_ONLY, BODY, CLOSING], [(1, 2), (3, 5)]),
    ([FIRST, BODY, FIRST, CLOSING], [(1, 2), (3, 4)]),  # a seal hid the date: the mark and number decide
    ([FIRST, BODY, MARK_ONLY, CLOSING], [(1, 4)]),  # a large red line alone is not enough without an end
    ([FIRST, LISTS, ATTACHMENT, BODY, ATTACHMENT, CLOSING, FIRST, CLOSING], [(1, 6), (7, 8)]),
    ([FIRST, LISTS_ONE, ATTACHMENT, ATTACHMENT_END, TITLE_ONLY, CLOSING], [(1, 4), (5, 6)]),  # end of attachment
    ([FIRST, CLOSING, ATTACHMENT, ATTACHMENT_END], [(1, 4)]),  # not announced: still stays
    ([FIRST, LISTS, EMPTY, ATTACHMENT, CLOSING], [(1, 5)]),  # a blank back side before an attachment
    ([FIRST, LISTS, TITLE_ONLY, BODY, TITLE_ONLY, CLOSING], [(1, 6)]),  # announced, 附件N headings unread
    ([FIRST, LISTS, TITLED_END, TITLED_END, TITLED_END, CLOSING], [(1, 4), (5, 6)]),  # only two announced
    ([FIRST, LISTS, TITLE_ADDRESSEE, CLOSING], [(1, 2), (3, 4)]),  # attachments not in the box: next document
    ([FIRST, BODY, EMPTY, BODY, CLOSING], [(1, 5)]),  # blank back side mid-paragraph: one document
    ([FIRST, ATTACHMENT_END, EMPTY, BODY, CLOSING], [(1, 2), (4, 5)]),  # a separator sheet ends one
    ([FIRST, CLOSING, EMPTY, EMPTY, FIRST, CLOSING, EMPTY], [(1, 2), (5, 6)]),
    ([EMPTY, FIRST, CLOSING], [(2, 3)]),
    ([EMPTY, EMPTY], []),
    ([BODY, BODY, CLOSING, FIRST], [(1, 3), (4, 4)]),  # a batch starting mid-document
])
def test_boundaries_from_evidence(sequence: list[PageEvidence], expected: list[tuple[int, int]]) -> None:
    numbered = [replace(ev, number=n) for n, ev in enumerate(sequence, start=1)]
    assert find_documents(numbered) == expected


@pytest.mark.parametrize(("text", "number"), [
    ("附件", 0), ("附件1", 1), ("附件 2", 2), ("附件12", 12), ("附件三", 3),
    ("附件：1.渝北区村卫生室名单", None), ("附件1.渝北区村卫生室名单", None), ("附近", None),
])
def test_attachment_heading_number(text: str, number: int | None) -> None:
    assert attachment_heading_number(text) == number


# --- real OCR lines of recorded documents ---------------------------------------------------------------

def test_every_recorded_document_is_found_in_one_batch() -> None:
    pages, truth = _batch(*RECORDED)
    assert len(pages) == 34
    assert _found(pages) == truth


def test_batch_in_reverse_order() -> None:
    pages, truth = _batch(*reversed(RECORDED))
    assert _found(pages) == truth


def test_letter_format_document_starting_mid_batch() -> None:
    pages, truth = _batch("doc_14", "doc_06", "doc_12", "seed_004", "doc_13")
    assert _found(pages) == truth
    assert truth[1] == (9, 10)


def test_two_documents_from_the_same_issuer_back_to_back() -> None:
    pages, truth = _batch("sample_reply", "sample_reply", "doc_06", "doc_06")
    assert truth == [(1, 3), (4, 6), (7, 8), (9, 10)]
    assert _found(pages) == truth


def test_grayscale_batch_without_red_header() -> None:
    pages, truth = _batch(*(_gray(_recorded(name)) for name in RECORDED))
    assert not any(line.red for page in pages for line in page.lines)
    assert _found(pages) == truth


def test_blank_separator_sheets() -> None:
    pages, truth = _batch(BLANK, "doc_09", BLANK, "seed_004", BLANK, BLANK, "doc_01", BLANK)
    assert truth == [(2, 5), (7, 10), (13, 17)]
    assert _found(pages) == truth


def test_a_speck_on_a_separator_sheet_leaves_it_blank() -> None:
    speck = Page(number=1, width=1240, height=1754,
                 lines=(OcrLine("。", box=_recorded("doc_06")[0].lines[0].box, score=0.4),))
    assert page_evidence(speck).blank
    pages, truth = _batch("doc_06", [speck], "seed_004")
    assert truth == [(1, 2), (3, 3), (4, 7)]
    assert _found(pages) == [(1, 2), (4, 7)]


def test_no_end_seen_before_a_marked_first_page() -> None:
    """The signature, date, 附注 and 版记 of the sample's last page unread (a seal, a torn corner): the next
    document still starts on its issuer mark over its doc number."""
    sample = list(_recorded("sample_reply"))
    last = sample[-1]
    cut = min(ln.box.y0 for ln in last.lines if "联系人" in ln.text)
    sample[-1] = replace(last, lines=tuple(ln for ln in last.lines if ln.box.y0 < cut), seals=())
    assert not page_evidence(sample[-1]).ends
    pages, truth = _batch(sample, "doc_09")
    assert _found(pages) == truth


def test_a_date_with_more_body_after_it_does_not_end_the_page() -> None:
    """A date line followed by paragraphs (a forwarding notice's date, then the text it forwards) is no end;
    a short speck after the date is (seal residue placed at the end of the page)."""
    closing = [("p", "请各单位结合实际认真贯彻执行。" * 4), ("signature", "某某市教育局"), ("date", "2024年3月1日")]
    more = [("p", "为进一步规范课后服务工作，现将有关事项通知如下，请认真落实。" * 3)]
    assert page_evidence(typeset(closing)[0]).ends
    assert not page_evidence(typeset(closing + more)[0]).ends
    assert page_evidence(typeset([*closing, ("p", "章")])[0]).ends


# --- attachment pages (synthetic lines: the recorded documents have none) -------------------------------

def _with_attachments() -> list[Page]:
    return typeset([
        ("issuer_mark", "某某市教育局文件"), ("doc_number", "某教发〔2024〕12号"),
        ("title", "关于印发两项工作方案的通知"), ("addressee", "各县区教育局："),
        ("p", "为做好全市教育系统各项工作，经研究，现将两项工作方案印发给你们，" * 3 + "请认真执行。"),
        ("p", "附件：1.校园安全工作方案"), ("p", "2.课后服务工作方案"),
        ("signature", "某某市教育局"), ("date", "2024年3月1日"),
        ("page_break", ""), ("addressee", "附件1"), ("title", "校园安全工作方案"),
        ("p", "为进一步做好校园安全工作，" * 12 + "制定本方案。"),
        ("page_break", ""), ("addressee", "附件2"), ("title", "课后服务工作方案"),
        ("p", "为规范课后服务，" * 20 + "制定本方案。"),
        ("cc", "抄送：市政府办公室。"), ("printed", "某某市教育局办公室 2024年3月1日印发"),
    ])


def _plain_notice() -> list[Page]:
    return typeset([
        ("title", "关于做好春季开学工作的通知"), ("addressee", "各县区教育局："),
        ("p", "春季开学在即，请各地认真做好各项准备工作。" * 3),
        ("signature", "某某市教育局办公室"), ("date", "2024年2月20日"),
    ])


def test_attachment_pages_stay_with_their_document() -> None:
    attached = _with_attachments()
    assert [page_evidence(page).attachment_heading for page in attached[1:]] == [1, 2]
    assert page_evidence(attached[0]).announces == 2
    pages, truth = _batch(attached, "doc_06", attached, _plain_notice())
    assert _found(pages) == truth


def test_attachments_whose_headings_were_not_read_stay() -> None:
    unread = [replace(p, lines=tuple(ln for ln in p.lines if ln.text not in ("附件1", "附件2")))
              for p in _with_attachments()]
    assert [page_evidence(page).attachment_heading for page in unread] == [None, None, None]
    assert page_evidence(unread[1]).title and not page_evidence(unread[1]).addressee
    pages, truth = _batch("doc_06", unread, _plain_notice())
    assert page_evidence(pages[-1]).addressee
    assert _found(pages) == truth


def test_a_document_after_one_whose_attachments_are_not_in_the_box() -> None:
    first = _with_attachments()[:1]  # its 附件说明 announces two attachments; they were filed elsewhere
    pages, truth = _batch(first, _plain_notice(), "doc_13")
    assert _found(pages) == truth


def test_a_title_after_an_attachment_starts_a_document() -> None:
    """The attachment ends on a closed sentence and has no 版记 here: a titled notice after it is new."""
    attached = [replace(p, lines=tuple(ln for ln in p.lines if "抄送" not in ln.text and "印发" not in ln.text
                                       and "办公室" not in ln.text)) for p in _with_attachments()]
    pages, truth = _batch(attached, _plain_notice())
    assert page_evidence(pages[2]).closes and not page_evidence(pages[2]).ends
    assert _found(pages) == truth


# --- a split document is the document its pages make alone ---------------------------------------------

def test_split_documents_equal_their_pages_converted_alone() -> None:
    names = ("doc_13", "sample_reply", BLANK, "doc_12", "doc_06")
    pages, truth = _batch(*names)
    parts = split_document(pages)
    assert [part.pages for part in parts] == truth
    for part, name in zip(parts, [n for n in names if n != BLANK], strict=True):
        alone = build_document(_recorded(name))
        assert render_text(part.document) == render_text(alone)
        assert part.document.fields == alone.fields
        split_dict, alone_dict = document_to_dict(part.document), document_to_dict(alone)
        assert [b["type"] for b in split_dict["blocks"]] == [b["type"] for b in alone_dict["blocks"]]
        # blocks keep the file's page numbers: the document's own, shifted to where it lies in the batch
        assert {p for b in split_dict["blocks"] for p in b["pages"]} <= set(range(part.first, part.last + 1))
        assert [[p - part.first + 1 for p in b["pages"]] for b in split_dict["blocks"]] == \
            [b["pages"] for b in alone_dict["blocks"]]


def test_one_document_is_one_part() -> None:
    pages = list(_recorded("doc_14"))
    parts = split_document(pages)
    assert len(parts) == 1 and parts[0].pages == (1, 8)
    assert render_text(parts[0].document) == render_text(build_document(pages))
