"""bench.service's pure helpers: nearest-rank percentiles, rates, distinct padded PNG uploads."""

from __future__ import annotations

import hashlib
import io
import math
from pathlib import Path

import pytest
from PIL import Image

from bench.service import corpus_documents, padded_png, per_minute, percentile


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(100, 0, -1)]  # 100 … 1, unsorted on purpose
    assert percentile(values, 0.50) == 50.0
    assert percentile(values, 0.99) == 99.0
    assert percentile(values, 1.0) == 100.0
    assert percentile([7.0], 0.99) == 7.0
    assert percentile([1.0, 2.0, 3.0], 0.5) == 2.0
    with pytest.raises(ValueError):
        percentile([], 0.5)


def test_per_minute() -> None:
    assert per_minute(76, 120.0) == 38.0
    assert math.isnan(per_minute(3, 0.0))


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.linear_gradient("L").resize((300, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_padded_pngs_are_valid_distinct_and_of_the_size_asked() -> None:
    base = _png()
    first, second = padded_png(base, 1, 50_000), padded_png(base, 2, 50_000)
    assert len(first) == len(second) == 50_000
    assert hashlib.sha256(first).digest() != hashlib.sha256(second).digest()
    for data in (first, second):
        with Image.open(io.BytesIO(data)) as image:
            image.load()  # decodes: chunk CRCs and order are right
            assert image.size == (300, 200)
            assert image.tobytes() == Image.open(io.BytesIO(base)).tobytes()
    with pytest.raises(ValueError):
        padded_png(base, 1, len(base))


def test_corpus_documents_sorted_and_limited(tmp_path: Path) -> None:
    for name in ("b", "a", "c"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "doc.pdf").write_bytes(b"%PDF")
    (tmp_path / "d").mkdir()  # no doc.pdf: not a document
    assert [p.parent.name for p in corpus_documents(tmp_path, None)] == ["a", "b", "c"]
    assert [p.parent.name for p in corpus_documents(tmp_path, 2)] == ["a", "b"]
