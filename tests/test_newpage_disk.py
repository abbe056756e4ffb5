"""NEW006: `make new-page` meets a disk that refuses its writes, and leaves the project as it was.

The command runs for real, in a process whose file-size limit (RLIMIT_FSIZE) makes the kernel refuse
a write past a given size, as a full disk would (EFBIG; Python ignores the signal, so write() fails).
That works for root too, unlike a read-only folder. No site is built.
"""

from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

PAGE = "about-ms/vitamin-d.md"
# A menu with one section, padded so that mkdocs.yml is larger than the new page.
MKDOCS = "site_name: Fixture\n" + "# padding\n" * 400 + "nav:\n  - Home: index.md\n  - About MS:\n      - Causes: about-ms/causes.md\n"
DIAGNOSTIC = re.compile(r"^(?P<path>[^:\s]+)(?::(?P<line>\d+))?: (?P<code>[A-Z]+\d{3}) (?P<message>.+)$")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "docs" / "about-ms").mkdir(parents=True)
    (tmp_path / "docs" / "about-ms" / "causes.md").write_text("---\ntitle: Causes\n---\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(MKDOCS, encoding="utf-8")
    return tmp_path


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def new_page(root: Path, *, max_file_bytes: int | None = None) -> subprocess.CompletedProcess:
    def limit():
        if max_file_bytes is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (max_file_bytes, max_file_bytes))

    env = {**os.environ, "PYTHONPATH": str(ROOT / "scripts"), "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run([sys.executable, "-m", "medsite.tools.newpage", "--root", str(root), "--path", PAGE,
                           "--title", "Vitamin D and MS", "--type", "condition"],
                          cwd=root, env=env, capture_output=True, text=True, timeout=120, preexec_fn=limit)


def only_diagnostic(result: subprocess.CompletedProcess) -> re.Match:
    assert result.returncode == 1, result
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    match = DIAGNOSTIC.match(lines[0])
    assert match, lines[0]
    return match


def test_the_page_cannot_be_written_and_nothing_is_left(project):
    before = files(project)
    found = only_diagnostic(new_page(project, max_file_bytes=16))
    assert (found["path"], found["line"], found["code"]) == (f"docs/{PAGE}", None, "NEW006")
    assert "cannot write the file" in found["message"] and "fix:" in found["message"]
    assert files(project) == before, "no half-written page"


def test_mkdocs_yml_cannot_be_written_so_the_new_page_is_removed_again(project):
    before = files(project)
    page_size = len(new_page_text(project))
    assert page_size < len(MKDOCS)
    found = only_diagnostic(new_page(project, max_file_bytes=page_size + 64))
    assert (found["path"], found["line"], found["code"]) == ("mkdocs.yml", None, "NEW006")
    assert "cannot write the file" in found["message"]
    assert files(project) == before, "the page is removed, mkdocs.yml is as it was, no temporary file is left"


def test_an_unreadable_mkdocs_yml_is_new006_before_anything_is_written(project):
    (project / "mkdocs.yml").write_bytes(MKDOCS.encode() + b"\xff\xfe not UTF-8\n")
    before = files(project)
    found = only_diagnostic(new_page(project))
    assert (found["path"], found["line"], found["code"]) == ("mkdocs.yml", None, "NEW006")
    assert "cannot read the file" in found["message"]
    assert files(project) == before


def test_near_miss_a_limit_above_every_file_lets_the_page_be_made(project):
    result = new_page(project, max_file_bytes=1_000_000)
    assert result.returncode == 0, result.stderr
    assert (project / "docs" / PAGE).is_file() and PAGE in (project / "mkdocs.yml").read_text(encoding="utf-8")


def new_page_text(project: Path) -> bytes:
    """The page the command writes, made once without a limit in a copy of the project."""
    copy = project.parent / "unlimited"
    copy.mkdir()
    for rel, data in files(project).items():
        (copy / rel).parent.mkdir(parents=True, exist_ok=True)
        (copy / rel).write_bytes(data)
    assert new_page(copy).returncode == 0
    return (copy / "docs" / PAGE).read_bytes()
