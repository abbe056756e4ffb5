"""Accessibility: axe-core finds no WCAG 2.2 A/AA violation on any page, in either palette.

axe-core comes from node_modules (pinned in package.json; `make node`). It is
injected with ``page.evaluate(source)``, which runs through the DevTools
protocol: the page's CSP governs neither that nor axe, so the pages are tested
with their real policy on (no ``bypass_csp``), and ``add_script_tag`` (an
inline <script> the CSP would rightly block) is not needed.

Besides the WCAG tags, ``aria-dialog-name`` (tagged best-practice in axe, but
counted by Lighthouse, and broken in stock Material's search) is switched on;
test_search.py runs axe on the open search dialog.
"""

from __future__ import annotations

import json

import pytest

from .support import DESKTOP, MOBILE

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
EXTRA_RULES = ["aria-dialog-name"]
AXE_FIXTURE = "/__fixtures__/inaccessible.html"

RUN_AXE = """async ([tags, extra]) => {
  const rules = Object.fromEntries(extra.map((id) => [id, {enabled: true}]));
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, rules, resultTypes: ['violations']});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ') + ': ' + (n.failureSummary || '').split('\\n').slice(1, 3).join(' ').trim()),
  }));
}"""


def axe_violations(tab, axe_source: str) -> list[dict]:
    if not tab.page.evaluate("typeof window.axe !== 'undefined'"):
        tab.page.evaluate(axe_source)
    return tab.page.evaluate(RUN_AXE, [TAGS, EXTRA_RULES])


def scan_all(tab, pages, axe_source) -> list[str]:
    problems = []
    for path in pages:
        tab.goto(path)
        for v in axe_violations(tab, axe_source):
            problems.append(f"/{path}: {v['id']} ({v['impact']}) {v['help']}\n    " + "\n    ".join(v["nodes"]))
    return problems


@pytest.mark.parametrize(
    ("scheme", "viewport"),
    [("light", DESKTOP), ("dark", DESKTOP), ("light", MOBILE), ("dark", MOBILE)],
    ids=["light-desktop", "dark-desktop", "light-mobile", "dark-mobile"],
)
def test_no_wcag_violations(open_tab, site_pages, axe_source, scheme, viewport):
    tab = open_tab(color_scheme=scheme, viewport=viewport)
    tab.goto("")
    expected = {"light": "default", "dark": "slate"}[scheme]
    assert tab.page.evaluate("document.body.getAttribute('data-md-color-scheme')") == expected
    problems = scan_all(tab, site_pages, axe_source)
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
