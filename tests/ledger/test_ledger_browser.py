"""A real browser (Debian's headless Chromium, installed by ./crt) drives the admin as a compliance
officer: log in, filter the ledger, open an entry, export, open the timeline. Screenshots are
saved under the test's output directory (pytest's tmp_path, printed at the end)."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/lib/chromium/chromedriver"
VERIFY = Path(__file__).resolve().parents[2] / "docs" / "verify_export.py"


@pytest.fixture
def browser(tmp_path):
    if not CHROMIUM or not os.path.exists(CHROMEDRIVER):
        message = "Debian chromium + chromium-driver are missing: run ./crt setup (installs them with apt-get)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    downloads = tmp_path / "downloads"
    downloads.mkdir()
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-dev-shm-usage", "--window-size=1400,1000"):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    driver.downloads = downloads
    driver.shots = tmp_path / "screenshots"
    driver.shots.mkdir()
    yield driver
    driver.quit()
    print(f"\nscreenshots: {driver.shots}")


def shot(driver, name):
    path = driver.shots / f"{name}.png"
    driver.save_screenshot(str(path))
    assert path.stat().st_size > 0
    return path


def wait_for_file(folder: Path, pattern: str, timeout: float = 30) -> Path:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = [p for p in folder.glob(pattern) if not p.name.endswith(".crdownload")]
        if done:
            return done[0]
        time.sleep(0.2)
    raise AssertionError(f"no {pattern} downloaded into {folder}: {list(folder.iterdir())}")


def navigate(driver, action, timeout: float = 30) -> None:
    """Run ``action`` (a click or ``back``) and wait until the browser has left the current page.

    ``click()`` can return before the next page replaces the current one on a busy machine, so
    reading ``page_source`` right after it may still read the old page (seen in CI on the login form).
    Raises selenium's ``TimeoutException`` after ``timeout`` seconds."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    page = driver.find_element(By.TAG_NAME, "html")
    action()
    WebDriverWait(driver, timeout).until(expected_conditions.staleness_of(page))


def test_compliance_officer_filters_opens_exports_and_charts(browser, live_server, compliance_user, user,
                                                            other_user, entry_factory):
    from selenium.webdriver.common.by import By

    compliance_user.set_password("pw-officer-123")
    compliance_user.save()
    entry_factory(user, old="Microsoft", new="Amazon", contradiction_type="CONFLICT", severity="HIGH")
    seattle = entry_factory(other_user, slot="location", old="Portland", new="Seattle", contradiction_type="TEMPORAL")

    browser.get(f"{live_server.url}/admin/login/?next=/admin/ledger/contradictionentry/")
    browser.find_element(By.NAME, "username").send_keys("officer")
    browser.find_element(By.NAME, "password").send_keys("pw-officer-123")
    navigate(browser, browser.find_element(By.CSS_SELECTOR, "input[type=submit]").click)
    assert "Amazon" in browser.page_source and "Seattle" in browser.page_source
    shot(browser, "01-ledger-list")

    navigate(browser, browser.find_element(By.LINK_TEXT, "Temporal update").click)  # the type filter in the sidebar
    rows = browser.find_elements(By.CSS_SELECTOR, "#result_list tbody tr")
    assert len(rows) == 1 and "Seattle" in rows[0].text and "Amazon" not in browser.page_source
    shot(browser, "02-filtered-temporal")

    navigate(browser, rows[0].find_element(By.CSS_SELECTOR, "th a, td a").click)
    assert browser.find_element(By.ID, "ledger-old-memory").text.count("Portland") >= 1
    assert "Seattle" in browser.find_element(By.ID, "ledger-new-memory").text
    assert browser.find_element(By.ID, "ledger-row-hash").text == seattle.row_hash
    shot(browser, "03-entry-detail")

    navigate(browser, browser.back)
    browser.find_element(By.ID, "ledger-export-csv").click()  # a download: the page stays
    exported = wait_for_file(browser.downloads, "crt-ledger-entries-*.csv")
    rows = list(csv.DictReader(exported.open(encoding="utf-8")))
    assert [r["ledger_id"] for r in rows] == [seattle.pk]
    check = subprocess.run([sys.executable, str(VERIFY), str(exported)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout

    navigate(browser, browser.find_element(By.ID, "ledger-timeline-link").click)
    assert "2</strong> contradictions" in browser.page_source
    assert len(browser.find_elements(By.CSS_SELECTOR, "#timeline-chart rect.timeline-bar")) == 2
    shot(browser, "04-timeline")
