"""Lines of a page: merge OCR fragments into printed lines, order them, drop seal text and page furniture.

A `Row` is one printed line: the OCR fragments that share a baseline, left to right. Rows of a page are
in reading order, top to bottom. Coordinates are upright-page pixels (see `layout.model`).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from layout import patterns
from layout.geometry import DEFAULT_SETTINGS, LayoutSettings, Scale, text_units
from layout.model import Box, OcrLine, Page


@dataclass(frozen=True)
class Row:
    """One printed line: its fragments in left-to-right order, the joined text and the union box."""

    page: int
    parts: tuple[OcrLine, ...]
    text: str

    @property
    def box(self) -> Box:
        box = self.parts[0].box
        for part in self.parts[1:]:
            box = box.union(part.box)
        return box

    @property
    def red(self) -> float:
        """Red share of the row, weighted by fragment width."""
        total = sum(p.box.width for p in self.parts) or 1.0
        return sum(p.red * p.box.width for p in self.parts) / total


def _is_latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


SEAM_REPEAT_MIN = 2
"""Two readings of one printed line that overlap (the page's look and a second look under the seal each read
part of it) repeat, where their boxes overlap, at least this many characters: `重庆市渝北区卫` and
`渝北区卫生健康委员`. One character in common at a seam is as likely chance."""


def seam_repeat(left: str, right: str) -> int:
    """Length of the longest end of `left` that `right` starts with (SEAM_REPEAT_MIN or more; else 0)."""
    for size in range(min(len(left), len(right)) - 1, SEAM_REPEAT_MIN - 1, -1):
        if left.endswith(right[:size]):
            return size
    return 0


def _overlapping_reading(left: OcrLine, right: OcrLine, char_width: float) -> bool:
    """`right` reads on from inside `left` on the same printed line: they overlap by about the characters
    their texts repeat at the seam (not more than one character beyond)."""
    repeat = seam_repeat(left.text.strip(), right.text.strip())
    overlap = left.box.x1 - right.box.x0
    return repeat > 0 and left.box.x0 < right.box.x0 and 0 < overlap <= (repeat + 1) * char_width


def join_parts(parts: Sequence[OcrLine], scale: Scale, settings: LayoutSettings = DEFAULT_SETTINGS) -> str:
    """Join fragments of one line left to right: a space only at a gap between two Latin/digit runs; dots
    a speck added around or inside the CJK text are dropped (`patterns.strip_stray_dots`); characters two
    overlapping readings both read are kept once (`seam_repeat`)."""
    text = ""
    previous: OcrLine | None = None
    for part in parts:
        piece = part.text.strip()
        if previous is not None and _overlapping_reading(previous, part, scale.char_width):
            piece = piece[seam_repeat(previous.text.strip(), piece):]
        if previous is not None and text and piece:
            gap = (part.box.x0 - previous.box.x1) / scale.char_width
            if gap >= settings.word_gap_ch and _is_latin(text[-1]) and _is_latin(piece[0]):
                text += " "
        text += piece
        previous = part
    return patterns.strip_stray_dots(text)


def split_wide_gaps(row: Row, scale: Scale, settings: LayoutSettings = DEFAULT_SETTINGS) -> list[Row]:
    """Split a row at gaps wider than WIDE_GAP_CH (separate items printed on one baseline)."""
    groups: list[list[OcrLine]] = [[row.parts[0]]]
    for part in row.parts[1:]:
        if (part.box.x0 - groups[-1][-1].box.x1) / scale.char_width >= settings.wide_gap_ch:
            groups.append([part])
        else:
            groups[-1].append(part)
    return [Row(row.page, tuple(g), join_parts(g, scale, settings)) for g in groups]


def _vertical_overlap(a: Box, b: Box) -> float:
    overlap = min(a.y1, b.y1) - max(a.y0, b.y0)
    return overlap / max(min(a.height, b.height), 1e-6)


SPLIT_OVERLAP_MAX_CH = 1.0
"""Two readings of one printed line that the detector cut apart share at most the character at the cut."""
SPLIT_EDGE_LINES = 0.15
"""...and stand on one baseline: their tops and feet agree within this share of the body line height."""


def _split_reading(a: OcrLine, b: OcrLine, scale: Scale) -> bool:
    """`a` and `b` are one printed line read in two boxes that overlap at the cut (`宁陵县` | `民政府` over 人, lost
    where the boxes meet): one box starts inside the other, they overlap by at most SPLIT_OVERLAP_MAX_CH, and
    their tops and feet agree (SPLIT_EDGE_LINES); a line over another, or a seal's text across it, does not."""
    left, right = (a, b) if a.box.x0 <= b.box.x0 else (b, a)
    overlap = left.box.x1 - right.box.x0
    edges = max(abs(a.box.y0 - b.box.y0), abs(a.box.y1 - b.box.y1)) / max(scale.line_height, 1e-6)
    return (left.box.x0 < right.box.x0 and left.box.x1 < right.box.x1
            and 0 < overlap <= SPLIT_OVERLAP_MAX_CH * scale.char_width and edges <= SPLIT_EDGE_LINES)


def _fits_row(row: list[OcrLine], line: OcrLine, scale: Scale, settings: LayoutSettings) -> float:
    """Vertical overlap of `line` with the row, or 0 when it overlaps a fragment horizontally (unless it is
    the same line's reading on from it, `_overlapping_reading`)."""
    best = 0.0
    for part in row:
        x_overlap = min(part.box.x1, line.box.x1) - max(part.box.x0, line.box.x0)
        if x_overlap > settings.row_x_overlap_max_ch * scale.char_width and not (
                _overlapping_reading(part, line, scale.char_width) or _overlapping_reading(line, part, scale.char_width)
                or _split_reading(part, line, scale)):
            return 0.0
        best = max(best, _vertical_overlap(part.box, line.box))
    return best


def merge_rows(lines: Sequence[OcrLine], scale: Scale, settings: LayoutSettings = DEFAULT_SETTINGS) -> list[Row]:
    """Group fragments on the same baseline into rows; rows top to bottom, fragments left to right."""
    rows: list[list[OcrLine]] = []
    for line in sorted(lines, key=lambda ln: (ln.box.cy, ln.box.x0)):
        # Only recent rows can share a baseline with a line further down.
        candidates = [(i, _fits_row(rows[i], line, scale, settings)) for i in range(max(0, len(rows) - 3), len(rows))]
        best = max(candidates, key=lambda c: c[1], default=(-1, 0.0))
        if best[1] >= settings.row_overlap_min:
            rows[best[0]].append(line)
        else:
            rows.append([line])
    result = []
    for parts in rows:
        ordered = sorted(parts, key=lambda ln: ln.box.x0)
        result.append(Row(ordered[0].page, tuple(ordered), join_parts(ordered, scale, settings)))
    return sorted(result, key=lambda r: r.box.y0)


SEAL_TILTED_RED_MIN = 0.2
"""A tilted line with this much red is ring text even outside a reported seal."""

# --- seal -------------------------------------------------------------------------------------------------


def tilt_degrees(line: OcrLine) -> float:
    """Angle of the top edge of the detector's polygon against the horizontal, in degrees (0 without one)."""
    if len(line.polygon) < 2:
        return 0.0
    (x0, y0), (x1, y1) = line.polygon[0], line.polygon[1]
    if x1 == x0 and y1 == y0:
        return 0.0
    angle = abs(math.degrees(math.atan2(y1 - y0, x1 - x0)))
    return min(angle, abs(180 - angle))


def _inside(inner: Box, outer: Box) -> bool:
    return outer.x0 <= inner.cx <= outer.x1 and outer.y0 <= inner.cy <= outer.y1


RING_TEXT_MIN_R = 0.45
"""The seal's name runs along the ring, its characters between ~0.55 and ~0.92 of the seal's radius from
its centre; GB/T 9704 puts the signature and date in the seal's middle ("居印章中心偏下"): a line whose
nearest point is at least this share of the radius from the centre is out on the ring..."""
RING_TEXT_MAX_R = 1.08
"""...when it also lies inside the ring (its farthest corner within this share of the radius: body text
and wide date lines reach beyond it)."""
SEAL_CODE_MIN_DIGITS = 4
"""A run of digits this long alone on the lower ring is the seal's code number, not a date."""


def _distance_range(box: Box, cx: float, cy: float) -> tuple[float, float]:
    """Nearest and farthest distance (px) of a box's points from (cx, cy)."""
    nx, ny = min(max(cx, box.x0), box.x1), min(max(cy, box.y0), box.y1)
    far = max(math.hypot(x - cx, y - cy) for x in (box.x0, box.x1) for y in (box.y0, box.y1))
    return math.hypot(nx - cx, ny - cy), far


def on_seal_ring(line: OcrLine, seal: Box) -> bool:
    """The line is arranged as the seal's own text: inside the round seal in `seal`, out on its ring, above
    its centre (the name along the upper arc) or, below it, only digits (the code along the lower arc).

    Colour-free: it needs only the seal's place and size (found by colour or by shape) and the line's box.
    """
    radius = min(seal.width, seal.height) / 2
    if radius <= 0:
        return False
    near, far = _distance_range(line.box, seal.cx, seal.cy)
    if near < RING_TEXT_MIN_R * radius or far > RING_TEXT_MAX_R * radius:
        return False
    if line.box.cy < seal.cy:
        return True
    return is_seal_code(line.text)


def is_seal_code(text: str) -> bool:
    """The text reads as the seal's code number: at least SEAL_CODE_MIN_DIGITS digits and no Chinese
    character (a 1-bit scan breaks a digit into `:` or `.`: `30690:148` is still the code; a date under
    the seal always has its 年月日 or lies in the seal's middle, off the ring)."""
    compact = "".join(text.split())
    digits = sum(ch.isdigit() for ch in compact)
    return digits >= SEAL_CODE_MIN_DIGITS and not any(patterns.is_cjk(ch) for ch in compact)


SEAL_SPECK_MAX_UNITS = 2.0
"""Inside a seal, a reading this short..."""
SEAL_SPECK_MAX_SCORE = 0.5
"""...with no Chinese character, or read with less confidence than this (and no digit in either case), is a piece of the seal's ink (its
star, a stroke of its ring text) read as text: the signature and date under a seal are whole lines."""


SEAL_SPECK_MIN_HEIGHT_LINES = 1.5
"""...or whose box is at least this many of the page's line heights (the median box height of its lines)
high and whose middle lies out on the ring (SEAL_SPECK_RING_R): a printed line is one line high, while the
ring's characters, rotated and read across the ring's curve, give tall boxes (a 1-bit scan: `公司`, two
characters 2.2 line heights high at 0.79 of the radius)..."""
SEAL_SPECK_RING_R = 0.55
"""...at least this share of the seal's radius from its centre, where the ring's characters begin (a piece
of the signature in the seal's middle, `郑州` at 0.38 of the radius in a box the seal's ink made tall, stays)."""


def is_reread_inside(part: OcrLine, other: OcrLine) -> bool:
    """`part` is a piece of `other` read again: its box inside `other`'s (its centre within `other`'s height,
    its ends within its width) and its text part of `other`'s (`场监督管` in `湖南省市场监督管理局`, a second
    look's reading of a line the detector had boxed whole; `日` at 0.57 inside the box of `2024年5月7日`, read
    again from ink under a ring)."""
    piece, whole = "".join(part.text.split()), "".join(other.text.split())
    return (bool(piece) and piece in whole and len(piece) < len(whole)
            and other.box.x0 <= part.box.x0 and part.box.x1 <= other.box.x1
            and other.box.y0 <= part.box.cy <= other.box.y1)


def is_seal_speck(line: OcrLine, seal: Box, line_height: float | None = None) -> bool:
    """A short stray reading inside the round seal in `seal` (see SEAL_SPECK_MAX_UNITS and
    SEAL_SPECK_MIN_HEIGHT_LINES; `line_height`: the page's median line box height, px): colour-free."""
    compact = "".join(line.text.split())
    if not compact or not _inside(line.box, seal):
        return False
    units = sum(1.0 if patterns.is_cjk(ch) else 0.5 for ch in compact)
    if any(ch.isdigit() for ch in compact) and could_be_date_piece(compact):
        return False  # a date under the seal may come in pieces (`2024` + `年5月17日`)
    letters_only = not any(patterns.is_cjk(ch) for ch in compact)
    tall = (line_height is not None and line.box.height >= SEAL_SPECK_MIN_HEIGHT_LINES * line_height
            and _on_ring_zone(line.box, seal))
    return units <= SEAL_SPECK_MAX_UNITS and (letters_only or tall or line.score < SEAL_SPECK_MAX_SCORE)


_DATE_PIECE_RE = re.compile(r"^[\d年月日.．:：" + patterns.CN_NUMERALS + r"]+$")


def could_be_date_piece(text: str) -> bool:
    """`text` (no spaces) holds only what a date's piece may read as: digits, 年月日, Chinese numerals, and the
    dots and colons a broken digit reads as. `+14` under a seal's middle is its ring's ink, no date."""
    return bool(_DATE_PIECE_RE.match(text))


def _on_ring_zone(box: Box, seal: Box) -> bool:
    """The box's middle lies at least SEAL_SPECK_RING_R of the seal's radius from the seal's centre."""
    radius = min(seal.width, seal.height) / 2
    return radius > 0 and math.hypot(box.cx - seal.cx, box.cy - seal.cy) >= SEAL_SPECK_RING_R * radius


def page_line_height(page: Page) -> float | None:
    """The median box height (px) of the page's lines: its body line height on a page of text."""
    heights = sorted(line.box.height for line in page.lines)
    return heights[len(heights) // 2] if heights else None


ARC_MIN_HEIGHT_CH = 2.0
"""A printed line is one character high; a reading whose box is at least this many of its own characters
(box width over character count) high is text bent along an arc: the seal's name on its ring, read as
one line whose box spans the arc's chord and sag (its middle then lies near the seal's centre)."""

ARC_MIN_CHARS = 3
"""An arc needs a few characters; one or two characters have no shape to measure."""


def is_arched(line: OcrLine) -> bool:
    """The line's box is far taller than its characters are wide (see ARC_MIN_HEIGHT_CH)."""
    compact = "".join(line.text.split())
    units = sum(1.0 if patterns.is_cjk(ch) else 0.5 for ch in compact)
    if units < ARC_MIN_CHARS:
        return False
    return line.box.height >= ARC_MIN_HEIGHT_CH * line.box.width / units


STARS = frozenset({"★", "☆", "*", "✩", "✭", "⭐"})
"""What the recogniser reads a printed five-pointed star as."""


_RULE_DASHES = "-—–_－ー一="
_RULE_STAR_RE = re.compile(f"[{_RULE_DASHES}]*[{''.join(sorted(STARS))}][{_RULE_DASHES}]*")


def is_separator_star(line: OcrLine, page: Page, settings: LayoutSettings = DEFAULT_SETTINGS) -> bool:
    """A black star read alone outside every seal, or with the ends of the rule beside it (`-★`, `一★一`): the
    star in the middle of the separator rule under the doc number (a party organ's red rule, ——★——), which a
    page without colour leaves as a black mark. No text is a star and dashes; a red one, or one inside a
    seal, is the seal's centre star (`is_seal_text`)."""
    return (bool(_RULE_STAR_RE.fullmatch(re.sub(r"\s+", "", line.text))) and line.red < settings.seal_red_min
            and not any(_inside(line.box, seal.box) for seal in page.seals))


SQUEEZED_MAX_WIDTH = 0.4
"""A reading whose box is narrower than this share of the room its characters take at the body's character
width..."""
SQUEEZED_MAX_SCORE = 0.5
"""...and that the recogniser doubts is one stroke read as characters, not print."""


def is_squeezed_speck(line: OcrLine, char_width: float) -> bool:
    """A doubted reading squeezed into a box far narrower than its characters (SQUEEZED_MAX_WIDTH of
    `text_units` × `char_width`, the body's measured character width): one stroke read as several characters
    (`580` at 0.38 in a box a third of a character wide, a piece of a ring the page's seal search missed,
    standing between the signature and the date on a 1-bit scan). Printed text takes at least its characters'
    room: marks are larger, condensed marks and digits narrower by less than half."""
    units = text_units(line.text)
    return (units > 0 and line.score < SQUEEZED_MAX_SCORE
            and line.box.width < SQUEEZED_MAX_WIDTH * units * char_width)


STACKED_OVERLAP_MIN = 0.15
"""Two readings whose boxes share this much of the lower one's height (printed lines stand apart by their
leading, 0.2 of a line and more in any document; their boxes never share a tenth: dev v65 joint_06 grey, the
rings' name read level over the signature shared 0.18 of it)..."""
STACKED_OVERLAP_MAX = 0.7
"""...and no more (more is one line read twice), and half the upper one's width or more, are not two printed
lines: printed lines never overlap."""


def overlaps_a_line_below(line: OcrLine, page: Page) -> bool:
    """`line` lies in the upper half of a seal and its box overlaps, from above, the box of another reading
    (STACKED_OVERLAP_MIN..MAX of its height, half `line`'s width or more): two printed lines never overlap, so
    the upper one is the ring's name read level where its arc runs over the signature (`厦宁市财政` over
    国家税务总局宁波市税务局, under two joint rings). A reading that names a body, or one over a date (whose box
    may take in the ring's arc and reach up), is not taken for it, unless the reading below names a body too:
    then one of two body names is the ring's, and its name runs along the top (`总局宁波市财政局` over
    `国家税务总局宁波市税务局` on a grey scan, both read surely)."""
    if not any(_inside(line.box, seal.box) and line.box.cy < seal.box.cy for seal in page.seals):
        return False
    names_body = patterns.looks_like_body(line.text)
    for other in page.lines:
        if other is line or other.box.cy <= line.box.cy or patterns.is_date_line(other.text):
            continue
        if names_body and not patterns.looks_like_body(other.text):
            continue  # a body's name is the signature line, whatever a tall box under it reaches up to
        width = min(line.box.x1, other.box.x1) - max(line.box.x0, other.box.x0)
        height = min(line.box.y1, other.box.y1) - max(line.box.y0, other.box.y0)
        if (width >= 0.5 * line.box.width and height > 0
                and STACKED_OVERLAP_MIN <= height / other.box.height <= STACKED_OVERLAP_MAX):
            return True
    return False


def is_seal_text(line: OcrLine, page: Page, settings: LayoutSettings = DEFAULT_SETTINGS) -> bool:
    """The seal's own text: red lines (the ring text, the star, the code), lines bent along the ring (tilted,
    or arched: `is_arched`), or lines arranged on a reported seal's ring (`on_seal_ring`, the colour-free test).

    Text printed under the seal stays: its black strokes keep its red share below SEAL_RED_MIN, it is
    level, and it stands in the seal's middle; a line that reads as a whole date stays however tilted or
    arched its box (the ring's arc taken into it: `2024年5月17日` in a box two lines tall, 3.8° off the level).
    """
    red_enough = line.red >= settings.seal_red_min
    in_seal = any(_inside(line.box, seal.box) for seal in page.seals)
    # joint issue: overlapping seals; a line in one seal's middle lies on its neighbour's ring, and stays
    in_a_middle = any(_inside(line.box, seal.box) and not _on_ring_zone(line.box, seal.box) for seal in page.seals)
    line_height = page_line_height(page) if in_seal and not in_a_middle else None
    if any(on_seal_ring(line, seal.box) or is_seal_speck(line, seal.box, line_height) for seal in page.seals):
        return True
    if in_seal and overlaps_a_line_below(line, page):
        return True
    # a whole date is the 成文日期 under the seal, never its text, however the ring bent its box
    date = patterns.is_date_line(line.text)
    tilted = not date and tilt_degrees(line) >= settings.seal_tilt_deg
    star = line.text.strip() in STARS
    # Without red information (a grey scan), a line bent far off the level is the ring text too.
    no_red_info = not any(other.red > 0 for other in page.lines)
    return (red_enough or (in_seal and (tilted or star or (not date and is_arched(line))))
            or (tilted and (line.red > SEAL_TILTED_RED_MIN or no_red_info)))


# --- page furniture ---------------------------------------------------------------------------------------


def _in_margin(row: Row, height: int, settings: LayoutSettings) -> bool:
    return row.box.y0 > height * (1 - settings.margin_zone) or row.box.y1 < height * settings.margin_zone


def _is_page_number_row(row: Row, index: int, count: int, height: int, settings: LayoutSettings) -> bool:
    if not patterns.is_page_number(row.text):
        return False
    return _in_margin(row, height, settings) or index in (0, count - 1)


_DIGITS_RE = re.compile(r"\d+|\s+")


def _furniture_key(row: Row) -> str:
    return _DIGITS_RE.sub("", row.text)


def find_running_heads(rows_by_page: dict[int, list[Row]], heights: dict[int, int],
                       settings: LayoutSettings = DEFAULT_SETTINGS) -> set[str]:
    """Texts (digits and spaces removed) repeated in the top/bottom margin of several pages."""
    if len(rows_by_page) < 2:
        return set()
    counts: Counter[str] = Counter()
    for page, rows in rows_by_page.items():
        keys = {_furniture_key(r) for r in rows if _in_margin(r, heights[page], settings)}
        counts.update(k for k in keys if k)
    need = max(2, math.ceil(len(rows_by_page) / 2))
    return {key for key, n in counts.items() if n >= need}


def remove_furniture(rows_by_page: dict[int, list[Row]], heights: dict[int, int],
                     settings: LayoutSettings = DEFAULT_SETTINGS) -> dict[int, list[Row]]:
    """Drop page numbers (any form OCR gives) and running headers/footers repeated across pages."""
    heads = find_running_heads(rows_by_page, heights, settings)
    kept: dict[int, list[Row]] = {}
    for page, rows in rows_by_page.items():
        kept[page] = [
            row for i, row in enumerate(rows)
            if not _is_page_number_row(row, i, len(rows), heights[page], settings)
            and not (_in_margin(row, heights[page], settings) and _furniture_key(row) in heads)
        ]
    return kept


def clean_text(text: str) -> str:
    """Text of a block as the clean text has it: full-width punctuation next to CJK, no CJK spaces,
    dashes between digits where the recogniser read 一, 人民 where it read 入民 in a name, `，` where a 1-bit
    scan left only a comma's head (`．`), a doc number's year in 〔〕 where one of its brackets was misread,
    〇 where a Chinese-numeral year's zero was read ○, a 附注 line's lost brackets, a （ closed with ）, a
    range of years with its dash (`2024—2026年`), an enumeration's `；` read `：` before its `二是`."""
    text = patterns.restore_digit_dashes(patterns.remove_cjk_spaces(patterns.normalise_punctuation(text)))
    text = patterns.restore_year_brackets(patterns.restore_commas(patterns.restore_people(text)))
    text = patterns.restore_enumeration_semicolons(patterns.restore_year_ranges(text))
    return patterns.restore_closing_bracket(patterns.restore_note_brackets(patterns.restore_numeral_zero(text)))
