"""Debian's Chromium, started so that it sends nothing anywhere by itself.

Two builds of the same Chromium release: the browser (package chromium), which the web benchmark and
Lighthouse measure as readers get it, and its headless shell (package chromium-headless-shell), which the
browser tests drive. The shell is Playwright's own default for headless runs: the same Blink and V8, without
the desktop browser around them; the test suite's browser files took a third less CPU in it (165 and 174
core-seconds against 264 and 267, `tests/browser` on two workers, 8 Dec 2026). It is not the full browser in
every way (it sends moves of zero as a page loads: partials/theme-loader.html); MEDSITE_TEST_CHROMIUM=
/usr/bin/chromium runs the tests in the full browser instead."""

from __future__ import annotations

import os

PATH = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
TEST_PATH = os.environ.get("MEDSITE_TEST_CHROMIUM", "/usr/bin/chromium-headless-shell")
# Without the last three, Chromium contacts Google services on its own.
QUIET_FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
