"""Debian's Chromium (package chromium), started so that it sends nothing anywhere by itself."""

from __future__ import annotations

import os

PATH = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
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
