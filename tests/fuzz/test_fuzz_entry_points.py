"""Fuzzing the two doors untrusted bytes come through: the scan ingest and the text repair.

- ingest: real small files (PNG, JPEG, grey and colour multi-frame TIFF, BMP, WebP, a PDF with text)
  mutated by hypothesis (bytes flipped, overwritten, inserted, deleted, the file cut short), then what a
  worker does before OCR: `sniff_media_type`, `open_document` (validation) and decoding the first page.
- text repair: what POST /v1/clean and `gongwen clean` do with a body: `decode_text` on raw bytes (random
  bytes, and document-like text in UTF-8, GB18030, UTF-16 with a BOM), `repair_text`, and all three renderings.

The contract: every input either works or raises a `workers.errors.GongwenError` (a named refusal);
any other exception is a failure. Each test counts the inputs it ran and asserts the count, so the
figure in the closing note (INGEST_EXAMPLES + REPAIR_EXAMPLES ≥ 10,000) is what actually ran.
Hypothesis keeps no example database here (`database=None`): each run is a fresh random sample.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from bad_scans import pdf_from_objects  # tests/ is on sys.path under pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw

from workers.errors import GongwenError
from workers.settings import Settings

INGEST_EXAMPLES = 6000
REPAIR_EXAMPLES = 5000


def fuzz_settings(examples: int) -> settings:
    """`examples` generated inputs, no deadline per input (a busy machine), no example database."""
    return settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))


def _seed_files() -> dict[str, bytes]:
    """Small real files of every accepted type (a few KB each, so mutations hit headers and data alike)."""
    page = Image.new("RGB", (96, 64), "white")
    draw = ImageDraw.Draw(page)
    draw.rectangle((10, 10, 80, 20), fill=(20, 20, 20))
    draw.rectangle((10, 30, 60, 40), fill=(200, 30, 30))
    seeds: dict[str, bytes] = {}
    for name, image, fmt, extra in (
        ("png", page, "PNG", {}), ("png-grey", page.convert("L"), "PNG", {}),
        ("png-palette", page.convert("P"), "PNG", {}), ("jpeg", page, "JPEG", {"quality": 70}),
        ("bmp", page, "BMP", {}), ("webp", page, "WEBP", {}),
        ("tiff", page, "TIFF", {"compression": "tiff_lzw", "save_all": True,
                                "append_images": [page.convert("L"), page.convert("1")]}),
        ("tiff-g4", page.convert("1"), "TIFF", {"compression": "group4"}),
        ("tiff-raw", page, "TIFF", {}),
    ):
        buffer = io.BytesIO()
        image.save(buffer, fmt, **extra)
        seeds[name] = buffer.getvalue()
    seeds["pdf"] = _small_pdf()
    return seeds


def _small_pdf() -> bytes:
    """A one-page PDF with a text object, a filled path and an uncompressed content stream."""
    content = b"BT /F1 12 Tf 10 40 Td (gongwen) Tj ET 0 0 1 rg 10 10 50 8 re f"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 144 72] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>"),
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return pdf_from_objects(objects)


SEEDS = _seed_files()
_MUTATION = st.one_of(
    st.tuples(st.just("flip"), st.integers(0, 1 << 20), st.integers(1, 255)),
    st.tuples(st.just("put"), st.integers(0, 1 << 20), st.binary(min_size=1, max_size=16)),
    st.tuples(st.just("insert"), st.integers(0, 1 << 20), st.binary(min_size=1, max_size=64)),
    st.tuples(st.just("delete"), st.integers(0, 1 << 20), st.integers(1, 64)),
    st.tuples(st.just("cut"), st.integers(0, 1 << 20), st.just(0)),
    st.tuples(st.just("number"), st.integers(0, 1 << 20), st.sampled_from([0, 1, 255, 0xFFFF, 0x7FFFFFFF, 0xFFFFFFFF])),
)


def mutate(data: bytes, mutations: list[tuple[str, int, object]]) -> bytes:
    out = bytearray(data)
    for kind, where, what in mutations:
        at = where % (len(out) + 1)
        if kind == "flip" and at < len(out):
            out[at] ^= int(what)  # type: ignore[call-overload]
        elif kind == "put":
            out[at:at + len(what)] = what  # type: ignore[arg-type]
        elif kind == "insert":
            out[at:at] = what  # type: ignore[index]
        elif kind == "delete":
            del out[at:at + int(what)]  # type: ignore[call-overload]
        elif kind == "cut":
            del out[at:]
        elif kind == "number":
            out[at:at + 4] = int(what).to_bytes(4, "big")  # type: ignore[call-overload]
    return bytes(out)


def ingest_once(path: Path, data: bytes, settings_: Settings) -> str:
    """What a worker does before OCR; returns 'ok' or the error code. Anything else propagates."""
    from workers.image.ingest import open_document, sniff_media_type

    path.write_bytes(data)
    try:
        sniff_media_type(data[:1024])
        with open_document(path, settings=settings_, dpi=50) as document:
            first = next(iter(document.iter_pages()), None)
            assert first is None or (first.dtype == np.uint8 and first.ndim == 3 and first.shape[2] == 3)
            document.dpi_of(0)
        return "ok"
    except GongwenError as exc:
        return exc.code


@pytest.mark.slow
def test_fuzz_ingest_only_named_errors(tmp_path: Path) -> None:
    # small caps so a mutated header that claims a huge page is refused, not decoded (that is the feature)
    limits = Settings(cache_dir=tmp_path / "cache", max_pixels=4_000_000, max_pages=64)
    path = tmp_path / "upload"
    outcomes: dict[str, int] = {}
    for name, data in SEEDS.items():  # every seed is itself a good file
        assert ingest_once(path, data, limits) == "ok", name

    @fuzz_settings(INGEST_EXAMPLES)
    @given(seed=st.sampled_from(sorted(SEEDS)), mutations=st.lists(_MUTATION, min_size=1, max_size=4))
    def run(seed: str, mutations: list[tuple[str, int, object]]) -> None:
        code = ingest_once(path, mutate(SEEDS[seed], mutations), limits)
        outcomes[code] = outcomes.get(code, 0) + 1

    run()
    ran = sum(outcomes.values())
    print(f"\nfuzz ingest: {ran} mutated files, outcomes {dict(sorted(outcomes.items()))}")
    assert ran >= INGEST_EXAMPLES
    assert outcomes.get("ok", 0) > 0 and outcomes.get("corrupt_input", 0) > 0  # both kinds were reached


_DOC_CHARS = list("关于做好防汛工作的通知各镇人民政府街道办事处现将有关事项如下请认真贯彻落实一二三四五六七八九十〇"
                  "（）〔〕【】《》，。、；：？！“”‘’—…·0123456789号年月日抄送印发附件联系人电话")
_DOC_TOKENS = _DOC_CHARS + ["\n", "\n\n", " ", "\u3000", "\t", "\r\n", "— 1 —", "- 2 -", "〔2024〕", "17号"]
_DOC_TEXT = st.lists(st.sampled_from(_DOC_TOKENS), max_size=300).map("".join)
_ANY_TEXT = st.text(max_size=300)


@pytest.mark.slow
def test_fuzz_text_repair_only_named_errors() -> None:
    from service.cli.clean import decode_text, render

    outcomes: dict[str, int] = {}

    @fuzz_settings(REPAIR_EXAMPLES)
    @given(body=st.one_of(
        _DOC_TEXT.map(lambda t: t.encode("utf-8")),
        _DOC_TEXT.map(lambda t: t.encode("gb18030")),
        _DOC_TEXT.map(lambda t: t.encode("utf-16")),  # with a BOM
        _ANY_TEXT.map(lambda t: t.encode("utf-8", "surrogatepass")),
        st.binary(max_size=300),
    ), fmt=st.sampled_from(["text", "md", "json"]))
    def run(body: bytes, fmt: str) -> None:
        try:
            out = render(decode_text(body), fmt, filename="dump.txt", sha256="0" * 64)
            assert isinstance(out, str)
            code = "ok"
        except GongwenError as exc:
            code = exc.code
        outcomes[code] = outcomes.get(code, 0) + 1

    run()
    ran = sum(outcomes.values())
    print(f"\nfuzz text repair: {ran} bodies, outcomes {dict(sorted(outcomes.items()))}")
    assert ran >= REPAIR_EXAMPLES
    assert outcomes.get("ok", 0) > REPAIR_EXAMPLES // 2
