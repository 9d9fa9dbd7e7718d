"""Renderings of a Document: clean text, Markdown, and the JSON-ready dict (SPEC.md)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from layout.model import Block, BlockType, Document


def render_text(doc: Document) -> str:
    """One block per line, in reading order; ends with a newline when not empty."""
    lines = [block.text for block in doc.blocks if block.text]
    return "\n".join(lines) + ("\n" if lines else "")


def render_markdown(doc: Document) -> str:
    """Title as `#`, level-1 headings `##`, level-2 `###`; blocks separated by a blank line."""
    parts: list[str] = []
    for block in doc.blocks:
        if block.type is BlockType.TITLE:
            parts.append(f"# {block.text}")
        elif block.type is BlockType.HEADING and block.level in (1, 2):
            parts.append(f"{'#' * (block.level + 1)} {block.text}")
        else:
            parts.append(block.text)
    return "\n\n".join(parts) + ("\n" if parts else "")


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


def document_to_dict(doc: Document) -> dict[str, Any]:
    """The `fields`, `blocks`, `text`, `seals` and `warnings` members of the SPEC JSON envelope."""
    fields = {key: list(value) if isinstance(value, tuple) else value for key, value in asdict(doc.fields).items()}
    return {
        "fields": fields,
        "blocks": [_block_to_dict(block) for block in doc.blocks],
        "text": render_text(doc),
        "seals": [{"page": s.page, "bbox": s.box.as_list(), "text": s.text} for s in doc.seals],
        "warnings": list(doc.warnings),
    }
