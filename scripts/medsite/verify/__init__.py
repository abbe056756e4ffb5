"""Online verification of DOIs, PMIDs and external links, recorded in a lock file.

- `python -m medsite.verify references|links|all` checks online and refreshes
  verification.lock.json (see `__main__`).
- `lock_diagnostics(...)` is the offline half that the build gate calls: it
  judges the bibliography and the site's links from the lock file alone.

Modules, one job each: `client` (polite HTTP, the four outcomes), `doi`,
`pubmed`, `links` (lychee; the links come from medsite.output.extlinks), `lock` (the file), `lockcheck` (offline
judgement, and the VER codes' rules), `runner` (what to refresh), `report` (progress and summary),
`bench` (throughput against a local server).
"""

from medsite.lock.lockcheck import lock_diagnostics

__all__ = ["lock_diagnostics"]
