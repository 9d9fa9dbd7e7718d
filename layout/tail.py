"""The end of the document: attachments, signature, date, 附注, contact lines and the 版记.

GB/T 9704-2012: 附件说明 follows the body (`附件：1. …`, further items aligned under the first); the
signature (署名) is centred over the date, which is right-aligned four characters from the edge (some
printers indent both like a paragraph); joint issue has one signature line per body; the 附注
(`（此件公开发布）`) follows the date; the 版记 (抄送, 印发) sits between thin rules at the bottom of
the last page.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from dataclasses import replace

from layout import patterns
from layout.body import body_block, join_rows
from layout.geometry import DEFAULT_SETTINGS, BodyGeometry, LayoutSettings, Scale, text_units
from layout.lines import SEAL_SPECK_MIN_HEIGHT_LINES, Row, clean_text, join_parts, split_wide_gaps
from layout.model import Block, BlockType, Box, OcrLine, Seal
from layout.years import (
    date_before_printing,
    day_of,
    day_tens_from_printing,
    eroded_reading,
    eroded_year_of_printing,
    in_printing_year,
    month_from_printing,
    numeral_from_printing,
    numerals_without_crossing,
    printed_years,
    printing_after,
    printing_after_date,
    printing_of_no_day,
    year_from_printing,
)

SIGNATURE_MAX_ROWS = 4
"""Joint issue stacks one signature line per body; more than this is not a signature."""

SIGNATURE_MAX_CH = 30

SIGNATURE_STACK_GAP_LH = 2.5
"""Signature lines stand together over the date (one printed line apart, a blank line at most): a line
further above than this many line heights is the end of the body or an attachment, not a signature."""
"""A body's full name fits on one line."""

SIGNATURE_FORBIDDEN = "，。；：！？,;:!?"
"""A signature line has no sentence punctuation."""

SIGNATURE_MIN_INDENT_CH = 1.5
"""The signature is indented like a paragraph at least (usually right-aligned); flush-left is body."""

ATTACHMENT_HANG_MIN_CH = 1.0
"""Wrapped attachment lines may start this far left of `附件：` (some printers hang them at the margin)."""

ATTACHMENT_HANG_MAX_CH = 6.0
"""...and this far right of it: `附件：` (3 characters) plus an item number; a signature starts further right."""

SIGNATURE_READ_MIN = 0.75
"""A signature line under a seal reads as an issuer's name when this share of its characters stand, in
order, in that name (the seal's ink breaks or hides a few characters: `成都市人政府办公厅`)..."""

SIGNATURE_COVER_MIN = 0.6
"""...and they make up this share of the name (a few characters lost, not most of them)."""

PART_COVER_MIN = 0.5
"""A reading every character of which stands in the name in order, and which names no body itself
(`渝北区健康委员` of 重庆市渝北区卫生健康委员会: the seal hid both ends and the middle's 卫生), is the name when
it makes up this share of it."""

_ITEM_RE = re.compile(r"^\s*\d{1,2}\s*[.．、]")


def _typed(kind: BlockType, rows: Sequence[Row], text: str | None = None) -> Block:
    return Block(kind, join_rows(rows) if text is None else text,
                 lines=tuple(part for row in rows for part in row.parts))


def repair_date_year(text: str, known_years: Sequence[int]) -> str:
    """A date line whose year OCR misread (`8024年5月15日` under a seal, `20241年7月18日` with the ring's
    stroke read as a digit more) takes the one year of the document (doc number, 印发 date) that differs from
    it in a single digit, or by one digit more; otherwise it stays as read.
    A lost 月 is put back and numerals misread into other characters are spelled as numerals first
    (`patterns.month_mark_restored`, `patterns.date_numerals`)."""
    text = patterns.date_numerals(patterns.month_mark_restored(text))
    lost = patterns.lost_zero_date_line(text)
    if lost is not None and _restore_zero(text, lost, known_years) != text:
        return _restore_zero(text, lost, known_years)
    misread = patterns.misread_date_line(text)
    if misread is None:
        return _restore_chinese_year(_restore_arabic_ends(text, known_years), known_years)
    digits, month, day = misread
    close = {y for y in known_years if _edits(str(y), digits) == 1}
    return f"{close.pop()}年{month}月{day}日" if len(close) == 1 else text


YEAR_MAX_EDITS = 2
"""A Chinese-numeral year read with at most this many numerals lost or misread (of its four) is restored from
the document's own years: the seal's star and ring hide one or two (`二四年` for 二〇二四年); with more
lost, too little of it is left to tell one year from another..."""
YEAR_MAX_MISREAD = 1
"""...or, read at full length, at most this many misread (`二〇つ五`). Lost and misread together (`二二五` for
二〇〇五, or for 二〇二一 `二二四`) leave too little to tell the year from another."""


def _edits(a: str, b: str) -> int:
    """Levenshtein distance between `a` and `b` (characters inserted, deleted or replaced)."""
    previous = list(range(len(b) + 1))
    for i, ch in enumerate(a, 1):
        current = [i]
        for j, other in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ch != other)))
        previous = current
    return previous[-1]


def _year_fits(read: str, year: str, known_years: Sequence[int] = ()) -> bool:
    """`read` is `year` with at most YEAR_MAX_EDITS numerals lost, or at full length YEAR_MAX_MISREAD misread;
    or nothing of the year, or only its last numeral, was read (the seal's ring and star over the rest: `四年四月
    十四日`, `4年4月14日`; a 1-bit `1` for its 4, `1年1月11日`) and the document states this one year and no other
    (a document dated in one year and printed in the next states both)."""
    if len(read) <= 1:  # nothing, or only the last numeral, left of it: the document must state just this one
        return len(set(known_years)) == 1 and (year.endswith(read) or eroded_reading(read, year[-1:]))
    edits, lost = _edits(read, year), max(0, len(year) - len(read))
    return edits <= YEAR_MAX_EDITS and (edits == lost or (lost == 0 and edits <= YEAR_MAX_MISREAD))


def _restore_chinese_year(text: str, known_years: Sequence[int]) -> str:
    """A Chinese-numeral date whose year the seal damaged (`patterns.damaged_year_date_line`, or
    `_year_past_the_documents`) takes the one year of the document (doc number, 印发 date) whose spelling is
    within YEAR_MAX_EDITS of the reading; month and day stay as read. Otherwise the line stays as read."""
    found = patterns.damaged_year_date_line(text) or _year_past_the_documents(text, known_years)
    if found is None:
        return text
    read, rest = found
    read = read.replace("○", "〇").replace("O", "〇").replace("o", "〇").replace("0", "〇")
    close = {year for year in known_years if _year_fits(read, patterns.chinese_year(year), known_years)}
    if len(close) != 1:
        return text
    repaired = f"{patterns.chinese_year(close.pop())}年{rest}"
    return repaired if patterns.is_date_line(repaired) else text


YEARS_PAST_MAX = 1
"""A date may be a year later than the document's number (numbered in late December, signed in January)..."""


def _year_past_the_documents(text: str, known_years: Sequence[int]) -> tuple[str, str] | None:
    """(year as read, `月…日` rest) of a whole Chinese-numeral date whose year is more than YEARS_PAST_MAX later
    than every year the document states (doc number, 印发 date), which no 成文日期 is: a number is given and a
    document printed within days of signing, so its year was misread (`二〇七四年十一月十四日` numbered 〔2024〕 and
    printed in 2024: the ring's arc through 二). None for any other line."""
    compact = re.sub(r"\s+", "", text)
    iso = patterns.find_date(compact) if patterns.is_date_line(compact) and not re.search(r"\d", compact) else None
    if iso is None or not known_years or int(iso[:4]) <= max(known_years) + YEARS_PAST_MAX:
        return None
    year, rest = compact.split("年", 1)
    return year, rest


def _restore_arabic_ends(text: str, known_years: Sequence[int]) -> str:
    """An Arabic date that lost characters at its ends (`patterns.damaged_arabic_date_line`) is whole again:
    a year read short takes the one year of the document that it is a part of (digits lost, none misread:
    `024` of 2024; a single digit, `4年4月14日`, only where the document states that one year and no other,
    as a year read not at all does; a whole year no date has, `2820`, the one a digit away), a lost 日 comes
    back; month and day stay as read. Otherwise the line stays as read."""
    found = patterns.damaged_arabic_date_line(text)
    if found is None:
        return text
    read, month, day = found
    if len(read) == 4 and patterns.is_date_line(f"{read}年{month}月{day}日"):
        year = int(read)
    else:  # digits lost, none misread; or at full length one misread into no year a date has (2820 for 2020)
        close = {y for y in known_years if _year_fits(read, str(y), known_years)}
        if len(close) != 1:
            return text
        year = close.pop()
    repaired = f"{year}年{month}月{day}日"
    return repaired if patterns.is_date_line(repaired) else text


def _common_in_order(a: str, b: str) -> int:
    """Length of the longest sequence of characters standing in the same order in `a` and `b`."""
    previous = [0] * (len(b) + 1)
    for ch in a:
        current = [0]
        for j, other in enumerate(b):
            current.append(previous[j] + 1 if ch == other else max(previous[j + 1], current[j]))
        previous = current
    return previous[-1]


def repair_signature(text: str, issuers: Sequence[str]) -> str:
    """A signature line the seal damaged takes the spelling of the one issuer it reads as; otherwise it
    stays as read. Whether or not a seal was found over it: a 1-bit threshold breaks a ring into dashes that
    no shape test finds, and the name under it is as damaged (dev bw: 2 of 234 signatures, none lost).

    GB/T 9704: the 署名 is the issuing body's name, which the 发文机关标志 at the top (clear of any seal)
    also states. A reading that is a whole part of a name and itself reads as a body's name (`国务院` of
    `国务院办公厅`) is a name of its own and stays, as does one the name has only a doubled character more
    than; the name without its first character (`务院办公厅`: the ring crosses the line's end) is no body's
    name and no 规范化简称, and is the name's. Characters lost or misread inside it (`郑州市卫生委员会`,
    `重庆前北卫生健康委员会`, and a part that is no body's name, `重庆市渝北区卫生健康委员`, down to half the
    name when every character read stands in it, `渝北区健康委员`: PART_COVER_MIN) are the seal's.
    """
    if not text or text in issuers:
        return text
    close = set()
    for issuer in issuers:
        if (text in issuer and patterns.looks_like_body(text) and text != issuer[1:]) or _one_doubled(text, issuer):
            continue
        common = _common_in_order(text, issuer)
        whole_part = _part_of(text, issuer) and not patterns.looks_like_body(text)
        cover = PART_COVER_MIN if whole_part else SIGNATURE_COVER_MIN
        if (common >= SIGNATURE_READ_MIN * len(text) and common >= cover * len(issuer)) or _one_misread(text, issuer):
            close.add(issuer)
    return close.pop() if len(close) == 1 else text


SLOT_ROOM_MIN_CH = 2.0
"""A signature row whose box spans this many characters more than its reading holds has lost characters under
the seal (`重庆北` … `委员会` across the width of 重庆市渝北区卫生健康委员会)..."""
SLOT_FIT_CH = 1.0
"""...and an issuer fills that row when its length is within this many characters of the row's (the detector's
boxes overhang the ink by a fraction of a character)."""
DATE_ALIGN_CH = 0.75
"""GB/T 9704 7.3.5: the 署名 is set against the 成文日期 (centred over it; some typesetters align it on the date's
right or left end). A line within this many characters of one of those alignments is set so..."""
DATE_MISALIGN_CH = 1.5
"""...and a reading this far off every one of them is not the whole line that was set (`九江市防汛抗` of
九江市防汛抗旱指挥部, set to end where the date ends)."""
GARBLED_READ_MIN = 0.5
"""A reading of the name's own length that the recogniser doubted (GARBLED_SCORE) keeps at least this share of
its characters in place (`浙江省文过运输户` for 浙江省交通运输厅, `郑州杨带斯督健期理局` for 郑州市市场监督管理局);
a reading that lost characters keeps SIGNATURE_READ_MIN of them, as `repair_signature` asks."""
GARBLED_SCORE = 0.9
"""A line read below this confidence under a seal has characters the seal's ink garbled."""


def _aligned_ch(x0: float, x1: float, date: Box, char_width: float) -> float:
    """How far (in characters) the span [x0, x1] is from being centred over, right- or left-aligned with `date`."""
    return min(abs((x0 + x1) / 2 - date.cx), abs(x1 - date.x1), abs(x0 - date.x0)) / char_width


def _first_matches(a: str, b: str) -> tuple[int, int]:
    """Indices in `a` and `b` of the first character of their longest common in-order sequence."""
    for i, ch in enumerate(a):
        j = b.find(ch)
        if j >= 0 and _common_in_order(a[i:], b[j:]) == _common_in_order(a, b):
            return i, j
    return 0, 0


def ring_names(row: Row, seals: Sequence[Seal], issuers: Sequence[str]) -> list[str]:
    """The issuers the ring text of a seal over `row` spells: SIGNATURE_READ_MIN of the name stands in the
    seal's reading in order (GB/T 9704: the seal is the issuer's; `我都市人民政府办公` for 成都市人民政府办公厅)."""
    rings = [seal.text for seal in _seals_over([row], seals) if seal.text]
    return [issuer for issuer in issuers
            if any(_common_in_order(ring, issuer) >= SIGNATURE_READ_MIN * text_units(issuer) for ring in rings)]


NAMED_START_MIN_CH = 2
"""A reading this long that begins the name the seal's ring spells is that name's start."""


def fit_signature(text: str, row: Row, date: Box | None, char_width: float, issuers: Sequence[str],
                  named: Sequence[str] = ()) -> str:
    """A signature row under a seal whose own measure shows characters lost or garbled takes the one issuer that
    fills it; otherwise it stays as read (`repair_signature` takes the readings that need no measure).

    The measure is the page's: the row's width in body characters, and where the row stands against the date
    it was set over. An issuer fits when
    - characters were lost (SIGNATURE_READ_MIN of the reading stands in it in order) and the row spans room
      for them that the issuer's length fills, or the row shows such room or the reading is off every alignment
      with the date, while the issuer, laid out from the reading's first matching character, lines up with it
      (`呼和市机` in a box of six characters: 浩特 lost inside it, 关事务管理局 past its end with the box);
    - or characters were garbled: the reading has the issuer's length, the recogniser doubted it, and
      GARBLED_READ_MIN of it stands in the issuer in order;
    - or the name's start was lost (`_lost_its_start`);
    - or the reading is only the name's place (`_place_of`: `永泰县` of 永泰县人民政府, 人民政府 under the ring), and
      the name laid out from it lines up with the date.
    For an issuer the seal over the row `named` (`ring_names`), GARBLED_READ_MIN of the reading standing in it
    shows characters lost (`成者` of 成都市人民政府办公厅: 都 read without its 阝 where the ring crossed it); the
    room or the date must still place the name as above. A reading of its length with that share is garbled
    however sure the recogniser was (`宁陵之人民政于` at 0.92 under the ring of 宁陵县人民政府): the seal says whose
    name it is; and so is a reading that is its start (`国务院办` under the ring of 国务院办公厅, 公厅 lost where
    the ring crossed them), wherever it stands; a reading that is a run of its inside (`_run_of`) is so when
    the name, laid out from it, lines up with the date (`府办公` of 贵州省人民政府办公厅, both ends lost under the
    ring; `通运输亍` of 浙江省交通运输厅, its 厅 misread too).
    """
    if not text or text in issuers or char_width <= 0:
        return text
    box, n = row.box, text_units(text)
    span_ch = box.width / char_width
    doubted = _doubted(row.parts)
    fits = set()
    for issuer in issuers:
        m, common = text_units(issuer), _common_in_order(text, issuer)
        if _one_doubled(text, issuer):
            continue
        lost = common >= (GARBLED_READ_MIN if issuer in named else SIGNATURE_READ_MIN) * n
        room = lost and span_ch - n >= SLOT_ROOM_MIN_CH
        fills_room = room and abs(span_ch - m) <= SLOT_FIT_CH
        i, j = _first_matches(text, issuer)
        x0 = box.x0 - (j - i) * char_width
        lines_up = (lost and date is not None
                    and (room or _aligned_ch(box.x0, box.x1, date, char_width) > DATE_MISALIGN_CH)
                    and _aligned_ch(x0, x0 + m * char_width, date, char_width) <= DATE_ALIGN_CH)
        garbled = (doubted or issuer in named) and abs(n - m) <= SLOT_FIT_CH and common >= GARBLED_READ_MIN * n
        place = (_place_of(text, issuer) and date is not None
                 and _aligned_ch(box.x0, box.x0 + m * char_width, date, char_width) <= DATE_ALIGN_CH)
        its_start = issuer in named and issuer.startswith(text) and text_units(text) >= NAMED_START_MIN_CH
        its_part = (issuer in named and _run_of(text, issuer) and text_units(text) >= NAMED_START_MIN_CH
                    and date is not None and _aligned_ch(x0, x0 + m * char_width, date, char_width) <= DATE_ALIGN_CH)
        if (fills_room or lines_up or garbled or place or its_start or its_part
                or _lost_its_start(text, issuer, box, date, char_width, doubted)):
            fits.add(issuer)
    return fits.pop() if len(fits) == 1 else text


def _place_of(text: str, issuer: str) -> bool:
    """`text` is the start of `issuer` up to a place's level (`永泰县` of 永泰县人民政府), two characters or
    more, the name going on past it: a place is no body (永泰县 signs as 永泰县人民政府; 国务院 is a body), so a
    name that stops at its place lost the rest."""
    return (text_units(text) >= 2 and text[-1] in patterns.PLACE_LEVELS and issuer.startswith(text)
            and len(issuer) > len(text))


def _doubted(lines: Sequence[OcrLine]) -> bool:
    """The recogniser doubted one of these readings (GARBLED_SCORE)."""
    return any(line.score < GARBLED_SCORE for line in lines)


def _lost_its_start(text: str, issuer: str, box: Box, date: Box | None, char_width: float,
                    doubted: bool = False) -> bool:
    """`text` is `issuer` with its start lost under the seal: it ends as the name ends but does not begin as
    it begins (a body's name begins with its place; a short name the body signs with is the name's start,
    国务院 of 国务院办公厅, never its end), SIGNATURE_READ_MIN of it stands in the name in order (GARBLED_READ_MIN
    of a reading the recogniser `doubted`: `孔抗早指挥部` at 0.84), SLOT_ROOM_MIN_CH characters or more are
    missing, and the name, set to end where the reading ends, lines up with the date (`民政府` of 永泰县人民政府
    ending where the date ends)."""
    m, n = text_units(issuer), text_units(text)
    share = GARBLED_READ_MIN if doubted else SIGNATURE_READ_MIN
    if (date is None or text[-1] != issuer[-1] or text[0] == issuer[0] or m - n < SLOT_ROOM_MIN_CH
            or _common_in_order(text, issuer) < share * n):
        return False
    return _aligned_ch(box.x1 - m * char_width, box.x1, date, char_width) <= DATE_ALIGN_CH


def _run_of(text: str, issuer: str) -> bool:
    """`text` is a run of `issuer`'s characters, as it stands or (ONE_MISREAD_MIN_CH characters or more) with one
    of them read as another (`_one_misread`)."""
    return text in issuer or any(_one_misread(text, issuer[k:k + len(text)])
                                 for k in range(len(issuer) - len(text) + 1))


ONE_MISREAD_MIN_CH = 3
"""A name this long read with one character wrong is still that name (`因务院` for 国务院 on a 1-bit scan: two
of its three characters are less than SIGNATURE_READ_MIN of it)."""


def _one_misread(text: str, issuer: str) -> bool:
    """`text` is `issuer` (ONE_MISREAD_MIN_CH characters or more) with exactly one character read as another."""
    return (len(text) == len(issuer) >= ONE_MISREAD_MIN_CH
            and sum(a != b for a, b in zip(text, issuer, strict=True)) == 1)


def _one_doubled(text: str, issuer: str) -> bool:
    """`issuer` is `text` with one character doubled (`机关关事务` for `机关事务`): either reading may be the
    misread one (a mark's letter-spaced character read twice at a seam), so neither wins."""
    return any(issuer == text[:i] + text[i] + text[i:] for i in range(len(text)))


RING_TEXT_SCORE = 0.75
"""A reading under a seal that the recogniser trusts less than this and that reads as no issuer is the ring's
arc text, not a signature (`上公司` at 0.22 from the arc of 九江市防汛抗旱指挥部, `敦师` at 0.69)."""

RING_CHANCE_COMMON = 2
"""...and reads as no issuer: fewer than this many of its characters stand in the name in order (one is chance:
the ring's `敦师` shares its 师 with 江苏省教师培训中心, whose own ring it is)."""

RING_TOP_R = 0.3
"""The seal's own name runs along the top of its ring; GB/T 9704 sets the seal's middle on the signature and
date ("居中下压"). An unsure reading counts as ring text only centred this many radii above the seal's centre."""


def names_no_body(name: str) -> bool:
    """A signature-place reading that cannot be a body's name: fewer than two characters (no body's name is
    one: a ring character read on its own, `呼`, or `良` at 0.29 over 曲靖市人民政府办公室 from a ring the
    threshold broke past finding) or no CJK character at all (`<`, the code's digits)."""
    return text_units(name) < 2 or not re.search(rf"[{patterns.CJK}]", name)


def is_ring_text(name: str, group: Sequence[Row], issuers: Sequence[str], seals: Sequence[Seal] = (),
                 line_height: float | None = None) -> bool:
    """A signature-place reading under a seal that is the seal's own text: no body's name (`names_no_body`),
    or, high in the seal (RING_TOP_R), read unsurely (RING_TEXT_SCORE) while less than half its characters
    stand in any issuer's name in order (and RING_CHANCE_COMMON at least; a garbled signature keeps half:
    `郑州杨带斯督健期理局` at 0.63 is 郑州市市场监督管理局, `fit_signature`; a signature lower in the seal stays
    whatever the issuers read), or in a box RING_ARC_LINES of the body's `line_height` tall whatever it shares
    with them: the ring's characters read across its curve (`1小资源` at 0.58, 3.2 line heights, over
    山东省人力资源和社会保障厅), where a printed line is one line high; such a box is unsure below GARBLED_SCORE
    (`和顺公教` at 0.76, 1.9 line heights, over 和顺县教育局)."""
    if names_no_body(name) or is_two_rings_text(name, group, issuers, seals):
        return True
    score = min(part.score for row in group for part in row.parts)
    high = any(seal.page == row.page and _overlaps(seal.box, row.box)
               and row.box.cy < seal.box.cy - RING_TOP_R * seal.box.width / 2 for row in group for seal in seals)
    tall = line_height is not None and max(row.box.height for row in group) >= RING_ARC_LINES * line_height
    if not (high and issuers and score < (GARBLED_SCORE if tall else RING_TEXT_SCORE)):
        return False
    return tall or all(_common_in_order(name, issuer) < max(RING_CHANCE_COMMON, GARBLED_READ_MIN * len(name))
                       for issuer in issuers)


def is_two_rings_text(name: str, group: Sequence[Row], issuers: Sequence[str], seals: Sequence[Seal]) -> bool:
    """A reading under two seals that is the arcs of both rings read as one line: it splits into two runs of
    RING_CHANCE_COMMON characters or more, each standing whole in a different issuer's name, while no issuer's
    name holds SIGNATURE_READ_MIN of it (`市场监督阳市商务` across the rings of 洛阳市市场监督管理局 and 洛阳市商务局,
    where they overlap over the signature); or that joins one name's end to another's start
    (`joins_name_ends`), however much of it one name holds. A printed signature is one name: read damaged,
    most of it still stands in that one name (`洛阳市场监督管理局`)."""
    n = text_units(name)
    if len(_seals_over(group, seals)) < 2 or len(issuers) < 2:
        return False
    if joins_name_ends(name, issuers):
        return True
    if any(_common_in_order(name, issuer) >= SIGNATURE_READ_MIN * n for issuer in issuers):
        return False
    return any(a != b and name[:cut] in a and name[cut:] in b
               for cut in range(RING_CHANCE_COMMON, len(name) - RING_CHANCE_COMMON + 1)
               for a in issuers for b in issuers)


def joins_name_ends(name: str, issuers: Sequence[str]) -> bool:
    """`name` is the end of one issuer's name run on into the start of another's, and stands in neither
    (`局宁波市财政`: 局 ending 国家税务总局宁波市税务局, 宁波市财政 starting 宁波市财政局): where two rings overlap,
    one ring's name ends beside the start of the other's, and the recogniser reads both arcs as one line. A
    printed signature is one name; two side by side are two whole names, not a name's end and another's start."""
    if any(name in issuer for issuer in issuers):
        return False
    return any(a != b and a.endswith(name[:cut]) and b.startswith(name[cut:]) and name[:cut] != a and name[cut:] != b
               for cut in range(1, len(name)) for a in issuers for b in issuers)


RING_ARC_LINES = SEAL_SPECK_MIN_HEIGHT_LINES
"""A box this many body line heights tall holds no printed line (`layout.lines.is_seal_speck` likewise)."""


def is_unfound_ring_text(name: str, group: Sequence[Row], issuers: Sequence[str], line_height: float | None) -> bool:
    """A signature-place reading in a box RING_ARC_LINES of the body's `line_height` tall that names no issuer
    (fewer than RING_CHANCE_COMMON of its characters stand in any issuer's name in order) is a seal's ring text
    where no seal was found: a 1-bit threshold breaks the ring past any shape test, and its characters, read
    across the curve, still give a tall box (`市小`, 2.3 line heights, over 芜湖市水利局), where a printed line
    is one line high."""
    tall = line_height is not None and max(row.box.height for row in group) >= RING_ARC_LINES * line_height
    return tall and bool(issuers) and all(_common_in_order(name, issuer) < RING_CHANCE_COMMON for issuer in issuers)


def is_stray_sign(part: OcrLine) -> bool:
    """A fragment on a signature's row that reads no CJK character and reads it unsurely (RING_TEXT_SCORE):
    a seal's code digits along its lower arc, a speck (`35` at 0.20 and `<` at 0.19 beside 曲靖市人民政府办公室
    on a 1-bit scan). A body's name is written in characters."""
    return part.score < RING_TEXT_SCORE and not re.search(rf"[{patterns.CJK}]", part.text)


def _date_box(groups: Sequence[list[Row]], date_index: int | None, page: int) -> Box | None:
    """The 成文日期's box when it stands on `page` in one row."""
    if date_index is None or len(groups[date_index]) != 1 or groups[date_index][0].page != page:
        return None
    return groups[date_index][0].box


def set_pitch(groups: Sequence[list[Row]], date_index: int | None, page: int, char_width: float) -> float:
    """The character advance the signature was set in: GB/T 9704 sets 署名 and 成文日期 in one size (3号), so the
    date under it, read whole on `page`, measures it (its box over its characters); else the page's body
    `char_width` (a body measured a few per cent tighter than its 3号 undersells a 13-character name)."""
    box = _date_box(groups, date_index, page)
    text = join_rows(groups[date_index]) if box is not None and date_index is not None else ""
    units = text_units(text)
    return box.width / units if box is not None and patterns.is_date_line(text) and units else char_width


def under_seal(group: Sequence[Row] | Sequence[OcrLine], seals: Sequence[Seal]) -> bool:
    """Any row (or line) of `group` overlaps a seal on its page (GB/T 9704: the seal presses on signature and
    date)."""
    return bool(_seals_over(group, seals))


def _seals_over(group: Sequence[Row] | Sequence[OcrLine], seals: Sequence[Seal]) -> list[Seal]:
    """The seals that overlap any row (or line) of `group` on its page, each once."""
    return [seal for seal in seals if any(seal.page == item.page and _overlaps(seal.box, item.box) for item in group)]


def _overlaps(a: Box, b: Box) -> bool:
    return min(a.x1, b.x1) > max(a.x0, b.x0) and min(a.y1, b.y1) > max(a.y0, b.y0)


PRINTED_WITHIN_DAYS = 366
"""The 印发日期 follows the 成文日期 closely: a document goes to print within days or weeks of being signed."""


def repair_date_by_printing(text: str, printed_iso: str | None) -> str:
    """A date line whose year OCR misread into another plausible year (`2021年6月21日` for 2024 on a 1-bit
    scan, `二〇七四年三月十二日`) takes the year that puts it on or within a year before the 印发 date, when a
    year (the 印发 year, else the one before: the closer day) does so and differs from the reading in a single
    digit. A reading within a year of the 印发 date stays as read; so does one that no such year explains."""
    found, chinese = patterns.arabic_date_line(text), None
    if found is None and patterns.is_date_line(text) and (iso := patterns.find_date(text)) is not None:
        found, chinese = (int(iso[:4]), int(iso[5:7]), int(iso[8:])), text[text.index("年"):]  # 二〇七四年三月十二日
    printed = day_of(printed_iso)
    if found is None or printed is None:
        return text
    year, month, day = found

    def fits(y: int) -> bool:
        signed = day_of(patterns.iso_date(y, month, day))
        return signed is not None and 0 <= (printed - signed).days <= PRINTED_WITHIN_DAYS

    read = day_of(patterns.iso_date(year, month, day))
    if read is None or abs((printed - read).days) <= PRINTED_WITHIN_DAYS:
        return text  # within a year of printing (even a few days after: the 印发 line may be misread too)
    years = [y for y in (printed.year, printed.year - 1)
             if fits(y) and sum(a != b for a, b in zip(str(y), str(year), strict=True)) == 1]
    if not years:
        return text
    # the printing year first: the closer day; a Chinese-numeral date keeps its spelling, year spelled anew
    return f"{years[0]}年{month}月{day}日" if chinese is None else patterns.chinese_year(years[0]) + chinese


def _signed_iso(blocks: Sequence[Block]) -> str | None:
    """The 成文日期 (ISO) of the date block among `blocks`, or None."""
    return next((patterns.find_date(b.text) for b in blocks if b.type is BlockType.DATE), None)


def _printed_date(groups: Sequence[list[Row]]) -> str | None:
    for group in groups:
        printed = patterns.split_printed(join_rows(group))
        if printed is not None and printed[1]:
            return printed[1]
    return None


def _without_one_zero(numerals: str) -> set[str]:
    return {numerals[:i] + numerals[i + 1:] for i, ch in enumerate(numerals) if ch == "〇"}


DOCUMENT_YEARS = range(1900, 2100)
"""Where the document states no year of its own, the years a date with a lost 〇 is read against."""


def _restore_zero(text: str, lost: tuple[str, str], known_years: Sequence[int]) -> str:
    """`二二四年五月七日` → `二〇二四年五月七日` when exactly one year of the document reads so without one 〇;
    in a document that states no year elsewhere (no doc number, no 印发 line), when exactly one year at all
    does (二二四 is only 二〇二四, while 二〇二 is 二〇二〇 or 二〇〇二)."""
    numerals, rest = lost
    years = {year for year in (known_years or DOCUMENT_YEARS)
             if numerals in _without_one_zero(patterns.chinese_year(year))}
    if len(years) != 1:
        return text
    repaired = f"{patterns.chinese_year(years.pop())}年{rest}"
    return repaired if patterns.is_date_line(repaired) else text


def document_years(texts: Sequence[str]) -> list[int]:
    """Years the document states elsewhere: in its doc number (〔2024〕) and its 印发 date."""
    years = []
    for text in texts:
        number = patterns.find_doc_number(text)
        printed = patterns.split_printed(text)
        for found in (number[number.find("〔") + 1:number.find("〔") + 5] if number else None,
                      printed[1][:4] if printed and printed[1] else None):
            if found and found.isdigit():
                years.append(int(found))
    return years


def _row_of(parts: Sequence[OcrLine], page: int, scale: Scale, settings: LayoutSettings) -> Row:
    return Row(page, tuple(parts), join_parts(parts, scale, settings))


def _split_one_fragment(row: Row) -> list[Row] | None:
    """A note and a date the detector read as one box: cut the box where the date's characters begin."""
    found = patterns.split_note_date(row.text) if len(row.parts) == 1 else None
    if found is None:
        return None
    note, date = found
    line = row.parts[0]
    box = line.box
    cut = box.x1 - text_units(date) * box.width / max(text_units(row.text), 1.0)
    left = replace(line, text=note, box=Box(box.x0, box.y0, cut, box.y1), polygon=())
    right = replace(line, text=date, box=Box(cut, box.y0, box.x1, box.y1), polygon=())
    return [Row(row.page, (left,), note), Row(row.page, (right,), date)]


DATE_ABOVE_LINES = 0.3
"""A date whose top stands this many body lines over the top of what shares its row was printed above it."""


def split_dated_row(row: Row, scale: Scale, settings: LayoutSettings = DEFAULT_SETTINGS) -> list[Row]:
    """A date printed on one baseline after something else stands on its own: the row splits before it.

    The split is made only where a paragraph line never has one: at a wide gap (`（本文有删减）` left,
    the date right), or after a whole parenthesised note (`（本文有删减）二〇〇五年七月十四日`). The date comes
    first where it stands higher (its top DATE_ABOVE_LINES over the other's): the 附注 under the date, its box
    and the date's (taller with the ring's arc) read into one row.
    """
    parts = row.parts
    for cut in range(1, len(parts)):
        left, right = parts[:cut], parts[cut:]
        date = join_parts(right, scale, settings)
        if not patterns.is_date_line(date):
            continue
        gap = (right[0].box.x0 - left[-1].box.x1) / scale.char_width
        note = join_parts(left, scale, settings)
        if gap >= settings.wide_gap_ch or patterns.split_note_date(note + date) is not None:
            pieces = [_row_of(left, row.page, scale, settings), _row_of(right, row.page, scale, settings)]
            higher = min(p.box.y0 for p in right) < min(p.box.y0 for p in left) - DATE_ABOVE_LINES * scale.line_height
            return pieces[::-1] if higher else pieces
    return _split_one_fragment(row) or _split_off_specks(row, scale, settings) or [row]


DATE_SPECK_MAX_CH = 2.0
"""Fragments this short in all on the date's baseline, with no digit or punctuation, are stray readings (a
seal's bottom-arc character on a scan without colour), not part of the date."""


def _is_speck(part: OcrLine) -> bool:
    text = re.sub(r"\s+", "", part.text)
    return (text_units(text) <= DATE_SPECK_MAX_CH
            and all(patterns.is_cjk(ch) or ch in "★☆*" for ch in text) and not patterns.find_date(text))


def _split_off_specks(row: Row, scale: Scale, settings: LayoutSettings) -> list[Row] | None:
    """A date row with a stray short fragment on either side: the date stands alone, the strays after it."""
    parts = row.parts
    for start in range(len(parts)):
        for end in range(len(parts), start, -1):
            if (start, end) == (0, len(parts)):
                continue
            if not patterns.is_date_line(join_parts(parts[start:end], scale, settings)):
                continue
            strays = parts[:start] + parts[end:]
            stray_units = sum(text_units(part.text) for part in strays)
            if stray_units > DATE_SPECK_MAX_CH or not all(_is_speck(part) for part in strays):
                return None
            date = _row_of(parts[start:end], row.page, scale, settings)
            return [date, *(_row_of([part], row.page, scale, settings) for part in strays)]
    return None


def split_dated_rows(rows: Sequence[Row], scale: Scale, settings: LayoutSettings = DEFAULT_SETTINGS) -> list[Row]:
    """`split_dated_row` over rows in reading order."""
    return [piece for row in rows for piece in split_dated_row(row, scale, settings)]


def _is_date(text: str, known_years: Sequence[int], printed_iso: str | None = None) -> bool:
    """`text` is a date line, as read or with its year repaired, or with one character that its 印发 date
    confirms (`years.numeral_from_printing`), or with a ring's stroke across a numeral taken away
    (`years.numerals_without_crossing`: 十三月, 十十)."""
    repaired = repair_date_year(text, known_years)
    return (patterns.is_date_line(repaired) or patterns.is_date_line(numeral_from_printing(repaired, printed_iso))
            or patterns.is_date_line(numerals_without_crossing(repaired)))


def _find_date(groups: Sequence[list[Row]], geometry: BodyGeometry, known_years: Sequence[int],
               printed_iso: str | None = None) -> int | None:
    """Index of the 成文日期: the last single-line date group not flush left."""
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        text = join_rows(group)
        if len(group) == 1 and _is_date(text, known_years, printed_iso):
            row = group[0]
            if geometry.indent_ch(row.box, row.page) >= SIGNATURE_MIN_INDENT_CH:
                return index
    return None


def _find_damaged_date(groups: Sequence[list[Row]], geometry: BodyGeometry, settings: LayoutSettings,
                       seals: Sequence[Seal], issuers: Sequence[str] = ()) -> int | None:
    """Index of a 成文日期 the seal damaged beyond reading (`2021年8月126月`): the last single-line group
    under a seal that reads as a date with characters lost, not flush left, standing close under a
    signature line; or, where no seal was found (a ring too faint to find), such a line whose month and day
    read whole (`五年七月十四日`) or that is numerals in the date's whole frame (`九年月二十日`:
    `patterns.is_numeral_frame`). None when there is none."""
    for index in range(len(groups) - 1, 0, -1):
        group = groups[index]
        text = patterns.date_numerals(join_rows(group))
        if len(group) != 1 or not patterns.is_damaged_date_line(text):
            continue
        row = group[0]
        date_shaped = patterns.reads_month_and_day(text) or patterns.is_numeral_frame(text)
        if (geometry.indent_ch(row.box, row.page) >= SIGNATURE_MIN_INDENT_CH
                and (under_seal(group, seals) or date_shaped)
                and _is_signature(groups[index - 1], geometry, settings, seals, issuers)
                and _stacked_over(groups[index - 1], group, geometry)):
            return index
    return None


SPECK_LEAD = patterns.NAME_SPECK_LEAD
"""Punctuation read before a signature's first character is a speck (`：成都市人民政府办公厅` on a grey scan):
a body's name starts with a character..."""
SPECK_TAIL = "，,、.·"
"""...and the small marks read after its last one (`遵义市人民政府.` on a 1-bit scan, the dot read a comma): it
ends with one too. (A `。` is left: `特此通知。` is a sentence.)"""


def _is_signature(group: Sequence[Row], geometry: BodyGeometry, settings: LayoutSettings,
                  seals: Sequence[Seal] = (), issuers: Sequence[str] = ()) -> bool:
    if len(group) != 1:
        return False
    text = without_ring_marks(join_rows(group).lstrip(SPECK_LEAD).rstrip(SPECK_TAIL), group, seals, issuers)
    row = group[0]
    if not text or len(text) > SIGNATURE_MAX_CH or any(ch in SIGNATURE_FORBIDDEN for ch in text):
        return False
    if patterns.heading_level(text) is not None or patterns.is_page_number(text):
        return False
    if text[0] in "（(" and text[-1] in "）)":
        return False  # a note in brackets (`（本文有删减）`), never a body's name
    indent = geometry.indent_ch(row.box, row.page)
    if indent < SIGNATURE_MIN_INDENT_CH:
        return False
    # Indented like a paragraph, it must read as a body's name (`特此通知` without its 。 is body text).
    return indent > settings.indent_max_ch or patterns.looks_like_body(text)


MARKED_PART_MIN_CH = 4
"""A reading this long, all of it in one issuer's name in order, is that name's line, not chance."""


def without_ring_marks(text: str, group: Sequence[Row], seals: Sequence[Seal], issuers: Sequence[str]) -> str:
    """`text` without its sentence punctuation when that is where the seal's ring crossed a signature line:
    the line stands under a seal and, without it, reads as an issuer's name (`repair_signature`: `永泰县，民政府`,
    the ring's arc through 人 read as a comma, for 永泰县人民政府), or every character of it, MARKED_PART_MIN_CH
    or more, stands in one issuer's name in order (`湖北，力资社会` under three joint rings: a damaged line of
    湖北省人力资源和社会保障厅). Otherwise `text` as it came: a line with a comma in it is a sentence
    (SIGNATURE_FORBIDDEN)."""
    bare = "".join(ch for ch in text if ch not in SIGNATURE_FORBIDDEN)
    if bare == text or not bare or not under_seal(group, seals):
        return text
    part_of_one = len(bare) >= MARKED_PART_MIN_CH and any(_common_in_order(bare, issuer) == len(bare)
                                                          for issuer in issuers)
    return bare if repair_signature(bare, issuers) in issuers or part_of_one else text


def _stacked_over(upper: Sequence[Row], lower: Sequence[Row], geometry: BodyGeometry) -> bool:
    """`upper` ends close above `lower` (same page), as signature lines stand over each other and the date."""
    top, bottom = lower[0], upper[-1]
    if top.page != bottom.page:
        return True
    return top.box.y0 - bottom.box.y1 <= SIGNATURE_STACK_GAP_LH * geometry.scale.line_height


JOINT_HIDDEN_GAP_LH = SIGNATURE_STACK_GAP_LH + 2.0
"""A joint signature's lines stand one line further apart where the seals hid the line between them (its
height and the line spacing: about two line heights more)."""


def _over_hidden_line(upper: Sequence[Row], lower: Sequence[Row], geometry: BodyGeometry,
                      seals: Sequence[Seal], issuers: Sequence[str]) -> bool:
    """`upper` is a joint signature's line above a line the seals hid: the document has two issuers or more,
    `upper` reads as one of them (damaged as `repair_signature` takes it: `湖北省教育`), `lower` is under a seal,
    and they stand one line further apart than signature lines do (JOINT_HIDDEN_GAP_LH). `joint_signatures` puts the hidden issuer back between them."""
    top, bottom = lower[0], upper[-1]
    return (len(issuers) >= 2 and top.page == bottom.page and repair_signature(join_rows(upper), issuers) in issuers
            and under_seal(lower, seals)
            and top.box.y0 - bottom.box.y1 <= JOINT_HIDDEN_GAP_LH * geometry.scale.line_height)


def _signature_start(groups: Sequence[list[Row]], date_index: int, geometry: BodyGeometry,
                     settings: LayoutSettings, *, dated: bool = True, seals: Sequence[Seal] = (),
                     issuers: Sequence[str] = ()) -> int:
    """First signature group above `date_index` (the date, or when `dated` is False the group after the
    last signature line, which need not stand close under it)."""
    start = date_index
    while (start > 0 and date_index - start < SIGNATURE_MAX_ROWS
           and not (start > 1 and _closes_above(join_rows(groups[start - 2]), join_rows(groups[start - 1])))
           and (_is_signature(groups[start - 1], geometry, settings, seals, issuers)
                or is_seal_debris(groups[start - 1], seals))
           and (not dated and start == date_index or _stacked_over(groups[start - 1], groups[start], geometry)
                or _over_hidden_line(groups[start - 1], groups[start], geometry, seals, issuers))):
        start -= 1
    return start


def _open_brackets(text: str) -> int:
    """Round brackets `text` opens and leaves open (negative: closes more than it opens)."""
    return text.count("（") + text.count("(") - text.count("）") - text.count(")")


def _closes_above(upper: str, text: str) -> bool:
    """`text` closes a bracket the line above left open (`…规划（征求意见` over `稿）`): the wrapped end of that
    line's name, never a signature line (a body's name closes its own brackets: `某某（集团）有限公司`)."""
    return _open_brackets(upper) > 0 and _open_brackets(text) < 0


SQUEEZED_ROOM_LINES = 0.9
"""A printed line needs a line's height of room between the lines above and below it."""


def is_squeezed(groups: Sequence[list[Row]], index: int, line_height: float) -> bool:
    """Group `index` (one row) stands between the rows above and below it on its page with less than
    SQUEEZED_ROOM_LINES of room between them: no printed line fits there, so under a seal it is the seal's ink
    read as characters (`三` and `公` between the signature and the date)."""
    if not 0 < index < len(groups) - 1 or len(groups[index]) != 1:
        return False
    above, row, below = groups[index - 1][-1], groups[index][0], groups[index + 1][0]
    return (above.page == row.page == below.page and above.box.cy < row.box.cy < below.box.cy
            and below.box.y0 - above.box.y1 < SQUEEZED_ROOM_LINES * line_height)


def is_seal_debris(group: Sequence[Row], seals: Sequence[Seal]) -> bool:
    """A one-row group under a seal with no CJK character in it (a speck of the ring read `7`, the seal's
    code): the seal's ink, not a line of the document; between the signature and the date it does not part
    them (is_ring_text drops it from the signature)."""
    return (len(group) == 1 and under_seal(group, seals)
            and not any(patterns.is_cjk(ch) for ch in join_rows(group)))


def _in_attachment_column(group: Sequence[Row], first: Row, geometry: BodyGeometry) -> bool:
    """Items and wrapped names hang under the first item, right of `附件：` (not out at the signature)."""
    start = geometry.indent_ch(first.box, first.page)
    indent = geometry.indent_ch(group[0].box, group[0].page)
    return start - ATTACHMENT_HANG_MIN_CH <= indent <= start + ATTACHMENT_HANG_MAX_CH


def _attachment_blocks(groups: Sequence[list[Row]], start: int, end: int,
                       geometry: BodyGeometry) -> tuple[list[Block], int]:
    """From the `附件：` group at `start`: one block per item; wrapped item names join their item."""
    items: list[list[Row]] = [list(groups[start])]
    index = start + 1
    while index < end and _in_attachment_column(groups[index], groups[start][0], geometry):
        text = join_rows(groups[index])
        if patterns.is_bracketed_note(text):
            break  # `（本文有删减）` under the attachment is the document's note, not a wrapped item name
        if _ITEM_RE.match(text):
            items.append(list(groups[index]))
        elif not text.endswith("。") and len(items[-1]) < 3 and not patterns.is_contact(text):
            items[-1].extend(groups[index])
        else:
            break
        index += 1
    return [_typed(BlockType.ATTACHMENT, item, closed_name(join_rows(item))) for item in items], index


ATTACHMENT_END_SPECKS = "，,。.、；;·・"
"""An attachment's name ends without a mark (GB/T 9704 7.3.4: 附件名称后不加标点符号): one read there is a speck."""


def closed_name(text: str) -> str:
    """An attachment's name that opens a bracket and ends on a character without closing it (`…规划（征求意见稿`)
    with its closing bracket: a name's bracket closes inside it, and the one that wrapped to a line of its own
    (`）` alone under the name) is a mark the detector does not find alone; and without a mark read at its end
    (ATTACHMENT_END_SPECKS: `…先进集体名单.`)."""
    text = text.rstrip(ATTACHMENT_END_SPECKS) or text
    return text + "）" if _open_brackets(text) == 1 and patterns.ends_in_cjk(text) else text


def closes_body(groups: Sequence[list[Row]], index: int, signature_start: int, date_index: int | None) -> bool:
    """A one-line parenthesised note (`（本文有删减）`) standing alone where the body ends: right above the
    signature, or after the date. Inside the body the same line is body text (an aside in brackets)."""
    group = groups[index]
    if len(group) != 1 or not patterns.is_bracketed_note(join_rows(group)):
        return False
    return index == signature_start - 1 or (date_index is not None and index > date_index)


def _tail_kind(text: str) -> BlockType | None:
    if patterns.is_printed(text):
        return BlockType.PRINTED
    if patterns.is_cc(text):
        return BlockType.CC
    if patterns.is_contact(text):
        return BlockType.CONTACT
    if patterns.is_note(text):
        return BlockType.NOTE
    return None


_DATE_MARKS_RE = re.compile(r"年.*月|月.*日")


def _printing_shaped(group: Sequence[Row], geometry: BodyGeometry, settings: LayoutSettings) -> bool:
    """The group is set as the 印发 line is (GB/T 9704 7.4.3: the printing body flush left, the date flush
    right, far apart), whatever its words read: one row that parts at a wide gap into a body's name and a
    piece with a date's marks (`贵州省人民政府办公厅 … 2021年8月34日日14`, its 印发 misread). A 抄送 list's
    hanging line is one run of names, so the list ends before it even where its closing 。 was lost."""
    if len(group) != 1:
        return False
    pieces = split_wide_gaps(group[0], geometry.scale, settings)
    return (len(pieces) >= 2 and patterns.looks_like_body(clean_text(pieces[0].text))
            and bool(_DATE_MARKS_RE.search(pieces[-1].text)))


HANGING_LINE_SPECKS = ",，、.．·"
"""No line starts with a comma or a stop (禁则, `patterns.LINE_START_FORBIDDEN`): one read at a 抄送 list's hanging
line's start is a speck (`,委。` under `…市纪委监`)."""


def _undated_signature_end(groups: Sequence[list[Row]], geometry: BodyGeometry, settings: LayoutSettings,
                           seals: Sequence[Seal] = (), issuers: Sequence[str] = ()) -> int | None:
    """When the seal hid the date: the index after a right-aligned body name that ends the body (only 附注,
    contact lines and the 版记 follow), as if the date stood there; None when there is no such name."""
    end = len(groups)
    while end > 0 and _tail_kind(join_rows(groups[end - 1])) is not None:
        end -= 1
    if end == 0:
        return None
    last = groups[end - 1]
    text = join_rows(last)
    right = geometry.indent_ch(last[0].box, last[0].page) > settings.indent_max_ch
    if right and patterns.looks_like_body(text) and _is_signature(last, geometry, settings, seals, issuers):
        return end
    return None


def classify_groups(groups: Sequence[list[Row]], geometry: BodyGeometry,
                    settings: LayoutSettings = DEFAULT_SETTINGS, known_years: Sequence[int] = (),
                    issuers: Sequence[str] = (), seals: Sequence[Seal] = (), bilevel: bool = False) -> list[Block]:
    """Typed blocks for the body and tail groups, in reading order.

    `known_years`: years stated in the header (doc number); the 印发 date among the groups adds its own. With
    `bilevel` (a 1-bit scan), each also as the years it could have been printed (`years.printed_years`).
    `issuers`: the bodies the issuer mark names; `seals`: the document's seals (a signature line under one
    that reads as an issuer takes its spelling, `repair_signature`).
    """
    # the 印发 line's year, not the years of numbers the body cites (鲁人社发〔2012〕36号)
    known_years = [*known_years, *document_years([text for text in map(join_rows, groups) if patterns.is_printed(text)])]
    if bilevel:
        known_years = printed_years(known_years)
    printed_iso = _printed_date(groups)
    date_index = _find_date(groups, geometry, known_years, printed_iso)
    if date_index is None:
        date_index = _find_damaged_date(groups, geometry, settings, seals, issuers)
    sig_end = (date_index if date_index is not None
               else _undated_signature_end(groups, geometry, settings, seals, issuers))
    signature_start = (_signature_start(groups, sig_end, geometry, settings, dated=date_index is not None,
                                        seals=seals, issuers=issuers)
                       if sig_end is not None else len(groups))
    blocks: list[Block] = []
    index = 0
    while index < len(groups):
        group = groups[index]
        text = join_rows(group)
        kind = _tail_kind(text)
        if sig_end is not None and signature_start <= index < sig_end:
            kept = [part for row in group for part in row.parts if not is_stray_sign(part)]
            name = re.sub(r"\s+", "", text if len(kept) == sum(len(row.parts) for row in group)
                          else "".join(part.text for part in kept)).lstrip(SPECK_LEAD).rstrip(SPECK_TAIL)
            line_height = geometry.scale.line_height
            if not kept or names_no_body(name) or (is_ring_text(name, group, issuers, seals, line_height)
                                                   or is_squeezed(groups, index, line_height)
                                                   if under_seal(group, seals)
                                                   else is_unfound_ring_text(name, group, issuers, line_height)):
                index += 1
                continue  # the seal's text or specks, not the document's
            name = repair_signature(name, issuers)
            if under_seal(group, seals) and len(group) == 1:
                date = _date_box(groups, date_index, group[0].page)
                pitch = set_pitch(groups, date_index, group[0].page, geometry.char_width(group[0].page))
                name = fit_signature(name, group[0], date, pitch, issuers, ring_names(group[0], seals, issuers))
            blocks.append(_typed(BlockType.SIGNATURE, group, name))
        elif index == date_index:
            printed = printed_iso
            # 十三月, 十十 first: numerals a ring's stroke crossed are no evidence for the repairs by the 印发 date
            signed = numerals_without_crossing(re.sub(r"\s+", "", text))
            signed = month_from_printing(repair_date_year(signed, known_years), printed)
            signed = year_from_printing(day_tens_from_printing(signed, printed), printed)
            if bilevel:  # a 印发 date eroded to before the date is no evidence against it (2021年1月22日 for 4月)
                printed = printing_after(printed, patterns.find_date(signed))
            if not (bilevel and eroded_year_of_printing(signed, printed)):
                # (a 1-bit year with 1s for the 印发 year's 4s is that year: `years.reconcile_years`)
                signed = repair_date_by_printing(signed, printed)
            if bilevel:
                signed = date_before_printing(in_printing_year(signed, printed), printed)
            if under_seal(group, seals) or not patterns.is_date_line(signed):
                # one character misread; a date after its printing only where the ring crosses it (and after a
                # 1-bit 印发 date is read as printed)
                signed = numeral_from_printing(signed, printed)
            blocks.append(_typed(BlockType.DATE, group, signed))
        elif patterns.is_attachment(text):
            end = signature_start if index < signature_start else len(groups)
            found, index = _attachment_blocks(groups, index, end, geometry)
            blocks += found
            continue
        elif kind is BlockType.CC:
            # A long 抄送 list wraps; its hanging lines continue it up to the 印发 line.
            rows = list(group)
            while index + 1 < len(groups) and not _tail_kind(join_rows(groups[index + 1])) \
                    and not text.endswith("。") and not _printing_shaped(groups[index + 1], geometry, settings):
                index += 1
                rows += [replace(row, text=row.text.lstrip(HANGING_LINE_SPECKS)) for row in groups[index]]
                text = join_rows(rows)
            blocks.append(_typed(BlockType.CC, rows, closed_cc(patterns.restore_cc_commas(text))))
        elif kind is BlockType.PRINTED:
            pieces = [piece for row in group for piece in split_wide_gaps(row, geometry.scale, settings)]
            printed = spelled_printer(" ".join(clean_text(piece.text) for piece in pieces), issuers,
                                      [join_rows(other) for other in groups if other is not group])
            if bilevel:
                signed_iso = _signed_iso(blocks)
                printed = printing_of_no_day(printing_after_date(printed, signed_iso), signed_iso)
            blocks.append(_typed(kind, group, printed))
        elif kind is not None and (kind is not BlockType.NOTE or date_index is None or index > date_index):
            blocks.append(_typed(kind, group))
        elif closes_body(groups, index, signature_start, date_index):
            blocks.append(_typed(BlockType.NOTE, group, re.sub(r"\s+", "", text)))
        else:
            blocks.append(body_block(group))
        index += 1
    blocks = without_overlapped_lines(without_repeated_parts(blocks), issuers)
    return without_repeated_names(joint_signatures(hidden_signature(blocks, issuers, seals), issuers, seals))


PRINTER_OFFICES = ("办公室", "办公厅", "")
"""What the 印发机关 usually is (GB/T 9704 7.4.3): the issuer's office, or the issuer itself."""
PRINTER_MIN_CH = 4
"""An issuer's name this long at least is long enough to be told from another one character off..."""
PRINTER_TWO_OFF_MIN_CH = 9
"""...and an office's name this long from another two characters off (`浮又市人民政府办公室` for 遵义市人民政府办公室
on a 1-bit scan: eight of its ten characters stand)."""


def spelled_printer(text: str, issuers: Sequence[str], witnesses: Sequence[str] = ()) -> str:
    """The 印发 line with its 印发机关 spelled as the issuer's office is when it reads one character off it
    (`九江市防汛抗呈指挥部办公室`, `浙江省教育厅广办公室`: the mark states the name clear of any seal) and off no
    other; a printer that reads as an office exactly, or as none, stays as read, and so does one whose body
    the document's other lines (`witnesses`) spell as it reads and never as the mark does: the mark's large
    letter-spaced type is then the misread one (`山东省人力资源社会保障厅` lost 和 at a seam; the body says
    山东省人力资源和社会保障厅)."""
    found = patterns.split_printed(text)
    if found is None:
        return text
    by = found[0]
    names = {issuer + office: issuer for issuer in issuers if len(issuer) >= PRINTER_MIN_CH
             for office in PRINTER_OFFICES}
    if not names or by in names:
        return text
    edits = {name: _edits(by, name) for name in names}
    fewest = min(edits.values())
    close = {name for name, count in edits.items() if count == fewest
             and (count == 1 or (count == 2 and len(name) >= PRINTER_TWO_OFF_MIN_CH))}
    if len(close) != 1:
        return text
    name = close.pop()
    body = by.removesuffix(name[len(names[name]):])  # the reading less the office word
    if any(body in other for other in witnesses) and not any(names[name] in other for other in witnesses):
        return text
    return text.replace(by, name, 1)


_CC_END_MISREADS = "：:，,、.·．"
"""What a 抄送 line's last mark, the full stop's small ring, reads as once a threshold broke it."""


def closed_cc(text: str) -> str:
    """The 抄送 line with the full stop GB/T 9704 7.4.2 puts after its last body, where the scan lost it (a
    1-bit threshold erases the small ring: `…，湾沚区水利局`) or broke it into another mark (`…，市检察院：`)."""
    text = text.rstrip()
    if text[-1:] and text[-1] in _CC_END_MISREADS and patterns.ends_in_cjk(text[:-1]):
        return text[:-1] + "。"
    return text + "。" if patterns.ends_in_cjk(text) else text


def without_repeated_names(blocks: Sequence[Block]) -> list[Block]:
    """The blocks without a signature line that repeats one before it: a joint signature names other bodies,
    one each (GB/T 9704 7.3.5.2), so the second is a piece of the line read apart and repaired to the same
    name (`成都常人` | `有人民政府务公厅`, both 成都市人民政府办公厅). Run after `joint_signatures`, which
    gives a joint signature's name read twice the issuer of its place."""
    seen: set[str] = set()
    kept = []
    for block in blocks:
        if block.type is BlockType.SIGNATURE:
            if block.text in seen:
                continue
            seen.add(block.text)
        kept.append(block)
    return kept


def without_repeated_parts(blocks: Sequence[Block]) -> list[Block]:
    """The blocks without a signature line that is a part of another signature line and no body's name on
    its own: a piece of that line a second look read again, higher (`资源和` over 浙江省人力资源和社会保障厅)."""
    names = [block.text for block in blocks if block.type is BlockType.SIGNATURE]
    return [block for block in blocks
            if not (block.type is BlockType.SIGNATURE and not patterns.looks_like_body(block.text)
                    and any(block.text != name and block.text in name for name in names))]


LINES_OVERLAP = 0.25
"""Two printed lines never overlap: a signature-place reading overlapping a line read as an issuer by this share
of its height is the seal's arc text the detector boxed between two signature lines (`教省财` between 浙江省教育厅
and 浙江省财政厅, read at 1.00)."""


def without_overlapped_lines(blocks: Sequence[Block], issuers: Sequence[str]) -> list[Block]:
    """The blocks without a one-line signature that is no issuer's name and overlaps (LINES_OVERLAP), on its page,
    a signature line read as an issuer: the printed line is the issuer's, the other reading the seal's text."""
    named = [block.lines for block in blocks if block.type is BlockType.SIGNATURE and block.text in issuers]

    def overlapped(block: Block) -> bool:
        if block.type is not BlockType.SIGNATURE or block.text in issuers or len(block.pages) != 1:
            return False
        return any(line.page == other.page
                   and min(line.box.y1, other.box.y1) - max(line.box.y0, other.box.y0)
                   >= LINES_OVERLAP * min(line.box.height, other.box.height)
                   for line in block.lines for lines in named for other in lines)

    return [block for block in blocks if not overlapped(block)]


JOINT_GAP_PITCHES = 1.6
"""Two signature lines this many line pitches apart (top to top; the pitch is the body's line pitch, or the last
signature line's to the date's top where that is less) leave a line's room between them: the seals hid a line
there."""


def joint_signatures(blocks: Sequence[Block], issuers: Sequence[str], seals: Sequence[Seal]) -> list[Block]:
    """A joint document signs with every issuer, in the mark's order (GB/T 9704 7.3.5.2). Under its seals:

    - a signature with a line for each issuer, all but one read as their issuer in that order: the one left
      is the seals' damage to the issuer of its place (`浙江省财资源`, or the first name read again under the
      middle seal) and takes its spelling; so do several left, each a part of its place's issuer and of no
      other (`管理` | `市商务` for 洛阳市市场监督管理局 | 洛阳市商务局: `_only_part_of`), or each a damaged reading
      of its place's issuer that reads as no other as well (`郑州杨带精健理局` | `郑州市卫` for 郑州市市场监督管理局 |
      郑州市卫生健康委员会: `_damaged_name_of_only`);
    - a signature that reads every issuer but one in order, with a line's room (JOINT_GAP_PITCHES) where the
      missing one stands, or for the first one, the seals pressing on the free line above the first read
      (JOINT_SEAL_REACH): the seals hid that line (overlapping rings on a 1-bit scan), and the issuer is put
      back there, a signature line without OCR lines. A line read under a seal with characters lost stands
      for the issuer of its place when it reads as that one at least as well as any other
      (`_damaged_name_of`: `郑州委员会` under the second of two overlapping seals is 郑州市卫生健康委员会, the
      first line lost in their rings). A line that reads as more than one issuer (`洛市`) takes the place with
      the room: right over the date, with free room under the seals above it, it is the last issuer's line.

    A signature of another length, two lines off, or one without the room, stays as read."""
    places = [i for i, block in enumerate(blocks) if block.type is BlockType.SIGNATURE]
    if len(issuers) < 2 or not places:
        return list(blocks)
    names = [blocks[i].text for i in places]
    if len(places) == len(issuers):
        wrong = [k for k, (name, issuer) in enumerate(zip(names, issuers, strict=True)) if name != issuer]
        if not wrong or not all(_blockunder_seal(blocks[places[k]], seals) for k in wrong):
            return list(blocks)
        if len(wrong) > 1 and not all(_only_part_of(names[k], issuers[k], issuers)
                                      or _damaged_name_of_only(names[k], issuers[k], issuers,
                                                               _doubted(blocks[places[k]].lines)) for k in wrong):
            return list(blocks)
        named = {places[k]: issuers[k] for k in wrong}
        return [replace(b, text=named[i]) if i in named else b for i, b in enumerate(blocks)]

    def stands_for(place: int, issuer: str) -> bool:
        name = blocks[place].text
        return name == issuer or (_blockunder_seal(blocks[place], seals)
                                  and _damaged_name_of(name, issuer, issuers, _doubted(blocks[place].lines)))

    if len(places) != len(issuers) - 1 or places[-1] + 1 >= len(blocks):
        return list(blocks)
    date = blocks[places[-1] + 1]
    pitch = min(_top(date) - _top(blocks[places[-1]]), line_pitch(blocks) or float("inf"))
    if date.type is not BlockType.DATE or pitch <= 0:
        return list(blocks)

    def room_for(k: int) -> int | None:
        """Where the issuer `k` goes back when the lines read stand for the others in order with its room
        free; None when they do not."""
        if not all(map(stands_for, places, [*issuers[:k], *issuers[k + 1:]])):
            return None
        below = blocks[places[k]] if k < len(places) else date
        if k == 0:  # the first line: its room is under the seals, above the first line read, below the body
            first = blocks[places[0]]
            room = _top(first) - pitch
            seal_top = min((seal.box.y0 for seal in seals if _blockunder_seal(first, [seal])), default=room + pitch)
            body_end = _bottom_on(blocks[places[0] - 1], first) if places[0] > 0 else 0.0
            return None if seal_top > room + JOINT_SEAL_REACH * pitch or body_end > room else places[0]
        above = blocks[places[k - 1]]
        if (_top(below) - _top(above) < JOINT_GAP_PITCHES * pitch
                or not (_blockunder_seal(above, seals) or _blockunder_seal(below, seals))):
            return None
        return places[k - 1] + 1

    fits = [(k, at) for k in range(len(issuers)) if (at := room_for(k)) is not None]
    if len(fits) != 1:
        return list(blocks)
    (k, at), = fits
    read = dict(zip(places, [*issuers[:k], *issuers[k + 1:]], strict=True))
    signed = [replace(block, text=read[i]) if i in read else block for i, block in enumerate(blocks)]
    return [*signed[:at], Block(BlockType.SIGNATURE, issuers[k]), *signed[at:]]


PITCH_STEP_LH = (0.5, 3.0)
"""A step from one paragraph line's top to the next one's, in that line's heights, is one row to the next
within this range: not two fragments of one row, nor lines a page apart."""


def line_pitch(blocks: Sequence[Block]) -> float | None:
    """The body's line pitch: the median step (PITCH_STEP_LH) from a paragraph line's top to the next one's
    on its page; None when no paragraph wraps."""
    low, high = PITCH_STEP_LH
    steps = [step for block in blocks if block.type is BlockType.PARAGRAPH
             for a, b in zip(block.lines, block.lines[1:], strict=False)
             if a.page == b.page and low * a.box.height <= (step := b.box.y0 - a.box.y0) <= high * a.box.height]
    return statistics.median(steps) if steps else None


def _part_of(name: str, issuer: str) -> bool:
    """Every character of `name` stands in `issuer`, in order."""
    return _common_in_order(name, issuer) == len(name)


def _only_part_of(name: str, issuer: str, issuers: Sequence[str]) -> bool:
    """`name` (two characters or more) is a part of `issuer` (`_part_of`) and of no other issuer."""
    return len(name) >= 2 and all(_part_of(name, other) == (other == issuer) for other in issuers)


def _damaged_name_of(name: str, issuer: str, issuers: Sequence[str], doubted: bool = False) -> bool:
    """`name` is `issuer` with characters lost or misread: two or more characters, SIGNATURE_READ_MIN of them
    (GARBLED_READ_MIN of a reading the recogniser `doubted`) standing in it in order, and no more of them in any
    other issuer's name (`浙江省政厅` is 浙江省财政厅, not 浙江省教育厅)."""
    n, common = text_units(name), _common_in_order(name, issuer)
    share = GARBLED_READ_MIN if doubted else SIGNATURE_READ_MIN
    return n >= 2 and common >= share * n and all(_common_in_order(name, other) <= common for other in issuers)


def _damaged_name_of_only(name: str, issuer: str, issuers: Sequence[str], doubted: bool = False) -> bool:
    """`name` is `issuer` damaged (`_damaged_name_of`) and reads as every other issuer less well."""
    common = _common_in_order(name, issuer)
    return (_damaged_name_of(name, issuer, issuers, doubted)
            and all(_common_in_order(name, other) < common for other in issuers if other != issuer))


HIDDEN_SIGNATURE_ROOM = 1.5
"""A signature the seals hid whole stood in free room above the date: at least this many date heights between
the date and the text above it."""


def hidden_signature(blocks: Sequence[Block], issuers: Sequence[str], seals: Sequence[Seal]) -> list[Block]:
    """A signature the seals hid whole: no signature line read, a date under seals one for each issuer (GB/T
    9704 7.3.5: every sealed document signs, each seal pressing its issuer's 署名 and the date), and free room
    above the date where the names stood (HIDDEN_SIGNATURE_ROOM). The issuers are put back there in the mark's
    order, signature lines without OCR lines. Anything else stays as read."""
    if not issuers or any(block.type is BlockType.SIGNATURE for block in blocks):
        return list(blocks)
    at = next((i for i, block in enumerate(blocks) if block.type is BlockType.DATE and block.lines), None)
    if at is None or at == 0:
        return list(blocks)
    date = blocks[at]
    page, top = date.lines[0].page, _top(date)
    height = max(line.box.height for line in date.lines)
    pressing = [seal for seal in seals if seal.page == page and _blockunder_seal(date, [seal])]
    if len(pressing) != len(issuers) or top - _bottom_on(blocks[at - 1], date) < HIDDEN_SIGNATURE_ROOM * height:
        return list(blocks)
    return [*blocks[:at], *(Block(BlockType.SIGNATURE, issuer) for issuer in issuers), *blocks[at:]]


JOINT_SEAL_REACH = 0.5
"""The first line of a joint signature, missing, stood a pitch above the first one read: the seals reach at
least this many pitches over its top there (they press on it), and the body ends above it."""


def _bottom_on(block: Block, other: Block) -> float:
    """The bottom of `block`'s lines on the page `other` starts on (0 when none stands there)."""
    page = other.lines[0].page if other.lines else None
    return max((line.box.y1 for line in block.lines if line.page == page), default=0.0)


def _top(block: Block) -> float:
    return min((line.box.y0 for line in block.lines), default=0.0)


def _blockunder_seal(block: Block, seals: Sequence[Seal]) -> bool:
    return under_seal(block.lines, seals)
