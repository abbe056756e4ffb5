"""The VER registry, title comparison, identifiers, and the progress bar."""

from __future__ import annotations

import io
import re

import pytest
from verify_support import ROOT

from medsite.core.diagnostics import Severity
from medsite.lock.ids import doi_of_url, normalize_doi, pmid_of_url, titles_match, url_key
from medsite.lock.lockcheck import RULES
from medsite.tools.gate_codes import markdown_table
from medsite.verify.report import Progress, Summary

SOURCES = ROOT / "scripts" / "medsite" / "lock"


def test_every_rule_is_complete_and_codes_are_well_formed():
    for code, rule in RULES.items():
        assert re.fullmatch(r"VER\d{3}", code)
        assert rule.code == code
        assert isinstance(rule.severity, Severity) and rule.what and rule.fix and rule.why


def test_every_code_the_package_emits_is_registered_and_documented():
    used = set()
    for path in SOURCES.glob("*.py"):
        used |= set(re.findall(r'"(VER\d{3})"', path.read_text()))
    assert used, "the package emits no VER codes?"
    assert used <= set(RULES), f"unregistered: {sorted(used - set(RULES))}"
    table = markdown_table()
    assert all(f"| {code} |" in table for code in RULES)


def test_required_severities():
    errors = {"VER001", "VER002", "VER003", "VER005", "VER006", "VER007", "VER010"}
    warnings = {"VER004", "VER020", "VER021"}
    assert all(RULES[c].severity is Severity.ERROR for c in errors)
    assert all(RULES[c].severity is Severity.WARNING for c in warnings)


@pytest.mark.parametrize("ours, theirs", [
    ("Multiple sclerosis", "Multiple Sclerosis."),
    ("Mesenchymal stem cells in MS: a review", "Mesenchymal stem cells in MS - a review"),
    ("CD34+ cells and <i>in vivo</i> repair", "CD34+ Cells and In Vivo Repair"),
    ("Safety &amp; efficacy of aHSCT", "Safety and efficacy of aHSCT"),
    ("Myelin repair", "RETRACTED: Myelin repair"),
    ("Évaluation des cellules souches", "Evaluation des cellules souches"),
    ("Interferon beta-1a in MS", "[Interferon beta-1a in MS]."),
])
def test_titles_match_tolerantly(ours, theirs):
    assert titles_match(ours, theirs)


@pytest.mark.parametrize("ours, theirs", [
    ("Stem cells cure MS", "Stem cells do not cure MS"),
    ("Multiple sclerosis", "Multiple sclerosis in children"),
    ("A title", ""),
])
def test_different_titles_do_not_match(ours, theirs):
    assert not titles_match(ours, theirs)


def test_identifiers():
    assert normalize_doi(" https://doi.org/10.1056/NEJMra1401483 ") == "10.1056/nejmra1401483"
    assert normalize_doi("doi:10.1/X") == "10.1/x"
    assert doi_of_url("https://dx.doi.org/10.1016/S0140-6736%2818%2930481-1#x") == "10.1016/s0140-6736(18)30481-1"
    assert doi_of_url("https://example.org/10.1/x") is None
    assert pmid_of_url("https://pubmed.ncbi.nlm.nih.gov/29320652/") == "29320652"
    assert pmid_of_url("https://pubmed.ncbi.nlm.nih.gov/?term=ms") is None
    assert url_key("https://a.example/p?q=1#sec") == "https://a.example/p?q=1"


class _Tty(io.StringIO):
    def isatty(self):
        return True


def test_progress_bar_draws_on_a_terminal_only():
    tty = _Tty()
    bar = Progress("references", 4, stream=tty)
    bar.advance()
    bar.advance(3)
    bar.close()
    assert "\r" in tty.getvalue() and "4/4" in tty.getvalue() and tty.getvalue().endswith("\n")
    pipe = io.StringIO()
    bar = Progress("references", 4, stream=pipe)
    bar.advance(4)
    bar.close()
    assert pipe.getvalue() == ""


def test_summary_table():
    s = Summary()
    s.kind("doi").items = 3
    s.kind("doi").fresh = 1
    s.kind("doi").checked.update({"ok": 1, "broken": 1})
    s.requests = 3
    table = s.table().splitlines()
    assert table[0].split() == ["kind", "items", "fresh", "checked", "ok", "broken", "retracted",
                                "unverifiable", "transient", "kept"]
    assert table[2].split() == ["doi", "3", "1", "2", "1", "1", "0", "0", "0", "0"]
    assert table[-1] == "requests sent: 3"
