"""Access: API keys on every route but health, constant-time comparison, keys never logged or echoed,
jobs and batches private to the key that made them, CORS off by default, per-key rate limits."""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from service import auth
from service.api import create_app

KEY_A = "key-A-7c1e0f3b9d2a4e6f8a0b1c2d3e4f5a6b"
KEY_B = "key-B-0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d"
OPEN_ROUTES = {
    "/healthz": "liveness probe",
    "/readyz": "readiness probe (load balancers call it without credentials)",
    "/": "the review page: static HTML, holds no data; it asks for the key and sends it as Bearer",
    "/static/{name:path}": "the review page's CSS/JS, no data",
    "/docs": "OpenAPI UI: the API's shape, no data",
    "/docs/oauth2-redirect": "part of the OpenAPI UI",
    "/openapi.json": "the API's shape, no data",
    "/redoc": "OpenAPI UI",
}
"""Routes that answer without a key, each with the reason; every other route must answer 401."""


@pytest.fixture
def keyed(queue_settings: Any) -> Iterator[TestClient]:
    with TestClient(create_app(queue_settings.with_(api_keys=(KEY_A, KEY_B)))) as client:
        yield client


def _bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def _concrete(path: str) -> str:
    path = path.replace("{number}", "1")
    return re.sub(r"\{[^}]+\}", "0123456789abcdef0123456789abcdef", path)


def test_every_route_but_health_and_static_needs_a_valid_bearer_key(keyed: TestClient) -> None:
    # every route of the app, from its OpenAPI schema (the review page's `/` and `/static` are hidden there)
    schema = keyed.get("/openapi.json").json()["paths"]
    routes = [(method.upper(), path) for path, operations in schema.items() for method in operations]
    paths = {path for _, path in routes}
    assert {"/v1/documents", "/v1/batches", "/v1/jobs/{job_id}", "/v1/jobs/{job_id}/result", "/v1/clean",
            "/metrics", "/v1/jobs/{job_id}/pages"} <= paths
    guarded = 0
    for method, path in routes:
        if path in OPEN_ROUTES:
            continue
        url = _concrete(path)
        for headers in ({}, _bearer("wrong-key"), {"Authorization": "Basic " + KEY_A}, _bearer(KEY_A[:-1])):
            response = keyed.request(method, url, headers=headers)
            assert response.status_code == 401, (method, path, headers, response.status_code)
            assert response.json()["error"]["code"] == "unauthorized"
        assert keyed.request(method, url, headers=_bearer(KEY_A)).status_code != 401, (method, path)
        guarded += 1
    for path in ("/healthz", "/readyz", "/", "/openapi.json"):
        assert keyed.get(path).status_code in (200, 503)  # 503: /readyz without a worker
    print(f"\n{guarded} method+route pairs answer 401 without a valid key; open: {sorted(OPEN_ROUTES)}")
    assert guarded >= 9


def test_keys_are_compared_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every configured key is compared on every request (no early exit on a match or a length
    difference), always as two 32-byte digests through hmac.compare_digest."""
    calls: list[tuple[int, int]] = []
    real = auth.hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((len(a), len(b)))
        return real(a, b)

    monkeypatch.setattr(auth.hmac, "compare_digest", spy)
    keys = (KEY_A, KEY_B, "k3", "a-much-longer-fourth-key-" * 4)
    for given, expected in ((KEY_A, True), (KEY_B, True), ("x", False), (KEY_A + "x", False), ("", False)):
        calls.clear()
        assert auth.key_matches(given, keys) is expected
        assert calls == [(32, 32)] * len(keys), (given, calls)


def test_a_key_never_appears_in_logs_error_messages_or_redis(
        api_server: Callable[[int], subprocess.Popen[bytes]], monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        queue_settings: Any, make_scan: Callable[..., Path], free_port: Callable[[], int]) -> None:
    from workers.queue.queue import connect

    monkeypatch.setenv("GONGWEN_API_KEYS", f"{KEY_A},{KEY_B}")
    port = free_port()
    api_server(port)
    wrong = "wrong-key-5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b"
    bodies: list[str] = []
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
        scan = make_scan("keys.png", variant=710)
        for headers in (_bearer(wrong), {"X-API-Key": wrong}, _bearer(KEY_A), _bearer(KEY_B)):
            bodies.append(http.post("/v1/documents", headers=headers,
                                    files={"file": ("keys.png", scan.read_bytes(), "image/png")}).text)
            bodies.append(http.post("/v1/documents", headers=headers,
                                    files={"file": ("bad.pdf", b"PK\x03\x04 not a pdf", "application/pdf")}).text)
            bodies.append(http.get("/v1/jobs/0123456789abcdef0123456789abcdef", headers=headers).text)
            bodies.append(http.get("/metrics", headers=headers).text)
    logs = "\n".join(p.read_text(errors="replace") for p in tmp_path.glob("api-*.log"))
    assert "POST /v1/documents" in logs  # the access log was written
    redis = connect(queue_settings)
    stored = [str(redis.dump(name)) for name in redis.scan_iter(match=f"*{queue_settings.queue_name}*")]
    stored += [str(redis.hgetall(name)) for name in redis.scan_iter(match="rq:job:*")
               if redis.type(name) == b"hash" and redis.hget(name, "origin") == queue_settings.queue_name.encode()]
    assert len(stored) > 2
    for secret in (KEY_A, KEY_B, wrong):
        for what, text in (("log", logs), ("responses", "\n".join(bodies)), ("redis", "\n".join(stored))):
            assert secret not in text and secret[8:24] not in text, f"key found in {what}"


def test_a_job_or_batch_made_with_one_key_is_404_to_another(keyed: TestClient, make_scan: Callable[..., Path]
                                                          ) -> None:
    scan = make_scan("owned.png", variant=720)
    created = keyed.post("/v1/documents", headers=_bearer(KEY_A),
                         files={"file": ("owned.png", scan.read_bytes(), "image/png")})
    assert created.status_code == 202
    job_id = created.json()["id"]
    assert re.fullmatch(r"[0-9a-f]{32}", job_id)  # 128 random bits
    unknown = keyed.get("/v1/jobs/0123456789abcdef0123456789abcdef", headers=_bearer(KEY_B)).json()
    for method, url in (("GET", f"/v1/jobs/{job_id}"), ("GET", f"/v1/jobs/{job_id}/result"),
                        ("GET", f"/v1/jobs/{job_id}/pages"), ("GET", f"/v1/jobs/{job_id}/pages/1"),
                        ("DELETE", f"/v1/jobs/{job_id}")):
        other = keyed.request(method, url, headers=_bearer(KEY_B))
        assert other.status_code == 404 and other.json()["error"]["code"] == "not_found", (method, url)
        assert other.json()["error"]["message"] == unknown["error"]["message"].replace(
            "0123456789abcdef0123456789abcdef", job_id)  # indistinguishable from an unknown id
    assert keyed.get(f"/v1/jobs/{job_id}", headers=_bearer(KEY_A)).json()["status"] == "queued"
    # the same bytes from the other key: its own job, not the first key's (dedupe never crosses keys)
    again = keyed.post("/v1/documents", headers=_bearer(KEY_B), files={"file": ("x.png", scan.read_bytes(), "image/png")})
    assert again.status_code == 202 and again.json()["id"] != job_id
    same = keyed.post("/v1/documents", headers=_bearer(KEY_A), files={"file": ("x.png", scan.read_bytes(), "image/png")})
    assert same.status_code == 200 and same.json()["id"] == job_id
    batch = keyed.post("/v1/batches", headers=_bearer(KEY_A),
                       files=[("files", ("b.png", make_scan("ob.png", variant=721).read_bytes(), "image/png"))])
    batch_id = batch.json()["id"]
    assert keyed.get(f"/v1/batches/{batch_id}", headers=_bearer(KEY_B)).status_code == 404
    assert keyed.get(f"/v1/batches/{batch_id}", headers=_bearer(KEY_A)).status_code == 200
    assert keyed.delete(f"/v1/jobs/{job_id}", headers=_bearer(KEY_A)).status_code == 200


def test_cors_is_off_by_default_and_on_only_for_configured_origins(queue_settings: Any) -> None:
    preflight = {"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "authorization"}
    with TestClient(create_app(queue_settings)) as client:
        assert "access-control-allow-origin" not in client.options("/v1/documents", headers=preflight).headers
        assert "access-control-allow-origin" not in client.get("/healthz", headers={"Origin": "https://x.example"}).headers
    allowed = "https://review.example"
    with TestClient(create_app(queue_settings.with_(cors_origins=(allowed,)))) as client:
        answer = client.options("/v1/documents", headers={**preflight, "Origin": allowed})
        assert answer.status_code == 200 and answer.headers["access-control-allow-origin"] == allowed
        assert "access-control-allow-origin" not in client.options("/v1/documents", headers=preflight).headers


def test_submissions_are_rate_limited_per_key(queue_settings: Any, make_scan: Callable[..., Path]) -> None:
    settings = queue_settings.with_(api_keys=(KEY_A, KEY_B), rate_limit_per_min=3)
    scans = [make_scan(f"rate-{i}.png", variant=730 + i).read_bytes() for i in range(5)]
    if time.time() % auth.RATE_WINDOW_S > auth.RATE_WINDOW_S / 2:  # all four posts in one window, on a slow
        time.sleep(auth.RATE_WINDOW_S - time.time() % auth.RATE_WINDOW_S + 0.1)  # machine too: half a window
    with TestClient(create_app(settings)) as client:
        codes = [client.post("/v1/documents", headers=_bearer(KEY_A),
                             files={"file": ("r.png", data, "image/png")}).status_code for data in scans[:3]]
        assert codes == [202, 202, 202]
        limited = client.post("/v1/documents", headers=_bearer(KEY_A), files={"file": ("r.png", scans[3], "image/png")})
        assert limited.status_code == 429 and limited.json()["error"]["code"] == "rate_limited"
        assert 1 <= int(limited.headers["Retry-After"]) <= auth.RATE_WINDOW_S + 1
        other = client.post("/v1/documents", headers=_bearer(KEY_B), files={"file": ("r.png", scans[4], "image/png")})
        assert other.status_code == 202  # each key has its own budget
        assert client.get("/v1/jobs/0123456789abcdef0123456789abcdef", headers=_bearer(KEY_A)).status_code == 404
    with TestClient(create_app(queue_settings.with_(max_upload_mb=1))) as client:  # the upload cap is a setting
        big = client.post("/v1/documents", files={"file": ("b.pdf", b"%PDF-1.7\n" + bytes(2 << 20), "application/pdf")})
        assert big.status_code == 413
