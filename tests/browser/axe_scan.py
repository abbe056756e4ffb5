"""axe-core in the page, shared by the test_axe*.py files (one full scan per file, so that both xdist
workers share them: `--dist loadfile` runs a file whole on one worker).

axe-core comes from node_modules (pinned in package.json; `make node`). It is
injected with ``page.evaluate(source)``, which runs through the DevTools
protocol: the page's CSP governs neither that nor axe, so the pages are tested
with their real policy on (no ``bypass_csp``), and ``add_script_tag`` (an
inline <script> the CSP would rightly block) is not needed.

Besides the WCAG tags, ``aria-dialog-name`` (tagged best-practice in axe, but
counted by Lighthouse, and broken in stock Material's search) is switched on;
test_search.py runs axe on the open search dialog.

Where the time goes (one page, measured in the headless shell with axe-core 4.14): loading it about 0.1 s,
injecting axe 0.06 s, axe itself 0.15 to 0.7 s (1.1 s on the References page; axe-core 4.10 took twice as long),
most of it in `color-contrast`, which no option skips without dropping the rule; so the saving is in scanning
fewer pages twice (see `sample_pages`).
"""

from __future__ import annotations

from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

from project_facts import home_page, pages, references_page

from .support import page_html

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
EXTRA_RULES = ["aria-dialog-name"]
PALETTE = {"light": "default", "dark": "slate"}  # color_scheme -> Material's data-md-color-scheme

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


def scan(open_tab, scheme: str, viewport: dict, pages, axe_source: str) -> list[str]:
    """axe on each page in one palette and viewport; the violations found, one paragraph each."""
    tab = open_tab(color_scheme=scheme, viewport=viewport)
    tab.goto("")
    assert tab.page.evaluate("document.body.getAttribute('data-md-color-scheme')") == PALETTE[scheme]
    problems = []
    for path in pages:
        tab.goto(path)
        for v in axe_violations(tab, axe_source):
            problems.append(f"/{path}: {v['id']} ({v['impact']}) {v['help']}\n    " + "\n    ".join(v["nodes"]))
    return problems


def element_kinds(html: str) -> set[str]:
    """Each element's tag with its classes ("div.admonition.note"): what the site's CSS colours and lays out."""
    return {node.tag + "".join(f".{c}" for c in sorted((node.attributes.get("class") or "").split()))
            for node in LexborHTMLParser(html).css("*")}


def sample_pages(site_dir: Path, site_pages: list[str]) -> list[str]:
    """One page of each template and page type (home, 404, References, the first page of each page_type
    in the nav), then, page by page, the one that adds the most element kinds no page chosen has, until
    every kind on the site (element_kinds) is on a chosen page."""
    firsts: dict[str, str] = {}
    for page in pages():
        firsts.setdefault(page.meta.page_type, page.url)
    chosen = list(dict.fromkeys([home_page().url, "404.html", references_page().url, *firsts.values()]))
    kinds = {path: element_kinds(page_html(site_dir, path)) for path in site_pages}
    assert set(chosen) <= set(kinds), sorted(set(chosen) - set(kinds))
    missing = set().union(*kinds.values()) - set().union(*(kinds[p] for p in chosen))
    while missing:
        best = max(site_pages, key=lambda p: len(kinds[p] & missing))
        chosen.append(best)
        missing -= kinds[best]
    return chosen

