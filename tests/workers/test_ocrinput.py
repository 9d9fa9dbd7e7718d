"""workers.ocr.ocrinput: the detector's scale from the page size, the inked region, the shrunk input and its mapping back."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from workers.ocr.ocrinput import (
    DET_MULTIPLE_PX,
    DET_PX_PER_MM,
    PAGE_LONG_SIDE_MM,
    detector_input,
    detector_scale,
    inked_region,
)

A4_200DPI = (2339, 1654, 3)
A4_300DPI = (3508, 2480, 3)


def _page(shape: tuple[int, int, int] = A4_200DPI) -> np.ndarray:
    return np.full(shape, 250, np.uint8)


def test_one_detector_size_for_a4_pages_at_any_resolution() -> None:
    sizes = {round(max(shape[:2]) * detector_scale(shape)) for shape in (A4_200DPI, A4_300DPI, (1754, 1240, 3))}
    assert sizes == {round(PAGE_LONG_SIDE_MM * DET_PX_PER_MM)}
    assert detector_scale((2339, 1654, 3)) == pytest.approx(PAGE_LONG_SIDE_MM * DET_PX_PER_MM / 2339)
    assert detector_scale((1654, 2339, 3)) == detector_scale((2339, 1654, 3))  # landscape: the same paper


def test_small_images_are_not_enlarged() -> None:
    assert detector_scale((600, 900, 3)) == 1.0
    assert detector_scale((0, 0, 3)) == 1.0


def test_blank_page_has_no_inked_region() -> None:
    page = _page()
    page[:, :] = 200  # grey paper is still paper
    assert inked_region(page) is None


def test_inked_region_covers_black_and_red_ink_with_a_margin() -> None:
    page = _page()
    cv2.putText(page, "TITLE", (500, 400), cv2.FONT_HERSHEY_SIMPLEX, 3, (30, 30, 220), 8)  # red (BGR)
    cv2.rectangle(page, (300, 1200), (1300, 1240), (20, 20, 20), -1)  # a black "line"
    region = inked_region(page)
    assert region is not None
    x0, y0, x1, y1 = region
    margin = 5.0 * max(A4_200DPI[:2]) / PAGE_LONG_SIDE_MM
    assert x0 <= 300 - margin + 4 and x1 >= 1300 + margin - 4  # 4 px: the search view's pixel
    assert y0 <= 400 - 60 - margin + 4 and y1 >= 1240 + margin - 4
    assert y1 < 1400  # the empty lower half is left out
    assert x0 > 0 and y0 > 0


def test_faint_ink_counts_and_flat_tint_does_not() -> None:
    page = _page()
    page[100:2200, 100:1500] = 235  # a tinted block (shading): no contrast inside it
    cv2.putText(page, "faint", (600, 1000), cv2.FONT_HERSHEY_SIMPLEX, 2, (180, 180, 180), 5)
    region = inked_region(page)
    assert region is not None
    x0, y0, x1, y1 = region
    assert y0 < 1000 < y1 and x0 < 600 < x1
    assert y1 - y0 < 200 and x1 - x0 < 300  # the word and its margin: the shading is not ink


def test_detector_input_is_shrunk_to_multiples_of_32_and_maps_back() -> None:
    page = _page()
    cv2.rectangle(page, (400, 800), (1200, 860), (0, 0, 0), -1)
    scale = detector_scale(page.shape)
    feed = detector_input(page, scale, (200, 600, 1400, 1000))
    height, width = feed.image.shape[:2]
    assert height % DET_MULTIPLE_PX == 0 and width % DET_MULTIPLE_PX == 0
    assert width == pytest.approx(1200 * scale, abs=DET_MULTIPLE_PX / 2)
    # the drawn box, found on the detector input, maps back onto the page
    ys, xs = np.nonzero(feed.image[:, :, 0] < 128)
    corners = np.array([[xs.min(), ys.min()], [xs.max() + 1, ys.max() + 1]])
    back = feed.to_page(corners)
    assert back[0] == pytest.approx([400, 800], abs=4) and back[1] == pytest.approx([1201, 861], abs=4)
    assert feed.to_page(np.zeros((4, 2))).dtype == np.float32


def test_detector_input_of_a_small_image_keeps_its_pixels() -> None:
    image = _page((96, 320, 3))
    feed = detector_input(image, 1.0)
    assert feed.image.shape == (96, 320, 3) and feed.factor == (1.0, 1.0) and feed.offset == (0, 0)
