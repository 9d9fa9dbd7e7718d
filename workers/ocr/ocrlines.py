"""The document's OCR lines page by page, each with its share of its block's clean text.

ALTO, hOCR and the searchable PDF all place text line by line on a page; they take it from here so the
three agree with each other and with the JSON: per page, the parts of blocks on it in reading order (a
paragraph across a page break has a part on each page), each line carrying the piece of the block's
text `layout.linetext.split_block_text` gives it. Joined per block, the pieces are the block's text.
`written_pages` is the walk the three share: each page with the parts that have text to write on it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

from layout.linetext import split_block_text
from layout.model import Block, Box, Document, OcrLine, Page


@dataclass(frozen=True)
class PlacedLine:
    """An OCR line (upright-page pixels) and the text placed on it."""

    line: OcrLine
    text: str


@dataclass(frozen=True)
class BlockPart:
    """The lines of one block on one page: `index` is the block's position in the document (0-based),
    `part` the part's position among the block's pages (0-based), `parts` how many pages the block has."""

    block: Block
    index: int
    part: int
    parts: int
    lines: tuple[PlacedLine, ...]

    @property
    def box(self) -> Box:
        """The union of the part's line boxes (upright-page pixels); the part has at least one line."""
        box = self.lines[0].line.box
        for placed in self.lines[1:]:
            box = box.union(placed.line.box)
        return box


def parts_by_page(document: Document) -> dict[int, list[BlockPart]]:
    """Page number → the block parts on it, in reading order; lines with no text placed are kept."""
    pages: dict[int, list[BlockPart]] = {}
    for index, block in enumerate(document.blocks):
        placed = [PlacedLine(line, text) for line, text in zip(block.lines, split_block_text(block), strict=True)]
        numbers = list(dict.fromkeys(p.line.page for p in placed))
        for part, number in enumerate(numbers):
            lines = tuple(p for p in placed if p.line.page == number)
            pages.setdefault(number, []).append(BlockPart(block, index, part, len(numbers), lines))
    return pages


def written_pages(document: Document, pages: tuple[Page, ...]) -> Iterator[tuple[Page, list[BlockPart]]]:
    """Each page in order with its block parts in reading order, each part holding only the lines that get
    text; a part with none is left out (`part`/`parts` still count every page the block has lines on)."""
    by_page = parts_by_page(document)
    for page in pages:
        written = [replace(part, lines=lines) for part in by_page.get(page.number, [])
                   if (lines := tuple(p for p in part.lines if p.text))]
        yield page, written
