"""Quiet when all is well: a clean build prints a few lines; a new unverified source still has its own line;
--verbose shows everything; JSON stays JSON when the build fails; `make check` refuses a stale site/.

Only the first test builds the real site (it is about what the real site prints); the others build conftest's
small good project, citing a dozen fictitious works, none of them verified online but the first.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time

import pytest

from conftest import ROOT, SMALL_KEYS, copy_project, run_build, small_good_project
from medsite.core.diagnostics import Diagnostic, Severity
from medsite.gate.quiet_warnings import fold_unverified
from medsite.lock.ids import normalize_doi
from medsite.tools.cite.append import appended_text
from project_facts import entry_with

pytestmark = pytest.mark.slow  # builds sites with MkDocs: left out of `make test-fast`

GIT_ENV = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
NEW_ENTRY = {"id": "newcomer2030", "type": "article-journal", "author": [{"family": "Newcomer", "given": "A"}],
             "title": "A study added after the last verification", "container-title": "J Example",
             "issued": {"date-parts": [[2030]]}, "DOI": "10.1234/added.after"}


def git(root, *args):
    subprocess.run(["git", *args], cwd=root, env=GIT_ENV, check=True, capture_output=True)




def verified_once(doi: str, key: str) -> dict:
    """A lock file that records one source verified once, so it has a last verification (an empty lock has
    none, and then every unverified source is summarised alike)."""
    return {"version": 1, "items": [{"kind": "doi", "id": normalize_doi(doi), "checked": "2026-11-25",
                                     "status": "ok", "evidence": {}, "sources": [f"docs/references.yaml#{key}"]}]}


WORKS = SMALL_KEYS + tuple(f"study{year}" for year in range(2001, 2011))  # a dozen: more than 10 to list


def small(tmp_path, lock: dict, history: bool = True):
    """The small project citing WORKS, with this lock file, committed (as a clone of the repository is) or not."""
    root = small_good_project(tmp_path, keys=WORKS)
    (root / "verification.lock.json").write_text(json.dumps(lock), encoding="utf-8")
    if history:
        git(root, "init", "-q")
        git(root, "add", ".")
        git(root, "commit", "-qm", "snapshot")
    return root


@pytest.fixture
def real_project(tmp_path):
    """A copy of the real project, committed, as a clone of the repository is."""
    (tmp_path / "project").mkdir()
    root = copy_project(tmp_path / "project")
    once = entry_with("DOI")
    (root / "verification.lock.json").write_text(json.dumps(verified_once(once.doi, once.id)), encoding="utf-8")
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "snapshot")
    return root


@pytest.fixture
def project(tmp_path):
    """The small project, its first work verified once, committed."""
    return small(tmp_path, verified_once(f"10.5555/{WORKS[0]}", WORKS[0]))


def lines(result) -> list[str]:
    return [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]


def add_new_entry(root):
    refs = root / "docs" / "references.yaml"
    new = appended_text(refs.read_text(encoding="utf-8"), NEW_ENTRY, "docs/references.yaml")
    refs.write_text(new, encoding="utf-8")
    return new.splitlines().index("  DOI: 10.1234/added.after") + 1


def test_a_clean_build_of_the_real_site_prints_a_few_lines(real_project):
    result = run_build(real_project)
    assert result.returncode == 0, result.stdout + result.stderr
    out = lines(result)
    assert len(out) <= 4, out
    [summary] = [line for line in out if "VER020" in line]
    assert summary.startswith("verification.lock.json: VER020 ")
    assert "sources have never been verified online" in summary and "make verify" in summary
    assert out[-1].startswith("site: published ")
    assert any(line.startswith("gate: 0 error(s), ") for line in out)


def test_verbose_lists_every_warning(project):
    quiet = lines(run_build(project))
    total = int(next(line for line in quiet if "VER020" in line).split("VER020 ")[1].split()[0])
    loud = lines(run_build(project, "--verbose"))
    assert sum("VER020" in line for line in loud) == total > 10


def test_a_source_added_after_the_last_verification_keeps_its_own_line(project):
    line = add_new_entry(project)
    out = lines(run_build(project))
    own = f"docs/references.yaml:{line}: VER020 DOI 10.1234/added.after (newcomer2030) has never been verified online"
    assert any(entry.startswith(own) for entry in out), out
    assert sum("VER020" in entry for entry in out) == 2  # its own line, and the summary of the old ones
    github = run_build(project, "--format", "github").stdout
    assert f"::warning file=docs/references.yaml,line={line},title=VER020::DOI 10.1234/added.after" in github


def test_an_empty_lock_summarises_every_unverified_source_even_a_new_one(tmp_path):
    """Before the first verification there is no "after": one line for all, new sources included."""
    root = small(tmp_path, {"version": 1, "items": []})
    add_new_entry(root)
    out = lines(run_build(root))
    assert sum("VER020" in entry for entry in out) == 1


def test_undisclosed_offer_facts_are_one_line_unless_verbose(project):
    (project / "data").mkdir()
    shutil.copy2(ROOT / "data" / "clinic-offer.yaml", project / "data" / "clinic-offer.yaml")  # the real offer file
    quiet = [line for line in lines(run_build(project)) if "OFFER001" in line]
    loud = [line for line in lines(run_build(project, "--verbose")) if "OFFER001" in line]
    assert len(quiet) == 1 and len(loud) > 1
    assert f"the clinic has not disclosed {len(loud)} facts about its offer" in quiet[0]


def test_without_git_history_every_unverified_source_is_summarised(tmp_path):
    root = small(tmp_path, verified_once(f"10.5555/{WORKS[0]}", WORKS[0]), history=False)
    add_new_entry(root)
    out = lines(run_build(root))
    assert sum("VER020" in entry for entry in out) == 1


def test_fold_keeps_other_codes_and_counts_links_apart():
    def ver(target, path="docs/references.yaml"):
        return Diagnostic("VER020", f"{target} never verified", path, 3, severity=Severity.WARNING, target=target)

    other = Diagnostic("REF001", "unknown key", "docs/a.md", 1)
    shown = fold_unverified([other, ver("10.1/a"), ver("10.1/b"), ver("https://x.example/", "site/index.html"),
                             ver("10.1/new")], known={"10.1/a", "10.1/b"})
    assert other in shown and ver("10.1/new") in shown
    [summary] = [d for d in shown if d.path == "verification.lock.json"]
    assert summary.message.startswith("3 sources have never been verified online (2 DOIs and PMIDs and 1 external links)")


def test_make_site_format_json_prints_valid_json_even_when_the_build_fails(project):
    page = project / "docs" / "index.md"
    page.write_text(page.read_text() + '\n--8<-- "no-such-include.md"\n\nSee [@nobody2099].\n')
    (project / "Makefile").write_text((ROOT / "Makefile").read_text())
    # The shared install stands in for the setup step: an installed-stamp newer than the requirements.
    for pins in ("requirements.txt", "requirements-installer.txt"):
        (project / pins).write_text("")
        os.utime(project / pins, (0, 0))
    (project / ".stamp").write_text("")
    result = subprocess.run(["make", "--no-print-directory", "site", "FORMAT=json", "STAMP=.stamp", f"VENV={ROOT / '.venv'}"],
                            cwd=project, capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    found = json.loads(result.stdout)
    assert {"REF001"} <= {d["code"] for d in found}
    assert "not published" in result.stderr


def test_check_refuses_a_site_older_than_its_sources(project):
    assert run_build(project).returncode == 0
    env = {**os.environ, "PYTHONPATH": str(project / "scripts")}
    gate = [sys.executable, "-m", "medsite.gate", "--root", str(project)]
    fresh = subprocess.run(gate, cwd=project, env=env, capture_output=True, text=True, timeout=300)
    assert fresh.returncode == 0 and "GATE006" not in fresh.stdout
    later = time.time() + 5
    os.utime(project / "includes" / "medical-help.md", (later, later))
    stale = subprocess.run(gate, cwd=project, env=env, capture_output=True, text=True, timeout=300)
    assert stale.returncode == 2
    assert "site: GATE006 site/ was built before the last change to includes/medical-help.md" in stale.stdout
    assert "fix: run `make site`" in stale.stdout
