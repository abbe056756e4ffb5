"""A polite HTTP client for the verification services.

One job: send GET requests and say what the answer means, as one of four
outcomes (DESIGN.md, "Online verification"):

- ok: 2xx
- broken: 404, 410 (the thing is not there)
- unverifiable: 401, 403, 429 and other refusals (we were not allowed to look)
- transient: timeouts, connection errors, 408 and 5xx (try again later)

Politeness: a bounded number of requests at once per host, an optional
minimum interval between requests to a host, a User-Agent with a contact
address, retries with exponential backoff, and `Retry-After` honoured (in
seconds or as an HTTP date) up to a cap. Past the cap the client stops asking
that host for the rest of the run instead of waiting for hours.

Bounded in time and size: one `get`, retries and waits included, ends within
`Policy.total_timeout` (and before `HttpClient.deadline`, when the caller sets
one for a whole lookup); the body is read in pieces with the socket's timeout
cut to the time left, so a server that sends one byte a second is cut off at
the deadline (transient); a body over `Policy.max_response_bytes` is dropped
(unverifiable: asking again would get the same).
"""

from __future__ import annotations

import contextlib
import email.utils
import enum
import json
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import requests
import urllib3


class Outcome(str, enum.Enum):
    OK = "ok"
    BROKEN = "broken"
    UNVERIFIABLE = "unverifiable"
    TRANSIENT = "transient"


def classify_status(code: int) -> Outcome:
    """What an HTTP status code says about the thing asked for."""
    if 200 <= code < 300:
        return Outcome.OK
    if code in (404, 410):
        return Outcome.BROKEN
    if code == 408 or code >= 500:
        return Outcome.TRANSIENT
    # 401, 403, 429, 451, 999 (LinkedIn), unfollowed 3xx, other refusals: we could not look.
    return Outcome.UNVERIFIABLE


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return max(0.0, (when - now).total_seconds())


@dataclass
class Policy:
    """Timeouts, retries and per-host limits. Tests shrink the delays."""

    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    attempts: int = 4  # first try + 3 retries
    backoff: float = 1.0  # delay before the first retry; doubles each time
    backoff_cap: float = 30.0
    retry_after_cap: float = 60.0  # longest Retry-After we wait for
    per_host: int = 2  # requests in flight at once to one host
    min_interval: dict[str, float] = field(default_factory=dict)  # host -> seconds between starts
    total_timeout: float = 120.0  # one get(), every attempt and wait included
    max_response_bytes: int = 8 * 1024 * 1024  # one answer's body (the largest real one is a few hundred kB)


@dataclass
class Fetched:
    outcome: Outcome
    status: int | None  # HTTP status of the last answer, None if there was none
    data: Any = None  # parsed JSON when the body was JSON
    text: str = ""
    detail: str = ""  # what happened, for the lock file's evidence
    attempts: int = 0
    malformed: bool = False  # a 2xx whose body should have been JSON and was not
    retry_after: str | None = field(default=None, repr=False)


@dataclass
class _Host:
    sem: threading.Semaphore
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_start: float = 0.0
    blocked_until: float = 0.0


class HttpClient:
    def __init__(
        self,
        user_agent: str,
        policy: Policy | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.user_agent = user_agent
        self.policy = policy or Policy()
        self._sleep = sleep
        self._clock = clock
        self._hosts: dict[str, _Host] = {}
        self._hosts_lock = threading.Lock()
        self._local = threading.local()
        self._count_lock = threading.Lock()
        self.requests_sent = 0
        self.max_in_flight: dict[str, int] = {}  # observed, for tests and the benchmark
        self._in_flight: dict[str, int] = {}
        self.deadline: float | None = None  # on `clock`: no request runs past it (`limit`)

    def limit(self, seconds: float, max_bytes: int) -> None:
        """Bound everything this client does from now on to `seconds` in all, and each answer to `max_bytes`."""
        self.policy.max_response_bytes = max_bytes
        self.policy.total_timeout = min(self.policy.total_timeout, seconds)
        self.deadline = self._clock() + seconds

    def out_of_time(self) -> bool:
        return self.deadline is not None and self._clock() >= self.deadline

    # -- per-host politeness -------------------------------------------------

    def _host(self, host: str) -> _Host:
        with self._hosts_lock:
            if host not in self._hosts:
                self._hosts[host] = _Host(threading.Semaphore(max(1, self.policy.per_host)))
            return self._hosts[host]

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.headers.update({"User-Agent": self.user_agent, "Accept": "application/json"})
            self._local.session = session
        return session

    def _note_in_flight(self, host: str, delta: int) -> None:
        with self._count_lock:
            n = self._in_flight.get(host, 0) + delta
            self._in_flight[host] = n
            if delta > 0:
                self.requests_sent += 1
                self.max_in_flight[host] = max(self.max_in_flight.get(host, 0), n)

    # -- requests -------------------------------------------------------------

    def get(self, url: str, *, params: dict | None = None, expect_json: bool = True,
            headers: dict | None = None) -> Fetched:
        """GET with retries; never raises for network or service faults."""
        policy = self.policy
        host = urlsplit(url).netloc
        state = self._host(host)
        end = min(self._clock() + policy.total_timeout, math.inf if self.deadline is None else self.deadline)
        last = Fetched(Outcome.TRANSIENT, None, detail="not attempted")
        for attempt in range(1, max(1, policy.attempts) + 1):
            wait_hint: float | None = None
            with state.sem:
                with state.lock:
                    now = self._clock()
                    if state.blocked_until - now > policy.retry_after_cap:
                        return Fetched(
                            Outcome.UNVERIFIABLE,
                            last.status,
                            detail=f"{host} asked us to wait longer than {policy.retry_after_cap:g}s (Retry-After)",
                            attempts=attempt - 1,
                        )
                    start = max(now, state.next_start, state.blocked_until)
                    state.next_start = start + policy.min_interval.get(host, 0.0)
                if start >= end:
                    return self._out_of_time(last, attempt - 1, end - now)
                if start > now:
                    self._sleep(start - now)
                last = self._once(url, params, expect_json, host, headers, end)
                last.attempts = attempt
            if not self._retryable(last):
                return last
            retry_after = parse_retry_after(last.retry_after)
            if retry_after is not None:
                with state.lock:
                    state.blocked_until = max(state.blocked_until, self._clock() + retry_after)
                if retry_after > policy.retry_after_cap:
                    last.detail += f"; Retry-After {retry_after:g}s is longer than we wait"
                    return last
                wait_hint = 0.0  # the host gate above sleeps until blocked_until
            if attempt < policy.attempts:
                delay = wait_hint if wait_hint is not None else min(policy.backoff * 2 ** (attempt - 1), policy.backoff_cap)
                if self._clock() + delay >= end:
                    break  # no time left for another attempt
                if delay > 0:
                    self._sleep(delay)
        if last.malformed:
            last.outcome = Outcome.TRANSIENT  # the service answered, but with garbage
        last.detail += f" (after {last.attempts} attempts)"
        return last

    @staticmethod
    def _out_of_time(last: Fetched, attempts: int, seconds: float) -> Fetched:
        if not attempts:
            return Fetched(Outcome.TRANSIENT, None, detail=f"no time left to ask ({max(seconds, 0):.0f} s)")
        last.attempts = attempts
        last.detail += "; no time left for another attempt"
        return last

    @staticmethod
    def _retryable(f: Fetched) -> bool:
        if f.outcome is Outcome.TRANSIENT:
            return True
        return f.status == 429 or f.malformed

    def _once(self, url: str, params: dict | None, expect_json: bool, host: str, headers: dict | None = None,
              end: float = math.inf) -> Fetched:
        left = end - self._clock()
        timeout = (min(self.policy.connect_timeout, left), min(self.policy.read_timeout, left))
        self._note_in_flight(host, +1)
        try:
            response = self._session().get(url, params=params, headers=headers, timeout=timeout, allow_redirects=True,
                                           stream=True)
            try:
                body = self._read_body(response, end)
            finally:
                response.close()
            if body is None:
                return Fetched(Outcome.UNVERIFIABLE, response.status_code,
                               detail=f"the answer was larger than {self.policy.max_response_bytes // 1024} kB")
            response._content = body  # what requests' .text decodes, with the answer's own encoding
            text = response.text
        except TimeoutError:  # raised by _read_body at `end`
            return Fetched(Outcome.TRANSIENT, None, detail="no complete answer within the time limit")
        except requests.Timeout:
            return Fetched(Outcome.TRANSIENT, None, detail="timed out")
        except requests.RequestException as exc:
            return Fetched(Outcome.TRANSIENT, None, detail=f"network error: {type(exc).__name__}")
        except urllib3.exceptions.TimeoutError:  # reading the body below requests
            return Fetched(Outcome.TRANSIENT, None, detail="timed out")
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            return Fetched(Outcome.TRANSIENT, None, detail=f"network error: {type(exc).__name__}")
        finally:
            self._note_in_flight(host, -1)
        status = response.status_code
        outcome = classify_status(status)
        result = Fetched(outcome, status, text=text, detail=f"HTTP {status}",
                         retry_after=response.headers.get("Retry-After"))
        if expect_json and text:
            try:
                result.data = json.loads(text)
            except ValueError:
                result.detail += ", body is not JSON"
        if expect_json and outcome is Outcome.OK and result.data is None:
            result.detail = f"HTTP {status}, malformed JSON"
            result.malformed = True
        return result

    def _read_body(self, response: requests.Response, end: float) -> bytes | None:
        """The body, read piece by piece until `end` (TimeoutError past it); None when over the size cap.

        Each piece is one read from the socket (`read1`), with the socket's timeout cut to the time
        left, so neither a silent server nor one that drips a byte a second outlasts `end`."""
        cap = self.policy.max_response_bytes
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > cap:
            return None
        raw, pieces, size = response.raw, [], 0
        sock = getattr(getattr(raw, "_connection", None), "sock", None)
        while True:
            left = end - self._clock()
            if left <= 0:
                raise TimeoutError
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.settimeout(left)
            piece = raw.read1(64 * 1024, decode_content=True)
            if not piece:
                return b"".join(pieces)
            size += len(piece)
            if size > cap:
                return None
            pieces.append(piece)
