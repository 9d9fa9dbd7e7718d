"""`gongwen clean FILE.txt|-`: the clean document from a text dump another tool made (no OCR).

    gongwen clean dump.txt                       clean text on stdout (one block per line)
    gongwen clean dump.txt --format md           Markdown
    cat dump.txt | gongwen clean - --format json -o doc.json

The input is text (UTF-8, UTF-16 with a BOM, or GB18030) from OCR, PDF-to-text or a Markdown
converter; `layout.repair.repair_text` rejoins what page breaks and hard wraps cut, drops markup and
page numbers, and types the blocks and fields exactly as the scan pipeline does (SPEC.md).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path
from typing import Any, BinaryIO

from workers.errors import CorruptInput, GongwenError, InputError, InputTooLarge, UnsupportedInput
from workers.settings import load_settings

TEXT_MEDIA_TYPE = "text/plain"
_BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"PK\x03\x04", b"GIF8")
_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("clean", help="repair a text dump of an official document (no OCR)",
                                   description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("input", metavar="FILE.txt|-", help="the text file, or - for standard input")
    parser.add_argument("--format", "-f", choices=("text", "md", "json"), default="text",
                        help="output format (default: text)")
    parser.add_argument("--output", "-o", type=Path, help="write here instead of standard output")
    parser.set_defaults(handler=run)


def decode_text(data: bytes) -> str:
    """The text of a dump: BOM-marked UTF-8/UTF-16, else UTF-8, else GB18030 (what Chinese tools write).

    Raises UnsupportedInput for a scan or other binary file, CorruptInput for bytes no encoding reads.
    """
    has_bom16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
    if data.startswith(_BINARY_MAGIC) or (b"\x00" in data[:4096] and not has_bom16):
        raise UnsupportedInput("not a text file (for scans and PDFs use `gongwen convert`)")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise CorruptInput(f"text marked as {encoding} does not decode: {exc.reason}") from exc
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CorruptInput("the text is neither UTF-8 nor GB18030")


def read_input(source: str, stdin: BinaryIO, max_bytes: int) -> tuple[bytes, str | None]:
    """(bytes, file name or None for standard input); refuses more than `max_bytes`."""
    if source == "-":
        data = stdin.read(max_bytes + 1)
        name = None
    else:
        path = Path(source)
        try:
            with path.open("rb") as handle:
                data = handle.read(max_bytes + 1)
        except OSError as exc:
            raise InputError(f"cannot read {source}: {exc.strerror or exc}") from exc
        name = path.name
    if len(data) > max_bytes:
        raise InputTooLarge(f"the text is larger than {max_bytes // (1024 * 1024)} MiB")
    return data, name


def render(text: str, fmt: str, *, filename: str | None, sha256: str) -> str:
    """Repair `text` and render it in `fmt` (text, md, or the SPEC JSON envelope)."""
    import layout
    from layout.repair import repair_text

    started = time.perf_counter()
    document = repair_text(text)
    elapsed = time.perf_counter() - started
    if fmt == "text":
        return layout.render_text(document)
    if fmt == "md":
        return layout.render_markdown(document)
    body = layout.document_to_dict(document)
    envelope: dict[str, Any] = {
        "source": {"filename": filename, "sha256": sha256, "media_type": TEXT_MEDIA_TYPE, "pages": None},
        "fields": body["fields"],
        "blocks": body["blocks"],
        "text": body["text"],
        "seals": body["seals"],
        "warnings": body["warnings"],
        "timings": {"repair_s": round(elapsed, 4)},
    }
    return json.dumps(envelope, ensure_ascii=False, indent=2) + "\n"


def run(args: argparse.Namespace) -> int:
    settings = load_settings()
    data, name = read_input(args.input, sys.stdin.buffer, settings.max_upload_mb * 1024 * 1024)
    output = render(decode_text(data), args.format, filename=name, sha256=hashlib.sha256(data).hexdigest())
    if args.output is None:
        sys.stdout.write(output)
        sys.stdout.flush()
    else:
        try:
            args.output.write_text(output, encoding="utf-8")
        except OSError as exc:
            raise GongwenError(f"cannot write {args.output}: {exc.strerror or exc}") from exc
    return 0
