"""hOCR 1.2 (OCR in HTML microformat, as Tesseract and OCRmyPDF write it): one XHTML file per document.

    div.ocr_page (title: image, bbox of the upright page, ppageno)
      div.ocr_carea (one block part on the page; data-block-type: its type, lang zh)
        p.ocr_par
          span.ocr_line (bbox) / span.ocrx_word (bbox, x_wconf 0–100)

Coordinates are upright-page pixels (as the JSON). One ocrx_word per line: its text is the line's share of
the block's clean text (`workers.ocr.ocrlines`); Chinese has no word spaces to cut it by.
"""

from __future__ import annotations

import html

from layout.model import Box, Document, Page
from workers.ocr.ocrlines import written_pages

DOCTYPE = ('<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
           '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">')
CAPABILITIES = "ocr_page ocr_carea ocr_par ocr_line ocrx_word ocrp_wconf ocrp_lang"


def _bbox(box: Box) -> str:
    return f"bbox {max(0, round(box.x0))} {max(0, round(box.y0))} {max(0, round(box.x1))} {max(0, round(box.y1))}"


def render_hocr(document: Document, pages: tuple[Page, ...], filename: str, version: str) -> str:
    """The document as an hOCR (XHTML) string; ends with a newline."""
    esc = html.escape
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           DOCTYPE,
           '<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="zh" lang="zh">',
           "<head>", f"<title>{esc(filename)}</title>",
           '<meta http-equiv="Content-Type" content="text/html;charset=utf-8"/>',
           f'<meta name="ocr-system" content="gongwen-ocr {esc(version)}"/>',
           f'<meta name="ocr-capabilities" content="{CAPABILITIES}"/>',
           '<meta name="ocr-langs" content="zh"/>', '<meta name="ocr-scripts" content="Hans"/>',
           f'<meta name="ocr-number-of-pages" content="{len(pages)}"/>',
           "</head>", "<body>"]
    for page, parts in written_pages(document, pages):
        title = f'image "{filename}"; {_bbox(Box(0, 0, page.width, page.height))}; ppageno {page.number - 1}'
        out.append(f'<div class="ocr_page" id="page_{page.number}" title="{esc(title)}">')
        for part in parts:
            box = part.box
            ident = f"block_{page.number}_{part.index + 1}"
            out.append(f'<div class="ocr_carea" id="{ident}" title="{_bbox(box)}" '
                       f'data-block-type="{esc(part.block.type.value)}">')
            out.append(f'<p class="ocr_par" id="par_{page.number}_{part.index + 1}" lang="zh" title="{_bbox(box)}">')
            for number, placed in enumerate(part.lines, 1):
                line_box = placed.line.box
                conf = round(100 * min(1.0, max(0.0, placed.line.score)))
                line_id = f"{ident}_{number}"
                out.append(f'<span class="ocr_line" id="line_{line_id[6:]}" '
                           f'title="{_bbox(line_box)}">'
                           f'<span class="ocrx_word" id="word_{line_id[6:]}" '
                           f'title="{_bbox(line_box)}; x_wconf {conf}">{esc(placed.text)}</span></span>')
            out.append("</p>")
            out.append("</div>")
        out.append("</div>")
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"
