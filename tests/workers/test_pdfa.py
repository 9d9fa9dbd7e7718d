"""workers.output.pdfa / alto / hocr / pagemap: the searchable PDF/A, ALTO v4 and hOCR of a converted scan.

The scans are rendered pages turned by known angles (3° skew; sideways + 2°); a scripted engine returns the
lines where the renderer drew them, so no OCR model runs. What a viewer does with the PDF is checked with
PDFium (Chromium's PDF engine: its text search is what Chromium's viewer runs): the phrase is found, and its
character boxes lie where the test itself (with its own rotation matrix, not the product's) says the
printed line is on the scan. Then in Chromium itself (headless, `make browser`): its PDF viewer searches the
phrase and the rectangle it paints lies on the printed line (a slow test).
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Sequence
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any
from urllib.parse import quote

import cv2
import img2pdf
import numpy as np
import pikepdf
import pypdfium2 as pdfium
import pytest
from lxml import etree
from PIL import Image

from layout.model import Box, OcrLine
from workers.image.pagemap import PageTransform
from workers.ocr.ocrlines import parts_by_page
from workers.pipeline import ConvertResult, convert_file, render_bytes, render_result
from workers.settings import Settings

DATA = Path(__file__).resolve().parent / "data"
MakePage = Callable[..., tuple[np.ndarray, Any]]
DPI = 100
TITLE = "关于进一步加强基层医疗机构服务能力建设的通知"
HEADING = "一、总体要求"
BODY = "坚持基药主导全面落实国家基本药物制度"
BOX_TOLERANCE_LINE_HEIGHTS = 0.35
"""A character box's centre may sit this far (in line heights) from where the printed line is: the box is
the OCR line's, the reference the renderer's; a 3° skew ignored would put line ends 1.5 line heights off."""


class ScriptedEngine:
    """Returns fixed lines for page 1 (upright-page pixels) and nothing for the second looks."""

    def __init__(self, lines: list[OcrLine]) -> None:
        self.lines = lines

    def recognise(self, image: np.ndarray, page: int) -> list[OcrLine]:
        return list(self.lines) if page == 1 else []

    def recognise_crops(self, crops: Sequence[np.ndarray]) -> list[tuple[str, float]]:
        return [("", 0.0) for _ in crops]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(cache_dir=tmp_path / "cache")


def _lines(layout: Any) -> list[OcrLine]:
    texts = [TITLE, HEADING, BODY, BODY[::-1]]
    boxes = [layout.title, *layout.body_lines[:3]]
    return [OcrLine(text, Box(*map(float, box)), score=0.97, page=1) for text, box in zip(texts, boxes, strict=True)]


def _tiff(path: Path, pages: Sequence[np.ndarray]) -> Path:
    frames = [Image.fromarray(cv2.cvtColor(p, cv2.COLOR_BGR2RGB)) for p in pages]
    frames[0].save(path, save_all=True, append_images=frames[1:], dpi=(DPI, DPI), compression="tiff_lzw")
    return path


def _expected_source_box(box: tuple[int, int, int, int], matrix: np.ndarray) -> np.ndarray:
    """The renderer's upright box corners (tl, tr, br, bl) on the turned scan, by the test's own matrix."""
    x0, y0, x1, y1 = box
    corners = np.array([[x0, y0, 1], [x1, y0, 1], [x1, y1, 1], [x0, y1, 1]], dtype=np.float64)
    return corners @ matrix.T


def _found_boxes(pdf_bytes: bytes, page_index: int, phrase: str) -> list[tuple[float, float]]:
    """Centres (scan pixels, top-left origin) of the characters PDFium's search finds for `phrase`."""
    document = pdfium.PdfDocument(pdf_bytes)
    page = document[page_index]
    _, height_pt = page.get_size()
    textpage = page.get_textpage()
    match = textpage.search(phrase).get_next()
    assert match is not None, f"PDFium finds no {phrase!r} on page {page_index + 1}"
    start, count = match
    scale = DPI / 72.0
    centres = []
    for index in range(start, start + count):
        left, bottom, right, top = textpage.get_charbox(index)
        centres.append(((left + right) / 2 * scale, (height_pt - (top + bottom) / 2) * scale))
    return centres


def _turned(upright: np.ndarray, quarter: bool) -> tuple[np.ndarray, np.ndarray]:
    """The page skewed 3° (or 2° and scanned sideways: turned 90° counter-clockwise) and the test's own 3×3
    matrix from upright-page pixels to the scan's."""
    height, width = upright.shape[:2]
    skew = cv2.getRotationMatrix2D((width / 2, height / 2), 2.0 if quarter else 3.0, 1.0)
    scan = cv2.warpAffine(upright, skew, (width, height), borderValue=(255, 255, 255))
    matrix = np.vstack([skew, [0, 0, 1]])
    if quarter:
        scan = cv2.rotate(scan, cv2.ROTATE_90_COUNTERCLOCKWISE)
        matrix = np.array([[0, 1, 0], [-1, 0, width], [0, 0, 1]], dtype=np.float64) @ matrix
    return scan, matrix


def _convert(path: Path, settings: Settings, lines: list[OcrLine]) -> ConvertResult:
    return convert_file(path, settings=settings, engine=ScriptedEngine(lines))


@pytest.mark.parametrize("quarter", [False, True], ids=["skew-3", "sideways-skew-2"])
def test_search_finds_each_line_where_it_is_printed_on_the_scan(
        tmp_path: Path, settings: Settings, make_page: MakePage, quarter: bool) -> None:
    upright, layout = make_page(dpi=DPI, body_rows=4, seal=None)
    scan, matrix = _turned(upright, quarter)
    path = _tiff(tmp_path / "scan.tif", [scan, np.full_like(scan, 255)])
    result = _convert(path, settings, _lines(layout))
    assert result.pages[0].rotation == (90 if quarter else 0) and abs(result.pages[0].skew) > 1.5

    pdf = render_bytes(result, "pdf", path)

    line_height = layout.body_lines[0][3] - layout.body_lines[0][1]
    for phrase, box in ((BODY, layout.body_lines[1]), (TITLE, layout.title)):
        tl, tr, br, bl = _expected_source_box(box, matrix)
        centres = _found_boxes(pdf, 0, phrase)
        assert len(centres) == len(phrase)
        for k, centre in enumerate(centres):  # the k-th character's share of the printed line, on the scan
            t = (k + 0.5) / len(phrase)
            expected = (tl + (tr - tl) * t + bl + (br - bl) * t) / 2
            assert np.hypot(*(np.asarray(centre) - expected[:2])) < BOX_TOLERANCE_LINE_HEIGHTS * line_height, (
                phrase, k, centre, expected)
    assert len(pdfium.PdfDocument(pdf)) == 2


def _jpeg_pdf(tmp_path: Path, pages: Sequence[np.ndarray]) -> Path:
    jpegs = []
    for page in pages:
        ok, data = cv2.imencode(".jpg", page, [cv2.IMWRITE_JPEG_QUALITY, 80])
        assert ok
        jpegs.append(data.tobytes())
    path = tmp_path / "scan.pdf"
    path.write_bytes(img2pdf.convert(jpegs, layout_fun=img2pdf.get_fixed_dpi_layout_fun((DPI, DPI))))
    return path


def _images(pdf: pikepdf.Pdf) -> list[bytes]:
    return [xobject.read_raw_bytes() for page in pdf.pages for _, xobject in page.Resources.XObject.items()
            if xobject.Subtype == pikepdf.Name.Image]


def test_pdf_input_keeps_its_jpeg_streams_and_size_and_is_declared_pdfa(
        tmp_path: Path, settings: Settings, make_page: MakePage) -> None:
    upright, layout = make_page(dpi=DPI, body_rows=4, seal=None)
    path = _jpeg_pdf(tmp_path, [upright, upright])
    result = _convert(path, settings, _lines(layout))

    out = render_bytes(result, "pdf", path)

    with pikepdf.open(path) as before, pikepdf.open(io.BytesIO(out)) as after:
        assert _images(after) == _images(before)  # the JPEG data byte for byte, not re-encoded
        assert len(after.pages) == len(before.pages)
        assert "/Encrypt" not in after.trailer
        meta = after.open_metadata()
        assert (meta["pdfaid:part"], meta["pdfaid:conformance"]) == ("2", "B")
        assert meta["dc:title"] == result.document.fields.title == TITLE
        assert str(after.docinfo["/Title"]) == TITLE
        (intent,) = after.Root.OutputIntents
        assert intent.S == pikepdf.Name.GTS_PDFA1 and int(intent.DestOutputProfile.N) == 3
        font = after.pages[0].Resources.Font["/GongwenOCR"]
        descriptor = font.DescendantFonts[0].FontDescriptor
        assert "/FontFile2" in descriptor and "/ToUnicode" in font  # embedded, and maps back to Unicode
        with after.open_outline() as outline:
            titles = [item.title for item in outline.root]
            headings = [b.text for b in result.document.blocks if b.type.value == "heading"]
            assert titles == [TITLE] and [c.title for c in outline.root[0].children] == headings
    assert len(out) <= 1.1 * path.stat().st_size + 20_000 * 2


def _layer_text(pdf: bytes) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    return ["".join(document[i].get_textpage().get_text_range().split()) for i in range(len(document))]


def _expected_text(result: ConvertResult) -> list[str]:
    by_page = parts_by_page(result.document)
    return ["".join("".join(p.text for p in part.lines) for part in by_page.get(page.number, [])).replace(" ", "")
            for page in result.pages]


def test_text_layer_holds_the_clean_text_page_by_page(tmp_path: Path, settings: Settings,
                                                      make_page: MakePage) -> None:
    upright, layout = make_page(dpi=DPI, body_rows=4, seal=None)
    path = _tiff(tmp_path / "scan.tif", [upright])
    result = _convert(path, settings, _lines(layout))
    layer, clean = _layer_text(render_bytes(result, "pdf", path)), _expected_text(result)
    assert len(layer) == len(clean) == 1
    assert "".join(clean) == "".join(result.document.blocks[i].text for i in range(len(result.document.blocks)))
    for got, want in zip(layer, clean, strict=True):
        matched = sum(block.size for block in SequenceMatcher(None, got, want, autojunk=False).get_matching_blocks())
        assert matched >= 0.99 * len(want)


def test_characters_beyond_the_bmp_search_and_copy(tmp_path: Path, settings: Settings,
                                                    make_page: MakePage) -> None:
    upright, layout = make_page(dpi=DPI, body_rows=2, seal=None)
    path = _tiff(tmp_path / "scan.tif", [upright])
    rare = "𠀀𪚥"  # CJK Extension B: surrogate pairs in the ToUnicode map
    lines = [OcrLine(f"坚持{rare}基药主导", Box(*map(float, layout.body_lines[0])), 0.9, 1)]
    pdf = render_bytes(_convert(path, settings, lines), "pdf", path)
    assert rare in _layer_text(pdf)[0]


def test_alto_validates_and_its_strings_rebuild_each_block(tmp_path: Path, settings: Settings,
                                                           make_page: MakePage) -> None:
    upright, layout = make_page(dpi=DPI, body_rows=4, seal=None)
    path = _tiff(tmp_path / "scan.tif", [upright, upright])
    lines = [*_lines(layout), OcrLine("〔2024〕 号", Box(*map(float, layout.body_lines[3])), 0.8, 1)]
    result = _convert(path, settings, lines)
    xml = render_result(result, "alto")
    schema = etree.XMLSchema(etree.parse(str(DATA / "alto-4-2.xsd")))
    tree = etree.fromstring(xml.encode("utf-8"))
    schema.assertValid(tree)
    ns = {"a": "http://www.loc.gov/standards/alto/ns-v4#"}
    texts: dict[str, str] = {}
    for block in tree.iterfind(".//a:TextBlock", ns):
        key = block.get("ID").split("_")[0]
        texts[key] = texts.get(key, "") + "".join(s.get("CONTENT") for s in block.iterfind(".//a:String", ns))
        assert block.get("TAGREFS") in {t.get("ID") for t in tree.iterfind(".//a:LayoutTag", ns)}
        assert all(0 <= float(s.get("WC")) <= 1 for s in block.iterfind(".//a:String", ns))
    envelope = result.envelope()
    assert texts == {f"b{i}": b["text"] for i, b in enumerate(envelope["blocks"], 1) if b["text"]}
    assert [p.get("WIDTH") for p in tree.iterfind(".//a:Page", ns)] == [str(p.width) for p in result.pages]


def test_alto_schema_refuses_what_alto_forbids() -> None:
    schema = etree.XMLSchema(etree.parse(str(DATA / "alto-4-2.xsd")))
    bad = ('<alto xmlns="http://www.loc.gov/standards/alto/ns-v4#"><Layout><Page ID="p1" PHYSICAL_IMG_NR="1">'
           '<PrintSpace><TextBlock ID="b1" HPOS="0" VPOS="0" WIDTH="1" HEIGHT="1"><TextLine HPOS="0" VPOS="0" '
           'WIDTH="1" HEIGHT="1"><String HPOS="0"/></TextLine></TextBlock></PrintSpace></Page></Layout></alto>')
    assert not schema.validate(etree.fromstring(bad))  # String without CONTENT
    assert "CONTENT" in str(schema.error_log)


def test_hocr_passes_the_hocr_spec_validator(tmp_path: Path, settings: Settings, make_page: MakePage) -> None:
    from hocr_spec import HocrValidator

    upright, layout = make_page(dpi=DPI, body_rows=4, seal=None)
    path = _tiff(tmp_path / "scan.tif", [upright])
    hocr = tmp_path / "doc.hocr"
    hocr.write_text(render_result(_convert(path, settings, _lines(layout)), "hocr"), encoding="utf-8")
    report = HocrValidator("standard").validate(str(hocr))
    assert report.is_valid(), report.format("text")
    assert f">{BODY}</span>" in hocr.read_text(encoding="utf-8")


def test_page_transform_maps_back_through_turns_and_deskew() -> None:
    width, height = 300, 200
    skew = cv2.getRotationMatrix2D((height / 2, width / 2), 2.5, 1.0)
    transform = PageTransform.identity(width, height).quarter_turn(90).then(skew, (height, width)).quarter_turn(180)
    points = np.array([[10.0, 20.0], [250.0, 190.0]])
    # the same steps by hand: cv2's 90° clockwise turn, the affine, the 180° turn
    turned = np.stack([height - points[:, 1], points[:, 0]], axis=1)
    skewed = turned @ skew[:, :2].T + skew[:, 2]
    upright = np.stack([height - skewed[:, 0], width - skewed[:, 1]], axis=1)
    assert transform.size == (height, width)
    assert np.allclose(transform.to_upright(points), upright)
    assert np.allclose(transform.to_source(upright), points)


VIEWER_WAIT_S = 60.0
"""Seconds Chromium's PDF viewer may take to draw a page (or a highlight) on a busy 2-core machine."""
HIGHLIGHT_OVERLAP_MIN = 0.8
"""Intersection over union of the viewer's highlight and the printed line, both as screen rectangles (the
highlight covers the characters' boxes, the reference is the renderer's line box): 0.96–0.98 when right; a
text layer that ignores the 3° deskew gives 0.45. The viewer paints a tilted line's match as one upright
rectangle (PDFium merges the characters of a line into one rectangle), so its bounding box is the test."""
HIGHLIGHT_AREA_MAX = 0.25
"""A phrase's highlight covers one line, a few % of the page; a change over more is the viewer redrawing."""
SCREENSHOT = Path(__file__).resolve().parents[2] / "results" / "pdf-viewer-search.png"
"""The last highlight the browser test saw (git-ignored test artifact)."""


def _screenshot(driver: Any) -> np.ndarray:
    png = np.frombuffer(driver.get_screenshot_as_png(), dtype=np.uint8)
    return cv2.cvtColor(cv2.imdecode(png, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB).astype(np.int16)


def _settled(driver: Any, what: str, ready: Callable[[np.ndarray], bool]) -> np.ndarray:
    """A screenshot once `ready(shot)` holds and the next shot is the same (the viewer has drawn)."""
    deadline = time.monotonic() + VIEWER_WAIT_S
    previous = None
    while True:
        shot = _screenshot(driver)
        if ready(shot) and previous is not None and np.array_equal(shot, previous):
            return shot
        previous = shot if ready(shot) else None
        assert time.monotonic() < deadline, f"Chromium's PDF viewer drew no {what} in {VIEWER_WAIT_S} s"
        time.sleep(0.5)


def _highlight_drawn(before: np.ndarray) -> Callable[[np.ndarray], bool]:
    """Ready when the page is drawn where it was in `before` and what changed is a highlight, not a redraw:
    pixels differ within a box under HIGHLIGHT_AREA_MAX of the page (a page drawn half-way, seen on a busy
    machine, differs over the whole view)."""
    page = _page_rect(before)
    page_area = (page[2] - page[0]) * (page[3] - page[1])

    def ready(shot: np.ndarray) -> bool:
        if shot.shape != before.shape:
            return False
        try:
            if _page_rect(shot) != page:
                return False
        except IndexError:  # no paper on screen yet
            return False
        ys, xs = np.nonzero(abs(shot - before).sum(axis=2) > 40)
        return bool(len(xs)) and (xs.max() - xs.min() + 1) * (ys.max() - ys.min() + 1) < HIGHLIGHT_AREA_MAX * page_area

    return ready


def _page_rect(shot: np.ndarray) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) on screen of the page: the paper is light, the viewer's backdrop dark."""
    light = shot.min(axis=2) > 200
    rows, cols = np.flatnonzero(light.mean(axis=1) > 0.3), np.flatnonzero(light.mean(axis=0) > 0.3)
    return int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1


def _iou(a: Sequence[float], b: Sequence[float]) -> float:
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    inter = max(0.0, width) * max(0.0, height)
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)


@pytest.mark.slow
@pytest.mark.parametrize("quarter", [False, True], ids=["skew-3", "sideways-skew-2"])
def test_chromium_pdf_viewer_search_highlights_the_phrase_on_its_printed_line(
        tmp_path: Path, settings: Settings, make_page: MakePage, browser: tuple[Any, Path], quarter: bool) -> None:
    """Chromium's own PDF viewer (headless, its PDFium plugin) searches the text layer for a phrase and paints
    the match; the painted pixels must cover the printed line where the test's own matrix puts it.

    The search is the viewer's text-fragment search (`#:~:text=…` in the URL: the plugin finds the phrase
    in the page text and highlights it, as find-in-page does); the find bar (Ctrl+F) is browser chrome that
    no DevTools command reaches in headless Chromium. The highlight is what differs between a screenshot of
    the page without and with the search."""
    upright, layout = make_page(dpi=DPI, body_rows=4, seal=None)
    scan, matrix = _turned(upright, quarter)
    path = _tiff(tmp_path / "scan.tif", [scan])
    pdf = tmp_path / "searchable.pdf"
    pdf.write_bytes(render_bytes(_convert(path, settings, _lines(layout)), "pdf", path))
    driver, _ = browser
    driver.set_window_size(1000, 1300)
    url = pdf.as_uri() + "#toolbar=0&view=Fit"

    driver.get(url)
    before = _settled(driver, "page", lambda shot: bool((shot.min(axis=2) > 200).mean() > 0.2))
    left, top, right, bottom = _page_rect(before)
    scan_height, scan_width = scan.shape[:2]
    assert abs((right - left) / (bottom - top) - scan_width / scan_height) < 0.02  # the whole page is in view

    for phrase, box in ((BODY, layout.body_lines[1]), (TITLE, layout.title)):
        driver.get("about:blank")
        driver.get(f"{url}&:~:text={quote(phrase)}")
        after = _settled(driver, f"highlight of {phrase!r}", _highlight_drawn(before))
        ys, xs = np.nonzero(abs(after - before).sum(axis=2) > 40)
        found = (xs.min(), ys.min(), xs.max() + 1, ys.max() + 1)
        corners = _expected_source_box(box, matrix)[:, :2]
        on_screen = np.stack([left + corners[:, 0] * (right - left) / scan_width,
                              top + corners[:, 1] * (bottom - top) / scan_height], axis=1)
        expected = (*on_screen.min(axis=0), *on_screen.max(axis=0))
        assert _iou(found, expected) >= HIGHLIGHT_OVERLAP_MIN, (phrase, found, expected)
    SCREENSHOT.parent.mkdir(exist_ok=True)
    cv2.imwrite(str(SCREENSHOT), after.astype(np.uint8)[:, :, ::-1])
