"""Joining a dump's lines into blocks: where a printed paragraph (or a header item) ends.

The decision between two consecutive lines `a` (the last line of the block being built) and `b`, from
text alone, reasoning from how GB/T 9704 documents are printed:

1. a block that is complete by its kind (a marker, the doc number, a date, a note, a heading standing on
   its own, a line the converter marked as a heading…) ends;
2. a line that starts a block by its kind (a heading marker, a date, 抄送/印发, 联系人; an addressee
   after a line ending like a title) starts one, unless `a` is a full line cut mid-sentence (a wrap
   can put `一，` at a line start);
3. a line cut without sentence-final punctuation continues (a page break mid-sentence), unless it is
   short: only the last line of a block ends before the line's end;
4. a line ending a sentence: where the converter kept the indent, an indented next line starts a new
   paragraph; where blank lines are informative, a blank line does; in a wrapped file, a line short of
   the full width ends it, and a full one ends it only when the next line has a first line's width (the
   2-character indent) or is a closing set phrase (此复。); in a flowing file (a paragraph per line) it
   ends.

Where the evidence is balanced, the paragraph goes on: a sentence ending at the margin inside a paragraph
is more frequent than a paragraph ending exactly there. A signature line above the date, the next
attachment item and the addressee after a title always start a block.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from layout import patterns
from layout.geometry import text_units, text_units_max
from layout.repair.profile import TextProfile
from layout.repair.source import SourceLine

INDENT_CH = 2.0
"""GB/T 9704: a paragraph's first line is indented by two characters, so it is two advances shorter."""

FULL_TOL_CH = 1.0
"""A full line can end one advance early: a character that may not start a line is pushed down with
the one before it."""

NEXT_FULL_TOL_CH = 0.75
"""The next line is a full continuation line (not an indented first line) when within this of the width."""

SHORT_TOL_CH = 2.5
"""A line cut mid-sentence is at least a first line's width less this (ASCII runs blur the measure)."""

HEADING_MAX_CH = 40.0
"""A heading standing on its own line is shorter than this (one and a half printed lines)."""

KIND_MAX_CH = 60
"""Header and tail items (marker, doc number, date, note, 印发 line, addressee) are shorter than this
many characters; a longer block is a paragraph (and is not tested against their patterns)."""

DOC_NUMBER_MAX_CH = 40.0
"""A doc-number line (with 签发人 next to it) is shorter than this."""

SIGNATURE_MAX_CH = 30.0
"""A signature line is one body's name: shorter than a printed line."""

SIGNATURE_MAX_LINES = 4
"""A joint issue signs with at most this many bodies above the date."""

_SIGNATURE_FORBIDDEN = "，。；：！？,;:!?"
_ITEM_RE = re.compile(r"^\s*(?:附\s*件\s*[:：]\s*)?(\d{1,2})\s*[.．、]")
_CUT_LABEL_RE = re.compile(r"[，,；;\s]联\s*系$")
_CLOSERS = "”’」』）)》〉】]"
_ENDS = "。！？!?；;：:…"
_CONTINUING_ENDS = "，,、"


def ends_sentence(text: str) -> bool:
    """True when `text` ends with sentence-final punctuation (。！？；：…), closing quotes ignored."""
    stripped = text.rstrip().rstrip(_CLOSERS)
    return bool(stripped) and stripped[-1] in _ENDS


def has_inner_sentence_end(text: str) -> bool:
    """A sentence ends somewhere before the last character (a run-in heading: `（一）标题。正文…`)."""
    return any(ch in "。！？!?" for ch in text.rstrip()[:-1])


def is_standalone_heading(text: str, max_width: float) -> bool:
    """A heading on a line of its own: marker, no sentence inside, not cut at a comma, narrower than
    `max_width` (a wrapped file: short of an indented full line)."""
    stripped = text.strip()
    return (
        patterns.heading_level(stripped) is not None
        and not has_inner_sentence_end(stripped)
        and stripped[-1] not in _CONTINUING_ENDS
        and text_units_max(stripped) < min(HEADING_MAX_CH, max_width)
    )


def is_doc_number_line(text: str) -> bool:
    """A line holding the doc number (`渝北卫健函〔2024〕53 号`, maybe with 签发人), not a sentence citing one."""
    return patterns.find_doc_number(text) is not None and text_units(text) <= DOC_NUMBER_MAX_CH


def is_issuer_line(text: str) -> bool:
    """The issuer mark of the file format: `XX文件` (spaces between its letter-spaced characters allowed)."""
    compact = "".join(text.split())
    return compact.endswith("文件") and len(compact) <= DOC_NUMBER_MAX_CH and not ends_sentence(compact)


def is_complete(block_text: str, last: SourceLine, profile: TextProfile) -> bool:
    """The block is whole by its kind: nothing can follow it in the same block."""
    text = block_text.strip()
    if last.marked_heading:
        return True
    if len(text) <= KIND_MAX_CH and (
            patterns.is_marker(text) or patterns.is_date_line(text) or patterns.is_note(text)
            or patterns.is_printed(text) or patterns.find_signer(text) is not None
            or is_doc_number_line(text) or is_issuer_line(text)
            or patterns.is_addressee(text)):  # the addressee, or a short paragraph ending in `如下：`
        return True
    if patterns.is_contact(text) and text[-1] in "）)。":
        return True
    return is_standalone_heading(
        text, profile.full_width - INDENT_CH - FULL_TOL_CH if profile.wrapped else HEADING_MAX_CH)


def starts_block(line: SourceLine) -> bool:
    """`line` begins a block by its kind (or the converter marked it as a heading)."""
    text = line.text
    return (
        line.marked_heading
        or patterns.heading_level(text) is not None
        or patterns.is_marker(text)
        or patterns.is_date_line(text)
        or patterns.is_cc(text)
        or patterns.is_printed(text)
        or patterns.is_contact(text)
        or patterns.is_note(text)
        or patterns.is_attachment(text)
        or is_doc_number_line(text)
    )


@dataclass
class _Block:
    lines: list[SourceLine]
    text: str

    @property
    def last(self) -> SourceLine:
        return self.lines[-1]


def _ends_in_char(text: str) -> bool:
    """The line ends on a character, not on punctuation (an indented first line one advance too long
    ends on a punctuation mark squeezed or hung at the margin)."""
    last = text.rstrip()[-1:]
    return bool(last) and (patterns.is_cjk(last) or last.isalnum())


def _is_short(line: SourceLine, profile: TextProfile, *, generous: bool = True) -> bool:
    """The line ends before the margin; `generous`: give ASCII runs their widest print first."""
    width = line.width_max if generous else line.width
    return width < profile.full_width - INDENT_CH - SHORT_TOL_CH


def _fills_line(block: _Block, profile: TextProfile) -> bool:
    """The block's last line reaches the right margin (a first line: less the indent)."""
    expected = profile.full_width - (INDENT_CH if len(block.lines) == 1 else 0.0)
    return block.last.width_max >= expected - FULL_TOL_CH


def _after_sentence_end(block: _Block, b: SourceLine, profile: TextProfile) -> bool:
    """`a` ends a sentence: does the paragraph go on in `b`?

    Where the measure cannot tell a full line from an indented first line (ASCII runs), the paragraph
    goes on: a sentence ending at a line's end inside a paragraph is several times more frequent than a
    paragraph ending exactly at the right margin.
    """
    if profile.indents_informative:
        return not b.indent
    if profile.gaps_informative and not b.page_break_before:
        return b.gap_before == 0
    if not profile.wrapped or not _fills_line(block, profile):
        return False
    if b.width_max >= profile.full_width - NEXT_FULL_TOL_CH:
        return True  # b (may) fill its line: not an indented first line
    if b.width_max >= profile.full_width - FULL_TOL_CH - NEXT_FULL_TOL_CH / 2 and _ends_in_char(b.text):
        return True  # one short of full, on a character: pushed down with a mark that may not start a line
    if b.width >= profile.full_width - INDENT_CH - FULL_TOL_CH - SHORT_TOL_CH / 2:
        return False  # b has a first line's width: a new paragraph
    # b is short: the paragraph's last line, unless it is a stock phrase standing alone (此复。)
    return ends_sentence(b.text) and not patterns.is_set_phrase(b.text)


def is_next_item(block_text: str, text: str) -> bool:
    """`text` starts the item after the block's (`附件：1.甲` then `2.2024年度…`, which no heading
    marker matches: its number runs into digits)."""
    this, following = _ITEM_RE.match(block_text), _ITEM_RE.match(text)
    if this is None or following is None:
        return False
    return int(following.group(1)) == int(this.group(1)) + 1


def is_signature_like(text: str) -> bool:
    """One issuing body's name as signed above the date: short, no punctuation, no heading marker."""
    return (
        0 < text_units(text) <= SIGNATURE_MAX_CH
        and not any(ch in _SIGNATURE_FORBIDDEN for ch in text)
        and patterns.heading_level(text) is None
        and not _ITEM_RE.match(text)
        and not patterns.is_date_line(text)
    )


def signature_lines(lines: Sequence[SourceLine]) -> set[int]:
    """Indices of the lines signed right above a date line (a joint issue signs with several)."""
    found: set[int] = set()
    for index, line in enumerate(lines):
        if patterns.is_date_line(line.text):
            start = index
            while start > 0 and index - start < SIGNATURE_MAX_LINES and is_signature_like(lines[start - 1].text):
                start -= 1
                found.add(start)
    return found


def _splits_printed(left: str, right: str) -> bool:
    merged = patterns.join_fragments(left, right)
    return patterns.is_printed(merged) and not patterns.is_printed(left) and not patterns.is_printed(right)


def continues(block: _Block, b: SourceLine, profile: TextProfile, *, b_signs: bool = False,
              in_header: bool = False) -> bool:
    """Whether `b` belongs to the block whose last line is `block.last` (see the module docstring);
    `b_signs` says `b` is a signature line above the date, `in_header` that no sentence ended yet."""
    if len(block.text) + len(b.text) <= KIND_MAX_CH and _splits_printed(block.text, b.text):
        return True  # `XX办公室` / `2024年5月15日印发`: the 印发 line split in two
    if is_complete(block.text, block.last, profile) or is_next_item(block.text, b.text):
        return False
    a_ends = ends_sentence(block.last.text)
    if b_signs and (a_ends or _is_short(block.last, profile) or patterns.looks_like_body(b.text)):
        return False  # a signature line: a body's name, or a line after one that was not cut mid-sentence
    if patterns.is_addressee(b.text) and (patterns.ends_like_title(block.text) or in_header and not profile.wrapped):
        return False  # the title, then the addressee (in the body, `…如下：` looks like one too)
    if profile.indents_informative and b.indent and block.last.text.rstrip()[-1:] not in _CONTINUING_ENDS:
        return False  # the converter kept the first-line indent
    if starts_block(b):
        if _CUT_LABEL_RE.search(block.last.text) and patterns.is_contact(b.text):
            return True  # `…联系` / `电话：…`: a contact label cut by the wrap
        if not profile.wrapped:  # a paragraph per line: only a page break cut at a comma goes on
            return block.last.text.rstrip()[-1:] in _CONTINUING_ENDS and not b.marked_heading
        # a wrap can put a heading marker or a label at a line start only after a line surely full
        return not (a_ends or b.marked_heading or _is_short(block.last, profile, generous=False))
    if patterns.is_contact(block.text) and profile.wrapped:
        return True  # a wrapped contact line runs on until a closing bracket or a full stop
    if a_ends:
        return _after_sentence_end(block, b, profile)
    if block.last.text.rstrip()[-1:] in _CONTINUING_ENDS:
        return True
    return not _is_short(block.last, profile)


@dataclass(frozen=True)
class Chunk:
    """A block of the dump before typing: its joined text and the source lines it came from."""

    text: str
    lines: tuple[SourceLine, ...]

    @property
    def marked_heading(self) -> bool:
        return any(line.marked_heading for line in self.lines)


def group_lines(lines: Sequence[SourceLine], profile: TextProfile) -> list[Chunk]:
    """Join the dump's lines into blocks, in order."""
    blocks: list[_Block] = []
    signing = signature_lines(lines)
    in_header = True
    for index, line in enumerate(lines):
        in_header = in_header and not (blocks and ends_sentence(blocks[-1].text))
        if blocks and continues(blocks[-1], line, profile, b_signs=index in signing, in_header=in_header):
            blocks[-1].lines.append(line)
            blocks[-1].text = patterns.join_fragments(blocks[-1].text, line.text)
        else:
            blocks.append(_Block([line], line.text))
    return [Chunk(block.text, tuple(block.lines)) for block in blocks]
