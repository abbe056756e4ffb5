"""What a page leaves out (issue 22, part 1): the parts each page type needs (PART001, PART002), warning signs as a
list (PART003), in-page pointers that point to something (PART004), and harms given as rates over a time (RISK001,
RISK002). Each rule on a small fixture site, with the code, file and line asserted, beside a near miss that passes;
and each bad `required_parts` setting is a located GATE003, never a crash.
"""

from __future__ import annotations

import pytest

from conftest import ROOT
from medsite.core.diagnostics import Severity
from medsite.gate import cli
from medsite.sources.gate_settings import load_config
from test_gate import BODY, OFFER_FULL, diagnose, line_of, make_project, page

REAL_GATE = (ROOT / "gate.yml").read_text(encoding="utf-8")
PAGE_TYPE_LINE = 4  # of the fixture front matter (test_gate.FRONT)
TREATMENT_BODY = """
!!! key-messages "Key messages"
    - It is being studied [@smith2020].

## How it works {#how-it-works}
It calms the immune system [@smith2020].
## Is it approved? {#regulatory-status}
Not approved [@smith2020].
## What the research shows {#evidence}
Some people improved [@smith2020].
## Risks and side effects {#risks}
{risks}
## Warning signs after treatment {#warning-signs}
{warning}
## Other choices {#alternatives}
Medicines [@smith2020].
## If you do not have it {#without-treatment}
MS often gets worse slowly [@smith2020].
## Everyday life {#everyday-life}
Time in hospital [@smith2020].
## What is still unknown {#unknowns}
Much [@smith2020].
## Support and more information {#support}
Charities [@smith2020].
## Questions to ask {#questions}
Ask [@smith2020].

--8<-- "medical-help.md"
"""
WARNING_LIST = "Contact your team the same day if you get [@smith2020]:\n\n- a fever\n- a bad headache\n"
RISKS_OK = "About 2 in 100 people had a serious infection within a year [@smith2020].\n"


def treatment(risks: str = RISKS_OK, warning: str = WARNING_LIST, **kw) -> str:
    return page(TREATMENT_BODY.replace("{risks}", risks).replace("{warning}", warning), page_type="treatment", **kw)


def found(tmp_path, text: str, code: str, *, gate: str = REAL_GATE, extra: dict | None = None):
    files = {"docs/page.md": text, "gate.yml": gate, **(extra or {})}
    return [(d.path, d.line, d.severity) for d in diagnose(tmp_path, files) if d.code == code]


def test_real_gate_yml_declares_every_used_page_type():
    config, problems = load_config(ROOT / "gate.yml", "gate.yml")
    assert problems == []
    parts = config["required_parts"]
    assert {p.id for p in parts.for_type("treatment")} == {
        "key-messages", "how-it-works", "evidence", "risks", "warning-signs", "alternatives", "without-treatment",
        "everyday-life", "unknowns", "support"}
    assert {p.id for p in parts.for_type("condition")} == {"key-messages", "support"}
    assert all(parts.covers(t) for t in ("condition", "treatment", "clinic", "guide", "about", "policy"))


# --- PART001: missing parts ---------------------------------------------------------------------------------------

def test_missing_parts_are_one_error_at_page_type_listing_each_with_its_marker(tmp_path):
    text = treatment().replace("## Everyday life {#everyday-life}", "## Day to day").replace('!!! key-messages "Key messages"', '!!! note "Note"')
    files = {"docs/page.md": text, "gate.yml": REAL_GATE}
    [d] = [d for d in diagnose(tmp_path, files) if d.code == "PART001"]
    assert (d.path, d.line, d.severity) == ("docs/page.md", PAGE_TYPE_LINE, Severity.ERROR)
    assert "key messages (!!! key-messages)" in d.message and "everyday life ({#everyday-life})" in d.message
    assert '!!! key-messages "Key messages"' in d.hint and "## Everyday life {#everyday-life}" in d.hint


def test_complete_treatment_page_passes(tmp_path):
    assert found(tmp_path, treatment(), "PART001") == []


def test_a_marker_in_a_code_block_is_not_a_part(tmp_path):
    text = page("\n```\n!!! key-messages\n## Support {#support}\n```\n", page_type="condition")
    assert found(tmp_path, text, "PART001") == [("docs/page.md", PAGE_TYPE_LINE, Severity.ERROR)]


def test_without_required_parts_nothing_is_required(tmp_path):
    assert found(tmp_path, page(BODY, page_type="treatment"), "PART001", gate="warnings_fatal: false\n") == []


# --- PART002 and bad settings -------------------------------------------------------------------------------------

ONLY_TREATMENT = """required_parts:
  parts:
    - id: key-messages
      marker: admonition
      name: key messages
      page_types: [treatment]
"""


def test_a_used_page_type_with_no_parts_is_an_error_at_the_setting(tmp_path):
    assert found(tmp_path, page(BODY), "PART002", gate=ONLY_TREATMENT) == [("gate.yml", 1, Severity.ERROR)]
    exempt = ONLY_TREATMENT + "  exempt:\n    condition: short notes in this fixture.\n"
    assert found(tmp_path, page(BODY), "PART002", gate=exempt) == []


BAD_SETTINGS = {
    "unknown marker": ("    - id: risks\n      marker: phrase\n      name: risks\n      page_types: [treatment]\n", 3, "unknown marker 'phrase'"),
    "invalid id": ("    - id: 'Risks {#x}'\n      marker: heading\n      name: risks\n      page_types: [treatment]\n", 3, "not a valid id"),
    "unknown page type": ("    - id: risks\n      marker: heading\n      name: risks\n      page_types: [blog]\n", 3, "unknown page type 'blog'"),
    "unknown key": ("    - id: risks\n      marker: heading\n      name: risks\n      page_types: [treatment]\n      phrase: x\n", 3, "unknown key 'phrase'"),
    "no name": ("    - id: risks\n      marker: heading\n      page_types: [treatment]\n", 3, "has no 'name'"),
    "declared twice": ("    - id: risks\n      marker: heading\n      name: risks\n      page_types: [treatment]\n" * 2, 7, "declared twice"),
    "not a list": ("    risks\n", 3, "must be a list"),
}


@pytest.mark.parametrize("case", sorted(BAD_SETTINGS))
def test_bad_required_parts_is_a_located_gate003(tmp_path, case):
    parts, line, words = BAD_SETTINGS[case]
    (tmp_path / "gate.yml").write_text("required_parts:\n  parts:\n" + parts, encoding="utf-8")
    _, problems = load_config(tmp_path / "gate.yml", "gate.yml")
    assert [(d.code, d.path, d.line) for d in problems] == [("GATE003", "gate.yml", line)], problems
    assert words in problems[0].message


@pytest.mark.parametrize("setting, line, words", [
    ("required_parts: [risks]\n", 1, "must be a mapping"),
    ("required_parts:\n  parts: []\n  exempt:\n    about: ''\n", 4, "has no reason"),
    ("required_parts:\n  parts: []\n  exempt:\n    blog: a blog\n", 4, "unknown page type 'blog'"),
    ("required_parts:\n  parts: []\n  exempt: [about]\n", 3, "must map each page type"),
])
def test_bad_exempt_or_shape_is_a_located_gate003(tmp_path, setting, line, words):
    (tmp_path / "gate.yml").write_text(setting, encoding="utf-8")
    _, problems = load_config(tmp_path / "gate.yml", "gate.yml")
    assert [(d.code, d.line) for d in problems] == [("GATE003", line)] and words in problems[0].message


def test_bad_required_parts_stops_the_gate_with_a_message_not_a_traceback(tmp_path, capsys):
    root = make_project(tmp_path, {"gate.yml": "required_parts:\n  parts:\n" + BAD_SETTINGS["unknown marker"][0]})
    assert cli.main(["--root", str(root), "--source-only"]) == 2
    out = capsys.readouterr().out
    assert "gate.yml:3: GATE003" in out and "Traceback" not in out


# --- PART003: warning signs as a list ----------------------------------------------------------------------------

PROSE = ("If you get a fever, a headache that will not go away, weakness in your legs or any new symptom after the "
         "injection, contact the team that treated you or a doctor the same day, and call an ambulance if you feel very unwell [@smith2020].")


def test_warning_signs_as_a_paragraph_is_an_error_at_the_heading(tmp_path):
    text = treatment(warning=PROSE)
    assert found(tmp_path, text, "PART003") == [("docs/page.md", line_of(text, "{#warning-signs}"), Severity.ERROR)]


@pytest.mark.parametrize("warning", [
    WARNING_LIST,
    "Call 999 if you feel very unwell [@smith2020].",  # short: a sentence, not a paragraph to search
    '!!! medical-help "After the injection"\n    Call 999 straight away if you get [@smith2020]:\n\n    - weakness in your legs\n',
])
def test_warning_signs_as_a_list_or_one_short_line_pass(tmp_path, warning):
    assert found(tmp_path, treatment(warning=warning), "PART003") == []


# --- RISK001, RISK002: harms as rates over a time ------------------------------------------------------------------

def risk_line(text: str, needle: str) -> int:
    return line_of(text, needle)


@pytest.mark.parametrize("sentence", [
    "3 people died after the treatment [@smith2020].",
    "12 serious infections were reported [@smith2020].",
    "In 2019, 4 people in Nebraska were harmed [@smith2020].",  # a year is no group
    "3 people died in 12 months [@smith2020].",  # a period is no group either
])
def test_a_harm_count_with_no_rate_is_an_error(tmp_path, sentence):
    text = treatment(risks=sentence)
    assert found(tmp_path, text, "RISK001") == [("docs/page.md", line_of(text, sentence[:12]), Severity.ERROR)]


@pytest.mark.parametrize("sentence", [
    "3 of the 150 people treated died within a year [@smith2020].",
    "Of the 29 people with a new immune disease, 2 died of it within 5 years [@smith2020].",
    "A review of 62 trials in 3546 people, with about 20 illnesses, found no serious harms [@smith2020].",
    "None of the 48 people had a serious side effect over 12 months [@smith2020].",
    "On average each person had 1.7 severe (grade 3) side effects in those 100 days [@smith2020].",
])
def test_counts_with_their_group_or_study_sizes_pass(tmp_path, sentence):
    assert found(tmp_path, treatment(risks=sentence), "RISK001") == []


def test_a_rate_with_no_period_is_a_warning(tmp_path):
    sentence = "About 2 in 100 people had a serious infection [@smith2020]."
    text = treatment(risks=sentence)
    assert found(tmp_path, text, "RISK002") == [("docs/page.md", line_of(text, sentence), Severity.WARNING)]


@pytest.mark.parametrize("risks", [
    "About 2 in 100 people had a serious infection over 2 years [@smith2020].",
    "Reactions to the drip happened in 34% of people during treatment [@smith2020].",
    "A slow heartbeat happened in 0.5% of people when they started [@smith2020].",
    "The trials lasted 2 years [@smith2020]. In these trials:\n\n- flushing affected 40 in 100 people [@smith2020]\n",
    "- Within 5 years, about 10 in 100 got a new immune disease [@smith2020]. Of them, 2 in 10 died [@smith2020].\n",
    "- About 2 in 100 died [@smith2020]. The review does not say how long after the transplant deaths were counted.\n",
    "The risk of a birth defect is about 3 in 100 babies [@smith2020].",
    "At one hospital, 1 of 507 people treated from 2003 to 2019 died because of it [@smith2020].",
    "About 1 in 100 died [@smith2020]. We do not know over what time these deaths were counted.",
])
def test_a_rate_with_its_period_passes(tmp_path, risks):
    assert found(tmp_path, treatment(risks=risks), "RISK002") == []


def test_a_period_in_a_later_sentence_of_another_item_does_not_count(tmp_path):
    risks = "- Swelling happened in 0.4% of people [@smith2020]. Eyes are checked at 3 to 4 months [@smith2020].\n"
    text = treatment(risks=risks)
    assert found(tmp_path, text, "RISK002") == [("docs/page.md", line_of(text, "0.4%"), Severity.WARNING)]


def test_numbers_outside_the_risks_part_are_not_read(tmp_path):
    text = treatment().replace("Some people improved [@smith2020].", "3 people died [@smith2020].")
    assert found(tmp_path, text, "RISK001") == []


# --- PART004: pointers to nothing --------------------------------------------------------------------------------

TABLE = "| Question | Answer |\n|---|---|\n| Price | {answer} |\n| Dose | {answer} |\n"


def with_body(body: str) -> str:
    return page(BODY + "\n" + body)


def test_see_below_at_the_end_of_the_page_is_an_error(tmp_path):
    text = with_body("For the figures, see below [@smith2020].\n")
    assert found(tmp_path, text, "PART004") == [("docs/page.md", line_of(text, "see below"), Severity.ERROR)]
    assert found(tmp_path, with_body("For the figures, see above [@smith2020].\n"), "PART004") == []


def test_a_table_below_that_is_not_there_is_an_error(tmp_path):
    text = with_body("The table below gives our answers [@smith2020].\n")
    assert found(tmp_path, text, "PART004") == [("docs/page.md", line_of(text, "The table below"), Severity.ERROR)]


def test_a_table_that_is_above_not_below_is_an_error(tmp_path):
    text = with_body(TABLE.format(answer="10 [@smith2020]") + "\nThe table below gives our answers [@smith2020].\n")
    assert found(tmp_path, text, "PART004") == [("docs/page.md", line_of(text, "The table below"), Severity.ERROR)]


def test_a_table_of_nothing_but_not_disclosed_is_an_error(tmp_path):
    text = with_body("The table below gives our answers [@smith2020].\n\n" + TABLE.format(answer="Not disclosed by the clinic"))
    [(path, line, _)] = found(tmp_path, text, "PART004")
    assert (path, line) == ("docs/page.md", line_of(text, "The table below"))


@pytest.mark.parametrize("body", [
    "The table below gives our answers [@smith2020].\n\n" + TABLE.format(answer="Not disclosed by the clinic").replace(
        "| Dose | Not disclosed by the clinic |", "| Dose | 2 doses [@smith2020] |"),
    "- a point [@smith2020]\n\nThe list above says more [@smith2020].\n",
    "See the box below [@smith2020].\n\n--8<-- \"medical-help.md\"\n",  # the box comes from the snippet
    "Our answers below say what we know [@smith2020].\n\n- the price [@smith2020]\n",
])
def test_a_pointer_to_something_there_passes(tmp_path, body):
    assert found(tmp_path, with_body(body), "PART004") == []


def test_the_offer_panel_counts_only_with_an_answer(tmp_path):
    body = "The table below gives our answers [@smith2020].\n\n<!-- medsite:offer-facts -->\n"
    text = with_body(body)
    nothing = "".join(line.split(":")[0] + ': ""\n' for line in OFFER_FULL.splitlines())
    assert found(tmp_path, text, "PART004", extra={"data/clinic-offer.yaml": nothing}) == [
        ("docs/page.md", line_of(text, "The table below"), Severity.ERROR)]
    assert found(tmp_path, text, "PART004", extra={"data/clinic-offer.yaml": OFFER_FULL}) == []


def test_a_link_to_a_heading_in_the_other_direction_is_an_error(tmp_path):
    text = with_body("The [section](#a-section) below says more [@smith2020].\n")
    assert found(tmp_path, text, "PART004") == [("docs/page.md", line_of(text, "[section](#a-section)"), Severity.ERROR)]
    assert found(tmp_path, with_body("The [section](#a-section) above says more [@smith2020].\n"), "PART004") == []
