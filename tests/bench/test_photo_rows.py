"""The photo rows: photo records are grouped and summarised by bench.groups like every other row, and
bench.report prints them beside the mean (both systems) and in the per-field table."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bench import groups, report
from bench.metrics import Split
from bench.photos import photo_cases, run_photos
from bench.run import Case, Run, score_run

TRUTH = "关于开展检查的通知\n各单位：\n第一段。"
HEADER = {"date": "2026-01-01T00:00:00+00:00", "corpus": "c", "quick": True, "documents": 1, "machine": "t",
          "settings": {"dpi": 200}, "wall_s": 1.0}


def _record(name: str, seconds: float, photo_s: float, *, title: str = "关于开展检查的通知",
            corpus: str = groups.PHOTO, split: str = "dev", dated: bool = False) -> dict[str, Any]:
    truth = {"title": "关于开展检查的通知", "addressee": "各单位", **({"date": "2018-12-25"} if dated else {})}
    case = Case(name, Path(name), TRUTH, truth, (Split(2, 1),))
    product = Run(TRUTH, 1, seconds, seconds, fields={"title": title, "addressee": "各单位"},
                  timings={"preprocess_s": photo_s + 0.1, "ocr_s": seconds - photo_s - 0.1, "photo_s": photo_s})
    baseline = Run(TRUTH.replace("：\n", "："), 1, seconds / 2, seconds / 2, timings={"predict_s": seconds / 2})
    return {"id": name, "corpus": corpus, "split": split, "pages": 1, "order": ["product", "baseline"],
            "truth_chars": 0, "product": score_run(product, case), "baseline": score_run(baseline, case)}


def _photos() -> list[dict[str, Any]]:
    return [_record("a-ps", 4.0, 0.2), _record("b-ps", 6.0, 0.3, title="关于开展检查", dated=True),
            _record("c-pv", 5.0, 0.5, split="held")]


def test_a_photo_belongs_to_the_photo_row_of_its_half() -> None:
    assert groups.group_keys({"corpus": "photo", "split": "held", "dpi": 100}) == ["photos held"]
    assert groups.group_keys({"corpus": "photo", "split": "dev", "mode": "gray"}) == ["photos dev"]


def test_the_photo_rows_come_out_of_the_shared_summariser() -> None:
    bench = report.build(HEADER, [_record("scan", 2.0, 0.0, corpus="standard")], photos=_photos())
    rows = bench["groups"]
    assert list(rows) == ["standard", "photos dev", "photos held"]  # the scan is not in a photo row
    dev = rows["photos dev"]
    assert dev == groups.summarise_group(_photos()[:2])
    assert dev["corpus"] == "photo" and dev["documents"] == 2 and dev["pages"] == 2
    product, baseline = dev["product"], dev["baseline"]
    assert product["cer"] == 0.0 and baseline["cer"] > 0.0
    assert product["boundary_f1"] == 1.0 and baseline["boundary_f1"] < 1.0
    assert product["joins"] == [2, 2]
    assert product["field_accuracy"] == pytest.approx(2 / 3)  # (2/2 + 1/3) / 2: the mean of the documents'
    assert product["fields"] == product["core"] == pytest.approx(3 / 5)  # pooled over the 5 truth fields
    assert product["per_field"] == {"title": 0.5, "addressee": 1.0, "date": 0.0}
    assert product["photo_share"] == pytest.approx(0.05)  # 0.5 s of photo step in 10 s
    assert product["s_per_page"] == 5.0 and baseline["s_per_page"] == 2.5 and dev["ratio"] == 2.0
    assert rows["photos held"]["product"]["photo_share"] == pytest.approx(0.1)
    assert rows["standard"]["product"]["photo_share"] == 0.0
    assert bench["photo_documents"] == _photos() and bench["summary"]["documents"] == 1


def test_the_photo_rows_are_printed_after_the_mean_with_their_share() -> None:
    bench = report.build(HEADER, [_record("scan", 2.0, 0.0, corpus="standard")], photos=_photos())
    cells = report.table_rows(bench)
    assert [row[0] for row in cells] == ["scan", "mean", "photos dev", "photos held"]
    assert cells[2] == groups.compare_cells("photos dev", bench["groups"]["photos dev"])
    assert cells[2][1:] == ["2", "0.00%", cells[2][3], "0.00%", "0.00%", "1.000", cells[2][7], "2/2", "2/2",
                            "66.67%", "5.00", "2.50", "2.00×"]
    table = report.format_table(bench)
    lines = table.splitlines()
    held = next(line for line in lines if line.startswith("photos held"))
    assert lines.index(held) > next(i for i, line in enumerate(lines) if line.startswith("mean"))
    assert held.split()[7] == "1.000"  # the product's F1 on the row ("photos held" is two words)
    assert len(held) == len(lines[0])  # aligned with the documents and the mean
    assert "photos dev: 2 documents; photo step (find, square, flatten) 5.00% of the product's time" in table
    assert "photos held: 1 documents; photo step (find, square, flatten) 10.00% of the product's time" in table
    per_field = groups.table_rows(bench["groups"])
    assert per_field[2][:8] == ["photos dev", "2", "2", "0.0%", "0.0%", "1.000", "60.0%", "60.0%"]
    markdown = report.to_markdown(bench)
    assert "| *photos held* | *1* |" in markdown and "| **mean** | **1** |" in markdown
    assert "- photos dev: 2 documents; photo step (find, square, flatten) 5.00%" in markdown
    assert "| photos dev | 2 | 2 | 0.0% |" in markdown  # the per-field table has the photo rows too


def test_run_photos_marks_each_record_with_its_half(tmp_path: Path) -> None:
    for name, half in (("a-ps", "dev"), ("b-ps", "held"), ("c-ps", "dev")):
        _folder(tmp_path, name, half)
    seen: list[tuple[str, int, int]] = []
    records = run_photos(tmp_path, 1, lambda case, i: {"id": case.id, "corpus": groups.STANDARD, "index": i},
                         lambda record, done, total: seen.append((record["id"], done, total)))
    assert records == [{"id": "a-ps", "corpus": "photo", "split": "dev", "index": 0},
                       {"id": "b-ps", "corpus": "photo", "split": "held", "index": 0}]
    assert seen == [("a-ps", 1, 1), ("b-ps", 1, 1)]


def _folder(root: Path, name: str, half: str) -> None:
    folder = root / name
    folder.mkdir()
    (folder / "meta.json").write_text(json.dumps({"split": half}))
    (folder / "doc.pdf").write_bytes(b"%PDF-1.4\n")
    (folder / "truth.txt").write_text(TRUTH, encoding="utf-8")


def test_photo_cases_keep_one_half(tmp_path: Path) -> None:
    for name, half in (("a-ps", "dev"), ("b-ps", "held"), ("c-pv", "held")):
        _folder(tmp_path, name, half)
    assert [case.id for case in photo_cases(tmp_path, "held", None)] == ["b-ps", "c-pv"]
    assert [case.id for case in photo_cases(tmp_path, "held", 1)] == ["b-ps"]
    assert [case.id for case in photo_cases(tmp_path, "dev", None)] == ["a-ps"]
