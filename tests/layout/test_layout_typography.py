"""Titles and addressees set by other typesetters: 小二 to 一号, bold by weight, wrapped greedily or balanced.

The page's own measurements decide (`layout.typography`): a title line is centred on the text block and set
apart from the body by size (height, character advance) or by stroke weight (`OcrLine.stroke`).
"""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
from layout_typeset import CH, COLS, LEFT, LINE_H, RIGHT, Typesetter

from layout import build_document
from layout.geometry import Scale
from layout.lines import Row
from layout.model import Box, Document, OcrLine, Page
from layout.serial import pages_from_dict, pages_to_dict
from layout.typography import is_body_sized, is_heavy, is_larger, is_set_apart, row_stroke

BODY = "您提出的关于进一步加强我区基层医疗机构服务能力建设的建议已收悉，现将办理情况答复如下。请认真抓好落实。"
TITLE = "国务院关于印发“十三五”国家老龄事业发展和养老体系建设规划的通知"
ADDRESSEE = "各省、自治区、直辖市人民政府，国务院各部委、各直属机构："
BODY_STROKE = 0.058
BOLD_STROKE = 0.080  # 小标宋 / bold Song measure ~1.3–1.4× a 仿宋 body (workers/image/typography tests)


def _title_lines(points: float, greedy: bool) -> list[str]:
    """The title wrapped as a printer at `points` pt would: full first lines (greedy) or balanced lines."""
    capacity = int(COLS * 16 / points)
    count = math.ceil(len(TITLE) / capacity)
    per_line = capacity if greedy else math.ceil(len(TITLE) / count)
    return [TITLE[i:i + per_line] for i in range(0, len(TITLE), per_line)]


def _box_height(points: float) -> float:
    """Detector boxes grow less than the type: a 22 pt title's box measures ~1.25× a 16 pt body's."""
    return LINE_H * (1 + (points / 16 - 1) * 0.7)


def _with_strokes(pages: list[Page], bold: set[str]) -> list[Page]:
    """Lines whose text is in `bold` measured bold, the others regular."""

    def stroke(line: OcrLine) -> float:
        return BOLD_STROKE if line.text in bold else BODY_STROKE

    return [replace(p, lines=tuple(replace(ln, stroke=stroke(ln)) for ln in p.lines)) for p in pages]


def _document(points: float, greedy: bool, *, measured: bool, height: float | None = None,
              under_title: str | None = None) -> Document:
    ts = Typesetter()
    ts.centred("国务院文件", ch=80, h=90, red=0.92, advance=2)
    ts.centred("国发〔2017〕13号", advance=2)
    h = _box_height(points) if height is None else height
    for piece in _title_lines(points, greedy):
        ts.centred(piece, ch=CH * points / 16, h=h)
    if under_title:
        ts.centred(under_title)
    ts._next_row()
    ts.paragraph(ADDRESSEE, 0)
    for _ in range(4):
        ts.paragraph(BODY)
    pages = ts.finish()
    return build_document(_with_strokes(pages, set(_title_lines(points, greedy))) if measured else pages)


@pytest.mark.parametrize("measured", [True, False], ids=["stroke", "no-stroke"])
@pytest.mark.parametrize("greedy", [False, True], ids=["balanced", "greedy"])
@pytest.mark.parametrize("points", [18, 20, 22, 24, 26])
def test_title_and_addressee_at_any_size_and_wrap(points: int, greedy: bool, measured: bool) -> None:
    doc = _document(points, greedy, measured=measured)
    assert doc.fields.title == TITLE
    assert doc.fields.addressee == ADDRESSEE.rstrip("：")
    assert [b.type.value for b in doc.blocks][:5] == ["issuer_mark", "doc_number", "title", "addressee", "paragraph"]


@pytest.mark.parametrize("greedy", [False, True], ids=["balanced", "greedy"])
def test_bold_title_whose_boxes_are_no_taller_than_the_body_is_found_by_its_weight(greedy: bool) -> None:
    """小二 bold whose detector boxes come out the body's height: only the stroke weight sets it apart."""
    doc = _document(18, greedy, measured=True, height=LINE_H)
    assert doc.fields.title == TITLE
    assert doc.fields.addressee == ADDRESSEE.rstrip("：")


def test_regular_centred_line_under_a_bold_title_is_not_the_title() -> None:
    """`（2018年12月25日国务院第33次常务会议通过）` under a bold 小二 title: another type, another block."""
    doc = _document(18, False, measured=True, height=LINE_H, under_title="（2017年2月28日印发）")
    assert doc.fields.title == TITLE


def test_rule_read_as_dashes_under_the_doc_number() -> None:
    ts = Typesetter()
    ts.centred("国务院文件", ch=80, h=90, red=0.92, advance=2)
    ts.centred("国发〔2017〕13号")
    ts.put("一" * 26, LEFT - 5, h=20, ch=CH * 28 / 26)  # the red rule, read as a row of 一
    for piece in _title_lines(22, False):
        ts.centred(piece, ch=CH * 22 / 16, h=_box_height(22))
    ts._next_row()
    ts.paragraph(ADDRESSEE, 0)
    ts.paragraph(BODY)
    doc = build_document(ts.finish())
    assert doc.fields.doc_number == "国发〔2017〕13号"
    assert doc.fields.title == TITLE
    assert "一一一" not in "".join(b.text for b in doc.blocks)


def test_first_paragraph_after_a_title_without_addressee_stays_body() -> None:
    ts = Typesetter()
    ts.centred("国发〔2017〕13号", advance=2)
    ts.centred("关于加强老龄工作的通知", ch=CH * 1.375, h=_box_height(22))
    ts._next_row()
    for _ in range(4):
        ts.paragraph(BODY)
    doc = build_document(_with_strokes(ts.finish(), {"关于加强老龄工作的通知"}))
    assert doc.fields.title == "关于加强老龄工作的通知"
    assert [b.type.value for b in doc.blocks][2:4] == ["paragraph", "paragraph"]


# --- the measures themselves ----------------------------------------------------------------------------

SCALE = Scale(LINE_H, CH, BODY_STROKE)


def _row(text: str, *, ch: float = CH, h: float = LINE_H, stroke: float | None = None) -> Row:
    line = OcrLine(text, Box(LEFT, 300, LEFT + len(text) * ch, 300 + h), stroke=stroke)
    return Row(1, (line,), text)


@pytest.mark.parametrize(
    ("row", "larger", "heavy"),
    [(_row("关于加强老龄工作的通知", ch=CH * 1.125, h=LINE_H * 1.08), True, False),  # 小二 by its advance
     (_row("关于加强老龄工作的通知", h=LINE_H * 1.3), True, False),  # 二号 by its height
     (_row("关于加强老龄工作的通知", stroke=BOLD_STROKE), False, True),
     (_row("关于加强老龄工作的通知", stroke=BODY_STROKE * 1.05), False, False),
     (_row("通  知", ch=CH * 1.6, h=LINE_H), False, False),  # letter-spaced, body size
     (_row("一二三", ch=CH * 1.3, h=LINE_H * 1.08), False, False)],  # too short for an advance
)
def test_larger_and_heavy(row: Row, larger: bool, heavy: bool) -> None:
    assert is_larger(row, SCALE) is larger
    assert is_heavy(row, SCALE) is heavy
    assert is_set_apart(row, SCALE) is (larger or heavy)


def test_unmeasured_weight_is_never_heavy() -> None:
    assert not is_heavy(_row("关于加强老龄工作的通知"), SCALE)
    assert not is_heavy(_row("关于加强老龄工作的通知", stroke=0.2), Scale(LINE_H, CH))


def test_row_stroke_is_weighted_by_fragment_width() -> None:
    a = OcrLine("关于", Box(0, 0, 100, 30), stroke=0.06)
    b = OcrLine("加强老龄工作", Box(120, 0, 420, 30), stroke=0.09)
    c = OcrLine("的", Box(430, 0, 460, 30))
    assert row_stroke(Row(1, (a, b, c), "关于加强老龄工作的")) == pytest.approx((0.06 * 100 + 0.09 * 300) / 400)
    assert row_stroke(Row(1, (c,), "的")) is None


def test_stroke_survives_the_recording_format_and_old_recordings_have_none() -> None:
    line = OcrLine("标题", Box(1, 2, 3, 4), stroke=0.0812)
    old = OcrLine("正文", Box(1, 2, 3, 4))
    pages = (Page(1, 100, 100, lines=(line, old)),)
    data = pages_to_dict(pages)
    assert "stroke" not in data["pages"][0]["lines"][1]
    assert pages_from_dict(data)[0].lines == (line, old)


def test_typesetter_block_is_28_characters() -> None:
    assert (RIGHT - LEFT) / CH == COLS


@pytest.mark.parametrize("measured", [True, False], ids=["stroke", "no-stroke"])
def test_wrapped_title_line_whose_box_came_out_shorter_is_still_the_title(measured: bool) -> None:
    """Two lines of one 小二 title, boxes 55 and 44 px, both advancing 50 px a character (v6 seed_001): the
    advance says one size, and the title and the addressee after it are found whole."""
    first, second = TITLE[:17], TITLE[17:]
    ts = Typesetter()
    ts.centred("国务院文件", ch=80, h=90, red=0.92, advance=2)
    ts.centred("国发〔2017〕13号", advance=2)
    ts.centred(first, ch=CH * 18 / 16, h=LINE_H * 1.25)
    ts.centred(second, ch=CH * 18 / 16, h=LINE_H)
    ts._next_row()
    ts.paragraph(ADDRESSEE, 0)
    for _ in range(4):
        ts.paragraph(BODY)
    pages = ts.finish()
    doc = build_document(_with_strokes(pages, {first, second}) if measured else pages)
    assert doc.fields.title == TITLE
    assert doc.fields.addressee == ADDRESSEE.rstrip("：")


def test_centred_line_in_smaller_type_under_a_title_is_not_the_title() -> None:
    """A shorter box whose characters also advance less (三号 under 二号) is another type."""
    ts = Typesetter()
    ts.centred("国务院文件", ch=80, h=90, red=0.92, advance=2)
    ts.centred("国发〔2017〕13号", advance=2)
    for piece in _title_lines(22, False):
        ts.centred(piece, ch=CH * 22 / 16, h=_box_height(22))
    ts.centred("（2017年2月28日国务院第33次常务会议通过）")
    ts._next_row()
    ts.paragraph(ADDRESSEE, 0)
    ts.paragraph(BODY)
    doc = build_document(ts.finish())
    assert doc.fields.title == TITLE


def test_a_heavy_full_width_addressee_line_after_a_complete_title_is_the_addressee() -> None:
    """1-bit: the first line of a two-line addressee measures as heavy as the title and fills the block; the
    title already ended with its kind (`…的通知`), and the line starts flush left: it is the addressee's."""
    first = "各设区市教育局、财政局、人力资源和社会保障局，各县（市、"
    second = "区）教育局、财政局、人力资源和社会保障局："
    ts = Typesetter()
    ts.centred("浙江省教育厅文件", ch=80, h=90, red=0.92, advance=2)
    ts.centred("浙教师〔2024〕18号", advance=2)
    ts.centred("关于实施2024—2026年全省中小学教师数字素养", ch=CH * 1.1, h=LINE_H * 1.1)
    ts.centred("提升三年行动计划的通知", ch=CH * 1.1, h=LINE_H * 1.1)
    ts._next_row()
    ts.paragraph(first + second, 0)
    for _ in range(3):
        ts.paragraph(BODY)
    pages = ts.finish()
    heavy = {line.text for page in pages for line in page.lines if line.text.startswith(("关于", "提升", "各设区"))}
    doc = build_document(_with_strokes(pages, heavy))
    assert doc.fields.title == "关于实施2024—2026年全省中小学教师数字素养提升三年行动计划的通知"
    assert doc.fields.addressee == (first + second).rstrip("：")


@pytest.mark.parametrize(("units", "height_lh", "pitch", "body"), [
    (28, 1.0, 1.0, True),
    (28, 1.3, 1.0, True),  # a grey JPEG scan's box took in specks: the advance is the body's
    (28, 1.7, 1.0, False),  # a box that tall holds more than one line
    (20, 1.3, 1.2, False),  # a title line: 小二 and larger advance 1.125 body characters and more
    (12, 1.3, 1.0, False),  # too short to tell by its advance: a signature, a heading
])
def test_a_long_row_advancing_as_the_body_is_body_sized_however_tall_its_box(units: int, height_lh: float,
                                                                             pitch: float, body: bool) -> None:
    text = "国" * units
    line = OcrLine(text, Box(100.0, 100.0, 100.0 + units * pitch * CH, 100.0 + height_lh * LINE_H))
    assert is_body_sized(Row(1, (line,), text), Scale(LINE_H, CH)) is body
