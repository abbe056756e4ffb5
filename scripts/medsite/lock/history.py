"""Which sources were already in the bibliography when the lock file was last committed.

The committed lock is the record of the last online verification. A DOI or
PMID that was in the bibliography then, and still has never been verified,
is old news (the services were out of reach) and can be summarised; one added
since is a new, possibly mistyped source and deserves its own line.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from medsite.core.diagnostics import DiagnosticError
from medsite.lock.ids import normalize_doi
from medsite.sources.bibliography import parse


def _git(root: Path, *args: str) -> str | None:
    try:
        proc = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return None
    return proc.stdout if proc.returncode == 0 else None


def known_at_last_verification(root: str | Path, lock: str, bibliography: str) -> set[str] | None:
    """DOIs (lower case) and PMIDs of the bibliography as of the last commit of the lock file.

    None when that cannot be known (not a git checkout, a shallow clone, the
    lock never committed): callers then treat every unverified item alike.
    """
    root = Path(root)
    if (_git(root, "rev-parse", "--is-shallow-repository") or "").strip() != "false":
        return None
    commit = (_git(root, "log", "-1", "--format=%H", "--", lock) or "").strip()
    if not commit:
        return None
    text = _git(root, "show", f"{commit}:{bibliography}")
    if text is None:
        return set()  # no bibliography then: every source is newer
    try:
        bib = parse(text, bibliography)
    except DiagnosticError:
        return None
    known = {normalize_doi(e.doi) for e in bib.entries if e.doi}
    return known | {e.pmid.strip() for e in bib.entries if e.pmid}


def committed_text(root: str | Path, lock: str) -> str | None:
    """The lock file as last committed (None outside git, or before it was ever committed).

    What the working copy holds may include what `make cite` recorded for the one source it added:
    that is not an online verification of the others, so "has the site ever been verified" is
    answered from the committed lock."""
    return _git(Path(root), "show", f"HEAD:{lock}")
