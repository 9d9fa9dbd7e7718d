"""The review page with a batch scan, end to end in headless Chromium: upload a file holding two documents
(the committed sample twice, the second fed upside down) with "each file is a batch" ticked → the row
offers its documents → the document view lists both with their pages → opening the second shows only its
pages, its blocks and its fields. Saves `results/review-split.png`."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from tests.e2e.test_review_e2e import ROOT, _ended, _row, _screenshot, _wait
from tests.service.test_cli_split import _pdf, _sample_pages

SCREENSHOT = ROOT / "results" / "review-split.png"
JOB_BOUND_S = 1200.0
"""Seconds the 6-page batch may take from upload to finished on a busy 2-core machine."""

pytestmark = pytest.mark.slow


def _parts(driver: WebDriver) -> list[dict[str, str]]:
    found: list[dict[str, str]] = driver.execute_script(
        "return [...document.querySelectorAll('#parts a')].map((a) => ({text: a.textContent,"
        " href: a.getAttribute('href'), current: a.getAttribute('aria-current') || ''}));")
    return found


def test_a_batch_file_lists_its_documents_and_opens_each(
        browser: tuple[WebDriver, Path], api_server: Any, workers: Any, free_port: Callable[[], int],
        tmp_path: Path) -> None:
    driver, _ = browser
    pages = _sample_pages()
    box = _pdf(pages + [pages[0].rotate(180), *pages[1:]], tmp_path / "档案盒.pdf")
    port = free_port()
    workers.start()
    api_server(port)
    workers.wait_ready(1)
    driver.get(f"http://127.0.0.1:{port}/")
    driver.find_element(By.ID, "split-input").click()
    driver.find_element(By.ID, "file-input").send_keys(str(box))
    deadline = time.monotonic() + JOB_BOUND_S
    while (row := _row(driver, box.name)) is None or row["status"] != "finished":
        assert row is None or row["status"] not in ("failed", "rejected", "canceled"), row
        assert time.monotonic() < deadline, f"the batch is still {row and row['status']} after {JOB_BOUND_S} s"
        time.sleep(0.5)
    assert "Open its documents" in _ended(driver, box.name, "finished")["text"]
    driver.find_element(By.CSS_SELECTOR, f'#documents a.open[href="{row["href"]}"]').click()

    parts = _wait("the list of the file's documents", lambda: len(_parts(driver)) == 3 and _parts(driver))
    assert [p["text"].split(" · ")[0] for p in parts[:2]] == ["pp. 1–3", "pp. 4–6"]
    assert all("复函" in p["text"] for p in parts[:2]) and parts[2]["text"] == "The whole file"
    assert parts[2]["current"] == "page" and "2 documents found in it" in driver.find_element(By.ID, "doc-status").text

    driver.find_element(By.CSS_SELECTOR, f'#parts a[href="{parts[1]["href"]}"]').click()
    _wait("document 2", lambda: "document 2 of 2" in driver.find_element(By.ID, "doc-title").text)
    figures = _wait("its pages", lambda: [f.get_attribute("data-page")
                                           for f in driver.find_elements(By.CSS_SELECTOR, "#pages figure.page")])
    assert figures == ["4", "5", "6"]
    block_pages = {p for b in driver.find_elements(By.CSS_SELECTOR, "#blocks .block")
                   for p in (b.get_attribute("data-pages") or "").split(",") if p}
    assert block_pages == {"4", "5", "6"}
    assert driver.find_element(By.CSS_SELECTOR, '#fields [data-field="doc_number"] dd').text == "渝北卫健函〔2024〕117号"
    assert "Document 2 of 2 in this file" in driver.find_element(By.ID, "doc-status").text
    assert _parts(driver)[1]["current"] == "page"
    _screenshot(driver, SCREENSHOT)
    errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, errors
