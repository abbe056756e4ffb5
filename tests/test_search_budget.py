"""Search is built after the site (Pagefind) and costs nothing at first load; PERF001 holds the first load to a budget."""

from __future__ import annotations

import gzip

from selectolax.lexbor import LexborHTMLParser

from medsite.core.diagnostics import Location
from medsite.gate.checks import budget
from medsite.gate.project import Project
from medsite.gate.run import run
from medsite.output import search_index
from medsite.sources.pageurls import html_file
from project_facts import content_pages, first, references_page
from test_gate import TODAY, make_project

CSS = (
    '@import "more.css";\n'
    "/* @font-face { src: url(../fonts/commented-out.woff2) } */\n"
    "@font-face { font-family: Body; src: url(../fonts/body.woff2) format('woff2'), url(../fonts/body.woff) format('woff'); }\n"
    "body { background: url(data:image/png;base64,AAAA); }\n" + "p { color: #123456; }\n" * 200
)
FILES = {
    "assets/a.css": CSS,
    "assets/more.css": ".more { margin: 0 }\n" * 300,
    "assets/a.js": "function a(){return 1}\n" * 500,
    "assets/mod.js": "export const b = 2;\n" * 100,
    "assets/late.js": "console.log('fetched by a script later, not by the page')\n" * 100,
    "fonts/body.woff2": bytes(range(256)) * 20,
    "fonts/body.woff": bytes(range(256)) * 40,
    "img/big.svg": "<svg xmlns='http://www.w3.org/2000/svg'>" + "<g/>" * 5000 + "</svg>",
}
HEAD = (
    '<link rel="stylesheet" href="../assets/a.css">'
    '<link rel="alternate stylesheet" href="../assets/late.js">'  # not fetched at first load
    '<link rel="icon" href="../img/big.svg">'
    '<script src="../assets/a.js" defer></script>'
    '<script type="module" src="../assets/mod.js" async></script>'
    '<script type="text/x-on-first-interaction" src="../assets/late.js"></script>'  # a data block: never fetched by the page
    '<script type="application/ld+json">{"@type":"MedicalWebPage","name":"A page","lastReviewed":"2026-11-25"}</script>'
)
PAGE = (
    f"<html><head>{HEAD}</head><body><article><h1 id='a-page'>A page</h1>"
    "<figure><img src='../img/big.svg' alt='A drawing'><figcaption>Drawing: us. Licence: CC BY.</figcaption></figure>"
    "<p>Text.</p><aside class='health-footer'><p class='health-footer__dates'>Page last reviewed: "
    "<time datetime='2026-11-25'>25 November 2026</time>.</p><p class='health-footer__disclosure'>Disclosure.</p></aside>"
    "</article></body></html>"
)
COUNTED = ["page/index.html", "assets/a.css", "assets/a.js", "assets/mod.js", "assets/more.css", "fonts/body.woff2"]


def project_with_budget(tmp_path, kb) -> Project:
    files = {f"site/{rel}": content for rel, content in FILES.items()}
    files["site/page/index.html"] = PAGE
    root = make_project(tmp_path, files)
    (root / "gate.yml").write_text(f"first_load_kb: {kb}\n")
    return Project(root, root / "site", today=TODAY)


def host_size(path) -> int:
    data = path.read_bytes()
    return len(data) if path.suffix.startswith(".woff") else len(gzip.compress(data, 6, mtime=0))


def test_perf001_reports_the_page_and_what_makes_up_its_weight(tmp_path):
    project = project_with_budget(tmp_path, 1)
    found = [d for d in run(project) if d.code == "PERF001"]
    assert [d.path for d in found] == ["site/page/index.html"]
    assert found[0].source == Location("docs/page.md", 1)
    message = found[0].message
    expected = sum(host_size(project.site_dir / rel) for rel in COUNTED)
    assert f"first-load transfer is {expected / 1024:.1f} KB (gzip), over the 1 KB budget" in message
    for rel in COUNTED:  # each part with its compressed size
        assert f"{rel} {host_size(project.site_dir / rel) / 1024:.1f} KB" in message, rel
    for rel in ("late.js", "big.svg", "fonts/body.woff ", "commented-out"):
        assert rel not in message, f"{rel} is not fetched at first load"
    assert "fix:" in found[0].text()


def test_perf001_near_miss_within_the_budget(tmp_path):
    project = project_with_budget(tmp_path, 64)
    assert not [d.text() for d in run(project) if d.code == "PERF001"]


def test_a_budget_that_is_not_a_number_is_a_configuration_error(tmp_path):
    project = project_with_budget(tmp_path, "'lots'")
    found = [d for d in run(project) if d.code in ("GATE003", "GATE004", "PERF001")]
    assert [(d.code, d.path) for d in found] == [("GATE003", "gate.yml")], [d.text() for d in found]


def test_one_budget_whichever_engine_built_the_site(tmp_path):
    """Both themes' scripts load on first interaction, so first_load_kb holds for Zensical builds too,
    and the old per-engine setting is refused rather than silently ignored."""
    project = project_with_budget(tmp_path, 1)
    project = Project(project.root, project.site_dir, today=TODAY, engine="zensical")
    [found] = [d for d in run(project) if d.code == "PERF001"]
    assert "over the 1 KB budget" in found.message
    (project.root / "gate.yml").write_text("first_load_kb: 64\nfirst_load_kb_zensical: 1\n")
    project = Project(project.root, project.site_dir, today=TODAY, engine="zensical")
    found = run(project)
    assert not [d for d in found if d.code == "PERF001"]
    assert [d.path for d in found if d.code == "GATE003" and "first_load_kb_zensical" in d.message] == ["gate.yml"]


def test_first_load_lists_exactly_what_the_page_fetches(tmp_path):
    project = project_with_budget(tmp_path, 64)
    page = project.site.pages["site/page/index.html"]
    parts = budget.first_load(project.site, page, budget.Sizes(project.site.root))
    assert sorted(name for name, _ in parts) == sorted(f"site/{rel}" for rel in COUNTED)


def test_the_real_site_loads_no_search_code_or_index_at_first(site):
    """Every page's first load is the same theme stylesheets plus its HTML: search and the theme's script add nothing."""
    project = Project(site.parent, site)
    sizes = budget.Sizes(site)
    assets = set()
    for page in project.site.pages.values():
        names = [name for name, _ in budget.first_load(project.site, page, sizes)]
        assert not [n for n in names if "pagefind" in n or "search" in n], (page.rel, names)
        assert not [n for n in names if "/javascripts/" in n], f"{page.rel}: the theme's script loads on first interaction"
        assets.add(tuple(sorted(names[1:])))
    assert len(assets) == 1, assets  # the same shared assets on every page, so the first load is flat
    assert not (site / "search" / "search_index.json").exists(), "Material's whole-site index is gone"


def test_real_site_is_indexed_by_pagefind_without_reference_lists(site):
    assert (site / search_index.BUNDLE_DIR / "pagefind.js").is_file()
    assert list((site / search_index.BUNDLE_DIR / "index").glob("*.pf_index")), "the index is split into chunks"
    cited = first((p for p in content_pages() if p.cites), "content page that cites")
    page = LexborHTMLParser((site / html_file(cited.uri)).read_text(encoding="utf-8"))
    assert page.css_first("[data-pagefind-body] h1") is not None
    footnotes = page.css_first("div.footnote")
    assert "data-pagefind-ignore" in footnotes.attributes
    assert page.css_first("[data-pagefind-body] .health-footer") is None, "the review block is the same on every page"
    references = LexborHTMLParser((site / html_file(references_page().uri)).read_text(encoding="utf-8"))
    assert references.css_first("[data-pagefind-body] [data-pagefind-ignore]") is None, "the References page is searchable"
    not_found = LexborHTMLParser((site / "404.html").read_text(encoding="utf-8"))
    assert not_found.css_first("[data-pagefind-body]") is None


def test_build002_when_no_page_marks_its_text(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<html><body><h1>Home</h1><p>Words.</p></body></html>")
    found = search_index.build_index(site)
    assert [d.code for d in found] == ["BUILD004"]
    assert found[0].path == "site/pagefind/" and "data-pagefind-body" in found[0].message


def test_build002_near_miss_indexes_a_marked_page(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<html><body><nav>Menu</nav><main data-pagefind-body><h1>Home</h1></main></body></html>")
    assert search_index.build_index(site) == []
    assert (site / "pagefind" / "pagefind.js").is_file()


def test_build002_when_pagefind_cannot_run(tmp_path):
    found = search_index.build_index(tmp_path / "missing-site")
    assert [d.code for d in found] == ["BUILD004"]
    assert "Pagefind stopped" in found[0].message or "could not be built" in found[0].message
