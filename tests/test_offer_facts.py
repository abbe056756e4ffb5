"""The clinic's offer facts: the data file, its panel on the clinic page, and the gate's OFFER codes."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import yaml
from selectolax.lexbor import LexborHTMLParser

from conftest import ROOT, copy_project, run_build, stand_in_build
from medsite.core.diagnostics import DiagnosticError, Severity
from medsite.gate.project import Project
from medsite.gate.run import run
from medsite.sources import offer_facts
from medsite.sources.pageurls import html_file
from project_facts import MKDOCS, content_pages, first, pages

pytestmark = pytest.mark.slow  # builds sites with MkDocs: left out of `make test-fast`

OFFER_FILE = "data/clinic-offer.yaml"
# The page that asks for the panel (its body holds the marker), as the build writes it.
OFFER_PAGE = first((p for p in pages() if offer_facts.MARKER in p.body), "page with the offer panel")
CLINIC_PAGE = html_file(OFFER_PAGE.uri)
PUBLISHER = MKDOCS["extra"]["publisher"]["name"]


def panel(site) -> LexborHTMLParser:
    tree = LexborHTMLParser((site / CLINIC_PAGE).read_text(encoding="utf-8"))
    node = tree.css_first("article div.offer-facts")
    assert node is not None, "the clinic page has no offer panel"
    return node


def answers(node) -> dict[str, str]:
    return {row.css_first("th").text(): row.css_first("td").text() for row in node.css("tbody tr")}


def offer_text(**values) -> str:
    data = {fact: values.get(fact, "") for fact in offer_facts.FACTS}
    return yaml.safe_dump(data, sort_keys=False, default_style='"', width=1000, allow_unicode=True)


# --- The real site -----------------------------------------------------------------------------

def test_real_clinic_page_shows_every_fact_and_says_sold_outside_a_trial(site):
    real = yaml.safe_load((ROOT / OFFER_FILE).read_text(encoding="utf-8"))
    node = panel(site)
    shown = answers(node)
    assert list(shown) == list(offer_facts.FACTS.values())
    for fact, label in offer_facts.FACTS.items():
        expected = " ".join(str(real.get(fact) or "").split()) or offer_facts.NOT_DISCLOSED
        assert shown[label] == expected, fact
    assert not real.get("trial_registration"), "the real file records no trial: the status below depends on it"
    status = node.css_first(".offer-facts-status").text()
    assert "not approved for MS" in status and "outside a clinical trial" in status
    # The page no longer hedges about the clinic's own trials, and its top box says the same as the panel.
    assert "as far as we know" not in (site / CLINIC_PAGE).read_text(encoding="utf-8").lower()
    if offer_facts.STATUS_MARKER in OFFER_PAGE.body:
        article = LexborHTMLParser((site / CLINIC_PAGE).read_text(encoding="utf-8")).css_first("article")
        assert any("outside a clinical trial" in box.text() for box in article.css(".admonition"))
        assert offer_facts.STATUS_MARKER not in article.html


def test_real_offer_file_warns_once_per_undisclosed_fact_at_its_line():
    found = [d for d in run(Project(ROOT, None), source_only=True) if d.code.startswith("OFFER")]
    lines = (ROOT / OFFER_FILE).read_text(encoding="utf-8").splitlines()
    real = yaml.safe_load("\n".join(lines))
    undisclosed = [fact for fact in offer_facts.FACTS if not real.get(fact)]
    assert sorted(d.target for d in found) == sorted(undisclosed)
    for d in found:
        assert (d.code, d.path, d.severity) == ("OFFER001", OFFER_FILE, Severity.WARNING)
        assert lines[d.line - 1].startswith(f"{d.target}:"), d.text()


def pages_about_the_product() -> list:
    """Treatment pages about what the clinic sells: their title's first word is a word of the offer's product."""
    product = set(re.findall(r"[a-z-]+", offer_facts.load(OFFER_FILE, ROOT).answer("product").lower()))
    return [p for p in content_pages("treatment") if re.findall(r"[a-z-]+", p.meta.title.lower())[0] in product]


def test_pages_about_the_product_say_the_publisher_sells_it(site):
    about = pages_about_the_product()
    assert about, "no treatment page is about the clinic's product"
    for page in about:
        article = LexborHTMLParser((site / html_file(page.uri)).read_text(encoding="utf-8")).css_first("article")
        boxes = [box.text() for box in article.css(".admonition.warning")]
        assert any(PUBLISHER in text and "sells" in text for text in boxes), page.uri


# --- A copy of the project with the clinic's answers changed ------------------------------------

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> & "quotes" <!-- a comment -->'


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("offer"))
    values = {
        "trial_registration": 'NCT00000000 <b onclick="x()">bold</b>',
        "product": HOSTILE,
        "routes": "Into a vein.\n\n## An injected heading\n\n--8<-- \"medical-help.md\"",
        "price": "12,000 euros",
    }
    (root / OFFER_FILE).write_text(offer_text(**values), encoding="utf-8")
    result = run_build(root)
    assert result.returncode == 0, result.stdout + result.stderr
    return root, values


def test_hostile_answers_are_shown_as_text_never_as_markup(hostile_site):
    root, values = hostile_site
    node = panel(root / "site")
    shown = answers(node)
    assert shown["What is given"] == HOSTILE  # the reader sees exactly what the clinic wrote
    assert not node.css("script, img, b, h2, [onclick], [onerror]")
    assert "&lt;script&gt;" in node.html and "onclick" in node.text()  # shown as text, not run
    # A blank line in an answer cannot end the panel and turn the rest into page content.
    assert shown["How they are given (routes)"] == " ".join(values["routes"].split())
    article = LexborHTMLParser((root / "site" / CLINIC_PAGE).read_text(encoding="utf-8")).css_first("article")
    assert "An injected heading" not in [h.text().replace("¶", "").strip() for h in article.css("h2")]
    assert shown["Price"] == "12,000 euros"


def test_a_recorded_trial_registration_changes_the_status_line(hostile_site):
    root, _ = hostile_site
    status = panel(root / "site").css_first(".offer-facts-status").text()
    assert "registered clinical trial: NCT00000000" in status and "not approved for MS" in status
    assert "outside a clinical trial" not in status
    if offer_facts.STATUS_MARKER in OFFER_PAGE.body:  # the page's own status sentence follows the file too
        article = LexborHTMLParser((root / "site" / CLINIC_PAGE).read_text(encoding="utf-8")).css_first("article")
        assert any("registered clinical trial: NCT00000000" in box.text() for box in article.css(".admonition"))


def test_malformed_offer_file_stops_the_build_with_a_located_error(tmp_path):
    root = copy_project(tmp_path)
    stand_in_build(root)
    (root / "site" / "last-good.txt").write_text("kept")
    (root / OFFER_FILE).write_text('product: "cells"\n  routes: a drip\n', encoding="utf-8")
    result = run_build(root)
    assert result.returncode != 0
    assert f"{OFFER_FILE}:2: OFFER002 YAML does not parse" in result.stdout, result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    assert (root / "site" / "last-good.txt").exists(), "a failed build must keep the last good site"


# --- The file on its own ------------------------------------------------------------------------

@pytest.mark.parametrize("text,line,words", [
    ('product: "x"\nroute: "a drip"\n', 2, "unknown fact 'route' (did you mean 'routes'?)"),
    ('product: "x"\nproduct: "y"\n', 2, "'product' is given twice (first on line 1)"),
    ('product:\n  - cells\n  - exosomes\n', 1, "'product' must be text, not list"),
    ('dose: yes\n', 1, "'dose' must be text, not bool"),
    ('- product\n', 1, "must be a list of 'fact: answer' lines"),
])
def test_bad_offer_files_are_located_errors(text, line, words):
    with pytest.raises(DiagnosticError) as caught:
        offer_facts.parse(text, OFFER_FILE)
    d = caught.value.diagnostics[0]
    assert (d.code, d.path, d.line, d.severity) == ("OFFER002", OFFER_FILE, line, Severity.ERROR)
    assert words in d.message


def test_near_miss_numbers_and_empty_answers_are_fine():
    facts = offer_facts.parse('price: 15000\ndose: ""\nsessions:\n', OFFER_FILE)
    assert facts.answer("price") == "15000"
    assert {"dose", "sessions", "trial_registration"} <= set(facts.undisclosed)
    assert "price" not in facts.undisclosed


def test_a_missing_offer_file_is_an_error_where_the_page_asks_for_the_panel(tmp_path):
    root = copy_project(tmp_path)
    (root / OFFER_FILE).unlink()
    found = [d for d in run(Project(root, None, today=dt.date(2026, 11, 29)), source_only=True) if d.code == "OFFER002"]
    assert {d.path for d in found} == {OFFER_FILE, OFFER_PAGE.rel}
    page_error = next(d for d in found if d.path == OFFER_PAGE.rel)
    lines = (root / OFFER_PAGE.rel).read_text(encoding="utf-8").splitlines()
    assert lines[page_error.line - 1].strip().lstrip("- ") in (offer_facts.MARKER, offer_facts.STATUS_MARKER)
