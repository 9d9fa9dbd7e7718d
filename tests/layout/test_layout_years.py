"""The doc number, the date and the 印发 date state one year: a 1-bit scan's `1` for a `4` is repaired from
the others (`layout.years`)."""

from __future__ import annotations

import dataclasses

import pytest
from layout_typeset import CH, LEFT, RIGHT, Typesetter

from layout import build_document, render_text
from layout.geometry import text_units
from layout.model import Box, OcrLine, Seal
from layout.years import (
    date_before_printing,
    day_tens_from_printing,
    eroded_reading,
    in_printing_year,
    month_from_printing,
    numeral_from_printing,
    numerals_without_crossing,
    printed_years,
    printing_after_date,
    printing_of_no_day,
    year_from_printing,
)

FILLER = "根据工作安排，现将有关事项通知如下，请各单位结合实际认真贯彻落实，确保各项工作按时完成。"
CITED = "2021年以前，我区医共体建设主要形式为分别组建两个区域医共体，现已全部完成整合工作。"


def _pages(number: str, date: str, printed: str | None, *, cited: str = CITED) -> list:
    """A 呼和浩特 notice numbered `number`, dated `date` (as read), with a 印发 line `printed` (as read)."""
    ts = Typesetter()
    ts.centred("呼和浩特市机关事务管理局文件", ch=80, h=90, red=0.92, advance=2)
    ts.centred(f"呼机管发〔{number}〕19号", advance=2)
    ts.centred("关于做好国庆节期间市级机关办公区安全工作的通知", ch=46, h=69)
    ts._next_row()
    ts.paragraph("各有关单位：", 0)
    ts.paragraph(cited)
    for _ in range(2):
        ts.paragraph(FILLER)
    ts.right("呼和浩特市机关事务管理局", 4.0)
    ts.right(date, 4.0)
    if printed is not None:
        top = ts._y()
        ts.put("呼和浩特市机关事务管理局办公室", LEFT + CH, y=top)
        ts.put(printed, RIGHT - CH - text_units(printed) * CH, y=top)
        ts._next_row()
    return ts.finish()


def _doc(number_year: str, date_year: str, printed_year: str | None):
    printed = f"{printed_year}年9月24日印发" if printed_year is not None else None
    return build_document(_pages(number_year, f"{date_year}年9月24日", printed))


@pytest.mark.parametrize(("number", "date", "printed"), [
    ("2024", "2021", "2021"),  # the date and the 印发 line eroded, the number not
    ("2021", "2024", "2024"),  # the number eroded
    ("2024", "2024", "2021"),  # the 印发 line eroded
    ("2024", "2021", None),
    ("2021", "2024", None),
])
def test_a_year_read_with_a_1_for_a_4_takes_the_document_year(number: str, date: str, printed: str | None) -> None:
    doc = _doc(number, date, printed)
    assert doc.fields.doc_number == "呼机管发〔2024〕19号"
    assert doc.fields.date == "2024-09-24"
    if printed is not None:
        assert doc.fields.printed_date == "2024-09-24"
    text = render_text(doc)
    assert "2021年以前" in text  # a year the body cites is not the document's year
    assert "〔2021〕" not in text and "2021年9月24日" not in text


@pytest.mark.parametrize("number", ["202↓", "20?4"])
def test_a_number_year_with_a_digit_read_as_a_symbol_is_a_doc_number_in_the_document_year(number: str) -> None:
    """`渝北卫健函〔202↓〕110号` (a 1-bit 4 read as an arrow) is the header's doc number, not the title's start."""
    doc = _doc(number, "2024", "2024")
    assert doc.fields.doc_number == "呼机管发〔2024〕19号"
    assert doc.fields.title == "关于做好国庆节期间市级机关办公区安全工作的通知"


def test_a_number_year_with_a_digit_read_as_a_symbol_stays_so_when_no_year_says_what_it_was() -> None:
    doc = _doc("202↓", "2019", None)
    assert doc.fields.doc_number == "呼机管发〔202↓〕19号"
    assert doc.fields.date == "2019-09-24"


@pytest.mark.parametrize(("number", "date"), [("2023", "2024"), ("2021", "2017"), ("2021", "2034")])
def test_years_that_differ_otherwise_stay_as_read(number: str, date: str) -> None:
    """Only 1s for 4s are an erosion: another difference (a 3, a 7, a 1 and a 3 for a 3 and a 4) leaves every
    reading as it is."""
    doc = _doc(number, date, None)
    assert doc.fields.doc_number == f"呼机管发〔{number}〕19号"
    assert doc.fields.date == f"{date}-09-24"


@pytest.mark.parametrize(("read", "other", "eroded"), [
    ("2021", "2024", True), ("2011", "2044", True), ("2011", "2014", True),
    ("2024", "2021", False), ("2021", "2021", False), ("2023", "2024", False), ("202", "2024", False),
])
def test_eroded_reading(read: str, other: str, eroded: bool) -> None:
    assert eroded_reading(read, other) is eroded


@pytest.mark.parametrize("bilevel", [True, False])
def test_a_damaged_date_matches_the_year_an_eroded_doc_number_was_printed_as(bilevel: bool) -> None:
    """1-bit: the number read 〔2021〕 (its 4 eroded) and the date under the seal lost its 〇 (`二二四年`): the
    date is 二〇二四年, and then the number is 2024 too. On other scans a 1 is a 1 and nothing fits."""
    ts = Typesetter()
    ts.centred("广州市交通运输局文件", ch=80, h=90, red=0.92, advance=2)
    ts.centred("穗交运函〔2021〕213号", advance=2)
    ts.centred("关于市政协提案的答复", ch=46, h=69)
    ts._next_row()
    ts.paragraph("白云区人民政府：", 0)
    for _ in range(3):
        ts.paragraph(FILLER)
    ts.right("广州市交通运输局", 4.0)
    ts.right("二二四年九月十二日", 4.0)
    pages = ts.finish()
    doc = build_document([dataclasses.replace(page, bilevel=bilevel) for page in pages])
    assert (doc.fields.date == "2024-09-12") is bilevel
    assert doc.fields.doc_number == ("穗交运函〔2024〕213号" if bilevel else "穗交运函〔2021〕213号")


def test_printed_years() -> None:
    assert printed_years([2021]) == [2021, 2024]
    assert printed_years([2024, 2021]) == [2024, 2021]
    assert printed_years([2011]) == [2011, 2014, 2041, 2044]


@pytest.mark.parametrize(("read", "printed", "signed"), [
    ("二〇二四年二月十八日", "2024-03-19", "二〇二四年三月十八日"),  # 三's middle stroke eroded: a day before printing
    ("2024年1月22日", "2024-04-23", "2024年4月22日"),              # the month's 4 eroded
    ("2024年9月21日", "2024-09-24", "2024年9月21日"),              # days before printing as read: stays
    ("二〇二四年二月二十二日", "2024-03-23", "二〇二四年二月二十二日"),  # two spellings fit: stays
    ("2024年5月12日", "2024-05-17", "2024年5月12日"),
    ("2024年1月8日", None, "2024年1月8日"),                        # nothing printed to check against
    ("二〇二三年十月六日", "2023-11-06", "二〇二三年十一月六日"),      # a thin 一 erased whole
    ("二〇二四年十月二十日", "2024-11-22", "二〇二四年十一月二十日"),
    ("二〇二三年十月二十九日", "2023-12-29", "二〇二三年十二月二十九日"),  # real OCR, 1-bit: 二 erased whole
    ("二〇二四年五月十日", "2024-05-07", "二〇二四年五月七日"),  # real OCR, 1-bit: 七's foot erased, read 十
    ("二〇二四年五月十日", "2024-05-12", "二〇二四年五月十日"),  # as read, days before printing
    ("二〇二三年十月二十九日", "2023-10-30", "二〇二三年十月二十九日"),  # days before printing as read: stays
    ("二〇二四年九月三十日", "2024-10-06", "二〇二四年九月三十日"),      # as read, days before printing
    ("二〇二四年九月十日", "2024-09-12", "二〇二四年九月十日"),        # 十一日 and 一十日 fit? 一十 is no day: stays
    ("2024年9月1日", "2024-09-12", "2024年9月1日"),
    ("二〇二四年九月二十一日", "2024-10-05", "二〇二四年九月二十一日"),  # 三十一 would be no day: stays                # an Arabic 1 is an upright: never erased whole
])
def test_a_1_bit_date_whose_eroded_month_or_day_puts_it_before_printing(read: str, printed: str | None,
                                                                         signed: str) -> None:
    assert date_before_printing(read, printed) == signed


@pytest.mark.parametrize("bilevel", [True, False])
def test_only_a_1_bit_date_is_read_as_eroded(bilevel: bool) -> None:
    ts = Typesetter()
    for _ in range(3):
        ts.paragraph(FILLER)
    ts.right("浙江省教育厅", 4.0)
    ts.right("二〇二四年二月十八日", 4.0)
    top = ts._y()
    ts.put("浙江省教育厅办公室", LEFT + CH, y=top)
    printed = "2024年3月19日印发"
    ts.put(printed, RIGHT - CH - text_units(printed) * CH, y=top)
    ts._next_row()
    doc = build_document([dataclasses.replace(page, bilevel=bilevel) for page in ts.finish()])
    assert doc.fields.date == ("2024-03-18" if bilevel else "2024-02-18")


@pytest.mark.parametrize(("printed", "signed", "expected"), [
    ("XX办公室 2024年1月28日印发", "2024-04-26", "XX办公室 2024年4月28日印发"),  # the month's 4 eroded
    ("XX办公室 2024年1月22日印发", "2024-04-22", "XX办公室 2024年4月22日印发"),  # printed the same day
    ("XX办公室 2024年9月21日印发", "2024-09-24", "XX办公室 2024年9月24日印发"),  # the day's 4
    ("XX办公室 2024年4月28日印发", "2024-04-26", "XX办公室 2024年4月28日印发"),  # after the date: as read
    ("XX办公室 2024年1月11日印发", "2024-04-10", "XX办公室 2024年1月11日印发"),  # 4月11日 and 4月14日 fit
    ("XX办公室 2024年1月2日印发", "2024-04-26", "XX办公室 2024年1月2日印发"),  # no spelling fits
    ("XX办公室 2024年1月28日印发", None, "XX办公室 2024年1月28日印发"),  # no date to check against
    ("XX办公室 2021年1月22日印发", "2024-04-22", "XX办公室 2024年4月22日印发"),  # the year's 4 eroded too
])
def test_a_1_bit_printing_read_before_its_date_whose_eroded_month_or_day_puts_it_after(
        printed: str, signed: str | None, expected: str) -> None:
    assert printing_after_date(printed, signed) == expected


@pytest.mark.parametrize("bilevel", [True, False])
def test_only_a_1_bit_printing_is_read_as_eroded(bilevel: bool) -> None:
    doc = _signed_and_printed("2024年4月26日", "2024年1月28日印发", bilevel=bilevel)
    assert doc.fields.date == "2024-04-26"
    assert doc.fields.printed_date == ("2024-04-28" if bilevel else "2024-01-28")


@pytest.mark.parametrize(("read", "printed", "signed"), [
    ("二〇二四年月十八日", "2024-03-19", "二〇二四年三月十八日"),  # the seal hid the month whole
    ("二〇二四年月二十八日", "2024-10-02", "二〇二四年九月二十八日"),  # printed in the next month
    ("2024年月18日", "2024-03-18", "2024年3月18日"),  # printed the same day
    ("二〇二四年月十八日", "2024-03-30", "二〇二四年月十八日"),  # 12 days before printing: no month fits
    ("二〇二四年月十八日", None, "二〇二四年月十八日"),  # nothing printed to check against
    ("二〇二四年三月十八日", "2024-03-19", "二〇二四年三月十八日"),  # a month read: not this rule's
])
def test_a_date_whose_month_the_seal_hid_takes_the_one_month_before_printing(read: str, printed: str | None,
                                                                            signed: str) -> None:
    assert month_from_printing(read, printed) == signed


def test_a_date_whose_month_the_seal_hid_is_the_documents_date() -> None:
    pages = _pages("2024", "二〇二四年月二十日", "2024年9月24日印发")
    date = next(line for line in pages[-1].lines if line.text == "二〇二四年月二十日")
    seal = Seal(pages[-1].number, Box(date.box.x0, date.box.y0 - 150, date.box.x0 + 300, date.box.y0 + 150), "",
                "shape")
    doc = build_document([*pages[:-1], dataclasses.replace(pages[-1], seals=(seal,))])
    assert doc.fields.date == "2024-09-20"
    assert doc.fields.signature == ("呼和浩特市机关事务管理局",)


def test_a_1_bit_printing_whose_year_and_month_eroded_does_not_move_the_date() -> None:
    """`2021年1月22日印发` under `2024年4月22日`: the year 2020 would put the date within a year before that
    misread printing; it is the printing that was eroded, on the date's own day."""
    doc = _signed_and_printed("2024年4月22日", "2021年1月22日印发")
    assert doc.fields.date == "2024-04-22"
    assert doc.fields.printed_date == "2024-04-22"


def _signed_and_printed(date: str, printed: str, *, cited: str = CITED, bilevel: bool = True):
    pages = _pages("2024", date, printed, cited=cited)
    return build_document([dataclasses.replace(page, bilevel=bilevel) for page in pages])


def test_a_1_bit_date_in_the_printings_year_read_eroded_is_in_that_year() -> None:
    """The date's 2024 read 2021 and the 印发 line's 24日 read 21日: the date is in the printing's year (not the
    2023 that would put it days before a misread printing day)."""
    doc = _signed_and_printed("2021年9月24日", "2024年9月21日印发")
    assert doc.fields.date == "2024-09-24"


def test_a_date_whose_year_the_seal_hid_takes_the_documents_year_not_a_cited_one() -> None:
    """The body cites 〔2012〕: that is another document's year, and the date takes the one this document states."""
    cited = "根据《关于做好企业职工基本养老保险关系转移接续工作的通知》（鲁人社发〔2012〕36号）的要求。"
    doc = _signed_and_printed("年九月二十四日", "2024年9月24日印发", cited=cited, bilevel=False)
    assert doc.fields.date == "2024-09-24"


@pytest.mark.parametrize(("read", "printed", "signed"), [
    ("二〇二四年四月十四日", "2024-04-26", "二〇二四年四月二十四日"),  # the ring hid 二 before 十
    ("二〇二五年五月十日", "2025-05-30", "二〇二五年五月三十日"),  # ...or 三
    ("二〇二四年四月十四日", "2024-04-16", "二〇二四年四月十四日"),  # within days of printing: as read
    ("二〇二四年四月十四日", "2024-05-20", "二〇二四年四月十四日"),  # no tens puts it days before: as read
    ("二〇二四年四月十四日", None, "二〇二四年四月十四日"),
    ("二〇二三年八月五日", "2023-08-15", "二〇二三年八月十五日"),  # 十 hidden before 五
    ("2024年4月4日", "2024-04-26", "2024年4月24日"),  # Arabic: a digit hidden before the day's
    ("2024年4月14日", "2024-04-26", "2024年4月14日"),  # two digits read: as read
    ("2024年4月4日", "2024-04-05", "2024年4月4日"),  # within days: as read
])
def test_a_day_whose_tens_the_ring_hid_takes_the_tens_that_put_it_before_printing(
        read: str, printed: str | None, signed: str) -> None:
    assert day_tens_from_printing(read, printed) == signed


@pytest.mark.parametrize(("read", "printed", "signed"), [
    ("〇年十一月六日", "2023-11-06", "二〇二三年十一月六日"),  # the ring's arc read as 〇 where 二〇二三 stood
    ("年十二月三十日", "2024-01-03", "二〇二三年十二月三十日"),  # printed in the next year
    ("24年4月24日", "2024-04-26", "2024年4月24日"),  # Arabic, two digits read
    ("〇年十一月六日", "2023-12-06", "〇年十一月六日"),  # a month before printing: no year is confirmed
    ("〇年十一月六日", None, "〇年十一月六日"),  # nothing printed to check against
    ("四年十一月六日", "2023-11-06", "四年十一月六日"),  # what was read of the year says another one
    ("二〇二三年十一月六日", "2023-11-06", "二〇二三年十一月六日"),  # a whole date: not this rule's
])
def test_a_date_whose_year_the_seal_hid_takes_the_year_its_printing_confirms(read: str, printed: str | None,
                                                                            signed: str) -> None:
    assert year_from_printing(read, printed) == signed


@pytest.mark.parametrize(("read", "printed", "signed"), [
    ("二〇二四年六月二十十日", "2024-06-21", "二〇二四年六月二十一日"),  # no such day: the ring's stroke across 一
    ("二〇二四E四月二十六日", "2024-04-28", "二〇二四年四月二十六日"),  # 年 read as a letter
    ("二〇二四年三月十上日", "2024-03-12", "二〇二四年三月十上日"),  # 十一 and 十二 both fit: as read
    ("2018年8月20日", "2018-06-20", "2018年6月20日"),  # after its printing: the ring across the 6
    ("2018年5月20日", "2018-06-20", "2018年5月20日"),  # a month before printing is a date: as read
    ("2018年8月20日", "2018-07-05", "2018年8月20日"),  # no single numeral puts it days before
    ("2018年8月20日", None, "2018年8月20日"),
])
def test_a_date_with_a_numeral_the_ring_crossed_takes_the_spelling_its_printing_confirms(
        read: str, printed: str | None, signed: str) -> None:
    assert numeral_from_printing(read, printed) == signed


@pytest.mark.parametrize("sealed", [True, False])
def test_only_a_date_under_a_seal_is_read_against_its_printing(sealed: bool) -> None:
    """The ring crosses the date; where no seal covers it, the 印发 line may as well be the misread one."""
    pages = _pages("2024", "2024年8月20日", "2024年6月20日印发")
    date = next(line for line in pages[-1].lines if line.text == "2024年8月20日")
    seal = Seal(pages[-1].number, Box(date.box.x0, date.box.y0 - 150, date.box.x0 + 300, date.box.y0 + 150), "",
                "shape")
    doc = build_document([*pages[:-1], dataclasses.replace(pages[-1], seals=(seal,) if sealed else ())])
    assert doc.fields.date == ("2024-06-20" if sealed else "2024-08-20")


def test_a_date_line_with_a_character_its_printing_confirms_is_the_documents_date() -> None:
    """No seal found over it (a 1-bit ring too broken for its shape), the date line reads as no date; the 印发
    line confirms it with one character read again, and the signature above it is the signature."""
    doc = build_document(_pages("2024", "二〇二四E九月二十日", "2024年9月24日印发"))
    assert doc.fields.date == "2024-09-20"
    assert doc.fields.signature == ("呼和浩特市机关事务管理局",)


@pytest.mark.parametrize(("read", "signed"), [
    ("二〇二〇年十三月三十一日", "二〇二〇年十二月三十一日"),  # the ring's stroke across 二 made 三
    ("二〇二〇年十三月", "二〇二〇年十三月"),  # no day: not a date line
    ("二〇二〇年十二月三十一日", "二〇二〇年十二月三十一日"),  # a date: as read
    ("二〇二三年十三月三十二日", "二〇二三年十三月三十二日"),  # no 三十二日 in any month: as read
    ("十三月份的工作安排", "十三月份的工作安排"),
    ("二〇二二年十月十十日", "二〇二二年十月十一日"),  # the arc's upright across 一 made 十
    ("二〇一九年一月二十十日", "二〇一九年一月二十一日"),
    ("二〇一九年十十月五日", "二〇一九年十一月五日"),
    ("二〇一九年二月三十十日", "二〇一九年二月三十十日"),  # no 三十一日 in February: as read
    ("十十分重视", "十十分重视"),  # no date
    ("二〇十九年一月二十一日", "二〇一九年一月二十一日"),  # a year is spelled digit by digit: its 十 is a crossed 一
    ("二〇十九年一月一十一日", "二〇一九年一月二十一日"),  # real OCR, 1-bit: and 二 lost a bar (no day spells 一十)
    ("二〇二四年三月一十日", "二〇二四年三月二十日"),
    ("二〇二四年二月一十一日", "二〇二四年二月二十一日"),
    ("二〇二四年十一月一日", "二〇二四年十一月一日"),  # a month of 十一 and a day of 一: as read
])
def test_a_numeral_a_rings_stroke_crossed_is_read_without_it(read: str, signed: str) -> None:
    assert numerals_without_crossing(read) == signed


def test_a_date_read_in_a_thirteenth_month_is_the_documents_december_date() -> None:
    """Without a 印发 line to confirm it, the date line in the 13th month is the date, and in December."""
    doc = build_document(_pages("2020", "二〇二〇年十三月三十一日", None))
    assert doc.fields.date == "2020-12-31"
    assert doc.fields.signature == ("呼和浩特市机关事务管理局",)


def test_a_thirteenth_month_under_a_seal_is_mended_before_the_printing_confirms_the_year() -> None:
    """`二〇二三年十三月二十日` under a ring, numbered 〔2022〕, printed 2022年12月21日: the ring's stroke barred both
    二s. 十三月 is read 十二月 first; the printing then confirms the one year a numeral away (a date a year after
    its 印发 date is none). Mended the other way round, the 十三 left no date for the printing to confirm."""
    pages = _pages("2022", "二〇二三年十三月二十日", "2022年12月21日印发")
    last = pages[-1]
    date = next(line for line in last.lines if line.text.startswith("二〇二三"))
    side = 4 * date.box.height
    seal = Seal(last.number, Box(date.box.cx - side / 2, date.box.y1 - side * 0.8, date.box.cx + side / 2,
                                 date.box.y1 + side * 0.2), "", "shape")
    doc = build_document([*pages[:-1], dataclasses.replace(last, seals=(seal,))])
    assert doc.fields.date == "2022-12-20"


def test_a_piece_of_the_date_read_again_inside_its_box_is_no_paragraph() -> None:
    """`日` read again from ink under a ring, inside the date's box: a piece of the date (`lines.is_reread_inside`),
    not a paragraph after it."""
    pages = _pages("2024", "2024年9月24日", "2024年9月24日印发")
    last = pages[-1]
    date = next(line for line in last.lines if line.text == "2024年9月24日")
    piece = OcrLine("日", Box(date.box.x1 - 40, date.box.y0 + 2, date.box.x1 - 5, date.box.y1 - 2), score=0.57,
                    page=last.number)
    pages[-1] = dataclasses.replace(last, lines=(*last.lines, piece))
    doc = build_document(pages)
    assert "日" not in [block.text for block in doc.blocks]
    assert doc.fields.date == "2024-09-24"


@pytest.mark.parametrize(("read", "printed", "dated"), [
    ("2021年1月22日", "2024-04-22", "2024年1月22日"),  # real OCR, 1-bit: year and month each lost a 4's diagonal
    ("2021年1月22日", "2021-04-22", "2021年1月22日"),  # the printing's own year: as read
    ("2023年1月22日", "2024-04-22", "2023年1月22日"),  # no erosion makes 2023 of 2024: as read
    ("2021年1月22日", None, "2021年1月22日"),
])
def test_a_date_whose_year_is_the_printings_read_eroded_is_in_the_printings_year(read: str, printed: str | None,
                                                                                 dated: str) -> None:
    assert in_printing_year(read, printed) == dated
    if printed == "2024-04-22" and dated != read:
        assert date_before_printing(in_printing_year(read, printed), printed) == "2024年4月22日"


@pytest.mark.parametrize(("read", "signed", "printed"), [
    ("遵义市人民政府办公室 2020年14月30日印发", "2020-11-29", "遵义市人民政府办公室 2020年11月30日印发"),  # real OCR
    ("某某办公室 2024年4月32日印发", "2024-04-22", "某某办公室 2024年4月22日印发"),
    ("某某办公室 2024年4月32日印发", "2024-04-26", "某某办公室 2024年4月30日印发"),  # 22日 is before it: 30日
    ("某某办公室 2024年4月32日印发", "2024-04-01", "某某办公室 2024年4月2日印发"),  # 02日, the day after
    ("某某办公室 2020年11月30日印发", "2020-11-29", "某某办公室 2020年11月30日印发"),  # a day: as read
    ("某某办公室 2020年14月30日印发", None, "某某办公室 2020年14月30日印发"),  # no 成文日期 to check against
])
def test_a_printing_date_that_is_no_day_takes_the_one_digit_its_date_confirms(read: str, signed: str | None,
                                                                              printed: str) -> None:
    assert printing_of_no_day(read, signed) == printed
