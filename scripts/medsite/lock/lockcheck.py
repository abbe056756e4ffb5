"""The offline half: judge the bibliography and the site's links from the lock file.

The build gate calls `lock_diagnostics`; it never touches the network. It
errors on what the lock records as broken, retracted or mismatched, and warns
on items never verified, checked too long ago, or last seen unverifiable.

Titles and the PMID's DOI are compared here, against the bibliography as it is
now, from the evidence the lock recorded, so fixing a title in
references.yaml takes effect without a new online run.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

from medsite.core import clock
from medsite.core.diagnostics import Diagnostic, sort_diagnostics
from medsite.core.rule import ERROR, WARNING, Rule, declare
from medsite.lock.ids import doi_of_url, normalize_doi, pmid_of_url, titles_match, url_key
from medsite.lock.lockfile import Item, Lock, LockError
from medsite.lock.notices import CORRECTIONS, SERIOUS
from medsite.sources.settings import GATE_DEFAULTS

# The lock items that the rules' examples start from, each verified and fresh: an example changes
# only what its rule is about, so readers see the difference.
_VERIFIED = {
    "doi": {"kind": "doi", "id": "10.1000/abc123", "checked": "2026-11-20", "status": "ok",
            "evidence": {"registered_titles": ["A study of MS"]}},
    "pmid": {"kind": "pmid", "id": "123456", "checked": "2026-11-20", "status": "ok",
             "evidence": {"title": "A study of MS", "doi": "10.1000/abc123"}},
    "url": {"kind": "url", "id": "https://www.nhs.uk/conditions/multiple-sclerosis/", "checked": "2026-11-20",
            "status": "ok"},
}


# An entry of the examples' bibliography that no page cites: the lock's own retraction and correction codes
# are for such entries (a cited work's notices are judged at each citing sentence, VER012 and VER013).
UNCITED_DOI, UNCITED_PMID = "10.1000/uncited1", "654321"


def example_lock(kind: str, **changes) -> str:
    """A lock file's items for a rule's example: the verified item of this kind with fields changed."""
    return "[\n  " + json.dumps({**_VERIFIED[kind], **changes}) + "\n]"


# The codes this module reports, beside the check (registered on import, see medsite.core.rule).
RULES = declare(
    Rule("VER001", ERROR,
         what="DOI not found: the DOI handle API does not know it (handle code 100, HTTP 404)",
         why="a DOI that does not resolve is often a fabricated or mistyped reference; readers cannot check the claim",
         fix="copy the DOI again from the publisher's page or PubMed; a plausible-looking DOI can be fake",
         where="verification.lock.json",
         bad=example_lock("doi", status="broken", evidence={}),
         good=example_lock("doi")),
    Rule("VER002", ERROR,
         what="the title registered for the DOI (Crossref) does not match the bibliography's title",
         why="a real DOI attached to the wrong work makes a claim look supported by a paper that says something else",
         fix="check that the DOI belongs to the cited work; then copy the title exactly",
         where="verification.lock.json",
         bad=example_lock("doi", evidence={"registered_titles": ["Stem cells for heart failure"]}),
         good=example_lock("doi")),
    Rule("VER003", ERROR,
         what="the DOI is retracted, withdrawn, removed or under an expression of concern (Crossref, Retraction Watch); "
              "in the gate, for an entry no page cites (the sentences citing a work are judged by VER012 and VER013)",
         why="a retracted or doubted study is not evidence; citing it as support misleads patients",
         fix="stop citing the work as evidence; if it must be mentioned, say that it was retracted and cite the notice",
         where="verification.lock.json",
         bad=example_lock("doi", id=UNCITED_DOI, evidence={"registered_titles": ["A study of MS"], "updates": [{"type": "retraction", "doi": "10.1000/notice", "date": "2025-03-01"}]}),
         good=example_lock("doi")),
    Rule("VER004", WARNING,
         what="the DOI has a correction, erratum or corrigendum; in the gate, for an entry no page cites (VER013 for cited ones)",
         why="a correction can change the numbers or conclusions the page relies on",
         fix="read the correction and check that what the page says still holds",
         where="verification.lock.json",
         bad=example_lock("doi", id=UNCITED_DOI, evidence={"registered_titles": ["A study of MS"], "updates": [{"type": "correction", "doi": "10.1000/fix", "date": "2025-03-01"}]}),
         good=example_lock("doi")),
    Rule("VER005", ERROR,
         what="PMID not found: NCBI esummary returns an error for it",
         why="a PMID that does not exist sends readers nowhere and suggests a fabricated reference",
         fix="copy the PMID again from PubMed",
         where="verification.lock.json",
         bad=example_lock("pmid", status="broken", evidence={"error": "cannot get document summary"}),
         good=example_lock("pmid")),
    Rule("VER006", ERROR,
         what="PubMed lists the PMID as a 'Retracted Publication'; in the gate, for an entry no page cites (VER012 for cited ones)",
         why="PubMed marks retractions even when the publisher's record does not",
         fix="stop citing the work as evidence; if it must be mentioned, say that it was retracted",
         where="verification.lock.json",
         bad=example_lock("pmid", id=UNCITED_PMID, evidence={"title": "A study of MS", "doi": UNCITED_DOI, "pubtype": ["Journal Article", "Retracted Publication"]}),
         good=example_lock("pmid")),
    Rule("VER007", ERROR,
         what="the DOI that PubMed lists for the PMID differs from the entry's DOI",
         why="the entry mixes identifiers of two works, so one of its links points at the wrong paper",
         fix="one of the two identifiers belongs to another work: check both against PubMed",
         where="verification.lock.json",
         bad=example_lock("pmid", evidence={"title": "A study of MS", "doi": "10.1000/other"}),
         good=example_lock("pmid")),
    Rule("VER008", ERROR,
         what="the PubMed title for the PMID does not match the bibliography's title",
         why="the PMID points at a different paper than the one named",
         fix="check that the PMID belongs to the cited work; then copy the title exactly",
         where="verification.lock.json",
         bad=example_lock("pmid", evidence={"title": "Stem cells for heart failure", "doi": "10.1000/abc123"}),
         good=example_lock("pmid")),
    Rule("VER009", WARNING,
         what="the DOI is itself a retraction, correction or other update notice for another work",
         why="a notice is rarely what a page means to cite, and hides the original work",
         fix="cite the original work unless the notice is what the page discusses",
         where="verification.lock.json",
         bad=example_lock("doi", evidence={"registered_titles": ["A study of MS"], "update_to": [{"type": "retraction", "doi": "10.1000/original"}]}),
         good=example_lock("doi")),
    Rule("VER010", ERROR,
         what="external link is broken (HTTP 404 or 410)",
         why="readers who follow a dead link cannot check the source",
         fix="find the page's new address (or an archived copy) and update the link",
         where="verification.lock.json",
         bad=example_lock("url", status="broken", evidence={"http_status": 404}),
         good=example_lock("url")),
    Rule("VER011", WARNING,
         what="the DOI exists but Crossref has no record of it, so its title and retraction status were not checked",
         why="without a Crossref record the title and any retraction cannot be checked automatically",
         fix="check the title and any retraction by hand at the registration agency (e.g. DataCite)",
         where="verification.lock.json",
         bad=example_lock("doi", evidence={"crossref": "not-found"}),
         good=example_lock("doi")),
    Rule("VER020", WARNING,
         what="item has never been verified online: it is not in the lock file",
         why="an unverified reference could be fake, retracted or mistyped",
         fix="run `make verify` (needs network) and commit verification.lock.json (from the browser, GitHub's Actions tab runs the same check: Verify references, Run workflow; it opens a pull request with the file)",
         where="verification.lock.json",
         bad="[]",
         good=example_lock("doi")),
    Rule("VER021", WARNING,
         what="the item's verification is older than the maximum age",
         why="retractions and dead links appear over time; an old check may no longer hold",
         fix="run `make verify` to refresh stale entries and commit verification.lock.json (from the browser, GitHub's Actions tab runs the same check: Verify references, Run workflow)",
         where="verification.lock.json",
         bad=example_lock("doi", checked="2025-01-10"),
         good=example_lock("doi")),
    Rule("VER022", WARNING,
         what="the last online check could not verify the item (unverifiable: 401/403/429, bot challenge; or transient: timeout, 5xx)",
         why="the service refused or failed, so nothing is known about the item",
         fix="run `make verify` again later (from the browser, GitHub's Actions tab runs the same check: Verify references, Run workflow); if it persists, check the item by hand",
         where="verification.lock.json",
         bad=example_lock("doi", status="unverifiable", evidence={"detail": "HTTP 403"}),
         good=example_lock("doi")),
    Rule("VER030", ERROR,
         what="the lock file cannot be read (not JSON, or not the expected shape)",
         why="without the lock file the build cannot tell verified references from unverified ones",
         fix="restore verification.lock.json from git, or delete it and run `make verify` (from the browser: open the file's History on GitHub and restore the last good version)",
         where="verification.lock.json",
         bad=example_lock("doi", status="fine"),
         good=example_lock("doi")),
)

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

    - bibliography: a `medsite.sources.bibliography.Bibliography`, or None to judge links only.
    - external_urls: {url: [(path, line), ...]} of external links as the gate found them (fragments
      are ignored; doi.org and pubmed.ncbi.nlm.nih.gov/<pmid>/ links are judged through their DOI/PMID
      items, and skipped when the bibliography already carries that DOI/PMID).
    - display_path: how to name the lock file in a VER030 diagnostic (default: lock_path as given).
    """
    today = today or clock.today()
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
