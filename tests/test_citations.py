"""The citation step on its own: finding citations, footnote order, CSL formatting and its cache."""

from __future__ import annotations

import json

from conftest import ROOT, copy_project
from medsite.markdown import citations, referencespage
from medsite.markdown.citeformat import Formatter
from medsite.sources import bibliography

# A made-up bibliography of our own: these tests do not follow the site's (tests/test_site.py checks that).
BIB_FILE = ROOT / "tests" / "fixtures" / "citations" / "references.yaml"
BIB = bibliography.load(BIB_FILE, ROOT)


def keys(text: str) -> list[tuple[str, str | None, int]]:
    return [(c.key, c.locator, c.line) for g in citations.find(text, first_line=5) for c in g.cites]


def test_pandoc_forms_with_locators_and_lines():
    text = "One [@example2018].\n\nTwo [@example2018; @first2020, p. 12] and [@many2020, pp. 150-152].\n"
    assert keys(text) == [("example2018", None, 5), ("example2018", None, 7), ("first2020", "p. 12", 7), ("many2020", "pp. 150-152", 7)]


def test_citations_in_code_and_links_are_left_alone():
    text = "```\n[@example2018]\n```\n\nInline `[@first2020]` and an email [@someone](mailto:x@example.org).\n"
    assert keys(text) == []


def test_footnotes_follow_reading_order_and_reuse_numbers():
    text = "A [@first2020]. B[^note]. C [@example2018] and again [@first2020].\n\n[^note]: The author's note.\n"
    holders = citations.Placeholders()
    new, order = citations.to_footnotes(text, citations.find(text), BIB.by_id, holders)
    assert order == ["first2020", "example2018"]
    definitions = [line.split("]:")[0] for line in new.splitlines() if line.startswith("[^")]
    assert definitions == ["[^cite-first2020", "[^note", "[^cite-example2018"]
    assert new.count("[^cite-first2020]") == 3  # two references and one definition


def test_unknown_key_message_suggests_the_closest():
    cite = citations.find("X [@sample2021].")[0].cites[0]
    d = citations.unknown_key(cite, "docs/x.md", BIB.by_id.keys())
    assert d.text().startswith("docs/x.md:1:4: REF001 unknown citation key 'sample2021' (did you mean 'sample2022'?)")


def test_ama_style_keeps_pubmed_initials_and_links_identifiers():
    html = Formatter(BIB).html("example2018")
    assert html.startswith('<span class="csl-entry">Example AB, Sample CD, Tester EF. A made-up review of something. '
                           "<i>J Example Med</i>. 2018;378(2):169-180.")
    assert '<a href="https://doi.org/10.5555/example.2018.1">' in html
    assert '<a href="https://pubmed.ncbi.nlm.nih.gov/11111111/">' in html
    # More than six authors: the first three, then "et al.".
    assert Formatter(BIB).html("many2020").startswith('<span class="csl-entry">One A, Two B, Three C, et al. Counting')


def test_disk_cache_gives_the_same_html_and_follows_edits(tmp_path):
    fresh = Formatter(BIB).html("many2020")
    first = Formatter(BIB, cache_dir=tmp_path)
    assert first.html("many2020") == fresh
    first.save()
    cache_file = next(tmp_path.glob("citations-*.json"))
    stored = json.loads(cache_file.read_text())
    assert stored["many2020"]["html"] == fresh
    # A second formatter answers from the cache (the CSL processor is never loaded)...
    second = Formatter(BIB, cache_dir=tmp_path)
    assert second.html("many2020") == fresh and second._source is None
    # ...until the entry changes: then its cached text is not used.
    edited = bibliography.parse(BIB_FILE.read_text().replace(
        "title: 'Counting many authors", "title: 'Changed count of authors"), "references.yaml")
    third = Formatter(edited, cache_dir=tmp_path)
    assert "Changed count of authors" in third.html("many2020")


def test_damaged_cache_is_ignored(tmp_path):
    (tmp_path / "citations-american-medical-association.json").write_text("{not json")
    assert Formatter(BIB, cache_dir=tmp_path).html("first2020").startswith('<span class="csl-entry">First H.')


def test_a_cache_file_inside_the_project_is_never_read(tmp_path, monkeypatch):
    """A pull request could add one: the build must not show what it says as a work's reference."""
    import markdown

    from medsite.markdown.citeformat import _signature
    from medsite.markdown.extensions.citations import CitationsExtension
    from medsite.sources import user_cache

    monkeypatch.delenv(user_cache.CACHE_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    (tmp_path / "project").mkdir()
    root = copy_project(tmp_path / "project")
    site_bib = bibliography.load(root / "docs" / "references.yaml", root)
    key = next(iter(site_bib.by_id))
    planted = {key: {"signature": _signature(site_bib.by_id[key], "american-medical-association"),
                     "html": '<span class="csl-entry">Planted J. Stem cells cure MS. 2024.</span>'}}
    (root / ".medsite-cache").mkdir()
    (root / ".medsite-cache" / "citations-american-medical-association.json").write_text(json.dumps(planted))
    html = markdown.markdown(f"A claim [@{key}].", extensions=["footnotes", CitationsExtension(root=str(root),
                             on_diagnostic=lambda d: None)])
    assert user_cache.cache_dir() == tmp_path / "user-cache" / "medsite"
    assert "Planted" not in html and site_bib.by_id[key].title.split()[0] in html
    # The real formatted reference is kept in the user's cache, for the next build of any checkout.
    assert (tmp_path / "user-cache" / "medsite" / "citations-american-medical-association.json").is_file()


def test_a_cache_folder_another_user_could_write_is_never_read(tmp_path, monkeypatch):
    """Formatted references from the cache become pages' HTML: a planted one in a folder another user may write
    is not shown, and nothing is kept there."""
    from medsite.markdown.citeformat import _signature
    from medsite.sources import user_cache

    shared = tmp_path / "shared-cache"
    shared.mkdir()
    shared.chmod(0o777)
    monkeypatch.setenv(user_cache.CACHE_ENV, str(shared))
    bib = bibliography.load(ROOT / "docs" / "references.yaml", ROOT)
    key = next(iter(bib.by_id))
    planted = {key: {"signature": _signature(bib.by_id[key], "american-medical-association"),
                     "html": '<span class="csl-entry">Planted J. Stem cells cure MS. 2024.</span>'}}
    (shared / "citations-american-medical-association.json").write_text(json.dumps(planted))
    assert user_cache.cache_dir() is None
    formatter = Formatter(bib, "american-medical-association", cache_dir=user_cache.cache_dir())
    shown = formatter.html(key)
    assert "Planted" not in shown and bib.by_id[key].title.split()[0] in shown
    user_cache.save("entry.json", "k", [1])
    assert user_cache.load("entry.json", "k") is None
    assert sorted(p.name for p in shared.iterdir()) == ["citations-american-medical-association.json"]


def test_the_references_list_is_html_with_every_editor_text_escaped_and_mkdocs_urls():
    """The list is written as HTML (Markdown never reads it): a page title, a heading and a reason an editor
    wrote arrive as text, and each link has the URL MkDocs gives the page."""
    uses = {"k": [referencespage.Use("about-ms/a.md", "<img src=x onerror=alert(1)> *A*", "Risks & [harms]", None),
                  referencespage.Use("index.md", "Home", "In brief", "brief")]}
    listing = referencespage.render(uses, lambda key: "TOKEN", from_uri="references.md", sort_key=str,
                                    exceptions_of=lambda key: {"REF003": "no date <b>given</b>"})
    assert "<img" not in listing and "<b>" not in listing
    assert ('<a href="../about-ms/a/#risks-harms">&lt;img src=x onerror=alert(1)&gt; *A*: Risks &amp; [harms]</a>'
            in listing)
    assert '<a href="../#brief">Home: In brief</a>' in listing
    assert "<p>Exception to our checks (REF003): no date &lt;b&gt;given&lt;/b&gt;</p>" in listing


def test_the_references_list_marks_abbreviations_in_its_text_only():
    """The list is HTML made after Markdown's abbr step: its own text gets the page's abbreviations, as Markdown's
    text does; a tag, an attribute and an entity are left alone."""
    from medsite.markdown.extensions.citations import abbreviated

    block = '<p id="MS">Cited in: <a href="../ms/#MS">MS &amp; aHSCT: MSc</a> MS&#39;s</p>'
    out = abbreviated(block, {"MS": 'Multiple "sclerosis"', "aHSCT": "A transplant", "amp": "no"})
    assert out == ('<p id="MS">Cited in: <a href="../ms/#MS"><abbr title="Multiple &quot;sclerosis&quot;">MS</abbr> &amp; '
                   '<abbr title="A transplant">aHSCT</abbr>: MSc</a> <abbr title="Multiple &quot;sclerosis&quot;">MS</abbr>'
                   "&#39;s</p>")
    assert abbreviated(block, {}) == block
    assert abbreviated("<p>#MS, (MS)</p>", {"MS": "x"}) == '<p>#<abbr title="x">MS</abbr>, (<abbr title="x">MS</abbr>)</p>'
