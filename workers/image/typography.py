"""Typography measured from the page itself: the stroke weight of each OCR line.

`measure_strokes(image, lines)` gives each line `stroke`: the mean stroke width of the ink in the line's
crop, divided by the line's box height (dimensionless, so it compares lines of different sizes and pages
of different dpi). A bold title (小标宋, bold Song, Hei) measures clearly heavier than a 仿宋 body line of
the same page; the layout rules compare a line with the page's body lines, never with a fixed value.

The measure, per line crop of the grayscale page (the image the OCR read: seal ink lifted):
ink = pixels darker than the crop's Otsu threshold; stroke width ≈ 2 · ink area / ink perimeter, the
perimeter counted as the ink/paper transitions along rows and columns (a stroke of length L and width w
has area L·w and about 2·L transitions). It needs no colour (grayscale and 1-bit scans measure alike),
costs a few numpy passes over each crop (well under 1% of a page's OCR time: see `bench.run`'s
`preprocess_s`), and leaves `stroke` None where a crop holds too little ink to say.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import cv2
import numpy as np

from layout.model import OcrLine

MIN_INK_PIXELS = 40
"""A crop with less ink than this (a speck, a dot) gives no stroke width worth comparing."""

MIN_CONTRAST = 40
"""Ink must be this many grey levels darker than the paper of its crop (else the crop is blank)."""

PAPER_PERCENTILE = 75
"""Most of a line's crop is paper: this percentile of its grey levels is the paper's level."""

INK_PERCENTILE = 1
"""...and this one the full-strength ink's (a few dark specks do not set it)."""

STROKE_DECIMALS = 4


def _gray_crop(image: np.ndarray, line: OcrLine) -> np.ndarray | None:
    height, width = image.shape[:2]
    x0, y0 = max(0, int(line.box.x0)), max(0, int(line.box.y0))
    x1, y1 = min(width, round(line.box.x1)), min(height, round(line.box.y1))
    if x1 - x0 < 3 or y1 - y0 < 3:
        return None
    crop = image[y0:y1, x0:x1]
    return cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY) if crop.ndim == 3 else crop


def ink_mask(gray: np.ndarray, level: float = 0.5) -> np.ndarray | None:
    """The ink of a grayscale crop (bool): darker than `level` of the way from its paper to its darkest ink
    (half-way by default: a blurred stroke, low dpi or soft focus, crosses the middle grey at its true edges,
    where Otsu's threshold would widen thin strokes more than thick ones); None when the crop is blank
    (MIN_CONTRAST)."""
    paper, dark = np.percentile(gray, (PAPER_PERCENTILE, INK_PERCENTILE))
    if paper - dark < MIN_CONTRAST:
        return None
    return np.asarray(gray < paper - level * (paper - dark))


def stroke_width_px(gray: np.ndarray) -> float | None:
    """Mean stroke width (px) of the dark ink in a grayscale crop, or None when it holds too little ink."""
    ink = ink_mask(gray)
    if ink is None:
        return None
    area = int(np.count_nonzero(ink))
    if area < MIN_INK_PIXELS:
        return None
    transitions = int(np.count_nonzero(ink[:, 1:] != ink[:, :-1])) + int(np.count_nonzero(ink[1:] != ink[:-1]))
    # ink touching the crop's border ends there: count that edge too
    transitions += int(np.count_nonzero(ink[:, 0])) + int(np.count_nonzero(ink[:, -1]))
    transitions += int(np.count_nonzero(ink[0])) + int(np.count_nonzero(ink[-1]))
    return 2.0 * area / transitions if transitions else None


def line_stroke(image: np.ndarray, line: OcrLine) -> float | None:
    """`stroke_width_px` of the line's crop of `image` (BGR or gray) over the line's box height."""
    gray = _gray_crop(image, line)
    if gray is None:
        return None
    width = stroke_width_px(gray)
    return None if width is None else round(width / max(line.box.height, 1.0), STROKE_DECIMALS)


def measure_strokes(image: np.ndarray, lines: Sequence[OcrLine]) -> list[OcrLine]:
    """Each line with `stroke` measured on `image` (the upright page the OCR read, BGR or gray)."""
    return [replace(line, stroke=line_stroke(image, line)) for line in lines]
