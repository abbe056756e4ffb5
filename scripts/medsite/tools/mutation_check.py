"""`make mutation`: break each check of the gate in turn and show which tests still pass.

The checks are found by what the gate runs: one gate run with every check made to raise
(medsite.gate.guard.BREAK_CHECK = "*") names each in its GATE004 (the guard's crash log). Then, for
each check, the fast tests (`-m "not slow"`, no browser) run with that check alone made to raise. A
test "ran the check" when the guard logged its crash during that test (tests/conftest.py records it
in the JUnit report); a first run with every check broken picks the test files that run any. Of those, a test that still passes would pass on a real crash too; only tests
marked `gate_crash` (they expect one) may. The tests' GATE004 net (tests/conftest.py) is off by
default, since with it on every such test fails by construction and the count would always be 0;
--with-net shows that the net alone stops them all.

Exit 0 when no unmarked test that ran a broken check passed, else 1. Slow: one pytest run per check.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from medsite.gate.guard import BREAK_CHECK, CRASH_LOG, LET_CRASHES_PASS

CRASHED = re.compile(r"^check (\S+) failed")
DEFAULT_TESTS = ["tests", "-m", "not slow", "--ignore=tests/browser"]


def checks_the_gate_runs(root: Path) -> list[str]:
    """Every check of a full gate run (sources and site), in the order it runs them."""
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "crashes.log"
        (Path(tmp) / "site").mkdir()
        env = {**os.environ, BREAK_CHECK: "*", CRASH_LOG: str(log)}
        subprocess.run([sys.executable, "-m", "medsite.gate", "--root", str(root), "--site-dir", str(Path(tmp) / "site"),
                        "--format", "json"], cwd=root, env=env, capture_output=True, text=True, timeout=600)
        lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    return list(dict.fromkeys(m.group(1) for line in lines if (m := CRASHED.match(line))))


@dataclass
class Outcome:
    ran: list[str] = field(default_factory=list)      # tests during which the broken check crashed
    passed: list[str] = field(default_factory=list)   # ... and that still passed
    expected: list[str] = field(default_factory=list)  # ... of which marked gate_crash


def test_file(root: Path, classname: str) -> str | None:
    """tests.verify.test_x(.TestClass) -> tests/verify/test_x.py"""
    parts = classname.split(".")
    for end in range(len(parts), 0, -1):
        path = Path(*parts[:end]).with_suffix(".py")
        if (root / path).is_file():
            return path.as_posix()
    return None


def files_that_run_checks(root: Path, tests: list[str]) -> list[str]:
    """The test files with a test that runs some check: one run with every check broken, the net off."""
    with tempfile.TemporaryDirectory() as tmp:
        report = _pytest(root, "*", tests, Path(tmp), net=False)
        files = {test_file(root, case.get("classname") or "") for case in ET.parse(report).getroot().iter("testcase")
                 if any(p.get("name") == "gate_crashes" and p.get("value") for p in case.iter("property"))}
    return sorted(f for f in files if f)


def _pytest(root: Path, check: str, tests: list[str], tmp: Path, *, net: bool) -> Path:
    report = tmp / "junit.xml"
    env = {**os.environ, BREAK_CHECK: check, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop(LET_CRASHES_PASS, None)
    if not net:
        env[LET_CRASHES_PASS] = "1"
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "junit_family=xunit1",
                             f"--junitxml={report}", *tests], cwd=root, env=env, capture_output=True, text=True, timeout=3600)
    if not report.exists():
        raise SystemExit(f"mutation check: pytest wrote no report (exit {result.returncode}):\n"
                         + "\n".join((result.stdout + result.stderr).splitlines()[-15:]))
    return report


def run_tests(root: Path, check: str, tests: list[str], *, net: bool) -> Outcome:
    with tempfile.TemporaryDirectory() as tmp:
        return read_report(_pytest(root, check, tests, Path(tmp), net=net), check)


def read_report(report: Path, check: str) -> Outcome:
    outcome = Outcome()
    for case in ET.parse(report).getroot().iter("testcase"):
        props = {p.get("name"): p.get("value") or "" for p in case.iter("property")}
        crashes = props.get("gate_crashes", "").split("|")
        if not any(c.startswith(f"check {check} failed") for c in crashes):
            continue
        name = f"{case.get('classname')}::{case.get('name')}"
        outcome.ran.append(name)
        if case.find("failure") is None and case.find("error") is None and case.find("skipped") is None:
            outcome.passed.append(name)
            if props.get("gate_crash_expected") == "1":
                outcome.expected.append(name)
    return outcome


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m medsite.tools.mutation_check", description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=Path("."), help="project folder (default: .)")
    parser.add_argument("--with-net", action="store_true", help="keep the tests' GATE004 net on (tests/conftest.py)")
    parser.add_argument("--check", action="append", help="only this check (repeatable), e.g. meta.check")
    parser.add_argument("--show", type=int, default=5, help="name at most this many passing tests per check")
    parser.add_argument("tests", nargs="*", help=f"pytest arguments (default: {' '.join(DEFAULT_TESTS)})")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    checks = checks_the_gate_runs(root)
    if not checks:
        print("mutation check: the gate ran no check (nothing was logged); is the crash log hook in place?")
        return 2
    wanted = [c for c in checks if not args.check or c in args.check]
    if args.tests:
        tests = args.tests
        print(f"{len(checks)} checks run by the gate; tests: {' '.join(tests)}; "
              f"GATE004 net {'on' if args.with_net else 'off'}")
    else:
        files = files_that_run_checks(root, DEFAULT_TESTS)
        tests = [*files, "-m", "not slow"]
        print(f"{len(checks)} checks run by the gate; {len(files)} test files run one ({' '.join(files)}); "
              f"GATE004 net {'on' if args.with_net else 'off'}")
    print(f"{'check':<24} {'ran it':>7} {'failed':>7} {'passed':>7}  passing tests not marked gate_crash")
    bad = 0
    for check in wanted:
        outcome = run_tests(root, check, tests, net=args.with_net)
        unexpected = [t for t in outcome.passed if t not in outcome.expected]
        bad += len(unexpected)
        shown = ", ".join(t.rsplit(".", 1)[-1] for t in unexpected[:args.show]) + (" ..." if len(unexpected) > args.show else "")
        print(f"{check:<24} {len(outcome.ran):>7} {len(outcome.ran) - len(outcome.passed):>7} {len(outcome.passed):>7}  {shown}",
              flush=True)
    print(f"total: {bad} passing test runs that met a broken check and were not marked gate_crash")
    return 0 if bad == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
