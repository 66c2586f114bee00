"""A real browser on the built book: Debian's Chromium driven by Selenium, pages served on 127.0.0.1.

Run after the book is built (`make browser`). Nothing is downloaded: the browser and its driver
come from Debian's packages, the accessibility engine from the pinned npm package axe-core.
"""

import functools
import http.server
import threading
from pathlib import Path

import pytest
import yaml
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from improvement_report.core.paths import BUILD_DIR, HTML_DIR, REPO_ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
AXE = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = BUILD_DIR / "screenshots"

# What was checked, printed at the end of the run.
REPORT: dict[str, list] = {
    "pages": [],
    "images": [],
    "links": [],
    "axe_minor": [],
    "identifiers": [],
    "screenshots": [],
}


def toc_pages() -> list[str]:
    """Every page in the table of contents, as paths relative to the HTML root."""
    toc = yaml.safe_load((REPO_ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]
    for chapter in toc.get("chapters", []):
        files.append(chapter["file"])
        files += [s["file"] for s in chapter.get("sections", [])]
    return [f"{f}.html" for f in files]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def site():
    """Serve the built HTML on a free loopback port; yield its base URL."""
    if not (HTML_DIR / "index.html").is_file():
        pytest.fail("no built book: run `make book` first")
    handler = functools.partial(_QuietHandler, directory=str(HTML_DIR))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    """Headless Debian Chromium with browser console logging on."""
    for path in (CHROMIUM, CHROMEDRIVER):
        if not Path(path).exists():
            pytest.fail(f"{path} missing: install Debian's chromium and chromium-driver (make browser-deps)")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-sync",
        "--window-size=1280,1600",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(120)
    yield driver
    driver.quit()


def pytest_terminal_summary(terminalreporter):
    """Print what the browser tests checked."""
    if not any(REPORT.values()):
        return
    w = terminalreporter.write_line
    w("")
    w("Browser check report")
    w(f"  pages loaded without console errors or failed requests: {len(REPORT['pages'])}")
    for page in REPORT["pages"]:
        w(f"    {page}")
    w(f"  figure images loaded with alt text: {len(REPORT['images'])}")
    w(f"  local links and downloads resolved: {len(REPORT['links'])}")
    w(f"  axe-core: no serious or critical violations; minor/moderate: {len(REPORT['axe_minor'])}")
    for item in sorted(set(REPORT["axe_minor"])):
        w(f"    {item}")
    for line in REPORT["identifiers"]:
        w(f"  {line}")
    for shot in REPORT["screenshots"]:
        w(f"  screenshot: {shot}")
