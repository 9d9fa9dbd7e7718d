"""The bench's rows per group of documents: the standard corpus, and the varied corpus per half and mode.

A record (one document of `bench.run`) belongs to the groups `group_keys` names:
- a standard-corpus document to `standard`;
- a varied-corpus document (`fixtures.corpus.varied`, its `meta.json` says split, mode and dpi) to
  `<split> <mode>` (`dev colour`, `held bw`, …) and, scanned at `LOW_DPI` or less, to `<split> 100dpi` too.

Per group (`summarise`): documents, pages, the means of the per-document CER, character CER and paragraph
F1, and the exact-field rates *pooled over field instances* (a document with 12 truth fields weighs 12):
`fields` over every truth field, `core` over `CORE_FIELDS` (the issue's headline figure), and one rate per
field name. Only the product is scored: plain PaddleOCR has no fields. Pure functions over the records.
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
PRODUCT_STAGES = ("ingest_s", "preprocess_s", "colour_free_s", "ocr_s", "second_look_s", "layout_s")
"""The product's timed stages (`workers.pipeline.STAGES`); the engine's model timings lie inside them."""


def group_keys(record: Mapping[str, Any]) -> list[str]:
    """The groups one bench record belongs to (see the module doc)."""
    if record.get("corpus", STANDARD) == STANDARD:
        return [STANDARD]
    split, mode = record.get("split", "?"), record.get("mode", "?")
    keys = [f"{split} {mode}"]
    dpi = record.get("dpi")
    if dpi is not None and float(dpi) <= LOW_DPI:
        keys.append(f"{split} {LOW_DPI}dpi")
    return keys


def _order(key: str) -> tuple[int, int, str]:
    if key == STANDARD:
        return (0, 0, key)
    split, _, kind = key.partition(" ")
    kinds = (*MODES, f"{LOW_DPI}dpi")
    return (1 + (SPLITS.index(split) if split in SPLITS else len(SPLITS)),
            kinds.index(kind) if kind in kinds else len(kinds), key)


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _rate(hits: int, total: int) -> float | None:
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


def summarise_group(records: Sequence[Mapping[str, Any]], system: str = "product") -> dict[str, Any]:
    """One group's row (see the module doc); rates are None where nothing was scored."""
    scores = [r[system] for r in records]
    counts = field_counts(records, system)
    core = [counts[n] for n in CORE_FIELDS if n in counts]
    seconds = sum(s.get("seconds", 0.0) for s in scores)
    pages = sum(int(r.get("pages", 0)) for r in records)
    return {
        "documents": len(records),
        "pages": pages,
        "cer": _mean([s["cer"] for s in scores]),
        "char_cer": _mean([s["char_cer"] for s in scores]),
        "boundary_f1": _mean([s["boundary"]["f1"] for s in scores]),
        "fields": _rate(sum(h for h, _ in counts.values()), sum(t for _, t in counts.values())),
        "core": _rate(sum(h for h, _ in core), sum(t for _, t in core)),
        "per_field": {name: _rate(*counts[name]) for name in sorted(counts, key=_field_key)},
        "s_per_page": seconds / pages if pages else None,
        "stage_share": stage_share(scores),
        "errors": sum(s.get("error") is not None for s in scores),
    }


def stage_share(scores: Sequence[Mapping[str, Any]]) -> dict[str, float]:
    """Share of the product's whole time per stage of PRODUCT_STAGES the runs timed (the bench profile)."""
    total = sum(s.get("seconds", 0.0) for s in scores)
    stages: dict[str, float] = {}
    for score in scores:
        for key, value in score.get("timings", {}).items():
            if key in PRODUCT_STAGES:
                stages[key] = stages.get(key, 0.0) + float(value)
    return {key: value / total for key, value in stages.items()} if total else {}


def _field_key(name: str) -> tuple[int, str]:
    return (FIELD_ORDER.index(name) if name in FIELD_ORDER else len(FIELD_ORDER), name)


def summarise(records: Iterable[Mapping[str, Any]], system: str = "product") -> dict[str, dict[str, Any]]:
    """Group → its row, groups in report order (standard, dev modes, dev 100dpi, held …)."""
    members: dict[str, list[Mapping[str, Any]]] = {}
    for record in records:
        for key in group_keys(record):
            members.setdefault(key, []).append(record)
    return {key: summarise_group(members[key], system) for key in sorted(members, key=_order)}


# ---------------------------------------------------------------------------------------- rendering
def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def _field_names(groups: Mapping[str, Mapping[str, Any]]) -> list[str]:
    names = {n for row in groups.values() for n in row["per_field"]}
    return sorted(names, key=_field_key)


COLUMNS = ["group", "docs", "pages", "CER", "char CER", "F1", "fields", "core"]
SHORT = {"issuer_mark": "mark", "doc_number": "number", "addressee": "addr", "signature": "sign",
         "printed_by": "printed", "printed_date": "p.date", "attachments": "attach"}


def table_rows(groups: Mapping[str, Mapping[str, Any]]) -> list[list[str]]:
    """Header row then one row per group: the summary columns, then one exact-rate column per field."""
    names = _field_names(groups)
    rows = [COLUMNS + [SHORT.get(n, n) for n in names]]
    for key, row in groups.items():
        rows.append([key, str(row["documents"]), str(row["pages"]), _pct(row["cer"]), _pct(row["char_cer"]),
                     _num(row["boundary_f1"]), _pct(row["fields"]), _pct(row["core"])]
                    + [_pct(row["per_field"].get(n)) for n in names])
    return rows


def format_table(groups: Mapping[str, Mapping[str, Any]]) -> str:
    """The fixed-width rows table printed after the per-document one ("" when there are no groups)."""
    if not groups:
        return ""
    rows = table_rows(groups)
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths))) for row in rows]
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join(lines)


def to_markdown(groups: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """The rows as a Markdown section (lines), [] when there are no groups."""
    if not groups:
        return []
    rows = table_rows(groups)
    out = ["## Rows per corpus, half and colour mode (product)", "",
           "fields: exact share of all truth fields; core: of " + ", ".join(CORE_FIELDS) + " (pooled over "
           "documents); one column per field. `held` is the half no rule was tuned on.", "",
           "| " + " | ".join(rows[0]) + " |", "|" + "|".join(["---"] + ["---:"] * (len(rows[0]) - 1)) + "|"]
    out += ["| " + " | ".join(row) + " |" for row in rows[1:]]
    out += ["", "Share of the product's time per stage (colour_free: seals by shape and stroke weight):", ""]
    out += [f"- {key}: " + ", ".join(f"{stage[:-2]} {100 * share:.1f}%" for stage, share in row["stage_share"].items())
            for key, row in groups.items()]
    return out
