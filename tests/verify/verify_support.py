"""Helpers for the verify tests: a local server that plays doi.org, Crossref and NCBI esummary.

Responses follow the documented shapes in tests/fixtures/verify/. Each test
gets the server with no handlers and an empty log; `server.log` counts the
requests that really arrived.
"""

from __future__ import annotations

import copy
import json
import sys
import threading
import time
from pathlib import Path

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "verify"
if str(ROOT / "scripts") not in sys.path:
    sys.path.insert(0, str(ROOT / "scripts"))

from medsite.verify.client import Policy  # noqa: E402
from medsite.verify.services import Services  # noqa: E402

UA = "ms-evidence-site-verifier/1.0 (mailto:tests@example.org)"

# mkdocs.yml of a small project for the command-line tests: a bibliography and a contact e-mail.
MKDOCS = """\
site_name: Test
extra:
  bibliography: references.yaml
  publisher:
    contact_email: editors@example.org
"""


def fixture_json(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def fast_policy(**overrides) -> Policy:
    """Production shape, tiny delays: the whole suite stays quick. The read timeout is generous, so a
    local server slowed by a loaded machine is not taken for a timeout; tests of timeouts set their own."""
    values = dict(connect_timeout=5.0, read_timeout=5.0, attempts=3, backoff=0.01, backoff_cap=0.05,
                  retry_after_cap=2.0, per_host=2)
    values.update(overrides)
    return Policy(**values)


class SlowAnswer:
    """A handler that answers after `delay` seconds, or at once when the test calls `wait()` (its client has given
    up by then, so nobody reads that answer). `wait()` returns once every call has answered: the server logs
    a request only when its answer is done, so an answer still pending would land in the next test's log."""

    def __init__(self, delay: float = 1.0) -> None:
        self.delay = delay
        self.pending = 0
        self._changed = threading.Condition()
        self._released = threading.Event()

    def __call__(self, request):
        with self._changed:
            self.pending += 1
        try:
            self._released.wait(self.delay)
            return Response("{}", content_type="application/json")
        finally:
            with self._changed:
                self.pending -= 1
                self._changed.notify_all()

    def wait(self, timeout: float = 10.0) -> None:
        self._released.set()
        with self._changed:
            assert self._changed.wait_for(lambda: self.pending == 0, timeout), "the slow server never answered"
        time.sleep(0.1)  # the server appends to its log just after the handler returns


class FakeClock:
    """The client's clock and sleep (HttpClient(clock=..., sleep=...)): sleeping moves the clock on at once and
    is recorded, so tests of waiting neither wait nor depend on how busy the machine is."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []
        self._lock = threading.Lock()

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.slept.append(seconds)
            self.now += seconds


class FakeServices:
    """Registers documented-shape answers for DOIs and PMIDs on the local server."""

    def __init__(self, server: HTTPServer):
        self.server = server
        self.records: dict[str, dict] = {}
        self.services = Services(
            doi=server.url_for("/doi").rstrip("/"),
            crossref=server.url_for("/crossref").rstrip("/"),
            pubmed=server.url_for("/pubmed").rstrip("/"),
        )
        server.expect_request("/pubmed/esummary.fcgi").respond_with_handler(self._esummary)

    # -- doi.org handle API + Crossref ---------------------------------------------

    def handle_found(self, doi: str) -> None:
        body = fixture_json("handle_found.json")
        body["handle"] = doi
        self.server.expect_request(f"/doi/api/handles/{doi}").respond_with_json(body)

    def work(self, doi: str, title="Example title", *, updated_by=(), update_to=(), subtitle=None) -> None:
        body = fixture_json("crossref_work.json")
        message = body["message"]
        message["DOI"] = doi
        message["title"] = [title] if isinstance(title, str) else list(title)
        message["updated-by"] = list(updated_by)
        if update_to:
            message["update-to"] = list(update_to)
        if subtitle:
            message["subtitle"] = [subtitle]
        self.server.expect_request(f"/crossref/works/{doi}").respond_with_json(body)

    def doi(self, doi: str, title="Example title", **kwargs) -> None:
        self.handle_found(doi)
        self.work(doi, title, **kwargs)

    def doi_missing(self, doi: str) -> None:
        body = fixture_json("handle_not_found.json")
        body["handle"] = doi
        self.server.expect_request(f"/doi/api/handles/{doi}").respond_with_json(body, status=404)

    # -- NCBI esummary ----------------------------------------------------------------

    def pmid(self, pmid: str, title: str, *, pubtype=("Journal Article",), doi: str | None = None) -> None:
        record = copy.deepcopy(fixture_json("esummary.json")["result"]["29320652"])
        record.update(uid=pmid, title=title, pubtype=list(pubtype))
        record["articleids"] = [{"idtype": "pubmed", "idtypen": 1, "value": pmid}]
        if doi:
            record["articleids"].append({"idtype": "doi", "idtypen": 3, "value": doi})
        self.records[pmid] = record

    def _esummary(self, request: Request) -> Response:
        ids = [i for i in request.args.get("id", "").split(",") if i]
        unknown = fixture_json("esummary.json")["result"]["99999999"]
        result: dict = {"uids": [i for i in ids if i in self.records]}
        for i in ids:
            result[i] = self.records.get(i) or dict(unknown, uid=i)
        body = {"header": {"type": "esummary", "version": "0.3"}, "result": result}
        return Response(json.dumps(body), content_type="application/json")
