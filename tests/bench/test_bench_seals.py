"""bench.seals: signature/date line errors, seal-text leaks, field exact rates and the second look's share."""

from __future__ import annotations

import json
from pathlib import Path

from bench.seals import _replay, line_errors, score_document, seal_leaks, summarise
from fixtures.gw import load_gw

REPO = Path(__file__).resolve().parents[2]
SAMPLE_GW = "fixtures/texts/sample_reply.gw"


def test_line_errors_match_each_truth_line_to_its_closest_output_line() -> None:
    hyp = "正文第一段。\n重庆市渝北区主健康委员会\n（此件公开发布）"
    # 卫生 → 主: two edits; the date is nowhere: every one of its 10 characters
    assert line_errors(hyp, ["重庆市渝北区卫生健康委员会", "2024年5月15日"]) == (2 + 10, 13 + 10)
    assert line_errors(hyp + "\n2024 年5月15日", ["2024年5月15日"]) == (0, 10)  # spaces do not count


def test_seal_leaks_are_extra_lines_made_of_the_seal_text() -> None:
    truth = "重庆市渝北区卫生健康委员会\n2024年5月15日"
    seal = ["重庆市渝北区卫生健康委员会", "5001120012345"]
    hyp = "重庆市渝北区卫生健康委员会\n区\n5001120012345\n2024年5月15日\n渝北区卫生健康委员会\n另一行正文"
    assert seal_leaks(hyp, truth, seal) == ["区", "5001120012345", "渝北区卫生健康委员会"]
    assert seal_leaks(truth, truth, seal) == []
    assert seal_leaks(hyp, truth, []) == []


def _folder(tmp_path: Path, seals: list[dict[str, str]]) -> Path:
    doc = load_gw(REPO / SAMPLE_GW)
    folder = tmp_path / "sample_reply-v0"
    folder.mkdir()
    (folder / "meta.json").write_text(json.dumps({"source": SAMPLE_GW, "seals": seals}), encoding="utf-8")
    (folder / "fields.json").write_text(json.dumps(doc.fields, ensure_ascii=False), encoding="utf-8")
    (folder / "truth.txt").write_text(doc.truth_text, encoding="utf-8")
    return folder


def test_a_document_and_the_summary(tmp_path: Path) -> None:
    doc = load_gw(REPO / SAMPLE_GW)
    folder = _folder(tmp_path, [{"text": "重庆市渝北区卫生健康委员会", "code": ""}])
    lost = doc.truth_text.replace("重庆市渝北区卫生健康委员会\n2024年5月15日\n", "")
    fields = dict(doc.fields, signature=[], date=None)
    bad = score_document(folder, lost + "\n卫生健康", fields, {"ocr_s": 10.0, "second_look_s": 0.4})
    assert bad["sigdate_chars"] == 23 and bad["sigdate_errors"] > 10
    assert bad["fields"] == {"signature": False, "date": False, "issuer_mark": True, "issuers": True}
    assert bad["leaks"] == ["卫生健康"]
    good = score_document(folder, doc.truth_text, doc.fields, {"ocr_s": 10.0, "second_look_s": 0.2})
    assert good["sigdate_errors"] == 0 and all(good["fields"].values()) and good["leaks"] == []

    summary = summarise([bad, good])
    assert summary["with_seals"] == 2 and summary["leaks"] == 1
    assert summary["signature_exact"] == 0.5 and summary["issuer_mark_exact"] == 1.0
    assert abs(summary["second_look_share"] - 0.03) < 1e-9
    assert abs(summary["sigdate_cer"] - bad["sigdate_errors"] / 46) < 1e-9


def test_recorded_pages_are_scored_again_through_the_layout_rules(tmp_path: Path) -> None:
    folder = _folder(tmp_path, [{"text": "重庆市渝北区卫生健康委员会", "code": ""}])
    pages_dir = tmp_path / "pages"
    pages_dir.mkdir()
    recorded = json.loads((REPO / "tests/layout/data/sample_reply.pages.json").read_text(encoding="utf-8"))
    (pages_dir / f"{folder.name}.json").write_text(json.dumps(dict(recorded, timings={"ocr_s": 5.0})),
                                                   encoding="utf-8")
    (record,) = _replay(tmp_path, pages_dir)
    assert record["id"] == folder.name and record["ocr_s"] == 5.0
    assert record["fields"]["issuer_mark"] and record["sigdate_chars"] == 23
