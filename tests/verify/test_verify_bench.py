"""The benchmark runs end to end (its timing is reported by `make bench`, not asserted here)."""

from __future__ import annotations

import verify_support  # noqa: F401  (puts scripts/ on sys.path)

from medsite.tools.bench.verification import run


def test_bench_verifies_everything_within_the_per_host_limit_and_reruns_without_requests(capsys):
    result = run(n=40)
    assert result["items"] == 40 and result["statuses"] == {"ok": 40}
    assert result["requests"] == 20 + 20 + 1  # handle + Crossref per DOI, one esummary batch
    assert result["rerun_requests"] == 0 and result["rerun_client_requests"] == 0
    assert 1 <= result["max_in_flight_per_host"] <= 2
    line = capsys.readouterr().out.strip()
    assert line.startswith("verify items=40 requests=41 total_s=") and "rerun_requests=0" in line
