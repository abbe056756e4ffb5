"""The real site, built by `make site`'s own command, inspected through its HTML."""

from __future__ import annotations

import json
import posixpath
import re
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from conftest import ROOT
from medsite.sources import frontmatter
from medsite.sources.pagemeta import PageMeta, human_date
from medsite.sources.pageurls import html_file, page_url
from project_facts import (
    BIBLIOGRAPHY,
    MKDOCS,
    NAV,
    bib,
    cited_twice,
    citing_page,
    content_pages,
    entry_with,
    home_page,
    pages,
    references_page,
)

CONTENT_PAGES = [p.uri for p in content_pages()]
# The disclaimer the build puts at the top of every treatment page (mdx/furniture.py): its body, as written.
DISCLAIMER = "\n".join(line.strip() for line in (ROOT / "includes" / "treatment-disclaimer.md").read_text().splitlines()[1:])


def html_path(site: Path, uri: str) -> Path:
    return site / html_file(uri)


def parse(site: Path, uri: str) -> LexborHTMLParser:
    return LexborHTMLParser(html_path(site, uri).read_text(encoding="utf-8"))


def test_nav_lists_every_required_page():
    required = {
        "about-ms/what-is-ms.md", "about-ms/symptoms.md", "about-ms/causes.md", "about-ms/types.md",
        "treatments/current-treatments.md", "treatments/ahsct.md", "stem-cells/mesenchymal-stem-cells.md",
        "stem-cells/exosomes.md", "stem-cells/our-clinic.md", "stem-cells/questions-to-ask.md", "glossary.md",
        "references.md", "about/about-us.md", "about/editorial-policy.md", "about/editorial-team.md",
        "about/privacy.md", "about/accessibility.md", "about/contact.md", "index.md",
    }
    assert required <= set(NAV)


@pytest.mark.parametrize("uri", NAV)
def test_page_exists_with_its_title_and_description(site, uri):
    meta = frontmatter.read(ROOT / "docs" / uri, uri).meta
    tree = parse(site, uri)
    h1 = tree.css_first("article h1").text().replace("¶", "").strip()
    assert h1 == meta["title"]
    assert tree.css_first('meta[name="description"]').attributes["content"] == meta["description"]
    assert meta["title"] in tree.css_first("title").text()


@pytest.mark.parametrize("uri", NAV)
def test_nothing_unrendered(site, uri):
    article = parse(site, uri).css_first("article")
    for node in article.css("pre, code"):
        node.decompose()
    text = article.text()
    for token in ("[@", "[^", "{{", "{%", "MEDSITECITE"):
        assert token not in text, f"{uri}: unrendered {token!r}"


def ama_authors(entry) -> str:
    """AMA's author list: PubMed initials, all six or fewer, else the first three and "et al."."""
    names = [f"{a['family']} {a['given']}" if "family" in a else a["literal"] for a in entry.csl["author"]]
    return ", ".join(names) + "." if len(names) <= 6 else ", ".join(names[:3]) + ", et al."


def test_citations_are_numbered_footnotes_with_formatted_reference_and_doi(site):
    entry = entry_with("author", "container-title", "issued", "volume", "issue", "page", "DOI", "PMID", "PMCID")
    item = parse(site, citing_page(entry.id).uri).css_first(f'li[id="fn:cite-{entry.id}"]')
    assert item is not None
    text = item.text()
    # AMA style from the CSL processor: authors, title, journal, year;volume(issue):pages, DOI.
    assert ama_authors(entry) in text
    year = entry.csl["issued"]["date-parts"][0][0]
    csl = entry.csl
    assert f"{csl['container-title']}. {year};{csl['volume']}({csl['issue']}):{csl['page']}." in text
    links = {a.attributes["href"] for a in item.css("a")}
    assert f"https://doi.org/{entry.doi}" in links
    assert f"https://pubmed.ncbi.nlm.nih.gov/{entry.pmid}/" in links
    assert f"https://pmc.ncbi.nlm.nih.gov/articles/{entry.pmcid}/" in links


@pytest.mark.parametrize("uri", CONTENT_PAGES)
def test_footnotes_numbered_by_first_use_and_reused(site, uri):
    tree = parse(site, uri)
    refs = tree.css("article a.footnote-ref")
    numbers_by_target: dict[str, set] = {}
    first_use = []
    for a in refs:
        target = a.attributes["href"]
        numbers_by_target.setdefault(target, set()).add(a.text())
        if target not in first_use:
            first_use.append(target)
    for target, numbers in numbers_by_target.items():
        assert len(numbers) == 1, f"{uri}: {target} has numbers {numbers}"
    assert [int(next(iter(numbers_by_target[t]))) for t in first_use] == list(range(1, len(first_use) + 1))
    # The footnote list itself is in the same order.
    listed = [li.attributes["id"] for li in tree.css("div.footnote > ol > li")]
    assert listed == [t.lstrip("#") for t in first_use]


def test_a_work_cited_twice_keeps_its_number(site):
    page, key = cited_twice()
    tree = parse(site, page.uri)
    numbers = [a.text() for a in tree.css(f'article a.footnote-ref[href="#fn:cite-{key}"]')]
    assert len(numbers) >= 2 and len(set(numbers)) == 1


@pytest.mark.parametrize("uri", [p.uri for p in content_pages("treatment", "clinic")])
def test_every_paragraph_of_a_treatment_page_that_states_a_fact_is_cited(site, uri):
    # Every paragraph of the evidence section that gives a number cites its source.
    evidence = parse(site, uri).css_first('[id="evidence"]')
    if evidence is None:
        pytest.skip(f"{uri} has no evidence section (test_treatment_pages_have_disclaimer_sections... requires one)")
    node, paragraphs = evidence.next, []
    while node is not None and node.tag != "h2":
        if node.tag == "p" and re.search(r"\d", node.text()):
            paragraphs.append(node)
        node = node.next
    uncited = [p.text()[:80] for p in paragraphs if not p.css("a.footnote-ref")]
    assert not uncited, f"{uri}: {uncited}"


def test_evidence_sections_state_numbers_the_test_above_checks(site):
    # The test above must have something to check: the evidence sections do give numbers.
    found = 0
    for page in content_pages("treatment", "clinic"):
        evidence = parse(site, page.uri).css_first('[id="evidence"]')
        node = evidence.next if evidence is not None else None
        while node is not None and node.tag != "h2":
            found += node.tag == "p" and bool(re.search(r"\d", node.text()))
            node = node.next
    assert found


def test_tooltips_feature_is_on(site):
    config = json.loads(parse(site, home_page().uri).css_first("#__config").text())
    assert "content.footnote.tooltips" in config["features"]


@pytest.mark.parametrize("uri", NAV)
def test_glossary_abbreviations_on_every_page(site, uri):
    article = parse(site, uri).css_first("article")
    abbrs = {a.text(): a.attributes.get("title") for a in article.css("abbr")}
    for node in article.css("abbr, pre, code, .footnote, .reference-entry .csl-entry"):
        node.decompose()  # formatted references keep the publisher's wording
    # Every "MS" in the text is inside an <abbr> with the glossary's definition.
    assert not re.search(r"\bMS\b", article.text())
    if abbrs:
        assert abbrs.get("MS", "Multiple sclerosis") == "Multiple sclerosis"


@pytest.mark.parametrize("uri", CONTENT_PAGES)
def test_jsonld_matches_visible_values(site, uri):
    tree = parse(site, uri)
    data = json.loads(tree.css_first('script[type="application/ld+json"]').text())
    meta = PageMeta.from_meta(frontmatter.read(ROOT / "docs" / uri, uri).meta)
    assert data["@type"] == "MedicalWebPage"
    assert data["name"] == tree.css_first("article h1").text().replace("¶", "").strip()
    assert data["description"] == tree.css_first('meta[name="description"]').attributes["content"]
    footer = tree.css_first(".health-footer")
    times = footer.css(".health-footer__dates time")
    assert data["lastReviewed"] == times[0].attributes["datetime"] == meta.last_reviewed.isoformat()
    assert times[0].text() == human_date(meta.last_reviewed)
    assert times[1].text() == human_date(meta.next_review_due)
    assert data["about"]["code"]["code"] == "G35"
    # No clinician has reviewed yet: no reviewedBy, and the page says so.
    assert "reviewedBy" not in data
    assert "Awaiting clinical review" in footer.text()
    assert "sells some of" in footer.css_first(".health-footer__disclosure").text()
    cited = [a.attributes["href"].removeprefix("#fn:cite-") for a in tree.css("article a.footnote-ref")]
    assert len(data.get("citation", [])) == len(dict.fromkeys(cited))


@pytest.mark.parametrize("uri", [p.uri for p in content_pages() if p.meta.is_treatment])
def test_treatment_pages_have_disclaimer_sections_and_medical_help(site, uri):
    tree = parse(site, uri)
    article = tree.css_first("article")
    disclaimer = article.css_first(".admonition.disclaimer")
    assert disclaimer is not None
    assert " ".join(DISCLAIMER.split()) in " ".join(disclaimer.text().split())
    # The disclaimer sits near the top: right after the title.
    assert article.css_first("h1").next.next.attributes.get("class", "").startswith("admonition disclaimer")
    meta = frontmatter.read(ROOT / "docs" / uri, uri).meta
    if meta["page_type"] in ("treatment", "clinic"):
        for section in ("regulatory-status", "evidence", "risks", "alternatives", "questions"):
            assert article.css_first(f'[id="{section}"]') is not None, section
        assert article.css_first(".admonition.medical-help") is not None


@pytest.mark.parametrize("uri", [p.uri for p in content_pages("clinic")])
def test_clinic_page_has_cost_section_and_says_investigational(site, uri):
    article = parse(site, uri).css_first("article")
    assert article.css_first('[id="cost"]') is not None
    text = article.text().lower()
    assert "not approved" in text and ("investigational" in text or "experimental" in text)


def test_the_project_has_a_clinic_page():
    assert content_pages("clinic"), "the clinic's own page (page_type: clinic) is required"


def link_to(page) -> str:
    """The href MkDocs writes on the references page for a link to `page` (URL-relative, with directory URLs)."""
    path = posixpath.relpath(f"/{page.url}", f"/{references_page().url}")
    return path if path.endswith("/") else f"{path}/"


def test_references_page_lists_every_cited_work_once_with_backlinks(site):
    tree = parse(site, references_page().uri)
    entries = tree.css("div.reference-entry")
    ids = [e.attributes["id"] for e in entries]
    assert len(ids) == len(set(ids)) == len(bib().entries)
    for page in content_pages():
        for key in page.cited_keys:
            entry = tree.css_first(f'[id="ref-{key}"]')
            backlinks = [a.attributes["href"] for a in entry.css("a") if not a.attributes["href"].startswith("http")]
            assert link_to(page) in {h.partition("#")[0] for h in backlinks}, (key, page.uri, backlinks)


def test_references_page_lists_every_exception_to_the_checks(site):
    from medsite.markdown.suppressions import find

    tree = parse(site, references_page().uri)
    expected = sorted(f"{c.code}: {' '.join(c.reason.split())}" for p in pages() for c in find(p.rel, p.body))
    listed = sorted(li.text().partition(", check ")[2] for li in tree.css("#check-exceptions ~ ul li"))
    assert expected and listed == expected  # the editorial policy's two, today
    by_id = {e.id: e for e in bib().entries}
    for entry in tree.css("div.reference-entry"):
        notes = [p.text() for p in entry.css("p") if p.text().startswith("Exception to our checks")]
        assert len(notes) == len(by_id[entry.attributes["id"].removeprefix("ref-")].gate_ignore)


def test_site_furniture_files(site):
    assert (site / "404.html").exists()
    sitemap = (site / "sitemap.xml").read_text()
    site_url = MKDOCS["site_url"].rstrip("/") + "/"
    for uri in NAV:
        assert f"<loc>{site_url}{page_url(uri)}</loc>" in sitemap
    assert not list(site.rglob(Path(BIBLIOGRAPHY).name)), "the bibliography source is not published"


def test_no_third_party_assets_in_html(site):
    for page in site.rglob("*.html"):
        tree = LexborHTMLParser(page.read_text(encoding="utf-8"))
        for node in tree.css("script[src], link[rel=stylesheet], img[src], link[rel=preconnect]"):
            url = node.attributes.get("src") or node.attributes.get("href") or ""
            assert not re.match(r"^(https?:)?//", url), f"{page}: {url}"


def test_reference_lists_stay_out_of_search_except_the_references_page(site):
    # Search (Pagefind) skips data-pagefind-ignore; the browser tests search a reference-only word.
    cited = [p for p in content_pages() if p.cites]
    assert cited
    for page in cited:
        footnotes = parse(site, page.uri).css_first("div.footnote").attributes
        assert "data-search-exclude" in footnotes and "data-pagefind-ignore" in footnotes, page.uri
    assert parse(site, references_page().uri).css_first("[data-pagefind-body] [data-pagefind-ignore]") is None


@pytest.mark.parametrize("uri", CONTENT_PAGES)
def test_body_text_reads_at_grade_9_or_below(site, uri):
    """Plain language (editorial policy): Flesch-Kincaid grade of the body text at most 9 (textstat 0.7.3).

    The same extraction as the gate's READ001 (medsite.output.readability): references, the review block and tables are not body text.
    """
    from medsite.output import readability

    grade = readability.grade(readability.body_text(parse(site, uri).css_first("article")))
    assert grade <= 9, f"{uri}: grade {grade}"
