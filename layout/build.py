"""The order of the layout rules, in one place: OCR lines of all pages → Document.

0. script: stray traditional readings of a simplified document made simplified (`script.unify_page_script`);
   on a 1-bit page, commas the threshold eroded to dots are commas again (`bilevel_readings`)
1. scale: median body line height and character width (`geometry.measure_scale`)
2. issuer mark: large red text at the top of page 1 (`header.find_issuer_lines`)
3. seal: the stamp's own red text leaves the page text (`lines.is_seal_text`)
4. rows: fragments on one baseline merged, top to bottom (`lines.merge_rows`)
5. furniture: page numbers and running heads removed (`lines.remove_furniture`)
6. frames: per-page left/right edges of the text block (`geometry.measure_frames`)
7. header: markers, issuer mark, doc number, signer, title, addressee (`header.read_header`)
8. blocks: a date sharing a baseline with a note stands apart (`tail.split_dated_rows`); paragraphs and
   headings across page breaks (`body.group_rows`); the issuer mark spelled at its seams as the title, body
   and 印发 line spell the name (`witnessed_marks`)
9. tail: attachments, signature, date, note, contact, 版记 (`tail.classify_groups`)
10. one year: the doc number's, date's and 印发 date's readings reconciled (`years.reconcile_years`); on
    1-bit pages, paragraphs get back the final `。` the threshold erased (`restore_final_stops`)
11. fields from the typed blocks (`fields.extract_fields`)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from layout import patterns
from layout.body import group_rows, join_rows, restore_heading_numerals, spans_rows
from layout.fields import extract_fields, issuers_from_marks
from layout.geometry import DEFAULT_SETTINGS, LayoutSettings, measure_frames, measure_scale, page_char_widths
from layout.header import MarkLine, find_issuer_lines, issuer_mark_lines, read_header, witnessed_mark
from layout.lines import (
    Row,
    is_reread_inside,
    is_seal_text,
    is_separator_star,
    is_squeezed_speck,
    merge_rows,
    remove_furniture,
)
from layout.model import Block, BlockType, Box, Document, OcrLine, Page, Seal
from layout.script import unify_page_script
from layout.tail import classify_groups, document_years, split_dated_rows, under_seal
from layout.typography import is_body_sized
from layout.years import reconcile_years


def _seals(page: Page, seal_lines: Sequence[OcrLine], settings: LayoutSettings) -> tuple[Seal, ...]:
    """The page's seals; when the page reported none, one built from the seal text the rules removed (found
    by colour when that text is red, else by its shape: lines bent along a ring)."""
    if page.seals or not seal_lines:
        return page.seals
    box: Box = seal_lines[0].box
    for line in seal_lines[1:]:
        box = box.union(line.box)
    ordered = sorted(seal_lines, key=lambda ln: (ln.box.y0, ln.box.x0))
    red = any(line.red >= settings.seal_red_min for line in seal_lines)
    return (Seal(page.number, box, "".join(ln.text.strip() for ln in ordered), "colour" if red else "shape"),)


def bilevel_readings(page: Page) -> Page:
    """A 1-bit page (`Page.bilevel`) with the readings its threshold's erosion explains repaired
    (`patterns.restore_eroded_commas`, `patterns.restore_eroded_gates`); any other page as it is."""
    if not page.bilevel:
        return page
    return replace(page, lines=tuple(
        replace(line, text=patterns.restore_eroded_gates(patterns.restore_eroded_commas(line.text)))
        for line in page.lines))


def restore_final_stops(blocks: Sequence[Block], bilevel: set[int]) -> tuple[Block, ...]:
    """Paragraphs of two lines or more that end on a 1-bit page (page numbers in `bilevel`) and end in a
    character get back the `。` the threshold erased (a small ring of thin strokes: 31 of the 51 lost in the
    1-bit dev folders closed a paragraph). A paragraph of an official document ends a sentence. One line
    is left as read: there a signature, a date or a heading that lost its number, read as a paragraph,
    would end in a `。` it never had."""
    return tuple(replace(block, text=block.text + "。")
                 if block.type is BlockType.PARAGRAPH and block.lines and block.lines[-1].page in bilevel
                 and spans_rows(block) and patterns.ends_in_cjk(block.text) else block
                 for block in blocks)


def witnessed_marks(blocks: Sequence[Block], marks: Sequence[MarkLine], groups: Sequence[Sequence[Row]],
                    seals: Sequence[Seal]) -> tuple[Block, ...]:
    """The header blocks, each issuer mark line spelled at its seams as the rest of the document spells the
    name (`header.witnessed_mark`): the title and the groups of rows below the header, those under a seal
    left out (a seal's ink damages the signature under it; its readings prove nothing)."""
    lines = [block for block in blocks if block.type is BlockType.ISSUER_MARK]
    if len(lines) != len(marks):
        return tuple(blocks)
    witnesses = [block.text for block in blocks if block.type is BlockType.TITLE]
    witnesses += [join_rows(group) for group in groups if not under_seal(group, seals)]
    spelled = {id(block): witnessed_mark(mark, witnesses) for block, mark in zip(lines, marks, strict=True)}
    return tuple(replace(block, text=spelled[id(block)]) if id(block) in spelled else block for block in blocks)


def build_document(pages: Sequence[Page], settings: LayoutSettings = DEFAULT_SETTINGS) -> Document:
    """The document of SPEC.md from the OCR lines of all its pages (any order; sorted by number)."""
    pages = [bilevel_readings(page) for page in unify_page_script(sorted(pages, key=lambda page: page.number))]
    if not pages:
        return Document()
    scale = measure_scale([ln for page in pages for ln in page.lines if ln.text.strip()], settings)
    issuer = find_issuer_lines(pages[0], scale, settings)
    issuer_ids = {id(line) for line in issuer}
    header_bottom = max((line.box.y1 for line in issuer), default=0.0)
    rows_by_page: dict[int, list[Row]] = {}
    seals: list[Seal] = []
    for page in pages:
        kept, sealed = [], []
        for line in page.lines:
            if (not line.text.strip() or id(line) in issuer_ids or is_separator_star(line, page, settings)
                    or is_squeezed_speck(line, scale.char_width)
                    or any(is_reread_inside(line, other) for other in page.lines if other is not line)):
                continue
            in_header = page is pages[0] and line.box.y1 <= header_bottom
            if not in_header and is_seal_text(line, page, settings):
                sealed.append(line)
            else:
                kept.append(line)
        rows_by_page[page.number] = merge_rows(kept, scale, settings)
        seals += _seals(page, sealed, settings)
    rows_by_page = remove_furniture(rows_by_page, {page.number: page.height for page in pages}, settings)
    body_boxes = {number: [row.box for row in rows if is_body_sized(row, scale, settings)]
                  for number, rows in rows_by_page.items()}
    own_widths = page_char_widths({page.number: [ln for ln in page.lines if ln.text.strip()] for page in pages},
                                  scale, settings)
    all_boxes = {number: [row.box for row in rows] for number, rows in rows_by_page.items()}
    geometry = measure_frames(body_boxes, scale, settings, own_widths, all_boxes)
    header = read_header(rows_by_page[pages[0].number], issuer, geometry, settings)
    rest = list(header.rest) + [row for page in pages[1:] for row in rows_by_page[page.number]]
    years = document_years([block.text for block in header.blocks])
    groups = group_rows(split_dated_rows(rest, scale, settings), geometry, settings)
    header_blocks = witnessed_marks(header.blocks, issuer_mark_lines(issuer, scale, settings), groups, seals)
    issuers = issuers_from_marks([block.text for block in header_blocks if block.type is BlockType.ISSUER_MARK])
    bilevel = {page.number for page in pages if page.bilevel}
    tail = classify_groups(groups, geometry, settings, years, issuers, seals, bilevel=bool(bilevel))
    blocks = restore_final_stops(reconcile_years(header_blocks + restore_heading_numerals(tail)), bilevel)
    return Document(
        blocks=blocks,
        fields=extract_fields(blocks),
        seals=tuple(seals),
        warnings=tuple(w for page in pages for w in page.warnings),
    )
