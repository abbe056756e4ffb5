"""PART001-PART003: what a page leaves out. Each page type has the parts gate.yml declares (required_parts),
and the warning signs readers act on are a list they can scan, not a paragraph.

A part is found by the marker editors write (a heading id or an admonition type), never by a guessed phrase:
see medsite.sources.required_parts.
"""

from __future__ import annotations

from medsite.core.diagnostics import Diagnostic
from medsite.core.rule import ERROR, SOURCE, Rule, declare, gate_check
from medsite.gate.checks.page_parts import LIST_ITEM, admonition_types, lines_of, section, sections
from medsite.sources.pagemeta import REVIEW_MONTHS
from medsite.sources.required_parts import RequiredParts

_PAGE = """\
---
title: What MS is
description: What MS is and how it affects the body.
page_type: condition
last_reviewed: 2026-11-25
next_review_due: 2029-11-25
reviewed_by: ""
sources: [smith2020]
---

{top}MS affects the brain and spinal cord [@smith2020].

## Support and more information {{#support}}

The MS Society runs a helpline [@smith2020].
"""
_KEY_MESSAGES = '!!! key-messages "Key messages"\n    - MS affects the brain and spinal cord [@smith2020].\n\n'
_WARNING_PROSE = ("If you get a fever, a headache that will not go away, weakness in your legs or any new symptom "
                  "after the injection, contact the team that treated you or a doctor the same day, and call an "
                  "ambulance if you feel very unwell [@smith2020].")

# The codes this module reports, beside the check (registered on import, see medsite.core.rule).
RULES = declare(
    Rule("PART001", ERROR,
         what="A page lacks parts its page type must have (gate.yml, required_parts): for a treatment or clinic page key messages, how it works, the evidence, risks, warning signs, alternatives, life without treatment, everyday life, what is unknown and support.",
         why="What a page leaves out misleads as much as what it says: a treatment page without its harms, warning signs or other choices is not balanced health information (DISCERN, the NHS Standard for Creating Health Content).",
         fix="Write each missing part under the marker the message gives: a heading with its id (## Risks and side effects {#risks}) or a callout of its type (!!! key-messages \"Key messages\"). An editor in the browser can add it with the page's edit button.",
         where="docs/page.md",
         bad=_PAGE.format(top=""),
         good=_PAGE.format(top=_KEY_MESSAGES)),
    Rule("PART002", ERROR,
         what="Pages use a page type that gate.yml's required_parts neither gives parts nor lists as exempt.",
         why="Pages of that type would escape every completeness check without anyone deciding they should.",
         fix="Add the page type to the page_types of the parts it must have, or list it under required_parts.exempt with why it needs none.",
         where="gate.yml",
         bad="""\
required_parts:
  parts:
    - id: key-messages
      marker: admonition
      name: key messages
      page_types: [treatment]""",
         good="""\
required_parts:
  parts:
    - id: key-messages
      marker: admonition
      name: key messages
      page_types: [treatment]
  exempt:
    condition: the fixture's pages are short notes."""),
    Rule("PART003", ERROR,
         what="The warning signs part ({#warning-signs}) is prose of more than 30 words with no bulleted list.",
         why="Readers look up warning signs when something is wrong: each sign must be a line they can find at a glance, with what to do.",
         fix="Write each sign as a bullet (- a fever on its own), grouped under what to do (call an ambulance, contact your team the same day).",
         bad=f"## Warning signs after the injection {{#warning-signs}}\n\n{_WARNING_PROSE}",
         good="""\
## Warning signs after the injection {#warning-signs}

Contact the team that treated you, or a doctor, the same day if you get [@smith2020]:

- a fever
- a headache that will not go away
- weakness in your legs"""),
)

WARNING_SIGNS = "warning-signs"
PROSE_WORDS = 30  # more words than this with no list is a paragraph readers must search


def _parts_of(config) -> RequiredParts:
    parts = config.get("required_parts")
    return parts if isinstance(parts, RequiredParts) else RequiredParts()


def _checked_type(page) -> str | None:
    """The page's type when it is one the gate knows (META002 and META009 report the rest)."""
    if page.error or page.page is None or not page.page.has_front_matter:
        return None
    page_type = page.page.meta.get("page_type")
    return page_type if isinstance(page_type, str) and page_type in REVIEW_MONTHS else None


def _missing(page, wanted) -> list:
    ids = {s.id for s in sections(page)}
    kinds = admonition_types(page)
    return [p for p in wanted if (p.id not in kinds if p.marker == "admonition" else p.id not in ids)]


@gate_check(stage=SOURCE)
def check_parts(project):
    required = _parts_of(project.config)
    if not required.declared:
        return
    undeclared: dict[str, str] = {}
    for page in project.pages:
        page_type = _checked_type(page)
        if page_type is None:
            continue
        if not required.covers(page_type):
            undeclared.setdefault(page_type, page.rel)
            continue
        missing = _missing(page, required.for_type(page_type))
        if missing:
            names = ", ".join(f"{p.name} ({'!!! ' + p.id if p.marker == 'admonition' else '{#' + p.id + '}'})" for p in missing)
            yield Diagnostic("PART001", f"{page_type} page lacks {len(missing)} required part{'s' * (len(missing) > 1)}: {names}",
                             page.rel, page.page.line_of("page_type"), target="page_type",
                             hint="add, each with its text: " + "; ".join(p.how_to_add() for p in missing))
    for page_type, first in undeclared.items():
        yield Diagnostic("PART002", f"page type '{page_type}' (used by {first}) has no required parts and is not exempt",
                         project.gate_config_path, required.line, target=page_type,
                         hint=f"add {page_type} to the page_types of the parts it needs, or under required_parts.exempt "
                              f"write '{page_type}: <why it needs none>'")


def _words(text: str) -> int:
    return len([w for w in text.split() if any(c.isalnum() for c in w)])


@gate_check(stage=SOURCE)
def check_warning_signs(project):
    for page in project.pages:
        if _checked_type(page) is None:
            continue
        part = section(page, WARNING_SIGNS)
        if part is None:
            continue
        lines = lines_of(page, part)
        if any(LIST_ITEM.match(text) for _, text in lines):
            continue
        words = sum(_words(text) for _, text in lines if not text.lstrip().startswith(("!!!", "???", "#", "<!--")))
        if words > PROSE_WORDS:
            yield Diagnostic("PART003", f"the warning signs are {words} words of prose with no bulleted list", page.rel, part.line,
                             target=WARNING_SIGNS, hint="write each sign as a bullet (- a fever), under what to do about it")
