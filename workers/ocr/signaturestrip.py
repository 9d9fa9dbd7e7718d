"""Colour-free: the signature line over a date under a seal found by shape, read from a strip of its own.

GB/T 9704 7.3.5 sets the 发文机关署名 on the line right above the 成文日期, and the seal presses on both. On a
grey or 1-bit page the ring, its text and its star are as dark as the print, and the detector, reading the
page shrunk or a square crop around the seal (`secondlook.missed_under_rings`), can miss a letter-spaced
signature altogether while it finds the date under it (v3 seed_002 1-bit: `重庆市渝北区卫生健康委员会`, set
letter-spaced from left of the seal into it, not one box on the page or the crop). Cut out as a strip one
line high across the page, just above the date, the same ink is found and read at once: the ring's arcs
and the star cross the strip only as short strokes, and nothing above or below competes.

So for each seal found by shape with a date line under it and no line on the row above the date within the
seal's reach, that strip is detected and read; level readings of three characters or more there, not on the
ring, no date themselves, become lines of the page. The layout fits them to the issuer's spelling
(`layout.tail.repair_signature`, `fit_signature`), and the seal's second look reads them again.

Sizes are in units of the page's body line height (`lh`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from layout.geometry import text_units
from layout.lines import on_seal_ring, tilt_degrees
from layout.model import Box, OcrLine
from workers.image.seals import SealRegion
from workers.ocr.engine import OcrEngine

STRIP_TOP_LH = 1.9
"""The strip starts this far above the date's top: the line above it (line pitch ≈ 1.8 lh in GB/T 9704's
grid of 22 lines) with a little paper over it..."""
STRIP_GAP_LH = 0.05
"""...and ends this close over the date, so the date's own strokes stay out."""
MIN_UNITS = 3.0
"""A reading shorter than this (a ring character, a star's point read as a sign) is no body's name."""
MAX_TILT_DEG = 5.0
"""A reading bent further than this follows the ring."""
MAX_HEIGHT_LH = 1.8
"""A box taller than this is the ring's arc read as one box (it stands across the strip)..."""
LINE_ASPECT = MIN_UNITS
"""...unless it lies along the strip, this many times wider than tall and no taller than the strip: a name
of MIN_UNITS characters or more whose box the detector drew out to the strip's whole height (a 1-bit page at
200 dpi: 山东省人力资源和社会保障厅 in a box 1.85 lh tall and 7 times as wide). The ring's sides cross a strip one line high nearly upright."""
REACH_R = 1.0
"""A signature reaches at most this many seal radii out of the seal's box (a long or letter-spaced name set
from left of the seal into it); further out the strip holds other print."""
COVERED = 0.5
"""A reading whose box a line of the page covers this much is that line, already read."""

_DATE_LIKE_RE = re.compile(r"[\d〇○零一二三四五六七八九十]\s*年.*月|月\s*[\d一二三四五六七八九十]{1,3}\s*日")


def is_date_like(text: str) -> bool:
    """A date line, whole or damaged (`24年5月7日`, `二〇二四年五月`): 年 then 月, or a day before 日."""
    return bool(_DATE_LIKE_RE.search(text))


def signature_band(date: Box, seal: Box, body_height: float, width: int) -> Box:
    """The strip over `date` where its signature stands, across the seal's reach (see the module doc) and a
    radius more on the left, so the detector sees paper before the name's first character."""
    radius = seal.width / 2
    return Box(max(0.0, seal.x0 - REACH_R * radius - radius), max(0.0, date.y0 - STRIP_TOP_LH * body_height),
               min(float(width), seal.x1 + REACH_R * radius), date.y0 - STRIP_GAP_LH * body_height)


def _reaches_seal(line: Box, seal: Box) -> bool:
    radius = seal.width / 2
    return line.x1 > seal.x0 - REACH_R * radius and line.x0 < seal.x1


def is_signature_reading(line: OcrLine, band: Box, seal: Box, lines: Sequence[OcrLine], body_height: float) -> bool:
    """A reading in the strip that can be the missing signature (see the module doc)."""
    text = line.text.strip()
    box = line.box
    return (text_units(text) >= MIN_UNITS and any("\u4e00" <= ch <= "\u9fff" for ch in text)
            and not is_date_like(text) and tilt_degrees(line) <= MAX_TILT_DEG
            and (box.height <= MAX_HEIGHT_LH * body_height
                 or box.height <= band.height + 1 and box.width >= LINE_ASPECT * box.height)
            and band.y0 <= box.cy <= band.y1
            and _reaches_seal(box, seal) and not on_seal_ring(line, seal)
            and sum(box.overlap_area(other.box) for other in lines) < COVERED * box.width * box.height)


def missed_over_dates(lines: Sequence[OcrLine], image: np.ndarray, seals: Sequence[SealRegion], engine: OcrEngine,
                      page: int, body_height: float) -> list[OcrLine]:
    """The signature lines the page's looks missed over the dates under its shape seals, in page pixels."""
    if not getattr(engine, "reads_any_image", False):
        return []  # a replay of recorded pages has nothing to detect on a strip
    width = image.shape[1]
    added: list[OcrLine] = []
    for seal in (s for s in seals if s.found_by == "shape"):
        dates = [ln for ln in lines if is_date_like(ln.text) and ln.box.overlap_area(seal.box) > 0]
        for date in dates[:1]:
            band = signature_band(date.box, seal.box, body_height, width)
            if band.y1 - band.y0 < 1 or any(band.y0 <= ln.box.cy <= band.y1 and _reaches_seal(ln.box, seal.box)
                                            for ln in [*lines, *added]):
                continue  # a line stands there: the seal's second look reads it
            for line in read_band(engine, image, band, page):
                if is_signature_reading(line, band, seal.box, [*lines, *added], body_height):
                    added.append(line)
    return added


def read_band(engine: OcrEngine, image: np.ndarray, band: Box, page: int) -> list[OcrLine]:
    """The lines the engine detects and reads in `band` of `image`, in page pixels (text stripped, no red)."""
    x0, y0, x1, y1 = int(band.x0), int(band.y0), int(np.ceil(band.x1)), int(np.ceil(band.y1))
    lines = []
    for found in engine.recognise(np.ascontiguousarray(image[y0:y1, x0:x1]), page):
        moved = Box(found.box.x0 + x0, found.box.y0 + y0, found.box.x1 + x0, found.box.y1 + y0)
        polygon = tuple((x + x0, y + y0) for x, y in found.polygon)
        lines.append(replace(found, text=found.text.strip(), box=moved, polygon=polygon, page=page, red=0.0))
    return lines


DATE_STRIP_LH = 1.9
"""The date stands on the line under the signature (GB/T 9704 7.3.5): a strip this many body line heights
from the signature's foot holds it..."""
DATE_STRIP_GAP_LH = 0.05
"""...starting this close under the signature, so the name's own strokes stay out."""


def signature_over_seal(lines: Sequence[OcrLine], seal: Box, body_height: float) -> OcrLine | None:
    """The lowest line on `seal` that can be its signature: characters, MIN_UNITS long, level, one line high
    and no date; None when there is none. (It only places the strip: a piece of the ring's text taken for it
    puts the strip inside the seal, where no date-like reading is found.)"""
    names = [ln for ln in lines if ln.box.overlap_area(seal) > 0 and text_units(ln.text.strip()) >= MIN_UNITS
             and any("\u4e00" <= ch <= "\u9fff" for ch in ln.text) and not is_date_like(ln.text)
             and tilt_degrees(ln) <= MAX_TILT_DEG and ln.box.height <= MAX_HEIGHT_LH * body_height]
    return max(names, key=lambda ln: ln.box.y1, default=None)


def date_band(signature: Box, seal: Box, body_height: float, width: int) -> Box:
    """The strip under `signature` where its date stands, across the signature and the seal's reach."""
    radius = seal.width / 2
    return Box(max(0.0, min(signature.x0, seal.x0) - radius), signature.y1 + DATE_STRIP_GAP_LH * body_height,
               min(float(width), max(signature.x1, seal.x1) + radius), signature.y1 + DATE_STRIP_LH * body_height)


def missed_under_signatures(lines: Sequence[OcrLine], image: np.ndarray, seals: Sequence[SealRegion],
                            engine: OcrEngine, page: int, body_height: float) -> list[OcrLine]:
    """The dates the page's looks missed under the signatures on its shape seals, in page pixels: for each
    seal found by shape with a signature line on it and no date-like line in the strip under it, that strip
    is detected and read; date-like readings there become lines of the page (the layout repairs a year the
    ring cut: `24年5月17日`)."""
    if not getattr(engine, "reads_any_image", False):
        return []  # a replay of recorded pages has nothing to detect on a strip
    height, width = image.shape[:2]
    added: list[OcrLine] = []
    for seal in (s for s in seals if s.found_by == "shape"):
        signature = signature_over_seal(lines, seal.box, body_height)
        if signature is None:
            continue
        band = date_band(signature.box, seal.box, body_height, width)
        if band.y1 > height or any(is_date_like(ln.text) and band.y0 <= ln.box.cy <= band.y1 + body_height
                                   for ln in [*lines, *added]):
            continue  # a date stands there already (or the page ends)
        for line in read_band(engine, image, band, page):
            covered = sum(line.box.overlap_area(other.box) for other in [*lines, *added])
            if (is_date_like(line.text) and tilt_degrees(line) <= MAX_TILT_DEG
                    and covered < COVERED * line.box.width * line.box.height):
                added.append(line)
    return added
