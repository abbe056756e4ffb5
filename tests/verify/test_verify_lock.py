"""The lock file: refresh only what is due, never record a flaky service as broken, judge offline."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from verify_support import UA, fast_policy

from medsite.core.diagnostics import Severity
from medsite.lock.lockfile import STATUSES, Check, Item, Lock, LockError
from medsite.sources.bibliography import parse
from medsite.verify import lock_diagnostics
from medsite.verify.client import HttpClient
from medsite.verify.runner import verify_references

TODAY = date(2026, 11, 25)

BIB = """\
- id: good2018
  title: A <i>sound</i> trial of something
  DOI: 10.1234/good
  PMID: '1001'
- id: bad2019
  title: A trial that was retracted
  DOI: 10.1234/retracted
- id: fake2020
  title: A DOI that does not exist
  DOI: 10.1234/fake
"""


@pytest.fixture
def bib():
    return parse(BIB, "docs/references.yaml")


@pytest.fixture
def served(fake):
    fake.doi("10.1234/good", "A sound trial of something.")
    fake.doi("10.1234/retracted", "RETRACTED: A trial that was retracted",
             updated_by=[{"DOI": "10.1234/n", "type": "retraction", "source": "retraction-watch"}])
    fake.doi_missing("10.1234/fake")
    fake.pmid("1001", "A sound trial of something.", doi="10.1234/good")
    return fake


def run(bib, lock, fake, today=TODAY, **kw):
    client = HttpClient(UA, fast_policy())
    return verify_references(bib, lock, today=today, max_age_days=180, client=client,
                             services=fake.services, contact="tests@example.org", **kw)


def codes(diags):
    return sorted((d.code, d.severity.value) for d in diags)


def test_verify_records_every_item_then_a_rerun_with_a_fresh_lock_sends_nothing(bib, served, server, tmp_path):
    lock_path = tmp_path / "verification.lock.json"
    lock = Lock()
    summary = run(bib, lock, served)
    lock.save(lock_path)
    first = lock_path.read_text()
    statuses = {(i["kind"], i["id"]): i["status"] for i in json.loads(first)["items"]}
    assert statuses == {("doi", "10.1234/good"): "ok", ("doi", "10.1234/retracted"): "retracted",
                        ("doi", "10.1234/fake"): "broken", ("pmid", "1001"): "ok"}
    assert summary.requests == len(server.log) == 6  # 2 + 2 + 1 DOI requests, 1 esummary batch

    # Only the clean item stays fresh; the rerun re-checks the failing ones (a fixed DOI is noticed) ...
    server.clear_log()
    lock2 = Lock.load(lock_path)
    summary2 = run(bib, lock2, served, today=TODAY + timedelta(days=10))
    assert summary2.kind("doi").fresh == 1 and summary2.kind("pmid").fresh == 1
    assert len(server.log) == 3  # retracted (2) + fake (1)

    # ... and once everything is ok and fresh, a rerun sends no request at all.
    good_only = parse(BIB.split("- id: bad2019")[0], "docs/references.yaml")
    lock3 = Lock()
    run(good_only, lock3, served)
    lock3.save(lock_path)
    before = lock_path.read_text()
    server.clear_log()
    summary3 = run(good_only, Lock.load(lock_path), served, today=TODAY + timedelta(days=100))
    assert len(server.log) == 0 and summary3.requests == 0
    lock4 = Lock.load(lock_path)
    assert lock4.dumps() == before  # nothing changed, byte for byte


def test_stale_items_are_refreshed(bib, served, server):
    lock = Lock()
    run(bib, lock, served)
    server.clear_log()
    run(bib, lock, served, today=TODAY + timedelta(days=181))
    assert len(server.log) == 6
    assert {i.checked for i in lock.items.values()} == {(TODAY + timedelta(days=181)).isoformat()}


def test_a_flaky_service_never_turns_ok_into_broken(bib, server, fake):
    lock = Lock([Item("doi", "10.1234/good", "2026-01-01", "ok", {"registered_titles": ["A sound trial of something"]},
                      ["docs/references.yaml#good2018"])])
    server.expect_request("/doi/api/handles/10.1234/good").respond_with_data("busy", status=503)
    good_only = parse(BIB.split("  PMID")[0], "docs/references.yaml")
    run(good_only, lock, fake)
    item = lock.get("doi", "10.1234/good")
    assert item.status == "ok" and item.checked == "2026-01-01"
    assert item.last_attempt["status"] == "transient" and item.last_attempt["checked"] == TODAY.isoformat()


def test_a_first_check_that_fails_is_recorded_as_transient_and_warned_about(server, fake, tmp_path):
    server.expect_request("/doi/api/handles/10.1234/down").respond_with_data("oops", status=500)
    bib = parse("- id: d\n  title: T\n  DOI: 10.1234/down\n", "docs/references.yaml")
    lock = Lock()
    run(bib, lock, fake)
    assert lock.get("doi", "10.1234/down").status == "transient"
    lock.save(tmp_path / "l.json")
    assert codes(lock_diagnostics(tmp_path / "l.json", bib, {}, TODAY, 180)) == [("VER022", "warning")]


@given(st.sampled_from(STATUSES), st.lists(st.sampled_from(["unverifiable", "transient"]), min_size=1, max_size=5))
def test_property_unclear_results_never_replace_a_clear_one(first, later):
    lock = Lock()
    lock.record(Check("url", "https://x.example/", first), TODAY)
    for n, status in enumerate(later, 1):
        lock.record(Check("url", "https://x.example/", status, detail="flaky"), TODAY + timedelta(days=n))
    item = lock.get("url", "https://x.example/")
    if first in ("ok", "broken", "retracted"):
        assert item.status == first and item.checked == TODAY.isoformat()
    else:
        assert item.status == later[-1]
    assert item.status != "broken" or first == "broken"


def test_lock_output_is_sorted_and_deterministic():
    a = Lock()
    for ident in ["https://b.example/", "https://a.example/"]:
        a.record(Check("url", ident, "ok", {"http_status": 200}), TODAY)
    a.record(Check("doi", "10.1/z", "ok", {"registered_titles": ["Z"], "handle": 1}), TODAY)
    text = a.dumps()
    data = json.loads(text)
    assert [(i["kind"], i["id"]) for i in data["items"]] == [
        ("doi", "10.1/z"), ("url", "https://a.example/"), ("url", "https://b.example/")]
    assert list(data["items"][0]["evidence"]) == ["handle", "registered_titles"]
    assert Lock.parse(text).dumps() == text and text.endswith("\n")


@pytest.mark.parametrize("text, why", [
    ("{not json", "not valid JSON"),
    ('{"version": 1}', "items"),
    ('{"version": 2, "items": []}', "version"),
    ('{"version": 1, "items": [{"kind": "isbn", "id": "1", "checked": "2026-01-01", "status": "ok"}]}', "kind"),
    ('{"version": 1, "items": [{"kind": "doi", "id": "1", "checked": "yesterday", "status": "ok"}]}', "checked"),
    ('{"version": 1, "items": [{"kind": "doi", "id": "1", "checked": "2026-01-01", "status": "fine"}]}', "status"),
])
def test_malformed_lock_files_are_reported_not_crashed_on(tmp_path, text, why):
    with pytest.raises(LockError, match=why):
        Lock.parse(text)
    path = tmp_path / "verification.lock.json"
    path.write_text(text)
    diags = lock_diagnostics(path, None, {}, TODAY, 180, display_path="verification.lock.json")
    assert [(d.code, d.path, d.severity) for d in diags] == [("VER030", "verification.lock.json", Severity.ERROR)]


def test_lock_diagnostics_errors_and_warnings(tmp_path):
    old = (TODAY - timedelta(days=200)).isoformat()
    lock = Lock([
        Item("doi", "10.1/ok", TODAY.isoformat(), "ok", {"registered_titles": ["Fine"]}, ["b#a"]),
        Item("doi", "10.1/old", old, "ok", {"registered_titles": ["Old"]}, ["b#b"]),
        Item("doi", "10.1/gone", TODAY.isoformat(), "broken", {"handle": 100}, ["b#c"]),
        Item("url", "https://dead.example/page", TODAY.isoformat(), "broken", {"http_status": 404}, ["site/x.html"]),
        Item("url", "https://fine.example/", TODAY.isoformat(), "ok", {"http_status": 200}, ["site/x.html"]),
        Item("url", "https://shy.example/", TODAY.isoformat(), "unverifiable", {"http_status": 403}, ["site/x.html"]),
    ])
    path = tmp_path / "verification.lock.json"
    lock.save(path)
    bib = parse("- id: a\n  title: Fine\n  DOI: 10.1/OK\n- id: b\n  title: Old\n  DOI: 10.1/old\n"
                "- id: c\n  title: Gone\n  DOI: https://doi.org/10.1/gone\n- id: d\n  title: New\n  DOI: 10.1/new\n",
                "docs/references.yaml")
    urls = {
        "https://dead.example/page#section": [("site/x.html", 12), ("site/y.html", 4)],
        "https://fine.example/": [("site/x.html", 13)],
        "https://shy.example/": [("site/x.html", 14)],
        "https://never.example/": [("site/z.html", 1)],
        "https://doi.org/10.1/ok": [("site/refs.html", 3)],  # in the bibliography: judged there
    }
    diags = lock_diagnostics(path, bib, urls, TODAY, 180)
    got = [(d.code, d.path, d.line, d.severity.value) for d in diags]
    assert got == [
        ("VER021", "docs/references.yaml", 6, "warning"),   # 10.1/old: 200 days > 180
        ("VER001", "docs/references.yaml", 9, "error"),     # 10.1/gone
        ("VER020", "docs/references.yaml", 12, "warning"),  # 10.1/new never verified
        ("VER010", "site/x.html", 12, "error"),             # broken link, at every place it appears
        ("VER022", "site/x.html", 14, "warning"),           # 403: unverifiable
        ("VER010", "site/y.html", 4, "error"),
        ("VER020", "site/z.html", 1, "warning"),
    ]
    # A longer maximum age makes the old item fresh again.
    assert "VER021" not in {d.code for d in lock_diagnostics(path, bib, urls, TODAY, 365)}


def test_fixing_a_title_in_the_bibliography_clears_the_mismatch_without_a_new_run(tmp_path):
    path = tmp_path / "l.json"
    Lock([Item("doi", "10.1/t", TODAY.isoformat(), "ok", {"registered_titles": ["Right title"]}, ["x"])]).save(path)
    wrong = parse("- id: a\n  title: Wrong title\n  DOI: 10.1/t\n", "docs/references.yaml")
    right = parse("- id: a\n  title: Right title.\n  DOI: 10.1/t\n", "docs/references.yaml")
    assert codes(lock_diagnostics(path, wrong, {}, TODAY, 180)) == [("VER002", "error")]
    assert lock_diagnostics(path, right, {}, TODAY, 180) == []


def test_committed_lock_file_is_valid_and_honest():
    """The repo's lock records nothing it could not have checked."""
    from verify_support import ROOT

    path = ROOT / "verification.lock.json"
    lock = Lock.load(path)
    for item in lock.items.values():
        assert item.sources, f"{item.kind} {item.id} has no sources"
        assert item.evidence or item.status != "ok", f"{item.kind} {item.id} is ok without evidence"
