"""Which URLs from data (bibliography, settings) may become a link or a JSON-LD url.

Only https, with a host, and nothing that could end an HTML attribute; plain
http only for the exact addresses gate.yml's `http_allowed` lists with a reason.
`javascript:`, `data:` and every other scheme are refused: such a URL runs code
or shows content from nowhere when a reader follows it.
"""

from __future__ import annotations

import re
from urllib.parse import SplitResult, urlsplit

_UNSAFE = re.compile(r"[\s\"'<>`\\\x00-\x1f\x7f]")


def split(url: str) -> SplitResult | None:
    """The parts of a URL, or None for one that cannot be read (an unclosed "[" in the host,
    as in "https://[x/"), which urlsplit refuses with ValueError."""
    try:
        return urlsplit(url)
    except ValueError:
        return None


def problem(url: str, http_allowed=()) -> str | None:
    """What is wrong with ``url`` as a link from data, or None if it may be used."""
    if _UNSAFE.search(url):
        return "contains a space, quote, angle bracket, backslash or control character"
    parts = split(url)
    if parts is None:
        return "does not parse (the host is not readable)"
    scheme = parts.scheme.lower()
    if scheme == "http":
        return None if url in http_allowed else "uses http:, not https: (and is not in gate.yml's http_allowed)"
    if scheme != "https":
        return f"uses the scheme '{scheme}:', not https:" if scheme else "is not an absolute https: address"
    if not parts.hostname:
        return "has no host"
    return None
