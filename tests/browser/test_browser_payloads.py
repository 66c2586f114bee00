"""Hostile text from the data and the configuration stays text, in a real browser.

An edition is built whose team, locality and reason columns and whose published configuration
strings hold script tags, event handlers, ``javascript:`` links, MyST roles and directives
(``{raw}``, ``{download}``), ``$$`` math, backticks, HTML comments and line breaks that could start
a fence (:mod:`payloads`). A reason also names a real child's identifier. Chromium then opens
every page (and a search for the payloads) and the test asserts that no dialog opened, no
element carries a payload's handler or script, no link or frame points at ``javascript:``, and
the payloads are there to read as text; and that the child's identifier is in no output file.
"""

import functools
import http.server
import subprocess
import sys
import threading
import time

import pytest
from browser_site import REPORT, _QuietHandler
from payloads import MARKER, PAYLOADS, make_payload_edition
from selenium.common.exceptions import NoAlertPresentException, UnexpectedAlertPresentException

from improvement_report.core.paths import REPO_ROOT

pytestmark = pytest.mark.browser  # run by `make browser`, not by a plain `pytest tests`

LIVE_PAYLOADS = r"""
const marker = arguments[0];
const found = [];
for (const el of document.querySelectorAll('*')) {
  for (const attr of el.attributes) {
    const value = attr.value || '';
    if (attr.name.toLowerCase().startsWith('on') && value.includes(marker)) {
      found.push(`${el.tagName} ${attr.name}`);
    }
    if (['href', 'src', 'action', 'formaction', 'xlink:href', 'data'].includes(attr.name.toLowerCase())
        && /^\s*javascript:/i.test(value)) {
      found.push(`${el.tagName} ${attr.name}=javascript:`);
    }
  }
  if (el.tagName === 'SCRIPT' && el.textContent.includes(marker)) found.push('SCRIPT with a payload');
  if (['IFRAME', 'OBJECT', 'EMBED', 'DETAILS'].includes(el.tagName) && el.outerHTML.includes(marker)) {
    found.push(`${el.tagName} element from a payload`);
  }
}
return found;
"""


@pytest.fixture(scope="module")
def payload_site(tmp_path_factory):
    """Build the hostile edition with the real command line; serve its HTML on loopback."""
    root = tmp_path_factory.mktemp("payloads")
    config, child_id = make_payload_edition(root)
    out = subprocess.run(
        [sys.executable, "-m", "improvement_report", "build", "--config", str(config)],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=3600,
    )
    assert out.returncode == 0, out.stderr[-4000:]
    assert "identifier scan:" in out.stderr and "no identifier from the extracts" in out.stderr
    html = root / "site" / "html"
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(html)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", root, child_id
    server.shutdown()


def _open(browser, url: str) -> list[str]:
    """Load a page; return what came alive on it (a dialog, or elements from a payload)."""
    problems = []
    try:
        browser.get(url)
        time.sleep(0.3)  # onload, onerror and ontoggle handlers run just after the load
        try:
            alert = browser.switch_to.alert
            problems.append(f"dialog opened: {alert.text}")
            alert.dismiss()
        except NoAlertPresentException:
            pass
        problems += browser.execute_script(LIVE_PAYLOADS, MARKER)
    except UnexpectedAlertPresentException as err:
        problems.append(f"dialog opened: {err.alert_text}")
    return problems


def test_no_payload_comes_alive_on_any_page(payload_site, browser):
    base, root, _ = payload_site
    html = root / "site" / "html"
    # Every page; the theme's template fragments in _static are not pages (their raw Jinja 404s).
    pages = sorted(p.relative_to(html).as_posix() for p in html.rglob("*.html") if "_static" not in p.parts)
    assert len(pages) >= 15
    live = {page: found for page in pages if (found := _open(browser, base + page))}
    # A search whose results quote the payloads (Sphinx builds result snippets from the sources).
    for term in ("alert", "script", "javascript"):
        found = _open(browser, f"{base}search.html?q={term}")
        time.sleep(1.0)
        found += browser.execute_script(LIVE_PAYLOADS, MARKER)
        if found:
            live[f"search.html?q={term}"] = found
    assert not live, live
    REPORT["identifiers"].append(f"payload edition: {len(pages)} pages and 3 searches, no payload came alive")


def test_payloads_are_shown_as_text(payload_site, browser):
    base, _, _ = payload_site
    _open(browser, base + "book/strategy_discussions.html")
    text = browser.execute_script("return document.body.innerText")
    assert "EDT <script>alert(1301)</script>" in text  # a team name, shown as written
    assert "Other reason recorded" in text  # the free-text reason is counted, never shown
    assert PAYLOADS[4].split("`")[0] in text  # a configured category is shown, as text


def test_a_child_identifier_in_free_text_is_published_nowhere(payload_site):
    _, root, child_id = payload_site
    leaked = [
        p.relative_to(root).as_posix()
        for p in (root / "site").rglob("*")
        if p.is_file() and child_id.encode() in p.read_bytes()
    ]
    assert not leaked, f"the identifier written into a reason reached {leaked}"
