"""Deskew: measure the angle of the text lines and rotate the page level.

The angle is measured on a *measuring view*: the page scaled so its long side is `MEASURE_LONG_SIDE_PX`
(about 85 dpi for A4, body characters ≈ 19 px), reduced to a mask of dark ink. Red ink (seal, issuer mark,
red rules) is left out: a seal is round and only blurs the profile. The skew is the angle whose projection
profile of the ink is sharpest (largest sum of squared bin counts): text lines then fall into few rows with
white gaps between them. A coarse search over ±15° is refined near its best angle, and a parabola through the
three best fine scores gives a sub-step estimate. The column profile is scored at the same angles: a page
whose columns are sharper than its rows has vertical text lines, i.e. it was scanned sideways.

Angles are in degrees, counter-clockwise positive, in OpenCV's convention for images (y down): rotating the
scan by `skew` with `cv2.getRotationMatrix2D(centre, skew, 1)` makes the lines level.

`rotate_page` keeps the page size (coordinates stay those of the scan, centre fixed) unless ink would be
cut off at the corners, as at large angles; then the canvas grows symmetrically just enough to keep it.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from workers.redink import red_mask

MEASURE_LONG_SIDE_PX = 1000
"""Long side of the measuring view: A4 at ~85 dpi, body characters ≈ 19 px — plenty for 0.1° on a 530 px line."""
INK_KERNEL_PX = 15
"""Black-hat window on the measuring view (≈ 0.8 character): strokes are ink, scan borders and shading are not."""
INK_MIN_CONTRAST = 40
"""A measuring-view pixel is ink when it is this much darker than its local background (grey levels)."""
RULE_MIN_LENGTH_PX = 80
"""Ink components longer than this on the measuring view (≈ 4 body characters) may be rules or frames..."""
RULE_MAX_THICKNESS_PX = 6.0
"""...a straight one when thinner than this (≈ 1/3 character; touching characters make a line-high run)..."""
FRAME_MAX_FILL = 0.1
"""...a frame, page edge, ring or grid when it inks less than this share of its bounding box (text: ≥ 0.2)."""
MAX_SKEW_DEG = 15.0
"""Search range: scanners and phone photos of flat pages stay within it."""
COARSE_STEP_DEG = 0.5
"""Profile peaks are ~1° wide on the measuring view (line gap / line length): 0.25° cannot step over one."""
COARSE_POINTS = 15_000
"""Ink pixels scored in the coarse search (every k-th): the peak is broad there, a sample finds it."""
REFINE_STEPS_DEG = (0.1, 0.02)
"""Refinement steps around the best so far, each ±REFINE_HALF_STEPS; a parabola interpolates below them."""
REFINE_HALF_STEPS = 4
MIN_SKEW_DEG = 0.1
"""Below this the page is left alone: the correction would only blur the strokes by resampling."""
MIN_INK_PIXELS = 400
"""Fewer measuring-view ink pixels than this (a few characters) cannot give a reliable angle."""
MAX_POINTS = 120_000
"""Cap on ink pixels scored per angle (a dense page is subsampled evenly): bounds the time per page."""
KEEP_INK_MARGIN_PX = 8
"""Free border kept around ink when the canvas must grow to hold a rotated page (full-resolution pixels)."""


@dataclass(frozen=True)
class MeasuringView:
    """The page reduced for measuring: ink mask (bool, measuring-view pixels) and its scale to the page."""

    ink: np.ndarray
    scale: float

    @property
    def ink_fraction(self) -> float:
        return float(self.ink.mean()) if self.ink.size else 0.0


@dataclass(frozen=True)
class SkewEstimate:
    """Best level angle (degrees, CCW positive) and the sharpness of the row and column profiles there.

    `row_sharpness` / `col_sharpness` are the sums of squared profile bins divided by the ink count — the
    average number of ink pixels sharing a bin with a given ink pixel. Text lines make rows sharp.
    """

    angle: float
    row_sharpness: float
    col_sharpness: float


def measuring_view(image: np.ndarray) -> MeasuringView:
    """Scale a BGR page to the measuring size and keep its dark, non-red ink as a bool mask."""
    height, width = image.shape[:2]
    scale = min(1.0, MEASURE_LONG_SIDE_PX / max(height, width))
    small = image if scale == 1.0 else cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    gray = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY) if small.ndim == 3 else small
    element = cv2.getStructuringElement(cv2.MORPH_RECT, (INK_KERNEL_PX, INK_KERNEL_PX))
    contrast = cv2.morphologyEx(gray, cv2.MORPH_BLACKHAT, element)
    ink = contrast >= INK_MIN_CONTRAST
    if small.ndim == 3:
        ink &= red_mask(small) == 0
    return MeasuringView(ink=_drop_rules(ink), scale=scale)


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


def _centred_points(ink: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    ys, xs = np.nonzero(ink)
    if len(xs) > MAX_POINTS:
        keep = np.linspace(0, len(xs) - 1, MAX_POINTS).astype(np.intp)
        ys, xs = ys[keep], xs[keep]
    height, width = ink.shape
    return xs.astype(np.float32) - width / 2, ys.astype(np.float32) - height / 2


def _sharpness(coord: np.ndarray) -> float:
    # each point is shared linearly between its two nearest bins: no spike at angles where pixel rows
    # happen to fall exactly into bins (0°), so the score is smooth in the angle
    low = np.floor(coord)
    frac = coord - low
    bins = low.astype(np.intp)
    bins -= bins.min()
    counts = np.bincount(bins, weights=1.0 - frac, minlength=bins.max() + 2)
    counts[1:] += np.bincount(bins, weights=frac, minlength=bins.max() + 1)
    return float(np.dot(counts, counts)) / len(coord)


def _scores(
    xs: np.ndarray, ys: np.ndarray, angles: np.ndarray, cols: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Row (and column) sharpness of the ink rotated by each angle (CCW, degrees)."""
    row_scores = np.zeros(len(angles))
    col_scores = np.zeros(len(angles))
    for i, angle in enumerate(np.radians(angles)):
        c, s = np.float32(np.cos(angle)), np.float32(np.sin(angle))
        row_scores[i] = _sharpness(ys * c - xs * s)
        if cols:
            col_scores[i] = _sharpness(xs * c + ys * s)
    return row_scores, col_scores


def _parabola_peak(angles: np.ndarray, scores: np.ndarray) -> float:
    best = int(np.argmax(scores))
    if best == 0 or best == len(scores) - 1:
        return float(angles[best])
    left, mid, right = scores[best - 1], scores[best], scores[best + 1]
    denom = left - 2 * mid + right
    shift = 0.0 if denom >= 0 else 0.5 * (left - right) / denom
    return float(angles[best] + shift * (angles[1] - angles[0]))


def _search(xs: np.ndarray, ys: np.ndarray) -> tuple[float, float, float]:
    """Coarse-to-fine search: (row angle, best row sharpness, best column sharpness)."""
    stride = max(1, len(xs) // COARSE_POINTS)
    coarse = np.arange(-MAX_SKEW_DEG, MAX_SKEW_DEG + 1e-9, COARSE_STEP_DEG)
    rows, cols = _scores(xs[::stride], ys[::stride], coarse)
    best = float(coarse[int(np.argmax(rows))])
    for step in REFINE_STEPS_DEG:
        angles = best + step * np.arange(-REFINE_HALF_STEPS, REFINE_HALF_STEPS + 1)
        fine_rows, _ = _scores(xs, ys, angles, cols=False)
        best = _parabola_peak(angles, fine_rows)
    return best, float(rows.max()), float(cols.max())


def estimate_skew(view: MeasuringView) -> SkewEstimate | None:
    """The level angle of the text lines (and the sideways evidence), or None when there is too little ink."""
    xs, ys = _centred_points(view.ink)
    if len(xs) < MIN_INK_PIXELS:
        return None
    angle, row_best, col_best = _search(xs, ys)
    angle = float(np.clip(angle, -MAX_SKEW_DEG, MAX_SKEW_DEG))
    return SkewEstimate(angle=angle, row_sharpness=row_best, col_sharpness=col_best)


def _ink_extent_after(view: MeasuringView, matrix: np.ndarray) -> tuple[float, float, float, float]:
    """Bounding box (full-resolution pixels) of the view's ink after the affine `matrix`."""
    ys, xs = np.nonzero(view.ink)
    pts = np.stack([xs, ys], axis=1).astype(np.float32)
    pts = (pts + 0.5) / view.scale
    moved = pts @ matrix[:, :2].T + matrix[:, 2]
    return float(moved[:, 0].min()), float(moved[:, 1].min()), float(moved[:, 0].max()), float(moved[:, 1].max())


def _overflow(extent: tuple[float, float, float, float], width: int, height: int) -> tuple[float, float]:
    """How far (pixels) the extent reaches past the frame less its margin, horizontally and vertically."""
    x0, y0, x1, y1 = extent
    margin = KEEP_INK_MARGIN_PX
    return max(0.0, margin - x0, x1 + margin - width), max(0.0, margin - y0, y1 + margin - height)


def rotate_page(image: np.ndarray, angle: float, view: MeasuringView | None = None) -> np.ndarray:
    """Rotate a page by `angle` degrees CCW about its centre with white fill.

    Same size as the input, unless `view` shows ink that would leave the frame: then the canvas grows by the
    same amount on every side (the centre stays the centre) so no ink the scan showed is cut.
    """
    height, width = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    pad_x = pad_y = 0
    if view is not None and view.ink.any():
        before = _overflow(_ink_extent_after(view, cv2.getRotationMatrix2D((0, 0), 0.0, 1.0)), width, height)
        after = _overflow(_ink_extent_after(view, matrix), width, height)
        pad_x = int(np.ceil(max(0.0, after[0] - before[0])))
        pad_y = int(np.ceil(max(0.0, after[1] - before[1])))
    matrix[0, 2] += pad_x
    matrix[1, 2] += pad_y
    size = (width + 2 * pad_x, height + 2 * pad_y)
    fill = (255.0, 255.0, 255.0)
    return cv2.warpAffine(image, matrix, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                          borderValue=fill)
