"""A 1-bit scan's comma that lost its tail is told from a 顿号 by its size (`workers.ocr.commashape`).

The marks are drawn at the sizes measured on the 1-bit pages of the development renderings: a comma's head
left alone is a dot under an eighth of the character advance (3–4 px at a 32 px advance, 150 dpi), a 、 a
stroke about a fifth of it or more, thinned by the threshold but as long.
"""

from __future__ import annotations

import numpy as np
import pytest

from layout.model import Box, OcrLine
from workers.ocr.commashape import restore_comma_heads

PITCH = 40
TEXT = "市政府各部门、有关单位："

DOT = """
.##.
####
####
.##.
"""

DUN = """
#........
.##......
..##.....
...###...
....###..
.....###.
......###
.......##
"""
"""A 、 the threshold thinned: a stroke from upper left to lower right, 0.22 of the advance."""

DUN_THIN = "\n".join(row.replace("###", "#..").replace("##", "#.") for row in DUN.split("\n"))
"""...and thinned to a pixel: still as long."""


def _mask(art: str) -> np.ndarray:
    return np.array([[ch == "#" for ch in row] for row in art.split()], dtype=bool)


def _page(mark: str | None, text: str = TEXT) -> tuple[np.ndarray, OcrLine]:
    """A white 1-bit page holding a line reading `text`: each character a block of ink in its full-width slot,
    the `、` slot holding `mark` on the baseline at its left (nothing when None)."""
    page = np.full((100, 40 + PITCH * len(text), 3), 255, np.uint8)
    x0, y0 = 20, 20
    for i, ch in enumerate(text):
        left = x0 + i * PITCH
        if ch == "、":
            if mark is not None:
                glyph = _mask(mark)
                top = y0 + PITCH - 6 - glyph.shape[0]
                page[top:top + glyph.shape[0], left + 6:left + 6 + glyph.shape[1]][glyph] = 0
        elif ch != "：":
            page[y0 + 4:y0 + PITCH - 4, left + 4:left + PITCH - 4] = 0
    return page, OcrLine(text, Box(x0, y0, x0 + PITCH * len(text), y0 + PITCH))


def test_a_comma_head_read_as_a_dun_is_a_comma() -> None:
    page, line = _page(DOT)
    assert [found.text for found in restore_comma_heads(page, [line])] == ["市政府各部门，有关单位："]


@pytest.mark.parametrize("art", [DUN, DUN_THIN])
def test_a_dun_stroke_stays(art: str) -> None:
    page, line = _page(art)
    assert restore_comma_heads(page, [line]) == [line]


def test_a_slot_with_no_ink_left_stays_as_read() -> None:
    page, line = _page(None)
    assert restore_comma_heads(page, [line]) == [line]


def test_each_dun_of_a_line_is_looked_at_on_its_own() -> None:
    page, line = _page(DOT, "教育局、财政局、人社局")
    dun_at = 7 * PITCH + 20
    page[:, dun_at:dun_at + PITCH] = 255  # the second 、 slot: a stroke instead of the dot
    glyph = _mask(DUN)
    page[20 + PITCH - 6 - glyph.shape[0]:20 + PITCH - 6, dun_at + 6:dun_at + 6 + glyph.shape[1]][glyph] = 0
    assert [found.text for found in restore_comma_heads(page, [line])] == ["教育局，财政局、人社局"]
