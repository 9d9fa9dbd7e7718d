"""One scan, many documents: where the documents of an archive batch begin and end.

Archives scan a box at a time, so one file may hold many documents back to back. Each page gives a little
evidence (`PageEvidence`), read with the same rules that rebuild a document (`build_document` on the page
alone: the header, tail and field detectors of `layout.header`, `layout.tail`, `layout.fields`):

- how it **opens**: an issuer mark (red, or very large at the top of a grey scan), a doc number standing on
  its own line, a title (centred, larger) — the first page of a document;
- how it **ends**: signature and date, 附注, the 版记 (抄送, 印发) — the last page of a document; and
  whether its last paragraph closes on it (the end of an attachment, which has no signature);
- whether it is an **attachment's first page** (`附件`, `附件2` heading top left, GB/T 9704 7.4), and how
  many attachments the page's 附件说明 announces;
- whether it is **blank** (a separator sheet).

`find_documents` turns the evidence into page ranges (the boundary rules are in its docstring);
`split_document` builds each range with `build_document`, so a split document's blocks and fields are what
converting its pages alone gives (its blocks keep the file's page numbers).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from layout import patterns
from layout.build import build_document
from layout.geometry import DEFAULT_SETTINGS, LayoutSettings, Scale, measure_scale, text_units
from layout.lines import Row
from layout.model import Block, BlockType, Document, Page
from layout.typography import is_set_apart

BLANK_MAX_CH = 3.0
"""A page whose lines hold no more than this many characters in all is blank (a speck or two read as text)."""

DOC_NUMBER_SLACK_CH = 4.0
"""A doc number opens a page only on a line of its own (with 签发人 or a mark beside it): a body line that
cites a doc number (`根据渝府发〔2024〕5号文件`) holds more than this many characters besides it."""

TAIL_BODY_MAX_CH = 8.0
"""After the date, a paragraph this short is seal or speck residue (placed at the end of the page, SPEC);
a longer one means the document goes on, so the date did not end it."""

END_TYPES = frozenset({BlockType.SIGNATURE, BlockType.DATE, BlockType.NOTE, BlockType.CONTACT, BlockType.CC,
                       BlockType.PRINTED})
"""Blocks that end a document: signature and date, 附注 (a note, contact lines), the 版记's 抄送 and 印发."""

_SPACE_RE = re.compile(r"\s+")


@dataclass(frozen=True)
class PageEvidence:
    """What one page says about the document boundaries around it (page `number`, 1-based in the file)."""

    number: int
    blank: bool = False
    issuer_mark: bool = False
    doc_number: bool = False
    title: bool = False
    addressee: bool = False
    """A 主送机关 line under the header: a document's first page has one, an attachment's does not."""
    ends: bool = False
    """Signature and date, 附注 or the 版记 stand on the page, no longer body text after them."""
    closes: bool = False
    """The page's last block ends a sentence: nothing runs over onto the next page."""
    attachment_heading: int | None = None
    """The page heads an attachment: 0 for `附件`, N for `附件N`; None otherwise."""
    announces: int = 0
    """Attachments the page's 附件说明 lists."""

    @property
    def opens(self) -> bool:
        """The page begins like the first page of a document (and is not an attachment's first page)."""
        return self.attachment_heading is None and (self.issuer_mark or self.doc_number or self.title)

    @property
    def opens_surely(self) -> bool:
        """An issuer mark with a doc number or a title under it: only a first page has both, so it opens a
        document even when the page before showed no end (a seal hid the date)."""
        return self.opens and self.issuer_mark and (self.doc_number or self.title)


def _compact(text: str) -> str:
    return _SPACE_RE.sub("", text)


def _own_doc_number(block: Block) -> bool:
    """The doc number block stands on its own line: its OCR lines say little else."""
    said = _compact("".join(line.text for line in block.lines))
    return text_units(said) - text_units(block.text) <= DOC_NUMBER_SLACK_CH or "签发人" in said


def _set_apart_title(block: Block, scale: Scale, settings: LayoutSettings) -> bool:
    """A title block whose first line is set apart from the body (larger or bolder): a centred body line (a
    short last line of a paragraph at the top of a page) is no title."""
    first = block.lines[0] if block.lines else None
    return first is not None and is_set_apart(Row(first.page, (first,), first.text), scale, settings)


def _ends(blocks: Sequence[Block]) -> bool:
    last_end = max((i for i, block in enumerate(blocks) if block.type in END_TYPES), default=None)
    if last_end is None:
        return False
    after = blocks[last_end + 1:]
    return not any(block.type in (BlockType.PARAGRAPH, BlockType.HEADING)
                   and text_units(block.text) > TAIL_BODY_MAX_CH for block in after)


def page_evidence(page: Page, settings: LayoutSettings = DEFAULT_SETTINGS) -> PageEvidence:
    """The evidence of one upright page, from the layout rules run on that page alone."""
    if sum(text_units(line.text) for line in page.lines) <= BLANK_MAX_CH:
        return PageEvidence(page.number, blank=True)
    doc = build_document([page], settings)
    blocks = doc.blocks
    kinds = {block.type for block in blocks}
    scale = measure_scale([line for line in page.lines if line.text.strip()], settings)
    content = [block for block in blocks if block.text]
    return PageEvidence(
        number=page.number,
        issuer_mark=BlockType.ISSUER_MARK in kinds,
        doc_number=any(block.type is BlockType.DOC_NUMBER and _own_doc_number(block) for block in blocks),
        title=any(block.type is BlockType.TITLE and _set_apart_title(block, scale, settings) for block in blocks),
        addressee=BlockType.ADDRESSEE in kinds,
        ends=_ends(blocks),
        closes=bool(content) and content[-1].text.rstrip()[-1:] in patterns.SENTENCE_END,
        attachment_heading=patterns.attachment_heading_number(content[0].text) if content else None,
        announces=len(doc.fields.attachments),
    )


@dataclass
class _Open:
    """The document being collected: its pages so far and what they said."""

    first: int
    last: int
    ended: bool
    closes: bool
    announced: int
    in_attachment: bool
    attachments_seen: int = 0

    def add(self, evidence: PageEvidence) -> None:
        if evidence.attachment_heading is not None or self.takes_as_attachment(evidence):
            self.attachments_seen += 1
            self.in_attachment = True
        self.last = evidence.number
        self.announced += evidence.announces
        self.ended, self.closes = evidence.ends, evidence.closes

    def takes_as_attachment(self, page: PageEvidence) -> bool:
        """A page that opens with a title alone (no issuer mark, doc number or addressee) while attachments
        the document announced are still to come: an attachment whose `附件N` heading the OCR missed."""
        return (self.attachments_seen < self.announced and page.title and not page.addressee
                and not (page.issuer_mark or page.doc_number))

    @property
    def finished(self) -> bool:
        """The document's last page so far ended it: signature and date, 附注, 版记, or the last sentence of
        an attachment (attachments carry no signature)."""
        return self.ended or (self.in_attachment and self.closes)


def _starts_new(current: _Open, page: PageEvidence, after_blank: bool) -> bool:
    """Does `page` begin a document after `current` (with a blank sheet between them when `after_blank`)?"""
    if page.attachment_heading is not None:
        return False  # an attachment's first page stays with its document, announced or not
    if current.takes_as_attachment(page):
        return False
    if after_blank:
        # A separator sheet ends the document, unless a paragraph visibly runs on across it (a blank
        # back side of a duplex scan in the middle of a document).
        return page.opens or current.finished or current.closes
    if page.opens_surely:
        return True
    return page.opens and current.finished


def find_documents(evidence: Sequence[PageEvidence]) -> list[tuple[int, int]]:
    """Document boundaries as (first, last) page numbers, in file order; blank separator sheets belong to no
    document (a blank page inside a document stays in its range).

    The rules: a page that opens a document (`PageEvidence.opens`) after a page that ended one
    (`_Open.finished`) starts a new document; an issuer mark over a doc number or title starts one whatever
    the page before it showed (`PageEvidence.opens_surely`); an attachment's first page (`附件N`, or a title
    alone while announced attachments are still to come: `_Open.takes_as_attachment`) never starts one; a
    blank sheet ends the document before it unless a paragraph runs on across it.
    """
    documents: list[tuple[int, int]] = []
    current: _Open | None = None
    after_blank = False
    for page in sorted(evidence, key=lambda ev: ev.number):
        if page.blank:
            after_blank = current is not None
            continue
        if current is not None and _starts_new(current, page, after_blank):
            documents.append((current.first, current.last))
            current = None
        if current is None:
            current = _Open(page.number, page.number, False, False, 0, False)
        current.add(page)
        after_blank = False
    if current is not None:
        documents.append((current.first, current.last))
    return documents


@dataclass(frozen=True)
class DocumentPart:
    """One document of a batch: its page range in the file (1-based, inclusive) and its rebuilt document."""

    first: int
    last: int
    document: Document

    @property
    def pages(self) -> tuple[int, int]:
        return (self.first, self.last)


def split_document(pages: Sequence[Page], settings: LayoutSettings = DEFAULT_SETTINGS) -> list[DocumentPart]:
    """The documents of a batch: `find_documents` over each page's evidence, then `build_document` over each
    range's pages, exactly as if those pages had been converted alone."""
    ordered = sorted(pages, key=lambda page: page.number)
    ranges = find_documents([page_evidence(page, settings) for page in ordered])
    return [DocumentPart(first, last, build_document([p for p in ordered if first <= p.number <= last], settings))
            for first, last in ranges]
