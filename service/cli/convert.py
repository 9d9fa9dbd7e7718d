"""`gongwen convert`: scans to clean text, Markdown, JSON, ALTO, hOCR or a searchable PDF/A, in this process.

    gongwen convert scan.pdf                        clean text on stdout
    gongwen convert scan.tif -o doc.json --format json
    gongwen convert scans/ -o out/ --format md      every scan in scans/ → out/<name>.md
    gongwen convert scan.pdf -o doc.pdf --format pdf   searchable PDF/A-2b (also: --format alto, hocr)
    gongwen convert box.pdf --split                 a batch of documents: a line of = between two
    gongwen convert box.pdf --split -o out/         out/box.1.txt, out/box.2.txt, … (one per document)

For a folder, every file with a scan suffix (.pdf .tif .tiff .png .jpg .jpeg .bmp .webp) directly in it is
converted; a file that fails is reported on stderr and the others go on; the exit status is then the
failure's exit code (1 when failures differ). A progress bar (pages; and documents for a folder) goes to
stderr when stderr is a terminal or the job is longer than two pages; stdout carries only the result.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workers.errors import GongwenError, InputError
from workers.output.split import SPLIT_FORMATS, render_each
from workers.settings import Settings, load_settings

SCAN_SUFFIXES = (".pdf", ".tif", ".tiff", ".png", ".jpg", ".jpeg", ".bmp", ".webp")
OUTPUT_SUFFIXES = {"text": "txt", "md": "md", "json": "json", "alto": "alto.xml", "hocr": "hocr.html", "pdf": "pdf"}
PROGRESS_MIN_PAGES = 3
"""Without a terminal, a progress bar is drawn only for jobs of at least this many pages."""
DPI_RANGE = (50, 1200)
"""--dpi accepted: below 50 nothing is legible, above 1200 a page is hundreds of megapixels."""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("convert", help="convert scans (PDF, TIFF, PNG, JPEG…) in this process",
                                   description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("input", type=Path, metavar="FILE|DIR", help="a scan, or a folder of scans")
    parser.add_argument("-o", "--output", type=Path, metavar="OUT",
                        help="output file (default: stdout); for a folder, the output folder (required)")
    parser.add_argument("--format", "-f", choices=tuple(OUTPUT_SUFFIXES), default="text",
                        help="output format (default: text)")
    parser.add_argument("--dpi", type=_dpi, help="PDF render resolution (default: GONGWEN_DPI or 200)")
    parser.add_argument("--det-model-dir", type=Path, help="a PaddleX text-detection model folder to use")
    parser.add_argument("--rec-model-dir", type=Path, help="a PaddleX text-recognition model folder to use")
    parser.add_argument("--det-model-name", help="PaddleX model name of --det-model-dir")
    parser.add_argument("--rec-model-name", help="PaddleX model name of --rec-model-dir")
    parser.add_argument("--split", action="store_true",
                        help="the file is a batch of documents: find them and convert each on its own "
                             "(text: a line of = between two; md: a --- rule; json: a `documents` list; "
                             "-o DIR: NAME.1.EXT, NAME.2.EXT, …)")
    parser.add_argument("--no-progress", action="store_true", help="never draw a progress bar")
    parser.set_defaults(handler=run)


def _dpi(value: str) -> int:
    try:
        dpi = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if not DPI_RANGE[0] <= dpi <= DPI_RANGE[1]:
        raise argparse.ArgumentTypeError(f"{dpi} is outside {DPI_RANGE[0]}..{DPI_RANGE[1]}")
    return dpi


def settings_from_args(args: argparse.Namespace, settings: Settings | None = None) -> Settings:
    """The environment's settings with the model flags applied."""
    settings = settings or load_settings()
    changes: dict[str, object] = {}
    for flag in ("det_model_dir", "rec_model_dir", "det_model_name", "rec_model_name"):
        if getattr(args, flag, None) is not None:
            changes[flag] = getattr(args, flag)
    return settings.with_(**changes) if changes else settings


def run(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    # PaddleX's INFO lines ("Creating model…") would clutter stderr; it resets its level on import, a filter stays
    logging.getLogger("paddlex").addFilter(lambda record: record.levelno >= logging.WARNING)
    split = bool(getattr(args, "split", False))
    if split and args.format not in SPLIT_FORMATS:
        raise InputError(f"--split renders {', '.join(SPLIT_FORMATS)}, not {args.format}")
    if args.input.is_dir():
        if args.output is None:
            raise InputError("converting a folder needs an output folder: -o OUTDIR")
        return convert_folder(args.input, args.output, settings, fmt=args.format, dpi=args.dpi,
                              progress=not args.no_progress, split=split)
    if not args.input.exists():
        raise InputError(f"no such file or folder: {args.input}")
    if split and args.output is not None and writes_a_folder(args.output):
        documents = convert_each(args.input, settings, fmt=args.format, dpi=args.dpi, progress=not args.no_progress)
        write_each(args.output / f"{args.input.stem}.{OUTPUT_SUFFIXES[args.format]}", documents)
        return 0
    text = convert_one(args.input, settings, fmt=args.format, dpi=args.dpi, progress=not args.no_progress,
                       split=split)
    if args.output is None and isinstance(text, bytes):
        sys.stdout.flush()
        sys.stdout.buffer.write(text)
        sys.stdout.buffer.flush()
    elif args.output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    elif args.output.is_dir():  # -o an existing folder: the result goes in it, named after the scan
        write_atomically(args.output / f"{args.input.stem}.{OUTPUT_SUFFIXES[args.format]}", text)
    else:
        write_atomically(args.output, text)
    return 0


def _convert(path: Path, settings: Settings, *, dpi: int | None, progress: bool, position: int,
             split: bool) -> Any:
    from workers.pipeline import ConvertOptions, convert_file

    with _page_bar(path.name, enabled=progress, position=position) as on_page:
        return convert_file(path, settings=settings, options=ConvertOptions(dpi=dpi, split=split), progress=on_page)


def convert_one(path: Path, settings: Settings, *, fmt: str, dpi: int | None, progress: bool,
                position: int = 0, split: bool = False) -> str | bytes:
    """The rendering of one scan: text for the text formats, bytes for `pdf`; with `split`, of the batch's
    documents (`workers.output.split`)."""
    from workers.pipeline import render_bytes, render_result

    result = _convert(path, settings, dpi=dpi, progress=progress, position=position, split=split)
    if fmt == "pdf":
        return render_bytes(result, "pdf", path)
    return render_result(result, fmt)  # type: ignore[arg-type]


def convert_each(path: Path, settings: Settings, *, fmt: str, dpi: int | None, progress: bool,
                 position: int = 0) -> list[str]:
    """One rendering per document of the batch scan at `path` (`workers.output.split.render_each`)."""
    result = _convert(path, settings, dpi=dpi, progress=progress, position=position, split=True)
    return render_each(result, fmt)


def writes_a_folder(output: Path) -> bool:
    """`-o` with `--split` names a folder for one file per document: an existing folder, or a new path
    without a suffix (`-o out/`; a path with a suffix, `-o box.txt`, gets the whole rendering)."""
    return output.is_dir() or (not output.exists() and not output.suffix)


def numbered_path(target: Path, number: int) -> Path:
    """`out/box.txt` → `out/box.<number>.txt` (a suffix like `.alto.xml` stays whole)."""
    for suffix in sorted(OUTPUT_SUFFIXES.values(), key=len, reverse=True):
        if target.name.endswith(f".{suffix}"):
            return target.with_name(f"{target.name[:-len(suffix) - 1]}.{number}.{suffix}")
    return target.with_name(f"{target.name}.{number}")


def write_each(target: Path, documents: list[str]) -> None:
    """Document N of a split batch to `numbered_path(target, N)`, N from 1."""
    for number, text in enumerate(documents, start=1):
        write_atomically(numbered_path(target, number), text)


@contextmanager
def _page_bar(name: str, *, enabled: bool, position: int) -> Iterator[Callable[[int, int], None]]:
    """progress(pages_done, pages_total) that draws a page bar on stderr once it is worth drawing."""
    bars: list[Any] = []

    def on_page(done: int, total: int) -> None:
        if not bars and enabled and (sys.stderr.isatty() or total >= PROGRESS_MIN_PAGES):
            from tqdm import tqdm

            bars.append(tqdm(total=total, initial=done - 1, unit="page", desc=name, file=sys.stderr,
                             position=position, leave=position == 0))
        if bars:
            bars[0].update(done - bars[0].n)

    try:
        yield on_page
    finally:
        for bar in bars:
            bar.close()


def write_atomically(target: Path, text: str | bytes) -> None:
    """Write `text` (UTF-8; bytes as they are) to `target` via a temporary file: a failed run never leaves
    half a result."""
    tmp = target.with_name(f".{target.name}.part")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise GongwenError(f"cannot write {target}: {exc.strerror or exc}") from exc


def find_scans(folder: Path) -> list[Path]:
    """Files with a scan suffix directly in `folder`, sorted by name."""
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in SCAN_SUFFIXES)


def output_paths(scans: list[Path], out: Path, fmt: str) -> dict[Path, Path]:
    """OUTDIR/<stem>.<ext>; scans sharing a stem (a.pdf, a.png) keep their whole name (a.pdf.txt)."""
    suffix = OUTPUT_SUFFIXES[fmt]
    stems = [p.stem for p in scans]
    return {p: out / (f"{p.stem}.{suffix}" if stems.count(p.stem) == 1 else f"{p.name}.{suffix}") for p in scans}


@dataclass
class _Tally:
    converted: int = 0
    failures: list[tuple[Path, str, int]] = field(default_factory=list)

    def exit_code(self) -> int:
        codes = {code for _, _, code in self.failures}
        return 0 if not codes else codes.pop() if len(codes) == 1 else 1


def convert_folder(folder: Path, out: Path, settings: Settings, *, fmt: str, dpi: int | None,
                   progress: bool, split: bool = False) -> int:
    scans = find_scans(folder)
    if not scans:
        raise InputError(f"no scans ({' '.join(SCAN_SUFFIXES)}) in {folder}")
    targets = output_paths(scans, out, fmt)
    tally = _Tally()
    show = progress and (sys.stderr.isatty() or len(scans) > 1)
    from tqdm import tqdm

    with tqdm(total=len(scans), unit="doc", desc="documents", file=sys.stderr, disable=not show) as docs:
        for scan in scans:
            try:
                if split:
                    write_each(targets[scan], convert_each(scan, settings, fmt=fmt, dpi=dpi, progress=show,
                                                           position=1))
                else:
                    write_atomically(targets[scan], convert_one(scan, settings, fmt=fmt, dpi=dpi, progress=show,
                                                                position=1))
                tally.converted += 1
            except GongwenError as exc:
                tally.failures.append((scan, f"{exc.code}: {' '.join(exc.message.split())}", exc.exit_code))
            except Exception as exc:  # noqa: BLE001 - a bug on one scan must not lose the rest of the folder
                tally.failures.append((scan, f"internal_error: {type(exc).__name__}: {exc}", 1))
            docs.update(1)
    for scan, message, _ in tally.failures:
        print(f"gongwen: {scan}: {message}", file=sys.stderr)
    print(f"gongwen: {tally.converted} converted, {len(tally.failures)} failed", file=sys.stderr)
    return tally.exit_code()
