from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bench import groups, report
from bench.corpus import Case
from bench.run import Run, score_run

TRUTH = "关于开展检查的通知\n各单位：\n第一段。\n国务院\n2018年12月25日"
FIELDS = {"title": "关于开展检查的通知", "addressee": "各单位", "signature": ["国务院"], "date": "2018-12-25",
          "cc": None}
RIGHT = {"title": "关于开展检查的通知", "addressee": "各单位", "signature": ["国务院"], "date": "2018-12-25"}


def _record(name: str, fields: dict[str, Any], *, corpus: str = "varied", split: str = "dev",
            mode: str = "colour", dpi: int = 200, text: str = TRUTH, pages: int = 2) -> dict[str, Any]:
    case = Case(name, Path(name), TRUTH, FIELDS, ())
    run = Run(text, pages, 4.0, fields=fields, timings={"preprocess_s": 1.0, "ocr_s": 2.0, "det_s": 1.5,
                                                       "crops_s": 0.5})
    record: dict[str, Any] = {"id": name, "corpus": corpus, "pages": pages, "product": score_run(run, case)}
    if corpus == "varied":
        record.update(split=split, mode=mode, dpi=dpi)
    return record


def test_a_record_belongs_to_its_half_and_mode_and_to_the_100dpi_row_when_scanned_at_100() -> None:
    assert groups.group_keys({"corpus": "standard"}) == ["standard"]
    assert groups.group_keys({}) == ["standard"]  # records of older runs carry no corpus
    assert groups.group_keys({"corpus": "varied", "split": "held", "mode": "bw", "dpi": 200}) == ["held bw"]
    assert groups.group_keys({"corpus": "varied", "split": "dev", "mode": "gray", "dpi": 100}) == [
        "dev gray", "dev 100dpi"]


def test_field_rates_are_pooled_over_field_instances_per_group() -> None:
    wrong_sign = dict(RIGHT, signature=["国务院", "国"])  # ring text leaked into the signature
    no_title = dict(RIGHT, title=None)
    records = [
        _record("a-colour", RIGHT),
        _record("a-gray", wrong_sign, mode="gray"),
        _record("b-gray", no_title, mode="gray"),
        _record("c-held", RIGHT, split="held", mode="bw"),
        _record("std", no_title, corpus="standard"),
    ]
    rows = groups.summarise(records)
    assert list(rows) == ["standard", "dev colour", "dev gray", "held bw"]
    gray = rows["dev gray"]
    assert gray["documents"] == 2 and gray["pages"] == 4
    assert gray["product"]["per_field"]["signature"] == 0.5
    assert gray["product"]["per_field"]["title"] == 0.5
    assert gray["product"]["per_field"]["date"] == 1.0
    assert gray["product"]["per_field"]["cc"] == 1.0  # both say "no cc", as the truth does
    assert gray["product"]["fields"] == pytest.approx(8 / 10)
    assert gray["product"]["core"] == pytest.approx(6 / 8)  # cc is not a core field
    assert rows["dev colour"]["product"]["core"] == 1.0 and rows["standard"]["product"]["core"] == pytest.approx(3 / 4)
    assert list(gray["product"]["per_field"])[:4] == ["title", "addressee", "signature", "date"]  # core fields first


def test_text_metrics_are_means_of_the_documents_and_the_100dpi_row_repeats_its_members() -> None:
    glued = TRUTH.replace("通知\n各单位", "通知各单位")  # one paragraph boundary lost, one character off
    records = [_record("a", RIGHT, dpi=100), _record("b", RIGHT, dpi=100, text=glued), _record("c", RIGHT)]
    rows = groups.summarise(records)
    assert rows["dev colour"]["documents"] == 3 and rows["dev 100dpi"]["documents"] == 2
    low = rows["dev 100dpi"]
    lost = score_run(Run(glued, 2, 4.0), Case("b", Path("b"), TRUTH, FIELDS, ()))
    assert low["product"]["cer"] == pytest.approx(lost["cer"] / 2)
    assert low["product"]["boundary_f1"] == pytest.approx((1.0 + lost["boundary"]["f1"]) / 2)
    assert low["product"]["boundary_f1"] < 1.0
    assert low["product"]["stage_share"] == {"preprocess_s": 0.25, "ocr_s": 0.5}  # models are inside the OCR stage


def test_the_rows_table_has_a_column_per_field_and_a_row_per_group() -> None:
    rows = groups.summarise([_record("a", RIGHT), _record("b", dict(RIGHT, date=None), split="held")])
    table = groups.format_table(rows)
    lines = table.splitlines()
    assert lines[2].startswith("dev colour") and lines[3].startswith("held colour")
    cells = groups.table_rows(rows)
    date = cells[0].index("date")
    assert cells[0][:8] == groups.COLUMNS and "addr" in cells[0]
    assert [row[date] for row in cells[1:]] == ["100.0%", "0.0%"]
    assert [row[cells[0].index("core")] for row in cells[1:]] == ["100.0%", "75.0%"]
    markdown = groups.to_markdown(rows)
    assert markdown[0].startswith("## Rows per corpus") and markdown[6 + len(rows)] == ""
    assert markdown[-1].startswith("- held colour: preprocess 25.0%")
    assert groups.format_table({}) == "" and groups.to_markdown({}) == []


def test_a_varied_only_run_reports_its_rows_and_no_chart(tmp_path: Path) -> None:
    header = {"date": "2026-01-01T00:00:00+00:00", "corpus": "corpus", "quick": False, "documents": 0,
              "machine": "test", "settings": {"dpi": 200, "engine": "onnxruntime", "device": "cpu"},
              "wall_s": 1.0}
    bench = report.build(header, [])
    bench["groups"] = groups.summarise([_record("a", RIGHT, mode="bw")])
    assert report.format_table(bench).splitlines()[2].startswith("dev bw")
    paths = report.write_all(bench, tmp_path)
    assert [p.name for p in paths] == ["bench.json", "bench.md"]
    assert "| dev bw | 1 | 2 |" in (tmp_path / "bench.md").read_text(encoding="utf-8")


def _folder(root: Path, name: str, split: str, mode: str, document: str) -> None:
    import json

    folder = root / name
    folder.mkdir(parents=True)
    (folder / "truth.txt").write_text(TRUTH, encoding="utf-8")
    (folder / "doc.pdf").write_bytes(b"%PDF-1.4\n")
    meta = {"split": split, "mode": mode, "document": document, "dpi": 200,
            "input": "doc.tif" if mode == "bw" else "doc.pdf"}
    (folder / "meta.json").write_text(json.dumps(meta), encoding="utf-8")


def test_varied_cases_are_one_half_in_the_chosen_modes_limited_by_document(tmp_path: Path) -> None:
    from bench.corpus import find_varied_cases

    for doc, split in (("a-b0", "dev"), ("b-b0", "held"), ("c-b0", "dev")):
        for mode in ("bw", "colour", "gray"):
            _folder(tmp_path, f"{doc}-{mode}", split, mode, doc)
    dev = find_varied_cases(tmp_path, split="dev")
    assert [c.id for c in dev] == ["a-b0-colour", "a-b0-gray", "a-b0-bw", "c-b0-colour", "c-b0-gray", "c-b0-bw"]
    assert dev[2].pdf.name == "doc.tif" and dev[0].pdf.name == "doc.pdf"  # a 1-bit scan is read as its G4 TIFF
    assert [c.id for c in find_varied_cases(tmp_path, split="dev", modes=["gray"], limit=1)] == ["a-b0-gray"]
    assert {c.meta["split"] for c in find_varied_cases(tmp_path)} == {"dev", "held"}
