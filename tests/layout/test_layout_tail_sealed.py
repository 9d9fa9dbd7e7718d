"""The signature and date under a seal whose ink broke their characters (grey and 1-bit scans).

GB/T 9704: the 署名 is the issuing body's name, which the 发文机关标志 states at the top of page 1 clear of
any seal; the seal presses on the signature and the date. A signature line under a seal that reads as one
issuer with a few characters lost or misread takes that issuer's spelling; a date the seal damaged beyond
reading still ends the signature.
"""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from layout_typeset import CH, LEFT, LINE_H, PITCH, RIGHT, Typesetter, ocr_line

from layout import build_document, patterns, render_text
from layout.geometry import text_units
from layout.model import BlockType, Box, Document, OcrLine, Page, Seal
from layout.tail import repair_date_by_printing, repair_signature

FILLER = "根据工作安排，现将有关事项通知如下，请各单位结合实际认真贯彻落实，确保各项工作按时完成。"

NAMES = ["成都市人民政府办公厅", "重庆市渝北区卫生健康委员会", "九江市防汛抗旱指挥部", "郑州市市场监督管理局",
         "呼和浩特市机关事务管理局", "江苏省教师培训中心", "浙江省人力资源和社会保障厅", "广州市交通运输局"]


def _damaged(name: str, rng: random.Random) -> str:
    """`name` as OCR reads it under a seal: one or two inner characters lost or replaced."""
    chars = list(name)
    for _ in range(rng.choice([1, 2]) if len(name) >= 8 else 1):
        at = rng.randrange(1, len(chars) - 1)
        if rng.random() < 0.5:
            del chars[at]
        else:
            chars[at] = rng.choice("国山中同心力店")
    return "".join(chars)


def _document(issuers: list[str], signatures: list[str], date: str, *, sealed: bool = True) -> Document:
    ts = Typesetter()
    for name in issuers[:-1]:
        ts.centred(name, ch=80, h=90, red=0.92)
    ts.centred(issuers[-1] + "文件", ch=80, h=90, red=0.92, advance=2)
    for _ in range(3):
        ts.paragraph(FILLER)
    ts._next_row(2)
    top = ts._y()
    for name in signatures:
        ts.right(name, 5.0)
    ts.right(date, 4.0)
    bottom = ts._y()
    ts.paragraph("（此件公开发布）")
    pages = ts.finish()
    if not sealed:
        return build_document(pages)
    side = bottom - top + 2 * PITCH
    seal = Seal(ts.number, Box(RIGHT - 4 * CH - side, top - PITCH, RIGHT - 4 * CH, top - PITCH + side), "", "shape")
    last: Page = pages[-1]
    return build_document([*pages[:-1], replace(last, seals=(seal,))])


@pytest.mark.parametrize("seed", range(12))
def test_a_damaged_signature_under_the_seal_takes_the_issuers_spelling(seed: int) -> None:
    rng = random.Random(seed)
    name = rng.choice(NAMES)
    read = _damaged(name, rng)
    doc = _document([name], [read], "2024年8月26日")
    assert doc.fields.signature == (name,)
    assert doc.fields.date == "2024-08-26"


def test_joint_issue_each_signature_line_takes_its_own_issuer() -> None:
    issuers = ["郑州市市场监督管理局", "郑州市卫生健康委员会"]
    doc = _document(issuers, ["郑州勒带场监督理局", "郑州市卫生委员会"], "2024年3月1日")
    assert doc.fields.signature == tuple(issuers)


def test_without_a_seal_found_a_damaged_signature_still_takes_the_issuers_spelling() -> None:
    """A 1-bit threshold breaks a ring into dashes no shape test finds; the name under it is still the issuer's."""
    doc = _document(["成都市人民政府办公厅"], ["成都市人政府办公厅"], "2024年8月26日", sealed=False)
    assert doc.fields.signature == ("成都市人民政府办公厅",)


@pytest.mark.parametrize("read", ["湖南省教育考试院", "成都市人民政府", "成都市教育局"])
def test_without_a_seal_another_bodys_name_stays(read: str) -> None:
    doc = _document(["成都市人民政府办公厅" if read.startswith("成都") else "湖南省教育厅"], [read], "2024年8月26日",
                    sealed=False)
    assert doc.fields.signature == (read,)


@pytest.mark.parametrize(
    ("read", "issuer"),
    [("国务院", "国务院办公厅"),  # a whole part of the name is a name of its own
     ("曲靖市人民政府", "曲靖市人民政府办公室"),
     ("中共曲靖市委办公室", "曲靖市人民政府办公室"),  # another body: too little in common
     ("江苏省教育厅", "江苏省教师培训中心")],
)
def test_another_name_is_not_taken_for_the_issuer(read: str, issuer: str) -> None:
    assert repair_signature(read, [issuer]) == read
    assert _document([issuer], [read], "2024年8月26日").fields.signature == (read,)


@pytest.mark.parametrize(("read", "issuer"), [("务院办公厅", "国务院办公厅"), ("州市卫生健康委员会", "郑州市卫生健康委员会")])
def test_the_name_without_its_first_character_is_the_name(read: str, issuer: str) -> None:
    """The ring crosses the line's end: what is left reads as a body but is none (GB/T 9704 7.3.5.1 signs
    with the full name or its 规范化简称, never the name less its first character)."""
    assert repair_signature(read, [issuer]) == issuer
    assert _document([issuer], [read], "2024年8月26日").fields.signature == (issuer,)


@pytest.mark.parametrize(("read", "signed"), [("渝北区健康委员", "重庆市渝北区卫生健康委员会"),  # both ends and 卫生 hidden
                                              ("渝北区卫生健康委员", "重庆市渝北区卫生健康委员会"),
                                              ("卫生健康委", "卫生健康委"),  # under half the name: as read
                                              ("渝北区健康委会员", "渝北区健康委会员")])  # a character not in order
def test_a_part_of_the_name_that_names_no_body_is_the_name_down_to_half_of_it(read: str, signed: str) -> None:
    assert repair_signature(read, ["重庆市渝北区卫生健康委员会"]) == signed


def test_a_reading_close_to_two_issuers_stays_as_read() -> None:
    assert repair_signature("某某市教育局", ["某某市教育局办", "某某市教育局厅"]) == "某某市教育局"


@pytest.mark.parametrize("date", ["2021年8月126月", "二四年六月3日", "四年月", "2024年8月"])
def test_a_date_the_seal_damaged_still_ends_the_signature(date: str) -> None:
    doc = _document(["重庆市渝北区卫生健康委员会"], ["重庆国渝北山生健康委员会"], date)
    assert doc.fields.signature == ("重庆市渝北区卫生健康委员会",)
    assert [b.text for b in doc.blocks if b.type is BlockType.DATE] == [date]
    assert doc.fields.date is None
    assert doc.fields.note == "（此件公开发布）"


def test_a_damaged_date_away_from_a_seal_is_no_date() -> None:
    doc = _document(["重庆市渝北区卫生健康委员会"], ["重庆市渝北区卫生健康委员会"], "二四年六月3日", sealed=False)
    assert not [b for b in doc.blocks if b.type is BlockType.DATE]


@pytest.mark.parametrize("date", ["九年月二十日", "2024年月18日"])
def test_a_date_frame_of_numerals_away_from_a_seal_still_ends_the_signature(date: str) -> None:
    """Real OCR, 1-bit (the ring lost to the threshold with the thin horizontals): 二〇一九年一月二十一日 read
    `九年月二十日`. Its value is lost; that it is the date, and the line over it the signature, is not."""
    doc = _document(["重庆市渝北区卫生健康委员会"], ["重庆市渝北区卫生健康委员会"], date, sealed=False)
    assert [b.text for b in doc.blocks if b.type is BlockType.DATE] == [date]
    assert doc.fields.signature == ("重庆市渝北区卫生健康委员会",) and doc.fields.date is None


@pytest.mark.parametrize(("text", "frame"), [("九年月二十日", True), ("二〇二四年月十日", True), ("2024年月18日", True),
                                             ("二四年六月3日", False),  # two kinds of numerals
                                             ("二〇二四年六月三日", False),  # a whole date
                                             ("九年来的二十日", False), ("年月日", False)])
def test_numeral_frames(text: str, frame: bool) -> None:
    assert patterns.is_numeral_frame(text) is frame


@pytest.mark.parametrize(("read", "issuers", "signed"), [("因务院", ["国务院"], "国务院"),  # real OCR, 1-bit
                                                         ("国务院", ["国务院办公厅"], "国务院"),
                                                         ("因务", ["国务"], "因务")])  # too short to tell
def test_a_name_read_with_one_character_wrong_is_the_issuers(read: str, issuers: list[str], signed: str) -> None:
    assert repair_signature(read, issuers) == signed


@pytest.mark.parametrize("text", ["2021年8月126月", "二四年六月3日", "四年月", "2024 年 8 月"])
def test_damaged_date_lines(text: str) -> None:
    assert patterns.is_damaged_date_line(text)


@pytest.mark.parametrize("text", ["2024年8月26日", "二〇二四年六月三日", "2024年工作要点", "五年来", "年月",
                                  "一、总体要求", "二〇二四年十二月三十一日起至二〇二五年"])
def test_not_damaged_date_lines(text: str) -> None:
    assert not patterns.is_damaged_date_line(text)


def _dated(read: str, printed: str) -> Document:
    ts = Typesetter()
    ts.centred("九江市防汛抗旱指挥部文件", ch=80, h=90, red=0.92, advance=2)
    for _ in range(3):
        ts.paragraph(FILLER)
    ts.right("九江市防汛抗旱指挥部", 5.0)
    ts.right(read, 4.0)
    ts._next_row(2)
    top = ts._y()
    ts.put("九江市防汛抗旱指挥部办公室", LEFT + CH, y=top)
    text = f"{printed}印发"
    ts.put(text, RIGHT - CH - text_units(text) * CH, y=top)
    ts._next_row()
    return build_document(ts.finish())


@pytest.mark.parametrize(
    ("read", "printed", "iso"),
    [("2021年6月21日", "2024年6月21日", "2024-06-21"),  # 4 read as 1 on a 1-bit scan
     ("2021年12月28日", "2024年1月5日", "2023-12-28"),  # signed the year before printing
     ("2028年12月28日", "2024年1月5日", "2023-12-28"),
     ("2024年6月20日", "2024年6月21日", "2024-06-20"),  # already fits: as read
     ("2024年6月25日", "2024年6月21日", "2024-06-25"),  # a few days after: as read (either may be misread)
     ("2019年6月21日", "2024年6月21日", "2019-06-21"),  # no single-digit year explains it: as read
     ("二〇七四年六月二十一日", "2024年6月21日", "2024-06-21"),  # a Chinese numeral misread (二 as 七)
     ("二〇一九年六月二十一日", "2024年6月21日", "2019-06-21")],
)
def test_a_misread_year_is_taken_from_the_printing_date(read: str, printed: str, iso: str) -> None:
    doc = _dated(read, printed)
    assert doc.fields.date == iso
    assert doc.fields.signature == ("九江市防汛抗旱指挥部",)
    assert patterns.find_date(repair_date_by_printing(read, patterns.find_date(printed))) == iso


def test_a_name_with_only_a_doubled_character_more_is_not_taken() -> None:
    # the mark read a letter-spaced 关 twice at a seam: the signature's own reading is as likely right
    assert repair_signature("呼和浩特市机关事务管理局", ["呼和浩特市机关关事务管理局"]) == "呼和浩特市机关事务管理局"
    assert repair_signature("郑州市场监督管理局", ["郑州市市场监督管理局"]) == "郑州市场监督管理局"


@pytest.mark.parametrize("seed", range(6))
def test_the_seal_name_read_as_one_arched_line_is_no_signature(seed: int) -> None:
    """The seal's name along its upper arc, read as one line: its box spans the arc (several characters
    high), its middle near the seal's centre; the signature under the seal is a level line."""
    rng = random.Random(seed)
    name = rng.choice(NAMES)
    ts = Typesetter()
    ts.centred(name + "文件", ch=80, h=90, red=0.92, advance=2)
    for _ in range(3):
        ts.paragraph(FILLER)
    ts._next_row(2)
    top = ts._y()
    ts.right(name, 5.0)
    ts.right("2024年9月12日", 4.0)
    pages = ts.finish()
    side = 5.5 * PITCH * rng.uniform(0.95, 1.1)
    x1 = RIGHT - 4 * CH
    seal = Box(x1 - side, top - 1.5 * PITCH, x1, top - 1.5 * PITCH + side)
    arc_h = side * rng.uniform(0.4, 0.5)
    arc = OcrLine(_damaged(name, rng), Box(seal.x0 + 0.05 * side, seal.y0 + 0.02 * side, seal.x1 - 0.08 * side,
                                          seal.y0 + 0.02 * side + arc_h), 0.8, ts.number)
    last = pages[-1]
    doc = build_document([*pages[:-1], replace(last, lines=(*last.lines, arc),
                                                   seals=(Seal(ts.number, seal, "", "shape"),))])
    assert doc.fields.signature == (name,)
    assert doc.fields.date == "2024-09-12"
    assert arc.text not in render_text(doc)


@pytest.mark.parametrize(("name", "read"), [("永泰县人民政府", "永泰县，民政府"), ("江苏省教师培训中心", "江苏省教师，培训中心"),
                                          ("成都市人民政府办公厅", "成都市人民政府；公厅")])
def test_a_ring_read_as_punctuation_in_the_signature_is_not_a_sentence(name: str, read: str) -> None:
    """The ring's arc crossing a character reads as a comma: under the seal the line is still the name."""
    doc = _document([name], [read], "2024年4月22日")
    assert doc.fields.signature == (name,)
    assert doc.fields.date == "2024-04-22"


def test_a_line_with_a_comma_that_reads_as_no_issuer_stays_a_sentence() -> None:
    doc = _document(["永泰县人民政府"], ["特此报告，请批示"], "2024年4月22日")
    assert doc.fields.signature == ()


def test_without_a_seal_a_comma_keeps_the_line_out_of_the_signature() -> None:
    doc = _document(["永泰县人民政府"], ["永泰县，民政府"], "2024年4月22日", sealed=False)
    assert doc.fields.signature == ()


@pytest.mark.parametrize("speck", ["7", "35", "<"])
def test_a_speck_of_the_seal_between_signature_and_date_does_not_part_them(speck: str) -> None:
    """A speck of the ring read between the two (`7` at 0.36, a fraction of a line high) is the seal's."""
    ts = Typesetter()
    for _ in range(3):
        ts.paragraph(FILLER)
    ts._next_row(2)
    top = ts._y()
    ts.right("芜湖市水利局", 5.0)
    ts.pages[-1].append(ocr_line(speck, RIGHT - 8 * CH, ts._y() - 0.4 * PITCH, h=0.6 * LINE_H, score=0.36,
                                 page=ts.number))
    ts.right("二〇二四年三月十二日", 4.0)
    ts.paragraph("（此件公开发布）")
    pages = ts.finish()
    side = ts._y() - top + PITCH
    seal = Seal(ts.number, Box(RIGHT - 4 * CH - side, top - PITCH, RIGHT - 4 * CH, top - PITCH + side), "", "shape")
    doc = build_document([*pages[:-1], replace(pages[-1], seals=(seal,))])
    assert doc.fields.signature == ("芜湖市水利局",)
    assert doc.fields.date == "2024-03-12"
    assert speck not in render_text(doc)


@pytest.mark.parametrize(("speck", "width_ch", "score", "dropped"), [
    ("580", 0.3, 0.38, True),   # a stroke of a ring no seal search found, read as three digits
    ("7", 0.1, 0.3, True),
    ("580", 0.3, 0.9, False),   # read with confidence: print, whatever its box
    ("580", 1.5, 0.38, False),  # as wide as three digits are
])
def test_a_doubted_reading_squeezed_into_a_stroke_is_dropped_without_a_seal(speck: str, width_ch: float,
                                                                            score: float, dropped: bool) -> None:
    """Between the signature and the date, no seal found: a doubted reading in a box far narrower than its
    characters is a stroke, and the signature and the date stay one; a reading that can be print stays."""
    ts = Typesetter()
    for _ in range(3):
        ts.paragraph(FILLER)
    ts._next_row(2)
    ts.right("江西省水利厅", 5.0)
    ts.pages[-1].append(ocr_line(speck, RIGHT - 3 * CH, ts._y() - 0.5 * PITCH, width=width_ch * CH, score=score,
                                 page=ts.number))
    ts.right("2025年5月30日", 4.0)
    ts.paragraph("（此件公开发布）")
    doc = build_document(ts.finish())
    assert (speck not in render_text(doc)) is dropped
    if dropped:
        assert doc.fields.signature == ("江西省水利厅",)
        assert doc.fields.date == "2025-05-30"


@pytest.mark.parametrize(("read", "printer"), [
    ("九江市防汛抗呈指挥部办公室", "九江市防汛抗旱指挥部办公室"),  # a character misread
    ("九江市防汛抗旱指挥部广办公室", "九江市防汛抗旱指挥部办公室"),  # a speck read as a character
    ("九江市防汛抗旱指挥办公室", "九江市防汛抗旱指挥部办公室"),  # lost: the signature spells it as the mark
    ("九江市防汛抗旱指挥部办公厅", "九江市防汛抗旱指挥部办公厅"),  # an office exactly: as read
    ("九江市人民政府办公室", "九江市人民政府办公室"),  # another body: as read
    ("九江市防汛抗呈指挥部办公厅", "九江市防汛抗旱指挥部办公厅"),  # one off 办公厅, two off 办公室: the nearer
    ("九江市防汛抗呈指挥都办公室", "九江市防汛抗旱指挥部办公室"),  # two off a long name (real OCR, 1-bit: 浮又市…)
    ("九江市防汛抗呈指挥都办", "九江市防汛抗呈指挥都办"),  # two off, no name that long: as read
])
def test_the_printer_one_character_off_the_issuers_office_is_spelled_as_the_mark_spells_it(read: str,
                                                                                        printer: str) -> None:
    ts = Typesetter()
    ts.centred("九江市防汛抗旱指挥部文件", ch=80, h=90, red=0.92, advance=2)
    for _ in range(3):
        ts.paragraph(FILLER)
    ts.right("九江市防汛抗旱指挥部", 5.0)
    ts.right("2024年6月21日", 4.0)
    ts._next_row(2)
    top = ts._y()
    ts.put(read, LEFT + CH, y=top)
    ts.put("2024年6月21日印发", RIGHT - CH - text_units("2024年6月21日印发") * CH, y=top)
    ts._next_row()
    assert build_document(ts.finish()).fields.printed_by == printer


def test_a_printer_the_body_spells_as_it_reads_is_not_respelled_as_the_mark() -> None:
    """The mark's large type lost 和 (no seam to restore it at); the body and the printer agree on the name."""
    ts = Typesetter()
    ts.centred("山东省人力资源社会保障厅文件", ch=80, h=90, red=0.92, advance=2)
    for _ in range(3):
        ts.paragraph(FILLER)
    ts.paragraph("联系单位：山东省人力资源和社会保障厅职业能力建设处。")
    ts.right("2024年6月21日", 4.0)
    ts._next_row(2)
    top = ts._y()
    ts.put("山东省人力资源和社会保障厅办公室", LEFT + CH, y=top)
    ts.put("2024年6月21日印发", RIGHT - CH - text_units("2024年6月21日印发") * CH, y=top)
    ts._next_row()
    assert build_document(ts.finish()).fields.printed_by == "山东省人力资源和社会保障厅办公室"


def test_one_character_over_the_signature_is_no_name_even_where_no_seal_was_found() -> None:
    """`良` at 0.29 over the signature: a ring character, from a seal a 1-bit threshold broke past finding."""
    ts = Typesetter()
    for _ in range(3):
        ts.paragraph(FILLER)
    ts._next_row(2)
    ts.pages[-1].append(ocr_line("良", RIGHT - 8 * CH, ts._y(), h=1.6 * LINE_H, score=0.29, page=ts.number))
    ts._next_row()
    ts.right("曲靖市人民政府办公室", 4.0)
    ts.right("2024年4月8日", 4.0)
    doc = build_document(ts.finish())
    assert doc.fields.signature == ("曲靖市人民政府办公室",)
    assert doc.fields.date == "2024-04-08"
    assert "良" not in render_text(doc)


@pytest.mark.parametrize("date", ["2024年5月17日", "二〇二四年五月十七日"])
def test_a_whole_date_in_a_box_the_ring_bent_is_the_date_not_the_seals_text(date: str) -> None:
    """A 150 dpi 1-bit scan: the detector boxed the date with the ring's lower arc, two lines tall and 3.8° off
    the level, as it boxes the ring's own text; a line that reads as a whole date is the 成文日期."""
    ts = Typesetter()
    ts.centred("重庆市渝北区卫生健康委员会文件", ch=80, h=90, red=0.0, advance=2)
    for _ in range(3):
        ts.paragraph(FILLER)
    ts._next_row(2)
    top = ts._y()
    ts.right("重庆市渝北区卫生健康委员会", 4.0)
    ts.right(date, 4.0)
    bottom = ts._y()
    pages = ts.finish()
    last = pages[-1]
    lines = list(last.lines)
    index = next(i for i, line in enumerate(lines) if line.text == date)
    box = lines[index].box
    bent = Box(box.x0, box.y0, box.x1, box.y0 + 2 * LINE_H)
    lean = 0.066 * box.width  # 3.8°
    polygon = ((box.x0, box.y0), (box.x1, box.y0 + lean), (box.x1, bent.y1), (box.x0, bent.y1 - lean))
    lines[index] = replace(lines[index], box=bent, polygon=polygon, score=0.83)
    side = bottom - top + 2 * PITCH
    seal = Seal(last.number, Box(RIGHT - 4 * CH - side, top - PITCH, RIGHT - 4 * CH, top - PITCH + side), "", "shape")
    doc = build_document([*pages[:-1], replace(last, lines=tuple(lines), seals=(seal,))])
    assert doc.fields.date == "2024-05-17"
    assert doc.fields.signature == ("重庆市渝北区卫生健康委员会",)
