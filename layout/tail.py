"""The end of the document: attachments, signature, date, 附注, contact lines and the 版记.

GB/T 9704-2012: 附件说明 follows the body (`附件：1. …`, further items aligned under the first); the
signature (署名) is centred over the date, which is right-aligned four characters from the edge (some
printers indent both like a paragraph); joint issue has one signature line per body; the 附注
(`（此件公开发布）`) follows the date; the 版记 (抄送, 印发) sits between thin rules at the bottom of
the last page.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from layout import patterns
from layout.body import body_block, join_rows
from layout.geometry import DEFAULT_SETTINGS, BodyGeometry, LayoutSettings
from layout.lines import Row, clean_text, split_wide_gaps
from layout.model import Block, BlockType

SIGNATURE_MAX_ROWS = 4
"""Joint issue stacks one signature line per body; more than this is not a signature."""

SIGNATURE_MAX_CH = 30

SIGNATURE_STACK_GAP_LH = 2.5
"""Signature lines stand together over the date (one printed line apart, a blank line at most): a line
further above than this many line heights is the end of the body or an attachment, not a signature."""
"""A body's full name fits on one line."""

SIGNATURE_FORBIDDEN = "，。；：！？,;:!?"
"""A signature line has no sentence punctuation."""

SIGNATURE_MIN_INDENT_CH = 1.5
"""The signature is indented like a paragraph at least (usually right-aligned); flush-left is body."""

ATTACHMENT_HANG_MIN_CH = 1.0
"""Wrapped attachment lines may start this far left of `附件：` (some printers hang them at the margin)."""

ATTACHMENT_HANG_MAX_CH = 6.0
"""...and this far right of it: `附件：` (3 characters) plus an item number; a signature starts further right."""

_ITEM_RE = re.compile(r"^\s*\d{1,2}\s*[.．、]")


def _typed(kind: BlockType, rows: Sequence[Row], text: str | None = None) -> Block:
    return Block(kind, join_rows(rows) if text is None else text,
                 lines=tuple(part for row in rows for part in row.parts))


def repair_date_year(text: str, known_years: Sequence[int]) -> str:
    """A date line whose year OCR misread (`8024年5月15日` under a seal) takes the one year of the
    document (doc number, 印发 date) that differs from it in a single digit; otherwise it stays as read."""
    misread = patterns.misread_date_line(text)
    if misread is None:
        return text
    digits, month, day = misread
    close = {y for y in known_years if sum(a != b for a, b in zip(str(y), digits, strict=True)) == 1}
    return f"{close.pop()}年{month}月{day}日" if len(close) == 1 else text


def document_years(texts: Sequence[str]) -> list[int]:
    """Years the document states elsewhere: in its doc number (〔2024〕) and its 印发 date."""
    years = []
    for text in texts:
        number = patterns.find_doc_number(text)
        printed = patterns.split_printed(text)
        for found in (number[number.find("〔") + 1:number.find("〔") + 5] if number else None,
                      printed[1][:4] if printed and printed[1] else None):
            if found and found.isdigit():
                years.append(int(found))
    return years


def _is_date(text: str, known_years: Sequence[int]) -> bool:
    return patterns.is_date_line(repair_date_year(text, known_years))


def _find_date(groups: Sequence[list[Row]], geometry: BodyGeometry, known_years: Sequence[int]) -> int | None:
    """Index of the 成文日期: the last single-line date group not flush left."""
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        text = join_rows(group)
        if len(group) == 1 and _is_date(text, known_years):
            row = group[0]
            if geometry.indent_ch(row.box, row.page) >= SIGNATURE_MIN_INDENT_CH:
                return index
    return None


def _is_signature(group: Sequence[Row], geometry: BodyGeometry, settings: LayoutSettings) -> bool:
    if len(group) != 1:
        return False
    text = join_rows(group)
    row = group[0]
    if not text or len(text) > SIGNATURE_MAX_CH or any(ch in SIGNATURE_FORBIDDEN for ch in text):
        return False
    if patterns.heading_level(text) is not None or patterns.is_page_number(text):
        return False
    indent = geometry.indent_ch(row.box, row.page)
    if indent < SIGNATURE_MIN_INDENT_CH:
        return False
    # Indented like a paragraph, it must read as a body's name (`特此通知` without its 。 is body text).
    return indent > settings.indent_max_ch or patterns.looks_like_body(text)


def _stacked_over(upper: Sequence[Row], lower: Sequence[Row], geometry: BodyGeometry) -> bool:
    """`upper` ends close above `lower` (same page), as signature lines stand over each other and the date."""
    top, bottom = lower[0], upper[-1]
    if top.page != bottom.page:
        return True
    return top.box.y0 - bottom.box.y1 <= SIGNATURE_STACK_GAP_LH * geometry.scale.line_height


def _signature_start(groups: Sequence[list[Row]], date_index: int, geometry: BodyGeometry,
                     settings: LayoutSettings, *, dated: bool = True) -> int:
    """First signature group above `date_index` (the date, or when `dated` is False the group after the
    last signature line, which need not stand close under it)."""
    start = date_index
    while (start > 0 and date_index - start < SIGNATURE_MAX_ROWS
           and _is_signature(groups[start - 1], geometry, settings)
           and (not dated and start == date_index or _stacked_over(groups[start - 1], groups[start], geometry))):
        start -= 1
    return start


def _in_attachment_column(group: Sequence[Row], first: Row, geometry: BodyGeometry) -> bool:
    """Items and wrapped names hang under the first item, right of `附件：` (not out at the signature)."""
    start = geometry.indent_ch(first.box, first.page)
    indent = geometry.indent_ch(group[0].box, group[0].page)
    return start - ATTACHMENT_HANG_MIN_CH <= indent <= start + ATTACHMENT_HANG_MAX_CH


def _attachment_blocks(groups: Sequence[list[Row]], start: int, end: int,
                       geometry: BodyGeometry) -> tuple[list[Block], int]:
    """From the `附件：` group at `start`: one block per item; wrapped item names join their item."""
    items: list[list[Row]] = [list(groups[start])]
    index = start + 1
    while index < end and _in_attachment_column(groups[index], groups[start][0], geometry):
        text = join_rows(groups[index])
        if _ITEM_RE.match(text):
            items.append(list(groups[index]))
        elif not text.endswith("。") and len(items[-1]) < 3 and not patterns.is_contact(text):
            items[-1].extend(groups[index])
        else:
            break
        index += 1
    return [_typed(BlockType.ATTACHMENT, item) for item in items], index


def _tail_kind(text: str) -> BlockType | None:
    if patterns.is_printed(text):
        return BlockType.PRINTED
    if patterns.is_cc(text):
        return BlockType.CC
    if patterns.is_contact(text):
        return BlockType.CONTACT
    if patterns.is_note(text):
        return BlockType.NOTE
    return None


def _undated_signature_end(groups: Sequence[list[Row]], geometry: BodyGeometry,
                           settings: LayoutSettings) -> int | None:
    """When the seal hid the date: the index after a right-aligned body name that ends the body (only 附注,
    contact lines and the 版记 follow), as if the date stood there; None when there is no such name."""
    end = len(groups)
    while end > 0 and _tail_kind(join_rows(groups[end - 1])) is not None:
        end -= 1
    if end == 0:
        return None
    last = groups[end - 1]
    text = join_rows(last)
    right = geometry.indent_ch(last[0].box, last[0].page) > settings.indent_max_ch
    if right and patterns.looks_like_body(text) and _is_signature(last, geometry, settings):
        return end
    return None


def classify_groups(groups: Sequence[list[Row]], geometry: BodyGeometry,
                    settings: LayoutSettings = DEFAULT_SETTINGS, known_years: Sequence[int] = ()) -> list[Block]:
    """Typed blocks for the body and tail groups, in reading order.

    `known_years`: years stated in the header (doc number); the 印发 date among the groups adds its own.
    """
    known_years = [*known_years, *document_years([join_rows(group) for group in groups])]
    date_index = _find_date(groups, geometry, known_years)
    sig_end = date_index if date_index is not None else _undated_signature_end(groups, geometry, settings)
    signature_start = (_signature_start(groups, sig_end, geometry, settings, dated=date_index is not None)
                       if sig_end is not None else len(groups))
    blocks: list[Block] = []
    index = 0
    while index < len(groups):
        group = groups[index]
        text = join_rows(group)
        kind = _tail_kind(text)
        if sig_end is not None and signature_start <= index < sig_end:
            blocks.append(_typed(BlockType.SIGNATURE, group, re.sub(r"\s+", "", text)))
        elif index == date_index:
            blocks.append(_typed(BlockType.DATE, group, repair_date_year(re.sub(r"\s+", "", text), known_years)))
        elif patterns.is_attachment(text):
            end = signature_start if index < signature_start else len(groups)
            found, index = _attachment_blocks(groups, index, end, geometry)
            blocks += found
            continue
        elif kind is BlockType.CC:
            # A long 抄送 list wraps; its hanging lines continue it up to the 印发 line.
            rows = list(group)
            while index + 1 < len(groups) and not _tail_kind(join_rows(groups[index + 1])) \
                    and not text.endswith("。"):
                index += 1
                rows += groups[index]
                text = join_rows(rows)
            blocks.append(_typed(BlockType.CC, rows))
        elif kind is BlockType.PRINTED:
            pieces = [piece for row in group for piece in split_wide_gaps(row, geometry.scale, settings)]
            blocks.append(_typed(kind, group, " ".join(clean_text(piece.text) for piece in pieces)))
        elif kind is not None and (kind is not BlockType.NOTE or date_index is None or index > date_index):
            blocks.append(_typed(kind, group))
        else:
            blocks.append(body_block(group))
        index += 1
    return blocks
