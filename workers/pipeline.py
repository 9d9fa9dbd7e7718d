"""One scan → one official document: the product's conversion, shared by the CLI, the API and the worker.

The stages, in order (`convert_file` and `_convert_page` are the one place that says so):

    ingest       workers.image.ingest.open_document   validate, then decode pages one at a time
    preprocess   workers.image.preprocess.prepare_page  a photo squared and flattened (workers.image.photo), then the
                                                  upright, deskewed page + red-ink mask
    preprocess   workers.image.seals                    seals found in the mask; the OCR reads a copy without their ink
    colour_free  workers.image.sealshape                no seal in the mask: seal rings found by shape in the grey page
    ocr          OcrEngine.recognise              text lines in the upright page's pixels
    second_look  workers.ocr.missedlines.missed_lines  ink no detected box covers, detected again on its own crop
                 workers.image.specks.trim_speck_ends  line boxes without the dust beside their ends
    preprocess   _mark_red                        each line's red-ink share (workers.image.preprocess.red_fraction)
    second_look  workers.ocr.secondlook.second_look   lines under a seal and the red mark read again from clean crops
    second_look  workers.ocr.secondlook.read_seals    each seal's own name, from its unrolled ring (Page.seals)
    colour_free  workers.image.typography.measure_strokes  each line's stroke weight (bold or regular), no colour needed
    layout       layout.build_document            the pure rules: blocks and fields of all pages
    layout       layout.split_document            (--split) the batch's documents, each built from its pages

Each page's image is dropped once its lines are read: memory holds one page image at a time.
`timings` sums the seconds spent in each stage over all pages (keys `ingest_s`, `preprocess_s`,
`colour_free_s` (the evidence that needs no colour: rings by shape, stroke weight), `ocr_s`, `second_look_s`,
`layout_s`), and `photo_s`, the part of `preprocess_s` spent finding, squaring and flattening photographed
sheets (workers.image.photo; near zero on flat scans, which are only looked at).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

import layout
from layout.geometry import text_units
from layout.model import Document, OcrLine, Page, Seal
from workers.image.ingest import open_document
from workers.image.pagemap import PageTransform
from workers.image.preprocess import OrientationClassifier, PreparedPage, prepare_page, red_fraction
from workers.image.seals import find_seals, remove_seal_ink
from workers.image.sealshape import find_ring_seals, remove_ring_ink
from workers.image.specks import trim_speck_ends
from workers.image.typography import measure_strokes
from workers.ocr.commashape import restore_comma_heads
from workers.ocr.digitshape import restore_eroded_fours
from workers.ocr.engine import OcrEngine
from workers.ocr.missedlines import missed_lines
from workers.ocr.secondlook import read_seals, second_look
from workers.output.split import split_documents
from workers.settings import Settings
from workers.storage.directory import FORMATS, Format

TEXT_FORMATS: tuple[Format, ...] = tuple(fmt for fmt in FORMATS if fmt != "pdf")
"""The renderings that are text (UTF-8); `pdf` is bytes and needs the scan itself (`render_bytes`)."""
STAGES = ("ingest", "preprocess", "colour_free", "ocr", "second_look", "layout")
"""`colour_free`: the seals found by shape and their ink lifted, on pages whose red shows none."""
TIMING_DECIMALS = 4


@dataclass(frozen=True)
class ConvertOptions:
    """Per-conversion choices. `dpi`: PDF render resolution (None: `settings.dpi`); `split`: the file is a
    batch of documents, found and built one by one (`layout.split_document`, `ConvertResult.parts`)."""

    dpi: int | None = None
    split: bool = False


@dataclass(frozen=True)
class SourceInfo:
    filename: str
    sha256: str
    media_type: str
    pages: int

    def to_dict(self) -> dict[str, Any]:
        return {"filename": self.filename, "sha256": self.sha256, "media_type": self.media_type, "pages": self.pages}


@dataclass(frozen=True)
class ConvertResult:
    """The rebuilt document, the OCR pages it came from, where it came from, and what it cost."""

    document: Document
    pages: tuple[Page, ...]
    source: SourceInfo
    timings: dict[str, float]
    warnings: tuple[str, ...]
    transforms: tuple[PageTransform, ...] = ()
    """Per page, the map from the scan's pixels to the upright page's (workers.image.pagemap); empty when unknown."""
    parts: tuple[layout.DocumentPart, ...] = ()
    """With `ConvertOptions.split`: the documents of the batch (`workers.output.split` renders them); else empty."""

    def envelope(self) -> dict[str, Any]:
        """The SPEC JSON envelope: source, fields, blocks, text, seals, furniture, warnings, timings."""
        body = layout.document_to_dict(self.document, self.pages)
        return {
            "source": self.source.to_dict(),
            "fields": body["fields"],
            "blocks": body["blocks"],
            "text": body["text"],
            "seals": body["seals"],
            "furniture": body["furniture"],
            "warnings": list(self.warnings),
            "timings": {key: round(value, TIMING_DECIMALS) for key, value in self.timings.items()},
            "pages": [page_summary(page) for page in self.pages],
            **({"documents": split_documents(self.parts)} if self.parts else {}),
        }


def page_summary(page: Page) -> dict[str, Any]:
    """What preprocessing did to one page, for the JSON envelope: its size (upright-page pixels), turn,
    skew, and for a photographed sheet `warped: true` with `page_quad`, the sheet's corners (TL, TR, BR,
    BL) in the photo's pixels."""
    return {"number": page.number, "width": page.width, "height": page.height, "rotation": page.rotation,
            "skew": page.skew, "warped": page.page_quad is not None,
            "page_quad": [list(p) for p in page.page_quad] if page.page_quad else None}


class _StageTimer:
    """Seconds per stage, summed over pages."""

    def __init__(self) -> None:
        self.seconds = {stage: 0.0 for stage in STAGES}
        self.photo_seconds = 0.0
        """Part of `preprocess`: the photo step (workers.image.photo)."""

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[stage] += time.perf_counter() - started

    def timed(self, stage: str, pages: Iterator[np.ndarray]) -> Iterator[np.ndarray]:
        """`pages`, with the time spent producing each item counted in `stage`."""
        while True:
            with self(stage):
                item = next(pages, None)
            if item is None:
                return
            yield item

    def as_dict(self) -> dict[str, float]:
        return {**{f"{stage}_s": seconds for stage, seconds in self.seconds.items()}, "photo_s": self.photo_seconds}


def convert_file(
    path: Path,
    *,
    settings: Settings,
    options: ConvertOptions = ConvertOptions(),
    filename: str | None = None,
    engine: OcrEngine | None = None,
    progress: Callable[[int, int], None] | None = None,
    page_image: Callable[[int, np.ndarray], None] | None = None,
) -> ConvertResult:
    """Convert the scan at `path` (see the module doc). Raises `workers.errors` classes only.

    `engine` defaults to the process's PaddleEngine; `progress(pages_done, pages_total)` is called after
    each page (it may raise to abort the conversion); `page_image(number, image)` gets each upright,
    deskewed page (the frame of the line boxes) once it is read, e.g. to keep a preview of it.
    """
    timer = _StageTimer()
    with timer("ingest"):
        source = open_document(path, settings=settings, dpi=options.dpi)
    try:
        if engine is None:
            from workers.ocr.engine import get_engine

            engine = get_engine(settings)
        orientation = OrientationClassifier()
        pages: list[Page] = []
        transforms: list[PageTransform] = []
        for index, image in enumerate(timer.timed("ingest", source.iter_pages())):
            number = index + 1
            page, transform = _convert_page(image, number, source.dpi_of(index), engine, orientation, timer,
                                            page_image, bilevel=source.bilevel_of(index))
            pages.append(page)
            transforms.append(transform)
            del image
            if progress is not None:
                progress(number, source.page_count)
        info = SourceInfo(filename or path.name, source.sha256, source.media_type, source.page_count)
    finally:
        source.close()
    with timer("layout"):
        document = layout.build_document(pages)
        parts = tuple(layout.split_document(pages)) if options.split else ()
    return ConvertResult(document, tuple(pages), info, timer.as_dict(), _warnings(document, pages),
                         tuple(transforms), parts)


def _convert_page(
    image: np.ndarray, number: int, dpi: float | None, engine: OcrEngine,
    orientation: OrientationClassifier, timer: _StageTimer,
    page_image: Callable[[int, np.ndarray], None] | None = None,
    *, bilevel: bool = False,
) -> tuple[Page, PageTransform]:
    with timer("preprocess"):
        prepared = prepare_page(image, page=number, orientation=orientation)
        timer.photo_seconds += prepared.photo_seconds
    lines, seal_texts = _read_prepared(prepared, number, engine, timer, bilevel)
    if doubted_reading(lines):
        # the direction classifier can miss a sparse page turned over (a last page of a signature, a seal
        # and a contact line): its text read upright is garbage the recogniser doubts; read it turned too
        turned = turned_over(prepared, number)
        turned_lines, turned_seals = _read_prepared(turned, number, engine, timer, bilevel)
        if reading_confidence(turned_lines) > reading_confidence(lines):
            prepared, lines, seal_texts = turned, turned_lines, turned_seals
    if page_image is not None:
        page_image(number, prepared.image)
    height, width = prepared.image.shape[:2]
    transform = prepared.transform or PageTransform.identity(width, height)
    return Page(number=number, width=width, height=height, lines=tuple(lines), rotation=prepared.rotation,
                skew=prepared.skew, dpi=_page_dpi(dpi, prepared),
                seals=tuple(Seal(number, box, text, found_by) for box, text, found_by in seal_texts),
                warnings=prepared.warnings, page_quad=prepared.page_quad, bilevel=bilevel), transform


def _read_prepared(prepared: PreparedPage, number: int, engine: OcrEngine, timer: _StageTimer,
                   bilevel: bool) -> tuple[list[OcrLine], list[tuple[Any, str, str]]]:
    """The OCR lines of an upright page and the texts of its seals (box, text, found_by)."""
    with timer("preprocess"):
        seals = find_seals(prepared.red_mask)
    with timer("colour_free"):
        # Colour is a bonus: a page whose red shows no seal (a grey or 1-bit scan) is searched for rings.
        rings = [] if seals else find_ring_seals(prepared.image)
    with timer("preprocess"):
        # The seal's ink hides the signature and date from the detector: the OCR reads them without it.
        ocr_image = remove_seal_ink(prepared.image, seals)
    with timer("colour_free"):
        ocr_image = remove_ring_ink(ocr_image, rings)
        seals += [ring.region() for ring in rings]
    with timer("ocr"):
        lines = engine.recognise(ocr_image, number)
    with timer("second_look"):
        # colour-free: ink no detected box covers, in line-sized clusters clear of the seals, read again from
        # its crop (on pages with red, measured on the held half, it cost a signature and is not run)
        if not prepared.red_mask.any():
            lines += missed_lines(lines, ocr_image, seals, engine, number)
        # dust beside a line's first or last character widens its box by a character: boxes end at the text
        lines = trim_speck_ends(ocr_image, lines, [seal.box for seal in seals])
    with timer("preprocess"):
        lines = _mark_red(lines, prepared, ocr_image)
    with timer("second_look"):
        lines = second_look(lines, page=number, image=prepared.image, ocr_image=ocr_image,
                            red_mask=prepared.red_mask, seals=seals, engine=engine)
        seal_texts = read_seals(prepared.image, seals, engine)
        if bilevel:  # a 1-bit threshold erases a 4's thin diagonal and a comma's tail: read 1 and 、
            lines = restore_comma_heads(ocr_image, restore_eroded_fours(ocr_image, lines))
    with timer("colour_free"):
        lines = measure_strokes(ocr_image, lines)
    return lines, seal_texts


DOUBTED_PAGE_SCORE = 0.8
"""A page whose text lines the recogniser reads with less mean confidence than this is read turned over as
well (upright print reads at 0.95 and more; the same lines upside down read as garbage at 0.6–0.7)."""
DOUBTED_MIN_UNITS = 2.0
"""Lines shorter than this (a page number, a speck) say nothing of the page's direction."""


def reading_confidence(lines: list[OcrLine]) -> float:
    """Mean recogniser score of the page's text lines (DOUBTED_MIN_UNITS and longer); 1.0 for a page with
    none (nothing to doubt)."""
    scores = [line.score for line in lines if text_units(line.text) >= DOUBTED_MIN_UNITS]
    return sum(scores) / len(scores) if scores else 1.0


def doubted_reading(lines: list[OcrLine]) -> bool:
    """The page's reading is doubtful enough to be read turned over too (DOUBTED_PAGE_SCORE)."""
    return reading_confidence(lines) < DOUBTED_PAGE_SCORE


def turned_over(prepared: PreparedPage, number: int) -> PreparedPage:
    """`prepared` turned a half turn more (image, red mask, rotation, transform, warnings)."""
    rotation = (prepared.rotation + 180) % 360
    warnings = tuple(w for w in prepared.warnings if not w.startswith(f"page {number}: rotated "))
    if rotation:
        warnings += (f"page {number}: rotated {rotation}°",)
    return replace(prepared, image=np.ascontiguousarray(prepared.image[::-1, ::-1]),
                   red_mask=np.ascontiguousarray(prepared.red_mask[::-1, ::-1]), rotation=rotation,
                   transform=prepared.transform.quarter_turn(180) if prepared.transform else None,
                   warnings=warnings)


def _page_dpi(dpi: float | None, prepared: PreparedPage) -> float | None:
    """The source's dpi, or for a squared photo the sheet's own: the page's width over A4's (the photo's
    nominal dpi says nothing about the sheet)."""
    if prepared.page_quad is None:
        return dpi
    width = min(prepared.image.shape[:2])
    return round(width / A4_WIDTH_IN, 1)


A4_WIDTH_IN = 210 / 25.4


def _mark_red(lines: list[OcrLine], prepared: PreparedPage, ocr_image: np.ndarray) -> list[OcrLine]:
    """Each line with `red` = the share of its ink that is red on the prepared page.

    The ink is the ink of the image the OCR read: under a seal, the black strokes left once the seal's ink
    was lifted (so a signature under two overlapping seals is not taken for seal text), elsewhere the page.
    """
    if not np.any(prepared.red_mask):
        return [replace(line, red=0.0) for line in lines]
    return [replace(line, red=red_fraction(prepared.red_mask, ocr_image, line.box)) for line in lines]


NO_PAGES_WARNING = "the document has no pages"


def _warnings(document: Document, pages: list[Page]) -> tuple[str, ...]:
    """The document's warnings, then any page warning the layout rules did not pass on, then a warning
    for each page that has ink but no text the OCR could read (a photo, a drawing); no repeats."""
    ordered = list(document.warnings) + [w for page in pages for w in page.warnings]
    ordered += [f"page {page.number}: no text found" for page in pages
                if not page.lines and not any("blank page" in w for w in page.warnings)]
    if not pages:
        ordered.append(NO_PAGES_WARNING)
    return tuple(dict.fromkeys(ordered))


def render_result(result: ConvertResult, fmt: Format) -> str:
    """The result as clean text, Markdown, the SPEC JSON envelope (UTF-8 text, 2-space indent), ALTO v4
    XML (`workers.output.alto`) or hOCR (`workers.output.hocr`)."""
    if fmt == "text":
        return layout.render_texts([p.document for p in result.parts]) if result.parts else \
            layout.render_text(result.document)
    if fmt == "md":
        return layout.render_markdowns([p.document for p in result.parts]) if result.parts else \
            layout.render_markdown(result.document)
    if fmt == "json":
        return json.dumps(result.envelope(), ensure_ascii=False, indent=2) + "\n"
    if fmt == "alto":
        from workers.output.alto import render_alto

        return render_alto(result.document, result.pages, result.source.filename, _version())
    if fmt == "hocr":
        from workers.output.hocr import render_hocr

        return render_hocr(result.document, result.pages, result.source.filename, _version())
    raise ValueError(f"unknown text format {fmt!r}; expected one of {', '.join(TEXT_FORMATS)}")


def render_bytes(result: ConvertResult, fmt: Format, source: Path) -> bytes:
    """Any format as bytes: the text formats UTF-8 encoded, `pdf` the searchable PDF/A of the scan at
    `source` (the file `result` was converted from; `workers.output.pdfa`)."""
    if fmt == "pdf":
        from workers.output.pdfa import render_pdf

        return render_pdf(result, source, result.source.media_type)
    return render_result(result, fmt).encode("utf-8")


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("gongwen-ocr")
    except PackageNotFoundError:  # a source tree that was never installed
        return "0+unknown"
