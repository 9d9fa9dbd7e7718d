"""Plain PaddleOCR, run the way a naive user runs it: the yardstick the product is measured against.

What "plain" means here (SPEC: "plain PaddleOCR … lines joined in order"):
- the same PP-OCRv6 small models as the product (the folders of `workers.ocr.models.prepare_model_dirs`),
  the same inference engine, device and thread count (the product's own `workers.ocr.engine` arguments, so
  onnxruntime gets the same thread pool), everything else PaddleOCR's
  defaults, except the three optional models PaddleOCR would download (document orientation, unwarping,
  text-line orientation): they are switched off, as they must be offline;
- the same page images as the product: the document goes through the product's own ingest
  (`workers.image.ingest.open_document`, same DPI), so both systems see identical pixels;
- no preprocessing, no layout rules: `predict` on each page, one output line per OCR line, in
  PaddleOCR's own order (its y-then-x sort: boxes whose tops are within 10 px form a row, left to right),
  pages concatenated.

Timing covers page decoding (the same ingest the product pays for) plus `predict`; model loading is
excluded for both systems (each is loaded once per run). Inside `predict`, the time of PaddleOCR's two
models is measured by wrapping its pipeline's detection and recognition models in a stopwatch
(`_TimedModel`: wall and process CPU seconds, results unchanged) — the profile's det/rec split.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

# the product's own engine arguments (engine, device, threads) and import preparation: same for both
from workers.ocr.engine import _engine_kwargs, _prepare_paddle_import
from workers.ocr.models import prepare_model_dirs
from workers.settings import Settings


@dataclass(frozen=True)
class BaselineResult:
    """Plain PaddleOCR's text of one document, its page count, and seconds spent (decode + predict)."""

    text: str
    pages: int
    seconds: float
    decode_seconds: float
    predict_seconds: float
    models: dict[str, float] = field(default_factory=dict)
    """Seconds inside PaddleOCR's models for this document: det_s, rec_s, det_cpu_s, rec_cpu_s."""


class _TimedModel:
    """A PaddleX model of PaddleOCR's pipeline with a stopwatch: each call's results are collected into a
    list (the pipeline consumes them all anyway) while wall and CPU seconds are added to `seconds`."""

    def __init__(self, model: Any, name: str, seconds: dict[str, float]) -> None:
        self._model, self._name, self._seconds = model, name, seconds

    def __call__(self, *args: Any, **kwargs: Any) -> list[Any]:
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return list(self._model(*args, **kwargs))
        finally:
            self._seconds[f"{self._name}_s"] += time.perf_counter() - wall
            self._seconds[f"{self._name}_cpu_s"] += time.process_time() - cpu

    def __getattr__(self, name: str) -> Any:
        return getattr(self._model, name)


def _time_models(ocr: Any) -> dict[str, float]:
    """Put stopwatches on the detection and recognition models of a `PaddleOCR` object; their counters
    (empty if this PaddleOCR version's pipeline is not laid out as expected: then no split is reported)."""
    pipeline = getattr(getattr(ocr, "paddlex_pipeline", None), "_pipeline", None)
    if pipeline is None or not all(hasattr(pipeline, f"text_{m}_model") for m in ("det", "rec")):
        return {}
    seconds = {"det_s": 0.0, "rec_s": 0.0, "det_cpu_s": 0.0, "rec_cpu_s": 0.0}
    pipeline.text_det_model = _TimedModel(pipeline.text_det_model, "det", seconds)
    pipeline.text_rec_model = _TimedModel(pipeline.text_rec_model, "rec", seconds)
    return seconds


def join_lines(pages: Iterable[Sequence[str]]) -> str:
    """The naive text: every OCR line on its own line, pages one after another, blank lines skipped."""
    return "\n".join(text for page in pages for text in page if text.strip())


class PlainPaddleOcr:
    """PaddleOCR's `PaddleOCR` pipeline with the product's models and defaults otherwise; loaded once."""

    def __init__(self, settings: Settings) -> None:
        _prepare_paddle_import()  # no probing of model hosters: nothing is ever downloaded
        from paddleocr import PaddleOCR  # type: ignore[import-untyped]  # heavy: only when built

        dirs = prepare_model_dirs(settings)
        self.settings = settings
        self._ocr: Any = PaddleOCR(
            text_detection_model_dir=str(dirs.det),
            text_detection_model_name=dirs.det_name,
            text_recognition_model_dir=str(dirs.rec),
            text_recognition_model_name=dirs.rec_name,
            use_doc_orientation_classify=False,
            use_doc_unwarping=False,
            use_textline_orientation=False,
            **_engine_kwargs(settings),
        )
        self.model_seconds = _time_models(self._ocr)

    def read_image(self, image: np.ndarray) -> list[str]:
        """The OCR lines of one BGR page image, in PaddleOCR's order."""
        results = self._ocr.predict(image)
        return [str(text) for result in results for text in result["rec_texts"]]

    def convert(self, path: Path) -> BaselineResult:
        """Decode `path` with the product's ingest and OCR every page; timed end to end."""
        from workers.image.ingest import open_document

        decode = predict = 0.0
        pages: list[list[str]] = []
        before = dict(self.model_seconds)
        start = time.perf_counter()
        document = open_document(path, settings=self.settings)
        mark = time.perf_counter()
        decode += mark - start
        try:
            for image in document.iter_pages():
                got = time.perf_counter()
                decode += got - mark
                pages.append(self.read_image(image))
                mark = time.perf_counter()
                predict += mark - got
        finally:
            document.close()
        total = time.perf_counter() - start
        models = {key: value - before[key] for key, value in self.model_seconds.items()}
        return BaselineResult(join_lines(pages), len(pages), total, decode, predict, models)
