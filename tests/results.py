"""Helpers for tests that read a job's result over HTTP (tests/service): poll a job to its end, and
compare a served result with what `gongwen convert` prints for the same scan."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx

JOB_BOUND_S = 300.0
"""Seconds a one-page job may take from submit to finished on a busy 2-core machine."""


def poll_job(client: Any, job_id: str, timeout_s: float = JOB_BOUND_S) -> dict[str, Any]:
    """GET /v1/jobs/{id} until the job has ended (finished, failed, canceled); its last view."""
    deadline = time.monotonic() + timeout_s
    while True:
        view: dict[str, Any] = client.get(f"/v1/jobs/{job_id}").json()
        if view["status"] in ("finished", "failed", "canceled"):
            return view
        assert time.monotonic() < deadline, f"job still {view['status']} after {timeout_s} s"
        time.sleep(0.2)


def pdf_text(data: bytes) -> list[str]:
    """The text layer of each page of a PDF."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    return [document[i].get_textpage().get_text_range() for i in range(len(document))]


def assert_same_result(fmt: str, served: httpx.Response, local: bytes) -> None:
    """text, md, ALTO, hOCR: identical bytes. json: identical except `timings` (they differ between runs).
    pdf: the same pages and text layer (its XMP dates and file /ID differ between runs)."""
    assert served.status_code == 200, served.text
    if fmt == "pdf":
        assert served.headers["content-type"] == "application/pdf"
        assert pdf_text(served.content) == pdf_text(local) and pdf_text(served.content)[0]
    elif fmt == "json":
        ours, theirs = json.loads(served.content), json.loads(local)
        ours.pop("timings"), theirs.pop("timings")
        assert ours == theirs
    else:
        assert served.content == local
