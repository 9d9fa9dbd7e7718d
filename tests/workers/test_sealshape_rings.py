from __future__ import annotations

import math

import cv2
import numpy as np

from workers.image.sealshape import find_rings

W, H = 1240, 1754  # A4 at 150 dpi: 5.9 px/mm
PPM = W / 210


def _page() -> np.ndarray:
    return np.full((H, W), 235, np.uint8)


def _ring(page: np.ndarray, cx: int, cy: int, *, text_inside: bool) -> None:
    radius = round(21 * PPM)
    cv2.circle(page, (cx, cy), radius, 120, round(1.2 * PPM))
    if text_inside:  # the seal's name along the ring, close inside it, over 300° of it
        for step in range(60):
            angle = math.radians(-240 + 5 * step)
            x, y = cx + (radius - 2.3 * PPM) * math.cos(angle), cy + (radius - 2.3 * PPM) * math.sin(angle)
            cv2.rectangle(page, (round(x - 8), round(y - 8)), (round(x + 8), round(y + 8)), 120, -1)


def test_a_ring_with_its_text_close_inside_it_is_a_seal() -> None:
    page = _page()
    _ring(page, 800, 1300, text_inside=True)
    (found,) = find_rings(page)
    assert abs(found[0] - 800) < 2 * PPM and abs(found[1] - 1300) < 2 * PPM
    assert abs(found[2] - 21 * PPM) < 2 * PPM


def test_a_dark_disc_and_a_text_block_are_no_seal() -> None:
    page = _page()
    cv2.circle(page, (400, 500), round(21 * PPM), 60, -1)  # a dark blob of seal size: inked on both sides
    for row in range(12):  # a block of text lines
        y = 900 + row * 58
        for col in range(28):
            cv2.rectangle(page, (165 + col * 33, y), (165 + col * 33 + 26, y + 30), 40, 2)
    assert find_rings(page) == []


def _dashed_ring(page: np.ndarray, cx: int, cy: int) -> None:
    """A ring a 1-bit threshold broke: black dashes of 30° and gaps of 30°, on white paper."""
    radius, stroke = round(21 * PPM), round(1.2 * PPM)
    for start in range(0, 360, 60):
        cv2.ellipse(page, (cx, cy), (radius, radius), 0, start, start + 30, 0, stroke)


def test_a_ring_broken_into_dashes_on_a_1_bit_page_is_a_seal() -> None:
    page = np.full((H, W), 255, np.uint8)
    _dashed_ring(page, 800, 1300)
    (found,) = find_rings(page)
    assert abs(found[0] - 800) < 2 * PPM and abs(found[1] - 1300) < 2 * PPM


def test_dashes_along_a_circle_through_text_are_no_seal() -> None:
    """Half a circle of dashes with text on both sides of it (a block of lines) is no thin line."""
    page = np.full((H, W), 255, np.uint8)
    for row in range(14):
        y = 900 + row * 58
        for col in range(28):
            cv2.rectangle(page, (165 + col * 33, y), (165 + col * 33 + 26, y + 30), 0, 2)
    _dashed_ring(page, 620, 1250)
    assert all(abs(cx - 620) > 2 * PPM or abs(cy - 1250) > 2 * PPM for cx, cy, _ in find_rings(page))
