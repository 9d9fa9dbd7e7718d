"""Stroke weight per OCR line (workers.image.typography): bold title type measures heavier than any 仿宋 stand-in
body, at 100–300 dpi, in grayscale and in 1-bit black and white, whatever the size; no colour needed."""

from __future__ import annotations

import time

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw

from fixtures.corpus.fonts import font
from layout.model import Box, OcrLine
from layout.typography import HEAVY_STROKE
from workers.image.typography import line_stroke, measure_strokes, stroke_width_px

TEXT = "关于印发国家老龄事业发展和养老体系建设规划的通知"
BODY_FONTS = ("uming", "serif", "ukai")
"""The corpus's 仿宋 stand-ins (AR PL UMing, Noto Serif CJK, AR PL UKai)."""
BOLD_TITLES = (("serif_bold", 18), ("serif_bold", 22), ("serif_bold", 26), ("sans_bold", 22))
"""小标宋 / bold Song stand-in at 小二, 二号, 一号; bold Hei at 二号."""
BOX_PAD = 0.25
"""The detector's box reaches about this many em above and below the ink (unclip ratio 1.5)."""


def _line_image(key: str, points: int, dpi: int, *, bits: int, blur: float) -> tuple[np.ndarray, OcrLine]:
    """One printed line on white paper (BGR), and an OcrLine boxed the way the detector boxes it."""
    px = round(points / 72 * dpi)
    face = font(key, px)
    width = int(px * len(TEXT) * 1.05) + 2 * px
    image = Image.new("L", (width, 3 * px), 245)
    ImageDraw.Draw(image).text((px, px), TEXT, font=face, fill=20)
    gray = np.array(image)
    if blur:
        gray = cv2.GaussianBlur(gray, (0, 0), blur * dpi / 200)
    if bits == 1:
        gray = np.where(gray < 128, 0, 255).astype(np.uint8)
    ys, xs = np.nonzero(gray < 128)
    pad = BOX_PAD * px
    box = Box(xs.min() - pad, ys.min() - pad, xs.max() + pad, ys.max() + pad)
    return cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR), OcrLine(TEXT, box)


def _stroke(key: str, points: int, dpi: int, bits: int, blur: float = 0.6) -> float:
    image, line = _line_image(key, points, dpi, bits=bits, blur=blur)
    stroke = line_stroke(image, line)
    assert stroke is not None
    return stroke


@pytest.mark.parametrize("bits", [8, 1], ids=["gray", "1-bit"])
@pytest.mark.parametrize("dpi", [100, 150, 200, 300])
def test_bold_title_type_is_heavier_than_every_body_font(dpi: int, bits: int) -> None:
    body = [_stroke(key, 16, dpi, bits) for key in BODY_FONTS]
    for key, points in BOLD_TITLES:
        title = _stroke(key, points, dpi, bits)
        assert all(title >= HEAVY_STROKE * b for b in body), (key, points, title, body)


@pytest.mark.parametrize("bits", [8, 1], ids=["gray", "1-bit"])
@pytest.mark.parametrize("dpi", [150, 300])
def test_regular_hei_title_is_heavier_than_the_body_from_150_dpi(dpi: int, bits: int) -> None:
    body = max(_stroke(key, 16, dpi, bits) for key in BODY_FONTS)
    assert _stroke("sans", 22, dpi, bits) >= HEAVY_STROKE * body


@pytest.mark.parametrize("key", BODY_FONTS)
def test_one_font_is_never_bold_against_itself_at_any_size_or_scan_mode(key: str) -> None:
    """The weight is relative to the line's height: 16 pt and 22 pt of one font, gray or 1-bit, stay within
    the heavy threshold of each other (measured spread: up to 1.11×)."""
    strokes = [_stroke(key, points, 200, bits) for points in (16, 22) for bits in (8, 1)]
    assert max(strokes) < HEAVY_STROKE * min(strokes)


def test_blank_or_speck_crops_have_no_stroke() -> None:
    paper = np.full((60, 400), 240, np.uint8)
    assert stroke_width_px(paper) is None
    paper[30, 200] = 0
    assert stroke_width_px(paper) is None
    page = cv2.cvtColor(paper, cv2.COLOR_GRAY2BGR)
    assert line_stroke(page, OcrLine("", Box(500, 500, 600, 540))) is None  # outside the page


def test_measure_strokes_sets_every_line_and_is_cheap() -> None:
    """40 body lines at 300 dpi: a fraction of a second (the bound is an order of magnitude above the
    expected ~10 ms, so a slow shared machine does not fail it; bench.run reports the real share)."""
    image, line = _line_image("uming", 16, 300, bits=8, blur=0.6)
    page = np.vstack([image] * 40)
    step = image.shape[0]
    lines = [OcrLine(TEXT, Box(line.box.x0, line.box.y0 + i * step, line.box.x1, line.box.y1 + i * step))
             for i in range(40)]
    started = time.perf_counter()
    measured = measure_strokes(page, lines)
    assert time.perf_counter() - started < 1.0
    strokes = [ln.stroke for ln in measured]
    assert all(s is not None for s in strokes)
    assert max(strokes) == min(strokes)  # type: ignore[type-var]
