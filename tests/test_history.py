"""Issue 23, parts 2 and 3 without an engine: change notes read and checked at file:line, the Atom feed of
significant changes (checked against RFC 4287's required elements), bibliography aliases, and the
notices of retracted, doubted or corrected works at the sentences that cite them. The same on built
sites, on every engine: tests/test_history_engines.py."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from lxml import etree

from medsite.output import changefeed
from medsite.sources import changenotes
from medsite.sources.site import Site
from test_gate import BIB, BODY, MKDOCS, line_of, make_project, page
from test_gate import diagnose as diagnose_in


def diagnose(folder, files):
    folder.mkdir(parents=True, exist_ok=True)
    return diagnose_in(folder, files)


ATOM = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")  # absolute: a scheme, then no spaces


def with_changes(changes: str, body: str = BODY) -> str:
    return page(body).replace("sources: [", f"{changes.rstrip()}\nsources: [", 1)


NOTES = """changes:
  - date: 2026-10-01
    note: Typo in the first section.
  - date: 2026-11-20
    note: The relapse figures now follow the 2026 review.
    major: true"""


# --- change notes ------------------------------------------------------------------------------


def test_change_notes_are_read_newest_first_with_their_lines():
    text = with_changes(NOTES)
    changes, problems = changenotes.read(text, "docs/page.md")
    assert problems == []
    assert [(c.day, c.major, c.line) for c in changes] == [
        (dt.date(2026, 11, 20), True, line_of(text, "- date: 2026-11-20")),
        (dt.date(2026, 10, 1), False, line_of(text, "- date: 2026-10-01")),
    ]
    assert changenotes.last_updated(changes) == dt.date(2026, 11, 20)


def test_malformed_change_notes_are_each_reported_at_their_line(tmp_path):
    bad = """changes:
  - date: 2026-13-01
    note: A date that does not exist.
  - date: 2026-11-01
  - date: 2026-11-02
    note: Fine.
    major: sometimes
  - date: 2026-11-03
    note: Fine.
    author: me"""
    text = with_changes(bad)
    found = [d for d in diagnose(tmp_path, {"docs/page.md": text}) if d.code.startswith("HIST")]
    assert [(d.code, d.path, d.line) for d in found] == [
        ("HIST001", "docs/page.md", line_of(text, "date: 2026-13-01")),
        ("HIST001", "docs/page.md", line_of(text, "- date: 2026-11-01")),
        ("HIST001", "docs/page.md", line_of(text, "major: sometimes")),
        ("HIST001", "docs/page.md", line_of(text, "author: me")),
    ]
    assert "'2026-13-01', not a YYYY-MM-DD date" in found[0].message and "no 'note'" in found[1].message


def test_changes_that_are_not_a_list_and_future_dates_are_reported(tmp_path):
    text = with_changes("changes: Fixed a typo.")
    [d] = [d for d in diagnose(tmp_path, {"docs/page.md": text}) if d.code.startswith("HIST")]
    assert (d.code, d.line) == ("HIST001", line_of(text, "changes:"))
    future = with_changes("changes:\n  - date: 2026-11-26\n    note: Tomorrow's change.")  # the gate's today: 25 Nov
    [d] = [d for d in diagnose(tmp_path / "f", {"docs/page.md": future}) if d.code.startswith("HIST")]
    assert (d.code, d.line) == ("HIST002", line_of(future, "2026-11-26"))


def test_valid_change_notes_and_none_at_all_pass(tmp_path):
    for i, text in enumerate((with_changes(NOTES), page(), with_changes("changes:"))):
        found = diagnose(tmp_path / str(i), {"docs/page.md": text})
        assert not [d for d in found if d.code.startswith(("HIST", "META013"))], [d.text() for d in found]


# --- the feed ----------------------------------------------------------------------------------


def atom_problems(data: bytes) -> list[str]:
    """What RFC 4287 requires and the feed lacks: feed id, title, updated, an author (on the feed or on
    every entry); each entry's id, title, updated and a link (no content element: a link is required);
    ids absolute IRIs, dates RFC 3339 date-times, no element required once given twice."""
    root = etree.fromstring(data)
    problems = [] if root.tag == f"{ATOM}feed" else [f"root is {root.tag}"]

    def check(node, where, required):
        for name in required:
            found = node.findall(f"{ATOM}{name}")
            if len(found) != 1:
                problems.append(f"{where} has {len(found)} <{name}>")
            elif name == "id" and not IRI.match(found[0].text or ""):
                problems.append(f"{where} id {found[0].text!r} is not an absolute IRI")
            elif name == "updated" and not RFC3339.match(found[0].text or ""):
                problems.append(f"{where} updated {found[0].text!r} is not RFC 3339")
            elif name == "title" and not (found[0].text or "").strip():
                problems.append(f"{where} has an empty title")

    check(root, "feed", ("id", "title", "updated"))
    entries = root.findall(f"{ATOM}entry")
    feed_author = root.find(f"{ATOM}author/{ATOM}name")
    for i, entry in enumerate(entries, 1):
        check(entry, f"entry {i}", ("id", "title", "updated"))
        if entry.find(f"{ATOM}content") is None and entry.find(f"{ATOM}link[@rel='alternate']") is None:
            problems.append(f"entry {i} has neither content nor an alternate link")
        if feed_author is None and entry.find(f"{ATOM}author/{ATOM}name") is None:
            problems.append(f"entry {i} has no author, nor has the feed")
    if feed_author is None and not entries:
        problems.append("the feed has no author")
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    if len(set(ids)) != len(ids):
        problems.append("two entries share an id")
    return problems


def test_atom_problems_finds_what_rfc_4287_requires():
    broken = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><updated>2026-11-01</updated>'
        b"<entry><id>no scheme</id><title>E</title><updated>2026-11-01T00:00:00Z</updated></entry></feed>"
    )
    assert atom_problems(broken) == [
        "feed has 0 <id>",
        "feed updated '2026-11-01' is not RFC 3339",
        "entry 1 id 'no scheme' is not an absolute IRI",
        "entry 1 has neither content nor an alternate link",
        "entry 1 has no author, nor has the feed",
    ]


def feed_site(tmp_path, site_url="https://ms.example.org/"):
    other = with_changes("changes:\n  - date: 2026-11-22\n    note: New risks section.\n    major: true")
    tmp_path.mkdir(parents=True, exist_ok=True)
    root = make_project(
        tmp_path,
        {
            "mkdocs.yml": MKDOCS + f"site_url: {site_url}\nsite_author: Example editors\n" if site_url else MKDOCS,
            "docs/page.md": with_changes(NOTES),
            "docs/more/other.md": other,
            "docs/index.md": page(),
        },
    )
    site, _ = Site.load(root)
    return site


def test_the_feed_lists_major_changes_newest_first_and_validates(tmp_path):
    data = changefeed.render(feed_site(tmp_path))
    assert atom_problems(data) == []
    root = etree.fromstring(data)
    entries = root.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == [
        "A page: New risks section.",
        "A page: The relapse figures now follow the 2026 review.",
    ]  # the typo is minor
    assert [e.find(f"{ATOM}link").get("href") for e in entries] == [
        "https://ms.example.org/more/other/",
        "https://ms.example.org/page/",
    ]
    assert root.findtext(f"{ATOM}updated") == "2026-11-22T00:00:00Z"  # the newest change, not the build's time
    assert root.findtext(f"{ATOM}author/{ATOM}name") == "Example editors"
    assert changefeed.render(feed_site(tmp_path / "again")) == data  # the same sources, the same bytes


def test_a_site_without_an_address_still_gets_a_valid_feed(tmp_path):
    data = changefeed.render(feed_site(tmp_path, site_url=None))
    assert atom_problems(data) == []
    assert etree.fromstring(data).findtext(f"{ATOM}id") == "urn:medsite:changes.xml"


# --- aliases -----------------------------------------------------------------------------------

ALIASED = BIB.replace("  DOI: 10.1000/abc123\n", "  DOI: 10.1000/abc123\n  aliases: [smith2019]\n")


def test_an_old_key_still_cites_its_entry(tmp_path):
    renamed = page(BODY.replace("brain [@smith2020]", "brain [@smith2019]"), sources="smith2019, jones2021")
    found = diagnose(tmp_path, {"docs/references.yaml": ALIASED, "docs/page.md": renamed})
    assert not [d for d in found if d.code in ("REF001", "REF007", "REF008", "REF016")], [d.text() for d in found]


def test_only_a_valid_alias_gets_an_anchor_on_the_references_page():
    from medsite.sources.bibliography import parse

    clash = BIB.replace("  DOI: 10.1000/abc123\n", "  DOI: 10.1000/abc123\n  aliases: [jones2021, smith2019]\n")
    bib = parse(clash, "docs/references.yaml")
    assert bib.aliases_of("smith2020") == ["smith2019"]  # jones2021 is another entry's key: REF016, and no second anchor
    assert bib.aliases_of("jones2021") == []


def test_an_alias_that_is_another_key_is_an_error_at_its_line(tmp_path):
    clash = BIB.replace("  DOI: 10.1000/abc123\n", "  DOI: 10.1000/abc123\n  aliases: [jones2021]\n")
    [d] = [d for d in diagnose(tmp_path, {"docs/references.yaml": clash}) if d.code == "REF016"]
    assert (d.path, d.line) == ("docs/references.yaml", line_of(clash, "aliases:"))
    assert "'jones2021', already the key of 'jones2021'" in d.message
    twice = ALIASED.replace("  DOI: 10.1000/xyz789\n", "  DOI: 10.1000/xyz789\n  aliases: [smith2019]\n")
    [d] = [d for d in diagnose(tmp_path / "twice", {"docs/references.yaml": twice}) if d.code == "REF016"]
    assert d.line == line_of(twice, "DOI: 10.1000/xyz789") + 1 and "already the key of 'smith2020'" in d.message
    bad = BIB.replace("  DOI: 10.1000/abc123\n", "  DOI: 10.1000/abc123\n  aliases: smith2019\n")
    [d] = [d for d in diagnose(tmp_path / "bad", {"docs/references.yaml": bad}) if d.code == "REF016"]
    assert "should be a list of keys" in d.message


# --- notices at the citing sentences -----------------------------------------------------------


def lock_with(updates_by_doi: dict) -> str:
    items = [
        {
            "kind": "doi",
            "id": doi,
            "checked": "2026-11-20",
            "status": "ok",
            "evidence": {"registered_titles": [title], "updates": updates},
        }
        for doi, (title, updates) in updates_by_doi.items()
    ]
    items.append(
        {
            "kind": "pmid",
            "id": "123456",
            "checked": "2026-11-20",
            "status": "ok",
            "evidence": {"title": "A study of MS", "doi": "10.1000/abc123"},
        }
    )
    return json.dumps({"version": 1, "items": items})


RETRACTED = {
    "10.1000/abc123": ("A study of MS", [{"type": "retraction", "doi": "10.1000/n1", "date": "2025-03-01"}]),
    "10.1000/xyz789": ("Another study", []),
}


def test_a_retracted_work_cited_as_support_is_an_error_at_the_sentence(tmp_path):
    found = diagnose(tmp_path, {"verification.lock.json": lock_with(RETRACTED)})
    errors = [(d.code, d.path, d.line) for d in found if d.code in ("VER012", "VER003")]
    text = page()
    assert errors == [
        ("VER012", "docs/page.md", line_of(text, "MS affects the brain")),
        ("VER012", "docs/page.md", line_of(text, "More text here")),
    ]  # not VER003 too: one finding, at the sentence
    message = found[[d.code for d in found].index("VER012")].message
    assert (
        message
        == "'smith2020' is cited as support, but the work is retracted (see the retraction notice of 1 March 2025, https://doi.org/10.1000/n1)"
    )


def test_a_sentence_about_the_retraction_may_cite_it(tmp_path):
    body = "\nA study of stem cells was retracted in 2025 [@smith2020]. Some people get better [@jones2021].\n"
    found = diagnose(tmp_path, {"verification.lock.json": lock_with(RETRACTED), "docs/page.md": page(body)})
    assert not [d for d in found if d.code in ("VER012", "VER003", "VER006")], [d.text() for d in found]


@pytest.mark.parametrize("sentence", ["3 of 40 people withdrew from the study", "The medicine was withdrawn after a relapse",
                                      "Drug withdrawal was rare"])
def test_a_trials_withdrawals_do_not_excuse_a_retracted_work(tmp_path, sentence):
    # Trials' own wording about people or medicines leaving is not a sentence about the retraction.
    body = f"\n{sentence} [@smith2020]. Some people get better [@jones2021].\n"
    found = diagnose(tmp_path, {"verification.lock.json": lock_with(RETRACTED), "docs/page.md": page(body)})
    assert [d.code for d in found if d.code == "VER012"] == ["VER012"], [d.text() for d in found]


def test_corrections_and_concerns_ask_the_editor_to_recheck_each_sentence(tmp_path):
    updates = {
        "10.1000/abc123": (
            "A study of MS",
            [{"type": "expression_of_concern", "doi": "10.1000/c1", "date": "2025-05-02"}],
        ),
        "10.1000/xyz789": ("Another study", [{"type": "correction", "doi": "10.1000/c2", "date": "2024-01-10"}]),
    }
    found = diagnose(tmp_path, {"verification.lock.json": lock_with(updates)})
    text = page()
    assert sorted(
        (d.code, d.line, d.target, d.severity.value) for d in found if d.code.startswith("VER0") and d.code != "VER020"
    ) == [
        ("VER013", line_of(text, "MS affects the brain"), "jones2021", "warning"),
        ("VER013", line_of(text, "MS affects the brain"), "smith2020", "warning"),
        ("VER013", line_of(text, "More text here"), "smith2020", "warning"),
    ]
