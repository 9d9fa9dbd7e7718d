"""Bad input against the real API (in-process, or a real `gongwen serve` process where sockets matter)
and the real CLI: every refusal is a named error with the same code on both, decided before any decoding.

- the same bad file gives the same code from `gongwen convert` and from POST /v1/documents (and the
  HTTP status / exit code of that code's `workers.errors` class);
- the upload cap holds while streaming, with and without Content-Length, and leaves no temporary file;
- the type comes from the bytes: a ZIP named .pdf is 415, a PDF sent as image/png is counted as a PDF;
- pixel bombs and a 5,000-frame TIFF are refused in under a second with no memory spike in the API;
- file names with path separators, NUL and control characters, 1,000 characters or non-UTF-8 bytes are
  recorded safely (at most 255 characters, no control characters) and never become paths; a name longer
  than a part header may be (100,000 characters) is refused with bad_input;
- a full storage disk (a real 2 MiB tmpfs) refuses an upload with 507 and leaves no partial file.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from service.api import create_app
from workers.errors import ERRORS_BY_CODE

VALIDATION_REFUSALS = ("zip_named_pdf", "text_named_png", "empty_file", "truncated_pdf", "garbage_tiff",
                       "encrypted_pdf", "pdf_200_inch_page", "png_30000_square",
                       "tiff_5000_frames")
BOMB_SECONDS_MAX = 3.0
"""A "does not hang" bound on the refusal, not a speed target: ~30× the slowest refusal measured (107 ms, the
5,000-frame TIFF), so it holds on a loaded machine; the memory bound below is the check that nothing was
decoded (decoding the 30000² PNG alone takes gigabytes and seconds)."""
BOMB_RSS_GROWTH_MAX_KB = 50 * 1024
"""Peak resident memory the API may gain while refusing a bomb (decoding one would add gigabytes)."""
STORED = re.compile(r"^(uploads/[0-9a-f]{2}/[0-9a-f]{64}|results/.*|previews/.*)$")


@pytest.fixture
def client(queue_settings: Any) -> Iterator[TestClient]:
    with TestClient(create_app(queue_settings)) as test_client:
        yield test_client


def _files_in(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


@pytest.mark.parametrize("name", VALIDATION_REFUSALS)
def test_cli_and_api_give_the_same_code_for_the_same_bad_file(
        name: str, bad_scans: dict[str, Any], client: TestClient, gongwen: Any, queue_settings: Any) -> None:
    bad = bad_scans[name]
    error = ERRORS_BY_CODE[bad.code]
    with bad.path.open("rb") as fh:
        response = client.post("/v1/documents", files={"file": (bad.path.name, fh, "application/octet-stream")})
    assert (response.status_code, response.json()["error"]["code"]) == (error.http_status, bad.code), response.text
    cli = gongwen("convert", bad.path, timeout_s=120)
    stderr = cli.stderr.decode()
    assert stderr.startswith(f"gongwen: {bad.code}:"), stderr
    assert cli.returncode == error.exit_code and cli.stdout == b""
    assert _files_in(queue_settings.storage_dir / "tmp") == []  # the refused upload left no partial file


def test_type_comes_from_the_bytes_not_the_name_or_header(client: TestClient, bad_scans: dict[str, Any]) -> None:
    zipped = bad_scans["zip_named_pdf"].path  # a ZIP that stores a PDF uncompressed: "%PDF-" in its head
    response = client.post("/v1/documents", files={"file": ("scan.pdf", zipped.read_bytes(), "application/pdf")})
    assert response.status_code == 415 and response.json()["error"]["code"] == "unsupported_type"
    assert "ZIP" in response.json()["error"]["message"]
    sample = Path(__file__).parents[2] / "fixtures" / "samples" / "sample_reply.pdf"
    response = client.post("/v1/documents", files={"file": ("scan.png", sample.read_bytes(), "image/png")})
    assert response.status_code == 202 and response.json()["pages"] == 3  # counted as the 3-page PDF it is


@pytest.fixture
def capped_server(api_server: Callable[[int], subprocess.Popen[bytes]], monkeypatch: pytest.MonkeyPatch,
                  free_port: Callable[[], int]) -> tuple[str, subprocess.Popen[bytes]]:
    """A real `gongwen serve --no-worker` process with a 1 MiB upload cap."""
    monkeypatch.setenv("GONGWEN_MAX_UPLOAD_MB", "1")
    port = free_port()
    proc = api_server(port)
    return f"http://127.0.0.1:{port}", proc


def _multipart_chunks(boundary: str, size: int, filename: str = "big.pdf") -> Iterator[bytes]:
    yield (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n"
           "Content-Type: application/pdf\r\n\r\n%PDF-1.7\n").encode()
    block = bytes(64 * 1024)
    for _ in range(size // len(block)):
        yield block
    yield f"\r\n--{boundary}--\r\n".encode()


def _post_streaming(url: str, chunks: Iterator[bytes], headers: dict[str, str]) -> httpx.Response | None:
    """POST a body; None when the server closed the connection before reading it all (after its answer)."""
    try:
        return httpx.post(url, content=chunks, headers=headers, timeout=30)
    except (httpx.RemoteProtocolError, httpx.WriteError, httpx.ReadError):
        return None


def test_the_upload_cap_holds_while_streaming_with_or_without_content_length(
        capped_server: tuple[str, subprocess.Popen[bytes]], queue_settings: Any) -> None:
    base, _ = capped_server
    storage = queue_settings.storage_dir
    boundary = "gongwen-test-boundary"
    over = 3 * 1024 * 1024  # 3 MiB against a 1 MiB cap
    # with Content-Length (a plain multipart upload)
    body = b"".join(_multipart_chunks(boundary, over))
    response = httpx.post(f"{base}/v1/documents", content=body, timeout=30,
                          headers={"content-type": f"multipart/form-data; boundary={boundary}"})
    assert response.status_code == 413 and response.json()["error"]["code"] == "too_large"
    # without Content-Length: chunked transfer encoding, the size is known only while reading
    seen: list[int] = []

    def counted() -> Iterator[bytes]:
        for chunk in _multipart_chunks(boundary, over):
            seen.append(len(chunk))
            yield chunk

    chunked = _post_streaming(f"{base}/v1/documents", counted(),
                              {"content-type": f"multipart/form-data; boundary={boundary}"})
    assert chunked is None or (chunked.status_code == 413 and chunked.json()["error"]["code"] == "too_large")
    assert "content-length" not in {k.lower() for k in (chunked.request.headers if chunked else {})}
    # the text repair endpoint streams with the same cap
    text = _post_streaming(f"{base}/v1/clean", iter([("公文" * 1000).encode()] * 600), {"content-type": "text/plain"})
    assert text is None or (text.status_code == 413 and text.json()["error"]["code"] == "too_large")
    assert _files_in(storage / "tmp") == [] and _files_in(storage / "uploads") == []
    assert httpx.get(f"{base}/healthz", timeout=5).status_code == 200  # the API is fine afterwards
    print(f"\nchunked upload: {sum(seen) // 1024} KiB sent before the server answered 413 (cap 1024 KiB, body 3 MiB)")


def _peak_rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise AssertionError("no VmHWM")


def test_pixel_bombs_and_a_5000_frame_tiff_are_refused_fast_without_a_memory_spike(
        api_server: Callable[[int], subprocess.Popen[bytes]], bad_scans: dict[str, Any],
        make_scan: Callable[..., Path], free_port: Callable[[], int]) -> None:
    port = free_port()
    proc = api_server(port)
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
        warm = make_scan("warm.png", variant=700)  # the first upload's imports are not the bomb's cost
        assert http.post("/v1/documents", files={"file": ("warm.png", warm.read_bytes(), "image/png")}).status_code == 202
        for name in ("pdf_200_inch_page", "png_30000_square", "tiff_5000_frames"):
            bad = bad_scans[name]
            before = _peak_rss_kb(proc.pid)
            began = time.perf_counter()
            response = http.post("/v1/documents", files={"file": (bad.path.name, bad.path.read_bytes(), "image/png")})
            seconds = time.perf_counter() - began
            growth = _peak_rss_kb(proc.pid) - before
            assert response.status_code == 413 and response.json()["error"]["code"] == "too_large", response.text
            print(f"\n{name}: refused in {seconds * 1000:.0f} ms, API peak RSS +{growth} KiB: "
                  f"{response.json()['error']['message']}")
            assert seconds < BOMB_SECONDS_MAX
            assert growth < BOMB_RSS_GROWTH_MAX_KB


def _raw_upload(client: TestClient, filename: bytes, data: bytes, path: str = "/v1/documents",
                field: bytes = b"file") -> httpx.Response:
    """A multipart upload whose filename parameter is exactly `filename` (bytes no client library would send)."""
    boundary = b"raw-boundary-7f3a"
    body = (b"--" + boundary + b"\r\nContent-Disposition: form-data; name=\"" + field + b"\"; filename=\""
            + filename + b"\"\r\nContent-Type: image/png\r\n\r\n" + data + b"\r\n--" + boundary + b"--\r\n")
    return client.post(path, content=body,
                       headers={"content-type": "multipart/form-data; boundary=" + boundary.decode()})


NASTY_NAMES = (
    b"../../../../tmp/gongwen-escape.png",
    b"..\\..\\windows\\system32\\escape.png",
    b"/etc/passwd",
    b"a\x00b.png",
    b"tab\there\x7f\x1b[31m.png",
    "长".encode() * 1000 + b".png",  # 3,004 bytes: within a part header's 4 KiB, over 255 characters
    "公文扫描件".encode("gbk") + b".png",  # not UTF-8
)


def test_file_names_are_recorded_safely_and_never_used_as_paths(
        client: TestClient, queue_settings: Any, tmp_path: Path, make_scan: Callable[..., Path]) -> None:
    outside_before = sorted(str(p) for p in tmp_path.parent.glob("*"))
    for number, raw in enumerate(NASTY_NAMES):
        data = make_scan(f"name-{number}.png", variant=600 + number).read_bytes()
        response = _raw_upload(client, raw, data)
        assert response.status_code == 202, (raw[:40], response.text)
        name = client.get(f"/v1/jobs/{response.json()['id']}").json()["filename"]
        assert isinstance(name, str) and 0 < len(name) <= 255
        assert not any(ord(ch) < 32 or 127 <= ord(ch) < 160 for ch in name), repr(name)
        assert name.endswith(".png") or raw == b"/etc/passwd"
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("../../zip-slip.png", make_scan("zs.png", variant=650).read_bytes())
        zf.writestr("/abs/path.png", make_scan("ab.png", variant=651).read_bytes())
    response = client.post("/v1/batches", files=[("files", ("nasty.zip", archive.getvalue(), "application/zip"))])
    assert response.status_code == 202
    assert [d["status"] for d in response.json()["documents"]] == ["queued", "queued"]
    stored = _files_in(queue_settings.storage_dir)
    assert stored and all(STORED.match(path) for path in stored), stored
    assert sorted(str(p) for p in tmp_path.parent.glob("*")) == outside_before
    assert not Path("/tmp/gongwen-escape.png").exists() and not Path("/zip-slip.png").exists()
    # a name longer than a part header may be (4 KiB in python-multipart) is a named refusal, not a crash
    response = _raw_upload(client, b"x" * 100_000 + b".png", make_scan("long.png", variant=652).read_bytes())
    assert response.status_code == 400 and response.json()["error"]["code"] == "bad_input"
    assert "x" * 100 not in response.text  # the name is not echoed back


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 2 MiB tmpfs as the storage directory (needs root: `mount -t tmpfs`; no emulation)."""
    mount = tmp_path / "small-disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, f"cannot mount a tmpfs (this test needs root): {done.stderr}"
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_storage_disk_refuses_the_upload_with_507_and_leaves_no_partial_file(
        full_disk: Path, queue_settings: Any, make_scan: Callable[..., Path]) -> None:
    storage = full_disk / "storage"
    with TestClient(create_app(queue_settings.with_(storage_dir=storage))) as client:
        filler = full_disk / "filler"
        filler.write_bytes(os.urandom(1536 * 1024))  # leaves ~0.5 MiB free
        free_before = shutil.disk_usage(full_disk).free
        big = os.urandom(1024 * 1024)  # 1 MiB: does not fit
        response = client.post("/v1/documents", files={"file": ("big.png", b"\x89PNG\r\n\x1a\n" + big, "image/png")})
        assert response.status_code == 507 and response.json()["error"]["code"] == "storage_full", response.text
        assert _files_in(storage / "tmp") == [] and _files_in(storage / "uploads") == []
        assert shutil.disk_usage(full_disk).free == free_before  # nothing partial kept
        filler.unlink()  # space again: the service takes uploads again
        scan = make_scan("after-full.png", variant=660)
        response = client.post("/v1/documents", files={"file": ("ok.png", scan.read_bytes(), "image/png")})
        assert response.status_code == 202, response.text
