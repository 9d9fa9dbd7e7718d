"""The OCR engine contract, the PaddleOCR implementation (the product), and a replaying engine for tests.

Contract (`OcrEngine`):
- `recognise(image, page)`: `image` is the upright page, BGR uint8, H×W×3; `page` is its 1-based number.
  Returns the text lines found, as `layout.model.OcrLine`, in that image's pixel frame (top-left origin),
  `page` set, `red=0.0` (the pipeline measures red ink afterwards), `score` in [0, 1].
- `recognise_crops(crops)`: recognition alone (no detection) of already-cut line images (BGR uint8),
  for second looks; one `(text, score)` per crop, in order.
- An engine instance is not safe to call from several threads at once; `PaddleEngine` serialises calls
  with a lock. One engine per process (`get_engine`): loading the models takes seconds and ~0.5 GB.

PaddleOCR's raw result dicts stop here: `_lines_from_result` converts them at the boundary.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np

from layout.model import Box, OcrLine, Page
from workers.errors import ModelError
from workers.models import ModelDirs, prepare_model_dirs
from workers.settings import Settings


class OcrEngine(Protocol):
    def recognise(self, image: np.ndarray, page: int) -> list[OcrLine]: ...

    def recognise_crops(self, crops: Sequence[np.ndarray]) -> list[tuple[str, float]]: ...


def _prepare_paddle_import() -> None:
    # PaddleX checks model hosters over the network at import unless told not to; we never download.
    os.environ["PADDLE_PDX_DISABLE_MODEL_SOURCE_CHECK"] = "True"


def _engine_kwargs(settings: Settings) -> dict[str, Any]:
    """Device, inference engine and thread count, in the form PaddleOCR 3.7 takes them."""
    kwargs: dict[str, Any] = {"engine": settings.engine, "device": settings.device}
    if settings.engine == "onnxruntime":
        # PaddleOCR's `cpu_threads` only reaches the paddle engine; onnxruntime takes an engine_config.
        kwargs["engine_config"] = {
            "onnxruntime": {"intra_op_num_threads": settings.cpu_threads, "inter_op_num_threads": 1}
        }
    else:
        kwargs["cpu_threads"] = settings.cpu_threads
    return kwargs


def _polygon(raw: Any) -> tuple[tuple[float, float], ...]:
    return tuple((float(x), float(y)) for x, y in np.asarray(raw).reshape(-1, 2))


def _box_of(polygon: tuple[tuple[float, float], ...]) -> Box:
    xs = [x for x, _ in polygon]
    ys = [y for _, y in polygon]
    return Box(min(xs), min(ys), max(xs), max(ys))


def _lines_from_result(result: Any, page: int) -> list[OcrLine]:
    """PaddleOCR's per-image result (rec_texts, rec_scores, rec_polys) → OcrLines, empty texts dropped."""
    texts = list(result["rec_texts"])
    scores = list(result["rec_scores"])
    polys = list(result["rec_polys"])
    if not (len(texts) == len(scores) == len(polys)):
        raise ModelError(f"PaddleOCR result is inconsistent: {len(texts)} texts, {len(scores)} scores, {len(polys)} boxes")
    lines = []
    for text, score, raw_poly in zip(texts, scores, polys, strict=True):
        if not str(text).strip():
            continue
        polygon = _polygon(raw_poly)
        lines.append(OcrLine(text=str(text), box=_box_of(polygon), score=float(score), page=page, polygon=polygon))
    return lines


class PaddleEngine:
    """PaddleOCR 3.x (detection + recognition, no document preprocessing) on the prepared model folders.

    `det_limit_side_len` / `det_limit_type` are PaddleOCR's detector resize rule; None keeps PaddleOCR's
    defaults (64 / "min", with a 4000-pixel cap on the long side: an A4 page at 150–300 dpi is detected at
    full resolution).
    """

    def __init__(
        self,
        settings: Settings,
        *,
        det_limit_side_len: int | None = None,
        det_limit_type: str | None = None,
    ) -> None:
        self.settings = settings
        self.dirs: ModelDirs = prepare_model_dirs(settings)
        self._lock = threading.Lock()
        self._recogniser: Any = None
        _prepare_paddle_import()
        try:
            from paddleocr import PaddleOCR

            self._ocr = PaddleOCR(
                text_detection_model_name=self.dirs.det_name,
                text_detection_model_dir=str(self.dirs.det),
                text_recognition_model_name=self.dirs.rec_name,
                text_recognition_model_dir=str(self.dirs.rec),
                use_doc_orientation_classify=False,
                use_doc_unwarping=False,
                use_textline_orientation=False,
                text_det_limit_side_len=det_limit_side_len,
                text_det_limit_type=det_limit_type,
                **_engine_kwargs(settings),
            )
        except Exception as exc:  # PaddleOCR raises plain RuntimeError/ValueError/… for bad folders
            raise ModelError(f"cannot load the OCR models ({self.dirs.det}, {self.dirs.rec}): {exc}") from exc

    def recognise(self, image: np.ndarray, page: int) -> list[OcrLine]:
        _check_image(image)
        with self._lock:
            try:
                results = self._ocr.predict(image)
            except Exception as exc:
                raise ModelError(f"OCR failed on page {page}: {exc}") from exc
        if len(results) != 1:
            raise ModelError(f"PaddleOCR returned {len(results)} results for one page")
        return _lines_from_result(results[0], page)

    def recognise_crops(self, crops: Sequence[np.ndarray]) -> list[tuple[str, float]]:
        if not crops:
            return []
        for crop in crops:
            _check_image(crop)
        with self._lock:
            recogniser = self._text_recognition()
            try:
                results = recogniser.predict(list(crops))
            except Exception as exc:
                raise ModelError(f"text recognition failed: {exc}") from exc
        return [(str(r["rec_text"]), float(r["rec_score"])) for r in results]

    def _text_recognition(self) -> Any:
        """The recognition model alone, loaded at the first second look (call with the lock held)."""
        if self._recogniser is None:
            try:
                from paddleocr import TextRecognition

                self._recogniser = TextRecognition(
                    model_name=self.dirs.rec_name, model_dir=str(self.dirs.rec), **_engine_kwargs(self.settings)
                )
            except Exception as exc:
                raise ModelError(f"cannot load the recognition model {self.dirs.rec}: {exc}") from exc
        return self._recogniser


def _check_image(image: np.ndarray) -> None:
    if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(f"expected a BGR uint8 H×W×3 image, got {image.dtype} {image.shape}")


_ENGINES: dict[tuple[object, ...], OcrEngine] = {}
_ENGINES_LOCK = threading.Lock()


def _engine_key(settings: Settings) -> tuple[object, ...]:
    return (settings.cache_dir, settings.det_model_dir, settings.rec_model_dir, settings.det_model_name,
            settings.rec_model_name, settings.engine, settings.device, settings.cpu_threads)


def get_engine(settings: Settings) -> OcrEngine:
    """The process's PaddleEngine for these model settings, loaded once."""
    key = _engine_key(settings)
    with _ENGINES_LOCK:
        engine = _ENGINES.get(key)
        if engine is None:
            engine = _ENGINES[key] = PaddleEngine(settings)
        return engine


class RecordedEngine:
    """Replays recorded OCR pages (see `layout.serial`) through the engine contract, by page number.

    `recognise` ignores the image and returns the recorded lines of that page (an unrecorded page has
    none). `recognise_crops` has nothing recorded to replay: every crop reads as ("", 0.0), i.e. no
    second opinion.
    """

    def __init__(self, pages: Sequence[Page]) -> None:
        self._lines = {page.number: tuple(page.lines) for page in pages}

    def recognise(self, image: np.ndarray, page: int) -> list[OcrLine]:
        return list(self._lines.get(page, ()))

    def recognise_crops(self, crops: Sequence[np.ndarray]) -> list[tuple[str, float]]:
        return [("", 0.0) for _ in crops]
