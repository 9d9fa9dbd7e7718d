"""Bad scans for the reliability tests, built on the fly (nothing binary committed).

`build_bad_scans(folder)` → {name: BadScan(path, code, at)}: `code` is the stable error code both
`gongwen convert` and the API must give, `at` says where it is found: "validation" (the API refuses the
upload at submit, the CLI before loading any model) or "decode" (the file opens; decoding its page fails,
in the worker or the CLI).
Reached through the `bad_scans` fixture of tests/conftest.py.
"""

from __future__ import annotations

import hashlib
import io
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw

SAMPLE_PDF = Path(__file__).parents[1] / "fixtures" / "samples" / "sample_reply.pdf"


@dataclass(frozen=True)
class BadScan:
    path: Path
    code: str
    at: str  # "validation" | "decode"


def _page() -> Image.Image:
    page = Image.new("RGB", (800, 600), "white")
    draw = ImageDraw.Draw(page)
    for row in range(8):
        draw.rectangle((60, 60 + row * 60, 700, 90 + row * 60), fill=(25, 25, 25))
    return page


def _encoded(image: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def pdf_from_objects(objects: list[bytes], trailer_extra: bytes = b"") -> bytes:
    """A PDF file from its numbered objects (object 1 is the catalog), with a correct xref table."""
    """A PDF file from its numbered objects (1 is the catalog), with a correct xref table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, trailer_extra, xref)
    return bytes(out)


def huge_page_pdf(inches: float = 200.0) -> bytes:
    """One page of inches × inches (14,400 pt: PDF's own maximum page side) — 40,000² pixels at 200 dpi."""
    side = int(inches * 72)
    return pdf_from_objects([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                 b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] >>" % (side, side)])


def zero_page_pdf() -> bytes:
    return pdf_from_objects([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"])


_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


def _rc4(key: bytes, data: bytes) -> bytes:
    s, j = list(range(256)), 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    out, i, j = bytearray(), 0, 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(byte ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


def encrypted_pdf(user_password: bytes = b"secret", owner_password: bytes = b"owner") -> bytes:
    """A one-page PDF (a filled black square) under the standard security handler (RC4 40-bit, R2; PDF 1.7
    §7.6.3 algorithms 2, 3 and 4). With an empty user password it opens without one (owner-only lock)."""
    file_id, permissions = b"0123456789abcdef", -4

    def padded(password: bytes) -> bytes:
        return (password + _PAD)[:32]

    owner_entry = _rc4(hashlib.md5(padded(owner_password)).digest()[:5], padded(user_password))
    key = hashlib.md5(padded(user_password) + owner_entry + struct.pack("<i", permissions) + file_id).digest()[:5]
    user_entry = _rc4(key, _PAD)
    content = _rc4(hashlib.md5(key + (4).to_bytes(3, "little") + (0).to_bytes(2, "little")).digest()[:10],
                   b"0 0 0 rg 20 20 100 100 re f")
    return pdf_from_objects([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                 b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>",
                 b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
                 b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P %d >>"
                 % (owner_entry.hex().encode(), user_entry.hex().encode(), permissions)],
                b"/Encrypt 5 0 R /ID [<%s> <%s>] " % (file_id.hex().encode(), file_id.hex().encode()))


def bomb_png(side: int = 30_000) -> bytes:
    """A complete, decodable 1-bit side×side PNG (~100 KB on disk, 2.7 GB as 8-bit RGB once decoded)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" + b"\xff" * ((side + 7) // 8)  # filter byte + white pixels
    squeeze = zlib.compressobj(9)
    data = b"".join(squeeze.compress(row * 1000) for _ in range(side // 1000)) + squeeze.flush()
    ihdr = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def many_frame_tiff(frames: int = 5000) -> bytes:
    """A little-endian TIFF of `frames` 8×8 bilevel frames sharing one strip (written by hand: Pillow's
    save_all takes ~40 s for 5,000 frames)."""
    strip_at, first_ifd = 8, 16
    entry_count, ifd_size = 8, 2 + 8 * 12 + 4
    out = bytearray(b"II*\x00" + struct.pack("<I", first_ifd) + b"\xff" * 8)
    for index in range(frames):
        here = first_ifd + index * ifd_size
        following = here + ifd_size if index + 1 < frames else 0
        entries = [(256, 3, 8), (257, 3, 8), (258, 3, 1), (259, 3, 1), (262, 3, 1), (273, 4, strip_at),
                   (278, 3, 8), (279, 4, 8)]
        out += struct.pack("<H", entry_count)
        out += b"".join(struct.pack("<HHII", tag, kind, 1, value) for tag, kind, value in entries)
        out += struct.pack("<I", following)
    return bytes(out)


def build_bad_scans(folder: Path) -> dict[str, BadScan]:
    folder.mkdir(parents=True, exist_ok=True)
    page = _page()
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("doc.pdf", SAMPLE_PDF.read_bytes())
    sample = SAMPLE_PDF.read_bytes()
    png, jpeg = _encoded(page, "PNG"), _encoded(page, "JPEG", quality=80)
    tiff = _encoded(page, "TIFF")  # uncompressed: header and frame directory first, pixels after
    specs: dict[str, tuple[str, bytes, str, str]] = {
        "zip_named_pdf": ("scan.pdf", zipped.getvalue(), "unsupported_type", "validation"),
        "text_named_png": ("scan.png", "这不是扫描件\n".encode() * 20, "unsupported_type", "validation"),
        "empty_file": ("empty.pdf", b"", "unsupported_type", "validation"),
        "truncated_pdf": ("cut.pdf", sample[: len(sample) // 2], "corrupt_input", "validation"),
        "garbage_tiff": ("bad.tif", b"II*\x00" + bytes(range(256)) * 4, "corrupt_input", "validation"),
        "encrypted_pdf": ("locked.pdf", encrypted_pdf(), "encrypted_pdf", "validation"),
        "pdf_200_inch_page": ("huge.pdf", huge_page_pdf(), "too_large", "validation"),
        "png_30000_square": ("bomb.png", bomb_png(), "too_large", "validation"),
        "tiff_5000_frames": ("many.tif", many_frame_tiff(), "too_large", "validation"),
        "truncated_png": ("cut.png", png[: len(png) // 2], "corrupt_input", "decode"),
        "truncated_jpeg": ("cut.jpg", jpeg[: len(jpeg) // 2], "corrupt_input", "decode"),
        "truncated_tiff": ("cut.tif", tiff[: len(tiff) // 2], "corrupt_input", "decode"),
    }
    out = {}
    for name, (filename, data, code, at) in specs.items():
        path = folder / name / filename
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
        out[name] = BadScan(path, code, at)
    return out
