"""Renderings of a Document: clean text, Markdown, and the JSON-ready dict (SPEC.md)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from layout import patterns
from layout.lines import is_seal_text
from layout.model import Block, BlockType, Document, OcrLine, Page


def render_text(doc: Document) -> str:
    """One block per line, in reading order; ends with a newline when not empty."""
    lines = [block.text for block in doc.blocks if block.text]
    return "\n".join(lines) + ("\n" if lines else "")


_LIST_START_RE = re.compile(r"^(\d{1,9})([.)])")
_MARK_START_RE = re.compile(r"^([#>+*-])")


def escape_markdown_line(text: str) -> str:
    """Keep a text line literal in Markdown: `1.` or `2)` at the start is no list, `#`/`>`/`-` no markup."""
    text = _LIST_START_RE.sub(lambda m: f"{m.group(1)}\\{m.group(2)}", text)
    return _MARK_START_RE.sub(r"\\\1", text)


def render_markdown(doc: Document) -> str:
    """Title as `#`, level-1 headings `##`, level-2 `###`, everything else a plain paragraph (the header
    block and the 版记 included); blocks separated by a blank line."""
    parts: list[str] = []
    for block in doc.blocks:
        if not block.text:
            continue
        if block.type is BlockType.TITLE:
            parts.append(f"# {block.text}")
        elif block.type is BlockType.HEADING and block.level in (1, 2):
            parts.append(f"{'#' * (block.level + 1)} {block.text}")
        else:
            parts.append(escape_markdown_line(block.text))
    return "\n\n".join(parts) + ("\n" if parts else "")


DOCUMENT_RULE = "=" * 40
"""The line that separates the documents of a split batch in clean text."""

MARKDOWN_RULE = "---"
"""...and in Markdown (a thematic break, blank lines around it so it is no setext heading)."""


def render_texts(docs: Sequence[Document]) -> str:
    """Clean text of several documents (a split batch), a DOCUMENT_RULE line between two."""
    return f"{DOCUMENT_RULE}\n".join(render_text(doc) for doc in docs)


def render_markdowns(docs: Sequence[Document]) -> str:
    """Markdown of several documents (a split batch), a `---` rule between two."""
    return f"\n{MARKDOWN_RULE}\n\n".join(render_markdown(doc) for doc in docs)


def _block_to_dict(block: Block) -> dict[str, Any]:
    return {
        "type": block.type.value,
        "level": block.level,
        "text": block.text,
        "pages": list(block.pages),
        "lines": [
            {"page": line.page, "bbox": line.box.as_list(), "text": line.text, "score": round(line.score, 4)}
            for line in block.lines
        ],
    }


def _furniture_kind(line: OcrLine, page: Page) -> str:
    if is_seal_text(line, page):
        return "seal"
    return "page_number" if patterns.is_page_number(line.text) else "other"


def furniture_to_list(doc: Document, pages: Sequence[Page]) -> list[dict[str, Any]]:
    """The OCR lines of `pages` that are in no block (page numbers, seal text, running heads), each with its
    `kind` ("page_number", "seal" or "other"), so a reviewer sees what the clean text left out and why."""
    placed = {(line.page, line.box) for block in doc.blocks for line in block.lines}  # a re-read line keeps its box
    return [
        {"page": line.page, "bbox": line.box.as_list(), "text": line.text, "score": round(line.score, 4),
         "kind": _furniture_kind(line, page)}
        for page in sorted(pages, key=lambda p: p.number) for line in page.lines
        if line.text.strip() and (line.page, line.box) not in placed
    ]


def document_to_dict(doc: Document, pages: Sequence[Page] = ()) -> dict[str, Any]:
    """The `fields`, `blocks`, `text`, `seals`, `furniture` and `warnings` members of the SPEC JSON envelope.

    `furniture` lists the OCR lines of `pages` left out of the blocks (`furniture_to_list`); empty
    without `pages`."""
    fields = {key: list(value) if isinstance(value, tuple) else value for key, value in asdict(doc.fields).items()}
    return {
        "fields": fields,
        "blocks": [_block_to_dict(block) for block in doc.blocks],
        "text": render_text(doc),
        "seals": [{"page": s.page, "bbox": s.box.as_list(), "text": s.text, "found_by": s.found_by}
                  for s in doc.seals],
        "furniture": furniture_to_list(doc, pages),
        "warnings": list(doc.warnings),
    }
