"""The renderings of a split batch (`ConvertOptions.split`): the envelope's `documents` list, and one
rendering per document for `gongwen convert --split -o DIR` (NAME.1.txt, NAME.2.txt, …).

The documents come from `layout.split_document`; page numbers are the file's, 1-based. The whole-file
renderings (text and Markdown with a rule between documents, the JSON envelope with `documents`) are made
by `workers.pipeline.render_result`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import layout

if TYPE_CHECKING:
    from workers.pipeline import ConvertResult

SPLIT_FORMATS = ("text", "md", "json")
"""The formats a split batch renders per document (ALTO, hOCR and the PDF stay one per file)."""


def document_entry(part: layout.DocumentPart) -> dict[str, Any]:
    """One member of the envelope's `documents`: `pages` [first, last] (1-based, of the file), `fields`,
    `blocks` (their `pages` and `lines[].page` are the file's too), `text`."""
    body = layout.document_to_dict(part.document)
    return {"pages": [part.first, part.last], "fields": body["fields"], "blocks": body["blocks"],
            "text": body["text"]}


def split_documents(parts: Sequence[layout.DocumentPart]) -> list[dict[str, Any]]:
    """The envelope's `documents` list, in file order."""
    return [document_entry(part) for part in parts]


def render_each(result: ConvertResult, fmt: str) -> list[str]:
    """One rendering per document of a split result: clean text, Markdown, or a JSON envelope of its own
    (`source` as the file's, `pages`, `fields`, `blocks`, `text`, the file's `warnings`)."""
    if fmt not in SPLIT_FORMATS:
        raise ValueError(f"a split batch renders {', '.join(SPLIT_FORMATS)} per document, not {fmt!r}")
    out = []
    for part in result.parts:
        if fmt == "text":
            out.append(layout.render_text(part.document))
        elif fmt == "md":
            out.append(layout.render_markdown(part.document))
        else:
            entry = {"source": result.source.to_dict(), **document_entry(part), "warnings": list(result.warnings)}
            out.append(json.dumps(entry, ensure_ascii=False, indent=2) + "\n")
    return out
