"""A note in brackets standing alone where the body ends (`（本文有删减）` over the signature, under the
attachment, after the date) is the document's note; a bracketed line inside the body is body text."""

from __future__ import annotations

import pytest
from layout_typeset import CH, LEFT, Typesetter

from layout import build_document, render_text

FILLER = "根据工作安排，现将有关事项通知如下，请各单位结合实际认真贯彻落实，确保各项工作按时完成。"


@pytest.mark.parametrize("note", ["（本文有删减）", "（略）", "（此件公开发布）", "（有删节）"])
@pytest.mark.parametrize("attachment", [None, "附件：授课专家推荐表", "附件：1. 推荐表"])
@pytest.mark.parametrize("note_indent", [0, 2])
def test_a_note_over_the_signature_is_the_note(note: str, attachment: str | None, note_indent: int) -> None:
    ts = Typesetter()
    for _ in range(3):
        ts.paragraph(FILLER)
    if attachment:
        ts.put(attachment, LEFT + 2 * CH)
    ts.put(note, LEFT + note_indent * CH)
    ts.right("江苏省教师培训中心", 5.0)
    ts.right("二〇二四年六月五日", 4.0)
    doc = build_document(ts.finish())
    assert doc.fields.note == note
    assert doc.fields.signature == ("江苏省教师培训中心",)
    assert doc.fields.date == "2024-06-05"
    if attachment:
        assert doc.fields.attachments == (attachment.split("：")[1].removeprefix("1. "),)
    assert note in render_text(doc).splitlines()


@pytest.mark.parametrize("aside", ["（以上数据截至6月底）", "（一）"])
def test_a_bracketed_line_inside_the_body_is_body_text(aside: str) -> None:
    ts = Typesetter()
    ts.paragraph(FILLER)
    ts.put(aside, LEFT + 2 * CH)
    ts.paragraph(FILLER)
    ts.right("江苏省教师培训中心", 5.0)
    ts.right("2024年6月5日", 4.0)
    doc = build_document(ts.finish())
    assert doc.fields.note is None
    assert aside in [b.text for b in doc.blocks if b.type.value in ("paragraph", "heading")]
