"""Check one DOI: does it exist, what is it called, and has it been retracted?

1. The DOI handle API (`<DOI_API_URL>/api/handles/<doi>`) says whether the DOI
   exists: `responseCode` 1 yes, 100 no (HTTP 404). Publisher pages are never
   fetched; they block robots.
2. Crossref (`<CROSSREF_API_URL>/works/<doi>`) gives the registered title
   (`message.title`, `message.subtitle`) and the updates:
   `message.updated-by[]` (this work was retracted, corrected... by another
   DOI; `source` is `publisher` or `retraction-watch`) and
   `message.update-to[]` (this DOI is itself a notice about another work).

The result is a `Check` whose evidence the lock file keeps; the judgement
against the bibliography (title, corrections) is made offline from it.
"""

from __future__ import annotations

from urllib.parse import quote

from medsite.lock.lockfile import Check
from medsite.lock.notices import SERIOUS
from medsite.verify.client import HttpClient, Outcome
from medsite.verify.services import Services


def update_type(raw: object) -> str:
    return str(raw or "").strip().lower().replace("-", "_").replace(" ", "_")


def _date(update: dict) -> str | None:
    updated = update.get("updated")
    if not isinstance(updated, dict):
        return None
    parts = updated.get("date-parts")
    if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
        try:
            return "-".join(f"{int(p):02d}" if i else f"{int(p):04d}" for i, p in enumerate(parts[0][:3]))
        except (TypeError, ValueError):
            pass
    stamp = updated.get("date-time")
    return str(stamp)[:10] if stamp else None


def _updates(raw: object) -> list[dict]:
    if not isinstance(raw, list):
        return []
    out = []
    for u in raw:
        if not isinstance(u, dict):
            continue
        record = {"type": update_type(u.get("type")), "doi": str(u.get("DOI") or "").lower() or None,
                  "source": u.get("source") or None, "date": _date(u), "label": u.get("label") or None}
        out.append({k: v for k, v in record.items() if v})
    # Deduplicate (Crossref lists the same notice from publisher and Retraction Watch) and sort.
    unique = {tuple(sorted(r.items())): r for r in out}
    return [unique[k] for k in sorted(unique)]


def _strings(raw: object) -> list[str]:
    if isinstance(raw, str):
        return [raw]
    if isinstance(raw, list):
        return [str(t) for t in raw if isinstance(t, str) and t.strip()]
    return []


def path_part(doi: str) -> str:
    return quote(doi, safe="/()[]:;,.-_")


def check_doi(doi: str, client: HttpClient, services: Services) -> Check:
    """Check a normalized DOI against the handle API and Crossref. Never raises."""
    handle = client.get(f"{services.doi}/api/handles/{path_part(doi)}")
    code = handle.data.get("responseCode") if isinstance(handle.data, dict) else None
    if handle.outcome is Outcome.BROKEN or code == 100:
        return Check("doi", doi, "broken", {"handle": code if code is not None else f"HTTP {handle.status}"},
                     f"DOI handle API: not found (HTTP {handle.status}, responseCode {code})")
    if handle.outcome is not Outcome.OK:
        return Check("doi", doi, handle.outcome.value, {}, f"DOI handle API: {handle.detail}")
    if code not in (1, 200):
        return Check("doi", doi, "transient", {}, f"DOI handle API: unexpected answer (responseCode {code!r})")

    evidence: dict = {"handle": code}
    work = client.get(f"{services.crossref}/works/{path_part(doi)}")
    if work.outcome is Outcome.BROKEN:
        # Registered with another agency (DataCite, mEDRA...): exists, but Crossref cannot tell us more.
        evidence["crossref"] = "not-found"
        return Check("doi", doi, "ok", evidence)
    if work.outcome is not Outcome.OK:
        return Check("doi", doi, work.outcome.value, evidence, f"Crossref: {work.detail}")
    message = work.data.get("message") if isinstance(work.data, dict) else None
    if not isinstance(message, dict):
        return Check("doi", doi, "transient", evidence, "Crossref: unexpected answer (no 'message' object)")

    evidence["crossref"] = "found"
    evidence["registered_titles"] = _strings(message.get("title"))
    subtitles = _strings(message.get("subtitle"))
    if subtitles:
        evidence["subtitles"] = subtitles
    updates = _updates(message.get("updated-by"))
    if updates:
        evidence["updates"] = updates
    notices = _updates(message.get("update-to"))
    if notices:
        evidence["update_to"] = notices
    status = "retracted" if any(u.get("type") in SERIOUS for u in updates) else "ok"
    return Check("doi", doi, status, evidence)
