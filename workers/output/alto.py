"""ALTO XML v4 (the library and archive exchange format of OCR, METS/ALTO): one file per document.

    alto / Description (MeasurementUnit pixel, sourceImageInformation, OCRProcessing)
         / Tags (a LayoutTag per block type used: marker, title, heading, paragraph…)
         / Layout / Page (one per page, WIDTH × HEIGHT of the upright page) / PrintSpace (the whole page)
           / TextBlock (a block's lines on that page; TAGREFS its type; IDNEXT → its part on the next page)
             / TextLine (one OCR line, HPOS/VPOS/WIDTH/HEIGHT) / String (CONTENT, WC = recognition score)

Coordinates are upright-page pixels, as in the JSON (`layout.model`). Chinese has no word spaces: one
String per line, whose CONTENT is the line's share of the block's clean text (`workers.ocr.ocrlines`), so
the Strings of a TextBlock and its continuations joined equal the JSON block's `text`. A line that gets
no text (its characters merged into a neighbour's by the repair) has no String and no TextLine.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from itertools import pairwise

from layout.model import Block, Document, Page
from workers.ocr.ocrlines import BlockPart, written_pages

ALTO_NS = "http://www.loc.gov/standards/alto/ns-v4#"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = f"{ALTO_NS} http://www.loc.gov/standards/alto/v4/alto-4-2.xsd"
SOFTWARE = "gongwen-ocr"


def _num(value: float) -> str:
    return f"{max(0.0, value):.0f}"


def _box_attrs(x0: float, y0: float, x1: float, y1: float) -> dict[str, str]:
    return {"HPOS": _num(x0), "VPOS": _num(y0), "WIDTH": _num(x1 - x0), "HEIGHT": _num(y1 - y0)}


def tag_id(block: Block) -> str:
    """The LayoutTag ID of a block's type (heading levels apart: TAG_heading_2)."""
    return f"TAG_{block.type.value}" + (f"_{block.level}" if block.level is not None else "")


def _block_id(part: BlockPart) -> str:
    return f"b{part.index + 1}" + (f"_{part.part + 1}" if part.parts > 1 else "")


def _next_ids(written: list[tuple[Page, list[BlockPart]]]) -> dict[str, str]:
    """TextBlock ID → the ID of the same block's next written part (parts without text are not written)."""
    ids: dict[int, list[str]] = {}
    for _, parts in written:
        for part in parts:
            ids.setdefault(part.index, []).append(_block_id(part))
    return {a: b for chain in ids.values() for a, b in pairwise(chain)}


def _sub(parent: ET.Element, name: str, attrs: dict[str, str] | None = None, text: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ALTO_NS}}}{name}", attrs or {})
    if text is not None:
        element.text = text
    return element


def render_alto(document: Document, pages: tuple[Page, ...], filename: str, version: str) -> str:
    """The document as an ALTO v4 XML string (UTF-8 declaration, ends with a newline)."""
    ET.register_namespace("", ALTO_NS)
    ET.register_namespace("xsi", XSI_NS)
    root = ET.Element(f"{{{ALTO_NS}}}alto", {f"{{{XSI_NS}}}schemaLocation": SCHEMA_LOCATION})
    description = _sub(root, "Description")
    _sub(description, "MeasurementUnit", text="pixel")
    source = _sub(description, "sourceImageInformation")
    _sub(source, "fileName", text=filename)
    processing = _sub(description, "OCRProcessing", {"ID": "OCR_0"})
    step = _sub(processing, "ocrProcessingStep")
    software = _sub(step, "processingSoftware")
    _sub(software, "softwareName", text=SOFTWARE)
    _sub(software, "softwareVersion", text=version)

    tags = _sub(root, "Tags")
    for block in {tag_id(b): b for b in document.blocks}.values():
        label = block.type.value + (f" level {block.level}" if block.level is not None else "")
        _sub(tags, "LayoutTag", {"ID": tag_id(block), "LABEL": label})
    if not len(tags):
        root.remove(tags)

    layout = _sub(root, "Layout")
    written = list(written_pages(document, pages))
    following = _next_ids(written)
    for page, parts in written:
        page_el = _sub(layout, "Page", {"ID": f"p{page.number}", "PHYSICAL_IMG_NR": str(page.number),
                                        "WIDTH": str(page.width), "HEIGHT": str(page.height)})
        space = _sub(page_el, "PrintSpace", _box_attrs(0, 0, page.width, page.height))
        for part in parts:
            box = part.box
            attrs = {"ID": _block_id(part), **_box_attrs(box.x0, box.y0, box.x1, box.y1),
                     "TAGREFS": tag_id(part.block)}
            if _block_id(part) in following:
                attrs["IDNEXT"] = following[_block_id(part)]
            block_el = _sub(space, "TextBlock", attrs)
            for number, placed in enumerate(part.lines, 1):
                b = placed.line.box
                line_el = _sub(block_el, "TextLine", {"ID": f"{_block_id(part)}_l{number}",
                                                      **_box_attrs(b.x0, b.y0, b.x1, b.y1)})
                _sub(line_el, "String", {"CONTENT": placed.text, **_box_attrs(b.x0, b.y0, b.x1, b.y1),
                                         "WC": f"{min(1.0, max(0.0, placed.line.score)):.3f}"})
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
