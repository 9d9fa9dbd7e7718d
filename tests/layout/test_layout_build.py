"""End to end on synthetic pages: every ground-truth document of fixtures/texts typeset and rebuilt.

The typesetter (`layout_typeset`) is deliberately simpler than the corpus renderer; these tests pin the
rules down on clean geometry (odd/even offsets, skew residue, page-number forms, running heads, split
fragments), and the replay test (`test_layout_replay.py`) measures them on real OCR lines.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from layout_typeset import CH, Typesetter, typeset

from bench import metrics
from fixtures.gw import load_gw
from layout import build_document, document_to_dict, render_markdown, render_text
from layout.model import Box, OcrLine, Page

TEXTS = sorted((Path(__file__).parents[2] / "fixtures" / "texts").glob("*.gw"))


def _split_fragments(pages: list[Page], every: int) -> list[Page]:
    """Split every `every`-th line into two fragments with a small gap, as the detector sometimes does."""
    result = []
    for page in pages:
        lines: list[OcrLine] = []
        for index, line in enumerate(page.lines):
            if index % every or len(line.text) < 6:
                lines.append(line)
                continue
            cut = len(line.text) // 2
            ratio = cut / len(line.text)
            mid = line.box.x0 + line.box.width * ratio
            lines.append(dataclasses.replace(line, text=line.text[:cut], box=Box(line.box.x0, line.box.y0, mid - 3,
                                                                                  line.box.y1)))
            lines.append(dataclasses.replace(line, text=line.text[cut:], box=Box(mid + 3, line.box.y0 + 2,
                                                                                  line.box.x1, line.box.y1 + 2)))
        result.append(dataclasses.replace(page, lines=tuple(lines)))
    return result


VARIANTS = {
    "plain": {},
    "offsets": {"odd_dx": 18.0, "even_dx": -30.0},
    "skew": {"skew": 0.005},
    "dash_numbers": {"page_numbers": "－{}－"},
    "bare_numbers": {"page_numbers": "{}"},
    "dot_numbers": {"page_numbers": "·{}·"},
    "running_head": {"running_head": "渝北区卫生健康委员会文件汇编"},
    "fragments": {},
    "short_pages": {"rows": 15},
    "long_pages": {"rows": 23, "odd_dx": -10.0, "even_dx": 25.0},
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("path", TEXTS, ids=[p.stem for p in TEXTS])
def test_ground_truth_document_comes_back(path: Path, variant: str) -> None:
    truth = load_gw(path)
    pages = typeset([(line.role, line.text) for line in truth.lines], **VARIANTS[variant])
    if variant == "fragments":
        pages = _split_fragments(pages, 3)
    doc = build_document(pages)
    hyp = render_text(doc)
    assert metrics.normalise(hyp) == metrics.normalise(truth.truth_text)
    fields = document_to_dict(doc)["fields"]
    assert {k: v for k, v in metrics.field_matches(fields, truth.fields).items() if not v} == {}


def test_markdown_and_json() -> None:
    truth = load_gw(next(p for p in TEXTS if p.stem == "sample_reply"))
    doc = build_document(typeset([(line.role, line.text) for line in truth.lines], rows=17))
    md = render_markdown(doc)
    assert f"# {doc.fields.title}\n" in md
    assert "\n## 一、关于基层医疗机构用药限制大，药品种类不足\n" in md
    assert "\n### （一）完善用药衔接机制\n" in md
    assert "\n\n重庆市渝北区卫生健康委员会文件\n" in "\n\n" + md
    data = document_to_dict(doc)
    json.dumps(data, ensure_ascii=False)
    assert data["text"] == render_text(doc)
    assert data["fields"]["date"] == "2024-05-15"
    across = next(b for b in data["blocks"] if len(b["pages"]) == 2)
    assert {line["page"] for line in across["lines"]} == set(across["pages"])


def test_empty_input() -> None:
    assert render_text(build_document([])) == ""
    assert build_document([Page(1, 1240, 1754)]).blocks == ()


LAYOUT_HANG_BOUND_S_PER_PAGE = 0.5
"""A "does not hang" bound, not a speed target: two orders of magnitude above the ~5 ms a page measured
(CPU time). Layout's share of a page's time is a benchmark figure (`layout_s` in `make bench`)."""


def test_layout_does_not_blow_up_on_the_longest_text() -> None:
    truth = load_gw(max(TEXTS, key=lambda p: p.stat().st_size))
    pages = typeset([(line.role, line.text) for line in truth.lines])
    best = min(_timed(pages) for _ in range(3))
    assert best / len(pages) < LAYOUT_HANG_BOUND_S_PER_PAGE


def _timed(pages: list[Page]) -> float:
    start = time.process_time()
    build_document(pages)
    return time.process_time() - start


def test_import_layout_loads_no_heavy_dependency() -> None:
    code = ("import sys, layout, layout.geometry, layout.lines, layout.header, layout.body, layout.tail, "
            "layout.fields, layout.render, layout.serial, layout.typography; "
            "bad = [m for m in sys.modules if m.split('.')[0] in "
            "('cv2', 'numpy', 'paddle', 'paddleocr', 'paddlex', 'fastapi', 'redis', 'rq', 'onnxruntime')]; "
            "print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_char_width_unit_of_the_typesetter() -> None:
    assert CH == 33.0


@pytest.mark.parametrize("bilevel", [True, False])
def test_on_a_1_bit_page_eroded_commas_are_commas_again_and_only_there(bilevel: bool) -> None:
    """`·` between characters: a comma whose tail a 1-bit threshold erased; on any other scan it is the 间隔号
    of a transcribed name and stays."""
    ts = Typesetter()
    for _ in range(2):
        ts.paragraph("根据客流监测数据·北部片区夜间客流明显下降，请阿沛·阿旺晋美同志会同有关部门研究落实。")
    pages = [dataclasses.replace(page, bilevel=bilevel) for page in ts.finish()]
    text = render_text(build_document(pages))
    assert ("数据，北部" in text and "阿沛，阿旺" in text) is bilevel
    assert ("数据·北部" in text) is not bilevel


@pytest.mark.parametrize("bilevel", [True, False])
def test_on_a_1_bit_page_a_paragraph_gets_back_its_final_stop(bilevel: bool) -> None:
    """A paragraph of two lines or more ending in a character lost its `。` to the threshold; a one-line
    paragraph (a heading without its number, a signature read as body) and other scans keep what they read."""
    ts = Typesetter()
    lost = "我局将选取客流较大的2条线路先行试点，末班车时间由22时延长至23时，视运营情况再研究推广"
    ts.paragraph(lost)
    ts.paragraph("感谢你区对全市公共交通工作的支持。")
    ts.paragraph("整治范围和重点")
    ts.paragraph("各地区要修订完善城市供水突发事件应急预案，储备必要的应急物资，定期组织演练。")
    pages = [dataclasses.replace(page, bilevel=bilevel) for page in ts.finish()]
    texts = [block.text for block in build_document(pages).blocks]
    assert (lost + "。" in texts) is bilevel and (lost in texts) is not bilevel
    assert "整治范围和重点" in texts and "感谢你区对全市公共交通工作的支持。" in texts
