"""Patterns added for the layout rules (layout/patterns.py is shared; these cover the additions)."""

from __future__ import annotations

import pytest

from layout import patterns
from layout.tail import repair_date_year


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("8024年5月15日", ("8024", 5, 15)),
        ("2 0 2 A年5月15日", None),  # not digits
        ("2024年5月15日", None),  # plausible: not misread
        ("1024年13月1日", None),  # no such month
        ("会议于8024年5月15日召开", None),  # not a whole line
        ("20241年7月18日", ("20241", 7, 18)),  # the ring's stroke beside the year read as a digit more
    ],
)
def test_misread_date_line(text: str, expected: tuple[str, int, int] | None) -> None:
    assert patterns.misread_date_line(text) == expected


@pytest.mark.parametrize(
    ("text", "iso"),
    [("二0二四年五月十五日", "2024-05-15"), ("二０二四年五月十五日", "2024-05-15"), ("二〇二四年五月十五日", "2024-05-15"),
     ("二O二四年十二月三十一日", "2024-12-31")],
)
def test_chinese_date_with_zero_read_as_a_digit(text: str, iso: str) -> None:
    assert patterns.find_date(text) == iso
    assert patterns.is_date_line(text)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (".3.推广高效节水灌溉。", "3.推广高效节水灌溉。"),
        ("（一）科学编制建设规划·", "（一）科学编制建设规划"),
        ("（三）强化监督考核.", "（三）强化监督考核"),
        ("区。.", "区。"),
        ("新建项目.亩均投入", "新建项目亩均投入"),
        ("厦门大学附属第-一医院", "厦门大学附属第一医院"),  # real OCR, 1-bit: 一 broken in two, read twice
        ("E4-2-3/03地块", "E4-2-3/03地块"), ("2023-2025年", "2023-2025年"),
        ("措施，项·目区", "措施，项·目区"),  # · between CJK may be a name separator: kept
        ("占比62.49%，", "占比62.49%，"),
        ("电子邮箱：pxzx_js@163.com", "电子邮箱：pxzx_js@163.com"),
        ("马克思·恩格斯", "马克思·恩格斯"),
        ("3.推广", "3.推广"),
        (".15万人，同比增长", ".15万人，同比增长"),  # a number broken over two lines
        ("·2024年4月26日", "2024年4月26日"),
        ("请贵院于6.月20日前将推荐表", "请贵院于6月20日前将推荐表"),
        ("于2024.年5月15.日", "于2024年5月15日"),
        ("1.年度目标", "1.年度目标"),  # an item number
        ("江西省水利厅办公室 2025年5月:30日印发", "江西省水利厅办公室 2025年5月30日印发"),  # after 月
        ("于2024年.6月1日", "于2024年6月1日"),  # after 年
        ("第一季度完成全年：30%", "第一季度完成全年：30%"),  # not in a date
        ("国庆节即将到来，.为确保节日期间", "国庆节即将到来，为确保节日期间"),
        ("联系电话.：025-83758291", "联系电话：025-83758291"),
        ("四、.各单位要安排专人", "四、各单位要安排专人"),
        ("占比3.5%。", "占比3.5%。"),
        ("000123.", "000123"),
        ("3.", "3."),
        ("第3.1.月", "第3.1.月"),  # not a date's number: as read
        ("办公室202.1年9月24日印发", "办公室2021年9月24日印发"),  # inside a year
        ("定于20.24年7月15日", "定于2024年7月15日"),
        ("附件：1.202.1年全市医疗美容行业", "附件：1.2021年全市医疗美容行业"),  # after an item's number
        ("1.202.1年全市", "1.2021年全市"),
        ("增长3.202.1年", "增长3.202.1年"),  # inside a decimal: as read
        ("用2.5年时间完成", "用2.5年时间完成"),  # a number of years
        ("决定于202:3年11月", "决定于2023年11月"),  # a colon inside a year
        ("原则同意《涧西区202：3-2025年城镇", "原则同意《涧西区2023-2025年城镇"),
        ("比例尺为1:2000年度", "比例尺为1:2000年度"),  # not a year split
        ("约120.5年", "约120.5年"),
        ("各市州教育．（体育）局", "各市州教育（体育）局"),  # no punctuation before an annotating bracket
        ("各县（市、区）·教育局、财政局", "各县（市、区）教育局、财政局"),  # ...nor a middle dot after it
        ("各县（市、区）.教育局、财政局", "各县（市、区）教育局、财政局"),  # ...nor a dot
        ("区（市）．人民政府", "区（市）人民政府"),
        ("（市、区)·教育局", "（市、区)教育局"),
        ("实施方案》.（鲁政办发〔2023〕5号）", "实施方案》（鲁政办发〔2023〕5号）"),
        ("见附件1.（一）", "见附件1.（一）"),  # after a number: an item's dot, as read
        (".2023年8月15日印发", "2023年8月15日印发"),  # a year goes on no number broken over two lines
        (".2023万元", ".2023万元"),
        ("．梅江镇人民政府：", "梅江镇人民政府："),  # a full-width dot before a line's first character
        ("１．５倍", "１．５倍"),  # ...a full-width decimal point stays
    ],
)
def test_strip_stray_dots(line: str, expected: str) -> None:
    assert patterns.strip_stray_dots(line) == expected


@pytest.mark.parametrize("text", ["二〇二二四年九月二十四日", "一二〇二四年九月二十四日"])
def test_a_year_of_five_numerals_is_no_date(text: str) -> None:
    """Its last four numerals are no year (〇二二四 is 0224): a damaged date, for the document's years to repair."""
    assert patterns.find_date(text) is None
    assert patterns.is_damaged_date_line(text)


@pytest.mark.parametrize("text", ["三〇二三年六月二十八日", "〇〇二三年六月二十八日", "2023年6月28日", "一九九八年三月一日"])
def test_a_chinese_numeral_year_is_a_year_of_the_same_centuries_as_an_arabic_one(text: str) -> None:
    """三〇二三 (the ring's stroke across 二) is no year, as 3023 is none in Arabic: a damaged date line, left
    for the document's years to repair; 一九九八 and 2023 are years."""
    plausible = text[0] in "2一"
    assert (patterns.find_date(text) is not None) is plausible
    assert patterns.is_damaged_date_line(text) is not plausible


def test_a_year_read_with_a_numeral_too_many_strokes_takes_the_documents_year() -> None:
    assert repair_date_year("三〇二三年六月二十八日", [2023]) == "二〇二三年六月二十八日"
    assert repair_date_year("三〇二三年六月二十八日", [2019]) == "三〇二三年六月二十八日"


@pytest.mark.parametrize(("read", "years", "repaired"), [
    ("20241年7月18日", [2024], "2024年7月18日"),
    ("20241年7月18日", [2024, 2021], "20241年7月18日"),  # 2021 is one digit off too: as read
    ("8024年5月15日", [2024], "2024年5月15日"),
    ("202418年7月18日", [2024], "202418年7月18日"),  # two digits more: no year
])
def test_a_year_read_with_a_digit_more_takes_the_documents_year(read: str, years: list[int], repaired: str) -> None:
    assert repair_date_year(read, years) == repaired


@pytest.mark.parametrize(("text", "damaged"), [("二〇二四年四十", True), ("2024年4", True), ("2024年", False),
                                               ("二〇二四年四十五六七", False), ("2024年有关", False),
                                               ("三〇二四年四十", False)])
def test_a_whole_year_and_numerals_after_it_are_a_date_the_rings_hid_the_rest_of(text: str, damaged: bool) -> None:
    """Three joint seals over the date leave `二〇二四年四十`: the 成文日期's line, its month and day unread."""
    assert patterns.is_damaged_date_line(text) is damaged


@pytest.mark.parametrize(("text", "read"), [("2021年4月811", ("2021", 4, 8)),  # no 81st: 8 and its 日 read 11
                                            ("2024年8月2641", ("2024", 8, 26)),  # 日 as 41: upright and bar, upright
                                            ("2024年6月211", ("2024", 6, 21)),
                                            ("2024年5月1711", ("2024", 5, 17))])
def test_a_date_whose_day_mark_reads_as_two_digits_is_its_day(text: str, read: tuple[str, int, int]) -> None:
    assert patterns.damaged_arabic_date_line(text) == read


@pytest.mark.parametrize(("years", "repaired"), [([2024], "2024年1月11日"), ([2024, 2021], "1年1月11日")])
def test_a_year_read_as_a_lone_1_is_an_eroded_4_of_the_one_year_the_document_states(years: list[int],
                                                                                  repaired: str) -> None:
    assert repair_date_year("1年1月11日", years) == repaired


@pytest.mark.parametrize(("read", "years", "repaired"), [
    ("二〇七四年十一月十四日", [2024], "二〇二四年十一月十四日"),  # 50 years after its number: 二 misread 七
    ("二〇二七年十二月二十日", [2024, 2024], "二〇二四年十二月二十日"),
    ("二〇二五年一月二日", [2024], "二〇二五年一月二日"),  # numbered in December, signed in January: as read
    ("二〇二〇年十一月十四日", [2024], "二〇二〇年十一月十四日"),  # before its number: no evidence either way
    ("二〇七四年十一月十四日", [2024, 2034], "二〇七四年十一月十四日"),  # two years a numeral away: as read
])
def test_a_whole_date_years_past_the_documents_own_takes_its_year(read: str, years: list[int],
                                                                  repaired: str) -> None:
    assert repair_date_year(read, years) == repaired
