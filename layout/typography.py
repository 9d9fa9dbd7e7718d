"""Typography of a printed line, measured against the page's own body text: size and weight.

Sizes are in the two units of `layout.geometry` (median body line height `lh`, character width `ch`), the
weight is the line's stroke width over its height (`OcrLine.stroke`, measured by `workers.image.typography`)
against the body's median (`Scale.stroke`). A title is set apart from the body by size (小二 18 pt to 一号
26 pt against a 16 pt body: 1.125–1.625× the body's height and character advance) or by weight (小标宋,
bold Song, Hei against 仿宋), whatever our own renderer does.
"""

from __future__ import annotations

from layout.geometry import DEFAULT_SETTINGS, LayoutSettings, Scale, text_units, text_units_max
from layout.lines import Row

LARGE_PITCH_CH = 1.08
"""Characters advancing this many body characters are set larger (小二 on a 三号 body advances 1.125)."""

PITCH_MIN_UNITS = 4.0
"""A shorter line gives a noisy advance (its box's padding spread over few characters)."""

PITCH_MIN_LH = 1.04
"""...and the larger advance counts only with a box at least this tall (a letter-spaced body line is not)."""

HEAVY_STROKE = 1.2
"""A line whose stroke weight is this many times the body's is bold: measured on rendered pages, 小标宋 and
bold Song titles weigh ~1.3×, Hei headings ~1.9× a 仿宋 body; lines of one font vary by ±6%."""

REGULAR_STROKE = 1.1
"""A line at most this many times the body's weight is regular type (between the two: undecided)."""

SMALLER_HEIGHT = 0.85
"""A box this much shorter than another's holds smaller type (小二 18 pt against 二号 22 pt is 0.82)..."""

SMALLER_PITCH = 0.93
"""...unless the characters advance as far: one size advances alike within ±5% (小二 against 三号: 0.89)."""


def row_stroke(row: Row) -> float | None:
    """Stroke weight of a row: its fragments' weights, weighted by their width; None if none is measured."""
    measured = [(part.stroke, part.box.width) for part in row.parts if part.stroke is not None]
    total = sum(width for _, width in measured)
    if not measured or total <= 0:
        return None
    return sum(stroke * width for stroke, width in measured) / total


def weight_ratio(row: Row, scale: Scale) -> float | None:
    """The row's stroke weight over the body's, None when either is unmeasured."""
    stroke = row_stroke(row)
    if stroke is None or not scale.stroke:
        return None
    return stroke / scale.stroke


def is_heavy(row: Row, scale: Scale) -> bool:
    """Set in bold type (小标宋, bold Song, Hei) against a regular body."""
    ratio = weight_ratio(row, scale)
    return ratio is not None and ratio >= HEAVY_STROKE


def is_regular(row: Row, scale: Scale) -> bool:
    """Measured, and no heavier than the body (False when unmeasured)."""
    ratio = weight_ratio(row, scale)
    return ratio is not None and ratio <= REGULAR_STROKE


def pitch_ch(row: Row, scale: Scale) -> float | None:
    """Advance of one character of the row, in body characters; None for a row too short to say."""
    units = text_units(row.text)
    if units < PITCH_MIN_UNITS:
        return None
    return row.box.width / units / scale.char_width


def is_larger(row: Row, scale: Scale, settings: LayoutSettings = DEFAULT_SETTINGS) -> bool:
    """Set in a larger size than the body: a taller box, or a wider character advance with a taller box."""
    tall = row.box.height / scale.line_height
    if tall >= settings.large_line_lh:
        return True
    pitch = pitch_ch(row, scale)
    return pitch is not None and pitch >= LARGE_PITCH_CH and tall >= PITCH_MIN_LH


BODY_PITCH_MIN_UNITS = 20.0
"""A row this long (most of a line: the body's lines hold 26–28 characters) measures its characters' advance
well enough to tell body type by it alone, and is no signature (right-aligned, short of the edge)..."""
BODY_BOX_MAX_LH = 1.6
"""...however tall its box, up to this many body line heights (the detector's box on a grey JPEG scan takes
in specks and the strokes of the line under it: 1.2–1.5 body lines on body rows)."""


def is_body_sized(row: Row, scale: Scale, settings: LayoutSettings = DEFAULT_SETTINGS) -> bool:
    """A row of the body's size, whose ends show the text block's edges: a box shorter than a larger line's
    (`settings.large_line_lh`), or a long row whose characters advance as the body's (less than
    LARGE_PITCH_CH) in a box not past BODY_BOX_MAX_LH — a title's advance is 1.125 body characters and more."""
    tall = row.box.height / scale.line_height
    if tall < settings.large_line_lh:
        return True
    pitch = pitch_ch(row, scale)
    return (text_units(row.text) >= BODY_PITCH_MIN_UNITS and tall <= BODY_BOX_MAX_LH
            and pitch is not None and pitch < LARGE_PITCH_CH)


def is_smaller(row: Row, than: Row, scale: Scale) -> bool:
    """Set in a smaller size than `than`: a box shorter by SMALLER_HEIGHT, unless both rows are long enough
    to measure their character advance and it is the same (within SMALLER_PITCH). A box's height is the
    noisier measure: the detector pads a line of 小标宋 by its tallest strokes (one title, two wrapped lines
    of one size: boxes 55 and 44 px, advances 50 and 50 px). Digits and Latin letters print wider than half
    an advance in many fonts (`text_units_max`): `than` is measured at its narrowest advance, so a first title
    line of `2024—2026` does not make the next line of the same type look smaller."""
    if row.box.height >= SMALLER_HEIGHT * than.box.height:
        return False
    pitch, reference = pitch_ch(row, scale), pitch_ch(than, scale)
    if pitch is None or reference is None:
        return True
    narrowest = reference * text_units(than.text) / text_units_max(than.text)
    return pitch < SMALLER_PITCH * narrowest


def is_set_apart(row: Row, scale: Scale, settings: LayoutSettings = DEFAULT_SETTINGS) -> bool:
    """Typeset apart from the body, as a title is: larger or heavier."""
    return is_larger(row, scale, settings) or is_heavy(row, scale)
