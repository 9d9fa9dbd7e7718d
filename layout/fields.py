"""The SPEC fields from a sequence of typed blocks (pure; shared by the scan rules and the text repair).

Conventions match `fixtures.gw.compute_fields`: `issuer_mark` is the mark's lines concatenated with
no spaces (a joint mark: every body, then 文件), `issuers` the bodies without 文件; `doc_number`
normalised to 〔〕; `signer` the names after 签发人；`addressee` without its colon; dates ISO; `note`
the first 附注; `cc` the bodies of every 抄送 block.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from layout import patterns
from layout.model import Block, BlockType, Fields

_SPACE_RE = re.compile(r"\s+")
_ITEM_RE = re.compile(r"^\s*\d{1,2}\s*[.．、]\s*")


def _compact(text: str) -> str:
    return _SPACE_RE.sub("", text)


def _texts(blocks: Sequence[Block], kind: BlockType) -> list[str]:
    return [block.text for block in blocks if block.type is kind]


def _first(blocks: Sequence[Block], kind: BlockType) -> str | None:
    found = _texts(blocks, kind)
    return found[0] if found else None


def issuers_from_marks(marks: Sequence[str]) -> list[str]:
    """Issuer mark lines → bodies: spaces removed, a trailing 文件 dropped from the last line."""
    bodies = [_compact(mark) for mark in marks]
    if bodies and patterns.ends_in_file_word(bodies[-1]):
        bodies[-1] = bodies[-1][:-2]
    return [body for body in bodies if body]


def attachment_items(texts: Sequence[str]) -> list[str]:
    """`附件：1. 甲` + `2. 乙` → ["甲", "乙"]."""
    items: list[str] = []
    for text in texts:
        if patterns.is_attachment(text):
            items.extend(patterns.split_attachments(text))
        else:
            item = _ITEM_RE.sub("", text).strip().rstrip("；;")
            if item:
                items.append(item)
    return items


def extract_fields(blocks: Sequence[Block]) -> Fields:
    """The SPEC fields of a document whose blocks are typed (see `layout.model.BlockType`)."""
    marks = _texts(blocks, BlockType.ISSUER_MARK)
    doc_number = _first(blocks, BlockType.DOC_NUMBER)
    signer = _first(blocks, BlockType.SIGNER)
    title = _first(blocks, BlockType.TITLE)
    addressee = _first(blocks, BlockType.ADDRESSEE)
    date = _first(blocks, BlockType.DATE)
    printed_text = _first(blocks, BlockType.PRINTED)
    printed = patterns.split_printed(printed_text) if printed_text else None
    cc = [body for text in _texts(blocks, BlockType.CC) for body in patterns.split_cc(text)]
    return Fields(
        markers=tuple(_compact(text) for text in _texts(blocks, BlockType.MARKER)),
        issuer_mark="".join(_compact(mark) for mark in marks) or None,
        issuers=tuple(issuers_from_marks(marks)),
        doc_number=(patterns.find_doc_number(doc_number) or _compact(doc_number)) if doc_number else None,
        signer=(patterns.find_signer(signer) or _compact(signer)) if signer else None,
        title=_compact(title) if title else None,
        addressee=_compact(addressee).rstrip("：:") if addressee else None,
        attachments=tuple(attachment_items(_texts(blocks, BlockType.ATTACHMENT))),
        signature=tuple(_compact(text) for text in _texts(blocks, BlockType.SIGNATURE)),
        date=patterns.find_date(date) if date else None,
        note=_first(blocks, BlockType.NOTE),
        cc=tuple(cc),
        printed_by=printed[0] if printed else None,
        printed_date=printed[1] if printed else None,
    )
