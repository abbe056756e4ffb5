"""GATE002 for every kind of exception: unused http_allowed addresses and words_to_avoid `allow` phrases."""

from __future__ import annotations

from test_gate import diagnose, page, site_files

GATE_YML = """\
http_allowed:
  - url: http://old.example.org/
    why: the only address the verified record gives
words_to_avoid:
  - words: [cure]
    allow:
      - pattern: '\\bno cure\\b'
        why: '"There is no cure for MS" is accurate'
"""

NO_CURE = "\nThere is no cure for MS [@smith2020]. Some people get better [@jones2021].\n"


def unused(found):
    return sorted((d.line, d.target, d.severity.value) for d in found if d.code == "GATE002" and d.path == "gate.yml")


def test_exceptions_that_excused_nothing_are_reported_at_their_entries(tmp_path):
    files = site_files("<p>No old links here.</p>", {"gate.yml": GATE_YML})
    assert unused(diagnose(tmp_path, files, site=True)) == [
        (1, "http://old.example.org/", "warning"),
        (5, "\\bno cure\\b", "warning"),
    ]


def test_used_exceptions_near_miss(tmp_path):
    files = site_files('<p><a href="http://old.example.org/">the old page</a></p>',
                       {"gate.yml": GATE_YML, "docs/other.md": page(NO_CURE)})
    found = diagnose(tmp_path, files, site=True)
    assert unused(found) == []
    assert not [d for d in found if d.code in ("LNK003", "EVID001")]  # both were excused, not missed


def test_source_only_runs_do_not_guess(tmp_path):
    # Without the built site an http: address may only be in the pages MkDocs makes: say nothing.
    files = site_files("<p>No old links here.</p>", {"gate.yml": GATE_YML})
    assert unused(diagnose(tmp_path, files)) == []


def test_a_standing_allowed_phrase_is_policy_not_a_stale_exception(tmp_path):
    standing = GATE_YML.replace("        why: '\"There is no cure for MS\" is accurate'\n",
                                "        why: '\"There is no cure for MS\" is accurate'\n        standing: true\n")
    assert standing != GATE_YML
    files = site_files("<p>No old links here.</p>", {"gate.yml": standing})
    assert unused(diagnose(tmp_path, files, site=True)) == [(1, "http://old.example.org/", "warning")]
