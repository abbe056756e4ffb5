"""VER: the online verification results recorded in verification.lock.json, read offline.

`make verify` does the network work and writes the lock; the gate only reads
it, so pull-request builds stay offline and fast.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from ...verify.ids import is_own
from ...verify.lockcheck import lock_diagnostics

LOCK = "verification.lock.json"


def external_urls(project) -> dict:
    """{url: [(page, line)]} for the site's http(s) links, from the one parse of the site.

    Links to the project's own repository (edit and source links) are left out:
    they exist once the site is published from it, and are not evidence.
    """
    own = (project.mkdocs.get("site_url"), project.mkdocs.get("repo_url"))
    urls: dict = {}
    for page in (project.site.pages.values() if project.site else []):
        for link in page.links:
            if urlsplit(link.href).scheme.lower() not in ("http", "https"):
                continue
            if is_own(link.href, own):
                continue
            urls.setdefault(link.href, []).append((page.rel, None))
    return urls


def check(project):
    if project.bibliography is None or not (project.root / LOCK).exists():
        return []
    max_age = project.config["verification_max_age_days"]
    return lock_diagnostics(project.root / LOCK, project.bibliography, external_urls(project), project.today, max_age,
                            display_path=LOCK)
