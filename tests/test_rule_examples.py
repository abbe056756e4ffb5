"""Every rule's documented example (GATE-CODES.md) is what the gate really does: `bad` is reported, `good` passes.

Each example is put where its rule's `where` says (a page's body or front matter, the bibliography,
gate.yml, the clinic's offer file, the lock file, a built page, a file of docs/, MkDocs' log, the
`make new-page` command) in a small fixture project that passes on its own, and the checks run on it:
the gate's source checks, or its site checks (and the build's CSP step) on a hand-made built page.
That takes a few seconds. The Markdown examples of rules found only in the built site (BUILT) are
pages of the real project instead, built by MkDocs twice in all (marked slow).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shlex
from pathlib import Path

import pytest

from conftest import ROOT, copy_project, run_build, without_required_parts
from medsite.build import engine_log
from medsite.core import clock
from medsite.core.diagnostics import Diagnostic, DiagnosticError
from medsite.core.rule import FRONT_MATTER, PAGE_BODY, SITUATION
from medsite.gate import rules
from medsite.lock.lockcheck import UNCITED_DOI, UNCITED_PMID
from medsite.output.csp_step import CspStep
from medsite.sources import reviews
from medsite.tools import newpage, workflowcheck
from medsite.tools.gate_codes import every_rule
from medsite.tools.review import ownership
from test_gate import (
    BIB,
    BODY,
    MKDOCS,
    OFFER_FULL,
    OTHER,
    TODAY,
    TREATMENT_SECTIONS,
    Symlink,
    diagnose,
    html,
    page,
    site_files,
)

# Rules that cannot be shown as an input: their example describes the situation and its message.
NOT_RUNNABLE = {
    "BUILD001": "an engine stopping needs a full build; tests/test_engines.py breaks a template and builds",
    "BUILD002": "a full or read-only disk while publishing; tests/test_publish.py makes the folder read-only",
    "BUILD003": "two builds running at once; tests/test_publish.py holds the lock from another process",
    "BUILD004": "Pagefind failing, or a theme without data-pagefind-body; tests/test_search_budget.py",
    "BUILD010": "an engine running past its time limit needs a full build; tests/test_time_limits.py stops one",
    "BUILD011": "a paragraph of thousands of brackets is too long to show as an example; tests/test_time_limits.py",
    "GATE004": "a crash inside a check is a bug in the gate, not a property of any input; tests/test_gate.py injects one",
    "GATE020": "a check running past its deadline is a bug or a slow input, not a property of a short example; tests/test_time_limits.py",
    "GATE006": "a site built before the latest change to the sources is a matter of file times; tests/test_editors_quiet.py",
    "NEW006": "a full disk or an unreadable mkdocs.yml while `make new-page` runs; tests/test_newpage_disk.py limits the file size",
    "REF013": "what passes the shape check (REF012) yet fails in the citation style; tests/test_bounded_inputs.py",
}

BIB_ENTRY = "example"  # the id a bibliography example uses for an entry that the fixture page cites
DOCS_FILES, SITE_FILES = "docs/assets/", "site/"
SYMLINK = "docs/ (a symbolic link)"
LOCK = "verification.lock.json"
BUILD_LOG = "MkDocs build log"
NEW_PAGE = "make new-page"
SITE_PAGE = "site/page/index.html"
SITE_HEAD = "site/page/index.html, in <head>"
FIGURE = '<figure><img src="../img/a.svg" alt="A drawing"><figcaption>Drawing: us. Licence: CC BY 4.0.</figcaption></figure>'


def merge_keys(base: str, lines: str) -> str:
    """`base` YAML with each top-level key of `lines` replaced by (or, if new, followed by) that key's lines."""
    keys = re.findall(r"(?m)^([A-Za-z_][\w-]*):", lines)
    kept, skipping = [], False
    for line in base.splitlines():
        top = re.match(r"([A-Za-z_][\w-]*):", line)
        if top or (line and not line[0].isspace() and not line.startswith("- ")):
            skipping = bool(top) and top.group(1) in keys
        if not skipping:
            kept.append(line)
    return "\n".join(kept + lines.splitlines()) + "\n"


def front_matter(keys: str) -> str:
    text = page()
    _, front, body = text.split("---\n", 2)
    return f"---\n{merge_keys(front, keys)}---\n{body}"


def lock_file(items: str) -> str:
    """The lock file: the fixture's identifiers verified and fresh, except smith2020's DOI, which the examples
    give (VER020's bad example gives none), then the example's items (which win)."""
    checked = "2026-11-20"
    base = [
        {"kind": "pmid", "id": "123456", "checked": checked, "status": "ok", "evidence": {"title": "A study of MS", "doi": "10.1000/abc123"}},
        {"kind": "doi", "id": "10.1000/xyz789", "checked": checked, "status": "ok", "evidence": {"registered_titles": ["Another study"]}},
        {"kind": "url", "id": "https://www.nhs.uk/conditions/multiple-sclerosis/", "checked": checked, "status": "ok"},
        {"kind": "doi", "id": UNCITED_DOI, "checked": checked, "status": "ok", "evidence": {"registered_titles": ["A study of MS"]}},
        {"kind": "pmid", "id": UNCITED_PMID, "checked": checked, "status": "ok", "evidence": {"title": "A study of MS", "doi": UNCITED_DOI}},
    ]
    given = json.loads(items)
    keys = {(i.get("kind"), i.get("id")) for i in given if isinstance(i, dict)}
    merged = [i for i in base if (i["kind"], i["id"]) not in keys] + given
    return json.dumps({"version": 1, "items": merged}, indent=1)


# The fixture bibliography, each entry with its findings (so the number check, EVID003, has something to check).
FOUND = BIB.replace("  PMID: '123456'\n", "  PMID: '123456'\n  findings: ['Relapsed within 2 years: 27% on the medicine, 46% on placebo.']\n")
FOUND += "  findings: [Most people had no serious side effects.]\n"
# A work in the bibliography that no page cites, with the identifiers the lock examples use (UNCITED_DOI, UNCITED_PMID).
UNCITED_ENTRY = (f"- id: uncited2019\n  type: article-journal\n  author: [{{family: Lee, given: D}}]\n  title: A study of MS\n"
                 f"  container-title: J Neurol\n  issued: {{date-parts: [[2019]]}}\n  DOI: {UNCITED_DOI}\n  PMID: '{UNCITED_PMID}'\n")
CITES_THE_EXAMPLE = page(BODY + f"\nMore is known [@{BIB_ENTRY}].\n", sources=f"smith2020, jones2021, {BIB_ENTRY}")


def placed(where: str, example: str) -> tuple[dict, bool]:
    """The fixture project's files with the example in place, and whether the site checks run."""
    files, site = _placed(where, example)
    return {"docs/references.yaml": FOUND, **files}, site


def _placed(where: str, example: str) -> tuple[dict, bool]:
    if where == PAGE_BODY:
        return {"docs/page.md": page(BODY + "\n" + example + "\n"), "docs/nerve.png": b"\x89PNG\r\n"}, False
    if where == "docs/page.md":  # a whole page, with the project's settings (the parts each page type needs)
        return {"docs/page.md": example, "gate.yml": (ROOT / "gate.yml").read_text(encoding="utf-8")}, False
    if where == FRONT_MATTER:
        return {"docs/page.md": front_matter(example)}, False
    if where == "docs/references.yaml":
        # An entry example may end with the sentence that cites it ('# cited in a page: "..."', CUR002).
        cited = re.search(r'^# cited in a page: "(.*)"$', example, re.M)
        citing = page(BODY + f"\n{cited.group(1)}\n", sources=f"smith2020, jones2021, {BIB_ENTRY}") if cited else CITES_THE_EXAMPLE
        return {"docs/references.yaml": FOUND + example.rstrip("\n") + "\n", "docs/page.md": citing}, False
    if where == "gate.yml":  # budgets and limits apply to the built site too
        # The fixture's pages are short notes: they need no parts (PART001) unless the example says so.
        gate = merge_keys(without_required_parts((ROOT / "gate.yml").read_text(encoding="utf-8")), example)
        return {**site_files(FIGURE, SITE_BASE), "gate.yml": gate}, True
    if where == "mkdocs.yml":
        return {"mkdocs.yml": merge_keys(MKDOCS, example)}, False
    if where == "data/clinic-offer.yaml":
        return {"data/clinic-offer.yaml": merge_keys(OFFER_FULL, example)}, False
    if where == "mkdocs.yml":  # the example's top-level keys replace the fixture's
        return {"mkdocs.yml": merge_keys(MKDOCS, example)}, False
    if where == LOCK:
        uncited = {"docs/references.yaml": FOUND + UNCITED_ENTRY}  # the lock's own notice codes judge uncited entries
        if '"url"' in example:  # a link's item: the built page links to it
            link = '<p><a href="https://www.nhs.uk/conditions/multiple-sclerosis/">Read more</a></p>'
            return {**site_files(link, SITE_BASE), LOCK: lock_file(example), **uncited}, True
        return {LOCK: lock_file(example), **uncited}, False
    if where == reviews.RECORDS:  # review records, beside a condition page and a treatment page they can match
        return {reviews.RECORDS: example, **REVIEWED_PAGES}, False
    if where == SITE_PAGE:  # the article of a built page, or (from <html) the whole page
        files = site_files(example, SITE_BASE)
        if example.startswith("<html"):
            files[SITE_PAGE] = example
        return files, True
    if where == SITE_HEAD:  # in the theme's part of the page, which the theme alone may fill
        files = site_files("<p>Text.</p>", SITE_BASE)
        files[SITE_PAGE] = files[SITE_PAGE].replace("<head>", "<head>" + example, 1)
        return files, True
    if where == DOCS_FILES:  # the example is a file name: MkDocs copies the file into site/ as it is
        return {**site_files("<p>Text.</p>", SITE_BASE), f"docs/assets/{example}": "a", f"site/assets/{example}": "a"}, True
    if where == SITE_FILES:  # the example is the path of a page in the built site
        return {**site_files("<p>Text.</p>", SITE_BASE), f"site/{example}": html("<p>Text.</p>")}, True
    if where == SYMLINK:  # "path -> target": the file is a symbolic link; without "->", a plain file
        rel, _, target = (part.strip() for part in example.partition("->"))
        return {rel: Symlink(target) if target else "a"}, False
    if where.startswith("docs/assets/"):  # a file of docs/, published as it is
        rel = where.removeprefix("docs/")
        return {**site_files("<p>Text.</p>", SITE_BASE), where: example, f"site/{rel}": example}, True
    raise AssertionError(f"no fixture knows where {where!r} is")


# The pages the review records' examples are about (medsite.gate.checks.review): their fingerprints are in the examples.
REVIEWED_PAGES = {
    "docs/reviewed.md": page("\nA page a clinician reviewed [@smith2020].\n", last="2026-11-20", due="2027-11-20", sources="smith2020"),
    "docs/reviewed-treatment.md": page("\nA treatment a clinician reviewed [@smith2020].\n" + TREATMENT_SECTIONS,
                                       page_type="treatment", last="2026-11-20", due="2027-11-20", sources="smith2020"),
}

# The other page of the hand-made site, built as a content page is, so that the base site passes.
SITE_BASE = {**OTHER, "site/other/index.html": html("<h2 id='here'>Here</h2><p>Text.</p>")}

# Rules whose examples are a page's Markdown, but which are found only once MkDocs has built it
# (links, images, reading grade): run on real builds, shared by all of them (see built_examples).
BUILT = {"LNK001", "LNK002", "LNK003", "LNK004", "LNK005", "LNK006", "LNK007", "IMG001", "IMG002", "IMG003", "IMG005", "READ001"}
# Of those, the ones MkDocs itself stops on (--strict), so that the gate never sees the built pages.
STOPS_MKDOCS = {"LNK001", "LNK002", "IMG001"}

EVERY_RULE = every_rule()  # of the whole package: the tools' too
RUNNABLE = sorted(code for code, rule in EVERY_RULE.items() if code not in NOT_RUNNABLE.keys() | BUILT)


def codes_for(tmp_path, where: str, example: str) -> set[str]:
    if where == BUILD_LOG:  # what MkDocs printed, read as the build reads it
        return {d.code for record in engine_log.records(example)
                for d in engine_log.explain(record, "docs", tmp_path, lambda first: Diagnostic("BUILD001", first, "mkdocs.yml"))}
    if where == NEW_PAGE:
        return new_page_codes(tmp_path, example)
    if where == ownership.PULL_REQUEST:  # decided by the pull-request check, from CODEOWNERS and GitHub's lists
        return {d.code for d in ownership.decide_example((ROOT / ".github" / "CODEOWNERS").read_text(encoding="utf-8"), example)}
    if where in (workflowcheck.WORKFLOW, workflowcheck.DEPENDABOT):  # checked by `make lint` and the pre-commit hook, not the gate
        path = tmp_path / where
        path.parent.mkdir(parents=True)
        path.write_text(example, encoding="utf-8")
        return {d.code for d in workflowcheck.check([path])}
    files, site = placed(where, example)
    found = diagnose(tmp_path, files, site=site)
    if site:  # the build's own step over every page it writes: the security policy (OUT003)
        step = CspStep(tmp_path, tmp_path / "docs", tmp_path / "includes", report=found.append)
        for path in sorted((tmp_path / "site").rglob("*.html")):
            rel = path.relative_to(tmp_path / "site").as_posix()
            step.protect(path.read_text(encoding="utf-8"), rel, None, secret=None)
    return {d.code for d in found}


NAV = """site_name: Fixture
nav:
  - Home: index.md
  - About MS:
      - Causes: about-ms/causes.md
"""


def new_page_codes(tmp_path, command: str) -> set[str]:
    """`make new-page PAGE=... TITLE=... TYPE=...` run on a project whose menu has one section, About MS."""
    (tmp_path / "docs" / "about-ms").mkdir(parents=True)
    (tmp_path / "docs" / "about-ms" / "causes.md").write_text("---\ntitle: Causes\n---\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(NAV, encoding="utf-8")
    args = dict(word.split("=", 1) for word in shlex.split(command)[2:])
    try:
        newpage.create_page(tmp_path, args.get("PAGE", ""), args.get("TITLE", ""), args.get("TYPE", ""), TODAY)
    except DiagnosticError as exc:
        return {d.code for d in exc.diagnostics}
    return set()


def test_every_rule_has_a_bad_and_a_good_example():
    missing = sorted(code for code, rule in EVERY_RULE.items() if not (rule.bad and rule.good))
    assert not missing, f"rules without both examples: {missing}"


def test_not_runnable_rules_are_few_and_say_so():
    assert len(NOT_RUNNABLE) <= 11  # 8, and the three time limits (a limit reached is a situation, not an input)
    for code in NOT_RUNNABLE:
        assert EVERY_RULE[code].where == SITUATION, code
    # A rule shown as a situation is listed here, with why: no example is left untested silently.
    assert {c for c, r in EVERY_RULE.items() if r.where == SITUATION} == set(NOT_RUNNABLE)


@pytest.mark.parametrize("code", RUNNABLE)
def test_the_bad_example_is_reported(tmp_path, code):
    rule = EVERY_RULE[code]
    assert code in codes_for(tmp_path, rule.where, rule.bad)


@pytest.mark.parametrize("code", RUNNABLE)
def test_the_good_example_passes(tmp_path, code):
    rule = EVERY_RULE[code]
    assert code not in codes_for(tmp_path, rule.where, rule.good)


BASES = {
    "page": (PAGE_BODY, ""),
    "bibliography": ("docs/references.yaml", f"- id: {BIB_ENTRY}\n  type: book\n  author: [{{literal: WHO}}]\n"
                     "  title: A book\n  publisher: WHO\n  issued: {date-parts: [[2020]]}\n  findings: [It found this.]\n"),
    "lock": (LOCK, "[]"),
    "gate.yml": ("gate.yml", "warnings_fatal: false"),
    "site": (SITE_PAGE, "<p>Text.</p>"),
}


@pytest.mark.parametrize("base", sorted(BASES))
def test_each_fixture_alone_has_no_errors(tmp_path, base):
    # Otherwise a good example could "pass" only because the fixture already failed in some other way.
    where, example = BASES[base]
    files, site = placed(where, example)
    errors = [d.text() for d in diagnose(tmp_path, files, site=site) if d.severity is rules.Severity.ERROR]
    assert errors == []


def test_merged_keys_replace_whole_blocks():
    base = "a: 1\nlist:\n  - x\n  - y\nb: 2\n"
    assert merge_keys(base, "list: []\nc: 3\n") == "a: 1\nb: 2\nlist: []\nc: 3\n"


# --- examples that need a real build ------------------------------------------------------------


def example_page(code: str, kind: str, example: str, today: dt.date) -> str:
    return (f"---\ntitle: Example {code} {kind}\ndescription: An example page for the gate's tests.\n"
            f"page_type: guide\nlast_reviewed: {today}\nnext_review_due: {today + dt.timedelta(days=180)}\n"
            f'reviewed_by: ""\nsources: []\n---\n\n!!! key-messages "Key messages"\n\n    A short page that shows one rule.\n\n'
            f"{example}\n")  # a guide's required part (gate.yml required_parts, PART001)


def build_with_examples(root: Path, pages: dict[str, str]) -> list[dict]:
    """The real project with each example as a page of its own (in the menu), built as `make site` does."""
    mkdocs = root / "mkdocs.yml"
    nav = mkdocs.read_text(encoding="utf-8")
    for name, text in pages.items():
        (root / "docs" / "examples").mkdir(exist_ok=True)
        (root / "docs" / "examples" / f"{name}.md").write_text(text, encoding="utf-8")
        nav = newpage.add_to_nav(nav, "About this site", name, f"examples/{name}.md")
    mkdocs.write_text(nav, encoding="utf-8")
    result = run_build(root, "--format", "json")
    start = result.stdout.find("[")
    assert start >= 0, result.stdout + result.stderr
    return json.loads(result.stdout[start:])


@pytest.fixture(scope="session")
def built_examples(tmp_path_factory) -> dict[tuple[str, str], set[str]]:
    """(code, "bad"|"good") -> the codes reported about that example's page, from two real builds: the bad
    examples MkDocs stops on; every good example with the other bad ones, which reach the gate (each page's
    findings are told apart by its name, so a good one beside bad ones is still judged on its own)."""
    today = clock.today()  # the suite's pin (conftest.py)
    found: dict[tuple[str, str], set[str]] = {}
    groups = [[("bad", code) for code in sorted(STOPS_MKDOCS)],
              [("good", code) for code in sorted(BUILT)] + [("bad", code) for code in sorted(BUILT - STOPS_MKDOCS)]]
    for number, examples in enumerate(groups):
        root = copy_project(tmp_path_factory.mktemp(f"examples{number}"))
        pages = {f"{code.lower()}-{kind}": example_page(code, kind, getattr(EVERY_RULE[code], kind), today)
                 for kind, code in examples}
        diagnostics = build_with_examples(root, pages)
        for kind, code in examples:
            name = f"examples/{code.lower()}-{kind}"
            found[(code, kind)] = {d["code"] for d in diagnostics if name in f"{d['path']} {d.get('source') or ''}"}
    return found


@pytest.mark.slow
@pytest.mark.parametrize("code", sorted(BUILT))
def test_built_bad_example_is_reported(built_examples, code):
    assert code in built_examples[(code, "bad")]


@pytest.mark.slow
@pytest.mark.parametrize("code", sorted(BUILT))
def test_built_good_example_passes(built_examples, code):
    assert code not in built_examples[(code, "good")]


@pytest.mark.slow
def test_built_good_examples_have_no_errors_at_all(built_examples):
    errors = {code: sorted(c for c in found if rules.severity(c) is rules.Severity.ERROR)
              for (code, kind), found in built_examples.items() if kind == "good"}
    assert not any(errors.values()), errors
