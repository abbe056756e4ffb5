"""`make cite` is bounded: a deadline per lookup and a size cap per answer (gate.yml `limits:`), so a
server that sends one byte at a time for ever, or a huge answer, ends in one line; and the entry records the
DOI that was checked, never the one a server's answer names."""

from __future__ import annotations

import json
import threading
import time

import pytest
import test_editors_cite
from test_editors_cite import BIBLIOGRAPHY, CSL_DOI, _refused, cite_json, serve_csl, serve_esearch
from verify_support import UA, fast_policy
from werkzeug import Response

from medsite.sources.bibliography import load as load_bibliography
from medsite.tools.cite.__main__ import main
from medsite.verify.client import HttpClient, Outcome

project = test_editors_cite.project  # the same project fixture: mkdocs.yml, a bibliography, the fake services

# A dripping answer sends a byte every DRIP_SECONDS, far more often than the clients' read timeout (so only
# the whole lookup's deadline can stop it), and ends by itself after 90 s, whatever the client does.
DRIP_SECONDS = 0.1
DRIP_BYTES = 900


STOP = threading.Event()  # set after each test: a dripping answer never outlives its test


@pytest.fixture(autouse=True)
def _stop_dripping():
    STOP.clear()
    yield
    STOP.set()


def drip(_request):
    """A server that answers at once, then sends its body one byte every DRIP_SECONDS."""
    def body():
        for _ in range(DRIP_BYTES):
            yield b" "
            if STOP.wait(DRIP_SECONDS):
                return
        yield b"{}"
    return Response(body(), content_type="application/json")


def test_a_server_sending_one_byte_at_a_time_is_cut_off_at_the_deadline(server):
    server.expect_request("/drip").respond_with_handler(drip)
    client = HttpClient(UA, fast_policy(read_timeout=0.5, total_timeout=0.7, attempts=3))
    started = time.monotonic()
    got = client.get(server.url_for("/drip"))
    took = time.monotonic() - started
    assert took < 5, took  # every attempt and wait included
    assert got.outcome is Outcome.TRANSIENT and "time limit" in got.detail


def test_an_answer_over_the_size_cap_is_dropped(server):
    server.expect_request("/huge").respond_with_data(b"[" + b"0," * 600_000 + b"0]", content_type="application/json")
    got = HttpClient(UA, fast_policy(max_response_bytes=1024 * 1024)).get(server.url_for("/huge"))
    assert (got.outcome, got.detail) == (Outcome.UNVERIFIABLE, "the answer was larger than 1024 kB")
    assert got.attempts == 1  # asking again would get the same


def test_make_cite_ends_at_its_lookup_limit_in_one_line(project, server, capsys):
    """The limit comes from gate.yml; the lookup as a whole ends within it."""
    (project / "gate.yml").write_text("limits:\n  lookup_seconds: 0.5\n")
    server.expect_request(f"/doi/api/handles/{CSL_DOI}").respond_with_handler(drip)
    client = HttpClient(UA, fast_policy(read_timeout=0.5, attempts=4))
    started = time.monotonic()
    err = _refused(project, capsys, ["--doi", CSL_DOI], client, "could not reach the DOI services",
                   "the lookup stopped at its time limit of 0.5 s (limits.lookup_seconds in gate.yml)")
    assert time.monotonic() - started < 6, err


def test_make_cite_refuses_an_answer_over_its_size_limit(project, fake, server, capsys):
    (project / "gate.yml").write_text("limits:\n  lookup_response_kb: 64\n")
    fake.doi(CSL_DOI, "Example trial of something in relapsing MS")
    body = cite_json("csl_work.json")
    body["abstract"] = "x" * 100_000
    serve_csl(server, CSL_DOI, body)
    _refused(project, capsys, ["--doi", CSL_DOI], HttpClient(UA, fast_policy()), "could not reach doi.org citation data",
             "larger than 64 kB")


def test_the_entry_records_the_doi_that_was_checked_not_the_one_the_answer_names(project, fake, server, capsys):
    fake.doi(CSL_DOI, "Example trial of something in relapsing MS")
    body = cite_json("csl_work.json")
    body["DOI"] = "10.6666/another.work"  # what a hostile or confused server might echo
    serve_csl(server, CSL_DOI, body)
    serve_esearch(server, CSL_DOI, ids=())
    assert main(["--doi", f"https://doi.org/{CSL_DOI.upper()}"], client=HttpClient(UA, fast_policy())) == 0
    capsys.readouterr()
    text = (project / "references.yaml").read_text()
    assert text.startswith(BIBLIOGRAPHY) and "another.work" not in text
    [entry] = [e for e in load_bibliography("references.yaml").entries if e.id != "reich2018"]
    assert (entry.doi, entry.url) == (CSL_DOI, f"https://doi.org/{CSL_DOI}")
    [item] = json.loads((project / "verification.lock.json").read_text())["items"]
    assert item["id"] == CSL_DOI
