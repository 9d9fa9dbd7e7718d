"""Fragments → rows, seal text, page furniture."""

from __future__ import annotations

import pytest
from layout_typeset import CH, LEFT, LINE_H, PITCH, TOP, H, W, make_page, ocr_line

from layout.geometry import Scale
from layout.lines import (
    Row,
    clean_text,
    is_reread_inside,
    is_seal_text,
    merge_rows,
    remove_furniture,
    split_wide_gaps,
    tilt_degrees,
)
from layout.model import Box, OcrLine, Page, Seal

SCALE = Scale(LINE_H, CH)


def test_fragments_on_one_baseline_merge_left_to_right() -> None:
    y = TOP
    parts = [ocr_line("年度医疗", LEFT + 10 * CH, y + 3), ocr_line("全区基层", LEFT, y), ocr_line("设备", LEFT + 16 * CH, y - 2)]
    below = ocr_line("下一行", LEFT, y + PITCH)
    rows = merge_rows([below, *parts], SCALE)
    assert [row.text for row in rows] == ["全区基层年度医疗设备", "下一行"]


@pytest.mark.parametrize(
    ("left", "right", "gap_ch", "expected"),
    [
        ("采购", "CT设备", 2.0, "采购CT设备"),  # CJK seam: never a space
        ("PaddleOCR", "3.7", 2.0, "PaddleOCR 3.7"),  # two Latin/digit runs: one space
        ("PP-", "OCRv6", 0.1, "PP-OCRv6"),  # touching fragments: no space
        ("2024", "年", 1.8, "2024年"),
    ],
)
def test_gap_inside_a_line_is_a_space_only_between_latin_runs(left: str, right: str, gap_ch: float,
                                                               expected: str) -> None:
    a = ocr_line(left, LEFT, TOP)
    b = ocr_line(right, a.box.x1 + gap_ch * CH, TOP)
    assert merge_rows([a, b], SCALE)[0].text == expected


def test_two_overlapping_readings_of_one_line_join_with_their_repeat_kept_once() -> None:
    """The page's look read `重庆市渝北区卫`, a second look under the seal `渝北区卫生健康委员` a little higher,
    overlapping it by the four characters both read (v3 seed_002 gray)."""
    first = ocr_line("重庆市渝北区卫", LEFT + 10 * CH, TOP + 4)
    second = ocr_line("渝北区卫生健康委员", LEFT + 13 * CH, TOP - 3, h=LINE_H + 10)
    rows = merge_rows([second, first], SCALE)
    assert [row.text for row in rows] == ["重庆市渝北区卫生健康委员"]


def test_overlapping_lines_that_repeat_nothing_stay_apart() -> None:
    first = ocr_line("重庆市渝北区卫", LEFT + 10 * CH, TOP)
    other = ocr_line("卫生健康委员会", LEFT + 12 * CH, TOP + 8)  # one character in common: chance, not a repeat
    assert len(merge_rows([first, other], SCALE)) == 2
    wide = ocr_line("渝北区卫生健康委员", LEFT + 10.5 * CH, TOP)  # overlaps far more than its repeat
    assert len(merge_rows([first, wide], SCALE)) == 2


@pytest.mark.parametrize(("dy", "overlap_ch", "one_row"),
                         [(0.0, 0.7, True),  # the cut fell on 人: both boxes took a piece of it
                          (0.0, 1.6, False),  # more than the character at the cut: two lines
                          (0.4 * LINE_H, 0.7, False)])  # another baseline: a seal's text across it
def test_one_line_read_in_two_boxes_overlapping_at_the_cut_is_one_row(dy: float, overlap_ch: float,
                                                                      one_row: bool) -> None:
    """`宁陵县` | `民政府`, a 1-bit signature the detector cut in two boxes that share the lost 人 (0.55 of a
    character apart in overlap): tops and feet on one baseline, they are one printed line."""
    first = ocr_line("宁陵县", LEFT + 10 * CH, TOP, width=3.2 * CH)
    second = ocr_line("民政府", first.box.x1 - overlap_ch * CH, TOP + dy, width=4 * CH)
    rows = merge_rows([first, second], SCALE)
    assert ([row.text for row in rows] == ["宁陵县民政府"]) is one_row


def test_letter_spaced_characters_merge_into_one_row() -> None:
    chars = [ocr_line(c, 200 + i * 110, 80, ch=80, h=90, red=0.9) for i, c in enumerate("某某市人民政府文件")]
    rows = merge_rows(chars, Scale(90, 80))
    assert [row.text for row in rows] == ["某某市人民政府文件"]


def test_wide_gaps_split_items() -> None:
    a = ocr_line("渝北卫健函〔2024〕117号", LEFT, TOP)
    b = ocr_line("签发人：张三", a.box.x1 + 4 * CH, TOP)
    row = Row(1, (a, b), "")
    assert [piece.text for piece in split_wide_gaps(row, SCALE)] == ["渝北卫健函〔2024〕117号", "签发人：张三"]


def _page_with(extra: list[OcrLine], number: int = 1) -> dict[int, list[Row]]:
    body = [ocr_line("正文" * 14, LEFT, TOP + i * PITCH, page=number) for i in range(5)]
    return {number: merge_rows(body + extra, SCALE)}


@pytest.mark.parametrize("label", ["— 1 —", "－1－", "-1-", "1", "·1·", "- 12 -", "一 3 一", "第2页", "-2÷", "- 2 - .", "#2一",
                                   ":2:"])
def test_page_numbers_in_every_form_are_removed(label: str) -> None:
    rows = _page_with([ocr_line(label, 900, 1550)])
    kept = remove_furniture(rows, {1: H})
    assert [row.text for row in kept[1]] == ["正文" * 14] * 5


def test_a_number_inside_the_body_is_kept() -> None:
    rows = _page_with([ocr_line("1", LEFT, TOP + 2.5 * PITCH)])
    kept = remove_furniture(rows, {1: H})
    assert "1" in [row.text for row in kept[1]]


def test_running_heads_repeated_across_pages_are_removed() -> None:
    rows: dict[int, list[Row]] = {}
    for number in (1, 2, 3):
        head = [ocr_line(f"渝北区卫生健康委员会 第{number}期", LEFT, 100, page=number)] if number > 1 else []
        rows.update(_page_with(head, number))
    kept = remove_furniture(rows, {1: H, 2: H, 3: H})
    assert all(len(kept[n]) == 5 for n in (1, 2, 3))


def test_unique_text_in_the_margin_is_kept() -> None:
    rows = _page_with([ocr_line("抄送：区人大代工委。", LEFT, 1600)])
    rows.update(_page_with([], 2))
    kept = remove_furniture(rows, {1: H, 2: H})
    assert len(kept[1]) == 6


def _poly(line: OcrLine, degrees: float) -> OcrLine:
    import math
    b = line.box
    dy = math.tan(math.radians(degrees)) * b.width
    polygon = ((b.x0, b.y0), (b.x1, b.y0 + dy), (b.x1, b.y1 + dy), (b.x0, b.y1))
    return OcrLine(line.text, b, line.score, line.page, line.red, polygon)


@pytest.mark.parametrize(
    ("text", "red", "tilt", "in_seal", "expected"),
    [
        ("重庆市渝北区卫生", 0.9, 30.0, True, True),  # ring text, bent
        ("★", 0.8, 0.0, True, True),  # the star
        ("5001120012345", 0.95, 0.0, False, True),  # the seal's code number, red
        ("东南苗族侗族自治州财政", 0.6, 0.0, True, False),  # real OCR: a signature read through the seal
        ("重庆市渝北区卫生健康委员会", 0.3, 0.0, True, False),  # signature under the seal: black strokes
        ("2024年5月15日", 0.25, 0.0, True, False),  # date under the seal
        ("正文内容", 0.0, 0.0, False, False),
    ],
)
def test_seal_text_is_told_from_text_under_the_seal(text: str, red: float, tilt: float, in_seal: bool,
                                                     expected: bool) -> None:
    line = _poly(ocr_line(text, 700, 1200, red=red), tilt)
    seals = (Seal(1, Box(650, 1050, 1000, 1400)),) if in_seal else ()
    page = Page(1, W, H, (line,), seals=seals)
    assert is_seal_text(line, page) is expected


def test_tilt_of_a_level_polygon_is_zero() -> None:
    assert tilt_degrees(_poly(ocr_line("正文", 0, 0), 0)) == pytest.approx(0)
    assert tilt_degrees(_poly(ocr_line("正文", 0, 0), -20)) == pytest.approx(20)


def test_clean_text_uses_full_width_punctuation_and_drops_cjk_spaces() -> None:
    assert clean_text("陈邦友代表:") == "陈邦友代表："
    assert clean_text("江 苏 省 人民政府 (试行)") == "江苏省人民政府（试行）"
    assert clean_text("PaddleOCR 3.7 版本") == "PaddleOCR 3.7版本"


def test_make_page_helper_keeps_lines() -> None:
    assert len(make_page(1, [ocr_line("正文", LEFT, TOP)]).lines) == 1


def test_tilted_ring_text_on_a_grey_scan_is_seal_text() -> None:
    ring = _poly(ocr_line("重庆市渝北区卫生", 700, 1200), 35)
    level = ocr_line("重庆市渝北区卫生健康委员会", 600, 1300)
    page = Page(1, W, H, (ring, level))
    assert is_seal_text(ring, page) and not is_seal_text(level, page)


@pytest.mark.parametrize(
    ("text", "score", "expected"),
    [
        ("NA", 0.35, True),  # real OCR, grey scan: the seal's star read as letters between signature and date
        ("K", 0.9, True),  # letters, however confident: no body's name or date is written so
        ("福", 0.3, True),  # a stroke of the ring text, poorly read
        ("日", 0.99, False),  # the end of the date, cut off by the seal: kept
        ("17", 0.4, False),  # a piece of the date under the seal: digits stay
        ("国务院", 0.3, False),  # a whole (short) name under the seal
    ],
)
def test_short_stray_readings_inside_a_seal_are_seal_ink(text: str, score: float, expected: bool) -> None:
    from layout.lines import is_seal_speck

    seal = Box(650, 1050, 1000, 1400)
    line = ocr_line(text, 800, 1230, score=score)
    page = Page(1, W, H, (line,), seals=(Seal(1, seal, found_by="shape"),))
    assert is_seal_speck(line, seal) is expected
    assert is_seal_text(line, page) is expected
    outside = ocr_line(text, 200, 1230, score=score)  # the same reading away from any seal is text
    assert not is_seal_text(outside, Page(1, W, H, (outside,), seals=(Seal(1, seal, found_by="shape"),)))


def _in_seal_page(line: OcrLine, seal: Box) -> Page:
    body = [ocr_line("正文内容正文内容正文内容", LEFT, TOP + i * PITCH) for i in range(5)]
    return Page(1, W, H, (*body, line), seals=(Seal(1, seal, found_by="shape"),))


@pytest.mark.parametrize(
    ("text", "x0", "y0", "height_lines", "expected"),
    [
        ("公司", 890, 1080, 2.2, True),  # real OCR, 1-bit scan: read across the ring, 2.2 line heights high
        ("公司", 890, 1080, 1.0, False),  # a short reading one line high (a piece of the signature) stays
        ("郑州", 760, 1190, 1.7, False),  # real OCR, 1-bit scan: a piece of the signature in the seal's middle,
                                          # its box made tall by the seal's ink, stays
    ],
)
def test_a_short_reading_taller_than_a_printed_line_out_on_a_seals_ring_is_seal_ink(
        text: str, x0: float, y0: float, height_lines: float, expected: bool) -> None:
    seal = Box(650, 1050, 1000, 1400)  # centre (825, 1225), radius 175
    line = ocr_line(text, x0, y0, score=0.99, h=height_lines * LINE_H)
    assert is_seal_text(line, _in_seal_page(line, seal)) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30690:148", True),  # real OCR, 1-bit scan: the code with a digit broken into `:`
        ("3311878366463", True),
        ("2024年5月", False),  # a date keeps its 年月日
        ("17日", False),  # a date's piece
        ("+14", True),  # real OCR, 1-bit scan: the ring's ink by a note; no date reads +
        ("(1)", True),
    ],
)
def test_the_seal_code_on_the_lower_ring_is_seal_text_even_with_broken_digits(text: str, expected: bool) -> None:
    seal = Box(650, 1050, 1000, 1400)  # centre (825, 1225), radius 175
    line = ocr_line(text, 760, 1330, width=130, h=LINE_H)  # below the centre, 0.6–0.95 of the radius out
    assert is_seal_text(line, _in_seal_page(line, seal)) is expected


def test_a_tall_short_reading_in_one_seals_middle_stays_though_it_lies_on_the_next_seals_ring() -> None:
    # real OCR, gray scan of a joint issue: `省财`, a piece of the middle body's signature, in a box the
    # seal's ink made tall, lies in its own seal's middle and on the ring of the seal to its left
    left, middle = Box(650, 1050, 1000, 1400), Box(842, 1050, 1192, 1400)  # centres 1.1 radii apart
    line = ocr_line("省财", 930, 1200, score=0.99, h=2.0 * LINE_H)
    body = [ocr_line("正文内容正文内容正文内容", LEFT, TOP + i * PITCH) for i in range(5)]
    page = Page(1, W, H, (*body, line), seals=(Seal(1, left, found_by="shape"), Seal(1, middle, found_by="shape")))
    assert not is_seal_text(line, page)
    alone = Page(1, W, H, (*body, line), seals=(Seal(1, left, found_by="shape"),))
    assert is_seal_text(line, alone)


def _overlapping(upper_text: str, lower_text: str, overlap: float, *, in_upper_half: bool = True) -> bool:
    """Is `upper_text`, boxed over `lower_text` sharing `overlap` of its height, in a seal's upper half, seal text?"""
    lower = ocr_line(lower_text, 300.0, 500.0, ch=CH)
    upper = ocr_line(upper_text, 330.0, 500.0 - LINE_H * (1 - overlap), ch=CH)
    cy = 520.0 if in_upper_half else 400.0
    seal = Seal(1, Box(250.0, cy - 160.0, 570.0, cy + 160.0), "", "shape")
    page = Page(1, 1240, 1754, (upper, lower), seals=(seal,))
    return is_seal_text(upper, page)


@pytest.mark.parametrize(("upper", "lower", "overlap", "ring"), [
    ("厦宁市财政", "国家税务总局宁波市税务局", 0.4, True),  # the ring's name read level over the signature
    ("厦宁市财政", "国家税务总局宁波市税务局", 0.0, False),  # apart: two lines
    ("厦宁市财政", "国家税务总局宁波市税务局", 0.9, False),  # one line read twice
    ("宁波市财政局", "国家税务总", 0.4, False),  # a body's name over a piece: the signature
    ("总局宁波市财政局", "国家税务总局宁波市税务局", 0.4, True),  # two bodies' names never overlap: the upper is the ring's
    ("总局宁沪市财政局", "国家税务总局宁波市税务局", 0.18, True),  # real OCR, grey: a fifth of a line shared
    ("总局宁沪市财政局", "国家税务总局宁波市税务局", 0.08, False),  # boxes a few pixels into each other: two lines
    ("厦宁市财政", "2022年12月20日", 0.4, False),  # over a date whose box reached up
])
def test_a_reading_overlapping_a_line_below_it_in_a_seals_upper_half_is_the_rings_text(
        upper: str, lower: str, overlap: float, ring: bool) -> None:
    assert _overlapping(upper, lower, overlap) is ring


def test_a_reading_overlapping_a_line_below_it_under_a_seals_middle_is_not_taken_for_ring_text() -> None:
    assert not _overlapping("厦宁市财政", "国家税务总局宁波市税务局", 0.4, in_upper_half=False)


def test_a_piece_of_a_line_read_again_inside_its_box_is_that_line() -> None:
    """`日` read again (0.57) from ink under a ring, inside the box of the date the second look read whole: a
    piece of the date, not a line of its own (grey dev v59: a paragraph `日` after the date)."""
    date = ocr_line("2024年5月7日", 967, 1335, h=107.0, width=348.0)
    piece = ocr_line("日", 1254, 1339, h=29.0, score=0.57)
    assert is_reread_inside(piece, date)
    assert not is_reread_inside(date, piece)
    assert not is_reread_inside(ocr_line("月", 1254, 1339, h=29.0), ocr_line("2024年5月7日", 967, 1400, h=40.0))  # below it
    assert not is_reread_inside(ocr_line("公", 1254, 1339, h=29.0), date)  # not its text: the ring's
