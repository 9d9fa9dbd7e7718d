"""Colour-free: the signature line over a date under a seal found by shape is read from a strip of its own
(`workers.ocr.signaturestrip`), on a rendered grey page read by the real models."""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
import pytest
from conftest import render_signature_page

from layout.model import Box, OcrLine, Page
from workers.image.seals import SealRegion
from workers.image.sealshape import find_ring_seals
from workers.ocr.engine import RecordedEngine, get_engine
from workers.ocr.signaturestrip import (
    is_date_like,
    is_signature_reading,
    missed_over_dates,
    missed_under_signatures,
    signature_band,
)
from workers.settings import load_settings

ISSUER = "国务院办公厅"


@pytest.fixture(scope="module")
def grey_page() -> tuple[np.ndarray, Any, list[OcrLine], float]:
    page = render_signature_page(dpi=200, body_rows=2)
    grey = cv2.cvtColor(cv2.cvtColor(page, cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR)
    rings = find_ring_seals(grey)
    assert len(rings) == 1
    lines = get_engine(load_settings()).recognise(np.ascontiguousarray(grey), 1)
    body = float(np.median([ln.box.height for ln in lines]))
    return grey, rings[0].region(), lines, body


@pytest.mark.slow
def test_a_signature_the_looks_missed_over_the_date_is_read_from_its_strip(grey_page: Any) -> None:
    grey, seal, lines, body = grey_page
    date = next(ln for ln in lines if is_date_like(ln.text))
    signature = [ln for ln in lines if ln.box.y1 <= date.box.y0 and ln.box.cy >= date.box.y0 - 2 * body
                 and ln.box.x1 > seal.box.x0]
    assert signature, "the page's own look reads the signature: the test removes it as a detector miss would"
    missed = [ln for ln in lines if ln not in signature]
    found = missed_over_dates(missed, grey, [seal], get_engine(load_settings()), 1, body)
    assert len(found) == 1
    assert sum(ch in found[0].text for ch in ISSUER) >= 4
    assert date.box.y0 - 2 * body <= found[0].box.cy <= date.box.y0


@pytest.mark.slow
def test_with_the_signature_read_nothing_is_read_again(grey_page: Any) -> None:
    grey, seal, lines, body = grey_page
    assert missed_over_dates(lines, grey, [seal], get_engine(load_settings()), 1, body) == []


@pytest.mark.slow
def test_a_date_the_looks_missed_under_the_signature_is_read_from_its_strip(grey_page: Any) -> None:
    """The mirror: the signature read, the date under it missed (the ring's ink across it), read from the strip
    one line under the signature; with the date read, nothing is read again."""
    grey, seal, lines, body = grey_page
    date = next(ln for ln in lines if is_date_like(ln.text) and ln.box.overlap_area(seal.box) > 0)
    missed = [ln for ln in lines if ln is not date]
    found = missed_under_signatures(missed, grey, [seal], get_engine(load_settings()), 1, body)
    assert len(found) == 1 and is_date_like(found[0].text)
    assert "五月十七日" in found[0].text
    assert abs(found[0].box.cy - date.box.cy) <= body / 2
    assert missed_under_signatures(lines, grey, [seal], get_engine(load_settings()), 1, body) == []


def test_a_replay_of_recorded_pages_reads_no_strip() -> None:
    date = OcrLine("2024年5月17日", Box(900, 800, 1200, 840), 0.99, 1)
    engine = RecordedEngine([Page(1, 1654, 2339, (OcrLine(ISSUER, Box(940, 740, 1160, 780), 0.99, 1), date))])
    seal = SealRegion(Box(880, 650, 1220, 990), np.zeros((0, 1, 2), np.int32), "shape")
    assert missed_over_dates([date], np.full((2339, 1654, 3), 255, np.uint8), [seal], engine, 1, 40.0) == []


@pytest.mark.parametrize(("text", "dated"), [("2024年5月17日", True), ("24年5月7日", True), ("二〇二四年五月", True),
                                             ("五月十七日", True), (ISSUER, False), ("第2024号", False)])
def test_date_like(text: str, dated: bool) -> None:
    assert is_date_like(text) is dated


@pytest.mark.parametrize(("text", "box", "kept"), [
    ("重庆市渝北区卫生健康员", Box(700, 745, 1180, 790), True),
    ("重庆", Box(900, 745, 980, 790), False),                      # too short for a body's name
    ("2024年5月17日", Box(900, 745, 1200, 790), False),             # a date
    ("重庆市渝北区卫生健康员", Box(700, 700, 1180, 800), False),    # as tall as the ring's arc
    ("重庆市渝北区卫生健康员", Box(700, 726, 1180, 800), True),     # drawn out to the strip's height, lying along it
    ("重庆市渝北区", Box(900, 726, 1100, 800), False),              # as tall, standing across it (an arc's box)
    ("重庆市渝北区卫生健康员", Box(100, 745, 500, 790), False),     # far left of the seal: other print
])
def test_what_a_strip_reading_must_be(text: str, box: Box, kept: bool) -> None:
    seal, body = Box(880, 650, 1220, 990), 40.0
    band = signature_band(Box(900, 800, 1200, 840), seal, body, 1654)
    line = OcrLine(text, box, 0.95, 1)
    assert is_signature_reading(line, band, seal, [], body) is kept
