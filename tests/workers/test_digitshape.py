"""A 1-bit scan's 4 that lost its diagonal is told from a 1 by its shape (`workers.ocr.digitshape`).

The glyphs are the ink of digits read `1` on 1-bit pages of the development renderings (150 and 200 dpi),
copied as they came out of the threshold.
"""

from __future__ import annotations

import numpy as np
import pytest

from layout.geometry import text_units
from layout.model import Box, OcrLine
from workers.ocr.digitshape import has_crossing_bar, is_flagless_knotted, restore_eroded_fours

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


FLAGLESS_FOUR = """
..#...
.###..
.###..
.###..
..##..
..##..
..##..
..##..
..##..
..##..
..##..
..##..
..##..
..##..
..##..
..##..
..##..
.###..
.####.
.###..
..##..
..##..
.###..
#####.
######
"""
"""A 4 at 200 dpi that lost its diagonal and its bar but for the knot where the bar crossed the upright; its
upright comes to a point at the top (new dev text joint_03, `决定2024年`)."""

ONE_WITH_FLAG = """
..###...
######..
...###..
...###..
....##..
....##..
....##..
....##..
....##..
....##..
....##..
....##..
....##..
....##..
....##..
....##..
...###..
...###..
..######
########
"""

FLAGLESS_UPRIGHT = FLAGLESS_FOUR.replace(".###..\n.####.\n.###..", "..##..\n..##..\n..##..")
"""...the same upright without the knot: a 1 whose flag the threshold took, or a 4 with nothing left to tell."""


ONE_WITH_SPECK = ONE_WITH_FLAG.replace("....##..\n...###..", "....##..\n..####..")
"""...a 1 with a speck beside it at a knot's height: its flag says 1."""


def _mask(art: str) -> np.ndarray:
    return np.array([[ch == "#" for ch in row] for row in art.split()], dtype=bool)


def test_a_four_without_its_diagonal_has_a_bar_across_its_upright() -> None:
    assert has_crossing_bar(_mask(ERODED_FOUR))


@pytest.mark.parametrize("art", [ONE_WITH_FOOT, ONE_FLARING, THREE])
def test_a_one_with_its_foot_and_other_digits_have_none(art: str) -> None:
    assert not has_crossing_bar(_mask(art))


def test_a_four_that_lost_diagonal_and_bar_is_a_flagless_upright_with_a_knot() -> None:
    assert is_flagless_knotted(_mask(FLAGLESS_FOUR))


@pytest.mark.parametrize("art", [
    ONE_WITH_FLAG, ONE_WITH_FOOT, ONE_FLARING, THREE, FLAGLESS_UPRIGHT,
    ONE_WITH_SPECK,
])
def test_a_one_keeps_its_flag_and_an_upright_without_a_knot_tells_nothing(art: str) -> None:
    assert not is_flagless_knotted(_mask(art))


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


@pytest.mark.parametrize("art", [ERODED_FOUR, ERODED_FOUR_CUT, FLAGLESS_FOUR])
def test_a_year_read_with_an_eroded_four_is_read_again(art: str) -> None:
    page, line = _page_with(art, "2021年9月24日", 3)
    assert [found.text for found in restore_eroded_fours(page, [line])] == ["2024年9月24日"]


@pytest.mark.parametrize("art", [ONE_WITH_FOOT, ONE_FLARING, ONE_WITH_FLAG, FLAGLESS_UPRIGHT])
def test_a_printed_one_stays(art: str) -> None:
    page, line = _page_with(art, "2021年9月24日", 3)
    assert restore_eroded_fours(page, [line]) == [line]


@pytest.mark.parametrize(("text", "index", "read"), [("鄂教师〔2024〕1号", 9, "鄂教师〔2024〕4号"),
                                                  ("2024年1月20日", 5, "2024年4月20日")])
def test_a_one_digit_number_in_a_doc_number_or_a_date_is_looked_at(text: str, index: int, read: str) -> None:
    page, line = _page_with(FLAGLESS_FOUR, text, index)
    assert [found.text for found in restore_eroded_fours(page, [line])] == [read]


def test_a_year_whose_fours_bar_tip_was_read_as_a_dot_is_read_again() -> None:
    """`202.1年`: the 4's bar, cut from its upright, read as a dot before a 1; the dot goes with the 1."""
    page, line = _page_with(ERODED_FOUR_CUT, "202.1年9月24日", 4)
    assert [found.text for found in restore_eroded_fours(page, [line])] == ["2024年9月24日"]


def test_a_one_outside_a_number_is_not_looked_at() -> None:
    page, line = _page_with(ERODED_FOUR, "第1条", 1)
    assert restore_eroded_fours(page, [line]) == [line]


def test_a_bar_the_deskew_left_light_grey_is_still_a_bar() -> None:
    """A 150 dpi bar a pixel thin, turned with the page by the deskew, survives only as light grey (160)."""
    page, line = _page_with(ERODED_FOUR, "2021年9月24日", 3)
    bar_row = 20 + 5 + 12  # the page's row of the glyph's bar (`_page_with` sets the glyph at y 25)
    page[bar_row] = np.where(page[bar_row] == 0, 160, page[bar_row])
    assert [found.text for found in restore_eroded_fours(page, [line])] == ["2024年9月24日"]
