"""Where one character of an OCR line stands on the page, and its ink there.

The recogniser gives a line's box and its text, not where each character is. A character's slot is the box
divided by the text's characters (full-width 1, digits and Latin ½: `layout.geometry.text_units`); the
typesetter's exact layout differs a little, so its ink is looked for with some slack around the slot.
Used by the 1-bit glyph checks (`digitshape`, `commashape`).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from layout.geometry import text_units
from layout.model import OcrLine


@dataclass(frozen=True)
class SlotInk:
    """The connected pieces of ink around one character's slot (a crop of the page, `x0`/`y0` its origin)."""

    x0: int
    y0: int
    start: float
    """The slot's left edge on the page..."""
    end: float
    """...and its right edge."""
    count: int
    labels: np.ndarray
    stats: np.ndarray
    """`cv2.connectedComponentsWithStats` of the crop's ink (label 0 is the paper)."""

    @property
    def height(self) -> int:
        return int(self.labels.shape[0])

    @property
    def width(self) -> float:
        return self.end - self.start

    def centre_x(self, k: int) -> float:
        """Piece `k`'s centre on the page."""
        return self.x0 + float(self.stats[k, cv2.CC_STAT_LEFT]) + float(self.stats[k, cv2.CC_STAT_WIDTH]) / 2


def slot_ink(image: np.ndarray, line: OcrLine, index: int, level: int, reach: float = 1.0) -> SlotInk | None:
    """The ink (pixels darker than `level`) of `line`'s box from `reach` slots left of character `index`'s
    slot to `reach` right of it; None when the box or the crop is empty."""
    units = text_units(line.text)
    box = line.box
    if units <= 0 or box.width <= 0:
        return None
    pitch = box.width / units
    start = box.x0 + text_units(line.text[:index]) * pitch
    end = start + text_units(line.text[index]) * pitch
    height, width = image.shape[:2]
    x0, x1 = max(0, int(start - reach * pitch)), min(width, int(end + reach * pitch) + 1)
    y0, y1 = max(0, int(box.y0)), min(height, int(box.y1) + 1)
    if x1 - x0 < 3 or y1 - y0 < 3:
        return None
    crop = image[y0:y1, x0:x1]
    gray = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY) if crop.ndim == 3 else crop
    count, labels, stats, _ = cv2.connectedComponentsWithStats((gray < level).astype(np.uint8), connectivity=8)
    return SlotInk(x0, y0, start, end, count, labels, stats)
