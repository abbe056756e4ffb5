"""Fixtures for the verify tests: one threaded local HTTP server for the session.

Each test gets it with no handlers and an empty log, so `server.log` counts
the requests that really arrived.
"""

from __future__ import annotations

import shutil

import pytest
from pytest_httpserver import HTTPServer
from verify_support import FIXTURES, UA, FakeServices, fast_policy

from local_http import LocalHTTPServer
from medsite.verify.client import HttpClient


@pytest.fixture(scope="session")
def _threaded_server():
    server = LocalHTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()


@pytest.fixture
def server(_threaded_server: HTTPServer) -> HTTPServer:
    _threaded_server.clear()
    yield _threaded_server
    _threaded_server.clear()


@pytest.fixture
def fake(server) -> FakeServices:
    return FakeServices(server)


@pytest.fixture
def client() -> HttpClient:
    return HttpClient(UA, fast_policy())


CLI_MKDOCS = """\
site_name: Test
site_url: https://ms.example.org/
extra:
  bibliography: references.yaml
  publisher:
    contact_email: editors@example.org
"""


@pytest.fixture
def cli_project(tmp_path, monkeypatch, fake):
    """A small project for `python -m medsite.verify`, its services pointed at the local server."""
    (tmp_path / "mkdocs.yml").write_text(CLI_MKDOCS)
    shutil.copy(FIXTURES / "references.yaml", tmp_path / "references.yaml")
    monkeypatch.chdir(tmp_path)
    # PubMed on "localhost", the others on "127.0.0.1": different hosts, as in production, so
    # NCBI's 3-requests-a-second limit applies to PubMed alone.
    pubmed = fake.services.pubmed.replace("127.0.0.1", "localhost")
    for name, url in (("DOI_API_URL", fake.services.doi), ("CROSSREF_API_URL", fake.services.crossref),
                      ("PUBMED_API_URL", pubmed)):
        monkeypatch.setenv(name, url)
    return tmp_path
