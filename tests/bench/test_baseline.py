from __future__ import annotations

import subprocess

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from bench.baseline import PlainPaddleOcr, join_lines
from bench.metrics import char_cer
from workers.settings import load_settings

LINES = ("重庆市渝北区卫生健康委员会文件", "渝北卫健函〔2024〕117号", "关于加强基层医疗机构建设的复函")


def _cjk_font() -> str:
    found = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True, check=True)
    return min(line.split(":")[0] for line in found.stdout.splitlines() if line.strip())


def _page() -> np.ndarray:
    image = Image.new("RGB", (1240, 700), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(_cjk_font(), 44)
    for row, text in enumerate(LINES):
        draw.text((80, 80 + 180 * row), text, font=font, fill="black")
    return np.asarray(image)[:, :, ::-1].copy()  # RGB → BGR, as the product's pages are


@pytest.mark.slow
def test_plain_paddleocr_reads_lines_in_order() -> None:
    ocr = PlainPaddleOcr(load_settings())
    lines = ocr.read_image(_page())
    assert len(lines) == 3
    assert char_cer("\n".join(lines), "\n".join(LINES)) < 0.1


def test_join_lines_one_line_per_ocr_line() -> None:
    pages = [["标题", "正文第一行", " "], ["— 2 —", "第二页"]]
    assert join_lines(pages) == "标题\n正文第一行\n— 2 —\n第二页"
    assert join_lines([]) == ""
