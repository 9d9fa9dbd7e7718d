"""`gongwen batch DIR -o OUTDIR` through a real Redis and a real worker: results as the API serves them,
and a rerun skips what is done."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest


@pytest.mark.slow
def test_batch_writes_each_result_and_a_rerun_skips_them(
        queue_settings: Any, workers: Any, gongwen: Any, make_scan: Callable[..., Path], tmp_path: Path) -> None:
    scans = tmp_path / "scans"
    (scans / "sub").mkdir(parents=True)
    for name, variant in (("a.png", 200), ("sub/b.png", 201)):
        (scans / name).write_bytes(make_scan(f"cli-{variant}.png", variant=variant).read_bytes())
    (scans / "notes.txt").write_text("not a scan")
    out = tmp_path / "out"
    workers.start()
    first = gongwen("batch", scans, "-o", out, "--no-progress")
    assert first.returncode == 0, first.stderr.decode()
    assert "2 written, 0 already done, 0 failed" in first.stderr.decode()
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.txt"))
    assert written == ["a.txt", "sub/b.txt"]
    assert "（200）" in (out / "a.txt").read_text() or "200" in (out / "a.txt").read_text()
    second = gongwen("batch", scans, "-o", out, "--no-progress")
    assert second.returncode == 0
    assert "0 written, 2 already done, 0 failed" in second.stderr.decode()
    # the searchable PDF comes out of the same finished jobs (every rendering is kept): no new OCR
    pdfs = gongwen("batch", scans, "-o", out, "--no-progress", "--format", "pdf")
    assert pdfs.returncode == 0, pdfs.stderr.decode()
    assert "2 written, 0 already done, 0 failed" in pdfs.stderr.decode()
    import pypdfium2 as pdfium

    layer = pdfium.PdfDocument(out / "a.pdf")[0].get_textpage().get_text_range()
    assert "".join(layer.split()) and "".join(layer.split())[:4] in "".join((out / "a.txt").read_text().split())


@pytest.mark.slow
def test_batch_split_gives_each_scan_its_documents(workers: Any, gongwen: Any, tmp_path: Path) -> None:
    from tests.service.test_cli_split import _pdf, _sample_pages

    scans = tmp_path / "scans"
    scans.mkdir()
    pages = _sample_pages()
    _pdf(pages + pages, scans / "box.pdf")
    out = tmp_path / "out"
    workers.start()
    done = gongwen("batch", scans, "-o", out, "--no-progress", "--split", timeout_s=1800)
    assert done.returncode == 0, done.stderr.decode()
    documents = (out / "box.txt").read_text(encoding="utf-8").split("=" * 40 + "\n")
    assert len(documents) == 2 and documents[0] == documents[1]
    assert documents[0].splitlines()[1] == "重庆市渝北区卫生健康委员会文件"
