"""`python -m bench.scanmodes`: a corpus folder's documents as an archive scanner in another mode gives them.

    python -m bench.scanmodes --corpus DIR --out DIR --mode gray|bw|dither

Archives scan in 8-bit grayscale or 1-bit black and white far more often than in colour. From each
document's scanned colour pages this writes the same pages as
- `gray`: 8-bit luminance (ITU-R 601, what a grey scanner records), JPEG q80, in `doc.pdf` and `doc.tif`;
- `bw`: 1-bit, a fixed threshold at half the paper's level (a scanner's default), CCITT G4 in `doc.tif`
  and in `doc.pdf`;
- `dither`: 1-bit, Floyd–Steinberg error diffusion (a scanner's "photo" setting), G4 as `bw`.
The truth files (`truth.txt`, `fields.json`, `splits.json`, `meta.json`) are copied unchanged, so
`bench.seals --corpus OUT --input doc.tif` scores the result against the same truth.
"""

from __future__ import annotations

import argparse
import io
import json
import shutil
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image

MODES = ("gray", "bw", "dither")
TRUTH_FILES = ("truth.txt", "fields.json", "splits.json", "meta.json")
GRAY_JPEG_QUALITY = 80
PAPER_PERCENTILE = 90
"""The paper's level: this percentile of the page's grey values (ink covers far less than a tenth)."""


def to_mode(rgb: np.ndarray, mode: str) -> Image.Image:
    """One scanned colour page (H×W×3 uint8 RGB) in `mode` (see the module doc)."""
    gray = Image.fromarray(rgb).convert("L")  # L = 0.299 R + 0.587 G + 0.114 B
    if mode == "gray":
        buffer = io.BytesIO()
        gray.save(buffer, "JPEG", quality=GRAY_JPEG_QUALITY)
        return Image.open(io.BytesIO(buffer.getvalue())).convert("L")
    if mode == "bw":
        level = float(np.percentile(np.asarray(gray), PAPER_PERCENTILE)) / 2
        return gray.point(lambda v: 255 if v > level else 0).convert("1", dither=Image.Dither.NONE)
    if mode == "dither":
        return gray.convert("1", dither=Image.Dither.FLOYDSTEINBERG)
    raise ValueError(f"unknown mode {mode!r}; expected one of {', '.join(MODES)}")


def convert_folder(src: Path, dst: Path, mode: str) -> int:
    """Write `src`'s document in `mode` to `dst` (see the module doc); returns the page count."""
    meta = json.loads((src / "meta.json").read_text(encoding="utf-8"))
    dpi = int(meta["dpi"])
    pages = []
    for page in meta["pages"]:
        with Image.open(src / page["file"]) as image:
            pages.append(to_mode(np.asarray(image.convert("RGB")), mode))
    dst.mkdir(parents=True, exist_ok=True)
    compression = "jpeg" if mode == "gray" else "group4"
    pages[0].save(dst / "doc.tif", save_all=True, append_images=pages[1:], compression=compression, dpi=(dpi, dpi))
    pages[0].save(dst / "doc.pdf", save_all=True, append_images=pages[1:], resolution=float(dpi))
    for name in TRUTH_FILES:
        if (src / name).is_file():
            shutil.copy2(src / name, dst / name)
    return len(pages)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scanmodes", description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--mode", choices=MODES, required=True)
    args = parser.parse_args(argv)
    folders = sorted(p for p in args.corpus.iterdir() if (p / "meta.json").is_file())
    for folder in folders:
        count = convert_folder(folder, args.out / folder.name, args.mode)
        print(f"{folder.name}: {count} pages ({args.mode})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
