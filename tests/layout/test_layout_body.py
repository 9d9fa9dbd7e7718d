"""Paragraphs, headings and page-break joins."""

from __future__ import annotations

import pytest
from layout_typeset import CH, LEFT, RIGHT, ROWS, Typesetter, ocr_line

from layout import build_document, render_text
from layout.body import LineFacts, is_run_in, starts_block
from layout.model import Block, BlockType, Document

FULL = "全区基层医疗机构累计采购药品六千余万元其中基药四千余万元"  # 28 characters: one full line


FILLER = "为深入贯彻落实基层卫生健康工作要求，进一步提升基层医疗卫生服务能力，现将有关事项通知如下，请认真抓好落实。"


def _doc(build: list[tuple[str, str]], *, start_row: int = ROWS - 2, **options: object) -> Document:
    """A document whose page 1 holds filler paragraphs up to `start_row`, then `build`."""
    ts = Typesetter(**options)  # type: ignore[arg-type]
    while ts.row < start_row - 2:
        ts.paragraph(FILLER)
    ts.row = start_row
    for kind, text in build:
        if kind == "break":
            ts.new_page()
        elif kind == "flush":
            ts.paragraph(text, 0)
        elif kind == "lines":  # explicit printed lines: first indented, all but the last full width
            pieces = text.split("|")
            for i, piece in enumerate(pieces):
                indent = 2 if i == 0 else 0
                width = (RIGHT - LEFT - indent * CH) if i < len(pieces) - 1 else None
                line = ocr_line(piece, LEFT + indent * CH, ts._y(), page=ts.number, width=width)
                ts.pages[-1].append(line)
                ts._next_row()
        else:
            ts.paragraph(text, 2)
    return build_document(ts.finish())


def _blocks(doc: Document) -> list[Block]:
    return [block for block in doc.blocks if block.text != FILLER]


def _texts(doc: Document) -> list[str]:
    """The clean text lines after the filler."""
    return [line for line in render_text(doc).splitlines() if line != FILLER]


@pytest.mark.parametrize(
    ("previous", "line", "expected"),
    [
        (None, LineFacts("正文", 0, 0), True),
        (LineFacts("全区基层医疗机构", 0, 0), LineFacts("累计采购药品", 0, 5), False),  # plain continuation
        (LineFacts("全区基层医疗机构", 0, 0), LineFacts("累计采购药品", 2, 5), True),  # indented: new paragraph
        (LineFacts("现将办理情况答复如下：", 0, 9), LineFacts("坚持基药主导", 0, 0), True),  # short line before
        (LineFacts("高于市级要求比例。", 0, 0), LineFacts("下一句接着写", 0, 0), False),  # 。 at the very end
        (LineFacts("高于市级要求比例。", 0, 0), LineFacts("一、关于设施设备", 0, 0), True),  # heading after 。
        (LineFacts("覆盖全区所有的", 0, 0), LineFacts("一、二级医院均已完成", 0, 0), False),  # not a heading
        (LineFacts("重庆市渝北区卫生健康委员会", 12, 4), LineFacts("2024年5月15日", 0, 0), True),  # right-aligned
        (LineFacts("二〇二三年六月二十八日", 13.6, 0.06), LineFacts("（此件公开发布）", 0, 17), True),  # set to the edge
        (LineFacts("全区", 0, 0.6), LineFacts("继续", 0.4, 0), False),  # OCR jitter: still flush
        (LineFacts("全区", 0, 0), LineFacts("构、美容培训机构", -1.8, 0), False),  # box spilling left over a speck
        # line-breaking rule (禁则): a character carried down with the closing mark after it, or an opening
        # bracket moved down, leaves the line above one character short; a second character short is not that
        (LineFacts("资源不足的建", 2, 1.6), LineFacts("议》（第333号提案）收悉", 0, 0), False),
        (LineFacts("经与区住房城乡建委", 0, 1.6), LineFacts("《关于加快解决", 0, 0), False),
        (LineFacts("资源不足的建", 2, 1.6), LineFacts("议案收悉，经与", 0, 0), True),
        (LineFacts("资源不足的建", 2, 2.6), LineFacts("议》（第333号提案）收悉", 0, 0), True),
        # a Latin or digit run is set whole: one that did not fit leaves the line above short by its width
        (LineFacts("则由城市更新公司负责在", 0, 3.4), LineFacts("E4-2-3/03地块中选出", 0, 0), False),
        (LineFacts("则由城市更新公司负责在", 0, 3.4), LineFacts("地块中选出2100平方米", 0, 0), True),
        (LineFacts("则由城市更新公司负责在", 0, 6.5), LineFacts("E4-2-3/03地块中选出", 0, 0), True),
        # the 版记's lines stand alone, though set a character in from the edges in smaller type (GB/T 9704 7.4)
        (LineFacts("抄送：人力资源社会保障部办公厅，省人民政府办公厅，省司法厅。", 0, 1.2),
         LineFacts("山东省人力资源和社会保障厅办公室 2023年8月15日印发", 0, 1.2), True),
        (LineFacts("我局将会同有关部门认真研究，及时反馈办理结", 0, 0.2),
         LineFacts("抄送：市委办公厅，市政府办公厅。", 0, 14), True),
    ],
)
def test_starts_block(previous: LineFacts | None, line: LineFacts, expected: bool) -> None:
    assert starts_block(previous, line) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("（一）建设标准化卫生室。自2016年以来，全区累计投入资金。", True),
        ("（一）完善用药衔接机制", False),
        ("一、关于基层医疗机构用药限制大，药品种类不足", False),
        ("（一）加强组织领导。", False),
        ("1.落实基本药物制度。一是加强规范管理。", True),
        ("普通段落。没有标题。", False),
    ],
)
def test_run_in_heading(text: str, expected: bool) -> None:
    assert is_run_in(text) is expected


def test_paragraph_continues_across_a_page_break_mid_sentence() -> None:
    text = FULL[2:] + FULL + "印发《渝北区基层医疗机构实施方案》等。"
    doc = _doc([("p", text), ("p", "第二段落的内容。")], start_row=ROWS - 2)
    assert _texts(doc) == [text, "第二段落的内容。"]
    assert _blocks(doc)[0].pages == (1, 2)


def test_sentence_ending_exactly_at_the_line_end_then_indented_paragraph_on_the_next_page() -> None:
    first = FULL[2:-1] + "。"  # 26 characters after the indent: ends exactly at the right edge
    doc = _doc([("p", FULL[2:] + first), ("p", "新的一段从下一页开始。")], start_row=ROWS - 2)
    assert _texts(doc) == [FULL[2:] + first, "新的一段从下一页开始。"]


def test_sentence_ending_at_the_line_end_continues_when_the_next_page_starts_flush_left() -> None:
    text = FULL[2:-1] + "。" + "二是加强督导问效，建立区镇两级督导考核机制。"
    doc = _doc([("p", text)], start_row=ROWS - 1)
    assert _texts(doc) == [text]
    assert _blocks(doc)[0].pages == (1, 2)


def test_heading_at_the_top_of_page_two() -> None:
    doc = _doc([("p", FULL[2:] + FULL[:-1] + "。"), ("p", "二、关于基层医疗机构设施设备落后"), ("p", "我委高度重视。")],
               start_row=ROWS - 2)
    assert [b.type for b in _blocks(doc)] == [BlockType.PARAGRAPH, BlockType.HEADING, BlockType.PARAGRAPH]
    assert _blocks(doc)[1].level == 1
    assert _blocks(doc)[1].pages == (2,)


@pytest.mark.parametrize(
    ("heading", "level"),
    [("一、关于基层医疗机构用药限制大", 1), ("（二）加强药学人才培养", 2), ("3.落实基本药物制度", 3),
     ("3．落实基本药物制度", 3), ("（4）优先配备使用", 4)],
)
def test_heading_levels(heading: str, level: int) -> None:
    doc = _doc([("p", heading), ("p", "正文内容。")], start_row=6)
    block = doc.blocks[-2]
    assert (block.type, block.level, block.text) == (BlockType.HEADING, level, heading)


def test_run_in_heading_stays_one_paragraph() -> None:
    text = "（一）建设标准化卫生室。自2016年以来，全区累计投入资金用于村卫生室标准化建设，覆盖所有行政村。"
    doc = _doc([("p", text)], start_row=6)
    assert (doc.blocks[-1].type, doc.blocks[-1].text) == (BlockType.PARAGRAPH, text)


def test_long_heading_wrapping_onto_a_second_line_stays_one_heading() -> None:
    heading = "一、关于基层医疗机构用药限制大药品种类不足以及设施设备落后人才队伍不稳定的问题"
    doc = _doc([("p", heading), ("p", "正文内容。")], start_row=6)
    assert (doc.blocks[-2].type, doc.blocks[-2].text) == (BlockType.HEADING, heading)


def test_latin_words_keep_one_space_across_a_line_break() -> None:
    doc = _doc([("lines", "项目采用开源的光学字符识别引擎，版本为PaddleOCR|engine version 3.7 with the small models。")],
               start_row=6)
    assert _texts(doc) == ["项目采用开源的光学字符识别引擎，版本为PaddleOCR engine version 3.7 with the small models。"]


def test_flush_left_paragraph_after_a_short_line() -> None:
    doc = _doc([("p", "第一段。"), ("flush", "不缩进的一段文字。")], start_row=6)
    assert _texts(doc) == ["第一段。", "不缩进的一段文字。"]


def test_numbered_sentence_over_several_lines_is_a_paragraph() -> None:
    text = "四、有关县（市）人民政府是示范区建设的责任主体，要加强组织领导，落实工作责任，严格项目管理，确保各项建设任务按期完成。"
    doc = _doc([("p", text)], start_row=6)
    assert (doc.blocks[-1].type, doc.blocks[-1].text) == (BlockType.PARAGRAPH, text)


@pytest.mark.parametrize("speck", ["．", "．．", ".", "·"])
def test_a_dot_read_at_the_start_of_a_wrapped_line_is_a_speck(speck: str) -> None:
    """No line of a paragraph starts with a stop (行首禁则): read there before a character, it is a speck."""
    doc = _doc([("lines", f"抄送：省人大常委会代表工作委员会，省政府办公厅，温州市人|{speck}民政府。")], start_row=6)
    assert doc.fields.cc == ("省人大常委会代表工作委员会", "省政府办公厅", "温州市人民政府")


def test_a_comma_at_the_start_of_a_wrapped_line_stays() -> None:
    """A typesetter without 禁则 sets a comma at a line's start: it is the text's."""
    doc = _doc([("lines", "抄送：省人大常委会代表工作委员会，省政府办公厅，温州市人民政府|，市交通运输局。")], start_row=6)
    assert doc.fields.cc == ("省人大常委会代表工作委员会", "省政府办公厅", "温州市人民政府", "市交通运输局")


def test_a_mark_at_the_start_of_a_wrapped_latin_line_stays() -> None:
    doc = _doc([("lines", "电子邮箱地址为本中心开放平台的注册邮箱pxzx_js@163|.com，请查收。")], start_row=6)
    assert _texts(doc) == ["电子邮箱地址为本中心开放平台的注册邮箱pxzx_js@163.com，请查收。"]


H1, H2, H3 = "关于加密接驳线路", "关于延长末班车时间", "关于新建公交首末站"


@pytest.mark.parametrize(("read", "printed"), [
    ([f"，{H1}", f"二、{H2}", f"三、{H3}"], ["一", "二", "三"]),  # the first heading's 一 erased
    ([f"一、{H1}", f"，{H2}", f"三、{H3}"], ["一", "二", "三"]),
    ([f"，{H1}", f"，{H2}", f"、{H3}"], ["一", "二", "三"]),  # every numeral erased: counted in order
    ([f"一、{H1}", f"二、{H2}", f"，{H3}"], ["一", "二", "三"]),
])
def test_a_heading_whose_numeral_the_threshold_erased_takes_its_place_in_the_numbering(read: list[str],
                                                                                    printed: list[str]) -> None:
    """No paragraph opens with a comma: a `，` or `、` before the first word is a level-1 marker whose thin
    numeral a 1-bit threshold erased; the numbering (一、二、三、 in order) says which."""
    build = [item for text in read for item in (("p", text), ("p", "正文内容。"))]
    headings = [b for b in _doc(build, start_row=6).blocks if b.type is BlockType.HEADING]
    assert [(b.text, b.level) for b in headings] == [(f"{n}、{h}", 1) for n, h in zip(printed, (H1, H2, H3))]


def test_a_lost_numeral_the_numbering_does_not_agree_on_stays_as_read() -> None:
    """一、 then a lost one then 四、: the lost one is no 二 (or the 四 is misread); the paragraph stays as read."""
    build = [("p", f"一、{H1}"), ("p", "正文内容。"), ("p", f"，{H2}"), ("p", "正文内容。"), ("p", f"四、{H3}")]
    assert f"，{H2}" in [b.text for b in _doc(build, start_row=6).blocks]


S1, S2, S3 = "山东省职业技能等级认定工作规程（试行）", "山东省就业见习管理办法", "山东省技工院校学生资助办法"


@pytest.mark.parametrize(("read", "printed"), [
    ([f"（）{S1}", f"（二）{S2}"], ["（一）", "（二）"]),  # real OCR, 1-bit: the first 一 erased
    ([f"（一）{S1}", f"（）{S2}", f"（三）{S3}"], ["（一）", "（二）", "（三）"]),
    ([f"（）{S1}", f"（四）{S2}"], [f"（）{S1}", "（四）"]),  # the numbering after disagrees: as read
])
def test_a_second_level_heading_whose_numeral_the_threshold_erased_takes_its_place(read: list[str],
                                                                                printed: list[str]) -> None:
    """No paragraph opens with empty brackets: `（）` before the first word is a level-2 marker whose numeral (一,
    二, 三: thin horizontals only) a 1-bit threshold erased; its place under the level-1 heading says which."""
    build = [("p", f"一、{H1}")] + [item for text in read for item in (("p", text), ("p", "正文内容。"))]
    texts = [b.text for b in _doc(build, start_row=6).blocks]
    starts = [t for t in texts if t.startswith("（")]
    assert [t if t.startswith("（）") else t[:t.index("）") + 1] for t in starts] == printed


def test_a_second_level_count_starts_again_under_each_first_level_heading() -> None:
    build = [("p", f"一、{H1}"), ("p", f"（一）{S1}"), ("p", f"（二）{S2}"), ("p", f"二、{H2}"), ("p", f"（）{S3}"),
             ("p", "正文内容。")]
    assert f"（一）{S3}" in [b.text for b in _doc(build, start_row=6).blocks]
