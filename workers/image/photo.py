"""Phone photos of a sheet: find the page, flatten it, before orientation and deskew.

    correct_photo(image) → PhotoCorrection | None      None: not a photo (a flat scan), leave it untouched
      1. find_sheet       the sheet's quadrilateral in the photo (`find_sheet`), on a copy at ~WORK_LONG_SIDE_PX
      2. is it a photo?   the sheet must leave desk visible along most of the frame's border, be a convex
                          quadrilateral of plausible angles and fill a plausible share of the frame
      3. warp             perspective correction to a rectangle of the sheet's proportions (A4 unless the
                          quadrilateral says otherwise), at one fixed scale (A4 at 250 dpi, `page_size`)
      4. flatten          divide each colour channel by its large-scale background (the paper's brightness
                          under the light), so gradients and soft shadows go and red ink stays red

Frames: `quad` is in source-image pixels, continuous coordinates (a pixel's centre at +0.5, as in
`workers.image.pagemap`), corners ordered top-left, top-right, bottom-right, bottom-left as seen in the photo.
`matrix` maps source pixels to the warped page's pixels in the same convention, ready for
`PageTransform.then(matrix, size)`.

Sizes are stated as shares of the frame or of the sheet (the photo's resolution is unknown until the
sheet is found); colour thresholds are grey levels, as in `workers.image.redink`.

Why conservative: a flat scan has paper (or the scanner's replicated border) all along the frame; any
doubt leaves the page as it came, so the scan corpus passes through unchanged.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

WORK_LONG_SIDE_PX = 640
"""The sheet is searched for on a copy this long: its edges are 1–2 px sharp there, and it costs ~10 ms."""
TEXT_CLOSE_SHARE = 0.025
"""Closing window (share of the work copy's long side, ≈ one body character): text is lifted off the paper."""
EDGE_LOG_STEP = 0.08
"""An edge: the log brightness of a channel spans this much within 3×3 work pixels (an 8% step; the sheet
against a light desk in shadow steps by ~0.13, against a dark desk by 0.5–1.5)..."""
BAND_EDGE_MAX_SHARE = 0.25
"""The unclosed copy's edges near the frame are used only when they are this share of the band at most: a
photo's desk shows a few lines and grain there, a page of noise or dense texture is edge everywhere."""
EDGE_GAPS_PX = (3, 5, 7, 11)
"""Edges are thickened to this width (work px) before the sheet is cut out, the next width tried while the
region still leaks out to the frame's border: a faint stretch of outline leaves a gap."""
EDGE_WIDE_PX = 9
EDGE_SHARPNESS = 0.6
"""...and that is at least this share of its span over EDGE_WIDE_PX: the step is sharp. A soft shadow edge
or a light gradient spreads its change over many work pixels, so its 3×3 span is a small part of it."""
BORDER_SHEET_MAX = 0.6
"""A photo shows desk along most of the frame: a sheet touching more than this share of the border
pixels is a flat scan (or a photo without desk, which we cannot square), left as it is."""
SHEET_MIN_AREA, SHEET_MAX_AREA = 0.2, 0.98
"""Plausible sheet area as a share of the frame."""
CORNER_MIN_DEG, CORNER_MAX_DEG = 55.0, 125.0
"""A photographed rectangle keeps its corners within this range (the corpus moves corners by 8%: ~70–110°)."""
QUAD_FIT_MIN = 0.97
"""The sheet's region and its quadrilateral overlap at least this much (IoU): a hand or tape at the edge
costs ~1%, a second sheet merged into ours 10% or more."""
LINE_REGION_PX = 41
"""Straight edges are looked for within this many work px (~6% of the frame) around the sheet's cut."""
LINE_MIN_VOTES = 0.12
"""A Hough line needs edge pixels over this share of the work copy's long side (a side half hidden)."""
LINE_NMS_PX, LINE_NMS_DEG = 8.0, 4.0
"""Lines closer than this (rho, angle) to a stronger one are the same edge."""
LINE_MAX_TRIED = 600
"""Hough lines looked at, strongest first (a page of text gives thousands)."""
LINE_CANDIDATES = 6
"""Strongest lines kept per direction: 15 × 15 pairs of pairs at most."""
LINE_SUPPORT_MIN = 0.85
"""A quadrilateral from lines is the sheet when edge pixels lie along this share of its outline."""
SPLIT_MIN_SHARE = 0.15
SPLIT_SUPPORT_MIN = 0.9
"""A straight edge across the found quadrilateral from side to side, crossing each at least SPLIT_MIN_SHARE
from its ends, with edge pixels along this share of it, is where a second sheet meets ours."""
THIN_LINE_PX = 7
THIN_CONTRAST = 10
"""Thin dark lines: black-hat over THIN_LINE_PX work px darker by this much (grey levels)."""
SPLIT_CANDIDATES = 40
"""Lines tried as the meeting of two sheets (text rows are strong lines too, and fail the support test)."""
INK_CONTRAST = 30
"""Work-copy pixels this much darker than their closed surroundings (grey levels) are ink."""
FRAME_RING_PX = 2
"""Work pixels along the frame taken as edge (see `_region_inside`)."""
FRAME_EDGE_PX = 2.0
"""A side with both ends this close to the frame's edge (work px) is the frame, not the sheet."""
SIDE_BAND = 0.02
"""Contour points within this share of the work copy's diagonal of a side's first guess fit that side:
a hand or tape at the edge, or the corner of a second sheet, lies farther out and is left out."""
CORNER_SKIP = 0.1
"""The ends of each side (this share of its length) are left out of its fit: corners are rounded by blur."""
A4_RATIO = math.sqrt(2.0)
KEYSTONE_SPREAD = 1.35
"""How far keystone moves a sheet's measured height over width (mean sides) from its own, either way: a
phone held at an angle (corners moved up to ~12% of the side) makes an A4 sheet measure 1.09–1.84
(development photos, `fixtures.corpus photo --variant`). GB/T 9704 prints on A4, so a sheet measuring
within this factor of A4 (either way up) is A4; a square (1.41 off) keeps its own proportions, and
outside the spread of either way up it is not one sheet (two merged, or something else)."""
PAGE_SHORT_SIDE_PX = 2067
"""The squared page's short side: A4's 210 mm at 250 dpi (body text ~70 px high). Phone photos show the
sheet at ~150–250 dpi, so body text stays at least as large as in the photo; a sheet photographed at
more than 250 dpi (12 MP, filling the frame) is brought down to it, still far above what the OCR needs."""
BACKGROUND_CELL = 0.006
"""Background estimate: the page is reduced to cells of this share of its width (≈ 1.3 mm on A4)."""
BACKGROUND_CLOSE = 0.06
"""...and closed over this share of the width (≈ 12 mm: wider than the strokes of the red issuer mark),
so only the paper's brightness remains."""
PAPER_LEVEL = 245.0
"""The flattened paper's grey level (kept under 255 so the paper's own grain is not clipped flat)."""


@dataclass(frozen=True)
class PhotoCorrection:
    """The flattened page (BGR uint8), the sheet's corners in the photo (4×2, TL TR BR BL, continuous
    source pixels), the 3×3 source → page homography (continuous pixels) and the page's (width, height)."""

    image: np.ndarray
    quad: np.ndarray
    matrix: np.ndarray
    size: tuple[int, int]


# --------------------------------------------------------------------------------------------- finding
def _reduce(image: np.ndarray, factor: int) -> np.ndarray:
    """Shrink by a whole factor (OpenCV's fast area-averaging path)."""
    if factor <= 1:
        return image
    height, width = image.shape[:2]
    size = (max(1, width // factor), max(1, height // factor))
    return cv2.resize(image[: size[1] * factor, : size[0] * factor], size, interpolation=cv2.INTER_AREA)


def _work_factor(image: np.ndarray) -> int:
    """The whole factor that brings the image's long side nearest WORK_LONG_SIDE_PX."""
    return max(1, round(max(image.shape[:2]) / WORK_LONG_SIDE_PX))


def _work_copy(image: np.ndarray) -> np.ndarray:
    return _reduce(image, _work_factor(image))


_LOG_SCALE = 255.0 / math.log1p(255.0)
_LOG_LUT = np.round(np.log1p(np.arange(256)) * _LOG_SCALE).astype(np.uint8)
"""Grey level → log brightness in uint8 steps of 1/_LOG_SCALE (≈ 0.022): uint8 morphology is fast."""


def _sharp_steps(image: np.ndarray) -> np.ndarray:
    log = cv2.LUT(image, _LOG_LUT)
    near = cv2.morphologyEx(log, cv2.MORPH_GRADIENT, np.ones((3, 3), np.uint8))
    wide = cv2.morphologyEx(log, cv2.MORPH_GRADIENT, np.ones((EDGE_WIDE_PX, EDGE_WIDE_PX), np.uint8))
    near = cv2.max(cv2.max(near[:, :, 0], near[:, :, 1]), near[:, :, 2]).astype(np.float32) / _LOG_SCALE
    wide = cv2.max(cv2.max(wide[:, :, 0], wide[:, :, 1]), wide[:, :, 2]).astype(np.float32) / _LOG_SCALE
    steps: np.ndarray = (near >= EDGE_LOG_STEP) & (near >= EDGE_SHARPNESS * wide)
    return steps


def sheet_edges(small: np.ndarray) -> np.ndarray:
    """Sharp edges on the work copy (bool): text closed away, then where a channel's log brightness steps
    by EDGE_LOG_STEP within 3×3 px, and sharply (EDGE_SHARPNESS). Within a closing window of the frame's
    border the closing would also fill a thin strip of desk between the sheet and the frame: there the
    edges of the unclosed copy count too (no text lies that close to a sheet's edge)."""
    side = max(3, round(TEXT_CLOSE_SHARE * max(small.shape[:2])) | 1)
    closed = cv2.morphologyEx(small, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (side, side)))
    edges = _sharp_steps(cv2.medianBlur(closed, 3))
    raw = _sharp_steps(cv2.medianBlur(small, 3))
    band = np.zeros(edges.shape, bool)
    band[:side], band[-side:], band[:, :side], band[:, -side:] = True, True, True, True
    if raw[band].mean() <= BAND_EDGE_MAX_SHARE:  # not where the unclosed copy is all edges (noise, texture)
        edges |= raw & band
    return edges


def _region_inside(edge: np.ndarray, gap: int) -> np.ndarray:
    """The edge-free region at the work copy's centre, its edges thickened to close gaps of `gap` px (a
    gap in the sheet's outline lets the whole desk in), grown back by as much, holes filled."""
    kernel = np.ones((gap, gap), np.uint8)
    free = (cv2.dilate(edge.astype(np.uint8), kernel) == 0).astype(np.uint8)
    # where the sheet comes within a pixel or two of the frame, its edge fades into the frame's: the frame's
    # own border is closed too, so the region cannot slip out along it (it grows back over it below)
    free[:FRAME_RING_PX], free[-FRAME_RING_PX:], free[:, :FRAME_RING_PX], free[:, -FRAME_RING_PX:] = 0, 0, 0, 0
    _, labels, stats, _ = cv2.connectedComponentsWithStats(free, connectivity=4)
    height, width = free.shape
    inner = labels[height // 3: 2 * height // 3, width // 3: 2 * width // 3]
    inner_free = free[height // 3: 2 * height // 3, width // 3: 2 * width // 3].astype(bool)
    candidates = np.unique(inner[inner_free])
    filled = np.zeros_like(free)
    if not len(candidates):
        return filled
    best = max(candidates, key=lambda label: stats[label, cv2.CC_STAT_AREA])
    region = cv2.dilate((labels == best).astype(np.uint8) * 255, np.ones((gap + 2, gap + 2), np.uint8))
    contours, _ = cv2.findContours(region, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    if contours:
        cv2.drawContours(filled, [max(contours, key=cv2.contourArea)], -1, 255, cv2.FILLED)
    return filled


def border_share(mask: np.ndarray) -> float:
    """The share of the frame's border pixels that are sheet."""
    edges = np.concatenate([mask[0], mask[-1], mask[1:-1, 0], mask[1:-1, -1]])
    return float(np.count_nonzero(edges)) / max(1, edges.size)


def order_corners(points: np.ndarray) -> np.ndarray:
    """Four points as top-left, top-right, bottom-right, bottom-left (by angle around their centre)."""
    points = np.asarray(points, np.float64).reshape(4, 2)
    centre = points.mean(axis=0)
    angles = np.arctan2(points[:, 1] - centre[1], points[:, 0] - centre[0])
    ordered = points[np.argsort(angles)]  # from the left (−π) clockwise on screen: TL, TR, BR, BL after a roll
    start = int(np.argmin(ordered.sum(axis=1)))
    return np.roll(ordered, -start, axis=0)


def _first_guess(contour: np.ndarray) -> np.ndarray | None:
    """Four corners from the contour's convex hull, simplified until four vertices remain."""
    hull = cv2.convexHull(contour)
    perimeter = cv2.arcLength(hull, True)
    for share in (0.01, 0.02, 0.03, 0.05, 0.08, 0.12):
        approx = cv2.approxPolyDP(hull, share * perimeter, True)
        if len(approx) == 4:
            return order_corners(approx.reshape(4, 2).astype(np.float64))
        if len(approx) < 4:
            break
    return None


def _line_through(points: np.ndarray) -> np.ndarray:
    """(a, b, c) with a x + b y = c, |(a, b)| = 1: a robust (Huber) line fit."""
    vx, vy, x0, y0 = cv2.fitLine(points.astype(np.float32), cv2.DIST_HUBER, 0, 0.01, 0.01).ravel()
    a, b = -float(vy), float(vx)
    return np.array([a, b, a * float(x0) + b * float(y0)])


def _intersect(l1: np.ndarray, l2: np.ndarray) -> np.ndarray | None:
    det = l1[0] * l2[1] - l1[1] * l2[0]
    if abs(det) < 1e-9:
        return None
    return np.array([(l1[2] * l2[1] - l1[1] * l2[2]) / det, (l1[0] * l2[2] - l1[2] * l2[0]) / det])


def refine_sides(contour: np.ndarray, guess: np.ndarray, diagonal: float) -> np.ndarray:
    """Each side refitted to the contour points near its first guess (see SIDE_BAND, CORNER_SKIP), the
    corners where adjacent sides meet; the guess where a side has too few points."""
    points = contour.reshape(-1, 2).astype(np.float64)
    lines = []
    for k in range(4):
        a, b = guess[k], guess[(k + 1) % 4]
        direction = b - a
        length = float(np.linalg.norm(direction))
        unit = direction / max(length, 1e-9)
        rel = points - a
        along = rel @ unit
        across = np.abs(rel @ np.array([-unit[1], unit[0]]))
        near = (across < SIDE_BAND * diagonal) & (along > CORNER_SKIP * length) & (along < (1 - CORNER_SKIP) * length)
        chosen = points[near]
        lines.append(_line_through(chosen) if len(chosen) >= 8 else _line_through(np.array([a, b])))
    corners = []
    for k in range(4):
        point = _intersect(lines[(k - 1) % 4], lines[k])
        corners.append(guess[k] if point is None or np.linalg.norm(point - guess[k]) > 0.1 * diagonal else point)
    return np.array(corners)


def corner_angles(quad: np.ndarray) -> list[float]:
    """Interior angles (degrees) at each corner."""
    angles = []
    for k in range(4):
        u, v = quad[k - 1] - quad[k], quad[(k + 1) % 4] - quad[k]
        cos = float(u @ v) / max(1e-9, float(np.linalg.norm(u) * np.linalg.norm(v)))
        angles.append(math.degrees(math.acos(max(-1.0, min(1.0, cos)))))
    return angles


def quad_fit(mask: np.ndarray, quad: np.ndarray) -> float:
    """Intersection over union of the sheet's region and the quadrilateral (work pixels)."""
    polygon = np.zeros_like(mask)
    cv2.fillPoly(polygon, [np.round(quad - 0.5).astype(np.int32)], 255)
    inter = np.count_nonzero(polygon & mask)
    union = np.count_nonzero(polygon | mask)
    return inter / union if union else 0.0


def _plausible(quad: np.ndarray, shape: tuple[int, int]) -> bool:
    """A convex quadrilateral of rectangle-like corners, of a plausible share of the frame, no side of which
    runs along the frame's edge (a sheet cut by the frame cannot be squared from what shows)."""
    height, width = shape
    if not cv2.isContourConvex(quad.astype(np.float32).reshape(-1, 1, 2)):
        return False
    if not all(CORNER_MIN_DEG <= angle <= CORNER_MAX_DEG for angle in corner_angles(quad)):
        return False
    if not SHEET_MIN_AREA <= cv2.contourArea(quad.astype(np.float32)) / (height * width) <= SHEET_MAX_AREA:
        return False
    if not is_a4_seen_askew(_side_ratio(quad)):
        return False
    for k in range(4):
        a, b = quad[k], quad[(k + 1) % 4]
        for axis, limit in ((0, width), (1, height)):
            if max(abs(a[axis]), abs(b[axis])) <= FRAME_EDGE_PX or min(limit - a[axis], limit - b[axis]) <= FRAME_EDGE_PX:
                return False
    return True


def find_sheet(image: np.ndarray) -> np.ndarray | None:
    """The photographed sheet's corners (4×2, TL TR BR BL, continuous source pixels), or None when the
    image is no photo of a sheet on a background (a flat scan, or no clear quadrilateral).

    The sheet is cut out with edges thickened to close ever larger gaps (EDGE_GAPS_PX); the first cut that
    a plausible quadrilateral fits to QUAD_FIT_MIN wins (a second sheet merged into ours fits badly and
    the next, thicker cut may part them). When no cut fits, the sheet's sides are looked for as straight
    edges around the cut (`_quad_from_lines`): a hand over a side or a sheet under ours leaves most of
    each side's edge in place."""
    small = _work_copy(image)
    edges = sheet_edges(small)
    height, width = edges.shape
    found, first_mask = None, None
    for gap in EDGE_GAPS_PX:
        mask = _region_inside(edges, gap)
        area = float(np.count_nonzero(mask)) / (height * width)
        if not SHEET_MIN_AREA <= area <= SHEET_MAX_AREA or border_share(mask) > BORDER_SHEET_MAX:
            continue
        first_mask = mask if first_mask is None else first_mask
        contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
        contour = max(contours, key=cv2.contourArea)
        guess = _first_guess(contour)
        if guess is None:
            continue
        # contour points are pixel indices: +0.5 makes them continuous coordinates
        quad = order_corners(refine_sides(contour, guess, math.hypot(width, height))) + 0.5
        if _plausible(quad, (height, width)) and quad_fit(mask, quad) >= QUAD_FIT_MIN:
            found = quad
            break
    if found is None and first_mask is not None:
        found = _quad_from_lines(edges, first_mask)
    if found is not None:
        found = split_stacked(small, edges, found)
    if found is None:
        return None
    return found * float(_work_factor(image))  # a work pixel is exactly `factor` source pixels each way


def _line_candidates(edges: np.ndarray, region: np.ndarray, keep: int = 0) -> tuple[list[tuple[float, float]], list[tuple[float, float]]]:
    """The strongest straight edges near the sheet's cut (Hough, one per rho/theta neighbourhood), as
    (rho, theta): near-horizontal ones and near-vertical ones."""
    near = cv2.dilate(region, np.ones((LINE_REGION_PX, LINE_REGION_PX), np.uint8))
    pixels = (edges & (near > 0)).astype(np.uint8) * 255
    side = max(edges.shape)
    lines = cv2.HoughLines(pixels, 1, np.pi / 360, int(LINE_MIN_VOTES * side))
    horizontal: list[tuple[float, float]] = []
    vertical: list[tuple[float, float]] = []
    limit = keep or LINE_CANDIDATES
    for rho, theta in ([] if lines is None else lines.reshape(-1, 2)[:LINE_MAX_TRIED]):  # strongest first
        if len(horizontal) >= limit and len(vertical) >= limit:
            break
        rho, theta = float(rho), float(theta)
        if rho < 0:  # one line, one (rho, theta): rho ≥ 0, theta in [0, 2π)
            rho, theta = -rho, theta + np.pi
        slope = abs(math.sin(theta))  # 1: the normal is vertical, so the line is horizontal
        group = horizontal if slope > math.cos(math.radians(45)) else vertical
        if any(abs(rho - r) < LINE_NMS_PX and abs(math.sin(theta - t)) < math.sin(math.radians(LINE_NMS_DEG))
               for r, t in group):
            continue
        if len(group) < limit:
            group.append((rho, theta))
    return horizontal, vertical


def _as_abc(rho: float, theta: float) -> np.ndarray:
    return np.array([math.cos(theta), math.sin(theta), rho])


def perimeter_support(edges: np.ndarray, quad: np.ndarray) -> float:
    """The share of points along the quadrilateral's sides (work px, continuous) with an edge pixel within
    a pixel or two: a real sheet's outline is edge almost all round."""
    thick = cv2.dilate(edges.astype(np.uint8), np.ones((5, 5), np.uint8))
    height, width = edges.shape
    hits = total = 0
    for k in range(4):
        a, b = quad[k], quad[(k + 1) % 4]
        count = max(2, int(np.linalg.norm(b - a) / 2))
        points = a + (b - a) * np.linspace(0.03, 0.97, count)[:, None] - 0.5
        xs, ys = np.round(points[:, 0]).astype(int), np.round(points[:, 1]).astype(int)
        inside = (xs >= 0) & (xs < width) & (ys >= 0) & (ys < height)
        total += count
        hits += int(np.count_nonzero(thick[ys[inside], xs[inside]]))
    return hits / total if total else 0.0


def _segment_support(thick: np.ndarray, a: np.ndarray, b: np.ndarray) -> float:
    count = max(2, int(np.linalg.norm(b - a) / 2))
    points = a + (b - a) * np.linspace(0.05, 0.95, count)[:, None] - 0.5
    xs = np.clip(np.round(points[:, 0]).astype(int), 0, thick.shape[1] - 1)
    ys = np.clip(np.round(points[:, 1]).astype(int), 0, thick.shape[0] - 1)
    return float(np.count_nonzero(thick[ys, xs])) / count


def _ink(small: np.ndarray, quad: np.ndarray) -> int:
    """Dark ink pixels (black-hat contrast) of the work copy inside the quadrilateral."""
    grey = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
    side = max(3, round(TEXT_CLOSE_SHARE * max(small.shape[:2])) | 1)
    hat = cv2.morphologyEx(grey, cv2.MORPH_BLACKHAT, cv2.getStructuringElement(cv2.MORPH_RECT, (side, side)))
    inside = np.zeros(grey.shape, np.uint8)
    cv2.fillPoly(inside, [np.round(quad - 0.5).astype(np.int32)], 255)
    return int(np.count_nonzero((hat > INK_CONTRAST) & (inside > 0)))


def _cut_along(quad: np.ndarray, k: int, line: np.ndarray) -> tuple[float, float] | None:
    """Where `line` crosses sides k+3 (from corner k to k+3) and k+1 (from corner k+1 to k+2), as
    shares (t, u) of those sides; None when it misses either."""
    shares = []
    for start, end in ((quad[k], quad[(k + 3) % 4]), (quad[(k + 1) % 4], quad[(k + 2) % 4])):
        direction = end - start
        denominator = float(line[:2] @ direction)
        if abs(denominator) < 1e-9:
            return None
        shares.append((line[2] - float(line[:2] @ start)) / denominator)
    return shares[0], shares[1]


def split_stacked(small: np.ndarray, edges: np.ndarray, quad: np.ndarray) -> np.ndarray | None:
    """`quad`, or the part of it that is our sheet when a straight edge crosses it from side to side
    (a second sheet lying flush against ours makes one clean quadrilateral of both): the part holding
    more ink. None when the part left is not plausible."""
    # where two sheets meet, the upper one's thin contact shadow is often all there is: thin dark lines too
    grey = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
    thin = cv2.morphologyEx(grey, cv2.MORPH_BLACKHAT, np.ones((THIN_LINE_PX, THIN_LINE_PX), np.uint8)) > THIN_CONTRAST
    marks = edges | thin
    thick = cv2.dilate(marks.astype(np.uint8), np.ones((5, 5), np.uint8))
    inside = np.zeros(edges.shape, np.uint8)
    cv2.fillPoly(inside, [np.round(quad - 0.5).astype(np.int32)], 255)
    inside = cv2.erode(inside, np.ones((9, 9), np.uint8))
    horizontal, vertical = _line_candidates(marks & (inside > 0), inside, SPLIT_CANDIDATES)
    best = None
    for k, group in ((0, horizontal), (1, vertical)):  # k = 0: a cut from the left side to the right side
        for rho, theta in group:
            cut = _cut_along(quad, k, _as_abc(rho, theta))
            if cut is None or not all(SPLIT_MIN_SHARE <= share <= 1 - SPLIT_MIN_SHARE for share in cut):
                continue
            p = quad[k] + (quad[(k + 3) % 4] - quad[k]) * cut[0]
            q = quad[(k + 1) % 4] + (quad[(k + 2) % 4] - quad[(k + 1) % 4]) * cut[1]
            # a rule or a text row stops at the margins; where sheets meet, the line runs to both edges
            ends = min(_segment_support(thick, p, p + (q - p) * 0.12), _segment_support(thick, p + (q - p) * 0.88, q))
            support = _segment_support(thick, p, q)
            if min(support, ends) >= SPLIT_SUPPORT_MIN and (best is None or support > best[0]):
                best = (support, k, p, q)
    if best is None:
        return quad
    _, k, p, q = best
    near_part = order_corners(np.array([quad[k], quad[(k + 1) % 4], q, p]))
    far_part = order_corners(np.array([p, q, quad[(k + 2) % 4], quad[(k + 3) % 4]]))
    part = max((near_part, far_part), key=lambda candidate: _ink(small, candidate))
    return part if _plausible(part, edges.shape) else None


def _quad_from_lines(edges: np.ndarray, region: np.ndarray) -> np.ndarray | None:
    """The plausible quadrilateral of two near-horizontal and two near-vertical strong edges whose outline
    is best supported by edge pixels, if at least LINE_SUPPORT_MIN (continuous work px)."""
    horizontal, vertical = _line_candidates(edges, region)
    best, best_support = None, LINE_SUPPORT_MIN
    for i, top in enumerate(horizontal):
        for bottom in horizontal[i + 1:]:
            for j, left in enumerate(vertical):
                for right in vertical[j + 1:]:
                    lines = [_as_abc(*top), _as_abc(*right), _as_abc(*bottom), _as_abc(*left)]
                    corners = [_intersect(lines[k - 1], lines[k]) for k in range(4)]
                    if any(c is None for c in corners):
                        continue
                    quad = order_corners(np.array(corners)) + 0.5
                    if not _plausible(quad, edges.shape):
                        continue
                    support = perimeter_support(edges, quad)
                    if support > best_support:
                        best, best_support = quad, support
    return best


# ----------------------------------------------------------------------------------------------- warping
def _side_ratio(quad: np.ndarray) -> float:
    """Mean height over mean width of the quadrilateral."""
    top, bottom = np.linalg.norm(quad[1] - quad[0]), np.linalg.norm(quad[2] - quad[3])
    left, right = np.linalg.norm(quad[3] - quad[0]), np.linalg.norm(quad[2] - quad[1])
    return float((left + right) / max(1e-9, top + bottom))


def is_a4_seen_askew(ratio: float) -> bool:
    """A measured height/width an A4 sheet (either way up) shows under keystone (KEYSTONE_SPREAD)."""
    return any(abs(math.log(ratio / a4)) <= math.log(KEYSTONE_SPREAD) for a4 in (A4_RATIO, 1 / A4_RATIO))


def page_size(quad: np.ndarray) -> tuple[int, int]:
    """(width, height) of the rectangle `quad` is squared to: A4 (either way up, the nearer) when the
    measured ratio (mean sides) is one an A4 sheet shows under keystone, else the measured proportions
    (longer sides); its short side PAGE_SHORT_SIDE_PX.

    One fixed scale for every photo, not the photo's own: the pages of a document are photographed from
    different distances, and the layout rules compare line ends and indents across pages in pixels."""
    top, bottom = np.linalg.norm(quad[1] - quad[0]), np.linalg.norm(quad[2] - quad[3])
    left, right = np.linalg.norm(quad[3] - quad[0]), np.linalg.norm(quad[2] - quad[1])
    ratio = float(max(left, right) / max(top, bottom))
    measured = _side_ratio(quad)
    if is_a4_seen_askew(measured):
        ratio = A4_RATIO if measured >= 1.0 else 1 / A4_RATIO
    if ratio >= 1.0:
        return PAGE_SHORT_SIDE_PX, round(PAGE_SHORT_SIDE_PX * ratio)
    return round(PAGE_SHORT_SIDE_PX / ratio), PAGE_SHORT_SIDE_PX


def homography(quad: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Source → page (continuous pixels): `quad`'s corners onto the page's corners."""
    width, height = size
    target = np.array([[0, 0], [width, 0], [width, height], [0, height]], np.float32)
    return cv2.getPerspectiveTransform(quad.astype(np.float32), target).astype(np.float64)


def _to_pixel_centres(matrix: np.ndarray) -> np.ndarray:
    """A continuous-coordinate homography as cv2 applies it (pixel centres at integers)."""
    shift = np.array([[1.0, 0.0, 0.5], [0.0, 1.0, 0.5], [0.0, 0.0, 1.0]])
    back = np.array([[1.0, 0.0, -0.5], [0.0, 1.0, -0.5], [0.0, 0.0, 1.0]])
    return back @ matrix @ shift


def warp_page(image: np.ndarray, matrix: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """The source warped onto the page (bilinear: the page is never smaller than the photo's sheet, so
    nothing is decimated; outside the photo: replicated edge)."""
    return cv2.warpPerspective(image, _to_pixel_centres(matrix), size, flags=cv2.INTER_LINEAR,
                               borderMode=cv2.BORDER_REPLICATE)


# -------------------------------------------------------------------------------------------- flattening
def paper_background(image: np.ndarray) -> np.ndarray:
    """Each channel's paper brightness (uint8, the image's shape, at least 1): cell means, closed over
    BACKGROUND_CLOSE so ink of any stroke width goes, smoothed, back at full size."""
    height, width = image.shape[:2]
    small = _reduce(image, max(1, round(BACKGROUND_CELL * width)))
    side = max(3, round(BACKGROUND_CLOSE / BACKGROUND_CELL) | 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (side, side))
    closed = cv2.morphologyEx(small, cv2.MORPH_CLOSE, kernel, borderType=cv2.BORDER_REPLICATE)
    closed = cv2.GaussianBlur(closed, (0, 0), side / 4)
    return cv2.resize(np.maximum(closed, 1), (width, height), interpolation=cv2.INTER_LINEAR)


def flatten_light(image: np.ndarray) -> np.ndarray:
    """The page with its paper at PAPER_LEVEL everywhere: each channel divided by its own background, so a
    tinted light is balanced too and red ink (high R, low G and B relative to the paper) stays red."""
    # uint8 in, uint8 out, saturating: OpenCV's vectorised divide is ~10× a float32 round trip
    flat: np.ndarray = cv2.divide(image, paper_background(image), scale=PAPER_LEVEL)
    return flat


def correct_photo(image: np.ndarray) -> PhotoCorrection | None:
    """The sheet found, squared and flattened (see the module doc); None when `image` is no photo."""
    quad = find_sheet(image)
    if quad is None:
        return None
    size = page_size(quad)
    matrix = homography(quad, size)
    page = flatten_light(warp_page(image, matrix, size))
    return PhotoCorrection(image=page, quad=quad, matrix=matrix, size=size)
