"""workers.output.previews: the page previews the review page draws line boxes on (written during a conversion)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image

from layout.model import OcrLine
from workers.output.previews import (
    PREVIEW_LONG_SIDE_PX,
    PreviewWriter,
    encode_preview,
    list_previews,
    open_preview,
)
from workers.pipeline import convert_file
from workers.settings import Settings
from workers.storage.directory import Storage

MakePage = Callable[..., tuple[np.ndarray, Any]]


class NoTextEngine:
    def recognise(self, image: np.ndarray, page: int) -> list[OcrLine]:
        return []

    def recognise_crops(self, crops: Sequence[np.ndarray]) -> list[tuple[str, float]]:
        return [("", 0.0) for _ in crops]


def test_a_preview_keeps_the_aspect_and_states_its_scale() -> None:
    page = np.full((3508, 2480, 3), 255, dtype=np.uint8)  # A4 at 300 dpi
    page[1000:1100, 500:2000] = (0, 0, 200)
    data, scale = encode_preview(page)
    decoded = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    assert max(decoded.shape[:2]) == PREVIEW_LONG_SIDE_PX
    assert decoded.shape[1] == round(2480 * scale) and abs(decoded.shape[0] - 3508 * scale) <= 1
    y, x = round(1050 * scale), round(1250 * scale)  # the red bar is where the scale says
    assert decoded[y, x, 2] > 150 and decoded[y, x, 0] < 80
    small = np.full((600, 400, 3), 255, dtype=np.uint8)
    assert encode_preview(small)[1] == 1.0  # never enlarged


def test_convert_file_hands_every_upright_page_to_the_writer(
        tmp_path: Path, make_page: MakePage, turn: Callable[[np.ndarray, float], np.ndarray]) -> None:
    first, _ = make_page(dpi=100, body_rows=4, seal=None)
    second, _ = make_page(dpi=100, title=None, body_rows=6, seal=None)
    scan = tmp_path / "scan.tif"
    frames = [Image.fromarray(cv2.cvtColor(p, cv2.COLOR_BGR2RGB)) for p in (first, np.rot90(second).copy())]
    frames[0].save(scan, save_all=True, append_images=frames[1:], dpi=(100, 100))
    storage = Storage(tmp_path / "storage")
    storage.ensure()

    result = convert_file(scan, settings=Settings(cache_dir=tmp_path / "cache"), engine=NoTextEngine(),
                          page_image=PreviewWriter(storage, "ab" * 32))

    listed = list_previews(storage, "ab" * 32)
    assert [meta["page"] for meta in listed] == [1, 2]
    for meta, page in zip(listed, result.pages, strict=True):
        assert (meta["width"], meta["height"]) == (page.width, page.height)  # the frame of the line boxes
        blob = open_preview(storage, "ab" * 32, meta["page"])
        assert blob is not None
        data = b"".join(blob.chunks)
        assert data[:3] == b"\xff\xd8\xff" and len(data) == blob.size
        shown = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
        assert shown.shape[1] == round(page.width * meta["scale"])
    assert result.pages[1].rotation in (90, 270)
    assert listed[1]["height"] > listed[1]["width"]  # the turned page is stored upright
    assert open_preview(storage, "ab" * 32, 3) is None and open_preview(storage, "ab" * 32, 0) is None
    assert not list(storage.tmp_dir.iterdir())


def test_a_preview_that_cannot_be_written_does_not_fail_the_job(tmp_path: Path) -> None:
    blocker = tmp_path / "storage"
    blocker.write_text("a file where the storage folder should be")
    PreviewWriter(Storage(blocker), "cd" * 32)(1, np.zeros((40, 30, 3), np.uint8))  # logs, does not raise


def test_previews_are_swept_with_their_result(tmp_path: Path) -> None:
    storage = Storage(tmp_path)
    storage.ensure()
    storage.write_result("ef" * 32, {"text": "", "md": "", "json": "{}", "alto": "", "hocr": "", "pdf": b""})
    PreviewWriter(storage, "ef" * 32).save(1, np.zeros((40, 30, 3), np.uint8))
    sidecar = tmp_path / "previews" / "ef" / ("ef" * 32) / "page-001.json"
    assert json.loads(sidecar.read_text())["scale"] == 1.0
    assert storage.sweep(upload_ttl_s=3600, result_ttl_s=3600) == 0
    assert storage.sweep(upload_ttl_s=3600, result_ttl_s=3600, now=time.time() + 7200) == 2  # result + previews
    assert list_previews(storage, "ef" * 32) == [] and not storage.has_result("ef" * 32)
