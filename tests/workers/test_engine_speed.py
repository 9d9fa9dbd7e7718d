"""workers.ocr.engine, what makes it fast: the detector reads a shrunk page yet boxes land in page pixels, a blank
page skips detection, sessions sleep instead of spinning, and the time in each model is counted."""

from __future__ import annotations

import unicodedata
from typing import Any

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from layout.model import Box
from workers.ocr.engine import PaddleEngine, get_engine
from workers.settings import load_settings

FONT = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
FONT_INDEX_SC = 2
TEXTS = ("关于做好冬季安全生产工作的通知", "各区县人民政府，市政府各部门：", "现将有关事项通知如下。")
DPI = 300
MM = DPI / 25.4


def a4_page() -> tuple[np.ndarray, list[Box]]:
    """An A4 page at 300 dpi with 3号-sized lines (16 pt) in the upper third; BGR, and each line's ink box."""
    page = Image.new("RGB", (round(210 * MM), round(297 * MM)), "white")
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(FONT, size=round(16 / 72 * DPI), index=FONT_INDEX_SC)
    boxes = []
    for row, text in enumerate(TEXTS):
        origin = (round(27 * MM), round((40 + 12 * row) * MM))
        boxes.append(Box(*draw.textbbox(origin, text, font=font)))
        draw.text(origin, text, font=font, fill=(20, 20, 20))
    return np.ascontiguousarray(np.asarray(page)[:, :, ::-1]), boxes


def iou(a: Box, b: Box) -> float:
    w = max(0.0, min(a.x1, b.x1) - max(a.x0, b.x0))
    h = max(0.0, min(a.y1, b.y1) - max(a.y0, b.y0))
    return w * h / (a.width * a.height + b.width * b.height - w * h)


@pytest.fixture(scope="module")
def engine() -> PaddleEngine:
    engine = get_engine(load_settings())
    assert isinstance(engine, PaddleEngine)
    return engine


@pytest.mark.slow
def test_a_300dpi_page_is_detected_small_and_boxed_in_page_pixels(engine: PaddleEngine) -> None:
    image, boxes = a4_page()
    before = dict(engine.seconds)
    lines = engine.recognise(image, page=1)
    assert len(lines) == len(TEXTS)
    for text, box in zip(TEXTS, boxes, strict=True):
        best = max(lines, key=lambda line: iou(line.box, box))
        assert iou(best.box, box) > 0.5, (text, best.box, box)
        assert unicodedata.normalize("NFKC", best.text) == unicodedata.normalize("NFKC", text)
    assert all(engine.seconds[key] > before[key] for key in ("det_s", "rec_s", "det_cpu_s", "rec_cpu_s"))
    assert engine.seconds["crops_s"] == before["crops_s"]


@pytest.mark.slow
def test_second_look_recognition_is_counted_apart(engine: PaddleEngine) -> None:
    image, boxes = a4_page()
    before = dict(engine.seconds)
    box = boxes[0]
    (text, _), = engine.recognise_crops([image[int(box.y0) - 8:int(box.y1) + 8, int(box.x0) - 8:int(box.x1) + 8]])
    assert unicodedata.normalize("NFKC", text) == unicodedata.normalize("NFKC", TEXTS[0])
    assert engine.seconds["crops_s"] > before["crops_s"] and engine.seconds["crops_cpu_s"] > before["crops_cpu_s"]
    assert engine.seconds["rec_s"] == before["rec_s"] and engine.seconds["det_s"] == before["det_s"]


@pytest.mark.slow
def test_a_blank_page_is_not_detected(engine: PaddleEngine) -> None:
    class NoDetector:
        def predict(self, *args: Any, **kwargs: Any) -> Any:
            raise AssertionError("the detector ran on a blank page")

    real, engine._det = engine._det, NoDetector()
    try:
        assert engine.recognise(np.full((3508, 2480, 3), 247, np.uint8), page=2) == []
    finally:
        engine._det = real


@pytest.mark.slow
def test_sessions_sleep_when_idle(engine: PaddleEngine) -> None:
    for model in (engine._det, engine._rec):
        options = model.paddlex_predictor.runner.session.get_session_options()
        assert options.get_session_config_entry("session.intra_op.allow_spinning") == "0"
        assert options.intra_op_num_threads == engine.settings.cpu_threads
