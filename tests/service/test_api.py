"""The HTTP API against a real Redis (DB 14, a fresh queue per test) and, in slow tests, real workers.

Fast tests drive the app in-process (FastAPI TestClient) with no worker: submission, dedupe, 404/409,
cancel of a queued job, batches with a zip, auth, metrics. Slow tests run real OCR: the result of
upload → poll equals `gongwen convert` on the same file, and a restarted API process loses nothing.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from results import JOB_BOUND_S, assert_same_result  # tests/results.py (tests/ is on sys.path)
from results import poll_job as _poll

from service.api import create_app


@pytest.fixture
def client(queue_settings: Any) -> Iterator[TestClient]:
    with TestClient(create_app(queue_settings)) as test_client:
        yield test_client


def _post(client: TestClient | httpx.Client, path: Path, **form: str) -> httpx.Response:
    with path.open("rb") as fh:
        return client.post("/v1/documents", files={"file": (path.name, fh, "image/png")}, data=form)


# -- without workers -----------------------------------------------------------------------------

def test_openapi_docs_are_served(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/v1/documents", "/v1/batches", "/v1/jobs/{job_id}", "/v1/jobs/{job_id}/result"} <= set(paths)


def test_unknown_ids_are_404(client: TestClient) -> None:
    for url in ("/v1/jobs/0123456789abcdef0123456789abcdef", "/v1/jobs/nope/result", "/v1/batches/nope"):
        response = client.get(url)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    assert client.delete("/v1/jobs/0123456789abcdef0123456789abcdef").status_code == 404


def test_submit_answers_202_then_409_until_finished_and_dedupes(client: TestClient,
                                                                make_scan: Callable[..., Path]) -> None:
    scan = make_scan("api-a.png", variant=10)
    response = _post(client, scan, format="md")
    assert response.status_code == 202
    body = response.json()
    assert len(body["id"]) == 32 and int(body["id"], 16) >= 0
    assert body["status"] == "queued" and body["deduplicated"] is False
    assert body["status_url"].endswith(f"/v1/jobs/{body['id']}")
    assert body["result_url"].endswith(f"/v1/jobs/{body['id']}/result?format=md")
    view = client.get(f"/v1/jobs/{body['id']}").json()
    assert view["status"] == "queued"
    assert view["progress"] == {"pages_done": 0, "pages_total": 1}
    result = client.get(f"/v1/jobs/{body['id']}/result", params={"format": "json"})
    assert result.status_code == 409
    assert result.json()["error"]["code"] == "not_finished"
    again = _post(client, scan, format="text")
    assert again.status_code == 200
    assert again.json()["id"] == body["id"] and again.json()["deduplicated"] is True
    other_options = _post(client, scan, dpi="300")
    assert other_options.status_code == 202 and other_options.json()["id"] != body["id"]


def test_delete_cancels_a_queued_job_and_a_resubmission_makes_a_new_one(
        client: TestClient, queue_settings: Any, make_scan: Callable[..., Path]) -> None:
    scan = make_scan("api-cancel.png", variant=11)
    job_id = _post(client, scan).json()["id"]
    response = client.delete(f"/v1/jobs/{job_id}")
    assert response.status_code == 200 and response.json()["status"] == "canceled"
    view = client.get(f"/v1/jobs/{job_id}").json()
    assert view["status"] == "canceled" and view["error"]["code"] == "canceled"
    assert client.delete(f"/v1/jobs/{job_id}").status_code == 409
    from workers.queue.queue import connect

    assert 0 < connect(queue_settings).ttl(f"rq:job:{job_id}") <= queue_settings.failure_ttl_s
    again = _post(client, scan)
    assert again.status_code == 202 and again.json()["id"] != job_id


def test_bad_uploads_get_their_error_code(client: TestClient, queue_settings: Any, tmp_path: Path) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_bytes("这不是扫描件".encode() * 10)
    response = _post(client, junk)
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_type"
    truncated = tmp_path / "broken.pdf"
    truncated.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog")
    response = _post(client, truncated)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "corrupt_input"


def test_an_upload_over_the_cap_is_refused_while_streaming_and_leaves_nothing(queue_settings: Any) -> None:
    with TestClient(create_app(queue_settings.with_(max_upload_mb=1))) as client:
        big = b"%PDF-1.7\n" + bytes(1536 * 1024)
        response = client.post("/v1/documents", files={"file": ("big.pdf", big, "application/pdf")})
        assert response.status_code == 413 and response.json()["error"]["code"] == "too_large"
        response = client.post("/v1/documents", content=b"raw bytes", headers={"content-type": "application/pdf"})
        assert response.status_code == 400 and response.json()["error"]["code"] == "bad_input"
    storage = queue_settings.storage_dir
    assert not [p for p in storage.rglob("*") if p.is_file()]


def test_batch_takes_files_and_zips_one_job_per_document(client: TestClient,
                                                         make_scan: Callable[..., Path]) -> None:
    scans = [make_scan(f"batch-{i}.png", variant=20 + i) for i in range(3)]
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(scans[1], "inner/b.png")
        zf.write(scans[2], "inner/c.png")
        zf.writestr("readme.txt", "not a scan")
    files = [("files", ("a.png", scans[0].read_bytes(), "image/png")),
             ("files", ("more.zip", archive.getvalue(), "application/zip"))]
    response = client.post("/v1/batches", files=files)
    assert response.status_code == 202
    body = response.json()
    assert [d["filename"] for d in body["documents"]] == ["a.png", "inner/b.png", "inner/c.png", "readme.txt"]
    assert [d["status"] for d in body["documents"]] == ["queued", "queued", "queued", "rejected"]
    status = client.get(f"/v1/batches/{body['id']}").json()
    assert status["total"] == 4 and status["done"] is False
    assert status["counts"]["queued"] == 3 and status["counts"]["rejected"] == 1


def test_api_keys_are_required_when_configured(queue_settings: Any) -> None:
    with TestClient(create_app(queue_settings.with_(api_keys=("s3cret",)))) as client:
        assert client.get("/v1/jobs/x").status_code == 401
        assert client.get("/v1/jobs/x", headers={"X-API-Key": "wrong"}).status_code == 401
        assert client.get("/v1/jobs/x", headers={"X-API-Key": "s3cret"}).status_code == 404
        assert client.get("/v1/jobs/x", headers={"Authorization": "Bearer s3cret"}).status_code == 404
        assert client.get("/healthz").status_code == 200


def test_health_readiness_and_metrics_without_workers(client: TestClient, make_scan: Callable[..., Path]) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.json()["redis"] is True and ready.json()["workers"] == 0
    _post(client, make_scan("metrics.png", variant=30))
    text = client.get("/metrics").text
    assert 'gongwen_jobs{state="queued"} 1' in text
    assert "gongwen_queue_depth 1" in text
    assert 'gongwen_seconds_per_page_bucket{le="+Inf"} 0' in text
    for line in text.splitlines():  # every sample line is `name{labels} value`
        assert line.startswith("#") or float(line.rsplit(" ", 1)[1]) >= 0


def _connected(redis: Any) -> list[Any]:
    """The client's pooled connections with a socket open (redis-py keeps no public list of them)."""
    pool = redis.connection_pool
    return [c for c in (*pool._available_connections, *pool._in_use_connections) if c.is_connected]


def test_the_app_closes_its_redis_connections_at_shutdown(queue_settings: Any, make_scan: Callable[..., Path]) -> None:
    app = create_app(queue_settings)
    with TestClient(app) as client:
        _post(client, make_scan("shutdown.png", variant=32))
        assert client.get("/metrics").status_code == 200
        assert _connected(app.state.gongwen.redis)
    # left open, they were freed only by the cyclic GC: a ResourceWarning in whatever test ran then
    assert _connected(app.state.gongwen.redis) == []


def test_the_api_process_never_imports_the_ocr_stack(queue_settings: Any, make_scan: Callable[..., Path]) -> None:
    code = f"""
import sys
from fastapi.testclient import TestClient
from service.api import create_app
from workers.settings import load_settings
settings = load_settings().with_(redis_url={queue_settings.redis_url!r}, queue_name={queue_settings.queue_name!r},
                                 storage_dir={str(queue_settings.storage_dir)!r})
client = TestClient(create_app(settings))
with open({str(make_scan("imports.png", variant=31))!r}, "rb") as fh:
    assert client.post("/v1/documents", files={{"file": ("a.png", fh, "image/png")}}).status_code == 202
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("paddleocr", "paddlex", "paddle", "onnxruntime"))
print(heavy)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.strip() == "[]", out.stderr


# -- with real workers (slow) --------------------------------------------------------------------

@pytest.mark.slow
def test_result_equals_gongwen_convert_byte_for_byte(client: TestClient, workers: Any, gongwen: Any,
                                                     queue_settings: Any, make_scan: Callable[..., Path]) -> None:
    """Every format as `gongwen convert` gives it (`results.assert_same_result` says what "same" is)."""
    scan = make_scan("same.png", variant=40)
    workers.start()
    job_id = _post(client, scan).json()["id"]
    view = _poll(client, job_id)
    assert view["status"] == "finished", view
    assert view["progress"] == {"pages_done": 1, "pages_total": 1}
    for fmt in ("text", "md", "json", "alto", "hocr", "pdf"):
        served = client.get(f"/v1/jobs/{job_id}/result", params={"format": fmt})
        local = gongwen("convert", scan, "--format", fmt)
        assert local.returncode == 0, local.stderr.decode()
        assert_same_result(fmt, served, local.stdout)
    metrics = client.get("/metrics").text
    assert "gongwen_pages_processed_total 1" in metrics
    assert 'gongwen_seconds_per_page_count 1' in metrics
    # the job expires from Redis but its result stays in storage: the same file is finished at once
    text = client.get(f"/v1/jobs/{job_id}/result", params={"format": "text"}).content
    from workers.queue.queue import connect

    redis = connect(queue_settings)
    redis.delete(f"rq:job:{job_id}", *redis.keys(f"gongwen:{queue_settings.queue_name}:dedupe:*"))
    again = _post(client, scan)
    assert again.status_code == 200 and again.json()["id"] != job_id and again.json()["status"] == "finished"
    cached = client.get(f"/v1/jobs/{again.json()['id']}").json()
    assert cached["cached"] is True and cached["attempts"] == 0
    assert client.get(f"/v1/jobs/{again.json()['id']}/result", params={"format": "text"}).content == text


@pytest.mark.slow
def test_nothing_is_lost_when_the_api_restarts_between_submit_and_poll(
        api_server: Any, workers: Any, make_scan: Callable[..., Path], free_port: Callable[[], int]) -> None:
    port = free_port()
    first = api_server(port)
    base = f"http://127.0.0.1:{port}"
    with httpx.Client(base_url=base, timeout=30) as http:
        job_id = _post(http, make_scan("restart.png", variant=41)).json()["id"]
    first.terminate()
    assert first.wait(timeout=30) == 0
    workers.start()
    api_server(port)  # a new API process: everything it knows comes from Redis and storage
    with httpx.Client(base_url=base, timeout=30) as http:
        view = _poll(http, job_id)
        assert view["status"] == "finished", view
        assert http.get("/readyz").json()["workers"] == 1
        text = http.get(f"/v1/jobs/{job_id}/result", params={"format": "text"})
        assert text.status_code == 200 and "通知" in text.text


@pytest.mark.slow
def test_delete_stops_a_running_job_at_its_next_page(client: TestClient, workers: Any) -> None:
    sample = Path(__file__).parents[2] / "fixtures" / "samples" / "sample_reply.pdf"  # 3 pages
    workers.start()
    with sample.open("rb") as fh:
        job_id = client.post("/v1/documents", files={"file": ("sample_reply.pdf", fh, "application/pdf")}).json()["id"]
    deadline = time.monotonic() + JOB_BOUND_S
    while client.get(f"/v1/jobs/{job_id}").json()["progress"]["pages_done"] < 1:  # progress moves mid-run
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert client.get(f"/v1/jobs/{job_id}").json()["status"] == "started"
    response = client.delete(f"/v1/jobs/{job_id}")
    assert response.status_code == 200 and response.json()["cancel_requested"] is True
    view = _poll(client, job_id)
    assert view["status"] == "canceled", view
    assert view["error"]["code"] == "canceled"
    assert 1 <= view["progress"]["pages_done"] < view["progress"]["pages_total"] == 3
    assert client.get(f"/v1/jobs/{job_id}/result").status_code == 409


def test_redis_down_gives_503_unavailable(queue_settings: Any) -> None:
    with TestClient(create_app(queue_settings.with_(redis_url="redis://127.0.0.1:1/0"))) as client:
        response = client.get("/v1/jobs/0123456789abcdef0123456789abcdef")
        assert response.status_code == 503 and response.json()["error"]["code"] == "unavailable"
        assert client.get("/readyz").status_code == 503
        assert client.get("/healthz").status_code == 200


def test_clean_answers_what_gongwen_clean_prints(client: TestClient, gongwen: Any, tmp_path: Path) -> None:
    dump = ("重庆市渝北区卫生健康委员会\n关于做好防汛工作的通\n知\n各镇人民政府：\n"
            "现将有关事项通知如下，请认真贯彻\n落实。\n— 1 —\n").encode("gb18030")
    source = tmp_path / "dump.txt"
    source.write_bytes(dump)
    for fmt in ("text", "md", "json"):
        served = client.post(f"/v1/clean?format={fmt}&filename=dump.txt", content=dump,
                             headers={"content-type": "text/plain"})
        assert served.status_code == 200, served.text
        local = gongwen("clean", source, "--format", fmt)
        assert local.returncode == 0, local.stderr.decode()
        if fmt == "json":
            ours, theirs = json.loads(served.content), json.loads(local.stdout)
            ours.pop("timings"), theirs.pop("timings")
            assert ours == theirs
        else:
            assert served.content == local.stdout
    refused = client.post("/v1/clean", content=b"%PDF-1.7 binary", headers={"content-type": "text/plain"})
    assert refused.status_code == 415 and refused.json()["error"]["code"] == "unsupported_type"


# -- split=true: a batch scan of many documents ----------------------------------------------------

def test_split_is_an_option_of_its_own_on_both_routes(client: TestClient, queue_settings: Any,
                                                      make_scan: Callable[..., Path]) -> None:
    from workers.queue.queue import connect, fetch_job

    scan = make_scan("api-split.png", variant=50)
    plain = _post(client, scan).json()
    split = _post(client, scan, split="true")
    assert split.status_code == 202 and split.json()["id"] != plain["id"]  # another result, not a dedupe
    assert _post(client, scan, split="false").json()["id"] == plain["id"]
    redis = connect(queue_settings)
    assert fetch_job(redis, split.json()["id"]).meta["options"] == {"dpi": None, "split": True}  # type: ignore[union-attr]
    assert fetch_job(redis, plain["id"]).meta["options"] == {"dpi": None}  # type: ignore[union-attr]
    bad = _post(client, scan, split="maybe")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "bad_input"
    files = [("files", ("a.png", make_scan("api-split-b.png", variant=51).read_bytes(), "image/png"))]
    batch = client.post("/v1/batches", files=files, data={"split": "true"}).json()
    job = fetch_job(redis, batch["documents"][0]["id"])
    assert job is not None and job.meta["options"] == {"dpi": None, "split": True}


@pytest.mark.slow
def test_a_split_job_returns_each_document(client: TestClient, workers: Any, tmp_path: Path) -> None:
    from tests.service.test_cli_split import _pdf, _sample_pages

    pages = _sample_pages()
    box = _pdf(pages + pages, tmp_path / "box.pdf")
    workers.start()
    with box.open("rb") as fh:
        response = client.post("/v1/documents", files={"file": ("box.pdf", fh, "application/pdf")},
                               data={"split": "true", "format": "json"})
    assert response.status_code == 202
    view = _poll(client, response.json()["id"], timeout_s=6 * JOB_BOUND_S)
    assert view["status"] == "finished", view
    envelope = client.get(response.json()["result_url"]).json()
    assert [d["pages"] for d in envelope["documents"]] == [[1, 3], [4, 6]]
    assert envelope["documents"][0]["text"] == envelope["documents"][1]["text"] != ""
    text = client.get(f"/v1/jobs/{view['id']}/result", params={"format": "text"}).text
    assert text == ("=" * 40 + "\n").join(d["text"] for d in envelope["documents"])
