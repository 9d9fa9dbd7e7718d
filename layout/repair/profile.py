"""The file's own evidence: how long its lines run and what its blank lines mean.

A dump is either *wrapped* (one printed line per text line, so most lines fill the same width: the
typesetting's characters per line) or *flowing* (one paragraph, or one page's piece of a paragraph, per
text line, so lengths spread widely). Blank lines are *informative* only when the file uses them for
some line transitions and not others; a file that separates every line with one (or none) says nothing
with them.

Widths are in character advances (`text_units`: full-width 1, ASCII 0.5, spaces 0), the unit of the
printed line: GB/T 9704 prints 28 advances per line.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from layout.repair.source import SourceLine

STANDARD_LINE_CH = 28.0
"""GB/T 9704-2012: 28 characters per line; the line length assumed when the file shows none."""

MEASURE_MIN_CH = 8.0
"""Lines shorter than this (headers, dates, signatures) say nothing about the line length."""

WIDE_SHARE = 0.6
"""Full lines are at least this share of the 90th-percentile width; narrower ones do not vote."""

NEAR_FULL_CH = 2.0
"""A wrapped file's full lines lie within this of its typical width (punctuation squeezing, ASCII runs)."""

WRAPPED_MIN_SHARE = 0.3
"""At least this share of the measured lines must sit at the typical width for the file to be wrapped."""

LONG_FACTOR = 1.35
"""A line this many times the typical width cannot be one printed line."""

WRAPPED_MAX_LONG_SHARE = 0.1
"""A wrapped file has almost no lines longer than LONG_FACTOR times its width."""

GAP_INFORMATIVE_RANGE = (0.15, 0.85)
"""Blank lines carry meaning when this share of line transitions (and not more, not less) has one."""

INDENT_SHARE_RANGE = (0.03, 0.7)
"""Indentation carries meaning when this share of the lines is indented: first lines, not every line."""


@dataclass(frozen=True)
class TextProfile:
    """What the file itself says: `wrapped` (one printed line per line), its `full_width` in advances
    (the typical printed line; STANDARD_LINE_CH when not wrapped), whether blank lines are informative,
    and whether leading indentation is (some lines indented, most not: the converter kept the 2-character
    first-line indent)."""

    wrapped: bool
    full_width: float
    gaps_informative: bool
    indents_informative: bool = False


def _typical_width(widths: Sequence[float]) -> float:
    """The most common width among the wide lines (headers, dates and last lines are narrower)."""
    ordered = sorted(widths)
    wide = [w for w in ordered if w >= WIDE_SHARE * ordered[int(0.9 * (len(ordered) - 1))]]
    counts = Counter(round(w) for w in wide)
    mode = max(counts, key=lambda w: (counts[w], w))
    near = [w for w in wide if abs(w - mode) <= NEAR_FULL_CH / 2]
    return near[len(near) // 2] if near else float(mode)


def measure_profile(lines: Sequence[SourceLine]) -> TextProfile:
    """Measure the file's line-length distribution and its use of blank lines."""
    transitions = lines[1:]
    gapped = sum(1 for line in transitions if line.gap_before > 0)
    share = gapped / len(transitions) if transitions else 0.0
    low, high = GAP_INFORMATIVE_RANGE
    informative = low <= share <= high and len(transitions) >= 4
    indented = sum(1 for line in lines if line.indent)
    indents = indented >= 2 and INDENT_SHARE_RANGE[0] <= indented / max(len(lines), 1) <= INDENT_SHARE_RANGE[1]
    widths = [line.width for line in lines if line.width >= MEASURE_MIN_CH]
    if len(widths) < 4:
        return TextProfile(False, STANDARD_LINE_CH, informative, indents)
    width = _typical_width(widths)
    near = sum(1 for w in widths if width - NEAR_FULL_CH <= w <= width + NEAR_FULL_CH)
    long = sum(1 for w in widths if w > width * LONG_FACTOR)
    wrapped = near / len(widths) >= WRAPPED_MIN_SHARE and long / len(widths) <= WRAPPED_MAX_LONG_SHARE
    return TextProfile(wrapped, width if wrapped else STANDARD_LINE_CH, informative, indents)
