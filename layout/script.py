"""Simplified or traditional script: one document, one script.

The recogniser's dictionary holds both scripts, and on simplified 公文 it now and then answers with the
traditional form of a character it saw (`推廣` for `推广`, `關於` for `关于`). A document printed to GB/T
9704 is written in one script, so when the simplified-only characters of a document outnumber the
traditional-only ones, every traditional-only character is read as its simplified form. A traditional
document (more traditional-only than simplified-only characters) is left as it is, and so is every
character that is also a simplified form (著, 乾, 於 stay).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

from layout.model import Page
from layout.script_table import SIMPLIFIED, SIMPLIFIED_ONLY, TRADITIONAL

_TO_SIMPLIFIED = str.maketrans(TRADITIONAL, SIMPLIFIED)
_TRADITIONAL_SET = frozenset(TRADITIONAL)
_SIMPLIFIED_SET = frozenset(SIMPLIFIED_ONLY)


def count_script_evidence(texts: Iterable[str]) -> tuple[int, int]:
    """(simplified-only, traditional-only) character counts over `texts`."""
    simplified = traditional = 0
    for text in texts:
        for ch in text:
            if ch in _SIMPLIFIED_SET:
                simplified += 1
            elif ch in _TRADITIONAL_SET:
                traditional += 1
    return simplified, traditional


def is_simplified(texts: Iterable[str]) -> bool:
    """True when the simplified-only characters outnumber the traditional-only ones."""
    simplified, traditional = count_script_evidence(texts)
    return simplified > traditional


YU_BEFORE = "关对由至属位等处终基鉴出用在大小高低多少善便易难勇敢急乐免限源归趋适忠利"
"""於 after one of these is the preposition 于 (关於, 由於, 位於…), not the surname 於 that stays."""

_YU_RE = re.compile(f"(?<=[{YU_BEFORE}])於|於(?=是)")


def to_simplified(text: str) -> str:
    """Every traditional-only character of `text` replaced by its one simplified form (and 於 as 于)."""
    return _YU_RE.sub("于", text.translate(_TO_SIMPLIFIED))


def unify_text_script(text: str) -> str:
    """`text` in simplified characters when it is mostly simplified; otherwise unchanged."""
    return to_simplified(text) if is_simplified([text]) else text


def unify_page_script(pages: Sequence[Page]) -> tuple[Page, ...]:
    """The pages with their OCR lines in the document's script (decided over all pages at once)."""
    if not is_simplified(line.text for page in pages for line in page.lines):
        return tuple(pages)
    return tuple(
        replace(page, lines=tuple(replace(line, text=to_simplified(line.text)) for line in page.lines))
        for page in pages
    )
