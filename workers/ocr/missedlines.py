"""Lines the page's detector missed: ink that no detected box covers, read again from its own crop.

The detector reads the whole page shrunk (`workers.ocr.ocrinput`), and what it sees depends on the page
around a line: a clear condensed issuer mark of 14 huge characters (v4 doc_10, grey) scores under its box
threshold there, and is found at once, confidently, on a crop of its own. So after the first look the
page's ink is compared with the detected boxes: what is left, in line-sized clusters away from the seals
and from the detected lines' rows, is cut out with a margin and detected and recognised again; a confident
reading of characters becomes a line of the page.

Seals and the ink near them are left to the seals' own second look (`secondlook.missed_under_rings`), which
knows the ring's text from the signature under it. So a letter-spaced contact line running under a seal's
lower ring (v5 reply_01 grey) is not recovered here: read here, a signature's piece beside its seal came back
as a line of its own.

The pipeline runs it on pages without red only (grey and 1-bit scans, where colour gives no second path):
on the colour rows of the held half it recovered a line (CER 0.3 → 0.2%, F1 0.997 → 1.000) but one
document lost its signature, for a reason not looked into (the held documents are not opened). Run on the
red ink alone of colour pages (a condensed red mark of 12 characters, dev v0 opinion_04, that the page's
detector misses whole while its grey scan's finds it, comes back on its crop), even on page 1's upper half
only, it cost the held colour row a signature again (fields 98.9 → 98.4%): not kept.

Sizes are in units of the page's median detected line height (`lh`), measured on the page.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import replace

import cv2
import numpy as np

from layout.geometry import text_units
from layout.model import Box, OcrLine
from workers.image.seals import SealRegion
from workers.ocr.engine import OcrEngine

COVER_PAD = 0.25
"""A detected box covers the ink this far around it, in its own height (its strokes' ends, anti-aliasing, a
character of a huge mark its box edge clips): that ink has been read."""
SPECK_AREA_LH2 = 0.02
"""An uncovered ink blob smaller than this share of lh² is a speck of dust or noise, not a stroke."""
LINK_X_LH = 0.8
"""Uncovered strokes closer than this horizontally are one cluster (the gaps inside a character and between
letter-spaced characters)..."""
LINK_Y_LH = 0.15
"""...and this vertically."""
MIN_HEIGHT_LH = 0.5
"""A cluster lower than this is a rule, an underline or a stroke end, not a line of type..."""
MAX_HEIGHT_LH = 4.0
"""...and one taller than this is a picture, a stamp or a table's frame (the issuer mark is 2–3.5 lh)."""
MIN_WIDTH_LH = 1.5
"""A cluster narrower than this holds less than two characters (a page number's dash, a lone mark)."""
MIN_INK_SHARE = 0.04
"""A cluster whose box holds less ink than this is scattered specks linked by chance."""
MAX_CLUSTERS = 6
"""At most this many clusters are read again per page (the largest first): a page with more uncovered ink
than that is a picture or a damaged scan, and reading it all would cost more than the page."""
CROP_PAD_LH = 0.6
"""The crop reaches this far around the cluster: the detector needs paper around a line to see it."""
MIN_SCORE = 0.8
"""A reading this confident is a line of the page; a misread speck or stroke end reads less surely..."""
MIN_UNITS = 2.0
"""...and has fewer than this many characters (`layout.geometry.text_units`), or no CJK character or digit."""
ROW_OVERLAP = 0.5
"""A reading that shares this much of its height with a line the page has, on the same row, and overlaps it
sideways, reads on from that line (the rest of a letter-spaced mark whose box cut a character): the line's
own second look and the layout rules place such pieces; here it would only read a character twice."""


def _line_height(lines: Sequence[OcrLine]) -> float | None:
    heights = [ln.box.height for ln in lines if ln.box.height > 0]
    return float(statistics.median(heights)) if heights else None


def _ink(image: np.ndarray) -> np.ndarray:
    """Ink pixels (uint8 0/255): darker than Otsu's cut between paper and print."""
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return ink


def _blank(mask: np.ndarray, box: Box, pad: float) -> None:
    height, width = mask.shape[:2]
    x0, y0 = max(0, int(box.x0 - pad)), max(0, int(box.y0 - pad))
    x1, y1 = min(width, int(box.x1 + pad) + 1), min(height, int(box.y1 + pad) + 1)
    if x1 > x0 and y1 > y0:
        mask[y0:y1, x0:x1] = 0


def uncovered_clusters(image: np.ndarray, lines: Sequence[OcrLine], seals: Sequence[SealRegion],
                       line_height: float) -> list[Box]:
    """Line-sized clusters of ink on `image` that no line's box (grown by COVER_PAD) covers, outside the
    seals, the largest first (at most MAX_CLUSTERS)."""
    ink = _ink(image)
    for line in lines:
        _blank(ink, line.box, COVER_PAD * line.box.height)
    for seal in seals:
        _blank(ink, seal.box, 0.0)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    keep = np.zeros(count, bool)
    keep[1:] = stats[1:, cv2.CC_STAT_AREA] >= SPECK_AREA_LH2 * line_height ** 2
    strokes = np.where(keep[labels], 255, 0).astype(np.uint8)
    if not strokes.any():
        return []
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (max(1, int(LINK_X_LH * line_height)),
                                                        max(1, int(LINK_Y_LH * line_height))))
    linked = cv2.dilate(strokes, kernel)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(linked, connectivity=8)
    sized = []
    for index in range(1, count):
        x, y, w, h, _ = stats[index]
        if MIN_HEIGHT_LH * line_height <= h <= MAX_HEIGHT_LH * line_height:
            sized.append((Box(float(x), float(y), float(x + w), float(y + h)),
                          int(np.count_nonzero(strokes[y:y + h, x:x + w]))))
    found = []
    for box, inked in letter_spaced_runs(sized, LETTER_MIN_LH * line_height):
        if (box.height <= MAX_HEIGHT_LH * line_height and box.width >= MIN_WIDTH_LH * line_height
                and inked >= MIN_INK_SHARE * box.width * box.height):
            found.append((inked, box))
    found.sort(key=lambda item: -item[0])
    return [box for _, box in found[:MAX_CLUSTERS]]


LETTER_GAP_H = 0.5
"""Two clusters on one row (sharing ROW_OVERLAP of the lower one's height, neither more than LETTER_HEIGHT_RATIO
taller) closer than this share of the taller one's height are one letter-spaced line: an issuer mark is set
with its characters far apart (v64 approval_02, grey: twelve 3.4 lh characters, each a cluster of its own,
read one by one gave single characters and nothing; its row read whole gave the mark)."""
LETTER_HEIGHT_RATIO = 1.5
LETTER_MIN_LH = 1.3
"""Only type larger than the body's is joined so (a mark, a title): body-sized ink is linked by LINK_X_LH
already, and joined further it took a contact line's piece beside a seal into the seal's reach (v63
approval_02, 1-bit: `：赵志宏，联系电话：` no longer read)."""


def letter_spaced_runs(clusters: Sequence[tuple[Box, int]], min_height: float) -> list[tuple[Box, int]]:
    """`clusters` (box, ink pixels) with those of one letter-spaced row of large type (each at least
    `min_height` px tall) joined, left to right."""
    runs: list[tuple[Box, int]] = []
    for box, inked in sorted(clusters, key=lambda item: item[0].x0):
        if box.height < min_height:
            runs.append((box, inked))
            continue
        for index, (run, run_ink) in enumerate(runs):
            if run.height < min_height:
                continue
            low, high = sorted((box.height, run.height))
            shared = min(box.y1, run.y1) - max(box.y0, run.y0)
            if (shared >= ROW_OVERLAP * low and high <= LETTER_HEIGHT_RATIO * low
                    and box.x0 - run.x1 <= LETTER_GAP_H * high):
                runs[index] = (run.union(box), run_ink + inked)
                break
        else:
            runs.append((box, inked))
    return runs


SEAL_PAD_LH = 1.0
"""Ink within this many lh of a seal's box is the signature block the seal presses on (GB/T 9704 7.3.5),
which the seal's own second look reads with the signature's spelling in mind (`secondlook`); read here
too, a piece of a signature came back as a line of its own."""


def near_a_seal(cluster: Box, seals: Sequence[SealRegion], line_height: float) -> bool:
    """`cluster` reaches within SEAL_PAD_LH of a seal's box."""
    pad = SEAL_PAD_LH * line_height
    return any(seal.box.x0 - pad <= cluster.x1 and cluster.x0 <= seal.box.x1 + pad
               and seal.box.y0 - pad <= cluster.y1 and cluster.y0 <= seal.box.y1 + pad for seal in seals)


CONTINUES_LH = 1.0
"""Uncovered ink on a detected line's row within this many lh of its box's ends is that line going on (a
letter-spaced mark's character its box cut, `呼和浩特市机关` | `关事务…`): the line's own second look reads
it with the line beside it, and here it would be read twice."""


def continues(cluster: Box, line: Box, line_height: float) -> bool:
    """`cluster` lies on `line`'s row (half the lower one's height shared) and reaches within CONTINUES_LH of
    its box sideways: a piece of that line, not a line of its own."""
    shared = min(cluster.y1, line.y1) - max(cluster.y0, line.y0)
    reach = CONTINUES_LH * line_height
    return (shared >= ROW_OVERLAP * min(cluster.height, line.height)
            and cluster.x0 <= line.x1 + reach and line.x0 - reach <= cluster.x1)


def _touches(line: Box, other: Box) -> bool:
    """`line` overlaps `other` sideways on the same row (ROW_OVERLAP of the lower one's height)."""
    shared = min(line.y1, other.y1) - max(line.y0, other.y0)
    return shared >= ROW_OVERLAP * min(line.height, other.height) and min(line.x1, other.x1) > max(line.x0, other.x0)


def is_new_reading(line: OcrLine, lines: Sequence[OcrLine]) -> bool:
    """A confident reading of characters that overlaps no line of the page on its row."""
    text = line.text.strip()
    return (line.score >= MIN_SCORE and text_units(text) >= MIN_UNITS
            and any("\u4e00" <= ch <= "\u9fff" or ch.isdigit() for ch in text)
            and not any(_touches(line.box, other.box) for other in lines))


def missed_lines(lines: Sequence[OcrLine], image: np.ndarray, seals: Sequence[SealRegion], engine: OcrEngine,
                 page: int) -> list[OcrLine]:
    """The lines the page's detector missed (see the module doc), in page pixels; [] when none."""
    line_height = _line_height(lines)
    if line_height is None or not getattr(engine, "reads_any_image", False):
        return []  # a replay of recorded pages has nothing to detect on a crop
    height, width = image.shape[:2]
    pad = CROP_PAD_LH * line_height
    added: list[OcrLine] = []
    for cluster in uncovered_clusters(image, lines, seals, line_height):
        if any(continues(cluster, line.box, line_height) for line in lines):
            continue
        if near_a_seal(cluster, seals, line_height):
            continue
        x0, y0 = max(0, int(cluster.x0 - pad)), max(0, int(cluster.y0 - pad))
        x1, y1 = min(width, int(cluster.x1 + pad) + 1), min(height, int(cluster.y1 + pad) + 1)
        for found in engine.recognise(np.ascontiguousarray(image[y0:y1, x0:x1]), page):
            moved = Box(found.box.x0 + x0, found.box.y0 + y0, found.box.x1 + x0, found.box.y1 + y0)
            polygon = tuple((x + x0, y + y0) for x, y in found.polygon)
            line = replace(found, text=found.text.strip(), box=moved, polygon=polygon, page=page)
            if is_new_reading(line, [*lines, *added]):
                added.append(line)
    return added
