"""The citation extension on its own, in a plain Python-Markdown pipeline (no engine, no site: fast).

The same extension runs inside every engine; tests/test_engines.py compares the sites they build.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import markdown
from markdown.extensions.footnotes import FootnoteExtension
from selectolax.lexbor import LexborHTMLParser

from medsite.markdown.extensions.citations import CitationsExtension

BIB = textwrap.dedent("""\
    - id: alpha2020
      type: article-journal
      author:
        - family: Alpha
          given: Ann
      title: A first study of things
      container-title: Journal of Tests
      issued:
        date-parts: [[2020]]
      DOI: 10.1000/alpha.2020
    - id: beta2021
      type: article-journal
      author:
        - family: Beta
          given: Bo
      title: A second study_with_underscores
      container-title: Journal of Tests
      issued:
        date-parts: [[2021]]
      DOI: 10.1000/beta.2021
    """)


def render(tmp_path: Path, text: str):
    (tmp_path / "refs.yaml").write_text(BIB)
    found = []
    ext = CitationsExtension(bibliography="refs.yaml", root=str(tmp_path), on_diagnostic=found.append)
    html = markdown.markdown(text, extensions=["footnotes", ext])
    return LexborHTMLParser(html), found


def test_plain_markdown_numbers_citations_as_footnotes(tmp_path):
    tree, found = render(tmp_path, "One [@alpha2020]. Two [@beta2021; @alpha2020, p. 12].\n")
    assert found == []
    assert [a.text() for a in tree.css("sup a.footnote-ref")] == ["1", "2", "1"]
    items = [li.text(deep=True) for li in tree.css(".footnote li")]
    assert len(items) == 2
    assert items[0].strip().startswith("Alpha A. A first study of things.") and "10.1000/alpha.2020" in items[0]
    assert "study_with_underscores" in items[1]  # the formatted reference went in after Markdown: no <em>
    assert tree.css_first(".cite-locator").text() == ", p. 12"
    assert "data-pagefind-ignore" in tree.css_first(".footnote").attributes


def test_unknown_key_is_marked_in_the_page_and_reported_without_a_file(tmp_path):
    tree, found = render(tmp_path, "Fine [@alpha2020].\n\nNot here [@alpha2021] at all.\n")
    [d] = found
    assert (d.code, d.path, d.line, d.column, d.target) == ("REF001", "<markdown>", 3, 11, "alpha2021")
    assert "did you mean 'alpha2020'" in d.message
    mark = tree.css_first("mark.cite-error")
    assert mark.text() == "[@alpha2021] (unknown citation key 'alpha2021')"
    assert [a.text() for a in tree.css("sup a.footnote-ref")] == ["1"]  # the known one still works


def test_near_miss_citations_in_code_are_not_reported(tmp_path):
    tree, found = render(tmp_path, "Code `[@nobody]` and a known one [@beta2021].\n")
    assert found == [] and tree.css_first("mark") is None


def test_broken_bibliography_marks_citations_and_reports_once(tmp_path):
    (tmp_path / "refs.yaml").write_text("- id: [unclosed\n")
    found = []
    for _ in range(2):  # two pages of one build: the file is reported once
        ext = CitationsExtension(bibliography="refs.yaml", root=str(tmp_path), on_diagnostic=found.append)
        html = markdown.markdown("X [@alpha2020].\n", extensions=["footnotes", ext])
        assert '<mark class="cite-error">' in html
    assert [(d.code, d.path) for d in found] == [("REF002", "refs.yaml")]


def test_footnote_references_are_written_as_html_in_reading_order(tmp_path):
    """The references are written here, not by Python-Markdown's inline pass (issue 19): the same HTML,
    the ids in reading order, a back-link to each place, and nothing of the stand-in left."""
    text = ("> A callout first [@alpha2020].\n\n- a list item [@alpha2020]\n\n"
            "A paragraph [@beta2021; @alpha2020, p. \\[3\\]].\n")
    tree, found = render(tmp_path, text)
    assert found == []
    refs = tree.css("sup[id^='fnref']")
    assert [(r.attributes["id"], r.css_first("a").attributes["href"], r.text()) for r in refs] == [
        ("fnref:cite-alpha2020", "#fn:cite-alpha2020", "1"), ("fnref2:cite-alpha2020", "#fn:cite-alpha2020", "1"),
        ("fnref:cite-beta2021", "#fn:cite-beta2021", "2"), ("fnref3:cite-alpha2020", "#fn:cite-alpha2020", "1")]
    backlinks = [a.attributes["href"] for a in tree.css("#fn\\:cite-alpha2020 a.footnote-backref")]
    assert backlinks == ["#fnref:cite-alpha2020", "#fnref2:cite-alpha2020", "#fnref3:cite-alpha2020"]
    assert tree.css_first(".cite-locator").text() == ", p. [3]"  # a backslash escape read as Markdown reads it
    assert "data-medsite-ref" not in tree.html and "wzxhzdk" not in tree.html


def test_a_reference_token_an_editor_copies_stays_text(tmp_path):
    """A footnote reference is a token until the tree is built, known by each render's secret: the same token
    typed by an editor, in code or in prose, is shown as written."""
    copied = "MEDSITEFN0123456789abcdefN0Z"
    tree, _ = render(tmp_path, f"A claim [@alpha2020].\n\n`{copied}` and {copied}.\n\n    {copied}\n")
    assert [c.text() for c in tree.css("code")] == [copied, copied + "\n"]
    assert f"and {copied}." in tree.css("p")[1].text()
    assert len(tree.css("sup[id^='fnref']")) == 1


def test_a_citation_in_an_image_description_leaves_no_token_behind(tmp_path):
    tree, _ = render(tmp_path, "![A chart [@alpha2020]](chart.png)\n\nText [@alpha2020].\n")
    assert "MEDSITEFN" not in tree.html
    assert tree.css_first("img").attributes["alt"].startswith("A chart")


def test_footnote_list_made_by_the_citation_step_matches_the_footnotes_extension(tmp_path):
    """The citation step makes a page's footnotes' list itself (issue 19: each definition cost a Markdown
    parse); the footnotes extension writes them when it numbers in its own order, as here. Same page either way:
    ids, back-links (one per place a work is cited), titles, the separator and the backlink text as configured."""
    (tmp_path / "refs.yaml").write_text(BIB + "- id: g&t<1>x\n  type: webpage\n  title: Keys may hold & < >\n")
    text = ("One [@alpha2020]. Two [@beta2021; @alpha2020, p. 12].\n\n"
            "> Quoted [@g&t<1>x] and [@alpha2020].\n\nLast [@beta2021].\n")
    options = {"SEPARATOR": "-", "BACKLINK_TEXT": "back", "BACKLINK_TITLE": "To note {} & more"}

    def page(definition_order: bool):
        ext = CitationsExtension(bibliography="refs.yaml", root=str(tmp_path), on_diagnostic=lambda d: None)
        footnotes = FootnoteExtension(USE_DEFINITION_ORDER=definition_order, **options)
        md = markdown.Markdown(extensions=[footnotes, "abbr", ext])
        return md.convert(text), ext.notes

    ours, notes = page(True)
    theirs, none = page(False)
    assert list(notes) == ["cite-alpha2020", "cite-beta2021", "cite-g&t<1>x"] and none is None  # each path taken
    assert ours == theirs
    tree = LexborHTMLParser(ours)
    assert [a.attributes["href"] for a in tree.css("li#fn-cite-alpha2020 a.footnote-backref")] == [
        "#fnref-cite-alpha2020", "#fnref2-cite-alpha2020", "#fnref3-cite-alpha2020"]
    assert tree.css_first('li[id="fn-cite-g&t<1>x"]') is not None


def test_an_included_footnote_is_listed_with_the_citations(tmp_path):
    """A passage brought in by snippets after the citation step may hold footnotes of its own: then the footnotes
    extension lists every footnote, the citations' too, with one number each (not the citation step's HTML)."""
    (tmp_path / "refs.yaml").write_text(BIB)
    (tmp_path / "part.md").write_text("Shared text[^own].\n\n[^own]: A note of the passage's own.\n")
    ext = CitationsExtension(bibliography="refs.yaml", root=str(tmp_path), on_diagnostic=lambda d: None)
    html = markdown.markdown("One [@alpha2020].\n\n--8<-- \"part.md\"\n\nTwo [@beta2021].\n",
                             extensions=["footnotes", ext, "pymdownx.snippets"],
                             extension_configs={"pymdownx.snippets": {"base_path": [str(tmp_path)]}})
    tree = LexborHTMLParser(html)
    assert ext.notes is None
    listed = [li.attributes["id"] for li in tree.css(".footnote li")]
    assert sorted(listed) == ["fn:cite-alpha2020", "fn:cite-beta2021", "fn:own"]
    numbers = {a.attributes["href"]: a.text() for a in tree.css("sup a.footnote-ref")}
    assert sorted(numbers.values()) == ["1", "2", "3"]
    assert all(numbers["#" + name] == str(n) for n, name in enumerate(listed, 1))  # numbered as listed
    assert len(tree.css(".footnote")) == 1


def test_an_appended_passage_s_footnote_comes_after_the_citations(tmp_path):
    """A passage snippets adds at the end of every page (auto_append) comes after the page's own text: its own
    footnote is numbered after the page's citations, as when the citation step wrote their definitions there."""
    (tmp_path / "refs.yaml").write_text(BIB)
    (tmp_path / "glossary.md").write_text("Glossary note[^g].\n\n[^g]: The glossary's own note.\n")
    ext = CitationsExtension(bibliography="refs.yaml", root=str(tmp_path), on_diagnostic=lambda d: None)
    html = markdown.markdown("One [@alpha2020]. Two [@beta2021].\n", extensions=["footnotes", ext, "pymdownx.snippets"],
                             extension_configs={"pymdownx.snippets": {"base_path": [str(tmp_path)],
                                                                      "auto_append": ["glossary.md"]}})
    tree = LexborHTMLParser(html)
    assert [li.attributes["id"] for li in tree.css(".footnote li")] == ["fn:cite-alpha2020", "fn:cite-beta2021", "fn:g"]
    assert [a.text() for a in tree.css("sup a.footnote-ref")] == ["1", "2", "3"]
    assert "MEDSITENOTES" not in html


def test_a_reference_reads_the_same_to_the_steps_after_it(tmp_path):
    """A reference is a <sup> element with its id (the table of contents leaves it out of a heading's name); its
    link, locator and separator are written in after Markdown's steps. The abbreviations still mark a word right
    after it, and an attribute list after a locator still goes on the locator's <sup>, as before (issue 19)."""
    (tmp_path / "refs.yaml").write_text(BIB)
    ext = CitationsExtension(bibliography="refs.yaml", root=str(tmp_path), on_diagnostic=lambda d: None)
    md = markdown.Markdown(extensions=["footnotes", "toc", "abbr", "attr_list", ext])
    html = md.convert("## Results [@alpha2020, p. 3]\n\nText [@alpha2020]MS and [@beta2021, p. 2]MS; "
                      "[@beta2021, p. 9]{: .x}\n\n*[MS]: Multiple sclerosis\n")
    assert md.toc_tokens[0]["name"] == "Results, p. 3"
    assert md.toc_tokens[0]["html"] == 'Results<sup class="cite-locator">, p. 3</sup>'
    assert ('<sup id="fnref2:cite-alpha2020"><a class="footnote-ref" href="#fn:cite-alpha2020">1</a></sup>'
            '<abbr title="Multiple sclerosis">MS</abbr> and') in html
    assert ('<sup class="cite-locator">, p. 2</sup><abbr title="Multiple sclerosis">MS</abbr>;') in html
    assert '<sup class="cite-locator x">, p. 9</sup>' in html
    assert "\x02" not in html and "MEDSITE" not in html
