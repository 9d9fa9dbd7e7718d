"""The benchmark's summary and its three renderings: a text table, Markdown, JSON and a chart.

`build(header, records, varied=…, photos=…)` takes the per-document records of `bench.run` (one dict per
document with the scores of "product" and, where it ran, "baseline") and adds per-document seconds per page
and speed ratio, the mean row, the rows of every group (`bench.groups`: the one summariser and the cells of
every row, the mean's and the photo halves' included) and the product's per-stage time profile. Means are
means of the per-document metrics; page-break joins are summed (k of n); seconds per page is total time
over total pages, and the ratio is product / baseline."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench import groups as row_groups

SYSTEMS = ("product", "baseline")
LABELS = {"product": "gongwen-ocr", "baseline": "plain PaddleOCR"}
PRODUCT_STAGES = row_groups.PRODUCT_STAGES
TIMING_NOTE = (
    "Timing: the product over its whole convert_file (ingest + preprocess + OCR + layout); plain PaddleOCR "
    "over the same ingest (PDF rendered at the same DPI) + predict. Models are loaded and warmed up once, "
    "untimed; the order of the two systems alternates per document. The machine is shared: absolute "
    "times are noisy, the ratio is the figure."
)

METRICS_NOTE = (
    "Metrics as in SPEC.md (bench/metrics.py). *base* = plain PaddleOCR (same models, same pages, lines "
    "joined in order). Mean row: means of the per-document metrics, joins summed, s/page = total time / "
    "total pages, ratio = product s/page ÷ plain PaddleOCR s/page."
)

TURNED_NOTE = (
    "Plain PaddleOCR reads them as they are: its document-orientation model is a download, and nothing is "
    "downloaded here, so it runs without one."
)


def _per_page(seconds: float, pages: int) -> float | None:
    return seconds / pages if pages else None


ARCHIVE_FORMATS = ("pdf", "alto", "hocr")
"""The renderings timed after each conversion (`bench.run.archive_seconds`: timings `render_<fmt>_s`)."""
ARCHIVE_SHARE_TARGET = 0.05
"""Issue 17: rendering the archive formats may cost at most this share of a page's conversion time."""


def _archive(records: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    """Seconds rendering each archive format, in all and per page, and their share of the product's
    conversion seconds; None when the run did not time them (an older bench.json, a failed product)."""
    timings = [r["product"]["timings"] for r in records if r["product"]["error"] is None]
    if not any(f"render_{ARCHIVE_FORMATS[0]}_s" in t for t in timings):
        return None
    measured = [r for r in records if r["product"]["error"] is None]
    seconds = {fmt: sum(t.get(f"render_{fmt}_s", 0.0) for t in timings) for fmt in ARCHIVE_FORMATS}
    total = sum(seconds.values())
    convert = sum(r["product"]["seconds"] for r in measured)
    pages = sum(r["pages"] for r in measured)
    return {"seconds": seconds, "total_s": total, "convert_s": convert,
            "per_page": {fmt: v / pages if pages else 0.0 for fmt, v in seconds.items()},
            "total_per_page_s": total / pages if pages else 0.0,
            "share": total / convert if convert else None, "target": ARCHIVE_SHARE_TARGET}


def archive_line(bench: dict[str, Any]) -> str:
    """What rendering PDF + ALTO + hOCR costs beside the conversion ("" when not measured)."""
    archive = bench["profile"].get("archive")
    if not archive:
        return ""
    parts = " + ".join(f"{fmt} {archive['per_page'][fmt]:.3f}" for fmt in ARCHIVE_FORMATS)
    share = archive["share"]
    verdict = "" if share is None else (" — within" if share <= archive["target"] else " — OVER")
    return (f"archive formats (rendered after the conversion, not in s/page): {parts} = "
            f"{archive['total_per_page_s']:.3f} s/page, {_pct(share)} of the conversion's time"
            f"{verdict} the {100 * archive['target']:.0f}% target")


MODEL_KEYS = ("det_s", "rec_s")
"""Seconds inside the OCR models (detection, recognition), when the run measured them."""


def _split_models(stages: dict[str, float], timings: Sequence[dict[str, float]], whole: str) -> dict[str, float]:
    """`stages` with the `whole` stage (the OCR) split into det, rec and the rest of it, if measured."""
    if not any("det_s" in t for t in timings):
        return stages
    split: dict[str, float] = {}
    for stage, seconds in stages.items():
        if stage != whole:
            split[stage] = seconds
            continue
        models = {m: sum(t.get(m, 0.0) for t in timings) for m in MODEL_KEYS}
        split.update(models)
        split[f"{whole[:-2]}_other_s"] = max(seconds - sum(models.values()), 0.0)
    return split


def _cpu_profile(scores: Sequence[dict[str, Any]], pages: int) -> dict[str, Any]:
    """CPU seconds (process, all threads) in detection, recognition and everything else, total and per page."""
    total = sum(s.get("cpu_seconds", 0.0) for s in scores)
    det = sum(s["timings"].get("det_cpu_s", 0.0) for s in scores)
    rec = sum(s["timings"].get("rec_cpu_s", 0.0) for s in scores)
    parts = {"det_s": det, "rec_s": rec, "rest_s": max(total - det - rec, 0.0), "total_s": total}
    return {"seconds": parts, "per_page": {k: v / pages if pages else 0.0 for k, v in parts.items()},
            "measured": any("det_cpu_s" in s["timings"] for s in scores)}


def _profile(records: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Seconds and share of the product's total time per stage (the OCR split into det, rec and the rest
    when the engine measured its models); `other` is what no stage accounts for. CPU seconds per model."""
    total = sum(r["product"]["seconds"] for r in records)
    timings = [r["product"]["timings"] for r in records]
    stages = {s: sum(t.get(s, 0.0) for t in timings) for s in PRODUCT_STAGES}
    stages = _split_models(stages, timings, "ocr_s")
    stages["other_s"] = max(total - sum(stages.values()), 0.0)
    base_total = sum(r["baseline"]["seconds"] for r in records)
    base_timings = [r["baseline"]["timings"] for r in records]
    base = {s: sum(t.get(s, 0.0) for t in base_timings) for s in ("decode_s", "predict_s")}
    base = _split_models(base, base_timings, "predict_s")
    pages = sum(r["pages"] for r in records)
    return {
        "product": {
            "total_s": total,
            "stages": stages,
            "share": {k: v / total if total else 0.0 for k, v in stages.items()},
            "cpu": _cpu_profile([r["product"] for r in records], pages),
        },
        "baseline": {"total_s": base_total, "stages": base, "cpu": _cpu_profile([r["baseline"] for r in records], pages)},
        "archive": _archive(records),
    }


def build(header: dict[str, Any], records: list[dict[str, Any]], varied: Sequence[dict[str, Any]] = (),
          photos: Sequence[dict[str, Any]] = ()) -> dict[str, Any]:
    """The whole benchmark document (what bench.json holds): `records` the standard corpus's documents (the
    per-document table, its mean and profile), `varied` and `photos` the other corpora's; the rows of every
    group (`bench.groups`) over all of them."""
    for record in records:
        for name in SYSTEMS:
            record[name]["s_per_page"] = _per_page(record[name]["seconds"], record["pages"])
        p, b = record["product"]["s_per_page"], record["baseline"]["s_per_page"]
        record["ratio"] = p / b if p is not None and b else None
    header = dict(header, timing=TIMING_NOTE)
    return {"header": header, "summary": row_groups.summarise_group(records, SYSTEMS), "profile": _profile(records),
            "documents": records, "groups": row_groups.summarise([*records, *varied, *photos]),
            "varied_documents": list(varied), "photo_documents": list(photos)}


# ------------------------------------------------------------------------------------------- text
def _pct(value: float | None) -> str:
    return row_groups.percent(value, 2)


def _num(value: float | None, digits: int = 3) -> str:
    return row_groups.number(value, digits)


COLUMNS = row_groups.COMPARE_COLUMNS


def table_rows(bench: dict[str, Any]) -> list[list[str]]:
    """The per-document table's rows: each document (a group of one), the mean (the standard corpus), then
    the other groups that ran both systems (`bench.groups.compared`: the photo halves)."""
    rows = [row_groups.compare_cells(r["id"], row_groups.summarise_group([r], SYSTEMS)) for r in bench["documents"]]
    rows.append(row_groups.compare_cells("mean", bench["summary"]))
    return rows + [row_groups.compare_cells(key, row)
                   for key, row in row_groups.compared(bench.get("groups", {})).items()]


def format_table(bench: dict[str, Any]) -> str:
    """The fixed-width table printed to stdout ("base" columns: plain PaddleOCR), then the rows per group
    (`bench.groups`) when the run has them; the groups alone when no standard-corpus document ran."""
    grouped = row_groups.format_table(bench.get("groups", {}))
    if not bench["documents"]:
        return grouped
    table = _document_table(bench)
    return f"{table}\n\n{grouped}" if grouped else table


def _document_table(bench: dict[str, Any]) -> str:
    lines = row_groups.align([COLUMNS, *table_rows(bench)])
    rule = "-" * len(lines[0])
    mean = 1 + len(bench["documents"])
    lines = [lines[0], rule, *lines[1:mean], rule, *lines[mean:]]
    archive = archive_line(bench)
    return "\n".join([*lines, *row_groups.compare_notes(bench.get("groups", {})), "", cpu_line(bench),
                      profile_line(bench), *([archive] if archive else [])])


def cpu_line(bench: dict[str, Any]) -> str:
    s = bench["summary"]
    return (
        f"CPU time (all threads): product {_num(s['product']['cpu_s_per_page'], 2)} s/page, plain PaddleOCR "
        f"{_num(s['baseline']['cpu_s_per_page'], 2)} s/page, ratio {_num(s['cpu_ratio'], 2)}×"
    )


def profile_line(bench: dict[str, Any]) -> str:
    prof = bench["profile"]["product"]
    parts = [f"{_stage_label(k)} {v:.1f}s ({100 * prof['share'][k]:.1f}%)" for k, v in prof["stages"].items()]
    line = f"product time by stage: {', '.join(parts)}; total {prof['total_s']:.1f}s"
    cpu = cpu_models_line(bench)
    return f"{line}\n{cpu}" if cpu else line


def _stage_label(key: str) -> str:
    return key[:-2].replace("_", " ")


def cpu_models_line(bench: dict[str, Any]) -> str:
    """CPU seconds per page in detection, recognition and the rest, both systems ("" if not measured)."""
    prof = bench["profile"]
    parts = []
    for name in SYSTEMS:
        cpu = prof[name].get("cpu")
        if not cpu or not cpu["measured"]:
            continue
        page = cpu["per_page"]
        parts.append(f"{LABELS[name]} det {page['det_s']:.2f} + rec {page['rec_s']:.2f} + rest {page['rest_s']:.2f}"
                     f" = {page['total_s']:.2f}")
    return f"CPU s/page by model: {'; '.join(parts)}" if parts else ""


def progress_line(record: dict[str, Any], done: int, total: int) -> str:
    p, b = record["product"], record["baseline"]
    errors = "".join(f" [{n} failed: {record[n]['error']}]" for n in SYSTEMS if record[n]["error"])
    return (
        f"[{done}/{total}] {record['id']}: {record['pages']} pages, CER {_pct(p['cer'])} vs {_pct(b['cer'])}, "
        f"{p['seconds']:.1f}s vs {b['seconds']:.1f}s{errors}"
    )


# --------------------------------------------------------------------------------------- markdown
def to_markdown(bench: dict[str, Any]) -> str:
    grouped = row_groups.to_markdown(bench.get("groups", {}))
    if not bench["documents"]:
        h = bench["header"]
        line = f"{h['date']} · {h['machine']} · wall time {h['wall_s']:.1f} s"
        return "\n".join(["# gongwen-ocr benchmark", "", line, "", *grouped]) + "\n"
    text = _documents_markdown(bench)
    return text + "\n" + "\n".join(grouped) + "\n" if grouped else text


def _documents_markdown(bench: dict[str, Any]) -> str:
    h, s = bench["header"], bench["summary"]
    out = [
        "# gongwen-ocr benchmark",
        "",
        (
            f"{h['date']} · corpus `{h['corpus']}` ({h['documents']} documents{', quick' if h['quick'] else ''}) · "
            f"{h['machine']} · DPI {h['settings']['dpi']} · wall time {h['wall_s']:.1f} s"
        ),
        "",
        h["timing"],
        "",
        METRICS_NOTE,
        "",
    ]
    rows = table_rows(bench)
    mean = len(bench["documents"])
    emphasis = ["{}"] * mean + ["**{}**"] + ["*{}*"] * (len(rows) - mean - 1)  # the mean bold, other groups italic
    out += row_groups.markdown_rows([COLUMNS, *([mark.format(c) for c in row] for mark, row in zip(emphasis, rows))])
    notes = row_groups.compare_notes(bench.get("groups", {}))
    if notes:
        out += ["", *(f"- {note}" for note in notes)]
    out += ["", cpu_line(bench) + f" · load average {h.get('load_average_1min', '?')} (start, end)"]
    turned = [
        f"{r['id']} ({r['turned_pages']} of {r['pages']})"
        for r in bench["documents"]
        if r.get("turned_pages")
    ]
    if turned:
        out += ["", f"Pages scanned turned by 90/180/270°: {', '.join(turned)}. {TURNED_NOTE}"]
    prof = bench["profile"]
    out += ["", "## Where the product's time goes", "", "| stage | seconds | share |", "|---|---:|---:|"]
    for stage, seconds in prof["product"]["stages"].items():
        out.append(f"| {_stage_label(stage)} | {seconds:.2f} | {100 * prof['product']['share'][stage]:.1f}% |")
    out.append(f"| **total** | **{prof['product']['total_s']:.2f}** | 100% |")
    base = prof["baseline"]
    base_parts = ", ".join(f"{_stage_label(k)} {v:.2f} s" for k, v in base["stages"].items())
    out += ["", f"Plain PaddleOCR: {base_parts}, total {base['total_s']:.2f} s."]
    if archive_line(bench):
        out += ["", archive_line(bench) + "."]
    out += _cpu_table(bench)
    if s["product"]["field_accuracy"] is not None:  # some document's fields were scored
        out += ["", "## Fields (product, share of documents exact)", "", "| field | exact |", "|---|---:|"]
        out += [f"| {n} | {_pct(v)} |" for n, v in sorted(s["product"]["per_field"].items())]
    failures = [(r["id"], n, r[n]["error"]) for r in bench["documents"] for n in SYSTEMS if r[n]["error"]]
    if failures:
        out += ["", "## Failures", ""] + [f"- {i} ({LABELS[n]}): {e}" for i, n, e in failures]
    return "\n".join(out) + "\n"


def _cpu_table(bench: dict[str, Any]) -> list[str]:
    """CPU seconds per page (process, all threads) by model, both systems; [] when not measured."""
    prof = bench["profile"]
    rows = [(name, prof[name]["cpu"]) for name in SYSTEMS if prof[name].get("cpu", {}).get("measured")]
    if not rows:
        return []
    out = ["", "CPU seconds per page (process, all threads; the figure to trust on a busy machine):", "",
           "| system | det | rec | rest (ingest, preprocess, second look, layout) | total |", "|---|---:|---:|---:|---:|"]
    for name, cpu in rows:
        page = cpu["per_page"]
        out.append(f"| {LABELS[name]} | {page['det_s']:.2f} | {page['rec_s']:.2f} | {page['rest_s']:.2f} | "
                   f"{page['total_s']:.2f} |")
    return out


# ------------------------------------------------------------------------------------------ chart
def plot(bench: dict[str, Any], path: Path) -> None:
    """CER and seconds per page per document, both systems side by side (matplotlib, Agg)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    docs = bench["documents"]
    ids = [d["id"] for d in docs]
    xs = range(len(ids))
    width = 0.4
    fig, axes = plt.subplots(2, 1, figsize=(max(6.0, 0.6 * len(ids) + 2), 7), sharex=True)
    for offset, name in ((-width / 2, "product"), (width / 2, "baseline")):
        cers = [100 * d[name]["cer"] for d in docs]
        speeds = [d[name]["s_per_page"] or 0.0 for d in docs]
        axes[0].bar([x + offset for x in xs], cers, width, label=LABELS[name])
        axes[1].bar([x + offset for x in xs], speeds, width, label=LABELS[name])
    axes[0].set_ylabel("CER (%)")
    axes[0].set_title("CER per document (lower is better)")
    axes[1].set_ylabel("seconds per page")
    axes[1].set_title(f"Speed per document (product / plain: {_num(bench['summary']['ratio'], 2)}×)")
    axes[1].set_xticks(list(xs), ids, rotation=45, ha="right")
    for ax in axes:
        ax.legend()
        ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def write_all(bench: dict[str, Any], out: Path) -> list[Path]:
    """bench.json, bench.md and bench.png under `out` (created)."""
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "bench.json", out / "bench.md", out / "bench.png"]
    paths[0].write_text(json.dumps(bench, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    paths[1].write_text(to_markdown(bench), encoding="utf-8")
    if not bench["documents"]:
        return paths[:2]  # the chart compares the two systems per standard-corpus document
    plot(bench, paths[2])
    return paths
