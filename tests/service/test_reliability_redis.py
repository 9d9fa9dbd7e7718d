"""Redis restarted while jobs are queued and one is running: the API says so (503) during the outage, and
afterwards every accepted job finishes or is reported failed; none silently disappears.

The test runs its OWN redis-server (a free loopback port, data under tmp_path), never the machine's
shared one, and kills (SIGKILL) and restarts it. That Redis runs with append-only-file persistence like
docker-compose.yml's (`--appendonly yes`), with `--appendfsync always` instead of compose's `everysec`
so the test does not depend on a one-second fsync race: with `everysec` a crash can lose the last second
of writes (a submission answered in that second could be lost; see the README). A Redis without
persistence (the machine's shared one: `--save "" --appendonly no`) forgets every job when it restarts;
that is a deployment error, not something the API can repair.
`redis-server` comes from the Debian package (installed on this machine; CI: `apt-get install redis-server`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from servers import PrivateRedis, pick_port  # tests/servers.py (tests/ is on sys.path)

OUTAGE_S = 5.0
"""Seconds Redis stays down."""
RECOVERY_BOUND_S = 600.0
"""Seconds after Redis returns within which every accepted job must be finished or failed: a running
job's lease and back-off, then OCR of the queued ones on a busy machine."""


@pytest.fixture
def queue_settings(private_queue_settings: Any) -> Any:
    """The test's own Redis (tests/conftest.py), not the shared DB 14: this module kills it."""
    return private_queue_settings


def _submit(http: httpx.Client, path: Path) -> httpx.Response:
    return http.post("/v1/documents", files={"file": (path.name, path.read_bytes(), "image/png")})


@pytest.mark.slow
def test_redis_restart_with_jobs_queued_loses_none(
        private_redis: PrivateRedis, api_server: Callable[[int], Any], workers: Any,
        make_scan: Callable[..., Path]) -> None:
    port = pick_port()
    api_server(port)
    worker = workers.start()
    workers.wait_ready(1)
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
        accepted = []
        for number in range(4):
            response = _submit(http, make_scan(f"redis-{number}.png", variant=900 + number))
            assert response.status_code == 202
            accepted.append(response.json()["id"])
        deadline = time.monotonic() + 300
        while http.get(f"/v1/jobs/{accepted[0]}").json()["status"] == "queued":  # one running, three queued
            assert time.monotonic() < deadline
            time.sleep(0.1)

        private_redis.kill()
        down_at = time.monotonic()
        ready = http.get("/readyz")
        assert ready.status_code == 503 and ready.json()["redis"] is False
        refused = _submit(http, make_scan("redis-during.png", variant=950))
        assert refused.status_code == 503 and refused.json()["error"]["code"] == "unavailable"
        status = http.get(f"/v1/jobs/{accepted[1]}")
        assert status.status_code == 503 and status.json()["error"]["code"] == "unavailable"
        assert http.get("/healthz").status_code == 200  # the API process itself is fine
        time.sleep(max(0.0, OUTAGE_S - (time.monotonic() - down_at)))
        private_redis.start()
        back_at = time.monotonic()

        deadline = back_at + RECOVERY_BOUND_S
        while http.get("/readyz").status_code != 200:
            assert time.monotonic() < deadline, f"not ready again: {http.get('/readyz').text} {workers.logs()}"
            time.sleep(0.5)
        ready_after_s = time.monotonic() - back_at
        after = _submit(http, make_scan("redis-after.png", variant=951))
        assert after.status_code == 202
        accepted.append(after.json()["id"])
        ends: dict[str, dict[str, Any]] = {}
        while len(ends) < len(accepted):
            for job_id in accepted:
                if job_id in ends:
                    continue
                response = http.get(f"/v1/jobs/{job_id}")
                assert response.status_code == 200, f"job {job_id} answered {response.status_code}: {response.text}"
                view = response.json()
                if view["status"] in ("finished", "failed", "canceled"):
                    ends[job_id] = view
            assert time.monotonic() < deadline, f"jobs still running: {set(accepted) - set(ends)} {workers.logs()}"
            time.sleep(0.5)
    outcomes = [(v["status"], (v["error"] or {}).get("code"), v["attempts"]) for v in ends.values()]
    print(f"\nRedis down {OUTAGE_S:.0f} s with 1 job running and 3 queued: ready again {ready_after_s:.1f} s after "
          f"it returned; all {len(ends)} accepted jobs ended within {time.monotonic() - back_at:.0f} s: {outcomes}; "
          f"worker process {'alive' if worker.poll() is None else f'exited {worker.returncode}'}")
    for view in ends.values():
        assert view["status"] == "finished" or (view["status"] == "failed" and view["error"]["code"]), view
    assert ends[accepted[-1]]["status"] == "finished"
