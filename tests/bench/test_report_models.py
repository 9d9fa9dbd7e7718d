"""bench.report: the OCR time split into detection and recognition, wall and CPU, for both systems."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bench import report
from bench.baseline import _TimedModel
from bench.corpus import Case
from bench.run import Run, model_seconds, score_run

TRUTH = "关于开展检查的通知\n各单位：\n第二段。"


def _record(name: str, product: Run, baseline: Run) -> dict[str, Any]:
    case = Case(name, Path(name), TRUTH, {}, ())
    return {"id": name, "pages": 2, "order": ["product", "baseline"], "truth_chars": 0,
            "product": score_run(product, case), "baseline": score_run(baseline, case)}


def _bench() -> dict[str, Any]:
    product = Run(TRUTH, 2, 6.0, 8.0, fields={}, timings={
        "ingest_s": 0.5, "preprocess_s": 1.0, "ocr_s": 4.0, "layout_s": 0.1,
        "det_s": 1.5, "rec_s": 2.0, "det_cpu_s": 2.5, "rec_cpu_s": 3.5})
    baseline = Run(TRUTH, 2, 9.0, 12.0, timings={
        "decode_s": 0.5, "predict_s": 8.0, "det_s": 5.0, "rec_s": 2.5, "det_cpu_s": 8.0, "rec_cpu_s": 3.0})
    header = {"date": "2026-01-01T00:00:00+00:00", "corpus": "corpus", "quick": True, "documents": 1,
              "machine": "test", "settings": {"dpi": 200, "engine": "onnxruntime", "device": "cpu"}, "wall_s": 1.0}
    return report.build(header, [_record("doc_a", product, baseline)])


def test_ocr_stage_splits_into_det_rec_and_the_rest() -> None:
    profile = _bench()["profile"]
    stages = profile["product"]["stages"]
    assert list(stages) == ["ingest_s", "preprocess_s", "colour_free_s", "det_s", "rec_s", "ocr_other_s",
                           "second_look_s", "layout_s", "other_s"]
    assert stages["det_s"] == 1.5 and stages["rec_s"] == 2.0
    assert stages["ocr_other_s"] == pytest.approx(0.5)
    assert stages["other_s"] == pytest.approx(6.0 - 5.6)
    base = profile["baseline"]["stages"]
    assert base == {"decode_s": 0.5, "det_s": 5.0, "rec_s": 2.5, "predict_other_s": pytest.approx(0.5)}


def test_cpu_per_page_by_model() -> None:
    bench = _bench()
    cpu = bench["profile"]["product"]["cpu"]["per_page"]
    assert cpu == {"det_s": 1.25, "rec_s": 1.75, "rest_s": 1.0, "total_s": 4.0}
    base = bench["profile"]["baseline"]["cpu"]["per_page"]
    assert base == {"det_s": 4.0, "rec_s": 1.5, "rest_s": 0.5, "total_s": 6.0}
    line = report.cpu_models_line(bench)
    assert "gongwen-ocr det 1.25 + rec 1.75 + rest 1.00 = 4.00" in line
    assert "plain PaddleOCR det 4.00 + rec 1.50 + rest 0.50 = 6.00" in line
    markdown = report.to_markdown(bench)
    assert "| gongwen-ocr | 1.25 | 1.75 | 1.00 | 4.00 |" in markdown
    assert "| ocr other | 0.50 | 8.3% |" in markdown
    assert "det 5.00 s, rec 2.50 s, predict other 0.50 s" in markdown


def test_no_split_without_model_timings() -> None:
    case = Case("doc_b", Path("doc_b"), TRUTH, {}, ())
    plain = Run(TRUTH, 1, 1.0, 1.0, timings={"ingest_s": 0.1, "preprocess_s": 0.1, "ocr_s": 0.7, "layout_s": 0.1})
    record = {"id": "doc_b", "pages": 1, "product": score_run(plain, case),
              "baseline": score_run(Run(TRUTH, 1, 1.0, timings={"decode_s": 0.1, "predict_s": 0.9}), case)}
    bench = report.build(_bench()["header"], [record])
    assert "det_s" not in bench["profile"]["product"]["stages"]
    assert report.cpu_models_line(bench) == ""


def test_timed_model_passes_results_through_and_counts() -> None:
    seconds = {"det_s": 0.0, "rec_s": 0.0, "det_cpu_s": 0.0, "rec_cpu_s": 0.0}

    class Model:
        threshold = 0.3

        def __call__(self, items: list[int], scale: int = 1) -> Any:
            sum(range(200_000))  # some CPU
            return (item * scale for item in items)

    timed = _TimedModel(Model(), "det", seconds)
    assert timed([1, 2], scale=3) == [3, 6]
    assert timed.threshold == 0.3  # everything else is the model's
    assert seconds["det_s"] > 0 and seconds["det_cpu_s"] > 0 and seconds["rec_s"] == 0.0


def test_model_seconds_reads_an_engine_that_keeps_them() -> None:
    class Engine:
        def __init__(self) -> None:
            self.seconds = {"det_s": 1.0, "rec_cpu_s": 2}

    assert model_seconds(Engine()) == {"det_s": 1.0, "rec_cpu_s": 2.0}
    assert model_seconds(object()) == {}
