"""Page preprocessing: the scan → the upright, level page the OCR engine reads, plus its red-ink mask.

    prepare_page(image, page=n, orientation=classifier)
      0. photo?            a phone photo of a sheet: found, squared and its light flattened (workers.image.photo);
                           a flat scan passes untouched
      1. measuring view    the page at 75–100 dpi as a mask of dark ink, without red and rules (workers.image.inkview)
      2. blank?            no ink → warning; ink without text lines (noise, a photo) → page returned as it is
      3. sideways?         column profile sharper than row profile → turn 90° clockwise (workers.image.orientation)
      4. skew              projection-profile angle within ±15°, applied when |skew| ≥ 0.1° (workers.image.deskew);
                           warned about from 1°
      5. upside down?      text-line classifier on a few level line crops → turn 180° (workers.image.orientation)
      6. red mask          on the final image, so it aligns pixel for pixel with what the OCR reads (workers.image.redink);
                           skipped (all zero) when the measuring view holds no red pixel at all

Everything downstream (OCR boxes, `red_fraction`, layout) is in the frame of `PreparedPage.image`: upright-page
pixels, top-left origin. The page keeps the scan's size (the deskew rotates about the centre), except that the
canvas grows symmetrically when a large skew would push ink out of the frame, and width/height swap for
a 90°/270° turn. `rotation` is the clockwise quarter-turn applied, `skew` the small counter-clockwise
correction applied after it (degrees) — the conventions of `layout.model.Page`.

Without a classifier (`orientation=None`) no quarter turn is made; a page whose text runs vertically then
gets a warning instead.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import cv2
import numpy as np

from workers.errors import InputError
from workers.image.deskew import MIN_SKEW_DEG, estimate_skew, rotate_page, rotation_matrix
from workers.image.inkview import MeasuringView, measuring_view
from workers.image.orientation import FLIP_MIN_MARGIN, OrientationClassifier, is_sideways, line_crops
from workers.image.pagemap import PageTransform
from workers.image.photo import correct_photo
from workers.image.redink import red_fraction, red_mask

__all__ = ["OrientationClassifier", "PreparedPage", "prepare_page", "red_fraction", "red_mask"]

BLANK_INK_PIXELS = 120
"""Fewer measuring-view ink pixels (dark or red) than this — about two characters — is a blank page."""
SKEW_WARN_DEG = 1.0
"""Skew corrections at least this large are reported in the warnings; smaller ones are routine."""


@dataclass(frozen=True)
class PreparedPage:
    """An upright, level page (BGR uint8), its red-ink mask (uint8 0/255, same height and width), the
    clockwise quarter-turn (0/90/180/270) and the counter-clockwise skew (degrees) applied, and warnings.
    `transform` maps the scan's pixels onto `image`'s, every step above composed (workers.image.pagemap)."""

    image: np.ndarray
    red_mask: np.ndarray
    rotation: int
    skew: float
    warnings: tuple[str, ...]
    transform: PageTransform | None = None
    page_quad: tuple[tuple[float, float], ...] | None = None
    """The photographed sheet's corners in the source image (TL, TR, BR, BL, continuous pixels) when the
    page was squared from a photo (step 0); None otherwise."""
    photo_seconds: float = 0.0
    """Seconds spent finding, squaring and flattening the sheet (step 0), part of the preprocessing."""


def _as_bgr(image: np.ndarray) -> np.ndarray:
    if image.dtype != np.uint8 or image.ndim not in (2, 3):
        raise InputError(f"page image must be 8-bit grey or colour, not {image.dtype} with shape {image.shape}")
    if image.ndim == 2:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    if image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    if image.shape[2] == 1:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    return image


def _turn_clockwise(image: np.ndarray, view: MeasuringView) -> tuple[np.ndarray, MeasuringView]:
    """Quarter-turn the page and its measuring view clockwise (lossless)."""
    turned = cv2.rotate(image, cv2.ROTATE_90_CLOCKWISE)
    ink = np.ascontiguousarray(np.rot90(view.ink, k=-1))
    contrast = None if view.contrast is None else np.ascontiguousarray(np.rot90(view.contrast, k=-1))
    return turned, MeasuringView(ink=ink, scale=view.scale, red_pixels=view.red_pixels, contrast=contrast)


def prepare_page(image: np.ndarray, *, page: int, orientation: OrientationClassifier | None) -> PreparedPage:
    """Turn a scanned page (BGR uint8; grey and BGRA are accepted) upright and level; see the module doc."""
    image = _as_bgr(image)
    transform = PageTransform.identity(image.shape[1], image.shape[0])
    started = time.perf_counter()
    photo = correct_photo(image)
    page_quad = None
    if photo is not None:
        image = photo.image
        transform = transform.then(photo.matrix, photo.size)
        page_quad = tuple((round(float(x), 2), round(float(y), 2)) for x, y in photo.quad)
    photo_seconds = time.perf_counter() - started
    view = measuring_view(image)
    estimate = estimate_skew(view, image)
    rotation, skew, warnings = 0, 0.0, []

    if estimate is not None and is_sideways(estimate):
        if orientation is None:
            warnings.append(f"page {page}: text lines run vertically; orientation not checked")
        else:
            image, view = _turn_clockwise(image, view)
            rotation = 90
            transform = transform.quarter_turn(90)
            estimate = estimate_skew(view, image)

    if estimate is not None and abs(estimate.angle) >= MIN_SKEW_DEG:
        skew = round(estimate.angle, 2)
        affine = rotation_matrix(image, skew, view)
        image = rotate_page(image, skew, view, matrix=affine)
        transform = transform.then(*affine)

    if orientation is not None and estimate is not None:
        margin = orientation.upside_down_margin(line_crops(image, view, skew))
        # a sideways page is 90° or 270° with no prior either way; an upright-looking one is usually upright
        if margin > (0.0 if rotation == 90 else FLIP_MIN_MARGIN):
            image = cv2.rotate(image, cv2.ROTATE_180)
            rotation += 180
            transform = transform.quarter_turn(180)

    # most pages have no red at all: the measuring view saw none, so the full-size mask is empty
    mask = red_mask(image) if view.red_pixels else np.zeros(image.shape[:2], np.uint8)
    if int(np.count_nonzero(view.ink)) + view.red_pixels < BLANK_INK_PIXELS:
        warnings.append(f"page {page}: blank page (no ink found)")
    if page_quad is not None:
        warnings.append(f"page {page}: photo of a sheet squared and its light flattened")
    if rotation:
        warnings.append(f"page {page}: rotated {rotation}°")
    if abs(skew) >= SKEW_WARN_DEG:
        warnings.append(f"page {page}: skew {abs(skew):.1f}° corrected")
    return PreparedPage(image=image, red_mask=mask, rotation=rotation, skew=skew, warnings=tuple(warnings),
                        transform=transform, page_quad=page_quad, photo_seconds=photo_seconds)
