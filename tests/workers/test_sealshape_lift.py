from __future__ import annotations

import numpy as np
import pytest

from workers.image.sealshape import FADE_SHARE, RingSeal, remove_ring_ink

PAPER, TEXT, SEAL = 235, 60, 125


def _page() -> np.ndarray:
    """A grey page: a mid-grey ring with a mid-grey seal character inside, a black text bar across it and a
    thin text stroke as light as the seal (what a 仿宋 stroke becomes in a 200 dpi grey JPEG)."""
    page = np.full((400, 300), PAPER, np.uint8)
    ys, xs = np.mgrid[0:400, 0:300]
    distance = np.hypot(xs - 150, ys - 200)
    page[np.abs(distance - 100) <= 3] = SEAL
    page[170:176, 120:180] = SEAL  # a character of the seal's own text
    page[198:204, 80:220] = TEXT  # the black core of a signature stroke
    page[230:232, 80:220] = 110  # a thin light stroke of the date
    return page


def _seal(text_level: float) -> RingSeal:
    return RingSeal(cx=150, cy=200, radius=100, stroke=6, seal_level=SEAL, text_level=text_level, paper_level=PAPER)


def test_a_grey_seal_is_faded_and_no_text_stroke_is_wiped() -> None:
    page = _page()
    out = remove_ring_ink(page, [_seal(TEXT)])
    assert out is not page and page[200, 150] == TEXT  # the page itself is left alone
    faded = PAPER - FADE_SHARE * (PAPER - SEAL)
    assert out[100, 150] == PAPER  # the ring's top: its measured circle taken off by its transmission
    assert out[172, 150] == pytest.approx(faded, abs=1)  # the seal's character, faded
    assert out[200, 150] == TEXT  # the black stroke stays as it is
    # the light stroke keeps some contrast: wiping it to paper took the 〇 out of 二〇二四年
    assert PAPER - out[231, 150] >= 0.25 * (PAPER - 110)
    assert out[231, 150] >= page[231, 150]


def test_a_seal_as_black_as_the_text_loses_only_its_ring() -> None:
    page = _page()
    out = remove_ring_ink(page, [_seal(SEAL - 10)])  # 1-bit or a black stamp: levels cannot tell them apart
    assert out[100, 150] == PAPER  # the ring's stroke wiped
    assert out[172, 150] == SEAL and out[231, 150] == 110 and out[200, 150] == TEXT


def test_where_two_grey_rings_cross_their_ink_goes_and_the_text_under_a_ring_stays() -> None:
    """Two seals overlap (a joint issue): where their rings cross, their inks multiply to the text's black,
    which no level can tell from text; the rings' measured circles and transmission take them off."""
    page = np.full((400, 500), PAPER, np.float32)
    ys, xs = np.mgrid[0:400, 0:500]
    transmission = SEAL / PAPER
    for cx in (180, 320):
        page[np.abs(np.hypot(xs - cx, ys - 200) - 100) <= 3] *= transmission
    page[140:146, 60:440] *= TEXT / PAPER  # a signature stroke across both rings
    page = page.round().astype(np.uint8)
    crossing = (round(200 - np.sqrt(100**2 - 70**2)), 250)  # (row, column) where the rings cross
    assert page[crossing] <= TEXT + 10  # as black as the text
    seals = [RingSeal(cx=cx, cy=200, radius=100, stroke=6, seal_level=SEAL, text_level=TEXT, paper_level=PAPER)
             for cx in (180, 320)]
    out = remove_ring_ink(page, seals)
    assert out[crossing] >= PAPER - FADE_SHARE * (PAPER - SEAL) - 2  # no black left where the rings cross
    row = 143
    under = int(np.flatnonzero(np.abs(np.hypot(np.arange(500) - 180, row - 200) - 100) <= 1)[0])
    assert page[row, under] < TEXT - 15  # the stroke under the ring is darker than text ...
    assert abs(int(out[row, under]) - TEXT) <= 3  # ... and is the text's black again, not paper


def test_a_text_stroke_beside_a_grey_ring_inside_its_band_is_not_lightened() -> None:
    """The ring's band reaches a pixel past its measured stroke (its rim): a text stroke there, as dark as the
    text and no darker, has no ring ink on it; dividing it by the ring's transmission would fade it."""
    page = np.full((400, 300), PAPER, np.uint8)
    ys, xs = np.mgrid[0:400, 0:300]
    distance = np.hypot(xs - 150, ys - 200)
    page[np.abs(distance - 100) <= 3] = SEAL
    page[(np.abs(distance - 100) > 3) & (np.abs(distance - 100) <= 4) & (xs < 60)] = TEXT  # a 呼 beside the ring
    out = remove_ring_ink(page, [_seal(TEXT)])
    beside = np.argwhere(page == TEXT)
    assert len(beside) > 0
    assert all(out[y, x] <= TEXT + 2 for y, x in beside)


def test_a_ring_as_dark_as_light_text_is_wiped_in_the_middle_of_its_band() -> None:
    """A light body font (text at 90) and a heavy seal (ring core at 100): in the middle of the ring's band a
    pixel that dark is the ring's own ink, taken off; only on the band's rim would it count as text beside it."""
    page = np.full((400, 300), PAPER, np.uint8)
    ys, xs = np.mgrid[0:400, 0:300]
    page[np.abs(np.hypot(xs - 150, ys - 200) - 100) <= 3] = 100
    seal = RingSeal(cx=150, cy=200, radius=100, stroke=6, seal_level=120, text_level=90, paper_level=PAPER)
    out = remove_ring_ink(page, [seal])
    assert out[100, 150] >= PAPER - FADE_SHARE * (PAPER - 120) - 2
