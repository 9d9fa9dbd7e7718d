"""Seals: found in the red mask (round, overlapping, square; never the red title), and their ink lifted so
that the black strokes under them stay while the red goes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from fixtures.corpus.ops import SealOp
from fixtures.corpus.seal import stamp
from workers.image.redink import red_mask
from workers.image.seals import find_seals, px_per_mm, region_mask, remove_seal_ink, ring_strip, seal_circles
from workers.ocr.engine import get_engine
from workers.settings import load_settings

DPI = 200
BOLD_FONT = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc")
SEAL_RGB = (214, 38, 48)
DARK_SEAL_RGB = (190, 25, 40)
"""The darkest ink of the corpus: pooled spots darken the red channel to ~0.6 of the paper."""


def _stamp(page: np.ndarray, centres_mm: list[tuple[float, float]], code: str = "",
           colour: tuple[int, int, int] = SEAL_RGB) -> np.ndarray:
    """The page (BGR uint8) with corpus seals (ring text, star, uneven ink) multiplied in at the centres."""
    rgb = page[:, :, ::-1].astype(np.float32)
    for k, (cx, cy) in enumerate(centres_mm):
        stamp(rgb, SealOp(cx, cy, 42.0, "重庆市渝北区卫生健康委员会", code, -8.0 + 9 * k, 11 + k, colour), DPI)
    return np.ascontiguousarray(np.clip(rgb, 0, 255).astype(np.uint8)[:, :, ::-1])


def _mm(px: float) -> float:
    return px / DPI * 25.4


def _line_centre_mm(layout: Any) -> tuple[float, float]:
    x0, y0, x1, y1 = layout.body_lines[-1]
    return _mm((x0 + x1) / 2), _mm((y0 + y1) / 2)


def _strokes(image: np.ndarray, box: tuple[int, int, int, int], darker_than: int = 110) -> np.ndarray:
    x0, y0, x1, y1 = box
    grey = cv2.cvtColor(image[y0:y1, x0:x1], cv2.COLOR_BGR2GRAY)
    return grey < darker_than


def test_one_seal_is_found_and_the_red_title_and_rule_are_not(make_page: Any) -> None:
    clean, layout = make_page(dpi=DPI, body_rows=6, seal=None)
    cx, cy = _line_centre_mm(layout)
    page = _stamp(clean, [(cx, cy)], code="5101120012345")
    seals = find_seals(red_mask(page))
    assert len(seals) == 1
    box = seals[0].box
    ppm = px_per_mm(page.shape)
    assert abs(box.cx / ppm - cx) < 2.0 and abs(box.cy / ppm - cy) < 2.0
    assert 38.0 < box.width / ppm < 46.0 and 38.0 < box.height / ppm < 46.0
    assert box.y0 > layout.title[3] + 10 * ppm  # the title and its rule are far above


@pytest.mark.parametrize("apart_mm", [24.0, 14.0])
@pytest.mark.parametrize("colour", [SEAL_RGB, DARK_SEAL_RGB])
def test_two_overlapping_seals_are_covered(make_page: Any, apart_mm: float, colour: tuple[int, int, int]) -> None:
    clean, layout = make_page(dpi=DPI, body_rows=6, seal=None)
    cx, cy = _line_centre_mm(layout)
    page = _stamp(clean, [(cx - apart_mm / 2, cy), (cx + apart_mm / 2, cy + 2)], colour=colour)
    seals = find_seals(red_mask(page))
    assert seals
    ppm = px_per_mm(page.shape)
    left = min(s.box.x0 for s in seals) / ppm
    right = max(s.box.x1 for s in seals) / ppm
    assert abs(left - (cx - apart_mm / 2 - 21)) < 2.5 and abs(right - (cx + apart_mm / 2 + 21)) < 2.5


def test_a_square_stamp_is_a_seal_and_a_big_red_character_is_not() -> None:
    page = np.full((2339, 1654, 3), 245, np.uint8)
    ppm = px_per_mm(page.shape)
    square = (int(40 * ppm), int(200 * ppm), int(70 * ppm), int(230 * ppm))  # 30 mm frame with a name inside
    cv2.rectangle(page, square[:2], square[2:], (48, 38, 214), max(2, round(1.2 * ppm)))
    cv2.putText(page, "AB", (square[0] + 20, square[3] - 60), cv2.FONT_HERSHEY_SIMPLEX, 3, (48, 38, 214), 8)
    glyph = (int(100 * ppm), int(40 * ppm), int(122 * ppm), int(62 * ppm))  # a 22 mm 口 of a red title
    cv2.rectangle(page, glyph[:2], glyph[2:], (48, 38, 214), round(2.5 * ppm))
    seals = find_seals(red_mask(page))
    assert len(seals) == 1
    assert abs(seals[0].box.x0 - square[0]) < 2 * ppm and abs(seals[0].box.y1 - square[3]) < 2 * ppm


@pytest.mark.parametrize("aged", [False, True])
@pytest.mark.parametrize("colour", [SEAL_RGB, DARK_SEAL_RGB])
def test_lifting_keeps_the_black_strokes_and_removes_the_red(
    make_page: Any, age: Any, aged: bool, colour: tuple[int, int, int]
) -> None:
    clean, layout = make_page(dpi=DPI, body_rows=6, seal=None)
    cx, cy = _line_centre_mm(layout)
    page = _stamp(clean, [(cx, cy)], colour=colour)
    if aged:
        clean, page = age(clean, seed=2), age(page, seed=2)
    seals = find_seals(red_mask(page))
    lifted = remove_seal_ink(page, seals)
    inside, (x0, y0) = region_mask(page.shape, seals)
    height, width = inside.shape
    region = np.zeros(page.shape[:2], bool)
    region[y0:y0 + height, x0:x0 + width] = inside > 0
    # the red is gone ...
    assert (red_mask(page) > 0)[region].mean() > 0.03
    assert (red_mask(lifted) > 0)[region].mean() < 0.001
    # ... the strokes of the line under the seal are those of the page printed without it ...
    line = layout.body_lines[-1]
    want, got = _strokes(clean, line), _strokes(lifted, line)
    assert (want & got).sum() / (want | got).sum() > 0.85
    # ... and nothing of the ring text, ring or star is left, not even the rims a red-mask painter leaves ...
    whole = (x0, y0, x0 + width, y0 + height)
    printed = cv2.dilate(_strokes(clean, whole, 200).astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    extra = _strokes(lifted, whole, 180) & ~printed
    assert extra.sum() < 0.01 * printed.sum()
    # ... while nothing outside the seal changed.
    assert np.array_equal(lifted[~region], page[~region])


def test_a_page_without_seals_is_returned_as_is(make_page: Any) -> None:
    page, _ = make_page(dpi=DPI, seal=None)
    seals = find_seals(red_mask(page))
    assert seals == []
    assert remove_seal_ink(page, seals) is page


def test_overlapping_seals_are_split_into_circles_of_their_short_side(make_page: Any) -> None:
    clean, layout = make_page(dpi=DPI, body_rows=6, seal=None)
    cx, cy = _line_centre_mm(layout)
    page = _stamp(clean, [(cx - 12, cy), (cx + 12, cy)])
    (region,) = find_seals(red_mask(page))
    ppm = px_per_mm(page.shape)
    circles = seal_circles(region)
    assert len(circles) == 2
    for circle, centre in zip(circles, (cx - 12, cx + 12), strict=True):
        assert abs(circle.cx / ppm - centre) < 2.0 and abs(circle.width / ppm - 42.0) < 2.5


def test_the_ring_is_unrolled_into_a_line_of_red_characters(make_page: Any) -> None:
    clean, layout = make_page(dpi=DPI, body_rows=6, seal=None)
    page = _stamp(clean, [_line_centre_mm(layout)])
    (region,) = find_seals(red_mask(page))
    strip = ring_strip(page, region.box)
    assert strip.ndim == 3 and strip.shape[2] == 3 and strip.dtype == np.uint8
    assert strip.shape[1] > 6 * strip.shape[0]  # a long line
    dark = strip[:, :, 0] < 128
    columns = dark.any(axis=0)
    assert 0.3 < columns.mean() < 0.95  # characters with gaps between them, not a solid bar
    assert dark.mean() < 0.35


@pytest.mark.slow
def test_the_recogniser_reads_the_unrolled_name(make_page: Any) -> None:
    clean, layout = make_page(dpi=DPI, body_rows=6, seal=None)
    page = _stamp(clean, [_line_centre_mm(layout)])
    (region,) = find_seals(red_mask(page))
    ((text, score),) = get_engine(load_settings()).recognise_crops([ring_strip(page, region.box)])
    assert text == "重庆市渝北区卫生健康委员会" and score > 0.8


def test_red_title_characters_touching_across_rows_are_no_seal() -> None:
    """A tight joint mark: two rows of 20 mm bold characters whose strokes touch make one 39 × 37 mm piece."""
    dpi = 200
    ppm = dpi / 25.4
    sheet = Image.new("RGB", (round(210 * ppm), round(297 * ppm)), (245, 243, 238))
    draw = ImageDraw.Draw(sheet)
    font = ImageFont.truetype(str(BOLD_FONT), size=round(20 * ppm), index=2)
    for row, name in enumerate(["国家税务", "国土资源"]):
        draw.text((round(50 * ppm), round((75 + 18 * row) * ppm)), name, font=font, fill=(214, 38, 48))
    page = cv2.cvtColor(np.asarray(sheet), cv2.COLOR_RGB2BGR)
    assert find_seals(red_mask(page)) == []
