"""Provisional document builder: OCR lines in reading order, one paragraph block per line.

Replaced by the real layout rules (issue 4); kept minimal so the pipeline runs end to end meanwhile.
"""

from __future__ import annotations

from collections.abc import Sequence

from layout.model import Block, BlockType, Document, Page


def build_document(pages: Sequence[Page]) -> Document:
    blocks = tuple(
        Block(BlockType.PARAGRAPH, line.text, lines=(line,))
        for page in pages
        for line in sorted(page.lines, key=lambda ln: (ln.box.y0, ln.box.x0))
    )
    return Document(blocks=blocks, warnings=tuple(w for page in pages for w in page.warnings))
