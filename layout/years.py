"""The document's own year, read three times: in the doc number (〔2024〕), the date and the 印发 date.

A document is numbered and dated in the year it is issued, so the three readings name one year. Where they
differ, OCR misread one of them, and a 1-bit scan says which: its threshold erases thin strokes and never
adds ink. A Song or 仿宋 `4` keeps its upright and its bar but loses its thin diagonal, and reads `1` (2021 for
2024 in the doc number, the date or the 印发 line of 1-bit scans of every dev variant); a `1` never gains a
diagonal. So a reading that is another's with some 4s read as 1s takes the other's year, and so does one with
a digit read as a symbol (`〔202↓〕`) that only the other's digit fills.

    eroded_reading(read, other)  `read` is `other` with 4s read as 1s (nothing else differs)
    eroded_year_of_printing(date, printed_iso)  a date's year is the 印发 year read so
    printed_years(years)         on a 1-bit scan, the years each reading could have been printed as
    reconcile_years(blocks)      the doc number, date and 印发 blocks with such a year repaired in their text
    date_before_printing(text, printed_iso)  on a 1-bit scan, a date whose eroded month or day puts it days
                                 before its 印发 date
    month_from_printing(text, printed_iso)  a date whose month the seal hid whole takes the one month that
                                 puts it days before its 印发 date
    day_tens_from_printing(text, printed_iso)  a date whose day's tens the ring hid (十四 for 二十四, 五 for
                                 十五, 4 for 24), put back where that makes it days before its 印发 date
    numerals_without_crossing(text)  a date with 十三月 or 十十 (a ring's stroke across 二 or 一) read without it
    printing_after(printed_iso, signed_iso)  on a 1-bit scan, a 印发 date read before its date whose eroded
                                 digits put it on or days after it
    printing_after_date(text, signed_iso)  the 印发 line with such a date respelled

Years cited elsewhere (a title's 2024年, a body's 2021年以前) are not the document's year and are not read.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import replace

from layout import patterns
from layout.model import Block, BlockType

ERODED_READINGS = frozenset({("1", "4")})
"""(read, printed) digit pairs a 1-bit threshold makes: the thin diagonal of `4` erased leaves a `1`."""

ERODED_NUMERALS = frozenset({("二", "三"), ("十", "七")})
"""(read, printed) Chinese numerals a 1-bit threshold makes: 三's short middle stroke erased leaves 二
(`二〇二四年二月十八日` for 三月十八日, printed the next day); 七's thin hooked foot erased leaves a cross, 十
(`二四年五月十日` for 五月七日, printed that day)."""
LOST_NUMERALS = ("一", "二", "三")
"""...and the ones it erases whole: numerals of thin horizontal strokes only (`十月六日` for 十一月六日, `十月二十九日`
for 十二月二十九日)."""
PRINTED_WITHIN_DAYS = 7
"""A document goes to print (印发) within days of its 成文日期: a date this close before its 印发 date is one
the printing confirms."""
_MONTH_DAY_RE = re.compile(r"年(?P<rest>.+)$")


def eroded_reading(read: str, other: str) -> bool:
    """`read` is `other` with at least one digit eroded into another (ERODED_READINGS), nothing else."""
    return (len(read) == len(other) and read != other
            and all(a == b or (a, b) in ERODED_READINGS for a, b in zip(read, other, strict=True)))


def unread_reading(read: str, other: str) -> bool:
    """`read` is `other` with a digit read as a symbol (`patterns.UNREAD_DIGIT`: 202↓ for 2024), nothing else."""
    return (len(read) == len(other) and not read.isdigit() and other.isdigit()
            and all(a == b or re.fullmatch(patterns.UNREAD_DIGIT, a) for a, b in zip(read, other, strict=True)))


def eroded_year_of_printing(date_text: str, printed_iso: str | None) -> bool:
    """The date's year is the 印发 date's year read eroded (`2021年9月24日` printed `2024年9月21日印发`, whose
    own day lost a 4 too): the date is in the printing's year, whatever the two days say."""
    signed = patterns.find_date(date_text)
    return bool(signed and printed_iso and eroded_reading(signed[:4], printed_iso[:4]))


def in_printing_year(date_text: str, printed_iso: str | None) -> str:
    """A date whose year is the 印发 date's year read eroded (`eroded_year_of_printing`) spelled in that year,
    so that its month and day can be checked against the printing's (`date_before_printing`: `2021年1月22日`
    printed 2024年4月22日 is 2024年4月22日); any other line as it is."""
    if not eroded_year_of_printing(date_text, printed_iso):
        return date_text
    signed = patterns.find_date(date_text)
    assert signed is not None and printed_iso is not None
    return _with_year(date_text, signed[:4], printed_iso[:4], last=False)


def printed_years(years: Sequence[int]) -> list[int]:
    """The years a 1-bit scan's readings of the document's year could have been printed as: each one, and
    each one with some of its 1s printed 4s (`2021` → 2021, 2024). A damaged date is matched against these
    (`二二四年九月十二日` is 二〇二四年 of a document whose doc number read 〔2021〕)."""
    found: list[int] = []
    for year in years:
        found += [int(spelling) for spelling in sorted(_spellings(str(year), ERODED_READINGS))
                  if int(spelling) not in found]
    return found


def _spellings(text: str, pairs: frozenset[tuple[str, str]]) -> list[str]:
    """`text` with any of its characters eroded as `pairs` say (read, printed) spelled as printed."""
    spellings = [""]
    for ch in text:
        spellings = [s + other for s in spellings for other in {ch} | {p for r, p in pairs if r == ch}]
    return spellings


def _printed_within_days(signed_iso: str | None, printed_iso: str | None) -> bool:
    """The 印发 date is the 成文日期 or at most PRINTED_WITHIN_DAYS after it."""
    signed, printed = day_of(signed_iso), day_of(printed_iso)  # None for no such day (九月三十一日)
    return signed is not None and printed is not None and 0 <= (printed - signed).days <= PRINTED_WITHIN_DAYS


_PRINTED_DATE_RE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日(?=\s*印发)")


def printing_after(printed_iso: str | None, signed_iso: str | None) -> str | None:
    """A 1-bit scan's 印发 date (ISO) that is before the 成文日期 it prints, which no document is, but with some of
    its digits read eroded (`2021-01-22` for 2024-04-22: year and month each lost a 4's diagonal) is on it or
    days after: that one day; otherwise the date as read."""
    if printed_iso is None or signed_iso is None or printed_iso >= signed_iso:
        return printed_iso
    fits = {spelled for spelled in _spellings(printed_iso, ERODED_READINGS) if _printed_within_days(signed_iso, spelled)}
    return fits.pop() if len(fits) == 1 else printed_iso


def printing_after_date(text: str, signed_iso: str | None) -> str:
    """A 1-bit scan's 印发 line (`XX办公室 2024年1月28日印发`) whose date is before the 成文日期 it prints but,
    with its digits read eroded (`1月` for 4月, `2021年` for 2024年), is on it or days after takes that one
    spelling (`printing_after`); otherwise it stays as read. The mirror of `date_before_printing`, for the
    reading the threshold damaged in the 印发 line instead (`2024年4月26日` printed `2024年1月28日印发`)."""
    found, printed = _PRINTED_DATE_RE.search(text), patterns.split_printed(text)
    if found is None or printed is None or printed[1] is None:
        return text
    fixed = printing_after(printed[1], signed_iso)
    if fixed is None or fixed == printed[1]:
        return text
    year, month, day = (int(part) for part in fixed.split("-"))
    return text[:found.start()] + f"{year}年{month}月{day}日" + text[found.end():]


_PRINTED_PARTS_RE = re.compile(r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日(?=\s*印发)")


def printing_of_no_day(text: str, signed_iso: str | None) -> str:
    """A 印发 line whose date is no day (`2020年14月30日印发`: a 1 read as 4) takes the one spelling with a single
    digit of its month or day read otherwise that is on its 成文日期 or at most PRINTED_WITHIN_DAYS after it;
    otherwise it stays as read."""
    found = _PRINTED_PARTS_RE.search(text)
    if found is None or signed_iso is None or day_of(_iso_of(found)) is not None:
        return text
    year, month, day = found.group("y"), found.group("m"), found.group("d")
    spellings = {(month[:i] + digit + month[i + 1:], day) for i in range(len(month)) for digit in "0123456789"}
    spellings |= {(month, day[:i] + digit + day[i + 1:]) for i in range(len(day)) for digit in "0123456789"}
    fits = {(m, d) for m, d in spellings if _printed_within_days(signed_iso, f"{year}-{int(m):02d}-{int(d):02d}")}
    if len(fits) != 1:
        return text
    m, d = fits.pop()
    return text[:found.start()] + f"{year}年{int(m)}月{int(d)}日" + text[found.end():]


def _iso_of(found: re.Match[str]) -> str:
    return f"{found.group('y')}-{int(found.group('m')):02d}-{int(found.group('d')):02d}"


_LOST_MONTH_RE = re.compile(r"年(?=月)")


def month_from_printing(text: str, printed_iso: str | None) -> str:
    """A date whose month the seal hid whole (`二〇二四年月十八日`, `2024年月18日`: year and day read) takes the
    one month that puts it on or at most PRINTED_WITHIN_DAYS before its 印发 date, spelled as the date is (a
    document goes to print within days of its 成文日期; two months never both do); otherwise it stays as read."""
    compact = re.sub(r"\s+", "", text)
    if printed_iso is None or len(_LOST_MONTH_RE.findall(compact)) != 1:
        return text
    spell = str if re.search(r"\d", compact) else patterns.chinese_numeral
    months = (spell(month) for month in range(1, 13))
    fits = {spelled for spelled in (_LOST_MONTH_RE.sub(f"年{month}", compact) for month in months)
            if patterns.is_date_line(spelled) and _printed_within_days(patterns.find_date(spelled), printed_iso)}
    return fits.pop() if len(fits) == 1 else text


_TENS_LOST_RE = re.compile(r"(?<=月)十(?=[一二三四五六七八九]?日$)")
_UNITS_ALONE_RE = re.compile(r"(?<=月)(?=[一二三四五六七八九]日$)")
_DIGIT_ALONE_RE = re.compile(r"(?<=月)(?=\d日$)")
LOST_TENS = ("二", "三")
"""A day's tens, thin strokes beside the rest, that a seal's ring crosses: 二十四日 and 三十日 read 十四日 and 十日,
十五日 read 五日, 24日 read 4日."""


def _tens_put_back(date: str) -> list[str]:
    """`date` with one tens numeral of its day put back: 二 or 三 before a day's 十, 十 before a day's lone
    numeral, 1, 2 or 3 before a day's lone digit."""
    if _TENS_LOST_RE.search(date):
        return [_TENS_LOST_RE.sub(tens + "十", date) for tens in LOST_TENS]
    if _UNITS_ALONE_RE.search(date):
        return [_UNITS_ALONE_RE.sub("十", date)]
    if _DIGIT_ALONE_RE.search(date):
        return [_DIGIT_ALONE_RE.sub(tens, date) for tens in "123"]
    return []


def day_tens_from_printing(text: str, printed_iso: str | None) -> str:
    """A date more than PRINTED_WITHIN_DAYS before its 印发 date, where one tens numeral of its day put back
    (`_tens_put_back`: 四月十四日 → 二十四日, 八月五日 → 十五日, 4月4日 → 24日) makes it on or days before it, takes
    that day: the ring hid the numeral (a document goes to print within days of its 成文日期). Otherwise it
    stays as read."""
    compact = re.sub(r"\s+", "", text)
    if printed_iso is None or _printed_within_days(patterns.find_date(compact), printed_iso):
        return text
    fits = {spelled for spelled in _tens_put_back(compact)
            if patterns.is_date_line(spelled) and _printed_within_days(patterns.find_date(spelled), printed_iso)}
    return fits.pop() if len(fits) == 1 else text


def date_before_printing(text: str, printed_iso: str | None) -> str:
    """A 1-bit scan's date (year already the document's) that is not within PRINTED_WITHIN_DAYS before the
    印发 date, but is with its month or day read eroded (`二月` for 三月, `21日` for 24日), takes that one
    spelling, or with a numeral the threshold erased whole put back in a Chinese-numeral month or day (`十月` for
    十一月 or 十二月: LOST_NUMERALS); otherwise it stays as read."""
    read, found = patterns.find_date(text), _MONTH_DAY_RE.search(text)
    if read is None or printed_iso is None or found is None:
        return text

    if _printed_within_days(read, printed_iso):
        return text
    head = text[:found.start("rest")]
    spellings = _spellings(found.group("rest"), ERODED_READINGS | ERODED_NUMERALS)
    if not re.search(r"\d", text):
        spellings += [s[:i] + lost + s[i:] for s in spellings for i in range(len(s)) for lost in LOST_NUMERALS
                      if not (s[i] == "十" and lost == "一")]  # ten is printed 十, never 一十
    fits = {head + rest for rest in spellings if _printed_within_days(patterns.find_date(head + rest), printed_iso)}
    return fits.pop() if len(fits) == 1 else text


def _year_of(block: Block) -> str | None:
    """The year a doc number, date or 印发 block states (four digits), or None."""
    if block.type is BlockType.DOC_NUMBER:
        number = patterns.find_doc_number(block.text)
        return number[number.find("〔") + 1:number.find("〔") + 5] if number else None
    if block.type is BlockType.DATE:  # Arabic or Chinese numerals (whose 一 and 四 no threshold confuses)
        iso = patterns.find_date(block.text)
        return iso[:4] if iso else None
    if block.type is BlockType.PRINTED:
        printed = patterns.split_printed(block.text)
        return printed[1][:4] if printed and printed[1] else None
    return None


def _with_year(text: str, read: str, year: str, last: bool) -> str:
    """`text` with its (first, or with `last` its last) four-digit year `read` spelled `year`."""
    found = list(re.finditer(rf"(?<!\d){re.escape(read)}(?!\d)", text))
    if not found:
        return text
    match = found[-1] if last else found[0]
    return text[:match.start()] + year + text[match.end():]


def reconcile_years(blocks: Sequence[Block]) -> tuple[Block, ...]:
    """The blocks, with a doc number, date or 印发 line whose year is an eroded reading of exactly one other
    such year of the document taking that year (see the module doc); every other block as it was."""
    years = {year for year in map(_year_of, blocks) if year and year.isdigit()}
    result = []
    for block in blocks:
        read = _year_of(block)
        fixes = {year for year in years if read and (eroded_reading(read, year) or unread_reading(read, year))}
        if read and len(fixes) == 1:
            block = replace(block, text=_with_year(block.text, read, fixes.pop(),
                                                  last=block.type is BlockType.PRINTED))
        result.append(block)
    return tuple(result)


def _year_spelled(year: int, month: int, day: int, chinese: bool) -> str:
    if chinese:
        return f"{patterns.chinese_year(year)}年{patterns.chinese_numeral(month)}月{patterns.chinese_numeral(day)}日"
    return f"{year}年{month}月{day}日"


def year_from_printing(text: str, printed_iso: str | None) -> str:
    """A date whose month and day read whole but whose year the seal hid or garbled past what the document's
    other years repair (`〇年十一月六日`: the ring's arc read as 〇 where 二〇二三 stood) takes the year that puts
    it on or at most PRINTED_WITHIN_DAYS before its 印发 date, spelled as the date is: a document goes to print
    within days of its 成文日期, and a window of days holds a month and day in one year only. What is left of the
    year as read must stand in that year's spelling, in order (`二二四` is no part of 二〇二一). Otherwise (no
    印发 date, none that close, a reading against it) it stays as read."""
    compact = re.sub(r"\s+", "", text)
    printed = day_of(printed_iso)
    if printed is None or patterns.is_date_line(compact):
        return text
    chinese = patterns.damaged_year_date_line(compact)
    arabic = None if chinese else patterns.damaged_arabic_date_line(compact)
    if chinese is not None:
        found = patterns.find_date(f"二〇〇〇年{chinese[1]}")
        if found is None:
            return text
        read, month, day = re.sub("[○Oo0]", "〇", chinese[0]), int(found[5:7]), int(found[8:])
    elif arabic is not None and len(arabic[0]) != 4:
        read, month, day = arabic
    else:
        return text
    fits = [year for year in (printed.year, printed.year - 1)
            if _printed_within_days(patterns.iso_date(year, month, day), printed_iso)
            and stands_in(read, patterns.chinese_year(year) if chinese else str(year))]
    return _year_spelled(fits[0], month, day, chinese is not None) if len(fits) == 1 else text


def stands_in(read: str, spelling: str) -> bool:
    """Every character of `read` stands in `spelling`, in order: `read` is `spelling` with some characters lost
    (what is left of a year the seal damaged; a view of a line that lost ink, `workers.ocr.secondlook`)."""
    rest = iter(spelling)
    return all(ch in rest for ch in read)


_DATE_CHARACTERS = {True: "〇一二三四五六七八九十年月日", False: "0123456789年月日"}


def numeral_from_printing(text: str, printed_iso: str | None) -> str:
    """A date line with one character misread takes the one spelling its 印发 date confirms: where a single
    character replaced by a numeral or a date mark (in the date's own script) puts it on or at most
    PRINTED_WITHIN_DAYS before printing. For a line that reads as no date (`二〇二四年六月二十十日`: the ring's
    stroke across 一; `三月十上日`: a speck on 二; `二〇二四E四月`: 年 a letter) or, the caller decides where (under
    a seal), as one after its 印发 date, which no document is (`2018年8月20日` printed 2018年6月20日: the ring
    across the 6). A date that reads as one before its printing stays as read, however long before: a document
    may wait weeks for print."""
    compact = re.sub(r"\s+", "", text)
    read, printed = patterns.find_date(compact) if patterns.is_date_line(compact) else None, day_of(printed_iso)
    if printed is None or len(compact) > patterns.DATE_MAX_CH or (read is not None and (day_of(read) or printed) <= printed):
        return text
    chinese = not re.search(r"\d", compact)
    fits = {spelled for i, ch in enumerate(compact) for other in _DATE_CHARACTERS[chinese] if other != ch
            for spelled in [compact[:i] + other + compact[i + 1:]]
            if patterns.is_date_line(spelled) and _printed_within_days(patterns.find_date(spelled), printed_iso)
            and (not chinese or _spelled_as_printed(spelled))}
    return fits.pop() if len(fits) == 1 else text


_BARRED_MONTH_RE = re.compile(r"(?<=年)十三(?=月)")
_CROSSED_ONE_RE = re.compile(r"(?<=十)十")
_YEAR_RE = re.compile(r"^[" + patterns.CN_NUMERALS + r"]{4}(?=年)")
_BAR_LOST_DAY_RE = re.compile(r"(?<=月)一(?=十)")


def numerals_without_crossing(text: str) -> str:
    """A Chinese-numeral date with a numeral no date spells, made by a ring's stroke across it, read with
    the stroke taken away, where that is a calendar date; needs no 印发 date; any other line stays as read.

    - a month of 十三 is 十二月: the stroke across 二 adds the bar that makes it 三 (`二〇二〇年十三月三十一日`), and
      十二 is the one month a single stroke away (十一 is two);
    - 十十 is 十一: the arc's upright across 一 makes it 十 (`二〇二二年十月十十日`, `二〇一九年一月二十十日`), and only
      the second 十 can be the 一 (一十 is no spelling a date uses);
    - a 十 in the year is its 一 crossed so (`二〇十九年`): a year is spelled digit by digit, never with 十;
    - a day of 一十… lost a bar of its first numeral to the threshold (`一月一十一日` for 二十一日: 一十 is no
      spelling a date uses); the fewest bars lost make it 二十."""
    compact = re.sub(r"\s+", "", text)
    spelled = _CROSSED_ONE_RE.sub("一", _BARRED_MONTH_RE.sub("十二", compact))
    spelled = _BAR_LOST_DAY_RE.sub("二", _YEAR_RE.sub(lambda found: found.group().replace("十", "一"), spelled))
    calendar = patterns.is_date_line(spelled) and day_of(patterns.find_date(spelled)) is not None
    return spelled if spelled != compact and calendar else text


def _spelled_as_printed(date: str) -> bool:
    """A Chinese-numeral date spelled as dates are printed (二〇二四年六月二十日; never 二十〇日)."""
    iso = patterns.find_date(date)
    return iso is not None and _year_spelled(int(iso[:4]), int(iso[5:7]), int(iso[8:]), True) == date


def day_of(iso: str | None) -> dt.date | None:
    """The calendar day of an ISO date, or None (none given, or no such day)."""
    try:
        return dt.date.fromisoformat(iso) if iso else None
    except ValueError:
        return None
