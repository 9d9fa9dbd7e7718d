"""Deterministic broken dumps of clean documents, the way converters break printed 公文 (test helper).

From a clean document (role, text) pairs, as in `fixtures/texts/*.gw`:

- `wrapped_dump`: every printed line on its own text line with a blank line after it (seed 002), lines
  typeset at `width` advances (28–31) with the 2-character first-line indent of body blocks, the title at
  20 advances a line, pages of 22 lines with a page-number line (`— 3 —`, `-3-`, `3`) at each page end
  (so pages break mid-sentence), optionally spaces typed around ASCII runs;
- `indented_dump`: a layout-keeping export (pdftotext -layout, Word .txt): no blank lines, the
  first-line indent kept as two full-width spaces, centred and right-aligned lines pushed with spaces;
- `markdown_dump`: one paragraph per line separated by blank lines (seeds 000, 001, 004), `#`/`**` on the
  issuer mark, title and headings, `---` around the 版记, and each paragraph that runs over a page split
  there with a blank line (and maybe a page number) between the two pieces.

Widths count full-width characters 1 and ASCII 0.5, as a printed line holds them.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator, Sequence

Role = tuple[str, str]

LINES_PER_PAGE = 22
HEADER_LINES = 9  # the red header (issuer mark, doc number, rule) takes about this many body lines
TITLE_WIDTH = 20.0  # 2号 title characters per line
BODY_ROLES = {"p", "h1", "h2", "h3", "h4", "attachment", "contact", "cc"}
CLOSING = "，。、；：？！”’）》」』"


def units(ch: str) -> float:
    if ch.isspace():
        return 0.0
    return 0.5 if ord(ch) < 0x2000 else 1.0


def wrap(text: str, first: float, rest: float, rng: random.Random) -> list[str]:
    """Typeset `text` into lines: `first` advances for the first line, `rest` after; a closing
    punctuation mark never starts a line (it hangs at the end, or its predecessor is pushed down)."""
    lines: list[str] = []
    current, width = "", 0.0
    limit = first
    for ch in text:
        w = units(ch)
        if not current and ch in CLOSING and lines:
            lines[-1] += ch  # a run of closing marks hangs together
            continue
        if width + w > limit and current:
            if ch in CLOSING:
                if rng.random() < 0.5 or len(current) < 2:
                    current += ch  # hang the mark in the margin
                    lines.append(current)
                    current, width, limit = "", 0.0, rest
                    continue
                pushed = current[-1]  # push the last character down with the mark
                lines.append(current[:-1])
                current, width, limit = pushed, units(pushed), rest
            else:
                lines.append(current)
                current, width, limit = "", 0.0, rest
        current += ch
        width += w
    if current:
        lines.append(current)
    return lines


def space_ascii_runs(text: str) -> str:
    """`第333号` → `第 333 号`: the spaces some converters put around Latin and digit runs."""
    return re.sub(r"(?<=[^\x00-\x7f])([A-Za-z0-9][\x21-\x7e]*)(?=[^\x00-\x7f])", r" \1 ", text)


def page_number(page: int, style: int) -> str:
    return ("— {} —", "-{}-", "{}")[style % 3].format(page)


def printed_lines(doc: Sequence[Role], width: float, rng: random.Random) -> Iterator[tuple[str, str, bool]]:
    """(role, printed line, first line of its block) in reading order."""
    for role, text in doc:
        if role == "title":
            lines = wrap(text, TITLE_WIDTH, TITLE_WIDTH, rng)
        elif role in BODY_ROLES:
            lines = wrap(text, width - 2, width, rng)
        else:
            lines = wrap(text, width, width, rng)
        for index, line in enumerate(lines):
            yield role, line, index == 0


def wrapped_dump(doc: Sequence[Role], seed: int) -> str:
    rng = random.Random(seed)
    width = float(rng.choice((28, 29, 30, 31)))
    spaced = rng.random() < 0.5
    out: list[str] = []
    page, row, style = 1, HEADER_LINES, rng.randrange(3)
    for _, line, _ in printed_lines(doc, width, rng):
        out.append(space_ascii_runs(line) if spaced else line)
        row += 1
        if row >= LINES_PER_PAGE:
            out.append(page_number(page, style))
            page, row = page + 1, 0
    return "\n\n".join(out) + "\n"


def markdown_line(role: str, text: str, rng: random.Random) -> str:
    if role == "issuer_mark":
        return f"# {text}"
    if role == "title":
        cut = rng.randrange(len(text) // 3, 2 * len(text) // 3 + 1)
        return f"## {text[:cut]} {text[cut:]}"
    if role == "h1":
        return rng.choice((f"## **{text}**", f"### {text}", f"### **{text}**"))
    if role == "h2":
        return rng.choice((f"**{text}**", f"#### {text}", text))
    return text


def markdown_dump(doc: Sequence[Role], seed: int) -> str:
    rng = random.Random(seed)
    out: list[str] = []
    page, row = 1, HEADER_LINES
    with_numbers = rng.random() < 0.5
    for role, text in doc:
        if role in ("cc", "printed") and out and out[-1] != "---":
            out.append("---")
        pieces: list[str] = []
        start = 0
        lines = wrap(text, 26.0, 28.0, rng) if role in BODY_ROLES else [text]
        for index, line in enumerate(lines):
            row += 1
            if row >= LINES_PER_PAGE:
                end = sum(len(part) for part in lines[: index + 1])
                if end < len(text):  # the page ends inside the paragraph: the converter splits it there
                    pieces.append(text[start:end])
                    start = end
                    if with_numbers:
                        pieces.append(page_number(page, page))
                page, row = page + 1, 0
        pieces.append(text[start:])
        pieces[0] = markdown_line(role, pieces[0], rng)
        out.extend(pieces)
    return "\n\n".join(out) + "\n"


def indented_dump(doc: Sequence[Role], seed: int) -> str:
    """A plain-text export that kept the layout (pdftotext -layout, a Word .txt): no blank lines, body
    first lines indented with two full-width spaces, centred and right-aligned lines pushed over with
    spaces, page numbers centred."""
    rng = random.Random(seed)
    width = float(rng.choice((28, 29, 30, 31)))
    out: list[str] = []
    page, row, style = 1, HEADER_LINES, rng.randrange(3)
    for role, line, first in printed_lines(doc, width, rng):
        if role in BODY_ROLES:
            out.append(("\u3000\u3000" if first else "") + line)
        elif role in ("signature", "date"):
            out.append(" " * int(2 * (width - 2 - sum(units(ch) for ch in line))) + line)
        elif role in ("issuer_mark", "doc_number", "title", "signer"):
            out.append(" " * int(width - sum(units(ch) for ch in line)) + line)
        else:
            out.append(line)
        row += 1
        if row >= LINES_PER_PAGE:
            out.append(" " * int(width - 2) + page_number(page, style))
            page, row = page + 1, 0
    return "\n".join(out) + "\n"
