"""The body: printed lines → paragraphs and headings, across page breaks.

A line starts a new block when it is indented (about two characters), when the line before it ends
well short of the right edge, or when it starts with a heading marker right after a line that ended a
sentence. Otherwise it continues the line before it, also across a page break: a paragraph goes on
onto the next page when its last line reaches the right edge and the next page's first body line
starts flush left. The indent decides, not the punctuation: a sentence may end exactly at the line end.
A line may also end short by line-breaking rule (`carried_down_ch`: the next line starts with a Latin or
digit run set whole, an opening bracket, or a character carried down with the closing mark after it).

`LineFacts` and `starts_block` are the decision on their own, so the plain-text repair
(`layout.repair`) can reuse it with the facts it can estimate.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from layout import patterns
from layout.geometry import DEFAULT_SETTINGS, BodyGeometry, LayoutSettings, text_units
from layout.lines import Row, clean_text
from layout.model import Block, BlockType, OcrLine

RUN_IN_END = "。！？!?；;"
"""A heading followed on its own line by more text after one of these is a run-in heading."""


@dataclass(frozen=True)
class LineFacts:
    """What the paragraph decision needs to know about one printed line.

    `indent_ch`: start right of the text block's left edge, in characters (about 2 for a first line);
    `right_gap_ch`: end short of the right edge, in characters (about 0 for a full line).
    """

    text: str
    indent_ch: float
    right_gap_ch: float


def row_facts(row: Row, geometry: BodyGeometry) -> LineFacts:
    box = row.box
    return LineFacts(row.text, geometry.indent_ch(box, row.page), geometry.right_gap_ch(box, row.page))


def carried_down_ch(text: str) -> float:
    """Characters the line before `text` may end short by line-breaking rule, not by ending a paragraph:
    the width of what could not stay at its end: a Latin or digit run set whole (`patterns.UNBROKEN_RUN_RE`),
    an opening bracket, or a character carried down with the closing mark after it (禁则)."""
    start = text.lstrip()
    run = patterns.UNBROKEN_RUN_RE.match(start)
    if run:
        return text_units(run.group())
    if start[:1] in patterns.LINE_END_FORBIDDEN or start[1:2] in patterns.LINE_START_FORBIDDEN:
        return 1.0
    return 0.0


def starts_block(previous: LineFacts | None, line: LineFacts, settings: LayoutSettings = DEFAULT_SETTINGS) -> bool:
    """True when `line` starts a new block instead of continuing `previous` (same page or the next)."""
    if previous is None:
        return True
    if line.indent_ch >= settings.indent_min_ch:  # left of the edge is a box spilling over a speck, not an outdent
        return True
    if patterns.is_cc(line.text) or patterns.is_printed(line.text):
        return True  # the 版记's lines each stand alone (GB/T 9704 7.4), whatever the line above ends like
    if previous.right_gap_ch >= settings.short_line_ch + carried_down_ch(line.text):
        return True
    if previous.indent_ch > settings.indent_max_ch:
        # centred or right-aligned lines stand alone, a date set out to the edge too: a paragraph's next line
        # starts at the edge, a line beyond any paragraph indent is no paragraph's first
        return True
    ended = previous.text.rstrip()[-1:] in patterns.TERMINAL_PUNCT
    return ended and patterns.heading_level(line.text) is not None


def group_rows(rows: Sequence[Row], geometry: BodyGeometry,
               settings: LayoutSettings = DEFAULT_SETTINGS) -> list[list[Row]]:
    """Rows in reading order (all pages) → groups of rows, one per block."""
    groups: list[list[Row]] = []
    previous: LineFacts | None = None
    for row in rows:
        facts = row_facts(row, geometry)
        if starts_block(previous, facts, settings) or not groups:
            groups.append([row])
        else:
            groups[-1].append(row)
        previous = facts
    return groups


def join_rows(rows: Sequence[Row]) -> str:
    """Texts of one paragraph's lines joined: nothing at a CJK seam, one space between Latin words; a dot read
    at the start of a wrapped line is a speck (`patterns.without_leading_mark`); a closing mark of the wrong
    kind closes the one open (`patterns.paired_closers`: OCR lines only, a text dump keeps its marks)."""
    text = ""
    for row in rows:
        text = patterns.join_fragments(text, patterns.without_leading_mark(row.text)) if text else row.text.strip()
    return clean_text(patterns.paired_closers(text))


def is_run_in(text: str) -> bool:
    """A heading line that goes on into its paragraph: `（一）建设标准化卫生室。自2016年以来…`."""
    marker = patterns.heading_marker(text)
    if marker is None:
        return False
    rest = text.strip()[len(marker):].rstrip()
    for i, ch in enumerate(rest[:-1]):
        if ch in RUN_IN_END and rest[i + 1:].strip():
            return True
    return False


def body_block(rows: Sequence[Row]) -> Block:
    """A heading (own block, with its level) or a paragraph (run-in headings stay paragraphs)."""
    return typed_body(join_rows(rows), tuple(part for row in rows for part in row.parts), several_rows=len(rows) > 1)


def typed_body(text: str, lines: tuple[OcrLine, ...], *, several_rows: bool) -> Block:
    """`body_block` for text already joined: a heading, or a paragraph."""
    level = patterns.heading_level(text)
    # A numbered item that is a whole sentence over several lines (`四、有关县…按期完成。`) is a paragraph.
    sentence = several_rows and text.endswith(tuple(patterns.SENTENCE_END))
    if level is not None and not is_run_in(text) and not sentence:
        return Block(BlockType.HEADING, text, level=level, lines=lines)
    return Block(BlockType.PARAGRAPH, text, lines=lines)


def restore_heading_numerals(blocks: Sequence[Block]) -> tuple[Block, ...]:
    """Paragraphs that open with the 、 of a level-1 marker whose numeral a 1-bit threshold erased
    (`patterns.lost_heading_numeral`) get the numeral their place in the numbering gives: one more than the
    level-1 heading before (一 for the first), when the next numbered one, if any, agrees (GB/T 9704 7.3.3:
    一、二、三、 in order, each lost one counted). Otherwise they stay as read."""
    numbers = [patterns.first_level_number(block.text) if block.type in (BlockType.HEADING, BlockType.PARAGRAPH)
               else None for block in blocks]
    lost = [i for i, block in enumerate(blocks)
            if block.type is BlockType.PARAGRAPH and patterns.lost_heading_numeral(block.text)]
    restored = list(blocks)
    for i in lost:
        before = next((n for n in reversed(numbers[:i]) if n is not None), 0)
        lost_before = sum(1 for j in lost if j < i and all(numbers[k] is None for k in range(j, i)))
        number = before + lost_before + 1
        after = next(((j, n) for j, n in enumerate(numbers[i + 1:], i + 1) if n is not None), None)
        if after is not None and after[1] != number + 1 + sum(1 for j in lost if i < j < after[0]):
            continue
        text = patterns.chinese_numeral(number) + "、" + blocks[i].text.lstrip()[1:]
        restored[i] = typed_body(text, blocks[i].lines, several_rows=spans_rows(blocks[i]))
    return _restore_second_level_numerals(tuple(restored))


def _restore_second_level_numerals(blocks: Sequence[Block]) -> tuple[Block, ...]:
    """Paragraphs that open with the empty brackets of a level-2 marker (`patterns.lost_second_level_numeral`)
    get the numeral their place gives: one more than the level-2 heading before it under the same level-1
    heading (一 for the first), when the next numbered one there, if any, agrees (GB/T 9704 7.3.3: （一）（二）
    in order under each 一、). Otherwise they stay as read."""
    body = (BlockType.HEADING, BlockType.PARAGRAPH)
    numbers = [patterns.second_level_number(b.text) if b.type in body else None for b in blocks]
    sections = [patterns.heading_level(b.text) == 1 if b.type in body else False for b in blocks]
    restored = list(blocks)
    for i, block in enumerate(blocks):
        if block.type is not BlockType.PARAGRAPH or not patterns.lost_second_level_numeral(block.text):
            continue
        start = max((j for j in range(i) if sections[j]), default=-1)
        end = next((j for j in range(i + 1, len(blocks)) if sections[j]), len(blocks))
        before = next((n for n in reversed(numbers[start + 1:i]) if n is not None), 0)
        after = next(((j, n) for j, n in enumerate(numbers[i + 1:end], i + 1) if n is not None), None)
        if any(patterns.lost_second_level_numeral(b.text) for b in restored[start + 1:i]) or (
                after is not None and after[1] != before + 2 + sum(
                    patterns.lost_second_level_numeral(b.text) for b in blocks[i + 1:after[0]])):
            continue  # two lost in a row, or the numbering after disagrees: no place to count from
        text = re.sub(r"^\s*[（(]\s*[）)]", f"（{patterns.chinese_numeral(before + 1)}）", block.text)
        restored[i] = typed_body(text, block.lines, several_rows=spans_rows(block))
        numbers[i] = before + 1
    return tuple(restored)


def spans_rows(block: Block) -> bool:
    """The block's lines lie on more than one row (its first line ends above its last one's top)."""
    first, last = block.lines[0], block.lines[-1]
    return first.page != last.page or first.box.y1 <= last.box.y0
