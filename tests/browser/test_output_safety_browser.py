"""Defence in depth: even if the gate were bypassed, injected markup neither runs nor reaches other sites.

The injection fixtures of tests/test_output_safety.py and of the property test (every vector, in
every position) are built with plain `mkdocs build`, which publishes what the gate would refuse,
and served with their own `_headers`. Chromium loads every page, fires every inline handler and
follows every javascript: link; the page's Content-Security-Policy must stop all of it: no dialog
opens and no request leaves the site.

Not covered here, by design: `<meta http-equiv="refresh">` to another site. No CSP directive stops
a refresh, so only the gate stands in its way (SAFE004, tests/test_output_safety.py).
"""

from __future__ import annotations

import base64
import hashlib
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from medsite.tools import static_host
from safety_fixtures import BAD, NAMES, VECTORS, make_site, mkdocs_build, vector_site, with_includes

from .conftest import Recorder
from .support import SETTLED

REFRESH = "http-equiv=\"refresh\""

# Fire what a reader might: every inline handler's event, every javascript: link.
PROVOKE = """() => {
  for (const el of document.querySelectorAll('*')) {
    for (const attr of Array.from(el.attributes)) {
      if (/^on/i.test(attr.name)) el.dispatchEvent(new Event(attr.name.slice(2).toLowerCase(), {bubbles: true}));
    }
  }
  for (const a of document.querySelectorAll('a[href]')) {
    if (a.protocol === 'javascript:' || a.protocol === 'data:') a.click();
  }
}"""


def _rotation(k: int) -> dict[str, str]:
    """A vector in every position; rotations 0, 1 and 2 (times the number of positions) place every vector."""
    placed = {}
    for i, name in enumerate(NAMES):
        vector = VECTORS[(i + k) % len(VECTORS)]
        placed[name] = "plain text" if REFRESH in vector else vector.replace("{n}", str(7001 + i))
    return placed


@pytest.fixture(scope="module")
def injected_sites(tmp_path_factory) -> list[Path]:
    sites = []
    cases = with_includes({rel: text for rel, text, _, _ in BAD.values() if REFRESH not in text})
    root = make_site(tmp_path_factory.mktemp("cases"), cases, copyright='Fixture <img src="c.png" onerror="alert(1)">')
    sites.append(mkdocs_build(root, root / "out"))
    for k in range(3):
        root = vector_site(tmp_path_factory.mktemp(f"vectors{k}"), _rotation(k * len(NAMES)))
        sites.append(mkdocs_build(root, root / "out"))
    return sites


def _pages(site: Path) -> list[str]:
    out = []
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site).as_posix()
        out.append(rel[: -len("index.html")] if rel.endswith("index.html") else rel)
    return out


def _csp_allows_injected_script(site: Path) -> bool:
    """Whether the build's CSP hashes the script injected as alert(7001), as if we had shipped it."""
    digest = base64.b64encode(hashlib.sha256(b"alert(7001)").digest()).decode()
    return any(f"sha256-{digest}" in p.read_text(encoding="utf-8") for p in site.rglob("*.html"))


@contextmanager
def _watched(browser, base: str):
    """(page, dialogs shown, request recorder) in a fresh context without service workers; closed after."""
    context = browser.new_context(service_workers="block")
    recorder = Recorder(origin=base.rstrip("/"))
    context.route("**/*", recorder.route)
    dialogs: list[str] = []
    page = context.new_page()
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        yield page, dialogs, recorder
    finally:
        context.close()


def test_injected_markup_neither_runs_nor_calls_out(browser, injected_sites):
    hashed = [site.parent.name for site in injected_sites if _csp_allows_injected_script(site)]
    assert not hashed, f"the CSP of {hashed} hashes an injected script: the policy must come from what we ship"
    failures = []
    for site in injected_sites:
        with static_host.serve(site, use_gzip=False) as base, _watched(browser, base) as (page, dialogs, recorder):
            for path in _pages(site):
                page.goto(base + path, wait_until="load")
                page.evaluate(PROVOKE)
                page.evaluate(SETTLED)
        if dialogs or recorder.foreign:
            failures.append(f"{site.parent.name}: dialogs {dialogs[:5]}, requests to other sites {recorder.foreign[:5]}")
    assert not failures, failures


def test_the_browser_check_catches_a_script_that_runs(browser, tmp_path):
    """The check above can fail: a page whose policy allows its scripts calls out and shows dialogs, from its
    script, a handler and a javascript: link (the vectors' alert), all seen by the time the check moves on."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text(
        "<!doctype html><title>x</title><script>alert('ran');fetch('https://elsewhere.example/x')</script>"
        "<p onclick=\"alert('handler ran')\">text</p>"
        "<a href=\"javascript:alert('link ran')\">a link</a>", encoding="utf-8")
    with static_host.serve(site, use_gzip=False) as base, _watched(browser, base) as (page, dialogs, recorder):
        page.goto(base, wait_until="load")
        page.evaluate(PROVOKE)
        page.evaluate(SETTLED)
        deadline = time.monotonic() + 5  # on a busy machine a dialog may come a little later: wait for it, bounded
        while len(dialogs) < 3 and time.monotonic() < deadline:
            page.wait_for_timeout(20)
        seen = (list(dialogs), list(recorder.foreign))
    assert seen[0] == ["ran", "handler ran", "link ran"], seen
    assert seen[1] == ["https://elsewhere.example/x"], seen
