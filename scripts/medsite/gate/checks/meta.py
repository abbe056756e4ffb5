"""META: front matter, review dates, reviewers, required sections and snippet includes."""

from __future__ import annotations

import re

from markdown.extensions.toc import slugify

from medsite.core.diagnostics import Diagnostic
from medsite.core.rule import ERROR, SOURCE, Rule, declare, gate_check
from medsite.markdown import snippet_includes
from medsite.markdown.structure import HEADING
from medsite.sources.pagemeta import (
    KNOWN_FIELDS,
    REQUIRED_FIELDS,
    REQUIRED_SECTIONS,
    REVIEW_MONTHS,
    add_months,
    find_reviewer,
    markup_in,
    review_months,
    to_date,
)

# The codes this module reports, beside the check (registered on import, see medsite.core.rule).
RULES = declare(
    Rule("META002", ERROR,
         what="A required front matter field is missing or has the wrong type.",
         why="Templates and JSON-LD are built from these fields.",
         fix="Add the field, or write it in the form the message gives; CONTRIBUTING.md lists every field.",
         where="front matter",
         bad="title: 2024",
         good='title: "2024"'),
    Rule("META003", ERROR,
         what="A review date is not a valid ISO date (YYYY-MM-DD).",
         why="Review dates must be exact.",
         fix="Write the date as 2026-11-25.",
         where="front matter",
         bad="last_reviewed: 2026-13-01",
         good="last_reviewed: 2026-11-25"),
    Rule("META004", ERROR,
         what="next_review_due is not after last_reviewed, or is further away than the page type allows (12 months for treatment, clinic and guide pages; 3 years for others).",
         why="Health information goes out of date.",
         fix="Set next_review_due within the allowed interval.",
         where="front matter",
         bad="next_review_due: 2029-11-26",
         good="next_review_due: 2029-11-25"),
    Rule("META005", ERROR,
         what="The page is overdue for review.",
         why="Out-of-date health information can harm readers.",
         fix="Review the whole page, then update last_reviewed and next_review_due.",
         where="front matter",
         bad="""\
last_reviewed: 2023-01-01
next_review_due: 2025-01-01""",
         good="""\
last_reviewed: 2026-11-25
next_review_due: 2027-11-25"""),
    Rule("META006", ERROR,
         what="last_reviewed is in the future.",
         why="A review cannot have happened yet.",
         fix="Use the date the review was done.",
         where="front matter",
         bad="""\
last_reviewed: 2026-12-01
next_review_due: 2027-12-01""",
         good="""\
last_reviewed: 2026-11-25
next_review_due: 2027-11-25"""),
    Rule("META007", ERROR,
         what="reviewed_by names someone not in extra.editorial_team.",
         why="Never invent a reviewer or credential.",
         fix="Leave it empty (the page then says 'Awaiting clinical review') or add the real person to mkdocs.yml first.",
         where="front matter",
         bad='reviewed_by: "Dr Invented"',
         good='reviewed_by: "Dr Ada Real"'),
    Rule("META008", ERROR,
         what="A treatment or clinic page lacks a required section (regulatory status, evidence, risks, alternatives, questions; cost on the clinic page) or the medical-help callout.",
         why="The editorial policy (docs/about/editorial-policy.md) requires these for every treatment page.",
         fix="Add the heading with its id, e.g. '## Is it approved? {#regulatory-status}', and the snippet line.",
         where="docs/page.md",
         bad="""\
---
title: A treatment
description: What the treatment is and what is known about it.
page_type: treatment
last_reviewed: 2026-11-25
next_review_due: 2027-11-25
reviewed_by: ""
sources: [smith2020]
---

## What it is

Some people try it [@smith2020].""",
         good='---\ntitle: A treatment\ndescription: What the treatment is and what is known about it.\npage_type: treatment\nlast_reviewed: 2026-11-25\nnext_review_due: 2027-11-25\nreviewed_by: ""\nsources: [smith2020]\n---\n\n## What it is\n\nSome people try it [@smith2020].\n\n## Is it approved? {#regulatory-status}\n\nNot approved [@smith2020].\n\n## What the research shows {#evidence}\n\n## Risks {#risks}\n\n## Alternatives {#alternatives}\n\n## Questions to ask {#questions}\n\n--8<-- "medical-help.md"'),
    Rule("META009", ERROR,
         what="page_type is not one of condition, treatment, clinic, guide, about, policy.",
         why="The type decides review intervals and required sections.",
         fix="Use one of the listed types.",
         where="front matter",
         bad="page_type: blog",
         good="page_type: guide"),
    Rule("META010", ERROR,
         what="A snippet include (--8<--) names a file that does not exist in includes/.",
         why="The build would stop.",
         fix="Fix the file name.",
         bad='--8<-- "medical-hlep.md"',
         good='--8<-- "medical-help.md"'),
    Rule("SAFE032", ERROR,
         what="A snippet include (--8<--, as one line or as a block of file names) names a file outside includes/: an absolute path, a URL, '..', or a link that leads out of the folder.",
         why="pymdownx.snippets pastes the named file into the page as it is: a path outside includes/ could publish any file the build can read (settings, keys, /proc/self/environ).",
         fix="Put the text in a file under includes/ and name it by its name there, e.g. --8<-- \"medical-help.md\".",
         bad='--8<--\n../mkdocs.yml\n--8<--',
         good='--8<--\nmedical-help.md\n--8<--'),
    Rule("META011", ERROR,
         what="Placeholder text (TODO, TBC, FIXME, lorem ipsum) is left in the page or its front matter.",
         why="Half-written pages must not be published.",
         fix="Write the text, or remove the placeholder.",
         bad="TODO: write about relapses.",
         good="Relapses are periods when symptoms get worse [@smith2020]."),
    Rule("META012", ERROR,
         what="A front matter value contains markup: <, >, a straight double quote, or & that starts a character reference (&lt; &#60;).",
         why="The theme prints title and description into <title>, meta tags and headings without escaping, and undoes character references; markup there can run script or redirect readers.",
         fix="Write plain text: use curly quotes “ ” instead of \", 'and' or & followed by a space, and no angle brackets.",
         where="front matter",
         bad="title: A page</title><script>x()</script>",
         good="title: Risks & “benefits”"),
    Rule("META013", ERROR,
         what="The front matter has a key the site does not use.",
         why="MkDocs and the theme act on keys such as `template` (which picks the page's template) and `location` (printed into a redirect script), so unknown keys are refused.",
         fix="Remove the key; the fields every page uses are listed in CONTRIBUTING.md.",
         where="front matter",
         bad="template: redirect.html",
         good="title: A page  # and no template: key"),
)

MEDICAL_HELP = "medical-help.md"
# Pages that must show the "when to get medical help" callout besides treatment and clinic pages.
MEDICAL_HELP_PAGES = {"about-ms/symptoms.md"}
TYPES = {"title": str, "description": str, "page_type": str, "reviewed_by": str, "sources": list}


def _wrong_kind(name: str, value, rel: str, line: int) -> Diagnostic:
    """META002 for a field of the wrong kind, in an editor's words (not Python's type names)."""
    if TYPES[name] is list:
        return Diagnostic("META002", f"'{name}' should be a list in square brackets", rel, line, target=name,
                          hint=f"write {name}: [{value}] (keys separated by commas)")
    shown = str(value).replace('"', "'")
    return Diagnostic("META002", f"'{name}' should be text, but YAML reads {value!r} as a "
                      f"{'number' if isinstance(value, (int, float)) else 'list or group of fields'}", rel, line,
                      target=name, hint=f'put it in double quotes: {name}: "{shown}"')


def _field_checks(page):
    meta, rel = page.page.meta, page.rel
    for name in REQUIRED_FIELDS:
        if name not in meta:
            yield Diagnostic("META002", f"front matter lacks '{name}'", rel, 1 if not page.page.has_front_matter else 2,
                             target=name, hint="see CONTRIBUTING.md for the fields every page needs")
        elif name in TYPES and meta[name] is not None and not isinstance(meta[name], TYPES[name]):
            yield _wrong_kind(name, meta[name], rel, page.page.line_of(name))
    for name in ("title", "description", "page_type"):
        if name in meta and not str(meta[name] or "").strip():
            yield Diagnostic("META002", f"'{name}' is empty", rel, page.page.line_of(name), target=name)


def _plain_data_checks(page):
    """Front matter holds plain text for the templates to show, and nothing MkDocs or the theme would act on."""
    for name, value in page.page.meta.items():
        line = page.page.line_of(str(name))
        if name not in KNOWN_FIELDS:
            yield Diagnostic("META013", f"unknown front matter key '{name}'", page.rel, line, target=str(name),
                             hint=f"use only: {', '.join(sorted(KNOWN_FIELDS))}")
            continue
        found = markup_in(value)
        if found:
            yield Diagnostic("META012", f"'{name}' contains markup '{found}'", page.rel, line, target=found,
                             hint="write plain text: no < > or \" (use “curly quotes”), and & only before a space")


PLACEHOLDER = re.compile(r"\b(?:TODO|TBC|FIXME|XXX)\b|lorem ipsum")


def _placeholder_checks(page):
    for name in ("title", "description"):
        if PLACEHOLDER.search(str(page.page.meta.get(name) or "")):
            yield Diagnostic("META011", f"placeholder text left in '{name}'", page.rel, page.page.line_of(name), target=name)
    for line_no, text in page.prose_lines():
        m = PLACEHOLDER.search(text)
        if m:
            yield Diagnostic("META011", f"placeholder text '{m.group(0)}' left in the page", page.rel, line_no, m.start() + 1,
                             target=m.group(0), hint="write the text, or remove the placeholder")


def _review_checks(page, today, team):
    meta, rel, line = page.page.meta, page.rel, page.page.line_of
    page_type = meta.get("page_type")
    if "page_type" in meta and page_type not in REVIEW_MONTHS:
        yield Diagnostic("META009", f"unknown page_type '{page_type}'", rel, line("page_type"),
                         hint=f"use one of: {', '.join(REVIEW_MONTHS)}")
    dates = {}
    for name in ("last_reviewed", "next_review_due"):
        if name in meta:
            dates[name] = to_date(meta[name])
            if dates[name] is None:
                yield Diagnostic("META003", f"'{name}' is not an ISO date: {meta[name]!r}", rel, line(name), hint="write it as YYYY-MM-DD")
    last, due = dates.get("last_reviewed"), dates.get("next_review_due")
    if last and last > today:
        yield Diagnostic("META006", f"last_reviewed {last} is in the future", rel, line("last_reviewed"))
    if last and due:
        months = review_months(page_type, page.uri)
        if due <= last:
            yield Diagnostic("META004", f"next_review_due {due} is not after last_reviewed {last}", rel, line("next_review_due"))
        elif months and due > add_months(last, months):
            yield Diagnostic("META004", f"next_review_due {due} is more than {months} months after last_reviewed {last}",
                             rel, line("next_review_due"), hint=f"set it to {add_months(last, months)} or earlier")
    if due and due < today:
        yield Diagnostic("META005", f"review was due on {due}", rel, line("next_review_due"),
                         hint="review the whole page, then update last_reviewed and next_review_due")
    reviewer = meta.get("reviewed_by")
    if isinstance(reviewer, str) and reviewer.strip() and not find_reviewer(reviewer.strip(), team):
        yield Diagnostic("META007", f"reviewer '{reviewer}' is not in extra.editorial_team", rel, line("reviewed_by"),
                         hint="leave reviewed_by empty until a real clinician has reviewed the page")


def _section_checks(page):
    page_type = page.page.meta.get("page_type")
    ids = set()
    for _line_no, text in page.prose_lines():
        m = HEADING.match(text)
        if m:
            ids.add(m.group(3) or slugify(m.group(2), "-"))
    # The same reader as META010 and SAFE032: the line form, the block form and either quote.
    snippets = {ref.path for ref in snippet_includes.find(page.page.body, first_line=page.page.body_line)}
    for section in REQUIRED_SECTIONS.get(page_type, []):
        if section not in ids:
            yield Diagnostic("META008", f"{page_type} page lacks the section {{#{section}}}", page.rel, page.page.body_line,
                             target=section, hint=f"add a heading such as '## ... {{#{section}}}'")
    needs_help = page_type in REQUIRED_SECTIONS or page.uri in MEDICAL_HELP_PAGES
    if needs_help and MEDICAL_HELP not in snippets:
        yield Diagnostic("META008", "page lacks the 'When to get medical help' callout", page.rel, page.page.body_line,
                         hint=f'add the line --8<-- "{MEDICAL_HELP}"')


def _snippet_checks(source, includes_dir):
    """META010 and SAFE032 for every file a page or include names, in either form, code blocks included
    (snippets are pasted in before Markdown finds code)."""
    for ref in snippet_includes.find(source.page.body, first_line=source.page.body_line):
        form = "in a --8<-- block" if ref.block else "--8<--"
        if snippet_includes.outside(ref.path, includes_dir):
            yield Diagnostic("SAFE032", f"snippet '{ref.path}' ({form}) is outside includes/", source.rel, ref.line,
                             target=ref.path, hint="name a file under includes/ by its name there, e.g. \"medical-help.md\"")
        elif not (includes_dir / ref.path).is_file():
            yield Diagnostic("META010", f"snippet '{ref.path}' does not exist in includes/", source.rel, ref.line, target=ref.path)


@gate_check(stage=SOURCE)
def check_snippets(project):
    for source in [*project.pages, *project.includes]:
        if source.page is not None:
            yield from _snippet_checks(source, project.includes_dir)


@gate_check(stage=SOURCE)
def check(project):
    team = project.extra.get("editorial_team") or []
    for page in project.pages:
        if page.error:
            yield page.error
            continue
        if not page.page.has_front_matter:
            yield Diagnostic("META002", "page has no front matter", page.rel, 1, hint="start the file with the fields between --- lines")
            continue
        yield from _field_checks(page)
        yield from _plain_data_checks(page)
        yield from _placeholder_checks(page)
        yield from _review_checks(page, project.today, team)
        yield from _section_checks(page)
