"""Text repair: the clean document from an OCR or PDF-to-text dump alone (no page images).

    repair_text(text) -> Document

Steps, each in its own module:
    source    read the dump's lines: Markdown markup, page numbers and separators out, cues recorded
    profile   measure the file's own evidence: wrapped or flowing lines, typical width, blank-line use
    joining   join lines into blocks where the printed paragraph (or header item) goes on
    classify  type the blocks (header, body, tail) with the document vocabulary of `layout.patterns`

Invariant: every character of the input that is not markup, a page number, a separator or whitespace
appears in the output text, in order (punctuation next to CJK may change to its full-width form).
Pure standard library; no file I/O.
"""

from __future__ import annotations

from layout.fields import extract_fields
from layout.model import Document
from layout.repair.classify import type_chunks
from layout.repair.joining import group_lines
from layout.repair.profile import measure_profile
from layout.repair.source import read_lines
from layout.script import unify_text_script

__all__ = ["repair_text"]


def repair_text(text: str) -> Document:
    """Rebuild the official document from a text dump: typed blocks, one per paragraph, and the fields."""
    lines = read_lines(unify_text_script(text))
    profile = measure_profile(lines)
    blocks = tuple(type_chunks(group_lines(lines, profile)))
    return Document(blocks=blocks, fields=extract_fields(blocks))
