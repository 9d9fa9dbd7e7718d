"""The searchable PDF/A-2b: the scan's own pages with an invisible text layer at every OCR line.

Built with pikepdf (qpdf) directly, not OCRmyPDF: OCRmyPDF's PDF/A step rewrites the whole file through
Ghostscript (which may re-encode images; Ghostscript is not a wheel) and its pipeline would rasterise
and OCR again. What we need is smaller: keep the input's pages and image streams byte for byte, add a
text layer, declare PDF/A. `render_pdf(result, path, media_type)`:

    base pages     a PDF input is opened as it is (its image streams — JPEG, JBIG2, CCITT G4, Flate — are
                   copied undecoded: qpdf writes with stream decode level none); an image input becomes
                   one page per frame through img2pdf (JPEG and PNG embedded as they are, TIFF G4 as
                   G4, everything else Flate: lossless); a file img2pdf refuses (alpha, 16-bit…) is
                   decoded by `workers.image.ingest` and embedded as lossless PNG data
    text layer     per OCR line, in reading order, its share of the block's clean text
                   (`workers.ocr.ocrlines`) in a glyphless CID font (Identity-H, one CID per distinct
                   character of the document, a ToUnicode map, every CID drawn by one empty-looking
                   full-em glyph) with text render mode 3 (invisible). The line's upright-page box is
                   mapped back onto the page as scanned (`workers.image.pagemap`: through the photo warp,
                   deskew and quarter turns), then into PDF user space (render scale, CropBox, /Rotate);
                   the text matrix maps the glyphs' em squares onto that quadrilateral, so a viewer's
                   selection and search highlight sit on the printed line, tilted with it.
    PDF/A-2b       an sRGB output intent (ICC profile from LittleCMS via Pillow), XMP with
                   pdfaid part 2 / conformance B and the fields (dc:title = title, dc:creator = issuers,
                   dc:identifier = doc number, dc:date = date), Info dictionary in step, no encryption,
                   no JavaScript; an outline entry per heading (and the title), nested by level.

The input PDF's own content is taken as it is: a born-digital PDF with unembedded fonts or a CMYK scan
is not made PDF/A-conformant by this (the declaration then claims more than the file holds); scans from
scanners and from `img2pdf` are what this is for.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from layout.model import BlockType
from workers.errors import CorruptInput
from workers.image.pagemap import PageTransform
from workers.ocr.ocrlines import written_pages

if TYPE_CHECKING:
    import pikepdf

    from workers.pipeline import ConvertResult

FONT_NAME = "/GongwenOCR"
"""Resource name of the text layer's font on every page (unlikely to clash with a scan's own)."""
EM = 1000
"""Font units per em of the glyphless font; every glyph is one em wide (CJK characters are square)."""
ICC_DESCRIPTION = "sRGB IEC61966-2.1"
PRODUCER = "gongwen-ocr"


# -- the glyphless font ----------------------------------------------------------------------------


@lru_cache(maxsize=1)
def glyphless_truetype() -> bytes:
    """A TrueType font of two glyphs: .notdef and one full-em square (advance EM). Text drawn with it is
    invisible (render mode 3), so the square only gives viewers a character box the size of the line."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    builder = FontBuilder(EM, isTTF=True)
    builder.setupGlyphOrder([".notdef", "box"])
    builder.setupCharacterMap({0x25A1: "box"})
    pen = TTGlyphPen(None)
    pen.moveTo((0, 0))
    pen.lineTo((0, EM))
    pen.lineTo((EM, EM))
    pen.lineTo((EM, 0))
    pen.closePath()
    box = pen.glyph()
    builder.setupGlyf({".notdef": TTGlyphPen(None).glyph(), "box": box})
    builder.setupHorizontalMetrics({".notdef": (EM, 0), "box": (EM, 0)})
    builder.setupHorizontalHeader(ascent=EM, descent=0)
    builder.setupNameTable({"familyName": "GlyphLessFont", "styleName": "Regular"})
    builder.setupOS2(sTypoAscender=EM, sTypoDescender=0, usWinAscent=EM, usWinDescent=0)
    builder.setupPost()
    out = io.BytesIO()
    builder.save(out)
    return out.getvalue()


def _utf16_hex(char: str) -> str:
    return char.encode("utf-16-be").hex().upper()


def to_unicode_cmap(chars: list[str]) -> bytes:
    """A ToUnicode CMap mapping CID i+1 to chars[i] (UTF-16BE, surrogate pairs beyond the BMP)."""
    entries = [f"<{cid:04X}> <{_utf16_hex(char)}>" for cid, char in enumerate(chars, 1)]
    body = []
    for start in range(0, len(entries), 100):  # a bfchar section holds at most 100 entries
        chunk = entries[start:start + 100]
        body += [f"{len(chunk)} beginbfchar", *chunk, "endbfchar"]
    return "\n".join([
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        "/CMapName /Adobe-Identity-UCS def", "/CMapType 2 def",
        "1 begincodespacerange", "<0000> <FFFF>", "endcodespacerange", *body,
        "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end", ""]).encode("ascii")


def _font(pdf: pikepdf.Pdf, chars: list[str]) -> pikepdf.Object:
    from pikepdf import Array, Dictionary, Name, Stream

    font_file = Stream(pdf, glyphless_truetype())
    font_file.Length1 = len(glyphless_truetype())
    descriptor = Dictionary(Type=Name.FontDescriptor, FontName=Name.GlyphLessFont, Flags=4,
                            FontBBox=Array([0, 0, EM, EM]), ItalicAngle=0, Ascent=EM, Descent=0,
                            CapHeight=EM, StemV=80, FontFile2=font_file)
    # every CID (0 … len(chars)) is drawn by glyph 1, the square
    gid_map = Stream(pdf, b"\x00\x00" + b"\x00\x01" * len(chars))
    cid_font = Dictionary(Type=Name.Font, Subtype=Name.CIDFontType2, BaseFont=Name.GlyphLessFont,
                          CIDSystemInfo=Dictionary(Registry="Adobe", Ordering="Identity", Supplement=0),
                          FontDescriptor=pdf.make_indirect(descriptor), DW=EM, CIDToGIDMap=gid_map)
    font = Dictionary(Type=Name.Font, Subtype=Name.Type0, BaseFont=Name.GlyphLessFont, Encoding=Name("/Identity-H"),
                      DescendantFonts=Array([pdf.make_indirect(cid_font)]),
                      ToUnicode=Stream(pdf, to_unicode_cmap(chars)))
    return pdf.make_indirect(font)


# -- geometry: upright-page pixels → PDF user space ----------------------------------------------


def _inherited(page: pikepdf.Object, key: str) -> Any:
    node = page
    while node is not None:
        if key in node:
            return node[key]
        node = node.get("/Parent")
    return None


def source_to_user(page: pikepdf.Object, source_size: tuple[int, int]) -> np.ndarray:
    """3×3 affine matrix: pixels of the page as PDFium rendered it (source_size, the /Rotate applied,
    top-left origin) → PDF user space (points, bottom-left origin)."""
    box = [float(v) for v in (_inherited(page, "/CropBox") or _inherited(page, "/MediaBox"))]
    llx, lly, urx, ury = min(box[0], box[2]), min(box[1], box[3]), max(box[0], box[2]), max(box[1], box[3])
    width, height = urx - llx, ury - lly
    rotate = int(_inherited(page, "/Rotate") or 0) % 360
    shown = (width, height) if rotate in (0, 180) else (height, width)
    scale = np.diag([shown[0] / source_size[0], shown[1] / source_size[1], 1.0])  # px → displayed points
    # displayed (dx, dy) → unrotated page (a, b), both top-left origin
    unrotate = {0: [[1, 0, 0], [0, 1, 0]], 90: [[0, 1, 0], [-1, 0, height]],
                180: [[-1, 0, width], [0, -1, height]], 270: [[0, -1, width], [1, 0, 0]]}[rotate]
    unrotated = np.vstack([np.asarray(unrotate, dtype=np.float64), [0, 0, 1]])
    to_user = np.array([[1.0, 0, llx], [0, -1.0, ury], [0, 0, 1]])  # (a, b) → (llx + a, ury − b)
    return to_user @ unrotated @ scale


def _map(matrix: np.ndarray, transform: PageTransform, points: list[tuple[float, float]]) -> np.ndarray:
    source = transform.to_source(points)
    homogeneous = np.hstack([source, np.ones((len(source), 1))]) @ matrix.T
    return homogeneous[:, :2]


def _fmt(value: float) -> str:
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def text_layer(lines: Iterable[tuple[str, tuple[float, float, float, float]]], matrix: np.ndarray,
               transform: PageTransform, cids: dict[str, int]) -> bytes:
    """Content stream of invisible text: each (text, upright box) with its glyphs spread over the box as
    mapped onto the page (bottom-left corner at the origin, baseline along the box's bottom edge)."""
    ops = ["BT", "3 Tr"]
    for text, (x0, y0, x1, y1) in lines:
        chars = [c for c in text if c in cids]
        if not chars:
            continue
        p0, p1, p2 = _map(matrix, transform, [(x0, y1), (x1, y1), (x0, y0)])
        advance, up = (p1 - p0) / len(chars), p2 - p0
        codes = "".join(f"{cids[c]:04X}" for c in chars)
        ops.append(f"{FONT_NAME} 1 Tf " + " ".join(_fmt(v) for v in (*advance, *up, *p0)) + f" Tm <{codes}> Tj")
    ops.append("ET")
    return ("\n".join(ops) + "\n").encode("ascii")


# -- base pages ------------------------------------------------------------------------------------


def _image_pdf(path: Path) -> bytes:
    import img2pdf

    try:
        return bytes(img2pdf.convert(str(path), rotation=img2pdf.Rotation.ifvalid))
    except Exception:  # noqa: BLE001 - img2pdf refuses alpha, 16-bit, odd modes…: decode ourselves, losslessly
        return bytes(img2pdf.convert(list(_png_pages(path)), rotation=img2pdf.Rotation.none))


def _png_pages(path: Path) -> Iterator[bytes]:
    from PIL import Image

    from workers.image.ingest import open_document
    from workers.settings import load_settings

    with open_document(path, settings=load_settings()) as source:
        for index, image in enumerate(source.iter_pages()):
            out = io.BytesIO()
            dpi = source.dpi_of(index)
            Image.fromarray(np.ascontiguousarray(image[:, :, ::-1])).save(
                out, format="PNG", **({"dpi": (dpi, dpi)} if dpi else {}))
            yield out.getvalue()


def _open_base(path: Path, media_type: str) -> pikepdf.Pdf:
    import pikepdf

    try:
        if media_type == "application/pdf":
            return pikepdf.open(path)
        return pikepdf.open(io.BytesIO(_image_pdf(path)))
    except pikepdf.PdfError as exc:
        raise CorruptInput(f"the scan cannot be rewritten as PDF ({exc})") from exc


# -- PDF/A -----------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def srgb_icc() -> bytes:
    from PIL import ImageCms

    return bytes(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())


def _declare_pdfa(pdf: pikepdf.Pdf, result: ConvertResult) -> None:
    from pikepdf import Array, Dictionary, Name, Stream

    profile = Stream(pdf, srgb_icc())
    profile.N = 3
    pdf.Root.OutputIntents = Array([pdf.make_indirect(Dictionary(
        Type=Name.OutputIntent, S=Name.GTS_PDFA1, OutputConditionIdentifier=ICC_DESCRIPTION,
        Info=ICC_DESCRIPTION, DestOutputProfile=profile))])
    for key in ("/OpenAction", "/AA"):  # PDF/A forbids actions that run on opening (JavaScript)
        if key in pdf.Root:
            del pdf.Root[key]
    if "/Names" in pdf.Root and "/JavaScript" in pdf.Root.Names:
        del pdf.Root.Names["/JavaScript"]
    fields = result.document.fields
    now = datetime.now(UTC).replace(microsecond=0).isoformat()
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["pdfaid:part"] = "2"
        meta["pdfaid:conformance"] = "B"
        meta["pdf:Producer"] = PRODUCER
        meta["xmp:CreatorTool"] = PRODUCER
        meta["xmp:CreateDate"] = meta.get("xmp:CreateDate", now)
        meta["xmp:ModifyDate"] = now
        meta["xmp:MetadataDate"] = now
        if fields.title:
            meta["dc:title"] = fields.title
        issuers = list(fields.issuers) or list(fields.signature)
        if issuers:
            meta["dc:creator"] = issuers
        if fields.doc_number:
            meta["dc:identifier"] = fields.doc_number
        if fields.date:
            meta["dc:date"] = [fields.date]
        meta["dc:language"] = {"zh"}


def _outline(pdf: pikepdf.Pdf, result: ConvertResult, matrices: list[np.ndarray]) -> None:
    """One entry per title and heading block, at its first line, nested under the previous lower level."""
    from pikepdf import OutlineItem, PageLocation

    with pdf.open_outline() as outline:
        stack: list[tuple[int, OutlineItem]] = []
        for block in result.document.blocks:
            if block.type not in (BlockType.TITLE, BlockType.HEADING) or not block.lines or not block.text:
                continue
            line = block.lines[0]
            index = line.page - 1
            if not 0 <= index < len(matrices):
                continue
            (left, top), = _map(matrices[index], result.transforms[index], [(line.box.x0, line.box.y0)])
            item = OutlineItem(block.text, index, PageLocation.XYZ, left=float(left), top=float(top))
            level = 0 if block.type is BlockType.TITLE else (block.level or 1)
            while stack and stack[-1][0] >= level:
                stack.pop()
            (stack[-1][1].children if stack else outline.root).append(item)
            stack.append((level, item))


def render_pdf(result: ConvertResult, path: Path, media_type: str) -> bytes:
    """The searchable PDF/A-2b of the scan at `path` (see the module doc), as bytes."""
    import pikepdf

    pdf = _open_base(path, media_type)
    if len(pdf.pages) != len(result.pages) or len(result.transforms) != len(result.pages):
        raise CorruptInput(f"the scan's PDF has {len(pdf.pages)} pages where {len(result.pages)} were read")
    layers = [[(p.text, (p.line.box.x0, p.line.box.y0, p.line.box.x1, p.line.box.y1))
               for part in parts for p in part.lines] for _, parts in written_pages(result.document, result.pages)]
    chars = sorted({c for lines in layers for text, _ in lines for c in text if not c.isspace()})
    cids = {c: i for i, c in enumerate(chars, 1)}
    font = _font(pdf, chars)
    matrices = []
    for page, transform in zip(pdf.pages, result.transforms, strict=True):
        matrix = source_to_user(page.obj, transform.source_size)
        matrices.append(matrix)
    for page, transform, matrix, lines in zip(pdf.pages, result.transforms, matrices, layers, strict=True):
        if not lines:
            continue
        resources = _inherited(page.obj, "/Resources")
        resources = pikepdf.Dictionary() if resources is None else resources
        page.obj.Resources = resources  # an inherited dictionary is now the page's own (shared) one
        fonts = resources.get("/Font") or pikepdf.Dictionary()
        fonts[FONT_NAME] = font
        resources.Font = fonts
        # the scan's content may leave the graphics state changed: wrap it, then draw in the page's space
        page.contents_add(pikepdf.Stream(pdf, b"q\n"), prepend=True)
        page.contents_add(pikepdf.Stream(pdf, b"\nQ\n" + text_layer(lines, matrix, transform, cids)))
    _declare_pdfa(pdf, result)
    _outline(pdf, result, matrices)
    out = io.BytesIO()
    pdf.save(out, compress_streams=True, stream_decode_level=pikepdf.StreamDecodeLevel.none,
             object_stream_mode=pikepdf.ObjectStreamMode.generate, fix_metadata_version=True)
    pdf.close()
    return out.getvalue()
