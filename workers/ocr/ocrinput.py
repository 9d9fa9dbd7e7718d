"""What the text detector is given: the page's inked region, at the scale the detector needs.

An official document has a known geometry: A4 paper (GB/T 9704), body text in 3号 (16 pt, 5.6 mm
characters), page numbers and the 版记 in 4号. So the text size on the page follows from the page's
pixel size, and the detector can be fed exactly what it needs — about 4.3 px per mm of paper (≈ 110 dpi,
body characters ≈ 24 px high) — whatever the scan's resolution, instead of the scan's full resolution
(PaddleOCR's default, `limit_side_len=64, limit_type="min"`, detects an A4 page at 200 dpi at
1664×2336). Recognition still reads each line from the full-resolution page.

    detector_scale(shape)        the detector input scale for a page of that pixel size: one size for the
                                 whole document (every A4 page of it gets the same detector size)
    inked_region(image)          the bounding box of everything inked (dark or coloured), with a margin;
                                 None for a blank page. The detector reads only this part: the empty lower
                                 half of a last page and the margins cost nothing.
    detector_input(image, scale) the region cut out and shrunk (area averaging) to a multiple of 32 px,
                                 with the factors that map its pixels back to the page

Measured effects are in `bench/SPEED.md`.

Tried for 1-bit (G4) scans and not kept (issue 14; bw dev folders of corpus-varied and its variant 1, CER
of the product): each recognition crop shrunk to the recogniser's 48 px height by area averaging instead
of its own bilinear resize (2 worst documents: 4.1% → 4.1%); smoothed to gray first, Gaussian σ = half
the crop's measured stroke width (24 documents: 1.4% → 1.6%); small white gaps closed along rows and
columns (a kernel of one stroke width), then smoothed (7 documents: 2.9% → 5.5%); the ink
thickened by half a stroke width (2 documents: 4.1% → 4.8%). The characters a 1-bit scan gets wrong have
lost their strokes at the scanner's threshold (the thin stroke of a `4`, the tail of a `，`, 仿宋's
horizontals): no filter brings them back, and each one blurs the strokes the recogniser still reads.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

DET_PX_PER_MM = 4.3
"""Detector pixels per millimetre of paper (≈ 110 dpi): a 3号 body character (5.6 mm) is ≈ 24 px, a 4号 page
number ≈ 21 px. Full resolution (200 dpi) costs ~3× the detector time for no better text; 3.2 px/mm (82 dpi)
dropped characters on a 300-dpi scan (bench/SPEED.md)."""
PAGE_LONG_SIDE_MM = 297.0
"""The paper's long side the scale assumes: A4, prescribed for official documents by GB/T 9704."""
DET_MULTIPLE_PX = 32
"""The detector's input sides must be multiples of this (its feature pyramid halves the image 5 times)."""
INK_VIEW_LONG_SIDE_PX = 600
"""The page is searched for ink on a copy at most this long (A4 at ~50 dpi: a character is ≥ 10 px)."""
INK_KERNEL_PX = 9
"""Black-hat window on that copy (about a character): strokes are ink, shading and tint are background."""
INK_MIN_CONTRAST = 40
"""A pixel is ink when it is this much darker than its local background in its darkest colour channel
(so red ink counts as well as black)..."""
INK_DARK_BELOW_PAPER = 80
"""...or this much darker than the paper (the median pixel), which catches solid areas wider than the
black-hat window (a thick rule, a filled box)."""
INK_MARGIN_MM = 5.0
"""Paper kept around the inked area (about one character): the detector sees each line with white around it."""


@dataclass(frozen=True)
class DetectorInput:
    """The image the detector reads, and how its pixels map to the page: page = input × factor + offset."""

    image: np.ndarray
    offset: tuple[int, int]
    factor: tuple[float, float]

    def to_page(self, polygon: np.ndarray) -> np.ndarray:
        """A polygon (N×2, detector-input pixels) in page pixels, float32."""
        points = np.asarray(polygon, dtype=np.float32).reshape(-1, 2)
        return points * np.array(self.factor, np.float32) + np.array(self.offset, np.float32)


def detector_scale(shape: tuple[int, ...], px_per_mm: float = DET_PX_PER_MM) -> float:
    """The detector input scale for a page of this pixel shape (≤ 1: a small image is never enlarged)."""
    long_side = max(shape[0], shape[1])
    return min(1.0, PAGE_LONG_SIDE_MM * px_per_mm / long_side) if long_side else 1.0


def inked_region(image: np.ndarray) -> tuple[int, int, int, int] | None:
    """(x0, y0, x1, y1) in page pixels around all ink (dark or coloured) plus INK_MARGIN_MM; None if blank."""
    height, width = image.shape[:2]
    factor = max(1, math.ceil(max(height, width) / INK_VIEW_LONG_SIDE_PX))
    small = image if factor == 1 else cv2.resize(image, None, fx=1 / factor, fy=1 / factor,
                                                 interpolation=cv2.INTER_AREA)
    darkest = small.min(axis=2) if small.ndim == 3 else small
    element = cv2.getStructuringElement(cv2.MORPH_RECT, (INK_KERNEL_PX, INK_KERNEL_PX))
    ink = cv2.morphologyEx(darkest, cv2.MORPH_BLACKHAT, element) >= INK_MIN_CONTRAST
    ink |= darkest < float(np.median(darkest)) - INK_DARK_BELOW_PAPER
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    if rows.size == 0:
        return None
    margin = math.ceil(INK_MARGIN_MM * max(height, width) / PAGE_LONG_SIDE_MM)
    return (max(0, int(cols[0]) * factor - margin), max(0, int(rows[0]) * factor - margin),
            min(width, (int(cols[-1]) + 1) * factor + margin), min(height, (int(rows[-1]) + 1) * factor + margin))


def detector_input(image: np.ndarray, scale: float, region: tuple[int, int, int, int] | None = None) -> DetectorInput:
    """`region` of `image` (default: all of it) at `scale`, each side rounded to a multiple of 32 px."""
    x0, y0, x1, y1 = region or (0, 0, image.shape[1], image.shape[0])
    part = image[y0:y1, x0:x1]
    height, width = part.shape[:2]
    size_w = max(DET_MULTIPLE_PX, round(width * scale / DET_MULTIPLE_PX) * DET_MULTIPLE_PX)
    size_h = max(DET_MULTIPLE_PX, round(height * scale / DET_MULTIPLE_PX) * DET_MULTIPLE_PX)
    if (size_w, size_h) != (width, height):
        # area averaging: a shrunk stroke stays a stroke (the detector's own bilinear resize aliases thin ones)
        shrinking = size_w < width and size_h < height
        part = cv2.resize(part, (size_w, size_h), interpolation=cv2.INTER_AREA if shrinking else cv2.INTER_LINEAR)
    return DetectorInput(np.ascontiguousarray(part), (x0, y0), (width / size_w, height / size_h))
