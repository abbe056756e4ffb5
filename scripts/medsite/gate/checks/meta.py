"""META: front matter, review dates, reviewers, required sections and snippet includes."""

from __future__ import annotations

import re

from markdown.extensions.toc import slugify

from ...diagnostics import Diagnostic
from ...mdcode import HEADING, SNIPPET
from ...pagemeta import (
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
    ids, snippets = set(), {}
    for line_no, text in page.prose_lines():
        m = HEADING.match(text)
        if m:
            ids.add(m.group(3) or slugify(m.group(2), "-"))
        s = SNIPPET.match(text)
        if s:
            snippets.setdefault(s.group(1), line_no)
    for section in REQUIRED_SECTIONS.get(page_type, []):
        if section not in ids:
            yield Diagnostic("META008", f"{page_type} page lacks the section {{#{section}}}", page.rel, page.page.body_line,
                             target=section, hint=f"add a heading such as '## ... {{#{section}}}'")
    needs_help = page_type in REQUIRED_SECTIONS or page.uri in MEDICAL_HELP_PAGES
    if needs_help and MEDICAL_HELP not in snippets:
        yield Diagnostic("META008", "page lacks the 'When to get medical help' callout", page.rel, page.page.body_line,
                         hint=f'add the line --8<-- "{MEDICAL_HELP}"')


def _snippet_checks(page, includes_dir):
    for line_no, text in page.prose_lines():
        s = SNIPPET.match(text)
        if s and not (includes_dir / s.group(1)).is_file():
            yield Diagnostic("META010", f"snippet '{s.group(1)}' does not exist in includes/", page.rel, line_no, target=s.group(1))


def check(project):
    team = project.extra.get("editorial_team") or []
    for page in project.pages:
        if page.error:
            yield page.error
            continue
        yield from _snippet_checks(page, project.includes_dir)
        if not page.page.has_front_matter:
            yield Diagnostic("META002", "page has no front matter", page.rel, 1, hint="start the file with the fields between --- lines")
            continue
        yield from _field_checks(page)
        yield from _plain_data_checks(page)
        yield from _placeholder_checks(page)
        yield from _review_checks(page, project.today, team)
        yield from _section_checks(page)
