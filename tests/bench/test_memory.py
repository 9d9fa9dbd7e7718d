"""bench.memory: its inputs (a long PDF of real pages, small job images) and its RSS readings."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pypdfium2 as pdfium

from bench.memory import CROPS, make_job_inputs, make_long_pdf, peak_rss_mb, rss_mb


def test_rss_readings_are_plausible() -> None:
    before = rss_mb()
    block = np.ones(64 << 20, np.uint8)  # 64 MiB touched
    assert rss_mb() > before + 50
    assert peak_rss_mb() >= rss_mb() - 1
    del block


def test_long_pdf_has_the_pages_asked_for(tmp_path: Path) -> None:
    pdf = pdfium.PdfDocument(str(make_long_pdf(tmp_path / "long.pdf", 7)))
    try:
        assert len(pdf) == 7
        width, height = pdf.get_page_size(6)
        assert abs(width - 595) < 2 and abs(height - 842) < 2  # A4 in points
    finally:
        pdf.close()


def test_job_inputs_are_small_pages_of_different_sizes(tmp_path: Path) -> None:
    import cv2

    paths = make_job_inputs(tmp_path)
    shapes = {cv2.imread(str(path)).shape for path in paths}
    assert len(paths) == len(CROPS) == len(shapes)
    assert all(h * w < 2339 * 1654 for h, w, _ in shapes)
