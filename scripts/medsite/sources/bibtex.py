"""Read a BibTeX file (`.bib`, as Zotero, Better BibTeX, JabRef or Mendeley export it) into CSL entries.

Parsed with bibtexparser 2 (a maintained parser: @string macros, comments,
nested braces); LaTeX accents become letters and braces that protect case
are dropped. Each BibTeX field becomes its CSL counterpart; a field CSL has
no name for is kept under its own name (citation styles ignore it), so
nothing is lost on the way. Lines are the file's, for every message.
"""

from __future__ import annotations

import logging
import re

from medsite.core.diagnostics import Diagnostic
from medsite.sources.yamlsource import Located

# BibTeX entry type -> CSL type. A type CSL itself knows is kept as it is.
TYPES = {
    "article": "article-journal",
    "book": "book",
    "booklet": "pamphlet",
    "inbook": "chapter",
    "incollection": "chapter",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "manual": "report",
    "mastersthesis": "thesis",
    "phdthesis": "thesis",
    "thesis": "thesis",
    "proceedings": "book",
    "techreport": "report",
    "report": "report",
    "unpublished": "manuscript",
    "online": "webpage",
    "electronic": "webpage",
    "www": "webpage",
    "misc": "document",
    "dataset": "dataset",
    "software": "software",
    "patent": "patent",
    "standard": "standard",
}
CSL_TYPES = {
    "article",
    "article-journal",
    "article-magazine",
    "article-newspaper",
    "bill",
    "book",
    "broadcast",
    "chapter",
    "dataset",
    "document",
    "entry",
    "entry-dictionary",
    "entry-encyclopedia",
    "figure",
    "graphic",
    "interview",
    "legal_case",
    "legislation",
    "manuscript",
    "map",
    "motion_picture",
    "musical_score",
    "pamphlet",
    "paper-conference",
    "patent",
    "personal_communication",
    "post",
    "post-weblog",
    "report",
    "review",
    "review-book",
    "software",
    "song",
    "speech",
    "standard",
    "thesis",
    "treaty",
    "webpage",
}
# BibTeX (and BibLaTeX) field -> CSL variable.
FIELDS = {
    "title": "title",
    "shorttitle": "title-short",
    "journal": "container-title",
    "journaltitle": "container-title",
    "booktitle": "container-title",
    "shortjournal": "container-title-short",
    "journalabbreviation": "container-title-short",
    "series": "collection-title",
    "publisher": "publisher",
    "address": "publisher-place",
    "location": "publisher-place",
    "volume": "volume",
    "issue": "issue",
    "pages": "page",
    "edition": "edition",
    "doi": "DOI",
    "pmid": "PMID",
    "pmcid": "PMCID",
    "url": "URL",
    "isbn": "ISBN",
    "issn": "ISSN",
    "note": "note",
    "abstract": "abstract",
    "language": "language",
    "langid": "language",
    "type": "genre",
    "chapter": "chapter-number",
    "eventtitle": "event-title",
    "howpublished": "medium",
    "urldate": "accessed",
}
PUBLISHER_LIKE = ("institution", "school", "organization")  # the publisher when there is no `publisher`
NAME_FIELDS = {"author": "author", "editor": "editor", "translator": "translator"}
_DASHES = re.compile(r"\s*[–—-]+\s*")


def _plain(text: str) -> str:
    """LaTeX to text: accents as letters, case-protecting braces and `\\emph` dropped."""
    from pylatexenc.latex2text import LatexNodes2Text

    if not any(c in text for c in "\\{}$~"):
        return " ".join(text.split())
    try:
        return " ".join(LatexNodes2Text().latex_to_text(text).split())
    except (ValueError, TypeError, IndexError, KeyError, AttributeError):  # broken markup: keep the text as written
        return " ".join(text.replace("{", "").replace("}", "").split())


def _name(parts) -> dict:
    """A bibtexparser NameParts as CSL: `{World Health Organization}` (one braced last name) is an organisation."""
    last = " ".join(parts.last)
    if not parts.first and not parts.von and not parts.jr and last.startswith("{") and last.endswith("}"):
        return {"literal": _plain(last)}
    out = {"family": _plain(" ".join(parts.last))}
    if parts.first:
        out["given"] = _plain(" ".join(parts.first))
    if parts.von:
        out["non-dropping-particle"] = _plain(" ".join(parts.von))
    if parts.jr:
        out["suffix"] = _plain(" ".join(parts.jr))
    return out


def _issued(fields: dict) -> dict | None:
    if fields.get("date"):
        from medsite.sources.csl_shape import date

        return date(str(fields["date"]))
    year = str(fields.get("year") or "").strip()
    if not year.isdigit():
        return {"literal": year} if year else None
    parts = [int(year)]
    month = fields.get("month")
    if isinstance(month, int) or str(month or "").strip().isdigit():
        parts.append(int(month))
        day = str(fields.get("day") or "").strip()
        if day.isdigit():
            parts.append(int(day))
    return {"date-parts": [parts]}


def _entry(entry, path: str) -> tuple[Located, list[Diagnostic]]:
    line = entry.start_line + 1
    fields = {f.key.lower(): f.value for f in entry.fields}
    lines = {f.key.lower(): f.start_line + 1 for f in entry.fields}
    csl: dict = {"id": entry.key}
    key_lines = {"id": line}
    problems = []
    kind = entry.entry_type.lower()
    csl_type = TYPES.get(kind) or (kind if kind in CSL_TYPES else None)
    if csl_type is None:
        problems.append(
            Diagnostic(
                "REF012",
                f"entry '{entry.key}': BibTeX type '@{entry.entry_type}' has no CSL counterpart",
                path,
                line,
                target=entry.entry_type,
                hint="use @article, @book, @incollection, @inproceedings, @techreport, @thesis, @online or @misc",
            )
        )
        csl_type = "document"
    if csl_type == "document" and fields.get("url") and not any(k in fields for k in ("journal", "journaltitle")):
        csl_type = "webpage"  # @misc with only a URL: a web page, as Zotero exports one
    csl["type"] = csl_type
    key_lines["type"] = line
    for key, value in fields.items():
        if key in ("year", "month", "day", "date", *PUBLISHER_LIKE, "eprint", "eprinttype", "number"):
            continue
        target = NAME_FIELDS.get(key) or FIELDS.get(key) or key  # a field CSL has no name for keeps its own
        if key in NAME_FIELDS:
            csl[target] = [_name(p) for p in value] if isinstance(value, list) else value
        elif target == "accessed":
            from medsite.sources.csl_shape import date

            csl[target] = date(_plain(str(value))) or _plain(str(value))
        else:
            csl[target] = _plain(str(value))
        key_lines[target] = lines[key]
    if "number" in fields:  # an article's number is its issue; a report's is its number
        target = "issue" if csl_type.startswith("article") and "issue" not in fields else "number"
        csl[target], key_lines[target] = _plain(str(fields["number"])), lines["number"]
    if "page" in csl:
        csl["page"] = _DASHES.sub("-", csl["page"])  # `169--180` is a range, not a dash to print
    issued = _issued(fields)
    if issued:
        csl["issued"] = issued
        key_lines["issued"] = lines.get("date") or lines.get("year") or line
    for key in PUBLISHER_LIKE:
        if key in fields and "publisher" not in csl:
            csl["publisher"], key_lines["publisher"] = _plain(str(fields[key])), lines[key]
        elif key in fields:
            csl[key], key_lines[key] = _plain(str(fields[key])), lines[key]
    if fields.get("eprint"):  # BibLaTeX: eprint = {29320652}, eprinttype = {pubmed}
        kind = str(fields.get("eprinttype") or "").lower()
        target = {"pubmed": "PMID", "pmid": "PMID", "pmc": "PMCID", "pmcid": "PMCID", "doi": "DOI"}.get(kind, "eprint")
        csl.setdefault(target, _plain(str(fields["eprint"])))
        key_lines[target] = lines["eprint"]
        if target == "eprint" and kind:
            csl["eprinttype"] = kind
    return Located(csl, line, key_lines), problems


def read(text: str, path: str) -> tuple[list[Located], list[Diagnostic], list[Diagnostic]]:
    """The entries of a BibTeX file; (entries, REF012 problems to report, REF002 blocks that do not parse)."""
    import bibtexparser
    from bibtexparser import middlewares

    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)  # failed blocks are reported below, located
    library = bibtexparser.parse_string(
        text,
        append_middleware=[
            middlewares.MonthIntMiddleware(True),
            middlewares.SeparateCoAuthors(),
            middlewares.SplitNameParts(),
        ],
    )
    broken = []
    for block in library.failed_blocks:
        what = type(block).__name__
        why = (
            "two entries share this key"
            if what == "DuplicateBlockKeyBlock"
            else "a field shares its name with another"
            if what == "DuplicateFieldKeyBlock"
            else "a brace or quote is never closed, or a field lacks '='"
        )
        broken.append(
            Diagnostic(
                "REF002",
                f"this BibTeX entry cannot be read: {why}",
                path,
                block.start_line + 1,
                hint="compare it with the entry above it, or export it again from your reference manager",
            )
        )
    entries, problems = [], []
    for entry in library.entries:
        located, found = _entry(entry, path)
        entries.append(located)
        problems.extend(found)
    return entries, problems, broken
