"""Fields from typed blocks (shared with the text repair)."""

from __future__ import annotations

from layout.fields import attachment_items, extract_fields, issuers_from_marks
from layout.model import Block, BlockType


def test_fields_from_typed_blocks() -> None:
    blocks = [
        Block(BlockType.MARKER, "公开"),
        Block(BlockType.ISSUER_MARK, "发展改革委办公厅"),
        Block(BlockType.ISSUER_MARK, "税务总局办公厅 文件"),
        Block(BlockType.DOC_NUMBER, "发改办价格【2024】7号"),
        Block(BlockType.SIGNER, "签发人：张三　李四"),
        Block(BlockType.TITLE, "关于 某某事项的通知"),
        Block(BlockType.ADDRESSEE, "各省、自治区、直辖市发展改革委："),
        Block(BlockType.PARAGRAPH, "正文。"),
        Block(BlockType.ATTACHMENT, "附件：1.甲表"),
        Block(BlockType.ATTACHMENT, "2.乙表"),
        Block(BlockType.SIGNATURE, "发展改革委办公厅"),
        Block(BlockType.SIGNATURE, "税务总局办公厅"),
        Block(BlockType.DATE, "二〇二四年三月一日"),
        Block(BlockType.NOTE, "（此件公开发布）"),
        Block(BlockType.CC, "抄送：财政部，审计署。"),
        Block(BlockType.PRINTED, "发展改革委办公厅 2024年3月4日印发"),
    ]
    f = extract_fields(blocks)
    assert f.markers == ("公开",)
    assert f.issuer_mark == "发展改革委办公厅税务总局办公厅文件"
    assert f.issuers == ("发展改革委办公厅", "税务总局办公厅")
    assert f.doc_number == "发改办价格〔2024〕7号"
    assert f.signer == "张三李四"
    assert f.title == "关于某某事项的通知"
    assert f.addressee == "各省、自治区、直辖市发展改革委"
    assert f.attachments == ("甲表", "乙表")
    assert f.signature == ("发展改革委办公厅", "税务总局办公厅")
    assert f.date == "2024-03-01"
    assert f.note == "（此件公开发布）"
    assert f.cc == ("财政部", "审计署")
    assert (f.printed_by, f.printed_date) == ("发展改革委办公厅", "2024-03-04")


def test_missing_fields_are_none_or_empty() -> None:
    f = extract_fields([Block(BlockType.PARAGRAPH, "正文。")])
    assert f.issuer_mark is None and f.issuers == () and f.date is None and f.cc == ()


def test_helpers() -> None:
    assert issuers_from_marks(["某某市人民政府文件"]) == ["某某市人民政府"]
    assert issuers_from_marks(["文件"]) == ["文件"]
    assert attachment_items(["附件：某某清单"]) == ["某某清单"]
