"""Output safety without a build: the markup check on hand-written documents, suppression, page extensions.

tests/test_output_safety.py builds fixture sites (slow); these tests build nothing, so `make test-fast` runs them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mkdocs.utils import markdown_extensions

from conftest import ROOT
from medsite.gate.project import Project
from medsite.gate.run import run
from safety_fixtures import TEXT, line_of, page


def _scripts_in_chrome(*scripts: str) -> list:
    from medsite.build.engines import ENGINES
    from medsite.gate.markup_check import html_findings
    from medsite.output import theme
    from medsite.sources.site import Site

    dirs = ENGINES["mkdocs"].template_dirs(Site.load(ROOT)[0])
    html = "<html><head></head><body><article><p>Text.</p></article>" + "".join(scripts) + "</body></html>"
    return [f for f in html_findings(html, themed=True, script_ok=lambda t: theme.known_inline_script(t, dirs),
                                     asset_ok=lambda url, is_script: False) if f.code == "SAFE007"]


MATERIAL_SCOPE = ('<script>__md_scope=new URL("{base}",location),__md_hash=e=>[...e].reduce(((e,_)=>(e<<5)-e+_.charCodeAt(0)),0),'
                  '__md_get=(e,_=localStorage,t=__md_scope)=>JSON.parse(_.getItem(t.pathname+"."+e)),__md_set=(e,_,t=localStorage,'
                  'a=__md_scope)=>{{try{{t.setItem(a.pathname+"."+e,JSON.stringify(_))}}catch(e){{}}}}</script>')


TRICKY = [
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="javascript&colon;alert(1)">x</a>',
    '<a href="jav&#x0A;ascript:alert(1)">x</a>',
    '<a href="&#1;javascript:alert(1)">x</a>',
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    '<svg><animate attributeName="href" values="javascript:alert(1)"/></svg>',
    '<svg><use href="data:image/svg+xml;base64,PHN2Zz4=#x"/></svg>',
    '<svg><foreignObject><p>x</p></foreignObject></svg>',
    '<details open ontoggle="alert(1)"><summary>x</summary></details>',
    '<form action="https://evil.example/"><button>Go</button></form>',
    '<p style="display:none">hidden disclosure</p>',
    '<blockquote cite="vbscript:msgbox(1)">x</blockquote>',
    '<img src="data:image/svg+xml,&lt;svg onload=alert(1)&gt;">',
    '<marquee>unknown tag</marquee>',
    '<template><script>alert(1)</script></template>',
]


@pytest.mark.parametrize("markup", TRICKY)
def test_tricky_markup_in_the_article_is_refused(markup):
    from medsite.gate.markup_check import html_findings

    document = f"<html><head></head><body><article>{markup}</article></body></html>"
    assert [f.code for f in html_findings(document, themed=True)], markup


def test_meta_in_the_head_may_not_loosen_the_referrer_policy():
    from medsite.gate.markup_check import html_findings

    document = '<html><head><meta name="referrer" content="unsafe-url"></head><body></body></html>'
    assert [f.target for f in html_findings(document, themed=True)] == ["meta name=referrer"]


def test_only_scripts_the_templates_ship_may_run():
    assert not _scripts_in_chrome(MATERIAL_SCOPE.format(base="../.."), '<script type="application/ld+json">{"a": 1}</script>')
    found = _scripts_in_chrome("<script>alert(1)</script>", '<script src="https://cdn.example/x.js"></script>',
                               MATERIAL_SCOPE.format(base='",alert(1),"'))
    assert [f.target for f in found] == ["script", "https://cdn.example/x.js", "script"]


MINIMAL = "site_name: Fixture\ndocs_dir: docs\nextra:\n  bibliography: docs/references.yaml\n"


def _project(tmp_path: Path, files: dict, site: bool = False) -> Project:
    for rel, text in {"mkdocs.yml": MINIMAL, "docs/references.yaml": "[]\n", **files}.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return Project(tmp_path, tmp_path / "site" if site else None, today=dt.date(2026, 11, 25))


def test_a_safe_finding_cannot_be_suppressed_in_a_page(tmp_path):
    text = page(TEXT + "<!-- gate-ignore SAFE002: the clinic wants it -->\n<img src=\"x.png\" onerror=\"alert(1)\">\n")
    found = run(_project(tmp_path, {"docs/page.md": text}), source_only=True)
    codes = {(d.code, d.line) for d in found}
    assert ("SAFE002", line_of(text, "onerror")) in codes, "the finding stays"
    gate005 = [d for d in found if d.code == "GATE005"]
    assert [(d.path, d.line) for d in gate005] == [("docs/page.md", line_of(text, "gate-ignore"))]
    assert "cannot be suppressed" in gate005[0].message and "safe_exceptions" in gate005[0].hint


def test_a_safe_finding_cannot_be_suppressed_in_the_bibliography(tmp_path):
    bib = ("- id: smith2020\n  type: article-journal\n  author: [{family: Smith, given: AB}]\n  title: A study\n"
           "  container-title: J Neurol\n  issued: {date-parts: [[2020]]}\n  gate-ignore: {SAFE004: the clinic wants it}\n")
    found = [d for d in run(_project(tmp_path, {"docs/references.yaml": bib}), source_only=True) if d.code == "GATE005"]
    assert [(d.path, d.line) for d in found] == [("docs/references.yaml", 7)]


def test_a_gate_ignore_of_another_code_still_works(tmp_path):
    text = page(TEXT + "<!-- gate-ignore EVID002: quoting a heading; reviewed by Dr Ada Real -->\nAbout 40% of people improved.\n")
    team = MINIMAL + "  editorial_team: [{name: Dr Ada Real, credentials: Neurologist}]\n"  # the reviewer the comment names
    found = run(_project(tmp_path, {"docs/page.md": text, "mkdocs.yml": team}), source_only=True)
    assert not [d for d in found if d.code in ("GATE005", "EVID002", "GATE007")]


def test_the_gate_reads_every_extension_mkdocs_builds(tmp_path):
    files = {f"docs/page{suffix}": page("Text.\n") for suffix in markdown_extensions}
    project = _project(tmp_path, files)
    assert sorted(p.rel for p in project.pages) == sorted(files)
    assert {p.html_rel for p in project.pages} == {"site/page/index.html"}  # MkDocs writes them to one place, too


def test_a_published_page_without_a_checked_source_is_an_error(tmp_path):
    files = {"docs/index.md": page("Text.\n"), "site/index.html": "<html><body><article><p>Home</p></article></body></html>",
             "site/stray/index.html": "<html><body><article><p>From nowhere</p></article></body></html>"}
    found = [d for d in run(_project(tmp_path, files, site=True)) if d.code == "SAFE009"]
    assert [d.path for d in found] == ["site/stray/index.html"]


def test_a_bad_exception_entry_is_a_configuration_error(tmp_path):
    project = _project(tmp_path, {"gate.yml": "safe_exceptions:\n  - file: docs/x.md\n    markup: '<iframe>'\n"})
    found = [d for d in run(project, source_only=True) if d.code == "GATE003"]
    assert found and found[0].path == "gate.yml" and "why" in found[0].message


def test_rules_document_every_new_code():
    from medsite.gate import rules

    for code in ("SAFE004", "SAFE005", "SAFE006", "SAFE007", "SAFE008", "SAFE009", "SAFE010", "GATE005"):
        assert rules.ALL_RULES[code].fix


# Whatever a published file holds, the check answers with findings, never a traceback.
_MARKUP = st.lists(st.sampled_from(["<", ">", "/", "=", '"', "'", "&#", "x", ";", "svg", "a", "script", "on", "href",
                                    "javascript:", "<!DOCTYPE", "<!ENTITY", "<?xml", "]]>", "\x00", "é", " "]), max_size=60).map("".join)


@settings(max_examples=150, deadline=None)
@given(text=st.one_of(_MARKUP, st.text(max_size=200)))
def test_any_published_text_gives_findings_not_a_traceback(text):
    from medsite.gate.markup_check import html_findings, svg_findings

    for themed in (True, False):
        list(html_findings(text, themed=themed))
    list(svg_findings(text))
