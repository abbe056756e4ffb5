"""What `make serve` shows is what `make site` refuses: a dozen typical mistakes, one real `mkdocs serve`
(through `make serve`'s code) and one `make site`, the same codes at the same source lines, each shown in
its page (the box, and a mark at its place when the page shows it) and on the site-wide list."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from conftest import copy_project, run_build
from medsite.core.diagnostics import Diagnostic
from medsite.tools.review import comment
from medsite.tools.serve_findings import BOX_CLASS, MARK_CLASS, PROBLEMS_PAGE
from project_facts import editable_page, page, relative
from test_editors_preview import fetch_until, free_port, serve

pytestmark = pytest.mark.slow  # builds the real site twice and runs a preview

PAGE = editable_page()  # the page most mistakes go into
OTHER = page("about-ms/types.md")  # its front matter gets a bad date
FOLDED = {"VER020", "OFFER001"}  # summarised in one line each, by both (gate/quiet_warnings.py)
HARD = (
    "Notwithstanding considerable methodological heterogeneity, contemporaneous epidemiological investigations "
    "characterising immunopathological mechanisms underlying demyelination consistently demonstrate "
    "multifactorial aetiological contributions encompassing environmental, immunological and hereditary "
    "determinants, necessitating individualised therapeutic decision-making incorporating comprehensive "
    "neurological evaluation. "
) * 6

# (what an editor wrote, the code both must report at that line)
MISTAKES = [
    ("See [the missing page](no-such-page.md).", "LNK001"),
    (f"See [the types](types.md#{'no-such-part'}).", "LNK002"),
    (f"![]({relative(PAGE.uri, 'assets/figures/myelin.svg')})", "IMG002"),
    (f"![A drawing of nerves]({relative(PAGE.uri, 'assets/figures/no-such-drawing.svg')})", "IMG001"),
    ("Doctors studied this in people with MS [@lublin2041].", "REF001"),
    ("About 73 percent of people with MS feel very tired.", "EVID002"),
    ("This treatment is a miracle for some people.", "EVID001"),
    ("See [the team](/about/editorial-team/).", "LNK008"),  # root-relative: MkDocs' warning, coded
]


@pytest.fixture(scope="module")
def faulty(tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("faulty"))
    target = root / PAGE.rel
    text = target.read_text(encoding="utf-8").rstrip("\n") + "\n"
    lines: dict[str, int] = {}
    for written, code in MISTAKES:
        text += "\n"
        lines[code] = text.count("\n") + 1
        text += written + "\n"
    text += "\n" + HARD + "\n"
    target.write_text(text, encoding="utf-8")
    other = root / OTHER.rel
    other.write_text(
        re.sub(r"^last_reviewed: .*$", "last_reviewed: 2026-13-45", other.read_text(), count=1, flags=re.M)
    )
    css = root / "docs" / "assets" / "site.css"
    css.write_text(css.read_text() + "\n.offer-facts-missing td {\n  color: red;\n")
    offer = root / "data" / "clinic-offer.yaml"
    offer.write_text(offer.read_text() + '\nfavourite_colour: "blue"\n')
    shutil.copy(root / OTHER.rel, root / "docs" / "about-ms" / "forgotten.md")  # not in the menu
    return root, lines


def _key(d: Diagnostic) -> tuple:
    where = d.where_to_edit
    return d.code, where.path, where.line


@pytest.fixture(scope="module")
def reports(faulty, tmp_path_factory):
    root, _ = faulty
    gate_json = tmp_path_factory.mktemp("out") / "gate.json"
    summary = gate_json.parent / "summary.md"
    result = run_build(root, "--json-file", str(gate_json), "--summary", str(summary))
    assert result.returncode == 1, result.stdout + result.stderr
    everything = [Diagnostic.from_dict(d) for d in json.loads(gate_json.read_text())]
    site = {_key(d) for d in everything if d.code not in FOLDED}
    port = free_port()
    proc = serve(root, port)
    try:
        base = f"http://127.0.0.1:{port}/"
        listing = fetch_until(base + PROBLEMS_PAGE.removesuffix("index.html"), lambda h: "data-code" in h)
        page_html = fetch_until(base + PAGE.url, lambda h: BOX_CLASS in h)
        other_html = fetch_until(base + OTHER.url, lambda h: BOX_CLASS in h)
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    items = re.findall(r'<li data-code="([^"]+)" data-path="([^"]+)" data-line="(\d*)"', listing)
    preview = {(code, path, int(line) if line else None) for code, path, line in items if code not in FOLDED}
    counts = {
        "make site": result.stdout + result.stderr,
        "make serve": err,
        "the preview's list": listing,
        "the job summary": summary.read_text(encoding="utf-8"),
        "the comment": comment.render(everything, preview_url=None, run_url=None),
    }
    return site, preview, page_html, other_html, listing, err, counts


def test_the_preview_reports_what_make_site_refuses_at_the_same_lines(faulty, reports):
    _, lines = faulty
    site, preview, *_ = reports
    assert preview == site
    for code, line in lines.items():  # each mistake is found, at the line it was written on
        assert (code, PAGE.rel, line) in site, (code, line, sorted(site))
    codes = {code for code, _, _ in site}
    assert {"READ001", "META003", "CSS001", "OFFER002", "NAV001"} <= codes, sorted(codes)
    assert not any(code == "BUILD001" for code in codes), sorted(site)  # each fault has its own code


def test_each_problem_shows_in_its_page_and_at_its_place(faulty, reports):
    _, lines = faulty
    _, _, page_html, other_html, listing, err, _ = reports
    box = page_html[page_html.index(BOX_CLASS) : page_html.index("</div>", page_html.index(BOX_CLASS))]
    for code, line in lines.items():
        assert f'data-code="{code}" data-path="{PAGE.rel}" data-line="{line}"' in box, code
    for code in (
        "LNK001",
        "LNK008",
        "IMG001",
        "IMG002",
        "REF001",
        "EVID001",
        "EVID002",
    ):  # marked where the page shows it
        assert re.search(rf'<mark class="{MARK_CLASS}" id="medsite-problem-\d+" data-code="{code}"', page_html), code
    assert 'data-code="META003"' in other_html
    assert "See every problem" in page_html and "preview-problems/" in page_html
    assert "gate: " in listing and "Traceback" not in err


def test_every_report_gives_the_same_counts(reports):
    *_, counts = reports
    found = {
        where: re.findall(r"(\d+) error\(s\),? (?:and )?(\d+) warning\(s\)", text)[-1:]
        for where, text in counts.items()
    }
    assert len(set(map(tuple, found.values()))) == 1 and found["make site"], found
