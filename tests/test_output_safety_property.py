"""Property: no known script-injection vector, in any position an editor controls, reaches readers.

Each example builds a small real site (MkDocs with our theme, hooks and extensions) with one vector
in every position at once: page body, raw HTML block, attribute list, front matter title and
description, bibliography title, author and URL, a snippet, mkdocs.yml's copyright and an `extra`
value. Each vector carries its own number, so for every position the test can say: either the gate
refused it with an error at that file and line, or nothing executable carrying that number is in
the built HTML. "Executable" is judged by a small oracle (safety_fixtures.executable_bits) that
shares no code with the gate's allowlist.
"""

from __future__ import annotations

import contextlib
import json
import logging
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config

from medsite.core.diagnostics import Severity
from medsite.gate.project import Project
from medsite.gate.run import run
from safety_fixtures import NAMES, POSITIONS, VECTORS, executable_bits, theme_scripts, vector_site

pytestmark = pytest.mark.slow  # builds sites with MkDocs: left out of `make test-fast`


def _build(root: Path) -> Path:
    """MkDocs in this process (not strict: it publishes what a careless build would), from the project folder."""
    out = root / "out"
    logging.getLogger("mkdocs").setLevel(logging.CRITICAL)
    with contextlib.chdir(root):  # snippets' base_path is relative to the folder MkDocs runs in
        mkdocs_build(load_config(config_file=str(root / "mkdocs.yml"), site_dir=str(out)))
    assert (out / "index.html").is_file(), "the fixture site was built"
    return out


def _line_of(path: Path, marker: str) -> int | None:
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if marker in line:
            return i
    return None


class _Shipped(frozenset):
    def __repr__(self) -> str:  # hypothesis prints the arguments of a failing example; keep it short
        return f"<{len(self)} inline scripts of a clean build>"


@pytest.fixture(scope="module")
def shipped_scripts(tmp_path_factory) -> frozenset[str]:
    """The inline scripts of a clean fixture build: what the theme and our overrides ship."""
    root = vector_site(tmp_path_factory.mktemp("clean"), {name: "plain text" for name in NAMES})
    return _Shipped(theme_scripts(_build(root)))


def _rotation(k: int) -> list[str]:
    return [VECTORS[(i + k) % len(VECTORS)] for i in range(len(NAMES))]


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@example(vectors=_rotation(0))
@example(vectors=_rotation(len(NAMES)))
@example(vectors=_rotation(2 * len(NAMES)))
@given(vectors=st.lists(st.sampled_from(VECTORS), min_size=len(NAMES), max_size=len(NAMES)))
def test_no_injection_vector_reaches_readers(shipped_scripts, vectors):
    root = Path(tempfile.mkdtemp(prefix="inject-"))
    try:
        markers = {name: str(7001 + i) for i, name in enumerate(NAMES)}
        placed = {name: vector.replace("{n}", markers[name])
                  for name, vector in zip(NAMES, vectors, strict=False)}
        vector_site(root, placed)
        out = _build(root)
        errors = [d for d in run(Project(root, out)) if d.severity is Severity.ERROR]
        located = set()
        for d in errors:
            where = str(d.source) if d.source else (f"{d.path}:{d.line}" if d.line else None)
            if where and d.code.startswith(("SAFE", "REF", "META", "OUT", "BUILD")):
                located.add(where)
        bits = [bit for page_file in out.rglob("*.html") for bit in
                executable_bits(page_file.read_text(encoding="utf-8"), shipped_scripts)]
        for name in NAMES:
            file, marker = POSITIONS[name], markers[name]
            line = _line_of(root / file, marker)
            reached = [b for b in bits if marker in b]
            refused = line is not None and f"{file}:{line}" in located
            assert refused or not reached, (
                f"{placed[name]!r} as {name} ({file}:{line}) reached the output unrefused: {reached[:3]}; "
                f"errors: {json.dumps(sorted(located))}")
    finally:
        shutil.rmtree(root, ignore_errors=True)
