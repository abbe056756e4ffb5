"""One collector of external links: `make verify links` records exactly the URLs the gate's VER checks ask for."""

from __future__ import annotations

import shutil
from datetime import date

import pytest
from verify_support import FIXTURES, UA, fast_policy

from medsite.gate.checks import verification
from medsite.gate.project import Project
from medsite.lock.lockfile import Check, Lock
from medsite.verify.client import HttpClient
from medsite.verify.links import LycheeOptions
from medsite.verify.runner import verify_links

TODAY = date(2026, 11, 25)
SITE_URL, REPO_URL = "https://ms.example.org/", "https://github.com/example/ms-site"

INDEX = """<!doctype html>
<html><head>
<link rel="canonical" href="https://ms.example.org/">
<link rel="alternate" type="application/rss+xml" href="https://feeds.example.net/rss.xml">
</head><body><article>
<a href="HTTPS://Upper.example.com/Path">uppercase scheme</a>
<a href="https://q.example.com/search?a=1&amp;b=2#frag">entity-encoded</a>
<p><code><a href="https://code.example.com/in-code">inside code</a></code></p>
<a>no href</a> <a name="here">an anchor, no href</a> <a href="">empty</a>
<a href="https://dup.example.com/">on two pages</a>
<a href="  https://space.example.com/  ">spaces around</a>
<map name="m"><area href="https://area.example.com/" alt="an area"></map>
<a href="https://github.com/example/ms-site/edit/main/docs/index.md">edit (our repository)</a>
<a href="https://ms.example.org/about/">our own site, absolute</a>
<a href="mailto:editors@example.org">mail</a> <a href="about/">relative</a> <a href="https://[unclosed/">malformed</a>
</article></body></html>
"""
ABOUT = """<html><body><article>
<a href="https://dup.example.com/#part">again, with a fragment</a>
<a href="http://plain.example.com/">plain http</a>
<a href="https://dup.example.com/">and again on this page</a>
</article></body></html>
"""

EXPECTED = {
    "https://Upper.example.com/Path": ["index.html"],
    "https://q.example.com/search?a=1&b=2": ["index.html"],
    "https://code.example.com/in-code": ["index.html"],
    "https://dup.example.com/": ["about/index.html", "index.html"],
    "https://space.example.com/": ["index.html"],
    "https://area.example.com/": ["index.html"],
    "https://feeds.example.net/rss.xml": ["index.html"],
    "http://plain.example.com/": ["about/index.html"],
}


@pytest.fixture
def project(tmp_path):
    (tmp_path / "mkdocs.yml").write_text(
        f"site_name: Test\nsite_url: {SITE_URL}\nrepo_url: {REPO_URL}\nextra:\n  bibliography: references.yaml\n")
    shutil.copy(FIXTURES / "references.yaml", tmp_path / "references.yaml")
    (tmp_path / "site" / "about").mkdir(parents=True)
    (tmp_path / "site" / "index.html").write_text(INDEX, encoding="utf-8")
    (tmp_path / "site" / "about" / "index.html").write_text(ABOUT, encoding="utf-8")
    return tmp_path


def pages_of(urls: dict, prefix: str) -> dict:
    """{url: [page under the site folder]}; every place is a page with no line."""
    assert all(line is None for places in urls.values() for _, line in places)
    return {url: [page.removeprefix(prefix) for page, _ in places] for url, places in urls.items()}


def gate_ver_targets(root) -> set:
    project = Project(root, root / "site", today=TODAY)
    return {d.target for d in verification.check(project) if d.path.startswith("site/")}


def test_verify_links_and_the_gate_collect_the_same_links(project, fake):
    gate_urls = verification.external_urls(Project(project, project / "site", today=TODAY))
    assert pages_of(gate_urls, "site/") == EXPECTED

    # Every expected link already fresh in the lock: verify has nothing to check online. A link
    # only verify found would be due, and fail at once (no lychee), never reaching the network.
    lock = Lock()
    for url in EXPECTED:
        lock.record(Check("url", url, "ok", {"http_status": 200}, ""), TODAY)
    _, verify_urls = verify_links(
        project / "site", lock, today=TODAY, max_age_days=180, client=HttpClient(UA, fast_policy()),
        services=fake.services, user_agent=UA, own_urls=(SITE_URL, REPO_URL),
        lychee=LycheeOptions(binary="/nonexistent/lychee", transient_waits=()))
    assert pages_of(verify_urls, f"{(project / 'site').as_posix()}/") == EXPECTED
    assert {i.id for i in lock.items.values()} == set(EXPECTED)
    assert all(i.status == "ok" for i in lock.items.values())


def test_the_gate_asks_for_every_link_and_a_lock_from_verify_satisfies_it(project, fake):
    lock_path = project / verification.LOCK
    Lock().save(lock_path)
    assert gate_ver_targets(project) == set(EXPECTED)  # VER020: never verified

    lock = Lock.load(lock_path)
    for url in EXPECTED:
        lock.record(Check("url", url, "ok", {"http_status": 200}, ""), TODAY)
    verify_links(project / "site", lock, today=TODAY, max_age_days=180, client=HttpClient(UA, fast_policy()),
                 services=fake.services, user_agent=UA, own_urls=(SITE_URL, REPO_URL),
                 lychee=LycheeOptions(binary="/nonexistent/lychee", transient_waits=()))
    lock.save(lock_path)
    assert gate_ver_targets(project) == set()
