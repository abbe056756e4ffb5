"""VER: the online verification results recorded in verification.lock.json, read offline.

`make verify` does the network work and writes the lock; the gate only reads
it, so pull-request builds stay offline and fast.
"""

from __future__ import annotations

from medsite.core.rule import SOURCE, gate_check
from medsite.lock.ids import normalize_doi
from medsite.lock.lockcheck import lock_diagnostics
from medsite.output.extlinks import external_links

LOCK = "verification.lock.json"


def external_urls(project) -> dict:
    """{url: [(page, None)]} for the site's http(s) links, from the one parse of the site (see extlinks).

    Links to the project's own site and repository (edit and source links) are left out:
    they exist once the site is published from it, and are not evidence.
    """
    if not project.site:
        return {}
    return external_links(project.site.pages.values(), (project.mkdocs.get("site_url"), project.mkdocs.get("repo_url")))


# Verification reads the lock for the bibliography always, and for the site's links when there is a site.
@gate_check(stage=SOURCE)
def check(project):
    if project.bibliography is None or not (project.root / LOCK).exists():
        return []
    max_age = project.config["verification_max_age_days"]
    found = lock_diagnostics(project.root / LOCK, project.bibliography, external_urls(project), project.today, max_age,
                             display_path=LOCK)
    judged = _judged_at_citations(project)
    return [d for d in found if not (d.code in AT_CITATIONS and d.path == project.bibliography.path and d.target in judged)]


# Retractions, concerns and corrections of a cited work are judged at each sentence citing it (VER012,
# VER013 in gate/checks/notices.py): a sentence about the retraction may cite it.
AT_CITATIONS = frozenset({"VER003", "VER004", "VER006"})


def _judged_at_citations(project) -> set[str]:
    """The lock ids (DOI, PMID) of the works pages cite."""
    bib, ids = project.bibliography, set()
    for key in project.cited_keys():
        entry = bib.get(key)
        if entry is not None:
            ids |= {normalize_doi(entry.doi)} if entry.doi else set()
            ids |= {entry.pmid.strip()} if entry.pmid else set()
    return ids
