"""Red ink: the mask keeps red titles, rules and light seals, and leaves out black text, grey noise and
yellowed paper; `red_fraction` tells a red line (~1) from a black line under a seal (low)."""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
import pytest

from layout.model import Box
from workers.image.orientation import OrientationClassifier
from workers.image.preprocess import prepare_page, red_fraction
from workers.image.redink import (
    RED_MIN_EXCESS,
    RED_MIN_SATURATION,
    RED_MIN_VALUE,
    SCOUT_MIN_PIXELS,
    _colour_mask,
    red_mask,
)


def _crop(array: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    x0, y0, x1, y1 = box
    return array[y0:y1, x0:x1]


def _disc_interior(layout: Any, shape: tuple[int, ...], shrink: float = 0.9) -> np.ndarray:
    cx, cy = layout.seal_centre
    yy, xx = np.mgrid[: shape[0], : shape[1]]
    return (xx - cx) ** 2 + (yy - cy) ** 2 < (layout.seal_radius * shrink) ** 2


@pytest.mark.parametrize("aged", [False, True])
def test_mask_keeps_red_title_and_leaves_black_text_and_paper(make_page: Any, age: Any, aged: bool) -> None:
    page, layout = make_page(seal="ring")
    if aged:
        page = age(page, seed=3)
    mask = red_mask(page) > 0
    gray = cv2.cvtColor(page, cv2.COLOR_BGR2GRAY)
    title_strokes = _crop(gray, layout.title) < 150
    assert _crop(mask, layout.title)[title_strokes].mean() >= 0.95
    clear_of_seal = [b for b in layout.body_lines if b[3] < layout.seal_centre[1] - layout.seal_radius]
    assert len(clear_of_seal) >= 10
    for line in clear_of_seal:
        assert _crop(mask, line).mean() <= 0.001
    top_margin = mask[: layout.title[1] - 20]
    assert top_margin.mean() == 0.0


@pytest.mark.parametrize("seal_ink", [0.3, 0.55])
def test_mask_keeps_a_light_semi_transparent_seal(make_page: Any, age: Any, seal_ink: float) -> None:
    page, layout = make_page(seal="disc", seal_ink=seal_ink)
    page = age(page, seed=5)
    raw = red_mask(page)
    assert raw.shape == page.shape[:2] and raw.dtype == np.uint8
    assert set(np.unique(raw).tolist()) == {0, 255}
    mask = raw > 0
    gray = cv2.cvtColor(page, cv2.COLOR_BGR2GRAY)
    tinted_paper = _disc_interior(layout, gray.shape) & (gray > 120)  # inside the disc, not under black strokes
    assert mask[tinted_paper].mean() >= 0.9


def test_grey_and_dark_pixels_are_not_red() -> None:
    # greys, near-black with a red cast, yellowed and beige paper, orange — none is red ink
    colours_bgr = [(128, 128, 128), (30, 30, 60), (40, 45, 70), (200, 232, 246), (215, 230, 245), (0, 140, 255)]
    swatch = np.array([colours_bgr], dtype=np.uint8)
    assert not red_mask(swatch).any()
    reds_bgr = [(35, 30, 200), (60, 40, 150), (150, 150, 240), (200, 190, 245)]  # ink, dark red, light seal tints
    assert red_mask(np.array([reds_bgr], dtype=np.uint8)).all()


@pytest.mark.parametrize("seal", ["disc", "ring"])
def test_red_fraction_tells_a_red_line_from_a_black_line_under_a_seal(make_page: Any, seal: str) -> None:
    page, layout = make_page(seal=seal)
    mask = red_mask(page)
    red_title = red_fraction(mask, page, Box(*layout.title))
    black_line = red_fraction(mask, page, Box(*layout.body_lines[2]))
    under_seal = red_fraction(mask, cv2.cvtColor(page, cv2.COLOR_BGR2GRAY), Box(*layout.seal_line))
    assert red_title >= 0.9
    assert black_line <= 0.02
    assert under_seal <= 0.3
    assert under_seal < red_title / 3


def test_red_fraction_of_a_red_rule_and_of_empty_boxes(make_page: Any) -> None:
    page, layout = make_page()
    mask = red_mask(page)
    rows = np.flatnonzero(mask[:, page.shape[1] // 2] > 0)
    rule_y = int(rows[rows > layout.title[3]].min())  # the red rule under the title
    rule_box = Box(layout.body_lines[0][0], rule_y - 10, layout.body_lines[0][2], rule_y + 12)
    assert red_fraction(mask, page, rule_box) >= 0.9
    rule_rows = np.flatnonzero(mask[rule_y : rule_y + 20, page.shape[1] // 2] > 0) + rule_y
    tight = Box(layout.body_lines[0][0], rule_rows.min(), layout.body_lines[0][2], rule_rows.max() + 1)
    assert red_fraction(mask, page, tight) >= 0.9  # a box no higher than the rule still sees the paper around it
    assert red_fraction(mask, page, Box(10, 10, 200, 60)) == 0.0  # blank margin: no ink
    assert red_fraction(mask, page, Box(-50, -50, -10, -10)) == 0.0  # outside the page
    assert red_fraction(mask, page, Box(5, 5, 5, 5)) == 0.0  # empty box


def test_mask_is_computed_on_the_upright_image(page_200dpi: Any, classifier: OrientationClassifier) -> None:
    page, layout = page_200dpi
    prepared = prepare_page(cv2.rotate(page, cv2.ROTATE_180), page=1, orientation=classifier)
    assert prepared.rotation == 180
    assert np.array_equal(prepared.red_mask, red_mask(prepared.image))
    # the upright page's title is red where the upright render drew it
    assert red_fraction(prepared.red_mask, prepared.image, Box(*layout.title)) >= 0.9
    assert red_fraction(prepared.red_mask, prepared.image, Box(*layout.body_lines[2])) <= 0.02


def test_page_without_red_gets_an_empty_mask_without_computing_it(make_page: Any, turn: Any) -> None:
    page, _ = make_page(title=None, seal=None, offset=9)
    prepared = prepare_page(turn(page, 1.5), page=1, orientation=None)
    assert prepared.red_mask.shape == prepared.image.shape[:2] and prepared.red_mask.dtype == np.uint8
    assert not prepared.red_mask.any()
    assert np.array_equal(prepared.red_mask, red_mask(prepared.image))  # nothing was missed by skipping it


@pytest.mark.parametrize(("dpi", "seal_ink"), [(200, 0.3), (150, 0.55)])
def test_scouted_mask_matches_the_full_page_mask(make_page: Any, age: Any, dpi: int, seal_ink: float) -> None:
    # red_mask examines only the row bands a quarter-size scout finds red in; nothing real may be lost
    page, _ = make_page(dpi=dpi, seal="ring", seal_ink=seal_ink)
    page = age(page, seed=dpi)
    scouted = red_mask(page)
    full = _colour_mask(page, RED_MIN_SATURATION, RED_MIN_VALUE, RED_MIN_EXCESS)
    assert page.shape[0] * page.shape[1] >= SCOUT_MIN_PIXELS
    assert np.count_nonzero(scouted != full) <= 0.001 * np.count_nonzero(full)
