"""The API and the workers over an S3 bucket, as on many machines: separate processes that share no
directory (each has its own GONGWEN_STORAGE_DIR, which must stay empty), only Redis and the bucket.

The S3 server is the test session's SeaweedFS (tests/servers.py, fixture `s3_server`), each test with a
bucket of its own; Redis is DB 14 with a queue of the test's own (tests/conftest.py). The test that
restarts the store kills (SIGKILL) the session's server and starts it again on the same ports and data.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from results import JOB_BOUND_S, assert_same_result, poll_job  # tests/results.py (tests/ is on sys.path)
from servers import PrivateS3, pick_port

from workers.defaults import STORAGE_WAIT_RETRY_S

SAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "samples" / "sample_reply.pdf"
"""Three pages: a job long enough to be interrupted."""
KILL_RECOVERY_BOUND_S = 30 + 60 + 3 * JOB_BOUND_S
"""Seconds within which a job whose worker was SIGKILLed is finished by the next worker: its lease
(JOB_LEASE_S = 30 s) runs out, a maintenance pass or a status read re-queues it (back-off 5 s), then
three pages of OCR on a busy machine."""
MODEL_LOAD_BOUND_S = 120.0
"""Seconds a starting worker may take to load the model on a busy 2-core machine (~10 s when quiet)."""
STORE_OUTAGE_S = 15.0
"""Seconds the object store stays down mid-job: longer than boto3's own retries (4 tries, back-off of a
few seconds), so a page preview written meanwhile fails the attempt and the job's retry takes over."""


def _split(settings: Any, s3: PrivateS3, bucket: str, tmp_path: Path, **changes: Any) -> tuple[Any, Any]:
    """(API settings, worker settings): the same queue and bucket, each its own local storage directory."""
    bucket_settings = settings.with_(**{**s3.settings_changes(bucket), **changes})
    return (bucket_settings.with_(storage_dir=tmp_path / "api-storage"),
            bucket_settings.with_(storage_dir=tmp_path / "worker-storage"))


def _local_files(tmp_path: Path) -> list[Path]:
    """Files under either process's local storage directory (the S3 backend must write none)."""
    return [p for name in ("api-storage", "worker-storage") for p in (tmp_path / name).rglob("*") if p.is_file()]


def _objects(s3: PrivateS3, bucket: str) -> list[str]:
    return sorted(o["Key"] for o in s3.client().list_objects_v2(Bucket=bucket).get("Contents", ()))


def _submit(http: httpx.Client, path: Path) -> httpx.Response:
    media = "application/pdf" if path.suffix == ".pdf" else "image/png"
    return http.post("/v1/documents", files={"file": (path.name, path.read_bytes(), media)})


def _wait_running(http: httpx.Client, job_id: str) -> dict[str, Any]:
    """The job's view once a worker has taken it (started, pid recorded); fails if it ended first."""
    deadline = time.monotonic() + JOB_BOUND_S
    while True:
        view: dict[str, Any] = http.get(f"/v1/jobs/{job_id}").json()
        if view["status"] == "started" and (view.get("worker") or {}).get("pid"):
            return view
        assert view["status"] in ("queued", "started"), f"the job ended before it could be interrupted: {view}"
        assert time.monotonic() < deadline, view
        time.sleep(0.05)


@pytest.mark.slow
def test_a_job_through_the_bucket_equals_gongwen_convert_and_no_process_writes_its_local_storage(
        queue_settings: Any, s3_server: PrivateS3, s3_bucket: str, api_server: Callable[..., Any], workers: Any,
        gongwen: Any, make_scan: Callable[..., Path], tmp_path: Path) -> None:
    api_settings, worker_settings = _split(queue_settings, s3_server, s3_bucket, tmp_path)
    port = pick_port()
    api_server(port, api_settings)
    workers.start(settings=worker_settings)
    workers.wait_ready(1)
    scan = make_scan("s3-same.png", variant=710)
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
        ready = http.get("/readyz")
        assert ready.status_code == 200 and ready.json()["storage"] is True, ready.text
        submitted = _submit(http, scan)
        assert submitted.status_code == 202, submitted.text
        job_id, sha = submitted.json()["id"], submitted.json()["sha256"]
        view = poll_job(http, job_id)
        assert view["status"] == "finished", (view, workers.logs())
        for fmt in ("text", "md", "json", "pdf"):
            local = gongwen("convert", scan, "--format", fmt)
            assert local.returncode == 0, local.stderr.decode()
            assert_same_result(fmt, http.get(f"/v1/jobs/{job_id}/result", params={"format": fmt}), local.stdout)
        pages = http.get(f"/v1/jobs/{job_id}/pages").json()["pages"]
        assert [p["page"] for p in pages] == [1]
        preview = http.get(f"/v1/jobs/{job_id}/pages/1")
        assert preview.status_code == 200 and preview.content.startswith(b"\xff\xd8")  # a JPEG, from the bucket
        text = http.get(f"/v1/jobs/{job_id}/result", params={"format": "text"}).content

    objects = _objects(s3_server, s3_bucket)
    assert f"gw/uploads/{sha[:2]}/{sha}" in objects
    assert {k.split("/")[1] for k in objects} == {"uploads", "results", "previews"}, objects
    assert _local_files(tmp_path) == [], "a process wrote to its local storage directory"

    # the presigned option: the API answers with a redirect, the client fetches from the store itself
    presign_port = pick_port()
    api_server(presign_port, api_settings.with_(storage_presign_s=60))
    redirect = httpx.get(f"http://127.0.0.1:{presign_port}/v1/jobs/{job_id}/result", params={"format": "text"})
    assert redirect.status_code == 307
    location = redirect.headers["location"]
    assert location.startswith(s3_server.endpoint_url) and "X-Amz-Signature=" in location
    assert httpx.get(location).content == text
    assert _local_files(tmp_path) == []


@pytest.mark.slow
def test_a_worker_killed_mid_job_the_next_one_finishes_it_from_the_bucket(
        queue_settings: Any, s3_server: PrivateS3, s3_bucket: str, api_server: Callable[..., Any], workers: Any,
        tmp_path: Path) -> None:
    import os
    import signal

    api_settings, worker_settings = _split(queue_settings, s3_server, s3_bucket, tmp_path)
    port = pick_port()
    api_server(port, api_settings)
    first = workers.start(settings=worker_settings)
    workers.wait_ready(1)
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
        job_id = _submit(http, SAMPLE).json()["id"]
        running = _wait_running(http, job_id)
        assert running["worker"]["pid"] == first.pid
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=30)
        killed_at = time.monotonic()
        second = workers.start(settings=worker_settings)
        view = poll_job(http, job_id, timeout_s=KILL_RECOVERY_BOUND_S)
        print(f"\nkilled worker's job {view['status']} {time.monotonic() - killed_at:.0f} s later, "
              f"attempts={view['attempts']}")
        assert view["status"] == "finished", (view, workers.logs())
        assert view["attempts"] == 2 and view["worker"]["pid"] == second.pid
        result = http.get(f"/v1/jobs/{job_id}/result", params={"format": "text"})
        assert result.status_code == 200 and "渝北" in result.text
    assert _local_files(tmp_path) == []


@pytest.mark.slow
def test_the_store_restarted_mid_job_the_api_says_so_and_the_job_still_finishes(
        queue_settings: Any, s3_server: PrivateS3, s3_bucket: str, api_server: Callable[..., Any], workers: Any,
        make_scan: Callable[..., Path], tmp_path: Path) -> None:
    api_settings, worker_settings = _split(queue_settings, s3_server, s3_bucket, tmp_path)
    port = pick_port()
    api_server(port, api_settings)
    workers.start(settings=worker_settings)
    workers.wait_ready(1)
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as http:
        job_id = _submit(http, SAMPLE).json()["id"]
        _wait_running(http, job_id)
        s3_server.kill()
        try:
            down_at = time.monotonic()
            ready = http.get("/readyz")
            assert ready.status_code == 503 and ready.json()["storage"] is False, ready.text
            assert ready.json()["code"] == "storage_unavailable" and "cannot be reached" in ready.json()["reason"]
            refused = _submit(http, make_scan("s3-during-outage.png", variant=720))
            assert refused.status_code == 503, refused.text
            assert refused.json()["error"]["code"] == "storage_unavailable"
            assert http.get("/healthz").status_code == 200
            time.sleep(max(0.0, STORE_OUTAGE_S - (time.monotonic() - down_at)))
        finally:
            s3_server.start()
        back_at = time.monotonic()
        view = poll_job(http, job_id, timeout_s=KILL_RECOVERY_BOUND_S)
        print(f"\nstore down {STORE_OUTAGE_S:.0f} s mid-job: job {view['status']} {time.monotonic() - back_at:.0f} s "
              f"after it returned, attempts={view['attempts']}, error={view['error']}")
        assert view["status"] == "finished", (view, workers.logs())
        assert http.get("/readyz").status_code == 200
        result = http.get(f"/v1/jobs/{job_id}/result", params={"format": "text"})
        assert result.status_code == 200 and "渝北" in result.text
    assert _local_files(tmp_path) == []


@pytest.mark.slow
def test_a_worker_takes_no_job_until_its_bucket_exists(
        queue_settings: Any, s3_server: PrivateS3, workers: Any, tmp_path: Path) -> None:
    from rq import Worker

    from workers.queue.queue import connect, make_queue

    bucket = f"late-{secrets.token_hex(5)}"
    _, worker_settings = _split(queue_settings, s3_server, bucket, tmp_path)
    workers.start(settings=worker_settings)
    queue = make_queue(queue_settings, connect(queue_settings))
    deadline = time.monotonic() + MODEL_LOAD_BOUND_S
    while "does not exist" not in workers.logs():  # the model is loaded first, then the storage checked
        assert time.monotonic() < deadline, workers.logs()
        time.sleep(0.5)
    time.sleep(2 * STORAGE_WAIT_RETRY_S)
    assert Worker.count(queue=queue) == 0, "a worker that cannot use its storage registered"
    assert workers.procs[0].poll() is None  # still there, waiting

    s3_server.make_bucket(bucket)
    made_at = time.monotonic()
    workers.wait_ready(1, timeout_s=4 * STORAGE_WAIT_RETRY_S)
    print(f"\nworker registered {time.monotonic() - made_at:.1f} s after its bucket was made")


@pytest.mark.parametrize(("case", "message"), [
    ("bad credentials", "refused our credentials"),
    ("missing bucket", "does not exist"),
])
def test_a_store_that_cannot_be_used_is_storage_unavailable_503_with_a_clear_message(
        queue_settings: Any, s3_server: PrivateS3, s3_bucket: str, api_server: Callable[..., Any],
        make_scan: Callable[..., Path], tmp_path: Path, case: str, message: str) -> None:
    if case == "bad credentials":
        api_settings, _ = _split(queue_settings, s3_server, s3_bucket, tmp_path, s3_secret_access_key="wrong")
    else:
        api_settings, _ = _split(queue_settings, s3_server, "gongwen-never-made", tmp_path)
    port = pick_port()
    api_server(port, api_settings)  # the API starts: the store may come right later
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
        ready = http.get("/readyz")
        assert ready.status_code == 503, ready.text
        assert ready.json()["code"] == "storage_unavailable" and message in ready.json()["reason"]
        refused = _submit(http, make_scan("s3-refused.png", variant=730))
        assert refused.status_code == 503, refused.text
        assert refused.json()["error"]["code"] == "storage_unavailable"
        assert message in refused.json()["error"]["message"]
        assert http.get("/healthz").status_code == 200
    assert _objects(s3_server, s3_bucket) == []
    assert _local_files(tmp_path) == []
