"""Page previews for the review page: one downscaled JPEG per upright page, written by the job.

The worker has each upright, deskewed page in hand while it converts (the frame the result's line boxes
are in, see `layout.model`); `PreviewWriter` saves a copy whose long side is at most PREVIEW_LONG_SIDE_PX,
next to a small JSON sidecar with the page's size and the scale factor, so the browser draws a line's
`bbox` at `bbox × scale` on the preview. Layout under `settings.storage_dir`:

    previews/<aa>/<result key>/page-001.jpg    the preview
    previews/<aa>/<result key>/page-001.json   {"page": 1, "width": W, "height": H, "scale": s}

Previews share the result's content address, so a deduplicated job shows the same pages, and
`Storage.sweep` deletes them with the results (same TTL). Each file is written to `tmp/` and renamed into
place (a reader never sees half a file); the JSON goes last, so a listed page always has its image.
Previews are a convenience: failing to write one never fails a job.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
from pathlib import Path
from typing import Any

from workers.storage import Storage

log = logging.getLogger(__name__)

PREVIEW_LONG_SIDE_PX = 1400
"""Long side of a preview: sharp enough to read a 16 pt line beside its box on a laptop screen."""
PREVIEW_JPEG_QUALITY = 80
"""JPEG quality: an A4 page at 1400 px is ~200–300 KB."""
MAX_PAGE_NUMBER = 100_000
"""Page numbers outside 1..this are refused before touching the file system."""


def preview_dir(storage: Storage, key: str) -> Path:
    return storage.root / "previews" / key[:2] / key


def _name(number: int, suffix: str) -> str:
    return f"page-{number:03d}.{suffix}"


def _write_atomic(storage: Storage, final: Path, data: bytes) -> None:
    storage.tmp_dir.mkdir(parents=True, exist_ok=True)
    tmp = storage.tmp_dir / secrets.token_hex(12)
    try:
        tmp.write_bytes(data)
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, final)
    finally:
        tmp.unlink(missing_ok=True)


def encode_preview(image: Any) -> tuple[bytes, float]:
    """JPEG bytes of `image` (BGR uint8), long side at most PREVIEW_LONG_SIDE_PX, and the scale applied."""
    import cv2  # the worker side only: the API reads the files and never decodes images

    height, width = image.shape[:2]
    scale = min(1.0, PREVIEW_LONG_SIDE_PX / max(height, width, 1))
    if scale < 1.0:
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        image = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
        scale = size[0] / width  # the scale actually applied, from the rounded width
    ok, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, PREVIEW_JPEG_QUALITY])
    if not ok:
        raise ValueError("JPEG encoding failed")
    return encoded.tobytes(), scale


class PreviewWriter:
    """`page_image(number, image)` callback for `workers.pipeline.convert_file`: saves each page's preview."""

    def __init__(self, storage: Storage, key: str) -> None:
        self.storage, self.key = storage, key

    def __call__(self, number: int, image: Any) -> None:
        try:
            self.save(number, image)
        except (OSError, ValueError) as exc:  # a missing preview must not cost the user the conversion
            log.warning("page %d: preview not saved (%s)", number, exc)

    def save(self, number: int, image: Any) -> None:
        data, scale = encode_preview(image)
        height, width = image.shape[:2]
        folder = preview_dir(self.storage, self.key)
        _write_atomic(self.storage, folder / _name(number, "jpg"), data)
        meta = {"page": number, "width": int(width), "height": int(height), "scale": round(scale, 6)}
        _write_atomic(self.storage, folder / _name(number, "json"), json.dumps(meta).encode())


def list_previews(storage: Storage, key: str) -> list[dict[str, Any]]:
    """The pages that have a preview, in page order: {page, width, height, scale}."""
    folder = preview_dir(storage, key)
    pages = []
    for sidecar in sorted(folder.glob("page-*.json")) if folder.is_dir() else ():
        try:
            meta = json.loads(sidecar.read_text())
        except (OSError, ValueError):
            continue
        pages.append({k: meta[k] for k in ("page", "width", "height", "scale")})
    return sorted(pages, key=lambda meta: int(meta["page"]))


def preview_path(storage: Storage, key: str, number: int) -> Path | None:
    """The preview JPEG of page `number`, or None when there is none."""
    if not 1 <= number <= MAX_PAGE_NUMBER:
        return None
    path = preview_dir(storage, key) / _name(number, "jpg")
    return path if path.is_file() else None
