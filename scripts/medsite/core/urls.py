"""Which URLs from data (bibliography, settings) may become a link or a JSON-LD url.

Only https, with a host, and nothing that could end an HTML attribute; plain
http only for the exact addresses gate.yml's `http_allowed` lists with a reason.
`javascript:`, `data:` and every other scheme are refused: such a URL runs code
or shows content from nowhere when a reader follows it.
"""

from __future__ import annotations

import re
from urllib.parse import SplitResult, unquote, urlsplit

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


_PAGE_SUFFIXES = (".md", ".markdown", ".html")


def linked_page(href: str) -> str:
    """The name of the page or file a relative link points to, the same whether written in Markdown
    (`../about-ms/what-is-ms.md#part`) or as MkDocs rewrote it (`../../about-ms/what-is-ms/#part`).

    A folder's own page (`index.md`, `./`, `../`) has the name of its folder, or '' above that.
    """
    steps = [s for s in unquote(href.partition("#")[0].partition("?")[0]).split("/") if s not in ("", ".")]
    if steps:
        last = steps[-1]
        suffix = next((s for s in _PAGE_SUFFIXES if last.endswith(s) and last != s), "")
        last = steps[-1] = last[: len(last) - len(suffix)]
        if last == "index":
            steps.pop()
    return steps[-1] if steps and steps[-1] != ".." else ""


def linked_anchor(href: str) -> str:
    """The anchor a link points to, decoded: `what-is-ms.md#part%20two` -> 'part two'."""
    return unquote(href.partition("#")[2])
