"""Look a work up online by DOI or PMID, and refuse anything doubtful.

A DOI is checked exactly as `make verify` checks it (the DOI handle API, then
Crossref for the registered title and retractions), and its metadata comes
from DOI content negotiation as CSL JSON. A PMID comes from PubMed esummary;
when PubMed lists a DOI, that DOI is checked too and both titles must agree.

The checks made on the way are returned, so that the lock file can record
them and the new entry counts as verified online.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from medsite.lock.ids import is_pmid, normalize_doi, titles_match
from medsite.lock.lockfile import Check
from medsite.tools.cite import entry as entries
from medsite.verify.client import HttpClient, Outcome
from medsite.verify.doi import check_doi, path_part
from medsite.verify.pubmed import _record_check
from medsite.verify.services import TOOL, Services

CSL_JSON = "application/vnd.citationstyles.csl+json"


class CiteError(Exception):
    """Why nothing was added, in one plain sentence."""


@dataclass
class Found:
    entry: dict  # the new entry, without its id
    checks: list[Check] = field(default_factory=list)  # what to record in the lock file
    note: str = ""  # something the editor should know (no PMID found...)


def _unreachable(service: str, detail: str) -> CiteError:
    return CiteError(f"could not reach {service} ({detail}); nothing was added. "
                     "Try again when you are online, or add the source by hand (CONTRIBUTING.md)")


def _judge_doi(check: Check, doi: str) -> None:
    """Raise unless the DOI exists and nothing is wrong with it."""
    if check.status == "broken":
        raise CiteError(f"DOI {doi} does not exist (the DOI handle API does not know it); "
                        "copy it again from the publisher's page or PubMed")
    if check.status == "retracted":
        raise CiteError(f"DOI {doi} is retracted, withdrawn or under an expression of concern; "
                        "it cannot be cited as evidence")
    if check.status in ("transient", "unverifiable"):
        raise _unreachable("the DOI services", check.detail or check.status)
    notices = check.evidence.get("update_to")
    if notices:
        about = notices[0].get("doi", "another work")
        raise CiteError(f"DOI {doi} is a {notices[0].get('type', 'update').replace('_', ' ')} notice about {about}; "
                        "cite the original work instead")


def _same_title(title: str, check: Check) -> bool:
    registered = [t for t in check.evidence.get("registered_titles") or [] if isinstance(t, str)]
    if not registered:
        return True  # no Crossref record (DataCite...): nothing to compare; the gate warns VER011
    subtitles = [s for s in check.evidence.get("subtitles") or [] if isinstance(s, str)]
    return titles_match(title, *registered, *(f"{t}: {s}" for t in registered for s in subtitles))


def _complete(entry: dict, what: str) -> dict:
    gaps = entries.missing(entry)
    if gaps:
        raise CiteError(f"{what}: the online record has no {', no '.join(gaps)}; "
                        "add the source by hand from the article itself (CONTRIBUTING.md)")
    return entry


def by_doi(doi: str, client: HttpClient, services: Services, contact: str | None = None) -> Found:
    doi = normalize_doi(doi)
    if not doi.startswith("10.") or "/" not in doi:
        raise CiteError(f"'{doi}' is not a DOI; a DOI looks like 10.1056/NEJMra1401483")
    check = check_doi(doi, client, services)
    _judge_doi(check, doi)
    answer = client.get(f"{services.doi}/{path_part(doi)}", headers={"Accept": CSL_JSON})
    if answer.outcome is Outcome.BROKEN:
        raise CiteError(f"DOI {doi} exists, but its registration agency gives no citation data; add it by hand")
    if answer.outcome is not Outcome.OK or not isinstance(answer.data, dict):
        raise _unreachable("doi.org citation data", answer.detail)
    entry = entries.from_csl_json(answer.data, doi)
    if not _same_title(entry.get("title", ""), check):
        registered = check.evidence["registered_titles"][0]
        raise CiteError(f"DOI {doi}: the services disagree about the title ('{entry.get('title')}' "
                        f"and '{registered}' in Crossref); check the DOI against the article and add it by hand")
    found = Found(_complete(entry, f"DOI {doi}"), [check])
    _add_pubmed(found, doi, client, services, contact)
    return found


def _add_pubmed(found: Found, doi: str, client: HttpClient, services: Services, contact: str | None) -> None:
    """Add the PMID (and PMCID) PubMed lists for the DOI, checked like the DOI; refuse if PubMed disagrees.

    Optional: when PubMed cannot be reached or does not know the DOI, the entry
    is added without them and `found.note` says so.
    """
    params = {"db": "pubmed", "term": f"{doi}[doi]", "retmode": "json", "tool": TOOL}
    if contact:
        params["email"] = contact
    answer = client.get(f"{services.pubmed}/esearch.fcgi", params=params)
    result = answer.data.get("esearchresult") if isinstance(answer.data, dict) else None
    if answer.outcome is not Outcome.OK or not isinstance(result, dict):
        found.note = f"PubMed could not be searched ({answer.detail}); no PMID was added"
        return
    ids = [str(i) for i in result.get("idlist") or [] if is_pmid(str(i))]
    if len(ids) != 1:
        found.note = "PubMed lists no single record for this DOI; no PMID was added"
        return
    pmid = ids[0]
    try:
        record = _esummary(pmid, client, services, contact)
    except CiteError:
        found.note = "PubMed could not be reached; no PMID was added"
        return
    check = _record_check(pmid, record)
    if check.status == "retracted":
        raise CiteError(f"DOI {doi}: PubMed lists its record (PMID {pmid}) as a Retracted Publication; "
                        "it cannot be cited as evidence")
    if check.status != "ok":
        found.note = f"PubMed's record {pmid} could not be read; no PMID was added"
        return
    theirs = check.evidence.get("doi")
    title = found.entry.get("title", "")
    if (theirs and normalize_doi(theirs) != doi) or not titles_match(title, check.evidence.get("title", "")):
        raise CiteError(f"DOI {doi}: PubMed's record {pmid} is titled '{check.evidence.get('title')}', not "
                        f"'{title}'; check the DOI against the article and add it by hand")
    pubmed = entries.from_esummary(record, pmid)
    found.entry["PMID"] = pmid
    if pubmed.get("PMCID"):
        found.entry["PMCID"] = pubmed["PMCID"]
    found.entry = entries.ordered(found.entry)
    found.checks.append(check)


def _esummary(pmid: str, client: HttpClient, services: Services, contact: str | None) -> dict:
    params = {"db": "pubmed", "id": pmid, "retmode": "json", "tool": TOOL}
    if contact:
        params["email"] = contact
    answer = client.get(f"{services.pubmed}/esummary.fcgi", params=params)
    result = answer.data.get("result") if isinstance(answer.data, dict) else None
    if answer.outcome is not Outcome.OK or not isinstance(result, dict):
        raise _unreachable("PubMed", answer.detail if answer.outcome is not Outcome.OK else "unexpected answer")
    return result.get(pmid)


def by_pmid(pmid: str, client: HttpClient, services: Services, contact: str | None = None) -> Found:
    pmid = pmid.strip()
    if not is_pmid(pmid):
        raise CiteError(f"'{pmid}' is not a PubMed ID; a PMID is digits only, such as 29320652")
    record = _esummary(pmid, client, services, contact)
    check = _record_check(pmid, record)
    if check.status == "broken":
        raise CiteError(f"PMID {pmid} does not exist in PubMed; copy it again from PubMed")
    if check.status == "retracted":
        raise CiteError(f"PMID {pmid} is a Retracted Publication in PubMed; it cannot be cited as evidence")
    if check.status != "ok":
        raise _unreachable("PubMed", check.detail)
    entry = entries.from_esummary(record, pmid)
    checks = [check]
    if entry.get("DOI"):
        doi = normalize_doi(entry["DOI"])
        doi_check = check_doi(doi, client, services)
        _judge_doi(doi_check, doi)
        if not _same_title(entry.get("title", ""), doi_check):
            registered = doi_check.evidence["registered_titles"][0]
            raise CiteError(f"PMID {pmid}: PubMed's title '{entry.get('title')}' differs from the title registered "
                            f"for its DOI {doi} ('{registered}'); check both against the article and add it by hand")
        checks.append(doi_check)
        entry.update(DOI=doi, URL=f"https://doi.org/{doi}")  # as checked (normalised), not as PubMed wrote it
    return Found(_complete(entry, f"PMID {pmid}"), checks)
