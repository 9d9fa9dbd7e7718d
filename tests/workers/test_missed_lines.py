"""Lines the page's detector missed are found again from the ink no detected box covers
(`workers.ocr.missedlines`), on a rendered page read by the real models."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from layout.model import Box, OcrLine, Page
from workers.image.seals import SealRegion
from workers.ocr.engine import RecordedEngine, get_engine
from workers.ocr.missedlines import continues, is_new_reading, missed_lines, near_a_seal, uncovered_clusters
from workers.settings import load_settings

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def read_page(make_page: Any) -> tuple[np.ndarray, Any, list[OcrLine]]:
    page, layout = make_page(dpi=200, body_rows=6, title=None, max_chars=14, seal=None)
    lines = get_engine(load_settings()).recognise(np.ascontiguousarray(page), 1)
    return page, layout, lines


def _on(line: OcrLine, box: tuple[int, int, int, int]) -> bool:
    return box[1] <= line.box.cy <= box[3]


def test_a_line_the_detector_missed_is_read_again_from_its_ink(read_page: Any) -> None:
    page, layout, lines = read_page
    target = layout.body_lines[2]
    seen = [line for line in lines if _on(line, target)]
    assert len(seen) == 1
    without = [line for line in lines if line is not seen[0]]  # as if the detector had not found it
    found = missed_lines(without, page, [], get_engine(load_settings()), 1)
    assert [line.text for line in found] == [seen[0].text]
    assert abs(found[0].box.cy - seen[0].box.cy) < seen[0].box.height / 2


def test_a_page_whose_lines_were_all_found_reads_nothing_again(read_page: Any) -> None:
    page, _, lines = read_page
    height = float(np.median([line.box.height for line in lines]))
    assert uncovered_clusters(page, lines, [], height) == []
    assert missed_lines(lines, page, [], get_engine(load_settings()), 1) == []


def test_ink_inside_a_seal_is_left_to_the_seals_own_second_look(read_page: Any) -> None:
    page, layout, lines = read_page
    target = layout.body_lines[2]
    without = [line for line in lines if not _on(line, target)]
    x0, y0, x1, y1 = target
    seal = SealRegion(Box(x0 - 10.0, y0 - 10.0, x1 + 10.0, y1 + 10.0), np.zeros((0, 1, 2), np.int32), "shape")
    height = float(np.median([line.box.height for line in lines]))
    assert uncovered_clusters(page, without, [seal], height) == []


def test_specks_and_rules_are_no_lines() -> None:
    page = np.full((800, 600, 3), 245, np.uint8)
    page[100:103, 50:550] = 20  # a rule: a line of ink one stroke high
    rng = np.random.default_rng(1)
    for x, y in rng.integers(50, 550, size=(40, 2)):
        page[y:y + 2, x:x + 2] = 30  # dust
    line = OcrLine("某某", Box(50, 600, 150, 640), 0.99, 1)
    assert uncovered_clusters(page, [line], [], 40.0) == []


def test_ink_near_a_seal_is_left_to_the_seals_second_look() -> None:
    seal = SealRegion(Box(900, 600, 1200, 900), np.zeros((0, 1, 2), np.int32), "shape")
    assert near_a_seal(Box(300, 840, 895, 880), [seal], 40.0)  # runs into it: the signature block
    assert near_a_seal(Box(1205, 700, 1290, 740), [seal], 40.0)  # a signature's end out past the ring
    assert not near_a_seal(Box(300, 400, 850, 440), [seal], 40.0)  # rows above, clear of it


def test_only_a_confident_reading_of_characters_not_yet_read_is_new() -> None:
    box = Box(100, 100, 500, 140)
    assert is_new_reading(OcrLine("联系人：王海涛", box, 0.95, 1), [])
    assert not is_new_reading(OcrLine("联系人：王海涛", box, 0.6, 1), [])  # unsure: a speck misread
    assert not is_new_reading(OcrLine("一", box, 0.99, 1), [])  # one character: a stroke end
    assert not is_new_reading(OcrLine("--·", box, 0.99, 1), [])  # no character
    assert not is_new_reading(OcrLine("联系人：王海涛", box, 0.95, 1), [OcrLine("联系人", Box(90, 95, 480, 145), 1.0, 1)])


def test_a_replay_of_recorded_pages_detects_nothing_on_a_crop(read_page: Any) -> None:
    """`RecordedEngine` returns the page's recorded lines whatever image it gets: read as a crop's, they would
    come back moved, as new lines. Only an engine that reads the image it is given is asked."""
    page, layout, lines = read_page
    without = [line for line in lines if not _on(line, layout.body_lines[2])]
    replay = RecordedEngine([Page(1, page.shape[1], page.shape[0], tuple(lines))])
    assert missed_lines(without, page, [], replay, 1) == []


def test_ink_beside_a_detected_line_on_its_row_is_that_line_going_on() -> None:
    mark = Box(200, 370, 900, 510)  # 呼和浩特市机关: the box cut the next character
    assert continues(Box(905, 380, 1420, 515), mark, 44.0)  # 关事务管理局文件: read with it, not again
    assert not continues(Box(1000, 380, 1420, 515), mark, 44.0)  # more than a line height away
    assert not continues(Box(300, 640, 1030, 690), mark, 44.0)  # another row


def _letter_spaced_mark_page() -> tuple[np.ndarray, list[OcrLine], Box]:
    """A grey page with a tall, condensed, letter-spaced mark (3.4 body line heights, a character's width
    apart) that no detected box covers, and body lines that are all covered."""
    from PIL import Image, ImageDraw

    from fixtures.corpus.fonts import font

    image = Image.new("L", (1654, 1200), 240)
    draw = ImageDraw.Draw(image)
    face = font("serif_bold", 150)
    x = 200.0
    for ch in "洛阳市人民政府办公室文件":
        glyph = Image.new("L", (150, 170), 0)
        ImageDraw.Draw(glyph).text((0, 0), ch, font=face, fill=255)
        glyph = glyph.resize((90, 170))  # condensed: tall and narrow
        image.paste(Image.new("L", glyph.size, 110), (int(x), 350), glyph)
        x += 90 + 16
    body = font("uming", 44)
    lines = []
    for row in range(4):
        y = 700 + row * 80
        text = "为进一步加强城镇老旧小区改造工作的组织领导现将有关事项通知如下"[: 24 - row]
        draw.text((200, y), text, font=body, fill=20)
        lines.append(OcrLine(text, Box(195.0, y - 2.0, 200.0 + 44 * len(text), y + 46.0)))
    mark = Box(200.0, 350.0, x - 16, 520.0)
    return np.array(image.convert("RGB"))[:, :, ::-1].copy(), lines, mark


def test_a_letter_spaced_mark_is_one_line_of_ink_and_reads_whole() -> None:
    """Real models: each far-apart character is a cluster of its own; its row is one line, and read whole."""
    page, lines, mark = _letter_spaced_mark_page()
    clusters = uncovered_clusters(page, lines, [], 48.0)
    assert len(clusters) == 1
    assert clusters[0].x0 <= mark.x0 + 5 and clusters[0].x1 >= mark.x1 - 5
    found = missed_lines(lines, page, [], get_engine(load_settings()), 1)
    assert [line.text for line in found] == ["洛阳市人民政府办公室文件"]
