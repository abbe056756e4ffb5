"""The HTTP client: the four outcomes, retries, Retry-After, timeouts, per-host limits."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from verify_support import UA, FakeClock, SlowAnswer, fast_policy
from werkzeug import Response

from medsite.verify.client import HttpClient, Outcome, classify_status, parse_retry_after


@pytest.mark.parametrize(
    "code, outcome",
    [(200, Outcome.OK), (204, Outcome.OK), (404, Outcome.BROKEN), (410, Outcome.BROKEN),
     (401, Outcome.UNVERIFIABLE), (403, Outcome.UNVERIFIABLE), (429, Outcome.UNVERIFIABLE),
     (408, Outcome.TRANSIENT), (500, Outcome.TRANSIENT), (503, Outcome.TRANSIENT)],
)
def test_status_codes_map_to_the_four_classes(code, outcome):
    assert classify_status(code) is outcome


def test_retry_after_in_seconds_and_as_http_date():
    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("7") == 7.0
    stamp = (now + timedelta(seconds=90)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert parse_retry_after(stamp, now=now) == pytest.approx(90)
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=now) == 0.0  # in the past
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_429_with_retry_after_is_waited_for_then_succeeds(server, client):
    server.expect_oneshot_request("/api").respond_with_json({"error": "slow down"}, status=429,
                                                            headers={"Retry-After": "1"})
    server.expect_request("/api").respond_with_json({"ok": True})
    clock = FakeClock()
    got = HttpClient(UA, fast_policy(), clock=clock, sleep=clock.sleep).get(server.url_for("/api"))
    assert got.outcome is Outcome.OK and got.data == {"ok": True}
    # Only this test's path: a slow handler of an earlier test on the shared server may log late.
    assert got.attempts == 2 and len([r for r, _ in server.log if r.path == "/api"]) == 2
    assert sum(clock.slept) == pytest.approx(1.0), "Retry-After: 1 must be honoured, and no more"


def test_429_asking_for_longer_than_the_cap_gives_up_as_unverifiable(server, client):
    server.expect_request("/api").respond_with_json({}, status=429, headers={"Retry-After": "3600"})
    clock = FakeClock()
    client = HttpClient(UA, fast_policy(), clock=clock, sleep=clock.sleep)
    got = client.get(server.url_for("/api"))
    assert got.outcome is Outcome.UNVERIFIABLE
    assert len(server.log) == 1 and clock.slept == [], "it gives up at once, without waiting"
    # The host asked for an hour: the rest of the run leaves it alone.
    again = client.get(server.url_for("/api"))
    assert again.outcome is Outcome.UNVERIFIABLE and len(server.log) == 1


def test_503_then_200_is_ok(server, client):
    server.expect_oneshot_request("/api").respond_with_data("busy", status=503)
    server.expect_request("/api").respond_with_json({"ok": 1})
    got = client.get(server.url_for("/api"))
    assert got.outcome is Outcome.OK and got.attempts == 2 and len(server.log) == 2


def test_a_500_that_persists_is_transient_after_every_attempt(server):
    server.expect_request("/api").respond_with_data("oops", status=500)
    got = HttpClient(UA, fast_policy(attempts=4)).get(server.url_for("/api"))
    assert got.outcome is Outcome.TRANSIENT and got.status == 500
    assert len(server.log) == 4 and "after 4 attempts" in got.detail


def test_a_timeout_is_transient(server):
    slow = SlowAnswer()
    server.expect_request("/slow").respond_with_handler(slow)
    clock = FakeClock()
    got = HttpClient(UA, fast_policy(read_timeout=0.2, attempts=2), clock=clock, sleep=clock.sleep).get(server.url_for("/slow"))
    # The server answers after a second: an answer at all would mean the read timeout was not applied.
    assert got.outcome is Outcome.TRANSIENT and got.status is None and "timed out" in got.detail
    assert got.attempts == 2 and len(clock.slept) == 1, "one back-off between the two attempts"
    slow.wait()
    assert len(server.log) == 2


def test_malformed_json_is_transient_not_a_crash(server, client):
    server.expect_request("/api").respond_with_data('{"message": {"title": [', content_type="application/json")
    got = client.get(server.url_for("/api"))
    assert got.outcome is Outcome.TRANSIENT and "malformed JSON" in got.detail
    assert len(server.log) == client.policy.attempts


def test_connection_refused_is_transient():
    got = HttpClient(UA, fast_policy(attempts=2)).get("http://127.0.0.1:9/nothing-listens-here")
    assert got.outcome is Outcome.TRANSIENT and got.status is None


def test_user_agent_carries_the_contact_address(server, client):
    server.expect_request("/api").respond_with_json({})
    client.get(server.url_for("/api"))
    request, _ = server.log[0]
    assert request.headers["User-Agent"] == UA and "mailto:" in request.headers["User-Agent"]


def test_no_more_than_the_per_host_limit_at_once(server):
    lock = threading.Lock()
    state = {"now": 0, "max": 0}

    def handler(request):
        with lock:
            state["now"] += 1
            state["max"] = max(state["max"], state["now"])
        time.sleep(0.05)
        with lock:
            state["now"] -= 1
        return Response("{}", content_type="application/json")

    server.expect_request("/api").respond_with_handler(handler)
    client = HttpClient(UA, fast_policy(per_host=2))
    threads = [threading.Thread(target=client.get, args=(server.url_for("/api"),)) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(server.log) == 10
    assert state["max"] == 2, f"server saw {state['max']} requests at once; the limit is 2"


def test_min_interval_spaces_requests_to_one_host(server):
    server.expect_request("/api").respond_with_json({})
    host = server.url_for("/").split("/")[2]
    clock = FakeClock()
    client = HttpClient(UA, fast_policy(min_interval={host: 0.1}), clock=clock, sleep=clock.sleep)
    for _ in range(4):
        client.get(server.url_for("/api"))
    assert clock.slept == pytest.approx([0.1, 0.1, 0.1]), "each request after the first waits its interval"
