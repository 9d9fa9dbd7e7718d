"""Seals found by their shape, for scans without colour (8-bit grey, 1-bit black and white, a black copy).

Archives scan in grey or 1-bit far more often than in colour; there the seal is no longer red, but it is
still a ring of seal size: a thin, closed circle 30–60 mm across (official round seals are 38–45 mm;
GB/T 9704 puts the signature and date in its lower half, the issuer's name runs along its upper arc).
`find_ring_seals` looks for such rings where `workers.image.seals` (the colour path) found none:

1. a 2 px/mm grey view of the page; OpenCV's gradient Hough transform proposes circles of seal radius;
2. each proposal is moved (centre ±1 mm, radius ±2 mm) to where most of its circle lies on ink, and kept
   when ink covers nearly all of the circle (RING_MIN_SUPPORT: a ring is closed; text crossing it does
   not break it) and clearly less of the circles just inside and outside (a ring is a thin line, a text
   block is ink everywhere) — characters of a text block never line up along a whole circle; a ring a
   1-bit threshold broke into dashes is kept on half the circle when the circles beside it are nearly
   empty (BROKEN_RING_SUPPORT);
3. at full resolution its ring is measured: radius and stroke from the radial ink profile, and the grey
   level of the seal's ink against the black of the text.

`remove_ring_ink` then gives the OCR a copy of the page without the seal where the scan lets it: when the
seal's ink is clearly lighter than the black text (a red seal scanned in grey is mid-grey), every pixel of
the seal's level inside the ring becomes paper and the black strokes stay (as the colour path does with
the red channel); when it is not (1-bit, a black seal), only the ring's own stroke is wiped, so the
detector does not take it for part of the lines it crosses, and the layout rules keep the ring's text out
by its arrangement (`layout.lines.is_seal_text`: characters along the upper arc, tilted boxes).

Coordinates are upright-page pixels (`layout.model`). Sizes are millimetres on the page, whose short side
is taken as A4's 210 mm (`workers.image.seals.px_per_mm`), as in the colour path: a seal is an object of a
physical size (about 7 body characters of 3号 across), the scan's dpi is not always known, and no text is
read yet when the seal must be found.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from layout.model import Box
from workers.image.seals import SealRegion, px_per_mm

VIEW_PX_PER_MM = 2.0
"""Resolution of the view rings are looked for on: a 1.2 mm ring is still 2–3 px wide; ~20 ms a page."""
SEAL_MIN_DIAMETER_MM = 28.0
"""Smallest round seal (official seals are 38–45 mm; department seals from ~30 mm)."""
SEAL_MAX_DIAMETER_MM = 60.0
"""Largest round seal."""
HOUGH_BLUR_MM = 0.35
"""Smoothing before the Hough transform: keeps JPEG noise and 1-bit grain out of the edge map."""
HOUGH_EDGE_THRESHOLD = 120
"""Canny's upper threshold inside OpenCV's Hough transform (grey levels of the smoothed view)."""
HOUGH_VOTES = 25
"""Accumulator votes a proposal needs; low on purpose (a seal's ring is interrupted by the text over it):
the support test below decides."""
MAX_PROPOSALS = 12
"""Proposals verified per page, strongest first (a text block proposes a few spurious circles)."""
PAPER_PERCENTILE = 90
"""The paper's grey level: this percentile of the view (ink covers far less than a tenth of a page)."""
INK_LEVEL = 0.72
"""A view pixel darker than this share of the paper's level is ink (a red seal in grey: ~0.45 of paper)."""
ANGLES = 180
"""Points a circle is sampled at (every 2°)."""
RING_TOLERANCE_MM = 0.5
"""A ring point counts as inked when ink lies this close to the circle (radially)."""
RING_MIN_SUPPORT = 0.65
"""Share of the circle on ink: a ring is closed (1-bit thresholding breaks a light one to ~0.7); a circle
through a text block is inked at 0.2–0.45."""
RING_MIN_CONTRAST = 0.35
"""...and this much more than the emptier of the circles RING_SIDE_MM inside and outside: a ring is a thin
line. The emptier one: inside the ring its own text runs close along it (and the signature crosses it), so
only one side need be clear; a dark blob or a text block is inked on both."""
RING_SIDE_MM = 2.0
BROKEN_RING_SUPPORT = 0.5
"""A ring a 1-bit threshold broke into dashes (a light stamp: the thin ring keeps only its darker half) lies on ink
this much of the way round, too little for RING_MIN_SUPPORT; it is still a ring when the circles beside it are
nearly empty (BROKEN_RING_SIDES): no text block is a thin line. Measured on the nine dev renderings' pages
(11,500 proposals): 8 more seals of 222 on 1-bit pages, none on a page without one."""
BROKEN_RING_SIDES = 0.25
"""...at most this share of the ring's own support on the emptier side (broken rings: 0.03–0.11; text circles
with that support: 0.3 and more)."""
HOPELESS_SUPPORT = 0.4
"""A proposal whose best circle has less support than this is not worth moving (text circles: 0.2–0.45)."""
SEARCH_CENTRE_MM = 1.0
"""The Hough centre is moved up to this far to where the circle lies best on ink..."""
SEARCH_RADIUS_MM = 2.0
"""...and its radius changed up to this much."""
MIN_APART = 0.5
"""Two rings whose centres are closer than this share of their radius are one seal."""
PROFILE_BAND = 0.12
"""The full-resolution ring is looked for within this share of the radius around the view's circle."""
STROKE_PAD_MM = 0.3
"""The wiped ring reaches this far beyond the measured stroke (its anti-aliased rim, JPEG bleed)."""
LEVEL_GAP = 30
"""The seal's ink is liftable when its grey level is this much lighter than the black text's (a red seal in
grey ~100–130 against text ~30–65; in 1-bit both are 0)."""
TEXT_PERCENTILE = 5
"""The text's black: this percentile of the ink round the seal (pixels darker than TEXT_INK_LEVEL × paper)."""
TEXT_INK_LEVEL = 0.6
TEXT_REACH_RADII = 1.5
PAPER_RING_PERCENTILE = 97
"""The paper's level round the seal: this percentile of the grey levels of the seal's box."""
SEAL_LEVEL_PERCENTILE = 50
"""The seal's ink level: this percentile of its ring's ink grey levels."""
CUT_SHARE = 0.55
"""Lifting: grey levels above text + CUT_SHARE × (seal − text) become paper; darker ones are black ink."""
FADE_SHARE = 0.3
"""Lifting fades the seal's grey to this share of its contrast rather than wiping it to paper: a thin text
stroke as light as the seal (anti-aliased, JPEG-blurred) stays readable, and faint ink is no line for the
detector."""
RING_BAND_PAD_PX = 1.0
"""The ring's stroke is taken off this far beyond its measured width (its half-maximum): its anti-aliased rim."""
RING_RIM_PX = 1.5
"""The rim of the ring's band: this far inside the measured stroke's edge and out to RING_BAND_PAD_PX beyond."""
MARGIN_MM = 1.0
"""The lifted disc reaches this far beyond the ring."""


@dataclass(frozen=True)
class RingSeal:
    """A round seal found by shape: centre and ring radius (page px), ring stroke width (px), the grey level
    of its ink, the black of the text, and whether its ink can be lifted by level."""

    cx: float
    cy: float
    radius: float
    stroke: float
    seal_level: float
    text_level: float
    paper_level: float

    @property
    def liftable(self) -> bool:
        return self.seal_level - self.text_level >= LEVEL_GAP

    @property
    def box(self) -> Box:
        r = self.radius + self.stroke / 2
        return Box(self.cx - r, self.cy - r, self.cx + r, self.cy + r)

    def region(self) -> SealRegion:
        points = cv2.ellipse2Poly((round(self.cx), round(self.cy)), (round(self.box.width / 2),) * 2, 0, 0, 360, 5)
        return SealRegion(self.box, points.reshape(-1, 1, 2).astype(np.int32), found_by="shape")


def _gray(image: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image


def _radial_support(ink: np.ndarray, cx: float, cy: float, reach: int) -> np.ndarray:
    """For each radius 0..reach-1 (view px) around (cx, cy): the share of ANGLES directions with ink there."""
    polar = cv2.warpPolar(ink, (reach, ANGLES), (cx, cy), reach, cv2.INTER_NEAREST | cv2.WARP_POLAR_LINEAR)
    support: np.ndarray = (polar > 0).mean(axis=0)
    return support


def _best_radius(ink: np.ndarray, cx: float, cy: float, radius: float, ppm: float) -> tuple[float, float, float]:
    """Around centre (cx, cy): the radius within SEARCH_RADIUS_MM of `radius` that lies best on ink, its
    support, and the lesser support of the circles RING_SIDE_MM inside and outside it."""
    span_r, side = round(SEARCH_RADIUS_MM * ppm), round(RING_SIDE_MM * ppm)
    profile = _radial_support(ink, cx, cy, round(radius) + span_r + side + 2)
    lo = max(side, round(radius) - span_r)
    r = lo + int(np.argmax(profile[lo:round(radius) + span_r + 1]))
    return float(r), float(profile[r]), float(min(profile[r - side], profile[r + side]))


def _refine(ink: np.ndarray, cx: float, cy: float, radius: float, ppm: float) -> tuple[float, float, float, float, float]:
    """The circle near (cx, cy, radius) that lies best on ink: centre, radius, its support, and the support
    of its sides (`_best_radius`). Hill-climbs the centre in view-pixel steps up to SEARCH_CENTRE_MM; a
    proposal far from any ring (a circle through a text block) is dropped at its first step."""
    r, support, sides = _best_radius(ink, cx, cy, radius, ppm)
    if support < HOPELESS_SUPPORT:
        return cx, cy, r, support, sides
    x0, y0 = cx, cy
    span = SEARCH_CENTRE_MM * ppm
    moved = True
    while moved:
        moved = False
        for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1)):
            nx, ny = cx + dx, cy + dy
            if abs(nx - x0) > span or abs(ny - y0) > span:
                continue
            nr, ns, nsides = _best_radius(ink, nx, ny, r, ppm)
            if ns > support:
                cx, cy, r, support, sides, moved = nx, ny, nr, ns, nsides, True
    return cx, cy, r, support, sides


def find_rings(image: np.ndarray) -> list[tuple[float, float, float]]:
    """Rings of seal size on a page (BGR or grey uint8): (cx, cy, radius) in page px, top to bottom."""
    page_ppm = px_per_mm(image.shape)
    # a whole shrink factor: OpenCV's fast area-averaging path (a fractional one costs ~10× more)
    whole = max(1, int(page_ppm / VIEW_PX_PER_MM))
    small = image if whole == 1 else cv2.resize(image, None, fx=1 / whole, fy=1 / whole, interpolation=cv2.INTER_AREA)
    view = _gray(small)
    factor = min(1.0, VIEW_PX_PER_MM / page_ppm)
    if whole != round(1 / factor):  # the Hough transform's cost grows with the area: the rest linearly
        view = cv2.resize(view, (round(image.shape[1] * factor), round(image.shape[0] * factor)),
                          interpolation=cv2.INTER_LINEAR)
    else:
        factor = 1 / whole
    ppm = page_ppm * factor
    blurred = cv2.GaussianBlur(view, (0, 0), HOUGH_BLUR_MM * ppm)
    r_min, r_max = SEAL_MIN_DIAMETER_MM / 2 * ppm, SEAL_MAX_DIAMETER_MM / 2 * ppm
    circles = cv2.HoughCircles(blurred, cv2.HOUGH_GRADIENT, dp=1, minDist=MIN_APART * r_min,
                               param1=HOUGH_EDGE_THRESHOLD, param2=HOUGH_VOTES,
                               minRadius=round(r_min), maxRadius=round(r_max))
    if circles is None:
        return []
    ink = (view < INK_LEVEL * float(np.percentile(view, PAPER_PERCENTILE))).astype(np.uint8) * 255
    # a ring point counts as inked when ink lies within RING_TOLERANCE_MM of the circle
    grow = 2 * round(RING_TOLERANCE_MM * ppm) + 1
    ink = cv2.dilate(ink, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (grow, grow)))
    found: list[tuple[float, float, float]] = []
    for cx, cy, radius in circles[0][:MAX_PROPOSALS]:
        cx, cy, radius, support, sides = _refine(ink, float(cx), float(cy), float(radius), ppm)
        whole = support >= RING_MIN_SUPPORT and support - sides >= RING_MIN_CONTRAST
        broken = support >= BROKEN_RING_SUPPORT and sides <= BROKEN_RING_SIDES * support
        if not (whole or broken) or not r_min <= radius <= r_max:
            continue
        if any(np.hypot(cx - x, cy - y) < MIN_APART * radius for x, y, _ in found):
            continue
        found.append((cx, cy, radius))
    return sorted(((cx / factor, cy / factor, r / factor) for cx, cy, r in found), key=lambda c: (c[1], c[0]))


def measure_ring(image: np.ndarray, cx: float, cy: float, radius: float, text_level: float) -> RingSeal:
    """The ring at full resolution: exact radius and stroke from the radial ink profile, and the grey levels
    of the seal's ink, of the text's black and of the paper around it."""
    ppm = px_per_mm(image.shape)
    outer = radius * (1 + 2 * PROFILE_BAND)
    x0, y0 = max(0, int(cx - outer)), max(0, int(cy - outer))
    crop = _gray(image[y0:int(cy + outer) + 1, x0:int(cx + outer) + 1])
    polar = cv2.warpPolar(crop, (round(outer), ANGLES * 2), (cx - x0, cy - y0), outer,
                          cv2.INTER_LINEAR | cv2.WARP_POLAR_LINEAR)  # rows: angle, columns: radius (px)
    paper = float(np.percentile(crop, PAPER_RING_PERCENTILE))
    lo, hi = round(radius * (1 - PROFILE_BAND)), min(polar.shape[1] - 1, round(radius * (1 + PROFILE_BAND)))
    darkness = (paper - polar[:, lo:hi + 1].astype(np.float32)).clip(0).mean(axis=0)
    peak = int(np.argmax(darkness))
    inked = np.flatnonzero(darkness >= darkness[peak] / 2)
    near = inked[np.abs(inked - peak) <= max(2, round(1.5 * ppm))]
    r_in, r_out = lo + float(near.min()), lo + float(near.max()) + 1
    ring = polar[:, round(r_in):round(r_out)].ravel()
    ring_ink = ring[ring < INK_LEVEL * paper]  # the ring's ink, not the gaps in a worn stamp
    seal_level = float(np.percentile(ring_ink, SEAL_LEVEL_PERCENTILE)) if ring_ink.size else paper
    return RingSeal(cx, cy, (r_in + r_out) / 2, r_out - r_in, seal_level, min(text_level, seal_level), paper)


def find_ring_seals(image: np.ndarray) -> list[RingSeal]:
    """The round seals of a page found by shape (see the module doc), top to bottom."""
    rings = find_rings(image)
    if not rings:
        return []
    return [measure_ring(image, cx, cy, r, _text_level(image, cx, cy, r)) for cx, cy, r in rings]


def _text_level(image: np.ndarray, cx: float, cy: float, radius: float) -> float:
    """The black of the text around a seal: the TEXT_PERCENTILE of the ink in a box of three radii each way
    (the signature, the date and the body over them); the seal's own darkest ink when there is no text."""
    reach = TEXT_REACH_RADII * radius
    y0, y1 = max(0, int(cy - reach)), int(cy + reach) + 1
    x0, x1 = max(0, int(cx - reach)), int(cx + reach) + 1
    sample = _gray(image[y0:y1:2, x0:x1:2])
    ink = sample[sample < TEXT_INK_LEVEL * float(np.percentile(sample, PAPER_PERCENTILE))]
    return float(np.percentile(ink, TEXT_PERCENTILE)) if ink.size else 0.0


def unstamp_rings(image: np.ndarray, seals: list[RingSeal]) -> np.ndarray:
    """A copy of the page (BGR or grey uint8) with each grey seal's ring stroke taken off by its transmission.

    The ring is solid ink along a circle the page measured (radius, stroke), so where it lies its ink is
    known to be there: dividing the grey level by the seal's transmission (its ink level over the paper's)
    leaves what is under it — paper under the ring alone, a text stroke under a ring crossing it, one
    seal's ink where two rings cross (which the level lifting then fades). Levels alone cannot do this
    where two seals overlap: their inks multiply to the black of the text. Inside one ring's band a pixel as
    dark as the text and no darker, on the band's rim (RING_RIM_PX), is text beside the ring's edge, not
    under it, and stays as it is (in the band's middle such a level is the ring's own darker ink).
    """
    if not seals:
        return image.copy()
    out = image.copy()
    reach = [seal.radius + seal.stroke / 2 + RING_BAND_PAD_PX for seal in seals]
    x0 = max(0, int(min(seal.cx - r for seal, r in zip(seals, reach, strict=True))))
    y0 = max(0, int(min(seal.cy - r for seal, r in zip(seals, reach, strict=True))))
    x1 = min(image.shape[1], int(max(seal.cx + r for seal, r in zip(seals, reach, strict=True))) + 1)
    y1 = min(image.shape[0], int(max(seal.cy + r for seal, r in zip(seals, reach, strict=True))) + 1)
    ys, xs = np.mgrid[y0:y1, x0:x1]
    transmission = np.ones((y1 - y0, x1 - x0), np.float32)
    layers = np.zeros((y1 - y0, x1 - x0), np.int32)
    rim = np.zeros((y1 - y0, x1 - x0), bool)
    for seal in seals:
        off = np.abs(np.hypot(xs - seal.cx, ys - seal.cy) - seal.radius)
        band = off <= seal.stroke / 2 + RING_BAND_PAD_PX
        transmission[band] *= max(seal.seal_level, 1.0) / max(seal.paper_level, 1.0)
        layers[band] += 1
        rim |= band & (off > seal.stroke / 2 - RING_RIM_PX)
    text = min(seal.text_level for seal in seals)
    seal_level = float(np.median([seal.seal_level for seal in seals]))
    paper = float(np.median([seal.paper_level for seal in seals]))
    crop = out[y0:y1, x0:x1]
    gray = _gray(crop).astype(np.float32)
    # one ring: text beside it (between text + ring and the ring alone, on a log scale) is not under it
    beside = ((layers == 1) & rim & (gray >= text * np.sqrt(transmission))
              & (gray < np.sqrt(max(text, 1.0) * seal_level)))
    divide = (layers > 0) & ~beside
    weight = transmission[:, :, None] if crop.ndim == 3 else transmission
    lifted = np.minimum(crop.astype(np.float32) / weight, paper)
    crop[:] = np.where(divide[:, :, None] if crop.ndim == 3 else divide, lifted, crop).clip(0, 255).astype(np.uint8)
    return out


def remove_ring_ink(image: np.ndarray, seals: list[RingSeal]) -> np.ndarray:
    """A copy of the page (BGR uint8) without the seals' ink where it can be told from the text (see the
    module doc); the page itself is not modified (with no seals it is returned as it is)."""
    if not seals:
        return image
    out = unstamp_rings(image, [seal for seal in seals if seal.liftable])
    ppm = px_per_mm(image.shape)
    for seal in seals:
        reach = seal.radius + seal.stroke / 2 + MARGIN_MM * ppm
        x0, y0 = max(0, int(seal.cx - reach)), max(0, int(seal.cy - reach))
        x1, y1 = min(image.shape[1], int(seal.cx + reach) + 1), min(image.shape[0], int(seal.cy + reach) + 1)
        ys, xs = np.mgrid[y0:y1, x0:x1]
        distance = np.hypot(xs - seal.cx, ys - seal.cy)
        crop = out[y0:y1, x0:x1]
        gray = _gray(crop).astype(np.float32)
        if seal.liftable:
            cut = seal.text_level + CUT_SHARE * (seal.seal_level - seal.text_level)
            ratio = np.clip((gray - seal.text_level) / max(cut - seal.text_level, 1.0), 0.0, 1.0)
            inside = distance <= reach
            faded = seal.paper_level - FADE_SHARE * (seal.paper_level - gray)
            lifted = np.where(ratio >= 1.0, np.maximum(faded, gray), gray)
            value = np.where(inside, lifted, gray)
        else:
            half = seal.stroke / 2 + STROKE_PAD_MM * ppm
            value = np.where(np.abs(distance - seal.radius) <= half, seal.paper_level, gray)
        crop[:] = np.clip(value, 0, 255).astype(np.uint8)[:, :, None] if crop.ndim == 3 else value
    return out
