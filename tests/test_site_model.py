"""One Site model below everything (issue 19): settings, limits, the bibliography's place and the pages,
read once, with MkDocs' rules for what a page is, and taken by the pre-checks, the gate and the extensions."""

from __future__ import annotations

import importlib

import markdown
import pytest

from conftest import ROOT
from medsite.build import engines
from medsite.gate.project import Project
from medsite.markdown.extensions.citations import CitationsExtension, scan_uses
from medsite.sources import settings
from medsite.sources.site import DEFAULT_STYLE, PAGE_SUFFIXES, Site
from test_gate import BIB, make_project, page

ALIASED = "---\ntitle: &t A page\ndescription: *t\n---\n\nText [@smith2020].\n"


@pytest.mark.parametrize("engine", ["mkdocs", "properdocs"])
def test_the_page_suffixes_are_the_engines_own(engine):
    """What MkDocs and ProperDocs build as a page, compared with our copy (sources/ imports no engine)."""
    assert set(PAGE_SUFFIXES) == set(importlib.import_module(f"{engine}.utils").markdown_extensions)


def test_site_lists_every_page_once_in_mkdocs_order(tmp_path):
    root = make_project(tmp_path, {"docs/b/zeta.md": page(), "docs/b/index.mdown": page(), "docs/a.markdown": page(),
                                   "docs/b/notes.txt": "not a page", "docs/index.md": page()})
    site, problems = Site.load(root)
    assert problems == []
    assert [p.uri for p in site.pages] == ["index.md", "a.markdown", "page.md", "b/index.mdown", "b/zeta.md"]
    assert [p.rel for p in site.pages][:2] == ["docs/index.md", "docs/a.markdown"]
    assert [p.uri for p in Project(root).pages] == [p.uri for p in site.pages]  # the gate reads the same list


def test_settings_have_one_default_each(tmp_path):
    root = make_project(tmp_path, {})
    site, _ = Site.load(root)
    assert (site.bibliography_path, site.csl_style) == (settings.DEFAULT_BIBLIOGRAPHY, DEFAULT_STYLE)
    assert site.limits == site.config["limits"] and site.docs_dir == root / "docs"
    real, problems = Site.load(ROOT)
    assert problems == [] and real.bibliography_path == settings.bibliography_path(real.mkdocs)


def test_missing_settings_are_problems_not_a_crash(tmp_path):
    site, problems = Site.load(tmp_path)
    assert [(d.code, d.path) for d in problems] == [("GATE003", "mkdocs.yml")]
    assert site.pages == () and site.mkdocs == {}


def test_an_aliased_page_with_any_markdown_suffix_is_refused_before_the_engine(tmp_path):
    """A `.markdown` page is a page to MkDocs: its YAML aliases are refused like a `.md` page's, at its line."""
    root = make_project(tmp_path, {"docs/notes.markdown": ALIASED, "docs/notes.txt": ALIASED})
    refused = engines.refused_input(Site.load(root)[0])
    assert [(d.code, d.path, d.line) for d in refused] == [("INPUT001", "docs/notes.markdown", 2)]


def test_the_front_matter_is_read_once_for_the_pre_check_and_the_gate(tmp_path):
    root = make_project(tmp_path, {})
    site, _ = Site.load(root)
    assert engines.refused_input(site) == []
    (root / "docs/page.md").write_text(ALIASED)  # a change after the pre-check is not read again
    assert Project(root, sources=site).pages[0].page.meta["title"] == "A page"


def test_the_references_page_scan_reads_every_page_the_site_lists(tmp_path):
    root = make_project(tmp_path, {"docs/more.markdown": page("\nOne more [@jones2021].\n")})
    uses = scan_uses(Site.load(root)[0])
    assert {u.page_uri for u in uses["jones2021"]} == {"page.md", "more.markdown"}


def test_the_extension_takes_the_bibliography_from_the_site(tmp_path):
    root = make_project(tmp_path, {"mkdocs.yml": "site_name: T\nextra:\n  bibliography: refs/works.yaml\n",
                                   "refs/works.yaml": BIB})
    (root / "docs/references.yaml").unlink()
    found = []
    html = markdown.markdown("A claim [@smith2020].\n", extensions=[
        "footnotes", CitationsExtension(root=str(root), on_diagnostic=found.append)])
    assert found == [] and "A study of MS" in html


def test_every_engine_is_declared_once():
    assert list(engines.ENGINES)[0] == engines.DEFAULT == "mkdocs"
    for name, engine in engines.ENGINES.items():
        assert engine.name == name and engine.available(), name
    assert {e.name for e in engines.ENGINES.values() if e.csp_inside} == {"mkdocs", "properdocs"}


def test_the_project_carries_the_engine_and_its_theme(tmp_path):
    root = make_project(tmp_path, {})
    zensical = Project(root, engine="zensical")
    assert zensical.engine is engines.ENGINES["zensical"]
    assert any(d.parent.name == "zensical" for d in zensical.template_dirs)
    assert not any(d.parent.name == "zensical" for d in Project(root).template_dirs)


def test_the_commands_offer_exactly_the_declared_engines(capsys):
    from medsite.gate import cli
    from medsite.tools import make_site

    [engine_option] = [a for a in cli.parser()._actions if a.dest == "engine"]
    assert engine_option.choices == list(engines.ENGINES)
    with pytest.raises(SystemExit):
        make_site.main(["--engine", "nosuchengine"])
    assert "choose from " + ", ".join(f"'{e}'" for e in engines.ENGINES) in capsys.readouterr().err
