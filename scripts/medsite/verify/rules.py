"""The VER rule registry: the online verification's codes, one `Rule` each (medsite.rule).

The editors' table of codes, GATE-CODES.md, is rendered from this registry together with
the gate's (medsite.gate.codes).
"""

from __future__ import annotations

from ..diagnostics import Severity
from ..rule import Rule, registry

E, W = Severity.ERROR, Severity.WARNING

RULES: dict[str, Rule] = registry([
    Rule("VER001", E, "DOI not found: the DOI handle API does not know it (handle code 100, HTTP 404)",
         why="a DOI that does not resolve is often a fabricated or mistyped reference; readers cannot check the claim",
         fix="copy the DOI again from the publisher's page or PubMed; a plausible-looking DOI can be fake"),
    Rule("VER002", E, "the title registered for the DOI (Crossref) does not match the bibliography's title",
         why="a real DOI attached to the wrong work makes a claim look supported by a paper that says something else",
         fix="check that the DOI belongs to the cited work; then copy the title exactly"),
    Rule("VER003", E, "the DOI is retracted, withdrawn, removed or under an expression of concern (Crossref, Retraction Watch)",
         why="a retracted or doubted study is not evidence; citing it as support misleads patients",
         fix="stop citing the work as evidence; if it must be mentioned, say that it was retracted and cite the notice"),
    Rule("VER004", W, "the DOI has a correction, erratum or corrigendum",
         why="a correction can change the numbers or conclusions the page relies on",
         fix="read the correction and check that what the page says still holds"),
    Rule("VER005", E, "PMID not found: NCBI esummary returns an error for it",
         why="a PMID that does not exist sends readers nowhere and suggests a fabricated reference",
         fix="copy the PMID again from PubMed"),
    Rule("VER006", E, "PubMed lists the PMID as a 'Retracted Publication'",
         why="PubMed marks retractions even when the publisher's record does not",
         fix="stop citing the work as evidence; if it must be mentioned, say that it was retracted"),
    Rule("VER007", E, "the DOI that PubMed lists for the PMID differs from the entry's DOI",
         why="the entry mixes identifiers of two works, so one of its links points at the wrong paper",
         fix="one of the two identifiers belongs to another work: check both against PubMed"),
    Rule("VER008", E, "the PubMed title for the PMID does not match the bibliography's title",
         why="the PMID points at a different paper than the one named",
         fix="check that the PMID belongs to the cited work; then copy the title exactly"),
    Rule("VER009", W, "the DOI is itself a retraction, correction or other update notice for another work",
         why="a notice is rarely what a page means to cite, and hides the original work",
         fix="cite the original work unless the notice is what the page discusses"),
    Rule("VER010", E, "external link is broken (HTTP 404 or 410)",
         why="readers who follow a dead link cannot check the source",
         fix="find the page's new address (or an archived copy) and update the link"),
    Rule("VER011", W, "the DOI exists but Crossref has no record of it, so its title and retraction status were not checked",
         why="without a Crossref record the title and any retraction cannot be checked automatically",
         fix="check the title and any retraction by hand at the registration agency (e.g. DataCite)"),
    Rule("VER020", W, "item has never been verified online: it is not in the lock file",
         why="an unverified reference could be fake, retracted or mistyped",
         fix="run `make verify` (needs network) and commit verification.lock.json"),
    Rule("VER021", W, "the item's verification is older than the maximum age",
         why="retractions and dead links appear over time; an old check may no longer hold",
         fix="run `make verify` to refresh stale entries and commit verification.lock.json"),
    Rule("VER022", W, "the last online check could not verify the item (unverifiable: 401/403/429, bot challenge; or transient: timeout, 5xx)",
         why="the service refused or failed, so nothing is known about the item",
         fix="run `make verify` again later; if it persists, check the item by hand"),
    Rule("VER030", E, "the lock file cannot be read (not JSON, or not the expected shape)",
         why="without the lock file the build cannot tell verified references from unverified ones",
         fix="restore verification.lock.json from git, or delete it and run `make verify`"),
])
