"""A tiny GB/T 9704 typesetter for layout tests: synthetic OCR lines with page geometry, no OCR.

A4 at 150 dpi: 1240×1754 px, body character 33 px, line pitch 58 px, text block left 165 px and 28
characters (924 px) wide, 22 lines a page from y = 219 px. Odd and even pages can be offset, pages can
carry a skew residue (x shifts with y), and every line can be split into fragments.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from layout.geometry import text_units
from layout.model import Box, OcrLine, Page

W, H = 1240, 1754
CH = 33.0
PITCH = 58.0
LINE_H = 36.0
LEFT = 165.0
COLS = 28
RIGHT = LEFT + COLS * CH
TOP = 219.0
ROWS = 22


def ocr_line(text: str, x0: float, y0: float, *, page: int = 1, ch: float = CH, h: float = LINE_H,
             red: float = 0.0, score: float = 0.98, width: float | None = None) -> OcrLine:
    """One OCR line whose box is as wide as its text at `ch` px per CJK character."""
    w = width if width is not None else text_units(text) * ch
    return OcrLine(text=text, box=Box(x0, y0, x0 + w, y0 + h), score=score, page=page, red=red)


def make_page(number: int, lines: Sequence[OcrLine], **kwargs: object) -> Page:
    return Page(number=number, width=W, height=H, lines=tuple(lines), **kwargs)  # type: ignore[arg-type]


def wrap(text: str, first_indent: int = 2, cols: int = COLS) -> list[tuple[str, float, bool]]:
    """Split `text` into printed lines: (text, indent in characters, reaches the right edge)."""
    out: list[tuple[str, float, bool]] = []
    current, units, indent = "", float(first_indent), float(first_indent)
    for ch in text:
        step = text_units(ch)
        if units + step > cols + 1e-6:
            out.append((current, indent, True))
            current, units, indent = "", 0.0, 0.0
        current += ch
        units += step
    if current:
        out.append((current, indent, abs(units - cols) < 0.6))
    return out


@dataclass
class Typesetter:
    """Lays out role/text pairs onto pages the way a GB/T 9704 printer does (simplified)."""

    odd_dx: float = 0.0
    even_dx: float = -24.0
    skew: float = 0.0  # x shift per px of y (skew residue)
    page_numbers: str = "— {} —"
    running_head: str | None = None
    rows: int = ROWS  # printed lines per page
    pages: list[list[OcrLine]] = field(default_factory=lambda: [[]])
    row: int = 0

    @property
    def number(self) -> int:
        return len(self.pages)

    def _dx(self, y: float) -> float:
        return (self.odd_dx if self.number % 2 else self.even_dx) + self.skew * y

    def _y(self) -> float:
        return TOP + self.row * PITCH

    def _next_row(self, rows: int = 1) -> None:
        self.row += rows
        if self.row >= self.rows:
            self.new_page()

    def new_page(self) -> None:
        self.pages.append([])
        self.row = 0

    def put(self, text: str, x0: float, *, red: float = 0.0, ch: float = CH, h: float = LINE_H,
            y: float | None = None, advance: int = 1) -> OcrLine:
        top = self._y() if y is None else y
        line = ocr_line(text, x0 + self._dx(top), top, page=self.number, ch=ch, h=h, red=red)
        self.pages[-1].append(line)
        if y is None:
            self._next_row(advance)
        return line

    def paragraph(self, text: str, indent: int = 2) -> None:
        for piece, ind, full in wrap(text, indent):
            width = (RIGHT - LEFT - ind * CH) if full else None
            top = self._y()
            line = ocr_line(piece, LEFT + ind * CH + self._dx(top), top, page=self.number, width=width)
            self.pages[-1].append(line)
            self._next_row()

    def centred(self, text: str, *, ch: float = CH, h: float = LINE_H, red: float = 0.0, advance: int = 1) -> None:
        width = text_units(text) * ch
        self.put(text, (LEFT + RIGHT) / 2 - width / 2, ch=ch, h=h, red=red, advance=advance)

    def right(self, text: str, gap_ch: float = 4.0) -> None:
        self.put(text, RIGHT - gap_ch * CH - text_units(text) * CH)

    def finish(self) -> list[Page]:
        result = []
        total = len(self.pages)
        for index, lines in enumerate(self.pages, start=1):
            extra: list[OcrLine] = []
            dx = self.odd_dx if index % 2 else self.even_dx
            if self.page_numbers:
                label = self.page_numbers.format(index)
                width = text_units(label) * CH
                x0 = RIGHT - CH - width if index % 2 else LEFT + CH
                extra.append(ocr_line(label, x0 + dx, TOP + ROWS * PITCH + 60, page=index))
            if self.running_head:
                extra.append(ocr_line(self.running_head, LEFT + dx, 60, page=index, ch=24, h=26))
            result.append(make_page(index, lines + extra))
        assert total == len(result)
        return result


def typeset(roles: Sequence[tuple[str, str]], **options: object) -> list[Page]:
    """Pages for a `.gw`-like list of (role, text), laid out to GB/T 9704 (simplified)."""
    ts = Typesetter(**options)  # type: ignore[arg-type]
    for role, text in roles:
        before = [r for r, _ in roles[: roles.index((role, text))]]
        if role == "marker" and "issuer_mark" in before:  # letter format: under the mark, left
            after_mark = before[before.index("issuer_mark"):]
            ts.put(text, LEFT + 3 * CH * after_mark.count("marker"), y=ts._y())
        elif role == "marker":
            ts.put(text, LEFT, y=120.0 + 40 * sum(1 for r in before if r == role))
        elif role == "issuer_mark":
            ts.centred(text, ch=80, h=90, red=0.92, advance=2)
        elif role == "doc_number":
            ts.centred(text, advance=2)
        elif role == "title":
            for piece, _, _ in wrap(text, 0, 20):
                ts.centred(piece, ch=44, h=48)
            ts._next_row()
        elif role == "addressee":
            ts.paragraph(text, 0)
        elif role in ("signature", "date"):
            ts.right(text, 4.0 if role == "date" else 5.0)
        elif role == "page_break":
            ts.new_page()
        elif role == "cc":
            ts.paragraph(text, 1)
        elif role == "printed":
            by, date = text.split(" ")
            top = ts._y()
            ts.put(by, LEFT + CH, y=top)
            ts.put(date, RIGHT - CH - text_units(date) * CH, y=top)
            ts._next_row()
        else:
            ts.paragraph(text, 2)
    return ts.finish()
