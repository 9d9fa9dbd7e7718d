"""Orientation: is the page sideways (90/270) or upside down (180)?

Two signals, each used where it is strong:

* **Sideways** — from the projection profiles scored by `workers.image.deskew`: horizontal text lines make the
  row profile sharp; on a page scanned sideways the column profile is the sharp one. (Characters of a 公文 sit on a grid,
  so the column profile of an upright page has structure too, but line gaps are far wider than character
  gaps: rows win by ~1.5× on a full page and by 10× or more on a sparse one.)
* **Upside down** — the PP-OCR text-line direction classifier `ch_ppocr_mobile_v2.0_cls_mobile.onnx`
  (labels "0"/"180") on a handful of crops of level text lines; the mean probability margin decides. Profiles
  are symmetric under 180° and cannot tell.

`line_crops` finds the crops on the measuring view (`workers.image.inkview`), so no second pass over the full page
is needed. `OrientationClassifier` loads its ONNX session lazily, once per process, shared by all instances
for the same model file; it runs on one thread (it is tiny, and the OCR engine owns the cores).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from workers.errors import ModelError
from workers.image.deskew import SkewEstimate
from workers.image.inkview import MeasuringView

CLS_MODEL_FILE = "ch_ppocr_mobile_v2.0_cls_mobile.onnx"
CLS_HEIGHT, CLS_WIDTH = 48, 192
"""Input of the PP-OCR mobile v2.0 direction classifier: 3×48×192, BGR, (x/255 − 0.5)/0.5, right-padded."""
SIDEWAYS_RATIO = 1.25
"""A page is sideways when its best column profile is this much sharper than its best row profile."""
FLIP_MIN_MARGIN = 0.3
"""Mean P(180) − P(0) over the crops needed to turn a page upside down: upright is the common case."""
MAX_CROPS = 6
"""Crops given to the classifier (one batch): six lines out-vote a stray misread, for ~10 ms on one thread."""
LINE_MIN_FILL = 0.15
"""A profile row belongs to a text line when it holds this share of the busiest rows' ink (95th pct)."""
LINE_MIN_HEIGHT_PX = 5
"""Bands thinner than this (measuring-view px) are rules or noise, not text lines."""
LINE_GAP_HEIGHTS = 1.0
"""Within a line, ink runs closer than this many line heights belong to one segment."""
CROP_ASPECT = 4.0
"""Crops are cut at the classifier's own aspect (192/48), so none is squashed."""
CROP_PAD_HEIGHTS = 0.15
"""Margin added above and below a line band, in line heights (the classifier was trained on loose crops)."""


def is_sideways(estimate: SkewEstimate) -> bool:
    """True when the text lines run vertically (page scanned at 90° or 270°); never for an angle the lines'
    shape gave (`SkewEstimate.profiled` False): their blobs lay along the rows."""
    return estimate.profiled and estimate.col_sharpness > SIDEWAYS_RATIO * estimate.row_sharpness


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """Half-open [start, end) runs of True in a 1-D bool array."""
    padded = np.concatenate([[False], mask, [False]])
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def _segments(xs: np.ndarray, gap: float) -> list[tuple[float, float]]:
    """Split the sorted x positions of one band's ink into runs separated by more than `gap`."""
    xs = np.sort(xs)
    breaks = np.flatnonzero(np.diff(xs) > gap)
    starts = np.concatenate([[0], breaks + 1])
    ends = np.concatenate([breaks, [len(xs) - 1]])
    return [(float(xs[a]), float(xs[b])) for a, b in zip(starts, ends, strict=True)]


def line_boxes(view: MeasuringView, angle: float) -> list[tuple[float, float, float, float]]:
    """Text-line segments (x0, y0, x1, y1), centred measuring-view px, of the ink rotated by `angle`.

    Coordinates are relative to the view's centre after the rotation, so they map to a page rotated about
    its centre by `angle` as `page_centre + coord / view.scale`.
    """
    ys, xs = np.nonzero(view.ink)
    if len(xs) == 0:
        return []
    height, width = view.ink.shape
    rad = math.radians(angle)
    cx, cy = xs - width / 2, ys - height / 2
    xr = cx * math.cos(rad) + cy * math.sin(rad)
    yr = cy * math.cos(rad) - cx * math.sin(rad)
    top = math.floor(float(yr.min()))
    rows = np.bincount(np.floor(yr - top).astype(np.intp))
    busy = np.percentile(rows[rows > 0], 95)
    boxes = []
    for start, end in _runs(rows >= LINE_MIN_FILL * busy):
        band = end - start
        if band < LINE_MIN_HEIGHT_PX:
            continue
        in_band = (yr >= start + top) & (yr < end + top)
        for x0, x1 in _segments(xr[in_band], LINE_GAP_HEIGHTS * band):
            boxes.append((x0, float(start + top), x1 + 1, float(end + top)))
    return boxes


def line_crops(
    image: np.ndarray, view: MeasuringView, angle: float, limit: int = MAX_CROPS
) -> list[np.ndarray]:
    """Up to `limit` crops of text lines from `image`, the page already rotated by `angle` about its centre.

    Only segments at least `CROP_ASPECT` times as wide as tall are used (single characters and page numbers
    say little about direction); each gives one crop of the classifier's aspect from its start, taken from
    lines spread over the page.
    """
    page_h, page_w = image.shape[:2]
    boxes = []
    for x0, y0, x1, y1 in line_boxes(view, angle):
        height = (y1 - y0) * (1 + 2 * CROP_PAD_HEIGHTS)
        if x1 - x0 >= CROP_ASPECT * height:
            boxes.append((x0, y0, x1, y1))
    if len(boxes) > limit:
        boxes = [boxes[i] for i in np.linspace(0, len(boxes) - 1, limit).astype(int)]
    crops = []
    for x0, y0, x1, y1 in boxes:
        pad = (y1 - y0) * CROP_PAD_HEIGHTS
        top = int(page_h / 2 + (y0 - pad) / view.scale)
        bottom = math.ceil(page_h / 2 + (y1 + pad) / view.scale)
        left = int(page_w / 2 + x0 / view.scale)
        right = min(math.ceil(page_w / 2 + x1 / view.scale), left + int(CROP_ASPECT * (bottom - top)))
        crop = image[max(0, top):min(page_h, bottom), max(0, left):min(page_w, right)]
        if crop.size:
            crops.append(crop)
    return crops


def _normalise(crop: np.ndarray) -> np.ndarray:
    """One crop as the classifier wants it: 3×48×192 float32, ratio kept, right-padded with zeros."""
    if crop.ndim == 2:
        crop = cv2.cvtColor(crop, cv2.COLOR_GRAY2BGR)
    h, w = crop.shape[:2]
    resized_w = min(CLS_WIDTH, math.ceil(CLS_HEIGHT * w / h))
    resized = cv2.resize(crop, (resized_w, CLS_HEIGHT), interpolation=cv2.INTER_LINEAR)
    out = np.zeros((3, CLS_HEIGHT, CLS_WIDTH), dtype=np.float32)
    out[:, :, :resized_w] = (resized.astype(np.float32).transpose(2, 0, 1) / 255.0 - 0.5) / 0.5
    return out


_SESSIONS: dict[Path, Any] = {}
_SESSIONS_LOCK = threading.Lock()


def _session(path: Path) -> Any:
    with _SESSIONS_LOCK:
        if path not in _SESSIONS:
            import onnxruntime as ort  # heavy: loaded only when a page is classified

            options = ort.SessionOptions()
            options.intra_op_num_threads = 1
            options.inter_op_num_threads = 1
            try:
                _SESSIONS[path] = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
            except Exception as exc:  # onnxruntime raises its own untyped errors
                raise ModelError(f"cannot load the text direction classifier {path}: {exc}") from exc
        return _SESSIONS[path]


class OrientationClassifier:
    """The PP-OCR 0°/180° text-line classifier. The ONNX session is loaded at first use, once per process."""

    def __init__(self, model_path: Path | None = None) -> None:
        self._model_path = model_path

    @property
    def model_path(self) -> Path:
        if self._model_path is None:
            from workers.ocr.models import rapidocr_model_path

            self._model_path = rapidocr_model_path(CLS_MODEL_FILE)
        return self._model_path

    def probabilities(self, crops: Sequence[np.ndarray]) -> np.ndarray:
        """P(0°), P(180°) per crop: float array of shape (len(crops), 2)."""
        if not crops:
            return np.zeros((0, 2), dtype=np.float32)
        session = _session(self.model_path)
        batch = np.stack([_normalise(c) for c in crops])
        try:
            (probs,) = session.run(None, {session.get_inputs()[0].name: batch})
        except Exception as exc:  # onnxruntime raises its own untyped errors
            raise ModelError(f"text direction classifier failed: {exc}") from exc
        return np.asarray(probs, dtype=np.float32)

    def upside_down_margin(self, crops: Sequence[np.ndarray]) -> float:
        """Mean P(180°) − P(0°) over the crops, in [-1, 1]; 0.0 without crops."""
        probs = self.probabilities(crops)
        return float((probs[:, 1] - probs[:, 0]).mean()) if len(probs) else 0.0
