from __future__ import annotations

import pytest

from layout.lines import clean_text
from layout.patterns import restore_digit_dashes


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("实施2024一2026年中期规划", "实施2024—2026年中期规划"),
        ("1一6月，全市共", "1—6月，全市共"),
        ("联系电话：0874 一 312167", "联系电话：0874—312167"),
        ("第一季度完成一半", "第一季度完成一半"),  # the numeral 一 among CJK stays
        ("共3个一级指标", "共3个一级指标"),  # a digit on one side only: stays
        ("E4-2-3/03地块", "E4-2-3/03地块"),  # ASCII hyphens are the document's own
    ],
)
def test_restore_digit_dashes(text: str, expected: str) -> None:
    assert restore_digit_dashes(text) == expected


def test_clean_text_restores_a_dash_read_as_yi() -> None:
    assert clean_text("2024 一 2026年") == "2024—2026年"
