"""Issue 23, parts 2 and 3, on built sites, on every engine: the real project with change notes on one page, a
renamed key (an alias) and three cited works to which the verification stand-in (tests/verify/verify_support.py,
a local server that answers as Crossref, the DOI handle API and PubMed do) gives a retraction, an expression of
concern and a correction. `make verify` records them; each engine builds; the feed is written as `make site` does.
"""

from __future__ import annotations

import datetime as dt
import re
import sys

import pytest
import yaml
from selectolax.lexbor import LexborHTMLParser

from conftest import ROOT, build_with_engines, copy_project
from local_http import LocalHTTPServer
from medsite.gate.checks.prose import sentences
from medsite.gate.project import Project
from medsite.output import changefeed
from medsite.sources.pageurls import html_file
from test_history import ATOM, atom_problems

sys.path.insert(0, str(ROOT / "tests" / "verify"))  # the verification stand-in lives with the verify tests
from verify_support import FakeServices

from medsite.verify.__main__ import main as verify

pytestmark = pytest.mark.slow  # builds the real site with two engines

ENGINES = ["mkdocs", "zensical"]
TODAY = dt.date(2026, 12, 31)  # after every page's last review; the lock is dated by the real clock, never later
# What the stand-in answers for each planted work: Crossref's `updated-by` record, and what readers then see.
PLANTED = {
    "retraction": (
        {
            "type": "retraction",
            "DOI": "10.5555/ret.notice",
            "source": "retraction-watch",
            "updated": {"date-parts": [[2025, 3, 1]]},
        },
        "Retracted on 1 March 2025",
    ),
    "expression_of_concern": (
        {
            "type": "expression-of-concern",
            "DOI": "10.5555/eoc.notice",
            "source": "publisher",
            "updated": {"date-parts": [[2025, 6, 2]]},
        },
        "Expression of concern on 2 June 2025",
    ),
    "correction": (
        {
            "type": "correction",
            "DOI": "10.5555/fix.notice",
            "source": "publisher",
            "updated": {"date-parts": [[2024, 1, 10]]},
        },
        "Corrected on 10 January 2024",
    ),
}
NOTES = (
    "changes:\n  - date: 2026-11-28\n    note: The evidence section now gives the 2025 follow-up.\n    major: true\n"
    "  - date: 2026-11-20\n    note: A typo in the risks section.\n"
)


def _insert_front_matter(path, text: str) -> None:
    content = path.read_text(encoding="utf-8")
    path.write_text(content.replace("\nsources:", f"\n{text.rstrip()}\nsources:", 1), encoding="utf-8")


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("history"))
    project = Project(root, today=TODAY)
    bib, cited = project.bibliography, project.cited_keys()
    with_doi = sorted(k for k in cited if bib.get(k) is not None and bib.get(k).doi)
    works = dict(zip(PLANTED, with_doi[:3], strict=True))  # notice type -> the cited key that gets it
    renamed = with_doi[3]

    # The stand-in answers for the three works; `make verify` (references) records what it says.
    server = LocalHTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    fake = FakeServices(server)
    for kind, key in works.items():
        entry = bib.get(key)
        fake.doi(entry.doi.lower(), entry.title, updated_by=[PLANTED[kind][0]])
        if entry.pmid:
            fake.pmid(entry.pmid, entry.title, doi=entry.doi)
    three = [
        {"id": k, **{f: v for f, v in bib.get(k).csl.items() if f in ("type", "title", "DOI", "PMID")}}
        for k in works.values()
    ]
    (root / "three.yaml").write_text(yaml.safe_dump(three, allow_unicode=True), encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(root)
        for name, url in (
            ("DOI_API_URL", fake.services.doi),
            ("CROSSREF_API_URL", fake.services.crossref),
            ("PUBMED_API_URL", fake.services.pubmed),
        ):
            mp.setenv(name, url)
        verify(["references", "--bibliography", "three.yaml", "--no-progress", "--timeout", "5"])
    server.stop()
    (root / "three.yaml").unlink()

    # Change notes on the page citing the retracted work; a renamed key, cited under its old name on one page.
    noted = cited[works["retraction"]][0][0]
    _insert_front_matter(noted.full_path, NOTES)
    old = f"{renamed}old"
    bib_file = root / "docs" / "references.yaml"
    bib_file.write_text(
        re.sub(
            rf"(?m)^- id: {re.escape(renamed)}\n",
            lambda m: f"{m.group(0)}  aliases: [{old}]\n",
            bib_file.read_text(encoding="utf-8"),
            count=1,
        ),
        encoding="utf-8",
    )
    renamed_page = cited[renamed][0][0]
    text = renamed_page.full_path.read_text(encoding="utf-8")
    renamed_page.full_path.write_text(
        re.sub(rf"@{re.escape(renamed)}(?=[\];,\s])", f"@{old}", text, count=1), encoding="utf-8"
    )

    builds = build_with_engines(root, ENGINES, today=TODAY)
    return {
        "root": root,
        "works": works,
        "cited": cited,
        "noted": noted,
        "old": old,
        "renamed": renamed,
        "renamed_page": renamed_page,
        "builds": builds,
    }


def tree(staging, uri: str) -> LexborHTMLParser:
    return LexborHTMLParser((staging / html_file(uri)).read_text(encoding="utf-8"))


def text(node) -> str:
    return " ".join(node.text(deep=True).split()) if node is not None else ""


def footnote(page: LexborHTMLParser, key: str):
    return next(
        li for li in page.css("article .footnote li") if (li.attributes.get("id") or "").endswith(f"cite-{key}")
    )


@pytest.mark.parametrize("engine", ENGINES)
def test_each_notice_shows_on_the_footnote_and_the_references_page(planted, engine):
    staging, _ = planted["builds"][engine]
    references = tree(staging, "references.md")
    for kind, key in planted["works"].items():
        record, words = PLANTED[kind]
        for place, where in (
            (footnote(tree(staging, planted["cited"][key][0][0].uri), key), "footnote"),
            (references.css_first(f"#ref-{key}"), "References page"),
        ):
            notice = place.css_first(".cite-notice")
            assert notice is not None, f"{kind}: no notice on the {where}"
            assert text(notice).startswith(words), (where, text(notice))
            assert notice.css_first("a").attributes["href"] == f"https://doi.org/{record['DOI']}", where


@pytest.mark.parametrize("engine", ENGINES)
def test_the_gate_reports_each_notice_at_the_citing_sentence(planted, engine):
    _, diagnostics = planted["builds"][engine]
    project = Project(planted["root"], today=TODAY)
    pages = {p.rel: p for p in project.pages}
    for kind, key in planted["works"].items():
        expected_code = "VER012" if kind == "retraction" else "VER013"
        expected = sorted(
            {(p.rel, s.line) for p, _ in planted["cited"][key] for s in sentences(pages[p.rel]) if key in s.keys}
        )
        found = sorted({(d.path, d.line) for d in diagnostics if d.code == expected_code and d.target == key})
        assert found == expected, (kind, found, expected)
    assert not [d for d in diagnostics if d.code in ("VER003", "VER004", "VER006")]  # said once, at the sentences
    errors = {d.code for d in diagnostics if d.severity.value == "error"}
    assert errors == {"VER012"}, [d.text() for d in diagnostics if d.severity.value == "error"]


@pytest.mark.parametrize("engine", ENGINES)
def test_what_changed_and_last_updated_show_on_the_page(planted, engine):
    staging, _ = planted["builds"][engine]
    footer = tree(staging, planted["noted"].uri).css_first(".health-footer")
    assert [text(li) for li in footer.css(".health-footer__changes li")] == [
        "28 November 2026: The evidence section now gives the 2025 follow-up. (significant change)",
        "20 November 2026: A typo in the risks section.",
    ]
    dates = text(footer.css_first(".health-footer__dates"))
    assert "Page last reviewed:" in dates and dates.endswith("Last updated: 28 November 2026.")
    other = next(
        p
        for p in Project(planted["root"]).pages
        if p.page and p.page.meta.get("page_type") and "changes" not in p.page.meta
    )
    plain = tree(staging, other.uri).css_first(".health-footer")
    assert (
        text(plain.css_first(".health-footer__no-changes")) == "No change notes have been recorded for this page yet."
    )
    assert "Last updated" not in text(plain.css_first(".health-footer__dates"))


@pytest.mark.parametrize("engine", ENGINES)
def test_the_feed_is_written_linked_from_every_page_and_valid(planted, engine):
    staging, _ = planted["builds"][engine]
    data = (staging / changefeed.FEED_FILE).read_bytes()
    assert atom_problems(data) == []
    from lxml import etree

    entries = etree.fromstring(data).findall(f"{ATOM}entry")
    title = planted["noted"].page.meta["title"]
    assert [e.findtext(f"{ATOM}title") for e in entries] == [
        f"{title}: The evidence section now gives the 2025 follow-up."
    ]
    for path in staging.rglob("*.html"):
        if path.parent.name == "pagefind" or "pagefind" in path.parts:
            continue
        link = LexborHTMLParser(path.read_text(encoding="utf-8")).css_first('head link[type="application/atom+xml"]')
        assert link is not None and link.attributes["rel"] == "alternate", path
        href = link.attributes["href"]
        assert not href.startswith(("http:", "https:", "//")), path  # the site's own file: no third-party request
    home = tree(staging, "index.md").css_first(".health-footer__history a")
    assert home.attributes["href"] in ("changes.xml", "./changes.xml")  # Zensical's url filter adds "./"


@pytest.mark.parametrize("engine", ENGINES)
def test_an_old_key_still_cites_its_work_and_keeps_its_anchor(planted, engine):
    staging, diagnostics = planted["builds"][engine]
    assert not [d for d in diagnostics if d.code in ("REF001", "REF007", "REF008", "REF016")]
    assert footnote(tree(staging, planted["renamed_page"].uri), planted["renamed"]) is not None
    references = tree(staging, "references.md")
    assert references.css_first(f"#ref-{planted['renamed']} #ref-{planted['old']}") is not None  # inside its entry
