"""Geometry of the page body: the scale of the body text and the edges of the text block.

Every tolerance of the layout rules is expressed in two units measured from the lines themselves:
the median body line height (`line_height`, px) and the median body character width (`char_width`,
px: the advance of one CJK character; Latin letters and digits count as half). Coordinates are
upright-page pixels, top-left origin (see `layout.model`).

The left and right edges of the text block are measured per page, because odd and even pages are
printed (and scanned) with different offsets, and as a straight line x = a + b·y, because a small skew
residue after deskewing tilts a column of line starts. They come from the positions most lines share
(flush-left continuation lines, justified full lines), so a few indented, centred or stray lines do not
move them.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from layout.model import Box, OcrLine

# --- tolerances (units: median body line height `lh` or character width `ch`) ---------------------------

INDENT_MIN_CH = 1.0
"""A line starting this far right of the left edge is indented (GB/T 9704 indents by 2 characters)."""

INDENT_MAX_CH = 3.5
"""Beyond this, a line is not a paragraph indent but centred, right-aligned or hanging."""

SHORT_LINE_CH = 1.5
"""A line ending this far short of the right edge ends its paragraph (a trailing ，。 leaves ~0.5 ch)."""

EDGE_CLUSTER_CH = 0.8
"""Line starts (ends) within this distance share an edge; covers OCR box jitter and skew residue."""

EDGE_MIN_SHARE = 0.15
"""An edge needs at least this share of the page's rows (and at least EDGE_MIN_ROWS of them)."""

EDGE_MIN_ROWS = 2
"""Fewer rows than this at one position cannot define an edge."""

SLOPE_MIN_ROWS = 4
"""A slope (skew residue) is fitted only through this many edge rows or more."""

MAX_SLOPE = 0.03
"""A fitted edge slope steeper than this (1.7°) is noise, not skew residue after deskewing."""

ROW_OVERLAP_MIN = 0.5
"""Fragments whose vertical overlap is at least this share of the smaller height are on one baseline."""

ROW_X_OVERLAP_MAX_CH = 0.5
"""Fragments overlapping horizontally more than this are different lines, not pieces of one."""

WORD_GAP_CH = 0.3
"""A gap at least this wide between two Latin/digit runs of one line is a word space."""

WIDE_GAP_CH = 1.5
"""A gap this wide inside a line separates items (doc number | 签发人, 印发 body | date)."""

CENTRE_TOL_CH = 1.5
"""A line whose centre is within this of the text block's centre (and not full width) is centred."""

LARGE_LINE_LH = 1.15
"""A line this many body line heights tall is set in a larger size (title: 2号 vs body 3号 is 1.375)."""

HUGE_LINE_LH = 1.6
"""The issuer mark is set much larger than the title (typically 2–3 body line heights)."""

RED_MIN = 0.4
"""A line with at least this share of red ink is red (issuer mark, seal)."""

SEAL_RED_MIN = 0.8
"""Outside the header, a line this red is the seal's own text (red on paper: ~1.0); black text read
through the seal measures 0.3–0.6 (real OCR of stamped signatures) and stays."""

SEAL_TILT_DEG = 12.0
"""A detected line tilted this much after deskewing is text bent along the seal's ring."""

MARGIN_ZONE = 0.12
"""Share of the page height at the top and bottom where page numbers and running heads live."""

LONG_LINE_CH = 10.0
"""On a sparse page, lines at least this long mark the edges (page numbers and specks are shorter)."""

OUTSIDE_SHARE = 0.1
"""Share of a page's long lines that may stick out of its frame (OCR boxes spilling into the margin)..."""

OUTSIDE_ONE_MIN_LINES = 5
"""...and at least one on a page of this many long lines: a speck read into a line's box (`·步设计…`, its
box two characters into the margin) is no edge of the text block."""

HEADER_ZONE = 0.5
"""The issuer mark lies in this top share of page 1."""


@dataclass(frozen=True)
class LayoutSettings:
    """Every layout tolerance in one frozen object (defaults are the module constants)."""

    indent_min_ch: float = INDENT_MIN_CH
    indent_max_ch: float = INDENT_MAX_CH
    short_line_ch: float = SHORT_LINE_CH
    edge_cluster_ch: float = EDGE_CLUSTER_CH
    edge_min_share: float = EDGE_MIN_SHARE
    edge_min_rows: int = EDGE_MIN_ROWS
    slope_min_rows: int = SLOPE_MIN_ROWS
    max_slope: float = MAX_SLOPE
    row_overlap_min: float = ROW_OVERLAP_MIN
    row_x_overlap_max_ch: float = ROW_X_OVERLAP_MAX_CH
    word_gap_ch: float = WORD_GAP_CH
    wide_gap_ch: float = WIDE_GAP_CH
    centre_tol_ch: float = CENTRE_TOL_CH
    large_line_lh: float = LARGE_LINE_LH
    huge_line_lh: float = HUGE_LINE_LH
    red_min: float = RED_MIN
    seal_red_min: float = SEAL_RED_MIN
    seal_tilt_deg: float = SEAL_TILT_DEG
    margin_zone: float = MARGIN_ZONE
    header_zone: float = HEADER_ZONE


DEFAULT_SETTINGS = LayoutSettings()


def text_units(text: str) -> float:
    """Width of `text` in CJK character advances: full-width characters 1, ASCII 0.5, spaces ignored."""
    units = 0.0
    for ch in text:
        if ch.isspace():
            continue
        units += 0.5 if ord(ch) < 0x2000 else 1.0
    return units


ASCII_SLACK_CH = 0.25
"""How much wider than half an advance an ASCII character or a space between runs may print."""


def text_units_max(text: str, units: float | None = None) -> float:
    """The widest `text` may have printed: ASCII characters and inner spaces given ASCII_SLACK_CH more
    (proportional Latin fonts, spaces typed around numbers). `units`: `text_units(text)` if known."""
    inner = text.strip()
    slack = len(inner.encode("ascii", "ignore"))
    return (text_units(inner) if units is None else units) + ASCII_SLACK_CH * slack


@dataclass(frozen=True)
class Scale:
    """The two units: median body line height and character width, in px; and the body's median stroke
    weight (`OcrLine.stroke`, dimensionless), None when the lines carry no stroke measurement."""

    line_height: float
    char_width: float
    stroke: float | None = None


STROKE_MIN_LINES = 3
"""Fewer measured body lines than this give no body stroke weight to compare with."""


def body_stroke(lines: Sequence[OcrLine]) -> float | None:
    """Median stroke weight of the given body lines, None with fewer than STROKE_MIN_LINES measured."""
    strokes = [ln.stroke for ln in lines if ln.stroke is not None]
    return statistics.median(strokes) if len(strokes) >= STROKE_MIN_LINES else None


SCALE_MIN_UNITS = 6.0
"""Lines shorter than this many characters give a noisy per-character width."""


def measure_scale(lines: Iterable[OcrLine], settings: LayoutSettings = DEFAULT_SETTINGS) -> Scale:
    """Median line height and character width of the body lines (not red, long enough to be text)."""
    body = [ln for ln in lines if ln.red < settings.red_min and text_units(ln.text) >= SCALE_MIN_UNITS]
    if not body:
        body = [ln for ln in lines if text_units(ln.text) >= 1]
    if not body:
        return Scale(line_height=30.0, char_width=30.0)
    widths = [ln.box.width / text_units(ln.text) for ln in body]
    heights = [ln.box.height for ln in body]
    char_width = statistics.median(widths)
    # The body is the majority size: keep heights near the median to drop titles and marks.
    line_height = statistics.median(heights)
    near = [ln for ln in body if 0.7 * line_height <= ln.box.height <= 1.3 * line_height]
    return Scale(line_height=statistics.median(ln.box.height for ln in near) if near else line_height,
                 char_width=max(char_width, 1.0), stroke=body_stroke(near or body))


@dataclass(frozen=True)
class Edge:
    """A text-block edge on one page: x = a + b·y (px)."""

    a: float
    b: float = 0.0

    def at(self, y: float) -> float:
        return self.a + self.b * y


@dataclass(frozen=True)
class PageFrame:
    """Left and right edges of one page's text block."""

    left: Edge
    right: Edge

    def centre(self, y: float) -> float:
        return (self.left.at(y) + self.right.at(y)) / 2


def _clusters(values: Sequence[tuple[float, float]], tol: float) -> list[list[tuple[float, float]]]:
    """Group (x, y) points whose x values chain within `tol`, in increasing x."""
    groups: list[list[tuple[float, float]]] = []
    for point in sorted(values):
        if groups and point[0] - groups[-1][-1][0] <= tol:
            groups[-1].append(point)
        else:
            groups.append([point])
    return groups


def _fit_edge(points: Sequence[tuple[float, float]], settings: LayoutSettings) -> Edge:
    xs = [p[0] for p in points]
    if len(points) < settings.slope_min_rows:
        return Edge(statistics.median(xs))
    ys = [p[1] for p in points]
    my, mx = statistics.fmean(ys), statistics.fmean(xs)
    var = sum((y - my) ** 2 for y in ys)
    slope = sum((y - my) * (x - mx) for x, y in points) / var if var > 0 else 0.0
    if abs(slope) > settings.max_slope:
        return Edge(statistics.median(xs))
    return Edge(statistics.median(x - slope * y for x, y in points), slope)


def find_edge(points: Sequence[tuple[float, float]], scale: Scale, *, leftmost: bool,
              settings: LayoutSettings = DEFAULT_SETTINGS) -> Edge | None:
    """The leftmost (or rightmost) well-supported cluster of x positions, fitted as a line; None if none."""
    if not points:
        return None
    groups = _clusters(points, settings.edge_cluster_ch * scale.char_width)
    need = max(settings.edge_min_rows, settings.edge_min_share * len(points))
    supported = [g for g in groups if len(g) >= need]
    if not supported:
        return None
    chosen = supported[0] if leftmost else supported[-1]
    return _fit_edge(_edge_core(chosen, settings.edge_cluster_ch * scale.char_width, need, leftmost), settings)


EDGE_SPREAD_CLUSTERS = 2.0
"""A cluster of line ends wider than this many chaining tolerances is no one edge, however slanted the page: the
flush-left lines chained through a few lines between to the indented first lines (x 222–227, 240, 267, 296,
300 on one page)."""


def _edge_core(group: Sequence[tuple[float, float]], tol: float, need: float,
               leftmost: bool) -> Sequence[tuple[float, float]]:
    """`group` as it is, or, when it spreads wider than EDGE_SPREAD_CLUSTERS tolerances, the points of its
    densest window `tol` wide (the outer one of equals) if that holds `need` of them: the edge itself, without
    what chained on to it."""
    xs = sorted(p[0] for p in group)
    if xs[-1] - xs[0] <= EDGE_SPREAD_CLUSTERS * tol:
        return group
    windows = [[p for p in group if start <= p[0] <= start + tol] for start in xs]
    best = max(windows, key=lambda w: (len(w), -min(p[0] for p in w) if leftmost else max(p[0] for p in w)))
    return best if len(best) >= need else group


@dataclass(frozen=True)
class BodyGeometry:
    """The scale and the per-page text-block frames of a document."""

    scale: Scale
    frames: dict[int, PageFrame] = field(default_factory=dict)
    default: PageFrame = field(default_factory=lambda: PageFrame(Edge(0.0), Edge(1.0)))
    char_widths: dict[int, float] = field(default_factory=dict)
    """Pages captured at another scale than the document's (`page_char_widths`): their own character width."""

    def frame(self, page: int) -> PageFrame:
        return self.frames.get(page, self.default)

    def char_width(self, page: int) -> float:
        """The character width of `page`'s body (the document's unless the page was captured at another scale)."""
        return self.char_widths.get(page, self.scale.char_width)

    def indent_ch(self, box: Box, page: int) -> float:
        """How far `box` starts right of the left edge, in the page's characters."""
        return (box.x0 - self.frame(page).left.at(box.cy)) / self.char_width(page)

    def right_gap_ch(self, box: Box, page: int) -> float:
        """How far `box` ends short of the right edge, in the page's characters."""
        return (self.frame(page).right.at(box.cy) - box.x1) / self.char_width(page)

    def centre_offset_ch(self, box: Box, page: int) -> float:
        return (box.cx - self.frame(page).centre(box.cy)) / self.char_width(page)


PAGE_SCALE_TOL = 0.05
"""The pages of one document are printed in one body size: a page whose body characters measure more than
this share wider or narrower than the document's was captured at another scale (a phone photo whose sheet
was not found and squared, a page scanned at another resolution) and is measured in its own characters."""

PAGE_SCALE_MIN_LINES = 5
"""A page's own character width needs this many body lines of LONG_LINE_CH characters or more (a short last
page keeps the document's: its signature, date and contact lines, a few characters each and the first two
often letter-spaced over a seal, say nothing of the body's scale). Body lines are those not larger than the
page's lower-quartile line (the body is its smallest type but for the 版记): a first page with a three-line
title, a mark line and two addressee rows has more large lines than body ones, and their median height is
the title's."""


def page_char_widths(lines_by_page: Mapping[int, Sequence[OcrLine]], scale: Scale,
                     settings: LayoutSettings = DEFAULT_SETTINGS) -> dict[int, float]:
    """Page → its own median body character width, for the pages captured at another scale only."""
    found: dict[int, float] = {}
    for page, lines in lines_by_page.items():
        body = [ln for ln in lines if ln.red < settings.red_min and text_units(ln.text) >= LONG_LINE_CH]
        if body:  # no title or mark line: large against the page's own smaller lines (the page may be at any scale)
            height = sorted(ln.box.height for ln in body)[len(body) // 4]
            body = [ln for ln in body if ln.box.height < settings.large_line_lh * height]
        if len(body) < PAGE_SCALE_MIN_LINES:
            continue
        own = statistics.median(ln.box.width / text_units(ln.text) for ln in body)
        if abs(own / scale.char_width - 1.0) > PAGE_SCALE_TOL:
            found[page] = own
    return found


def _extreme_frame(boxes: Sequence[Box], scale: Scale) -> PageFrame | None:
    """Fallback edges of a sparse page: the extremes of its long lines (short ones may be specks)."""
    long = [b for b in boxes if b.width >= LONG_LINE_CH * scale.char_width]
    if not long:
        return None
    return PageFrame(Edge(min(b.x0 for b in long)), Edge(max(b.x1 for b in long)))


def _contains_long_lines(frame: PageFrame, boxes: Sequence[Box], scale: Scale, settings: LayoutSettings) -> bool:
    """A frame must hold the long lines of its page (all but OUTSIDE_SHARE of them).

    Edges shared by a few centred or right-aligned lines (a joint signature stack) fail this.
    """
    long = [b for b in boxes if b.width >= LONG_LINE_CH * scale.char_width]
    tol = settings.indent_min_ch * scale.char_width
    outside = sum(1 for b in long if b.x0 < frame.left.at(b.cy) - tol or b.x1 > frame.right.at(b.cy) + tol)
    allowed = max(int(OUTSIDE_SHARE * len(long)), 1 if len(long) >= OUTSIDE_ONE_MIN_LINES else 0)
    return outside <= allowed


def _align_to_full_lines(frame: PageFrame, boxes: Sequence[Box], scale: Scale) -> PageFrame:
    """A borrowed frame shifted so that this page's full lines (if any) end on its right edge."""
    tol = SHORT_LINE_CH * scale.char_width
    ends = [b.x1 - frame.right.at(b.cy) for b in boxes if b.width >= LONG_LINE_CH * scale.char_width]
    near = [d for d in ends if abs(d) <= tol]
    if not near:
        return frame
    shift = statistics.median(near)
    return PageFrame(Edge(frame.left.a + shift, frame.left.b), Edge(frame.right.a + shift, frame.right.b))


def measure_frames(boxes_by_page: Mapping[int, Sequence[Box]], scale: Scale,
                   settings: LayoutSettings = DEFAULT_SETTINGS,
                   char_widths: Mapping[int, float] | None = None,
                   all_boxes_by_page: Mapping[int, Sequence[Box]] | None = None) -> BodyGeometry:
    """Per-page edges from line boxes; `char_widths`: pages captured at another scale (`page_char_widths`),
    measured in their own characters (the text block is as many characters wide on every page);
    `all_boxes_by_page`: every row of each page, larger ones too (a title, an addressee a little taller
    than the body), which a borrowed frame must also hold (edges are found on body-sized rows only).

    A page too sparse to show shared edges borrows them from the nearest page at its scale of the same
    parity (odd and even pages have their own offsets; else from the nearest page at its scale), shifted
    to its own full lines, and with no page to borrow from takes the extremes of its own long lines.
    """
    own = dict(char_widths or {})

    def page_scale(page: int) -> Scale:
        return replace(scale, char_width=own[page]) if page in own else scale

    found: dict[int, PageFrame] = {}
    for page, boxes in boxes_by_page.items():
        left = find_edge([(b.x0, b.cy) for b in boxes], page_scale(page), leftmost=True, settings=settings)
        right = find_edge([(b.x1, b.cy) for b in boxes], page_scale(page), leftmost=False, settings=settings)
        if left is not None and right is not None:
            frame = PageFrame(left, right)
            if _contains_long_lines(frame, boxes, page_scale(page), settings):
                found[page] = frame
    if found:
        # The text block has one width (in characters) on every page: a page whose edges disagree with the
        # best-supported page's width found spurious edges (a short last page) and borrows instead.
        def width_ch(page: int) -> float:
            return (found[page].right.a - found[page].left.a) / page_scale(page).char_width

        best = max(found, key=lambda p: len(boxes_by_page[p]))
        width = width_ch(best)
        found = {p: f for p, f in found.items() if abs(width_ch(p) - width) <= SHORT_LINE_CH}
    all_boxes = [b for boxes in boxes_by_page.values() for b in boxes]
    default = found[min(found)] if found else _extreme_frame(all_boxes, scale) or PageFrame(Edge(0.0), Edge(1.0))
    frames = dict(found)
    for page, boxes in boxes_by_page.items():
        if page in frames:
            continue
        held = list((all_boxes_by_page or {}).get(page, boxes))
        frames[page] = (_borrowed_frame(page, boxes, held, found, page_scale, settings)
                        or _extreme_frame(boxes, scale) or default)
    return BodyGeometry(scale=scale, frames=frames, default=default, char_widths=own)


def _borrowed_frame(page: int, boxes: Sequence[Box], held: Sequence[Box], found: Mapping[int, PageFrame],
                    page_scale: Callable[[int], Scale], settings: LayoutSettings) -> PageFrame | None:
    """The edges a sparse page borrows: from a page at its scale (a page captured at another scale has
    other edges), the nearest of the same parity first (odd and even pages may have their own offsets),
    then the nearest other; shifted to this page's full lines, and only if this page's long lines then lie
    inside it, every row of `held` (a lender whose own edges came from a few indented lines, a short last
    page's 抄送 rows, would push this page's flush-left lines out of the text block)."""
    scale = page_scale(page)
    alike = [p for p in found if abs(page_scale(p).char_width / scale.char_width - 1.0) <= PAGE_SCALE_TOL]
    order = sorted(alike, key=lambda p: (p % 2 != page % 2, abs(p - page)))
    for lender in order:
        frame = _align_to_full_lines(found[lender], boxes, scale)
        if _contains_long_lines(frame, held, scale, settings):
            return frame
    return None
