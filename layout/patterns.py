"""The vocabulary of official documents: text patterns and field parsers, in one place.

Both the scan pipeline (`layout.rules…`) and the text repair (`layout.repair`) decide with these; a
pattern lives here once. Everything is pure and works on a single line of text. Patterns are tolerant of
what OCR does to the printed forms (full-width and ASCII punctuation, 〔〕 read as 【】 [] () ﹝﹞, stray
spaces, 〇 read as ○ or O), as GB/T 9704-2012 prints them.
"""

from __future__ import annotations

import datetime
import re
import unicodedata

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
"""Character class body for CJK ideographs (use inside [...])."""

CJK_PUNCT = "\u3000-\u303f\uff00-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\u2014\u2026\u2018\u2019\u201c\u201d\u00b7"
"""Character class body for CJK and full-width punctuation, dashes, ellipsis and curly quotes."""

TERMINAL_PUNCT = "。！？；：…”’」』）)!?;:"
"""A line ending in one of these may end a paragraph (a sentence can end exactly at the line end)."""

SENTENCE_END = "。！？!?"
"""Strict sentence-final punctuation."""

LINE_START_FORBIDDEN = "、，。：；！？）》」』”’〕】…,.:;!?)"
"""Chinese line breaking (禁则, GB/T 15834 and every CJK typesetter): these never begin a line; when one
falls there, the character before it goes down with it and the line above ends one character short."""

LINE_END_FORBIDDEN = "（《「『“‘〔【("
"""…and these never end one: an opening bracket that would is moved to the next line, leaving the line
above one character short."""


UNBROKEN_RUN_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-/:_%]*")
"""A run of Latin letters and digits (a code, a number, a plot id `E4-2-3/03`) is set whole on one line:
one that does not fit moves down, leaving the line above short by its width."""

_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "O": 0, "o": 0, "Ｏ": 0, "0": 0, "０": 0, "一": 1, "二": 2, "三": 3, "四": 4,
              "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_NUMERALS = "〇○零OoＯ0０一二三四五六七八九十"
"""The characters a date in Chinese numerals reads as (〇 is also read as ○, O or a digit 0)."""

# --- headings -----------------------------------------------------------------------------------------

_HEADING_RES: tuple[tuple[int, re.Pattern[str]], ...] = (
    (1, re.compile(r"^[一二三四五六七八九十百]{1,3}\s*[、，,]")),
    (2, re.compile(r"^[（(]\s*[一二三四五六七八九十百]{1,3}\s*[）)]")),
    (3, re.compile(r"^\d{1,2}\s*[.．、](?!\d)")),
    (4, re.compile(r"^[（(]\s*\d{1,2}\s*[）)]")),
)


def heading_level(text: str) -> int | None:
    """Level of the heading marker that `text` starts with: 一、→1, （一）→2, 1.→3, （1）→4; else None."""
    stripped = text.lstrip()
    for level, pattern in _HEADING_RES:
        if pattern.match(stripped):
            return level
    return None


def heading_marker(text: str) -> str | None:
    """The heading marker itself (`一、`, `（二）`, `3.`, `（4）`) that `text` starts with, or None."""
    stripped = text.lstrip()
    for _, pattern in _HEADING_RES:
        found = pattern.match(stripped)
        if found:
            return found.group(0)
    return None


_LOST_NUMERAL_MARK_RE = re.compile(rf"^[，,、](?=[{CJK}\d])")


def lost_heading_numeral(text: str) -> bool:
    """A paragraph that opens with a comma or a 顿号 before its first word (`，关于加密…`): no sentence does;
    it is a level-1 heading marker `一、` whose thin numeral a 1-bit threshold erased, leaving its 、."""
    return bool(_LOST_NUMERAL_MARK_RE.match(text.lstrip()))


def first_level_number(text: str) -> int | None:
    """The number of a level-1 heading marker (`三、` → 3), or None."""
    return _heading_number(text, 1)


def second_level_number(text: str) -> int | None:
    """The number of a level-2 heading marker (`（二）` → 2), or None."""
    return _heading_number(text, 2)


def _heading_number(text: str, level: int) -> int | None:
    if heading_level(text) != level:
        return None
    try:
        return _chinese_number(re.sub(r"[\s、，,（()）]", "", heading_marker(text) or ""))
    except KeyError:  # 百 and the like: no number this counts
        return None


_LOST_SECOND_NUMERAL_RE = re.compile(rf"^[（(]\s*[）)](?=[{CJK}《“])")


def lost_second_level_numeral(text: str) -> bool:
    """A paragraph that opens with an empty pair of brackets before its first word (`（）山东省职业技能…`): no
    sentence does; it is a level-2 marker `（一）` whose numeral a 1-bit threshold erased (一, 二, 三 are thin
    horizontals only)."""
    return bool(_LOST_SECOND_NUMERAL_RE.match(text.lstrip()))


def chinese_numeral(number: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 31 → 三十一 (1–99): how headings and dates count."""
    tens, ones = divmod(number, 10)
    return (("" if tens == 1 else _CN_OF_DIGIT[tens]) + "十" if tens else "") + (_CN_OF_DIGIT[ones] if ones else "")


# --- page furniture -----------------------------------------------------------------------------------

_PAGE_DASHES = "—–\\-－‒―一_~～·•・.。÷#＃:："
_PAGE_NUMBER_RE = re.compile(
    rf"^\s*(?:[{_PAGE_DASHES}](?:\s*[{_PAGE_DASHES}])*\s*)?(?:第\s*)?(\d{{1,4}})(?:\s*页)?"
    rf"(?:\s*[{_PAGE_DASHES}](?:\s*[{_PAGE_DASHES}])*)?\s*$"
)
"""The dashes around a page number, as OCR reads them: a speck over or under a dash makes it `÷` (`-2÷`), a
speck beside it a dot of its own (`- 2 - .`), grain crossing it a `#` (`#2一` on a grey scan), a dash blurred
with a speck a colon (`:2:` on a grey scan)."""


def page_number_value(text: str) -> int | None:
    """The page number if `text` is a page-number line in any form OCR gives (— 1 —, －1－, -1-, 1, ·1·)."""
    found = _PAGE_NUMBER_RE.match(text)
    return int(found.group(1)) if found else None


def is_page_number(text: str) -> bool:
    return page_number_value(text) is not None


# --- header: doc number, signer, markers --------------------------------------------------------------

_OPEN_BRACKETS = "〔【\\[［(（﹝{｛<〈《"
_CLOSE_BRACKETS = "〕】\\]］)）﹞}｝>〉》"
UNREAD_DIGIT = rf"[^\w\s{_OPEN_BRACKETS}{_CLOSE_BRACKETS}]"
"""A digit the recogniser read as a symbol (`202↓`: a 4 whose thin strokes a 1-bit threshold broke); what it
was, the document's other years say (`years.reconcile_years`)."""
_NUMBER_YEAR = rf"(?:19|20)(?:\d\s*\d|{UNREAD_DIGIT}\s*\d|\d\s*{UNREAD_DIGIT})"
DOC_NUMBER_RE = re.compile(
    rf"(?P<org>[{CJK}A-Za-z]{{1,20}}?)\s*(?:[{_OPEN_BRACKETS}]+\s*(?P<year>{_NUMBER_YEAR})\s*[{_CLOSE_BRACKETS}]*"
    rf"|(?P<year2>{_NUMBER_YEAR})\s*[{_CLOSE_BRACKETS}]+)"
    rf"\s*(?P<num>\d{{1,5}}|\d{{1,3}}[A-Za-z]\d{{0,2}}|[A-Za-z]\d{{1,3}}|\d{{0,3}}{UNREAD_DIGIT}\d{{0,2}})\s*号"
)
"""One of the two brackets may be lost (a thin 〔 in a 1-bit scan), or read twice (`国办发【〔2005〕31号`: the
bracket's thick and thin strokes as two): a year with brackets on either side followed by a number and 号 is
still a doc number; with none, `2024年53号`-like text is not. One of the year's last two digits may be read as
a symbol (UNREAD_DIGIT), and one digit of the number as a letter or a symbol (`洛政办文〔2023〕8u号`,
`甬税发〔2022〕i02号`, `鄂教师〔2024〕↓号`: kept as read, the number's place and shape still say what the line is)."""


BRACKET_STROKES = "|丨lI1"
"""What the recogniser reads the opening 〔 as when a 1-bit threshold left only its upright stroke."""
_BARE_DOC_NUMBER_RE = re.compile(
    rf"(?P<org>[{CJK}]{{2,10}})[{BRACKET_STROKES}]?(?P<year>(?:19|20)\d{{2}})(?P<num>[1-9]\d{{0,3}})号")
"""A line that is nothing but 机关代字, a year and a number (`曲政办函202145号`: a 1-bit scan lost both thin
brackets) is a doc number: the year is the first four digits; the opening bracket's upright stroke may stand
before it (`鲁人社发|202321号`, `郑市监12024 88号`: a 机关代字 is Chinese characters, so a 1 or | between it and a
19xx/20xx year is the bracket). Inside other text (`渝北卫健函2024年53号`, `到2024年底完成53号`) it is not."""


_NUMBER_SPECK_RE = re.compile(
    rf"(?<=[{CJK}{_OPEN_BRACKETS}{_CLOSE_BRACKETS}\d])\s*[·•・.。'`‘’]\s*(?=[{CJK}{_OPEN_BRACKETS}{_CLOSE_BRACKETS}\d])"
    rf"|(?<=[{_OPEN_BRACKETS}{_CLOSE_BRACKETS}\d])\s*[“”\"]\s*(?=[{_OPEN_BRACKETS}{_CLOSE_BRACKETS}\d])")
"""A dot between the characters of a doc number, or a quote between its digits and brackets, is a speck read as
punctuation (`浙交·建〔2018〕101号`, `曲政办函〔2021].45号`, `曲政办函〔2021”]45号`): no doc number has one (a quote
round a cited number stays out of it: `关于“国办发〔2005〕31号”`)..."""
_BRACKET_SPECK_RE = re.compile(rf"(?<=[{_OPEN_BRACKETS}])\s*[:：;；,，]\s*(?=\d)")
"""...nor a colon or comma right inside its bracket (`鲁人社发[:2023〕21号`: a speck by the thin bracket)."""


def find_doc_number(text: str) -> str | None:
    """The doc number in `text`, normalised to `机关代字〔年份〕序号号`, or None.

    Tolerates 〔〕 read as 【】 [] () ﹝﹞, stray spaces and specks read as dots. Whether a number is the
    document's own is decided by position (header zone only), not here.
    """
    text = _BRACKET_SPECK_RE.sub("", _NUMBER_SPECK_RE.sub("", unicodedata.normalize("NFC", text)))
    found = DOC_NUMBER_RE.search(text)
    if not found:
        bare = _BARE_DOC_NUMBER_RE.fullmatch(re.sub(r"\s+", "", unicodedata.normalize("NFC", text)))
        return f"{bare.group('org')}〔{bare.group('year')}〕{int(bare.group('num'))}号" if bare else None
    year, num = re.sub(r"\s+", "", found.group("year") or found.group("year2")), found.group("num")
    return f"{found.group('org')}〔{year}〕{int(num) if num.isdigit() else num}号"


_SIGNER_RE = re.compile(r"签\s*发\s*人\s*[:：]\s*(?P<names>.+?)\s*$")


def find_signer(text: str) -> str | None:
    """The name(s) after `签发人：` in `text`, spaces removed, or None."""
    found = _SIGNER_RE.search(text)
    return re.sub(r"\s+", "", found.group("names")) if found else None


_MARKER_RES = (
    re.compile(r"^\d{6}$"),  # 份号: six digits
    re.compile(r"^(?:绝密|机密|秘密)(?:\s*[★*☆]\s*\S*)?$"),  # 密级 and 保密期限
    re.compile(r"^(?:特急|加急|特提|平急)$"),  # 紧急程度
    re.compile(r"^(?:主动公开|依申请公开|不予公开|公开|不公开|内部)$"),
    re.compile(r"^[A-DＡ-Ｄ](?:类)?$"),
)


MARKER_SPECKS = ".。·・,，、'`"
"""A speck beside a marker is read as punctuation (`特急.`); no marker ends in one."""


def is_marker(text: str) -> bool:
    """True for the small top-left marks: 份号, 密级, 紧急程度, 公开 type, A/B/C 类 (a speck after it read as
    punctuation: `特急.`)."""
    compact = re.sub(r"\s+", "", text).rstrip(MARKER_SPECKS)
    return any(pattern.match(compact) for pattern in _MARKER_RES)


MARKER_WORDS = ("绝密", "机密", "秘密", "特急", "加急", "特提", "平急", "主动公开", "依申请公开", "不予公开", "公开",
                "不公开", "内部")
"""The words a 密级, 紧急程度 (GB/T 9704 7.2.2–7.2.4) or 公开 marker is printed as: a closed set."""


def marker_spelling(text: str) -> str:
    """A marker read with one character misread (`公斤`) spelled as the one marker word it is one character off
    (MARKER_WORDS, same length), or without a speck read after it (`特急.`); any other text as it came (`机密`
    and `秘密` are a character apart: a reading that is one off from both stays)."""
    bare = re.sub(r"\s+", "", text)
    compact = bare.rstrip(MARKER_SPECKS)
    if is_marker(compact):
        return compact if compact != bare else text
    close = [word for word in MARKER_WORDS
             if len(word) == len(compact) and sum(a != b for a, b in zip(word, compact, strict=True)) == 1]
    return close[0] if len(close) == 1 else text


# --- addressee, attachments, note, contact ------------------------------------------------------------

NAME_SPECK_LEAD = "：:，,、。.·"
"""Punctuation read before a body's name (a signature, the addressee's first) is a speck (`：成都市人民政府办公厅`,
`：林晓东代表：` on grey scans): a name begins with a character."""

ADDRESSEE_MAX_CH = 60
"""An addressee line list is rarely longer than two printed lines of 28 characters."""


def is_addressee(text: str) -> bool:
    """True for a 主送机关 line: ends with a colon, no sentence punctuation inside, not a label we know."""
    compact = text.strip()
    if not compact or compact[-1] not in "：:" or len(compact) > ADDRESSEE_MAX_CH:
        return False
    body = compact[:-1]
    if any(mark in body for mark in "。！？；"):
        return False
    return not (is_contact(compact) or is_attachment(compact) or is_cc(compact) or heading_level(compact))


_UNCLOSED_COLON_RE = re.compile(r"([（(][^（()）：:]{1,10})[：:](?=.)")


def restore_addressee_brackets(text: str) -> str:
    """A colon inside an addressee, after a bracket it left open, is the bracket's ）misread (a 1-bit threshold
    erases the arc's middle and leaves its two ends, read as two dots): `各县（市、区：防汛抗旱指挥部，…：` →
    `各县（市、区）防汛抗旱指挥部，…：`. GB/T 9704 7.3.2: the 主送机关 ends in its one full-width colon."""
    return _UNCLOSED_COLON_RE.sub(lambda found: found.group(1) + "）", text)


def addressee_commas(text: str) -> str:
    """An addressee with each `；` a `，`: the 主送机关 are names, parted by 顿号 and 逗号 (GB/T 9704 7.3.2, GB/T
    15834), and a comma with a speck over it reads as a semicolon (`…社会保障局；` ending the first of two lines)."""
    return text.replace("；", "，").replace(";", "，")


_BRACKETED_PART_RE = re.compile(r"[（(][^（()）]*[）)]")
_NAME_SEPARATORS_RE = re.compile(r"[、，,：:]")
SHORT_NAME_MAX = 4
"""An addressee's name this short (`州`, `直管市`, `经开区`) is one item of a list of like names."""


def lost_separator(before: str, after: str) -> str:
    """The separator an addressee lost between the name `before` ends with and the one `after` starts with
    (GB/T 15834: 顿号 between parallel words, 逗号 between larger parts): `，` before a group's head (`各…`);
    `、` between like names, ending in one character (`…教育局` | `财政局`) or short (`…经开区` | `高新区`);
    else `，` (`…各成员单位` after `…防汛抗旱指挥部`: another kind of body)."""
    left = _NAME_SEPARATORS_RE.split(_BRACKETED_PART_RE.sub("", before))[-1]
    right = _NAME_SEPARATORS_RE.split(_BRACKETED_PART_RE.sub("", after))[0]
    if not left or not right or right.startswith("各"):
        return "，"
    like = left[-1] == right[-1] or min(len(left), len(right)) <= SHORT_NAME_MAX
    return "、" if like else "，"


_ATTACHMENT_RE = re.compile(r"^附\s*件\s*[:：]")


def is_attachment(text: str) -> bool:
    """True for the 附件说明 line `附件：1. …` (its numbered continuation lines are decided by position)."""
    return bool(_ATTACHMENT_RE.match(text.strip()))


_ATTACHMENT_HEADING_RE = re.compile(r"^附\s*件\s*(?P<n>\d{1,2}|[一二三四五六七八九十]{1,3})?$")


def attachment_heading_number(text: str) -> int | None:
    """The number of an attachment's own heading, the line `附件` / `附件2` that heads its first page (GB/T
    9704 7.4: 3号黑体, top left): 0 for `附件` alone, N for `附件N`; None for anything else (`附件：1. …` is
    the 附件说明 list, not a heading)."""
    found = _ATTACHMENT_HEADING_RE.match(re.sub(r"\s+", "", text))
    if not found:
        return None
    number = found.group("n")
    if not number:
        return 0
    return int(number) if number.isdigit() else _chinese_number(number)


def split_attachments(text: str) -> list[str]:
    """`附件：1. 甲 2. 乙` → ["甲", "乙"]; a single unnumbered attachment gives one item."""
    body = _ATTACHMENT_RE.sub("", text.strip()).strip()
    items = re.split(r"(?:^|\s*)\d{1,2}\s*[.．、]\s*", body)
    return [item.strip().rstrip("；;") for item in items if item.strip()]


_NOTE_RE = re.compile(r"^[（(]\s*(?:此件|本件|此页|本页|联系人)[^）)]*[）)]$")


def is_note(text: str) -> bool:
    """True for a 附注 such as `（此件公开发布）`, `（此件不公开）`, `（此页无正文）`."""
    return bool(_NOTE_RE.match(text.strip()))


_BARE_NOTE_RE = re.compile(
    r"^[（(]?\s*((?:此件|本件|此页|本页)[^（()）。，,；;：:\d]{2,8}|本文有删减)\s*[0-9A-Za-z<>.\-]*\s*[）):：]?\s*[0-9A-Za-z<>.\-]*$"
)


def restore_note_brackets(text: str) -> str:
    """A 附注 line whose brackets the scan lost or misread (`此件公开发布`, `本文有删减：`, thin parentheses on
    a 1-bit scan) is in （） again, without a seal's code digits read onto its end (`（此件公开发布）015`, or
    inside its bracket, `(此件公开发布 441`: the code along the ring's lower arc beside it); a
    line that is not a whole 附注 phrase is returned as it is."""
    found = _BARE_NOTE_RE.match(text.strip())
    return "（" + re.sub(r"\s+", "", found.group(1)) + "）" if found else text


_HALF_CLOSED_RE = re.compile(r"^(（[^()（）]*)\)$")


def restore_closing_bracket(text: str) -> str:
    """A line opened with a full-width （ and closed with a half-width `)` is closed with （'s own ）: the pair
    is one bracket's two halves (`（联系人：…，联系电话：0931-8763215)`, the `)` after a digit)."""
    found = _HALF_CLOSED_RE.match(text.strip())
    return found.group(1) + "）" if found else text


_MARK_KIND = {"（": "（", "(": "（", "）": "（", ")": "（", "《": "《", "》": "《", "〈": "〈", "〉": "〈"}
_OPENERS = "（(《〈"
_CLOSER_OF_KIND = {"（": "）", "《": "》", "〈": "〉"}


def paired_closers(text: str) -> str:
    """`text` with a closing mark that closes nothing open of its kind, while a mark of another kind is open,
    read as the closer of the innermost open one (`《…规划（征求意见稿））意见的函` and `…（征求意见稿）〉意见的函`:
    the 》 after a bracket, eroded or crowded, read as a second ） or as 〉). Marks nest (GB/T 15834): a closer
    closes the innermost open mark, so one of a kind not open is a misreading; but a 〉 after a （ inside a 《
    closes a title inside the title, which takes 〈 (`《关于印发（办法〉的通知》`: the opener misread). ASCII
    brackets count as full-width ones."""
    chars, opened = list(text), []  # (kind, index) of the marks open, innermost last
    for i, ch in enumerate(chars):
        kind = _MARK_KIND.get(ch)
        if kind is None:
            continue
        if ch in _OPENERS:
            opened.append((kind, i))
        elif opened and opened[-1][0] == kind:
            opened.pop()
        elif opened and kind not in (k for k, _ in opened):
            top, at = opened.pop()
            if kind == "〈" and top == "（" and any(k == "《" for k, _ in opened):
                chars[at] = "〈"  # a title inside a title takes 〈〉: its opener was misread (《印发（办法〉的通知》)
            else:
                chars[i] = _CLOSER_OF_KIND[top]
    return "".join(chars)


_BRACKETED_RE = re.compile(r"^[（(][^（()）。；;，,]{1,20}[）)]$")


def is_bracketed_note(text: str) -> bool:
    """A line that is one short parenthesised phrase and nothing else (`（本文有删减）`, `（此件公开发布）`,
    `（略）`), not a heading number (`（一）`, `（3）`): a note when it stands alone at the end of the body."""
    compact = re.sub(r"\s+", "", text)
    return bool(_BRACKETED_RE.match(compact)) and heading_level(compact) is None


_CONTACT_RE = re.compile(
    r"^[（(]?\s*(?:联\s*系\s*人|联\s*系\s*电\s*话|联\s*系\s*单\s*位|电\s*话|传\s*真|邮\s*箱|电子邮箱|地\s*址|邮\s*编)\s*[:：]"
)


def is_contact(text: str) -> bool:
    """True for contact lines: 联系人：…, 联系电话：…, 传真：…, 地址：…"""
    return bool(_CONTACT_RE.match(text.strip()))


# --- title ending ---------------------------------------------------------------------------------------

_DOC_KINDS = "复函|函|通知|通报|意见|报告|批复|请示|决定|答复|公告|通告|纪要|议案|规定|办法|方案|决议|公报"
_KIND_MODIFIER_MAX = 4
"""Characters a title may set between its 的 and the kind of document (`的紧急通知`, `的补充通知`, `的实施意见`)."""
_TITLE_END_RE = re.compile(
    rf"的\s*[{CJK}]{{0,{_KIND_MODIFIER_MAX}}}(?:{_DOC_KINDS})\s*(?:[（(][^）)]{{1,8}}[）)])?\s*$")
_TITLE_THEN_ADDRESSEE_RE = re.compile(
    rf"^(?P<title>.+的\s*(?:{_DOC_KINDS})(?:[（(][^）)]{{1,8}}[）)])?)\s*(?P<addressee>[^。；！？;!?]{{2,40}}[:：])\s*$"
)


def ends_like_title(text: str) -> bool:
    """True when `text` ends as a 公文 title does: `…的复函`, `…的通知`, `…的紧急通知`, `…的意见（试行）`."""
    return bool(_TITLE_END_RE.search(text.strip()))


def split_title_addressee(text: str) -> tuple[str, str] | None:
    """A title glued to the addressee, `…建议的复函陈邦友代表：` → (title, addressee); else None."""
    found = _TITLE_THEN_ADDRESSEE_RE.match(text.strip())
    if not found or not is_addressee(found.group("addressee")):
        return None
    return found.group("title").strip(), found.group("addressee").strip()


# --- issuing bodies -------------------------------------------------------------------------------------

_BODY_RE = re.compile(
    rf"^[{CJK}（）()]{{2,30}}(?:委员会|人民政府|政府|办公厅|办公室|指挥部|领导小组|局|厅|委|部|院|署|办|处|司|中心|集团"
    rf"|学校|大学|协会|学会|联合会|总会|工会|法院|检察院|管委会|街道|社区|党组|党委|总队|支队|部门|单位|机构)$"
)
_MILITARY_BODY_RE = re.compile(rf"^[{CJK}]{{1,20}}(?:军区|军分区|警备区)$")
"""A military district is a body after its place alone (`省军区`, `台州军分区`): a 抄送 list names it."""


def looks_like_body(text: str) -> bool:
    """True when `text` is the name of an organisation (`浙江省教育厅`, `XX市防汛抗旱指挥部`): how a
    signature line, an issuer mark without 文件, or a 抄送 item reads."""
    compact = re.sub(r"\s+", "", text)
    return bool(_BODY_RE.match(compact) or _MILITARY_BODY_RE.match(compact))


def ends_in_file_word(text: str) -> bool:
    """Whether a line of the issuer mark ends in the 文件 that ends a file-format mark (GB/T 9704 7.2.2),
    with a name before it (a 文件 read alone is the joint mark's, right of the stack)."""
    return text.endswith("文件") and len(text) > 2


# --- set phrases --------------------------------------------------------------------------------------

_SET_PHRASE_RES = (
    re.compile(rf"^(?:此复|此函|特此[{CJK}]{{2,4}}|专此[{CJK}]{{2,4}})[。！!]$"),  # 此复。特此通知。
    re.compile(rf"^(?:妥否|当否|以上[{CJK}]{{0,8}})[，,]\s*请[{CJK}]{{1,6}}[。！!]$"),  # 妥否，请批示。
)


def is_set_phrase(text: str) -> bool:
    """A closing stock phrase that stands as a paragraph of its own: `此复。`, `特此通知。`, `妥否，请批示。`.

    (`…现批复如下：` is not one: it ends the opening paragraph.)"""
    compact = re.sub(r"\s+", "", text)
    return any(pattern.match(compact) for pattern in _SET_PHRASE_RES)


# --- dates --------------------------------------------------------------------------------------------

_ARABIC_DATE_RE = re.compile(r"(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日")
_CHINESE_DATE_RE = re.compile(
    rf"(?<![{CN_NUMERALS}])(?P<y>[{CN_NUMERALS}]{{4}})\s*年\s*(?P<m>[{CN_NUMERALS}]{{1,2}})\s*月\s*(?P<d>[{CN_NUMERALS}]{{1,3}})\s*日"
)


def _chinese_number(text: str) -> int:
    """一 → 1, 十 → 10, 十二 → 12, 二十 → 20, 三十一 → 31."""
    if "十" not in text:
        return _CN_DIGITS[text]
    tens, _, ones = text.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


def _iso(year: int, month: int, day: int) -> str | None:
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


DATE_YEARS = (1900, 2099)
"""A date's year, Arabic (19xx, 20xx) or in Chinese numerals: `三〇二三年` is 二〇二三 with a stroke added, no year."""


def find_date(text: str) -> str | None:
    """The first date in `text` as ISO `YYYY-MM-DD`: `2024年5月15日`, `二〇二四年五月十五日` (〇/○/O), its year in
    DATE_YEARS."""
    found = _ARABIC_DATE_RE.search(text)
    if found:
        return _iso(int(found.group("y")), int(found.group("m")), int(found.group("d")))
    found = _CHINESE_DATE_RE.search(text)
    if found:
        try:
            year = int("".join(str(_CN_DIGITS[ch]) for ch in found.group("y")))
            if not DATE_YEARS[0] <= year <= DATE_YEARS[1]:  # as an Arabic year must start 19 or 20
                return None
            return _iso(year, _chinese_number(found.group("m")), _chinese_number(found.group("d")))
        except KeyError:
            return None
    return None


def is_date_line(text: str) -> bool:
    """True when the whole line is a date (the 成文日期), allowing spaces."""
    compact = re.sub(r"\s+", "", text)
    found = _ARABIC_DATE_RE.fullmatch(compact) or _CHINESE_DATE_RE.fullmatch(compact)
    return bool(found) and find_date(compact) is not None


_NOTE_THEN_DATE_RE = re.compile(r"^(?P<note>[（(][^（()）]{1,30}[）)])(?P<date>.+)$")


def split_note_date(text: str) -> tuple[str, str] | None:
    """A parenthesised note read together with the date after it, `（本文有删减）二〇〇五年七月十四日` →
    ("（本文有删减）", "二〇〇五年七月十四日"); None for anything else."""
    found = _NOTE_THEN_DATE_RE.match(re.sub(r"\s+", "", text))
    if not found or not is_date_line(found.group("date")) or heading_level(found.group("note")) is not None:
        return None  # `（一）2024年…` is a heading, not a note
    return found.group("note"), found.group("date")


_ANY_YEAR_DATE_LINE_RE = re.compile(r"^(?P<y>\d{4,5})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日$")


def arabic_date_line(text: str) -> tuple[int, int, int] | None:
    """(year, month, day) of a whole-line Arabic date with a plausible year (19xx, 20xx); else None."""
    found = _ANY_YEAR_DATE_LINE_RE.match(re.sub(r"\s+", "", text))
    if not found or not found.group("y").startswith(("19", "20")):
        return None
    return int(found.group("y")), int(found.group("m")), int(found.group("d"))


def iso_date(year: int, month: int, day: int) -> str | None:
    """`YYYY-MM-DD` of a calendar day; None when the month or day cannot be."""
    try:
        return datetime.date(year, month, day).isoformat()
    except ValueError:
        return None


def misread_date_line(text: str) -> tuple[str, int, int] | None:
    """(year digits, month, day) of a whole-line Arabic date whose year is no plausible year.

    OCR misreads a digit under a seal (`8024年5月15日`), or reads the ring's stroke beside one as a digit
    more (`20241年7月18日`); the caller decides the year from other evidence. None for a plausible date or
    anything else.
    """
    found = _ANY_YEAR_DATE_LINE_RE.match(re.sub(r"\s+", "", text))
    if not found or (len(found.group("y")) == 4 and found.group("y").startswith(("19", "20"))):
        return None
    month, day = int(found.group("m")), int(found.group("d"))
    return (found.group("y"), month, day) if _iso(2000, month, day) else None


_SHORT_CN_YEAR_DATE_RE = re.compile(
    rf"^(?P<y>[{CN_NUMERALS}]{{3}})年(?P<rest>[{CN_NUMERALS}]{{1,2}}月[{CN_NUMERALS}]{{1,3}}日)$"
)
_CN_OF_DIGIT = "〇一二三四五六七八九"


def chinese_year(year: int) -> str:
    """2024 → 二〇二四 (the way 成文日期 print years)."""
    return "".join(_CN_OF_DIGIT[int(d)] for d in str(year))


def lost_zero_date_line(text: str) -> tuple[str, str] | None:
    """(year numerals, `月…日` rest) of a whole-line Chinese-numeral date whose year kept only 3 numerals.

    The 〇 is a thin circle: under a seal OCR loses it (`二二四年五月七日` for 二〇二四年五月七日); the caller
    decides the year from other evidence. None for anything else.
    """
    found = _SHORT_CN_YEAR_DATE_RE.match(re.sub(r"\s+", "", text))
    return (found.group("y"), found.group("rest")) if found else None


_DAMAGED_CN_YEAR_DATE_RE = re.compile(
    rf"^(?P<y>[^年月日]{{0,5}})年(?P<m>[{CN_NUMERALS}]{{1,2}})月(?P<d>[{CN_NUMERALS}]{{1,3}})日?$"
)


def damaged_year_date_line(text: str) -> tuple[str, str] | None:
    """(year as read, `月…日` rest) of a whole-line Chinese-numeral date whose month and day read whole but
    whose year does not (numerals lost or misread under a seal: `二四年三月十八日`, `二〇つ五年七月十四日`,
    `二二四年六月五` with its 日 lost too); the caller decides the year from other evidence. None for a
    whole date or anything else."""
    compact = re.sub(r"\s+", "", text)
    found = _DAMAGED_CN_YEAR_DATE_RE.match(compact)
    if not found or is_date_line(compact):
        return None
    try:
        month, day = _chinese_number(found.group("m")), _chinese_number(found.group("d"))
    except KeyError:
        return None
    rest = f"{found.group('m')}月{found.group('d')}日"
    return (found.group("y"), rest) if _iso(2000, month, day) else None


_NO_MONTH_MARK_RE = re.compile(r"^(?P<y>[^年月日]{1,6})年(?P<md>[^年月日]{2,6})日$")
_LETTER_MONTH_MARK_RE = re.compile(r"^(?P<y>\d{0,4})年(?P<m>\d{1,2})[A-Z](?P<d>\d{1,2})(?:日|\d|[A-Z曰目口])?$")
"""An Arabic date whose 月 the ring made a capital letter (`2024年3N181`): the letter parts month from day
wherever it stands, so the 日 may be lost or misread too, as `damaged_arabic_date_line` takes it (a third
digit after the day is its 日: no day has three)."""
_CN_MONTH_DAY_NUM = "一二三四五六七八九十"


def _month_and_day(month: str, day: str) -> bool:
    """`month` and `day` spell a month (1–12) and a day (1–31), both Arabic or both Chinese numerals."""
    try:
        m, d = ((int(month), int(day)) if month.isdigit() and day.isdigit()
                else (_chinese_number(month), _chinese_number(day)))
    except (KeyError, ValueError):
        return False
    return 1 <= m <= 12 and 1 <= d <= 31


def month_mark_restored(text: str) -> str:
    """A whole-line date whose 月 the seal or the threshold took (`二〇二四年五七日`, `202年426日`) or made
    another character (`二四年五方七日`) gets it back where only one place leaves a month and a day
    (五七 is 五月七日, 426 is 4月26日; 112 could be 1月12日 or 11月2日 and stays), or a capital letter between an
    Arabic month and day (_LETTER_MONTH_MARK_RE); the year is left for the document's years to repair. Any
    other line is returned as it came."""
    compact = re.sub(r"\s+", "", text)
    lettered = _LETTER_MONTH_MARK_RE.match(compact)
    if lettered and _iso(2000, int(lettered.group("m")), int(lettered.group("d"))):
        return f"{lettered.group('y')}年{int(lettered.group('m'))}月{int(lettered.group('d'))}日"
    found = _NO_MONTH_MARK_RE.match(compact)
    if not found:
        return text
    numbers = found.group("md")
    numerals = "0123456789" if re.search(r"\d", numbers) else _CN_MONTH_DAY_NUM
    others = [i for i, ch in enumerate(numbers) if ch not in numerals]
    if len(others) > 1:
        return text
    splits = ([(numbers[:others[0]], numbers[others[0] + 1:])] if others
              else [(numbers[:i], numbers[i:]) for i in range(1, len(numbers))])
    fits = [(month, day) for month, day in splits if _month_and_day(month, day)]
    if len(fits) != 1:
        return text
    month, day = fits[0]
    return f"{found.group('y')}年{month}月{day}日"


YEAR_NUMERAL_MISREADS = (("（）", "〇"), ("()", "〇"), ("（", "〇"), ("(", "〇"), ("）", "〇"), (")", "〇"),
                         ("十", "〇"), ("C", "〇"))
"""What OCR makes of a year's 〇 on a 1-bit scan or under a seal: a Song 〇 is thin at its top and bottom,
and a threshold that erases those leaves its two sides, read as brackets (or one side left, one bracket:
`二（二三年`); a ring's stroke crossing it makes it `十`, and one that lost its right side reads `C`. A year is
spelled digit by digit (二〇二四), so neither brackets, 十 nor a letter stand in one."""
DAY_NUMERAL_MISREADS = (("人", "八"), ("入", "八"), ("（", "八"), ("(", "八"), ("半", "十"), ("千", "十"),
                        ("上", "二"), ("土", "二"))
"""...and of a month's or day's numerals: 八's two strokes joined at the top by a speck or the ring (人, 入),
or its right-falling stroke, thin where it starts, broken off, leaving a bracket; 十 with the ring's specks
beside its upright (半) or a speck or the ring's arc slanting over its top (千); 二's two strokes joined by an
upright one, the ring's arc or a speck across them (上, 土). No bracket stands in a month or a day, no
thousand, and neither 上 nor 土."""
_LOST_TEN_RE = re.compile(r"(?<=月)([二三])([一二三四五六七八九])(?=日?$)")
"""A day of two numerals without 十 (`二一日`) is none: the ring's stroke or the threshold took the thin 十 of
二十一 (no other day reads so with one numeral lost)."""
_DATE_SPECK_RE = re.compile(r"(?<=[〇一二三四五六七八九十年月])[、，,.．·・](?=[〇一二三四五六七八九十年月日])")
"""A small mark between a Chinese-numeral date's characters is a speck (no date holds punctuation)."""
_DATE_SHAPE_RE = re.compile(r"^(?P<y>[^年月日]{1,6})年(?P<rest>[^年]{1,6}月[^年月]{1,4}日?)$")
_RING_STROKE_RE = re.compile(r"(?<=[〇一二三四五六七八九十年月])[1lI|丨](?=[〇一二三四五六七八九十月日])")
"""A stroke read as `1`, `l` or a bar between two Chinese numerals of a date (`二〇二三年八月十五1日`) is the
ring's upright arc crossing it: a date spelled in numerals holds no Arabic digit. A year mark read twice
(`二〇二年年十一月六日`) is a numeral read as the 年 beside it: the year is one numeral short, for the document's
years to fill."""


def date_numerals(text: str) -> str:
    """A date line with the numerals OCR misread spelled as printed (YEAR_NUMERAL_MISREADS in the year,
    DAY_NUMERAL_MISREADS in month and day: `二（）二三年十一月六日` → 二〇二三年十一月六日, `二〇二三年八月半五日` →
    …八月十五日), a day's lost 十 put back (`六月二一日` → 六月二十一日, _LOST_TEN_RE), a ring's stroke read
    between numerals dropped and a doubled 年 read once (_RING_STROKE_RE), a speck read as a small mark dropped
    (`七月十八、日`: _DATE_SPECK_RE), when that leaves nothing but Chinese numerals and 年月日; any other line is
    returned as it came."""
    read = re.sub(r"\s+", "", text)
    compact = _DATE_SPECK_RE.sub("", _RING_STROKE_RE.sub("", read).replace("年年", "年", 1))
    found = _DATE_SHAPE_RE.match(compact)
    if not found or re.search(r"\d", compact):
        return text  # an Arabic date has no such numerals
    year, rest = found.group("y"), found.group("rest")
    for misread, numeral in YEAR_NUMERAL_MISREADS:
        year = year.replace(misread, numeral)
    for misread, numeral in DAY_NUMERAL_MISREADS:
        rest = rest.replace(misread, numeral)
    rest = _LOST_TEN_RE.sub(lambda m: m.group(1) + "十" + m.group(2), rest)
    numerals = set(CN_NUMERALS) | set("年月日")
    repaired = f"{year}年{rest}"
    return repaired if repaired != read and set(repaired) <= numerals else text


_DAMAGED_DAY_END = r"(?:日[1lI|丨]?|\d1?|[A-Z曰目口])?$"
_DAMAGED_ARABIC_DATE_RE = re.compile(rf"^(?P<y>\d{{0,4}})年(?P<m>\d{{1,2}})月(?P<d>\d{{1,2}}){_DAMAGED_DAY_END}")
_DAMAGED_ONE_DIGIT_DAY_RE = re.compile(rf"^(?P<y>\d{{0,4}})年(?P<m>\d{{1,2}})月(?P<d>\d){_DAMAGED_DAY_END}")


def damaged_arabic_date_line(text: str) -> tuple[str, int, int] | None:
    """(year digits as read, month, day) of a whole-line Arabic date that lost characters at its ends, where
    the seal's ring crosses it: a year digit (`024年8月26日`), the closing 日 (`2024年5月17`), or 日 read as a
    digit (`2024年6月211`: no day has three digits) or as its two uprights, a 1-bit threshold having erased its
    thin horizontals (`2024年5月1711`, `2024年8月2641`; after a one-digit day where two would be no day:
    `2021年4月811`), or as a letter or a box its ink resembles, the ring's arc
    across it (`2024年5月7A`, 曰, 目, 口), or a two-digit day that no month has (`2024年5月78`: 7日); or the ring's arc
    read as a stroke after a whole 日 (`2023年6月28日1`). The month and day read whole; the caller decides the year
    from other evidence. None for a whole date or anything else."""
    compact = re.sub(r"\s+", "", text)
    found = _DAMAGED_ARABIC_DATE_RE.match(compact)
    if not found or is_date_line(compact):
        return None
    month, day = int(found.group("m")), int(found.group("d"))
    if not _iso(2000, month, day) and found.end("d") == len(compact) and day >= 10:
        day //= 10  # no such day: its last digit is the 日 read as a digit (`2024年5月78`)
    one_digit = _DAMAGED_ONE_DIGIT_DAY_RE.match(compact)
    if not _iso(2000, month, day) and one_digit:  # `2021年4月811`: no 81st, so 8 and its 日 read 11
        day = int(one_digit.group("d"))
    return (found.group("y"), month, day) if _iso(2000, month, day) else None


def reads_month_and_day(text: str) -> bool:
    """A whole-line date that lost characters only at its ends, its month and day read whole
    (`damaged_year_date_line`, `damaged_arabic_date_line`: `024年5月7日`, `二四年三月十八日`)."""
    return bool(damaged_year_date_line(text) or damaged_arabic_date_line(text))


DATE_MAX_CH = 12
"""A 成文日期 is at most 11 characters (二〇二四年十二月三十一日); a damaged reading is no longer."""


def is_damaged_date_line(text: str) -> bool:
    """A line that reads as a date with characters lost or misread (`2021年8月126月`, `二四年六月3日`,
    `四年月` under a seal): only numerals and 年/月/日, with 年, 月 and a numeral in it, yet no whole date; or
    with one other character where the whole frame 年…月…日 stands around numerals (_DATE_FRAME_RE); or a
    whole year, its 年 and numerals after it, nothing else (`二〇二四年四十`: the rings hid 月 and the rest)."""
    compact = re.sub(r"\s+", "", text)
    if not compact or len(compact) > DATE_MAX_CH or is_date_line(compact):
        return False
    if _YEAR_THEN_NUMERALS_RE.match(compact):
        return True
    numerals = set(CN_NUMERALS) | set("0123456789")
    others = [ch for ch in compact if ch not in numerals and ch not in "年月日"]
    framed = _DATE_FRAME_RE.match(compact) is not None
    return ("年" in compact and "月" in compact and any(ch in numerals for ch in compact)
            and (not others or framed and len(others) == 1
                 and sum(ch in numerals for ch in compact) >= DATE_FRAME_MIN_NUMERALS))


_YEAR_THEN_NUMERALS_RE = re.compile(rf"^(?:(?:19|20)\d{{2}}|[一二][{CN_NUMERALS}]{{3}})年[{CN_NUMERALS}\d]{{1,4}}$")
"""A whole year (19xx, 20xx, or four numerals from 一 or 二), its 年, and numerals only after it."""
_DATE_FRAME_RE = re.compile(r"^[^年月日]{0,4}年[^年月日]{1,2}月[^年月日]{0,3}日$")
"""A date's frame whole: 年, 月 and 日 in order, each after at most the numerals it can follow (the day's may
all be lost under the ring: `2024年A月日`)..."""
DATE_FRAME_MIN_NUMERALS = 3
"""...and this many numerals in it: then one other character is a numeral the ring or the threshold made
another (`四年八月二十米日`: 六 with the ring's arc across it)."""

_NUMERAL_FRAME_RES = tuple(re.compile(rf"^[{digits}]{{1,4}}年[{digits}]{{0,2}}月[{digits}]{{1,3}}日$")
                           for digits in ("一二三四五六七八九十〇○零", r"\d"))


def is_numeral_frame(text: str) -> bool:
    """A line of nothing but numerals of one kind (Chinese or Arabic) in a date's whole frame 年…月…日, a
    year's and a day's numerals read, the month's perhaps lost (`九年月二十日` for 二〇一九年一月二十一日: a 1-bit
    threshold that erases thin horizontals leaves nothing of 一, 二 or 三): no line but a date reads so, though
    its value is lost. A mix of the two kinds (`二四年六月3日`) is not so sure."""
    compact = re.sub(r"\s+", "", text)
    return any(frame.match(compact) for frame in _NUMERAL_FRAME_RES) and not is_date_line(compact)


# --- 版记: cc and printed line -------------------------------------------------------------------------

_CC_RE = re.compile(r"^\s*(?:抄\s*[送运迭选这述逆]|[抄按]\s*送)\s*[:：]")
"""抄送： starting a line, or read with one of its characters misread as one of like shape (`抄运：`, `按送：` on
1-bit scans): no other line of a 公文 starts so."""


def is_cc(text: str) -> bool:
    return bool(_CC_RE.match(text))


_CC_MISREAD_COMMA_RE = re.compile(rf"(?<=[{CJK}])(?:[：:”\"]|[.．·・]{{1,3}})(?=[{CJK}])")
"""Between two bodies of a 抄送 list, a colon (the list has one, after 抄送), a closing quote with no opening one
(a body's name has none) or a run of dots (a 1-bit comma broken in two) is a comma the scan blurred
(`市财政局：湾沚区水利局`, `教育部教师工作司”省委教育工委`, `市委各部门.·市人大常委会办公室`)."""


PLACE_LEVELS = "省市区县州旗盟"
"""The levels a place's name ends with (永泰县, 内蒙古自治区, 科尔沁右翼前旗): what a body's name starts with when
its place is the document's own (`市委办公室`, `区教委`), and where a name that stops is a place, no body."""


def _lost_comma_at(item: str) -> int | None:
    """Where a 抄送 item that reads as two bodies' names back to back (`市法院市检察院`, `…办公室市委办公室`) parts:
    the one place, at a place-level character, that leaves a body's name on both sides; None otherwise."""
    cuts = [i for i in range(2, len(item) - 1) if item[i] in PLACE_LEVELS
            and looks_like_body(item[:i]) and looks_like_body(item[i:])]
    return cuts[0] if len(cuts) == 1 else None


def _with_lost_commas(body: str) -> str:
    parts = re.split(r"([，,、；;])", body)
    for index in range(0, len(parts), 2):
        cut = _lost_comma_at(parts[index].strip().rstrip("。."))
        if cut is not None:
            item = parts[index]
            start = len(item) - len(item.lstrip())
            parts[index] = item[:start + cut] + "，" + item[start + cut:]
    return "".join(parts)


def restore_cc_commas(text: str) -> str:
    """A 抄送 line with each comma misread as a colon or an unopened closing quote a comma again
    (_CC_MISREAD_COMMA_RE): `抄送：市财政局：湾沚区水利局。` → `抄送：市财政局，湾沚区水利局。`; and one the scan
    lost between two bodies' names back again (`市法院市检察院` → `市法院，市检察院`, `_lost_comma_at`)."""
    found = _CC_RE.match(text)
    if not found:
        return text
    head, body = text[:found.end()], text[found.end():]
    return head + _with_lost_commas(_CC_MISREAD_COMMA_RE.sub(
        lambda m: m.group() if m.group() in "”\"" and "“" in body[:m.start()] else "，", body))


def split_cc(text: str) -> list[str]:
    """`抄送：区人大代工委，洛碛镇人大主席团。` → ["区人大代工委", "洛碛镇人大主席团"]; a comma misread as a
    colon or a closing quote still parts two bodies (`restore_cc_commas`)."""
    body = _CC_RE.sub("", restore_cc_commas(text)).strip().rstrip("。.")
    return [item.strip() for item in re.split(r"[，,、；;]", body) if item.strip()]


_PRINTED_RE = re.compile(r"^\s*(?P<by>.+?)\s*(?P<date>(?:\d{4}|[" + CN_NUMERALS + r"]{4})\s*年.+?日)\s*印\s*发\s*$")
_PRINTED_MISREAD_RE = re.compile(
    rf"^\s*(?P<by>.+?)\s*(?P<date>(?:\d{{4}}|[{CN_NUMERALS}]{{4}})\s*年\s*[{CN_NUMERALS}\d]{{1,2}}\s*月\s*[{CN_NUMERALS}\d]{{1,3}}\s*日)"
    rf"\s*印\s*[{CJK}]?\s*$")
"""A 印发 line whose 发 was misread or lost after a whole date (`…2025年5月30日印安`), the printing body's name
before it (a sentence wrapped after its 印 is no 印发 line)."""


_PRINTED_DAMAGED_RE = re.compile(
    rf"^\s*(?P<by>.+?)\s*(?P<date>(?:\d{{4}}|[{CN_NUMERALS}]{{4}})\s*年\s*[{CN_NUMERALS}\d]{{1,2}}\s*月\s*[{CN_NUMERALS}\d]{{1,3}}"
    r"\s*[：:.．·]?\s*日?)\s*[\dlI|]{0,2}\s*印\s*发\s*$"
)
"""A 印发 line whose date a 1-bit scan broke: a stray stroke read between 日 and 印发 (`7日1印发`), 日 itself
read as a digit (`271印发`), or a dot or a colon read before the 日 (`2.7日`, a speck; `2：日1印发`, a digit
broken to its two ends): still the 印发 line (never a wrapped 抄送 row), its date when it reads whole or when a
day of three digits ending in 1 can only be two and its 日 (`121`: 12日); a colon leaves the day unread."""


def split_printed(text: str) -> tuple[str, str | None] | None:
    """`XX办公室　2024年5月15日印发` → ("XX办公室", "2024-05-15"); None if not a 印发 line.

    A damaged date (`_PRINTED_DAMAGED_RE`) gives ("XX办公室", "2024-05-07") for `…2024年5月7日1印发` and
    ("XX办公室", None) for `…2024年8月271印发`.
    """
    misread = _PRINTED_MISREAD_RE.match(text)
    if misread and not looks_like_body(misread.group("by")):
        misread = None  # `…市政府于2024年3月1日印` wrapping before 发《方案》 is a sentence
    found = _PRINTED_RE.match(text) or _PRINTED_DAMAGED_RE.match(text) or misread
    if not found:
        return None
    by, date = re.sub(r"\s+", "", found.group("by")), re.sub(r"\s+", "", found.group("date"))
    name = by.rstrip("0123456789")  # `…办公室 20234年0月28日印发`: a year read with a digit too many; no body's
    by, date = name, by[len(name):] + date  # name ends in a digit
    if re.search(r"\d[：:]日?$", date):
        return by, None  # a digit broken to its two ends: the day is unread
    date = re.sub(r"[.．·]+", "", date)
    day_read = re.search(r"月(\d{3})$", date)
    if day_read and int(day_read.group(1)) > 31 and day_read.group(1).endswith("1"):
        date = date[:-1] + "日"  # `3月121`: no day is 121, the last 1 is its 日 (a day of 12 stays 12)
    elif re.search(r"月\d{1,2}$", date):
        date += "日"  # `3月2印发`: 日 lost whole between the day and 印发; what stands before 印发 is the day
    return by, find_date(date)


def is_printed(text: str) -> bool:
    return split_printed(text) is not None


# --- characters ---------------------------------------------------------------------------------------

_CJK_RE = re.compile(f"[{CJK}]")
_CJK_OR_PUNCT_RE = re.compile(f"[{CJK}{CJK_PUNCT}]")


def is_cjk(ch: str) -> bool:
    return bool(_CJK_RE.match(ch))


def is_cjk_or_punct(ch: str) -> bool:
    return bool(_CJK_OR_PUNCT_RE.match(ch))


def join_fragments(left: str, right: str) -> str:
    """Join two pieces of one paragraph: no space at a CJK seam, one space between two Latin/digit runs."""
    left, right = left.rstrip(), right.lstrip()
    if not left or not right:
        return left + right
    if left[-1].isascii() and left[-1].isalnum() and right[0].isascii() and right[0].isalnum():
        return f"{left} {right}"
    return left + right


_ASCII_TO_FULL = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！", "(": "（", ")": "）"}
_PUNCT_NEAR_CJK_RE = re.compile(rf"(?<=[{CJK}{CJK_PUNCT}])\s*([,:;?!()])|([,:;?!()])\s*(?=[{CJK}])")


def normalise_punctuation(text: str) -> str:
    """ASCII , : ; ? ! ( ) next to CJK text become their full-width forms, as the printed page has them.

    Between Latin letters or digits (`1:2`, `(a)`) the ASCII forms stay.
    """
    return _PUNCT_NEAR_CJK_RE.sub(lambda m: _ASCII_TO_FULL[m.group(1) or m.group(2)], text)


_STRAY_DOTS = ".·•・"
_DOT_BETWEEN_CJK_RE = re.compile(rf"(?<=[{CJK}])\.(?=[{CJK}])|(?<=[{CJK}])-(?=一)|(?<=一)-(?=[{CJK}])")
"""An ASCII dot between two CJK characters, or a hyphen beside a 一 between them (`第-一医院`: 一's thin stroke
broken in two and read twice): Chinese text joins characters with neither (its 连接号 is full-width)."""
_DOT_IN_DATE_RE = re.compile(rf"(?<=[{CJK}])(\d{{1,2}})\.(?=[月日])|(?<![\d.])(\d{{4}})\.(?=年)")
_SPECK_AFTER_DATE_MARK_RE = re.compile(r"(?<=\d年|\d月)[.．:：·](?=\d{1,2}[月日])")
"""A dot or a colon between a date's 年 or 月 and the numerals after it (`2025年5月:30日印发`): a speck; no
punctuation stands inside a date."""
_DOT_IN_YEAR_RE = re.compile(r"(?:(?<![\d.:])|(?<=^\d[.．])|(?<=[：:]\d[.．]))((?:19|20)\d?)[.:：](\d{1,2})(?=年|[-—–－~～至]\d{4}年)")
"""A dot or a colon inside a year (`202.1年`, `202:3年`, `202:3-2025年`, `20.24年`, after an item's number too:
`附件：1.202.1年…`): a speck; no number of years before 年 in 19xx/20xx has a decimal point, and no ratio
stands before 年."""
_SENTENCE_PUNCT = "，。、；：！？"
_DOT_BEFORE_BRACKET_RE = re.compile(rf"(?<=[{CJK}》」”])[.．·•・]+(?=[（(])")
"""A dot between a word and the bracket after it (`教育．（体育）局`, `》.（鲁政办发…）`): a speck; an opening bracket
annotates the word it follows and takes no punctuation before it (GB/T 15834 4.9)."""
_DOT_AFTER_BRACKET_RE = re.compile(rf"(?<=[）)])[.．·•・]+(?=[{CJK}])")
"""...nor a middle dot between the annotation's close and the word going on (`各县（市、区）·教育局`: the same speck
on the grey and the 1-bit scan of a page); a 间隔号 joins two names, never a bracket to a word."""
_DOT_BY_PUNCT_RE = re.compile(rf"(?<=[{_SENTENCE_PUNCT}])[{_STRAY_DOTS}]+|[{_STRAY_DOTS}]+(?=[{_SENTENCE_PUNCT}])")
_LEADING_DOTS_RE = re.compile(rf"^(?:[·•・]+|[{_STRAY_DOTS}．]+(?=[{CJK}（(]|\d{{1,2}}[.．、](?!\d)|(?:19|20)\d{{2}}年))")
_TRAILING_DOTS_RE = re.compile(rf"(?<=[{CJK}{CJK_PUNCT}])[{_STRAY_DOTS}]+$|^(\d{{4,}})[{_STRAY_DOTS}]+$")


_LEADING_DOT_RE = re.compile(rf"^[{re.escape(_STRAY_DOTS)}．]+(?=[{CJK}])")


def without_leading_mark(text: str) -> str:
    """A wrapped line's text without a dot read at its start before a CJK character (`．民政府。`: a speck in
    the margin, or a comma's head that a 1-bit threshold left of the line before's hanging comma). A dot
    stands only after a list number or inside Latin text, never before a character; no typesetter begins a
    line with a stop (LINE_START_FORBIDDEN). A comma or 、 read there stays: a typesetter that does not
    apply 禁则 does set them at a line's start."""
    return _LEADING_DOT_RE.sub("", text.lstrip())


def strip_stray_dots(line: str) -> str:
    """Drop dots a speck on the scan adds to one printed line: `.3.推广` → `3.推广`, `规划·` → `规划`,
    `项目.亩` → `项目亩`, `于6.月20日` → `于6月20日` (a day or month after a character, a year, never
    takes a dot before its 月, 日 or 年, nor inside it: `202.1年` → `2021年`, nor one after its 年 or 月: `5月:30日` →
    `5月30日`; `1.年度目标` at a line's start is an item), `到来，.为确保` →
    `到来，为确保` and `联系电话.：` → `联系电话：` (no dot stands next to a sentence's own punctuation), and
    `000123.` → `000123` (a line of four digits or more is a 份号 or a number, never an item `3.`), and
    `教育．（体育）局` → `教育（体育）局` (no punctuation before a bracket that annotates a word, no middle dot after
    it: `（市、区）·教育局`, `（市、区）.教育局` → `（市、区）教育局`), and
    `.2023年8月15日印发` → `2023年…` (a number broken over two lines goes on in decimals, `.15万`; a year never).
    Chinese text never has an ASCII `.` between two CJK characters, nor a dot, ASCII or full-width
    (`．梅江镇人民政府：`), before a line's first character or heading number (a middle dot before anything),
    nor after its last CJK one (`·` between names, `3.5`, and `.15万` continuing a number broken over two
    lines stay). Specks inside numbers go too (`restore_digit_specks`); applied to one OCR line, so a text
    dump (`layout.repair`) keeps its characters."""
    line = _DOT_BEFORE_BRACKET_RE.sub("", _DOT_AFTER_BRACKET_RE.sub("", line.strip()))
    line = _DOT_BY_PUNCT_RE.sub("", _DOT_BETWEEN_CJK_RE.sub("", line))
    line = _SPECK_AFTER_DATE_MARK_RE.sub("", _DOT_IN_DATE_RE.sub(lambda found: found.group(1) or found.group(2), line))
    line = _DOT_IN_YEAR_RE.sub(lambda found: found.group(1) + found.group(2)
                               if len(found.group(1) + found.group(2)) == 4 else found.group(), line)
    line = restore_digit_specks(line)
    return _TRAILING_DOTS_RE.sub(lambda found: found.group(1) or "", _LEADING_DOTS_RE.sub("", line))


_DIGIT_DASH_RE = re.compile(r"(?<=\d)\s*一\s*(?=\d)")


_MISREAD_PEOPLE_RE = re.compile(r"(?<=[国省市县区州旗盟镇乡])入民(?=政府|法院|检察院|代表大会|银行|武装|团体)")


def restore_people(text: str) -> str:
    """人 read as 入 in an institution's name: `温州市入民政府` → `温州市人民政府`. After a place (省市县区…)
    and before 政府, 法院, 检察院, 代表大会, … only 人民 is written (`纳入民生` has neither)."""
    return _MISREAD_PEOPLE_RE.sub("人民", text)


_FULL_STOP_BETWEEN_CJK_RE = re.compile(rf"(?<=[{CJK}])．(?=[{CJK}])")


_PHONE_RE = re.compile(r"((?:电话|传真|手机)[：:]\s*)([(（]?\d[\d\-—－.．:：()（）]*[\d)）])")
_BRACKET_IN_NUMBER_RE = re.compile(r"(?<=\d)[)）](?=\d|[年月日号\-—－])")
_DOT_AFTER_YEAR_BRACKET_RE = re.compile(r"(?<=〕)[.．](?=\d)")


def restore_digit_specks(text: str) -> str:
    """Specks read inside numbers dropped: a dot or colon inside a telephone number (`电话：0.471-6623150`,
    `6721532.6`; a number is dialled in digits and dashes), a closing bracket inside a number or before its
    年/月/日/号 that no bracket opened, or that a later bracket closes instead (`20)21年`, `2020)年`,
    `（联系电话：020)-83632115）`), a dot between a doc number's
    year and its serial (`〔2016〕.29号`)."""
    def phone(found: re.Match[str]) -> str:
        return found.group(1) + re.sub(r"[.．:：]", "", found.group(2))

    text = _DOT_AFTER_YEAR_BRACKET_RE.sub("", _PHONE_RE.sub(phone, text))

    specks: set[int] = set()
    for found in _BRACKET_IN_NUMBER_RE.finditer(text):
        before = text[:found.start()]
        opened = (sum(before.count(ch) for ch in "(（") - sum(before.count(ch) for ch in ")）")
                  + len([at for at in specks if at < found.start()]))
        # unopened, or inside a number while a later bracket closes the one that is open: a speck
        if opened <= 0 or re.search(r"[)）]", text[found.end():]):
            specks.add(found.start())
    return "".join(ch for i, ch in enumerate(text) if i not in specks)


_COLON_BEFORE_ENUMERATION_RE = re.compile(r"[：:](?=[二三四五六七八九十]是)")


def restore_enumeration_semicolons(text: str) -> str:
    """A colon before `二是`…`十是` is the semicolon that parts the points of an enumeration (`一是…；二是…`,
    GB/T 15834 4.6: the semicolon between the parts of a list of clauses): a 1-bit threshold erases the
    semicolon's tail and the recogniser reads its two dots `：`. A colon introduces an enumeration before its
    `一是`, never before its second point: `安全隐患：二是结合` → `安全隐患；二是结合`."""
    return _COLON_BEFORE_ENUMERATION_RE.sub("；", text)


def restore_commas(text: str) -> str:
    """A full-width `．` between two CJK characters is a `，` whose tail the scan lost (a 1-bit threshold
    keeps only its head, a dot on the baseline of its own full-width cell): `财政局．各县` → `财政局，各县`.

    Chinese prose ends sentences with `。`; `．` stands only after a list number (`1．`), never between
    two characters."""
    return _FULL_STOP_BETWEEN_CJK_RE.sub("，", text)


_ERODED_COMMA_RE = re.compile(
    rf"(?<=[{CJK}])(?:[·・•](?=[{CJK}])|\.(?=[{CJK}])|(?<=[{CJK}]{{2}})\.(?=\s*$))(?![{CJK}]{{1,10}}[〔［\[【]\s*\d{{2}})")


_GATE_RIGHT_RE = re.compile(rf"(?<=[{CJK}])\]")


def restore_eroded_gates(text: str) -> str:
    """On a 1-bit scan, a `]` after a CJK character that no `[` opened is 门 whose dot and left stroke the
    threshold erased, its right stroke and hook read as the bracket (`市政府各部]，` → `市政府各部门，`: 3 of 3 in
    the 1-bit folders of 8 dev caches, never in their grey or colour ones); after a 门 read whole it is that
    门's right side read again and goes (`有关部门]，`). Only for 1-bit pages."""
    def gate(found: re.Match[str]) -> str:
        return "" if text[found.start() - 1] == "门" else "门"

    if "[" in text:
        return text
    return _GATE_RIGHT_RE.sub(gate, text)


def restore_eroded_commas(text: str) -> str:
    """On a 1-bit scan, a middle dot between two CJK characters is a `，` whose tail the threshold erased
    (its head left alone in the cell, read `·`: 48 times in the 1-bit folders of 7 dev corpora, once in
    their grey and once in their colour ones): `监测数据·北部片区` → `监测数据，北部片区`. So is an ASCII `.`
    after a CJK character, between two or at a line's end where the comma wrapped with its line
    (`有关部门.市直`, `97%以上.`: in the 1-bit folders of 10 dev caches, 9 of 9 between two, and at a line's
    end 11 of 13, the others specks; never between two in their grey and colour ones, where it stays a
    speck and goes). Not inside a doc number (`鲁.人社字〔2020〕58号`, `渝北.卫健函【202.1〕53号` with a speck in its year
    too: a speck), nor at a line's end after a
    single character (`（鲁.` with the number wrapped to the next line) or at a heading's end (`（二）推进检查
    检验结果互认.`: a heading ends with no mark). Only for 1-bit pages: elsewhere a `·` between characters is
    the 间隔号 of a transcribed name (`阿沛·阿旺晋美`) and stays."""
    end = len(text.rstrip())
    if heading_marker(text) is not None and text[:end].endswith("."):  # keep the heading's end as read
        return _ERODED_COMMA_RE.sub("，", text[:end - 1]) + text[end - 1:]
    return _ERODED_COMMA_RE.sub("，", text)


_HALF_PAIRED_YEAR_RE = re.compile(r"〔\s*((?:19|20)\d{2})\s*[\]］】]|[\[［【]\s*((?:19|20)\d{2})\s*〕")


def restore_year_brackets(text: str) -> str:
    """A doc number's year between a 〔 and a `]` (or a `[` and a 〕) is in 〔〕: one bracket of the pair was
    misread, as no printer sets them mixed (`云府函〔2024]77号` cited in the body → `云府函〔2024〕77号`)."""
    return _HALF_PAIRED_YEAR_RE.sub(lambda found: f"〔{found.group(1) or found.group(2)}〕", text)


_NUMERAL_YEAR_RE = re.compile(r"(?<![\u4e00-\u9fff])[〇○OoＯ一二三四五六七八九]{4}(?=年)")


def restore_numeral_zero(text: str) -> str:
    """In a year written in Chinese numerals, a zero read as ○, O or o is 〇 (`二〇○五年` → `二〇〇五年`)."""
    return _NUMERAL_YEAR_RE.sub(lambda found: re.sub("[○OoＯ]", "〇", found.group()), text)


def ends_in_cjk(text: str) -> bool:
    """`text`'s last character (spaces aside) is a CJK character: no punctuation closes it."""
    stripped = text.rstrip()
    return bool(stripped) and bool(re.match(rf"[{CJK}]", stripped[-1]))


_YEAR_RANGE_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*[-－–‐]\s*((?:19|20)\d{2})(?=\s*年)")


def restore_year_ranges(text: str) -> str:
    """A range of years is written with a dash, `—`: `2024-2026年` (a hyphen read for it) → `2024—2026年`."""
    return _YEAR_RANGE_RE.sub(r"\1—\2", text)


def restore_digit_dashes(text: str) -> str:
    """A 一 between two Arabic digits is a dash the recogniser misread: `2024一2026年` → `2024—2026年`.

    Chinese never writes the numeral 一 between Arabic digits; ranges (1—6月) and phone numbers
    (0874—312167) print a dash there. ASCII hyphens (`E4-2-3`) are left alone.
    """
    return _DIGIT_DASH_RE.sub("—", text)


def remove_cjk_spaces(text: str) -> str:
    """Drop whitespace that has a CJK character or CJK punctuation on either side; keep Latin spacing."""
    text = re.sub(rf"(?<=[{CJK}{CJK_PUNCT}])[ \t\u3000]+", "", text)
    text = re.sub(rf"[ \t\u3000]+(?=[{CJK}{CJK_PUNCT}])", "", text)
    return re.sub(r"[ \t]{2,}", " ", text).strip()
