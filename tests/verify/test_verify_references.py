"""DOIs and PMIDs against a local server that answers like doi.org, Crossref and esummary."""

from __future__ import annotations

from datetime import date

import pytest
from verify_support import UA, FakeClock, SlowAnswer, fast_policy

from medsite.core.diagnostics import Severity
from medsite.lock.lockcheck import judge_doi, judge_pmid
from medsite.lock.lockfile import Item
from medsite.sources.bibliography import parse
from medsite.verify.client import HttpClient
from medsite.verify.doi import check_doi
from medsite.verify.pubmed import check_pmids

RETRACTION_RW = {"DOI": "10.1234/notice", "type": "retraction", "label": "Retraction", "source": "retraction-watch",
                 "updated": {"date-parts": [[2010, 2, 6]], "date-time": "2010-02-06T00:00:00Z"}, "record-id": "4036"}


def item_of(check):
    return Item(check.kind, check.id, "2026-01-01", check.status, check.evidence)


def codes(diagnostics):
    return sorted(d.code for d in diagnostics)


# -- DOIs ---------------------------------------------------------------------------


def test_doi_found_with_matching_title(fake, client, server):
    fake.doi("10.1234/found", "Multiple sclerosis: a <i>review</i>.")
    check = check_doi("10.1234/found", client, fake.services)
    assert check.status == "ok"
    assert check.evidence["registered_titles"] == ["Multiple sclerosis: a <i>review</i>."]
    assert [r.path for r, _ in server.log] == ["/doi/api/handles/10.1234/found", "/crossref/works/10.1234/found"]
    # Case, punctuation, HTML tags and a trailing period do not matter.
    assert judge_doi(item_of(check), "Multiple Sclerosis - A Review", "refs.yaml", 3) == []


def test_doi_with_parentheses_reaches_the_services_intact(fake, client, server):
    doi = "10.1016/s0140-6736(18)30481-1"
    fake.doi(doi, "Multiple sclerosis")
    assert check_doi(doi, client, fake.services).status == "ok"
    assert [r.path for r, _ in server.log] == [f"/doi/api/handles/{doi}", f"/crossref/works/{doi}"]


def test_doi_not_found_is_broken_and_crossref_is_not_asked(fake, client, server):
    fake.doi_missing("10.1234/fake")
    check = check_doi("10.1234/fake", client, fake.services)
    assert check.status == "broken"
    assert len(server.log) == 1
    diags = judge_doi(item_of(check), "Anything", "refs.yaml", 3)
    assert codes(diags) == ["VER001"] and diags[0].severity is Severity.ERROR


def test_doi_retracted_by_the_publisher(fake, client):
    fake.doi("10.1234/r1", "A trial", updated_by=[dict(RETRACTION_RW, source="publisher")])
    check = check_doi("10.1234/r1", client, fake.services)
    assert check.status == "retracted"
    diags = judge_doi(item_of(check), "A trial", "refs.yaml", 3)
    assert codes(diags) == ["VER003"] and diags[0].severity is Severity.ERROR
    assert "10.1234/notice" in diags[0].message and "2010-02-06" in diags[0].message


def test_doi_retracted_per_retraction_watch_with_retracted_title_prefix(fake, client):
    fake.doi("10.1234/r2", "RETRACTED: Ileal-lymphoid-nodular hyperplasia", updated_by=[RETRACTION_RW])
    check = check_doi("10.1234/r2", client, fake.services)
    assert check.status == "retracted"
    assert check.evidence["updates"][0]["source"] == "retraction-watch"
    # The prefix is the retraction, not a title mismatch.
    assert codes(judge_doi(item_of(check), "Ileal-lymphoid-nodular hyperplasia", "r.yaml", 1)) == ["VER003"]


@pytest.mark.parametrize("kind", ["withdrawal", "expression_of_concern", "expression-of-concern", "removal"])
def test_withdrawal_and_expression_of_concern_are_errors(fake, client, kind):
    fake.doi("10.1234/w", "A trial", updated_by=[dict(RETRACTION_RW, type=kind)])
    check = check_doi("10.1234/w", client, fake.services)
    assert check.status == "retracted"
    assert codes(judge_doi(item_of(check), "A trial", "r.yaml", 1)) == ["VER003"]


def test_corrected_doi_is_a_warning_only(fake, client):
    fake.doi("10.1234/c", "A trial", updated_by=[dict(RETRACTION_RW, type="correction", source="publisher")])
    check = check_doi("10.1234/c", client, fake.services)
    assert check.status == "ok"
    diags = judge_doi(item_of(check), "A trial", "r.yaml", 1)
    assert codes(diags) == ["VER004"] and diags[0].severity is Severity.WARNING


def test_title_mismatch_is_an_error(fake, client):
    fake.doi("10.1234/m", "Vitamin D and the risk of multiple sclerosis")
    check = check_doi("10.1234/m", client, fake.services)
    assert check.status == "ok"
    diags = judge_doi(item_of(check), "Stem cells cure multiple sclerosis", "r.yaml", 1)
    assert codes(diags) == ["VER002"] and diags[0].severity is Severity.ERROR


def test_title_with_subtitle_matches(fake, client):
    fake.doi("10.1234/s", "Multiple sclerosis", subtitle="a review")
    check = check_doi("10.1234/s", client, fake.services)
    assert judge_doi(item_of(check), "Multiple sclerosis: a review", "r.yaml", 1) == []


def test_a_notice_doi_is_flagged(fake, client):
    fake.doi("10.1234/notice", "Retraction notice", update_to=[dict(RETRACTION_RW, DOI="10.1234/original")])
    check = check_doi("10.1234/notice", client, fake.services)
    assert check.status == "ok"
    assert codes(judge_doi(item_of(check), "Retraction notice", "r.yaml", 1)) == ["VER009"]


def test_doi_unknown_to_crossref_exists_but_is_not_checked_further(fake, client, server):
    fake.handle_found("10.5061/dryad.x")
    server.expect_request("/crossref/works/10.5061/dryad.x").respond_with_data("Resource not found.", status=404)
    check = check_doi("10.5061/dryad.x", client, fake.services)
    assert check.status == "ok" and check.evidence["crossref"] == "not-found"
    assert codes(judge_doi(item_of(check), "Data", "r.yaml", 1)) == ["VER011"]


def test_doi_429_with_retry_after_then_found(fake, server):
    server.expect_oneshot_request("/doi/api/handles/10.1234/busy").respond_with_json(
        {"responseCode": 2, "message": "rate limited"}, status=429, headers={"Retry-After": "1"})
    fake.doi("10.1234/busy", "A trial")
    clock = FakeClock()  # the client's waits are recorded, not waited
    check = check_doi("10.1234/busy", HttpClient(UA, fast_policy(), clock=clock, sleep=clock.sleep), fake.services)
    assert check.status == "ok"
    assert clock.slept == [1.0]  # it waited as long as the server asked, once
    assert [r.path for r, _ in server.log].count("/doi/api/handles/10.1234/busy") == 2


def test_doi_503_then_200(fake, client, server):
    server.expect_oneshot_request("/crossref/works/10.1234/flaky").respond_with_data("Service Unavailable", status=503)
    fake.doi("10.1234/flaky", "A trial")
    assert check_doi("10.1234/flaky", client, fake.services).status == "ok"


def test_doi_persistent_500_is_transient_never_broken(fake, client, server):
    server.expect_request("/doi/api/handles/10.1234/down").respond_with_json(
        {"responseCode": 2, "message": "Internal error"}, status=500)
    check = check_doi("10.1234/down", client, fake.services)
    assert check.status == "transient"
    assert len(server.log) == client.policy.attempts


def test_doi_timeout_is_transient(fake, server):
    slow = SlowAnswer()
    fake.handle_found("10.1234/slow")
    server.expect_request("/crossref/works/10.1234/slow").respond_with_handler(slow)
    client = HttpClient(UA, fast_policy(read_timeout=0.2, attempts=2))
    check = check_doi("10.1234/slow", client, fake.services)
    slow.wait()
    assert check.status == "transient" and "timed out" in check.detail


def test_doi_malformed_json_is_transient(fake, client, server):
    fake.handle_found("10.1234/garbage")
    server.expect_request("/crossref/works/10.1234/garbage").respond_with_data("<html>oops</html>",
                                                                               content_type="application/json")
    check = check_doi("10.1234/garbage", client, fake.services)
    assert check.status == "transient" and "malformed JSON" in check.detail


def test_doi_json_of_the_wrong_shape_is_transient(fake, client, server):
    fake.handle_found("10.1234/shape")
    server.expect_request("/crossref/works/10.1234/shape").respond_with_json(["not", "a", "work"])
    assert check_doi("10.1234/shape", client, fake.services).status == "transient"


def test_doi_403_is_unverifiable(fake, client, server):
    server.expect_request("/doi/api/handles/10.1234/blocked").respond_with_data("Forbidden", status=403)
    assert check_doi("10.1234/blocked", client, fake.services).status == "unverifiable"


# -- PMIDs --------------------------------------------------------------------------


def test_pmids_are_checked_in_one_batch(fake, client, server):
    fake.pmid("29320652", "Multiple Sclerosis.", doi="10.1056/NEJMra1401483")
    fake.pmid("1002", "Retracted work.", pubtype=["Journal Article", "Retracted Publication"])
    checks = check_pmids(["29320652", "99999999", "1002"], client, fake.services, "tests@example.org")
    assert len(server.log) == 1
    args = server.log[0][0].args
    assert args["db"] == "pubmed" and args["retmode"] == "json" and args["id"] == "29320652,99999999,1002"
    assert args["email"] == "tests@example.org"
    assert {p: c.status for p, c in checks.items()} == {"29320652": "ok", "99999999": "broken", "1002": "retracted"}
    assert checks["29320652"].evidence["doi"] == "10.1056/nejmra1401483"


def test_pmid_found_matches_title_and_doi():
    check_item = Item("pmid", "29320652", "2026-01-01", "ok",
                      {"title": "Multiple Sclerosis.", "pubtype": ["Review"], "doi": "10.1056/nejmra1401483"})
    assert judge_pmid(check_item, "Multiple sclerosis", "10.1056/NEJMra1401483", "r.yaml", 2) == []


def test_unknown_pmid_error_field_is_broken(fake, client):
    check = check_pmids(["99999999"], client, fake.services)["99999999"]
    assert check.status == "broken" and check.evidence["error"] == "cannot get document summary"
    assert codes(judge_pmid(item_of(check), "x", None, "r.yaml", 2)) == ["VER005"]


def test_retracted_publication_pubtype_is_an_error(fake, client):
    fake.pmid("1002", "Retracted work.", pubtype=["Journal Article", "Retracted Publication"])
    check = check_pmids(["1002"], client, fake.services)["1002"]
    diags = judge_pmid(item_of(check), "Retracted work", None, "r.yaml", 2)
    assert codes(diags) == ["VER006"] and diags[0].severity is Severity.ERROR


def test_pmid_doi_disagreement_is_an_error(fake, client):
    fake.pmid("1003", "A trial.", doi="10.1234/other")
    check = check_pmids(["1003"], client, fake.services)["1003"]
    diags = judge_pmid(item_of(check), "A trial", "10.1234/mine", "r.yaml", 2)
    assert codes(diags) == ["VER007"] and "10.1234/other" in diags[0].message


def test_pmid_title_mismatch_is_an_error(fake, client):
    fake.pmid("1004", "Something else entirely.")
    check = check_pmids(["1004"], client, fake.services)["1004"]
    assert codes(judge_pmid(item_of(check), "A trial", None, "r.yaml", 2)) == ["VER008"]


def test_not_a_pmid_is_broken_without_a_request(fake, client, server):
    check = check_pmids(["PMC123"], client, fake.services)["PMC123"]
    assert check.status == "broken" and len(server.log) == 0


def test_esummary_down_is_transient_for_the_whole_batch(fake, client, server):
    server.expect_oneshot_request("/pubmed/esummary.fcgi").respond_with_data("down", status=502)
    server.expect_oneshot_request("/pubmed/esummary.fcgi").respond_with_data("down", status=502)
    server.expect_oneshot_request("/pubmed/esummary.fcgi").respond_with_data("down", status=502)
    checks = check_pmids(["1", "2"], client, fake.services)
    assert {c.status for c in checks.values()} == {"transient"}


def test_esummary_malformed_json_is_transient(fake, client, server):
    for _ in range(client.policy.attempts):
        server.expect_oneshot_request("/pubmed/esummary.fcgi").respond_with_data("{{{", content_type="application/json")
    checks = check_pmids(["1"], client, fake.services)
    assert checks["1"].status == "transient"


def test_bibliography_entries_point_at_their_doi_and_pmid_lines(tmp_path):
    from medsite.verify import lock_diagnostics

    bib = parse("- id: a\n  title: T\n  DOI: 10.1/x\n  PMID: '5'\n", "docs/references.yaml")
    diags = lock_diagnostics(tmp_path / "none.json", bib, {}, date(2026, 1, 1), 180)
    assert [(d.code, d.path, d.line, d.severity) for d in diags] == [
        ("VER020", "docs/references.yaml", 3, Severity.WARNING),
        ("VER020", "docs/references.yaml", 4, Severity.WARNING),
    ]
