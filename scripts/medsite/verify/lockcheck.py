"""The offline half: judge the bibliography and the site's links from the lock file.

The build gate calls `lock_diagnostics`; it never touches the network. It
errors on what the lock records as broken, retracted or mismatched, and warns
on items never verified, checked too long ago, or last seen unverifiable.

Titles and the PMID's DOI are compared here, against the bibliography as it is
now, from the evidence the lock recorded, so fixing a title in
references.yaml takes effect without a new online run.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

from ..diagnostics import Diagnostic, sort_diagnostics
from ..settings import GATE_DEFAULTS
from .ids import doi_of_url, normalize_doi, pmid_of_url, titles_match, url_key
from .lock import Item, Lock, LockError
from .notices import CORRECTIONS, SERIOUS
from .rules import RULES

_READABLE = {"expression_of_concern": "an expression of concern", "partial_retraction": "a partial retraction",
             "withdrawal": "withdrawn", "removal": "removed", "retraction": "retracted"}


def _diag(code: str, message: str, path: str, line: int | None, target: str | None, extra_hint: str | None = None):
    rule = RULES[code]
    hint = rule.fix if not extra_hint else f"{extra_hint}; {rule.fix}"
    return Diagnostic(code=code, message=message, path=path, line=line, severity=rule.severity, target=target, hint=hint)


def _notice(u: dict) -> str:
    bits = [b for b in (u.get("doi") and f"notice {u['doi']}", u.get("date"),
                        u.get("source") and f"source: {u['source']}") if b]
    return f" ({', '.join(bits)})" if bits else ""


def _state(item: Item, what: str, path: str, line: int | None, today: date, max_age_days: int) -> list[Diagnostic]:
    """Warnings about the verification itself: unclear last result, age."""
    out = []
    if item.status in ("unverifiable", "transient"):
        detail = item.evidence.get("detail") or item.status
        out.append(_diag("VER022", f"{what} could not be verified on {item.checked} ({item.status}: {detail})",
                         path, line, item.id))
    if item.is_stale(today, max_age_days):
        out.append(_diag("VER021", f"{what} was last verified on {item.checked}, more than {max_age_days} days ago",
                         path, line, item.id))
    return out


def judge_doi(item: Item, title: str | None, path: str, line: int | None, label: str | None = None) -> list[Diagnostic]:
    what, ev, out = f"DOI {label or item.id}", item.evidence, []
    if item.status == "broken":
        out.append(_diag("VER001", f"{what} does not exist (DOI handle API: not found)", path, line, item.id))
        return out
    updates = [u for u in ev.get("updates") or [] if isinstance(u, dict)]
    serious = [u for u in updates if u.get("type") in SERIOUS]
    for u in serious:
        out.append(_diag("VER003", f"{what} is {_READABLE.get(u['type'], u['type'])}{_notice(u)}", path, line, item.id))
    if item.status == "retracted" and not serious:
        out.append(_diag("VER003", f"{what} is recorded as retracted", path, line, item.id))
    for u in updates:
        if u.get("type") in CORRECTIONS:
            out.append(_diag("VER004", f"{what} has a {u['type'].replace('_', ' ')}{_notice(u)}", path, line, item.id))
    for u in ev.get("update_to") or []:
        if isinstance(u, dict):
            about = f" about {u['doi']}" if u.get("doi") else ""
            out.append(_diag("VER009", f"{what} is a {str(u.get('type', 'update')).replace('_', ' ')} notice{about}",
                             path, line, item.id))
    if ev.get("crossref") == "not-found":
        out.append(_diag("VER011", f"{what} exists but has no Crossref record; title and retractions not checked",
                         path, line, item.id))
    registered = [t for t in ev.get("registered_titles") or [] if isinstance(t, str)]
    if title and registered:
        subtitles = [s for s in ev.get("subtitles") or [] if isinstance(s, str)]
        candidates = registered + [f"{t}: {s}" for t in registered for s in subtitles]
        if not titles_match(title, *candidates):
            out.append(_diag("VER002", f"{what} is registered as '{registered[0]}', not '{title}'", path, line, item.id))
    return out


def judge_pmid(item: Item, title: str | None, doi: str | None, path: str, line: int | None) -> list[Diagnostic]:
    what, ev, out = f"PMID {item.id}", item.evidence, []
    if item.status == "broken":
        out.append(_diag("VER005", f"{what} does not exist (esummary: {ev.get('error', 'not found')})", path, line, item.id))
        return out
    if item.status == "retracted" or any(str(p).strip().lower() == "retracted publication" for p in ev.get("pubtype") or []):
        out.append(_diag("VER006", f"{what} is a Retracted Publication in PubMed", path, line, item.id))
    theirs = ev.get("doi")
    if doi and theirs and normalize_doi(doi) != normalize_doi(str(theirs)):
        out.append(_diag("VER007", f"{what} has DOI {theirs} in PubMed, but the entry says {doi}", path, line, item.id))
    if title and ev.get("title") and not titles_match(title, str(ev["title"])):
        out.append(_diag("VER008", f"{what} is titled '{ev['title']}' in PubMed, not '{title}'", path, line, item.id))
    return out


def judge_url(item: Item, locations: Sequence[tuple[str, int | None]]) -> list[Diagnostic]:
    if item.status != "broken":
        return []
    code = item.evidence.get("http_status")
    why = f"HTTP {code}" if code else (item.evidence.get("detail") or "not found")
    return [_diag("VER010", f"external link {item.id} is broken ({why}, checked {item.checked})", p, ln, item.id)
            for p, ln in locations]


def _identifiers(entry):
    """(kind, lock id, as written, field name, judge(item, line)) for the DOI and the PMID of one entry."""
    if entry.doi:
        yield ("doi", normalize_doi(entry.doi), entry.doi, "DOI",
               lambda item, line: judge_doi(item, entry.title, entry.path, line, entry.doi))
    if entry.pmid:
        pmid = entry.pmid.strip()
        yield ("pmid", pmid, pmid, "PMID", lambda item, line: judge_pmid(item, entry.title, entry.doi, entry.path, line))


def lock_diagnostics(
    lock_path: str | Path,
    bibliography,
    external_urls: Mapping[str, Sequence[tuple[str, int | None]]],
    today: date | None = None,
    max_age_days: int = GATE_DEFAULTS["verification_max_age_days"],
    *,
    display_path: str | None = None,
) -> list[Diagnostic]:
    """Diagnostics for the bibliography's DOIs/PMIDs and the site's external links, from the lock only.

    - bibliography: a `medsite.bibliography.Bibliography`, or None to judge links only.
    - external_urls: {url: [(path, line), ...]} of external links as the gate found them (fragments
      are ignored; doi.org and pubmed.ncbi.nlm.nih.gov/<pmid>/ links are judged through their DOI/PMID
      items, and skipped when the bibliography already carries that DOI/PMID).
    - display_path: how to name the lock file in a VER030 diagnostic (default: lock_path as given).
    """
    today = today or date.today()
    lock_display = display_path or Path(lock_path).as_posix()
    try:
        lock = Lock.load(lock_path)
    except LockError as exc:
        return [_diag("VER030", f"lock file {exc}", lock_display, None, None)]

    out: list[Diagnostic] = []
    bib_dois: set[str] = set()
    bib_pmids: set[str] = set()
    for entry in getattr(bibliography, "entries", None) or []:
        for kind, ident, written, field, judge in _identifiers(entry):
            (bib_dois if kind == "doi" else bib_pmids).add(ident)
            line = entry.line_of(field)
            item = lock.get(kind, ident)
            label = f"{field} {written}"
            if item is None:
                out.append(_diag("VER020", f"{label} ({entry.id}) has never been verified online", entry.path, line, ident))
            else:
                out += judge(item, line)
                out += _state(item, label, entry.path, line, today, max_age_days)

    grouped: dict[str, list[tuple[str, int | None]]] = {}
    for url, locations in external_urls.items():
        if url.lower().startswith(("http://", "https://")):
            grouped.setdefault(url_key(url), []).extend(locations)
    for url, locations in sorted(grouped.items()):
        locations = sorted({(str(p), ln) for p, ln in locations}, key=lambda pl: (pl[0], pl[1] or 0))
        if not locations:
            continue
        first_path, first_line = locations[0]
        others = f" (and {len(locations) - 1} more)" if len(locations) > 1 else ""
        doi, pmid = doi_of_url(url), pmid_of_url(url)
        if doi is not None:
            if doi in bib_dois:
                continue
            kind, ident, what = "doi", doi, f"DOI link {url}"
        elif pmid is not None:
            if pmid in bib_pmids:
                continue
            kind, ident, what = "pmid", pmid, f"PubMed link {url}"
        else:
            kind, ident, what = "url", url, f"external link {url}"
        item = lock.get(kind, ident)
        if item is None:
            out.append(_diag("VER020", f"{what} has never been verified online{others}", first_path, first_line, url))
            continue
        if kind == "doi":
            found = judge_doi(item, None, first_path, first_line)
            out += [d for d in found if d.code != "VER011"]
        elif kind == "pmid":
            out += judge_pmid(item, None, None, first_path, first_line)
        else:
            out += judge_url(item, locations)
        out += _state(item, what, first_path, first_line, today, max_age_days)
    return sort_diagnostics(out)
