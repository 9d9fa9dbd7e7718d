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
