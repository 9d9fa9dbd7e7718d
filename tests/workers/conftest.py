"""Fixtures for tests/workers: a small renderer of GB/T 9704-like pages (Pillow + a CJK font).

Tests reach the helpers through the fixtures at the bottom (`make_page`, `turn`, `age`, `page_200dpi`,
`classifier`), never by `import conftest`: tests/ has a conftest.py of its own, and both are "conftest".

`render_page` draws an A4 page at `dpi`: an optional red issuer title with a red rule, `lines` body lines of
`chars` 16 pt characters on the standard 156×225 mm text block, and an optional red seal stamped over the
signature line with *multiply* blending (ink absorbs light: black strokes under the seal stay black).
It returns a BGR uint8 array like the pipeline's pages. The layout is exposed as `PageLayout` so tests can
point at the title, a body line or the line under the seal.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from PIL import Image, ImageChops, ImageDraw, ImageFont

from workers.image.orientation import OrientationClassifier

FONT_PATH = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")
FONT_INDEX_SC = 2  # the .ttc face order is JP, KR, SC, TC, HK: SC is index 2
MM_PER_INCH = 25.4
A4_MM = (210.0, 297.0)
TEXT_LEFT_MM, TEXT_TOP_MM, TEXT_WIDTH_MM, TEXT_HEIGHT_MM = 28.0, 37.0, 156.0, 225.0
BODY_PT = 16.0
TITLE_PT = 26.0
RED = (200, 30, 35)
SEAL_RED = (225, 60, 60)

BODY_TEXT = (
    "坚持基药主导全面落实国家基本药物制度一是加强规范管理印发渝北区基层医疗机构实施基本药物制度补助实施方案"
    "强化基本药物优先配备使用及绩效管理全区基层医疗机构累计采购药品其中基药占比高于市级要求比例建立村卫生室"
    "基本药物由乡镇卫生院统一代采全区所有基层医疗机构全部执行零差率销售加强督导问效建立区镇两级督导考核机制"
    "紧盯药品配备零差率销售账货相符率合理用药等重点环节区卫生健康委每年对基层医疗机构组织考核量化评分考核结果"
)


@dataclass(frozen=True)
class PageLayout:
    """Where things were drawn, in pixels of the upright page (x0, y0, x1, y1)."""

    title: tuple[int, int, int, int] | None
    body_lines: tuple[tuple[int, int, int, int], ...]
    seal_line: tuple[int, int, int, int] | None
    seal_centre: tuple[int, int] | None
    seal_radius: int


def _px(mm: float, dpi: int) -> int:
    return round(mm / MM_PER_INCH * dpi)


def _font(pt: float, dpi: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_PATH), size=round(pt / 72 * dpi), index=FONT_INDEX_SC)


def _draw_seal(
    page: Image.Image, centre: tuple[int, int], radius: int, dpi: int, filled: bool, ink: float
) -> Image.Image:
    """Stamp a seal (ring + star, or a filled disc) with multiply blending; `ink` is its coverage (0..1)."""
    stamp = Image.new("RGB", page.size, "white")
    draw = ImageDraw.Draw(stamp)
    cx, cy = centre
    light = tuple(round(255 - (255 - c) * ink) for c in SEAL_RED)
    if filled:
        draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=light)
    else:
        ring = max(2, _px(1.0, dpi))
        draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), outline=light, width=ring)
        r = radius * 0.35
        star = [(cx + (r if i % 2 == 0 else r * 0.4) * np.sin(i * np.pi / 5),
                 cy - (r if i % 2 == 0 else r * 0.4) * np.cos(i * np.pi / 5)) for i in range(10)]
        draw.polygon(star, fill=light)
    return ImageChops.multiply(page, stamp)


def render_page(
    *,
    dpi: int = 200,
    lines: int = 22,
    chars: int = 28,
    title: str | None = "重庆市渝北区卫生健康委员会文件",
    seal: str | None = "ring",
    offset: int = 0,
    body_rows: int | None = None,
    seal_ink: float = 0.55,
    max_chars: int | None = None,
) -> tuple[np.ndarray, PageLayout]:
    """An upright GB/T 9704-like page as BGR uint8 and where its parts are.

    `seal` is "ring" (ring and star over the last line), "disc" (a filled semi-transparent disc) or None.
    `offset` shifts the body text so pages differ. With `title`, the first four body lines make room for it.
    `body_rows` draws only that many body lines (a sparse last page); `max_chars` cuts every line to that many
    characters (contact lines, a signature block); `seal_ink` is the seal's ink coverage (0.55: a half-dry
    stamp; 0.3: a faint one).
    """
    width, height = _px(A4_MM[0], dpi), _px(A4_MM[1], dpi)
    page = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(page)
    left, top = _px(TEXT_LEFT_MM, dpi), _px(TEXT_TOP_MM, dpi)
    pitch_x = _px(TEXT_WIDTH_MM, dpi) / chars
    pitch_y = _px(TEXT_HEIGHT_MM, dpi) / lines
    body_font = _font(BODY_PT, dpi)
    char_px = body_font.size

    title_box = None
    first = 0
    if title:
        title_font = _font(TITLE_PT, dpi)
        tw = draw.textlength(title, font=title_font)
        tx, ty = (width - tw) / 2, top
        draw.text((tx, ty), title, font=title_font, fill=RED)
        x0, y0, x1, y1 = draw.textbbox((tx, ty), title, font=title_font)
        title_box = (int(x0), int(y0), int(x1), int(y1))
        rule_y = y1 + _px(8, dpi)
        draw.rectangle((left, rule_y, left + _px(TEXT_WIDTH_MM, dpi), rule_y + _px(0.8, dpi)), fill=RED)
        first = 4

    boxes = []
    text_pos = offset
    last = lines if body_rows is None else min(lines, first + body_rows)
    for row in range(first, last):
        y = top + row * pitch_y + (pitch_y - char_px) / 2
        indent = 2 if row % 6 == first % 6 else 0
        count = chars - indent if row % 6 != (first + 5) % 6 else chars // 2  # paragraph ends short
        count = count if max_chars is None else min(count, max_chars)
        for col in range(count):
            ch = BODY_TEXT[(text_pos + col) % len(BODY_TEXT)]
            draw.text((left + (indent + col) * pitch_x, y), ch, font=body_font, fill=(20, 20, 20))
        text_pos += count
        x0 = left + indent * pitch_x
        boxes.append((int(x0), int(y), int(x0 + count * pitch_x), int(y + char_px * 1.15)))

    seal_line = seal_centre = None
    radius = _px(21, dpi)
    if seal and boxes:
        seal_line = boxes[-1]
        seal_centre = ((seal_line[0] + seal_line[2]) // 2, (seal_line[1] + seal_line[3]) // 2)
        page = _draw_seal(page, seal_centre, radius, dpi, filled=seal == "disc", ink=seal_ink)
    layout = PageLayout(title_box, tuple(boxes), seal_line, seal_centre, radius)
    return cv2.cvtColor(np.asarray(page), cv2.COLOR_RGB2BGR), layout


def render_signature_page(*, dpi: int = 200, seal: str | None = "ring", body_rows: int = 0) -> np.ndarray:
    """A last page as GB/T 9704 sets it: `body_rows` body lines, the issuer centred over the date at the
    right, a seal over both, and the note `（此件公开发布）` a line below the date, indented two characters.

    `seal`: "ring" (ring and star), "disc" (filled), "stamped" (the corpus's seal: the issuer's name along
    the upper arc and a code number along the lower one, turned 7.5°), or None."""
    page, _ = render_page(dpi=dpi, title=None, seal=None, body_rows=body_rows, max_chars=20)
    image = Image.fromarray(cv2.cvtColor(page, cv2.COLOR_BGR2RGB))
    draw = ImageDraw.Draw(image)
    font = _font(BODY_PT, dpi)
    pitch_y = _px(TEXT_HEIGHT_MM, dpi) / 22
    right, top = _px(TEXT_LEFT_MM + TEXT_WIDTH_MM, dpi) - 2 * font.size, _px(TEXT_TOP_MM, dpi) + 5 * pitch_y
    date, issuer, note = "二〇二四年五月十七日", "国务院办公厅", "（此件公开发布）"
    date_x = right - draw.textlength(date, font=font)
    issuer_x = date_x + (draw.textlength(date, font=font) - draw.textlength(issuer, font=font)) / 2
    draw.text((issuer_x, top), issuer, font=font, fill=(20, 20, 20))
    draw.text((date_x, top + pitch_y), date, font=font, fill=(20, 20, 20))
    draw.text((_px(TEXT_LEFT_MM, dpi) + 2 * font.size, top + 2 * pitch_y), note, font=font, fill=(20, 20, 20))
    centre = (int(issuer_x + draw.textlength(issuer, font=font) / 2), int(top + pitch_y))
    if seal == "stamped":
        from fixtures.corpus.ops import SealOp
        from fixtures.corpus.seal import stamp

        pixels = np.asarray(image, dtype=np.float32).copy()
        mm = 25.4 / dpi
        # GB/T 9704 7.3.5.1: the seal presses on the date; its ring crosses the date line on both sides
        stamp(pixels, SealOp(cx=centre[0] * mm, cy=(centre[1] + font.size / 2) * mm, diameter=42.0, text=issuer,
                             code="1101000012345", angle=7.5, seed=1, color=(190, 25, 40)), dpi)
        image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    elif seal:
        image = _draw_seal(image, centre, _px(21, dpi), dpi, filled=seal == "disc", ink=0.55)
    return cv2.cvtColor(np.asarray(image), cv2.COLOR_RGB2BGR)


def rotate_by(image: np.ndarray, degrees: float) -> np.ndarray:
    """Rotate counter-clockwise by `degrees` about the centre, same size, white fill (a crooked scan)."""
    h, w = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    return cv2.warpAffine(image, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=(255, 255, 255))


def age_scan(image: np.ndarray, seed: int = 0) -> np.ndarray:
    """Yellowed paper (multiplied in), grey sensor noise (σ = 6) and JPEG at quality 75, like an old scan."""
    paper = np.array([200, 232, 246], dtype=np.float32)  # BGR of yellowed paper
    rng = np.random.default_rng(seed)
    aged = image.astype(np.float32) * paper / 255 + rng.normal(0, 6, image.shape[:2])[..., None]
    aged = np.clip(aged, 0, 255).astype(np.uint8)
    ok, jpeg = cv2.imencode(".jpg", aged, [cv2.IMWRITE_JPEG_QUALITY, 75])
    assert ok
    return cv2.imdecode(jpeg, cv2.IMREAD_COLOR)


@pytest.fixture(scope="session")
def page_200dpi() -> tuple[np.ndarray, PageLayout]:
    """One full page at 200 dpi: red title and rule, 18 body lines, a ring seal over the last line (read-only)."""
    return _cached_page(dpi=200)


RenderPage = Callable[..., tuple[np.ndarray, PageLayout]]


@functools.lru_cache(maxsize=32)
def _cached_page(**kwargs: Any) -> tuple[np.ndarray, PageLayout]:
    page, layout = render_page(**kwargs)
    page.setflags(write=False)  # shared between tests: a test that wants to draw on it must copy it
    return page, layout


@pytest.fixture(scope="session")
def make_page() -> RenderPage:
    """`render_page`, cached: make_page(dpi=150, body_rows=2, seal="disc", ...) → (read-only BGR page, layout)."""
    return _cached_page


@pytest.fixture(scope="session")
def turn() -> Callable[[np.ndarray, float], np.ndarray]:
    """`rotate_by`: turn(image, degrees) rotates counter-clockwise about the centre, white fill."""
    return rotate_by


@pytest.fixture(scope="session")
def age() -> Callable[..., np.ndarray]:
    """`age_scan`: age(image, seed=0) yellows the paper, adds sensor noise and JPEG artefacts."""
    return age_scan


@pytest.fixture(scope="session")
def classifier() -> OrientationClassifier:
    """One direction classifier for the whole session (its ONNX session is per process anyway)."""
    return OrientationClassifier()
