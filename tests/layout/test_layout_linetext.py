"""layout.linetext: a block's clean text cut back onto its lines."""

from __future__ import annotations

import pytest

from layout.linetext import split_block_text, split_text
from layout.model import Block, BlockType, Box, OcrLine


@pytest.mark.parametrize(("text", "parts", "expected"), [
    ("渝北卫健函〔2024〕117号", ["渝北卫健函【2024】", "117号"], ["渝北卫健函〔2024〕", "117号"]),  # brackets normalised
    ("关于做好工作的通知", ["关于 做好", "工作的通知"], ["关于做好", "工作的通知"]),  # a space dropped
    ("全面落实", ["全面", "落实", "— 2 —"], ["全面", "落实", ""]),  # a part the text does not have
    ("abc", ["x", "y", "z"], ["a", "b", "c"]),  # nothing in common: cut in proportion
    ("", ["a"], [""]),
])
def test_pieces_follow_the_lines_and_join_to_the_text(text: str, parts: list[str], expected: list[str]) -> None:
    pieces = split_text(text, parts)
    assert pieces == expected and "".join(pieces) == text


def test_split_block_text_gives_one_piece_per_line() -> None:
    lines = tuple(OcrLine(t, Box(0, i * 40, 500, i * 40 + 30), page=1 + i) for i, t in enumerate(["实施方", "案》"]))
    block = Block(BlockType.PARAGRAPH, "实施方案》", lines=lines)
    assert split_block_text(block) == ["实施方", "案》"]
