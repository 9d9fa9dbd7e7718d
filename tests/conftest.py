"""Fixtures for tests of the queue and the API (tests/service, tests/workers): a real Redis, real worker
processes, small real scans.

Isolation: Redis DB 14 (`QUEUE_TEST_REDIS_URL`) and a fresh queue name per test (`gongwen:<queue>:…` keys
and rq's per-queue keys carry it); every key of the test's jobs and queue is deleted afterwards. Worker
processes run in their own session (process group) and are ended by that group's id at teardown.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from leaks import connections_to, sweep_unclosed  # tests/leaks.py (this folder is on sys.path)
from servers import PrivateRedis, PrivateS3, pick_port  # tests/servers.py (this folder is on sys.path)

QUEUE_TEST_REDIS_URL = "redis://127.0.0.1:6379/14"
WORKER_READY_TIMEOUT_S = 120.0
"""Seconds a test waits for a worker process to load the model and register (busy 2-core machine)."""


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Collect what is left before pytest's own last collection, printing (not raising) what was left open.

    A client socket of the test process to one of the suite's own servers, kept alive in a reference cycle
    until the session ends, was collected there: under `filterwarnings = error` its ResourceWarning failed
    a run whose every test had passed (seen twice, the peer a random test-server port: most likely
    test_worker_stop's Redis client, now closed and checked by `private_redis`). Warnings raised
    during the tests still fail them; this one last sweep only reports, with where each object was made
    when the run traces allocations (`-X tracemalloc=20`, tests/leaks.py)."""
    for report in sweep_unclosed():
        print(f"\nleft open at the end of the session: {report}", file=sys.stderr)


FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
LINES = (
    "关于做好二〇二四年防汛工作的通知",
    "各镇人民政府，各街道办事处：",
    "现将有关事项通知如下，请认真贯彻落实。",
    "一、提高思想认识",
    "各单位要高度重视，确保安全度汛。",
)


@pytest.fixture
def queue_settings(tmp_path: Path) -> Iterator[object]:
    """Settings of an isolated queue: DB 14, a random queue name, storage under tmp_path."""
    from workers.queue.queue import connect
    from workers.settings import load_settings

    settings = load_settings().with_(redis_url=QUEUE_TEST_REDIS_URL, queue_name=f"t{secrets.token_hex(5)}",
                                     storage_dir=tmp_path / "storage")
    yield settings
    with connect(settings) as redis:
        _purge(redis, settings.queue_name)


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    """A redis-server of this test only (tests/servers.py), for tests that kill or restart Redis."""
    redis = PrivateRedis(tmp_path / "redis")
    redis.start()
    yield redis
    left = connections_to(redis.port)  # the fixtures that made clients have closed them by now
    if redis.proc is not None:
        redis.kill()
    # one dropped unclosed waits in a reference cycle for a full collection (for the suite's last file, the
    # session's end: test_worker_stop's client made after the restart was one, its ResourceWarning that one)
    assert not left, f"clients of the test's Redis left open, close them (local port, TCP state): {left}"


@pytest.fixture
def private_queue_settings(private_redis: PrivateRedis, tmp_path: Path) -> Any:
    """Settings of a queue on `private_redis` (nothing to purge: that Redis dies with the test). A module
    that kills Redis overrides `queue_settings` with these, and `workers`/`api_server` then use them."""
    from workers.settings import load_settings

    return load_settings().with_(redis_url=private_redis.url, queue_name=f"p{secrets.token_hex(4)}",
                                 storage_dir=tmp_path / "storage")


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrivateS3]:
    """One SeaweedFS S3 server for the test session (tests/servers.py), started on first use and stopped
    when the session ends; each test makes its own bucket (`s3_bucket`)."""
    server = PrivateS3(tmp_path_factory.mktemp("s3"))
    server.start()
    yield server
    server.close_clients()
    if server.proc is not None:
        server.kill()


@pytest.fixture
def s3_bucket(s3_server: PrivateS3) -> str:
    """A fresh, empty bucket of `s3_server` for this test."""
    name = f"t{secrets.token_hex(6)}"
    if s3_server.proc is None:  # a test that stopped the server failed before starting it again
        s3_server.start()
    s3_server.make_bucket(name)
    return name


def _purge(redis: object, queue_name: str) -> None:
    """Delete every key of this queue: rq's per-queue keys, its jobs' keys, our gongwen:<queue>:* keys."""
    from redis import Redis

    assert isinstance(redis, Redis)
    doomed: list[bytes] = []
    for name in redis.scan_iter(match="rq:job:*", count=500):
        if b":dependents" in name or b":dependencies" in name:
            continue
        if redis.type(name) == b"hash" and redis.hget(name, "origin") == queue_name.encode():
            job_id = name.decode().split(":", 2)[2]
            doomed += [name, f"rq:results:{job_id}".encode(), f"rq:executions:{job_id}".encode()]
    for pattern in (f"*{queue_name}*", "rq:execution:*"):
        doomed += list(redis.scan_iter(match=pattern, count=500))
    job_ids = {d.decode().split(":")[-1] for d in doomed if d.startswith(b"rq:job:")}
    doomed = [d for d in doomed if not d.startswith(b"rq:execution:") or d.decode().split(":")[2] in job_ids]
    if doomed:
        redis.delete(*set(doomed))
    for results in redis.scan_iter(match="rq:results:*", count=500):  # of jobs a test deleted itself
        if not redis.exists(f"rq:job:{results.decode().split(':', 2)[2]}"):
            redis.delete(results)
    redis.srem("rq:queues", f"rq:queue:{queue_name}")
    for worker_key_b in redis.scan_iter(match="rq:worker:*", count=500):
        if redis.type(worker_key_b) == b"hash" and redis.hget(worker_key_b, "queues") == queue_name.encode():
            redis.delete(worker_key_b)
    for member in redis.smembers("rq:workers"):
        worker_key = member.decode()
        if redis.hget(worker_key, "queues") in (None, queue_name.encode()):
            redis.srem("rq:workers", member)
            redis.delete(worker_key, f"{worker_key}:executions")


def cli_argv(*args: str) -> list[str]:
    """The `gongwen …` command line, run by this interpreter."""
    return [sys.executable, "-c", f"from service.cli import main; raise SystemExit(main({list(args)!r}))"]


def worker_env(settings: object) -> dict[str, str]:
    """The environment of a `gongwen` process with these settings: its queue, and its storage (the
    directory, or the bucket with its endpoint and credentials)."""
    s: Any = settings
    # PYTHONTRACEMALLOC (tests/leaks.py) is the test process's own: traced, a worker's model load is minutes
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "GONGWEN_STORAGE", "PYTHONTRACEMALLOC"))}
    env.update(GONGWEN_REDIS_URL=s.redis_url, GONGWEN_QUEUE=s.queue_name, GONGWEN_STORAGE_DIR=str(s.storage_dir),
               GONGWEN_STORAGE_URL=s.storage_url, GONGWEN_STORAGE_PRESIGN_S=str(s.storage_presign_s),
               AWS_ENDPOINT_URL=s.s3_endpoint_url, AWS_DEFAULT_REGION=s.s3_region,
               AWS_ACCESS_KEY_ID=s.s3_access_key_id, AWS_SECRET_ACCESS_KEY=s.s3_secret_access_key,
               PYTHONUNBUFFERED="1")
    return env


class WorkerProcs:
    """Worker processes started by one test; each in its own session so its children end with it."""

    def __init__(self, settings: object, log_dir: Path) -> None:
        self.settings, self.log_dir = settings, log_dir
        self.procs: list[subprocess.Popen[bytes]] = []

    def start(self, *args: str, settings: object = None) -> subprocess.Popen[bytes]:
        """`gongwen worker *args` with the test's settings (or `settings`: same queue, other storage)."""
        with (self.log_dir / f"worker-{len(self.procs)}.log").open("wb") as log:  # the child keeps its copy
            proc = subprocess.Popen(cli_argv("worker", *args),
                                    env=worker_env(settings or self.settings), stdout=log, stderr=subprocess.STDOUT,
                                    start_new_session=True)
        self.procs.append(proc)
        return proc

    def wait_ready(self, count: int, timeout_s: float = WORKER_READY_TIMEOUT_S) -> None:
        from rq import Worker

        from workers.queue.queue import connect, make_queue

        with connect(self.settings) as redis:  # type: ignore[arg-type]
            queue = make_queue(self.settings, redis)  # type: ignore[arg-type]
            deadline = time.monotonic() + timeout_s
            while Worker.count(queue=queue) < count:
                dead = [p for p in self.procs if p.poll() is not None]
                assert not dead, f"worker exited early: {self.logs()}"
                assert time.monotonic() < deadline, f"workers not ready in {timeout_s} s: {self.logs()}"
                time.sleep(0.3)

    def logs(self, tail: int | None = 3000) -> str:
        """The workers' logs, the last `tail` characters of each (None: whole)."""
        return "\n".join(p.read_text(errors="replace")[-tail if tail else 0:]
                         for p in sorted(self.log_dir.glob("worker-*.log")))

    def stop_all(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            proc.wait(timeout=30)
            try:  # the session may hold children that outlived the worker (rq's scheduler process)
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


@pytest.fixture
def workers(queue_settings: object, tmp_path: Path) -> Iterator[WorkerProcs]:
    procs = WorkerProcs(queue_settings, tmp_path)
    yield procs
    procs.stop_all()


CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
"""Debian's chromium and chromium-driver (`make browser`), driven through Selenium by the browser tests."""


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[tuple[Any, Path]]:
    """Headless Chromium (a Selenium WebDriver) with a fresh profile and a download folder; quits at the end."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    if not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()):
        pytest.fail("chromium and chromium-driver are not installed: run `make browser`")
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", f"--user-data-dir={tmp_path / 'profile'}",
                "--window-size=1600,1000",
                "--lang=zh-CN"):
        options.add_argument(arg)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=str(CHROMEDRIVER)))
    driver.execute_cdp_cmd("Browser.setDownloadBehavior",
                           {"behavior": "allow", "downloadPath": str(downloads)})
    try:
        yield driver, downloads
    finally:
        driver.quit()


@pytest.fixture
def free_port() -> Callable[[], int]:
    """free_port() → a TCP port on 127.0.0.1 that nothing listens on at the moment (for api_server)."""

    return pick_port


@pytest.fixture
def api_server(queue_settings: object, tmp_path: Path) -> Iterator[Callable[[int], subprocess.Popen[bytes]]]:
    """api_server(port) starts `gongwen serve --no-worker` on 127.0.0.1:port and waits for /healthz;
    api_server(port, settings) with other settings (same queue, another storage directory or bucket)."""
    import httpx

    procs: list[subprocess.Popen[bytes]] = []

    def start(port: int, settings: object = None) -> subprocess.Popen[bytes]:
        with (tmp_path / f"api-{len(procs)}.log").open("wb") as log:
            proc = subprocess.Popen(cli_argv("serve", "--no-worker", "--port", str(port)),
                                    env=worker_env(settings or queue_settings), stdout=log, stderr=subprocess.STDOUT,
                                    start_new_session=True)
        procs.append(proc)
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                    return proc
            except httpx.HTTPError:
                pass
            assert proc.poll() is None, (tmp_path / f"api-{len(procs) - 1}.log").read_text(errors="replace")
            assert time.monotonic() < deadline, "API did not start in 60 s"
            time.sleep(0.2)

    yield start
    for proc in procs:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)


@pytest.fixture
def gongwen(queue_settings: object, tmp_path: Path) -> Callable[..., subprocess.CompletedProcess[bytes]]:
    """gongwen("convert", path, ...) runs the real CLI against the test's queue settings."""

    def run(*args: str, timeout_s: float = 600) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(cli_argv(*map(str, args)), env=worker_env(queue_settings), capture_output=True,
                              timeout=timeout_s, check=False)

    return run


@pytest.fixture(scope="session")
def make_scan(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """make_scan(name, variant=0, lines=LINES) → a one-page PNG of printed Chinese text (real OCR input)."""
    from PIL import Image, ImageDraw, ImageFont

    folder = tmp_path_factory.mktemp("scans")
    font = ImageFont.truetype(FONT, size=44, index=2)

    def make(name: str, variant: int = 0, lines: tuple[str, ...] = LINES) -> Path:
        page = Image.new("RGB", (1240, 900), "white")
        draw = ImageDraw.Draw(page)
        for row, text in enumerate(lines):
            draw.text((120, 100 + row * 110), text if row else f"{text}（{variant}）", font=font, fill=(20, 20, 20))
        path = folder / name
        page.save(path)
        return path

    return make


@pytest.fixture(scope="session")
def bad_scans(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """{name: BadScan(path, code, at)}: the reliability tests' bad scans (tests/bad_scans.py), built once."""
    from bad_scans import build_bad_scans  # tests/ is on sys.path (pytest puts this conftest's folder there)

    return dict(build_bad_scans(tmp_path_factory.mktemp("bad-scans")))
