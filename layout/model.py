"""The one data model for OCR output and documents.

Coordinate frame, stated once for the whole project: pixels of the *upright* page image (after the
preprocessing rotation and deskew), origin at the top-left corner, x to the right, y downwards. A `Box`
is axis-aligned with ``x0 <= x1`` and ``y0 <= y1``. Page numbers are 1-based.

Everything here is a frozen dataclass: the OCR adapter in `workers/` builds them at the boundary, the
layout rules only read them and build new ones. No raw dicts travel past the adapter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


@dataclass(frozen=True)
class Box:
    """Axis-aligned rectangle in upright-page pixels (top-left origin)."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2

    def union(self, other: Box) -> Box:
        return Box(min(self.x0, other.x0), min(self.y0, other.y0), max(self.x1, other.x1), max(self.y1, other.y1))

    def overlap_area(self, other: Box) -> float:
        """The area both boxes cover (0 when they do not overlap)."""
        width = min(self.x1, other.x1) - max(self.x0, other.x0)
        height = min(self.y1, other.y1) - max(self.y0, other.y0)
        return width * height if width > 0 and height > 0 else 0.0

    def as_list(self) -> list[float]:
        return [round(self.x0, 1), round(self.y0, 1), round(self.x1, 1), round(self.y1, 1)]


Point = tuple[float, float]


@dataclass(frozen=True)
class OcrLine:
    """One text line as the recogniser read it.

    `score` is the recogniser's confidence in [0, 1]; `red` is the fraction in [0, 1] of the line's
    ink pixels that are red (0 when no red mask was computed). `polygon` is the detector's quadrilateral
    (or polygon), clockwise from the top-left, in the same frame as `box`. `stroke` is the mean stroke
    width of the line's ink over its box height (dimensionless; bold type measures heavier than regular
    type of any size), measured on the page image (`workers.image.typography`); None when not measured.
    """

    text: str
    box: Box
    score: float = 1.0
    page: int = 1
    red: float = 0.0
    polygon: tuple[Point, ...] = ()
    stroke: float | None = None


@dataclass(frozen=True)
class Page:
    """The OCR result of one upright page.

    `rotation` is the clockwise rotation in degrees (0, 90, 180, 270) applied to the scan to make it
    upright; `skew` is the small correction in degrees (counter-clockwise positive) applied after it.
    `dpi` is the resolution the page was rendered or scanned at, when known. `page_quad`: when the page
    was a photo of a sheet, squared before anything else, the sheet's corners (top-left, top-right,
    bottom-right, bottom-left) in the source image's pixels; None for a page read as it came. `bilevel`: the
    page was stored as a 1-bit image (a black-and-white scan), whose threshold erases thin strokes.
    """

    number: int
    width: int
    height: int
    lines: tuple[OcrLine, ...] = ()
    rotation: int = 0
    skew: float = 0.0
    dpi: float | None = None
    seals: tuple[Seal, ...] = ()
    warnings: tuple[str, ...] = ()
    page_quad: tuple[tuple[float, float], ...] | None = None
    bilevel: bool = False


SEAL_FOUND_BY = ("colour", "shape")
"""How a seal was found: by its red ink, or by its ring's shape in the grey image (a grey or 1-bit scan)."""


@dataclass(frozen=True)
class Seal:
    """A stamp found on a page: its box (upright-page pixels), the text read inside it, if any, and how it
    was found (`SEAL_FOUND_BY`)."""

    page: int
    box: Box
    text: str = ""
    found_by: str = "colour"


class BlockType(str, Enum):
    """Block types of SPEC.md. A `str` Enum, so values survive JSON and Redis as plain strings."""

    MARKER = "marker"
    ISSUER_MARK = "issuer_mark"
    DOC_NUMBER = "doc_number"
    SIGNER = "signer"
    TITLE = "title"
    ADDRESSEE = "addressee"
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    ATTACHMENT = "attachment"
    SIGNATURE = "signature"
    DATE = "date"
    NOTE = "note"
    CONTACT = "contact"
    CC = "cc"
    PRINTED = "printed"
    OTHER = "other"


@dataclass(frozen=True)
class Block:
    """One block of the document: one line of the clean text.

    `level` is the heading level (1 for 一、, 2 for （一）, 3 for 1., 4 for （1）) and None otherwise.
    `lines` are the OCR lines the block was built from, in reading order (possibly from several pages).
    """

    type: BlockType
    text: str
    level: int | None = None
    lines: tuple[OcrLine, ...] = ()

    @property
    def pages(self) -> tuple[int, ...]:
        return tuple(sorted({line.page for line in self.lines}))


@dataclass(frozen=True)
class Fields:
    """The structured fields of SPEC.md. A field the document does not have is None (or empty)."""

    markers: tuple[str, ...] = ()
    issuer_mark: str | None = None
    issuers: tuple[str, ...] = ()
    doc_number: str | None = None
    signer: str | None = None
    title: str | None = None
    addressee: str | None = None
    attachments: tuple[str, ...] = ()
    signature: tuple[str, ...] = ()
    date: str | None = None
    note: str | None = None
    cc: tuple[str, ...] = ()
    printed_by: str | None = None
    printed_date: str | None = None


@dataclass(frozen=True)
class Document:
    """A rebuilt official document: ordered blocks, the fields, and what the rules had to warn about."""

    blocks: tuple[Block, ...] = ()
    fields: Fields = field(default_factory=Fields)
    seals: tuple[Seal, ...] = ()
    warnings: tuple[str, ...] = ()
