"""workers.pipeline: stage order, timings, red marking, warnings, the envelope; the sample scan end to end."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from PIL import Image

import layout
from layout.model import Box, OcrLine
from workers.errors import ModelError, UnsupportedInput
from workers.ocr import engine as engine_module
from workers.pipeline import ConvertOptions, convert_file, render_result
from workers.settings import Settings, load_settings

SAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "samples"
MakePage = Callable[..., tuple[np.ndarray, Any]]
SAMPLE_CER_MAX = 0.01
"""Character CER of the committed sample scan (3 pages, 150 dpi JPEG, skew, a seal) the product must beat."""


class SpyEngine:
    """Returns fixed lines per page and remembers the images it was given."""

    def __init__(self, lines: dict[int, list[OcrLine]]) -> None:
        self.lines = lines
        self.seen: list[tuple[int, tuple[int, ...], np.dtype[Any]]] = []

    def recognise(self, image: np.ndarray, page: int) -> list[OcrLine]:
        self.seen.append((page, image.shape, image.dtype))
        return list(self.lines.get(page, []))

    def recognise_crops(self, crops: Sequence[np.ndarray]) -> list[tuple[str, float]]:
        return [("", 0.0) for _ in crops]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(cache_dir=tmp_path / "cache")


def save_tiff(path: Path, pages: Sequence[np.ndarray], dpi: int) -> Path:
    frames = [Image.fromarray(cv2.cvtColor(page, cv2.COLOR_BGR2RGB)) for page in pages]
    frames[0].save(path, save_all=True, append_images=frames[1:], dpi=(dpi, dpi), compression="tiff_lzw")
    return path


def _box(raw: tuple[int, int, int, int]) -> Box:
    return Box(*(float(v) for v in raw))


def test_pages_go_through_every_stage_in_order(
        tmp_path: Path, settings: Settings, make_page: MakePage, turn: Callable[[np.ndarray, float], np.ndarray]) -> None:
    first, layout_1 = make_page(dpi=100, body_rows=4, seal=None)
    second, _ = make_page(dpi=100, title=None, body_rows=8, seal=None, offset=40)
    path = save_tiff(tmp_path / "scan.tif", [first, turn(second, 3.0)], dpi=100)
    title = OcrLine("重庆市渝北区卫生健康委员会文件", _box(layout_1.title), score=0.99, page=1)
    body = OcrLine("坚持基药主导全面落实国家基本药物制度", _box(layout_1.body_lines[0]), score=0.95, page=1)
    spy = SpyEngine({1: [title, body]})
    calls: list[tuple[int, int]] = []

    result = convert_file(path, settings=settings, engine=spy, progress=lambda done, total: calls.append((done, total)))

    assert calls == [(1, 2), (2, 2)]
    assert [(page, shape[2], dtype) for page, shape, dtype in spy.seen] == [(1, 3, np.uint8), (2, 3, np.uint8)]
    assert set(result.timings) == {"ingest_s", "preprocess_s", "colour_free_s", "ocr_s", "second_look_s", "layout_s",
                                   "photo_s"}
    assert all(seconds >= 0 for seconds in result.timings.values())
    assert result.source.filename == "scan.tif" and result.source.pages == 2
    assert result.source.media_type == "image/tiff"
    one, two = result.pages
    assert (one.number, one.dpi, one.width, one.height) == (1, 100.0, first.shape[1], first.shape[0])
    assert abs(two.skew) == pytest.approx(3.0, abs=0.3) and two.lines == ()
    assert any(w.startswith("page 2: skew 3.") and "corrected" in w for w in result.warnings)
    red_title, black_body = one.lines
    assert red_title.red > 0.5 and black_body.red < 0.1  # measured on the prepared page, not left at 0
    assert result.document.fields.issuer_mark == layout.build_document(result.pages).fields.issuer_mark


def test_envelope_and_renderings(tmp_path: Path, settings: Settings, make_page: MakePage) -> None:
    image, page_layout = make_page(dpi=100, body_rows=2, seal=None)
    path = tmp_path / "scan.png"
    cv2.imwrite(str(path), image)
    lines = [OcrLine("重庆市渝北区卫生健康委员会文件", _box(page_layout.title), 0.99, 1),
             OcrLine("坚持基药主导全面落实国家基本药物制度", _box(page_layout.body_lines[0]), 0.9, 1)]
    result = convert_file(path, settings=settings, engine=SpyEngine({1: lines}), filename="来文.png")

    envelope = result.envelope()
    assert list(envelope) == ["source", "fields", "blocks", "text", "seals", "furniture", "warnings", "timings",
                              "pages"]
    assert envelope["source"]["filename"] == "来文.png" and envelope["source"]["media_type"] == "image/png"
    assert len(envelope["source"]["sha256"]) == 64 and envelope["source"]["pages"] == 1
    line = envelope["blocks"][-1]["lines"][0]
    assert set(line) == {"page", "bbox", "text", "score"} and len(line["bbox"]) == 4
    # a flat scan: nothing squared (workers.image.photo), said so per page
    assert envelope["pages"] == [{"number": 1, "width": image.shape[1], "height": image.shape[0], "rotation": 0,
                                  "skew": 0.0, "warped": False, "page_quad": None}]
    rendered = render_result(result, "json")
    assert json.loads(rendered) == json.loads(json.dumps(envelope)) and "来文.png" in rendered  # not \u-escaped
    assert rendered.startswith('{\n  "source"')
    assert render_result(result, "text") == layout.render_text(result.document)
    assert render_result(result, "md") == layout.render_markdown(result.document)
    assert "坚持基药主导" in render_result(result, "text")
    with pytest.raises(ValueError):
        render_result(result, "html")  # type: ignore[arg-type]


def test_bad_input_fails_before_any_model_is_loaded(tmp_path: Path, settings: Settings,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    def no_engine(_: Settings) -> None:
        raise AssertionError("the engine was loaded for a file that is not a scan")

    monkeypatch.setattr(engine_module, "get_engine", no_engine)
    path = tmp_path / "scan.pdf"
    path.write_bytes(b"PK\x03\x04 a zip")
    with pytest.raises(UnsupportedInput):
        convert_file(path, settings=settings)


def test_an_engine_failure_stops_the_conversion(tmp_path: Path, settings: Settings) -> None:
    class Failing(SpyEngine):
        def recognise(self, image: np.ndarray, page: int) -> list[OcrLine]:
            raise ModelError("boom")

    path = save_tiff(tmp_path / "scan.tif", [np.full((200, 150, 3), 255, np.uint8)] * 2, dpi=100)
    with pytest.raises(ModelError, match="boom"):
        convert_file(path, settings=settings, engine=Failing({}))


def test_blank_page_is_reported(tmp_path: Path, settings: Settings) -> None:
    path = save_tiff(tmp_path / "blank.tif", [np.full((400, 300, 3), 255, np.uint8)], dpi=100)
    result = convert_file(path, settings=settings, engine=SpyEngine({}))
    assert any("page 1" in w and "blank" in w for w in result.warnings)


def test_a_black_and_white_scan_gives_bilevel_pages(tmp_path: Path, settings: Settings) -> None:
    """A G4 TIFF's pages reach the layout as bilevel (its 1-bit rules apply), a grey scan's do not."""
    page = Image.new("L", (300, 400), 255)
    page.paste(0, (50, 50, 250, 80))
    page.convert("1").save(tmp_path / "bw.tif", compression="group4", dpi=(100, 100))
    page.save(tmp_path / "grey.tif", dpi=(100, 100))
    bw = convert_file(tmp_path / "bw.tif", settings=settings, engine=SpyEngine({}))
    grey = convert_file(tmp_path / "grey.tif", settings=settings, engine=SpyEngine({}))
    assert [p.bilevel for p in bw.pages] == [True] and [p.bilevel for p in grey.pages] == [False]


def test_pdf_dpi_option_reaches_the_renderer(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "scan.pdf"
    Image.new("RGB", (720, 720), "white").save(path, resolution=72)  # 10 × 10 inches
    spy = SpyEngine({})
    result = convert_file(path, settings=settings, options=ConvertOptions(dpi=60), engine=spy)
    assert spy.seen[0][1][:2] == (600, 600) and result.pages[0].dpi == 60.0


@pytest.mark.slow
def test_the_sample_scan_converts_with_under_one_percent_character_errors() -> None:
    from bench.metrics import char_cer

    result = convert_file(SAMPLES / "sample_reply.pdf", settings=load_settings())
    truth = (SAMPLES / "sample_reply.truth.txt").read_text(encoding="utf-8")
    text = render_result(result, "text")
    assert char_cer(text, truth) <= SAMPLE_CER_MAX, text
    assert result.source.pages == 3 and result.timings["ocr_s"] > 0
    assert result.document.fields.doc_number == "渝北卫健函〔2024〕117号"


class _NeverTurns:
    """A direction classifier that never finds a page upside down, as the real one may on a sparse page."""

    def upside_down_margin(self, crops: Sequence[np.ndarray]) -> float:
        return 0.0


@pytest.mark.slow
def test_a_page_the_classifier_left_upside_down_is_read_turned_over(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Read upright, an upside-down page is garbage the recogniser doubts (`doubted_reading`): the page is
    read turned over too, and the more confident reading kept, with its rotation. An upright page is read once."""
    from workers import pipeline

    monkeypatch.setattr(pipeline, "OrientationClassifier", _NeverTurns)
    upright = cv2.imread(str(SAMPLES / "sample_reply_p1.png"))
    cv2.imwrite(str(tmp_path / "over.png"), cv2.rotate(upright, cv2.ROTATE_180))
    result = convert_file(tmp_path / "over.png", settings=load_settings())
    assert result.pages[0].rotation == 180
    assert result.document.fields.doc_number == "渝北卫健函〔2024〕117号"
    assert not pipeline.doubted_reading(list(result.pages[0].lines))
    assert "page 1: rotated 180°" in result.warnings

    read: list[int] = []
    real = pipeline._read_prepared
    monkeypatch.setattr(pipeline, "_read_prepared", lambda *a, **k: read.append(1) or real(*a, **k))
    again = convert_file(SAMPLES / "sample_reply_p1.png", settings=load_settings())
    assert again.pages[0].rotation == 0 and len(read) == 1


def test_the_confidence_of_a_reading_leaves_short_lines_out() -> None:
    from workers.pipeline import doubted_reading, reading_confidence

    lines = [OcrLine("一二三四", Box(0, 0, 10, 10), 0.6), OcrLine("-2-", Box(0, 0, 10, 10), 0.99)]
    assert reading_confidence(lines) == pytest.approx(0.6) and doubted_reading(lines)
    assert not doubted_reading([OcrLine("一二三四", Box(0, 0, 10, 10), 0.96)])
    assert not doubted_reading([])
