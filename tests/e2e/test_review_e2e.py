"""The review page end to end, in headless Chromium (Debian's chromium + chromium-driver via Selenium: the
`browser` fixture of tests/conftest.py).

Against the real thing: `gongwen serve --no-worker` on a free loopback port, one real `gongwen worker`,
the real Redis (the isolated DB and queue of `queue_settings`), a temporary storage folder, and API keys
switched on. A first-time user's path: upload the committed 3-page sample → the page asks for the API key
(a wrong one is refused in plain words) → bad files (a .txt, one over the size cap, an encrypted PDF) get
plain-word errors → the sample's pages count up live → a .zip goes in as a batch → open the sample → the
paragraph the printer split over pages 1–2 is one block, the doc number is in the fields, every box lands
on its page, hovering that paragraph lights its lines on both pages → "Download JSON" gives the SPEC
envelope, "Download text" and "Copy text" the clean text, "Download Markdown" the Markdown.
The document view is saved as `results/review.png`, the upload list as `results/review-uploads.png`.
"""

from __future__ import annotations

import json
import time
import unicodedata
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rapidfuzz import fuzz
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "fixtures" / "samples" / "sample_reply.pdf"
SCREENSHOT = ROOT / "results" / "review.png"
"""The document view, the split paragraph highlighted on both pages (git-ignored test artifact)."""
LIST_SCREENSHOT = ROOT / "results" / "review-uploads.png"
"""The upload view with the finished sample and the two refused files."""
API_KEY = "e2e-review-key"
JOB_BOUND_S = 600.0
"""Seconds the 3-page sample may take from upload to finished on a busy 2-core machine."""
UI_WAIT_S = 30.0
"""Seconds the page may take to show something it already has (render, fetch from localhost)."""
PARAGRAPH_SIMILARITY_MIN = 95.0
"""rapidfuzz ratio (0–100) of the joined paragraph to the truth: OCR may miss a character, not a half."""

pytestmark = pytest.mark.slow


def _wait(what: str, probe: Any, timeout_s: float = UI_WAIT_S) -> Any:
    """probe() until it returns something truthy (stale elements count as 'not yet')."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            value = probe()
        except (StaleElementReferenceException, WebDriverException):
            value = None
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out after {timeout_s} s waiting for {what}"
        time.sleep(0.2)


ROW_JS = """
const row = [...document.querySelectorAll('#documents .doc')]
  .find((li) => li.querySelector('.name').textContent === arguments[0]);
return row ? {status: row.dataset.status, text: row.innerText,
              count: row.querySelector('.count')?.textContent || '',
              href: row.querySelector('a.open')?.getAttribute('href') || null} : null;
"""


def _row(driver: WebDriver, name: str) -> dict[str, Any] | None:
    """The upload row of `name`, read in one step (rows are redrawn while their documents progress)."""
    row: dict[str, Any] | None = driver.execute_script(ROW_JS, name)
    return row


def _rows(driver: WebDriver) -> list[str]:
    texts: list[str] = driver.execute_script(
        "return [...document.querySelectorAll('#documents .doc')].map((li) => li.innerText);")
    return texts


def _enter_key(driver: WebDriver, key: str) -> str:
    dialog = _wait("the API key dialog", lambda: driver.find_element(By.ID, "key-dialog").is_displayed()
                   and driver.find_element(By.ID, "key-dialog"))
    reason = dialog.find_element(By.ID, "key-reason").text
    dialog.find_element(By.ID, "key-input").send_keys(key)
    dialog.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    return str(reason)


def _truth_paragraph() -> str:
    split = json.loads(SAMPLE.with_name("sample_reply.splits.json").read_text())[0]
    lines = SAMPLE.with_name("sample_reply.truth.txt").read_text(encoding="utf-8").splitlines()
    return lines[split["block_index"]]


def _norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def _locked_pdf(path: Path) -> Path:
    """A PDF encrypted with a password nobody knows: its /U entry matches no password, not even ""."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
               b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P -4 >>" % (b"ab" * 32, b"cd" * 32)]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Encrypt 4 0 R /ID [<%s> <%s>] >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, b"00" * 16, b"00" * 16, xref)
    path.write_bytes(bytes(out))
    return path


def _ended(driver: WebDriver, name: str, status: str) -> dict[str, Any]:
    row: dict[str, Any] = _wait(f"the row of {name} to be {status}",
                                lambda: (r := _row(driver, name)) is not None and r["status"] == status and r)
    return row


def _upload_and_follow(driver: WebDriver, tmp_path: Path) -> set[str]:
    """Upload the sample (answering the key prompt) and two bad files; the progress texts seen until done."""
    file_input = driver.find_element(By.ID, "file-input")
    file_input.send_keys(str(SAMPLE))
    assert "asks for an API key" in _enter_key(driver, "not-the-key")
    assert "not accepted" in _enter_key(driver, API_KEY)
    _wait("the key badge", lambda: driver.find_element(By.ID, "key-state").is_displayed())

    junk = tmp_path / "会议记录.txt"
    junk.write_bytes("这不是扫描件".encode() * 50)
    big = tmp_path / "big.pdf"
    big.write_bytes(b"%PDF-1.7\n" + bytes(1536 * 1024))
    locked = _locked_pdf(tmp_path / "密件.pdf")
    file_input.send_keys(f"{junk}\n{big}\n{locked}")
    assert "not a supported file type" in _ended(driver, junk.name, "rejected")["text"]
    assert "too large" in _ended(driver, big.name, "rejected")["text"]
    assert "encrypted (password-protected)" in _ended(driver, locked.name, "rejected")["text"]
    assert not driver.find_element(By.ID, "key-dialog").is_displayed()  # the key was asked for once

    seen: set[str] = set()
    deadline = time.monotonic() + JOB_BOUND_S
    while True:
        row = _row(driver, SAMPLE.name)
        assert row is not None
        seen.add(row["count"])
        status = row["status"]
        assert status not in ("failed", "rejected", "canceled"), row["text"]
        if status == "finished":
            return seen
        assert time.monotonic() < deadline, f"the sample is still {status} after {JOB_BOUND_S} s"
        time.sleep(0.25)


def _upload_zip(driver: WebDriver, tmp_path: Path) -> None:
    """A .zip goes in as a batch, one row per member; the sample inside is the same bytes: done at once."""
    archive = tmp_path / "收文.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(SAMPLE, "2024/sample_reply.pdf")
        zf.writestr("说明.txt", "不是扫描件" * 20)
    driver.find_element(By.ID, "file-input").send_keys(str(archive))
    same = _ended(driver, f"{archive.name} › 2024/sample_reply.pdf", "finished")
    assert same["href"] == _ended(driver, SAMPLE.name, "finished")["href"] and same["count"] == "3 / 3 pages"
    note = _ended(driver, f"{archive.name} › 说明.txt", "rejected")
    assert "not a supported file type" in note["text"]
    rows = _rows(driver)
    driver.refresh()  # the list lives in sessionStorage: a reload keeps it (and the key)
    assert _wait("the rows after a reload", lambda: _rows(driver) == rows and rows)


def _check_document_view(driver: WebDriver) -> WebElement:
    """The joined paragraph, the doc number, the page images; returns the joined paragraph's block."""
    blocks = _wait("the text panel", lambda: driver.find_elements(By.CSS_SELECTOR, "#blocks .block"))
    joined = [b for b in blocks
              if b.get_attribute("data-pages") == "1,2" and b.get_attribute("data-type") == "paragraph"]
    assert len(joined) == 1, [b.get_attribute("data-pages") for b in blocks]
    text = joined[0].find_element(By.CSS_SELECTOR, ".block-text").text
    truth = _truth_paragraph()
    assert fuzz.ratio(_norm(text), _norm(truth)) >= PARAGRAPH_SIMILARITY_MIN, text
    assert "joined across a page break" in joined[0].find_element(By.CSS_SELECTOR, ".tag").text

    doc_number = driver.find_element(By.CSS_SELECTOR, '#fields [data-field="doc_number"] dd').text
    assert doc_number == "渝北卫健函〔2024〕117号"

    figures = driver.find_elements(By.CSS_SELECTOR, "#pages figure.page")
    assert [f.get_attribute("data-page") for f in figures] == ["1", "2", "3"]
    _wait("page 1's image", lambda: driver.execute_script(
        "const i = document.querySelector('figure[data-page=\"1\"] img');"
        "return i.complete && i.naturalWidth > 0;"))
    kinds = set(driver.execute_script(
        "return [...document.querySelectorAll('#pages .box')]"
        ".map(b => [...b.classList].find(c => c.startsWith('k-')));"))
    expected = {"k-issuer", "k-docnum", "k-title", "k-heading", "k-paragraph", "k-banji", "k-pagenum"}
    assert expected <= kinds, kinds
    outside = driver.execute_script("""
        return [...document.querySelectorAll('#pages figure')].flatMap(f => {
          const frame = f.querySelector('.frame').getBoundingClientRect();
          return [...f.querySelectorAll('.box')].map(b => b.getBoundingClientRect())
            .filter(r => r.left < frame.left - 1 || r.right > frame.right + 1 || r.top < frame.top - 1
                         || r.bottom > frame.bottom + 1).length;
        }).reduce((a, b) => a + b, 0);""")
    assert outside == 0  # every box lands on its own page image
    return joined[0]


def _check_hover(driver: WebDriver, joined: WebElement) -> None:
    joined.click()  # scrolls the page column to the paragraph's first line
    ActionChains(driver).move_to_element(joined).perform()
    hot = _wait("highlighted boxes", lambda: driver.execute_script(
        "return [...document.querySelectorAll('#pages .box.hot')]"
        ".map(b => b.closest('figure').dataset.page);"))
    assert set(hot) == {"1", "2"}, hot  # both halves of the paragraph, on both pages


def _check_whole_pages(driver: WebDriver) -> None:
    """"Whole pages" fits each page into the column's height (the layout at a glance), and back."""
    button = driver.find_element(By.ID, "fit-pages")
    fits = ("const pane = document.getElementById('pages').getBoundingClientRect();"
            "return [...document.querySelectorAll('#pages .frame')]"
            ".every(f => f.getBoundingClientRect().height <= pane.height);")
    assert not driver.execute_script(fits)
    button.click()
    assert button.get_attribute("aria-pressed") == "true"
    _wait("whole pages", lambda: driver.execute_script(fits))
    button.click()
    assert button.get_attribute("aria-pressed") == "false" and not driver.execute_script(fits)


def _check_copy(driver: WebDriver, origin: str, text: str) -> None:
    permissions = ["clipboardReadWrite", "clipboardSanitizedWrite"]
    driver.execute_cdp_cmd("Browser.grantPermissions", {"origin": origin, "permissions": permissions})
    driver.find_element(By.ID, "copy-text").click()
    _wait("the copied notice", lambda: "copied" in driver.find_element(By.ID, "doc-status").text)
    copied = driver.execute_async_script(
        "const done = arguments[0]; navigator.clipboard.readText().then(done, (e) => done(`failed: ${e}`));")
    assert copied == text


def _download(driver: WebDriver, downloads: Path, fmt: str, name: str) -> str:
    driver.find_element(By.CSS_SELECTOR, f'button[data-download="{fmt}"]').click()
    saved = downloads / name
    _wait(f"the downloaded {name}", lambda: saved.is_file() and not list(downloads.glob("*.crdownload")))
    return saved.read_text(encoding="utf-8")


def _check_download(driver: WebDriver, downloads: Path) -> dict[str, Any]:
    envelope: dict[str, Any] = json.loads(_download(driver, downloads, "json", "sample_reply.json"))
    assert _download(driver, downloads, "text", "sample_reply.txt") == envelope["text"]
    assert _download(driver, downloads, "md", "sample_reply.md").startswith("公开\n\n")
    assert {"source", "fields", "blocks", "text", "warnings", "timings"} <= set(envelope)
    assert envelope["source"]["filename"] == SAMPLE.name and envelope["source"]["pages"] == 3
    assert envelope["fields"]["doc_number"] == "渝北卫健函〔2024〕117号"
    block = envelope["blocks"][0]
    assert {"type", "level", "text", "pages", "lines"} <= set(block)
    assert {"page", "bbox", "text", "score"} <= set(block["lines"][0])
    return envelope


def _screenshot(driver: WebDriver, path: Path) -> None:
    path.parent.mkdir(exist_ok=True)
    path.unlink(missing_ok=True)
    assert driver.save_screenshot(str(path))
    print(f"\nscreenshot: {path}")


def test_upload_follow_open_review_and_download(
        browser: tuple[WebDriver, Path], api_server: Any, workers: Any, free_port: Callable[[], int],
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    driver, downloads = browser
    monkeypatch.setenv("GONGWEN_API_KEYS", API_KEY)  # the API and worker processes inherit the environment
    monkeypatch.setenv("GONGWEN_MAX_UPLOAD_MB", "1")
    port = free_port()
    workers.start()
    api_server(port)
    workers.wait_ready(1)

    driver.get(f"http://127.0.0.1:{port}/")
    assert driver.find_element(By.ID, "dropzone").is_displayed()
    assert "No documents yet" in driver.find_element(By.ID, "no-documents").text
    seen = _upload_and_follow(driver, tmp_path)
    assert "3 / 3 pages" in seen and seen & {"1 / 3 pages", "2 / 3 pages"}, seen  # progress was live
    _upload_zip(driver, tmp_path)
    _screenshot(driver, LIST_SCREENSHOT)

    href = _ended(driver, SAMPLE.name, "finished")["href"]
    driver.find_element(By.CSS_SELECTOR, f'#documents a.open[href="{href}"]').click()
    joined = _check_document_view(driver)
    _check_hover(driver, joined)
    time.sleep(1.0)  # the smooth scroll to the highlighted lines settles
    _screenshot(driver, SCREENSHOT)
    _check_whole_pages(driver)
    envelope = _check_download(driver, downloads)
    _check_copy(driver, f"http://127.0.0.1:{port}", envelope["text"])
    refused = ("401", "413", "415", "422")  # the key prompt and the refused files (the browser logs them)
    errors = [e for e in driver.get_log("browser")
              if e["level"] == "SEVERE" and not any(code in e["message"] for code in refused)]
    assert not errors, errors
