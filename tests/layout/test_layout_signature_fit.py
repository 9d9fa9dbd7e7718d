"""A signature under a seal whose own measure shows what the seal did to it (`layout.tail.fit_signature`).

The row's width in body characters and where it stands against the date it was set over (centred over it,
or aligned on one of its ends) tell a reading that lost characters from a name that is short; a reading of
the name's length that the recogniser doubted was garbled. Only then does the issuer's spelling replace it.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from layout_typeset import CH, LINE_H, PITCH, RIGHT, Typesetter, ocr_line

from layout import build_document
from layout.geometry import text_units
from layout.lines import Row
from layout.model import Box, Document, Seal
from layout.tail import fit_signature, is_ring_text, is_squeezed, repair_date_year

FILLER = "根据工作安排，现将有关事项通知如下，请各单位结合实际认真贯彻落实，确保各项工作按时完成。"
DATE = "2024年5月17日"
DATE_X1 = RIGHT - 4 * CH
DATE_X0 = DATE_X1 - text_units(DATE) * CH
DATE_CX = (DATE_X0 + DATE_X1) / 2


def _signed(issuer: str, parts: list[tuple[str, float, float]], *, sealed: bool = True) -> Document:
    """A one-page document by `issuer` whose signature row is read as `parts` (text, left x, score), over the
    date set 4 characters from the right edge, with a seal over both."""
    return _signed_under(issuer, [parts], sealed=sealed)


def _centred_at(name: str) -> float:
    """Left x of `name` set centred over the date."""
    return DATE_CX - text_units(name) * CH / 2


def test_a_row_with_room_for_its_lost_middle_takes_the_issuer() -> None:
    issuer = "重庆市渝北区卫生健康委员会"
    x0 = _centred_at(issuer)
    doc = _signed(issuer, [("重庆北", x0, 1.0), ("委员会", x0 + 9 * CH, 1.0)])
    assert doc.fields.signature == (issuer,)


def test_the_room_is_measured_in_the_characters_of_the_date_under_it() -> None:
    """Signature and date are set in one size, here a tenth wider than the body's characters measure: in body
    characters the row of 山东省 … 保障厅 spans more than the name, in the date's it spans the name."""
    issuer, pitch = "山东省人力资源和社会保障厅", 1.1 * CH
    x0 = DATE_X1 - (text_units(DATE) * pitch + text_units(issuer) * pitch) / 2
    doc = _signed_under(issuer, [[("山东省", x0, 0.98), ("保障厅", x0 + 10 * pitch, 0.98)]], pitch=pitch)
    assert doc.fields.signature == (issuer,)


def test_a_reading_cut_short_where_the_seal_is_takes_the_issuer_that_ends_with_the_date() -> None:
    issuer = "九江市防汛抗旱指挥部"  # set to end where the date ends; its last four characters lost
    x0 = DATE_X1 - text_units(issuer) * CH
    doc = _signed(issuer, [("九江市防汛抗", x0, 0.99)])
    assert doc.fields.signature == (issuer,)


@pytest.mark.parametrize(("read", "issuer"), [("浙江省文过运输户", "浙江省交通运输厅"),
                                              ("郑州杨带斯督健期理局", "郑州市市场监督管理局")])
def test_a_doubted_reading_of_the_names_length_takes_the_issuer(read: str, issuer: str) -> None:
    doc = _signed(issuer, [(read, _centred_at(read), 0.7)])
    assert doc.fields.signature == (issuer,)


@pytest.mark.parametrize(("read", "issuer"), [("民政府", "永泰县人民政府"), ("政府动公室", "洛阳市人民政府办公室")])
def test_a_reading_that_lost_the_names_start_takes_the_issuer_it_ends(read: str, issuer: str) -> None:
    """Set to end where the date ends, the name lost its start under the seal: the reading ends there too, as
    a short name set so would (so its place alone tells nothing), but it ends as the name ends and does not
    begin as the name begins."""
    doc = _signed(issuer, [(read, DATE_X1 - text_units(read) * CH, 0.99)])
    assert doc.fields.signature == (issuer,)


@pytest.mark.parametrize(("score", "fitted"), [(0.84, True), (0.99, False)])
def test_a_doubted_reading_that_lost_its_start_and_garbled_more_takes_the_issuer(score: float, fitted: bool) -> None:
    """`孔抗早指挥部`: its start lost and two characters garbled, 4 of its 6 in the name. Doubted, it is the name;
    read confidently, as little in common is another reading."""
    issuer, read = "九江市防汛抗旱指挥部", "孔抗早指挥部"
    doc = _signed(issuer, [(read, DATE_X1 - text_units(read) * CH, score)])
    assert doc.fields.signature == ((issuer,) if fitted else (read,))


def test_the_end_of_a_name_set_elsewhere_than_over_the_date_stays() -> None:
    doc = _signed("永泰县人民政府", [("民政府", DATE_X0 - 4 * CH, 0.99)])
    assert doc.fields.signature == ("民政府",)


def test_a_confident_reading_of_another_name_stays() -> None:
    doc = _signed("浙江省教育厅", [("浙江省财政厅", _centred_at("浙江省财政厅"), 0.99)])
    assert doc.fields.signature == ("浙江省财政厅",)


@pytest.mark.parametrize(("read", "issuer"), [("国务院", "国务院办公厅"), ("曲靖市人民政府", "曲靖市人民政府办公室")])
def test_a_short_name_set_whole_over_the_date_stays(read: str, issuer: str) -> None:
    doc = _signed(issuer, [(read, _centred_at(read), 0.99)])
    assert doc.fields.signature == (read,)


def test_without_a_seal_nothing_is_fitted() -> None:
    """Only the seal takes a name's start: unsealed, the end of a name over the date is what was printed."""
    issuer = "永泰县人民政府"
    doc = _signed(issuer, [("民政府", DATE_X1 - text_units("民政府") * CH, 0.99)], sealed=False)
    assert doc.fields.signature == ("民政府",)


def test_a_few_characters_in_common_are_no_fit() -> None:
    # 3 of 6 characters of a garbled reading stand in a 13-character name: neither its length nor its place fits
    row_issuers = ["浙江省教育厅", "浙江省财政厅", "浙江省人力资源和社会保障厅"]
    line = ocr_line("省财有以源和", DATE_X0 + 2 * CH, 600, score=0.69, width=8.7 * CH)
    row = Row(1, (line,), line.text)
    date = Box(DATE_X0, 700, DATE_X1, 736)
    assert fit_signature("省财有以源和", row, date, CH, row_issuers) == "省财有以源和"


def test_two_issuers_that_fit_equally_leave_the_reading() -> None:
    line = ocr_line("某某市教育", DATE_X1 - 7 * CH, 600, score=0.7)
    row = Row(1, (line,), line.text)
    date = Box(DATE_X0, 700, DATE_X1, 736)
    assert fit_signature("某某市教育", row, date, CH, ["某某市教育局办", "某某市教育局厅"]) == "某某市教育"


@pytest.mark.parametrize(
    ("read", "years", "expected"),
    [("024年8月26日", [2024], "2024年8月26日"),  # the ring took the year's first digit
     ("24年8月26日", [2024], "2024年8月26日"),
     ("2024年5月17", [2024], "2024年5月17日"),  # ... or the closing 日
     ("2024年5月17", [], "2024年5月17日"),
     ("021年5月1日", [2021, 2024], "2021年5月1日"),
     ("024年8月26日", [2023], "024年8月26日"),  # no year of the document it is part of: as read
     ("4年8月26日", [2024], "2024年8月26日"),  # one digit left, of the one year the document states
     ("4年8月26日", [2024, 2014], "4年8月26日"),  # ...of two it states: no telling
     ("3年8月26日", [2024], "3年8月26日"),  # ...not its last digit
     ("24年8月26日", [2024, 2014], "24年8月26日"),  # two years it could be part of
     ("2024年13月17", [2024], "2024年13月17"),  # no month 13
     ("2024年6月211", [2024], "2024年6月21日"),  # 日 read as a digit: no day has three
     ("2018年6月204", [2018], "2018年6月20日"),
     ("2820年11月294", [2020], "2020年11月29日"),  # ...and a year no date has, a digit from the document's
     ("2820年11月294", [2020, 2810], "2820年11月294"),  # ...of two a digit away: no telling
     ("2820年11月294", [], "2820年11月294"),
     ("2024年5月1711", [2024], "2024年5月17日"),  # ...or as its two uprights, the thin horizontals erased
     ("2024年5月7111", [2024], "2024年5月7111"),  # no day 71, none of three digits: as read
     ("2023年6月28日1", [2023], "2023年6月28日"),
     ("2024年5月78", [2024], "2024年5月7日"),  # no 78th: the 8 is the 日
     ("2023年6月28日l", [], "2023年6月28日"),
     ("2023年6月28日12", [2023], "2023年6月28日12"),  # two more: no arc reads so
     ("2024年5月7A", [2024], "2024年5月7日"),  # ...or as a letter or a box, the ring's arc across it
     ("2024年5月7曰", [], "2024年5月7日"),
     ("2024年5月17目", [2024], "2024年5月17日"),
     ("2024年5月17a", [2024], "2024年5月17a"),  # no capital: no 日 reads so
     ("年8月15日", [2023], "2023年8月15日"),  # the whole year under the seal: the document states one year
     ("年8月15日", [2023, 2024], "年8月15日"),  # ...or two
     ("年八月十五日", [2023], "二〇二三年八月十五日"),
     ("年八月十五日", [2023, 2024], "年八月十五日"),
     ("四年四月十四日", [2024], "二〇二四年四月十四日"),  # only the year's last numeral left
     ("四年四月十四日", [2024, 2023], "四年四月十四日"),
     ("三年四月十四日", [2024], "三年四月十四日")],
)
def test_a_date_that_lost_its_ends_is_whole_again(read: str, years: list[int], expected: str) -> None:
    assert repair_date_year(read, years) == expected


def _signed_under(issuer: str, rows: list[list[tuple[str, float, float]]], *, sealed: bool = True,
                  pitch: float = CH, first_height: float = 1.0, ring: str = "",
                  seal_side: float = 3 * PITCH) -> Document:
    """As `_signed`, with several rows read in the signature's place (each a list of (text, left x, score));
    signature and date set `pitch` px a character (the date still ending 4 body characters from the edge);
    the first row's boxes `first_height` line heights tall, reaching up from their row's foot; the seal's own
    text read as `ring`, its side `seal_side`."""
    ts = Typesetter()
    ts.centred(issuer + "文件", ch=80, h=90, red=0.92, advance=2)
    for _ in range(3):
        ts.paragraph(FILLER)
    ts._next_row(2)
    top = ts._y()
    for k, parts in enumerate(rows):
        y = ts._y()
        h = LINE_H * (first_height if k == 0 else 1.0)
        for text, x0, score in parts:
            ts.pages[-1].append(ocr_line(text, x0, y + LINE_H - h, page=ts.number, score=score, ch=pitch, h=h))
        ts._next_row()
    date_x0 = DATE_X1 - text_units(DATE) * pitch
    ts.pages[-1].append(ocr_line(DATE, date_x0, ts._y(), page=ts.number, ch=pitch))
    ts._next_row()
    ts.paragraph("（此件公开发布）")
    pages = ts.finish()
    if not sealed:
        return build_document(pages)
    side, cx = seal_side, (date_x0 + DATE_X1) / 2
    seal = Seal(1, Box(cx - side / 2, top - PITCH / 2, cx + side / 2, top - PITCH / 2 + side), ring, "shape")
    return build_document([replace(pages[0], seals=(seal,))])


@pytest.mark.parametrize(("ring", "score"), [("上公司", 0.22), ("呼", 1.0), ("33010500", 1.0)])
def test_the_seals_own_text_over_the_signature_is_no_signature(ring: str, score: float) -> None:
    """Read in the signature's place under a seal: an unsure reading that is no issuer's name, one character
    on its own, or no character at all is the ring's text, in no field and not in the text."""
    issuer = "九江市防汛抗旱指挥部"
    doc = _signed_under(issuer, [[(ring, _centred_at(ring), score)], [(issuer, _centred_at(issuer), 1.0)]])
    assert doc.fields.signature == (issuer,)
    assert ring not in [block.text for block in doc.blocks]


@pytest.mark.parametrize(("ring", "issuer"), [("敦师", "江苏省教师培训中心"), ("市公", "郑州市卫生健康委员会")])
def test_ring_text_sharing_a_character_with_the_name_is_still_the_rings(ring: str, issuer: str) -> None:
    """Half of a two-character reading is one character: chance, not the name (the ring's `敦师` at 0.69 over
    江苏省教师培训中心, whose 师 it shares)."""
    doc = _signed_under(issuer, [[(ring, _centred_at(ring), 0.69)], [(issuer, _centred_at(issuer), 1.0)]])
    assert doc.fields.signature == (issuer,)
    assert ring not in [block.text for block in doc.blocks]


def test_ring_text_read_across_the_ring_in_a_tall_box_is_the_rings_whatever_it_shares() -> None:
    """`1小资源` at 0.58 in a box three line heights tall, high in the seal over 山东省人力资源和社会保障厅: the ring's
    characters read across its curve; a printed line is one line high. As tall a box read surely stays."""
    issuer = "山东省人力资源和社会保障厅"
    ring = "1小资源"
    rows = [[(ring, _centred_at(ring), 0.58)], [(issuer, _centred_at(issuer), 1.0)]]
    doc = _signed_under(issuer, rows, first_height=3.0)
    assert doc.fields.signature == (issuer,)
    assert ring not in [block.text for block in doc.blocks]
    assert _signed_under(issuer, rows).fields.signature == (ring, issuer)  # one line high: as before


@pytest.mark.parametrize(("score", "ring"), [(0.76, True), (0.95, False)])
def test_a_tall_box_high_in_the_seal_read_less_than_surely_is_the_rings(score: float, ring: bool) -> None:
    """Real OCR, 1-bit: `和顺公教` at 0.76 in a box 1.9 line heights tall over 和顺县教育局, three of its four
    characters in the name (1.7 here). Read surely (0.95), as tall a box stays."""
    issuer, read = "和顺县教育局", "和顺公教"
    rows = [[(read, _centred_at(read), score)], [(issuer, _centred_at(issuer), 1.0)]]
    doc = _signed_under(issuer, rows, first_height=1.7)
    assert doc.fields.signature == ((issuer,) if ring else (read, issuer))


def test_an_unsure_garbled_signature_that_keeps_half_the_name_is_still_the_signature() -> None:
    issuer = "郑州市市场监督管理局"
    doc = _signed_under(issuer, [[("郑州杨带斯督健期理局", _centred_at(issuer), 0.63)]])
    assert doc.fields.signature == (issuer,)


def test_unsure_signs_beside_a_signature_are_dropped() -> None:
    """`35` and `<` read at 0.2 beside the name (a seal's code, specks): a body's name is written in characters."""
    issuer = "曲靖市人民政府办公室"
    x0 = _centred_at(issuer)
    doc = _signed_under(issuer, [[(issuer, x0, 0.99), ("35", x0 + 10.5 * CH, 0.20)], [("<", x0 + 8 * CH, 0.19)]])
    assert doc.fields.signature == (issuer,)
    text = "".join(block.text for block in doc.blocks)
    assert "35" not in text and "<" not in text


JOINT = ("浙江省教育厅", "浙江省财政厅", "浙江省人力资源和社会保障厅")


def _under_joint_mark(issuers: tuple[str, ...], *, free_rows: int) -> Typesetter:
    """The mark stacking `issuers` (文件 after the last), three body paragraphs, then `free_rows` free rows."""
    ts = Typesetter()
    for name in issuers[:-1]:
        ts.centred(name, ch=70, h=80, red=0.92)
    ts.centred(issuers[-1] + "文件", ch=70, h=80, red=0.92, advance=2)
    for _ in range(3):
        ts.paragraph(FILLER)
    ts._next_row(free_rows)
    return ts


def _joint(read: list[str | None], *, sealed: bool = True, between: str | None = None,
           date_gap: int = 0, issuers: tuple[str, ...] = JOINT, score: float = 0.9) -> Document:
    """A joint document of JOINT (the mark stacks the three, 文件 after the last) signed with rows read as
    `read` (None: a row nothing was read on), each centred over the date, three seals over them; `between`:
    a reading boxed across the first two rows, overlapping the second by a fifth of the pitch; `date_gap`:
    free rows between the last signature row and the date."""
    ts = _under_joint_mark(issuers, free_rows=2)
    top = ts._y()
    if between is not None:
        ts.pages[-1].append(ocr_line(between, _centred_at(between), top + PITCH - 12, page=ts.number, score=1.0))
    for text in read:
        if text is not None:
            ts.pages[-1].append(ocr_line(text, _centred_at(text), ts._y(), page=ts.number, score=score))
        ts._next_row()
    ts._next_row(date_gap)
    ts.right(DATE, 4.0)
    pages = ts.finish()
    if not sealed:
        return build_document(pages)
    side = max(3, len(read)) * PITCH
    seals = tuple(Seal(1, Box(DATE_CX - side + k * side / 2, top, DATE_CX + k * side / 2, top + side), "", "shape")
                  for k in range(3))
    return build_document([replace(pages[0], seals=seals)])


@pytest.mark.parametrize("middle", ["浙江省财资源", "浙江省教育厅", "省财有以源和"])
def test_a_joint_signature_with_one_line_damaged_takes_that_issuer(middle: str) -> None:
    doc = _joint([JOINT[0], middle, JOINT[2]])
    assert doc.fields.issuers == JOINT
    assert doc.fields.signature == JOINT


@pytest.mark.parametrize("read", [["教育", "省财政", JOINT[2]], ["浙江省教育厅", "财政", "人力社会保障"]])
def test_a_joint_signature_with_several_lines_damaged_each_a_part_of_its_issuer_takes_them(read: list[str]) -> None:
    doc = _joint(read)
    assert doc.fields.signature == JOINT


def test_a_joint_signature_with_several_lines_misread_each_reading_as_its_issuer_only_takes_them() -> None:
    """`郑州杨带精健理局` | `郑州市卫` (doubted, 1-bit, two overlapping seals): neither a part of one name only nor
    close enough alone, each reads as its place's issuer better than as the other."""
    issuers = ("郑州市市场监督管理局", "郑州市卫生健康委员会")
    doc = _joint(["郑州杨带精健理局", "郑州市卫"], issuers=issuers, score=0.76)
    assert doc.fields.signature == issuers


def test_a_joint_signature_with_several_lines_damaged_out_of_the_marks_order_stays_as_read() -> None:
    doc = _joint(["教育", "人力社会保障", "财政"])
    assert {"人力社会保障", "财政"} <= set(doc.fields.signature)  # the damaged lines stay as read


@pytest.mark.parametrize(("read", "sealed"), [
    ([JOINT[0], "浙江省财资源"], True),                   # another length: not every issuer signs
    (["省教有", "浙江省财资源", JOINT[2]], True),         # two lines off
    ([JOINT[0], "浙江省财资源", JOINT[2]], False),        # no seal damaged it
])
def test_a_joint_signature_otherwise_stays_as_read(read: list[str], sealed: bool) -> None:
    doc = _joint(read, sealed=sealed)
    assert "浙江省财资源" in doc.fields.signature


@pytest.mark.parametrize(("middle", "last"), [(JOINT[1], JOINT[2]), (JOINT[1], "浙江人力保障厅"), ("浙江省政厅", JOINT[2])])
def test_a_joint_signature_whose_first_line_the_seals_hid_and_whose_others_they_damaged(middle: str, last: str) -> None:
    """Overlapping rings over the first name (nothing read there) and some of the last one's characters lost
    under them: each line read stands for the one issuer it reads as, the first is put back above them
    (`浙江省政厅` reads as 浙江省教育厅 too, but less)."""
    doc = _joint([None, middle, last])
    assert doc.fields.signature == JOINT


def test_a_joint_signature_line_over_a_hidden_line_signs_though_it_stands_further_off() -> None:
    """Set with wider line spacing, the first name stands 3.8 line heights over the last (the hidden line between):
    further than signature lines stand together, but it is the joint signature's first line, not the body's."""
    doc = _joint([JOINT[0], None, None, JOINT[2]])
    assert doc.fields.signature == JOINT


@pytest.mark.parametrize("last", ["浙江，力资社会", "浙江人力资源和社会"])
def test_a_damaged_first_line_over_a_hidden_line_and_a_marked_last_line_sign_all_three(last: str) -> None:
    """A 300 dpi 1-bit scan under three rings: `浙江省教育` (its 厅 lost) stands 3.8 line heights over the last line,
    the middle one hidden; the last reads `浙江，力资社会` (the ring's arc across 省 read as a comma, most of the
    name lost). Each is a damaged line of its place's issuer: all three sign, the hidden one put back."""
    doc = _joint(["浙江省教育", None, None, last])
    assert doc.fields.signature == JOINT


def test_a_joint_signature_line_that_reads_as_no_issuer_of_its_place_stays_so() -> None:
    doc = _joint([None, "浙江省财资源", JOINT[2]])  # reads as the third issuer, in the second's place
    assert "浙江省财资源" in doc.fields.signature


def test_a_joint_signature_line_the_seals_hid_is_put_back_in_its_room() -> None:
    """Three rings over three names on a 1-bit scan: the middle line is not read at all, but the lines above
    and below stand two pitches apart, with the room for it."""
    doc = _joint([JOINT[0], None, JOINT[2]])
    assert doc.fields.signature == JOINT
    assert [b.text for b in doc.blocks if b.type.value == "signature"] == list(JOINT)


def test_a_hidden_joint_line_has_its_room_in_body_lines_where_the_date_stands_further_off() -> None:
    """The date set two rows under the signature: the room for the hidden middle line is a body line's pitch
    (two of them from the first name to the last), not the date's."""
    doc = _joint([JOINT[0], None, JOINT[2]], date_gap=1)
    assert doc.fields.signature == JOINT


def test_a_joint_line_read_as_more_than_one_issuer_takes_the_place_with_the_room() -> None:
    """`浙江省厅` reads as the first issuer and as the second: right over the last one's line, with the free room
    the seals press on above it, it is the second issuer's line and the first was hidden."""
    doc = _joint([None, "浙江省厅", JOINT[2]])
    assert doc.fields.signature == JOINT


def _hidden(issuers: tuple[str, ...], seals: int, free_rows: int) -> Document:
    """Signed by `issuers` (the mark stacks them) with nothing read in the signature's place: the body ends
    `free_rows` rows above the date, and `seals` seals press on the date."""
    ts = _under_joint_mark(issuers, free_rows=free_rows)
    top = ts._y()
    ts.right(DATE, 4.0)
    ts.paragraph("（此件公开发布）")
    pages = ts.finish()
    side = 3 * PITCH
    found = tuple(Seal(1, Box(DATE_CX - side + k * side / 2, top - side / 2, DATE_CX + k * side / 2, top + side / 2),
                       "", "shape") for k in range(seals))
    return build_document([replace(pages[0], seals=found)])


@pytest.mark.parametrize("issuers", [JOINT[:2], JOINT, JOINT[:1]])
def test_a_signature_the_seals_hid_whole_is_every_issuer_one_seal_each(issuers: tuple[str, ...]) -> None:
    """Overlapping rings on a 1-bit scan hid every name: a seal for each issuer presses the date, with the
    names' room above it (GB/T 9704 7.3.5: a sealed document signs, each seal on its issuer's 署名)."""
    doc = _hidden(issuers, seals=len(issuers), free_rows=2)
    assert doc.fields.signature == issuers
    assert doc.fields.date is not None


@pytest.mark.parametrize(("seals", "free_rows"), [(1, 2), (3, 2), (2, 0)])
def test_without_a_seal_for_each_issuer_or_the_room_no_hidden_signature_is_put_back(seals: int,
                                                                                    free_rows: int) -> None:
    doc = _hidden(JOINT[:2], seals=seals, free_rows=free_rows)
    assert doc.fields.signature == ()


def test_without_the_room_no_joint_signature_line_is_put_back() -> None:
    doc = _joint([JOINT[0], JOINT[2]])
    assert doc.fields.signature == (JOINT[0], JOINT[2])


def test_a_piece_of_a_signature_line_read_again_higher_is_dropped() -> None:
    doc = _joint([JOINT[0], "资源和", JOINT[1], JOINT[2]])
    assert doc.fields.signature == JOINT
    assert "资源和" not in [block.text for block in doc.blocks]


@pytest.mark.parametrize(("read", "signed"), [("重庆市渝北区卫生健康委员", "重庆市渝北区卫生健康委员会"),
                                              ("重庆市渝北区卫生健康委员会", "重庆市渝北区卫生健康委员会")])
def test_a_part_of_the_issuer_that_is_no_body_name_takes_the_issuer(read: str, signed: str) -> None:
    """The seal hid the last 会: `…委员` names no body, unlike a short name of its own (`国务院`)."""
    issuer = "重庆市渝北区卫生健康委员会"
    doc = _signed_under(issuer, [[(read, _centred_at(issuer), 0.99)]])
    assert doc.fields.signature == (signed,)


def test_an_unsure_reading_low_in_the_seal_is_kept_whatever_the_issuers_read() -> None:
    """Over the date, where GB/T 9704 sets the signature under the seal's middle, an unsure reading unlike the
    issuer mark's (a mark misread on a 1-bit scan) is the signature, not the ring's text."""
    name = "郑州市市场监督管理局"
    doc = _signed_under("某某县人民政府", [[("上公司", _centred_at("上公司"), 0.22)], [(name, _centred_at(name), 0.6)]])
    assert doc.fields.signature == (name,)


@pytest.mark.parametrize("sealed", [True, False])
def test_a_joint_signatures_first_line_the_seals_hid_is_put_back_over_the_first_read(sealed: bool) -> None:
    """The first of two stacked names lost under the seals (a 1-bit scan): the seals press on the free line
    above the first name read. Without seals reaching there the signature stays as read."""
    doc = _joint([None, JOINT[1], JOINT[2]], sealed=sealed)
    assert doc.fields.signature == (JOINT if sealed else JOINT[1:])


@pytest.mark.parametrize(("lead", "tail"), [("：", ""), (".", ""), ("，", ""), ("", "."), ("", "，"), ("·", ".")])
def test_a_speck_read_beside_a_signature_is_no_part_of_it(lead: str, tail: str) -> None:
    """Before it (a grey scan's `：成都市…`) or after it (real OCR, 1-bit: `遵义市人民政府.`, the dot read `，`)."""
    issuer = "成都市人民政府办公厅"
    doc = _signed(issuer, [(lead + issuer + tail, _centred_at(issuer), 1.0)])
    assert doc.fields.signature == (issuer,)


def test_arc_text_boxed_between_two_signature_lines_is_no_signature() -> None:
    """`教省财` read at 1.00 overlapping the line 浙江省财政厅 under it by a third of its height: two printed lines
    never overlap, so it is the seals' text, in no field and not in the text."""
    doc = _joint(list(JOINT), between="教省财")
    assert doc.fields.signature == JOINT
    assert "教省财" not in "".join(block.text for block in doc.blocks)


def test_a_name_line_read_in_two_pieces_repaired_to_one_name_is_signed_once() -> None:
    """`成都常人` and `有人民政府务公厅`, one printed line the detector read apart, both take the issuer's
    spelling: a body signs once."""
    issuer = "成都市人民政府办公厅"
    x0 = _centred_at(issuer)
    doc = _signed_under(issuer, [[("成都常人", x0, 0.81)], [("有人民政府务公厅", x0 + 2 * CH, 0.85)]])
    assert doc.fields.signature == (issuer,)


@pytest.mark.parametrize(("box_ch", "fitted"), [(6, True), (4, False)])
def test_a_row_with_room_inside_and_lost_past_its_end_takes_the_issuer_laid_out_over_the_date(
        box_ch: int, fitted: bool) -> None:
    """`呼和市机` in a box six characters wide: 浩特 lost inside the box, 关事务管理局 past its end with the box.
    The row shows the loss, and the name laid out from the reading's start is centred over the date; a box the
    reading fills shows nothing lost, and its start alone, on the date's left end, proves nothing."""
    issuer, read, date_text = "呼和浩特市机关事务管理局", "呼和市机", "二〇二四年九月二十四日"
    date = Box(DATE_X1 - text_units(date_text) * CH, 0, DATE_X1, LINE_H)
    x0 = (date.x0 + date.x1) / 2 - text_units(issuer) * CH / 2
    line = ocr_line(read, x0, -2 * LINE_H, width=box_ch * CH)
    signed = fit_signature(read, Row(1, (line,), read), date, CH, [issuer])
    assert signed == (issuer if fitted else read)


@pytest.mark.parametrize(("ring", "fitted"), [("我都市人民政府办公", True), ("", False), ("某某县财政局", False)])
def test_a_reading_half_of_whose_characters_stand_in_the_name_the_ring_spells_takes_it(ring: str,
                                                                                      fitted: bool) -> None:
    """`成者` (都 read without the 阝 the ring crossed) in the slot of 成都市人民政府办公厅, which, laid out from
    its 成, is centred over the date: one of two characters is no evidence alone, but the seal's ring spells the
    name (GB/T 9704: the seal is the issuer's). A ring with no text, or spelling another body, proves nothing."""
    issuer = "成都市人民政府办公厅"
    doc = _signed_under(issuer, [[("成者", _centred_at(issuer), 1.0)]], ring=ring, seal_side=8 * CH)
    assert doc.fields.signature == ((issuer,) if fitted else ("成者",))


@pytest.mark.parametrize(("ring", "fitted"), [("宁陵县人民政府", True), ("", False), ("某某县财政局", False)])
def test_a_sure_reading_of_the_names_length_under_the_ring_that_spells_it_takes_it(ring: str, fitted: bool) -> None:
    """`宁陵之人民政于` read at 0.92 (above GARBLED_SCORE) in the slot of 宁陵县人民政府: five of its seven characters
    stand in the name in order. The recogniser's confidence says nothing under a ring; the ring spelling the name
    says whose it is. No ring text, or another body's, leaves it as read."""
    issuer = "宁陵县人民政府"
    doc = _signed_under(issuer, [[("宁陵之人民政于", _centred_at(issuer), 0.92)]], ring=ring, seal_side=8 * CH)
    assert doc.fields.signature == ((issuer,) if fitted else ("宁陵之人民政于",))


@pytest.mark.parametrize(("ring", "fitted"), [("国务院办公厅", True), ("", False), ("某某县财政局", False)])
def test_a_reading_that_starts_the_name_the_ring_spells_is_that_name(ring: str, fitted: bool) -> None:
    """`国务院办` under the ring of 国务院办公厅, left-aligned with the date as the name would be: 公厅 lost where the
    ring crossed them, nothing in the row's measure shows it, but the seal says whose name it is."""
    issuer = "国务院办公厅"
    x0 = DATE_X1 - text_units(DATE) * CH
    doc = _signed_under(issuer, [[("国务院办", x0, 1.0)]], ring=ring, seal_side=8 * CH)
    assert doc.fields.signature == ((issuer,) if fitted else ("国务院办",))


@pytest.mark.parametrize(("ring", "offset_ch", "fitted"), [("2贵州省人民政府办公厅", 0, True),  # real OCR, 1-bit
                                                           ("2贵州省人民政府办公厅", 3.5, False),  # off the date
                                                           ("", 0, False), ("某某县财政局", 0, False)])
def test_a_run_inside_the_name_the_ring_spells_is_that_name_where_it_lines_up(ring: str, offset_ch: float,
                                                                             fitted: bool) -> None:
    """`府办公` under the ring of 贵州省人民政府办公厅, both its ends lost under the ring, where the name laid out
    from it is centred over the date. Laid out off the date, or under no ring spelling it, it stays as read."""
    issuer = "贵州省人民政府办公厅"
    x0 = _centred_at(issuer) + (issuer.index("府办公") + offset_ch) * CH
    doc = _signed_under(issuer, [[("府办公", x0, 1.0)]], ring=ring, seal_side=8 * CH)
    assert doc.fields.signature == ((issuer,) if fitted else ("府办公",))


@pytest.mark.parametrize(("offset_ch", "fitted"), [(0, True), (3.5, False)])  # laid out off the date: as read
def test_a_run_inside_the_name_with_one_character_misread_is_that_name(offset_ch: float, fitted: bool) -> None:
    """Real OCR, 1-bit: `通运输亍` under the ring of 浙江省交通运输厅, its 厅 misread too."""
    issuer, read = "浙江省交通运输厅", "通运输亍"
    x0 = _centred_at(issuer) + (issuer.index("通") + offset_ch) * CH
    doc = _signed_under(issuer, [[(read, x0, 1.0)]], ring=issuer, seal_side=8 * CH)
    assert doc.fields.signature == ((issuer,) if fitted else (read,))


@pytest.mark.parametrize(("height", "ring"), [(2.3, True), (1.0, False)])
def test_a_tall_reading_over_the_signature_naming_no_issuer_is_ring_text_where_no_seal_was_found(
        height: float, ring: bool) -> None:
    """A 1-bit ring broken past any shape test: its characters read across the curve give a box 2.3 line
    heights tall (`市小` over 芜湖市水利局), which no printed line is; one line high, it is a line of its own."""
    issuer = "芜湖市水利局"
    x0 = _centred_at(issuer)
    doc = _signed_under(issuer, [[("市小", x0, 0.89)], [(issuer, x0, 0.98)]], sealed=False, first_height=height)
    assert doc.fields.signature == ((issuer,) if ring else ("市小", issuer))


LUOYANG = ("洛阳市市场监督管理局", "洛阳市商务局")


def _under_two_rings(read: str, *, rings: int = 2, issuers: tuple[str, ...] = LUOYANG) -> bool:
    """`read` at 0.97 in a row where `rings` seals of `issuers` overlap, high in both: is it ring text?"""
    line = ocr_line(read, DATE_X0 - 2 * CH, 600, score=0.97)
    row = Row(1, (line,), line.text)
    side = 10 * CH
    seals = [Seal(1, Box(DATE_X0 - 3 * CH + k * 5 * CH, 570, DATE_X0 - 3 * CH + k * 5 * CH + side, 570 + side),
                  "", "shape") for k in range(rings)]
    return is_ring_text(read, [row], issuers, seals, LINE_H)


@pytest.mark.parametrize(("read", "rings", "ring_text"),
                         [("市场监督阳市商务", 2, True),
                          ("市场监督阳市商务", 1, False),  # one ring: no two arcs meet
                          ("洛阳市场监督管理局", 2, False),  # 洛阳市 + 场监督管理局, all of it in the first name
                          ("洛阳市市场监督管理局", 2, False)])
def test_the_arcs_of_two_rings_read_as_one_line_are_ring_text(read: str, rings: int, ring_text: bool) -> None:
    """`市场监督阳市商务`, read at 0.97 where the rings of the two issuers overlap over the signature: 市场监督 of
    one name, 阳市商务 of the other, neither holding most of it, is the rings' text; a damaged signature made of
    pieces of both names that one name holds is not."""
    assert _under_two_rings(read, rings=rings) is ring_text


NINGBO = ("国家税务总局宁波市税务局", "宁波市财政局")


@pytest.mark.parametrize(("read", "rings", "ring_text"),
                         [("局宁波市财政", 2, True),  # 局 ending the first name, 宁波市财政 starting the second
                          ("务局宁波市财", 2, True),
                          ("局宁波市财政", 1, False),  # one ring: no two names meet
                          ("宁波市财政局", 2, False),
                          ("国家税务总局宁波市税务局", 2, False),
                          ("局宁波市", 2, False)])  # stands in the first name (总局宁波市): a damaged signature
def test_one_names_end_run_on_into_anothers_start_is_the_rings_text(read: str, rings: int, ring_text: bool) -> None:
    """Where two rings overlap, the end of one seal's name stands beside the start of the other's; read as one
    line, it is ring text even though most of it stands in one name."""
    assert _under_two_rings(read, rings=rings, issuers=NINGBO) is ring_text


@pytest.mark.parametrize("read", ["洛阳市场监督管理局", "洛阳市市场监督管理局"])
def test_a_damaged_name_made_of_pieces_of_both_is_still_a_signature(read: str) -> None:
    """`洛阳市场监督管理局` is 洛阳市 of one name and 场监督管理局 of the other, but all of it stands in the first: a
    signature line read damaged, not the rings' text."""
    doc = _joint([read, "洛阳市商务局"], issuers=LUOYANG, score=0.97)
    assert doc.fields.signature == LUOYANG


@pytest.mark.parametrize(("read", "shift_ch", "fitted"),
                         [("永泰县", 0, True),
                          ("永泰县", 3, False),  # laid out from where it stands, the name is off the date
                          ("泰县", 0, False)])  # no start of the name
def test_a_reading_that_stops_at_its_place_takes_the_name_laid_out_over_the_date(read: str, shift_ch: float,
                                                                                  fitted: bool) -> None:
    """`永泰县`, the ring over 人民政府: a place signs no document (永泰县 signs as 永泰县人民政府; 国务院 is a body),
    so a reading that stops at a place's level lost the rest of the name, when the name laid out from it is
    centred over the date."""
    issuer = "永泰县人民政府"
    doc = _signed(issuer, [(read, _centred_at(issuer) - shift_ch * CH, 0.99)])
    assert doc.fields.signature == ((issuer,) if fitted else (read,))


@pytest.mark.parametrize(("room", "squeezed"), [(0.5, True), (0.85, True), (1.0, False), (1.6, False)])
def test_a_row_with_less_than_a_lines_room_between_its_neighbours_is_squeezed(room: float, squeezed: bool) -> None:
    """`三` read between the signature and the date (a 1-bit scan: it and `公` were the seal's ink) with half a
    line of room between them: no printed line fits there."""
    rows = [Row(1, (line,), line.text) for line in (ocr_line("福建省卫生健康委员会办公室", 400, 500),
                                                    ocr_line("三", 400, 500 + LINE_H + (room - 1) * LINE_H / 2),
                                                    ocr_line(DATE, 400, 500 + LINE_H + room * LINE_H))]
    assert is_squeezed([[row] for row in rows], 1, LINE_H) is squeezed
