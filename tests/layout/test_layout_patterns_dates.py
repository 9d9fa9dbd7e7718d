"""Patterns added for the layout rules (layout/patterns.py is shared; these cover the additions)."""

from __future__ import annotations

import pytest

from layout import patterns


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("8024年5月15日", ("8024", 5, 15)),
        ("2 0 2 A年5月15日", None),  # not digits
        ("2024年5月15日", None),  # plausible: not misread
        ("1024年13月1日", None),  # no such month
        ("会议于8024年5月15日召开", None),  # not a whole line
    ],
)
def test_misread_date_line(text: str, expected: tuple[str, int, int] | None) -> None:
    assert patterns.misread_date_line(text) == expected


@pytest.mark.parametrize(
    ("text", "iso"),
    [("二0二四年五月十五日", "2024-05-15"), ("二０二四年五月十五日", "2024-05-15"), ("二〇二四年五月十五日", "2024-05-15"),
     ("二O二四年十二月三十一日", "2024-12-31")],
)
def test_chinese_date_with_zero_read_as_a_digit(text: str, iso: str) -> None:
    assert patterns.find_date(text) == iso
    assert patterns.is_date_line(text)
