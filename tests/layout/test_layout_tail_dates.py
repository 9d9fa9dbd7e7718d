"""A Chinese-numeral 成文日期 whose thin 〇 the OCR lost under the seal takes the document's own year."""

from __future__ import annotations

import pytest
from layout_typeset import CH, LEFT, RIGHT, Typesetter

from layout import build_document
from layout.geometry import text_units

FILLER = "根据工作安排，现将有关事项通知如下，请各单位结合实际认真贯彻落实，确保各项工作按时完成。"


def _doc(date: str, printed_year: int | None) -> Typesetter:
    ts = Typesetter()
    for _ in range(3):
        ts.paragraph(FILLER)
    ts.right("重庆市渝北区卫生健康委员会", 5.0)
    ts.right(date, 4.0)
    if printed_year is not None:
        top = ts._y()
        ts.put("重庆市渝北区卫生健康委员会办公室", LEFT + CH, y=top)
        printed = f"{printed_year}年5月7日印发"
        ts.put(printed, RIGHT - CH - text_units(printed) * CH, y=top)
        ts._next_row()
    return ts


def _assert_the_date_is_repaired(read: str, year: int, printed: str, iso: str) -> None:
    """The date read as `read` under the seal comes back as `printed` (`iso` in the fields), the signature
    above it whole."""
    doc = build_document(_doc(read, year).finish())
    assert doc.fields.date == iso
    assert doc.fields.signature == ("重庆市渝北区卫生健康委员会",)
    assert printed in [b.text for b in doc.blocks]


@pytest.mark.parametrize(
    ("read", "year", "printed", "iso"),
    [
        ("二二四年五月七日", 2024, "二〇二四年五月七日", "2024-05-07"),
        ("二二四年十一月二十日", 2024, "二〇二四年十一月二十日", "2024-11-20"),
        ("二一〇年十二月三十一日", 2010, "二〇一〇年十二月三十一日", "2010-12-31"),
        ("二〇一年十二月三十一日", 2010, "二〇一〇年十二月三十一日", "2010-12-31"),  # not tuned on: either 〇
    ],
)
def test_a_date_that_lost_its_zero_takes_the_year_the_document_states(read: str, year: int, printed: str,
                                                                     iso: str) -> None:
    _assert_the_date_is_repaired(read, year, printed, iso)


@pytest.mark.parametrize(
    ("read", "printed", "iso"),
    [("二二四年五月七日", "二〇二四年五月七日", "2024-05-07"),  # no doc number, no 印发 line: 二二四 is only 2024
     ("二一〇年十二月三十一日", "二〇一〇年十二月三十一日", "2010-12-31")],
)
def test_a_date_that_lost_its_zero_in_a_document_stating_no_year_takes_the_one_year_it_can_be(
        read: str, printed: str, iso: str) -> None:
    doc = build_document(_doc(read, None).finish())
    assert doc.fields.date == iso
    assert printed in [b.text for b in doc.blocks]


@pytest.mark.parametrize(("read", "year"), [("二〇二年五月七日", None),  # 二〇二〇 or 二〇〇二: no telling
                                            ("一九五年七月十四日", None),  # 一九〇五 or 一九五〇
                                            ("二二四年五月七日", 2021),
                                            ("二二五年七月十四日", 2005),  # 二〇〇五 lost two: not one 〇
                                            ("二〇二二四年五月七日", None)])  # no year 0224
def test_without_a_year_to_match_the_reading_is_left_as_it_is(read: str, year: int | None) -> None:
    doc = build_document(_doc(read, year).finish())
    assert read in [b.text for b in doc.blocks]
    assert doc.fields.date is None


@pytest.mark.parametrize(
    ("read", "year", "printed", "iso"),
    [
        ("二四年三月十八日", 2024, "二〇二四年三月十八日", "2024-03-18"),  # the star hid 〇 and 二
        ("四年三月十八日", 2024, "二〇二四年三月十八日", "2024-03-18"),  # ...and the first 二: the one year stated
        ("二〇つ五年七月十四日", 2005, "二〇〇五年七月十四日", "2005-07-14"),  # one numeral misread
        ("二二四年六月五", 2024, "二〇二四年六月五日", "2024-06-05"),  # the ring took the 日 as well
        ("二〇八年六月二十日", 2018, "二〇一八年六月二十日", "2018-06-20"),  # a thin 一 lost, not a 〇
        ("二〇二二四年五月七日", 2024, "二〇二四年五月七日", "2024-05-07"),  # one numeral read twice: no year 0224
    ],
)
def test_a_year_the_seal_damaged_takes_the_year_the_document_states(read: str, year: int, printed: str,
                                                                   iso: str) -> None:
    _assert_the_date_is_repaired(read, year, printed, iso)


@pytest.mark.parametrize(("read", "year"), [("二〇つ五年七月十四日", 2024),  # read whole, two numerals off
                                            ("二四年三月十八日", None),  # no year stated
                                            ("三年三月十八日", 2024)])  # three lost, the one left another's
def test_a_damaged_year_without_a_close_year_of_the_document_stays_as_read(read: str, year: int | None) -> None:
    doc = build_document(_doc(read, year).finish())
    assert doc.fields.date is None


@pytest.mark.parametrize(
    ("read", "year", "printed", "iso"),
    [
        ("二（）二三年十一月六日", 2023, "二〇二三年十一月六日", "2023-11-06"),  # a 1-bit 〇 kept only its sides
        ("二〇二三年八月半五日", 2023, "二〇二三年八月十五日", "2023-08-15"),  # specks beside 十's upright
        ("二〇二四年千一月二十四日", 2024, "二〇二四年十一月二十四日", "2024-11-24"),  # a speck over 十's top
        ("二〇三年八月十五1日", 2023, "二〇二三年八月十五日", "2023-08-15"),  # the ring's upright arc read 1
        ("二〇二年年十一月六日", 2023, "二〇二三年十一月六日", "2023-11-06"),  # 三 read as the 年 beside it
        ("二二四年七月十人日", 2024, "二〇二四年七月十八日", "2024-07-18"),  # 八 joined at its top
        ("二十四年九月十二日", 2024, "二〇二四年九月十二日", "2024-09-12"),  # the ring across 〇, a 二 lost
        ("二〇二三年九月二十（日", 2023, "二〇二三年九月二十八日", "2023-09-28"),  # 八's right stroke broken off
        ("二〇二四年六月二一日", 2024, "二〇二四年六月二十一日", "2024-06-21"),  # the thin 十 lost: no day 二一
        ("二〇二四年一月三一日", 2024, "二〇二四年一月三十一日", "2024-01-31"),
        ("二〇二四年三月十上日", 2024, "二〇二四年三月十二日", "2024-03-12"),  # an upright across 二
        ("二（二三年六月二八日", 2023, "二〇二三年六月二十八日", "2023-06-28"),  # one side of 〇 left, 十 lost
        ("二〇二四年七月十八、日", 2024, "二〇二四年七月十八日", "2024-07-18"),  # a speck read as 、
        ("二〇二四年五月土日", 2024, "二〇二四年五月二日", "2024-05-02"),
    ],
)
def test_numerals_misread_into_other_characters_are_numerals_again(read: str, year: int, printed: str,
                                                                  iso: str) -> None:
    _assert_the_date_is_repaired(read, year, printed, iso)


@pytest.mark.parametrize(
    ("read", "year", "printed", "iso"),
    [
        ("二〇二四年五七日", 2024, "二〇二四年五月七日", "2024-05-07"),  # the ring took the 月
        ("二四年五方七日", 2024, "二〇二四年五月七日", "2024-05-07"),  # ...or made it another character
        ("2024年517日", 2024, "2024年5月17日", "2024-05-17"),  # 51月7日 is no month
        ("二〇二四年十二五日", 2024, "二〇二四年十二月五日", "2024-12-05"),  # 十月二五日 is no day
        ("2024年3N181", 2024, "2024年3月18日", "2024-03-18"),  # 月 a letter, 日 a third digit
        ("2024年3N18", 2024, "2024年3月18日", "2024-03-18"),  # ...or lost
    ],
)
def test_a_date_that_lost_its_month_mark_gets_it_back(read: str, year: int, printed: str, iso: str) -> None:
    _assert_the_date_is_repaired(read, year, printed, iso)


@pytest.mark.parametrize("read", ["2024年112日", "2024年123日", "2024年5方1方7日"])
def test_a_date_whose_month_mark_could_stand_in_two_places_stays_as_read(read: str) -> None:
    """1月12日 or 11月2日, 1月23日 or 12月3日; two characters where the mark was: no telling."""
    from layout.patterns import month_mark_restored

    assert month_mark_restored(read) == read


def test_a_year_numeral_read_as_a_letter_is_its_zero_without_another_year_to_match() -> None:
    """A 1-bit 〇 that lost its right side reads `C`; no letter stands in a year spelled in numerals."""
    doc = build_document(_doc("二C二四年六月二十一日", None).finish())
    assert doc.fields.date == "2024-06-21"
    assert "二〇二四年六月二十一日" in [b.text for b in doc.blocks]


@pytest.mark.parametrize("text", ["十年来成效显著", "二〇二四年十月底", "2024年3月半日", "人民政府", "二〇二四年1月"])
def test_other_lines_keep_their_characters(text: str) -> None:
    from layout.patterns import date_numerals

    assert date_numerals(text) == text


@pytest.mark.parametrize(("read", "sealed"), [("五年七月十四日", False), ("四年月", True),
                                              ("四年八月二十米日", True)])  # the ring's arc across 六
def test_a_damaged_date_ends_the_signature_with_or_without_a_seal_found(read: str, sealed: bool) -> None:
    """A seal too faint to find still damaged the date: a line whose month and day read whole ends the
    signature above it without one; a line with less of a date in it (`四年月`), or one other character in a
    date's whole frame (`四年八月二十米日`), only under a found seal."""
    from dataclasses import replace

    from layout.model import Box, Seal

    ts = _doc(read, None)
    pages = ts.finish()
    if sealed:
        pages = [replace(pages[0], seals=(Seal(1, Box(RIGHT - 12 * CH, 300, RIGHT, 2000), "", "shape"),))]
    doc = build_document(pages)
    assert doc.fields.signature == ("重庆市渝北区卫生健康委员会",)
    assert read in [b.text for b in doc.blocks if b.type.value == "date"]


@pytest.mark.parametrize(("text", "damaged"), [("四年八月二十米日", True), ("2024年8月1米日", True), ("2024年A月日", True),
                                               ("四年月", True), ("关于2024年8月", False), ("今年八月的日", False),
                                               ("2024年度8月", False), ("二〇二四年八月二十六日", False)])
def test_a_damaged_date_is_numerals_in_its_frame_with_at_most_one_other_character(text: str, damaged: bool) -> None:
    from layout.patterns import is_damaged_date_line

    assert is_damaged_date_line(text) is damaged


@pytest.mark.parametrize("text", ["2024年13N1", "2024年3N", "2024年3月18日"])
def test_a_letter_month_mark_needs_a_month_and_a_day_round_it(text: str) -> None:
    from layout.patterns import month_mark_restored

    assert month_mark_restored(text) == text
