from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bench.run import main

SAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "samples"


def _sample_corpus(root: Path) -> Path:
    """The committed sample scan as a one-document corpus, in the layout fixtures.corpus writes."""
    folder = root / "corpus" / "sample_reply"
    folder.mkdir(parents=True)
    shutil.copyfile(SAMPLES / "sample_reply.pdf", folder / "doc.pdf")
    shutil.copyfile(SAMPLES / "sample_reply_p1.png", folder / "page-001.png")
    for part in ("truth.txt", "fields.json", "splits.json"):
        shutil.copyfile(SAMPLES / f"sample_reply.{part}", folder / part)
    return folder.parent


@pytest.mark.slow
def test_bench_end_to_end_on_the_sample(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus = _sample_corpus(tmp_path)
    assert main(["--corpus", str(corpus), "--out", str(tmp_path / "results")]) == 0
    table = capsys.readouterr().out
    assert "sample_reply" in table and "mean" in table and "product time by stage" in table

    bench = json.loads((tmp_path / "results" / "bench.json").read_text(encoding="utf-8"))
    (doc,) = bench["documents"]
    product, baseline = doc["product"], doc["baseline"]
    assert doc["pages"] == product["pages"] == baseline["pages"] == 3
    assert product["error"] is None and baseline["error"] is None
    assert product["text"] and baseline["text"]
    assert product["joins"][1] == baseline["joins"][1] == 1
    assert baseline["joins"][0] == 0  # one OCR line per printed line never re-joins a page break
    assert product["cer"] < baseline["cer"]  # the layout rules are worth something
    assert "fields" in product and "fields" not in baseline
    assert set(product["timings"]) >= {"ingest_s", "preprocess_s", "ocr_s", "layout_s",
                                       "render_pdf_s", "render_alto_s", "render_hocr_s"}
    assert "archive formats" in table and bench["profile"]["archive"]["share"] > 0
    assert bench["summary"]["ratio"] == pytest.approx(product["s_per_page"] / baseline["s_per_page"])
    assert (tmp_path / "results" / "bench.md").read_text(encoding="utf-8").count("sample_reply") == 1
    assert (tmp_path / "results" / "bench.png").stat().st_size > 0
