"""Renderings: clean text, Markdown, JSON dict."""

from __future__ import annotations

import pytest

from layout import document_to_dict, render_markdown, render_text
from layout.model import Block, BlockType, Box, Document, Fields, OcrLine
from layout.render import escape_markdown_line


def _doc() -> Document:
    line = OcrLine("正文", Box(1, 2, 3, 4), 0.987654, page=2)
    return Document(
        blocks=(
            Block(BlockType.ISSUER_MARK, "某某市人民政府文件"),
            Block(BlockType.DOC_NUMBER, "某府发〔2024〕3号"),
            Block(BlockType.TITLE, "关于某某事项的通知"),
            Block(BlockType.HEADING, "一、总体目标", level=1),
            Block(BlockType.HEADING, "（一）分层培训", level=2),
            Block(BlockType.HEADING, "1.面向全体教师", level=3),
            Block(BlockType.PARAGRAPH, "正文", lines=(line,)),
            Block(BlockType.ATTACHMENT, "2.名额分配表"),
            Block(BlockType.PRINTED, "某某市人民政府办公室 2024年5月15日印发"),
        ),
        fields=Fields(title="关于某某事项的通知", cc=("甲", "乙")),
    )


def test_text_is_one_block_per_line() -> None:
    text = render_text(_doc())
    assert text.endswith("\n") and len(text.splitlines()) == 9
    assert render_text(Document()) == ""


def test_markdown() -> None:
    md = render_markdown(_doc())
    assert md.split("\n\n")[:6] == ["某某市人民政府文件", "某府发〔2024〕3号", "# 关于某某事项的通知", "## 一、总体目标",
                                    "### （一）分层培训", "1\\.面向全体教师"]
    assert "\n\n2\\.名额分配表\n\n" in md


@pytest.mark.parametrize(("text", "expected"), [("1.面向", "1\\.面向"), ("# x", "\\# x"), ("（1）x", "（1）x")])
def test_markdown_escapes_line_starts(text: str, expected: str) -> None:
    assert escape_markdown_line(text) == expected


def test_json_dict() -> None:
    data = document_to_dict(_doc())
    assert data["fields"]["cc"] == ["甲", "乙"] and data["fields"]["date"] is None
    block = data["blocks"][6]
    assert block == {"type": "paragraph", "level": None, "text": "正文", "pages": [2],
                     "lines": [{"page": 2, "bbox": [1, 2, 3, 4], "text": "正文", "score": 0.9877}]}
    assert data["text"] == render_text(_doc())
