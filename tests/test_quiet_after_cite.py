"""A `make cite` never adds VER020 lines about other entries: before the first online verification,
what `make cite` records in the working lock file for its one source does not make the sources added
since the lock's last commit "new" (each with a line of its own)."""

from __future__ import annotations

import json
import os
import subprocess

from medsite.core.diagnostics import Diagnostic, Severity
from medsite.gate.quiet_warnings import for_display

GIT_ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.org",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.org",
}
BIB = "docs/references.yaml"
LOCK = "verification.lock.json"


def git(root, *args):
    subprocess.run(["git", *args], cwd=root, env=GIT_ENV, check=True, capture_output=True)


def entry(key: str, doi: str) -> str:
    return f"- id: {key}\n  type: article-journal\n  title: A study\n  issued: {{date-parts: [[2020]]}}\n  DOI: {doi}\n"


def never_verified(doi: str) -> Diagnostic:
    return Diagnostic(
        "VER020", f"DOI {doi} has never been verified online", BIB, 2, severity=Severity.WARNING, target=doi
    )


def commit(root, message: str) -> None:
    git(root, "add", ".")
    git(root, "commit", "-qm", message)


def test_make_cite_adds_no_line_about_other_entries(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / BIB).write_text(entry("old2019", "10.1/old"), encoding="utf-8")
    (tmp_path / LOCK).write_text(json.dumps({"version": 1, "items": []}), encoding="utf-8")
    git(tmp_path, "init", "-q")
    commit(tmp_path, "a clean clone: the lock never verified anything")
    # Sources added later, without `make verify` (no internet): the lock file is not committed again.
    (tmp_path / BIB).write_text(
        entry("old2019", "10.1/old") + entry("later2021", "10.1/later") + entry("also2022", "10.1/also")
    )
    commit(tmp_path, "two more sources")
    unverified = [never_verified(doi) for doi in ("10.1/old", "10.1/later", "10.1/also")]
    before = for_display(unverified, tmp_path, BIB, verbose=False)
    assert [d.path for d in before] == [LOCK]  # one summary line

    # `make cite` checks its one source online, records it in the lock file and appends it.
    item = {
        "kind": "doi",
        "id": "10.1/cited",
        "checked": "2026-12-06",
        "status": "ok",
        "evidence": {},
        "sources": [f"{BIB}#cited2026"],
    }
    (tmp_path / LOCK).write_text(json.dumps({"version": 1, "items": [item]}), encoding="utf-8")
    with (tmp_path / BIB).open("a", encoding="utf-8") as fh:
        fh.write(entry("cited2026", "10.1/cited"))
    after = for_display(unverified, tmp_path, BIB, verbose=False)
    assert after == before

    commit(tmp_path, "the cited source, with its lock item")  # and once committed: still one line
    assert for_display(unverified, tmp_path, BIB, verbose=False) == before
