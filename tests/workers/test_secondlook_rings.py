"""Colour-free second look: under a seal found by shape, the printed page is read again for the lines the
first look (of the lifted page) missed; the ring's own text and lines already read are not added."""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np

from layout.model import Box, OcrLine
from workers.image.sealshape import find_ring_seals
from workers.ocr.engine import get_engine
from workers.ocr.secondlook import drop_fragments, missed_under_rings
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
