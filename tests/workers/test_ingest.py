"""workers.image.ingest: every accepted format (files made here), colour normalisation, and every refusal."""

from __future__ import annotations

import hashlib
import io
import struct
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
from bad_scans import encrypted_pdf as encrypted_pdf_bytes  # tests/ is on sys.path under pytest
from PIL import Image

from workers.errors import CorruptInput, EncryptedPdf, InputError, InputTooLarge, UnsupportedInput
from workers.image.ingest import SourceDocument, open_document, sniff_media_type
from workers.settings import Settings

A4_PT = (595.0, 842.0)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(cache_dir=tmp_path / "cache")


def pages_of(path: Path, settings: Settings, dpi: int | None = None) -> list[np.ndarray]:
    with open_document(path, settings=settings, dpi=dpi) as document:
        return list(document.iter_pages())


def save_pdf(path: Path, sizes_pt: list[tuple[float, float]]) -> Path:
    pdf = pdfium.PdfDocument.new()
    for width, height in sizes_pt:
        pdf.new_page(width, height)
    pdf.save(str(path))
    pdf.close()
    return path


def encrypted_pdf(path: Path, user_password: bytes) -> Path:
    """A one-page PDF (a filled square) locked with `user_password` (see tests/bad_scans.py)."""
    path.write_bytes(encrypted_pdf_bytes(user_password))
    return path


def png_header_only(path: Path, width: int, height: int) -> Path:
    """A PNG that claims width×height pixels in its IHDR but carries no pixel data (a pixel bomb's shape)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b""))
    return path


# --- sniffing -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("head", "media_type"), [
    (b"%PDF-1.7\n", "application/pdf"),
    (b"\xef\xbb\xbf junk before the header %PDF-1.4\n", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "image/png"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
    (b"II*\x00\x08\x00", "image/tiff"),
    (b"MM\x00*\x00\x00", "image/tiff"),
    (b"BM6\x00\x00\x00", "image/bmp"),
    (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "image/webp"),
])
def test_sniff_knows_the_accepted_types(head: bytes, media_type: str) -> None:
    assert sniff_media_type(head) == media_type


@pytest.mark.parametrize(("head", "named"), [
    (b"PK\x03\x04\x14\x00", "ZIP"),
    (b"GIF89a", "GIF"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "OLE2"),
    (b"", "empty"),
    (b"\xe5\x85\xb3\xe4\xba\x8e\xe5\x81\x9a\xe5\xa5\xbd", "plain text"),
    (b"<!DOCTYPE html><html>", "HTML"),
    (b"\x00\x00\x00\x18ftypheic", "HEIC"),
])
def test_sniff_names_what_it_refuses(head: bytes, named: str) -> None:
    with pytest.raises(UnsupportedInput, match=named):
        sniff_media_type(head)


def test_a_zip_named_pdf_is_refused_as_zip(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "scan.pdf"
    buffer = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("page.txt", "not a scan")
    path.write_bytes(buffer.getvalue())
    with pytest.raises(UnsupportedInput, match="ZIP"):
        open_document(path, settings=settings)


# --- PDF ------------------------------------------------------------------------------------------------

def test_multi_page_pdf_renders_each_page_at_the_dpi(tmp_path: Path, settings: Settings) -> None:
    path = save_pdf(tmp_path / "a.pdf", [A4_PT, (A4_PT[1], A4_PT[0])])
    with open_document(path, settings=settings, dpi=100) as document:
        check_two_pages(document, path)


def check_two_pages(document: SourceDocument, path: Path) -> None:
    assert (document.media_type, document.page_count, document.dpi_of(1)) == ("application/pdf", 2, 100.0)
    assert document.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    pages = document.iter_pages()
    assert isinstance(pages, Iterator)
    first = next(pages)
    assert first.shape == (1170, 827, 3) and first.dtype == np.uint8  # 842 pt × 100/72, ceil
    assert next(pages).shape == (827, 1170, 3)
    assert next(pages, None) is None


def test_pdf_default_dpi_comes_from_settings(tmp_path: Path) -> None:
    path = save_pdf(tmp_path / "a.pdf", [(72.0, 144.0)])
    settings = Settings(cache_dir=tmp_path, dpi=150)
    with open_document(path, settings=settings) as document:
        assert document.dpi_of(0) == 150.0
    assert pages_of(path, settings)[0].shape == (300, 150, 3)


def test_pdf_pages_come_out_bgr(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "colour.pdf"
    Image.new("RGB", (100, 100), (255, 0, 0)).save(path, resolution=72)
    page = pages_of(path, settings, dpi=72)[0]
    assert tuple(int(v) for v in page[50, 50]) == pytest.approx((0, 0, 255), abs=3)


def test_pdf_page_over_the_pixel_limit_is_refused_before_rendering(tmp_path: Path) -> None:
    path = save_pdf(tmp_path / "big.pdf", [A4_PT])
    settings = Settings(cache_dir=tmp_path, max_pixels=3_000_000)  # A4 at 200 dpi ≈ 3.87 Mpx
    with pytest.raises(InputTooLarge, match="page 1 .* at 200 dpi"):
        open_document(path, settings=settings, dpi=200)
    assert pages_of(path, settings, dpi=150)[0].shape == (1755, 1240, 3)  # 2.2 Mpx passes


def test_pdf_with_more_pages_than_allowed_is_refused(tmp_path: Path) -> None:
    path = save_pdf(tmp_path / "long.pdf", [(100.0, 100.0)] * 3)
    with pytest.raises(InputTooLarge, match="3 pages"):
        open_document(path, settings=Settings(cache_dir=tmp_path, max_pages=2))


def _assert_empty(path: Path, settings: Settings) -> None:
    with open_document(path, settings=settings) as source:
        assert source.media_type == "application/pdf" and source.page_count == 0
        assert list(source.iter_pages()) == []


def test_pdf_without_pages_is_an_empty_document(tmp_path: Path, settings: Settings) -> None:
    _assert_empty(save_pdf(tmp_path / "empty.pdf", []), settings)


@pytest.mark.parametrize("before", ["corrupt", "encrypted"])
def test_pdf_without_pages_stays_empty_after_another_failure(tmp_path: Path, settings: Settings, before: str) -> None:
    """PDFium's last-error value is process-wide: an earlier failure must not turn "no pages" into an error."""
    if before == "corrupt":
        broken = tmp_path / "broken.pdf"
        broken.write_bytes(b"%PDF-1.7\n1 0 obj<</Type/Catalog>>endobj\ngarbage")
        with pytest.raises(CorruptInput):
            open_document(broken, settings=settings)
    else:
        with pytest.raises(EncryptedPdf):
            open_document(encrypted_pdf(tmp_path / "locked.pdf", user_password=b"secret"), settings=settings)
    _assert_empty(save_pdf(tmp_path / "empty.pdf", []), settings)


def test_password_protected_pdf_is_refused(tmp_path: Path, settings: Settings) -> None:
    path = encrypted_pdf(tmp_path / "locked.pdf", user_password=b"secret")
    with pdfium.PdfDocument(str(path), password="secret") as unlocked:  # the file itself is sound
        assert len(unlocked) == 1
    with pytest.raises(EncryptedPdf):
        open_document(path, settings=settings)


def test_pdf_encrypted_without_a_user_password_is_read(tmp_path: Path, settings: Settings) -> None:
    path = encrypted_pdf(tmp_path / "restricted.pdf", user_password=b"")
    page = pages_of(path, settings, dpi=72)[0]
    assert page.shape == (200, 200, 3)
    assert page[150, 50].max() < 50 and page[20, 150].min() > 200  # the black square, white around it


@pytest.mark.parametrize("keep", [0.5, 0.05])
def test_truncated_pdf_is_corrupt(tmp_path: Path, settings: Settings, keep: float) -> None:
    source = tmp_path / "whole.pdf"
    Image.new("L", (300, 300), 128).save(source, save_all=True, append_images=[Image.new("L", (300, 300), 0)])
    data = source.read_bytes()
    path = tmp_path / "cut.pdf"
    path.write_bytes(data[: int(len(data) * keep)])
    with pytest.raises(CorruptInput):
        pages_of(path, settings)


# --- images ---------------------------------------------------------------------------------------------

def test_multi_page_tiff_yields_every_frame_with_its_dpi(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "scan.tif"
    frames = [Image.new("L", (80, 100), 255), Image.new("L", (60, 90), 0), Image.new("RGB", (70, 70), (0, 0, 255))]
    frames[0].save(path, save_all=True, append_images=frames[1:], dpi=(300, 300), compression="tiff_lzw")
    with open_document(path, settings=settings) as document:
        assert (document.media_type, document.page_count, document.dpi_of(0)) == ("image/tiff", 3, 300.0)
        pages = list(document.iter_pages())
    assert [p.shape for p in pages] == [(100, 80, 3), (90, 60, 3), (70, 70, 3)]
    assert [tuple(int(v) for v in p[5, 5]) for p in pages] == [(255, 255, 255), (0, 0, 0), (255, 0, 0)]


def _scan_pages() -> list[Image.Image]:
    """A 1-bit page (a black-and-white scan), an 8-bit grey and a colour one, with some print on each."""
    grey = Image.new("L", (200, 280), 255)
    grey.paste(0, (40, 40, 160, 60))
    return [grey.convert("1"), grey, grey.convert("RGB")]


@pytest.mark.parametrize("name", ["scan.tif", "scan.pdf"])
def test_a_page_stored_as_1_bit_is_known_as_bilevel(tmp_path: Path, settings: Settings, name: str) -> None:
    """G4 TIFF frames and PDF pages whose scan image has one bit per pixel are bilevel; grey and colour not,
    whatever their pixels look like once decoded (the PDF is rendered at another dpi than it was scanned)."""
    path = tmp_path / name
    pages = _scan_pages()
    if name.endswith(".tif"):
        pages[0].save(path, save_all=True, append_images=pages[1:], dpi=(100, 100))
    else:
        pages[0].save(path, save_all=True, append_images=pages[1:], resolution=100.0)
    with open_document(path, settings=settings, dpi=150) as document:
        flags = []
        for index, _ in enumerate(document.iter_pages()):
            flags.append(document.bilevel_of(index))
    assert flags == [True, False, False]


def test_a_g4_tiff_is_bilevel(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "g4.tif"
    page = _scan_pages()[0]
    page.save(path, save_all=True, append_images=[page], compression="group4", dpi=(300, 300))
    with open_document(path, settings=settings) as document:
        assert [document.bilevel_of(index) for index, _ in enumerate(document.iter_pages())] == [True, True]


def test_tiff_with_more_frames_than_allowed_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "long.tif"
    Image.new("L", (10, 10)).save(path, save_all=True, append_images=[Image.new("L", (10, 10))] * 3)
    with pytest.raises(InputTooLarge, match="4 pages"):
        open_document(path, settings=Settings(cache_dir=tmp_path, max_pages=3))


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "BMP", "WEBP"])
def test_single_images_read_as_one_bgr_page(tmp_path: Path, settings: Settings, fmt: str) -> None:
    path = tmp_path / f"scan.{fmt.lower()}"
    Image.new("RGB", (64, 48), (200, 100, 50)).save(path, format=fmt, **({"lossless": True} if fmt == "WEBP" else {}))
    with open_document(path, settings=settings) as document:
        assert document.page_count == 1
        (page,) = list(document.iter_pages())
    assert page.shape == (48, 64, 3) and page.dtype == np.uint8 and page.flags["C_CONTIGUOUS"]
    assert tuple(int(v) for v in page[10, 10]) == pytest.approx((50, 100, 200), abs=4)


def _png(tmp_path: Path, image: Image.Image, **params: object) -> Path:
    path = tmp_path / f"{image.mode.replace(';', '_')}.png"
    image.save(path, **params)  # type: ignore[arg-type]
    return path


def test_colour_modes_become_bgr_uint8(tmp_path: Path, settings: Settings) -> None:
    grey = Image.new("L", (4, 4), 100)
    palette = Image.new("RGB", (4, 4), (0, 255, 0)).convert("P")
    clear = Image.new("RGBA", (4, 4), (0, 0, 0, 0))  # transparent: must read as white paper
    sixteen = Image.fromarray(np.full((4, 4), 65535 // 2, dtype=np.uint16))
    bilevel = Image.new("1", (4, 4), 0)
    expected = [(grey, (100, 100, 100)), (palette, (0, 255, 0)), (clear, (255, 255, 255)),
                (sixteen, (127, 127, 127)), (bilevel, (0, 0, 0))]
    for image, bgr in expected:
        (page,) = pages_of(_png(tmp_path, image), settings)
        assert page.shape == (4, 4, 3) and page.dtype == np.uint8, image.mode
        assert tuple(int(v) for v in page[1, 1]) == pytest.approx(bgr, abs=1), image.mode


def test_cmyk_jpeg_becomes_bgr(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "cmyk.jpg"
    Image.new("CMYK", (16, 16), (0, 255, 255, 0)).save(path, quality=95)  # pure red in CMYK
    (page,) = pages_of(path, settings)
    blue, green, red = (int(v) for v in page[8, 8])
    assert red > 200 and green < 60 and blue < 60


def test_jpeg_exif_orientation_is_applied(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "phone.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6  # stored sideways, shown turned 90° clockwise
    Image.new("RGB", (40, 20), "white").save(path, exif=exif)
    (page,) = pages_of(path, settings)
    assert page.shape == (40, 20, 3)


def test_image_dpi_from_metadata_or_none(tmp_path: Path, settings: Settings) -> None:
    with_dpi = tmp_path / "a.png"
    Image.new("L", (8, 8)).save(with_dpi, dpi=(200, 200))
    without = tmp_path / "b.png"
    Image.new("L", (8, 8)).save(without)
    with open_document(with_dpi, settings=settings) as document:
        assert document.dpi_of(0) == pytest.approx(200, abs=0.1)
    with open_document(without, settings=settings) as document:
        assert document.dpi_of(0) is None


@pytest.mark.parametrize(("width", "height"), [(100_000, 100_000), (10_000, 9_000)])
def test_pixel_bomb_png_is_refused_fast_without_warnings(
        tmp_path: Path, settings: Settings, width: int, height: int) -> None:
    # 10^10 px is past Pillow's own hard limit; 9×10^7 px only past its warning and our 8×10^7 limit
    path = png_header_only(tmp_path / "bomb.png", width, height)
    started = time.perf_counter()
    with pytest.raises(InputTooLarge):
        open_document(path, settings=settings)
    assert time.perf_counter() - started < 1.0  # does not hang: a header read takes ~1 ms; decoding would take seconds


def test_image_over_the_configured_pixel_limit_is_refused(tmp_path: Path) -> None:
    path = png_header_only(tmp_path / "big.png", 3000, 3000)
    with pytest.raises(InputTooLarge, match="3000×3000"):
        open_document(path, settings=Settings(cache_dir=tmp_path, max_pixels=1_000_000))


@pytest.mark.parametrize(("fmt", "suffix"), [("PNG", "png"), ("JPEG", "jpg")])
def test_truncated_image_is_corrupt(tmp_path: Path, settings: Settings, fmt: str, suffix: str) -> None:
    rng = np.random.default_rng(0)
    whole = io.BytesIO()
    Image.fromarray(rng.integers(0, 255, (200, 200, 3), dtype=np.uint8)).save(whole, format=fmt)
    path = tmp_path / f"cut.{suffix}"
    path.write_bytes(whole.getvalue()[: len(whole.getvalue()) // 2])
    with pytest.raises(CorruptInput):
        pages_of(path, settings)


def test_missing_file_is_an_input_error(tmp_path: Path, settings: Settings) -> None:
    with pytest.raises(InputError, match="cannot read"):
        open_document(tmp_path / "nowhere.pdf", settings=settings)
