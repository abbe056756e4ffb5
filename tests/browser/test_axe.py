"""Accessibility: axe-core finds no WCAG 2.2 A/AA violation on any page, in either palette, at either width.

The four combinations of palette (light, dark) and width (desktop, mobile) are split over three files,
so that both xdist workers share them (`--dist loadfile` runs a file whole on one worker):
- every page, light at desktop width (here) and dark at mobile width (test_axe_dark_mobile.py);
- dark at desktop width and light at mobile width on a sample (test_axe_other_combinations.py): one page
  of each template and page type (home, 404, References, the first page of each page_type) and, beyond
  those, pages until every kind of element the site has anywhere (tag and classes) is on one of them.

Why that finds what four full scans found: the palette changes only colours (Material swaps its colour
variables under data-md-color-scheme), the width only the layout (which furniture shows, how text wraps,
how big targets are). Each page is scanned in both palettes and at both widths, so its content is checked
for contrast in each palette and for layout at each width. What only the two sampled combinations could
add is an element in one palette that shows at one width only: the desktop sidebars and tabs in dark, the
mobile header and menu button in light. Those come from the templates every page shares, and the sample
has every template and every kind of element, in both of those combinations. How axe is run, and where
its time goes: axe_scan.py.
"""

from __future__ import annotations

import json

from .axe_scan import axe_violations, scan
from .support import DESKTOP

AXE_FIXTURE = "/__fixtures__/inaccessible.html"


def test_every_page_light_at_desktop_width(open_tab, site_pages, axe_source):
    problems = scan(open_tab, "light", DESKTOP, site_pages, axe_source)
    assert not problems, "\n".join(problems)


def test_axe_catches_what_stock_material_gets_wrong(open_tab, fixture_pages, axe_source):
    """A page with an unnamed dialog, 4.47:1 text and a colour-only link: axe must report all three."""
    fixture_pages[AXE_FIXTURE] = (
        "text/html; charset=utf-8",
        b"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>fixture</title>
<style>body{background:#fff;color:#212121} a{color:#4051b5;text-decoration:none} .grey{color:#777}</style></head>
<body><main><h1>Fixture</h1>
<div role="dialog"><input aria-label="Search"></div>
<p class="grey">Text at 4.48:1, under the 4.5:1 that WCAG needs.</p>
<p>A sentence with <a href="#x">a link</a> that is told apart from the words around it by colour alone: Material's indigo on its body text is 2.3:1.</p>
</main></body></html>""",
    )
    tab = open_tab()
    tab.goto(AXE_FIXTURE.lstrip("/"))
    found = {v["id"] for v in axe_violations(tab, axe_source)}
    assert {"aria-dialog-name", "color-contrast", "link-in-text-block"} <= found, json.dumps(sorted(found))


def test_search_dialog_has_a_name(open_tab):
    tab = open_tab()
    tab.goto("")
    tab.page.locator("button.site-search__button").click()
    tab.page.get_by_role("dialog", name="Search").wait_for(state="visible", timeout=10_000)
