"""Quality metrics of SPEC.md "How quality is measured": pure functions over strings.

Every text metric first applies `normalise` to both sides: NFKC, every whitespace character except the
newline removed, empty lines dropped. A *boundary* is a paragraph (line) break: its position is the number
of characters before it in the newline-free stream, so "ab\\ncd" has one boundary, at 2.

Choices SPEC leaves open, decided here:
- CER against an empty ground truth is 0.0 when the hypothesis is empty too, else 1.0.
- Boundary F1 matches hypothesis and truth boundaries one-to-one (a truth boundary can vouch for one
  hypothesis boundary only), after aligning the two newline-free streams with a minimal Levenshtein
  alignment. A hypothesis boundary next to text the truth lacks (or vice versa) maps to the whole range of
  truth positions it could stand for. Precision with no hypothesis boundaries is 1.0, recall with no truth
  boundaries is 1.0, so no boundaries on either side gives F1 = 1.0 and none on one side only gives 0.0.
- A page-break join succeeds when the truth paragraph comes back on ONE hypothesis line (ignoring its first
  and last character, the same one-character tolerance as boundaries), with text from both sides of the
  page break, and without more than `JOIN_JUNK_MAX_CH` stray characters (a page number, a header) at the
  break. Splits at the very start or end of a line are not page-break splits and are not counted.
- Fields: see `field_matches`.
"""

from __future__ import annotations

import bisect
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from rapidfuzz.distance import Levenshtein

BOUNDARY_TOLERANCE_CH = 1  # SPEC: a boundary counts when it lands within one character of the truth's
JOIN_JUNK_MAX_CH = 1  # one stray character at a page break is an OCR slip; a page number "—2—" is three


# ---------------------------------------------------------------------------------------------- text
def _strip_spaces(text: str) -> str:
    return "".join(ch for ch in text if ch == "\n" or not ch.isspace())


def normalise(text: str) -> str:
    """NFKC, all whitespace except newlines removed, empty lines dropped (no leading/trailing newline).

    CR LF and lone CR count as newlines.
    """
    text = unicodedata.normalize("NFKC", text).replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line for line in _strip_spaces(text).split("\n") if line)


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (unit-cost insert, delete, substitute), bit-parallel via rapidfuzz."""
    return int(Levenshtein.distance(a, b))


def _rate(hyp: str, ref: str) -> float:
    if not ref:
        return 0.0 if not hyp else 1.0
    return edit_distance(hyp, ref) / len(ref)


def cer(hyp: str, ref: str) -> float:
    """Character error rate of the normalised texts, newline counted as a character."""
    return _rate(normalise(hyp), normalise(ref))


def char_cer(hyp: str, ref: str) -> float:
    """Character error rate with the newlines removed: recognition alone."""
    return _rate(normalise(hyp).replace("\n", ""), normalise(ref).replace("\n", ""))


# ----------------------------------------------------------------------------------------- alignment
def _stream_and_boundaries(normalised: str) -> tuple[str, list[int]]:
    lines = normalised.split("\n") if normalised else []
    boundaries, pos = [], 0
    for line in lines[:-1]:
        pos += len(line)
        boundaries.append(pos)
    return "".join(lines), boundaries


@dataclass(frozen=True)
class Alignment:
    """A minimal Levenshtein alignment of two newline-free character streams, hyp → ref.

    `ref_to_hyp[j]` is the hyp character aligned with ref character j (None: the hyp lacks it).
    `gap_lo[p]..gap_hi[p]` is the range of ref gap positions (0..len(ref)) hyp gap position p stands for.
    `hyp_extra_at[j]` counts hyp characters with no ref counterpart sitting at ref gap position j.
    """

    ref_to_hyp: tuple[int | None, ...]
    gap_lo: tuple[int, ...]
    gap_hi: tuple[int, ...]
    hyp_extra_at: tuple[int, ...]


def align(hyp: str, ref: str) -> Alignment:
    """Align two newline-free streams (rapidfuzz opcodes: replace blocks are one-to-one substitutions)."""
    ref_to_hyp: list[int | None] = [None] * len(ref)
    lo = [len(ref)] * (len(hyp) + 1)
    hi = [0] * (len(hyp) + 1)
    extra = [0] * (len(ref) + 1)

    def touch(p: int, j_lo: int, j_hi: int) -> None:
        lo[p], hi[p] = min(lo[p], j_lo), max(hi[p], j_hi)

    for op in Levenshtein.opcodes(hyp, ref):
        i1, i2, j1, j2 = op.src_start, op.src_end, op.dest_start, op.dest_end
        if op.tag in ("equal", "replace"):
            for k in range(i2 - i1):
                ref_to_hyp[j1 + k] = i1 + k
            for k in range(i2 - i1 + 1):
                touch(i1 + k, j1 + k, j1 + k)
        elif op.tag == "delete":  # hyp characters the ref lacks
            extra[j1] += i2 - i1
            for p in range(i1, i2 + 1):
                touch(p, j1, j1)
        else:  # insert: ref characters the hyp lacks
            touch(i1, j1, j2)
    if not hyp and not ref:
        lo, hi = [0], [0]
    return Alignment(tuple(ref_to_hyp), tuple(lo), tuple(hi), tuple(extra))


def _match_boundaries(intervals: Sequence[tuple[int, int]], ref_bounds: Sequence[int]) -> list[int | None]:
    """One-to-one matching of hyp boundary intervals to ref boundaries within the tolerance.

    Greedy by right end, each taking the smallest free ref boundary it reaches: maximal for intervals
    against points. Returns, per interval, the index of its matched ref boundary or None.
    """
    used = [False] * len(ref_bounds)
    result: list[int | None] = [None] * len(intervals)
    order = sorted(range(len(intervals)), key=lambda k: (intervals[k][1], intervals[k][0]))
    for k in order:
        lo, hi = intervals[k][0] - BOUNDARY_TOLERANCE_CH, intervals[k][1] + BOUNDARY_TOLERANCE_CH
        idx = bisect.bisect_left(ref_bounds, lo)
        while idx < len(ref_bounds) and ref_bounds[idx] <= hi and used[idx]:
            idx += 1
        if idx < len(ref_bounds) and ref_bounds[idx] <= hi:
            used[idx] = True
            result[k] = idx
    return result


class _Aligned(NamedTuple):
    hyp_stream: str
    hyp_bounds: list[int]
    ref_stream: str
    ref_bounds: list[int]
    alignment: Alignment
    intervals: list[tuple[int, int]]
    matches: list[int | None]


def _align_texts(hyp: str, ref: str) -> _Aligned:
    hyp_stream, hyp_bounds = _stream_and_boundaries(normalise(hyp))
    ref_stream, ref_bounds = _stream_and_boundaries(normalise(ref))
    alignment = align(hyp_stream, ref_stream)
    intervals = [(alignment.gap_lo[p], alignment.gap_hi[p]) for p in hyp_bounds]
    matches = _match_boundaries(intervals, ref_bounds)
    return _Aligned(hyp_stream, hyp_bounds, ref_stream, ref_bounds, alignment, intervals, matches)


# ------------------------------------------------------------------------------------- boundary F1
class BoundaryScore(NamedTuple):
    precision: float
    recall: float
    f1: float
    hyp_boundaries: int
    ref_boundaries: int
    matched: int


def boundary_scores(hyp: str, ref: str) -> BoundaryScore:
    """Paragraph-boundary precision, recall and F1 (see the module docstring for the degenerate cases)."""
    aligned = _align_texts(hyp, ref)
    matched = sum(m is not None for m in aligned.matches)
    n_hyp, n_ref = len(aligned.hyp_bounds), len(aligned.ref_bounds)
    precision = matched / n_hyp if n_hyp else 1.0
    recall = matched / n_ref if n_ref else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return BoundaryScore(precision, recall, f1, n_hyp, n_ref, matched)


def boundary_f1(hyp: str, ref: str) -> float:
    """Paragraph-boundary F1: boundaries count within one character of a truth boundary."""
    return boundary_scores(hyp, ref).f1


# -------------------------------------------------------------------------------- page-break joins
class Split(NamedTuple):
    """A truth line the printer split across pages: 0-based index among the truth text's lines (as
    written, before normalisation) and the character offset in that line where the page ended."""

    line: int
    offset: int


def _normalised_offset(raw_line: str, offset: int) -> int:
    return len(_strip_spaces(unicodedata.normalize("NFKC", raw_line[:offset])).replace("\n", ""))


def _split_positions(ref: str, splits: Iterable[Split | tuple[int, int]]) -> list[tuple[int, int, int]]:
    """(paragraph start, split point, paragraph end) in the ref stream, for splits strictly inside a line."""
    raw_lines = ref.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    starts, pos = [], 0
    for raw in raw_lines:
        starts.append(pos)
        pos += len(normalise(raw))
    result = []
    for line, offset in splits:
        if not 0 <= line < len(raw_lines):
            raise ValueError(f"split line {line} outside the truth's {len(raw_lines)} lines")
        length = len(normalise(raw_lines[line]))
        cut = _normalised_offset(raw_lines[line], offset)
        if 0 < cut < length:
            result.append((starts[line], starts[line] + cut, starts[line] + length))
    return result


def _comes_back_whole(aligned: _Aligned, start: int, cut: int, end: int) -> bool:
    ref_to_hyp = aligned.alignment.ref_to_hyp

    def hyp_line(j: int) -> int | None:
        i = ref_to_hyp[j]
        return None if i is None else bisect.bisect_right(aligned.hyp_bounds, i)

    before = [hyp_line(j) for j in range(start, cut)]
    after = [hyp_line(j) for j in range(cut, end)]
    if all(x is None for x in before) or all(x is None for x in after):
        return False  # one side of the page break is missing altogether
    inner = range(start + BOUNDARY_TOLERANCE_CH, end - BOUNDARY_TOLERANCE_CH)
    keep = {j for j in inner} | {cut - 1, cut}
    lines = {hyp_line(j) for j in keep} - {None}
    if len(lines) != 1:
        return False
    window = range(max(cut - BOUNDARY_TOLERANCE_CH, 0), cut + BOUNDARY_TOLERANCE_CH + 1)
    junk = sum(aligned.alignment.hyp_extra_at[j] for j in window if j < len(aligned.alignment.hyp_extra_at))
    return junk <= JOIN_JUNK_MAX_CH


def page_break_joins(hyp: str, ref: str, splits: Iterable[Split | tuple[int, int]]) -> tuple[int, int]:
    """Of the truth paragraphs split across pages, how many come back whole: (k whole, n splits)."""
    positions = _split_positions(ref, splits)
    if not positions:
        return 0, 0
    aligned = _align_texts(hyp, ref)
    whole = sum(_comes_back_whole(aligned, *pos) for pos in positions)
    return whole, len(positions)


# ----------------------------------------------------------------------------------------- fields
def _norm_value(value: Any) -> str | tuple[str, ...] | None:
    """A field value for comparison: NFKC with all whitespace removed; lists element-wise; absent → None."""
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        items = tuple(_norm_text(v) for v in value)
        return items if items else None
    return _norm_text(value) or None


def _norm_text(value: Any) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", str(value)) if not ch.isspace())


def field_matches(hyp_fields: Mapping[str, Any], ref_fields: Mapping[str, Any]) -> dict[str, bool]:
    """Exact match per truth field after NFKC and whitespace removal.

    Only the fields present in the truth are scored (a field the hyp adds is ignored; one it omits is
    absent). None, "" and [] all mean "absent", so an absent field matches an absent truth field: the truth
    saying "no signer" is a claim the product must get right. Lists match element-wise, order included.
    Dates are compared as the ISO strings both sides are required to carry.
    """
    return {name: _norm_value(hyp_fields.get(name)) == _norm_value(ref) for name, ref in ref_fields.items()}


def field_accuracy(matches: Mapping[str, bool]) -> float:
    """Share of matching fields (1.0 when there is nothing to score)."""
    return sum(matches.values()) / len(matches) if matches else 1.0
