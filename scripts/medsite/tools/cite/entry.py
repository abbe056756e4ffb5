"""Turn what the services say about a work into one bibliography entry, and give it a key.

Two sources of metadata, each copied, never completed from guesswork:

- CSL JSON from DOI content negotiation (Crossref, DataCite...);
- a PubMed esummary record (authors as "Reich DS", like the rest of
  docs/references.yaml).

The entry keeps the field order of the existing entries, so a new one looks
like its neighbours and a diff reads well.
"""

from __future__ import annotations

import html
import re
import unicodedata

_TAG = re.compile(r"<[^>]+>")
_PUBMED_NAME = re.compile(r"^(?P<family>.+?)\s+(?P<given>[A-Z]{1,4})$")
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
# The field order of the existing entries in docs/references.yaml.
_ORDER = ("id", "type", "author", "title", "container-title", "issued", "volume", "issue", "page",
          "DOI", "PMID", "PMCID", "URL")


def plain(value) -> str:
    """Text without markup (Crossref titles may carry <i>, <sub>, MathML), entities or runs of spaces."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), "")
    if not isinstance(value, (str, int, float)):
        return ""
    text = html.unescape(_TAG.sub("", str(value)))
    return " ".join(text.split())


def _title(value) -> str:
    return plain(value).rstrip(".").strip()  # PubMed ends every title with a full stop


def _names(raw) -> list[dict]:
    out = []
    for name in raw if isinstance(raw, list) else []:
        if not isinstance(name, dict):
            continue
        if plain(name.get("literal")):
            out.append({"literal": plain(name["literal"])})
        elif plain(name.get("family")):
            person = {"family": plain(name["family"])}
            if plain(name.get("given")):
                person["given"] = plain(name["given"])
            out.append(person)
        elif plain(name.get("name")):  # DataCite organisations
            out.append({"literal": plain(name["name"])})
    return out


def _year_parts(issued) -> list | None:
    if isinstance(issued, dict):
        parts = issued.get("date-parts")
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            try:
                return [[int(parts[0][0])]]
            except (TypeError, ValueError):
                return None
    return None


def ordered(entry: dict) -> dict:
    return {k: entry[k] for k in _ORDER if entry.get(k) not in (None, "", [])}


def from_csl_json(data: dict, doi: str) -> dict:
    """An entry from DOI content negotiation's CSL JSON, for `doi` (normalised, as checked)."""
    issued = None
    for key in ("issued", "published-print", "published-online", "published"):
        issued = _year_parts(data.get(key))
        if issued:
            break
    container = plain(data.get("container-title-short")) or plain(data.get("container-title"))
    if not container and data.get("type") not in ("article-journal", "journal-article"):
        container = plain(data.get("publisher"))
    entry = {
        "type": plain(data.get("type")) or "article-journal",
        "author": _names(data.get("author")),
        "title": _title(data.get("title")),
        "container-title": container,
        "issued": {"date-parts": issued} if issued else None,
        "volume": plain(data.get("volume")),
        "issue": plain(data.get("issue")),
        "page": plain(data.get("page")),
        "DOI": doi,  # the DOI that was checked, never the one the answer echoes (it could name another work)
    }
    if entry["type"] == "journal-article":
        entry["type"] = "article-journal"  # Crossref's name for what CSL calls article-journal
    entry["URL"] = f"https://doi.org/{entry['DOI']}"
    return ordered(entry)


def _pubmed_name(name: str) -> dict:
    m = _PUBMED_NAME.match(name)
    return {"family": m["family"], "given": m["given"]} if m else {"literal": name}


def from_esummary(record: dict, pmid: str) -> dict:
    """An entry from a PubMed esummary record."""
    authors = []
    for a in record.get("authors") or []:
        if isinstance(a, dict) and plain(a.get("name")) and a.get("authtype", "Author") in ("Author", "CollectiveName"):
            name = plain(a["name"])
            authors.append({"literal": name} if a.get("authtype") == "CollectiveName" else _pubmed_name(name))
    ids = {a.get("idtype"): plain(a.get("value")) for a in record.get("articleids") or [] if isinstance(a, dict)}
    year = _YEAR.search(plain(record.get("pubdate")) or plain(record.get("sortpubdate")))
    pmcid = ids.get("pmc") or ""
    entry = {
        "type": "article-journal",
        "author": authors,
        "title": _title(record.get("title")),
        "container-title": plain(record.get("source")),
        "issued": {"date-parts": [[int(year.group(1))]]} if year else None,
        "volume": plain(record.get("volume")),
        "issue": plain(record.get("issue")),
        "page": plain(record.get("pages")),
        "DOI": ids.get("doi") or "",
        "PMID": pmid,
        "PMCID": pmcid if pmcid.startswith("PMC") else "",
    }
    entry["URL"] = f"https://doi.org/{entry['DOI']}" if entry["DOI"] else f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"
    return ordered(entry)


def _ascii_word(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if c.isascii() and c.isalpha()).lower()


def key_for(entry: dict, taken) -> str:
    """`surname` + year, then a, b, c... until the key is free: reich2018, reich2018a."""
    first = (entry.get("author") or [{}])[0]
    name = first.get("family") or (first.get("literal") or "").split(" ")[0]
    stem = _ascii_word(name) or _ascii_word((entry.get("title") or "").split(" ")[0]) or "source"
    year = (entry.get("issued") or {}).get("date-parts", [[""]])[0][0]
    base = f"{stem}{year}"
    for suffix in ["", *"abcdefghijklmnopqrstuvwxyz"]:
        if base + suffix not in taken:
            return base + suffix
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def missing(entry: dict) -> list[str]:
    """What a reference needs that the service did not give (the gate's REF003 would stop the build)."""
    need = {"author": "authors", "title": "a title", "container-title": "a journal or publisher", "issued": "a year"}
    return [label for key, label in need.items() if not entry.get(key)]
