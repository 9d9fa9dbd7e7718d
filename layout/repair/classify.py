"""Typing the joined blocks of a dump: header, body, tail, in GB/T 9704 reading order.

Header (before the addressee or the first body block): markers; the issuer mark (lines before the doc
number, or a line ending in 文件 when there is none); the doc number and 签发人; the title, its pieces
merged into one line; the addressee (split off when glued to the title). Body: headings by their marker
(a run-in heading, `（一）标题。正文…`, stays a paragraph), paragraphs. Tail: the 成文日期 (the last date
line) with the signature lines right before it, attachments, notes, contact lines, 抄送 and 印发.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import reduce

from layout import patterns
from layout.body import is_run_in
from layout.geometry import text_units
from layout.lines import clean_text
from layout.model import Block, BlockType
from layout.repair.joining import (
    SIGNATURE_MAX_LINES,
    Chunk,
    ends_sentence,
    is_doc_number_line,
    is_issuer_line,
    is_signature_like,
)

HEADER_SCAN_MAX = 12
"""The header holds at most this many blocks (markers, a joint issuer mark, doc number, title lines)."""

TITLE_MAX_CH = 90.0
"""A title is at most three lines of the 2号 title type (about 22 advances each), with some slack."""

_ITEM_RE = re.compile(r"^\s*\d{1,2}\s*[.．、]")
_SIGNER_SPLIT_RE = re.compile(r"\s*(?=签\s*发\s*人\s*[:：])")


def _ends_header(text: str) -> bool:
    """A block that can only belong to the body or the tail."""
    return (
        patterns.heading_level(text) is not None
        or ends_sentence(text)
        or text_units(text) > TITLE_MAX_CH
        or patterns.is_date_line(text)
        or patterns.is_contact(text)
        or patterns.is_cc(text)
        or patterns.is_attachment(text)
    )


def _doc_number_blocks(text: str) -> list[Block]:
    parts = [part for part in _SIGNER_SPLIT_RE.split(text, maxsplit=1) if part.strip()]
    blocks = [Block(BlockType.DOC_NUMBER, parts[0])]
    if len(parts) > 1:
        blocks.append(Block(BlockType.SIGNER, parts[1]))
    return blocks


def _title_block(parts: Sequence[str]) -> list[Block]:
    """The title's pieces (its printed lines, or md headings) as one line."""
    return [Block(BlockType.TITLE, clean_text(reduce(patterns.join_fragments, parts)))] if parts else []


def read_header(texts: Sequence[str]) -> tuple[list[Block], int]:
    """Typed header blocks and the index of the first body block."""
    scan = texts[:HEADER_SCAN_MAX]
    doc_index = next((i for i, text in enumerate(scan) if is_doc_number_line(text)), None)
    blocks: list[Block] = []
    title: list[str] = []
    index = 0
    while index < len(scan):
        text = scan[index]
        glued = patterns.split_title_addressee(text)
        if glued is not None:
            return blocks + _title_block([*title, glued[0]]) + [Block(BlockType.ADDRESSEE, glued[1])], index + 1
        if patterns.is_addressee(text) and patterns.heading_level(text) is None:
            return blocks + _title_block(title) + [Block(BlockType.ADDRESSEE, text)], index + 1
        kind = _header_kind(text, index, doc_index)
        if kind is None:
            title.append(text)
        else:
            blocks += _title_block(title)  # a title stops where another header item comes
            title = []
            if kind is BlockType.PARAGRAPH:
                break
            blocks += _doc_number_blocks(text) if kind is BlockType.DOC_NUMBER else [Block(kind, text)]
        index += 1
    return blocks + _title_block(title), index


def _header_kind(text: str, index: int, doc_index: int | None) -> BlockType | None:
    """The kind of a header block; None for a piece of the title, PARAGRAPH where the body begins."""
    if patterns.is_marker(text):
        return BlockType.MARKER
    if is_doc_number_line(text):
        return BlockType.DOC_NUMBER
    if patterns.find_signer(text) is not None:
        return BlockType.SIGNER
    if _ends_header(text):
        return BlockType.PARAGRAPH
    if (doc_index is not None and index < doc_index) or (doc_index is None and is_issuer_line(text)):
        return BlockType.ISSUER_MARK
    return None


def _signature_range(texts: Sequence[str]) -> tuple[int, int]:
    """(first signature index, date index); (n, n) when there is no 成文日期."""
    date_index = next((i for i in range(len(texts) - 1, -1, -1) if patterns.is_date_line(texts[i])), None)
    if date_index is None:
        return len(texts), len(texts)
    start = date_index
    while start > 0 and date_index - start < SIGNATURE_MAX_LINES and is_signature_like(texts[start - 1]):
        start -= 1
    return start, date_index


def _body_block(text: str, previous: BlockType | None) -> Block:
    if patterns.is_attachment(text) or (previous is BlockType.ATTACHMENT and _ITEM_RE.match(text)):
        return Block(BlockType.ATTACHMENT, text)
    if patterns.is_printed(text):
        return Block(BlockType.PRINTED, text)
    if patterns.is_cc(text):
        return Block(BlockType.CC, text)
    if patterns.is_contact(text):
        return Block(BlockType.CONTACT, text)
    if patterns.is_note(text):
        return Block(BlockType.NOTE, text)
    level = patterns.heading_level(text)
    if level is not None and not is_run_in(text):
        return Block(BlockType.HEADING, text, level=level)
    return Block(BlockType.PARAGRAPH, text)


def read_body(texts: Sequence[str]) -> list[Block]:
    """Typed body and tail blocks."""
    signature_start, date_index = _signature_range(texts)
    blocks: list[Block] = []
    for index, text in enumerate(texts):
        if signature_start <= index < date_index:
            blocks.append(Block(BlockType.SIGNATURE, "".join(text.split())))
        elif index == date_index:
            blocks.append(Block(BlockType.DATE, "".join(text.split())))
        else:
            blocks.append(_body_block(text, blocks[-1].type if blocks else None))
    return blocks


def type_chunks(chunks: Sequence[Chunk]) -> list[Block]:
    """Typed blocks of the whole dump, in reading order."""
    texts = [clean_text(chunk.text) for chunk in chunks]
    header, start = read_header(texts)
    return header + read_body(texts[start:])
