"""layout.serial: a photographed page's sheet corners survive the recording round trip."""

from __future__ import annotations

from dataclasses import replace

from layout.model import Box, OcrLine, Page
from layout.serial import pages_from_dict, pages_to_dict


def test_page_quad_round_trips_and_is_absent_for_a_scan() -> None:
    first = OcrLine("关于开展检查的通知", Box(10.0, 20.0, 300.0, 60.0), 0.98, 1)
    second = OcrLine("各单位：", Box(10.0, 80.0, 200.0, 120.0), 0.97, 2)
    quad = ((346.4, 389.7), (1732.7, 210.9), (1810.0, 2341.1), (231.3, 2510.2))
    photo = Page(1, 1588, 2245, (first,), page_quad=quad)
    scan = Page(2, 1654, 2339, (second,))
    data = pages_to_dict([photo, scan])
    assert data["pages"][0]["page_quad"] == [list(p) for p in quad]
    assert "page_quad" not in data["pages"][1]
    assert pages_from_dict(data) == (photo, scan)


def test_bilevel_round_trips_and_is_absent_for_other_pages() -> None:
    line = OcrLine("抄送：市委办公室，市政府办公室。", Box(10.0, 20.0, 300.0, 60.0), 0.98, 1)
    pages = (Page(1, 1654, 2339, (line,), bilevel=True), Page(2, 1654, 2339, (replace(line, page=2),)))
    data = pages_to_dict(pages)
    assert data["pages"][0]["bilevel"] is True and "bilevel" not in data["pages"][1]
    assert pages_from_dict(data) == pages
