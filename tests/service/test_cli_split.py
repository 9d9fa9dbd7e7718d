"""`gongwen convert --split` as a user runs it (the installed console script, real OCR): a batch made of the
committed sample twice — two documents of one issuer back to back — the second fed upside down."""

from __future__ import annotations

import json
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image

from service.cli.convert import numbered_path, writes_a_folder
from tests.service.test_cli import SAMPLE, gongwen

RENDER_SCALE = 150 / 72
"""The sample's pages re-rendered at 150 dpi (PDF points are 1/72 inch)."""


def _sample_pages() -> list[Image.Image]:
    pdf = pdfium.PdfDocument(str(SAMPLE))
    return [pdf[i].render(scale=RENDER_SCALE).to_pil().convert("RGB") for i in range(len(pdf))]


def _pdf(images: list[Image.Image], path: Path) -> Path:
    images = [image.copy() for image in images]  # Pillow keeps a save's settings (append_images) on the image
    images[0].save(path, "PDF", save_all=True, append_images=images[1:], resolution=150.0, quality=90)
    return path


@pytest.mark.slow
def test_the_cli_splits_a_batch_and_each_document_equals_its_pages_alone(tmp_path: Path) -> None:
    pages = _sample_pages()
    flipped = [pages[0].rotate(180), *pages[1:]]
    scans = tmp_path / "scans"
    scans.mkdir()
    _pdf(pages + flipped, scans / "box.pdf")
    _pdf(pages, scans / "first.pdf")
    _pdf(flipped, scans / "second.pdf")
    out = tmp_path / "out"
    done = gongwen("convert", scans, "-o", out, "--format", "json", "--split", "--no-progress", timeout_s=1800)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.iterdir()) == ["box.1.json", "box.2.json", "first.1.json", "second.1.json"]
    parts = [json.loads((out / f"box.{n}.json").read_text(encoding="utf-8")) for n in (1, 2)]
    assert [p["pages"] for p in parts] == [[1, 3], [4, 6]]
    assert "page 4: rotated 180°" in parts[1]["warnings"]  # the orientation stage turned it before layout
    for part, alone_name, offset in ((parts[0], "first", 0), (parts[1], "second", 3)):
        alone = json.loads((out / f"{alone_name}.1.json").read_text(encoding="utf-8"))
        assert alone["pages"] == [1, 3]
        assert part["text"] == alone["text"]
        assert part["fields"] == alone["fields"]
        assert [[p - offset for p in b["pages"]] for b in part["blocks"]] == [b["pages"] for b in alone["blocks"]]
    assert parts[0]["fields"]["doc_number"] == parts[1]["fields"]["doc_number"] == "渝北卫健函〔2024〕117号"


def test_split_needs_a_text_format(tmp_path: Path) -> None:
    done = gongwen("convert", SAMPLE, "--split", "--format", "alto")
    assert done.returncode == 2
    assert done.stderr.startswith("gongwen: bad_input: --split renders text, md, json")


def test_where_split_documents_go(tmp_path: Path) -> None:
    (tmp_path / "existing").mkdir()
    (tmp_path / "old.txt").write_text("x")
    assert writes_a_folder(tmp_path / "existing") and writes_a_folder(tmp_path / "new")
    assert not writes_a_folder(tmp_path / "box.txt") and not writes_a_folder(tmp_path / "old.txt")
    assert numbered_path(Path("out/box.txt"), 2) == Path("out/box.2.txt")
    assert numbered_path(Path("out/box.alto.xml"), 10) == Path("out/box.10.alto.xml")
    assert numbered_path(Path("out/box.v2.json"), 1) == Path("out/box.v2.1.json")
