"""Every gate code on a small fixture project that breaks one rule, and a near miss that must pass."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asserted_codes import asserted_codes
from conftest import ROOT, without_required_parts
from medsite.core.diagnostics import Location
from medsite.gate import cli, rules
from medsite.gate.project import Project
from medsite.gate.run import run
from medsite.sources.offer_facts import FACTS as OFFER_FACTS
from medsite.tools import gate_codes

TODAY = dt.date(2026, 11, 25)

MKDOCS = """site_name: Fixture
docs_dir: docs
extra:
  bibliography: docs/references.yaml
  editorial_team:
    - id: ada-real
      name: Dr Ada Real
      role: Consultant neurologist
      registration: {body: General Medical Council, number: "7654321"}
      conflicts_of_interest: None declared
"""

BIB = """- id: smith2020
  type: article-journal
  author: [{family: Smith, given: AB}]
  title: A study of MS
  container-title: J Neurol
  issued: {date-parts: [[2020]]}
  DOI: 10.1000/abc123
  PMID: '123456'
- id: jones2021
  type: article-journal
  author: [{family: Jones, given: C}]
  title: Another study
  container-title: Lancet
  issued: {date-parts: [[2021]]}
  DOI: 10.1000/xyz789
"""

FRONT = """---
title: A page
description: One sentence about the page.
page_type: {page_type}
last_reviewed: {last}
next_review_due: {due}
reviewed_by: "{reviewer}"
sources: [{sources}]
---
"""

BODY = """
MS affects the brain [@smith2020]. Some people get better [@jones2021].

## A section

More text here [@smith2020].
"""

TREATMENT_SECTIONS = """
## Is it approved? {#regulatory-status}
Not approved [@smith2020].
## What the research shows {#evidence}
## Risks {#risks}
## Alternatives {#alternatives}
## Questions to ask {#questions}

--8<-- "medical-help.md"
"""


def page(body=BODY, *, page_type="condition", last="2026-11-25", due="2029-11-25", reviewer="",
         sources="smith2020, jones2021") -> str:
    return FRONT.format(page_type=page_type, last=last, due=due, reviewer=reviewer, sources=sources) + body


@dataclass(frozen=True)
class Symlink:
    """A file of the fixture project that is a symbolic link to ``target``."""

    target: str


def make_project(tmp: Path, files: dict[str, str | bytes | Symlink]) -> Path:
    base = {
        "mkdocs.yml": MKDOCS,
        "docs/references.yaml": BIB,
        "docs/page.md": page(),
        "includes/medical-help.md": '!!! medical-help "When to get medical help"\n    Call for help.\n',
    }
    base.update(files)
    (tmp / "gate.yml").write_text(without_required_parts((ROOT / "gate.yml").read_text(encoding="utf-8")), encoding="utf-8")
    for rel, content in base.items():
        if content is None:
            continue
        path = tmp / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Symlink):
            path.symlink_to(content.target)
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return tmp


def diagnose(tmp: Path, files: dict, *, site: bool = False):
    root = make_project(tmp, files)
    project = Project(root, root / "site" if site else None, today=TODAY)
    return run(project, source_only=not site)


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


ADDED = 17  # the first line of text appended to BODY

# code -> (files that break the rule, path, line or None, files for the near miss)
# The clinic's offer file: every fact answered, then one left empty, then a misspelt fact.
OFFER_FULL = "".join(f'{fact}: "An answer"\n' for fact in OFFER_FACTS)
OFFER_NO_PRICE = OFFER_FULL.replace('price: "An answer"', 'price: ""')
OFFER_TYPO = OFFER_FULL + 'prize: "1"\n'
P_UNKNOWN = page(BODY.replace("[@jones2021]", "[@jones2012]"), sources="smith2020, jones2012")
SOURCE_CASES = {
    "REF001": ({"docs/page.md": P_UNKNOWN}, "docs/page.md", line_of(P_UNKNOWN, "[@jones2012]"),
               {"docs/page.md": page(BODY + "\nA citation is typed as `[@jones2012]`.\n")}),  # in code: not a citation
    "REF002": ({"docs/references.yaml": BIB + "- id: bad\n  title: [unclosed\n"}, "docs/references.yaml", 18,
               {"docs/references.yaml": BIB + "- id: bad\n  title: '[unclosed'\n"}),  # quoted: plain text
    "REF003": ({"docs/references.yaml": BIB.replace("  title: Another study\n", "")}, "docs/references.yaml", 9,
               {"docs/references.yaml": BIB.replace("{family: Jones, given: C}", "{literal: MS Society}")}),  # an organisation as author
    "REF004": ({"docs/references.yaml": BIB.replace("10.1000/xyz789", "11.1000 xyz")}, "docs/references.yaml", 15,
               {"docs/references.yaml": BIB.replace("10.1000/xyz789", "10.1000/xyz-789_(a);b:c.d")}),  # every character a DOI may hold
    "REF005": ({"docs/references.yaml": BIB + BIB.split("- id: jones2021")[0].replace("10.1000/abc123", "10.1000/other").replace("'123456'", "'999'")},
               "docs/references.yaml", 16,
               {"docs/references.yaml": BIB + BIB.split("- id: jones2021")[0].replace("10.1000/abc123", "10.1000/other").replace("'123456'", "'999'")
                .replace("id: smith2020", "id: smith2020b")}),  # ids that differ by one letter
    "REF006": ({"docs/references.yaml": BIB.replace("10.1000/xyz789", "10.1000/ABC123")}, "docs/references.yaml", 9,
               {"docs/references.yaml": BIB.replace("10.1000/xyz789", "10.1000/ABC1234")}),  # one character longer: another work
    "REF007": ({"docs/page.md": page(BODY.replace(" [@jones2021]", ""), sources="smith2020")}, "docs/references.yaml", 9,
               {"docs/page.md": page(BODY.replace(" [@jones2021]", "").replace("brain [@smith2020]", "brain [@smith2020; @jones2021]"))}),  # cited in a group
    "REF008": ({"docs/page.md": page(sources="smith2020")}, "docs/page.md", 8, {"docs/page.md": page(sources="jones2021, smith2020")}),  # another order
    "REF012": ({"docs/references.yaml": BIB.replace("  issued: {date-parts: [[2021]]}\n", "  issued: {season: spring}\n")},
               "docs/references.yaml", 14, {"docs/references.yaml": BIB.replace("  issued: {date-parts: [[2021]]}\n", "  issued: [{year: 2021}]\n")}),
    "FN001": ({"docs/page.md": page(BODY + "\nA note[^n1].\n")}, "docs/page.md", ADDED, {"docs/page.md": page(BODY + "\nA note[^n1].\n\n[^n1]: The note.\n")}),
    "FN002": ({"docs/page.md": page(BODY + "\n[^n1]: The note.\n")}, "docs/page.md", ADDED,
              {"docs/page.md": page(BODY + "\n[^n1]: The note.\n\nReferenced after it is defined[^n1].\n")}),
    "META001": ({"docs/page.md": "---\ntitle: [broken\n---\nText.\n"}, "docs/page.md", 3,
                {"docs/page.md": "---\ntitle: '[broken'\n---\nText.\n"}),  # quoted: plain text
    "META002": ({"docs/page.md": page().replace("description: One sentence about the page.\n", "")}, "docs/page.md", 2,
                {"docs/page.md": page().replace("description: One sentence about the page.\n", "description: >-\n  One sentence\n  about the page.\n")}),
    "META002-empty": ({"docs/page.md": page().replace("description: One sentence about the page.", "description:")}, "docs/page.md", 3,
                      {"docs/page.md": page().replace("description: One sentence about the page.", 'description: "No"')}),  # a word YAML would read as false, quoted
    "META003": ({"docs/page.md": page(last="2026-13-01")}, "docs/page.md", 5, {"docs/page.md": page(last="2024-02-29")}),  # a leap day
    "META004": ({"docs/page.md": page(due="2029-11-26")}, "docs/page.md", 6, {"docs/page.md": page(due="2029-11-25")}),
    "META005": ({"docs/page.md": page(last="2023-01-01", due="2025-01-01")}, "docs/page.md", 6,
                {"docs/page.md": page(last="2023-11-25", due="2026-11-25")}),  # due today: not yet overdue
    "META006": ({"docs/page.md": page(last="2026-12-01", due="2027-12-01")}, "docs/page.md", 5,
                {"docs/page.md": page(BODY + "\nThe next review is planned for 2026-12-01.\n")}),  # a future date in the text
    "META007": ({"docs/page.md": page(reviewer="Dr Invented")}, "docs/page.md", 7, {"docs/page.md": page(reviewer="Dr Ada Real")}),
    "META008": ({"docs/page.md": page(page_type="treatment", due="2027-11-25")}, "docs/page.md", 10,
                {"docs/page.md": page(BODY + TREATMENT_SECTIONS, page_type="treatment", due="2027-11-25")}),
    "META009": ({"docs/page.md": page(page_type="blog")}, "docs/page.md", 4, {"docs/page.md": page(page_type="about")}),
    "META012": ({"docs/page.md": page().replace("title: A page", "title: A page</title><script>x()</script>")}, "docs/page.md", 2,
                {"docs/page.md": page().replace("title: A page", "title: Risks & “benefits”")}),
    "META013": ({"docs/page.md": page().replace("sources:", "template: redirect.html\nsources:")}, "docs/page.md", 8,
                {"docs/page.md": page().replace("One sentence about the page.", "'template: redirect.html is not for us.'")}),  # in a value
    "REF009": ({"docs/references.yaml": BIB + "  URL: javascript:alert(1)\n"}, "docs/references.yaml", 16,
               {"docs/references.yaml": BIB + "  URL: https://example.org/xyz789\n"}),
    "META010": ({"docs/page.md": page(BODY + '\n--8<-- "nope.md"\n')}, "docs/page.md", ADDED,
                {"docs/page.md": page(BODY + '\n--8<-- "medical-help.md"\n')}),
    "META011": ({"docs/page.md": page(BODY + "\nTODO: write about relapses.\n")}, "docs/page.md", ADDED,
                {"docs/page.md": page(BODY + "\nThere is more to do on this topic [@smith2020].\n")}),
    "SAFE001": ({"docs/page.md": page(BODY + "\n<iframe src='https://x.example'></iframe>\n")}, "docs/page.md", ADDED,
                {"docs/page.md": page(BODY + "\n`<iframe src='https://x.example'></iframe>`\n")}),  # in code: shown as text
    "SAFE002": ({"docs/page.md": page(BODY + '\n<img src="a.png" onerror="alert(1)">\n')}, "docs/page.md", ADDED,
                {"docs/page.md": page(BODY + '\n<img src="a.png" alt="onerror=alert(1)">\n')}),  # in a value, not a name
    "SAFE003": ({"docs/page.md": page(BODY + "\n[click](javascript:alert(1))\n")}, "docs/page.md", ADDED,
                {"docs/page.md": page(BODY + "\n[javascript:alert(1)](https://example.org/)\n")}),  # in the text, not the address
    "EVID001": ({"docs/page.md": page(BODY + "\nThis treatment is proven to work [@smith2020].\n")}, "docs/page.md", ADDED,
                {"docs/page.md": page(BODY + "\nThere is no cure for MS [@smith2020].\n")}),
    "EVID002": ({"docs/page.md": page(BODY + "\nAbout 40% of people improved.\n")}, "docs/page.md", ADDED,
                {"docs/page.md": page(BODY + "\nAbout 40% of people improved [@smith2020].\n")}),
    "OFFER001": ({"data/clinic-offer.yaml": OFFER_NO_PRICE}, "data/clinic-offer.yaml", line_of(OFFER_NO_PRICE, "price:"),
                 {"data/clinic-offer.yaml": OFFER_FULL}),
    "OFFER002": ({"data/clinic-offer.yaml": OFFER_TYPO}, "data/clinic-offer.yaml", line_of(OFFER_TYPO, "prize:"),
                 {"data/clinic-offer.yaml": OFFER_FULL}),
    "GATE001": ({"docs/page.md": page(BODY + "\n<!-- gate-ignore EVID002 -->\nAbout 40% of people improved.\n")}, "docs/page.md", ADDED,
                {"docs/page.md": page(BODY + "\n<!-- gate-ignore EVID002: quoting a heading; reviewed by Dr Ada Real -->\nAbout 40% of people improved.\n")}),
    "GATE002": ({"docs/page.md": page(BODY + "\n<!-- gate-ignore EVID002: a reason; reviewed by Dr Ada Real -->\nNothing numeric here.\n")}, "docs/page.md", ADDED,
                {"docs/page.md": page(BODY + "\n<!-- gate-ignore EVID002: quoting a heading; reviewed by Dr Ada Real -->\nAbout 40% of people improved.\n")}),
    "GATE007": ({"docs/page.md": page(BODY + "\n<!-- gate-ignore EVID002: quoting a heading -->\nAbout 40% of people improved.\n")}, "docs/page.md", ADDED,
                {"docs/page.md": page(BODY + "\n<!-- gate-ignore EVID002: quoting a heading; reviewed by Dr Ada Real -->\nAbout 40% of people improved.\n")}),
}


@pytest.mark.parametrize("code", sorted(SOURCE_CASES))
def test_source_rule_fires_with_file_and_line(tmp_path, code):
    files, path, line, _ = SOURCE_CASES[code]
    code = code.split("-")[0]
    found = [d for d in diagnose(tmp_path, files) if d.code == code]
    assert found, f"{code} not reported"
    assert (found[0].path, found[0].line) == (path, line), found[0].text()
    assert found[0].severity is rules.severity(code)


@pytest.mark.parametrize("code", sorted(SOURCE_CASES))
def test_source_rule_near_miss_passes(tmp_path, code):
    _, path, _, near_miss = SOURCE_CASES[code]
    code = code.split("-")[0]
    found = [d for d in diagnose(tmp_path, near_miss) if d.code == code and d.path == path]
    assert not found, [d.text() for d in found]


def test_every_near_miss_differs_from_the_base_project():
    # A near miss is the bad case with one detail changed, which the check must not report; the base
    # project alone would show nothing about the rule.
    assert [code for code, (_, _, _, near_miss) in SOURCE_CASES.items() if not near_miss] == []


def test_binary_junk_in_markdown_is_a_diagnostic(tmp_path):
    found = diagnose(tmp_path, {"docs/junk.md": b"\x00\xff\xfe binary"})
    assert [(d.code, d.path) for d in found if d.code == "META001"] == [("META001", "docs/junk.md")]


# Built-HTML rules: a hand-made site/ beside the sources, each breaking one rule.
LINK_PAGE = page(BODY + "\nSee [the other page](other.md#gone) [@smith2020].\n")


def html(article: str, *, footer: bool = True, jsonld: str | None = '{"@type":"MedicalWebPage","name":"A page","lastReviewed":"2026-11-25"}') -> str:
    furniture = (
        '<aside class="health-footer"><p class="health-footer__dates">Page last reviewed: '
        '<time datetime="2026-11-25">25 November 2026</time>.</p>'
        '<p class="health-footer__disclosure">Disclosure.</p></aside>'
        if footer else ""
    )
    script = f'<script type="application/ld+json">{jsonld}</script>' if jsonld else ""
    return (f"<html><head>{script}</head><body><article><div data-pagefind-body><h1 id='a-page'>A page</h1>{article}</div>"
            f"{furniture}</article></body></html>")


OTHER = {"site/other/index.html": "<html><body><h2 id='here'>Here</h2></body></html>", "docs/other.md": None}
SITE_CASES = {
    "LNK001": ('<a href="../missing/">gone</a>', OTHER),
    "LNK002": ('<a href="../other/#gone">the other page</a>', OTHER),
    "LNK003": ('<a href="http://example.org/">insecure</a>', {}),
    "LNK004": ('<a href="https:///nohost">bad</a>', {}),
    "LNK005": ('<a href="../other/"></a>', OTHER),
    "IMG001": ('<figure><img src="../img/none.svg" alt="x"><figcaption>Drawing: us. Licence: CC BY.</figcaption></figure>', {}),
    "IMG002": ('<figure><img src="../img/a.svg" alt=""><figcaption>Drawing: us. Licence: CC BY.</figcaption></figure>', {"site/img/a.svg": "<svg/>"}),
    "IMG003": ('<img src="../img/a.svg" alt="A drawing">', {"site/img/a.svg": "<svg/>"}),
    "IMG004": ('<figure><img src="../img/a.svg" alt="x"><figcaption>Drawing: us. Licence: CC BY.</figcaption></figure>', {"site/img/a.svg": "<svg>" + "x" * 300_000 + "</svg>"}),
    "OUT001": ("<p>Unrendered [@smith2020] here.</p>", {}),
}
SITE_OK = {
    "LNK001": '<a href="../other/">the other page</a>',
    "LNK002": '<a href="../other/#here">the other page</a>',
    "LNK003": '<a href="https://example.org/">secure</a>',
    "LNK004": '<a href="mailto:editorial@example.org">email</a>',
    "LNK005": '<a href="../other/" aria-label="Other page"><svg></svg></a>',
    "IMG001": '<figure><img src="../img/a.svg" alt="x"><figcaption>Drawing: us. Licence: CC BY.</figcaption></figure>',
    "IMG002": '<figure><img src="../img/a.svg" alt="A drawing"><figcaption>Drawing: us. Licence: CC BY.</figcaption></figure>',
    "IMG003": '<figure><img src="../img/a.svg" alt="A drawing"><figcaption>Drawing: us. Licence: CC BY 4.0.</figcaption></figure>',
    "IMG004": '<figure><img src="../img/a.svg" alt="x"><figcaption>Drawing: us. Licence: CC BY.</figcaption></figure>',
    "OUT001": "<p>Rendered<sup>1</sup> here.</p><pre><code>[@example] in code is fine</code></pre>",
}


def site_files(article: str, extra: dict) -> dict:
    files = {"docs/page.md": LINK_PAGE, "site/page/index.html": html(article), "site/img/a.svg": "<svg/>",
             "docs/other.md": page(sources="smith2020, jones2021")}
    files.update({k: v for k, v in extra.items() if v is not None})
    return files


@pytest.mark.parametrize("code", sorted(SITE_CASES))
def test_site_rule_fires_on_the_built_page(tmp_path, code):
    article, extra = SITE_CASES[code]
    found = [d for d in diagnose(tmp_path, site_files(article, extra), site=True) if d.code == code]
    assert found, f"{code} not reported"
    assert found[0].path == "site/page/index.html"


@pytest.mark.parametrize("code", sorted(SITE_CASES))
def test_site_rule_near_miss_passes(tmp_path, code):
    found = [d for d in diagnose(tmp_path, site_files(SITE_OK[code], OTHER), site=True) if d.code == code]
    assert not found, [d.text() for d in found]


def test_an_unreadable_host_is_a_malformed_link_not_a_failed_check(tmp_path):
    found = diagnose(tmp_path, site_files('<a href="https://[unclosed/">bad</a>', {}), site=True)
    assert [d.code for d in found if d.code in ("LNK004", "GATE004")] == ["LNK004"]


def test_html_fault_points_back_to_the_markdown_line(tmp_path):
    found = [d for d in diagnose(tmp_path, site_files(SITE_CASES["LNK002"][0], OTHER), site=True) if d.code == "LNK002"]
    assert found[0].source == Location("docs/page.md", line_of(LINK_PAGE, 'other.md#gone'))
    assert found[0].text().startswith(f"docs/page.md:{found[0].source.line}: LNK002 link to '../other/#gone' points to a missing anchor")


@pytest.mark.parametrize("problem", ["footer", "jsonld-name", "jsonld-broken"])
def test_out002_content_page_furniture(tmp_path, problem):
    article = "<p>Text.</p>"
    doc = {
        "footer": html(article, footer=False),
        "jsonld-name": html(article, jsonld='{"@type":"MedicalWebPage","name":"Other","lastReviewed":"2026-11-25"}'),
        "jsonld-broken": html(article, jsonld="{not json"),
    }[problem]
    found = diagnose(tmp_path, {"site/page/index.html": doc, "site/img/a.svg": "<svg/>"}, site=True)
    assert [d.code for d in found if d.code == "OUT002"], problem
    ok = diagnose(tmp_path, {"site/page/index.html": html(article)}, site=True)
    assert not [d for d in ok if d.code == "OUT002"]


# The registry's own tests assert what the rules say about themselves (examples, situations), not what the gate does.
ABOUT_THE_REGISTRY = {"test_rule_examples.py", "test_codehealth_rules.py"}


def codes_asserted_in_tests() -> set[str]:
    """Codes that some test asserts (tests/asserted_codes.py reads the tests' syntax trees)."""
    return set().union(*(asserted_codes(path.read_text(encoding="utf-8")) for path in (ROOT / "tests").rglob("*.py")
                         if path.name not in ABOUT_THE_REGISTRY))


def test_every_rule_is_asserted_by_some_test():
    # Fixtures here and in the other test files, found by what their assertions check: no list kept by hand
    # that could drift, and a code merely mentioned (a docstring, a table no test reads) does not count.
    missing = set(gate_codes.every_rule()) - codes_asserted_in_tests()
    assert not missing, sorted(missing)


def test_only_asserted_codes_count():
    source = ('"""XX001 in a docstring."""\nUNUSED = {"XX002": 1}\nCASES = {"XX003": "a"}\n'
              '@pytest.mark.parametrize("code", ["XX004"])\ndef test_a(code):\n    found = codes("XX005")\n'
              '    other = "XX006"\n    assert found, "XX007 in a message"\n    assert code in CASES and not [c for c in x if c == "XX008"]\n'
              '    fail_with(other)\n')
    assert asserted_codes(source) == {"XX003", "XX004", "XX005", "XX006", "XX008"}


def test_bad_gate_config_is_a_usage_error(tmp_path, capsys):
    root = make_project(tmp_path, {})
    (root / "gate.yml").write_text("words_to_avoid:\n  - pattern: '(unclosed'\nnot_a_setting: 1\n")
    assert cli.main(["--root", str(root), "--source-only"]) == 2
    out = capsys.readouterr().out
    assert "gate.yml:" in out and "GATE003" in out


@pytest.mark.parametrize("case", ["gate.yml setting", "mkdocs.yml setting", "no mkdocs.yml", "no built site"])
def test_every_refusal_is_in_the_chosen_format(tmp_path, capsys, case):
    """A bad setting stops the gate (exit 2) with GATE003 in the JSON, never as a plain line."""
    root = make_project(tmp_path, {"mkdocs.yml": MKDOCS + "  scope: everything\n"} if case == "mkdocs.yml setting" else {})
    if case == "gate.yml setting":
        (root / "gate.yml").write_text("not_a_setting: 1\n")
    if case == "no mkdocs.yml":
        (root / "mkdocs.yml").unlink()
    where = {"gate.yml setting": ("gate.yml", 1), "mkdocs.yml setting": ("mkdocs.yml", MKDOCS.count("\n") + 1),
             "no mkdocs.yml": (str(root), None), "no built site": ("site", None)}[case]
    source_only = [] if case == "no built site" else ["--source-only"]
    assert cli.main(["--root", str(root), *source_only, "--format", "json", "--today", "2026-11-25"]) == 2
    out, err = capsys.readouterr()
    found = [d for d in json.loads(out) if d["code"] == "GATE003"]
    assert [(d["path"], d["line"]) for d in found] == [where], out
    assert "GATE003" not in err


@pytest.mark.gate_crash
def test_internal_check_failure_is_reported_not_raised(tmp_path):
    root = make_project(tmp_path, {})

    def broken(project):
        raise RuntimeError("boom")

    found = run(Project(root, None, today=TODAY), source_only=True, extra_checks=[broken])
    assert any(d.code == "GATE004" and "boom" in d.message for d in found)


@pytest.mark.parametrize("fmt,expected", [
    ("text", "docs/page.md:17: EVID002 number '40%'"),
    ("github", "::error file=docs/page.md,line=17,title=EVID002::number '40%25'"),
    ("json", '"code": "EVID002"'),
])
def test_output_formats_and_exit_code(tmp_path, capsys, fmt, expected):
    root = make_project(tmp_path, {"docs/page.md": page(BODY + "\nAbout 40% of people improved.\n")})
    summary = tmp_path / "summary.md"
    assert cli.main(["--root", str(root), "--source-only", "--format", fmt, "--summary", str(summary), "--today", "2026-11-25"]) == 1
    assert expected in capsys.readouterr().out
    assert "## Gate: failed" in summary.read_text()


def test_clean_project_exits_zero_and_warnings_can_be_fatal(tmp_path):
    root = make_project(tmp_path, {})
    assert cli.main(["--root", str(root), "--source-only", "--today", "2026-11-25"]) == 0
    (root / "docs/page.md").write_text(page(BODY.replace(" [@jones2021]", ""), sources="smith2020"))
    assert cli.main(["--root", str(root), "--source-only", "--today", "2026-11-25"]) == 0  # REF007 is a warning
    assert cli.main(["--root", str(root), "--source-only", "--today", "2026-11-25", "--warnings-as-errors"]) == 1


def test_real_sources_pass_with_zero_errors():
    found = run(Project(ROOT, None), source_only=True)
    assert not [d.text() for d in found if d.severity is rules.Severity.ERROR]


def test_real_built_site_passes_with_zero_errors(built_project):
    found = run(Project(built_project, built_project / "site"))
    assert not [d.text() for d in found if d.severity is rules.Severity.ERROR]


# Property-based: whatever an editor types, the gate answers with diagnostics, never a traceback.
markdown_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400)
yaml_text = st.one_of(markdown_text, st.lists(st.sampled_from(
    ["title:", " - ", "[", "]", "{", "}", ":", "'", '"', "2026-02-30", "\n", "  ", "sources: [", "@", "!!python/name:x", "---"]
), max_size=40).map("".join))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(front=yaml_text, body=markdown_text, bib=yaml_text)
def test_random_input_never_crashes_the_gate(tmp_path, front, body, bib):
    files = {"docs/page.md": f"---\n{front}\n---\n{body}", "docs/references.yaml": bib}
    found = diagnose(tmp_path, files)
    assert not [d for d in found if d.code == "GATE004"], [d.text() for d in found if d.code == "GATE004"]


def test_table_of_codes_for_editors_is_up_to_date():
    table = gate_codes.markdown_table()
    assert (ROOT / "GATE-CODES.md").read_text() == table, "run `make codes`"
    for code in gate_codes.every_rule():
        assert f"| {code} |" in table


def test_lock_file_warns_on_unverified_links_but_not_on_our_own_addresses(tmp_path):
    mkdocs = MKDOCS + "site_url: https://ms.example.org/\nrepo_url: https://github.com/example/ms-site\n"
    article = ('<a href="https://www.atlasofms.org/">Atlas</a>'
               '<a href="https://github.com/example/ms-site/edit/main/docs/page.md">edit</a>'
               '<a href="https://ms.example.org/page/">this page</a>')
    files = {"mkdocs.yml": mkdocs, "verification.lock.json": '{"version": 1, "items": []}',
             "site/page/index.html": html(article)}
    found = [d for d in diagnose(tmp_path, files, site=True) if d.code == "VER020"]
    linked = sorted(d.target for d in found if d.path.startswith("site/"))
    assert linked == ["https://www.atlasofms.org/"]
    assert {d.target for d in found if d.path == "docs/references.yaml"} == {"10.1000/abc123", "10.1000/xyz789", "123456"}
