"""Quiet output when all is well: repeated, expected warnings become one line each.

Where there is no internet (CI, most laptops) every source is "never verified"
until someone runs `make verify`; dozens of identical warnings would bury the
one that matters. So they are summarised in one line, except for a DOI or PMID
added to the bibliography after the last verification: a new, possibly
mistyped source keeps its own line (and its own annotation on a pull request).
A lock file that has never recorded a verification has no "after": everything
is summarised until the first `make verify`.

The clinic's undisclosed offer facts (OFFER001) are summarised the same way:
one line naming them, since each says the same thing to the same person.
`--verbose` shows every line; `--format json` always lists everything.
"""

from __future__ import annotations

import json
from pathlib import Path

from medsite.core.diagnostics import Diagnostic, Severity
from medsite.lock.history import committed_text, known_at_last_verification
from medsite.lock.ids import normalize_doi

UNVERIFIED = "VER020"
UNDISCLOSED = "OFFER001"
LOCK = "verification.lock.json"


def _is_new_source(d: Diagnostic, known: set[str] | None) -> bool:
    """A bibliography DOI/PMID that was not there at the last verification."""
    if known is None or not d.target or d.target.startswith(("http://", "https://")):
        return False
    return normalize_doi(d.target) not in known and d.target.strip() not in known


def fold_unverified(diagnostics: list[Diagnostic], known: set[str] | None) -> list[Diagnostic]:
    folded = [d for d in diagnostics if d.code == UNVERIFIED and not _is_new_source(d, known)]
    if len(folded) < 2:
        return list(diagnostics)
    links = sum(1 for d in folded if (d.target or "").startswith(("http://", "https://")))
    refs = len(folded) - links
    parts = [f"{refs} DOIs and PMIDs" if refs else "", f"{links} external links" if links else ""]
    summary = Diagnostic(
        UNVERIFIED,
        f"{len(folded)} sources have never been verified online ({' and '.join(p for p in parts if p)})",
        LOCK,
        severity=Severity.WARNING,
        hint="run `make verify` where there is internet, and commit verification.lock.json "
             "(`make site VERBOSE=1` lists each one); from the browser, GitHub's Actions tab runs the same check: "
             "Verify references, Run workflow",
    )
    gone = set(folded)
    rest = [d for d in diagnostics if d not in gone]
    return sorted(rest + [summary], key=Diagnostic.sort_key)


def fold_undisclosed(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    folded = [d for d in diagnostics if d.code == UNDISCLOSED]
    if len(folded) < 2:
        return list(diagnostics)
    facts = ", ".join(d.target or "?" for d in folded)
    summary = Diagnostic(
        UNDISCLOSED,
        f"the clinic has not disclosed {len(folded)} facts about its offer ({facts}); the clinic page shows "
        "'Not disclosed by the clinic' for each",
        folded[0].path,
        folded[0].line,
        severity=Severity.WARNING,
        hint="ask the clinic for each answer in writing and fill it in (`make site VERBOSE=1` lists each line; "
             "in the browser, each empty \"\" in the file on GitHub is one)",
    )
    gone = set(folded)
    return sorted([d for d in diagnostics if d not in gone] + [summary], key=Diagnostic.sort_key)


def _never_verified(root) -> bool:
    """True when the lock file, as last committed, records no verification at all (or cannot be read).

    The committed lock, not the working copy: `make cite` records the one source it checked in the
    working copy, and that must not turn every other never-verified source into a line of its own
    (the sources added since the lock's last commit would each get one)."""
    try:
        text = committed_text(root, LOCK)
        if text is None:
            text = (Path(root) / LOCK).read_text(encoding="utf-8")
        return not json.loads(text).get("items")
    except (OSError, ValueError, AttributeError):
        return True


def for_display(diagnostics: list[Diagnostic], root, bibliography: str | None, *, verbose: bool) -> list[Diagnostic]:
    """What to print: everything when verbose, else the expected, repeated warnings folded."""
    if verbose:
        return list(diagnostics)
    diagnostics = fold_undisclosed(diagnostics)
    if not any(d.code == UNVERIFIED for d in diagnostics):
        return diagnostics
    known = None if _never_verified(root) else known_at_last_verification(root, LOCK, bibliography) if bibliography else None
    return fold_unverified(diagnostics, known)

