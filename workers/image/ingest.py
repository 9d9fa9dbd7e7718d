"""Reading a scan: file type by magic bytes, validation before any decoding, then pages one at a time.

    open_document(path, settings=…, dpi=…) → SourceDocument     validates, decodes nothing
    SourceDocument.iter_pages()                                  BGR uint8 H×W×3 pages, one at a time

Accepted: PDF (rendered with PDFium at `dpi`, default `settings.dpi`), TIFF (every frame a page), PNG,
JPEG, BMP, WebP (first frame). Refused before decoding, each with its `workers.errors` class: an unknown
or unsupported type (UnsupportedInput, naming what it is when we can tell), a password-protected PDF
(EncryptedPdf), more than `settings.max_pages` pages or a page over `settings.max_pixels` pixels at the
render resolution (InputTooLarge), a file the decoder cannot read (CorruptInput; a truncated image may
only show this when its page is decoded). A PDF with no pages is no error: a document of zero pages.

Pixel depth and colour are normalised: grey, palette, alpha (composited over white), 16-bit and CMYK
pages all come out as 8-bit BGR. A JPEG's EXIF orientation is applied, as an image viewer would.
"""

from __future__ import annotations

import hashlib
import re
import struct
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol, Self

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from workers.errors import CorruptInput, EncryptedPdf, InputError, InputTooLarge, UnsupportedInput
from workers.settings import Settings

PDF, TIFF, PNG, JPEG, BMP, WEBP = (
    "application/pdf", "image/tiff", "image/png", "image/jpeg", "image/bmp", "image/webp")
SNIFF_BYTES = 1024
"""Bytes read to tell the type: PDF allows its header anywhere in the first 1024 bytes."""
POINTS_PER_INCH = 72.0
PLAUSIBLE_DPI = (50.0, 2400.0)
"""Image resolution metadata outside this range is a placeholder (0, 1, 72 from screenshots…), not a scan's."""
_PIL_FORMATS = {TIFF: "TIFF", PNG: "PNG", JPEG: "JPEG", BMP: "BMP", WEBP: "WEBP"}

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", PNG), (b"\xff\xd8\xff", JPEG), (b"II*\x00", TIFF), (b"MM\x00*", TIFF),
    (b"II+\x00", TIFF), (b"MM\x00+", TIFF), (b"BM", BMP),
)
_UNSUPPORTED: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a ZIP archive (or a ZIP-based file: .docx, .xlsx, .ofd)"), (b"PK\x05\x06", "an empty ZIP archive"),
    (b"\xd0\xcf\x11\xe0", "an OLE2 file (.doc, .xls, .ppt)"), (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"), (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"), (b"Rar!", "a RAR archive"),
    (b"\x00\x00\x00\x0cjP  ", "a JPEG 2000 image"), (b"\xff\x4f\xff\x51", "a JPEG 2000 codestream"),
    (b"AT&TFORM", "a DjVu document"), (b"%!PS", "a PostScript file"), (b"{\\rtf", "an RTF document"),
    (b"8BPS", "a Photoshop image"),
)

# PDFium is not thread-safe; the API may count pages in several threads of one process.
_PDFIUM_LOCK = threading.Lock()


def sniff_media_type(head: bytes) -> str:
    """The media type of a file from its first bytes; UnsupportedInput (naming what it is, if known) otherwise."""
    if any(head.startswith(magic) for magic, _ in _UNSUPPORTED):
        # before the PDF search: a ZIP that stores a PDF uncompressed has "%PDF-" in its first bytes too
        raise UnsupportedInput(f"not a PDF, TIFF, PNG, JPEG, BMP or WebP file: {_describe(head)}")
    if b"%PDF-" in head[:SNIFF_BYTES]:
        return PDF
    for magic, media_type in _SIGNATURES:
        if head.startswith(magic):
            return media_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    raise UnsupportedInput(f"not a PDF, TIFF, PNG, JPEG, BMP or WebP file: {_describe(head)}")


def _describe(head: bytes) -> str:
    if not head:
        return "the file is empty"
    for magic, what in _UNSUPPORTED:
        if head.startswith(magic):
            return f"it is {what}"
    if head[4:8] == b"ftyp":
        return f"it is an ISO media file ({head[8:12].decode('ascii', 'replace').strip()}: HEIC/AVIF/MP4)"
    stripped = head.lstrip()
    if stripped[:1] == b"<":
        return "it is HTML/XML text"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:  # a cut-off multibyte character at the end is still text
            return f"unknown content starting with {head[:8].hex(' ')}"
    return "it is plain text"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


class SourceDocument(Protocol):
    """An opened, validated scan. Close it (or use it as a context manager): it holds the file open."""

    media_type: str
    page_count: int
    sha256: str

    def iter_pages(self) -> Iterator[np.ndarray]: ...

    def dpi_of(self, page_index: int) -> float | None: ...

    def bilevel_of(self, page_index: int) -> bool:
        """The page is stored as a 1-bit image (a black-and-white scan, CCITT G4 or JBIG2): known once
        `iter_pages` has yielded it."""
        ...

    def close(self) -> None: ...

    def __enter__(self) -> Self: ...

    def __exit__(self, *exc_info: object) -> None: ...


class _Closing:
    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def open_document(path: Path, *, settings: Settings, dpi: int | None = None) -> SourceDocument:
    """Open and validate a scan (see the module doc); nothing is decoded until `iter_pages`."""
    try:
        with path.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError as exc:
        raise InputError(f"cannot read {path.name}: {exc.strerror or exc}") from exc
    media_type = sniff_media_type(head)
    sha256 = _sha256(path)
    if media_type == PDF:
        return PdfSource(path, sha256, settings, dpi or settings.dpi)
    return ImageSource(path, sha256, media_type, settings)


def _check_pixels(width: float, height: float, page_number: int, settings: Settings, what: str) -> None:
    if width * height > settings.max_pixels:
        raise InputTooLarge(
            f"page {page_number} is {width:.0f}×{height:.0f} pixels{what}, more than the limit of "
            f"{settings.max_pixels:,} (GONGWEN_MAX_PIXELS)")


def _check_page_count(count: int, settings: Settings) -> None:
    if count > settings.max_pages:
        raise InputTooLarge(f"the document has {count} pages, more than the limit of {settings.max_pages} (GONGWEN_MAX_PAGES)")


_EMPTY_PAGE_TREE_RE = re.compile(rb"/Count\s*0\s*/Kids\s*\[\s*\]|/Kids\s*\[\s*\]\s*/Count\s*0")
_PAGE_OBJECT_RE = re.compile(rb"/Type\s*/Page(?!s)")
EMPTY_TREE_SCAN_BYTES = 4 << 20
"""How much of a PDF that PDFium refused is searched for an empty page tree (bytes)."""


def _has_empty_page_tree(path: Path) -> bool:
    """True for a PDF whose page tree is `/Count 0 /Kids []` and that has no page object.

    PDFium refuses such a file without a specific error code (and its last-error value is process-wide,
    so it may even name an earlier failure); the file itself says whether it is empty rather than corrupt.
    """
    with path.open("rb") as handle:
        head = handle.read(EMPTY_TREE_SCAN_BYTES)
    return bool(_EMPTY_PAGE_TREE_RE.search(head)) and not _PAGE_OBJECT_RE.search(head)


class PdfSource(_Closing):
    """A PDF, rendered page by page with PDFium at `dpi`."""

    media_type = PDF

    def __init__(self, path: Path, sha256: str, settings: Settings, dpi: int) -> None:
        import pypdfium2 as pdfium
        import pypdfium2.raw as pdfium_c

        self.sha256, self.dpi = sha256, dpi
        self._bilevel: dict[int, bool] = {}
        with _PDFIUM_LOCK:
            try:
                self._pdf: pdfium.PdfDocument | None = pdfium.PdfDocument(str(path))
            except pdfium.PdfiumError as exc:
                # first: PDFium sets no error code for an empty page tree, so err_code is then whatever an
                # earlier failure in this process left (an encrypted file read before would say "password")
                if _has_empty_page_tree(path):  # PDFium refuses a sound file whose page tree is empty:
                    self._pdf, self.page_count = None, 0  # an empty document, not an error (no pages to read)
                    return
                if exc.err_code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
                    raise EncryptedPdf("the PDF is password-protected; remove the password and try again") from exc
                raise CorruptInput(f"the PDF cannot be read ({exc})") from exc
            try:
                self.page_count = len(self._pdf)
                _check_page_count(self.page_count, settings)
                for index in range(self.page_count):
                    width, height = self._pdf.get_page_size(index)
                    scale = dpi / POINTS_PER_INCH
                    _check_pixels(width * scale, height * scale, index + 1, settings, f" at {dpi} dpi")
            except pdfium.PdfiumError as exc:
                self._pdf.close()
                raise CorruptInput(f"the PDF cannot be read ({exc})") from exc
            except BaseException:
                self._pdf.close()
                raise

    def dpi_of(self, page_index: int) -> float | None:
        return float(self.dpi)

    def bilevel_of(self, page_index: int) -> bool:
        return self._bilevel.get(page_index, False)

    def iter_pages(self) -> Iterator[np.ndarray]:
        import pypdfium2 as pdfium

        for index in range(self.page_count):
            with _PDFIUM_LOCK:
                try:
                    page = self._pdf[index]
                    try:
                        self._bilevel[index] = _scanned_bilevel(page)
                        bitmap = page.render(scale=self.dpi / POINTS_PER_INCH)
                        image = np.array(bitmap.to_numpy(), dtype=np.uint8, copy=True)
                    finally:
                        page.close()
                except pdfium.PdfiumError as exc:
                    raise CorruptInput(f"page {index + 1} of the PDF cannot be rendered ({exc})") from exc
            yield _bgr_from_pdfium(image)

    def close(self) -> None:
        if self._pdf is not None:
            with _PDFIUM_LOCK:
                self._pdf.close()


SCAN_IMAGE_SHARE = 0.5
"""A PDF page is a scan of its largest image when that image covers at least this share of the page."""


def _scanned_bilevel(page: Any) -> bool:
    """The PDF page's largest image covers most of it (SCAN_IMAGE_SHARE) and has one bit per pixel."""
    import pypdfium2.raw as pdfium_c

    width, height = page.get_size()
    largest, bits = 0.0, 0
    for image in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=1):
        x0, y0, x1, y1 = image.get_bounds()
        area = max(0.0, x1 - x0) * max(0.0, y1 - y0)
        if area > largest:
            largest, bits = area, image.get_metadata().bits_per_pixel
    return bits == 1 and largest >= SCAN_IMAGE_SHARE * width * height


def _bgr_from_pdfium(image: np.ndarray) -> np.ndarray:
    if image.ndim == 2:
        return np.ascontiguousarray(np.repeat(image[:, :, None], 3, axis=2))
    return np.ascontiguousarray(image[:, :, :3])


class ImageSource(_Closing):
    """A raster image read with Pillow: every frame of a TIFF, the first frame of anything else."""

    def __init__(self, path: Path, sha256: str, media_type: str, settings: Settings) -> None:
        self.sha256, self.media_type = sha256, media_type
        self._bilevel: dict[int, bool] = {}
        self._image = _pil_open(path, media_type)
        try:
            count = _frame_count(self._image, settings.max_pages) if media_type == TIFF else 1
            if count > settings.max_pages:  # counted only up to the cap
                raise InputTooLarge(f"the TIFF has {count} pages or more, more than the limit of {settings.max_pages} "
                                    "(GONGWEN_MAX_PAGES)")
            _check_page_count(count, settings)
            self.page_count = count
            self._dpis = [self._frame_dpi(i, settings) for i in range(count)]
        except BaseException:
            self._image.close()
            raise

    def _frame_dpi(self, index: int, settings: Settings) -> float | None:
        """Seek to frame `index` (reads its header only), check its size, return its resolution."""
        _seek(self._image, index)
        width, height = self._image.size
        _check_pixels(width, height, index + 1, settings, "")
        return _plausible_dpi(self._image.info.get("dpi"))

    def dpi_of(self, page_index: int) -> float | None:
        return self._dpis[page_index]

    def bilevel_of(self, page_index: int) -> bool:
        return self._bilevel.get(page_index, False)

    def iter_pages(self) -> Iterator[np.ndarray]:
        for index in range(self.page_count):
            _seek(self._image, index)
            self._bilevel[index] = self._image.mode == "1"
            yield _decode_frame(self._image, index + 1)

    def close(self) -> None:
        self._image.close()


_PIL_FAILURES = (OSError, EOFError, SyntaxError, ValueError, KeyError, IndexError, TypeError, struct.error,
                 ZeroDivisionError)
"""What Pillow raises on a damaged file (found by tests/fuzz: a mutated TIFF tag gives KeyError, SyntaxError…)."""


@contextmanager
def _quiet_pillow() -> Iterator[None]:
    """Our max_pixels check decides, and the decoder's result: Pillow's bomb warning and its warnings about
    damaged metadata ("Corrupt EXIF data", "Tag data larger than file") must not leak (pytest: warnings are errors)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        warnings.simplefilter("ignore", UserWarning)
        yield


def _frame_count(image: Image.Image, cap: int) -> int:
    """Frames of a TIFF, or cap + 1 when it has more than `cap` (then the page cap refuses it): reads at
    most cap + 1 frame headers, decodes nothing. A file of millions of tiny frames costs no more than one
    just over the cap (Pillow's n_frames would walk all of them)."""
    try:
        with _quiet_pillow():
            for index in range(1, cap + 1):  # frame by frame: after a failed far seek Pillow miscounts
                try:
                    image.seek(index)
                except EOFError:
                    image.seek(0)
                    return index
            return cap + 1
    except Image.DecompressionBombError as exc:
        raise InputTooLarge(f"a page is too large to decode safely ({exc})") from exc
    except _PIL_FAILURES as exc:
        raise CorruptInput(f"the TIFF's pages cannot be counted ({exc})") from exc


def _pil_open(path: Path, media_type: str) -> Image.Image:
    try:
        with _quiet_pillow():
            return Image.open(path, formats=[_PIL_FORMATS[media_type]])
    except Image.DecompressionBombError as exc:
        raise InputTooLarge(f"the image is too large to decode safely ({exc})") from exc
    except (UnidentifiedImageError, *_PIL_FAILURES) as exc:
        raise CorruptInput(f"the {_PIL_FORMATS[media_type]} image cannot be read ({exc})") from exc


def _seek(image: Image.Image, index: int) -> None:
    try:
        with _quiet_pillow():
            image.seek(index)
    except Image.DecompressionBombError as exc:
        raise InputTooLarge(f"page {index + 1} is too large to decode safely ({exc})") from exc
    except _PIL_FAILURES as exc:
        raise CorruptInput(f"page {index + 1} of the image cannot be read ({exc})") from exc


def _plausible_dpi(raw: object) -> float | None:
    if not isinstance(raw, tuple) or not raw:
        return None
    try:
        value = float(raw[0])
    except (TypeError, ValueError):
        return None
    return value if PLAUSIBLE_DPI[0] <= value <= PLAUSIBLE_DPI[1] else None


def _decode_frame(image: Image.Image, page_number: int) -> np.ndarray:
    """The current frame as BGR uint8 (decoded here; truncation shows up now as CorruptInput)."""
    try:
        with _quiet_pillow():
            image.load()
            frame = ImageOps.exif_transpose(image) if image.format == "JPEG" else image
            rgb = _to_rgb8(frame)
    except Image.DecompressionBombError as exc:
        raise InputTooLarge(f"page {page_number} is too large to decode safely ({exc})") from exc
    except _PIL_FAILURES as exc:
        raise CorruptInput(f"page {page_number} of the image cannot be decoded ({exc})") from exc
    return np.ascontiguousarray(rgb[:, :, ::-1])


def _to_rgb8(image: Image.Image) -> np.ndarray:
    """Any Pillow mode → H×W×3 uint8 RGB; transparency is composited over white paper."""
    mode = image.mode
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        grey = np.asarray(image, dtype=np.float64)
        top = 65535.0 if grey.max(initial=0) > 255 else 255.0
        return _grey_to_rgb((grey * (255.0 / top)).clip(0, 255).astype(np.uint8))
    if mode == "F":
        grey = np.asarray(image, dtype=np.float64)
        scale = 255.0 if grey.max(initial=0) <= 1.0 else 1.0
        return _grey_to_rgb((grey * scale).clip(0, 255).astype(np.uint8))
    if mode in ("RGBA", "LA", "PA", "RGBa", "La") or (mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return np.asarray(Image.alpha_composite(paper, rgba).convert("RGB"))
    if mode == "L":
        return _grey_to_rgb(np.asarray(image))
    return np.asarray(image.convert("RGB") if mode != "RGB" else image)


def _grey_to_rgb(grey: np.ndarray) -> np.ndarray:
    return np.repeat(grey[:, :, None], 3, axis=2)
