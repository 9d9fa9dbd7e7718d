"""Second look: re-read, from clean crops, the few lines where red ink does its damage.

The page-wide OCR pass reads most lines well; the ones red ink damages are the most valuable (the
signature and date under the seal, the issuer mark). They are few, so reading them again costs little
(recognition only, `OcrEngine.recognise_crops`, one batch per page):

- lines under a seal: three views — the page the OCR read (seal ink lifted), the page as printed, and its
  red channel (red ink light, black ink dark) — scaled to the recogniser's line height; the text most of
  the four readings (with the first look) agree on is kept, the more confident on a tie;
- the red issuer mark: each red fragment of the header, cut as dark-on-paper (the darkest channel: red ink
  turns black) and read again, better score kept;
- what the detector missed in the mark: red ink in the mark's band that no detected box covers (the first
  characters before a stacked small-character span, the `文件` beside a joint mark, the last character of
  a letter-spaced mark) is cut and read; a confident reading joins the page's lines as a new fragment, and
  the layout rules place it.

Coordinates are upright-page pixels (`layout.model`). Thresholds are in units of the mark's median
fragment height (`mh`) or of the line's own height.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, replace

import cv2
import numpy as np

from layout.geometry import HEADER_ZONE, HUGE_LINE_LH, LARGE_LINE_LH, RED_MIN
from layout.lines import on_seal_ring
from layout.model import Box, OcrLine
from layout.patterns import is_date_line, reads_month_and_day
from layout.years import stands_in
from workers.image.redink import red_fraction
from workers.image.seals import SealRegion, ring_strip, seal_circles
from workers.ocr.engine import OcrEngine
from workers.ocr.signaturestrip import missed_over_dates, missed_under_signatures

REC_HEIGHT_PX = 48
"""The recogniser reads lines at this height; smaller crops are scaled up to it first (cubic), not by the
recogniser's own linear resize."""
PAD_LH = 0.15
"""Crop padding around a line box, in line heights: room for strokes the detector's box clips."""
MARK_RED_MIN = RED_MIN
"""A header fragment with this share of red ink belongs to the red mark (the layout rules' threshold)..."""
MARK_LARGE_LH = LARGE_LINE_LH
"""...and is this many body line heights tall: the mark is large type..."""
MARK_HUGE_LH = HUGE_LINE_LH
"""...or, on a page without red (a grey or 1-bit scan), this tall: the mark's size is its only sign."""
DARK_INK_LEVEL = 0.6
"""Colour-free: a pixel darker than this share of the paper's grey level is ink."""
PAPER_PERCENTILE = 90
"""The paper's grey level: this percentile of the mark's band."""
HEADER_SHARE = HEADER_ZONE
"""...and lies in this top share of the page."""
BAND_PAD_MH = 0.6
"""The mark's band reaches this far above and below its fragments: `文件` is centred on a joint stack."""
GAP_LINK_MH = 0.5
"""Uncovered red ink closer than this (horizontally) is one run of characters."""
GAP_MIN_HEIGHT_MH = 0.4
"""An uncovered red piece lower than this is a speck, a rule or a stroke end, not a character."""
GAP_MIN_WIDTH_MH = 0.3
"""...or narrower than this."""
COVER_PAD_MH = 0.08
"""Detected boxes are grown by this before their ink counts as read (boxes clip anti-aliased edges)."""
NEW_FRAGMENT_MIN_SCORE = 0.6
"""A reading of uncovered ink joins the page only this confident: a misread speck must not enter the mark."""
SEAL_TEXT_MIN_SCORE = 0.5
"""A seal's name read less confidently than this is reported empty."""
SEAL_OVERLAP_MIN = 0.3
"""A line whose box lies at least this share inside a seal region is read again."""
UNDER_RING_TOP_R = 0.5
"""Colour-free: under a seal found by shape, the lifted page and the printed page are read again, crop by
crop, for lines the OCR of the whole lifted page missed (its detector reads the page shrunk, where what is
left of the seal's ink still joins the lines; lifting by grey level thins the strokes it spares). GB/T 9704
puts the signature and date in the seal's middle and lower part; a line centred higher than this share of
the radius above the centre is the ring's text unless it runs out past the ring and is not arranged on it
(`layout.lines.on_seal_ring`): the first signature line of a joint issue stands this high..."""
UNDER_RING_MIN_UNITS = 3.0
"""...and a line shorter than this many characters, or without a Chinese character (the seal's code number
along the lower arc), is no signature or date."""
UNDER_RING_TILT_DEG = 5.0
"""...and a line bent further than this off the level follows the ring."""
UNDER_RING_MAX_LH = 1.8
"""...and a box taller than this many body line heights is the ring's arc read as one box (the signature and
date are set in the body's size; the detector's boxes on a crop come ~1.5 body lines tall, an arc 2.2–2.6)."""
UNDER_RING_COVERED = 0.5
"""A reading whose box is covered this much by lines the first look found is one of them..."""
UNDER_RING_PART = 0.6
"""...else it is new, and first-look lines lying this much inside it were pieces of it (they are dropped)."""


@dataclass(frozen=True)
class Look:
    """One crop to read and what to do with its reading: replace line `index` (or add a new fragment)."""

    crop: np.ndarray
    box: Box
    index: int | None


def second_look(lines: Sequence[OcrLine], *, page: int, image: np.ndarray, ocr_image: np.ndarray,
                red_mask: np.ndarray, seals: Sequence[SealRegion], engine: OcrEngine,
                body_line_height: float | None = None) -> list[OcrLine]:
    """The page's lines after the second look (see the module doc); lines not looked at are unchanged.

    `image` is the prepared page as printed, `ocr_image` the copy the OCR read (seal ink lifted), `red_mask`
    the page's red-ink mask; `body_line_height` (px) defaults to the median height of the black lines.
    """
    lines = list(lines)
    has_red = bool(np.any(red_mask))
    if not lines or (not seals and not has_red and page != 1):
        return lines
    height = body_line_height or _body_height(lines)
    lines = [line for line in lines if not is_ring_arc(line, seals, height)]
    missed = missed_under_rings(lines, image, seals, engine, page, height, ocr_image=ocr_image)
    missed += missed_over_dates([*lines, *missed], image, seals, engine, page, height)
    missed += missed_under_signatures([*lines, *missed], image, seals, engine, page, height)
    lines = drop_fragments(lines, missed) + missed
    looks = _seal_looks(lines, ocr_image, image, seals)
    if has_red:
        mark = _mark_indices(lines, image.shape[0], height)
        looks += [Look(_dark_crop(image, lines[i].box, lines[i].box.height), lines[i].box, i) for i in mark]
        ink = red_mask
    else:  # colour-free: the mark is the huge type at the top of page 1, its ink the dark pixels of its band
        mark = _huge_top_indices(lines, image.shape[0], height) if page == 1 else []
        ink = _dark_band_mask(image, [lines[i] for i in mark]) if mark else red_mask
    if mark:
        looks += [Look(_dark_crop(image, box, box.height), box, None)
                  for box in uncovered_mark_ink([lines[i] for i in mark], lines, ink, seals)]
    if not looks:
        return lines
    readings = engine.recognise_crops([look.crop for look in looks])
    candidates: dict[int, list[tuple[str, float]]] = {}
    added = []
    for look, (text, score) in zip(looks, readings, strict=True):
        text = text.strip()
        if not text:
            continue
        if look.index is None:
            text = trim_seam_repeat(text, look.box, [lines[i] for i in mark])
            if text and score >= NEW_FRAGMENT_MIN_SCORE:
                added.append(_new_line(text, score, look.box, page, red_mask, image))
        else:
            candidates.setdefault(look.index, [(lines[look.index].text.strip(), lines[look.index].score)])
            candidates[look.index].append((text, score))
    for index, readings_of_line in candidates.items():
        text, score = choose_reading(readings_of_line)
        if text != lines[index].text.strip() or score > lines[index].score:
            lines[index] = replace(lines[index], text=text, score=score)
    return lines + added


SEAM_TOUCH_PX = 2.0
"""Uncovered mark ink reaching within this many pixels of a detected line's grown box was cut by it."""


def trim_seam_repeat(text: str, box: Box, mark: Sequence[OcrLine]) -> str:
    """`text` (read from mark ink no box covered, in `box`) without the character it shares with a mark line
    whose box cut it: a letter-spaced character the detector's box edge cut through is read by both
    (`呼和浩特市机关` beside `关事务管理局文件`).

    The cut shows in the ink: the uncovered ink runs up to the line's grown box (COVER_PAD_MH) instead of
    ending at a white gap between characters; only then, and only for the same character on both sides of
    the seam, is the repeat dropped (`郑州市` beside `市场监督管理局文件`, a clean gap between, stays as read).
    """
    for line in mark:
        other = line.text.strip()
        if not other or not text:
            continue
        if min(box.y1, line.box.y1) - max(box.y0, line.box.y0) <= 0.5 * min(box.height, line.box.height):
            continue  # not on the same row
        touch = COVER_PAD_MH * line.box.height + SEAM_TOUCH_PX
        if 0 <= line.box.x0 - box.x1 <= touch and text[-1] == other[0]:
            return text[:-1]
        if 0 <= box.x0 - line.box.x1 <= touch and text[0] == other[-1]:
            return text[1:]
    return text


def choose_reading(readings: Sequence[tuple[str, float]]) -> tuple[str, float]:
    """The text the views agree on, with its best score: a whole date before a broken one, and one that lost
    only its ends (`patterns.reads_month_and_day`) before one garbled inside, then the text most readings agree
    on, then the one the others are pieces of, then the more confident.

    Under a seal the score alone misleads: a crop whose lifting also took a thin stroke (the 〇 of a
    Chinese-numeral date) is read confidently without it, while the other views still show it. What the
    views lose is ink, and lost ink loses characters: a reading that is a whole date (`is_date_line`) was not
    made by a lost stroke, while `2024年4月14` and `二月从日` were (the 日 or the 八 the ring's arc took); and
    where two readings tie, the one holding the other in order (`2022年12月20日` over `2022年1月20日`,
    `中共临海市委` over `中共临海委`) kept the character the other lost. On a 1-bit page wiping the ring takes the
    strokes it crosses, so the first look and the lifted crop lose the same character and tie with the
    printed view (fresh dev v55 1-bit: four dates and a signature). A box that took in the ring's arc (two
    body lines tall) gives the printed views its characters too: `024年65月7日公` twice over the first look's
    `024年5月7日`, whose year the document's number restores (grey dev v59).
    """
    votes: dict[str, list[float]] = {}
    for text, score in readings:
        votes.setdefault(text, []).append(score)

    def rank(text: str) -> tuple[bool, bool, int, int, float]:
        holds = sum(1 for other in votes if other != text and stands_in(other, text))
        return is_date_line(text), reads_month_and_day(text), len(votes[text]), holds, max(votes[text])

    text = max(votes, key=rank)
    return text, max(votes[text])


def _body_height(lines: Sequence[OcrLine]) -> float:
    black = [ln.box.height for ln in lines if ln.red < MARK_RED_MIN] or [ln.box.height for ln in lines]
    return float(statistics.median(black))


# --- lines under a seal ------------------------------------------------------------------------------------


def _inside_share(box: Box, region: Box) -> float:
    width = min(box.x1, region.x1) - max(box.x0, region.x0)
    height = min(box.y1, region.y1) - max(box.y0, region.y0)
    if width <= 0 or height <= 0:
        return 0.0
    return width * height / max(box.width * box.height, 1.0)


def _seal_looks(lines: Sequence[OcrLine], ocr_image: np.ndarray, image: np.ndarray,
                seals: Sequence[SealRegion]) -> list[Look]:
    """Three views of each line under a seal: lifted, as printed, and its red channel (red ink light).

    On a grey or 1-bit page the red channel is the printed page again, so the printed view votes twice. That
    is kept on purpose: on v4/v5 1-bit scans, reading it once let the first look and the lifted crop (both
    from the page with the ring removed, which on 1-bit takes strokes with it) outvote it, and four signatures
    of 24 documents were lost (dev loop, layout rebuilt from the re-read pages)."""
    looks = []
    for index, line in enumerate(lines):
        if any(_inside_share(line.box, seal.box) >= SEAL_OVERLAP_MIN for seal in seals):
            lifted = _cut(ocr_image, line.box, line.box.height)
            printed = _cut(image, line.box, line.box.height)
            red = cv2.cvtColor(np.ascontiguousarray(printed[:, :, 2]), cv2.COLOR_GRAY2BGR)
            looks += [Look(_scaled(view), line.box, index) for view in (lifted, printed, red)]
    return looks


def _tilt(polygon: Sequence[tuple[float, float]]) -> float:
    if len(polygon) < 2:
        return 0.0
    (x0, y0), (x1, y1) = polygon[0], polygon[1]
    angle = abs(np.degrees(np.arctan2(y1 - y0, x1 - x0)))
    return float(min(angle, abs(180 - angle)))


def missed_under_rings(lines: Sequence[OcrLine], image: np.ndarray, seals: Sequence[SealRegion],
                       engine: OcrEngine, page: int, body_height: float,
                       ocr_image: np.ndarray | None = None) -> list[OcrLine]:
    """Lines under each seal found by shape that the first look (of the whole lifted page) missed: the lifted
    page (`ocr_image`, when given) and then the printed page around the seal's middle and lower part are
    read (detection and recognition), and the level, long readings there that no first-look line (nor an
    earlier view's) covers are new lines (see UNDER_RING_TOP_R)."""
    added: list[OcrLine] = []
    height, width = image.shape[:2]
    views = [image] if ocr_image is None or ocr_image is image else [ocr_image, image]
    for seal, view in ((seal, view) for seal in seals for view in views):
        if seal.found_by != "shape":
            continue
        box, radius = seal.box, seal.box.width / 2
        x0, x1 = max(0, int(box.x0 - radius)), min(width, int(box.x1 + radius))
        y0, y1 = max(0, int(box.cy - (1 - PAD_LH) * radius)), min(height, int(box.y1 + PAD_LH * radius))
        if x1 <= x0 or y1 <= y0:
            continue
        for found in engine.recognise(np.ascontiguousarray(view[y0:y1, x0:x1]), page):
            moved = Box(found.box.x0 + x0, found.box.y0 + y0, found.box.x1 + x0, found.box.y1 + y0)
            polygon = tuple((x + x0, y + y0) for x, y in found.polygon)
            text = found.text.strip()
            units = sum(1.0 if "\u4e00" <= ch <= "\u9fff" else 0.5 for ch in text)
            if (units < UNDER_RING_MIN_UNITS or not any("\u4e00" <= ch <= "\u9fff" for ch in text)
                    or _tilt(polygon) > UNDER_RING_TILT_DEG
                    or moved.height > UNDER_RING_MAX_LH * body_height
                    or (moved.cy < box.cy - UNDER_RING_TOP_R * radius
                        and (on_seal_ring(replace(found, box=moved), box) or not _reaches_past(moved, box)))
                    or not box.x0 <= moved.cx <= box.x1
                    or sum(moved.overlap_area(other.box) for other in [*lines, *added]) >= UNDER_RING_COVERED * _area(moved)
                    or _repeats_a_line(text, [*lines, *added], Box(x0, y0, x1, y1))):
                continue
            added.append(replace(found, text=text, box=moved, polygon=polygon, page=page, red=0.0))
    # a piece one view read lying inside the whole line another view read gives way to it
    return [line for line in added if not any(other is not line and _area(other.box) > _area(line.box)
                                              and line.box.overlap_area(other.box) >= UNDER_RING_PART * _area(line.box)
                                              for other in added)]


def _repeats_a_line(text: str, lines: Sequence[OcrLine], region: Box) -> bool:
    """`text` is already read, whole or as its part, in a line in `region` (around one seal): read again a
    little higher or lower it is no missed line but the seal's own name, or a piece of it, which is the
    signature's (v4 gov_01 gray read 国务院办公厅 twice, v3 seed_002 gray 渝北区卫生健康委员 beside
    重庆市渝北区卫生健康委员会)."""
    return any(text in line.text.strip() and region.x0 <= line.box.cx <= region.x1
               and region.y0 <= line.box.cy <= region.y1 for line in lines)


def is_ring_arc(line: OcrLine, seals: Sequence[SealRegion], body_height: float) -> bool:
    """Colour-free: a line centred inside a seal found by shape whose box is taller than UNDER_RING_MAX_LH body
    lines is the ring's text read as one box along its arc (the ring taken off, the detector sees its name
    alone), never a printed line: it is the seal's text, not the document's. The ring's name has no digit
    and no 年, 月 or 日."""
    if any(ch.isdigit() or ch in "年月日" for ch in line.text):
        return False  # a date under a black seal, read as one box with the star or the code: kept for the layout
    return line.box.height > UNDER_RING_MAX_LH * body_height and any(
        seal.found_by == "shape" and seal.box.x0 <= line.box.cx <= seal.box.x1 and seal.box.y0 <= line.box.cy <= seal.box.y1
        for seal in seals)


def _reaches_past(line: Box, seal: Box) -> bool:
    """The line runs out past the seal's ring on the left or the right (a printed line under it; the ring's
    own text stays inside it)."""
    return line.x0 < seal.x0 or line.x1 > seal.x1


def _area(box: Box) -> float:
    return max(box.width * box.height, 1.0)


def drop_fragments(lines: Sequence[OcrLine], whole: Sequence[OcrLine]) -> list[OcrLine]:
    """`lines` without those lying mostly (UNDER_RING_PART) inside one of `whole`: pieces of the same printed
    line the first look read from the lifted page, now read whole from the printed one."""
    return [line for line in lines
            if not any(line.box.overlap_area(new.box) >= UNDER_RING_PART * _area(line.box) for new in whole)]


# --- the red mark ------------------------------------------------------------------------------------------


def _mark_indices(lines: Sequence[OcrLine], page_height: int, body_height: float) -> list[int]:
    """Indices of the red mark's fragments: large red lines in the top part of the page."""
    return [i for i, ln in enumerate(lines)
            if ln.red >= MARK_RED_MIN and ln.box.y1 <= page_height * HEADER_SHARE
            and ln.box.height >= MARK_LARGE_LH * body_height]


def _huge_top_indices(lines: Sequence[OcrLine], page_height: int, body_height: float) -> list[int]:
    """Colour-free: indices of the mark's fragments, the huge lines in the top part of the page."""
    return [i for i, ln in enumerate(lines)
            if ln.box.y1 <= page_height * HEADER_SHARE and ln.box.height >= MARK_HUGE_LH * body_height]


def _dark_band_mask(image: np.ndarray, mark: Sequence[OcrLine]) -> np.ndarray:
    """uint8 mask (255 = ink) of the dark pixels in the rows of the mark's band, zero elsewhere."""
    mh = float(statistics.median(ln.box.height for ln in mark))
    y0 = max(0, int(min(ln.box.y0 for ln in mark) - BAND_PAD_MH * mh))
    y1 = min(image.shape[0], int(max(ln.box.y1 for ln in mark) + BAND_PAD_MH * mh))
    band = image[y0:y1]
    gray = cv2.cvtColor(band, cv2.COLOR_BGR2GRAY) if band.ndim == 3 else band
    mask = np.zeros(image.shape[:2], np.uint8)
    mask[y0:y1] = np.where(gray < DARK_INK_LEVEL * float(np.percentile(gray, PAPER_PERCENTILE)), 255, 0)
    return mask


def uncovered_mark_ink(mark: Sequence[OcrLine], lines: Sequence[OcrLine], red_mask: np.ndarray,
                       seals: Sequence[SealRegion] = ()) -> list[Box]:
    """Boxes of red ink (or, colour-free, of the dark ink `_dark_band_mask` gives) in the mark's band that no
    detected line covers, one per run of characters."""
    mh = float(statistics.median(ln.box.height for ln in mark))
    y0 = max(0, int(min(ln.box.y0 for ln in mark) - BAND_PAD_MH * mh))
    y1 = min(red_mask.shape[0], int(max(ln.box.y1 for ln in mark) + BAND_PAD_MH * mh))
    band = red_mask[y0:y1].copy()
    pad = COVER_PAD_MH * mh
    for line in lines:
        bx0, by0 = max(0, int(line.box.x0 - pad)), max(0, int(line.box.y0 - pad) - y0)
        bx1, by1 = int(line.box.x1 + pad) + 1, int(line.box.y1 + pad) - y0 + 1
        if by1 > 0 and by0 < band.shape[0]:
            band[max(0, by0):by1, bx0:bx1] = 0
    for seal in seals:
        band[max(0, int(seal.box.y0) - y0):max(0, int(seal.box.y1) - y0 + 1), int(seal.box.x0):int(seal.box.x1) + 1] = 0
    link = max(3, int(GAP_LINK_MH * mh)) | 1
    joined = cv2.dilate(band, cv2.getStructuringElement(cv2.MORPH_RECT, (link, max(3, int(0.2 * mh)) | 1)))
    count, _, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    boxes = []
    for label in range(1, count):
        x, y, w, h, _ = (int(v) for v in stats[label])
        # undo the dilation's growth so the box hugs the ink
        x, w = x + link // 2, max(1, w - 2 * (link // 2))
        if h - 0.2 * mh < GAP_MIN_HEIGHT_MH * mh or w < GAP_MIN_WIDTH_MH * mh:
            continue
        boxes.append(Box(float(x), float(y + y0), float(x + w), float(y + y0 + h)))
    return boxes


def read_seals(image: np.ndarray, seals: Sequence[SealRegion], engine: OcrEngine) -> list[tuple[Box, str, str]]:
    """Each single seal's box, the name along its ring ("" when unsure) and how it was found, for `Page.seals`.

    The name is the seal's own text: it never enters the document text (the OCR read the page without it,
    or the layout rules keep it out by its arrangement).
    """
    circles = [(circle, region.found_by) for region in seals for circle in seal_circles(region)]
    if not circles:
        return []
    readings = engine.recognise_crops([ring_strip(image, circle, found_by) for circle, found_by in circles])
    return [(circle, text.strip() if score >= SEAL_TEXT_MIN_SCORE else "", found_by)
            for (circle, found_by), (text, score) in zip(circles, readings, strict=True)]


# --- crops ---------------------------------------------------------------------------------------------------


def _cut(image: np.ndarray, box: Box, line_height: float) -> np.ndarray:
    pad = PAD_LH * line_height
    height, width = image.shape[:2]
    x0, y0 = max(0, int(box.x0 - pad)), max(0, int(box.y0 - pad))
    x1, y1 = min(width, int(np.ceil(box.x1 + pad))), min(height, int(np.ceil(box.y1 + pad)))
    return np.ascontiguousarray(image[y0:y1, x0:x1])


def _scaled(crop: np.ndarray) -> np.ndarray:
    """The crop scaled up (cubic) so its height is the recogniser's; larger crops are left to it."""
    if crop.shape[0] >= REC_HEIGHT_PX or crop.shape[0] == 0:
        return crop
    factor = REC_HEIGHT_PX / crop.shape[0]
    return cv2.resize(crop, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)


def _dark_crop(image: np.ndarray, box: Box, line_height: float) -> np.ndarray:
    """The crop as dark-on-paper grey (the darkest channel: red ink prints as black), BGR for the engine."""
    crop = _cut(image, box, line_height)
    darkest = crop.min(axis=2)
    return _scaled(cv2.cvtColor(darkest, cv2.COLOR_GRAY2BGR))


def _new_line(text: str, score: float, box: Box, page: int, red_mask: np.ndarray, image: np.ndarray) -> OcrLine:
    polygon = ((box.x0, box.y0), (box.x1, box.y0), (box.x1, box.y1), (box.x0, box.y1))
    return OcrLine(text=text, box=box, score=score, page=page, red=red_fraction(red_mask, image, box),
                   polygon=polygon)
