"""What the API may learn about an upload without OCR: is it a document we accept, how many pages.

Runs `workers.image.ingest.open_document`, which validates (type, page cap, pixel bombs, encryption,
corruption) before decoding any page; the page count scales the job's timeout. Imports no OCR code.
"""

from __future__ import annotations

from pathlib import Path

from workers.settings import Settings


def count_pages(path: Path, settings: Settings, dpi: int | None = None) -> int:
    """Pages of the document at `path`; raises the InputError subclass that describes a bad file."""
    from workers.image.ingest import open_document

    document = open_document(path, settings=settings, dpi=dpi)
    try:
        return int(document.page_count)
    finally:
        close = getattr(document, "close", None)
        if callable(close):
            close()
