"""Second look: red mark ink the detector missed is found and read; lines under a seal and the mark are read
again and the better reading kept; an engine with nothing to say changes nothing."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

import layout
from layout.model import Box, OcrLine
from workers.image.ingest import open_document
from workers.image.redink import red_mask
from workers.image.seals import find_seals, remove_seal_ink
from workers.ocr.engine import get_engine
from workers.ocr.secondlook import (
    COVER_PAD_MH,
    choose_reading,
    read_seals,
    second_look,
    trim_seam_repeat,
    uncovered_mark_ink,
)
from workers.pipeline import convert_file
from workers.settings import load_settings

TITLE = "重庆市渝北区卫生健康委员会文件"
SAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "samples" / "sample_reply.pdf"


class ScriptedEngine:
    """Reads every crop as the next scripted (text, score); remembers the crops' shapes."""

    def __init__(self, readings: Sequence[tuple[str, float]]) -> None:
        self.readings = list(readings)
        self.shapes: list[tuple[int, ...]] = []

    def recognise(self, image: np.ndarray, page: int) -> list[OcrLine]:
        raise AssertionError("the second look only recognises crops")

    def recognise_crops(self, crops: Sequence[np.ndarray]) -> list[tuple[str, float]]:
        self.shapes += [crop.shape for crop in crops]
        return [self.readings[i % len(self.readings)] for i in range(len(crops))]


def _title_part(layout: Any, chars: int) -> Box:
    """The box of the title's first `chars` characters (the title is drawn evenly spaced)."""
    x0, y0, x1, y1 = layout.title
    return Box(float(x0), float(y0), x0 + (x1 - x0) * chars / len(TITLE), float(y1))


def _body_lines(layout: Any, page: int = 1) -> list[OcrLine]:
    return [OcrLine("坚持基药主导全面落实", Box(*(float(v) for v in box)), 0.99, page, red=0.0)
            for box in layout.body_lines[:6]]


def test_red_mark_ink_no_box_covers_is_found(make_page: Any) -> None:
    page, layout = make_page(dpi=200, body_rows=6, seal=None)
    seen = OcrLine(TITLE[:13], _title_part(layout, 13), 0.99, 1, red=1.0)
    boxes = uncovered_mark_ink([seen], [seen, *_body_lines(layout)], red_mask(page))
    assert len(boxes) == 1  # 文件 as one run; the red rule under the mark is no character
    missing = _title_part(layout, len(TITLE))
    assert abs(boxes[0].x1 - missing.x1) < 6 and abs(boxes[0].x0 - seen.box.x1) < 0.6 * seen.box.height
    assert boxes[0].y0 >= missing.y0 - 6 and boxes[0].y1 <= missing.y1 + 6
    whole = OcrLine(TITLE, _title_part(layout, len(TITLE)), 0.99, 1, red=1.0)
    assert uncovered_mark_ink([whole], [whole, *_body_lines(layout)], red_mask(page)) == []


def test_missed_mark_ink_joins_the_page_only_when_read_confidently(make_page: Any) -> None:
    page, layout = make_page(dpi=200, body_rows=6, seal=None)
    mark = OcrLine(TITLE[:13], _title_part(layout, 13), 0.99, 1, red=1.0)
    lines = [mark, *_body_lines(layout)]
    mask = red_mask(page)
    kwargs: dict[str, Any] = {"page": 1, "image": page, "ocr_image": page, "red_mask": mask, "seals": []}

    confident = second_look(lines, engine=ScriptedEngine([("文件", 0.97)]), **kwargs)
    assert [ln.text for ln in confident[:len(lines)]] == [ln.text for ln in lines]  # 0.97 < 0.99: kept
    added = confident[len(lines):]
    assert [ln.text for ln in added] == ["文件"] and added[0].red > 0.8 and added[0].page == 1
    assert len(added[0].polygon) == 4

    unsure = second_look(lines, engine=ScriptedEngine([("文件", 0.3)]), **kwargs)
    assert unsure == lines
    silent = second_look(lines, engine=ScriptedEngine([("", 0.0)]), **kwargs)
    assert silent == lines


def test_lines_under_a_seal_are_read_again_in_three_views(make_page: Any) -> None:
    page, layout = make_page(dpi=150, body_rows=6, seal="ring")
    seals = find_seals(red_mask(page))
    assert seals
    lifted = remove_seal_ink(page, seals)
    lines = [OcrLine("坚持基药主导全面落实", Box(*(float(v) for v in box)), 0.99, 1) for box in layout.body_lines]
    under = len(lines) - 1
    lines[under] = OcrLine("重庆市渝北区卫生健康委", Box(*(float(v) for v in layout.seal_line)), 0.62, 1)
    engine = ScriptedEngine([("重庆市渝北区卫生健康委员会", 0.98)])

    result = second_look(lines, page=1, image=page, ocr_image=lifted, red_mask=red_mask(page), seals=seals,
                         engine=engine, body_line_height=layout.seal_line[3] - layout.seal_line[1])

    assert result[under].text == "重庆市渝北区卫生健康委员会" and result[under].score == 0.98
    assert result[under].box == lines[under].box
    assert result[:under] == lines[:under]  # read again too (some lie in the seal) but read better before
    # three views of each line under the seal, scaled up from 150 dpi to the recogniser's line height
    assert len(engine.shapes) == 3 and all(shape[0] >= 48 for shape in engine.shapes)


def test_a_page_without_red_is_not_looked_at(make_page: Any) -> None:
    page, layout = make_page(dpi=200, title=None, body_rows=6, seal=None)
    lines = _body_lines(layout)
    engine = ScriptedEngine([("x", 1.0)])
    assert second_look(lines, page=1, image=page, ocr_image=page, red_mask=red_mask(page), seals=[],
                       engine=engine) == lines
    assert engine.shapes == []


@pytest.mark.slow
def test_the_real_recogniser_reads_the_missed_file_word(make_page: Any) -> None:
    page, layout = make_page(dpi=200, body_rows=6, seal=None)
    mark = OcrLine(TITLE[:13], _title_part(layout, 13), 0.99, 1, red=1.0)
    lines = [mark, *_body_lines(layout)]
    engine = get_engine(load_settings())
    result = second_look(lines, page=1, image=page, ocr_image=page, red_mask=red_mask(page), seals=[],
                         engine=engine)
    assert [ln.text for ln in result[len(lines):]] == ["文件"]


def test_each_seal_is_reported_with_its_name_only_when_read_confidently(make_page: Any) -> None:
    page, _ = make_page(dpi=150, body_rows=6, seal="ring")
    seals = find_seals(red_mask(page))
    assert len(seals) == 1
    sure = read_seals(page, seals, ScriptedEngine([("重庆市渝北区卫生健康委员会", 0.93)]))
    assert sure == [(seals[0].box, "重庆市渝北区卫生健康委员会", "colour")]
    assert read_seals(page, seals, ScriptedEngine([("重庆", 0.2)])) == [(seals[0].box, "", "colour")]
    assert read_seals(page, [], ScriptedEngine([("x", 1.0)])) == []


@pytest.mark.slow
def test_the_sample_signature_and_date_under_the_seal_are_read(tmp_path: Path) -> None:
    """Page 3 of the committed sample: a seal stamped over both lines hid them from the detector."""
    settings = load_settings()
    with open_document(SAMPLE, settings=settings) as source:
        last = list(source.iter_pages())[-1]
    path = tmp_path / "page-3.png"
    cv2.imwrite(str(path), last)
    result = convert_file(path, settings=settings)
    fields = result.document.fields
    assert fields.signature == ("重庆市渝北区卫生健康委员会",) and fields.date == "2024-05-15"
    (seal,) = result.document.seals
    assert seal.text == "重庆市渝北区卫生健康委员会"
    text = layout.render_text(result.document)
    assert text.count("重庆市渝北区卫生健康委员会") == 2  # the signature and the 印发 line, not the ring
    assert result.timings["second_look_s"] > 0


@pytest.mark.parametrize(("readings", "chosen"), [
    # the lifted view lost the thin 〇 and is the most confident; the other views agree on it
    ([("二〇二四年十二月十日", 0.981), ("二〇二四年十二月十日", 0.98), ("二二四年十二月十日", 0.9998),
      ("二〇二四年十二月十日", 0.97)], ("二〇二四年十二月十日", 0.981)),
    # all differ: the most confident
    ([("教有局", 0.97), ("教育局", 0.9994), ("教冶局", 0.971)], ("教育局", 0.9994)),
    # two against two: the pair with the more confident reading
    ([("8024年", 0.997), ("2024年", 1.0), ("2024年", 0.99), ("8024年", 0.99)], ("2024年", 1.0)),
    # a whole date outvotes broken ones: the printed view lost the 日 the lifted one kept (1-bit, v55 dev)
    ([("2024年4月14日", 0.96), ("2024年4月14", 1.0), ("2024年4月14", 1.0)], ("2024年4月14日", 0.96)),
    ([("二〇二三年二月八日", 0.99), ("二〇二三年二月从日", 0.89), ("二〇二三年二月从日", 0.89)],
     ("二〇二三年二月八日", 0.99)),
    # a date that lost only its ends (its year the document restores) outvotes one garbled inside: the
    # printed views of a box two lines tall read the ring's arc into it (grey, v59 dev)
    ([("024年5月7日", 1.0), ("21年5月714公", 0.77), ("024年65月7日公", 0.68), ("024年65月7日公", 0.68)],
     ("024年5月7日", 1.0)),
    # two against two: the reading holding the other's characters in order kept what the other lost
    ([("2022年1月20日", 1.0), ("2022年1月20日", 0.95), ("2022年12月20日", 1.0), ("2022年12月20日", 1.0)],
     ("2022年12月20日", 1.0)),
    ([("中共临海委", 0.98), ("中共临海委", 0.86), ("中共临海市委", 0.94), ("中共临海市委", 0.94)], ("中共临海市委", 0.94)),
    # ...but not against a majority: a character more read in one view is a stroke the ring added
    ([("二〇一九年十二月九日", 0.97), ("二〇一一九年十二月九日", 0.92), ("二〇一九年十二月九日", 0.92),
      ("二〇一九年十二月九日", 0.92)], ("二〇一九年十二月九日", 0.97)),
])
def test_the_reading_most_views_agree_on_is_kept(readings: list[tuple[str, float]],
                                                 chosen: tuple[str, float]) -> None:
    assert choose_reading(readings) == chosen


@pytest.mark.parametrize("mark_h", [90.0, 147.0, 60.0])
def test_a_character_the_box_edge_cut_is_read_once(mark_h: float) -> None:
    """Uncovered mark ink that runs up to a detected line's grown box was cut by it: the character both
    read at the seam counts once; ink ending at a white gap keeps its reading (市 beside 市场…)."""
    seen = OcrLine("关事务管理局文件", Box(800.0, 550.0, 1440.0, 550.0 + mark_h), 0.99, 1)
    cut_at = seen.box.x0 - COVER_PAD_MH * mark_h
    cut = Box(240.0, 550.0, cut_at, 550.0 + mark_h)
    assert trim_seam_repeat("呼和浩特市机关", cut, [seen]) == "呼和浩特市机"
    clean = Box(240.0, 550.0, cut_at - 0.2 * mark_h, 550.0 + mark_h)
    assert trim_seam_repeat("呼和浩特市机关", clean, [seen]) == "呼和浩特市机关"
    assert trim_seam_repeat("呼和浩特市机构", cut, [seen]) == "呼和浩特市机构"  # not the same character
    before = OcrLine("呼和浩特市机关", Box(240.0, 550.0, 786.0, 550.0 + mark_h), 0.99, 1)
    after = Box(before.box.x1 + COVER_PAD_MH * mark_h, 550.0, 1440.0, 550.0 + mark_h)
    assert trim_seam_repeat("关事务管理局文件", after, [before]) == "事务管理局文件"
    lower = Box(240.0, 550.0 + 2 * mark_h, cut_at, 550.0 + 3 * mark_h)  # a stacked line, not the same row
    assert trim_seam_repeat("呼和浩特市机关", lower, [seen]) == "呼和浩特市机关"
