"""Header of page 1: markers, issuer mark, doc number, signer, title, addressee."""

from __future__ import annotations

import pytest
from layout_typeset import CH, LEFT, LINE_H, RIGHT, Typesetter, ocr_line, typeset

from layout import build_document, render_text
from layout.geometry import Scale, text_units
from layout.header import MarkLine, issuer_mark_lines, issuer_rows, witnessed_mark
from layout.model import BlockType, Document

BODY = ("p", "您提出的关于进一步加强我区基层医疗机构服务能力建设的建议已收悉，现将办理情况答复如下。")
HEAD = [
    ("marker", "公开"),
    ("issuer_mark", "重庆市渝北区卫生健康委员会文件"),
    ("doc_number", "渝北卫健函〔2024〕117号"),
    ("title", "重庆市渝北区卫生健康委员会关于区人大第十九届第四次会议第46号建议的复函"),
    ("addressee", "陈邦友代表："),
    BODY,
]


def _types(doc: Document) -> list[str]:
    return [block.type.value for block in doc.blocks]


def test_file_format_header() -> None:
    doc = build_document(typeset(HEAD))
    assert _types(doc)[:6] == ["marker", "issuer_mark", "doc_number", "title", "addressee", "paragraph"]
    f = doc.fields
    assert f.markers == ("公开",)
    assert f.issuer_mark == "重庆市渝北区卫生健康委员会文件"
    assert f.issuers == ("重庆市渝北区卫生健康委员会",)
    assert f.doc_number == "渝北卫健函〔2024〕117号"
    assert f.title == "重庆市渝北区卫生健康委员会关于区人大第十九届第四次会议第46号建议的复函"
    assert f.addressee == "陈邦友代表"


@pytest.mark.parametrize(
    "printed",
    ["渝北卫健函【2024】117号", "渝北卫健函[2024]117号", "渝北卫健函(2024)117号", "渝北卫健函﹝2024﹞117号",
     "渝北卫健函 〔2024〕 117 号", "渝北卫健函（2024）117号"],
)
def test_doc_number_brackets_are_normalised(printed: str) -> None:
    roles = [(r, printed if r == "doc_number" else t) for r, t in HEAD]
    doc = build_document(typeset(roles))
    assert doc.fields.doc_number == "渝北卫健函〔2024〕117号"
    assert render_text(doc).splitlines()[2] == "渝北卫健函〔2024〕117号"


def test_doc_number_cited_in_the_body_is_not_the_documents_own() -> None:
    roles = [r for r in HEAD if r[0] != "doc_number"] + [("p", "根据渝府办发〔2023〕12号文件精神，现通知如下。")]
    doc = build_document(typeset(roles))
    assert doc.fields.doc_number is None
    assert "渝府办发〔2023〕12号" in render_text(doc)


def test_doc_number_with_signer_on_one_baseline() -> None:
    ts = Typesetter()
    ts.centred("某某市人民政府文件", ch=80, h=90, red=0.9, advance=2)
    number = ts.put("某府发〔2024〕3号", LEFT + CH, y=ts._y())
    ts.put("签发人：张三", RIGHT - CH - 6 * CH, y=number.box.y0)
    ts._next_row(2)
    ts.centred("关于某某事项的通知", ch=44, h=48)
    ts._next_row()
    ts.paragraph("各区县人民政府：", 0)
    ts.paragraph(BODY[1])
    doc = build_document(ts.finish())
    assert _types(doc)[:5] == ["issuer_mark", "doc_number", "signer", "title", "addressee"]
    assert doc.fields.signer == "张三"
    assert doc.fields.doc_number == "某府发〔2024〕3号"
    assert render_text(doc).splitlines()[2] == "签发人：张三"


def test_markers_on_one_line_split_at_wide_gaps() -> None:
    ts = Typesetter()
    ts.put("000123", LEFT, y=110)
    ts.put("机密★1年", LEFT + 6 * CH, y=110)
    ts.put("特急", LEFT, y=160)
    ts._next_row()
    ts.centred("某某市人民政府文件", ch=80, h=90, red=0.9, advance=2)
    ts.paragraph(BODY[1])
    assert build_document(ts.finish()).fields.markers == ("000123", "机密★1年", "特急")


def test_letter_spaced_issuer_mark_read_per_character_and_with_spaces() -> None:
    ts = Typesetter()
    top = ts._y()
    for i, ch in enumerate("江苏省人民政府"):
        ts.put(ch, 260 + i * 110, y=top, ch=80, h=90, red=0.95)
    ts._next_row(2)
    ts.centred("苏政函〔2024〕8号", advance=2)
    ts.paragraph(BODY[1])
    doc = build_document(ts.finish())
    assert doc.fields.issuer_mark == "江苏省人民政府"
    ts2 = Typesetter()
    ts2.centred("江 苏 省 人 民 政 府", ch=60, h=90, red=0.95, advance=2)
    ts2.paragraph(BODY[1])
    assert build_document(ts2.finish()).fields.issuer_mark == "江苏省人民政府"


def test_joint_issuer_mark_puts_file_after_the_last_body() -> None:
    names = [ocr_line("发展改革委办公厅", 200, 100, ch=70, h=80, red=0.9),
             ocr_line("税务总局办公厅", 235, 200, ch=80, h=80, red=0.9)]
    file_word = ocr_line("文件", 200 + 8 * 70 + 40, 150, ch=80, h=80, red=0.9)
    assert issuer_rows([*names, file_word], Scale(LINE_H, CH)) == ["发展改革委办公厅", "税务总局办公厅文件"]


def test_joint_issue_document() -> None:
    ts = Typesetter()
    ts.put("发展改革委办公厅", 200, y=100, ch=70, h=80, red=0.9)
    ts.put("税务总局办公厅", 235, y=200, ch=80, h=80, red=0.9)
    ts.put("文件", 200 + 8 * 70 + 40, y=150, ch=80, h=80, red=0.9)
    ts.row = 2
    ts.centred("发改办价格〔2024〕7号", advance=2)
    ts.paragraph(BODY[1])
    ts.right("发展改革委办公厅", 5)
    ts.right("税务总局办公厅", 5.5)
    ts.right("2024年3月1日", 4)
    doc = build_document(ts.finish())
    assert render_text(doc).splitlines()[:2] == ["发展改革委办公厅", "税务总局办公厅文件"]
    assert doc.fields.issuers == ("发展改革委办公厅", "税务总局办公厅")
    assert doc.fields.signature == ("发展改革委办公厅", "税务总局办公厅")
    assert doc.fields.date == "2024-03-01"


def test_letter_format_doc_number_right_aligned_under_the_rule() -> None:
    ts = Typesetter()
    ts.centred("重庆市渝北区卫生健康委员会", ch=70, h=80, red=0.9, advance=2)
    ts.right("渝北卫健函〔2024〕117号", 0)
    ts._next_row()
    ts.centred("关于区人大第十九届第四次会议", ch=44, h=48)
    ts.centred("第46号建议的复函", ch=44, h=48)
    ts._next_row()
    ts.paragraph("陈邦友代表：", 0)
    ts.paragraph(BODY[1])
    doc = build_document(ts.finish())
    assert _types(doc)[:4] == ["issuer_mark", "doc_number", "title", "addressee"]
    assert doc.fields.issuer_mark == "重庆市渝北区卫生健康委员会"
    assert doc.fields.title == "关于区人大第十九届第四次会议第46号建议的复函"


def test_title_read_with_spaces_is_merged_without_them() -> None:
    ts = Typesetter()
    ts.centred("某某市人民政府文件", ch=80, h=90, red=0.9, advance=2)
    ts.centred("关于 印发 某某", ch=44, h=48)
    ts.centred("实施方案的通知", ch=44, h=48)
    ts._next_row()
    ts.paragraph("各区县人民政府，市政府各部门，有关单位：", 0)
    ts.paragraph(BODY[1])
    doc = build_document(ts.finish())
    assert doc.fields.title == "关于印发某某实施方案的通知"
    assert doc.fields.addressee == "各区县人民政府，市政府各部门，有关单位"


def test_wrapped_addressee_over_two_lines() -> None:
    names = "各区县（自治县）人民政府，市政府各部门，有关单位，各派出机构，各直属事业单位："
    roles = [r if r[0] != "addressee" else ("addressee", names) for r in HEAD]
    doc = build_document(typeset(roles))
    assert doc.fields.addressee == names.rstrip("：")
    assert [b.type for b in doc.blocks].count(BlockType.ADDRESSEE) == 1


def test_no_red_information_uses_size_for_the_mark() -> None:
    ts = Typesetter()
    ts.centred("某某市人民政府文件", ch=80, h=90, red=0.0, advance=2)
    ts.centred("某府发〔2024〕3号", advance=2)
    ts.paragraph(BODY[1])
    doc = build_document(ts.finish())
    assert doc.fields.issuer_mark == "某某市人民政府文件"
    assert doc.fields.doc_number == "某府发〔2024〕3号"




@pytest.mark.parametrize("same_row", [True, False])
def test_letter_format_marks_under_the_mark_left_of_the_doc_number(same_row: bool) -> None:
    ts = Typesetter()
    ts.centred("曲靖市人民政府", ch=80, h=90, red=0.9, advance=2)
    top = ts._y()
    if same_row:
        ts.put("A", LEFT, y=top)
        ts.put("公开", LEFT + 2 * CH, y=top)
    else:
        ts.put("A", LEFT, y=top)
        ts._next_row()
        ts.put("公开", LEFT, y=ts._y())
    ts.right("曲政函〔2019〕485号", 0)
    ts._next_row()
    ts.centred("曲靖市人民政府关于某某提案办理意见的函", ch=44, h=48)
    ts._next_row()
    ts.paragraph("民进曲靖市委：", 0)
    ts.paragraph(BODY[1])
    doc = build_document(ts.finish())
    assert _types(doc)[:6] == ["issuer_mark", "marker", "marker", "doc_number", "title", "addressee"]
    assert doc.fields.markers == ("A", "公开")


def test_joint_mark_with_file_read_into_the_middle_row() -> None:
    names = [ocr_line("浙江省教育厅", 200, 100, ch=70, h=80, red=0.9),
             ocr_line("浙江省财政厅文件", 200, 200, ch=70, h=80, red=0.9),
             ocr_line("浙江省人力资源和社会保障厅", 200, 300, ch=40, h=80, red=0.9)]
    assert issuer_rows(names, Scale(LINE_H, CH)) == ["浙江省教育厅", "浙江省财政厅", "浙江省人力资源和社会保障厅文件"]


def test_two_signers_apart_on_the_doc_number_row() -> None:
    ts = Typesetter()
    ts.centred("某某市人民政府文件", ch=80, h=90, red=0.9, advance=2)
    top = ts._y()
    ts.put("某府发〔2024〕3号", LEFT + CH, y=top)
    ts.put("签发人：杨光明", RIGHT - CH - 11 * CH, y=top)
    ts.put("吴秀英", RIGHT - CH - 3 * CH, y=top)
    ts._next_row(2)
    ts.centred("关于某某事项的通知", ch=44, h=48)
    ts._next_row()
    ts.paragraph(BODY[1])
    doc = build_document(ts.finish())
    assert _types(doc)[:4] == ["issuer_mark", "doc_number", "signer", "title"]
    assert doc.fields.signer == "杨光明吴秀英"


def test_mark_with_stacked_small_characters() -> None:
    """`黔东[南苗族/侗族]自治州教育局`: two small lines stacked inside one mark line, read top then bottom."""
    ts = Typesetter()
    top = 555.0
    for row in range(2):
        y = top + row * 120
        ts.put("黔东", 170, y=y, ch=80, h=105, red=1.0)
        ts.put("南苗族", 335, y=y, ch=45, h=55, red=1.0)
        ts.put("侗族", 350, y=y + 52, ch=52, h=53, red=1.0)
        ts.put("自治州教育局" if row == 0 else "自治州财政局", 480, y=y, ch=80, h=110, red=1.0)
    ts.put("文件", 980, y=top + 40, ch=110, h=150, red=1.0)
    ts.row = 8
    ts.paragraph(BODY[1])
    doc = build_document(ts.finish())
    assert doc.fields.issuers == ("黔东南苗族侗族自治州教育局", "黔东南苗族侗族自治州财政局")
    assert doc.fields.issuer_mark == "黔东南苗族侗族自治州教育局黔东南苗族侗族自治州财政局文件"


def test_title_stops_at_a_smaller_full_width_addressee() -> None:
    ts = Typesetter()
    ts.centred("某某市人民政府文件", ch=80, h=90, red=0.9, advance=2)
    ts.centred("关于开展2024年全市医疗美容", ch=46, h=69)
    ts.centred("行业突出问题专项整治行动的通知", ch=46, h=69)
    ts._next_row()
    ts.put("各区县（市）市场监督管理局、卫生健康委，郑东新区、经开", LEFT - 2, h=42)  # a box slightly taller than body
    ts.paragraph("区、高新区、航空港区市场监督管理局、卫生健康部门：", 0)
    ts.paragraph(BODY[1])
    doc = build_document(ts.finish())
    assert doc.fields.title == "关于开展2024年全市医疗美容行业突出问题专项整治行动的通知"
    assert doc.fields.addressee == "各区县（市）市场监督管理局、卫生健康委，郑东新区、经开区、高新区、航空港区市场监督管理局、卫生健康部门"


def test_a_title_line_set_close_under_the_first_is_the_titles_though_off_its_axis() -> None:
    """A 一号 title's second line, 16 characters filling the block, set half a character right of centre so it
    reaches past the block's right edge, stands close under the first line (a quarter of a line apart): the
    title's next line, not a paragraph (fresh dev v62: title cut after its first line, addressee lost)."""
    ts = Typesetter()
    ts.centred("广州市交通运输局文件", ch=80, h=90, red=0.9, advance=2)
    ts.centred("穗交运函〔2024〕213号", advance=2)
    top = ts._y()
    first, second = "广州市交通运输局关于优化白云", "区北部片区公交线网有关问题的复函"
    ch, h = 0.97 * (RIGHT - LEFT) / 16, 1.55 * LINE_H
    ts.put(first, (LEFT + RIGHT - text_units(first) * ch) / 2, y=top, ch=ch, h=h)
    ts.put(second, (LEFT + RIGHT - text_units(second) * ch) / 2 + 0.5 * ch, y=top + 1.25 * h, ch=ch, h=h)
    ts.row += 4
    ts.paragraph("白云区人民政府：", 0)
    ts.paragraph(BODY[1])
    doc = build_document(ts.finish())
    assert doc.fields.title == first + second
    assert doc.fields.addressee == "白云区人民政府"


def test_digits_in_a_title_line_do_not_make_the_lines_under_it_look_smaller() -> None:
    """Digits print wider than half an advance in many title fonts (0.6 of a 72 px advance here), and the
    detector's box of a line with digits comes taller: measured at half an advance, `关于实施2024—2026` seemed set
    larger than the two lines under it, and the title stopped after it, the addressee lost (1-bit dev v59)."""
    ts = Typesetter()
    ts.centred("某某省教育厅文件", ch=80, h=90, red=0.9, advance=2)
    first = "关于实施2024—2026"
    printed = (5 + 8 * 0.6) * 72  # five CJK advances, eight digits at 0.6 of one
    ts.put(first, (LEFT + RIGHT - printed) / 2, ch=printed / text_units(first), h=85)
    ts.centred("年全省中小学教师数字", ch=72, h=72)
    ts.centred("素养提升三年行动计划的通知", ch=72, h=74)
    ts._next_row()
    ts.paragraph("各设区市教育局、财政局：", 0)
    ts.paragraph(BODY[1])
    doc = build_document(ts.finish())
    assert doc.fields.title == "关于实施2024—2026年全省中小学教师数字素养提升三年行动计划的通知"
    assert doc.fields.addressee == "各设区市教育局、财政局"


@pytest.mark.parametrize("axis_ch", [0.0, 0.65])
def test_a_title_line_on_the_first_lines_axis_is_a_title_line_where_the_block_measures_off(axis_ch: float) -> None:
    """No red, body lines wrapping short of the measure: the text block's centre is measured off the axis the
    title's lines are centred on. The second line, longer than the first and reaching the block's right edge,
    stands on the first line's axis: it is the title's, and the addressee follows it."""
    ts = Typesetter()
    ts.centred("某某市市场监督管理局文件", ch=80, h=90, advance=2)
    axis = (LEFT + RIGHT) / 2 + axis_ch * CH
    for text in ("某某市市场监督管理局某某市商务局关于开", "展放心消费在某某创建活动暨质量提升行动的通知"):
        ts.put(text, axis - len(text) * 40 / 2, ch=40, h=50)
    ts._next_row()
    ts.paragraph("各县区市场监督管理局、商务主管部门：", 0)
    for _ in range(3):
        ts.paragraph(BODY[1])
    doc = build_document(ts.finish())
    assert doc.fields.title == "某某市市场监督管理局某某市商务局关于开展放心消费在某某创建活动暨质量提升行动的通知"
    assert doc.fields.addressee == "各县区市场监督管理局、商务主管部门"


@pytest.mark.parametrize("kind", ["紧急通知", "补充通知", "实施意见"])
def test_a_title_whose_kind_has_a_modifier_ends_before_a_flush_addressee(kind: str) -> None:
    """`…的紧急通知`: the kind of document after a modifier still ends the title (GB/T 9704 7.3.1); the
    addressee's full first line under it, its box taller than the body's (brackets, a 1-bit scan's heavy
    strokes) and so looking set apart, starts flush left and is no title line."""
    ts = Typesetter()
    ts.centred("某某市人民政府文件", ch=80, h=90, red=0.9, advance=2)
    ts.centred("某某市防汛抗旱指挥部关于切实做好", ch=36, h=50)
    ts.centred(f"2024年主汛期防汛抢险工作的{kind}", ch=36, h=48)
    ts._next_row()
    ts.put("各县（市、区）防汛抗旱指挥部，市防汛抗旱指挥部各成员单", LEFT, h=1.3 * LINE_H, ch=(RIGHT - LEFT) / 27)
    ts.put("位：", LEFT)
    for _ in range(3):
        ts.paragraph(BODY[1])
    doc = build_document(ts.finish())
    assert doc.fields.title == f"某某市防汛抗旱指挥部关于切实做好2024年主汛期防汛抢险工作的{kind}"
    assert doc.fields.addressee == "各县（市、区）防汛抗旱指挥部，市防汛抗旱指挥部各成员单位"


def test_joint_mark_whose_middle_line_box_swallowed_file() -> None:
    """Real OCR: the detector read 文件 into the middle line's box, which is then much taller."""
    lines = [ocr_line("浙江省教育厅", 226, 556, ch=150, h=133, red=1.0),
             ocr_line("浙江省财政厅文件", 205, 667, width=1247, h=202, red=1.0),
             ocr_line("浙江省人力资源和社会保障厅", 226, 848, ch=70, h=126, red=1.0)]
    assert issuer_rows(lines, Scale(LINE_H, CH)) == ["浙江省教育厅", "浙江省财政厅", "浙江省人力资源和社会保障厅文件"]


def test_black_mark_on_a_scan_with_a_trace_of_red_noise() -> None:
    ts = Typesetter()
    ts.centred("某某市人民政府文件", ch=80, h=90, red=0.0, advance=2)
    ts.centred("某府发〔2024〕3号", advance=2)
    ts.paragraph(BODY[1])
    pages = ts.finish()
    noisy = [ln if i != 2 else type(ln)(ln.text, ln.box, ln.score, ln.page, 0.05) for i, ln in enumerate(pages[0].lines)]
    doc = build_document([type(pages[0])(1, pages[0].width, pages[0].height, tuple(noisy))])
    assert doc.fields.issuer_mark == "某某市人民政府文件"


def _flood_notice_header() -> Typesetter:
    """A notice's mark, doc number and title; the test sets its addressee and body under them."""
    ts = Typesetter()
    ts.centred("九江市防汛抗旱指挥部文件", ch=2 * CH, h=2.4 * LINE_H, red=0.9, advance=2)
    ts.centred("九汛〔2024〕12号", advance=2)
    ts.centred("关于切实做好主汛期防汛抢险工作的紧急通知", ch=1.3 * CH, h=1.4 * LINE_H, advance=2)
    return ts


@pytest.mark.parametrize(("first", "expected"), [
    ("各县（市、区）防汛抗旱指挥部", "各县（市、区）防汛抗旱指挥部，市防汛抗旱指挥部各成员单位"),  # its comma lost
    ("各县（市、区）防汛抗旱指挥部，", "各县（市、区）防汛抗旱指挥部，市防汛抗旱指挥部各成员单位"),
    ("各县（市、区）防汛抗旱指挥部、", "各县（市、区）防汛抗旱指挥部、市防汛抗旱指挥部各成员单位"),
])
def test_an_addressee_broken_between_names_keeps_a_separator(first: str, expected: str) -> None:
    """An addressee set on two lines, broken on purpose after the first names: a comma the recogniser
    dropped at that short line's end comes back (a name is never broken by a line that ends short)."""
    ts = _flood_notice_header()
    ts.put(first, LEFT)
    ts.put("市防汛抗旱指挥部各成员单位：", LEFT)
    ts.paragraph("据市气象台预报，6月下旬至7月上旬，我市将出现持续性强降雨过程，累计雨量可达200至350毫米。")
    assert build_document(ts.finish()).fields.addressee == expected


@pytest.mark.parametrize(("first", "second", "expected"), [
    ("各市、州、直管市、神农架林区教育局", "财政局、人力资源和社会保障局：",
     "各市、州、直管市、神农架林区教育局、财政局、人力资源和社会保障局"),  # like names: …局 | …局
    ("省发展改革委、省自然资源厅", "省住房城乡建设厅、省水利厅：", "省发展改革委、省自然资源厅、省住房城乡建设厅、省水利厅"),
    ("郑东新区、经开区", "高新区、航空港区市场监督管理局：", "郑东新区、经开区、高新区、航空港区市场监督管理局"),  # short
    ("各区县人民政府", "各有关单位：", "各区县人民政府，各有关单位"),  # a group's head
])
def test_an_addressee_broken_between_like_names_takes_back_a_dunhao(first: str, second: str, expected: str) -> None:
    """GB/T 15834: 顿号 between parallel words. The lost separator between names of one kind (ending in one
    character, or short) is `、`; before a group's head (`各…`) or between bodies of other kinds it is `，`."""
    ts = _flood_notice_header()
    ts.put(first, LEFT)
    ts.put(second, LEFT)
    ts.paragraph("据市气象台预报，6月下旬至7月上旬，我市将出现持续性强降雨过程，累计雨量可达200至350毫米。")
    assert build_document(ts.finish()).fields.addressee == expected


def test_an_addressee_broken_before_a_bracket_takes_no_separator() -> None:
    """`各县` ends the short first line (a typesetter keeping 禁则 moved no bracket), `（市、区）` opens the next:
    the bracket annotates the name before it, and no comma stands between them (GB/T 15834 4.9)."""
    ts = _flood_notice_header()
    ts.put("各设区市防汛抗旱指挥部，各县", LEFT)
    ts.put("（市、区）防汛抗旱指挥部：", LEFT)
    ts.paragraph("据市气象台预报，6月下旬至7月上旬，我市将出现持续性强降雨过程，累计雨量可达200至350毫米。")
    assert build_document(ts.finish()).fields.addressee == "各设区市防汛抗旱指挥部，各县（市、区）防汛抗旱指挥部"


def test_an_addressee_that_fills_its_first_line_is_joined_as_read() -> None:
    ts = _flood_notice_header()
    ts.paragraph("各县（市、区）防汛抗旱指挥部、市防汛抗旱指挥部各成员单位、市直有关部门、驻浔部队和中央驻浔单位：", 0)
    ts.paragraph("据市气象台预报，6月下旬至7月上旬，我市将出现持续性强降雨过程，累计雨量可达200至350毫米。")
    assert build_document(ts.finish()).fields.addressee == (
        "各县（市、区）防汛抗旱指挥部、市防汛抗旱指挥部各成员单位、市直有关部门、驻浔部队和中央驻浔单位")


@pytest.mark.parametrize("last", ["市防汛抗旱指挥部各成员单位", "市防汛抗旱指挥部各成员单位、市直有关部门、驻浔部队"])
def test_an_addressee_whose_colon_was_lost_is_still_the_addressee(last: str) -> None:
    """A 1-bit scan dropped the `：` at the addressee's end; it ends on a name and the indented body follows."""
    ts = _flood_notice_header()
    ts.put("各县（市、区）防汛抗旱指挥部，", LEFT)
    ts.put(last, LEFT)
    ts.paragraph("据市气象台预报，6月下旬至7月上旬，我市将出现持续性强降雨过程，累计雨量可达200至350毫米。")
    doc = build_document(ts.finish())
    assert doc.fields.addressee == f"各县（市、区）防汛抗旱指挥部，{last}"
    assert render_text(doc).count("据市气象台预报") == 1


def test_a_flush_first_paragraph_ending_its_sentence_is_no_addressee() -> None:
    ts = _flood_notice_header()
    ts.put("据市气象台预报，我市将出现持续性强降雨过程。", LEFT)
    ts.paragraph("各地要立即行动，全力做好防汛抢险各项工作，确保人民群众生命财产安全。")
    assert build_document(ts.finish()).fields.addressee is None


@pytest.mark.parametrize(("overlap_ch", "mark"), [(0.75, "山东省人力资源和社会保障厅文件"), (0.5, "山东省人力资源和社会保障厅文件"),
                                                  (0.2, "山东省人力资源和社会保保障厅文件")])
def test_a_mark_character_two_boxes_both_read_is_kept_once(overlap_ch: float, mark: str) -> None:
    """The detector cut a mark line in two boxes overlapping over one character, each reading it: overlapping
    by half its advance or more it is one character; a near touch (the boxes' padding) is two readings."""
    ch = 82.0
    left, right = "山东省人力资源和社会保", "保障厅文件"
    x1 = 228 + len(left) * ch
    lines = [ocr_line(left, 228, 580, ch=ch, h=130, red=1.0),
             ocr_line(right, x1 - overlap_ch * ch, 582, ch=ch, h=128, red=1.0)]
    assert issuer_rows(lines, Scale(LINE_H, CH)) == [mark]


@pytest.mark.parametrize(("lead", "end"), [("", "]："), ("", "]"), ("", "："), ("", "；"), ("", ";"),
                                           ("：", "："), (".", "：")])  # a speck read before its first name
def test_an_addressee_whose_colon_a_speck_or_a_misread_marks(lead: str, end: str) -> None:
    """Its `：` read as `]` (1-bit), as `；` (a speck under the lower dot), or right; a speck before it read as a
    mark (`：林晓东代表：`, real OCR on a grey scan)."""
    ts = Typesetter()
    ts.centred("某某市人民政府文件", ch=80, h=90, red=0.9, advance=2)
    ts.centred("关于开展2024年全市医疗美容行业突出问题专项整治行动的通知", ch=46, h=69)
    ts._next_row()
    ts.paragraph(lead + "各区县（市）市场监督管理局、卫生健康委，郑东新区" + end, 0)
    ts.paragraph("为进一步规范医疗美容服务行为，保障人民群众身体健康和生命安全，现就有关事项通知如下。")
    ts.paragraph("各地要高度重视，加强组织领导，认真抓好落实。")
    doc = build_document(ts.finish())
    assert doc.fields.addressee == "各区县（市）市场监督管理局、卫生健康委，郑东新区"


@pytest.mark.parametrize(("read", "marker"), [("公斤", "公开"), ("机蜜", "机密"), ("不予公幵", "不予公开"), ("特忽", "特忽")])
def test_a_marker_read_one_character_off_takes_its_word(read: str, marker: str) -> None:
    """Markers are a closed set of words: one misread character is the OCR's, unless two words are as close
    (特忽 is one off 特急 and 特提)."""
    ts = Typesetter()
    ts.put(read, LEFT, y=110)
    ts._next_row()
    ts.centred("某某市人民政府文件", ch=80, h=90, red=0.9, advance=2)
    ts.paragraph(BODY[1])
    assert build_document(ts.finish()).fields.markers == (marker,)


WITNESS = ["呼和浩特市机关事务管理局办公室 2024年9月24日印发"]


@pytest.mark.parametrize(("read", "seams", "spelled"), [
    ("呼和浩特市机关关事务管理局文件", {7}, "呼和浩特市机关事务管理局文件"),  # read twice at the seam
    ("呼和浩特市机关事务管理后", {11}, "呼和浩特市机关事务管理局"),  # the seam's box misread
    ("呼和浩特市机原事务管理局文件", {6}, "呼和浩特市机关事务管理局文件"),
    ("呼和浩特市机关事管理局文件", {8}, "呼和浩特市机关事务管理局文件"),  # cut at the seam, read by neither box
    ("呼和浩特市机关机关事务管理局文件", {7}, "呼和浩特市机关事务管理局文件"),  # two read by both boxes
    ("口乎和浩特市机关事务管理局文件", {2}, "呼和浩特市机关事务管理局文件"),  # one read as its two halves
    ("呼和浩特市机关事务管理尸司文件", {11}, "呼和浩特市机关事务管理局文件"),
])
def test_a_mark_character_at_a_seam_is_spelled_as_the_document_spells_the_name(read: str, seams: set[int],
                                                                              spelled: str) -> None:
    assert witnessed_mark(MarkLine(read, frozenset(seams)), WITNESS) == spelled


@pytest.mark.parametrize(("read", "seams", "witnesses"), [
    ("呼和浩特市机关关事务管理局文件", set(), WITNESS),  # no seam there: what was printed
    ("呼和浩特市机关关事务管理局文件", {3}, WITNESS),  # a seam elsewhere
    ("呼和浩特市机关事务管理后", {11}, [*WITNESS, "呼和浩特市机关事务管理处"]),  # two spellings
    ("呼和浩特市机关关事务管理局文件", {7}, [*WITNESS, "呼和浩特市机关关事务管理局"]),  # the reading itself
    ("呼和浩特市机关关事务管理局文件", {7}, []),
    ("呼和浩特市机关事管理局文件", {5}, WITNESS),  # the missing character is not at a seam
    ("呼和浩特市机关机关事务管理局文件", {5}, WITNESS),  # the run doubled away from the seam
])
def test_a_mark_the_document_does_not_spell_otherwise_stays(read: str, seams: set[int],
                                                            witnesses: list[str]) -> None:
    assert witnessed_mark(MarkLine(read, frozenset(seams)), witnesses) == read


def test_a_mark_line_knows_where_its_boxes_meet() -> None:
    ch = 82.0
    left, right = "呼和浩特市机关", "关事务管理局文件"
    lines = [ocr_line(left, 228, 580, ch=ch, h=130), ocr_line(right, 228 + len(left) * ch - 0.2 * ch, 582, ch=ch, h=128)]
    assert issuer_mark_lines(lines, Scale(LINE_H, CH)) == [MarkLine(left + right, frozenset({7}))]


def test_the_printing_line_spells_a_mark_read_twice_at_a_seam() -> None:
    ts = Typesetter()
    ch = 82.0
    left, right = "呼和浩特市机关", "关事务管理局文件"
    ts.pages[-1] += [ocr_line(left, 228, 300, ch=ch, h=130), ocr_line(right, 228 + len(left) * ch - 0.2 * ch, 302, ch=ch, h=128)]
    ts.row = 5
    for _ in range(3):
        ts.paragraph(BODY[1])
    top = ts._y()
    ts.put("呼和浩特市机关事务管理局办公室", LEFT + CH, y=top)
    ts.put("2024年9月24日印发", RIGHT - CH - 12 * CH, y=top)
    doc = build_document(ts.finish())
    assert doc.fields.issuer_mark == "呼和浩特市机关事务管理局文件"
    assert doc.fields.issuers == ("呼和浩特市机关事务管理局",)
