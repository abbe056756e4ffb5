"""Escape at every boundary: each hostile value is refused with a located diagnostic, or reaches the page escaped.

Small fixture sites (the project's own templates, hooks and gate, two or three
pages, a fictitious bibliography) are built for real with `medsite.tools.make_site`, and
their HTML is read with selectolax. The bibliography entries are invented test
data (the 10.5555 DOI prefix is Crossref's test prefix), not citable works.
"""

from __future__ import annotations

import json

import pytest
from selectolax.lexbor import LexborHTMLParser

from conftest import run_build, small_project
from medsite.markdown import jsonld

pytestmark = pytest.mark.slow  # builds sites with MkDocs: left out of `make test-fast`

IMG = "<img src=x onerror=alert(1)>"
BREAKOUT = '"><script>alert(2)</script>'
CLOSE = "</script><!-- \u2028 line \u2029 end"

def page(title="A plain title", description="A plain description.", sources="", body="Some text.", extra=""):
    """A condition page; title and description are written as quoted YAML strings (line 2 and 3)."""
    q = lambda v: json.dumps(v, ensure_ascii=False)  # noqa: E731 - a JSON string is a YAML string
    return (
        f"---\ntitle: {q(title)}\ndescription: {q(description)}\npage_type: condition\n"
        f"last_reviewed: 2026-11-20\nnext_review_due: 2027-11-20\nreviewed_by: \"\"\nsources: [{sources}]\n"
        f"{extra}---\n\n{body}\n"
    )


def entry(key="safe2020", **fields):
    base = {
        "id": key,
        "type": "article-journal",
        "author": [{"family": "Example", "given": "A"}],
        "title": "A fictitious study",
        "container-title": "J Test",
        "issued": {"date-parts": [[2020]]},
        "DOI": f"10.5555/{key}(01)-X",
    }
    base.update(fields)
    return {k: v for k, v in base.items() if v is not None}


def make_site(tmp_path, pages: dict[str, str], bib: list[dict], settings=None):
    """A small project: our templates, hooks, includes and gate; these pages and this bibliography."""
    filler = page(title="Home", description="A page.").replace("condition", "about")
    return small_project(tmp_path, pages, bib, filler, settings)


def line_of(root, rel: str, needle: str) -> int:
    for number, line in enumerate((root / rel).read_text().splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {rel}")


def html_of(root, rel: str) -> LexborHTMLParser:
    for base in (root / "site", root / ".site-builds" / "rejected"):
        if (base / rel).exists():
            return LexborHTMLParser((base / rel).read_text())
    raise AssertionError(f"{rel} was not built")


def failed_with(result, *expected: str) -> str:
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output
    for text in expected:
        assert text in output, f"{text!r} not in:\n{output}"
    return output


# --- values that reach the page escaped (the build passes) -------------------------------------------------


@pytest.fixture(scope="module")
def escaped_site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("escaped")
    hostile = entry(
        "hostile2020",
        title=f"{IMG} and {BREAKOUT} {CLOSE}",
        author=[{"family": "<b>Evil</b>", "given": "A"}, {"literal": "<script>alert(3)</script>"}],
        **{"container-title": "J <i>Test</i> & Co"},
    )
    body = (
        "A claim about the study [@hostile2020]. Another claim [@safe2020].\n\n"
        "A stray token MEDSITECITE0Z stays text."
    )
    pages = {
        "study.md": page(
            title="Risks & benefits of “stem cell” clinics",
            description="What ‘clinics’ say & what studies show.",
            sources="hostile2020, safe2020",
            body=body,
        )
    }
    root = make_site(tmp, pages, [hostile, entry()])
    return root, run_build(root)


def test_hostile_bibliography_fields_are_text_in_the_formatted_reference(escaped_site):
    root, result = escaped_site
    assert result.returncode == 0, result.stdout + result.stderr
    tree = html_of(root, "study/index.html")
    footnotes = tree.css_first("div.footnote")
    entries = footnotes.css(".csl-entry")
    assert len(entries) == 2
    assert not footnotes.css("img, script, b, i i"), footnotes.html
    text = entries[0].text()
    for value in (IMG, BREAKOUT, "<b>Evil</b>", "<script>alert(3)</script>", "J <i>Test</i> & Co"):
        assert value in text, text
    # The DOI link is still ours: one <a> to doi.org, with the identifier's parentheses intact.
    links = [a.attributes["href"] for a in entries[1].css("a")]
    assert links == ["https://doi.org/10.5555/safe2020(01)-X"]


def test_json_ld_cannot_be_closed_by_a_title(escaped_site):
    root, _ = escaped_site
    raw = (root / "site/study/index.html").read_text()
    start = raw.index('<script type="application/ld+json">')
    block = raw[start : raw.index("</script>", start)]
    for bad in ("</script", "<!--", "\u2028", "\u2029", "<img"):
        assert bad not in block
    data = json.loads(html_of(root, "study/index.html").css_first('script[type="application/ld+json"]').text())
    assert data["citation"][0]["name"] == f"{IMG} and {BREAKOUT} {CLOSE}"
    assert data["name"] == "Risks & benefits of “stem cell” clinics"


def test_plain_text_front_matter_reaches_title_meta_and_open_graph_intact(escaped_site):
    root, _ = escaped_site
    tree = html_of(root, "study/index.html")
    assert tree.css_first("title").text().startswith("Risks & benefits of “stem cell” clinics - ")
    assert tree.css_first('meta[property="og:title"]').attributes["content"] == "Risks & benefits of “stem cell” clinics"
    assert tree.css_first('meta[name="description"]').attributes["content"] == "What ‘clinics’ say & what studies show."
    assert tree.css_first('meta[property="og:description"]').attributes["content"] == "What ‘clinics’ say & what studies show."


def test_a_placeholder_typed_by_an_editor_is_not_replaced(escaped_site):
    root, _ = escaped_site
    paragraph = [p for p in html_of(root, "study/index.html").css("article p") if "stray token" in p.text()][0]
    assert "MEDSITECITE0Z" in paragraph.text() and not paragraph.css(".csl-entry")


def test_our_templates_autoescape_settings(tmp_path):
    """A hostile publisher name is refused by the gate, and even in the unpublished build it is text."""
    name = f"Clinic {IMG}"
    root = make_site(tmp_path, {"study.md": page()}, [entry()], settings={"extra.publisher.name": name})
    failed_with(run_build(root), f"mkdocs.yml:{line_of(root, 'mkdocs.yml', 'onerror')}: GATE003 extra.publisher.name contains markup '<img'")
    footer = html_of(root, "study/index.html").css_first(".health-footer__disclosure")
    assert name in footer.text() and not footer.css("img")
    data = json.loads(html_of(root, "study/index.html").css_first('script[type="application/ld+json"]').text())
    assert data["publisher"]["name"] == name


# --- values refused with a located diagnostic ------------------------------------------------------------------


def test_front_matter_markup_is_refused_at_its_line(tmp_path):
    pages = {
        "a.md": page(title="</title><script>alert(1)</script>"),
        "b.md": page(title="&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;"),
        "c.md": page(description='x" http-equiv="refresh" content="0;url=https://evil.example'),
        "d.md": page(extra="template: redirect.html\nlocation: javascript:alert(1)\n"),
    }
    root = make_site(tmp_path, pages, [entry()])
    failed_with(
        run_build(root),
        "docs/a.md:2: META012 'title' contains markup '</title>",
        "docs/b.md:2: META012 'title' contains markup '&lt;/tit'",
        "docs/c.md:3: META012 'description' contains markup '\"'",
        f"docs/d.md:{line_of(root, 'docs/d.md', 'template:')}: META013 unknown front matter key 'template'",
        f"docs/d.md:{line_of(root, 'docs/d.md', 'location:')}: META013 unknown front matter key 'location'",
    )


def test_malformed_identifiers_are_refused_at_their_line(tmp_path):
    bib = [
        entry("doi2020", DOI=f"10.5555/x{BREAKOUT}"),
        entry("pmid2020", DOI=None, PMID="123 onmouseover=alert(1)"),
        entry("pmc2020", DOI=None, PMCID='PMC1"><b>'),
        entry("sici2020", DOI="10.1002/(SICI)1097-4636(199706)35:4<1::AID-JBM1>3.0.CO;2-X"),
    ]
    root = make_site(tmp_path, {"study.md": page(sources="doi2020, pmid2020, pmc2020, sici2020",
                                                 body="[@doi2020] [@pmid2020] [@pmc2020] [@sici2020]")}, bib)
    bibfile = "docs/references.yaml"
    failed_with(
        run_build(root),
        f"{bibfile}:{line_of(root, bibfile, 'DOI: 10.5555/x')}: REF004 entry 'doi2020' has a malformed DOI",
        f"{bibfile}:{line_of(root, bibfile, 'PMID:')}: REF004 entry 'pmid2020' has a malformed PMID",
        f"{bibfile}:{line_of(root, bibfile, 'PMCID:')}: REF004 entry 'pmc2020' has a malformed PMCID",
        f"{bibfile}:{line_of(root, bibfile, 'SICI')}: REF004 entry 'sici2020' has a malformed DOI",
    )


def test_urls_from_data_must_be_https(tmp_path):
    bib = [
        entry("js2020", DOI=None, URL="javascript:alert(1)"),
        entry("data2020", DOI=None, URL="data:text/html,<script>alert(1)</script>"),
        entry("http2020", DOI=None, URL="http://example.org/study"),
        entry("ok2020", DOI=None, URL="https://example.org/study"),
    ]
    settings = {"extra.publisher.url": "javascript:alert(1)", "repo_url": "http://example.org/repo",
                "extra.scope": '",alert(1),"', "site_name": "Site <b>x</b>"}
    body = "[@js2020] [@data2020] [@http2020] [@ok2020]"
    root = make_site(tmp_path, {"study.md": page(sources="js2020, data2020, http2020, ok2020", body=body)}, bib, settings)
    bibfile = "docs/references.yaml"
    output = failed_with(
        run_build(root),
        f"{bibfile}:{line_of(root, bibfile, 'javascript:')}: REF009 entry 'js2020' has a URL that uses the scheme 'javascript:'",
        f"{bibfile}:{line_of(root, bibfile, 'data:text')}: REF009 entry 'data2020'",
        f"{bibfile}:{line_of(root, bibfile, 'http://example.org/study')}: REF009 entry 'http2020' has a URL that uses http:",
        f"mkdocs.yml:{line_of(root, 'mkdocs.yml', 'url: javascript:')}: GATE003 extra.publisher.url uses the scheme 'javascript:'",
        f"mkdocs.yml:{line_of(root, 'mkdocs.yml', 'repo_url:')}: GATE003 repo_url uses http:",
        f"mkdocs.yml:{line_of(root, 'mkdocs.yml', 'scope:')}: GATE003 extra.scope is not a setting this site uses",
        f"mkdocs.yml:{line_of(root, 'mkdocs.yml', 'site_name:')}: GATE003 site_name contains markup '<b>x</b>'",
    )
    assert "REF009 entry 'ok2020'" not in output


def test_json_ld_serialiser_escapes_what_could_end_the_element():
    value = {"name": "</script><script>alert(1)</script><!-- & \u2028 \u2029 >"}
    text = jsonld.dumps(value)
    for bad in ("<", ">", "&", "\u2028", "\u2029"):
        assert bad not in text
    assert json.loads(text) == value
