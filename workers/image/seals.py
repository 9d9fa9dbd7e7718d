"""Seals (公章): find the stamps in the red-ink mask and lift their ink off the page the OCR engine reads.

A seal is stamped over the signature and the date, the very lines users search by. Its ink is
semi-transparent: the black strokes under it still show, but the detector no longer sees them as text
(the sample's signature and date vanish entirely). So the OCR reads a copy of the page on which, inside
each seal, the red ink is paper again while the black strokes stay.

Finding: a seal is one connected piece of red ink (its ring, closed over small gaps) much larger than
any character of the red title — at least SEAL_MIN_MM on both sides — that is sparse inside its convex
hull (a ring with a star and bent text, not a blob of paint), drawn in thin strokes, and whose outer
contour (the ring) encloses nearly all of its hull. Two overlapping seals form one piece, and one region;
square stamps pass the same tests; characters of a red title touching across rows do not.

Lifting: in the red channel red ink is about as bright as paper and black ink stays dark. Inside the
seal's hull (grown by SEAL_MARGIN_MM), the red channel is divided by its own local background (a grey
closing wider than a stroke), which also cancels the darker spots where the ink pooled, and the result
is printed in the paper's colour. Painting the red mask white instead would cut every black stroke that
crosses the ring.

Coordinates: upright-page pixels (the frame of `layout.model`); sizes in millimetres use the page's short
side as 210 mm (A4), since the scan's dpi is not always known here.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from layout.model import Box
from workers.image.redink import red_mask

A4_SHORT_MM = 210.0
"""The short side of an A4 page, for pixels per millimetre without a known dpi."""
FIND_PX_PER_MM = 4.0
"""Resolution (px/mm, ~100 dpi) of the mask view seals are looked for on: a 1.2 mm ring is ~5 px wide."""
CLOSE_MM = 1.0
"""Closing of the red mask before counting pieces: bridges ink gaps and black strokes across the ring."""
SEAL_MIN_MM = 24.0
"""Smallest seal side: official round seals are 38–45 mm, square stamps 20–30 mm with their frame;
no character of a red title is this large in both directions (one row of a mark is at most ~22 mm)."""
SEAL_MAX_MM = 120.0
"""Largest side of one red piece that is still seals (two or three overlapping 45 mm seals)."""
SEAL_MAX_ASPECT = 3.0
"""Longest side / shortest side of a seal piece (three seals side by side overlap into at most this)."""
SEAL_MIN_HULL_SHARE = 0.55
"""Convex hull / bounding box: a disc fills 0.79 of its box, a square 1.0; a diagonal stroke fills little."""
SEAL_MAX_INK_SHARE = 0.6
"""Ink / convex hull: a ring with bent text and a star covers well under half of its disc."""
SEAL_MAX_STROKE_SHARE = 0.08
"""Mean stroke width (2 × ink area / contour length) / shortest side: a seal's 1–1.5 mm ring and text on
40 mm give ~0.03, two overlapping seals up to ~0.06 (their inks pile up); a large 口 or 国 of a red title
(2–3 mm strokes on 22–25 mm) ~0.1."""
SEAL_MIN_ENCLOSED = 0.85
"""Area inside the piece's outer contour / its convex hull: a seal's ring encloses its whole disc (0.97–0.99
on the corpus, two overlapping seals included); red title characters that touch across rows leave deep
bays between them (~0.55)."""
SEAL_MARGIN_MM = 1.5
"""The cleaned region reaches this far beyond the hull: the ring's anti-aliased rim and JPEG colour bleed."""
BACKGROUND_MM = 1.4
"""Closing window of the red channel's background: wider than a black body stroke (~0.5 mm), far narrower
than the smooth pooling of the seal ink."""
PAPER_RATIO = 0.72
"""A red-channel ratio (pixel / local background) at or above this is paper or red ink: even pooled seal ink
keeps ~0.6–0.8 of the paper's red (95 % of its pixels above 0.62 on the sample), black ink ~0.3."""
INK_RATIO = 0.2
"""...and at or below this it is black ink, printed black; in between the levels are stretched."""
RED_INK_MIN_RATIO = 0.55
"""A pixel of the red mask (or next to it: JPEG colour bleed) whose red channel keeps at least this share
of its background is seal ink and becomes paper: heavy, pooled seal ink keeps ~0.6, while the cores of black
strokes under the seal keep ~0.3 (their anti-aliased rims, which the mask partly takes, lie in between)."""
PAPER_RING_MM = 3.0
"""The paper colour is measured in a band this wide around the cleaned region."""


@dataclass(frozen=True)
class SealRegion:
    """One seal (or several overlapping ones) on a page: its box and its cleaned region.

    `box` is the bounding box of the seal's ink; `hull` the convex hull of that ink (int32 N×1×2 points),
    both in upright-page pixels. `found_by`: "colour" (its red ink, here) or "shape" (its ring in the grey
    image, `workers.image.sealshape`).
    """

    box: Box
    hull: np.ndarray
    found_by: str = "colour"


def px_per_mm(shape: tuple[int, ...]) -> float:
    """Pixels per millimetre of an upright page image, taking its short side as A4's 210 mm."""
    return min(shape[0], shape[1]) / A4_SHORT_MM


def _odd(value: float) -> int:
    return max(3, round(value) | 1)


def find_seals(mask: np.ndarray) -> list[SealRegion]:
    """The seals on a page from its red-ink mask (uint8, 255 = red), top to bottom."""
    if not np.any(mask):
        return []
    # Seals are large: look for them on a FIND_PX_PER_MM view of the mask (a few ms instead of ~0.2 s).
    factor = min(1.0, FIND_PX_PER_MM / px_per_mm(mask.shape))
    small = cv2.resize(mask, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    small = np.where(small > 0, 255, 0).astype(np.uint8)
    ppm = px_per_mm(mask.shape) * factor
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (_odd(CLOSE_MM * ppm),) * 2)
    closed = cv2.morphologyEx(small, cv2.MORPH_CLOSE, kernel)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(closed, connectivity=8)
    regions = []
    for label in range(1, count):
        x, y, w, h, area = (int(v) for v in stats[label])
        if not _seal_sized(w / ppm, h / ppm):
            continue
        piece = (labels[y:y + h, x:x + w] == label).astype(np.uint8)
        hull = cv2.convexHull(cv2.findNonZero(piece))
        hull_area = max(float(cv2.contourArea(hull)), 1.0)
        if hull_area / (w * h) < SEAL_MIN_HULL_SHARE or area / hull_area > SEAL_MAX_INK_SHARE:
            continue
        if _stroke_width(piece, area) > SEAL_MAX_STROKE_SHARE * min(w, h):
            continue
        if _enclosed_area(piece) < SEAL_MIN_ENCLOSED * hull_area:
            continue
        hull = np.round((hull + np.array([[x, y]])) / factor).astype(np.int32)
        box = Box(float(x / factor), float(y / factor), float((x + w) / factor), float((y + h) / factor))
        regions.append(SealRegion(box, hull))
    return sorted(regions, key=lambda region: (region.box.y0, region.box.x0))


def _stroke_width(piece: np.ndarray, area: int) -> float:
    """Mean stroke width (px) of a binary piece: twice its area over the length of all its contours."""
    contours, _ = cv2.findContours(piece, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    length = sum(cv2.arcLength(contour, True) for contour in contours)
    return 2.0 * area / max(length, 1.0)


def _enclosed_area(piece: np.ndarray) -> float:
    """Area (px) inside the piece's largest outer contour."""
    contours, _ = cv2.findContours(piece, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    return max((float(cv2.contourArea(contour)) for contour in contours), default=0.0)


def _seal_sized(width_mm: float, height_mm: float) -> bool:
    short, long = min(width_mm, height_mm), max(width_mm, height_mm)
    return SEAL_MIN_MM <= short and long <= SEAL_MAX_MM and long <= SEAL_MAX_ASPECT * short


def region_mask(shape: tuple[int, ...], regions: list[SealRegion]) -> tuple[np.ndarray, tuple[int, int]]:
    """uint8 mask (255 inside) of the cleaned regions, each hull grown by SEAL_MARGIN_MM, cut to the
    regions' bounding box plus PAPER_RING_MM; and that cut's top-left corner (x, y) on the page."""
    ppm = px_per_mm(shape)
    grow = _odd(2 * SEAL_MARGIN_MM * ppm)
    pad = grow + _odd(PAPER_RING_MM * ppm)
    points = np.concatenate([region.hull.reshape(-1, 2) for region in regions])
    x0, y0 = (max(0, int(v) - pad) for v in points.min(axis=0))
    x1 = min(shape[1], int(points[:, 0].max()) + pad + 1)
    y1 = min(shape[0], int(points[:, 1].max()) + pad + 1)
    mask = np.zeros((y1 - y0, x1 - x0), np.uint8)
    for region in regions:
        cv2.fillPoly(mask, [region.hull - np.array([[x0, y0]], np.int32)], (255,))
    return cv2.dilate(mask, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (grow, grow))), (x0, y0)


def remove_seal_ink(image: np.ndarray, regions: list[SealRegion]) -> np.ndarray:
    """A copy of the page (BGR uint8) with the seals' red ink turned to paper; black strokes kept.

    Outside the regions the pixels are untouched; the page itself is not modified (with no regions it
    is returned as it is).
    """
    if not regions:
        return image
    mask, (x0, y0) = region_mask(image.shape, regions)
    height, width = mask.shape
    crop = image[y0:y0 + height, x0:x0 + width]
    region = mask > 0
    lifted = _lift_red(crop, region, px_per_mm(image.shape))
    out = image.copy()
    out[y0:y0 + height, x0:x0 + width][region] = lifted[region]
    return out


def _lift_red(crop: np.ndarray, region: np.ndarray, ppm: float) -> np.ndarray:
    """The crop as paper colour × (red channel / its local background), levels stretched so paper is paper."""
    red = crop[:, :, 2].astype(np.float32)
    window = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (_odd(BACKGROUND_MM * ppm),) * 2)
    background = cv2.morphologyEx(red, cv2.MORPH_CLOSE, window)
    background = cv2.GaussianBlur(background, (0, 0), BACKGROUND_MM * ppm / 2)
    raw = red / np.maximum(background, 1.0)
    ratio = np.clip((raw - INK_RATIO) / (PAPER_RATIO - INK_RATIO), 0.0, 1.0)
    # Heavily inked, pooled seals darken their own red channel to ~0.6: where the hue says red, lift it.
    reddish = cv2.dilate(red_mask(crop), np.ones((3, 3), np.uint8)) > 0
    ratio[reddish & (raw >= RED_INK_MIN_RATIO)] = 1.0
    paper = _paper_colour(crop, region)
    lifted: np.ndarray = (ratio[:, :, None] * paper[None, None, :]).round().astype(np.uint8)
    return lifted


def _paper_colour(crop: np.ndarray, region: np.ndarray) -> np.ndarray:
    """Median colour (float32 BGR) of the crop outside the region: mostly paper."""
    outside = crop[~region]
    if outside.size == 0:
        outside = crop.reshape(-1, 3)
    colour: np.ndarray = np.median(outside, axis=0).astype(np.float32)
    return colour


# --- the seal's own text ------------------------------------------------------------------------------------

RING_TEXT_INNER = 0.55
"""The name along the ring lies between these shares of the seal's outer radius (42 mm seal: characters
~6 mm tall just inside a 1.2 mm ring)."""
RING_TEXT_OUTER = 0.92
ARC_FROM_DEG = 130.0
"""The name runs clockwise from the lower left over the top to the lower right: OpenCV polar angles (0° to
the right, growing clockwise on screen) from this ..."""
ARC_TO_DEG = 410.0
"""... to this (past 360°: the lower right)."""
ROUND_MAX_ASPECT = 1.2
"""A region at most this elongated is one seal; a longer one is seals of its short side overlapping in a row
(joint issue: one per body, side by side)."""


def seal_circles(region: SealRegion) -> list[Box]:
    """The boxes of the single seals in a region: itself, or evenly spaced squares of its short side."""
    box = region.box
    short, long = min(box.width, box.height), max(box.width, box.height)
    if long <= ROUND_MAX_ASPECT * short:
        return [box]
    count = max(2, round(long / short))
    step = (long - short) / (count - 1)
    if box.width >= box.height:
        return [Box(box.x0 + k * step, box.y0, box.x0 + k * step + short, box.y1) for k in range(count)]
    return [Box(box.x0, box.y0 + k * step, box.x1, box.y0 + k * step + short) for k in range(count)]


def ring_strip(image: np.ndarray, box: Box, found_by: str = "colour") -> np.ndarray:
    """The upper arc of the round seal in `box` unrolled into a straight line (its ink dark on white, BGR),
    for the recogniser. The ink is the red of a seal found by colour, the dark of one found by shape."""
    radius = min(box.width, box.height) / 2
    centre = (box.cx, box.cy)
    mid = radius * (RING_TEXT_INNER + RING_TEXT_OUTER) / 2
    steps = max(90, round(2 * np.pi * mid))
    redness = _redness(image, box) if found_by == "colour" else _darkness(image, box)
    origin = (max(0, int(box.x0) - 2), max(0, int(box.y0) - 2))
    polar = cv2.warpPolar(redness, (round(radius), steps), (centre[0] - origin[0], centre[1] - origin[1]), radius,
                          cv2.INTER_LINEAR | cv2.WARP_POLAR_LINEAR)
    rows = [round(deg / 360.0 * steps) % steps for deg in np.arange(ARC_FROM_DEG, ARC_TO_DEG, 360.0 / steps)]
    band = polar[rows, round(RING_TEXT_INNER * radius):round(RING_TEXT_OUTER * radius)]
    strip = np.ascontiguousarray(np.flipud(band.T))  # angle left to right, the ring (tops of characters) up
    return cv2.cvtColor(255 - strip, cv2.COLOR_GRAY2BGR)


def _darkness(image: np.ndarray, box: Box) -> np.ndarray:
    """255 − grey over the seal's box (plus a 2 px margin): all ink bright, paper dark (a grey or 1-bit scan)."""
    x0, y0 = max(0, int(box.x0) - 2), max(0, int(box.y0) - 2)
    crop = image[y0:int(box.y1) + 3, x0:int(box.x1) + 3]
    gray = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY) if crop.ndim == 3 else crop
    dark: np.ndarray = 255 - gray
    return dark


def _redness(image: np.ndarray, box: Box) -> np.ndarray:
    """R − max(G, B), stretched to 0..255, over the seal's box (plus a 2 px margin): red ink bright, black ink
    and paper dark."""
    x0, y0 = max(0, int(box.x0) - 2), max(0, int(box.y0) - 2)
    crop = image[y0:int(box.y1) + 3, x0:int(box.x1) + 3].astype(np.int16)
    excess = np.clip(crop[:, :, 2] - np.maximum(crop[:, :, 1], crop[:, :, 0]), 0, 255).astype(np.float32)
    top = max(float(np.percentile(excess, 99)), 1.0)
    stretched: np.ndarray = np.clip(excess * (255.0 / top), 0, 255).astype(np.uint8)
    return stretched
