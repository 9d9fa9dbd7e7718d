"""The OCR engine contract, the PaddleOCR implementation (the product), and a replaying engine for tests.

Contract (`OcrEngine`):
- `recognise(image, page)`: `image` is the upright page, BGR uint8, H×W×3; `page` is its 1-based number.
  Returns the text lines found, as `layout.model.OcrLine`, in that image's pixel frame (top-left origin),
  `page` set, `red=0.0` (the pipeline measures red ink afterwards), `score` in [0, 1].
- `recognise_crops(crops)`: recognition alone (no detection) of already-cut line images (BGR uint8),
  for second looks; one `(text, score)` per crop, in order.
- An engine instance is not safe to call from several threads at once; `PaddleEngine` serialises calls
  with a lock. One engine per process (`get_engine`): loading the models takes seconds and ~0.5 GB.

What makes `PaddleEngine` faster than plain PaddleOCR on the same pages (measured in bench/SPEED.md):
the detector reads the inked region at 4.3 px per mm of paper instead of the full-resolution page
(`workers.ocr.ocrinput`), recognition runs one line at a time (no padding), and onnxruntime's idle threads
sleep instead of spinning.

PaddleOCR's raw result dicts stop here: `_lines_from_result` converts them at the boundary.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np

from layout.model import Box, OcrLine, Page
from workers.errors import ModelError
from workers.ocr.models import ModelDirs, prepare_model_dirs
from workers.ocr.ocrinput import DET_PX_PER_MM, detector_input, detector_scale, inked_region
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


DET_THRESH, DET_BOX_THRESH, DET_UNCLIP_RATIO = 0.3, 0.6, 1.5
"""PaddleOCR's pipeline defaults for the detector's post-processing (pixel score, box score, box growth)."""


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


REC_BATCH = 1
"""Line crops per recognition run. PaddleOCR runs 6, padded to the widest: on official documents (full body
lines next to short headings) that costs 1.37× the CPU of one line per run (12 per run: 1.7×), and more
memory, for no better text (bench/SPEED.md)."""
SPIN_CONFIG = ("session.intra_op.allow_spinning", "session.inter_op.allow_spinning")
"""onnxruntime's idle pool threads spin by default; set to "0" they sleep, and the CPU goes to work."""


class PaddleEngine:
    """PP-OCR text detection and recognition (PaddleOCR 3.7's `TextDetection` and `TextRecognition`
    models), composed the way PaddleOCR's own pipeline composes them, except what is fed to each:

    - detection reads only the page's inked region, at `det_px_per_mm` pixels per mm of (A4) paper,
      shrunk by area averaging (`workers.ocr.ocrinput`); a blank page is not detected at all;
    - recognition reads each line from the full-resolution page, `REC_BATCH` at a time (narrowest first);
    - onnxruntime's sessions are created once, with `settings.cpu_threads` intra-op threads that sleep
      rather than spin when idle.

    `seconds` sums the wall and CPU (process, all threads) seconds spent in each model since loading, for
    profiles: `det_s`, `det_cpu_s` and `rec_s`, `rec_cpu_s` for `recognise`; `crops_s`, `crops_cpu_s` for
    the recognition of `recognise_crops` (second looks, a stage of their own in the pipeline).
    """

    reads_any_image = True
    """It detects and reads whatever image it is given (a crop as well as a page); a replay of recorded pages
    (`RecordedEngine`) does not, so what needs a fresh detection on a crop (`workers.ocr.missedlines`) asks."""

    def __init__(self, settings: Settings, *, det_px_per_mm: float = DET_PX_PER_MM, rec_batch: int = REC_BATCH,
                 spinning: bool = False) -> None:
        self.settings = settings
        self.dirs: ModelDirs = prepare_model_dirs(settings)
        self.det_px_per_mm, self.rec_batch = det_px_per_mm, rec_batch
        self.seconds = {f"{model}{unit}": 0.0 for model in ("det", "rec", "crops") for unit in ("_s", "_cpu_s")}
        self._lock = threading.Lock()
        _prepare_paddle_import()
        try:
            from paddleocr import TextDetection, TextRecognition
            from paddlex.inference.pipelines.components import CropByPolys, SortQuadBoxes

            kwargs = _engine_kwargs(settings)
            self._det = TextDetection(model_name=self.dirs.det_name, model_dir=str(self.dirs.det),
                                      thresh=DET_THRESH, box_thresh=DET_BOX_THRESH, unclip_ratio=DET_UNCLIP_RATIO,
                                      **kwargs)
            self._rec = TextRecognition(model_name=self.dirs.rec_name, model_dir=str(self.dirs.rec), **kwargs)
            self._crop = CropByPolys(det_box_type="quad")
            self._sort = SortQuadBoxes()
            if not spinning:
                for model in (self._det, self._rec):
                    _sleep_when_idle(model, settings)
        except Exception as exc:  # PaddleOCR raises plain RuntimeError/ValueError/… for bad folders
            raise ModelError(f"cannot load the OCR models ({self.dirs.det}, {self.dirs.rec}): {exc}") from exc

    def recognise(self, image: np.ndarray, page: int) -> list[OcrLine]:
        _check_image(image)
        with self._lock:
            try:
                polygons = self._detect(image)
                crops, polygons = self._cut(image, polygons)
                readings = self._read(crops)
            except Exception as exc:
                raise ModelError(f"OCR failed on page {page}: {exc}") from exc
        texts = [text for text, _ in readings]
        scores = [score for _, score in readings]
        return _lines_from_result({"rec_texts": texts, "rec_scores": scores, "rec_polys": polygons}, page)

    def recognise_crops(self, crops: Sequence[np.ndarray]) -> list[tuple[str, float]]:
        if not crops:
            return []
        for crop in crops:
            _check_image(crop)
        with self._lock:
            try:
                return self._read(list(crops), counter="crops")
            except Exception as exc:
                raise ModelError(f"text recognition failed: {exc}") from exc

    def _detect(self, image: np.ndarray) -> list[np.ndarray]:
        """Text line quadrilaterals in page pixels, in reading order (top to bottom, left to right)."""
        started = _clock()
        region = inked_region(image)
        polygons: list[np.ndarray] = []
        if region is not None:
            feed = detector_input(image, detector_scale(image.shape, self.det_px_per_mm), region)
            height, width = feed.image.shape[:2]
            # the input is already the size wanted: the detector's own resize rule must leave it alone
            (result,) = self._det.predict(feed.image, limit_side_len=max(height, width), limit_type="max")
            polygons = [feed.to_page(poly) for poly in result["dt_polys"]]
        self._count("det", started)
        # PaddleOCR's own line order: by top, then left for lines whose tops are within 10 px
        return list(self._sort(polygons)) if polygons else []

    def _cut(self, image: np.ndarray, polygons: list[np.ndarray]) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Each line cut out of the full-resolution page (straightened); empty cuts dropped with their box."""
        if not polygons:
            return [], []
        crops = list(self._crop(image, [poly.astype(np.float32) for poly in polygons]))
        kept = [(crop, poly) for crop, poly in zip(crops, polygons, strict=True) if crop.size > 0]
        return [crop for crop, _ in kept], [poly for _, poly in kept]

    def _read(self, crops: list[np.ndarray], counter: str = "rec") -> list[tuple[str, float]]:
        """(text, score) of each crop, in order; recognised narrowest first, `rec_batch` at a time."""
        if not crops:
            return []
        started = _clock()
        order = sorted(range(len(crops)), key=lambda i: crops[i].shape[1] / crops[i].shape[0])
        results = self._rec.predict([crops[i] for i in order], batch_size=self.rec_batch)
        readings: list[tuple[str, float]] = [("", 0.0)] * len(crops)
        for index, result in zip(order, results, strict=True):
            readings[index] = (str(result["rec_text"]), float(result["rec_score"]))
        self._count(counter, started)
        return readings

    def _count(self, model: str, started: tuple[float, float]) -> None:
        wall, cpu = _clock()
        self.seconds[f"{model}_s"] += wall - started[0]
        self.seconds[f"{model}_cpu_s"] += cpu - started[1]


def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _sleep_when_idle(model: Any, settings: Settings) -> None:
    """Recreate the model's onnxruntime session (same file, same options) with non-spinning thread pools.

    PaddleX's engine config can only set plain SessionOptions attributes, not session config entries, so
    the session it built is replaced once, at load. Engines other than onnxruntime are left alone.
    """
    runner: Any = getattr(getattr(model, "paddlex_predictor", None), "runner", None)
    session: Any = getattr(runner, "session", None)
    if settings.engine != "onnxruntime" or session is None:
        return
    import onnxruntime as ort

    options = session.get_session_options()
    for key in SPIN_CONFIG:
        options.add_session_config_entry(key, "0")
    runner.session = ort.InferenceSession(runner._get_model_path(), sess_options=options,
                                          providers=session.get_providers())


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
