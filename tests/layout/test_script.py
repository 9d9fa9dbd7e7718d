from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from layout import build_document, render_text
from layout.model import Box, OcrLine, Page
from layout.repair import repair_text
from layout.script import count_script_evidence, to_simplified, unify_page_script, unify_text_script

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("推廣新技術", "推广新技术"),
        ("關於加強管理的通知", "关于加强管理的通知"),
        ("著名的乾隆年間", "著名的乾隆年间"),  # 著 and 乾 are simplified forms too: kept
        ("於先生", "於先生"),  # 於 has two simplified readings (于, and the surname 於): left alone…
        ("由於於是", "由于于是"),  # …except as the preposition
        ("CT、DR設備2024年", "CT、DR设备2024年"),
    ],
)
def test_to_simplified(text: str, expected: str) -> None:
    assert to_simplified(text) == expected


def test_evidence_counts_only_script_specific_characters() -> None:
    assert count_script_evidence(["这个国家", "的是了"]) == (3, 0)
    assert count_script_evidence(["這個國家"]) == (0, 3)


def test_a_mostly_simplified_text_is_unified() -> None:
    assert unify_text_script("我们要加强管理，推廣先进经验。") == "我们要加强管理，推广先进经验。"


def test_a_traditional_text_is_left_alone() -> None:
    text = "我們要加強管理，推廣先進經驗。"
    assert unify_text_script(text) == text


def _page(*texts: str) -> Page:
    lines = tuple(
        OcrLine(text, Box(165, 300 + 58 * i, 165 + 33 * len(text), 333 + 58 * i), page=1)
        for i, text in enumerate(texts)
    )
    return Page(1, 1240, 1754, lines)


def test_pages_are_unified_over_the_whole_document() -> None:
    # the second line alone is traditional-looking; the document as a whole is simplified
    (page,) = unify_page_script([_page("这是我们区卫生健康委员会的复函", "關於推廣")])
    assert [line.text for line in page.lines] == ["这是我们区卫生健康委员会的复函", "关于推广"]


def test_build_document_reads_stray_traditional_characters_as_simplified() -> None:
    doc = build_document([_page("这是我们区卫生健康委员会的复函，我们将推廣先进经验。")])
    assert "推广" in render_text(doc) and "推廣" not in render_text(doc)


def test_repair_text_reads_stray_traditional_characters_as_simplified() -> None:
    doc = repair_text("这是我们区卫生健康委员会的复函，我们将推廣先进经验。\n")
    assert "推广先进经验" in render_text(doc)


def test_the_committed_table_is_generated_from_opencc() -> None:
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "make_script_table.py"), "--check"], check=False)
    assert done.returncode == 0, "layout/script_table.py is stale: run scripts/make_script_table.py"
