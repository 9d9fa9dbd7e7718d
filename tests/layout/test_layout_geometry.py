"""Body scale and text-block edges from synthetic line geometry."""

from __future__ import annotations

import pytest
from layout_typeset import CH, LEFT, LINE_H, PITCH, RIGHT, TOP, ocr_line

from layout.geometry import Scale, find_edge, measure_frames, measure_scale, page_char_widths, text_units
from layout.model import Box


def test_text_units_count_ascii_as_half() -> None:
    assert text_units("公文ab 12") == 4.0


def test_scale_is_the_median_body_line() -> None:
    lines = [ocr_line("正文内容" * 7, LEFT, TOP + i * PITCH) for i in range(10)]
    lines.append(ocr_line("重庆市渝北区卫生健康委员会文件", 200, 60, ch=80, h=90, red=0.9))
    lines.append(ocr_line("关于某某事项的通知", 300, 150, ch=44, h=48))
    scale = measure_scale(lines)
    assert scale.char_width == pytest.approx(CH)
    assert scale.line_height == pytest.approx(LINE_H)


@pytest.mark.parametrize("offset", [0.0, -24.0, 31.0])
@pytest.mark.parametrize("slope", [0.0, 0.004, -0.006])
def test_edges_follow_page_offset_and_skew_residue(offset: float, slope: float) -> None:
    scale = Scale(LINE_H, CH)
    boxes = []
    for i in range(20):
        y = TOP + i * PITCH
        indent = 2 * CH if i % 4 == 0 else 0.0  # first lines of paragraphs
        end = RIGHT - (7 * CH if i % 4 == 3 else 0.0)  # last lines end short
        dx = offset + slope * (y + LINE_H / 2)
        boxes.append(Box(LEFT + indent + dx, y, end + dx, y + LINE_H))
    boxes.append(Box(40, 500, 100, 530))  # a stray speck far left
    geometry = measure_frames({1: boxes}, scale)
    for y in (TOP, 900.0, 1400.0):
        expected_left = LEFT + offset + slope * y
        assert geometry.frame(1).left.at(y) == pytest.approx(expected_left, abs=3)
        assert geometry.frame(1).right.at(y) == pytest.approx(RIGHT + offset + slope * y, abs=3)


def test_sparse_page_borrows_edges_from_same_parity() -> None:
    scale = Scale(LINE_H, CH)
    full = [Box(LEFT, TOP + i * PITCH, RIGHT, TOP + i * PITCH + LINE_H) for i in range(10)]
    shifted = [Box(b.x0 - 24, b.y0, b.x1 - 24, b.y1) for b in full]
    sparse = [Box(700, 300, 1000, 336)]
    geometry = measure_frames({1: full, 2: shifted, 3: full, 4: sparse}, scale)
    assert geometry.frame(4).left.at(0) == pytest.approx(LEFT - 24)
    assert geometry.indent_ch(Box(LEFT - 24 + 2 * CH, 0, 900, 30), 4) == pytest.approx(2)


def test_no_supported_cluster_gives_none() -> None:
    assert find_edge([(100.0, 0.0)], Scale(LINE_H, CH), leftmost=True) is None


def test_page_of_indented_one_line_paragraphs_borrows_the_documents_width() -> None:
    scale = Scale(LINE_H, CH)
    full = [Box(LEFT, TOP + i * PITCH, RIGHT, TOP + i * PITCH + LINE_H) for i in range(12)]
    # Page 2: every line an indented one-line paragraph ending short; nothing starts at the true edge.
    items = [Box(LEFT - 24 + 2 * CH, TOP + i * PITCH, RIGHT - 24 - (3 + i % 5) * CH, TOP + i * PITCH + LINE_H)
             for i in range(8)]
    items.append(Box(LEFT - 24 + 2 * CH, TOP + 9 * PITCH, RIGHT - 24, TOP + 9 * PITCH + LINE_H))  # one full line
    geometry = measure_frames({1: full, 2: items}, scale)
    assert geometry.indent_ch(items[0], 2) == pytest.approx(2, abs=0.1)


def _body_page(page: int, factor: float, dx: float, rows: int = 12) -> tuple[list[Box], list]:
    """A page of full lines and indented first lines, printed at `factor` times the document's scale
    (a photo whose sheet was not squared) and offset by `dx`: its boxes and OCR lines."""
    boxes, lines = [], []
    for i in range(rows):
        y = (TOP + i * PITCH) * factor
        indent = 2 * CH if i % 4 == 0 else 0.0
        end = RIGHT - (6 * CH if i % 4 == 3 else 0.0)
        x0, x1 = dx + (LEFT + indent) * factor, dx + end * factor
        boxes.append(Box(x0, y, x1, y + LINE_H * factor))
        lines.append(ocr_line("正" * round((x1 - x0) / (CH * factor)), x0, y, page=page, ch=CH * factor,
                              h=LINE_H * factor))
    return boxes, lines


@pytest.mark.parametrize("factor", [0.55, 0.8, 1.25])
def test_a_page_at_another_scale_is_measured_in_its_own_characters(factor: float) -> None:
    """Page 2 captured at another scale: its full lines end on its right edge, its first lines are indented
    two of its own characters, and its frame is its own (not borrowed for a width that disagrees in px)."""
    pages = {1: _body_page(1, 1.0, 0.0), 2: _body_page(2, factor, 37.0), 3: _body_page(3, 1.0, -20.0)}
    scale = measure_scale([ln for _, lines in pages.values() for ln in lines])
    widths = page_char_widths({p: lines for p, (_, lines) in pages.items()}, scale)
    assert set(widths) == {2}
    assert widths[2] == pytest.approx(CH * factor, rel=0.02)
    geometry = measure_frames({p: boxes for p, (boxes, _) in pages.items()}, scale, char_widths=widths)
    boxes = pages[2][0]
    assert geometry.indent_ch(boxes[0], 2) == pytest.approx(2.0, abs=0.1)
    assert geometry.indent_ch(boxes[1], 2) == pytest.approx(0.0, abs=0.1)
    assert geometry.right_gap_ch(boxes[1], 2) == pytest.approx(0.0, abs=0.1)
    assert geometry.right_gap_ch(boxes[3], 2) == pytest.approx(6.0, abs=0.1)


def test_pages_at_one_scale_keep_the_documents_character_width() -> None:
    """Flat scans: small differences between pages (OCR box jitter) are not another scale."""
    pages = {1: _body_page(1, 1.0, 0.0), 2: _body_page(2, 1.03, 0.0), 3: _body_page(3, 0.97, 0.0)}
    scale = measure_scale([ln for _, lines in pages.values() for ln in lines])
    assert page_char_widths({p: lines for p, (_, lines) in pages.items()}, scale) == {}


def test_a_first_page_of_large_lines_keeps_the_documents_character_width() -> None:
    """Page 1 of a flat scan: a mark line, a three-line title 1.6 body line heights tall and 1.5 body
    characters a character, and two addressee rows; more large lines than body ones, so not another scale
    (the median of its lines is the title's)."""
    first = [ocr_line("湖北省人力资源和社会保障厅", LEFT, TOP, ch=CH * 1.8, h=LINE_H * 2.2)]
    first += [ocr_line("湖北省教育厅湖北省财政厅湖北省人", LEFT + CH, TOP + (3 + 2 * i) * PITCH, ch=CH * 1.5,
                       h=LINE_H * 1.6) for i in range(3)]
    first += [ocr_line("各市、州、直管市、神农架林区教育局、", LEFT, TOP + 10 * PITCH),
              ocr_line("财政局、人力资源和社会保障局：", LEFT, TOP + 11 * PITCH)]
    pages = {1: first, 2: _body_page(2, 1.0, 0.0)[1], 3: _body_page(3, 1.0, 0.0)[1]}
    scale = measure_scale([ln for lines in pages.values() for ln in lines])
    assert page_char_widths(pages, scale) == {}


def test_a_sparse_page_borrows_only_from_a_page_at_its_scale() -> None:
    """Page 3 (a short last page, captured at another scale like page 2) borrows page 2's frame, not page 1's."""
    pages = {1: _body_page(1, 1.0, 0.0), 2: _body_page(2, 0.6, 300.0), 3: _body_page(3, 0.6, 300.0, rows=1)}
    scale = measure_scale([ln for _, lines in pages.values() for ln in lines])
    widths = page_char_widths({p: lines for p, (_, lines) in pages.items()}, scale)
    geometry = measure_frames({p: boxes for p, (boxes, _) in pages.items()}, scale, char_widths=widths)
    first = pages[3][0][0]
    assert geometry.indent_ch(first, 3) == pytest.approx(2.0, abs=0.1)


def test_a_sparse_page_does_not_borrow_edges_that_would_push_its_flush_lines_out() -> None:
    """Page 1 (the header page: a title, an addressee, three body lines) borrows edges. Its same-parity
    lender, a short last page, found its edges on two indented 抄送 rows (its one flush line could not make
    an edge): 0.75 characters in on the left, 0.5 short on the right. Borrowed and shifted to page 1's full
    lines, they start 1.25 characters right of the text block, and page 1's flush addressee line would read
    as an outdent. Page 2's edges hold page 1's lines: those are taken."""
    scale = Scale(LINE_H, CH)
    full = [Box(LEFT, TOP + i * PITCH, RIGHT, TOP + i * PITCH + LINE_H) for i in range(14)]
    last = [Box(LEFT, TOP, RIGHT, TOP + LINE_H)]  # the last paragraph's one full line
    last += [Box(LEFT + 0.75 * CH, TOP + i * PITCH, RIGHT - 0.5 * CH, TOP + i * PITCH + LINE_H) for i in (6, 7)]
    # page 1's body-sized rows (the title is larger): the doc number, the addressee, the first body line
    header = [Box(LEFT + 9 * CH, TOP, RIGHT - 9 * CH, TOP + LINE_H),
              Box(LEFT, TOP + 5 * PITCH, RIGHT, TOP + 5 * PITCH + LINE_H),
              Box(LEFT + 2 * CH, TOP + 7 * PITCH, RIGHT, TOP + 7 * PITCH + LINE_H)]
    geometry = measure_frames({1: header, 2: full, 3: last}, scale)
    assert geometry.frame(3).left.at(0) == pytest.approx(LEFT + 0.75 * CH)  # the lender's own (wrong) edge
    assert geometry.indent_ch(header[1], 1) == pytest.approx(0.0, abs=0.05)
    assert geometry.indent_ch(header[2], 1) == pytest.approx(2.0, abs=0.05)


def test_a_borrowed_frame_must_also_hold_the_pages_taller_rows() -> None:
    """The header page's body-sized rows are only its doc number and the indented first body line; its
    addressee, read a little taller than the body, is not used to find edges but is a row of the page:
    the lender whose edges would put it left of the text block is passed over."""
    scale = Scale(LINE_H, CH)
    full = [Box(LEFT, TOP + i * PITCH, RIGHT, TOP + i * PITCH + LINE_H) for i in range(14)]
    last = [Box(LEFT, TOP, RIGHT, TOP + LINE_H)]
    last += [Box(LEFT + 0.75 * CH, TOP + i * PITCH, RIGHT - 0.5 * CH, TOP + i * PITCH + LINE_H) for i in (6, 7)]
    body = [Box(LEFT + 9 * CH, TOP, RIGHT - 9 * CH, TOP + LINE_H),
            Box(LEFT + 2 * CH, TOP + 7 * PITCH, RIGHT, TOP + 7 * PITCH + LINE_H)]
    addressee = Box(LEFT, TOP + 5 * PITCH, RIGHT, TOP + 5 * PITCH + 1.2 * LINE_H)
    geometry = measure_frames({1: body, 2: full, 3: last}, scale, all_boxes_by_page={1: [*body, addressee]})
    assert geometry.indent_ch(addressee, 1) == pytest.approx(0.0, abs=0.05)
    assert geometry.indent_ch(body[1], 1) == pytest.approx(2.0, abs=0.05)
    without = measure_frames({1: body, 2: full, 3: last}, scale)  # the body rows alone cannot tell
    assert without.indent_ch(addressee, 1) == pytest.approx(-1.25, abs=0.05)


def test_a_last_page_of_signature_date_and_contacts_keeps_the_documents_width() -> None:
    """Its few lines are short (a signature and date letter-spaced a fifth wider over a seal, three contact
    lines of 7–12 characters): their widths say nothing of the body's scale, whatever their median."""
    pages = {1: _body_page(1, 1.0, 0.0)}
    wide = 1.2 * CH
    last = [ocr_line("江苏省教师培训中心", RIGHT - 13 * CH, TOP, page=2, ch=wide),
            ocr_line("二〇二四年六月五日", RIGHT - 14 * CH, TOP + PITCH, page=2, ch=wide),
            ocr_line("联系人：周晓梅", LEFT, TOP + 2 * PITCH, page=2, ch=wide),
            ocr_line("联系电话：025-83758291", LEFT, TOP + 3 * PITCH, page=2, ch=wide),
            ocr_line("电子邮箱：pxzx_js@163.com", LEFT, TOP + 4 * PITCH, page=2, ch=wide)]
    lines = {1: pages[1][1], 2: last}
    scale = measure_scale([ln for group in lines.values() for ln in group])
    assert page_char_widths(lines, scale) == {}


@pytest.mark.parametrize("rows", [5, 8])
def test_a_line_whose_box_a_speck_widened_into_the_margin_is_no_edge(rows: int) -> None:
    """A short last page (its own rows only, nothing to borrow from that fits): one line's box starts two
    characters into the margin (a speck read before it, `·步设计…`); the text block's edge is the others'."""
    scale = Scale(LINE_H, CH)
    lines = [Box(LEFT, TOP + i * PITCH, RIGHT, TOP + i * PITCH + LINE_H) for i in range(rows)]
    lines[1] = Box(LEFT - 2 * CH, lines[1].y0, RIGHT, lines[1].y1)
    geometry = measure_frames({1: lines}, scale)
    assert geometry.frame(1).left.at(TOP) == pytest.approx(LEFT, abs=3)


def test_several_lines_out_of_the_frame_still_reject_it() -> None:
    """Two of six long lines outside a frame shared by four: it is no text block's (a stack of centred lines)."""
    scale = Scale(LINE_H, CH)
    lines = [Box(LEFT + 4 * CH, TOP + i * PITCH, RIGHT, TOP + i * PITCH + LINE_H) for i in range(4)]
    lines += [Box(LEFT, TOP + i * PITCH, RIGHT, TOP + i * PITCH + LINE_H) for i in range(4, 6)]
    assert measure_frames({1: lines}, scale).frame(1).left.at(TOP) == pytest.approx(LEFT, abs=3)


def test_an_edge_is_its_own_lines_not_the_indented_ones_chained_on_to_it() -> None:
    """A grey scan's page 2 (x0, centre y of each body row; 46.2 px characters): eight flush-left lines at
    222–227, two a little in (240, 267) and the paragraphs' first lines two characters in (296–323). The x
    positions chain, each within the clustering tolerance of the next, into one cluster two characters wide;
    a line fitted through all of it leans from 266 to 249. The edge is where the flush-left lines stand."""
    scale = Scale(49.3, 46.2)
    points = [(222, 408), (224, 1568), (224, 1836), (224, 1926), (225, 497), (225, 855), (225, 1301), (227, 766),
              (240, 1657), (267, 1479), (296, 587), (300, 676), (300, 1033), (300, 1746), (302, 317), (303, 1212),
              (322, 1123), (323, 1391)]
    edge = find_edge([(float(x), float(y)) for x, y in points], scale, leftmost=True)
    assert edge is not None
    for y in (300.0, 1200.0, 2000.0):
        assert edge.at(y) == pytest.approx(224, abs=4)
