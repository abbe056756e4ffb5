"""Bring a bibliography entry, as Zotero, Better BibTeX or Pandoc write it, into one shape.

CSL allows several spellings of the same thing, and reference managers use
them all. The CSL processor and the checks read one: names as a list of
`{family, given}` or `{literal}` mappings, dates as `{date-parts: [[y, m, d]]}`
(or `{literal: ...}`), text fields as strings. Everything else is reported
as REF012 at the field's line, with a fix in plain words, and the field is
left out so that nothing downstream meets a shape it cannot read.

Accepted, besides the one shape:

- dates: `issued: [{year: 2018, month: 1}]` (Better BibTeX's CSL YAML),
  `issued: {year: 2018}`, `issued: {raw: "2018-01-11"}`, `issued: 2018`,
  `issued: "2018-01"`, `issued: {literal: "Spring 2018"}`;
- names: a single mapping instead of a list, `{name: ...}` for an
  organisation, a string per person, or all authors as one string
  ("Reich DS, Lucchinetti CF", "Reich, Daniel and Lucchinetti, Claudia",
  "Reich, D.; Lucchinetti, C."); a name that cannot be split safely is kept
  whole, as `literal`, never guessed;
- text: numbers (`volume: 378`) and one-item lists (`title: [Multiple sclerosis]`, as in Crossref JSON).
"""

from __future__ import annotations

import re

from medsite.core.diagnostics import Diagnostic
from medsite.core.rule import ERROR, Rule, declare, example_entry

# The codes this module reports, beside the check (registered on import, see medsite.core.rule).
RULES = declare(
    Rule("REF012", ERROR,
         what="A bibliography field is in a shape the site cannot read (a name, date or text written in an unexpected form).",
         why="The reference would be printed wrongly or not at all.",
         fix="Write names as '- family: Reich' with 'given: DS' (organisations as '- literal: Name'), the year as 'issued: {date-parts: [[2018]]}', and text on one line; the message says which field.",
         where="docs/references.yaml",
         bad=example_entry(issued="{season: spring}"),
         good=example_entry()),
)

CODE = "REF012"
NAME_FIELDS = ("author", "editor", "translator", "container-author", "collection-editor", "composer", "director",
               "interviewer", "illustrator", "original-author", "recipient", "reviewed-author", "editorial-director")
DATE_FIELDS = ("issued", "accessed", "event-date", "original-date", "submitted")
TEXT_FIELDS = ("type", "title", "title-short", "container-title", "container-title-short", "collection-title",
               "publisher", "publisher-place", "volume", "issue", "page", "edition", "number", "DOI", "PMID",
               "PMCID", "URL", "language", "medium", "genre", "note", "abstract", "source")
_NAME_PARTS = ("family", "given", "literal", "suffix", "dropping-particle", "non-dropping-particle")
_PUBMED_NAME = re.compile(r"^(?P<family>\S.*?)\s+(?P<given>[A-Z]{1,4})$")
# The last word of a "given name" such as "Claudia Lucchinetti": a surname, so a second person.
_SURNAME = re.compile(r"^[A-Z][a-z]{2,}$")
_ISO_DATE = re.compile(r"^(\d{4})(?:[-/](\d{1,2})(?:[-/](\d{1,2}))?)?$")

NAME_FIX = ("write each person as a list item, '- family: Reich' with 'given: DS' on the next line, "
            "and an organisation as '- literal: World Health Organization'")
DATE_FIX = "write the year as 'issued: {date-parts: [[2018]]}' (add month and day if known: [[2018, 1, 11]])"
TEXT_FIX = "write it as plain text on one line; put quotes around it if it contains ': '"


def _text(value) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return value
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], (str, int)):
        return str(value[0])
    return None


# -- names ----------------------------------------------------------------------


def _one_name(text: str) -> dict:
    """A person written as one string: 'Family, Given', 'Family GI' (PubMed); anything else kept whole."""
    text = " ".join(text.split())
    if text.count(",") == 1:
        family, given = (p.strip() for p in text.split(","))
        if family and given:
            return {"family": family, "given": given}
    m = _PUBMED_NAME.match(text)
    if m:
        return {"family": m["family"], "given": m["given"]}
    return {"literal": text}


def names_from_string(text: str) -> list[dict]:
    text = text.strip()
    if not text:
        return []
    if " and " in text:  # BibTeX: "Reich, Daniel and Lucchinetti, Claudia"
        parts = text.split(" and ")
    elif ";" in text:
        parts = text.split(";")
    else:
        pieces = [p.strip() for p in text.split(",")]
        # PubMed style "Reich DS, Lucchinetti CF": every piece is a surname and initials.
        parts = pieces if len(pieces) > 1 and all(_PUBMED_NAME.match(p) for p in pieces) else [text]
    return [_one_name(p) for p in parts if p.strip()]


def _unsplit_names(value) -> str | None:
    """A one-line name list we could not split into people ("Daniel Reich, Claudia Lucchinetti"), if any:
    it would print as one organisation's name, so it is reported instead (an organisation has no comma)."""
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str):
            for name in names_from_string(item):
                if "literal" in name and re.search(r",|;| and ", name["literal"]):
                    return name["literal"]
                given = name.get("given", "").split()
                if " " in name.get("family", "") and len(given) > 1 and _SURNAME.match(given[-1]):
                    return item.strip()  # "Daniel Reich, Claudia Lucchinetti" is not Family, Given
    return None


def _name(value) -> list[dict] | None:
    if isinstance(value, str):
        return names_from_string(value)
    if not isinstance(value, dict):
        return None
    if "name" in value and not any(k in value for k in _NAME_PARTS) and _text(value["name"]):
        return [{"literal": _text(value["name"])}]  # DataCite and some exports name organisations so
    out = {}
    for key, part in value.items():
        if key in _NAME_PARTS or key in ("parse-names", "static-ordering", "comma-suffix"):
            text = _text(part) if not isinstance(part, bool) else part
            if text is None:
                return None
            out[key] = text
    if not (out.get("family") or out.get("literal") or out.get("given")):
        return None
    return [out]


def names(value) -> list[dict] | None:
    """The names in any accepted shape, or None if the shape is not one of them."""
    items = value if isinstance(value, list) else [value]
    out: list[dict] = []
    for item in items:
        found = _name(item)
        if found is None:
            return None
        out.extend(found)
    return out


# -- dates ----------------------------------------------------------------------


def _int(value) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _parts(values) -> list[int] | None:
    if not isinstance(values, list) or not 1 <= len(values) <= 3:
        return None
    ints = [_int(v) for v in values]
    return ints if all(i is not None for i in ints) else None


def _ymd(value: dict) -> list[int] | None:
    parts = [value.get(k) for k in ("year", "month", "day")]
    while parts and parts[-1] in (None, ""):
        parts.pop()
    return _parts(parts) if parts else None


def _from_string(text: str) -> dict:
    m = _ISO_DATE.match(text.strip())
    if m:
        return {"date-parts": [[int(g) for g in m.groups() if g]]}
    return {"literal": text.strip()}


def date(value) -> dict | None:
    """The date in the one shape, or None if the shape is not an accepted one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return {"date-parts": [[value]]}
    if isinstance(value, str) and value.strip():
        return _from_string(value)
    if isinstance(value, list):  # Better BibTeX: [{year: 2018}] or a range of two
        found = [_ymd(v) if isinstance(v, dict) else None for v in value]
        return {"date-parts": found} if found and all(found) and len(found) <= 2 else None
    if not isinstance(value, dict):
        return None
    if "date-parts" in value:
        raw = value["date-parts"]
        rows = [_parts(r) for r in raw] if isinstance(raw, list) and raw else [None]
        return {"date-parts": rows} if all(rows) and len(rows) <= 2 else None
    if _text(value.get("literal")):
        return {"literal": _text(value["literal"])}
    if _text(value.get("raw")):
        return _from_string(_text(value["raw"]))
    ymd = _ymd(value)
    return {"date-parts": [ymd]} if ymd else None


# -- one entry ------------------------------------------------------------------


# -- identifiers written another way ---------------------------------------------

# CSL's upper-case variables, as some exports write them (BibTeX and hand-written YAML: `doi:`, `pmid:`).
UPPER_CASE = ("DOI", "PMID", "PMCID", "URL", "ISBN", "ISSN")
# Zotero keeps what CSL has no field for in `note` (its "Extra" field), one `Name: value` per line.
_NOTE_ID = re.compile(r"(?<!\S)(DOI|PMID|PMCID|PubMed ID)\s*:\s*(\S+?)[.;,]?(?=\s|$)", re.I)


def identifiers(out: dict, key_lines: dict, refuse) -> None:
    """Read `doi:`/`pmid:` as DOI/PMID and Zotero's `note: "PMID: 123"` as PMID (in place); a disagreement is refused."""
    for upper in UPPER_CASE:
        for key in [k for k in out if isinstance(k, str) and k != upper and k.upper() == upper]:
            value = out.pop(key)
            if upper in out and str(out[upper]).strip() != str(value).strip():
                refuse(key, f"says {value} but '{upper}' says {out[upper]}", f"keep one '{upper}:' field, with the value from the publisher or PubMed")
                continue
            out.setdefault(upper, value)
            key_lines.setdefault(upper, key_lines.get(key))
    note = out.get("note")
    if not isinstance(note, str):
        return
    for m in list(_NOTE_ID.finditer(note)):
        field = {"PUBMED ID": "PMID"}.get(m[1].upper(), m[1].upper())
        if field in out and str(out[field]).strip().lower() != m[2].lower():
            refuse("note", f"says {field} {m[2]} but '{field}' says {out[field]}", f"keep one '{field}:' field, with the value from the publisher or PubMed")
            return
        out.setdefault(field, m[2])
        key_lines.setdefault(field, key_lines.get("note"))
    rest = "\n".join(line.strip() for line in _NOTE_ID.sub("", note).splitlines() if line.strip())
    if rest:
        out["note"] = rest
    else:
        out.pop("note")


def normalise(csl: dict, *, entry_id: str, path: str, line_of, key_lines: dict | None = None) -> tuple[dict, list[Diagnostic]]:
    """The entry in the one shape, and a REF012 for each field in a shape we cannot read (left out).

    `key_lines` (the field lines) gains the lines of identifiers read from another spelling or from `note`.
    """
    out = dict(csl)
    problems = []
    key_lines = {} if key_lines is None else key_lines

    def refuse(key: str, what: str, fix: str) -> None:
        out.pop(key, None)
        problems.append(Diagnostic(CODE, f"entry '{entry_id}': '{key}' {what}", path, line_of(key), target=key, hint=fix))

    # (fields, whether a value needs reading into the one shape, the reader, what is wrong when it cannot, fix)
    kinds = (
        (NAME_FIELDS, lambda v: v not in (None, "", []), names, "is not a list of names", NAME_FIX),
        (DATE_FIELDS, lambda v: v not in (None, ""), date, "is not a date this site can read", DATE_FIX),
        (TEXT_FIELDS, lambda v: v is not None and not isinstance(v, str), _text,
         "should be text, but is a list or a group of fields", TEXT_FIX),
    )
    identifiers(out, key_lines, refuse)
    for key in NAME_FIELDS:
        unsplit = _unsplit_names(csl.get(key))
        if unsplit:
            refuse(key, f"holds several names the site cannot tell apart ('{unsplit}')", NAME_FIX)
    for fields, needs_reading, read, what, fix in kinds:
        for key in fields:
            if key in out and needs_reading(out[key]):
                found = read(out[key])
                if found is None:
                    refuse(key, what, fix)
                else:
                    out[key] = found
    return out, problems
