"""Renderings beside text/Markdown/JSON: searchable PDF/A, ALTO, hOCR, page previews, split documents."""
