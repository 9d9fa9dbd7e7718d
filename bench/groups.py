"""The bench's rows: which groups a record belongs to, one summary per group, and the rows' cells.

A record (one document of `bench.run`) belongs to the groups `group_keys` names:
- a standard-corpus document to `standard` (the per-document table's `mean` row);
- a varied-corpus document (`fixtures.corpus.varied`, its `meta.json` says split, mode and dpi) to
  `<split> <mode>` (`dev colour`, `held bw`, …) and, scanned at `LOW_DPI` or less, to `<split> 100dpi` too;
- a phone photo (`bench.photos`, corpus `photo`) to `photos <split>` (`photos dev`, `photos held`).

Every row, a single document's included, is `summarise_group` over its records: documents, pages, and per
system the records carry (the product always; plain PaddleOCR where it ran: the standard corpus and the
photos) `summarise_system`: the means of the per-document CER, character CER and boundary precision,
recall and F1; page-break joins summed; seconds per page as total time over total pages (wall and CPU);
the exact-field rates: `field_accuracy` the mean of the per-document shares, `fields` and `core` (over
`CORE_FIELDS`, the issue's headline figure) *pooled over field instances* (a document with 12 truth fields
weighs 12), one rate per field name; the share of the time per product stage and in the photo step. Then
the speed ratio product / plain PaddleOCR (wall and CPU). Two renderings of rows: `table_rows` (the
product's fields per group) and `compare_cells` (the product beside plain PaddleOCR: documents, the mean
and the groups that ran both, `compared`). Pure functions over the records.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

CORE_FIELDS = ("issuer_mark", "doc_number", "title", "addressee", "signature", "date")
"""The structure fields a reader checks first (issue 14's "exact fields")."""
FIELD_ORDER = (*CORE_FIELDS, "issuers", "markers", "signer", "attachments", "note", "cc", "printed_by",
               "printed_date")
"""Column order of the per-field table; other field names follow alphabetically."""
MODES = ("colour", "gray", "bw")
SPLITS = ("dev", "held")
LOW_DPI = 100
"""Scans at this dpi or less also count in the `<split> 100dpi` row."""
STANDARD = "standard"
VARIED = "varied"
PHOTO = "photo"
"""The corpus names records carry (`record["corpus"]`; a record without one is a standard-corpus one)."""
PHOTO_ROW = "photos"
"""Photo rows are `photos <split>`."""
SYSTEMS = ("product", "baseline")
PRODUCT_STAGES = ("ingest_s", "preprocess_s", "colour_free_s", "ocr_s", "second_look_s", "layout_s")
"""The product's timed stages (`workers.pipeline.STAGES`); the engine's model timings lie inside them."""
PHOTO_STAGE = "photo_s"
"""The photo step (find, square, flatten the sheet): part of `preprocess_s`."""


def group_keys(record: Mapping[str, Any]) -> list[str]:
    """The groups one bench record belongs to (see the module doc)."""
    corpus = record.get("corpus", STANDARD)
    if corpus == STANDARD:
        return [STANDARD]
    split = record.get("split", "?")
    if corpus == PHOTO:
        return [f"{PHOTO_ROW} {split}"]
    keys = [f"{split} {record.get('mode', '?')}"]
    dpi = record.get("dpi")
    if dpi is not None and float(dpi) <= LOW_DPI:
        keys.append(f"{split} {LOW_DPI}dpi")
    return keys


def _order(key: str) -> tuple[int, int, str]:
    """Report order: standard, the varied halves (modes, then 100dpi), the photo halves, anything else."""
    if key == STANDARD:
        return (0, 0, key)
    first, _, second = key.partition(" ")
    if first == PHOTO_ROW:
        return (1 + len(SPLITS), SPLITS.index(second) if second in SPLITS else len(SPLITS), key)
    kinds = (*MODES, f"{LOW_DPI}dpi")
    return (1 + (SPLITS.index(first) if first in SPLITS else len(SPLITS) + 1),
            kinds.index(second) if second in kinds else len(kinds), key)


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _rate(hits: float, total: float) -> float | None:
    return hits / total if total else None


def field_counts(records: Iterable[Mapping[str, Any]], system: str = "product") -> dict[str, tuple[int, int]]:
    """Per field name, (exact matches, documents whose truth has the field) over `records`."""
    counts: dict[str, list[int]] = {}
    for record in records:
        matches = record[system].get("fields", {}).get("matches", {})
        for name, ok in matches.items():
            pair = counts.setdefault(name, [0, 0])
            pair[0] += bool(ok)
            pair[1] += 1
    return {name: (hits, total) for name, (hits, total) in counts.items()}


def summarise_system(records: Sequence[Mapping[str, Any]], system: str = "product") -> dict[str, Any]:
    """One system's figures over `records` (see the module doc); None where nothing was measured."""
    scores = [r[system] for r in records]
    counts = field_counts(records, system)
    core = [counts[n] for n in CORE_FIELDS if n in counts]
    with_fields = [s["fields"] for s in scores if "fields" in s]
    pages = sum(int(r.get("pages", 0)) for r in records)
    seconds = sum(s.get("seconds", 0.0) for s in scores)
    cpu_seconds = sum(s.get("cpu_seconds", 0.0) for s in scores)
    timed_photo = any(PHOTO_STAGE in s.get("timings", {}) for s in scores)
    return {
        "cer": _mean([s["cer"] for s in scores]),
        "char_cer": _mean([s["char_cer"] for s in scores]),
        "boundary_precision": _mean([s["boundary"]["precision"] for s in scores]),
        "boundary_recall": _mean([s["boundary"]["recall"] for s in scores]),
        "boundary_f1": _mean([s["boundary"]["f1"] for s in scores]),
        "joins": [sum(s["joins"][0] for s in scores), sum(s["joins"][1] for s in scores)],
        "seconds": seconds,
        "pages": pages,
        "s_per_page": _rate(seconds, pages),
        "cpu_seconds": cpu_seconds,
        "cpu_s_per_page": _rate(cpu_seconds, pages),
        "errors": sum(s.get("error") is not None for s in scores),
        "field_accuracy": _mean([f["accuracy"] for f in with_fields]),
        "fields": _rate(sum(h for h, _ in counts.values()), sum(t for _, t in counts.values())),
        "core": _rate(sum(h for h, _ in core), sum(t for _, t in core)),
        "per_field": {name: _rate(*counts[name]) for name in sorted(counts, key=_field_key)},
        "stage_share": stage_share(scores),
        "photo_share": _rate(_stage_seconds(scores, PHOTO_STAGE), seconds) if timed_photo else None,
    }


def _stage_seconds(scores: Sequence[Mapping[str, Any]], stage: str) -> float:
    return sum(float(s.get("timings", {}).get(stage, 0.0)) for s in scores)


def stage_share(scores: Sequence[Mapping[str, Any]]) -> dict[str, float]:
    """Share of the system's whole time per stage of PRODUCT_STAGES the runs timed (the bench profile)."""
    total = sum(s.get("seconds", 0.0) for s in scores)
    stages: dict[str, float] = {}
    for score in scores:
        for key, value in score.get("timings", {}).items():
            if key in PRODUCT_STAGES:
                stages[key] = stages.get(key, 0.0) + float(value)
    return {key: value / total for key, value in stages.items()} if total else {}


def summarise_group(records: Sequence[Mapping[str, Any]], systems: Sequence[str] | None = None) -> dict[str, Any]:
    """One row: {"corpus", "documents", "pages", <system>: summarise_system, "ratio", "cpu_ratio"}, the
    systems every record ran unless named (`ratio` and `cpu_ratio` None without both)."""
    if systems is None:
        systems = [name for name in SYSTEMS if records and all(name in r for r in records)]
    row: dict[str, Any] = {"corpus": records[0].get("corpus", STANDARD) if records else None,
                           "documents": len(records), "pages": sum(int(r.get("pages", 0)) for r in records)}
    row.update({name: summarise_system(records, name) for name in systems})
    for key, per_page in (("ratio", "s_per_page"), ("cpu_ratio", "cpu_s_per_page")):
        p, b = (row[n][per_page] if n in row else None for n in SYSTEMS)
        row[key] = p / b if p is not None and b else None
    return row


def _field_key(name: str) -> tuple[int, str]:
    return (FIELD_ORDER.index(name) if name in FIELD_ORDER else len(FIELD_ORDER), name)


def summarise(records: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """Group → its row, groups in report order (standard, dev modes, dev 100dpi, held …, photos dev, held)."""
    members: dict[str, list[Mapping[str, Any]]] = {}
    for record in records:
        for key in group_keys(record):
            members.setdefault(key, []).append(record)
    return {key: summarise_group(members[key]) for key in sorted(members, key=_order)}


def compared(groups: Mapping[str, Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    """The groups beside the mean row of the per-document table: those that ran both systems, but the
    standard corpus (that is the mean row itself)."""
    return {key: row for key, row in groups.items() if key != STANDARD and all(n in row for n in SYSTEMS)}


# ---------------------------------------------------------------------------------------- rendering
def percent(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{100 * value:.{digits}f}%"


def number(value: float | None, digits: int = 3) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


COMPARE_COLUMNS = [
    "document", "pages", "CER", "CER base", "char CER", "char CER base", "F1", "F1 base",
    "joins", "joins base", "fields", "s/page", "s/page base", "ratio",
]  # fmt: skip
"""The per-document table (`bench.report`): the product beside plain PaddleOCR ("base")."""


def compare_cells(name: str, row: Mapping[str, Any]) -> list[str]:
    """A row of the per-document table: a document (a group of one), the mean, a photo half."""
    p, b, ratio = row["product"], row["baseline"], row["ratio"]
    return [
        name, str(p["pages"]),
        percent(p["cer"], 2), percent(b["cer"], 2), percent(p["char_cer"], 2), percent(b["char_cer"], 2),
        number(p["boundary_f1"]), number(b["boundary_f1"]), _joins(p["joins"]), _joins(b["joins"]),
        percent(p["field_accuracy"], 2),
        number(p["s_per_page"], 2), number(b["s_per_page"], 2), number(ratio, 2) + ("×" if ratio else ""),
    ]  # fmt: skip


def _joins(value: Sequence[int]) -> str:
    return f"{value[0]}/{value[1]}"


def compare_notes(groups: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """One line per photo row under the per-document table: its documents, the photo step's share."""
    return [f"{key}: {row['documents']} documents; photo step (find, square, flatten) "
            f"{percent(row['product']['photo_share'], 2)} of the product's time"
            for key, row in compared(groups).items() if row["corpus"] == PHOTO]


def _field_names(groups: Mapping[str, Mapping[str, Any]]) -> list[str]:
    names = {n for row in groups.values() for n in row["product"]["per_field"]}
    return sorted(names, key=_field_key)


COLUMNS = ["group", "docs", "pages", "CER", "char CER", "F1", "fields", "core"]
SHORT = {"issuer_mark": "mark", "doc_number": "number", "addressee": "addr", "signature": "sign",
         "printed_by": "printed", "printed_date": "p.date", "attachments": "attach"}


def table_rows(groups: Mapping[str, Mapping[str, Any]]) -> list[list[str]]:
    """Header row then one row per group: the product's summary columns, then one exact-rate column per field."""
    names = _field_names(groups)
    rows = [COLUMNS + [SHORT.get(n, n) for n in names]]
    for key, row in groups.items():
        p = row["product"]
        rows.append([key, str(row["documents"]), str(row["pages"]), percent(p["cer"]), percent(p["char_cer"]),
                     number(p["boundary_f1"]), percent(p["fields"]), percent(p["core"])]
                    + [percent(p["per_field"].get(n)) for n in names])
    return rows


def align(rows: Sequence[Sequence[str]]) -> list[str]:
    """Fixed-width lines: the first column left-aligned, the others right-aligned, one width per column."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths))) for row in rows]


def markdown_rows(rows: Sequence[Sequence[str]]) -> list[str]:
    """A Markdown table: the first row its header, the first column left-aligned, the others right."""
    return (["| " + " | ".join(rows[0]) + " |", "|" + "|".join(["---"] + ["---:"] * (len(rows[0]) - 1)) + "|"]
            + ["| " + " | ".join(row) + " |" for row in rows[1:]])


def format_table(groups: Mapping[str, Mapping[str, Any]]) -> str:
    """The fixed-width rows table printed after the per-document one ("" when there are no groups)."""
    if not groups:
        return ""
    lines = align(table_rows(groups))
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join(lines)


def to_markdown(groups: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """The rows as a Markdown section (lines), [] when there are no groups."""
    if not groups:
        return []
    out = ["## Rows per corpus, half and colour mode (product)", "",
           "fields: exact share of all truth fields; core: of " + ", ".join(CORE_FIELDS) + " (pooled over "
           "documents); one column per field. `held` is the half no rule was tuned on.", "",
           *markdown_rows(table_rows(groups))]
    out += ["", "Share of the product's time per stage (colour_free: seals by shape and stroke weight):", ""]
    out += [f"- {key}: " + ", ".join(f"{stage[:-2]} {100 * share:.1f}%"
                                     for stage, share in row["product"]["stage_share"].items())
            for key, row in groups.items()]
    return out
