"""workers.ocr.engine: PaddleOCR's result converted at the boundary, the replaying engine, and the real models."""

from __future__ import annotations

import difflib
import subprocess
import sys
import unicodedata
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from layout.model import Box, OcrLine, Page
from layout.serial import pages_from_dict, pages_to_dict
from workers.errors import ModelError
from workers.ocr.engine import PaddleEngine, RecordedEngine, _engine_kwargs, _lines_from_result, get_engine
from workers.settings import Settings, load_settings

FONT = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
FONT_INDEX_SC = 2
TEXTS = (
    "重庆市渝北区卫生健康委员会",
    "渝北卫健函〔2024〕117号",
    "关于区人大第十九届第四次会议第46号建议的复函",
    "陈邦友代表：",
    "您提出的《关于加强基层医疗服务能力的建议》已收悉。",
)


def draw_lines(texts: tuple[str, ...] = TEXTS, size: int = 44) -> tuple[np.ndarray, list[Box]]:
    """A white 1240×900 page (A4 width at 150 dpi) with one text line per row; BGR, and each line's ink box."""
    page = Image.new("RGB", (1240, 900), "white")
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(FONT, size=size, index=FONT_INDEX_SC)
    boxes = []
    for row, text in enumerate(texts):
        x0, y0, x1, y1 = draw.textbbox((100, 80 + row * 150), text, font=font)
        draw.text((100, 80 + row * 150), text, font=font, fill=(20, 20, 20))
        boxes.append(Box(x0, y0, x1, y1))
    return cv2.cvtColor(np.asarray(page), cv2.COLOR_RGB2BGR), boxes


def iou(a: Box, b: Box) -> float:
    w = max(0.0, min(a.x1, b.x1) - max(a.x0, b.x0))
    h = max(0.0, min(a.y1, b.y1) - max(a.y0, b.y0))
    inter = w * h
    return inter / (a.width * a.height + b.width * b.height - inter)


def similarity(a: str, b: str) -> float:
    """Character similarity after NFKC (the metrics' normalisation: a full-width colon equals ':')."""
    return difflib.SequenceMatcher(None, unicodedata.normalize("NFKC", a), unicodedata.normalize("NFKC", b)).ratio()


# --- the boundary, without the model -------------------------------------------------------------------------

def test_paddle_result_becomes_ocr_lines() -> None:
    result = {  # the members of PaddleOCR 3.x's per-image result that the adapter reads
        "rec_texts": ["渝北卫健函", "", "复函"],
        "rec_scores": np.array([0.98, 0.1, 0.5], dtype=np.float32),
        "rec_polys": [np.array([[10, 20], [110, 22], [109, 52], [9, 50]], dtype=np.int16),
                      np.array([[0, 0], [1, 0], [1, 1], [0, 1]], dtype=np.int16),
                      np.array([[5, 60], [50, 60], [50, 90], [5, 90]], dtype=np.int16)],
    }
    lines = _lines_from_result(result, page=3)
    assert [line.text for line in lines] == ["渝北卫健函", "复函"]  # empty readings dropped
    first = lines[0]
    assert first.box == Box(9.0, 20.0, 110.0, 52.0) and first.page == 3 and first.red == 0.0
    assert first.polygon == ((10.0, 20.0), (110.0, 22.0), (109.0, 52.0), (9.0, 50.0))
    assert isinstance(first.score, float) and first.score == pytest.approx(0.98)
    assert all(type(v) is float for v in (first.box.x0, first.box.y1, first.polygon[0][0]))


def test_inconsistent_paddle_result_is_a_model_error() -> None:
    with pytest.raises(ModelError):
        _lines_from_result({"rec_texts": ["a"], "rec_scores": [], "rec_polys": []}, page=1)


def test_threads_reach_onnxruntime_through_the_engine_config() -> None:
    settings = Settings(cache_dir=Path("/nonexistent"), cpu_threads=3)
    assert _engine_kwargs(settings) == {"engine": "onnxruntime", "device": "cpu", "engine_config": {
        "onnxruntime": {"intra_op_num_threads": 3, "inter_op_num_threads": 1}}}
    assert _engine_kwargs(settings.with_(engine="paddle"))["cpu_threads"] == 3


def test_recorded_engine_replays_pages_by_number() -> None:
    line = OcrLine("抄送：区人大代工委。", Box(100, 2000, 900, 2040), score=0.97, page=2)
    pages = pages_from_dict(pages_to_dict([Page(1, 1654, 2339), Page(2, 1654, 2339, lines=(line,))]))
    engine = RecordedEngine(pages)
    blank = np.zeros((10, 10, 3), np.uint8)
    assert engine.recognise(blank, 2) == [line]
    assert engine.recognise(blank, 1) == [] and engine.recognise(blank, 7) == []
    assert engine.recognise_crops([blank, blank]) == [("", 0.0), ("", 0.0)]


def test_importing_the_engine_module_loads_no_paddle() -> None:
    code = "import sys, workers.ocr.engine; assert not {'paddleocr', 'paddlex', 'paddle'} & set(sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


# --- the real models ----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> PaddleEngine:
    settings = load_settings().with_(cache_dir=tmp_path_factory.mktemp("models"))
    engine = get_engine(settings)
    assert isinstance(engine, PaddleEngine)
    return engine


@pytest.mark.slow
def test_paddle_engine_reads_a_page(engine: PaddleEngine) -> None:
    image, boxes = draw_lines()
    lines = engine.recognise(image, page=4)
    assert len(lines) == len(TEXTS)
    for text, box in zip(TEXTS, boxes, strict=True):
        best = max(lines, key=lambda line: iou(line.box, box))
        assert iou(best.box, box) > 0.5, (text, best)
        assert similarity(best.text, text) > 0.9, (text, best.text)
        assert best.page == 4 and best.red == 0.0 and 0.0 <= best.score <= 1.0 and len(best.polygon) == 4
    exact = sum(unicodedata.normalize("NFKC", line.text) in {unicodedata.normalize("NFKC", t) for t in TEXTS}
                for line in lines)
    assert exact >= len(TEXTS) - 1, [line.text for line in lines]


@pytest.mark.slow
def test_recognise_crops_reads_cut_lines(engine: PaddleEngine) -> None:
    image, boxes = draw_lines()
    pad = 6
    crops = [image[int(b.y0) - pad:int(b.y1) + pad, int(b.x0) - pad:int(b.x1) + pad].copy() for b in boxes]
    readings = engine.recognise_crops(crops)
    assert len(readings) == len(TEXTS) and engine.recognise_crops([]) == []
    for (text, score), truth in zip(readings, TEXTS, strict=True):
        assert similarity(text, truth) > 0.9 and 0.0 < score <= 1.0, (text, truth)


@pytest.mark.slow
def test_get_engine_loads_once_per_settings(engine: PaddleEngine) -> None:
    assert get_engine(engine.settings) is engine
    assert get_engine(engine.settings.with_(dpi=300)) is engine  # dpi is not a model setting


@pytest.mark.slow
def test_a_broken_model_folder_is_a_model_error(tmp_path: Path) -> None:
    (tmp_path / "inference.yml").write_text("Global: {model_name: PP-OCRv6_small_det}\n")  # no weights
    with pytest.raises(ModelError, match="cannot load"):
        PaddleEngine(load_settings().with_(cache_dir=tmp_path / "cache", det_model_dir=tmp_path))


@pytest.mark.slow
def test_engine_refuses_images_that_are_not_bgr_uint8(engine: PaddleEngine) -> None:
    with pytest.raises(ValueError, match="BGR uint8"):
        engine.recognise(np.zeros((10, 10), np.uint8), page=1)
