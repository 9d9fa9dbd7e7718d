"""Page previews for the review page: one downscaled JPEG per upright page, written by the job.

The worker has each upright, deskewed page in hand while it converts (the frame the result's line boxes
are in, see `layout.model`); `PreviewWriter` saves a copy whose long side is at most PREVIEW_LONG_SIDE_PX,
next to a small JSON sidecar with the page's size and the scale factor, so the browser draws a line's
`bbox` at `bbox × scale` on the preview. Stored as named files of the result (`put_named("previews", …)`,
the same in a directory or a bucket); in the directory:

    previews/<aa>/<result key>/page-001.jpg    the preview
    previews/<aa>/<result key>/page-001.json   {"page": 1, "width": W, "height": H, "scale": s}

Previews share the result's content address, so a deduplicated job shows the same pages, and
`sweep` deletes them with the results (same TTL). Each file is written atomically (a reader never sees
half a file); the JSON goes last, so a listed page always has its image.
Previews are a convenience: failing to write one never fails a job.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

from workers.errors import GongwenError
from workers.storage.directory import Blob

if TYPE_CHECKING:
    from workers.storage.backend import StorageBackend

log = logging.getLogger(__name__)

PREVIEW_LONG_SIDE_PX = 1400
"""Long side of a preview: sharp enough to read a 16 pt line beside its box on a laptop screen."""
PREVIEW_JPEG_QUALITY = 80
"""JPEG quality: an A4 page at 1400 px is ~200–300 KB."""
MAX_PAGE_NUMBER = 100_000
"""Page numbers outside 1..this are refused before touching the file system."""


def _name(number: int, suffix: str) -> str:
    return f"page-{number:03d}.{suffix}"


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

    def __init__(self, storage: StorageBackend, key: str) -> None:
        self.storage, self.key = storage, key

    def __call__(self, number: int, image: Any) -> None:
        try:
            self.save(number, image)
        except (OSError, ValueError, GongwenError) as exc:  # a missing preview must not cost the conversion
            log.warning("page %d: preview not saved (%s)", number, exc)

    def save(self, number: int, image: Any) -> None:
        data, scale = encode_preview(image)
        height, width = image.shape[:2]
        self.storage.put_named("previews", self.key, _name(number, "jpg"), data)
        meta = {"page": number, "width": int(width), "height": int(height), "scale": round(scale, 6)}
        self.storage.put_named("previews", self.key, _name(number, "json"), json.dumps(meta).encode())


def list_previews(storage: StorageBackend, key: str) -> list[dict[str, Any]]:
    """The pages that have a preview, in page order: {page, width, height, scale}."""
    pages = []
    for name in storage.list_named("previews", key):
        if not (name.startswith("page-") and name.endswith(".json")):
            continue
        try:
            meta = json.loads(storage.get_named("previews", key, name) or b"")
        except (OSError, ValueError):
            continue
        pages.append({k: meta[k] for k in ("page", "width", "height", "scale")})
    return sorted(pages, key=lambda meta: int(meta["page"]))


def open_preview(storage: StorageBackend, key: str, number: int) -> Blob | None:
    """The preview JPEG of page `number` for streaming, or None when there is none."""
    if not 1 <= number <= MAX_PAGE_NUMBER:
        return None
    return storage.open_named("previews", key, _name(number, "jpg"))
