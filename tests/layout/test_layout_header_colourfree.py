"""The issuer mark without colour (grey and 1-bit scans): found by size and place, never swallowing the doc
number, the title or a marker set large. Sizes are drawn in body line heights (LINE_H) across what printers
use: marks from 1.7 to 3 body lines tall, titles from 小二 (1.125) to 一号 (1.63 body lines)."""

from __future__ import annotations

import pytest
from layout_typeset import CH, LEFT, LINE_H, RIGHT, Typesetter, ocr_line

from layout import build_document
from layout.header import cell_box
from layout.lines import Row
from layout.model import Document

BODY = "您提出的关于进一步加强我区基层医疗机构服务能力建设的建议已收悉，现将办理情况答复如下。"
TITLE = ("国务院办公厅关于加强城市", "供水设施安全管理工作的通知")


def _file_format(mark_lh: float, title_lh: float, *, number: bool = True, marker: str | None = None) -> Typesetter:
    ts = Typesetter()
    if marker:
        ts.put(marker, LEFT, y=120.0, ch=1.5 * LINE_H, h=1.5 * LINE_H)
    ts.centred("国务院办公厅文件", ch=0.9 * mark_lh * LINE_H, h=mark_lh * LINE_H, advance=2)
    if number:
        ts.centred("国办发〔2005〕31号", advance=2)
    else:
        ts._next_row()  # the title straight under the rule
    for piece in TITLE:
        ts.centred(piece, ch=0.95 * title_lh * LINE_H, h=title_lh * LINE_H)
    ts._next_row()
    ts.paragraph("各省、自治区、直辖市人民政府，国务院各部委、各直属机构：", 0)
    ts.paragraph(BODY)
    return ts


@pytest.mark.parametrize("mark_lh", [1.7, 2.2, 3.0])
@pytest.mark.parametrize("title_lh", [1.125, 1.4, 1.63, 1.75])
def test_a_large_title_under_a_black_mark_is_the_title(mark_lh: float, title_lh: float) -> None:
    doc = build_document(_file_format(mark_lh, title_lh).finish())
    assert doc.fields.issuer_mark == "国务院办公厅文件"
    assert doc.fields.doc_number == "国办发〔2005〕31号"
    assert doc.fields.title == "".join(TITLE)
    assert doc.fields.addressee == "各省、自治区、直辖市人民政府，国务院各部委、各直属机构"


@pytest.mark.parametrize("title_lh", [1.4, 1.75])
def test_without_a_doc_number_the_title_two_lines_under_the_mark_is_not_the_mark(title_lh: float) -> None:
    doc = build_document(_file_format(2.2, title_lh, number=False).finish())
    assert doc.fields.issuer_mark == "国务院办公厅文件"
    assert doc.fields.title == "".join(TITLE)


def _centred_x(text: str, ch: float) -> float:
    return (LEFT + RIGHT) / 2 - len(text) * ch / 2


@pytest.mark.parametrize("gap_mh", [0.4, 0.75])
@pytest.mark.parametrize("title_lh", [1.63, 1.75])  # large enough to be taken for a mark line by size
def test_a_title_close_under_a_black_mark_ending_in_file_is_not_the_mark(gap_mh: float, title_lh: float) -> None:
    """No doc number, the title straight under the rule, less than a mark's height below it (as close as
    a joint mark's bodies may stack): the 文件 ending the mark ends it (GB/T 9704 7.2.2)."""
    ts = Typesetter()
    mark_h = 2.2 * LINE_H
    mark = ts.put("国务院办公厅文件", _centred_x("国务院办公厅文件", 0.9 * mark_h), y=300.0, ch=0.9 * mark_h,
                  h=mark_h)
    y, ch = mark.box.y1 + gap_mh * mark_h, 0.95 * title_lh * LINE_H
    for piece in ("国务院办公厅关于加强城市", "供水设施安全管理工作的通知"):
        ts.put(piece, _centred_x(piece, ch), y=y, ch=ch, h=title_lh * LINE_H)
        y += 1.3 * title_lh * LINE_H
    ts.row = 8
    ts.paragraph("各省、自治区、直辖市人民政府，国务院各部委、各直属机构：", 0)
    ts.paragraph(BODY)
    doc = build_document(ts.finish())
    assert doc.fields.issuer_mark == "国务院办公厅文件"
    assert doc.fields.title == "国务院办公厅关于加强城市供水设施安全管理工作的通知"
    assert doc.fields.addressee == "各省、自治区、直辖市人民政府，国务院各部委、各直属机构"


@pytest.mark.parametrize("marker", ["公开", "特急"])
def test_a_marker_set_large_above_a_black_mark_stays_a_marker(marker: str) -> None:
    doc = build_document(_file_format(2.5, 1.4, marker=marker).finish())
    assert doc.fields.issuer_mark == "国务院办公厅文件"
    assert doc.fields.markers == (marker,)


def _under_a_marker(marker: str, marker_ch: float, marker_h: float, mark_h: float) -> Document:
    """`marker` set at the top left (`marker_ch` px advance, `marker_h` tall) over a black mark `mark_h` tall,
    then the doc number, a two-line title, the addressee and the body."""
    ts = Typesetter()
    ts.put(marker, LEFT, y=120.0, ch=marker_ch, h=marker_h)
    ts.row = 3
    ts.centred("国务院办公厅文件", ch=0.9 * mark_h, h=mark_h, advance=3)
    ts.centred("国办发〔2005〕31号", advance=2)
    for piece in TITLE:
        ts.centred(piece, ch=1.3 * LINE_H, h=1.4 * LINE_H)
    ts._next_row()
    ts.paragraph("各省、自治区、直辖市人民政府，国务院各部委、各直属机构：", 0)
    ts.paragraph(BODY)
    return build_document(ts.finish())


@pytest.mark.parametrize("marker_mh", [0.85, 1.0])
def test_a_marker_as_large_as_the_black_mark_is_still_a_marker(marker_mh: float) -> None:
    """公开 set (or scanned) nearly as tall as the mark lines below it: what it says, not its size, keeps it
    out of the mark."""
    mark_h = 2.0 * LINE_H
    doc = _under_a_marker("公开", marker_mh * mark_h, marker_mh * mark_h, mark_h)
    assert doc.fields.markers == ("公开",)
    assert doc.fields.issuer_mark == "国务院办公厅文件"
    assert doc.fields.doc_number == "国办发〔2005〕31号"
    assert doc.fields.title == "".join(TITLE)


@pytest.mark.parametrize("read", ["公斤", "秘密", "急件"])
def test_a_short_line_set_smaller_above_a_black_mark_is_a_marker_whatever_it_reads(read: str) -> None:
    """A 1-bit 公开 read `公斤`, which no marker list knows, 1.7 body lines tall over a mark of 2.2, with a
    mark's height and more of paper between: its place and its size (smaller than the mark, not stacked with
    it) say it is one of the marks above the mark, not the mark (fresh dev v60 1-bit: the whole header lost)."""
    doc = _under_a_marker(read, 1.6 * LINE_H, 1.7 * LINE_H, 2.2 * LINE_H)
    assert doc.fields.issuer_mark == "国务院办公厅文件"
    assert doc.fields.doc_number == "国办发〔2005〕31号"
    assert doc.fields.title == "".join(TITLE)


def _under_the_joint_mark(ts: Typesetter, *, row: int) -> Document:
    """The doc number, title, addressee and body set from `row` under a joint mark the test has put."""
    ts.row = row
    ts.centred("浙教师〔2024〕42号", advance=2)
    ts.centred("关于实施教师数字素养提升行动的通知", ch=1.4 * LINE_H, h=1.5 * LINE_H, advance=2)
    ts.paragraph("各设区市教育局：", 0)
    ts.paragraph(BODY)
    return build_document(ts.finish())


def test_a_black_joint_mark_stacks_its_bodies_and_keeps_its_tall_file() -> None:
    ts = Typesetter()
    top = 300.0
    mark_h = 2.4 * LINE_H
    for n, body in enumerate(("浙江省教育厅", "浙江省财政厅", "浙江省人力资源和社会保障厅")):
        ts.put(body, LEFT + 20, y=top + n * 1.05 * mark_h, ch=0.8 * mark_h, h=mark_h)
    ts.put("文件", LEFT + 20 + 13 * 0.8 * mark_h * 0.75, y=top + 0.6 * mark_h, ch=1.6 * mark_h, h=1.8 * mark_h)
    doc = _under_the_joint_mark(ts, row=8)
    assert doc.fields.issuers == ("浙江省教育厅", "浙江省财政厅", "浙江省人力资源和社会保障厅")
    assert doc.fields.doc_number == "浙教师〔2024〕42号"
    assert doc.fields.title == "关于实施教师数字素养提升行动的通知"


@pytest.mark.parametrize("long_body", [0.72, 0.78, 0.9])
def test_a_black_joint_mark_whose_long_body_is_set_smaller_under_a_line_that_read_its_file(long_body: float) -> None:
    """OCR read the 文件 into the middle body's line (its box spans the stack's middle, 1.4 mark heights),
    and the long third body is set smaller: it is still the mark's last line, not a fragment of the second."""
    ts = Typesetter()
    top, mark_h = 300.0, 2.4 * LINE_H
    ts.put("浙江省教育厅", LEFT + 20, y=top, ch=0.8 * mark_h, h=mark_h)
    ts.put("浙江省财政厅文件", LEFT + 20, y=top + 1.0 * mark_h, ch=0.8 * mark_h, h=1.4 * mark_h)
    ts.put("浙江省人力资源和社会保障厅", LEFT + 20, y=top + 2.4 * mark_h, ch=0.5 * mark_h, h=long_body * mark_h)
    doc = _under_the_joint_mark(ts, row=9)
    assert doc.fields.issuer_mark == "浙江省教育厅浙江省财政厅浙江省人力资源和社会保障厅文件"
    assert doc.fields.issuers == ("浙江省教育厅", "浙江省财政厅", "浙江省人力资源和社会保障厅")
    assert doc.fields.doc_number == "浙教师〔2024〕42号"


def test_a_black_joint_marks_long_body_flush_with_the_stack_is_a_mark_line_though_not_centred_alone() -> None:
    """The bodies stack flush left, 文件 right of the stack: the block is centred on the page, its long last
    body, set smaller than a mark (1.5 body lines), is not centred alone. It is still the mark's last line,
    above the doc number."""
    ts = Typesetter()
    top, mark_h = 280.0, 2.4 * LINE_H
    ts.put("浙江省教育厅", 200, y=top, ch=0.8 * mark_h, h=mark_h)
    ts.put("浙江省财政厅", 200, y=top + 1.0 * mark_h, ch=0.8 * mark_h, h=mark_h)
    ts.put("浙江省人力资源和社会保障厅", 200, y=top + 2.1 * mark_h, ch=0.5 * mark_h, h=1.5 * LINE_H)
    ts.put("文件", 950, y=top + 0.6 * mark_h, ch=45, h=1.8 * mark_h)
    doc = _under_the_joint_mark(ts, row=9)
    assert doc.fields.issuers == ("浙江省教育厅", "浙江省财政厅", "浙江省人力资源和社会保障厅")
    assert doc.fields.doc_number == "浙教师〔2024〕42号"


def test_a_piece_of_a_mark_line_read_again_inside_its_box_is_no_part_of_the_mark() -> None:
    """A second look read `场监督管` again inside the box of the line it is part of."""
    ts = Typesetter()
    top, mark_h = 300.0, 2.4 * LINE_H
    ts.put("湖南省教育厅", LEFT + 40, y=top, ch=0.8 * mark_h, h=mark_h)
    ts.put("湖南省市场监督管理局", LEFT + 40, y=top + 1.1 * mark_h, ch=0.8 * mark_h, h=mark_h)
    ts.put("场监督管", LEFT + 40 + 4 * 0.8 * mark_h, y=top + 1.2 * mark_h, ch=0.8 * mark_h, h=0.5 * mark_h)
    ts.put("文件", LEFT + 40 + 10.2 * 0.8 * mark_h, y=top + 0.5 * mark_h, ch=1.5 * mark_h, h=1.6 * mark_h)
    doc = _under_the_joint_mark(ts, row=8)
    assert doc.fields.issuer_mark == "湖南省教育厅湖南省市场监督管理局文件"
    assert doc.fields.issuers == ("湖南省教育厅", "湖南省市场监督管理局")


@pytest.mark.parametrize("read", ["渝北卫健函2024）53号", "渝北卫健函〔2024 53号", "渝北卫健函[2024 53号",
                                  "渝北卫健函 2024 〕 53 号"])
def test_a_doc_number_that_lost_one_bracket_is_still_the_doc_number(read: str) -> None:
    ts = Typesetter()
    ts.centred("重庆市渝北区卫生健康委员会", ch=0.9 * 2.2 * LINE_H, h=2.2 * LINE_H, advance=2)
    ts.centred(read, advance=2)
    ts.centred("关于区政协第333号提案的复函", ch=1.4 * LINE_H, h=1.5 * LINE_H, advance=2)
    ts.paragraph(BODY)
    doc = build_document(ts.finish())
    assert doc.fields.doc_number == "渝北卫健函〔2024〕53号"
    assert doc.fields.title == "关于区政协第333号提案的复函"


def test_a_year_without_any_bracket_is_no_doc_number() -> None:
    from layout.patterns import find_doc_number

    assert find_doc_number("到2024年底完成53号") is None
    assert find_doc_number("渝北卫健函2024年53号") is None


LETTER_TITLE = ("关于商请选派专家参加2024", "年乡村教师素养提升培训授课的函")


def _letter_format(mark_lh: float, *, marker: str | None = None, rule: str | None = None,
                   beside: str | None = None) -> Typesetter:
    """Letter format (GB/T 9704 10): the body's name centred at the top, the number right-aligned under the
    rule, the title under it in 小二 (1.3 body lines); with `rule`, the double rule read as that text in a box
    wider than the text block and as tall as a title line; `marker` set large above the mark, `beside` left of
    the number on its row."""
    ts = Typesetter()
    if marker:
        ts.put(marker, LEFT, y=40.0, ch=1.2 * LINE_H, h=1.3 * LINE_H)
    ts.centred("江苏省教师培训中心", ch=0.9 * mark_lh * LINE_H, h=mark_lh * LINE_H, advance=1 if rule else 2)
    if rule:
        ts.put(rule, LEFT - 60.0, ch=(RIGHT - LEFT + 120.0) / len(rule), h=1.3 * LINE_H)
        ts._next_row()
    if beside:
        ts.put(beside, LEFT, y=ts._y(), advance=0)
    ts.right("苏师培函〔2024〕16号", 0.0)
    for piece in LETTER_TITLE:
        ts.centred(piece, ch=1.2 * LINE_H, h=1.3 * LINE_H)
    ts._next_row()
    ts.paragraph("南京师范大学教师教育学院：", 0)
    ts.paragraph(BODY)
    return ts


@pytest.mark.parametrize("mark_lh", [1.25, 1.5])
def test_a_letters_mark_no_larger_than_a_title_is_the_mark_above_the_number(mark_lh: float) -> None:
    """Large type above the doc number is the mark, however small: the title stands below the number."""
    doc = build_document(_letter_format(mark_lh).finish())
    assert doc.fields.issuer_mark == "江苏省教师培训中心"
    assert doc.fields.doc_number == "苏师培函〔2024〕16号"
    assert doc.fields.title == "".join(LETTER_TITLE)


@pytest.mark.parametrize("rule", ["一", "—", "一一"])
def test_a_letters_double_rule_read_as_a_dash_is_no_part_of_the_mark(rule: str) -> None:
    """The double rule under a letter's mark read as `一`, centred above the number: a rule, not a name."""
    doc = build_document(_letter_format(2.0, rule=rule).finish())
    assert doc.fields.issuer_mark == "江苏省教师培训中心"
    assert doc.fields.issuers == ("江苏省教师培训中心",)
    assert doc.fields.doc_number == "苏师培函〔2024〕16号"


def test_a_misread_marker_set_large_above_the_number_is_not_the_mark() -> None:
    """`公斤` (公开 misread) is set flush left: the mark is centred."""
    doc = build_document(_letter_format(1.5, marker="公斤").finish())
    assert doc.fields.issuer_mark == "江苏省教师培训中心"


@pytest.mark.parametrize("read", ["特急.", "特急。", "特急·"])
def test_a_marker_with_a_speck_read_after_it_is_the_marker(read: str) -> None:
    """`特急.`: a speck after the marker, read as punctuation; still the marker, not the mark's first line."""
    doc = build_document(_file_format(2.2, 1.4, marker=read).finish())
    assert doc.fields.markers == ("特急",)
    assert doc.fields.issuer_mark == "国务院办公厅文件"
    assert doc.fields.issuers == ("国务院办公厅",)


def test_only_the_first_doc_number_bounds_the_mark() -> None:
    """A number cited in the body, still in the page's upper half, does not make the title above it a mark."""
    ts = _letter_format(1.5)
    ts.paragraph("你区《关于商请优化白云区北部片区公交线网的函》（云府函〔2024〕77号）收悉。")
    doc = build_document(ts.finish())
    assert doc.fields.issuer_mark == "江苏省教师培训中心"
    assert doc.fields.title == "".join(LETTER_TITLE)


@pytest.mark.parametrize("star", ["★", "☆", "*", "-★", "一★一"])
def test_the_star_of_the_rule_under_the_doc_number_is_no_part_of_the_title(star: str) -> None:
    """A party organ's separator rule has a star in its middle (——★——); without colour it is read as a
    line of its own between the doc number and the title, and stays out of both."""
    ts = Typesetter()
    ts.centred("国务院办公厅文件", ch=0.9 * 2.2 * LINE_H, h=2.2 * LINE_H, advance=2)
    ts.centred("国办发〔2005〕31号")
    ts.centred(star, ch=1.2 * LINE_H, h=1.2 * LINE_H)
    for piece in TITLE:
        ts.centred(piece, ch=0.95 * 1.4 * LINE_H, h=1.4 * LINE_H)
    ts._next_row()
    ts.paragraph("各省、自治区、直辖市人民政府，国务院各部委、各直属机构：", 0)
    ts.paragraph(BODY)
    doc = build_document(ts.finish())
    assert doc.fields.doc_number == "国办发〔2005〕31号"
    assert doc.fields.title == "".join(TITLE)
    assert star not in "".join(block.text for block in doc.blocks)


JOINT_TITLE = ("湖北省教育厅湖北省财政厅湖北省人力资", "源和社会保障厅关于实施农村", "学校教师特设岗位计划的通知")


def test_a_title_on_a_page_without_its_own_edges_is_centred_on_its_own_axis() -> None:
    """Page 1 holds the header, a three-line title whose first line nearly fills the block, and the addressee;
    no full body line, so its edges come from page 2, which the scanner placed most of a character further
    left. The title's lines, centred together that far right of the borrowed centre, are the title."""
    ts = Typesetter(even_dx=-0.8 * CH)
    ts.centred("湖北省教育厅", ch=0.9 * 2.2 * LINE_H, h=2.2 * LINE_H)
    ts.centred("湖北省财政厅文件", ch=0.9 * 2.2 * LINE_H, h=2.2 * LINE_H, advance=2)
    ts.centred("鄂教师〔2024〕4号", advance=2)
    title_ch = (RIGHT - LEFT - 0.3 * CH) / len(JOINT_TITLE[0])
    for piece in JOINT_TITLE:
        ts.centred(piece, ch=title_ch, h=1.4 * LINE_H)
    ts._next_row()
    ts.put("各市、州、直管市、神农架林区教育局、", LEFT)
    ts._next_row()
    ts.put("财政局、人力资源和社会保障局：", LEFT)
    ts.new_page()
    for _ in range(3):
        ts.paragraph(BODY)
    doc = build_document(ts.finish())
    assert doc.fields.title == "".join(JOINT_TITLE)
    assert doc.fields.addressee == "各市、州、直管市、神农架林区教育局、财政局、人力资源和社会保障局"


QUOTED_TITLE = ("洛阳市市场监督管理局洛阳", "市商务局关于开展2023年", "“放心消费在洛阳”创建活动的通知")


def test_a_title_line_opening_with_a_quote_is_centred_as_it_was_set() -> None:
    """The third line nearly fills the block and opens with `“`, whose ink stands in the right half of its cell:
    the recogniser's box starts half a title character late. As set, the line is centred on the others (the
    whole title half a character right of the block's centre, as a printer may set it)."""
    ts = Typesetter()
    ts.centred("洛阳市市场监督管理局文件", ch=0.9 * 2.2 * LINE_H, h=2.2 * LINE_H, advance=2)
    ts.centred("洛市监〔2023〕97号", advance=2)
    title_ch = (RIGHT - LEFT - 0.4 * CH) / 16
    for piece in QUOTED_TITLE:
        line_x0 = (LEFT + RIGHT) / 2 - len(piece) * title_ch / 2 + 0.45 * CH
        ink_x0 = line_x0 + (title_ch / 2 if piece.startswith("“") else 0.0)
        ts.put(piece, ink_x0, ch=title_ch, h=1.4 * LINE_H)
        line = ts.pages[-1][-1]
        ts.pages[-1][-1] = type(line)(line.text, type(line.box)(ink_x0, line.box.y0, line_x0 + len(piece) * title_ch,
                                                                   line.box.y1), line.score, line.page)
    ts._next_row()
    ts.paragraph("各县区市场监督管理局、商务主管部门：", 0)
    ts.paragraph(BODY)
    doc = build_document(ts.finish())
    assert doc.fields.title == "".join(QUOTED_TITLE)
    assert doc.fields.addressee == "各县区市场监督管理局、商务主管部门"


@pytest.mark.parametrize(("text", "dx0", "dx1"), [("“放心消费在洛阳”创建活动的通知", -0.5, 0.0),
                                                ("关于转发《管理办法》", 0.0, 0.5),
                                                ("（此件公开发布）", -0.5, 0.5),
                                                ("洛阳市商务局关于开展2023年", 0.0, 0.0)])
def test_a_rows_cell_box_reaches_out_to_the_cells_of_its_end_marks(text: str, dx0: float, dx1: float) -> None:
    line = ocr_line(text, 300.0, 100.0)
    box = cell_box(Row(1, (line,), text), CH)
    assert (box.x0 - line.box.x0, box.x1 - line.box.x1) == (dx0 * CH, dx1 * CH)


@pytest.mark.parametrize("mark", ["；", ";"])
def test_an_addressee_line_ending_in_a_semicolon_is_the_addressee_parted_by_a_comma(mark: str) -> None:
    """Two flush-left lines under the title, the first ending in `；` (a comma with a speck over it): the
    主送机关 are names parted by 、 and ，, so it is the addressee, its ； a ，."""
    ts = Typesetter()
    ts.centred("国务院办公厅文件", ch=0.9 * 2.2 * LINE_H, h=2.2 * LINE_H, advance=2)
    ts.centred("国办发〔2005〕31号", advance=2)
    for piece in TITLE:
        ts.centred(piece, ch=0.95 * 1.4 * LINE_H, h=1.4 * LINE_H)
    ts._next_row()
    ts.put("各设区市教育局、财政局、人力资源和社会保障局" + mark, LEFT)
    ts._next_row()
    ts.put("各县（市、区）教育局、财政局：", LEFT)
    ts._next_row()
    ts.paragraph(BODY)
    doc = build_document(ts.finish())
    assert doc.fields.title == "".join(TITLE)
    assert doc.fields.addressee == "各设区市教育局、财政局、人力资源和社会保障局，各县（市、区）教育局、财政局"


@pytest.mark.parametrize("read", ["公开.", "公开，"])
def test_a_letters_marker_beside_the_number_is_spelled_without_a_speck(read: str) -> None:
    """Letter format: the marker stands left of the doc number on its row; a speck read after it goes."""
    doc = build_document(_letter_format(1.5, beside=read).finish())
    assert doc.fields.markers == ("公开",)
    assert doc.fields.doc_number == "苏师培函〔2024〕16号"
