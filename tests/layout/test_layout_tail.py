"""Attachments, signature, date, note, contact lines and the 版记."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
from layout_typeset import CH, LEFT, LINE_H, RIGHT, Typesetter, ocr_line

from layout import build_document, render_text
from layout.geometry import text_units
from layout.model import Block, BlockType, Box, Document, OcrLine, Seal
from layout.tail import repair_date_year

FILLER = "为深入贯彻落实基层卫生健康工作要求，进一步提升基层医疗卫生服务能力，现将有关事项通知如下，请认真抓好落实。"


def _ts() -> Typesetter:
    ts = Typesetter()
    for _ in range(3):
        ts.paragraph(FILLER)
    return ts


def _tail(doc: Document) -> list[tuple[str, str]]:
    return [(b.type.value, b.text) for b in doc.blocks if b.text != FILLER]


@pytest.mark.parametrize("indent_like_paragraph", [False, True])
@pytest.mark.parametrize(
    ("printed", "iso"),
    [("2024年5月15日", "2024-05-15"), ("二〇二四年五月十五日", "2024-05-15"), ("二○二四年十二月三十一日", "2024-12-31"),
     ("2024年 5月 6日", "2024-05-06")],
)
def test_signature_and_date(printed: str, iso: str, indent_like_paragraph: bool) -> None:
    ts = _ts()
    ts._next_row(2)
    if indent_like_paragraph:
        ts.paragraph("重庆市渝北区卫生健康委员会")
        ts.paragraph(printed)
    else:
        ts.right("重庆市渝北区卫生健康委员会", 4)
        ts.right(printed, 4)
    doc = build_document(ts.finish())
    # a numeral year's zero is written 〇 (○ looks the same on paper: `patterns.restore_numeral_zero`)
    assert _tail(doc) == [("signature", "重庆市渝北区卫生健康委员会"), ("date", printed.replace(" ", "").replace("○", "〇"))]
    assert doc.fields.signature == ("重庆市渝北区卫生健康委员会",)
    assert doc.fields.date == iso


def test_joint_signature_one_line_per_body() -> None:
    ts = _ts()
    ts._next_row(2)
    ts.right("国家发展改革委办公厅", 3)
    ts.right("国家税务总局办公厅", 3.5)
    ts.right("2024年3月1日", 4)
    doc = build_document(ts.finish())
    assert doc.fields.signature == ("国家发展改革委办公厅", "国家税务总局办公厅")


def test_date_cited_in_the_body_is_not_the_date() -> None:
    ts = _ts()
    ts.paragraph("会议定于2024年6月1日召开。")
    doc = build_document(ts.finish())
    assert doc.fields.date is None
    assert doc.fields.signature == ()


def test_attachments_numbered_items_and_a_wrapped_name() -> None:
    ts = _ts()
    ts.paragraph("附件：1.渝北区基层医疗机构设施设备清单")
    ts.put("2.渝北区村卫生室名单及基本药物配备情况统计表（2024年度", LEFT + 5 * CH)
    ts.put("第一批）", LEFT + 6 * CH)
    ts.put("3.渝北区家庭医生签约服务考核办法", LEFT + 5 * CH)
    ts._next_row(2)
    ts.right("重庆市渝北区卫生健康委员会", 4)
    ts.right("2024年5月15日", 4)
    doc = build_document(ts.finish())
    assert [t for kind, t in _tail(doc) if kind == "attachment"] == [
        "附件：1.渝北区基层医疗机构设施设备清单", "2.渝北区村卫生室名单及基本药物配备情况统计表（2024年度第一批）",
        "3.渝北区家庭医生签约服务考核办法"]
    assert doc.fields.attachments == ("渝北区基层医疗机构设施设备清单", "渝北区村卫生室名单及基本药物配备情况统计表（2024年度第一批）",
                                      "渝北区家庭医生签约服务考核办法")
    assert doc.fields.signature == ("重庆市渝北区卫生健康委员会",)


def test_an_attachment_names_wrapped_end_before_a_page_break_is_no_signature_line() -> None:
    """`稿）` wrapped under the name, the last line of page 1; the signature and date head page 2. It closes
    the bracket the line above opened: the name's end, not the first line of the signature."""
    ts = _ts()
    ts.paragraph("附件：四川省重点流域水生态环境保护规划（征求意见", 2)
    ts.put("稿）", LEFT + 5 * CH)
    ts.new_page()
    ts.right("四川省生态环境厅", 4)
    ts.right("2024年8月4日", 4)
    doc = build_document(ts.finish())
    assert doc.fields.attachments == ("四川省重点流域水生态环境保护规划（征求意见稿）",)
    assert doc.fields.signature == ("四川省生态环境厅",)


@pytest.mark.parametrize(("read", "name"), [
    ("附件：四川省重点流域水生态环境保护规划（征求意见稿", "四川省重点流域水生态环境保护规划（征求意见稿）"),  # ） alone unread
    ("附件：四川省重点流域水生态环境保护规划（征求意见稿）", "四川省重点流域水生态环境保护规划（征求意见稿）"),
    ("附件：渝北区村卫生室名单（2024年度（第一批", "渝北区村卫生室名单（2024年度（第一批"),  # two open: which one?
    ("附件：渝北区村卫生室名单（2024", "渝北区村卫生室名单（2024"),  # ends inside a number: as read
])
def test_an_attachment_name_closes_the_bracket_it_opens(read: str, name: str) -> None:
    """GB/T 9704 7.3.6: the attachment's name; a bracket it opens closes in it. The `）` wrapped to a line of its
    own is one mark the detector does not find alone."""
    ts = _ts()
    ts.paragraph(read)
    ts._next_row(2)
    ts.right("重庆市渝北区卫生健康委员会", 4)
    ts.right("2024年5月15日", 4)
    doc = build_document(ts.finish())
    assert doc.fields.attachments == (name,)


@pytest.mark.parametrize("last", ["大盛镇人大主席团。", "大盛镇人大主席团"])  # its 。 lost on a 1-bit scan
def test_note_contact_and_banji(last: str) -> None:
    ts = _ts()
    ts.paragraph("联系人：雷涵，联系电话：67825733。")
    ts._next_row()
    ts.right("重庆市渝北区卫生健康委员会", 4)
    ts.right("2024年5月15日", 4)
    ts.paragraph("（此件公开发布）")
    ts._next_row(2)
    ts.paragraph("抄送：区人大代工委，区政协提案委，洛碛镇人大主席团，龙兴镇人大主席团，石船镇人大主席团，", 1)
    ts.put(last, LEFT + 4 * CH)
    top = ts._y()
    ts.put("重庆市渝北区卫生健康委员会办公室", LEFT + CH, y=top)
    ts.put("2024年5月15日印发", RIGHT - CH - text_units("2024年5月15日印发") * CH, y=top)
    doc = build_document(ts.finish())
    kinds = [kind for kind, _ in _tail(doc)]
    assert kinds == ["contact", "signature", "date", "note", "cc", "printed"]
    f = doc.fields
    assert f.note == "（此件公开发布）"
    assert f.cc == ("区人大代工委", "区政协提案委", "洛碛镇人大主席团", "龙兴镇人大主席团", "石船镇人大主席团", "大盛镇人大主席团")
    assert (f.printed_by, f.printed_date) == ("重庆市渝北区卫生健康委员会办公室", "2024-05-15")
    assert render_text(doc).splitlines()[-1] == "重庆市渝北区卫生健康委员会办公室 2024年5月15日印发"
    assert render_text(doc).splitlines()[-2].endswith("大盛镇人大主席团。")  # GB/T 9704 7.4.2


@pytest.mark.parametrize("printed", ["2021年8月34日日14", "2021年8月31日印发"])
def test_a_cc_list_that_lost_its_stop_ends_before_a_line_set_as_the_printing_line(printed: str) -> None:
    """The 抄送 list's last line lost its 。; the 印发 line under it, its 印发 misread, is still set as one (a
    body's name flush left, a date flush right): it is no hanging line of the list."""
    ts = _ts()
    ts.right("贵州省人民政府办公厅", 4)
    ts.right("2021年8月30日", 4)
    ts._next_row(2)
    ts.paragraph("抄送：省委各部门，省人大常委会办公厅，省政协办公厅，省军区，省法院，", 1)
    ts.put("省检察院", LEFT + 4 * CH)
    top = ts._y()
    ts.put("贵州省人民政府办公厅", LEFT + CH, y=top)
    ts.put(printed, RIGHT - CH - text_units(printed) * CH, y=top)
    doc = build_document(ts.finish())
    assert doc.fields.cc == ("省委各部门", "省人大常委会办公厅", "省政协办公厅", "省军区", "省法院", "省检察院")
    assert render_text(doc).splitlines()[-1].replace(" ", "") == f"贵州省人民政府办公厅{printed}"


def _ring(text: str, cx: float, cy: float, radius: float, page: int) -> list[OcrLine]:
    """Seal ring text: short red pieces bent along a circle (tilted polygons), plus the star."""
    pieces = []
    for i in range(0, len(text), 3):
        angle = math.radians(200 + i * 140 / len(text))
        x, y = cx + radius * math.cos(angle), cy + radius * math.sin(angle)
        tilt = math.radians(i * 140 / len(text) - 70)
        w = 3 * 30
        poly = ((x, y), (x + w * math.cos(tilt), y + w * math.sin(tilt)),
                (x + w * math.cos(tilt), y + w * math.sin(tilt) + 30), (x, y + 30))
        xs, ys = [p[0] for p in poly], [p[1] for p in poly]
        pieces.append(OcrLine(text[i:i + 3], Box(min(xs), min(ys), max(xs), max(ys)), 0.7, page, 0.93, poly))
    pieces.append(OcrLine("★", Box(cx - 25, cy - 25, cx + 25, cy + 25), 0.6, page, 0.97))
    return pieces


@pytest.mark.parametrize("reported_seal", [False, True])
def test_seal_text_over_the_signature_is_not_body_text(reported_seal: bool) -> None:
    ts = _ts()
    ts._next_row(2)
    sig_top = ts._y()
    ts.right("重庆市渝北区卫生健康委员会", 4)
    date_top = ts._y()
    ts.right("2024年5月15日", 4)
    pages = ts.finish()
    cx, cy = RIGHT - 8 * CH, (sig_top + date_top) / 2 + 20
    ring = _ring("重庆市渝北区卫生健康委员会", cx, cy, 120, 1)
    # Under the seal the OCR reads the signature in two pieces, one of them reddish but mostly black.
    covered = next(ln for ln in pages[0].lines if ln.text == "重庆市渝北区卫生健康委员会")
    left = ocr_line("重庆市渝北区", covered.box.x0, covered.box.y0, red=0.3)
    right = ocr_line("卫生健康委员会", left.box.x1 + 2, covered.box.y0, red=0.15)
    lines = [ln for ln in pages[0].lines if ln is not covered] + [left, right] + ring
    seals = (Seal(1, Box(cx - 130, cy - 130, cx + 130, cy + 130)),) if reported_seal else ()
    page = type(pages[0])(1, pages[0].width, pages[0].height, tuple(lines), seals=seals)
    doc = build_document([page])
    assert _tail(doc) == [("signature", "重庆市渝北区卫生健康委员会"), ("date", "2024年5月15日")]
    assert "★" not in render_text(doc)
    assert len(doc.seals) == 1
    if not reported_seal:
        assert "★" in doc.seals[0].text


def test_unclassified_blocks_keep_their_text() -> None:
    ts = _ts()
    doc = build_document(ts.finish())
    assert all(isinstance(b, Block) and b.type is BlockType.PARAGRAPH for b in doc.blocks)


@pytest.mark.parametrize(
    ("read", "years", "expected"),
    [
        ("8024年5月15日", [2024], "2024年5月15日"),  # one digit off the doc number's year
        ("8024年5月15日", [2024, 2023], "2024年5月15日"),
        ("8084年5月15日", [2024], "8084年5月15日"),  # two digits off: left as read
        ("8024年5月15日", [], "8024年5月15日"),  # no evidence: left as read
        ("2024年5月15日", [2023], "2024年5月15日"),  # plausible dates are never touched
    ],
)
def test_repair_date_year(read: str, years: list[int], expected: str) -> None:
    assert repair_date_year(read, years) == expected


def test_date_misread_under_the_seal_takes_the_documents_year() -> None:
    ts = Typesetter()
    ts.centred("某某市人民政府文件", ch=80, h=90, red=0.9, advance=2)
    ts.centred("某府发〔2024〕3号", advance=2)
    for _ in range(3):
        ts.paragraph(FILLER)
    ts._next_row(2)
    ts.right("某某市人民政府", 5)
    ts.right("8024年5月15日", 4)
    doc = build_document(ts.finish())
    assert doc.fields.date == "2024-05-15"
    assert render_text(doc).splitlines()[-1] == "2024年5月15日"


def test_attachment_does_not_swallow_a_signature_whose_date_the_ocr_missed() -> None:
    ts = _ts()
    ts.paragraph("附件：住宅小区电梯安全隐患排查整治情况汇总表")
    ts._next_row(3)
    ts.right("宁波市住房和城", 8)  # the rest of the signature and the date are under the seal, unread
    doc = build_document(ts.finish())
    assert _tail(doc)[-2:] == [("attachment", "附件：住宅小区电梯安全隐患排查整治情况汇总表"), ("paragraph", "宁波市住房和城")]
    assert doc.fields.attachments == ("住宅小区电梯安全隐患排查整治情况汇总表",)


def test_closing_phrase_without_its_stop_is_no_signature() -> None:
    ts = _ts()
    ts.paragraph("特此通知")
    ts._next_row()
    ts.paragraph("某某市人民政府办公室")
    ts.paragraph("2024年5月15日")
    doc = build_document(ts.finish())
    assert _tail(doc)[-3:] == [("paragraph", "特此通知"), ("signature", "某某市人民政府办公室"), ("date", "2024年5月15日")]


def test_signature_whose_date_the_seal_hid() -> None:
    ts = _ts()
    ts._next_row(2)
    ts.right("延边朝鲜族自治州卫生健康委员会", 3)
    ts._next_row()  # the date: under the seal, not read
    ts.paragraph("（此件公开发布）")
    doc = build_document(ts.finish())
    assert _tail(doc)[-2:] == [("signature", "延边朝鲜族自治州卫生健康委员会"), ("note", "（此件公开发布）")]
    assert doc.fields.signature == ("延边朝鲜族自治州卫生健康委员会",) and doc.fields.date is None


def test_attachment_items_far_above_a_joint_signature_stay_attachments() -> None:
    """doc_12: the last attachment item ends four rows above the stamped joint signature; signature lines
    stand together over the date, so the item is no signature line."""
    ts = _ts()
    ts.put("附件：1.2024年黔东南州义务教育薄弱环节改善与能力提升", LEFT + 2 * CH)
    ts.put("项目资金使用情况表", LEFT + 5 * CH)
    ts.put("2.2024年黔东南州义务教育薄弱环节改善与能力提升", LEFT + 4.3 * CH)
    ts.put("项目建设进度表", LEFT + 5 * CH)
    ts._next_row(3)
    ts.right("黔东南苗族侗族自治州教育局", 3)
    ts.right("黔东南苗族侗族自治州财政局", 3)
    ts.right("二〇二四年十二月十日", 4)
    doc = build_document(ts.finish())
    assert doc.fields.signature == ("黔东南苗族侗族自治州教育局", "黔东南苗族侗族自治州财政局")
    assert doc.fields.attachments == ("2024年黔东南州义务教育薄弱环节改善与能力提升项目资金使用情况表",
                                      "2024年黔东南州义务教育薄弱环节改善与能力提升项目建设进度表")
    assert doc.fields.date == "2024-12-10"


# --- dates and signatures not of our renderer's shape -------------------------------------------------------

NOTE = "（本文有删减）"


def _note_and_date(ts: Typesetter, layout: str, date: str) -> None:
    if layout == "apart":  # the note left, the date right, on one baseline
        y = ts._y()
        ts.put(NOTE, LEFT + 2 * CH, y=y)
        ts.put(date, RIGHT - 4 * CH - text_units(date) * CH, y=y)
        ts._next_row()
    elif layout == "one-box":  # the detector read both as one line
        ts.put(NOTE + date, LEFT + 2 * CH)
    else:  # one box, right-aligned
        ts.right(NOTE + date, 4)


@pytest.mark.parametrize("layout", ["apart", "one-box", "one-box-right"])
@pytest.mark.parametrize(("date", "iso"), [("二〇〇五年七月十四日", "2005-07-14"), ("2005年7月14日", "2005-07-14")],
                         ids=["chinese-numerals", "arabic"])
def test_date_read_with_the_note_before_it_stands_alone(layout: str, date: str, iso: str) -> None:
    ts = _ts()
    _note_and_date(ts, layout, date)
    doc = build_document(ts.finish())
    assert _tail(doc) == [("note", NOTE), ("date", date)]  # the corpus truth's role for it: a note
    assert doc.fields.date == iso and doc.fields.note == NOTE
    assert doc.fields.signature == ()


@pytest.mark.parametrize(
    "text",
    ["（一）2024年5月15日", "会议纪要（第3期）2024年5月15日", "截至2024年5月15日"],
)
def test_other_lines_ending_in_a_date_are_not_cut(text: str) -> None:
    ts = _ts()
    ts.put(text, LEFT + 2 * CH)
    doc = build_document(ts.finish())
    assert text in [b.text for b in doc.blocks]
    assert doc.fields.date is None


def test_date_at_a_wrapped_paragraph_line_end_stays_in_its_paragraph() -> None:
    ts = _ts()
    text = "本办法自发布之日起施行，有效期五年，各单位请于2024年5月15日前报送有关材料并做好组织实施工作，确保按期完成。"
    ts.paragraph(text)
    doc = build_document(ts.finish())
    assert text in [b.text for b in doc.blocks]


@pytest.mark.parametrize("centred_over_date", [True, False])
@pytest.mark.parametrize("stray", [False, True])
def test_one_word_signature_under_a_grey_seal(centred_over_date: bool, stray: bool) -> None:
    """`国务院` over `2018年12月25日` under a seal on a grey scan (no red): ring text tilted, the star level."""
    ts = _ts()
    ts._next_row(2)
    sig_top = ts._y()
    ts.right("国务院", 7.5 if centred_over_date else 4)
    date_top = ts._y()
    ts.right("2018年12月25日", 4)
    pages = ts.finish()
    cx, cy = RIGHT - 7.5 * CH, (sig_top + date_top) / 2 + 20
    ring = [replace(line, red=0.0) for line in _ring("中华人民共和国国务院", cx, cy, 120, 1)]
    extra = [ocr_line("院", RIGHT - 4 * CH + 12, date_top)] if stray else []  # a level bottom-arc character
    lines = [*pages[0].lines, *ring, *extra]
    seal = Seal(1, Box(cx - 130, cy - 130, cx + 130, cy + 130))
    doc = build_document([replace(pages[0], lines=tuple(lines), seals=(seal,))])
    assert doc.fields.signature == ("国务院",)
    assert doc.fields.date == "2018-12-25"
    assert "★" not in render_text(doc)


@pytest.mark.parametrize("speck", [".", "，", "。", "·"])
def test_an_attachment_name_ends_without_a_mark(speck: str) -> None:
    """GB/T 9704 7.3.4: no mark after an attachment's name; one read there (a 1-bit speck, then given back its
    comma's tail) is a speck."""
    ts = _ts()
    ts.paragraph("附件：1.2023年度全市安全生产工作先进集体名单" + speck)
    ts.put("2.予以通报表扬的企业名单", LEFT + 5 * CH)
    ts._next_row(2)
    ts.right("重庆市渝北区卫生健康委员会", 4)
    ts.right("2024年5月15日", 4)
    doc = build_document(ts.finish())
    assert doc.fields.attachments == ("2023年度全市安全生产工作先进集体名单", "予以通报表扬的企业名单")
    assert "附件：1.2023年度全市安全生产工作先进集体名单\n" in render_text(doc)


@pytest.mark.parametrize("speck", [",", "，", "."])
def test_a_speck_read_at_a_cc_lists_hanging_lines_start_is_no_comma(speck: str) -> None:
    """No line starts with a comma (禁则): `,委。` under `…，市纪委监` is 委 ending 市纪委监委."""
    ts = _ts()
    ts.right("宜宾市人民政府", 4)
    ts.right("2023年12月29日", 4)
    ts._next_row(2)
    ts.paragraph("抄送：市委办公室，市人大常委会办公室，市政协办公室，市纪委监", 1)
    ts.put(speck + "委。", LEFT + 4 * CH)
    top = ts._y()
    ts.put("宜宾市人民政府办公室", LEFT + CH, y=top)
    ts.put("2023年12月30日印发", RIGHT - CH - text_units("2023年12月30日印发") * CH, y=top)
    doc = build_document(ts.finish())
    assert doc.fields.cc == ("市委办公室", "市人大常委会办公室", "市政协办公室", "市纪委监委")


def test_a_note_read_into_the_dates_row_from_below_follows_the_date() -> None:
    """A grey scan boxed the date two lines tall (the ring's lower arc with it) and the 附注 under it so tall that
    the two share a row: the date stands higher, so it comes first, under the signature."""
    note_below, order = 0.6, ["signature", "date", "note"]
    ts = _ts()
    ts.right("国务院", 4)
    top = ts._y()
    date = ocr_line("二〇一九年一月二十一日", RIGHT - 4 * CH - 11 * CH, top, page=ts.number, h=2.2 * LINE_H)
    note = ocr_line("（此件公开发布）", LEFT + 2 * CH, top + note_below * LINE_H, page=ts.number, h=2.0 * LINE_H)
    ts.pages[-1] += [date, note]
    ts._next_row(3)
    doc = build_document(ts.finish())
    assert [kind for kind, _ in _tail(doc)][-3:] == order
    assert doc.fields.date == "2019-01-21"
    assert doc.fields.signature == ("国务院",)
