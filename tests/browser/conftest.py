"""Browser-test fixtures: the real site, served locally, visited by Debian's headless Chromium
(chromium-headless-shell; why, and how to run the full browser instead: medsite.tools.chromium).

One site build (the parent conftest's ``site`` fixture: the same staging build
and gate as ``make site``), one local server and one browser are shared by the
whole session. Every context routes all requests through :class:`Recorder`,
which lets requests to the local server through and aborts (and records) any
other, so no test can reach the internet even when a page tries.

MEDSITE_BROWSER_SITE=/path/to/site runs the browser tests on an already built
site instead (for example `site/` after `make site`).
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright import sync_api as playwright_api

from medsite.sources.pageurls import file_url
from medsite.tools import chromium, static_host

from .support import DESKTOP, page_html

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = chromium.TEST_PATH
CHROMIUM_ARGS = ["--headless", *chromium.QUIET_FLAGS]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(os.environ.get("MEDSITE_SCREENSHOTS", ROOT / "screenshots"))


# Collects securitypolicyviolation events from the first moment of every document.
# Added through CDP (Page.addScriptToEvaluateOnNewDocument), which the page's CSP does not govern.
VIOLATION_LISTENER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push({directive: e.violatedDirective, blocked: e.blockedURI,
                               sample: e.sample, source: e.sourceFile, line: e.lineNumber});
});
"""


@dataclass
class Recorder:
    """Every request a context makes: local ones go through, any other is aborted and kept."""

    origin: str
    requests: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)

    def route(self, route) -> None:
        url = route.request.url
        self.requests.append(url)
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob") or f"{parts.scheme}://{parts.netloc}" == self.origin:
            route.continue_()
        else:
            self.foreign.append(url)
            route.abort("blockedbyclient")


@dataclass
class Console:
    """Console errors and warnings, uncaught exceptions and failed requests of one page."""

    messages: list[str] = field(default_factory=list)

    def attach(self, page) -> None:
        page.on("console", lambda m: m.type in ("error", "warning") and self.messages.append(f"console.{m.type}: {m.text}"))
        page.on("pageerror", lambda exc: self.messages.append(f"uncaught: {exc}"))
        page.on("requestfailed", self._failed)

    def _failed(self, request) -> None:
        # ERR_ABORTED is the browser dropping a late request (the favicon, say) because the test
        # moved on to the next page: not something a reader would see.
        if request.failure != "net::ERR_ABORTED":
            self.messages.append(f"request failed: {request.url} ({request.failure})")

    def clear(self) -> None:
        self.messages.clear()


@dataclass
class Tab:
    """A page in its own context, with what it recorded."""

    page: object
    context: object
    recorder: Recorder
    console: Console
    base: str

    def goto(self, path: str, *, wait: str = "load", expect_status: int | None = 200):
        self.console.clear()
        response = self.page.goto(self.base + path, wait_until=wait)
        if expect_status is not None:
            assert response is not None and response.status == expect_status, f"{path}: HTTP {response and response.status}"
        return response

    def violations(self) -> list[dict]:
        return self.page.evaluate("window.__cspViolations || []")


@pytest.fixture(scope="session")
def site_dir(request) -> Path:
    prebuilt = os.environ.get("MEDSITE_BROWSER_SITE")
    if prebuilt:
        return Path(prebuilt).resolve()
    # The parent conftest builds the real site once per session with `make site`'s own command.
    return request.getfixturevalue("site")


@pytest.fixture(scope="session")
def fixture_pages() -> dict:
    """URL path -> (content type, bytes), served by the same server; tests add their own pages."""
    return {}


@pytest.fixture(scope="session")
def base_url(site_dir, fixture_pages) -> str:
    with static_host.serve(site_dir, use_gzip=True, extra=fixture_pages) as base:
        yield base


@pytest.fixture(scope="session")
def site_pages(site_dir) -> list[str]:
    """URL paths of every HTML page of the built site ('' is the home page)."""
    pages = []
    for path in sorted(site_dir.rglob("*.html")):
        pages.append(file_url(path.relative_to(site_dir).as_posix()))
    assert "" in pages and "404.html" in pages, pages
    return pages


@pytest.fixture(scope="session")
def content_pages(site_dir, site_pages) -> list[str]:
    """Pages carrying the health footer (review dates, disclosure): the content pages."""
    return [p for p in site_pages if "health-footer" in page_html(site_dir, p)]


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make browser` installs Debian's chromium-headless-shell")
    with playwright_api.sync_playwright() as pw:
        # Playwright starts Chromium with a fresh temporary --user-data-dir of its own (it refuses
        # one in `args`), and every test opens a new, empty context in it.
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_JS.is_file():
        pytest.fail(f"{AXE_JS} is missing: run `make node` (npm ci)")
    return AXE_JS.read_text(encoding="utf-8")


class TabOpener:
    """Opens tabs (a new context + page each, with request recording, console capture and CSP listener) and
    closes them: `_close_tabs` closes a test's tabs when it ends. An open tab keeps costing the browser
    time (measured: 20 idle tabs of the site took a seventh of a core), which the tests after it would pay."""

    def __init__(self, browser, base_url: str):
        self.browser, self.base_url, self.opened = browser, base_url, []

    def __call__(self, *, viewport=DESKTOP, color_scheme="light", bypass_csp=False, **kwargs) -> Tab:
        context = self.browser.new_context(
            viewport=viewport, color_scheme=color_scheme, bypass_csp=bypass_csp, service_workers="block", **kwargs
        )
        recorder = Recorder(origin=self.base_url.rstrip("/"))
        context.route("**/*", recorder.route)
        context.add_init_script(VIOLATION_LISTENER)
        page = context.new_page()
        console = Console()
        console.attach(page)
        tab = Tab(page, context, recorder, console, self.base_url)
        self.opened.append(tab)
        return tab

    def close_all(self) -> None:
        while self.opened:
            with contextlib.suppress(Exception):  # already closed
                self.opened.pop().context.close()


@pytest.fixture(scope="session")
def open_tab(browser, base_url):
    """Factory: open_tab(viewport=..., color_scheme=...) -> Tab (TabOpener)."""
    opener = TabOpener(browser, base_url)
    yield opener
    opener.close_all()


@pytest.fixture(autouse=True)
def _close_tabs(request):
    """The tabs a test opened, closed when it ends (the browser and the factory stay for the session)."""
    yield
    if "open_tab" in request.fixturenames:
        request.getfixturevalue("open_tab").close_all()

