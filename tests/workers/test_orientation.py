"""Orientation: pages scanned sideways or upside down come back upright (0/90/180/270), with a warning.

The 90° decision comes from the projection profiles; 0° vs 180° from the real PP-OCR direction classifier
(`ch_ppocr_mobile_v2.0_cls_mobile.onnx` from the rapidocr wheel), loaded once for the session.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import cv2
import numpy as np
import pytest

from workers.image.deskew import estimate_skew
from workers.image.inkview import measuring_view
from workers.image.orientation import CLS_MODEL_FILE, OrientationClassifier, _session, is_sideways, line_crops
from workers.image.preprocess import prepare_page

Turn = Callable[[np.ndarray, float], np.ndarray]
# how a page that needs a clockwise turn of `rotation` degrees was scanned
SCANNED_AS = {0: None, 90: cv2.ROTATE_90_COUNTERCLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_CLOCKWISE}
MIN_CORRELATION = 0.99
"""Prepared page vs the upright render, pixel by pixel: a wrong turn gives ~0."""


def _scan(page: np.ndarray, rotation: int) -> np.ndarray:
    code = SCANNED_AS[rotation]
    return page if code is None else cv2.rotate(page, code)


def _correlation(a: np.ndarray, b: np.ndarray) -> float:
    assert a.shape == b.shape
    ga = cv2.cvtColor(a, cv2.COLOR_BGR2GRAY).astype(np.float32).ravel()
    gb = cv2.cvtColor(b, cv2.COLOR_BGR2GRAY).astype(np.float32).ravel()
    return float(np.corrcoef(ga, gb)[0, 1])


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_quarter_turns_come_back_upright(page_200dpi: Any, classifier: OrientationClassifier, rotation: int) -> None:
    page, _ = page_200dpi
    prepared = prepare_page(_scan(page, rotation), page=2, orientation=classifier)
    assert prepared.rotation == rotation
    assert prepared.skew == 0.0
    assert _correlation(prepared.image, page) >= MIN_CORRELATION
    expected = (f"page 2: rotated {rotation}°",) if rotation else ()
    assert prepared.warnings == expected


@pytest.mark.parametrize(("rotation", "angle"), [(180, 3.0), (90, -6.0), (270, 1.5)])
def test_turned_and_skewed_scans_come_back_upright_and_level(
    make_page: Any, turn: Turn, age: Any, classifier: OrientationClassifier, rotation: int, angle: float
) -> None:
    page, _ = make_page(dpi=150, offset=40)
    scan = age(turn(_scan(page, rotation), angle), seed=rotation)
    prepared = prepare_page(scan, page=3, orientation=classifier)
    assert prepared.rotation == rotation
    assert abs(prepared.skew + angle) <= 0.3
    assert prepared.image.shape == page.shape
    assert _correlation(prepared.image, page) >= 0.8  # aged, resampled twice: not pixel-identical
    assert f"page 3: rotated {rotation}°" in prepared.warnings


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_sparse_page_orientation(make_page: Any, classifier: OrientationClassifier, rotation: int) -> None:
    page, _ = make_page(body_rows=2, seal="disc")
    prepared = prepare_page(_scan(page, rotation), page=5, orientation=classifier)
    assert prepared.rotation == rotation
    assert _correlation(prepared.image, page) >= MIN_CORRELATION


def test_sideways_is_told_by_the_profiles(make_page: Any) -> None:
    for kwargs in ({}, {"body_rows": 1, "title": None, "seal": None}, {"body_rows": 3}):
        page, _ = make_page(**kwargs)
        upright = estimate_skew(measuring_view(page))
        sideways = estimate_skew(measuring_view(cv2.rotate(page, cv2.ROTATE_90_CLOCKWISE)))
        assert upright is not None and sideways is not None
        assert not is_sideways(upright), kwargs
        assert is_sideways(sideways), kwargs


def test_without_classifier_a_sideways_page_is_only_reported(page_200dpi: Any) -> None:
    page, _ = page_200dpi
    scan = _scan(page, 90)
    prepared = prepare_page(scan, page=6, orientation=None)
    assert prepared.rotation == 0
    assert np.array_equal(prepared.image, scan)
    assert prepared.warnings == ("page 6: text lines run vertically; orientation not checked",)


def test_line_crops_are_level_text_lines_of_the_classifier_aspect(
    page_200dpi: Any, classifier: OrientationClassifier
) -> None:
    page, layout = page_200dpi
    crops = line_crops(page, measuring_view(page), 0.0)
    assert 1 <= len(crops) <= 6
    body_h = layout.body_lines[0][3] - layout.body_lines[0][1]
    for crop in crops:
        h, w = crop.shape[:2]
        assert 0.8 * body_h <= h <= 1.6 * body_h
        assert 3.5 <= w / h <= 4.05
    upright = classifier.probabilities(crops)
    flipped = classifier.probabilities([cv2.rotate(c, cv2.ROTATE_180) for c in crops])
    assert upright.shape == (len(crops), 2)
    assert np.allclose(upright.sum(axis=1), 1.0, atol=1e-3)
    assert (upright[:, 0] > 0.9).all() and (flipped[:, 1] > 0.9).all()
    assert classifier.upside_down_margin([]) == 0.0


def test_classifier_session_is_loaded_once_per_process(classifier: OrientationClassifier) -> None:
    other = OrientationClassifier()
    assert other.model_path == classifier.model_path
    assert other.model_path.name == CLS_MODEL_FILE and other.model_path.is_file()
    assert _session(other.model_path) is _session(classifier.model_path)


def _with_page_edges(page: np.ndarray) -> np.ndarray:
    """Dark scanner border on the left, paper-edge shadows on three sides joined into a frame."""
    framed = page.copy()
    h, w = framed.shape[:2]
    framed[:, :10] = 0
    cv2.line(framed, (25, 30), (25, h - 1), (60, 60, 60), 6)
    cv2.line(framed, (w - 25, 30), (w - 25, h - 1), (60, 60, 60), 6)
    cv2.line(framed, (25, 30), (w - 25, 30), (60, 60, 60), 6)
    return framed


@pytest.mark.parametrize("angle", [0.0, 2.0])
def test_page_edges_do_not_make_a_sparse_page_sideways(
    make_page: Any, turn: Turn, classifier: OrientationClassifier, angle: float
) -> None:
    page, _ = make_page(body_rows=2)
    prepared = prepare_page(turn(_with_page_edges(page), angle), page=1, orientation=classifier)
    assert prepared.rotation == 0
    assert abs(prepared.skew + angle) <= 0.3


@pytest.mark.parametrize("rotation", [0, 180])
def test_grey_scan_with_a_grey_seal(make_page: Any, turn: Turn, classifier: OrientationClassifier, rotation: int) -> None:
    page, _ = make_page(body_rows=3, offset=5)
    grey = cv2.cvtColor(cv2.cvtColor(page, cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR)  # seal and title now grey
    prepared = prepare_page(turn(_scan(grey, rotation), 4.0), page=1, orientation=classifier)
    assert prepared.rotation == rotation
    assert abs(prepared.skew + 4.0) <= 0.3
    assert not prepared.red_mask.any()
