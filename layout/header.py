"""The header of page 1: markers, issuer mark, doc number, signer, title, addressee.

GB/T 9704-2012 order: small marks top left (份号, 密级, 紧急程度, 公开 type); the issuer mark in large red
characters, centred (letter format: the body's name over a red double rule); the doc number centred
under it above the red rule, with `签发人：` to its right (letter format: right-aligned under the rule);
then the title, centred in a larger size over 1–3 lines; then the addressee, flush left, ending in `：`.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, replace

from layout import patterns
from layout.geometry import DEFAULT_SETTINGS, BodyGeometry, LayoutSettings, Scale, text_units
from layout.lines import Row, clean_text, is_reread_inside, split_wide_gaps, tilt_degrees
from layout.model import Block, BlockType, Box, OcrLine, Page
from layout.typography import SMALLER_HEIGHT, is_heavy, is_larger, is_regular, is_set_apart, is_smaller

DOC_NUMBER_MAX_ROWS = 4
"""The doc number, 签发人 and (letter format) marks follow the issuer mark within this many rows."""

MARKER_MAX_CH = 10
"""The marks above the issuer mark are short (份号 six digits, 机密★1年, 特急, A类); body text is longer."""

TITLE_MIN_MARGIN_CH = 0.3
"""A large title line leaves at least this much on both sides (2号 lines hold at most 20 characters)."""

FULL_TITLE_CENTRE_CH = 0.6
"""A title line filling the text block (the first line of a greedily wrapped title) is centred within this;
a first paragraph line (indented 2 characters, running to the right edge) is 1 character off centre."""

TITLE_AXIS_CH = 0.4
"""Each wrapped title line is centred on its own (GB/T 9704 7.3.3), so all stand on one axis: a line set in
the title's type whose centre is within this of the first line's is a title line, whatever the text block's
edges measure (a ragged right edge, body lines wrapping short of the measure, puts the block's centre off the
axis by more than FULL_TITLE_CENTRE_CH)."""

RULE_MIN_CH = 8.0
"""A row that reads as nothing but dashes over at least this width is a rule the detector took for text."""

_RULE_RE = re.compile(r"^[—–\-－_＿一━─═=＝·.]+$")

TITLE_MAX_ROWS = 4
"""GB/T 9704 titles wrap over 1–3 lines; one more for an OCR split."""

ADDRESSEE_MAX_ROWS = 3
"""A 主送机关 list rarely wraps over more lines than this."""

_FILE_WORD_RE = re.compile(r"^(文\s*件|文|件)$")
_SPACE_RE = re.compile(r"\s+")


def find_issuer_lines(page: Page, scale: Scale, settings: LayoutSettings = DEFAULT_SETTINGS) -> list[OcrLine]:
    """The fragments of the issuer mark: large red text in the top part of page 1.

    Without any red information on the page (no red mask), very large text at the top stands in.
    """
    top = page.height * settings.header_zone
    # A grey scan's colour noise gives a few lines a trace of red: only clearly red text counts as red ink.
    has_red = any(line.red >= settings.red_min for line in page.lines)
    # the document's own number is the first one (a number cited in the body may stand in the upper half too)
    number_top = min((line.box.y0 for line in page.lines
                      if line.box.y1 <= top and patterns.find_doc_number(line.text)), default=None)
    candidates = [line for line in page.lines if line.box.y1 <= top and line.text.strip()
                  and tilt_degrees(line) < settings.seal_tilt_deg
                  # a rule read as dashes (a letter's double rule read `一` in a box as tall as a title)
                  and not _RULE_RE.match(_SPACE_RE.sub("", line.text))]
    # without colour: type much larger than the title can be, or large type above the doc number (the title
    # stands below it, in file and letter format alike: GB/T 9704 7.2, 10.2), centred on the page on its own
    # or as one block with the rest (a joint mark stacks its bodies flush left, 文件 right of the stack)
    above = [line for line in candidates if number_top is not None and line.box.y1 <= number_top
             and line.box.height >= settings.large_line_lh * scale.line_height]
    block_centred = bool(above) and _centred_on_page(
        min(ln.box.x0 for ln in above), max(ln.box.x1 for ln in above), page, scale)
    found = []
    for line in candidates:
        tall = line.box.height / scale.line_height
        red_mark = has_red and line.red >= settings.red_min and tall >= settings.large_line_lh
        above_number = line in above and (block_centred or _centred_on_page(line.box.x0, line.box.x1, page, scale))
        if red_mark or (not has_red and (tall >= settings.huge_line_lh or above_number)):
            found.append(line)
    if not found:
        return []
    # The mark heads the page: only the small marks may stand above it (else it is a seal further down).
    mark_top = min(line.box.y0 for line in found)
    margin = page.height * settings.margin_zone  # running heads live there
    if any(margin <= line.box.y1 <= mark_top and text_units(line.text) >= MARKER_MAX_CH
           and line.red < settings.red_min for line in page.lines):
        return []
    found.sort(key=lambda ln: ln.box.y0)
    if not has_red:  # size is the only sign: a large 公开 or 特急 above the mark is a marker, not the mark
        found = without_marker_above(keep_mark_sized(found), page)
    band = [found[0]]
    for line in found[1:]:
        if not continues_mark(band[-1], line, page, has_red):
            break
        band.append(line)
    # Small characters stacked inside the mark (`黔东[南苗族/侗族]…`) are red and within its band.
    top, bottom = min(ln.box.y0 for ln in band), max(ln.box.y1 for ln in band)
    small = [ln for ln in page.lines if ln not in band and ln.text.strip() and top <= ln.box.cy <= bottom
             and (ln.red >= settings.red_min or not has_red)]
    return band + small


FULL_MARK_HEIGHT = 0.8
"""Mark fragments at least this share of the median one are full-height characters that define its lines;
smaller ones are stacked small characters (`黔东[南苗族/侗族]自治州`) inside a line."""


MARK_BAND_GAP_MH = 3.0
"""A red mark is one band: a red line more than this many mark heights below the last is a seal's, not it."""

MARK_CENTRED_CH = 3.0
"""The mark is centred on the page (GB/T 9704 7.2.2): its margins differ by less than this many characters (a
scan's offset is a few millimetres); the markers above it (份号, 密级, 紧急程度) stand flush left."""

MARK_STACK_GAP_MH = 1.0
"""Without colour only size and place tell the mark: the bodies of a joint mark stack closer than one mark
height, while a large title (一号 is 1.6 body lines, as large as a small mark) stands under the doc number
and the rule, two body lines and more below the mark (GB/T 9704-2012 7.2, 7.3.1)."""


MARK_FILE_GAP_MH = 0.25
"""A line ending in 文件 ends the mark (GB/T 9704 7.2.2) unless the next one follows it this close (in its
height): a joint mark's 文件, read into the line of a body above the last, leaves its stacked bodies touching
(a gap of 0.02 of the line), while a title set under the rule stands clear of the mark (0.75 and more)."""


def _centred_on_page(x0: float, x1: float, page: Page, scale: Scale) -> bool:
    """Margins left and right of x0..x1 differ by at most MARK_CENTRED_CH characters."""
    return abs(x0 - (page.width - x1)) <= MARK_CENTRED_CH * scale.char_width


def keep_mark_sized(found: Sequence[OcrLine]) -> list[OcrLine]:
    """The candidates of a colour-free mark without a marker set large (`公开`, `特急` above the mark): a
    candidate that reads as a marker is never a line of the mark while other candidates are (a marker set
    as large as the mark, on a 300 dpi scan, is still a marker). A line of the mark itself stays whatever
    its size: a joint mark's long body is set smaller than the short ones, and a 文件 read into a line makes
    that line taller than the rest."""
    return [ln for ln in found if not patterns.is_marker(ln.text)] or list(found)


def without_marker_above(found: Sequence[OcrLine], page: Page) -> list[OcrLine]:
    """Colour-free candidates of the mark (top to bottom) without a marker read as no marker at their head:
    a short line (under MARKER_MAX_CH) in smaller type than the candidate under it (SMALLER_HEIGHT), and not
    stacked with it as a joint mark's bodies are (`continues_mark`), is one of the marks GB/T 9704 7.2.2–7.2.4
    sets above the mark in 3号黑体, however large a scan's boxes make it (`公开` read `公斤` on a 1-bit scan,
    71 px over a mark of 94)."""
    if len(found) < 2:
        return list(found)
    first, second = found[0], found[1]
    if (text_units(first.text) < MARKER_MAX_CH and first.box.height < SMALLER_HEIGHT * second.box.height
            and not continues_mark(first, second, page, has_red=False)):
        return list(found[1:])
    return list(found)


def continues_mark(last: OcrLine, line: OcrLine, page: Page, has_red: bool) -> bool:
    """Whether `line` (a candidate below `last`) is the next line of the issuer mark.

    Red ink marks the mark's lines wherever they stand in its band; without colour, a large line is the
    mark's only when it follows the last one closely, with no other text (the doc number, a rule read as
    dashes) between them, and not clear below a line ending in 文件 (`MARK_FILE_GAP_MH`): a title set
    straight under the rule, with no doc number, is large and close too.
    """
    gap = line.box.y0 - last.box.y1
    if has_red:
        return gap <= MARK_BAND_GAP_MH * last.box.height
    if gap > MARK_STACK_GAP_MH * last.box.height:
        return False
    if patterns.ends_in_file_word(last.text) and gap > MARK_FILE_GAP_MH * last.box.height:
        return False
    return not any(other is not last and other is not line and other.text.strip()
                   and last.box.y1 <= other.box.cy <= line.box.y0 for other in page.lines)




@dataclass(frozen=True)
class MarkLine:
    """One printed line of the issuer mark as read, no spaces, and where in it two of its boxes meet: `seams`
    holds the index of the first character of each box after the first (the detector splits a letter-spaced
    mark into boxes; a character at a seam may be read twice or in part by both)."""

    text: str
    seams: frozenset[int] = frozenset()


def _mark_line(parts: Sequence[OcrLine]) -> MarkLine:
    """Fragments of one mark line: left to right; fragments stacked over each other, top then bottom."""
    columns: list[list[OcrLine]] = []
    for part in sorted(parts, key=lambda ln: ln.box.x0):
        last = columns[-1] if columns else None
        if last and min(p.box.x1 for p in last) - part.box.x0 > 0.5 * min(part.box.width, last[0].box.width):
            last.append(part)
        else:
            columns.append([part])
    text = ""
    seams = set()
    previous: OcrLine | None = None
    for col in columns:
        for part in sorted(col, key=lambda ln: ln.box.y0):
            piece = _SPACE_RE.sub("", part.text)
            if previous is not None and len(col) == 1 and _seam_character(previous, part, text, piece):
                piece = piece[1:]
            if text and len(col) == 1:
                seams.add(len(text))
            text += piece
            previous = part
    return MarkLine(text, frozenset(seams))


MARK_SEAM_OVERLAP = 0.4
"""Two boxes of one mark line overlapping by this share of a character's advance both hold the character
there, each whole enough to be read: measured, seams with a character read twice overlap 0.5–0.75 of the
advance (`和社会保` | `保障厅文件`), seams between two characters 0.05–0.3 (the detector's padding)."""


def _seam_character(left: OcrLine, right: OcrLine, text: str, piece: str) -> bool:
    """`right` starts with the character `left` (whose reading `text` ends) ends with, and their boxes overlap
    by MARK_SEAM_OVERLAP of the left box's character advance: one printed character read by both boxes.
    An issuing body's name never doubles a character there, so it is kept once."""
    if not text or not piece or text[-1] != piece[0]:
        return False
    units = text_units(left.text.strip())
    if units <= 0:
        return False
    return left.box.x1 - right.box.x0 >= MARK_SEAM_OVERLAP * left.box.width / units


def mark_lines(parts: Sequence[OcrLine]) -> list[MarkLine]:
    """Issuer mark fragments → its printed lines, top to bottom (no spaces)."""
    parts = [part for part in parts
             if not any(is_reread_inside(part, other) for other in parts if other is not part)]
    tallest = statistics.median(ln.box.height for ln in parts)  # not max: 文件 read into a line is taller
    rows: list[list[OcrLine]] = []
    for part in sorted((ln for ln in parts if ln.box.height >= FULL_MARK_HEIGHT * tallest), key=lambda ln: ln.box.cy):
        if rows and part.box.cy <= max(p.box.y1 for p in rows[-1]):
            rows[-1].append(part)
        else:
            rows.append([part])
    for part in (ln for ln in parts if ln.box.height < FULL_MARK_HEIGHT * tallest):
        # stacked small characters stand inside a line's height; a smaller line below the rest (a joint
        # mark's long body set smaller, under a line that a 文件 read into it made taller) is a line of its own
        inside = [row for row in rows if min(p.box.y0 for p in row) <= part.box.cy <= max(p.box.y1 for p in row)]
        if inside:
            min(inside, key=lambda row: abs(part.box.cy - sum(p.box.cy for p in row) / len(row))).append(part)
        else:
            rows.append([part])
    rows.sort(key=lambda row: min(p.box.cy for p in row))
    return [_mark_line(row) for row in rows]


def issuer_rows(lines: Sequence[OcrLine], scale: Scale, settings: LayoutSettings = DEFAULT_SETTINGS) -> list[str]:
    """Issuer mark lines as printed, no spaces; a joint mark's `文件` (right of the stack) ends the last."""
    return [line.text for line in issuer_mark_lines(lines, scale, settings)]


def issuer_mark_lines(lines: Sequence[OcrLine], scale: Scale,
                      settings: LayoutSettings = DEFAULT_SETTINGS) -> list[MarkLine]:
    """`issuer_rows` with the seams of each line (`MarkLine`)."""
    file_parts = [ln for ln in lines if _FILE_WORD_RE.match(ln.text.strip())]
    names = [ln for ln in lines if ln not in file_parts]
    if not names:
        return [MarkLine("".join(_SPACE_RE.sub("", ln.text) for ln in sorted(lines, key=lambda ln: ln.box.x0)))]
    rows = mark_lines(names)
    names_right = max(ln.box.x1 for ln in names)
    stacked = len(rows) > 1 and all(ln.box.x0 >= names_right - scale.char_width for ln in file_parts)
    if file_parts and stacked:
        rows[-1] = replace(rows[-1], text=rows[-1].text + "文件")
    elif file_parts:
        rows = mark_lines(list(lines))
    # 文件 stands right of the whole stack; OCR may read it into the middle row's line: it ends the last.
    inner = [i for i, row in enumerate(rows[:-1]) if patterns.ends_in_file_word(row.text)]
    if inner and not rows[-1].text.endswith("文件"):
        rows = [replace(row, text=row.text[:-2]) if i in inner else row for i, row in enumerate(rows)]
        rows[-1] = replace(rows[-1], text=rows[-1].text + "文件")
    return [row for row in rows if row.text]


MARK_WITNESS_MIN_CH = 4
"""A body's name this long or longer, less a character, is still not found elsewhere in a document by chance."""


def witnessed_mark(line: MarkLine, witnesses: Sequence[str]) -> str:
    """The mark line's text, with the character on either side of one of its seams spelled as the document's
    other lines spell the name (`witnesses`: the title, the body, the 印发 line; not lines under a seal).

    The mark is letter-spaced large type the detector reads in several boxes; where two meet, one character
    may be read twice (`呼和浩特市机关关事务管理局`, or with the one before it: `…机关机关事务…`) or in part
    (`人力资源原和`, the right box re-reading 源's right side), and the box overlap does not always tell
    (`_seam_character`); or a character the seam cut in two may be read by neither (`山东省人力资源|社会保障厅`,
    和's two halves left to the other box). The same name set in body type (`山东省人力资源和社会保障厅关于…`,
    `…办公室 2024年3月19日印发`) reads without seams; and a box narrower than a character may read one split in
    its halves (`虫贝|州省…` for 贵州省: 贵 is 中 over 贝). So a name found nowhere else as read, but found with
    that one character dropped or replaced, or two beside a seam read as one, or a run read on both sides of
    the seam kept once, or with one character more at a seam, is that spelling; when two spellings are found,
    or none, the line stays as read."""
    text = line.text
    name = text[:-2] if patterns.ends_in_file_word(text) else text
    others = "\n".join(witnesses)
    if len(name) <= MARK_WITNESS_MIN_CH or name in others:
        return text
    def with_one_between(head: str, tail: str) -> set[str]:
        return {found.group(0) for found in re.finditer(re.escape(head) + rf"[{patterns.CJK}]" + re.escape(tail), others)}

    spellings = set()
    for k in {at for seam in line.seams for at in (seam - 1, seam) if 0 <= at < len(name)}:
        if name[:k] + name[k + 1:] in others:
            spellings.add(name[:k] + name[k + 1:])
        spellings |= with_one_between(name[:k], name[k + 1:])  # the character at the seam replaced
    for k in {seam for seam in line.seams if 0 < seam < len(name)}:
        spellings |= with_one_between(name[:k], name[k:])  # one more at the seam
        if k >= 2:  # one read as its two halves, before the seam or after it (`虫贝|州`)
            spellings |= with_one_between(name[:k - 2], name[k:])
        spellings |= with_one_between(name[:k], name[k + 2:])
        for m in range(2, min(k, len(name) - k) + 1):  # a run both boxes read (`机关|机关事务`)
            if name[k - m:k] == name[k:k + m] and name[:k] + name[k + m:] in others:
                spellings.add(name[:k] + name[k + m:])
    # a name that lost its last character is part of the whole one found too: the whole one explains both
    spellings = {one for one in spellings if not any(one != other and one in other for other in spellings)}
    return spellings.pop() + text[len(name):] if len(spellings) == 1 else text


@dataclass(frozen=True)
class Header:
    """The header blocks of page 1 and the rows of page 1 left for the body."""

    blocks: tuple[Block, ...]
    rest: tuple[Row, ...]


def _block(kind: BlockType, text: str, rows: Sequence[Row]) -> Block:
    return Block(kind, text, lines=tuple(part for row in rows for part in row.parts))


def _marker_blocks(rows: Sequence[Row], scale: Scale, settings: LayoutSettings) -> list[Block]:
    blocks = []
    for row in rows:
        for piece in split_wide_gaps(row, scale, settings):
            text = _SPACE_RE.sub("", piece.text)
            kind = BlockType.MARKER if patterns.is_marker(text) or len(text) <= 8 else BlockType.OTHER
            spelled = patterns.marker_spelling(clean_text(piece.text)) if kind is BlockType.MARKER else piece.text
            blocks.append(_block(kind, clean_text(spelled), [piece]))
    return blocks


def _doc_number_blocks(row: Row, scale: Scale, settings: LayoutSettings) -> list[Block] | None:
    """Blocks of a row under the mark: doc number, 签发人, and (letter format) the marks left of them.

    None when the row has none of these (the title or the body begins).
    """
    pieces = split_wide_gaps(row, scale, settings)
    kinds = []
    for piece in pieces:
        compact = _SPACE_RE.sub("", piece.text)
        if "签发人" in compact:
            kinds.append(BlockType.SIGNER)
        elif patterns.find_doc_number(piece.text):
            kinds.append(BlockType.DOC_NUMBER)
        elif patterns.is_marker(compact):
            kinds.append(BlockType.MARKER)
        else:
            kinds.append(BlockType.OTHER)
    if all(kind is BlockType.OTHER for kind in kinds):
        number = patterns.find_doc_number(row.text)
        return [_block(BlockType.DOC_NUMBER, number, [row])] if number else None
    blocks: list[Block] = []
    for index, (piece, kind) in enumerate(zip(pieces, kinds, strict=True)):
        if kind is BlockType.OTHER and index and kinds[index - 1] is BlockType.SIGNER:
            # Names after 签发人： may stand apart (two signers, a wide gap between them).
            signer = blocks[-1]
            blocks[-1] = Block(BlockType.SIGNER, clean_text(f"{signer.text} {piece.text}"),
                               lines=signer.lines + piece.parts)
            kinds[index] = BlockType.SIGNER
            continue
        compact = _SPACE_RE.sub("", piece.text)
        if kind is BlockType.SIGNER:
            head, _, tail = compact.partition("签发人")
            own = patterns.find_doc_number(head)
            if own:
                blocks.append(_block(BlockType.DOC_NUMBER, own, [piece]))
            blocks.append(_block(BlockType.SIGNER, clean_text("签发人" + tail), [piece]))
        elif kind is BlockType.DOC_NUMBER:
            blocks.append(_block(kind, patterns.find_doc_number(piece.text) or compact, [piece]))
        elif kind is BlockType.MARKER:  # a letter's marks stand in a column left of the number
            blocks.append(_block(kind, patterns.marker_spelling(clean_text(piece.text)), [piece]))
        else:
            blocks.append(_block(kind, clean_text(piece.text), [piece]))
    return blocks


PUNCT_INK_CH = 0.5
"""A full-width opening quote or bracket prints its ink in the right half of its cell, a closing one (and a
stop or comma) in the left half: the recogniser's box, which is the ink's, starts or ends this much short of
the line as set."""


def cell_box(row: Row, char_width: float) -> Box:
    """The row's box as the line was set: out to the cells of a leading opening mark (`“放心消费…`) and a
    trailing closing one (PUNCT_INK_CH), so that a centred line with a quote at one end is measured centred."""
    text = row.text.strip()
    box = row.box
    x0 = box.x0 - (PUNCT_INK_CH * char_width if text[:1] in patterns.LINE_END_FORBIDDEN else 0.0)
    x1 = box.x1 + (PUNCT_INK_CH * char_width if text[-1:] in patterns.LINE_START_FORBIDDEN else 0.0)
    return Box(x0, box.y0, x1, box.y1)


def _is_centred(row: Row, geometry: BodyGeometry, settings: LayoutSettings) -> bool:
    """Centred on the text block: each wrapped title line is, on its own.

    A line in the body's type must leave room on both sides (a full body line is "centred" too); a line
    set apart (larger or heavier) may fill the block, as the first line of a greedily wrapped title does.
    """
    box = cell_box(row, geometry.char_width(row.page))
    offset = abs(geometry.centre_offset_ch(box, row.page))
    if offset > settings.centre_tol_ch:
        return False
    margins = min(geometry.indent_ch(box, row.page), geometry.right_gap_ch(box, row.page))
    if not is_set_apart(row, geometry.scale, settings):
        return margins >= settings.indent_min_ch
    return margins >= TITLE_MIN_MARGIN_CH or offset <= FULL_TITLE_CENTRE_CH


def is_rule_row(row: Row, scale: Scale) -> bool:
    """A printed rule (the red rule under the doc number, a letter's double rule) read as a row of dashes."""
    compact = _SPACE_RE.sub("", row.text)
    return bool(_RULE_RE.match(compact)) and row.box.width >= RULE_MIN_CH * scale.char_width


def _on_title_axis(first: Row, row: Row, geometry: BodyGeometry, settings: LayoutSettings) -> bool:
    """`row` is set apart and centred on the axis of the title's first line (TITLE_AXIS_CH)."""
    return (row.page == first.page and is_set_apart(row, geometry.scale, settings)
            and abs(cell_box(row, geometry.char_width(row.page)).cx - cell_box(first, geometry.char_width(first.page)).cx)
            <= TITLE_AXIS_CH * geometry.char_width(row.page))


TITLE_WRAP_GAP = 0.5
"""A title's wrapped lines are set close, at the title's own line pitch: the gap between two of them is at
most this share of the lower box's height (measured 0.2–0.3; body lines stand 0.6–0.8 of a box apart, and a
blank line parts the title from the addressee and the body)."""


def _wraps_title(above: Row, row: Row, geometry: BodyGeometry, settings: LayoutSettings) -> bool:
    """`row` is set apart, stands close under the title line `above` (TITLE_WRAP_GAP) and is centred within
    CENTRE_TOL_CH: the title's next line, though it reach past the block's edge or stand off the first line's
    axis (a 一号 line of 16 characters filling the block, set half a character right of centre)."""
    box = cell_box(row, geometry.char_width(row.page))
    return (row.page == above.page and is_set_apart(row, geometry.scale, settings)
            and 0 <= row.box.y0 - above.box.y1 <= TITLE_WRAP_GAP * row.box.height
            and abs(geometry.centre_offset_ch(box, row.page)) <= settings.centre_tol_ch)


def _same_title_type(first: Row, row: Row, geometry: BodyGeometry, settings: LayoutSettings) -> bool:
    """A title is set in one size and type: a line smaller than its first, or in regular weight under a
    bold first line the body's size, is no longer the title."""
    scale = geometry.scale
    if is_smaller(row, first, scale):
        return False
    bold_only = is_heavy(first, scale) and not is_larger(first, scale, settings)
    return not (bold_only and is_regular(row, scale) and not is_larger(row, scale, settings))


TITLE_FLUSH_CH = 0.5
"""A line starting within this of the text block's left edge is set flush left, not centred on its own."""


def _title_complete(title: Sequence[Row], row: Row, geometry: BodyGeometry) -> bool:
    """The title so far ends with its kind of document (`…的通知`: GB/T 9704 7.3.1, issuer, matter, kind),
    and `row` starts flush at the left edge: the full first line of a two-line addressee (`各设区市教育局、…，
    各县` over `（市、区）…：`), which a 1-bit scan's heavy strokes made look set apart, not a title line."""
    return (patterns.ends_like_title(clean_text("".join(r.text for r in title)))
            and geometry.indent_ch(row.box, row.page) < TITLE_FLUSH_CH)


def _heads_a_centred_title(rows: Sequence[Row], geometry: BodyGeometry, settings: LayoutSettings) -> bool:
    """The first row, set apart and nearly filling the block, stands on one axis with the centred row under
    it (TITLE_AXIS_CH), and that axis is within CENTRE_TOL_CH of the block's centre: a title's wrapped lines
    centred together. On a page whose own lines do not show the block's edges (page 1 with a large title and
    an addressee only) the edges come from another page and may be a character off this page's; the lines'
    common axis is this page's own measure."""
    if len(rows) < 2 or not is_set_apart(rows[0], geometry.scale, settings):
        return False
    offset = abs(geometry.centre_offset_ch(cell_box(rows[0], geometry.char_width(rows[0].page)), rows[0].page))
    return (offset <= settings.centre_tol_ch and _is_centred(rows[1], geometry, settings)
            and _on_title_axis(rows[0], rows[1], geometry, settings))


def read_title(rows: Sequence[Row], geometry: BodyGeometry,
               settings: LayoutSettings = DEFAULT_SETTINGS) -> tuple[Block | None, int]:
    """The title block (centred rows merged with no spaces) and how many rows it used."""
    used = 0
    while used < min(len(rows), TITLE_MAX_ROWS) and (
            _is_centred(rows[used], geometry, settings)
            or used > 0 and _on_title_axis(rows[0], rows[used], geometry, settings)
            or used > 0 and _wraps_title(rows[used - 1], rows[used], geometry, settings)
            or used == 0 and _heads_a_centred_title(rows, geometry, settings)):
        if used and (patterns.is_addressee(clean_text(rows[used].text))
                     or not _same_title_type(rows[0], rows[used], geometry, settings)
                     or _title_complete(rows[:used], rows[used], geometry)):
            break  # the addressee follows, or a line in another type: the title is set in one
        used += 1
    if not used:
        return None, 0
    text = clean_text(patterns.paired_closers("".join(row.text for row in rows[:used])))
    return _block(BlockType.TITLE, _SPACE_RE.sub("", text) if not re.search(r"[A-Za-z]", text) else text,
                  rows[:used]), used


def read_addressee(rows: Sequence[Row], geometry: BodyGeometry,
                   settings: LayoutSettings = DEFAULT_SETTINGS) -> tuple[Block | None, int]:
    """The addressee: flush-left rows (at most ADDRESSEE_MAX_ROWS) whose text ends in `：`; or, its colon
    lost (a 1-bit scan drops small marks at a line's end), rows ending on a name with the
    indented first body line right under them (`_lost_its_colon`)."""
    text = ""
    for used, row in enumerate(rows[:ADDRESSEE_MAX_ROWS], start=1):
        if geometry.indent_ch(row.box, row.page) >= settings.indent_min_ch:
            return None, 0
        read = row.text if text else row.text.lstrip(patterns.NAME_SPECK_LEAD)  # a name begins the 主送机关
        text = clean_text(text + _separated(text, rows[used - 2], read, geometry, settings) + read)
        if text.endswith(("：", ":")):
            text = patterns.addressee_commas(patterns.restore_addressee_brackets(_without_stray_close(text)))
            if patterns.is_addressee(text):
                return _block(BlockType.ADDRESSEE, text, rows[:used]), used
            return None, 0
        name = text[:-1] if text.endswith(COLON_MISREADS) else text
        if _lost_its_colon(name, rows[used:used + 1], geometry, settings):
            return _block(BlockType.ADDRESSEE, patterns.restore_addressee_brackets(name + "："), rows[:used]), used
    return None, 0


def _without_stray_close(text: str) -> str:
    """An addressee without a closing bracket right before its colon that nothing opened (`…部门]：`: a speck
    by the colon read as `]`)."""
    if any(ch in text for ch in "[［【"):
        return text
    return re.sub(r"[\]］】|]+(?=[：:]$)", "", text)


COLON_MISREADS = ("]", "］", "|", "l", "；", ";")
"""What a scan's `：` at an addressee's end is read as: on 1-bit, the colon's two dots run together into a
stroke (`…卫生健康部门]`); on any scan, a speck or a blur under the lower dot gives it a semicolon's tail
(`林晓东代表；`). The row still has to be the addressee by place (`_lost_its_colon`)."""


def _lost_its_colon(text: str, after: Sequence[Row], geometry: BodyGeometry,
                    settings: LayoutSettings) -> bool:
    """Whether `text` (flush-left rows right after the title) is an addressee whose `：` was
    lost: it ends on a character of a name, with no sentence punctuation inside (`patterns.is_addressee`),
    and the next row starts a paragraph by its indent. A body paragraph does not end there: its last
    sentence would end in punctuation before the next paragraph began."""
    if not after or not patterns.is_cjk(text[-1:]) or not patterns.is_addressee(text + "："):
        return False
    indent = geometry.indent_ch(after[0].box, after[0].page)
    return settings.indent_min_ch <= indent <= settings.indent_max_ch


def _separated(text: str, previous: Row, following: str, geometry: BodyGeometry, settings: LayoutSettings) -> str:
    """What joins an addressee row (reading `following`) to the one before: nothing, or a separator where the
    row before was broken on purpose (it ends well short of the right edge) and its separator was lost (a
    small mark at a line's end is what the recogniser drops first): addressees are broken between names,
    after a separator, `、` or `，` as the names on both sides say (`patterns.lost_separator`). Never before
    an opening bracket: it annotates the name it follows (`各县` | `（市、区）教育局`,
    GB/T 15834 4.9), which a typesetter keeping 禁则 leaves at the line's end."""
    if not text or text[-1] in "，,、；;：:" or not patterns.is_cjk(text[-1]) or following.startswith(("（", "(")):
        return ""
    if geometry.right_gap_ch(previous.box, previous.page) < settings.short_line_ch:
        return ""
    return patterns.lost_separator(text, following)


def _title_zone(rows: Sequence[Row]) -> float:
    """Bottom (px) of the zone where the header's rules may stand: the upper half of the page's rows."""
    if not rows:
        return 0.0
    return (min(row.box.y0 for row in rows) + max(row.box.y1 for row in rows)) / 2


def read_header(rows: Sequence[Row], issuer: Sequence[OcrLine], geometry: BodyGeometry,
                settings: LayoutSettings = DEFAULT_SETTINGS) -> Header:
    """Header blocks of page 1 in reading order, from its rows (issuer fragments already taken out)."""
    scale = geometry.scale
    # Rules the detector read as dashes are no text; above the title they only stand in the way.
    rows = [row for row in rows if not (row.box.y1 <= _title_zone(rows) and is_rule_row(row, scale))]
    blocks: list[Block] = []
    index = 0
    if issuer:
        mark_top = min(ln.box.y0 for ln in issuer)
        above = [row for row in rows if row.box.cy < mark_top]
        blocks += _marker_blocks(above, scale, settings)
        for text in issuer_rows(issuer, scale, settings):
            blocks.append(Block(BlockType.ISSUER_MARK, text, lines=tuple(issuer)))
        index = len(above)
    else:
        while index < len(rows) and patterns.is_marker(rows[index].text):
            blocks += _marker_blocks([rows[index]], scale, settings)
            index += 1
    limit, under_mark = index + DOC_NUMBER_MAX_ROWS, len(blocks)
    while index < min(limit, len(rows)):
        found = _doc_number_blocks(rows[index], scale, settings)
        if found is None:
            if any(b.type is BlockType.DOC_NUMBER for b in blocks):
                break
            if not issuer or _is_centred(rows[index], geometry, settings):
                break
            blocks.append(_block(BlockType.OTHER, clean_text(rows[index].text), [rows[index]]))
        else:
            blocks += found
        index += 1
    # Letter format: the marks stand in a column left of the doc number; the column is read first.
    below = blocks[under_mark:]
    blocks[under_mark:] = [b for b in below if b.type is BlockType.MARKER] + [
        b for b in below if b.type is not BlockType.MARKER]
    title, used = read_title(rows[index:], geometry, settings)
    if title is not None:
        blocks.append(title)
        index += used
    addressee, used = read_addressee(rows[index:], geometry, settings)
    if addressee is not None:
        blocks.append(addressee)
        index += used
    return Header(tuple(blocks), tuple(rows[index:]))
