"""Each OCR line's share of its block's text: the clean text cut back onto the lines it came from.

A block's `text` is its lines' texts joined and repaired (spaces between CJK characters dropped, 【】 read
for 〔〕 normalised, a hyphenated wrap joined…), so the lines' own texts do not add up to it. Formats that
place text on the page line by line (ALTO Strings, hOCR lines, the searchable PDF's text layer) need the
block's text in pieces, one per line, that join back to exactly `block.text`: `split_block_text` aligns
the block's text with its lines' texts joined (difflib) and cuts it where the lines meet.
"""

from __future__ import annotations

from collections.abc import Sequence
from difflib import SequenceMatcher

from layout.model import Block


def _mapped_position(opcodes: Sequence[tuple[str, int, int, int, int]], index: int) -> int:
    """Where position `index` of the joined line texts falls in the block text (interpolated inside edits)."""
    for tag, i1, i2, j1, j2 in opcodes:
        if i1 <= index <= i2:
            if tag == "equal":
                return j1 + (index - i1)
            if i2 == i1:
                return j1
            return j1 + round((index - i1) * (j2 - j1) / (i2 - i1))
    return opcodes[-1][4] if opcodes else 0


def split_text(text: str, parts: list[str]) -> list[str]:
    """`text` cut into len(parts) consecutive pieces aligned with `parts`; the pieces join to `text`."""
    if not parts:
        return []
    joined = "".join(parts)
    opcodes = SequenceMatcher(None, joined, text, autojunk=False).get_opcodes()
    cuts, offset = [], 0
    for part in parts[:-1]:
        offset += len(part)
        cuts.append(_mapped_position(opcodes, offset))
    pieces, start = [], 0
    for cut in cuts:
        cut = min(max(cut, start), len(text))  # monotone: a piece is never negative
        pieces.append(text[start:cut])
        start = cut
    pieces.append(text[start:])
    return pieces


def split_block_text(block: Block) -> list[str]:
    """One piece of `block.text` per line of `block.lines`, in order, joining to `block.text`."""
    return split_text(block.text, [line.text for line in block.lines])
