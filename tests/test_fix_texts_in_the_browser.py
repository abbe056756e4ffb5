"""Every fix that tells an editor to run a `make` command also says what to do from the browser: many
editors only ever edit on GitHub. Faults of the editor's own machine (a build already running, a full
disk) happen only where `make` runs, so they need no browser half."""

from __future__ import annotations

import re

from medsite.tools.gate_codes import every_rule

MACHINE_ONLY = {"BUILD002", "BUILD003"}
MAKE = re.compile(r"`make [a-z-]+|\bmake (?:site|serve|check|verify|cite|new-page|codes)\b")
BROWSER = re.compile(r"browser|GitHub|pull request", re.I)


def test_each_fix_that_runs_make_says_what_to_do_in_the_browser():
    missing = [
        f"{code}: {rule.fix}"
        for code, rule in sorted(every_rule().items())
        if MAKE.search(rule.fix) and not BROWSER.search(rule.fix) and code not in MACHINE_ONLY
    ]
    assert missing == []
