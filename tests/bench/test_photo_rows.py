"""bench.photos and the photo rows of bench.report: the halves run apart, the photo step's share."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench import report
from bench.metrics import Split
from bench.photos import photo_cases, photo_share
from bench.run import Case, Run, score_run

TRUTH = "关于开展检查的通知\n各单位：\n第一段。"


def _record(name: str, seconds: float, photo_s: float) -> dict[str, Any]:
    case = Case(name, Path(name), TRUTH, {"title": "关于开展检查的通知"}, (Split(2, 1),))
    product = Run(TRUTH, 1, seconds, seconds, fields={"title": "关于开展检查的通知"},
                  timings={"preprocess_s": photo_s + 0.1, "ocr_s": seconds - photo_s - 0.1, "photo_s": photo_s})
    baseline = Run(TRUTH.replace("：\n", "："), 1, seconds / 2, seconds / 2, timings={"predict_s": seconds / 2})
    return {"id": name, "pages": 1, "order": ["product", "baseline"], "truth_chars": 0,
            "product": score_run(product, case), "baseline": score_run(baseline, case)}


def test_photo_share_is_photo_seconds_over_product_seconds() -> None:
    assert photo_share([_record("a", 4.0, 0.2), _record("b", 6.0, 0.3)]) == 0.05
    assert photo_share([]) is None


def test_photo_rows_are_printed_after_the_mean_with_their_share() -> None:
    records = [_record("a", 4.0, 0.2)]
    header = {"date": "2026-01-01T00:00:00+00:00", "corpus": "c", "quick": True, "documents": 1, "machine": "t",
              "settings": {"dpi": 200}, "wall_s": 1.0}
    bench = report.build(header, [_record("scan", 2.0, 0.0)])
    bench["rows"] = [{"name": "photos held", "documents": ["a"], "records": records,
                      "summary": report.build(header, records)["summary"], "photo_share": photo_share(records)}]
    table = report.format_table(bench)
    lines = table.splitlines()
    held = next(line for line in lines if line.startswith("photos held"))
    assert lines.index(held) > next(i for i, line in enumerate(lines) if line.startswith("mean"))
    assert held.split()[7] == "1.000"  # the product's F1 on the row ("photos held" is two words)
    assert "photo step (find, square, flatten) 5.00% of the product's time" in table
    assert "| *photos held* |" in report.to_markdown(bench)


def test_photo_cases_keep_one_half(tmp_path: Path) -> None:
    for name, half in (("a-ps", "dev"), ("b-ps", "held"), ("c-pv", "held")):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "meta.json").write_text(json.dumps({"split": half}))
        (folder / "doc.pdf").write_bytes(b"%PDF-1.4\n")
        (folder / "truth.txt").write_text(TRUTH, encoding="utf-8")
    assert [case.id for case in photo_cases(tmp_path, "held", None)] == ["b-ps", "c-pv"]
    assert [case.id for case in photo_cases(tmp_path, "held", 1)] == ["b-ps"]
    assert [case.id for case in photo_cases(tmp_path, "dev", None)] == ["a-ps"]
