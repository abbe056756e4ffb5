"""Fixtures for the verify tests: one threaded local HTTP server for the session.

Each test gets it with no handlers and an empty log, so `server.log` counts
the requests that really arrived.
"""

from __future__ import annotations

import pytest
from pytest_httpserver import HTTPServer
from verify_support import UA, FakeServices, fast_policy

from medsite.verify.client import HttpClient


@pytest.fixture(scope="session")
def _threaded_server():
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
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
