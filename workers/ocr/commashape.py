"""A 1-bit scan's `，` that lost its tail, told from a `、` by its size on the page.

A full-width comma is a round head with a thin tail curving down to the left; a 顿号 `、` is a single
tapering stroke from upper left to lower right, about a quarter of the character tall and wide. A 1-bit
threshold erases the comma's thin tail and leaves the head, a dot about an eighth of the character: the
recogniser reads `、` (addressee and cc lists, where `，` parts the kinds of body and `、` the bodies of one
kind, come back with the wrong one). The threshold thins a 、 but keeps its length. So a `、` whose ink is no
more than COMMA_HEAD_MAX of the character advance in both directions is a comma's head, read `，`.

    restore_comma_heads(image, lines)   the lines, each such `、` read `，` (1-bit pages only: on grey and
                                        colour pages the tail survives and the recogniser reads it right)

Measured on the 1-bit pages of the dev renderings (`fixtures.corpus --profile varied --split dev`; issue 14),
each `、` read aligned with the truth: variants 0–1 (where the bound was set), 10 of 11 commas read `、` are
dots under the bound, and 1 of 341 true `、` (a stroke the threshold broke to a speck); variants 2–6,
measured after, 14 of 17 and none of 845. Applied to all 13 dev renderings' 1-bit pages: 41 lines changed,
the CER lower or equal on every document.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import cv2
import numpy as np

from layout.model import OcrLine
from workers.ocr.glyphslot import slot_ink

INK_LEVEL = 128
"""A pixel darker than this is ink (a 1-bit page is 0 or 255; its levelled copy grey along stroke edges)."""
COMMA_HEAD_MAX = 0.13
"""A comma's head left alone is at most this share of the character advance tall and wide; a 、 is longer."""
MARK_MAX_HEIGHT = 0.6
"""A punctuation mark's ink is less than this share of its line box's height (a character's is more)..."""
MARK_LOW_FROM = 0.4
"""...and its centre lies below this share of the box from its top (commas and 顿号 sit on the baseline)."""
MARK_MIN_PIXELS = 4
"""Fewer pixels are a speck, not what the recogniser read."""


def restore_comma_heads(image: np.ndarray, lines: Sequence[OcrLine]) -> list[OcrLine]:
    """`lines` with each `、` whose ink on `image` (the upright page the OCR read) is a comma's head read `，`."""
    result = []
    for line in lines:
        if "、" not in line.text:
            result.append(line)
            continue
        text = [("，" if ch == "、" and is_comma_head(image, line, i) else ch) for i, ch in enumerate(line.text)]
        fixed = "".join(text)
        result.append(line if fixed == line.text else replace(line, text=fixed))
    return result


def is_comma_head(image: np.ndarray, line: OcrLine, index: int) -> bool:
    """The largest mark-sized piece of ink in character `index`'s slot is a dot within COMMA_HEAD_MAX of the
    advance; False when the slot holds no such piece (nothing to measure: the reading stays)."""
    ink = slot_ink(image, line, index, INK_LEVEL, reach=0.3)
    if ink is None:
        return False
    stats = ink.stats
    marks = [k for k in range(1, ink.count)
             if stats[k, cv2.CC_STAT_HEIGHT] < MARK_MAX_HEIGHT * ink.height
             and stats[k, cv2.CC_STAT_TOP] + stats[k, cv2.CC_STAT_HEIGHT] / 2 > MARK_LOW_FROM * ink.height
             and ink.start <= ink.centre_x(k) <= ink.end
             and stats[k, cv2.CC_STAT_AREA] >= MARK_MIN_PIXELS]
    if not marks:
        return False
    k = max(marks, key=lambda m: int(stats[m, cv2.CC_STAT_AREA]))
    bound = COMMA_HEAD_MAX * ink.width
    return bool(stats[k, cv2.CC_STAT_HEIGHT] < bound and stats[k, cv2.CC_STAT_WIDTH] < bound)
