"""A line's box without the dust beside its ends (workers.image.specks): a speck a character before the first
character, read as a mark or as nothing, leaves the box and the text; the line's own small marks (a stop, a
colon, a quote), letter-spaced characters and the thinnest characters stay. At 100–300 dpi, grey and 1-bit."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw

from fixtures.corpus.fonts import font
from layout.model import Box, OcrLine
from workers.image.specks import trim_speck_ends, trimmed

BOX_PAD = 0.25
"""The detector's box reaches about this many em around the ink."""
SPECK_EM = 0.08
"""A dot of dust: this many em across (a few pixels)."""


def _line(text: str, dpi: int, *, bits: int, speck_em: float | None = None, right_speck_em: float | None = None,
          spacing_em: float = 0.0, more_specks_em: tuple[float, ...] = ()) -> tuple[np.ndarray, Box, float]:
    """`text` printed in 16 pt on paper (BGR), with a speck `speck_em` before its first character's cell (and
    `right_speck_em` after its last); the box the detector would give it, specks included; the em in px."""
    px = round(16 / 72 * dpi)
    face = font("uming", px)
    image = Image.new("L", (int(px * (len(text) * (1 + spacing_em) + 8)), 3 * px), 245)
    draw = ImageDraw.Draw(image)
    x = 4.0 * px
    for ch in text:
        draw.text((x, px), ch, font=face, fill=20)
        x += draw.textlength(ch, font=face) + spacing_em * px
    gray = np.array(image)
    ys, xs = np.nonzero(gray < 128)
    ink_x0, ink_x1 = xs.min(), xs.max()
    r = max(1, round(SPECK_EM * px / 2))
    cy = int(1.5 * px)
    for em in ((speck_em,) if speck_em is not None else ()) + more_specks_em:
        cv2.circle(gray, (int(ink_x0 - em * px), cy), r, 20, -1)
    if right_speck_em is not None:
        cv2.circle(gray, (int(ink_x1 + right_speck_em * px), cy), r, 20, -1)
    gray = cv2.GaussianBlur(gray, (0, 0), 0.6 * dpi / 200)
    if bits == 1:
        gray = np.where(gray < 128, 0, 255).astype(np.uint8)
    ys, xs = np.nonzero(gray < 128)
    pad = BOX_PAD * px
    return cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR), Box(xs.min() - pad, ys.min() - pad, xs.max() + pad,
                                                       ys.max() + pad), float(px)


TEXT = "路进行评估，拟于2024年10月起将线路发车间隔由高峰期15"


@pytest.mark.parametrize("bits", [8, 1], ids=["gray", "1-bit"])
@pytest.mark.parametrize("dpi", [100, 200, 300])
@pytest.mark.parametrize(("read", "speck_em"), [("·" + TEXT, 1.0), (":" + TEXT, 0.6), (TEXT, 1.2)])
def test_a_speck_before_the_first_character_leaves_the_box_and_the_text(dpi: int, bits: int, read: str,
                                                                        speck_em: float) -> None:
    image, box, em = _line(TEXT, dpi, bits=bits, speck_em=speck_em)
    clean_image, clean_box, _ = _line(TEXT, dpi, bits=bits)
    line = trimmed(OcrLine(read, box), image)
    assert line.text == TEXT
    assert abs(line.box.x0 - clean_box.x0) <= 0.15 * em, (line.box, clean_box)
    assert line.box.x1 == box.x1
    assert trimmed(OcrLine(TEXT, clean_box), clean_image) == OcrLine(TEXT, clean_box)


@pytest.mark.parametrize("bits", [8, 1], ids=["gray", "1-bit"])
@pytest.mark.parametrize("dpi", [100, 200])
def test_a_speck_after_the_last_character_leaves_the_box(dpi: int, bits: int) -> None:
    text = "我局已指导广州市第二公共汽车公司对现有3条接驳线"
    image, box, em = _line(text, dpi, bits=bits, right_speck_em=0.8)
    _, clean_box, _ = _line(text, dpi, bits=bits)
    line = trimmed(OcrLine(text, box), image)
    assert abs(line.box.x1 - clean_box.x1) <= 0.15 * em and line.box.x0 == box.x0


@pytest.mark.parametrize("bits", [8, 1], ids=["gray", "1-bit"])
@pytest.mark.parametrize("dpi", [100, 200, 300])
@pytest.mark.parametrize(("text", "spacing_em"), [("白云区人民政府：", 0.0),  # a colon ends the addressee
                                                  ("收悉。经研究，现函复如下：", 0.0),
                                                  ("“放心消费在洛阳”创建活动。", 0.0),  # quotes and a stop
                                                  ("一、关于新建公交首末站", 0.0),  # the thinnest character first
                                                  ("小型微利企业", 0.0),  # a dot apart in the first character
                                                  ("：赵志宏，联系电话：", 0.0),  # a cut line's piece
                                                  ("重庆市渝北区", 1.5)])  # letter-spaced over a seal
def test_the_lines_own_small_marks_and_spaced_characters_stay(dpi: int, bits: int, text: str,
                                                              spacing_em: float) -> None:
    image, box, em = _line(text, dpi, bits=bits, spacing_em=spacing_em)
    line = trimmed(OcrLine(text, box), image)
    assert line.text == text
    assert abs(line.box.x0 - box.x0) <= 0.15 * em and line.box.x1 == box.x1, (line.box, box)


def test_every_line_of_a_page_is_trimmed_and_blank_boxes_are_left_alone() -> None:
    image, box, _ = _line(TEXT, 200, bits=8, speck_em=1.0)
    blank = Box(box.x0, box.y1 + 5, box.x1, box.y1 + 40)
    out = trim_speck_ends(image, [OcrLine("·" + TEXT, box), OcrLine(TEXT, blank), OcrLine("", box)])
    assert out[0].text == TEXT and out[0].box.x0 > box.x0
    assert out[1] == OcrLine(TEXT, blank) and out[2] == OcrLine("", box)


def test_a_line_under_a_seal_is_left_as_read() -> None:
    """Lifting a seal's ink leaves the signature's characters in pieces: no speck is told there."""
    image, box, _ = _line(TEXT, 200, bits=8, speck_em=1.0)
    seal = Box(box.x0 - 50, box.y0 - 80, box.x0 + 200, box.y1 + 80)
    assert trim_speck_ends(image, [OcrLine("·" + TEXT, box)], [seal]) == [OcrLine("·" + TEXT, box)]
    assert trim_speck_ends(image, [OcrLine("·" + TEXT, box)], [Box(0, box.y1 + 10, 100, box.y1 + 90)])[0].text == TEXT


@pytest.mark.parametrize("bits", [8, 1], ids=["gray", "1-bit"])
@pytest.mark.parametrize(("read", "trimmed_ch"), [("二、" + TEXT, False),  # 二 and 、 as dots: the line's own
                                                  ("·" + TEXT, True)])  # one of the two dots read as a mark
def test_more_dots_before_a_line_than_the_reading_allows_are_its_own_characters(bits: int, read: str,
                                                                                trimmed_ch: bool) -> None:
    """A 1-bit threshold that erases thin horizontals leaves `二、` as dots (real OCR, dev v64 gov_07: the
    lines of 二、 and 三、 moved two characters in, read as new paragraphs): two dot runs where the reading has
    no mark for the first are its characters; the recogniser reading one as `·` makes both specks."""
    image, box, em = _line(TEXT, 200, bits=bits, speck_em=0.6, more_specks_em=(1.4,))
    line = trimmed(OcrLine(read, box), image)
    assert bool(line.box.x0 > box.x0 + em) is trimmed_ch
    assert line.text == (TEXT if trimmed_ch else read)
