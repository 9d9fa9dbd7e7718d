"""Plain-dict (JSON-ready) form of OCR pages, for recording OCR output and replaying it in tests.

Pure conversion only: writing and reading files is the caller's business (`workers/`, tests).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from layout.model import Box, OcrLine, Page, Seal

SCHEMA = "gongwen.ocr-pages/1"


def _line_to_dict(line: OcrLine) -> dict[str, Any]:
    data: dict[str, Any] = {
        "text": line.text,
        "bbox": [line.box.x0, line.box.y0, line.box.x1, line.box.y1],
        "score": line.score,
        "red": line.red,
        "polygon": [list(point) for point in line.polygon],
    }
    if line.stroke is not None:  # optional: pages recorded before it was measured have none
        data["stroke"] = line.stroke
    return data


def _line_from_dict(data: dict[str, Any], page: int) -> OcrLine:
    return OcrLine(
        text=str(data["text"]),
        box=Box(*(float(v) for v in data["bbox"])),
        score=float(data.get("score", 1.0)),
        page=page,
        red=float(data.get("red", 0.0)),
        polygon=tuple((float(x), float(y)) for x, y in data.get("polygon", ())),
        stroke=None if data.get("stroke") is None else float(data["stroke"]),
    )


def pages_to_dict(pages: Sequence[Page]) -> dict[str, Any]:
    """Pages → a JSON-ready dict (schema `gongwen.ocr-pages/1`)."""
    return {
        "schema": SCHEMA,
        "pages": [
            {
                "number": page.number,
                "width": page.width,
                "height": page.height,
                "rotation": page.rotation,
                "skew": page.skew,
                "dpi": page.dpi,
                "warnings": list(page.warnings),
                "seals": [{"bbox": [s.box.x0, s.box.y0, s.box.x1, s.box.y1], "text": s.text,
                           "found_by": s.found_by} for s in page.seals],
                "lines": [_line_to_dict(line) for line in page.lines],
                **({"page_quad": [list(p) for p in page.page_quad]} if page.page_quad else {}),
                **({"bilevel": True} if page.bilevel else {}),
            }
            for page in pages
        ],
    }


def pages_from_dict(data: dict[str, Any]) -> tuple[Page, ...]:
    """The inverse of `pages_to_dict`; raises ValueError on another schema."""
    if data.get("schema") != SCHEMA:
        raise ValueError(f"not a {SCHEMA} document: schema={data.get('schema')!r}")
    pages = []
    for raw in data["pages"]:
        number = int(raw["number"])
        pages.append(
            Page(
                number=number,
                width=int(raw["width"]),
                height=int(raw["height"]),
                lines=tuple(_line_from_dict(line, number) for line in raw["lines"]),
                rotation=int(raw.get("rotation", 0)),
                skew=float(raw.get("skew", 0.0)),
                dpi=raw.get("dpi"),
                seals=tuple(Seal(number, Box(*s["bbox"]), s.get("text", ""), s.get("found_by", "colour"))
                            for s in raw.get("seals", ())),
                warnings=tuple(raw.get("warnings", ())),
                page_quad=tuple((float(x), float(y)) for x, y in raw["page_quad"]) if raw.get("page_quad") else None,
                bilevel=bool(raw.get("bilevel", False)),
            )
        )
    return tuple(pages)
