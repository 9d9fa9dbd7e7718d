"""Pure layout rules: from the OCR lines of all pages to the official document of SPEC.md.

Public API (the only names other packages import from `layout`):

    build_document(pages) -> Document          the rules, all pages at once
    render_text(doc) -> str                    clean text (SPEC "Clean text")
    render_markdown(doc) -> str                Markdown (SPEC "Markdown")
    document_to_dict(doc) -> dict              the `fields`, `blocks`, `text` parts of the JSON envelope

This package needs only the standard library: no cv2, paddle, FastAPI, Redis, and no file I/O.
"""

from __future__ import annotations

from layout.build import build_document
from layout.render import document_to_dict, render_markdown, render_text

__all__ = ["build_document", "document_to_dict", "render_markdown", "render_text"]
