"""The citation step on its own: finding citations, footnote order, CSL formatting and its cache."""

from __future__ import annotations

import json

from conftest import ROOT
from medsite import bibliography, citations
from medsite.citeformat import Formatter

BIB = bibliography.load("docs/references.yaml", ROOT)


def keys(text: str) -> list[tuple[str, str | None, int]]:
    return [(c.key, c.locator, c.line) for g in citations.find(text, first_line=5) for c in g.cites]


def test_pandoc_forms_with_locators_and_lines():
    text = "One [@reich2018].\n\nTwo [@reich2018; @ford2020, p. 12] and [@genc2019, pp. 150-152].\n"
    assert keys(text) == [("reich2018", None, 5), ("reich2018", None, 7), ("ford2020", "p. 12", 7), ("genc2019", "pp. 150-152", 7)]


def test_citations_in_code_and_links_are_left_alone():
    text = "```\n[@reich2018]\n```\n\nInline `[@ford2020]` and an email [@someone](mailto:x@example.org).\n"
    assert keys(text) == []


def test_footnotes_follow_reading_order_and_reuse_numbers():
    text = "A [@ford2020]. B[^note]. C [@reich2018] and again [@ford2020].\n\n[^note]: The author's note.\n"
    holders = citations.Placeholders()
    new, order = citations.to_footnotes(text, citations.find(text), BIB.by_id, holders)
    assert order == ["ford2020", "reich2018"]
    definitions = [line.split("]:")[0] for line in new.splitlines() if line.startswith("[^")]
    assert definitions == ["[^cite-ford2020", "[^note", "[^cite-reich2018"]
    assert new.count("[^cite-ford2020]") == 3  # two references and one definition


def test_unknown_key_message_suggests_the_closest():
    cite = citations.find("X [@bjornevik2021].")[0].cites[0]
    d = citations.unknown_key(cite, "docs/x.md", BIB.by_id.keys())
    assert d.text().startswith("docs/x.md:1:4: REF001 unknown citation key 'bjornevik2021' (did you mean 'bjornevik2022'?)")


def test_ama_style_keeps_pubmed_initials_and_links_identifiers():
    html = Formatter(BIB).html("reich2018")
    assert html.startswith('<span class="csl-entry">Reich DS, Lucchinetti CF, Calabresi PA. Multiple Sclerosis.')
    assert '<a href="https://doi.org/10.1056/NEJMra1401483">' in html
    assert '<a href="https://pubmed.ncbi.nlm.nih.gov/29320652/">' in html


def test_disk_cache_gives_the_same_html_and_follows_edits(tmp_path):
    fresh = Formatter(BIB).html("walton2020")
    first = Formatter(BIB, cache_dir=tmp_path)
    assert first.html("walton2020") == fresh
    first.save()
    cache_file = next(tmp_path.glob("citations-*.json"))
    stored = json.loads(cache_file.read_text())
    assert stored["walton2020"]["html"] == fresh
    # A second formatter answers from the cache (the CSL processor is never loaded)...
    second = Formatter(BIB, cache_dir=tmp_path)
    assert second.html("walton2020") == fresh and second._source is None
    # ...until the entry changes: then its cached text is not used.
    edited = bibliography.parse((ROOT / "docs/references.yaml").read_text().replace(
        "title: 'Rising prevalence", "title: 'Changed prevalence"), "docs/references.yaml")
    third = Formatter(edited, cache_dir=tmp_path)
    assert "Changed prevalence" in third.html("walton2020")


def test_damaged_cache_is_ignored(tmp_path):
    (tmp_path / "citations-american-medical-association.json").write_text("{not json")
    assert Formatter(BIB, cache_dir=tmp_path).html("ford2020").startswith('<span class="csl-entry">Ford H.')
