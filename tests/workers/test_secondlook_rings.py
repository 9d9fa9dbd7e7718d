"""Colour-free second look: under a seal found by shape, the printed page is read again for the lines the
first look (of the lifted page) missed; the ring's own text and lines already read are not added."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import cv2
import numpy as np

from layout.model import Box, OcrLine
from workers.image.seals import SealRegion
from workers.image.sealshape import find_ring_seals
from workers.ocr.engine import get_engine
from workers.ocr.secondlook import drop_fragments, is_ring_arc, missed_under_rings
from workers.settings import load_settings


def _grey_page(make_page: Any) -> tuple[np.ndarray, Any]:
    page, layout = make_page(dpi=200, body_rows=6, title=None, max_chars=12)
    grey = cv2.cvtColor(cv2.cvtColor(page, cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR)  # a grey scan of it
    return grey, layout


def test_a_line_under_a_grey_seal_the_first_look_missed_is_read_from_the_printed_page(make_page: Any) -> None:
    grey, layout = _grey_page(make_page)
    rings = find_ring_seals(grey)
    assert len(rings) == 1
    seal = rings[0].region()
    body_height = float(np.median([y1 - y0 for _, y0, _, y1 in layout.body_lines]))
    engine = get_engine(load_settings())
    found = missed_under_rings([], grey, [seal], engine, 1, body_height)
    x0, y0, x1, y1 = layout.seal_line
    under = [ln for ln in found if y0 - body_height / 2 <= ln.box.cy <= y1 + body_height / 2]
    assert len(under) == 1 and len(under[0].text) >= 8  # the line the seal is stamped over
    assert all(ln.box.cy >= seal.box.cy - 0.5 * seal.box.width / 2 for ln in found)  # nothing from up the ring
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in ln.text) for ln in found)  # no star, no code
    # the same line already read by the first look is not read twice
    seen = OcrLine("已读", Box(float(x0), float(y0), float(x1), float(y1)), 0.9, 1)
    again = missed_under_rings([seen], grey, [seal], engine, 1, body_height)
    assert not any(abs(ln.box.cy - seen.box.cy) < body_height / 2 for ln in again)


def test_pieces_of_a_line_read_whole_again_are_dropped() -> None:
    whole = OcrLine("重庆市渝北区卫生健康委员会", Box(900, 1570, 1460, 1640), 0.94, 2)
    piece = OcrLine("重庆", Box(905, 1575, 1000, 1635), 0.6, 2)
    other = OcrLine("二〇二四年五月七日", Box(940, 1650, 1330, 1730), 0.99, 2)
    assert drop_fragments([piece, other], [whole]) == [other]


class _CropEngine:
    """Reads, on a crop cut from the view marked LIFTED at its top-left pixel, the lines given in page
    pixels (moved into the crop's frame); on any other view nothing."""

    def __init__(self, lines: list[OcrLine], origin: tuple[int, int]) -> None:
        self.lines, self.origin = lines, origin

    def recognise(self, image: np.ndarray, page: int) -> list[OcrLine]:
        if int(image[0, 0, 0]) != LIFTED:
            return []
        x0, y0 = self.origin
        return [OcrLine(ln.text, Box(ln.box.x0 - x0, ln.box.y0 - y0, ln.box.x1 - x0, ln.box.y1 - y0), ln.score, page,
                        polygon=((ln.box.x0 - x0, ln.box.y0 - y0), (ln.box.x1 - x0, ln.box.y0 - y0),
                                 (ln.box.x1 - x0, ln.box.y1 - y0), (ln.box.x0 - x0, ln.box.y1 - y0)))
                for ln in self.lines]

    def recognise_crops(self, crops: Any) -> list[tuple[str, float]]:
        return [("", 0.0) for _ in crops]


LIFTED = 7


def test_a_joint_issues_first_signature_line_high_in_the_seal_is_read_from_the_lifted_crop() -> None:
    """The first signature of a joint issue stands high in the seals (above half the radius), where the ring's
    name runs too; it reaches out past the ring, the name's pieces do not. The whole page's detector missed
    it; the lifted page's crop under the seal shows it."""
    seal = SealRegion(Box(400, 400, 720, 720), np.zeros((0, 1, 2), np.int32), found_by="shape")  # r = 160
    printed = np.full((1200, 1200, 3), 230, np.uint8)
    lifted = printed.copy()
    lifted[:, :] = LIFTED
    high = OcrLine("郑州市市场监督管理局", Box(420, 440, 870, 490), 0.99, 1)  # centre 0.6 r above, past the ring
    arc = OcrLine("场监督", Box(500, 420, 620, 470), 0.9, 1)  # a piece of the ring's name, inside the ring
    origin = (int(seal.box.x0 - 160), int(seal.box.cy - (1 - 0.15) * 160))
    engine = _CropEngine([high, arc], origin)
    found = missed_under_rings([], printed, [seal], engine, 1, 50.0, ocr_image=lifted)
    assert [ln.text for ln in found] == ["郑州市市场监督管理局"]
    assert found[0].box == high.box
    assert missed_under_rings([], printed, [seal], engine, 1, 50.0) == []  # the printed page alone: not seen


def test_a_piece_of_the_rings_name_high_in_the_seal_is_no_signature_even_off_its_arc() -> None:
    """The top of the ring's name (`办公厅` of 国务院办公厅) read level and as far down as the centre is not
    arranged on the ring by its box, but it stays inside the seal: no printed line stands that high there."""
    seal = SealRegion(Box(850, 1342, 1180, 1672), np.zeros((0, 1, 2), np.int32), found_by="shape")  # r = 165
    page = np.full((2339, 1655, 3), LIFTED, np.uint8)
    top = OcrLine("办公厅", Box(959, 1366, 1125, 1438), 1.0, 1)
    origin = (int(seal.box.x0 - 165), int(seal.box.cy - (1 - 0.15) * 165))
    assert missed_under_rings([], page, [seal], _CropEngine([top], origin), 1, 50.0) == []


def test_a_piece_inside_the_whole_line_another_view_read_gives_way_to_it() -> None:
    seal = SealRegion(Box(400, 400, 720, 720), np.zeros((0, 1, 2), np.int32), found_by="shape")
    lifted = np.full((1200, 1200, 3), LIFTED, np.uint8)
    printed = lifted.copy()
    printed[:, :] = PRINTED
    piece, whole = OcrLine("委员会", Box(620, 590, 790, 650), 1.0, 1), OcrLine("郑州市卫圣委员会", Box(410, 585, 792, 652), 0.9, 1)
    origin = (int(seal.box.x0 - 160), int(seal.box.cy - (1 - 0.15) * 160))
    engine = _TwoViewEngine({LIFTED: [piece], PRINTED: [whole]}, origin)
    found = missed_under_rings([], printed, [seal], engine, 1, 50.0, ocr_image=lifted)
    assert [ln.text for ln in found] == ["郑州市卫圣委员会"]


def test_a_box_inside_a_shape_seal_taller_than_the_text_is_the_rings_arc() -> None:
    seal = SealRegion(Box(931, 611, 1265, 945), np.zeros((0, 1, 2), np.int32), found_by="shape")
    arc = OcrLine("省政师司", Box(938, 608, 1263, 761), 0.41, 2)
    signature = OcrLine("江苏省教师培训中心", Box(892, 745, 1294, 806), 1.0, 2)
    assert is_ring_arc(arc, [seal], 60.0)
    assert not is_ring_arc(signature, [seal], 60.0)
    date = OcrLine("2024年9月24日", Box(938, 760, 1263, 900), 0.6, 2)  # a date read as one box with the star
    assert not is_ring_arc(date, [seal], 60.0)
    assert not is_ring_arc(arc, [replace(seal, found_by="colour")], 60.0)  # the colour path keeps its own rules


PRINTED = 9


class _TwoViewEngine(_CropEngine):
    """Reads the given lines (page px) on crops of the view whose top-left pixel is their key."""

    def __init__(self, by_view: dict[int, list[OcrLine]], origin: tuple[int, int]) -> None:
        super().__init__([], origin)
        self.by_view = by_view

    def recognise(self, image: np.ndarray, page: int) -> list[OcrLine]:
        self.lines = self.by_view.get(int(image[0, 0, 0]), [])
        return super().recognise(np.full_like(image, LIFTED), page) if self.lines else []


def test_the_seals_name_read_again_above_the_signature_it_repeats_is_no_missed_line() -> None:
    """v4 gov_01 gray: under the seal of 国务院办公厅 the crop read `国务院办公厅` a line above the signature the
    first look had read: the seal's own name, which is the signature's. A new text there is still taken."""
    seal = SealRegion(Box(915, 1604, 1249, 1938), np.zeros((0, 1, 2), np.int32), found_by="shape")  # r = 167
    page = np.full((2339, 1655, 3), LIFTED, np.uint8)
    signature = OcrLine("国务院办公厅", Box(940, 1728, 1191, 1785), 1.0, 1)
    again = OcrLine("国务院办公厅", Box(973, 1655, 1216, 1724), 0.98, 1)  # 0.49 r above the centre
    origin = (int(seal.box.x0 - 167), int(seal.box.cy - (1 - 0.15) * 167))
    assert missed_under_rings([signature], page, [seal], _CropEngine([again], origin), 1, 50.0) == []
    piece = replace(again, text="务院办公")
    assert missed_under_rings([signature], page, [seal], _CropEngine([piece], origin), 1, 50.0) == []
    other = replace(again, text="国务院办公室秘书局")
    found = missed_under_rings([signature], page, [seal], _CropEngine([other], origin), 1, 50.0)
    assert [ln.text for ln in found] == ["国务院办公室秘书局"]
