"""Deskew: measure the angle of the text lines and rotate the page level.

The angle is measured on the page's measuring view (`workers.image.inkview`): its dark ink at 75–100 dpi, without
red ink and without rules, frames and page edges.

The skew is the angle whose projection profile of the ink is sharpest (largest sum of squared bin counts):
text lines then fall into few rows with white gaps between them. A coarse search over ±15° (0.5° steps, a
sample of the ink) is refined in 0.1° steps, then a least-squares parabola over ±0.3° of contrast-weighted
scores gives the estimate (the top is flat below the view's resolution; the fit finds its centre). A sparse
page (few, short lines) is refitted on its ink at twice the view's resolution. The column profile is scored
in the coarse search too: a page whose columns are sharper than its rows was scanned sideways.

Angles are in degrees, counter-clockwise positive, in OpenCV's convention for images (y down): rotating the
scan by `skew` with `cv2.getRotationMatrix2D(centre, skew, 1)` makes the lines level. On rendered A4 pages
turned by known angles within ±15° the residual stays under 0.05° (short lines: under 0.2°).

`rotate_page` keeps the page size (coordinates stay those of the scan, centre fixed) unless ink would be
cut off at the corners, as at large angles; then the canvas grows symmetrically just enough to keep it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import cv2
import numpy as np

from workers.image.inkview import INK_KERNEL_PX, INK_MIN_CONTRAST, MeasuringView

MAX_SKEW_DEG = 15.0
"""Search range: scanners and phone photos of flat pages stay within it."""
COARSE_STEP_DEG = 0.5
"""Row-profile peaks are ~1.5° wide (line gap / line length): a 0.5° step cannot step over one."""
COARSE_POINTS = 15_000
"""Ink pixels scored in the coarse search (every k-th): the peak is broad there, a sample finds it."""
REFINE_STEP_DEG = 0.1
"""First refinement: ±0.4° around the coarse best in 0.1° steps."""
FIT_HALF_WIDTH_DEG = 0.3
"""Last stage: a parabola fitted (least squares) to the scores over ±0.3° of the best so far. Below ~0.1°
the view's 1 px bins hardly change the score, so the top is flat; the fitted vertex finds its centre."""
FIT_STEP_DEG = 0.03
FIT_RECENTRE_DEG = 0.1
"""When the fitted vertex lands this far from the window's centre, the fit is redone around it."""
MIN_SKEW_DEG = 0.1
"""Below this the page is left alone: the correction would only blur the strokes by resampling."""
SPARSE_INK_PIXELS = 20_000
"""Below this many view ink pixels (about 8 full lines) the angle is refitted at a finer resolution."""
LINE_CLOSE = cv2.getStructuringElement(cv2.MORPH_RECT, (INK_KERNEL_PX, 1))
"""A sparse page's characters are closed into line blobs along the row by about a character of the view."""
LINE_MIN_AREA_PX = 300
"""A line blob covers at least this many view pixels (≈ 4 body characters at 75–100 dpi; specks do not)..."""
LINE_MIN_ELONGATION = 4.0
"""...and is this many times longer than high (principal axes)..."""
LINE_MIN_BLOBS = 2
LINE_AGREE_DEG = 1.5
"""...and at least two agree within this: a character blob's axis is good to ~0.5° over 4+ characters..."""
LINE_ALONE_ELONGATION = 6.0
"""...or one line alone, this many times longer than high (six characters or more)..."""
LINE_ALONE_SHARE = 0.6
"""...holding this share of the page's line-shaped ink: the other blobs are too few and too light to say."""
MIN_PEAK_GAIN = 1.15
"""Best over median profile sharpness across the coarse angles: text pages reach ≥ 1.35 (one line of six
characters), noise and speckles ≈ 1.0–1.05. Below it there are no lines to level."""
MIN_INK_PIXELS = 400
"""Fewer measuring-view ink pixels than this (a few characters) cannot give a reliable angle."""
MAX_POINTS = 120_000
"""Cap on ink pixels scored per angle (a dense page is subsampled evenly): bounds the time per page."""
DITHER_SEED = 20240515
"""Seed of the fixed sub-pixel dither (see `_centred_points`): results are the same on every run."""
KEEP_INK_MARGIN_PX = 8
"""Free border kept around ink when the canvas must grow to hold a rotated page (full-resolution pixels)."""


@dataclass(frozen=True)
class SkewEstimate:
    """Best level angle (degrees, CCW positive) and the sharpness of the row and column profiles there.

    `row_sharpness` / `col_sharpness` are the sums of squared profile bins divided by the ink count — the
    average number of ink pixels sharing a bin with a given ink pixel. Text lines make rows sharp.
    """

    angle: float
    row_sharpness: float
    col_sharpness: float
    profiled: bool = True
    """False when the angle is the lines' own shape (`line_shape_angle`): the profile had no peak to fit."""


@dataclass(frozen=True)
class _Points:
    """Ink pixels about the view's centre, their contrast (weight) and a fixed sub-pixel dither each."""

    xs: np.ndarray
    ys: np.ndarray
    weight: np.ndarray
    dither: np.ndarray

    def every(self, stride: int) -> _Points:
        return _Points(self.xs[::stride], self.ys[::stride], self.weight[::stride], self.dither[::stride])


def _centred_points(view: MeasuringView) -> _Points:
    ys, xs = np.nonzero(view.ink)
    if len(xs) > MAX_POINTS:
        keep = np.linspace(0, len(xs) - 1, MAX_POINTS).astype(np.intp)
        ys, xs = ys[keep], xs[keep]
    height, width = view.ink.shape
    weight = view.contrast[ys, xs].astype(np.float32) if view.contrast is not None else np.ones(len(xs), np.float32)
    # Pixel centres share one sub-pixel phase: at 0° every ink row falls into one bin, a few hundredths of a
    # degree off it spreads over two. That step would make 0° special (a spike or a dip in the score). A fixed
    # random offset per point, the same at every angle, gives all angles the same spread of phases.
    dither = np.random.default_rng(DITHER_SEED).random(len(xs), dtype=np.float32)
    return _Points(xs.astype(np.float32) - width / 2, ys.astype(np.float32) - height / 2, weight, dither)


def _sharpness(coord: np.ndarray, weight: np.ndarray | None) -> float:
    bins = np.floor(coord).astype(np.intp)
    counts = np.bincount(bins - bins.min(), weights=weight)
    total = len(coord) if weight is None else float(weight.sum())
    return float(np.dot(counts, counts)) / total


def _scores(
    points: _Points, angles: np.ndarray, cols: bool = True, weighted: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Row (and column) sharpness of the ink rotated by each angle (CCW, degrees).

    Weighted by contrast, faint anti-aliased edge pixels count less than stroke cores: their share carries
    the sub-pixel position of the line edges, which the fine stages need on short lines.
    """
    weight = points.weight if weighted else None
    xs, ys, dither = points.xs, points.ys, points.dither
    row_scores = np.zeros(len(angles))
    col_scores = np.zeros(len(angles))
    for i, angle in enumerate(np.radians(angles)):
        c, s = np.float32(np.cos(angle)), np.float32(np.sin(angle))
        row_scores[i] = _sharpness(ys * c - xs * s + dither, weight)
        if cols:
            col_scores[i] = _sharpness(xs * c + ys * s + dither, weight)
    return row_scores, col_scores


def _parabola_peak(angles: np.ndarray, scores: np.ndarray) -> float:
    best = int(np.argmax(scores))
    if best == 0 or best == len(scores) - 1:
        return float(angles[best])
    left, mid, right = scores[best - 1], scores[best], scores[best + 1]
    denom = left - 2 * mid + right
    shift = 0.0 if denom >= 0 else 0.5 * (left - right) / denom
    return float(angles[best] + shift * (angles[1] - angles[0]))


def _fitted_peak(angles: np.ndarray, scores: np.ndarray) -> float:
    """Vertex of the least-squares parabola through the scores; the best sample if that is not a peak inside."""
    centre = float(angles[len(angles) // 2])
    a, b, _ = np.polyfit(angles - centre, scores, 2)
    vertex = centre - b / (2 * a) if a < 0 else float("nan")
    if not angles[0] <= vertex <= angles[-1]:
        return float(angles[int(np.argmax(scores))])
    return float(vertex)


def _fit_window(points: _Points, centre: float) -> tuple[np.ndarray, np.ndarray]:
    angles = centre + np.arange(-FIT_HALF_WIDTH_DEG, FIT_HALF_WIDTH_DEG + 1e-9, FIT_STEP_DEG)
    return angles, _scores(points, angles, cols=False, weighted=True)[0]


def _fit(points: _Points, centre: float) -> float:
    fitted = _fitted_peak(*_fit_window(points, centre))
    if abs(fitted - centre) > FIT_RECENTRE_DEG:  # a window off-centre on a flat top biases the fit: refit once
        fitted = _fitted_peak(*_fit_window(points, fitted))
    return fitted


def line_shape_angle(ink: np.ndarray) -> float | None:
    """The angle the page's line-shaped ink blobs agree on (degrees, the deskew convention), or None.

    The characters of a line, closed along the row by about a character, make one long blob; its principal
    axis is the line's direction. Only blobs LINE_MIN_ELONGATION times longer than high count. The answer is
    the median of the heaviest set of blobs agreeing within LINE_AGREE_DEG (weighed by their ink): at least
    LINE_MIN_BLOBS of them, or one line LINE_ALONE_ELONGATION long holding LINE_ALONE_SHARE of all the
    line-shaped ink. A seal's code number along its lower arc closes into a long blob too, at the arc's
    tilt; on a 1-bit scan the ring, black now, cuts the date under it into pieces too short to count, and
    the note beside it is then the one line left to agree with (a last page levelled 14° off).
    """
    closed = cv2.morphologyEx(ink.view(np.uint8), cv2.MORPH_CLOSE, LINE_CLOSE)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(closed, connectivity=8)
    angles, weights, elongations = [], [], []
    for label in range(1, count):
        x, y, w, h, area = stats[label, :5]
        if area < LINE_MIN_AREA_PX:
            continue
        moments = cv2.moments((labels[y:y + h, x:x + w] == label).view(np.uint8), binaryImage=True)
        spread = np.array([[moments["mu20"], moments["mu11"]], [moments["mu11"], moments["mu02"]]])
        small, large = np.linalg.eigvalsh(spread)
        # image y runs down: a line rising to the right has mu11 < 0 and needs a clockwise (negative) turn
        angle = -np.degrees(-0.5 * np.arctan2(2 * moments["mu11"], moments["mu20"] - moments["mu02"]))
        if large < LINE_MIN_ELONGATION ** 2 * max(small, 1e-9) or abs(angle) > MAX_SKEW_DEG:
            continue  # not a line, or not one of a page within the search range
        angles.append(angle)
        weights.append(float(area))
        elongations.append(float(np.sqrt(large / max(small, 1e-9))))
    if not angles:
        return None
    sets = [[j for j, other in enumerate(angles) if abs(other - angle) <= LINE_AGREE_DEG] for angle in angles]
    best = max(sets, key=lambda members: sum(weights[j] for j in members))
    alone = (len(best) == 1 and elongations[best[0]] >= LINE_ALONE_ELONGATION
             and weights[best[0]] >= LINE_ALONE_SHARE * sum(weights))
    return float(np.median([angles[j] for j in best])) if len(best) >= LINE_MIN_BLOBS or alone else None


def _search(points: _Points, lines_at: float | None = None) -> SkewEstimate | None:
    """Coarse-to-fine search; None when neither profile has a real peak (no text lines: noise, a photo).

    With `lines_at` (the lines' own shape, `line_shape_angle`), the row profile's best is taken within
    LINE_AGREE_DEG of it: on a sparse page a date and the note a line below and beside it make one tilted
    "row" as sharp as the level lines (a last page, levelled 9° off). Where the profile shows no peak but the
    lines' shape does, the shape's angle is the answer: a 1-bit seal's black ring outweighs the few lines
    under it, and the profile then rises across the whole range towards the ring's own best.
    """
    coarse = np.arange(-MAX_SKEW_DEG, MAX_SKEW_DEG + 1e-9, COARSE_STEP_DEG)
    rows, cols = _scores(points.every(max(1, len(points.xs) // COARSE_POINTS)), coarse)
    if max(rows.max() / np.median(rows), cols.max() / np.median(cols)) < MIN_PEAK_GAIN:
        if lines_at is None:
            return None
        return SkewEstimate(angle=lines_at, row_sharpness=float(rows.max()), col_sharpness=float(cols.max()),
                            profiled=False)
    near = np.abs(coarse - lines_at) <= LINE_AGREE_DEG if lines_at is not None else np.ones(len(coarse), bool)
    best = float(coarse[near][int(np.argmax(rows[near]))])
    angles = best + REFINE_STEP_DEG * np.arange(-4, 5)
    best = _parabola_peak(angles, _scores(points, angles, cols=False, weighted=True)[0])
    return SkewEstimate(angle=_fit(points, best), row_sharpness=float(rows.max()), col_sharpness=float(cols.max()))


def _finer_points(image: np.ndarray, view: MeasuringView) -> _Points:
    """The view's ink again at twice the view's resolution or the page's own (red ink and rules still out).

    Only the box around the view's ink is processed; the points are centred on that box (the angle does not
    depend on the centre).
    """
    factor = round(1 / view.scale)
    finer = max(1, factor // 2)
    ys, xs = np.nonzero(view.ink)
    margin = 2 * INK_KERNEL_PX
    x0, y0 = max(0, int(xs.min()) - margin) * factor, max(0, int(ys.min()) - margin) * factor
    x1, y1 = (int(xs.max()) + margin) * factor, (int(ys.max()) + margin) * factor
    crop = image[y0:y1, x0:x1]
    if finer > 1:
        crop = cv2.resize(crop, None, fx=1 / finer, fy=1 / finer, interpolation=cv2.INTER_AREA)
    gray = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY) if crop.ndim == 3 else crop
    size = INK_KERNEL_PX * factor // finer
    contrast = cv2.morphologyEx(gray, cv2.MORPH_BLACKHAT, cv2.getStructuringElement(cv2.MORPH_RECT, (size, size)))
    near_ink = cv2.dilate(view.ink.view(np.uint8), np.ones((3, 3), np.uint8))
    near_ink = near_ink[y0 // factor:, x0 // factor:]
    scaled = cv2.resize(near_ink, None, fx=factor / finer, fy=factor / finer, interpolation=cv2.INTER_NEAREST)
    keep: np.ndarray = scaled[: gray.shape[0], : gray.shape[1]] > 0
    if keep.shape != gray.shape:  # the view's last row or column covers less than a whole factor
        keep = np.pad(keep, ((0, gray.shape[0] - keep.shape[0]), (0, gray.shape[1] - keep.shape[1])))
    ink = keep & (contrast >= INK_MIN_CONTRAST)
    return _centred_points(MeasuringView(ink=ink, scale=1.0, contrast=contrast))


def estimate_skew(view: MeasuringView, image: np.ndarray | None = None) -> SkewEstimate | None:
    """The level angle of the text lines (and the sideways evidence), or None when there is too little ink
    or no line structure in it.

    With the page `image` (the one the view was made from), a sparse page — whose few, short lines give the
    view's 1 px bins too little leverage — has its angle refitted on its ink at twice the view's resolution
    (at most the page's own).
    """
    points = _centred_points(view)
    if len(points.xs) < MIN_INK_PIXELS:
        return None
    estimate = _search(points, line_shape_angle(view.ink) if len(points.xs) < SPARSE_INK_PIXELS else None)
    if estimate is None:
        return None
    angle = estimate.angle
    if image is not None and view.scale < 1.0 and len(points.xs) < SPARSE_INK_PIXELS and estimate.profiled:
        angle = _fit(_finer_points(image, view), angle)
    return replace(estimate, angle=float(np.clip(angle, -MAX_SKEW_DEG, MAX_SKEW_DEG)))


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


def rotation_matrix(image: np.ndarray, angle: float, view: MeasuringView | None = None
                    ) -> tuple[np.ndarray, tuple[int, int]]:
    """The 2×3 affine matrix and the (width, height) of the canvas `rotate_page` uses (see there)."""
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
    return matrix, (width + 2 * pad_x, height + 2 * pad_y)


def rotate_page(image: np.ndarray, angle: float, view: MeasuringView | None = None,
                matrix: tuple[np.ndarray, tuple[int, int]] | None = None) -> np.ndarray:
    """Rotate a page by `angle` degrees CCW about its centre with white fill.

    Same size as the input, unless `view` shows ink that would leave the frame: then the canvas grows by the
    same amount on every side (the centre stays the centre) so no ink the scan showed is cut. `matrix`:
    what `rotation_matrix` returned for the same arguments, when the caller keeps it (workers.image.pagemap).
    """
    affine, size = matrix if matrix is not None else rotation_matrix(image, angle, view)
    fill = (255.0, 255.0, 255.0)
    return cv2.warpAffine(image, affine, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                          borderValue=fill)
