"""Check PMIDs through NCBI esummary, in batches.

`<PUBMED_API_URL>/esummary.fcgi?db=pubmed&id=1,2,3&retmode=json` answers
`result.<pmid>` with `title`, `pubtype` (a list that holds "Retracted
Publication" for retracted works) and `articleids` (one of which may be the
DOI). An unknown PMID is HTTP 200 with an `error` field in its record.
"""

from __future__ import annotations

from medsite.lock.ids import is_pmid, normalize_doi
from medsite.lock.lockfile import Check
from medsite.verify.client import HttpClient, Outcome
from medsite.verify.services import TOOL, Services

BATCH = 200  # NCBI's advice for ids per GET request
RETRACTED = "retracted publication"


def _record_check(pmid: str, record: object) -> Check:
    if not isinstance(record, dict):
        return Check("pmid", pmid, "unverifiable", {}, "esummary: the PMID is missing from the answer")
    if record.get("error"):
        return Check("pmid", pmid, "broken", {"error": str(record["error"])}, f"esummary: {record['error']}")
    pubtypes = [str(p) for p in record.get("pubtype") or [] if isinstance(p, str)]
    evidence: dict = {"title": str(record.get("title") or ""), "pubtype": pubtypes}
    for aid in record.get("articleids") or []:
        if isinstance(aid, dict) and aid.get("idtype") == "doi" and aid.get("value"):
            evidence["doi"] = normalize_doi(str(aid["value"]))
            break
    status = "retracted" if any(p.strip().lower() == RETRACTED for p in pubtypes) else "ok"
    return Check("pmid", pmid, status, evidence)


def check_pmids(pmids: list[str], client: HttpClient, services: Services, contact: str | None = None) -> dict[str, Check]:
    """Check PMIDs (digits) in batches; never raises. Returns one Check per PMID."""
    results: dict[str, Check] = {}
    valid = []
    for pmid in dict.fromkeys(pmids):
        if is_pmid(pmid):
            valid.append(pmid)
        else:
            results[pmid] = Check("pmid", pmid, "broken", {"error": "not a PubMed ID (digits only)"}, "not a PMID")
    for start in range(0, len(valid), BATCH):
        batch = valid[start:start + BATCH]
        results.update(_check_batch(batch, client, services, contact))
    return results


def _check_batch(batch: list[str], client: HttpClient, services: Services, contact: str | None) -> dict[str, Check]:
    params = {"db": "pubmed", "id": ",".join(batch), "retmode": "json", "tool": TOOL}
    if contact:
        params["email"] = contact
    answer = client.get(f"{services.pubmed}/esummary.fcgi", params=params)
    if answer.outcome is not Outcome.OK:
        # A 404 from esummary means the endpoint is wrong, not that the PMIDs are unknown.
        outcome = "unverifiable" if answer.outcome is Outcome.BROKEN else answer.outcome.value
        return {p: Check("pmid", p, outcome, {}, f"esummary: {answer.detail}") for p in batch}
    result = answer.data.get("result") if isinstance(answer.data, dict) else None
    if not isinstance(result, dict):
        why = answer.data.get("error") if isinstance(answer.data, dict) else None
        detail = f"esummary: unexpected answer ({why or 'no result object'})"
        return {p: Check("pmid", p, "transient", {}, detail) for p in batch}
    return {p: _record_check(p, result.get(p)) for p in batch}
