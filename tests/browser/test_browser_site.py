"""Every page of the built book in a real browser: loads cleanly, images with alt text, links
resolve, navigation and search work, and axe-core finds no serious accessibility violations."""

import urllib.error
import urllib.parse
import urllib.request

import pytest
from browser_site import AXE, REPORT, SCREENSHOTS, toc_pages
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

pytestmark = pytest.mark.browser  # run by `make browser`, not by a plain `pytest tests`

SERIOUS = {"serious", "critical"}
_checked_links: set[str] = set()


def _local_resources(driver, base):
    """Same-site URLs the page refers to: links, images, stylesheets and scripts."""
    urls = driver.execute_script(
        "return [...document.querySelectorAll('a[href]')].map(a => a.href)"
        ".concat([...document.querySelectorAll('img[src]')].map(i => i.src))"
        ".concat([...document.querySelectorAll('link[href]')].map(l => l.href))"
        ".concat([...document.querySelectorAll('script[src]')].map(s => s.src))"
    )
    return sorted({u.split("#")[0] for u in urls if u.startswith(base)})


@pytest.mark.parametrize("page", toc_pages())
def test_page_loads_cleanly(browser, site, page):
    browser.get_log("browser")  # drop what earlier tests left in the log: only this page's errors count
    browser.get(site + page)
    WebDriverWait(browser, 30).until(lambda d: d.execute_script("return document.readyState") == "complete")
    # A message about another test's server (another port) can arrive late: count only this site's.
    errors = [
        e["message"]
        for e in browser.get_log("browser")
        if e["level"] == "SEVERE" and (site in e["message"] or "http://127.0.0.1:" not in e["message"])
    ]
    assert not errors, f"console errors on {page}: {errors}"

    failed = []
    for url in _local_resources(browser, site):
        if url in _checked_links:
            continue
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                response.read(1)
            _checked_links.add(url)
            REPORT["links"].append(url)
        except urllib.error.URLError as err:
            failed.append(f"{url}: {err}")
    assert not failed, f"failed requests from {page}: {failed}"

    images = browser.execute_script(
        "return [...document.querySelectorAll('article img')].map(i => [i.src, i.naturalWidth, i.alt])"
    )
    for src, width, alt in images:
        assert width > 0, f"{page}: image did not load: {src}"
        assert alt and alt.strip(), f"{page}: image without alt text: {src}"
        REPORT["images"].append(src)

    browser.execute_script(AXE.read_text(encoding="utf-8"))
    violations = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations.map("
        "v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}))));"
    )
    serious = [v for v in violations if v["impact"] in SERIOUS]
    assert not serious, f"axe-core on {page}: {serious}"
    REPORT["axe_minor"] += [f"{v['id']} ({v['impact']}): {v['help']}" for v in violations]
    REPORT["pages"].append(page)


def test_navigation_next_link_goes_to_the_next_chapter(browser, site):
    pages = toc_pages()
    browser.get(site + pages[0])
    link = WebDriverWait(browser, 30).until(ec.element_to_be_clickable((By.CSS_SELECTOR, "a.right-next")))
    link.click()
    WebDriverWait(browser, 30).until(lambda d: d.current_url.endswith(pages[1]))


def test_search_finds_the_caf_chapter(browser, site):
    browser.get(site + "search.html?q=" + urllib.parse.quote("CAFs"))
    WebDriverWait(browser, 60).until(
        lambda d: d.execute_script("return document.querySelectorAll('#search-results ul.search li').length") > 0
    )
    hits = browser.execute_script(
        "return [...document.querySelectorAll('#search-results ul.search li a')].map(a => a.href)"
    )
    assert any("caf_decline" in h for h in hits), hits


@pytest.mark.parametrize("page", ["book/summary.html", "book/caf_decline.html"])
def test_screenshot_saved(browser, site, page):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browser.get(site + page)
    WebDriverWait(browser, 30).until(lambda d: d.execute_script("return document.readyState") == "complete")
    height = browser.execute_script("return document.body.scrollHeight")
    browser.set_window_size(1280, min(max(height, 800), 12000))
    path = SCREENSHOTS / (page.replace("/", "_").removesuffix(".html") + ".png")
    assert browser.save_screenshot(str(path)) and path.stat().st_size > 10_000
    browser.set_window_size(1280, 1600)
    REPORT["screenshots"].append(str(path.relative_to(SCREENSHOTS.parent.parent)))
