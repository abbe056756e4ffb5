"""Bounded in time: every step ends within its limit (gate.yml `limits:`) with one line, never a hang.

The known hangs (issue 20): 40 kB of '[' in a page (Python-Markdown is quadratic), 200 kB of '{'
(a quadratic gate pattern), a gate.yml pattern that backtracks catastrophically; plus the engine,
each gate check and `make serve`'s rebuilds under a wall-clock limit. (`make cite`: tests/verify/
test_time_limits_cite.py.) Every test here runs under a deadline of its own, so a regression fails
instead of hanging the suite.
"""

from __future__ import annotations

import contextlib
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, assert_failed_and_kept, copy_project, mark_last_good, stand_in_build
from medsite.gate.project import Project
from medsite.gate.run import run
from medsite.markdown import bracket_reach
from medsite.sources.limits import Limits
from project_facts import editable_page
from test_bounded_inputs import build
from test_gate import BODY, TODAY, diagnose, make_project, page

SOURCE = editable_page()


class TookTooLong(BaseException):  # not an Exception: no `except Exception` in the code under test swallows it
    pass


@contextlib.contextmanager
def within(seconds: float):
    """Fail the test (instead of hanging it) when the body runs longer than `seconds`."""
    def expire(_signum, _frame):
        raise TookTooLong(f"did not finish within {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def gate_yml(**limits) -> str:
    """The project's gate.yml with some limits changed."""
    text = (ROOT / "gate.yml").read_text(encoding="utf-8")
    for name, value in limits.items():
        text, found = re.subn(rf"(?m)^  {name}: .*$", f"  {name}: {value}", text)
        if not found:
            text = text.replace("\nlimits:\n", f"\nlimits:\n  {name}: {value}\n", 1)
    return text


def codes(found) -> set[str]:
    return {d.code for d in found}


def test_time_limits_may_be_decimals_and_sizes_only_whole_numbers():
    limits, problems = Limits.from_settings({"gate_check_seconds": 0.3, "lookup_seconds": 2, "engine_seconds": 1.5})
    assert problems == [] and (limits.gate_check_seconds, limits.lookup_seconds, limits.engine_seconds) == (0.3, 2, 1.5)
    _, problems = Limits.from_settings({"page_kb": 1.5, "gate_check_seconds": 0, "lookup_seconds": True,
                                        "engine_seconds": float("inf")})
    assert problems == ["limit 'page_kb' must be a positive whole number", "limit 'gate_check_seconds' must be a positive number",
                        "limit 'lookup_seconds' must be a positive number", "limit 'engine_seconds' must be a positive number"]


# --- The gate's own patterns: linear on any line -------------------------------------------------

# Lines that made a gate pattern rescan the rest of the line from every character (quadratic or
# worse) before: each is read by every source check within a second or two now.
PATHOLOGICAL = {
    "200 kB of '{'": "{" * 200_000,
    "attribute lists that never close": "{: " * 60_000,
    "tags that never close": "<a " * 60_000,
    "link targets that never close": "](" * 80_000,
    "footnote references that never close": "[^" * 80_000,
    "citations whose locator never closes": "[@a, x " * 30_000,
    "a heading of spaces and tabs": "# a" + " \t" * 20_000 + "{",
    "a heading of attribute lists": "# " + "{#" * 80_000,
    "40 kB of '['": "[" * 40_000,
}


@pytest.mark.parametrize("line", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_pathological_lines_pass_through_the_gate_in_linear_time(tmp_path, line):
    files = {"gate.yml": gate_yml(gate_check_seconds=10), "docs/page.md": page(BODY + "\n" + line + "\n")}
    started = time.perf_counter()
    with within(60):
        found = diagnose(tmp_path, files)
    assert "GATE020" not in codes(found) and "GATE004" not in codes(found), [str(d) for d in found if d.code.startswith("GATE")]
    assert time.perf_counter() - started < 20


def test_a_catastrophic_pattern_in_gate_yml_runs_in_linear_time(tmp_path):
    """`(a+)+$` backtracks 2**n times in Python's `re`; gate.yml patterns run on RE2."""
    text = gate_yml().replace("words_to_avoid:\n", "words_to_avoid:\n  - pattern: '(a+)+$'\n", 1)
    files = {"gate.yml": text, "docs/page.md": page(BODY + "\nThe word " + "a" * 5_000 + "b is long.\n")}
    with within(30):
        found = diagnose(tmp_path, files)
    assert not {"GATE003", "GATE004", "GATE020"} & codes(found), [str(d) for d in found]


def test_a_gate_yml_pattern_re2_cannot_run_is_one_gate003_at_its_line(tmp_path):
    text = gate_yml().replace("words_to_avoid:\n", "words_to_avoid:\n  - pattern: '(?=cur)cure'\n", 1)
    line = text.splitlines().index("  - pattern: '(?=cur)cure'") + 1
    found = diagnose(tmp_path, {"gate.yml": text})
    [bad] = [d for d in found if d.code == "GATE003"]
    assert (bad.path, bad.line) == ("gate.yml", line)
    assert "invalid regular expression '(?=cur)cure'" in bad.message and "lookaround" in (bad.hint or "")


def test_the_words_to_avoid_still_match_in_every_form(tmp_path):
    """RE2 keeps what the patterns found: a pattern word, and an allowed phrase that excuses it."""
    body = BODY + "\nSome clinics claim 95% success rates [@smith2020].\n\nThere is no cure for MS yet.\n"
    found = diagnose(tmp_path, {"docs/page.md": page(body)})
    evid = [d for d in found if d.code == "EVID001"]
    assert [d.line for d in evid] == [page(body).splitlines().index("Some clinics claim 95% success rates [@smith2020].") + 1]


# --- Every check under a deadline ----------------------------------------------------------------

@pytest.mark.gate_crash  # it stops two checks on purpose
def test_a_check_past_its_deadline_is_stopped_as_one_gate020(tmp_path):
    """A check stuck in a loop, and one stuck in Python's regex engine, each end at the deadline;
    the other checks' findings are kept. The deadline is short (0.3 s; the real checks take milliseconds
    on this page) so the test waits little; without it the test never ends (`within` fails it)."""
    def spins(_project):
        while True:
            pass
        yield  # pragma: no cover - a generator, like the real checks

    def backtracks(_project):
        re.search(r"(a+)+$", "a" * 64 + "b")
        return []

    root = make_project(tmp_path, {"gate.yml": gate_yml(gate_check_seconds=0.3),
                                   "docs/page.md": page(BODY + "\nA reference to [@nobody2020].\n")})
    project = Project(root, None, today=TODAY)
    started = time.perf_counter()
    with within(30):
        found = run(project, source_only=True, extra_checks=[spins, backtracks])
    assert time.perf_counter() - started < 15
    stopped = [d for d in found if d.code == "GATE020"]
    assert sorted(d.message for d in stopped) == [
        "check test_time_limits.backtracks did not finish within 0.3 s and was stopped",
        "check test_time_limits.spins did not finish within 0.3 s and was stopped"]
    assert all(d.path == "gate.yml" and "limits.gate_check_seconds" in d.hint for d in stopped)
    assert "REF001" in codes(found)  # the real checks ran and reported


# --- Brackets the engine's Markdown would read for minutes ----------------------------------------

def test_bracket_reach_counts_what_the_link_parser_rescans():
    assert bracket_reach.reach("[" * 100) == (sum(range(1, 101)), 100)
    assert bracket_reach.reach("[a](b) [@key] (plain) \\[ not a bracket")[0] == 2 + 2 + 5
    assert bracket_reach.reach("[a](" + "x" * 10)[0] == 2 + 11  # a link target that never closes


def test_real_pages_are_far_below_the_bracket_limit():
    limit = 4_000 * 1000
    for path in sorted((ROOT / "docs").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        assert bracket_reach.check_page(text, 1, path.name, 4_000) is None
        worst = max(bracket_reach.reach(p)[0] for _, p in bracket_reach._paragraphs(text))
        assert worst < limit / 20, (path, worst)


def test_brackets_in_code_are_not_counted():
    code = "```\n" + "[" * 40_000 + "\n```\n"
    assert bracket_reach.check_page(code, 1, "docs/page.md", 4_000) is None
    assert bracket_reach.check_page("Text.\n\n" + "[" * 40_000, 5, "docs/page.md", 4_000).line == 7


@pytest.fixture()
def project(tmp_path):
    root = copy_project(tmp_path)
    stand_in_build(root)  # a published build: a real site/ folder would be set aside, never kept
    mark_last_good(root)
    return root


def add_paragraph(root: Path, text: str) -> int:
    path = root / SOURCE.rel
    old = path.read_text(encoding="utf-8").rstrip("\n") + "\n\n"
    path.write_text(old + text + "\n", encoding="utf-8")
    return old.count("\n") + 1


@pytest.mark.slow
def test_forty_kb_of_brackets_is_refused_before_the_engine(project):
    line = add_paragraph(project, "[" * 40_000)
    started = time.perf_counter()
    result = build(project)
    assert_failed_and_kept(result, project, f"{SOURCE.rel}:{line}: BUILD011 this paragraph's 40,000 brackets")
    assert time.perf_counter() - started < 45
    assert "BUILD001" not in result.stderr + result.stdout  # no engine ran


@pytest.mark.slow
def test_an_engine_past_its_time_limit_is_stopped_with_one_line(project):
    """Let the brackets through (a huge reach limit): MkDocs would read them for a minute; it is
    stopped at its limit, and site/ keeps its last good build."""
    (project / "gate.yml").write_text(gate_yml(engine_seconds=3, bracket_reach_kchars=10**9), encoding="utf-8")
    add_paragraph(project, "[" * 25_000)
    started = time.perf_counter()
    result = build(project)
    assert_failed_and_kept(result, project, "gate.yml: BUILD010 MkDocs did not finish within 3 s and was stopped; "
                                            "fix: look at what changed")
    assert time.perf_counter() - started < 40


@pytest.mark.slow
def test_two_hundred_kb_of_braces_builds_and_is_checked_quickly(project):
    add_paragraph(project, "{" * 200_000)
    started = time.perf_counter()
    result = build(project)
    output = result.stdout + result.stderr
    assert "GATE020" not in output and "Traceback" not in output, output
    assert "OUT001 unrendered '{{'" in output  # the gate read the page and said what is wrong
    assert time.perf_counter() - started < 45


# --- `make serve`: a rebuild that runs past its limit ends the preview -----------------------------

def test_a_preview_rebuild_past_its_limit_ends_the_preview_with_one_line():
    script = ("import time\nfrom medsite.tools.serve_watchdog import rebuild\n"
              "rebuild.start(0.3)\ntime.sleep(30)\n")
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=30)
    assert proc.returncode == 1
    assert time.perf_counter() - started < 10
    [line] = proc.stderr.splitlines()
    assert line.startswith("gate.yml: BUILD010 the preview's rebuild did not finish within 0.3 s") and "fix:" in line


def test_a_preview_rebuild_that_ends_in_time_stops_the_watchdog():
    script = ("import time\nfrom medsite.tools.serve_watchdog import rebuild\n"
              "rebuild.start(0.3)\nrebuild.stop()\ntime.sleep(0.6)\nprint('still serving')\n")  # twice the limit
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=30)
    assert (proc.returncode, proc.stdout.strip(), proc.stderr) == (0, "still serving", "")


# --- Our own patterns: no nested unbounded quantifiers ---------------------------------------------

# Nested repeats that cannot backtrack catastrophically, each with why.
NESTED_BUT_LINEAR = {
    "medsite.tools.newpage.FILE_NAME": "each repetition starts with '-', which the inner class cannot match",
    "medsite.markdown.structure._INLINE_CODE": "the inner repeat is inside a lookahead; the loop takes one character a step",
    "medsite.markdown.citations.CITATION": "items are separated by ';', which neither a key nor a locator (atomic) can hold",
}


def _module_patterns():
    import importlib
    import pkgutil

    import medsite
    for info in pkgutil.walk_packages(medsite.__path__, "medsite."):
        if ".tools.bench" in info.name or info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if isinstance(value, re.Pattern):
                yield f"{info.name}.{name}", value


def _nested_repeat(tree, inside: bool = False) -> bool:
    from re import _constants as c
    from re import _parser  # noqa: F401 - the parse tree's node kinds
    for op, av in tree:
        if op in (c.MAX_REPEAT, c.MIN_REPEAT):
            _lo, hi, sub = av
            unbounded = hi == c.MAXREPEAT or hi > 100
            if unbounded and inside:
                return True
            if _nested_repeat(sub, inside or unbounded):
                return True
        else:
            children = [av[-1]] if op == c.SUBPATTERN else av[1] if op == c.BRANCH else \
                [av[1]] if op in (c.ASSERT, c.ASSERT_NOT) else []
            if any(_nested_repeat(child, inside) for child in children):
                return True
    return False  # possessive repeats and atomic groups never backtrack: not looked into


def test_no_pattern_of_ours_nests_unbounded_quantifiers():
    """`(a+)+`-shaped patterns backtrack exponentially in Python's `re`: none in our modules."""
    import importlib
    from re import _parser
    allowed = {id(getattr(importlib.import_module(name.rsplit(".", 1)[0]), name.rsplit(".", 1)[1]))
               for name in NESTED_BUT_LINEAR}
    seen, nested = set(), []
    for name, pattern in _module_patterns():
        if id(pattern) in seen:
            continue
        seen.add(id(pattern))
        if _nested_repeat(_parser.parse(pattern.pattern, pattern.flags)) and id(pattern) not in allowed:
            nested.append(f"{name}: {pattern.pattern}")
    assert len(seen) > 50  # the scan really found the modules' patterns
    assert nested == []
