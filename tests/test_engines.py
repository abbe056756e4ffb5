"""One pipeline, every engine (issues 11 and 19): the real site built by each engine of
medsite.build.engines.ENGINES (MkDocs, ProperDocs, Zensical) compared page by page with the default
engine's, and bad input failing the same way on each (the citation extension on its own:
tests/test_citation_extension.py).

The parity check compares parsed text, not bytes: MiniJinja (Zensical) and Jinja2 spell escapes
differently. It ignores, by design: navigation, header and footer markup (Zensical's theme draws
them differently: search button, TOC label, skip link), Zensical's own search files (search.json;
the site's search is Pagefind's, built after either engine). The first-load budget is checked on
both, against the same limit in gate.yml: on both, the theme's script (Zensical's is 56 KB gzip
against Material's 35 KB) loads on the reader's first interaction, not with the page.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from conftest import SMALL_PAGE, build_with_engines, copy_project, run_build, small_good_project, stand_in_build
from medsite.build import engines
from medsite.output import csp
from medsite.sources.pageurls import html_file
from project_facts import content_pages, references_page

pytestmark = pytest.mark.slow  # builds sites with every engine: left out of `make test-fast`

ENGINES = list(engines.ENGINES)  # the one list: a new engine file is tested here with no edit
OTHERS = [e for e in ENGINES if e != engines.DEFAULT]  # each compared page by page with the default
# What differs between the engines by design, and is left out of "0 gate errors": nothing today.
BY_DESIGN = {engine: set() for engine in ENGINES}

# --- the real site, one build per engine -------------------------------------------------------

@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """The real site built by each engine into its staging folder, with the post-steps `make site` runs."""
    return build_with_engines(copy_project(tmp_path_factory.mktemp("engines")), ENGINES)


def pages(staging: Path) -> list[str]:
    return sorted(p.relative_to(staging).as_posix() for p in staging.rglob("*.html") if p.name != "search.json")


def text(node) -> str:
    return " ".join(node.text(deep=True).split()) if node is not None else ""


def view(path: Path) -> dict:
    tree = LexborHTMLParser(path.read_text(encoding="utf-8"))
    ld = tree.css_first('script[type="application/ld+json"]')
    return {
        "markers": [a.text() for a in tree.css("article sup a.footnote-ref")],
        "references": [text(li) for li in tree.css("article .footnote li")],
        "review": text(tree.css_first(".health-footer")),
        "disclosure": text(tree.css_first(".health-footer__disclosure")),
        "jsonld": json.loads(ld.text()) if ld else None,
        "article": text(tree.css_first("article [data-pagefind-body]")),
        "references_page": [text(e) for e in tree.css(".reference-entry")],
    }


def test_the_engines_are_the_ones_declared():
    assert ENGINES[0] == "mkdocs" and set(ENGINES) >= {"mkdocs", "properdocs", "zensical"}


@pytest.mark.parametrize("engine", OTHERS)
def test_every_engine_writes_the_same_pages(builds, engine):
    assert pages(builds[engines.DEFAULT][0]) == pages(builds[engine][0])


@pytest.mark.parametrize("engine", ENGINES)
def test_no_engine_indexes_the_site_for_a_search_it_does_not_show(builds, engine):
    """mkdocs.yml lists no search plugin: the search is Pagefind's. Zensical writes its search.json all the same,
    with no page in it (its search is switched off in the generated configuration)."""
    staging = builds[engine][0]
    index = staging / "search.json"
    assert not (staging / "search").exists()
    assert not index.exists() or json.loads(index.read_text(encoding="utf-8"))["items"] == []


@pytest.mark.parametrize("engine", OTHERS)
def test_each_page_says_the_same_on_every_engine(builds, engine):
    mk, zs = builds[engines.DEFAULT][0], builds[engine][0]
    checked = 0
    for page in pages(mk):
        a, b = view(mk / page), view(zs / page)
        assert a == b, page
        checked += bool(a["markers"])
    assert checked >= 10  # the comparison saw real citations, not empty pages
    review = view(mk / html_file(content_pages("clinic")[0].uri))
    assert review["jsonld"]["@type"] == "MedicalWebPage" and review["jsonld"]["citation"]
    assert "Disclosure:" in review["disclosure"]
    assert view(mk / html_file(references_page().uri))["references_page"]


@pytest.mark.parametrize("engine", ENGINES)
def test_the_policy_allows_every_inline_script_on_each_page(builds, engine):
    staging = builds[engine][0]
    for page in pages(staging):
        tree = LexborHTMLParser((staging / page).read_text(encoding="utf-8"))
        meta = tree.css_first('meta[http-equiv="Content-Security-Policy"]')
        assert meta is not None, page
        allowed = csp.parse(meta.attributes["content"]).get("script-src", [])
        for script in tree.css("script"):
            if "src" in script.attributes or not csp.is_executable(script.attributes.get("type")):
                continue
            assert csp.sha256_source(script.text(deep=True)) in allowed, (page, script.text()[:60])
    assert (staging / csp.HEADERS_FILE).is_file()


@pytest.mark.parametrize("engine", ENGINES)
def test_the_theme_script_waits_for_the_first_interaction_on_each_page(builds, engine):
    """Each engine's bundle is left as a data block (fetched by partials/theme-loader.html when the reader
    first interacts), and no page makes the browser fetch or run a script file while it loads."""
    staging = builds[engine][0]
    for page in pages(staging):
        tree = LexborHTMLParser((staging / page).read_text(encoding="utf-8"))
        waiting = [n.attributes["src"] for n in tree.css('script[type="text/x-on-first-interaction"][src]')]
        assert len(waiting) == 1 and "/javascripts/bundle." in "/" + waiting[0], (page, waiting)
        folder = staging if waiting[0].startswith("/") else (staging / page).parent  # 404.html: from the site root
        assert (folder / waiting[0].lstrip("/")).resolve().is_file(), (page, waiting)
        loaded = [n.attributes["src"] for n in tree.css("script[src]") if csp.is_executable(n.attributes.get("type"))]
        assert loaded == [], (page, loaded)


@pytest.mark.parametrize("engine", ENGINES)
def test_the_gate_finds_no_errors_on_any_engine(builds, engine):
    errors = [d.text() for d in builds[engine][1] if d.severity.value == "error" and d.code not in BY_DESIGN[engine]]
    assert errors == []


# --- bad input fails the same way on every engine -----------------------------------------------

PAGE = SMALL_PAGE  # a condition page of the small good site (conftest.py): bad input needs no real pages


def _append_line(root: Path, rel: str, text: str) -> int:
    path = root / rel
    body = path.read_text(encoding="utf-8").rstrip("\n") + "\n"
    path.write_text(body + text + "\n", encoding="utf-8")
    return body.count("\n") + 1


# Each breaks one input and returns the pattern of the line every engine must print.
def unknown_key(root):
    line = _append_line(root, PAGE, "A claim [@nosuchkey2020].")
    return re.escape(f"{PAGE}:{line}:10: REF001 unknown citation key 'nosuchkey2020'")


def malformed_bibliography(root):
    _append_line(root, "docs/references.yaml", "- id: [broken")
    return r"docs/references\.yaml:\d+: REF002 the bibliography cannot be read here"  # the line where the parser gave up


def broken_front_matter(root):
    path = root / PAGE
    path.write_text(path.read_text().replace("title:", 'title: "unclosed\n', 1))
    return re.escape(PAGE) + r":\d+: META001 YAML does not parse"


def missing_template_variable(root):
    path = root / "overrides/main.html"
    path.write_text(path.read_text().replace("{% block content %}", "{% block content %}{{ config.extra.nope.deeper }}", 1))
    return r"BUILD001 .*(attribute 'nope'|undefined value \(in main\.html)"  # each engine's words, one line


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("breakage", [unknown_key, malformed_bibliography, broken_front_matter, missing_template_variable])
def test_bad_input_fails_alike(tmp_path, engine, breakage):
    root = small_good_project(tmp_path)
    stand_in_build(root)
    (root / "site" / "marker.txt").write_text("last good build")
    expected = breakage(root)
    result = run_build(root, "--engine", engine)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert re.search(expected, output), output
    assert "Traceback" not in output
    assert (root / "site" / "marker.txt").read_text() == "last good build"
