"""Privacy and console: no request leaves the site, no cookie is set, nothing logs an error.

The page visits here run with ``bypass_csp=True`` on purpose: the site's own CSP
would block (and so hide) a third-party request, and what is tested here is that
the pages never try one. test_csp.py checks the policy itself.
"""

from __future__ import annotations

import time

import pytest

from .support import SETTLED, THEME_RUNNING, search, wait_until

EXTERNAL_FIXTURE = "/__fixtures__/external-image.html"
SCROLL_TO_END = """() => {
  scrollTo(0, document.scrollingElement.scrollHeight);
  // A page that scrolled loads the theme's script (partials/theme-loader.html); a short one (404) does not.
  return scrollY > 0 && !!document.querySelector('script[type="text/x-on-first-interaction"]');
}"""


def open_requests(tab) -> set:
    """The page's requests not yet finished or failed, kept up to date from Playwright's events."""
    pending: set = set()
    tab.page.on("request", lambda request: pending.add(request))
    tab.page.on("requestfinished", lambda request: pending.discard(request))
    tab.page.on("requestfailed", lambda request: pending.discard(request))
    return pending


def visit_like_a_reader(tab, path: str, pending: set) -> None:
    """Load a page and scroll to the end, as a reader does; wait until the theme's script, which the scroll
    loads, has run, what it queued has run too, and the page has no request open. (Events, not the half
    second of quiet that Playwright's "networkidle" waits for on every page.)"""
    tab.goto(path, wait="load", expect_status=200)
    if tab.page.evaluate(SCROLL_TO_END):
        wait_until(tab.page, THEME_RUNNING, timeout=10)
    tab.page.evaluate(SETTLED)
    deadline = time.monotonic() + 10
    while pending:  # requests the page made before SETTLED's own, still loading
        assert time.monotonic() < deadline, f"/{path}: requests still open after 10 s: {[r.url for r in pending]}"
        time.sleep(0.01)
        tab.page.evaluate("0")  # a round trip, during which Playwright delivers the page's request events


def test_no_request_to_any_other_host_and_no_console_errors(open_tab, site_pages):
    tab = open_tab(bypass_csp=True)
    pending = open_requests(tab)
    problems = []
    for path in site_pages:
        before = len(tab.recorder.foreign)
        visit_like_a_reader(tab, path, pending)
        problems += [f"/{path}: request to {url}" for url in tab.recorder.foreign[before:]]
        problems += [f"/{path}: {msg}" for msg in tab.console.messages]
    assert not problems, "\n".join(problems)
    # The recorder saw the site's own requests, so an empty foreign list means something.
    assert any(url.endswith(".css") for url in tab.recorder.requests)
    assert any("/assets/javascripts/bundle." in url for url in tab.recorder.requests)
    assert tab.context.cookies() == [], "the site must set no cookies"


def test_search_works_without_leaving_the_site(open_tab, site_pages):
    """Search runs on the site's own Pagefind index: typing a query asks no one else."""
    tab = open_tab(bypass_csp=True)
    tab.goto("", expect_status=200)
    assert search(tab.page, "myelin") > 0
    assert any("/pagefind/index/" in url for url in tab.recorder.requests)
    assert tab.recorder.foreign == [] and tab.console.messages == []


def test_the_checks_catch_an_external_request_and_a_console_error(open_tab, fixture_pages):
    """The same recorder and console capture, on a page that breaks both rules, must fail it."""
    fixture_pages[EXTERNAL_FIXTURE] = (
        "text/html; charset=utf-8",
        b"<!doctype html><html lang=en><title>bad</title>"
        b'<img src="https://tracker.example.invalid/pixel.gif" alt="">'
        b"<script>console.error('fixture error')</script>",
    )
    tab = open_tab(bypass_csp=True)
    visit_like_a_reader(tab, EXTERNAL_FIXTURE.lstrip("/"), open_requests(tab))
    assert tab.recorder.foreign == ["https://tracker.example.invalid/pixel.gif"]
    assert any("fixture error" in m for m in tab.console.messages)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_palette_follows_the_system_setting(open_tab, scheme):
    """Both palettes come from prefers-color-scheme, so the dark tests really test dark."""
    tab = open_tab(color_scheme=scheme)
    tab.goto("")
    expected = {"light": "default", "dark": "slate"}[scheme]
    assert tab.page.evaluate("document.body.getAttribute('data-md-color-scheme')") == expected
