"""Pure layout rules: from the OCR lines of all pages to the official document of SPEC.md.

Public API (the only names other packages import from `layout`):

    build_document(pages) -> Document          the rules, all pages at once
    render_text(doc) -> str                    clean text (SPEC "Clean text")
    render_markdown(doc) -> str                Markdown (SPEC "Markdown")
    document_to_dict(doc) -> dict              the `fields`, `blocks`, `text` parts of the JSON envelope
    split_document(pages) -> [DocumentPart]    a batch scan's documents: page ranges, each built alone
    render_texts(docs), render_markdowns(docs) several documents, a rule between two

This package needs only the standard library: no cv2, paddle, FastAPI, Redis, and no file I/O.
"""

from __future__ import annotations

from layout.build import build_document
from layout.render import document_to_dict, render_markdown, render_markdowns, render_text, render_texts
from layout.split import DocumentPart, split_document

__all__ = ["DocumentPart", "build_document", "document_to_dict", "render_markdown", "render_markdowns",
           "render_text", "render_texts", "split_document"]
