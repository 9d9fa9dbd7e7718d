"""A line's box without the specks at its ends.

Dust and scanner noise print dots in the margins and between the lines (every old archive scan has them),
and the detector's box for a line often takes in a speck lying a character or so before its first character:
read as a mark (`·路进行评估…`, `:路。我局…`) or as nothing at all (`一、关于…` whose box starts a character early).
The layout measures the text block's edges and each line's indent from the boxes' ends, in characters
(`layout.geometry`), so one speck moves a line by a whole character: two such lines made a page's left edge
a character left of its flush lines, every flush line then read as indented (dev v63 doc_06, 100 dpi colour:
the addressee lost, paragraphs cut).

`trim_speck_ends(image, lines, seals)` looks at each line's crop of the page the OCR read (lines on a seal
are left as read: lifting the seal's ink leaves their characters in pieces). Its ink is parted into
runs along the line: strokes whose column ranges lie closer than GAP_H of the box height are one run (the
strokes of a character, and the characters of a line, lie closer). A run at either end that is too small to
be a character (SPECK_AREA_H2 of the height squared, at most SPECK_WIDTH_H wide), standing GAP_H or more clear
of the rest, is a speck: the box ends where the rest's ink ends, with the detector's own margin kept; the
mark the speck was read as (`LEADING_SPECK_READINGS`) leaves the text. An end may lose one speck the
recogniser read as nothing and one more per mark it read there (`_speck_allowance`); more runs that small are
the line's own broken characters. An end where the reading has a mark as small as a speck (`。`, `、`, `，`, a
quote) is left as it is: that small ink is the line's own.

Sizes are in units of the line box's own height, so they hold at any dpi.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import cv2
import numpy as np

from layout.model import Box, OcrLine
from layout.patterns import is_cjk
from workers.image.typography import ink_mask

GAP_H = 0.15
"""Ink this far (in the box's height) from the next ink along the line is a run of its own: characters are
set closer than this (a 仿宋 line's gap between characters is about a tenth of its height) unless
letter-spaced, and a letter-spaced character is no speck."""
SPECK_AREA_H2 = 0.03
"""A run with less ink than this share of the box height squared is a speck: the thinnest character at a
line's start (`1`, `二`) has several times more, a dot of dust a few pixels (a blurred colon-shaped speck at
100 dpi: 0.022)..."""
SPECK_WIDTH_H = 0.3
"""...and no wider than this: a character's stroke spans more of its cell."""
LEADING_SPECK_READINGS = "·•・.．:'`"
"""What the recogniser reads a speck before a line as: no line begins with a stop, a colon or a middle dot
(GB/T 15834's line-start rule; `layout.patterns.without_leading_mark`). Not the full-width `：`: a piece of a
line the detector cut begins with the colon it reads (`：赵志宏，联系电话：` after a `联系人` lost under a seal)..."""
TRAILING_SPECK_READINGS = "·•・'`"
"""...and after one: never a stop or a colon, which end lines (`如下：`) and print as small as a speck."""
INK_LEVEL = 0.3
"""Ink, for telling specks from characters, is anything this share of the way from the paper to the darkest
ink: a grey scan's thin light strokes (the bars of `二`) are whole at this level, broken at half-way."""


def _is_text_char(ch: str) -> bool:
    """A character whose ink is never as small as a speck: an ideograph, a digit or a letter."""
    return is_cjk(ch) or (ch.isascii() and ch.isalnum())


def ink_runs(ink: np.ndarray, gap: float) -> list[tuple[int, int, int]]:
    """Runs of ink along a line crop (bool mask): (first column, last column + 1, ink pixels), left to right;
    strokes whose column ranges lie closer than `gap` px are one run."""
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    parts = sorted((int(stats[i, cv2.CC_STAT_LEFT]), int(stats[i, cv2.CC_STAT_LEFT] + stats[i, cv2.CC_STAT_WIDTH]),
                    int(stats[i, cv2.CC_STAT_AREA])) for i in range(1, count))
    runs: list[tuple[int, int, int]] = []
    for x0, x1, area in parts:
        if runs and x0 - runs[-1][1] < gap:
            first, last, inked = runs[-1]
            runs[-1] = (first, max(last, x1), inked + area)
        else:
            runs.append((x0, x1, area))
    return runs


def _is_speck(run: tuple[int, int, int], height: float) -> bool:
    x0, x1, area = run
    return area < SPECK_AREA_H2 * height ** 2 and x1 - x0 <= SPECK_WIDTH_H * height


def speck_cut(ink: np.ndarray, height: float, *, most: int) -> tuple[int, int] | None:
    """Seen from a line crop's left side (bool ink mask): the column of its outermost ink, and the column where
    its text begins past the specks there, at most `most` of them (more runs as small as specks are the line's
    own marks and broken characters: the same column); None when it holds no ink."""
    runs = ink_runs(ink, GAP_H * height)
    if not runs:
        return None
    first = 0
    while len(runs) - first > 1 and _is_speck(runs[first], height):
        first += 1
    return runs[0][0], runs[first if first <= most else 0][0]


def _speck_allowance(text: str, readings: str) -> int:
    """How many specks one end of a line may have: one the recogniser read as nothing, and one more for each
    mark it read as a speck there (`·你区…` over two dots). A 1-bit threshold that erases thin horizontals
    leaves `二、` as a few dots and a 、, runs as small as specks: more of them than that is the text."""
    return 1 + len(text) - len(text.lstrip(readings))


END_WINDOW_H = 4.0
"""Specks are looked for this many box heights in from each end: a speck up to two characters out, its gap,
and the first character (the whole line is not needed, and costs more)."""


def trimmed(line: OcrLine, image: np.ndarray) -> OcrLine:
    """`line` without the specks at its box's ends (see the module doc); the line itself when it has none."""
    text = line.text.strip()
    if not text:
        return line
    left = _is_text_char(text[0]) or text[0] in LEADING_SPECK_READINGS
    right = _is_text_char(text[-1]) or text[-1] in TRAILING_SPECK_READINGS
    if not (left or right):
        return line
    height, width = image.shape[:2]
    box = line.box
    x0, y0 = max(0, int(box.x0)), max(0, int(box.y0))
    x1, y1 = min(width, round(box.x1)), min(height, round(box.y1))
    if x1 - x0 < 3 or y1 - y0 < 3:
        return line
    reach = max(3, round(END_WINDOW_H * box.height))
    ends = []
    most = (_speck_allowance(text, LEADING_SPECK_READINGS) if left else 0,
            _speck_allowance(text[::-1], TRAILING_SPECK_READINGS) if right else 0)
    for window, allowed in ((image[y0:y1, x0:min(x1, x0 + reach)], most[0]),
                            (image[y0:y1, max(x0, x1 - reach):x1][:, ::-1], most[1])):  # the right end, mirrored
        ink = ink_mask(cv2.cvtColor(window, cv2.COLOR_BGR2GRAY) if window.ndim == 3 else window, INK_LEVEL)
        cut = None if ink is None else speck_cut(ink, box.height, most=allowed)
        if cut is None:
            return line
        ends.append(cut)
    (left_outer, left_inner), (right_outer, right_inner) = ends
    if left_inner == left_outer and right_inner == right_outer:
        return line
    # the box keeps the detector's margin around the text: as much as it left at the other end
    new_x0 = float(x0 + left_inner - right_inner) if left_inner > left_outer else box.x0
    new_x1 = float(x1 - right_inner + left_inner) if right_inner > right_outer else box.x1
    if left_inner > left_outer and text[0] in LEADING_SPECK_READINGS:
        text = text.lstrip(LEADING_SPECK_READINGS)
    if right_inner > right_outer and text[-1] in TRAILING_SPECK_READINGS:
        text = text.rstrip(TRAILING_SPECK_READINGS)
    if not text or new_x1 - new_x0 < box.height:
        return line
    return replace(line, text=text, box=Box(max(box.x0, new_x0), box.y0, min(box.x1, new_x1), box.y1))


def trim_speck_ends(image: np.ndarray, lines: Sequence[OcrLine], seals: Sequence[Box] = ()) -> list[OcrLine]:
    """Each line without the specks at its box's ends, measured on `image` (the upright page the OCR read);
    lines touching a seal's box (`seals`) stay as they are: lifting the seal's ink there left the signature's
    and the date's characters in pieces that look like specks (`广` of `广东省…` under a ring)."""
    return [line if any(line.box.overlap_area(seal) > 0 for seal in seals) else trimmed(line, image)
            for line in lines]
