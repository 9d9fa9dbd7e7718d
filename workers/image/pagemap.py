"""Where a point of the upright page lies on the page as scanned: the per-page transform.

Preprocessing turns the decoded scan (the *source page*: the pixels `workers.image.ingest` yields, top-left
origin) into the upright, level page every box of the project is measured in (`layout.model`). Each step
it takes is a projective map of the plane; `PageTransform` records their composition, from source-page
pixels to upright-page pixels, as one 3×3 homography, and `to_source` maps points back:

    quarter turn     cv2.rotate by 90°/180°: x' = H − y, y' = x (90° clockwise); x' = W − x, y' = H − y (180°)
    deskew           the 2×3 affine matrix `workers.image.deskew.rotation_matrix` gives cv2.warpAffine
    photo warp       a perspective correction (issue 15) is a full 3×3 homography: `then(matrix)` takes it

Whatever a step does to the image it records here with `then`, in the order it runs; the searchable PDF
(`workers.output.pdfa`) maps every OCR line's corners back through `to_source` and so lands on the scan as it
is, not on our corrected copy. Coordinates are continuous pixel positions (a pixel's centre is +0.5).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class PageTransform:
    """Source-page pixels → upright-page pixels, as a 3×3 homography (row-major 9-tuple).

    `source_size` is the source page's (width, height) in pixels, `size` the upright page's.
    """

    matrix: tuple[float, ...]
    source_size: tuple[int, int]
    size: tuple[int, int]

    @classmethod
    def identity(cls, width: int, height: int) -> PageTransform:
        return cls(tuple(np.eye(3).ravel().tolist()), (width, height), (width, height))

    def as_array(self) -> np.ndarray:
        return np.asarray(self.matrix, dtype=np.float64).reshape(3, 3)

    def then(self, step: np.ndarray, size: tuple[int, int]) -> PageTransform:
        """This transform followed by `step` (a 2×3 affine or 3×3 projective matrix) onto a page of `size`."""
        step = np.asarray(step, dtype=np.float64)
        if step.shape == (2, 3):
            step = np.vstack([step, [0.0, 0.0, 1.0]])
        return PageTransform(tuple((step @ self.as_array()).ravel().tolist()), self.source_size, size)

    def quarter_turn(self, degrees: int) -> PageTransform:
        """This transform followed by the clockwise quarter turn cv2.rotate makes (90, 180 or 270)."""
        width, height = self.size
        if degrees % 360 == 90:
            return self.then(np.array([[0.0, -1.0, height], [1.0, 0.0, 0.0]]), (height, width))
        if degrees % 360 == 180:
            return self.then(np.array([[-1.0, 0.0, width], [0.0, -1.0, height]]), (width, height))
        if degrees % 360 == 270:
            return self.then(np.array([[0.0, 1.0, 0.0], [-1.0, 0.0, width]]), (height, width))
        return self

    def to_source(self, points: Sequence[tuple[float, float]] | np.ndarray) -> np.ndarray:
        """Upright-page points (N×2) → source-page points (N×2 float array)."""
        return _apply(np.linalg.inv(self.as_array()), points)

    def to_upright(self, points: Sequence[tuple[float, float]] | np.ndarray) -> np.ndarray:
        """Source-page points (N×2) → upright-page points (N×2 float array)."""
        return _apply(self.as_array(), points)


def _apply(matrix: np.ndarray, points: Sequence[tuple[float, float]] | np.ndarray) -> np.ndarray:
    pts = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    homogeneous = np.hstack([pts, np.ones((len(pts), 1))]) @ matrix.T
    return homogeneous[:, :2] / homogeneous[:, 2:3]
