"""Red ink: the mask of red pixels on a page and the red share of a text line's ink.

Official documents print the issuer mark (发文机关标志), the rule under the doc number and the seal in red;
the layout rules use `OcrLine.red` to find them. Both functions work in upright-page pixels (the frame of
`layout.model`): compute the mask on the image the OCR engine reads, after rotation and deskew.

Colour thresholds are in OpenCV's HSV (hue 0..180, saturation and value 0..255). They are absolute
(not in units of line height) because they describe ink colour, not geometry.
"""

from __future__ import annotations

import cv2
import numpy as np

from layout.model import Box

RED_HUE_LOW_MAX = 10
"""Red wraps around hue 0: hues 0..10 (orange-red side) are red; 11..20 is where yellowed paper sits."""
RED_HUE_HIGH_MIN = 170
"""...and 170..180 (magenta-red side)."""
RED_MIN_SATURATION = 50
"""A seal stamped with ~30 % ink coverage over white paper has S ≈ 55; grey noise and paper stay below 40."""
RED_MIN_VALUE = 80
"""Below this the pixel is black ink (or black under a seal) and its hue is noise."""
RED_MIN_EXCESS = 35
"""R must exceed max(G, B) by this much: keeps JPEG chroma noise on grey pixels out of the mask."""

SCOUT_MIN_PIXELS = 2_000_000
"""Images at least this large (an A4 page from ~120 dpi) are scouted at 1/4 size before the full mask."""
SCOUT_FACTOR = 4
SCOUT_MIN_SATURATION, SCOUT_MIN_VALUE, SCOUT_MIN_EXCESS = 20, 60, 12
"""Loose scout thresholds: averaging 4×4 pixels dilutes a thin stroke or a faint seal to a third of its colour."""

INK_KERNEL_LINE_HEIGHTS = 0.4
"""Black-hat window for `red_fraction`, in line heights: wider than a stroke, narrower than a seal's disc."""
INK_KERNEL_MIN_PX = 15
"""...but never narrower than this, so a box drawn tight around a rule (a few px high) still sees its paper."""
INK_MIN_CONTRAST = 40
"""A pixel is ink when it is this much darker (grey levels) than its local background."""


def _colour_mask(image: np.ndarray, min_saturation: int, min_value: int, min_excess: int) -> np.ndarray:
    hsv = cv2.cvtColor(image, cv2.COLOR_BGR2HSV)
    low = cv2.inRange(hsv, np.array([0, min_saturation, min_value], np.uint8),
                      np.array([RED_HUE_LOW_MAX, 255, 255], np.uint8))
    high = cv2.inRange(hsv, np.array([RED_HUE_HIGH_MIN, min_saturation, min_value], np.uint8),
                       np.array([180, 255, 255], np.uint8))
    hue_ok = cv2.bitwise_or(low, high)
    blue, green, red = cv2.split(image)
    excess = cv2.subtract(red, cv2.max(green, blue))
    _, excess_ok = cv2.threshold(excess, min_excess - 1, 255, cv2.THRESH_BINARY)
    return cv2.bitwise_and(hue_ok, excess_ok)


def _red_row_bands(image: np.ndarray) -> list[tuple[int, int]]:
    """Row ranges (page px) that may hold red ink, found on a 1/4-size copy with loose thresholds."""
    small = cv2.resize(image, None, fx=1 / SCOUT_FACTOR, fy=1 / SCOUT_FACTOR, interpolation=cv2.INTER_AREA)
    scout = _colour_mask(small, SCOUT_MIN_SATURATION, SCOUT_MIN_VALUE, SCOUT_MIN_EXCESS)
    rows = np.asarray(cv2.dilate(scout, np.ones((3, 1), np.uint8))).any(axis=1)  # a scout row of margin
    padded = np.concatenate([[False], rows, [False]])
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    return [(int(a) * SCOUT_FACTOR, int(b) * SCOUT_FACTOR) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def red_mask(image: np.ndarray) -> np.ndarray:
    """uint8 mask (255 = red ink) of a BGR uint8 image, same height and width.

    On a page-sized image only the row bands a quarter-size scout finds red in are examined at full size
    (the title, the rules, the seal: a fifth of a typical first page, none of most pages).
    """
    if image.shape[0] * image.shape[1] < SCOUT_MIN_PIXELS:
        return _colour_mask(image, RED_MIN_SATURATION, RED_MIN_VALUE, RED_MIN_EXCESS)
    mask = np.zeros(image.shape[:2], np.uint8)
    for top, bottom in _red_row_bands(image):
        mask[top:bottom] = _colour_mask(image[top:bottom], RED_MIN_SATURATION, RED_MIN_VALUE, RED_MIN_EXCESS)
    return mask


def _clip_box(box: Box, width: int, height: int, margin: int) -> tuple[int, int, int, int]:
    x0 = max(0, int(np.floor(box.x0)) - margin)
    y0 = max(0, int(np.floor(box.y0)) - margin)
    x1 = min(width, int(np.ceil(box.x1)) + margin)
    y1 = min(height, int(np.ceil(box.y1)) + margin)
    return x0, y0, x1, y1


def red_fraction(red_mask: np.ndarray, gray_or_image: np.ndarray, box: Box) -> float:
    """Share (0..1) of the ink inside `box` that is red; 0.0 when the box holds no ink.

    Ink is measured against the *local* background (a morphological black-hat 0.4 line heights and at least
    15 px wide), so the flat tint of a seal is background, not ink: black characters under a seal come out
    low, a red title close to 1. Each ink pixel counts with its contrast, so the faint anti-aliased rims of black
    strokes (which the seal tints red) weigh less than their cores. `gray_or_image` is the upright page
    (grey or BGR) the mask was computed on; `box` is in its pixels.
    """
    height, width = red_mask.shape[:2]
    kernel = max(INK_KERNEL_MIN_PX, round(box.height * INK_KERNEL_LINE_HEIGHTS)) | 1
    x0, y0, x1, y1 = _clip_box(box, width, height, margin=kernel)
    bx0, by0, bx1, by1 = _clip_box(box, width, height, margin=0)
    if bx1 <= bx0 or by1 <= by0:
        return 0.0
    crop = gray_or_image[y0:y1, x0:x1]
    if crop.ndim == 3:
        crop = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    element = cv2.getStructuringElement(cv2.MORPH_RECT, (kernel, kernel))
    contrast = cv2.morphologyEx(crop, cv2.MORPH_BLACKHAT, element)
    inner = (slice(by0 - y0, by1 - y0), slice(bx0 - x0, bx1 - x0))
    weight = contrast[inner].astype(np.float32)
    weight[weight < INK_MIN_CONTRAST] = 0.0
    total = float(weight.sum())
    if total <= 0.0:
        return 0.0
    red = red_mask[by0:by1, bx0:bx1] > 0
    return float(weight[red].sum()) / total
