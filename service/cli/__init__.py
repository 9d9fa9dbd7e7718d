"""The `gongwen` command line: one parser, subcommands from the modules named in `SUBCOMMANDS`.

Each module `service/cli/<name>.py` has `register(subparsers) -> None`, which adds its parser and sets
`handler=<function(args) -> int>`. Adding a subcommand = adding its module and one entry below.

One error handler for every subcommand: a `workers.errors.GongwenError` becomes one line on stderr,
`gongwen: <code>: <message>`, and the process exits with the error's `exit_code` (no traceback).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from workers.errors import GongwenError

SUBCOMMANDS: tuple[str, ...] = ("convert", "clean", "serve", "worker", "batch")
EXIT_INTERRUPTED = 130
"""What shells report for a process ended by Ctrl-C (128 + SIGINT)."""


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("gongwen-ocr")
    except PackageNotFoundError:
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gongwen", description="OCR for scanned Chinese official documents (公文): clean text, Markdown, JSON.")
    parser.add_argument("--version", action="version", version=f"gongwen {_version()}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in dict.fromkeys(SUBCOMMANDS):  # a repeated entry registers once
        importlib.import_module(f"service.cli.{name}").register(subparsers)
    return parser


def report_error(exc: GongwenError) -> int:
    """The one place a GongwenError becomes CLI output: one stderr line; returns the exit code."""
    message = " ".join(str(exc.message).split())
    print(f"gongwen: {exc.code}: {message}", file=sys.stderr)
    return exc.exit_code


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except GongwenError as exc:
        return report_error(exc)
    except KeyboardInterrupt:
        print("gongwen: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
