"""Reading a text dump: lines, what the converter added around them, and what the page left in the flow.

A dump (OCR output, PDF-to-text, a Markdown conversion) is a sequence of physical lines. Here each one
becomes a `SourceLine` carrying its text with the converter's markup removed, and the cues the joining
rules need: how many blank lines stood before it, whether a page-number or separator line was removed
just before it, and whether the converter marked it as a heading (`#`, a whole line in `**bold**`).

Removed, and only these: Markdown heading marks, bold marks, block-quote marks, list bullets, rules
(`---`, `***`, `___`, `===`), backslash escapes; page-number lines (`— 3 —`, `-3-`, `3`, `第3页`) and
lines made only of punctuation or symbols (stray marks, separators). Every other character is kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from layout import patterns
from layout.geometry import text_units, text_units_max

_MD_HEADING_RE = re.compile(r"^\s{0,3}(#{1,6})[ \t]+")
_MD_QUOTE_RE = re.compile(r"^\s{0,3}(?:>[ \t]?)+")
_MD_BULLET_RE = re.compile(r"^\s{0,3}[-*+•·][ \t]+(?=\S)")
_MD_BOLD_RE = re.compile(r"\*\*|__")
_MD_ESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>|])")
_INDENT_RE = re.compile(r"^(?:\u3000|[ \t]{2,})")
_DECORATION_RE = re.compile(r"[\s\-—–─━_=~～*＊#·•・●○■□◆◇★☆▲△|｜/\\+]+")


@dataclass(frozen=True)
class SourceLine:
    """One non-empty line of the dump after markup removal.

    `gap_before` is the number of blank lines right before it; `page_break_before` says a page-number,
    separator or stray-mark line was removed between it and the previous kept line; `md_heading` is the
    number of `#` the converter put in front (0: none); `bold` says the whole line was in `**…**`;
    `indent` says it started with a full-width space or two or more spaces. `width` and `width_max`
    are its printed width in character advances (`text_units`, `text_units_max`).
    """

    text: str
    gap_before: int = 0
    page_break_before: bool = False
    md_heading: int = 0
    bold: bool = False
    indent: bool = False
    width: float = 0.0
    width_max: float = 0.0

    @property
    def marked_heading(self) -> bool:
        """The converter presented the line as a heading of its own."""
        return self.md_heading > 0 or self.bold


def is_separator(text: str) -> bool:
    """A rule or a stray mark: a line made only of decoration characters (dashes, bullets, boxes,
    stars, bars). Punctuation that ends or closes a sentence (`。`, `）`) is text: a wrap can leave it
    alone on a line."""
    return bool(_DECORATION_RE.fullmatch(text)) and bool(text.strip())


def is_page_number_line(text: str) -> bool:
    """A page-number line; `1。` (the tail of a wrapped number and its sentence end) is text."""
    stripped = text.strip()
    return patterns.is_page_number(stripped) and not (stripped[0].isdigit() and stripped[-1] in "。.")


def _strip_markup(raw: str) -> tuple[str, int, bool]:
    """(text without Markdown markup, number of heading `#`, whole line bold)."""
    text = raw
    level = 0
    heading = _MD_HEADING_RE.match(text)
    if heading:
        level = len(heading.group(1))
        text = text[heading.end():]
        text = re.sub(r"[ \t]+#+[ \t]*$", "", text)  # closing hashes of an ATX heading
    text = _MD_QUOTE_RE.sub("", text)
    text = _MD_BULLET_RE.sub("", text)
    core = text.strip()
    bold = len(core) > 4 and core.startswith(("**", "__")) and core.endswith(("**", "__"))
    text = _MD_BOLD_RE.sub("", text)
    text = _MD_ESCAPE_RE.sub(r"\1", text)
    return text, level, bold


def read_lines(text: str) -> list[SourceLine]:
    """The dump's lines, markup removed, page numbers and separators dropped, cues recorded."""
    lines: list[SourceLine] = []
    gap = 0
    removed = False
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\f\n").split("\n"):
        if raw == "\f":  # pdftotext's page separator
            removed = True
            continue
        if not raw.strip():
            gap += 1
            continue
        if is_page_number_line(raw) or is_separator(raw):
            removed = True
            continue
        indent = bool(_INDENT_RE.match(raw))
        body, level, bold = _strip_markup(raw)
        if not body.strip() or is_page_number_line(body) or is_separator(body):
            removed = True
            continue
        text = body.strip()
        units = text_units(text)
        lines.append(SourceLine(text, gap, removed, level, bold, indent, units, text_units_max(text, units)))
        gap, removed = 0, False
    return lines
