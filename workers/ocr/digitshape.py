"""A 1-bit scan's `4` that lost its diagonal, told from a `1` by its shape on the page.

A Song or 仿宋 `4` is a thick upright, a horizontal bar crossing it two thirds of the way down, and a thin
diagonal from the top of the upright to the bar's left end. A 1-bit threshold erases the thin diagonal and
leaves the upright and the bar: the recogniser reads `1` (2021 for 2024 in the doc number, the date and the
印发 line at once, so no other reading of the document's year can correct it; `layout.years`). A printed
`1` is the upright alone, with a short flag at its top and, in Song, a serif foot at its bottom; nothing
crosses it two thirds of the way down. So a digit read `1` whose ink has a bar wider than the upright there
(BAR_ROWS), reaching left of the upright (BAR_LEFT_STEMS), with the upright going on alone below it (the foot
of a `1` flares out of the upright without a break), is a `4`. Where the threshold also cut the bar from the
upright, the flat piece just left of it at the bar's height counts as the bar.

    restore_eroded_fours(image, lines)   the lines, each `1` of a digit run (or alone in a doc number's or a
                                         date's slot) whose glyph on the page has that
                                         bar read as `4` (for 1-bit pages only: grey and colour keep the
                                         diagonal, and the recogniser reads them right)

Each `1` is found on the page where its line's reading puts it: the line's box divided by its characters
(full-width 1, digits ½, `layout.geometry.text_units`), the ink's connected pieces in that slot. A slot whose
ink is not one digit-sized piece (a `1` touching its neighbour, a speck) is left as read.

Measured on the 1-bit pages of eleven development renderings (`fixtures.corpus --profile varied --split dev`,
variants 0–10; issue 14): 12 readings changed, all to the printed text (2021 → 2024 in doc numbers, dates and
body, 12号 → 42号, 21小时 → 24小时), none wrongly; the grey level 128 alone found 7 of them, 192 alone 9. Most
eroded 4s stay `1`: at 150 dpi the bar is often lost with the diagonal, or breaks into specks no level keeps.
A 4 that lost its bar too is told by its top (`is_flagless_knotted`): a printed 1 carries a flag there, an
eroded 4's upright comes to a point, and keeps a knot where the bar crossed it (dev renderings of issue 14:
21 of 34 eroded 4s found, one true 1 of about 250 changed, its flag eroded as well).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import cv2
import numpy as np

from layout.model import OcrLine
from workers.ocr.glyphslot import slot_ink

INK_LEVELS = (128, 192)
"""A pixel of the upright page darker than one of these is ink, the glyph looked at under each in turn: a
1-bit page is 0 or 255, its levelled copy grey along stroke edges, and a stroke left a pixel thin by the
threshold and then turned by the deskew survives only as light grey (a bar at 150 dpi)."""
DIGIT_MIN_HEIGHT = 0.45
"""A digit's ink is at least this share of its line box's height (Arabic digits stand about ⅔ of the
character height; a speck or a dot is smaller)."""
SLOT_SLACK = 0.3
"""A piece belongs to a digit's slot when its centre is within this many slot widths of it (the reading's
proportional layout is not the typesetter's exact one)."""
STEM_ROWS = (0.15, 0.45)
"""Rows (shares of the digit's height, from its top) where both a `1` and an eroded `4` are the upright alone:
their widths measure the stroke."""
BAR_ROWS = (0.6, 0.8)
"""Rows where a `4`'s bar crosses the upright; a `1` has nothing there (its foot is below, its flag above)."""
FOOT_FROM = 0.9
"""A digit's foot serif stands in its rows from this share of its height down."""
STEM_ALONE = 1.5
"""A row at most this many stroke widths wide is the upright alone: below a 4's bar the upright goes on alone
before its foot; the foot of a 1 flares out from the upright without a break."""
BAR_MIN_STEMS = 2.5
"""A bar is at least this many stroke widths long..."""
BAR_LEFT_STEMS = 1.0
"""...and reaches this many stroke widths left of the upright (the bar runs to where the diagonal met it)."""
BAR_REACH = 1.0
"""A piece of a bar cut from the upright starts at most this many slot widths left of it (a digit is ½ a
character wide; its bar spans most of that)..."""
BAR_MAX_HEIGHT = 0.25
"""...and is flat: at most this share of the digit's height."""
FLAG_ROWS = 0.15
"""The top share of a digit's height where a 1 carries its flag (the short stroke down to the left)..."""
FLAG_MAX_STEMS = 1.5
"""...there a flagless upright is at most this many stroke widths wide..."""
FLAG_LEFT_STEMS = 0.5
"""...and reaches at most this many stroke widths left of the upright's edge below."""
KNOT_MIN_STEMS = 1.5
"""Where a 4's bar crossed the upright, the upright keeps this many stroke widths of it though the threshold
erased the bar on both sides."""
STEM_MIN_ROWS = 0.8
"""A `1` or an eroded `4` is an upright: ink stands within a pixel of its fullest column on this share of its
rows, and every row of STEM_ROWS is one run of ink (a 3 or a 2 curves, a whole 4's diagonal is a second run)."""


def restore_eroded_fours(image: np.ndarray, lines: Sequence[OcrLine]) -> list[OcrLine]:
    """`lines` with each digit `1` whose glyph on `image` (the upright page the OCR read) has a 4's bar read
    `4`; the others as they came."""
    result = []
    for line in lines:
        slots = _digit_ones(line.text)
        if not slots:
            result.append(line)
            continue
        text = list(line.text)
        for index in slots:
            if _is_eroded_four(image, line, index):
                text[index] = "4"
                if _after_bar_tip(line.text, index):
                    text[index - 1] = ""  # the dot read before it was the tip of its bar
        fixed = "".join(text)
        result.append(line if fixed == line.text else replace(line, text=fixed))
    return result


def _digit_ones(text: str) -> list[int]:
    """Indices of the `1`s of `text` that stand in a run of two digits or more (a year, a day, a number), or
    alone in a doc number's or a date's slot (`〔2024〕1号`, `年1月`, `月1日`: NUMBER_SLOTS)."""
    return [i for i, ch in enumerate(text) if ch == "1"
            and ((i > 0 and text[i - 1].isascii() and text[i - 1].isdigit())
                 or (i + 1 < len(text) and text[i + 1].isascii() and text[i + 1].isdigit())
                 or (0 < i < len(text) - 1 and text[i - 1] + text[i + 1] in NUMBER_SLOTS)
                 or _after_bar_tip(text, i))]


def _after_bar_tip(text: str, i: int) -> bool:
    """The `1` at `i` follows a dot that follows a digit and ends a year before 年 (`202.1年`): the dot may be
    the left tip of an eroded 4's bar, read apart from its upright."""
    return i >= 2 and text[i - 1] in ".．" and text[i - 2].isascii() and text[i - 2].isdigit() \
        and text[i + 1:i + 2] == "年"


NUMBER_SLOTS = ("〕号", "年月", "月日")
"""The characters on either side of a one-digit number in a doc number (〔2024〕4号) or a date (2024年4月4日)."""


def _is_eroded_four(image: np.ndarray, line: OcrLine, index: int) -> bool:
    for level in INK_LEVELS:
        digit = _digit_ink(image, line, index, level)
        if digit is not None and (has_crossing_bar(digit) or is_flagless_knotted(digit)):
            return True
    return False


def _digit_ink(image: np.ndarray, line: OcrLine, index: int, level: int) -> np.ndarray | None:
    """The ink (bool mask, cropped to it) of the one digit-sized piece in the slot of character `index`."""
    ink = slot_ink(image, line, index, level)
    if ink is None:
        return None
    stats, count = ink.stats, ink.count
    start, end = ink.start, ink.end
    slack = SLOT_SLACK * (end - start)
    pieces = [k for k in range(1, count)
              if stats[k, cv2.CC_STAT_HEIGHT] >= DIGIT_MIN_HEIGHT * ink.height
              and start - slack <= ink.centre_x(k) <= end + slack]
    if len(pieces) != 1:
        return None
    k = pieces[0]
    left, top = stats[k, cv2.CC_STAT_LEFT], stats[k, cv2.CC_STAT_TOP]
    w, h = stats[k, cv2.CC_STAT_WIDTH], stats[k, cv2.CC_STAT_HEIGHT]
    # the threshold may cut a 4's bar from its upright: a flat piece just left of it, at the bar's height
    reach = round(BAR_REACH * (end - start))
    bars = [b for b in range(1, count) if b != k
            and stats[b, cv2.CC_STAT_HEIGHT] <= BAR_MAX_HEIGHT * h
            and left - reach <= stats[b, cv2.CC_STAT_LEFT] < left
            and stats[b, cv2.CC_STAT_LEFT] + stats[b, cv2.CC_STAT_WIDTH] >= left - 2
            and top + BAR_ROWS[0] * h <= stats[b, cv2.CC_STAT_TOP] + stats[b, cv2.CC_STAT_HEIGHT] / 2
            <= top + BAR_ROWS[1] * h]
    x0 = min([left, *(int(stats[b, cv2.CC_STAT_LEFT]) for b in bars)])
    mask: np.ndarray = np.isin(ink.labels[top:top + h, x0:left + w], [k, *bars])
    return mask


def _runs(row: np.ndarray) -> int:
    """Runs of ink in one row of a mask."""
    padded = np.concatenate(([False], row, [False]))
    return int(np.count_nonzero(padded[1:] & ~padded[:-1]))


@dataclass(frozen=True)
class _Upright:
    """A digit's ink that is an upright (STEM_MIN_ROWS): its fullest column, stroke width (median row width in
    STEM_ROWS), and per row the inked columns and the width from the first to the last."""

    stem_x: int
    stem: float
    inked: list[np.ndarray]
    widths: list[int]


def _upright(digit: np.ndarray) -> _Upright | None:
    h = digit.shape[0]
    if h < 8:
        return None
    columns = digit.sum(axis=0)
    stem_x = int(np.argmax(columns))
    near_stem = digit[:, max(0, stem_x - 1):stem_x + 2].any(axis=1)
    upper_rows = digit[round(STEM_ROWS[0] * h):round(STEM_ROWS[1] * h) + 1]
    if near_stem.mean() < STEM_MIN_ROWS or any(_runs(row) > 1 for row in upper_rows):
        return None  # not an upright (a 3, a 2, a 4 that kept its diagonal, a piece of a character)
    upper = [int(row.sum()) for row in upper_rows if row.any()]
    if not upper:
        return None
    inked = [np.flatnonzero(row) for row in digit]
    widths = [int(xs[-1] - xs[0] + 1) if xs.size else 0 for xs in inked]
    return _Upright(stem_x, max(1.0, float(np.median(upper))), inked, widths)


def has_crossing_bar(digit: np.ndarray) -> bool:
    """A digit's ink (bool mask cropped to it) has a 4's bar: rows of BAR_ROWS at least BAR_MIN_STEMS stroke
    widths wide reaching BAR_LEFT_STEMS stroke widths left of the upright, the stroke measured in STEM_ROWS."""
    h = digit.shape[0]
    upright = _upright(digit)
    if upright is None:
        return False
    stem_x, stem, inked, widths = upright.stem_x, upright.stem, upright.inked, upright.widths
    for r in range(round(BAR_ROWS[0] * h), round(BAR_ROWS[1] * h) + 1):
        if (widths[r] >= BAR_MIN_STEMS * stem and stem_x - inked[r][0] >= BAR_LEFT_STEMS * stem
                and _alone_below(upright, r, h)):
            return True  # a bar with the upright alone again below it: not the foot of a 1 flaring out
    return False


def _alone_below(upright: _Upright, row: int, h: int) -> bool:
    """The upright stands alone (STEM_ALONE) on some row below `row` and above its foot (FOOT_FROM)."""
    return any(0 < w <= STEM_ALONE * upright.stem for w in upright.widths[row + 1:round(FOOT_FROM * h)])


def is_flagless_knotted(digit: np.ndarray) -> bool:
    """A digit's ink (bool mask cropped to it) is a 4 that lost its diagonal and its bar but where the bar
    crossed the upright: an upright with no flag at its top (its FLAG_ROWS at most FLAG_MAX_STEMS stroke
    widths wide, reaching at most FLAG_LEFT_STEMS left of the upright's edge) and thickened to KNOT_MIN_STEMS
    stroke widths somewhere in BAR_ROWS. A printed 1 carries its flag whatever its face (a 1 without one would
    be an l); an upright whose flag the threshold took too is no 4 unless the knot is there as well."""
    h = digit.shape[0]
    upright = _upright(digit)
    if upright is None:
        return False
    stem, inked, widths = upright.stem, upright.inked, upright.widths
    upper = [inked[r][0] for r in range(round(STEM_ROWS[0] * h), round(STEM_ROWS[1] * h) + 1) if inked[r].size]
    edge = float(np.median(upper))
    top = [r for r in range(max(1, round(FLAG_ROWS * h))) if inked[r].size]
    if not top:
        return False
    flag = max(widths[r] for r in top) > FLAG_MAX_STEMS * stem or edge - min(inked[r][0] for r in top) > FLAG_LEFT_STEMS * stem
    knot = any(widths[r] >= KNOT_MIN_STEMS * stem and _alone_below(upright, r, h)
               for r in range(round(BAR_ROWS[0] * h), round(BAR_ROWS[1] * h) + 1))
    return not flag and knot
