"""The 印发 line of the 版记 when a 1-bit scan broke its date."""

from __future__ import annotations

import pytest

from layout import patterns


@pytest.mark.parametrize(
    ("text", "by", "iso"),
    [("重庆市渝北区卫生健康委员会办公室 2024年5月7日印发", "重庆市渝北区卫生健康委员会办公室", "2024-05-07"),
     ("重庆市渝北区卫生健康委员会办公室 2024年5月7日1印发", "重庆市渝北区卫生健康委员会办公室", "2024-05-07"),
     ("成都市人民政府办公厅 2024年8月271印发", "成都市人民政府办公厅", None),
     ("浙江省教育厅办公室 二〇二四年三月十九日l印发", "浙江省教育厅办公室", "2024-03-19"),
     ("成都市人民政府办公厅　2024年 8月 27日 印发", "成都市人民政府办公厅", "2024-08-27")],
)
def test_printed_lines(text: str, by: str, iso: str | None) -> None:
    assert patterns.split_printed(text) == (by, iso)


@pytest.mark.parametrize("text", ["现将2024年工作要点印发", "经市政府同意，于2024年5月印发", "2024年5月7日印发",
                                  "各单位要在2024年5月7日前印发通知"])
def test_not_printed_lines(text: str) -> None:
    assert not patterns.is_printed(text)
