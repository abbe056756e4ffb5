"""`make cite FILE=export.bib`: convert a reference manager's export and append its entries to the bibliography.

The export may be in any shape the bibliography may be in (sources/bib_shapes.py): CSL YAML, CSL JSON,
Better BibTeX's CSL, BibTeX. Every field is kept (converted to its CSL name); a work the bibliography
already has (same DOI, PMID or key) is left out with one line saying where it is. Nothing is looked up
online: the new entries are checked by `make verify-references`, as hand-written ones are.
"""

from __future__ import annotations

import re
from pathlib import Path

from medsite.core.diagnostics import DiagnosticError
from medsite.gate import formatters
from medsite.lock.ids import normalize_doi
from medsite.sources.bibliography import Bibliography, Entry
from medsite.sources.bibliography import load as load_bibliography
from medsite.tools.cite import append
from medsite.tools.cite.entry import key_for

# A key that reads well in `[@key]`; Zotero's own ids ("http://zotero.org/users/1/items/AB12", "1234/AB12") do not.
_GOOD_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
# The field order of the existing entries (tools/cite/entry.py), then the export's own fields in its order.
_FIRST = (
    "id",
    "type",
    "author",
    "editor",
    "title",
    "container-title",
    "issued",
    "volume",
    "issue",
    "page",
    "DOI",
    "PMID",
    "PMCID",
    "URL",
)
FINDINGS = "findings"


def _ordered(csl: dict) -> dict:
    return {**{k: csl[k] for k in _FIRST if k in csl}, **{k: v for k, v in csl.items() if k not in _FIRST}}


def _same_work(entry: Entry, bib: Bibliography) -> Entry | None:
    for other in bib.entries:
        if entry.doi and other.doi and normalize_doi(entry.doi) == normalize_doi(other.doi):
            return other
        if entry.pmid and other.pmid and entry.pmid.strip() == other.pmid.strip():
            return other
    return None


def no_findings_line(key: str, path: str, line: int) -> str:
    return (
        f"{path}:{line}: warning: '{key}' has no findings yet; add `{FINDINGS}:` to it, a list of what the work "
        "found in your own words with every number a page takes from it (CONTRIBUTING.md, "
        '"Numbers must match the source\'s findings")'
    )


def main(file: str, bib_path: str, say, fail, warn=None) -> int:
    """Append the export's new entries to `bib_path`; `say` prints a line, `warn` a problem, `fail(message, status)` ends."""
    warn = warn or say
    try:
        bib = load_bibliography(bib_path)
    except DiagnosticError as exc:
        warn(formatters.lines(exc.diagnostics))
        return fail(f"fix {bib_path} first; nothing was added", 2)
    try:
        export = load_bibliography(file)
    except DiagnosticError as exc:
        warn(formatters.lines(exc.diagnostics))
        return fail(f"{file} cannot be read as a bibliography; nothing was added", 1)
    if export.problems:
        warn(formatters.lines(export.problems))
        return fail(
            f"fix these fields in {file} (or in your reference manager, and export again); nothing was added", 1
        )
    if not export.entries:
        return fail(f"{file} has no entries; nothing was added", 1)
    path = Path(bib_path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return fail(f"cannot read {bib_path}: {exc}; nothing was added", 2)
    taken = set(bib.by_id)
    added, refused = [], 0
    seen = Bibliography(bib.path, list(bib.entries))
    for entry in export.entries:
        same = _same_work(entry, seen)
        if same:
            where = f"{same.path}:{same.line}"
            say(
                f"{file}:{entry.line}: '{entry.id}' is already in the bibliography as '{same.id}' ({where}, same "
                f"{'DOI' if entry.doi and same.doi and normalize_doi(entry.doi) == normalize_doi(same.doi) else 'PMID'}); left out"
            )
            continue
        key = entry.id
        if not _GOOD_KEY.match(key):
            key = key_for(entry.csl, taken)
            say(f"{file}:{entry.line}: '{entry.id}' is not a key to cite; the entry is added as '{key}'")
        elif key in taken:
            say(
                f"{file}:{entry.line}: the key '{key}' is already used by another work ({bib.path}:"
                f"{bib.get(key).line if bib.get(key) else '?'}); left out: give it another key in the export and run this again"
            )
            refused += 1
            continue
        csl = _ordered({**entry.csl, "id": key})
        try:
            text = append.appended_text(text, csl, bib.path)
        except (append.AppendError, DiagnosticError) as exc:
            message = formatters.lines(exc.diagnostics) if isinstance(exc, DiagnosticError) else str(exc)
            return fail(f"{message}; nothing was added", 1)
        taken.add(key)
        seen.entries.append(entry)
        added.append(key)
    if added:
        try:
            append.write_atomically(path, text)
        except OSError as exc:
            return fail(f"cannot write: {exc}", 1)
        written = load_bibliography(bib_path)
        for key in added:
            if not written.get(key).has_findings:
                say(no_findings_line(key, bib.path, written.get(key).line))
        say(
            f"added {len(added)} entr{'y' if len(added) == 1 else 'ies'} from {file} to {bib.path}: "
            f"{', '.join(added)}. Cite as [@{added[0]}]; run `make verify-references` where there is internet "
            "to check their DOIs and PMIDs"
        )
    else:
        say(f"nothing was added from {file}")
    return 1 if refused else 0
