"""`gongwen serve`: the HTTP API, and by default one worker next to it (what `make serve` runs).

    gongwen serve                       API on 127.0.0.1:8000 + one worker process (local use)
    gongwen serve --no-worker           API only (containers, or workers elsewhere)
    gongwen serve --processes 2         API + 2 worker processes

The worker is a child process (`gongwen worker`), so the API process itself never loads the OCR
model. Ctrl+C / SIGTERM stop the API, then ask the worker to finish its current job and exit.
"""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
from typing import Any

from service.cli.worker import settings_from_args

WORKER_STOP_WAIT_S = 120
"""Seconds `gongwen serve` waits for its worker to finish the current job when stopping."""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("serve", help="run the HTTP API (and one worker unless --no-worker)",
                                   description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", help="interface (default: GONGWEN_HOST or 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (default: GONGWEN_PORT or 8000)")
    parser.add_argument("--no-worker", dest="with_worker", action="store_false",
                        help="start the API only")
    parser.add_argument("--with-worker", dest="with_worker", action="store_true",
                        help="also start worker processes (the default)")
    parser.add_argument("--processes", "-n", type=int, default=1, help="worker processes to start (default 1)")
    parser.add_argument("--queue", help="queue name (default: GONGWEN_QUEUE or 'gongwen')")
    parser.add_argument("--redis-url", help="Redis URL (default: GONGWEN_REDIS_URL)")
    parser.set_defaults(handler=run, with_worker=True)


def _start_worker(args: argparse.Namespace) -> subprocess.Popen[bytes]:
    argv = ["worker", "--processes", str(args.processes)]
    if args.queue:
        argv += ["--queue", args.queue]
    if args.redis_url:
        argv += ["--redis-url", args.redis_url]
    code = f"from service.cli import main; raise SystemExit(main({argv!r}))"
    return subprocess.Popen([sys.executable, "-c", code])


def _exit_cleanly(signum: int, frame: object) -> None:
    # uvicorn shuts down gracefully on SIGTERM, restores the previous handler and raises the signal
    # again; with this handler that ends in SystemExit(0), so the `finally` below stops the worker.
    raise SystemExit(0)


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from service.api import create_app

    settings = settings_from_args(args)
    host = args.host or settings.api_host
    port = args.port or settings.api_port
    signal.signal(signal.SIGTERM, _exit_cleanly)
    worker = _start_worker(args) if args.with_worker else None
    try:
        uvicorn.run(create_app(settings), host=host, port=port, log_level="info")
    finally:
        if worker is not None:
            worker.terminate()  # SIGTERM: the worker finishes its current job, takes no new one
            try:
                worker.wait(timeout=WORKER_STOP_WAIT_S)
            except subprocess.TimeoutExpired:
                worker.kill()
    return 0
