"""A 1-bit scan's 4 that lost its diagonal is told from a 1 by its shape (`workers.ocr.digitshape`).

The glyphs are the ink of digits read `1` on 1-bit pages of the development renderings (150 and 200 dpi),
copied as they came out of the threshold.
"""

from __future__ import annotations

import numpy as np
import pytest

from layout.geometry import text_units
from layout.model import Box, OcrLine
from workers.ocr.digitshape import has_crossing_bar, restore_eroded_fours

ERODED_FOUR = """
....#....
....##...
....##...
....##...
.....#...
.....#...
.....#...
.....#...
.....#...
.....#...
.....#...
.....#...
#########
.....#...
.....#...
....###..
...#####.
"""

ERODED_FOUR_CUT = ERODED_FOUR.replace("#########", "###..####")
"""...whose bar the threshold cut: its left part is a flat piece of its own."""


ONE_WITH_FOOT = """
..#..
###..
.##..
.##..
..#..
..#..
..#..
..#..
..#..
..#..
..#..
..#..
..#..
..#..
..#..
.###.
.####
#####
"""

ONE_FLARING = """
...##...
######..
.#####..
...##...
...##...
...##...
...##...
...##...
...##...
...##...
...##...
...##...
...##...
...##...
...##...
...##...
..###...
..####..
..######
########
....###.
"""

THREE = """
..######..
.##....##.
.##.....##
........##
.......##.
....####..
.......##.
........##
........##
........##
.##.....##
.##....##.
..######..
"""


def _mask(art: str) -> np.ndarray:
    return np.array([[ch == "#" for ch in row] for row in art.split()], dtype=bool)


def test_a_four_without_its_diagonal_has_a_bar_across_its_upright() -> None:
    assert has_crossing_bar(_mask(ERODED_FOUR))


@pytest.mark.parametrize("art", [ONE_WITH_FOOT, ONE_FLARING, THREE])
def test_a_one_with_its_foot_and_other_digits_have_none(art: str) -> None:
    assert not has_crossing_bar(_mask(art))


def _page_with(art: str, text: str, index: int, pitch: int = 34) -> tuple[np.ndarray, OcrLine]:
    """A white page holding glyph `art` where character `index` of a line reading `text` stands."""
    page = np.full((80, 400, 3), 255, np.uint8)
    x0, y0 = 20, 20
    glyph = _mask(art)
    left = x0 + round(text_units(text[:index]) * pitch) + (pitch // 2 - glyph.shape[1]) // 2
    top = y0 + 5
    page[top:top + glyph.shape[0], left:left + glyph.shape[1]][glyph] = 0
    box = Box(x0, y0, x0 + text_units(text) * pitch, y0 + glyph.shape[0] + 8)
    return page, OcrLine(text, box)


@pytest.mark.parametrize("art", [ERODED_FOUR, ERODED_FOUR_CUT])
def test_a_year_read_with_an_eroded_four_is_read_again(art: str) -> None:
    page, line = _page_with(art, "2021年9月24日", 3)
    assert [found.text for found in restore_eroded_fours(page, [line])] == ["2024年9月24日"]


@pytest.mark.parametrize("art", [ONE_WITH_FOOT, ONE_FLARING])
def test_a_printed_one_stays(art: str) -> None:
    page, line = _page_with(art, "2021年9月24日", 3)
    assert restore_eroded_fours(page, [line]) == [line]


def test_a_one_outside_a_number_is_not_looked_at() -> None:
    page, line = _page_with(ERODED_FOUR, "第1条", 1)
    assert restore_eroded_fours(page, [line]) == [line]


def test_a_bar_the_deskew_left_light_grey_is_still_a_bar() -> None:
    """A 150 dpi bar a pixel thin, turned with the page by the deskew, survives only as light grey (160)."""
    page, line = _page_with(ERODED_FOUR, "2021年9月24日", 3)
    bar_row = 20 + 5 + 12  # the page's row of the glyph's bar (`_page_with` sets the glyph at y 25)
    page[bar_row] = np.where(page[bar_row] == 0, 160, page[bar_row])
    assert [found.text for found in restore_eroded_fours(page, [line])] == ["2024年9月24日"]
