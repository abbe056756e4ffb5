"""A page's front matter, parsed once, is kept in the user's cache for the next process (medsite.sources.frontmatter,
_KeptParses): by the page's bytes and the limits, only when the parse passed and JSON holds its values as they are.

Each step is a process of its own, as the engine's process, `make site`'s and the next build are."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

READ = """
import sys
from pathlib import Path
from medsite.core.diagnostics import DiagnosticError
from medsite.sources import frontmatter
try:
    page = frontmatter.read(Path(sys.argv[1]), "docs/page.md")
except DiagnosticError as exc:
    print("refused", exc.diagnostics[0].code)
else:
    print(repr(page.meta), page.key_lines, page.body_line, repr(page.body))
"""


def read_in_a_process(page: Path, cache: Path) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "scripts"), "MEDSITE_CACHE": str(cache)}
    result = subprocess.run([sys.executable, "-c", READ, str(page)], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and not result.stderr, result.stderr
    return result.stdout.strip()


def kept(cache: Path) -> dict:
    return json.loads((cache / "front-matter.json").read_text(encoding="utf-8"))["value"]


def test_the_next_process_reads_the_parse_back_and_a_changed_page_is_parsed_again(tmp_path):
    cache, page = tmp_path / "cache", tmp_path / "page.md"
    page.write_text("---\ntitle: A page\npage_type: condition\n---\n\nThe body.\n", encoding="utf-8")
    first = read_in_a_process(page, cache)
    assert first == "{'title': 'A page', 'page_type': 'condition'} {'title': 2, 'page_type': 3} 5 '\\nThe body.\\n'"
    (entry,) = kept(cache).values()
    assert entry == {"meta": {"title": "A page", "page_type": "condition"}, "key_lines": {"title": 2, "page_type": 3}}

    # A planted value under the same key is what the next process reads: the parse came from the file.
    stored = json.loads((cache / "front-matter.json").read_text(encoding="utf-8"))
    next(iter(stored["value"].values()))["meta"]["title"] = "Planted"
    (cache / "front-matter.json").write_text(json.dumps(stored), encoding="utf-8")
    assert read_in_a_process(page, cache).startswith("{'title': 'Planted', ")

    # Other bytes are another page: parsed again, and kept in place of the old one.
    page.write_text("---\ntitle: Edited\npage_type: condition\n---\n\nThe body.\n", encoding="utf-8")
    assert read_in_a_process(page, cache) == first.replace("A page", "Edited")
    assert [e["meta"]["title"] for e in kept(cache).values()] == ["Edited"]


def test_what_json_would_change_and_what_does_not_parse_is_never_kept(tmp_path):
    cache, page = tmp_path / "cache", tmp_path / "page.md"
    for front_matter, shown in [
        ("title: A page\n1: a number as a key\n", "{'title': 'A page', 1: 'a number as a key'}"),  # JSON: "1"
        ("title: A page\ndata: !!binary aGk=\n", "{'title': 'A page', 'data': b'hi'}"),  # JSON has no bytes
        ("title: [A page\n", "refused META001"),
    ]:
        page.write_text(f"---\n{front_matter}---\n\nThe body.\n", encoding="utf-8")
        for _ in range(2):  # the second process finds nothing kept, and parses it as the first did
            assert read_in_a_process(page, cache).startswith(shown)
        assert not (cache / "front-matter.json").exists()


def test_a_damaged_file_is_parsed_past_and_replaced(tmp_path):
    cache, page = tmp_path / "cache", tmp_path / "page.md"
    page.write_text("---\ntitle: A page\n---\nBody\n", encoding="utf-8")
    cache.mkdir(mode=0o700)
    for damaged in ["not json", json.dumps({"key": "another code's", "value": {}}), "[1, 2]"]:
        (cache / "front-matter.json").write_text(damaged, encoding="utf-8")
        assert read_in_a_process(page, cache).startswith("{'title': 'A page'}")
        assert [e["meta"] for e in kept(cache).values()] == [{"title": "A page"}]


def test_a_cache_folder_removed_before_the_process_ends_is_not_made_again(tmp_path):
    """As the tests' own cache is removed when a run ends (conftest.pytest_unconfigure), before the save at exit."""
    cache, page = tmp_path / "cache", tmp_path / "page.md"
    page.write_text("---\ntitle: A page\n---\nBody\n", encoding="utf-8")
    script = READ + "\nimport shutil\nshutil.rmtree(sys.argv[2])\n"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "scripts"), "MEDSITE_CACHE": str(cache)}
    result = subprocess.run([sys.executable, "-c", script, str(page), str(cache)], env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0 and not result.stderr and result.stdout.startswith("{'title': 'A page'}"), result
    assert not cache.exists()
