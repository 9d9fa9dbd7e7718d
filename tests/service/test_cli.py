"""`gongwen convert` as a user runs it: the installed console script in a subprocess."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageDraw, ImageFont

GONGWEN = Path(sys.executable).parent / "gongwen"
SAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "samples" / "sample_reply.pdf"
FONT = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"


def gongwen(*args: object, timeout_s: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(GONGWEN), *map(str, args)], capture_output=True, text=True, timeout=timeout_s,
                          check=False)


def one_error_line(done: subprocess.CompletedProcess[str], code: str) -> str:
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"gongwen: {code}: "), lines[0]
    assert done.stdout == ""
    return lines[0]


def test_version() -> None:
    done = gongwen("--version")
    assert done.returncode == 0 and done.stdout.startswith("gongwen ")


def test_a_zip_named_pdf_exits_with_its_code(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(b"PK\x03\x04" + bytes(60))
    done = gongwen("convert", path)
    assert done.returncode == 3
    assert "ZIP" in one_error_line(done, "unsupported_type")


def test_a_truncated_pdf_exits_with_its_code(tmp_path: Path) -> None:
    whole = tmp_path / "whole.pdf"
    Image.new("L", (300, 300), 128).save(whole)
    path = tmp_path / "cut.pdf"
    path.write_bytes(whole.read_bytes()[:200])
    done = gongwen("convert", path, "--format", "json")
    assert done.returncode == 4
    one_error_line(done, "corrupt_input")


def test_an_empty_pdf_gives_an_empty_result_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "empty.pdf"
    pdfium.PdfDocument.new().save(str(path))
    done = gongwen("convert", path, "--format", "json")
    assert done.returncode == 0, done.stderr
    envelope = json.loads(done.stdout)
    assert envelope["source"]["pages"] == 0 and envelope["blocks"] == [] and envelope["text"] == ""
    assert envelope["warnings"] == ["the document has no pages"]


def test_a_pixel_bomb_exits_with_its_code(tmp_path: Path) -> None:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    path = tmp_path / "bomb.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 60000, 60000, 8, 2, 0, 0, 0))
                     + chunk(b"IEND", b""))
    done = gongwen("convert", path)
    assert done.returncode == 6
    one_error_line(done, "too_large")


def test_a_missing_file_and_a_folder_without_output_are_bad_input(tmp_path: Path) -> None:
    done = gongwen("convert", tmp_path / "nowhere.pdf")
    assert done.returncode == 2
    one_error_line(done, "bad_input")
    done = gongwen("convert", tmp_path)
    assert done.returncode == 2
    assert "-o OUTDIR" in one_error_line(done, "bad_input")


def test_bad_arguments_are_usage_errors() -> None:
    done = gongwen("convert", SAMPLE, "--dpi", "5")
    assert done.returncode == 2 and "--dpi" in done.stderr and done.stdout == ""


@pytest.mark.slow
def test_convert_prints_the_spec_envelope_on_a_clean_stdout() -> None:
    done = gongwen("convert", SAMPLE, "--format", "json")
    assert done.returncode == 0, done.stderr
    envelope = json.loads(done.stdout)  # nothing but the JSON on stdout (progress goes to stderr)
    assert envelope["source"]["filename"] == "sample_reply.pdf" and envelope["source"]["pages"] == 3
    assert envelope["source"]["media_type"] == "application/pdf" and len(envelope["source"]["sha256"]) == 64
    assert envelope["fields"]["doc_number"] == "渝北卫健函〔2024〕117号"
    assert {"ingest_s", "preprocess_s", "ocr_s", "layout_s"} <= set(envelope["timings"])  # SPEC's; stages may add
    lines = [line for block in envelope["blocks"] for line in block["lines"]]
    assert lines and all(len(line["bbox"]) == 4 and 0.0 <= line["score"] <= 1.0 for line in lines)
    assert {line["page"] for line in lines} == {1, 2, 3}
    assert envelope["text"].startswith("公开\n")
    assert "Creating model" not in done.stderr


def _scan(path: Path, text: str) -> Path:
    page = Image.new("RGB", (1240, 400), "white")
    ImageDraw.Draw(page).text((100, 150), text, font=ImageFont.truetype(FONT, size=44, index=2), fill=(20, 20, 20))
    page.save(path)
    return path


@pytest.mark.slow
def test_a_folder_keeps_going_past_a_bad_file(tmp_path: Path) -> None:
    scans, out = tmp_path / "scans", tmp_path / "out"
    scans.mkdir()
    _scan(scans / "good.png", "各镇人民政府，各街道办事处：")
    (scans / "bad.pdf").write_bytes(b"PK\x03\x04" + bytes(60))
    (scans / "notes.txt").write_text("not a scan")
    done = gongwen("convert", scans, "-o", out, "--format", "md", "--no-progress")
    assert done.returncode == 3, done.stderr
    assert sorted(p.name for p in out.iterdir()) == ["good.md"]
    assert "各镇人民政府" in (out / "good.md").read_text(encoding="utf-8")
    assert f"gongwen: {scans / 'bad.pdf'}: unsupported_type:" in done.stderr
    assert done.stderr.splitlines()[-1] == "gongwen: 1 converted, 1 failed"
    assert done.stdout == ""


@pytest.mark.slow
def test_output_to_an_existing_folder_is_named_after_the_scan(tmp_path: Path) -> None:
    scan = _scan(tmp_path / "来文.png", "各镇人民政府，各街道办事处：")
    (tmp_path / "out").mkdir()
    done = gongwen("convert", scan, "-o", tmp_path / "out")
    assert done.returncode == 0, done.stderr
    assert "各镇人民政府" in (tmp_path / "out" / "来文.txt").read_text(encoding="utf-8")
    assert done.stdout == ""
