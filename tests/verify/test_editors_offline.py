"""`make verify` without a network fails honestly: one line, non-zero exit, the lock file untouched."""

from __future__ import annotations

import json
import shutil
import socket

import pytest
from verify_support import FIXTURES, MKDOCS, fast_policy

import medsite.verify.__main__ as verify_cli
from medsite.verify.__main__ import main

# A definite, old result: due for a fresh check, and must survive a failed one.
OLD_LOCK = {"version": 1, "items": [
    {"kind": "doi", "id": "10.1234/good", "checked": "2020-01-01", "status": "ok",
     "evidence": {"handle": 1, "crossref": "found", "registered_titles": ["A sound trial of something"]},
     "sources": ["references.yaml#good2018"]},
]}


def dead_url() -> str:
    with socket.socket() as s:  # a port that nothing listens on
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "mkdocs.yml").write_text(MKDOCS)
    shutil.copy(FIXTURES / "references.yaml", tmp_path / "references.yaml")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(verify_cli, "production_policy", lambda services: fast_policy())  # short retries, same rules
    return tmp_path


def point_at(monkeypatch, doi, crossref, pubmed):
    for name, url in (("DOI_API_URL", doi), ("CROSSREF_API_URL", crossref), ("PUBMED_API_URL", pubmed)):
        monkeypatch.setenv(name, url)


def assert_one_line_offline(capsys):
    captured = capsys.readouterr()
    assert captured.out == ""
    [line] = captured.err.strip().splitlines()
    assert line.startswith("verify: cannot reach the verification services (")
    assert "was left unchanged" in line and "Traceback" not in line


def assert_offline_run_keeps_the_lock(project, capsys):
    """With an earlier lock in place, `verify references` exits 3 in one line and leaves the file byte for byte."""
    lock = project / "verification.lock.json"
    lock.write_text(json.dumps(OLD_LOCK, indent=1) + "\n")
    before = lock.read_bytes()
    assert main(["references", "--no-progress"]) == 3
    assert_one_line_offline(capsys)
    assert lock.read_bytes() == before


def test_offline_exits_3_in_one_line_and_leaves_the_lock_byte_for_byte(project, monkeypatch, capsys):
    dead = dead_url()
    point_at(monkeypatch, dead, dead, dead)
    assert_offline_run_keeps_the_lock(project, capsys)


def test_offline_with_no_lock_yet_writes_none(project, monkeypatch, capsys):
    dead = dead_url()
    point_at(monkeypatch, dead, dead, dead)
    assert main(["references", "--no-progress"]) == 3
    assert_one_line_offline(capsys)
    assert not (project / "verification.lock.json").exists()


def test_services_that_answer_but_fail_every_check_change_nothing(project, monkeypatch, server, capsys):
    # Reachable (the hosts answer), but every check ends in 503: nothing definite was learnt.
    server.expect_request("/").respond_with_data("up")
    for path in ("/doi/api/handles/10.1234/good", "/doi/api/handles/10.1234/retracted", "/pubmed/esummary.fcgi"):
        server.expect_request(path).respond_with_data("busy", status=503)
    point_at(monkeypatch, server.url_for("/doi").rstrip("/"), server.url_for("/crossref").rstrip("/"),
             server.url_for("/pubmed").rstrip("/"))
    assert_offline_run_keeps_the_lock(project, capsys)


def test_nothing_due_needs_no_network(project, monkeypatch, capsys):
    dead = dead_url()
    point_at(monkeypatch, dead, dead, dead)
    (project / "references.yaml").write_text("- id: a2018\n  title: T\n")  # no DOI or PMID: nothing to check
    assert main(["references", "--no-progress"]) == 0
