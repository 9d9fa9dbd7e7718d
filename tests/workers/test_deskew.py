"""Deskew: pages turned by known angles come back level (within 0.3°), level pages are left untouched.

Pages come from the renderer in tests/workers/conftest.py (fixtures `page_200dpi`, `make_page`, `turn`, `age`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import cv2
import numpy as np
import pytest

from workers.image.deskew import MIN_SKEW_DEG, estimate_skew, rotate_page
from workers.image.inkview import measuring_view
from workers.image.preprocess import prepare_page

SWEEP_DEG = (-15.0, -7.5, -3.5, -1.0, 0.0, 0.5, 2.0, 5.0, 10.0, 15.0)
MAX_RESIDUAL_DEG = 0.3
Turn = Callable[[np.ndarray, float], np.ndarray]


def _residual(scan: np.ndarray, turned_by: float) -> float:
    """Skew left after preprocessing a scan that was turned CCW by `turned_by` degrees."""
    prepared = prepare_page(scan, page=1, orientation=None)
    return prepared.skew + turned_by


@pytest.mark.parametrize("angle", SWEEP_DEG)
def test_full_page_with_red_title_and_seal_comes_back_level(page_200dpi: Any, turn: Turn, angle: float) -> None:
    page, _ = page_200dpi
    assert abs(_residual(turn(page, angle), angle)) <= MAX_RESIDUAL_DEG


@pytest.mark.parametrize("angle", SWEEP_DEG)
def test_sparse_last_page_comes_back_level(make_page: Any, turn: Turn, angle: float) -> None:
    # two body lines under the red title and rule, a seal over the last one: little text, much red
    page, _ = make_page(body_rows=2, seal="disc")
    assert abs(_residual(turn(page, angle), angle)) <= MAX_RESIDUAL_DEG


SHORT_LINES = {"body_rows": 4, "max_chars": 10, "title": None, "seal": None}
SHORT_LINES_300DPI = {"body_rows": 6, "max_chars": 12, "dpi": 300}


@pytest.mark.parametrize(
    ("kwargs", "angle"),
    [(SHORT_LINES, a) for a in (-7.5, -1.0, -0.3, 0.2, 0.7, 2.0, 5.0)]
    + [(SHORT_LINES_300DPI, a) for a in (-0.3, 0.7)],
)
def test_short_lines_come_back_level(make_page: Any, turn: Turn, age: Any, kwargs: dict[str, Any], angle: float) -> None:
    # a last page of contact lines: few, short lines (the measuring view alone is only good to ~0.3° here;
    # the full-resolution refit brings it well under)
    page, _ = make_page(**kwargs)
    assert abs(_residual(age(turn(page, angle), seed=1), angle)) <= 0.2


@pytest.mark.parametrize(("dpi", "angle"), [(150, -3.5), (300, 2.0), (150, 10.0)])
def test_other_resolutions_and_aged_scans(make_page: Any, turn: Turn, age: Any, dpi: int, angle: float) -> None:
    page, _ = make_page(dpi=dpi, offset=17)
    scan = age(turn(page, angle), seed=dpi)
    assert abs(_residual(scan, angle)) <= MAX_RESIDUAL_DEG


def test_corrected_page_measures_level_again(page_200dpi: Any, turn: Turn) -> None:
    page, _ = page_200dpi
    prepared = prepare_page(turn(page, 5.0), page=1, orientation=None)
    again = estimate_skew(measuring_view(prepared.image))
    assert again is not None
    assert abs(again.angle) <= MAX_RESIDUAL_DEG
    assert prepared.image.shape == page.shape
    assert prepared.red_mask.shape == page.shape[:2]
    assert "page 1: skew 5.0° corrected" in prepared.warnings


def test_level_page_is_not_resampled(page_200dpi: Any) -> None:
    page, _ = page_200dpi
    prepared = prepare_page(page, page=1, orientation=None)
    assert prepared.skew == 0.0 < MIN_SKEW_DEG
    assert np.array_equal(prepared.image, page)
    assert prepared.warnings == ()


def test_small_skew_is_corrected_but_not_reported(page_200dpi: Any, turn: Turn) -> None:
    page, _ = page_200dpi
    prepared = prepare_page(turn(page, 0.5), page=4, orientation=None)
    assert prepared.skew != 0.0
    assert abs(prepared.skew + 0.5) <= MAX_RESIDUAL_DEG
    assert prepared.warnings == ()


def test_canvas_grows_only_when_ink_would_be_cut(page_200dpi: Any) -> None:
    page, layout = page_200dpi
    # crop the page tight around its text: turning it by 12° pushes the text's corners out of the frame
    x0 = min(b[0] for b in layout.body_lines) - 10
    x1 = max(b[2] for b in layout.body_lines) + 10
    y0, y1 = layout.title[1] - 10, layout.body_lines[-1][3] + 10
    tight = np.ascontiguousarray(page[y0:y1, x0:x1])
    grown = rotate_page(tight, 12.0, measuring_view(tight))
    assert grown.shape[0] > tight.shape[0] and grown.shape[1] > tight.shape[1]
    ink_before = int((cv2.cvtColor(tight, cv2.COLOR_BGR2GRAY) < 128).sum())
    ink_after = int((cv2.cvtColor(grown, cv2.COLOR_BGR2GRAY) < 128).sum())
    assert ink_after == pytest.approx(ink_before, rel=0.05)
    # without the view the size is kept (and ink is lost at the corners)
    assert rotate_page(tight, 12.0).shape == tight.shape
    # the full page has wide margins: the same turn keeps its size
    assert rotate_page(page, 12.0, measuring_view(page)).shape == page.shape


def test_blank_page_is_reported_and_left_alone() -> None:
    blank = np.full((2339, 1654, 3), 245, np.uint8)
    assert estimate_skew(measuring_view(blank)) is None
    prepared = prepare_page(blank, page=7, orientation=None)
    assert prepared.skew == 0.0 and prepared.rotation == 0
    assert prepared.warnings == ("page 7: blank page (no ink found)",)
    assert not prepared.red_mask.any()
    assert np.array_equal(prepared.image, blank)


def test_grey_and_bgra_inputs_are_accepted(page_200dpi: Any, turn: Turn) -> None:
    page, _ = page_200dpi
    scan = turn(page, -2.0)
    gray = prepare_page(cv2.cvtColor(scan, cv2.COLOR_BGR2GRAY), page=1, orientation=None)
    bgra = prepare_page(cv2.cvtColor(scan, cv2.COLOR_BGR2BGRA), page=1, orientation=None)
    assert gray.image.shape == bgra.image.shape == page.shape
    assert abs(gray.skew - 2.0) <= MAX_RESIDUAL_DEG and abs(bgra.skew - 2.0) <= MAX_RESIDUAL_DEG


def test_page_without_text_lines_is_left_alone(classifier: Any) -> None:
    # noise has ink everywhere but no lines: no angle, no quarter turn (its profiles have no peak)
    noise = np.random.default_rng(0).integers(0, 256, (1200, 900, 3), dtype=np.uint8)
    assert estimate_skew(measuring_view(noise)) is None
    prepared = prepare_page(noise, page=1, orientation=classifier)
    assert prepared.rotation == 0 and prepared.skew == 0.0
    assert np.array_equal(prepared.image, noise)


def test_a_few_words_are_still_levelled(make_page: Any, turn: Turn) -> None:
    page, _ = make_page(body_rows=2, max_chars=6, title=None, seal=None)
    assert abs(_residual(turn(page, 3.0), 3.0)) <= MAX_RESIDUAL_DEG


SIGNATURE_PAGE_RESIDUAL_DEG = 0.5
"""Three lines of 6–10 characters (at 100 dpi the view is the page: no finer refit) level to within this."""


@pytest.mark.parametrize("body_rows", [0, 2])
@pytest.mark.parametrize("dpi", [100, 200])
@pytest.mark.parametrize("angle", [-3.0, -1.5, 1.5, 3.0, 8.0])
def test_last_page_with_a_note_below_the_date_comes_back_level(
    turn: Turn, age: Any, dpi: int, angle: float, body_rows: int
) -> None:
    """Issuer, date and the note a line below the date to its left, alone on the page: the date and the note
    line up at a tilt as sharply as level (the profile alone levelled such a page 6° off); the lines' own
    shape picks the level peak."""
    from conftest import render_signature_page

    page = render_signature_page(dpi=dpi, body_rows=body_rows)
    assert abs(_residual(age(turn(page, angle), seed=2), angle)) <= SIGNATURE_PAGE_RESIDUAL_DEG


@pytest.mark.parametrize("angle", [-1.6, 1.6])
def test_a_one_bit_last_page_whose_black_ring_cuts_the_date_comes_back_level(turn: Turn, angle: float) -> None:
    """On a 1-bit scan the seal is black: its ring cuts the date into pieces too short to be lines, and the
    code number along its lower arc closes into a line-shaped blob at the arc's tilt. The note is then the one
    real line; with the arc it made no agreeing pair, and the profile alone levelled such a page 14° off."""
    from conftest import render_signature_page

    from fixtures.corpus.modes import to_bw, to_gray

    scan = turn(render_signature_page(dpi=300, seal="stamped"), angle)
    bw = np.asarray(to_bw(to_gray(cv2.cvtColor(scan, cv2.COLOR_BGR2RGB)), 170).convert("L"))
    assert abs(_residual(cv2.cvtColor(bw, cv2.COLOR_GRAY2BGR), angle)) <= SIGNATURE_PAGE_RESIDUAL_DEG


@pytest.mark.parametrize("angle", [-1.5, 2.0])
def test_line_shapes_give_the_angle_of_a_sparse_page(turn: Turn, angle: float) -> None:
    from conftest import render_signature_page

    from workers.image.deskew import line_shape_angle

    view = measuring_view(turn(render_signature_page(seal=None), angle))
    measured = line_shape_angle(view.ink)
    assert measured is not None and abs(measured + angle) <= 1.0
