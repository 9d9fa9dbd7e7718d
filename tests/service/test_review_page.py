"""The review page (GET /, /static) and the page previews (GET /v1/jobs/{id}/pages[/{n}]), in-process.

The page itself is driven in a real browser by tests/e2e/test_review_e2e.py; here: what the API serves,
that it needs nothing from outside this server, and the previews' key and id rules.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from service.api import create_app
from service.routes_review import STATIC_DIR
from workers.output.previews import PreviewWriter
from workers.queue.queue import connect, fetch_job
from workers.storage.directory import Storage


@pytest.fixture
def client(queue_settings: Any) -> Iterator[TestClient]:
    with TestClient(create_app(queue_settings)) as test_client:
        yield test_client


def _submit(client: TestClient, scan: Path) -> str:
    with scan.open("rb") as fh:
        response = client.post("/v1/documents", files={"file": (scan.name, fh, "image/png")})
    assert response.status_code == 202, response.text
    job_id: str = response.json()["id"]
    return job_id


def test_the_page_and_its_files_are_served_without_a_key(queue_settings: Any) -> None:
    with TestClient(create_app(queue_settings.with_(api_keys=("k1",)))) as client:
        page = client.get("/")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert "default-src 'self'" in page.headers["content-security-policy"]
        assets = re.findall(r'(?:src|href)="(static/[^"]+)"', page.text)  # relative: works under a prefix
        assert "static/js/main.js" in assets and "static/review.css" in assets
        for asset in assets:
            response = client.get(f"/{asset}")
            assert response.status_code == 200, asset
        assert client.get("/static/js/main.js").headers["content-type"].startswith("text/javascript")
        assert client.get("/v1/jobs/0123456789abcdef0123456789abcdef/pages").status_code == 401


def test_static_files_stay_inside_the_static_folder(client: TestClient) -> None:
    for bad in ("/static/../routes_review.py", "/static/%2e%2e/api.py", "/static/js", "/static/nope.js",
                "/static/../../pyproject.toml"):
        assert client.get(bad).status_code == 404, bad


def test_the_page_needs_nothing_from_outside_this_server() -> None:
    files = [p for p in STATIC_DIR.rglob("*") if p.is_file()]
    assert {p.suffix for p in files} <= {".html", ".css", ".js", ".svg"}
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\b(?:https?:)?//(?!www\.w3\.org/2000/svg)[a-z0-9.-]+\.[a-z]{2,}", text), path
        assert "@import" not in text and "url(" not in text, path
    for module in STATIC_DIR.glob("js/*.js"):  # every import is a module of ours that exists
        for target in re.findall(r'from "([^"]+)"', module.read_text(encoding="utf-8")):
            assert target.startswith("./") and (module.parent / target).is_file(), (module.name, target)


def test_previews_are_listed_and_served_with_the_jobs_rules(queue_settings: Any,
                                                            make_scan: Callable[..., Path]) -> None:
    with TestClient(create_app(queue_settings.with_(api_keys=("k1", "k2")))) as client:
        headers = {"X-API-Key": "k1"}
        client.headers.update(headers)
        job_id = _submit(client, make_scan("review-a.png", variant=41))
        assert client.get(f"/v1/jobs/{job_id}/pages").json() == {"id": job_id, "pages": []}
        assert client.get(f"/v1/jobs/{job_id}/pages/1").status_code == 404

        job = fetch_job(connect(queue_settings), job_id)
        assert job is not None
        page = np.full((1754, 1240, 3), 255, dtype=np.uint8)
        PreviewWriter(Storage(queue_settings.storage_dir), job.meta["result_key"]).save(1, page)

        listed = client.get(f"/v1/jobs/{job_id}/pages").json()["pages"]
        assert [(p["page"], p["width"], p["height"]) for p in listed] == [(1, 1240, 1754)]
        assert listed[0]["url"].endswith(f"/v1/jobs/{job_id}/pages/1")
        image = client.get(f"/v1/jobs/{job_id}/pages/1")
        assert image.status_code == 200 and image.headers["content-type"] == "image/jpeg"
        assert image.content[:3] == b"\xff\xd8\xff"
        for missing in ("/pages/2", "/pages/0", "/pages/-1", "/pages/x"):
            assert client.get(f"/v1/jobs/{job_id}{missing}").status_code in (404, 422), missing
        assert client.get("/v1/jobs/0123456789abcdef0123456789abcdef/pages/1").status_code == 404
        client.headers.pop("X-API-Key")
        assert client.get(f"/v1/jobs/{job_id}/pages/1").status_code == 401
        assert client.get(f"/v1/jobs/{job_id}/pages/1", headers={"X-API-Key": "wrong"}).status_code == 401
        for url in (f"/v1/jobs/{job_id}/pages", f"/v1/jobs/{job_id}/pages/1"):  # another key's job: unknown
            response = client.get(url, headers={"X-API-Key": "k2"})
            assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
