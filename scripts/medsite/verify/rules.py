"""The VER rule registry: one row per code, so the docs table cannot drift.

Each rule has a default severity, a one-line summary (what it reports), how
to fix it and why it matters (`Rule(severity, summary, fix, why)`; the first
three unpack as `(severity, summary, fix)`). The editors' table of codes, GATE-CODES.md,
is rendered from this registry together with the gate's (medsite.gate.rules.markdown_table).
"""

from __future__ import annotations

from typing import NamedTuple

from ..diagnostics import Severity


class Rule(NamedTuple):
    severity: Severity
    summary: str  # what it reports
    fix: str  # how to fix it
    why: str = ""  # why it matters


E, W = Severity.ERROR, Severity.WARNING

RULES: dict[str, Rule] = {
    "VER001": Rule(E, "DOI not found: the DOI handle API does not know it (handle code 100, HTTP 404)",
                   "copy the DOI again from the publisher's page or PubMed; a plausible-looking DOI can be fake",
                   why="a DOI that does not resolve is often a fabricated or mistyped reference; readers cannot check the claim"),
    "VER002": Rule(E, "the title registered for the DOI (Crossref) does not match the bibliography's title",
                   "check that the DOI belongs to the cited work; then copy the title exactly",
                   why="a real DOI attached to the wrong work makes a claim look supported by a paper that says something else"),
    "VER003": Rule(E, "the DOI is retracted, withdrawn, removed or under an expression of concern (Crossref, Retraction Watch)",
                   "stop citing the work as evidence; if it must be mentioned, say that it was retracted and cite the notice",
                   why="a retracted or doubted study is not evidence; citing it as support misleads patients"),
    "VER004": Rule(W, "the DOI has a correction, erratum or corrigendum",
                   "read the correction and check that what the page says still holds",
                   why="a correction can change the numbers or conclusions the page relies on"),
    "VER005": Rule(E, "PMID not found: NCBI esummary returns an error for it",
                   "copy the PMID again from PubMed",
                   why="a PMID that does not exist sends readers nowhere and suggests a fabricated reference"),
    "VER006": Rule(E, "PubMed lists the PMID as a 'Retracted Publication'",
                   "stop citing the work as evidence; if it must be mentioned, say that it was retracted",
                   why="PubMed marks retractions even when the publisher's record does not"),
    "VER007": Rule(E, "the DOI that PubMed lists for the PMID differs from the entry's DOI",
                   "one of the two identifiers belongs to another work: check both against PubMed",
                   why="the entry mixes identifiers of two works, so one of its links points at the wrong paper"),
    "VER008": Rule(E, "the PubMed title for the PMID does not match the bibliography's title",
                   "check that the PMID belongs to the cited work; then copy the title exactly",
                   why="the PMID points at a different paper than the one named"),
    "VER009": Rule(W, "the DOI is itself a retraction, correction or other update notice for another work",
                   "cite the original work unless the notice is what the page discusses",
                   why="a notice is rarely what a page means to cite, and hides the original work"),
    "VER010": Rule(E, "external link is broken (HTTP 404 or 410)",
                   "find the page's new address (or an archived copy) and update the link",
                   why="readers who follow a dead link cannot check the source"),
    "VER011": Rule(W, "the DOI exists but Crossref has no record of it, so its title and retraction status were not checked",
                   "check the title and any retraction by hand at the registration agency (e.g. DataCite)",
                   why="without a Crossref record the title and any retraction cannot be checked automatically"),
    "VER020": Rule(W, "item has never been verified online: it is not in the lock file",
                   "run `make verify` (needs network) and commit verification.lock.json",
                   why="an unverified reference could be fake, retracted or mistyped"),
    "VER021": Rule(W, "the item's verification is older than the maximum age",
                   "run `make verify` to refresh stale entries and commit verification.lock.json",
                   why="retractions and dead links appear over time; an old check may no longer hold"),
    "VER022": Rule(W, "the last online check could not verify the item (unverifiable: 401/403/429, bot challenge; or transient: timeout, 5xx)",
                   "run `make verify` again later; if it persists, check the item by hand",
                   why="the service refused or failed, so nothing is known about the item"),
    "VER030": Rule(E, "the lock file cannot be read (not JSON, or not the expected shape)",
                   "restore verification.lock.json from git, or delete it and run `make verify`",
                   why="without the lock file the build cannot tell verified references from unverified ones"),
}


def rule(code: str) -> Rule:
    return RULES[code]
