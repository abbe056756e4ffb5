"""Identifiers as the lock file keys them, and titles as they are compared.

- DOIs are case-insensitive: keyed in lower case, without `doi:` or a resolver prefix.
- PMIDs are digits.
- URLs are keyed without their #fragment: the page is checked, not the anchor.
- Titles match when they agree after ignoring case, accents, punctuation,
  HTML/MathML tags, entities, a trailing period and a "RETRACTED:" style prefix
  that publishers and PubMed add to flagged works (that prefix is reported as a
  retraction, not as a title mismatch).
"""

from __future__ import annotations

import html
import re
import unicodedata
from urllib.parse import unquote, urlsplit, urlunsplit

_DOI_PREFIX = re.compile(r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/)", re.IGNORECASE)
_DOI_URL = re.compile(r"^https?://(?:dx\.)?doi\.org/(10\.[^?#\s]+)$", re.IGNORECASE)
_PUBMED_URL = re.compile(r"^https?://pubmed\.ncbi\.nlm\.nih\.gov/(\d+)/?$", re.IGNORECASE)


def normalize_doi(doi: str) -> str:
    return _DOI_PREFIX.sub("", doi.strip()).strip().lower()


def is_pmid(value: str) -> bool:
    return value.isascii() and value.isdigit() and len(value) <= 9


def is_own(url: str, bases) -> bool:
    """True for a link to one of our own addresses (the site itself, its source repository).

    The gate and `make verify-links` both leave these out: they exist once the
    site is published, and they are not evidence.
    """
    theirs = urlsplit(url)
    for base in bases:
        if not base:
            continue
        ours = urlsplit(base)
        if theirs.netloc.lower() == ours.netloc.lower() and theirs.path.startswith(ours.path or "/"):
            return True
    return False


def url_key(url: str) -> str:
    """The URL without its fragment, as checked and as keyed in the lock file."""
    parts = urlsplit(url.strip())
    return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))


def doi_of_url(url: str) -> str | None:
    """The DOI behind a https://doi.org/<doi> link, or None."""
    m = _DOI_URL.match(url_key(url))
    return normalize_doi(unquote(m.group(1))) if m else None


def pmid_of_url(url: str) -> str | None:
    """The PMID behind a https://pubmed.ncbi.nlm.nih.gov/<pmid>/ link, or None."""
    m = _PUBMED_URL.match(url_key(url))
    return m.group(1) if m else None


_TAG = re.compile(r"<[^>]*>")
_FLAG_PREFIX = re.compile(
    r"^\s*\[?\s*(?:retracted(?:\s+article)?|withdrawn(?:\s+article)?|retraction|expression of concern)\s*\]?\s*[:.\-]\s*",
    re.IGNORECASE,
)


def normalize_title(title: str) -> str:
    text = html.unescape(_TAG.sub(" ", title))
    text = _FLAG_PREFIX.sub("", text)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.casefold().replace("&", " and ")
    text = "".join(c if c.isalnum() else " " for c in text)
    return " ".join(text.split())


def titles_match(ours: str, *theirs: str) -> bool:
    """True if our title equals any of the registered ones (see module docstring)."""
    mine = normalize_title(ours)
    return any(mine == normalize_title(t) for t in theirs if t)
