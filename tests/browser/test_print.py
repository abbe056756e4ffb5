"""Print: a printed content page shows each reference's URL and leaves out the navigation.

The PDFs Chromium prints go to screenshots/print/ for people to look at.
"""

from __future__ import annotations

import pytest

from .conftest import SCREENSHOTS
from .support import page_html, slug

HIDDEN_IN_PRINT = [".md-header", ".md-tabs", ".md-sidebar--primary", ".md-sidebar--secondary", ".md-footer", ".md-top"]

URL_AFTER = """() => [...document.querySelectorAll(
    '.md-typeset .footnote a[href^="http"], .md-typeset .reference-entry a[href^="http"]')].map(a => ({
  href: a.getAttribute('href'), after: getComputedStyle(a, '::after').content }))"""

DISPLAY = """(selectors) => selectors.map(s => [...document.querySelectorAll(s)].map(e => {
  const r = e.getBoundingClientRect(); return {s, display: getComputedStyle(e).display, box: r.width * r.height} })).flat()"""


@pytest.fixture(scope="module")
def print_pages(site_dir, content_pages) -> list[str]:
    """A content page with citations, and the references page."""
    cited = [p for p in content_pages if 'class="footnote-ref"' in page_html(site_dir, p)]
    refs = [p for p in content_pages if "reference-entry" in page_html(site_dir, p)]
    assert cited, "no content page cites anything"
    return [cited[0], *refs[:1]]


def test_print_shows_reference_urls_and_hides_navigation(open_tab, print_pages):
    tab = open_tab()
    tab.page.emulate_media(media="print")
    problems = []
    for path in print_pages:
        tab.goto(path)
        links = tab.page.evaluate(URL_AFTER)
        if not links:
            problems.append(f"/{path}: no reference links found")
        for link in links:
            if link["href"] not in link["after"]:
                problems.append(f"/{path}: printed link {link['href']} shows {link['after']!r}")
        for item in tab.page.evaluate(DISPLAY, HIDDEN_IN_PRINT):
            if item["display"] != "none" and item["box"] > 0:
                problems.append(f"/{path}: {item['s']} is printed")
        (SCREENSHOTS / "print").mkdir(parents=True, exist_ok=True)
        pdf = tab.page.pdf(path=SCREENSHOTS / "print" / f"{slug(path)}.pdf", format="A4")
        assert pdf[:5] == b"%PDF-"
    assert not problems, "\n".join(problems[:40])


def test_screen_view_does_not_show_the_urls(open_tab, print_pages):
    """The URLs are for paper only: on screen the reference reads as written."""
    tab = open_tab()
    tab.goto(print_pages[0])
    links = tab.page.evaluate(URL_AFTER)
    assert links and all(link["href"] not in link["after"] for link in links)
