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

from medsite.diagnostics import Severity
from medsite.gate.project import Project
from medsite.gate.run import run
from safety_fixtures import executable_bits, make_site, page, theme_scripts

# Known vectors; {n} is the number that tells one placement from another.
VECTORS = [
    "<script>alert({n})</script>",
    "<ScRiPt>alert({n})</sCrIpT>",
    "<img src=x onerror=alert({n})>",
    "<IMG SRC=x OnErRoR=alert({n})>",
    "<svg onload=alert({n})>",
    "<svg><script>alert({n})</script></svg>",
    '<a href="javascript:alert({n})">x</a>',
    '<a href="&#x6A;avascript:alert({n})">x</a>',
    '<a href="&#106;&#97;vascript:alert({n})">x</a>',
    '<a href="java&#x09;script:alert({n})">x</a>',
    '<a href="JaVaScRiPt:alert({n})">x</a>',
    "[x](javascript:alert({n}))",
    '<a href="data:text/html,&lt;script&gt;alert({n})&lt;/script&gt;">x</a>',
    '<iframe srcdoc="&lt;script&gt;alert({n})&lt;/script&gt;"></iframe>',
    '<meta http-equiv="refresh" content="0;url=https://evil{n}.example/">',
    '<style>@import "https://evil{n}.example/x.css";</style>',
    '<base href="https://evil{n}.example/">',
    '<object data="javascript:alert({n})"></object>',
    '<math><mi xlink:href="javascript:alert({n})">x</mi></math>',
    '"><script>alert({n})</script>',
    "</script><script>alert({n})</script>",
    '{: onclick="alert({n})" }',
    'onmouseover="alert({n})" title="t{n}"',
]

# Where a vector goes: (file it lands in, how the site is made with it).
POSITIONS = {
    "body": "docs/body.md",
    "raw-block": "docs/block.md",
    "attr-list": "docs/attrs.md",
    "title": "docs/title.md",
    "description": "docs/description.md",
    "bib-title": "docs/references.yaml",
    "bib-author": "docs/references.yaml",
    "bib-url": "docs/references.yaml",
    "include": "includes/payload.md",
    "copyright": "mkdocs.yml",
    "extra": "mkdocs.yml",
}
NAMES = list(POSITIONS)


def _site(root: Path, placed: dict[str, str]) -> Path:
    files = {
        "docs/body.md": page(f"Text {placed['body']} more text.\n"),
        "docs/block.md": page(f"Text.\n\n<div>\n{placed['raw-block']}\n</div>\n"),
        "docs/attrs.md": page(f"A paragraph.\n{{: {placed['attr-list']} }}\n"),
        "docs/title.md": page("Text.\n", title=placed["title"]),
        "docs/description.md": page("Text.\n", description=placed["description"]),
        "includes/payload.md": f"{placed['include']}\n",
        "docs/snippet.md": page('Text.\n\n--8<-- "payload.md"\n'),
    }
    return make_site(root, files, copyright=placed["copyright"], publisher=placed["extra"], bib_title=placed["bib-title"],
                     bib_author=placed["bib-author"], bib_url=placed["bib-url"])


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
    root = _site(tmp_path_factory.mktemp("clean"), {name: "plain text" for name in NAMES})
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
                  for name, vector in zip(NAMES, vectors)}
        _site(root, placed)
        out = _build(root)
        errors = [d for d in run(Project(root, out)) if d.severity is Severity.ERROR]
        located = set()
        for d in errors:
            where = d.source or (f"{d.path}:{d.line}" if d.line else None)
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
