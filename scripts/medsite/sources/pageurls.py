"""Where a page is published: the one mapping from a Markdown file to its URL and HTML file.

MkDocs with `use_directory_urls` (this site's setting) writes `a/b.md` to
`a/b/index.html`, served at `a/b/`; `index.md` and `README.md` are their folder's
index. The gate, the tests and the browser tests all ask here.
"""

from __future__ import annotations

import posixpath
from functools import lru_cache

INDEX = "index.html"


def page_url(uri: str) -> str:
    """The URL path of a docs-relative Markdown file, relative to the site root ('' is the home page)."""
    stem = uri.rsplit(".", 1)[0]
    folder, _, name = stem.rpartition("/")
    if name in ("index", "README"):
        return f"{folder}/" if folder else ""
    return f"{stem}/"


def url_file(url: str) -> str:
    """The file, relative to the site root, that serves a URL path ('' and folders are their index.html)."""
    return url + INDEX if url == "" or url.endswith("/") else url


def html_file(uri: str) -> str:
    """The HTML file, relative to the site root, that MkDocs writes for a docs-relative Markdown file."""
    return url_file(page_url(uri))


def file_url(rel: str) -> str:
    """The URL path that serves a file of the built site (the inverse of url_file)."""
    return rel[: -len(INDEX)] if rel == INDEX or rel.endswith("/" + INDEX) else rel


@lru_cache(maxsize=4096)  # the References page asks for every citing place: a few pages, many times each
def relative_url(to_uri: str, from_uri: str) -> str:
    """The link from one docs-relative Markdown file's page to another's, as MkDocs writes it for a Markdown
    link (mkdocs.utils.get_relative_url): `../treatments/ahsct/` from `references.md`."""
    def parts(url: str) -> list[str]:
        path = posixpath.normpath("/" + url)[1:]
        return path.split("/") if path else []

    url, base = page_url(to_uri) or "./", parts(page_url(from_uri))  # MkDocs' home page is "./"
    target = parts(url)
    common = 0
    for a, b in zip(base, target, strict=False):
        if a != b:
            break
        common += 1
    relative = "/".join([".."] * (len(base) - common) + target[common:]) or "."
    return relative + "/" if url.endswith("/") else relative
