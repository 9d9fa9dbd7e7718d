"""The measuring view of a page: its dark, non-red ink at 75–100 dpi, where angles and lines are measured.

The page is shrunk by a whole factor (OpenCV's fast area-averaging path) until its long side is at most
`MEASURE_MAX_LONG_SIDE_PX` — A4 at 75–100 dpi, body characters ≈ 16–22 px. Ink is black-hat contrast (darker
than the local background by `INK_MIN_CONTRAST`), so paper shading and scan borders are not ink. Left out:
red ink (a seal is round and only blurs a profile; its count is kept, to know whether the page has red at
all) and long line-like components (rules, frames, page edges: one straight line would outweigh the text).
Used by `workers.image.deskew` (angle) and `workers.image.orientation` (sideways, text-line crops).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from workers.image.redink import red_mask

MEASURE_MAX_LONG_SIDE_PX = 1200
"""Long side of the measuring view at most (600–1200 px): body lines are 450–600 px long, plenty for 0.1°."""
INK_KERNEL_PX = 15
"""Black-hat window on the measuring view (≈ 0.7–0.9 character): strokes are ink, borders and shading are not."""
INK_MIN_CONTRAST = 40
"""A measuring-view pixel is ink when it is this much darker than its local background (grey levels)."""
RULE_MIN_LENGTH_PX = 80
"""Ink components longer than this on the measuring view (≈ 4 body characters) may be rules or frames..."""
RULE_MAX_THICKNESS_PX = 6.0
"""...a straight one when thinner than this (≈ 1/3 character; touching characters make a line-high run)..."""
FRAME_MAX_FILL = 0.1
"""...a frame, page edge, ring or grid when it inks less than this share of its bounding box (text: ≥ 0.2)."""


@dataclass(frozen=True)
class MeasuringView:
    """The page reduced for measuring: dark non-red ink (bool mask, measuring-view pixels), the view's scale
    to the page (view px = page px × scale), how many view pixels are red ink, and the ink's contrast."""

    ink: np.ndarray
    scale: float
    red_pixels: int = 0
    contrast: np.ndarray | None = None
    """uint8 black-hat contrast of each view pixel (the ink's weight in the fine search), or None (all 1)."""


def measuring_view(image: np.ndarray) -> MeasuringView:
    """Shrink a BGR page to the measuring size; keep its dark, non-red ink as a bool mask, count its red ink."""
    height, width = image.shape[:2]
    factor = max(1, math.ceil(max(height, width) / MEASURE_MAX_LONG_SIDE_PX))
    small = image if factor == 1 else cv2.resize(image, None, fx=1 / factor, fy=1 / factor,
                                                 interpolation=cv2.INTER_AREA)
    gray = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY) if small.ndim == 3 else small
    element = cv2.getStructuringElement(cv2.MORPH_RECT, (INK_KERNEL_PX, INK_KERNEL_PX))
    contrast = cv2.morphologyEx(gray, cv2.MORPH_BLACKHAT, element)
    ink = contrast >= INK_MIN_CONTRAST
    red_pixels = 0
    if small.ndim == 3:
        red = red_mask(small) > 0
        red_pixels = int(np.count_nonzero(red))
        ink &= ~red
    return MeasuringView(ink=_drop_rules(ink), scale=1 / factor, red_pixels=red_pixels, contrast=contrast)


def _drop_rules(ink: np.ndarray) -> np.ndarray:
    """The ink without long line-like components: rules, frames, table grids, page edges, scanner streaks.

    One straight line puts hundreds of pixels into a single profile bin and would outweigh the text —
    a vertical page edge alone can make an upright sparse page look sideways.
    """
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink.view(np.uint8), connectivity=8)
    long_ones = np.flatnonzero(
        np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]) > RULE_MIN_LENGTH_PX
    )
    drop = []
    for label in long_ones[long_ones > 0]:  # 0 is the background
        x, y, w, h, area = stats[label, :5]
        if area < FRAME_MAX_FILL * w * h:
            drop.append(label)
            continue
        ys, xs = np.nonzero(labels[y:y + h, x:x + w] == label)
        (_, _), (side_a, side_b), _ = cv2.minAreaRect(np.stack([xs, ys], axis=1).astype(np.float32))
        if min(side_a, side_b) < RULE_MAX_THICKNESS_PX:
            drop.append(label)
    if not drop:
        return ink
    return ink & ~np.isin(labels, drop)
