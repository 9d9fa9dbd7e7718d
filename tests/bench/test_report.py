from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bench import report
from bench.metrics import Split
from bench.run import Case, Run, score_run

TRUTH = "关于开展检查的通知\n各单位：\n第一段文字跨页继续写完。\n第二段。"
FIELDS = {"title": "关于开展检查的通知", "addressee": "各单位", "signer": None}


def _case(name: str) -> Case:
    return Case(name, Path(name), TRUTH, FIELDS, (Split(2, 6),))


def _record(name: str, product: Run, baseline: Run, pages: int) -> dict[str, Any]:
    case = _case(name)
    return {
        "id": name,
        "pages": pages,
        "order": ["product", "baseline"],
        "truth_chars": 0,
        "product": score_run(product, case),
        "baseline": score_run(baseline, case),
    }


def _bench() -> dict[str, Any]:
    perfect = Run(
        TRUTH,
        2,
        6.0,
        10.0,
        fields={"title": "关于开展检查的通知", "addressee": "各单位", "signer": None},
        timings={"ingest_s": 0.5, "preprocess_s": 1.0, "ocr_s": 4.0, "layout_s": 0.1},
    )
    naive = "关于开展检查的通知\n各单位：\n第一段文字\n跨页继续写完。\n第二段。"  # the page break left in
    sloppy = Run(
        "关于开展检查的通\n各单位：\n第一段文字跨页继续写完。\n第二段。",
        2,
        8.0,
        12.0,
        fields={"title": "关于开展检查的通", "addressee": "各单位："},
        timings={"ingest_s": 0.5, "preprocess_s": 1.0, "ocr_s": 6.0, "layout_s": 0.2},
    )
    records = [
        _record("doc_a", perfect, Run(naive, 2, 5.0, 6.0, timings={"decode_s": 0.5, "predict_s": 4.5}), 2),
        _record("doc_b", sloppy, Run(naive, 2, 3.0, 4.0, timings={"decode_s": 0.5, "predict_s": 2.5}), 2),
    ]
    header = {
        "date": "2026-01-01T00:00:00+00:00",
        "corpus": "corpus",
        "quick": True,
        "documents": 2,
        "machine": "test",
        "settings": {"dpi": 200, "engine": "onnxruntime", "device": "cpu"},
        "wall_s": 1.0,
    }
    return report.build(header, records)


def test_scores_per_document() -> None:
    bench = _bench()
    doc_a, doc_b = bench["documents"]
    assert doc_a["product"]["cer"] == 0.0
    assert doc_a["product"]["joins"] == [1, 1]
    assert doc_a["baseline"]["joins"] == [0, 1]
    assert doc_a["baseline"]["cer"] == pytest.approx(1 / 32)  # one extra newline over 32 truth characters
    assert doc_a["product"]["fields"]["accuracy"] == 1.0
    assert "fields" not in doc_a["baseline"]  # plain PaddleOCR has no fields
    assert doc_b["product"]["fields"]["matches"] == {"title": False, "addressee": False, "signer": True}
    assert doc_a["product"]["s_per_page"] == 3.0
    assert doc_a["ratio"] == pytest.approx(6.0 / 5.0)
    assert doc_b["ratio"] == pytest.approx(8.0 / 3.0)


def test_mean_row() -> None:
    summary = _bench()["summary"]
    product, baseline = summary["product"], summary["baseline"]
    assert product["cer"] == pytest.approx((0.0 + 1 / 32) / 2)
    assert product["joins"] == [2, 2]
    assert baseline["joins"] == [0, 2]
    assert product["field_accuracy"] == pytest.approx((1.0 + 1 / 3) / 2)
    assert product["per_field"] == {"addressee": 0.5, "signer": 1.0, "title": 0.5}
    assert product["s_per_page"] == pytest.approx(14.0 / 4)  # total time / total pages, not a mean of ratios
    assert baseline["s_per_page"] == pytest.approx(8.0 / 4)
    assert summary["ratio"] == pytest.approx(14.0 / 8.0)
    assert product["cpu_s_per_page"] == pytest.approx(22.0 / 4)
    assert summary["cpu_ratio"] == pytest.approx(22.0 / 10.0)


def test_profile_shows_every_stage_share() -> None:
    profile = _bench()["profile"]["product"]
    assert profile["total_s"] == 14.0
    assert profile["stages"]["layout_s"] == pytest.approx(0.3)
    assert profile["share"]["layout_s"] == pytest.approx(0.3 / 14.0)
    assert profile["stages"]["other_s"] == pytest.approx(14.0 - 13.3)
    assert "layout 0.3s (2.1%)" in report.profile_line(_bench())


def test_table_and_markdown_show_both_systems() -> None:
    bench = _bench()
    table = report.format_table(bench)
    rows = report.table_rows(bench)
    assert [row[0] for row in rows] == ["doc_a", "doc_b", "mean"]
    assert rows[-1][8:10] == ["2/2", "0/2"]  # joins: product, plain PaddleOCR
    assert rows[-1][-1] == "1.75×"
    assert "doc_a" in table and "1.75×" in table
    bench["documents"][1]["turned_pages"] = 1
    markdown = report.to_markdown(bench)
    assert "Pages scanned turned by 90/180/270°: doc_b (1 of 2)." in markdown
    assert "| CER | CER base |" in markdown.replace("document | pages | ", "")
    assert "| layout | 0.30 | 2.1% |" in markdown
    assert "| title | 50.00% |" in markdown
    assert "CPU time (all threads): product 5.50 s/page, plain PaddleOCR 2.50 s/page, ratio 2.20×" in markdown


def test_failure_is_reported() -> None:
    case = _case("doc_c")
    failed = score_run(Run("", 0, 0.1, error="CorruptInput: bad pdf"), case)
    record = {"id": "doc_c", "pages": 2, "product": failed, "baseline": score_run(Run(TRUTH, 2, 1.0), case)}
    bench = report.build({**_bench()["header"], "documents": 1}, [record])
    assert failed["cer"] == 1.0
    assert bench["summary"]["product"]["errors"] == 1
    assert "doc_c (gongwen-ocr): CorruptInput: bad pdf" in report.to_markdown(bench)


def test_write_all(tmp_path: Path) -> None:
    paths = report.write_all(_bench(), tmp_path / "results")
    assert [p.name for p in paths] == ["bench.json", "bench.md", "bench.png"]
    data = json.loads(paths[0].read_text(encoding="utf-8"))
    assert data["documents"][0]["product"]["text"] == TRUTH  # hyp texts are kept
    assert paths[2].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_archive_formats_cost_is_a_share_of_the_conversion() -> None:
    bench = _bench()
    assert bench["profile"]["archive"] is None and report.archive_line(bench) == ""  # not timed: no line
    renders = ({"render_pdf_s": 0.10, "render_alto_s": 0.04, "render_hocr_s": 0.01},
               {"render_pdf_s": 0.20, "render_alto_s": 0.06, "render_hocr_s": 0.02})
    records = bench["documents"]
    for record, timings in zip(records, renders, strict=True):
        record["product"]["timings"].update(timings)
    archive = report.build(bench["header"], records)["profile"]["archive"]
    assert archive["seconds"] == pytest.approx({"pdf": 0.30, "alto": 0.10, "hocr": 0.03})
    assert archive["total_per_page_s"] == pytest.approx(0.43 / 4)
    assert archive["share"] == pytest.approx(0.43 / 14.0)  # of the product's conversion seconds
    rebuilt = report.build(bench["header"], records)
    line = report.archive_line(rebuilt)
    assert "pdf 0.075 + alto 0.025 + hocr 0.007 = 0.108 s/page, 3.07% of the conversion's time — within" in line
    assert line in report.format_table(rebuilt) and line in report.to_markdown(rebuilt)
    records[0]["product"]["timings"]["render_pdf_s"] = 1.0
    assert "— OVER the 5% target" in report.archive_line(report.build(bench["header"], records))
