"""Benchmark: verify n DOIs and PMIDs against local servers, then rerun with the fresh lock.

Three local HTTP servers play doi.org, Crossref and NCBI esummary, each on its
own port, so that each is its own host as in production and the production
per-host limits apply unchanged (2 requests at once per host, and NCBI's 3
requests per second on the PubMed host). The rerun must send zero requests.

    python -m medsite.tools.bench.verification [--n 300] [--latency 0.0]
    verify items=300 requests=301 total_s=… req_per_s=… rerun_requests=0 floor_s=… max_in_flight_per_host=2

floor_s is the least time the per-host limits allow for the simulated latency.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import threading
import time
from collections import Counter
from contextlib import ExitStack, contextmanager
from datetime import date
from pathlib import Path
from socketserver import ThreadingMixIn
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from medsite.core.localserver import running
from medsite.lock.lockfile import Lock
from medsite.sources.bibliography import parse
from medsite.sources.settings import GATE_DEFAULTS
from medsite.verify.client import HttpClient
from medsite.verify.pubmed import BATCH
from medsite.verify.runner import verify_references
from medsite.verify.services import Services, production_policy, user_agent

MAX_AGE_DAYS = GATE_DEFAULTS["verification_max_age_days"]


class _Services:
    """One WSGI app answering like the three services; counts what it receives."""

    def __init__(self, latency: float = 0.0):
        self.latency = latency
        self.requests = 0
        self._lock = threading.Lock()

    def __call__(self, environ, start_response):
        with self._lock:
            self.requests += 1
        if self.latency:
            time.sleep(self.latency)
        path = environ.get("PATH_INFO", "")
        if path.startswith("/api/handles/"):
            doi = path[len("/api/handles/"):]
            body = {"responseCode": 1, "handle": doi, "values": [
                {"index": 1, "type": "URL", "data": {"format": "string", "value": f"https://publisher.example/{doi}"}}]}
        elif path.startswith("/works/"):
            doi = path[len("/works/"):]
            n = doi.rsplit(".", 1)[-1]
            body = {"status": "ok", "message-type": "work", "message": {"DOI": doi, "title": [f"Benchmark work {n}"]}}
        elif path == "/esummary.fcgi":
            ids = [i for i in parse_qs(environ.get("QUERY_STRING", "")).get("id", [""])[0].split(",") if i]
            result: dict = {"uids": ids}
            for pmid in ids:
                n = int(pmid) - 1_000_000
                result[pmid] = {"uid": pmid, "title": f"Benchmark work {n}.", "pubtype": ["Journal Article"],
                                "articleids": [{"idtype": "doi", "value": f"10.5555/bench.{n}"}]}
            body = {"header": {"type": "esummary"}, "result": result}
        else:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found"]
        data = json.dumps(body).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
        return [data]


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args) -> None:
        pass  # one line per request would drown the figures


@contextmanager
def _serve(app):
    # The standard library's WSGI server, one thread per request: the benchmark needs nothing test-only.
    with running(make_server("127.0.0.1", 0, app, server_class=_ThreadingServer, handler_class=_QuietHandler)) as base:
        yield base


def _bibliography(entries: int):
    lines = []
    for i in range(entries):
        lines += [f"- id: bench{i}", f"  title: Benchmark work {i}", f"  DOI: 10.5555/bench.{i}",
                  f"  PMID: '{1_000_000 + i}'"]
    return parse("\n".join(lines) + "\n", "bench/references.yaml")


def run(n: int = 300, latency: float = 0.0, *, quiet: bool = False) -> dict:
    """Verify n items (n/2 entries with a DOI and a PMID each); returns the figures and prints one line."""
    entries = max(1, n // 2)
    app = _Services(latency)
    with ExitStack() as stack:
        doi, crossref, pubmed = (stack.enter_context(_serve(app)) for _ in range(3))
        services = Services(doi=doi, crossref=crossref, pubmed=pubmed)
        bib = _bibliography(entries)
        client = HttpClient(user_agent("bench@example.org"), production_policy(services))
        today = date.today()
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp, "verification.lock.json")
            lock = Lock()
            started = time.perf_counter()
            summary = verify_references(bib, lock, today=today, max_age_days=MAX_AGE_DAYS, client=client,
                                        services=services, contact="bench@example.org")
            total = time.perf_counter() - started
            lock.save(path)
            first_requests = app.requests
            rerun = verify_references(bib, Lock.load(path), today=today, max_age_days=MAX_AGE_DAYS, client=client,
                                      services=services, contact="bench@example.org")
            rerun_requests = app.requests - first_requests
        statuses = dict(sum((ks.checked for ks in summary.kinds.values()), Counter()))
        policy = client.policy
    # The least time the per-host limits allow: per host, its requests spread over `per_host`
    # connections of `latency` each, or spaced by the host's minimum interval.
    per_host_requests = {"doi": entries, "crossref": entries, "pubmed": -(-entries // BATCH)}
    floor = max(
        max(count * latency / policy.per_host,
            (count - 1) * policy.min_interval.get(services.hosts()[name], 0.0))
        for name, count in per_host_requests.items()
    )
    result = {
        "items": 2 * entries,
        "requests": first_requests,
        "total_s": round(total, 3),
        "req_per_s": round(first_requests / total, 1) if total else float("inf"),
        "rerun_requests": rerun_requests,
        "rerun_client_requests": rerun.requests,
        "floor_s": round(floor, 3),
        "max_in_flight_per_host": max(client.max_in_flight.values(), default=0),
        "statuses": statuses,
    }
    if not quiet:
        print(f"verify items={result['items']} requests={result['requests']} total_s={result['total_s']} "
              f"req_per_s={result['req_per_s']} rerun_requests={result['rerun_requests']} "
              f"floor_s={result['floor_s']} max_in_flight_per_host={result['max_in_flight_per_host']}")
    return result


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m medsite.tools.bench.verification", description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=300, help="DOIs + PMIDs to verify (default: %(default)s)")
    p.add_argument("--latency", type=float, default=0.0, help="seconds each simulated answer takes")
    args = p.parse_args(argv)
    result = run(args.n, args.latency)
    ok = result["rerun_requests"] == 0 and result["statuses"] == {"ok": result["items"]}
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
