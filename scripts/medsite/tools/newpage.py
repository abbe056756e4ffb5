"""Create a new page with all the front matter the gate asks for.

    make new-page PAGE=treatments/x.md TITLE="..." TYPE=treatment
    PYTHONPATH=scripts python -m medsite.tools.newpage --path treatments/x.md --title "..." --type treatment [--root DIR]

Writes docs/<path> with the required front matter, review dates counted from
today, and placeholders marked TODO (the empty `description` fails the gate
until the editor writes one). Treatment and clinic pages also get their
required sections and the "when to get medical help" callout, and every page the parts gate.yml
requires of its type (required_parts: key messages, support...). The page is
added to its section of the `nav:` in mkdocs.yml by inserting one line, so
comments and layout there are kept. An existing file is never overwritten.

Problems print as `path: CODE message; fix: hint`, never as a traceback.
Its codes (NEW001-NEW006) belong to this command only; they are declared in RULES below and
listed in GATE-CODES.md with the gate's.

Exit codes: 0 created, 1 a file could not be written, 2 bad usage or configuration.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from datetime import date
from pathlib import Path, PurePosixPath

import yaml

from medsite.core import clock
from medsite.core.diagnostics import Diagnostic, DiagnosticError
from medsite.core.rule import ERROR, Rule, declare
from medsite.gate import formatters
from medsite.sources import yamlsource
from medsite.sources.gate_settings import load_config
from medsite.sources.pagemeta import REQUIRED_SECTIONS, REVIEW_MONTHS, add_months, review_months
from medsite.sources.required_parts import RequiredParts
from medsite.sources.settings import GATE, compose_mkdocs

# The codes this module reports, beside the check (registered on import, see medsite.core.rule).
RULES = declare(
    Rule("NEW001", ERROR,
         what="`make new-page` was asked to create a page that already exists.",
         why="Creating it would overwrite an editor's work; nothing is changed.",
         fix="Choose another file name, or edit the page that is there.",
         where="make new-page",
         bad='make new-page PAGE=about-ms/causes.md TITLE="Causes of MS" TYPE=condition',
         good='make new-page PAGE=about-ms/vitamin-d.md TITLE="Vitamin D and MS" TYPE=condition'),
    Rule("NEW002", ERROR,
         what="`make new-page` was given a page path it cannot use: none, not one folder deep, a folder the site does not have, or a file name other than lower-case words joined by hyphens ending in .md.",
         why="Page paths become addresses readers share; the menu has one section per folder.",
         fix="Give the folder and file name, e.g. PAGE=treatments/stem-cell-tourism.md (the message lists the folders).",
         where="make new-page",
         bad='make new-page PAGE=about-ms/Vitamin_D.md TITLE="Vitamin D and MS" TYPE=condition',
         good='make new-page PAGE=about-ms/vitamin-d.md TITLE="Vitamin D and MS" TYPE=condition'),
    Rule("NEW003", ERROR,
         what="`make new-page` was given no title, or a title of more than one line.",
         why="The title is the page's heading, its menu entry and its name in search results.",
         fix='Add TITLE="Plain words" on one line.',
         where="make new-page",
         bad="make new-page PAGE=about-ms/vitamin-d.md TYPE=condition",
         good='make new-page PAGE=about-ms/vitamin-d.md TITLE="Vitamin D and MS" TYPE=condition'),
    Rule("NEW004", ERROR,
         what="`make new-page` was given a page type the site does not have.",
         why="The type decides the required sections and how often the page is reviewed.",
         fix="Use one of the types the message lists (condition, treatment, clinic, guide, about, policy).",
         where="make new-page",
         bad='make new-page PAGE=about-ms/vitamin-d.md TITLE="Vitamin D and MS" TYPE=blog',
         good='make new-page PAGE=about-ms/vitamin-d.md TITLE="Vitamin D and MS" TYPE=guide'),
    Rule("NEW005", ERROR,
         what="mkdocs.yml has no `nav:` list, or no menu section for the new page's folder.",
         why="The new page must be added to the menu, or readers cannot find it (NAV001).",
         fix="Restore the nav from git, or add the section the message names.",
         where="make new-page",
         bad='make new-page PAGE=treatments/vitamin-d.md TITLE="Vitamin D and MS" TYPE=treatment',
         good='make new-page PAGE=about-ms/vitamin-d.md TITLE="Vitamin D and MS" TYPE=condition'),
    Rule("NEW006", ERROR,
         what="`make new-page` could not read or write a file (the new page or mkdocs.yml).",
         why="The page would be half-made; when mkdocs.yml cannot be written, the new page is removed again.",
         fix="Make the named file or folder writable (or free disk space), then run the command again.",
         where="situation",
         bad="docs/about-ms/ is read-only when `make new-page PAGE=about-ms/vitamin-d.md ...` runs.",
         good="The folder is writable: the page is created and added to the menu."),
)

PAGE_TYPES = tuple(REVIEW_MONTHS)
UNWRITABLE = "make the named file or folder readable and writable (or free disk space), then run the command again"

# docs/ folder -> nav section title in mkdocs.yml
SECTIONS = {
    "about-ms": "About MS",
    "treatments": "Treatments",
    "stem-cells": "Stem-cell therapy",
    "about": "About this site",
}

FILE_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\.md$")

SUMMARY_TODO = (
    "TODO: start with a short summary in plain words: two or three short sentences\n"
    "that say what this page is about. Give a source for every fact (see CONTRIBUTING.md)."
)
MEDICAL_HELP = '--8<-- "medical-help.md"'

# Required section id (pagemeta.REQUIRED_SECTIONS) -> plain heading and what to write there.
SECTION_TEXT = {
    "regulatory-status": ("Is it approved?",
                          "say whether the FDA, EMA and MHRA have approved this for MS, or that it is investigational."),
    "evidence": ("What the research shows",
                 "what was studied, in how many people, against what comparison, what it showed, and what is still unknown."),
    "risks": ("Risks and side effects", "the known risks, and how often they happen where the sources say."),
    "alternatives": ("Approved alternatives", "the approved disease-modifying medicines, and aHSCT for some people."),
    "questions": ("Questions to ask",
                  "the questions to ask before agreeing to treatment (ISSCR patient guidance), "
                  "with a link to the page of questions to ask."),
    "cost": ("What it costs and includes",
             "say that the price is not published here and how to ask for it. Never invent a price."),
    # The parts gate.yml requires (required_parts, PART001) that META008 does not.
    "how-it-works": ("How it works", "how the treatment is thought to work, in plain words, and what is not known."),
    "warning-signs": ("Warning signs after treatment",
                      "each sign as a bullet, grouped under what to do: call an emergency number, or contact the team the same day."),
    "without-treatment": ("If you do not have this treatment", "what the sources say happens without it, and the other choices."),
    "everyday-life": ("Everyday life", "what the treatment means for work, travel, family plans and time in hospital."),
    "unknowns": ("What is still unknown", "what the research has not yet shown."),
    "support": ("Support and more information", "charities, helplines and the reader's own MS team."),
}
# The order of sections on a new page (ids not listed here follow, in gate.yml's order).
PAGE_ORDER = ["how-it-works", "regulatory-status", "evidence", "risks", "warning-signs", "alternatives", "without-treatment",
              "everyday-life", "unknowns", "support", "questions", "cost"]
KEY_MESSAGES = 'key-messages'
KEY_MESSAGES_TODO = ('!!! key-messages "Key messages"\n'
                     "    - TODO: two to four short messages a reader should take away, each with its source.\n")


def section_markdown(section_id: str, name: str = "") -> str:
    plain = name[:1].upper() + name[1:] if name else section_id.replace("-", " ").capitalize()
    heading, todo = SECTION_TEXT.get(section_id, (plain, "write this section."))
    return f"## {heading} {{#{section_id}}}\n\nTODO: {todo}\n"


# --- dates -------------------------------------------------------------------


def next_review_due(today: date, page_type: str, folder: str) -> date:
    """The latest date the gate allows (pagemeta.review_months); 29 February becomes 28 February in a common year."""
    return add_months(today, review_months(page_type, f"{folder}/"))


# --- checking the request ------------------------------------------------------


def usage_error(code: str, message: str, path: str, hint: str | None = None) -> DiagnosticError:
    return DiagnosticError(Diagnostic(code, message, path, hint=hint))


def page_path(raw: str) -> PurePosixPath:
    """`folder/name.md` inside docs/, from what the editor typed (a leading `docs/` is fine)."""
    text = raw.strip().replace("\\", "/").removeprefix("./").removeprefix("docs/")
    shown = f"docs/{text}" if text else "PAGE"
    example = "PAGE=treatments/my-page.md"
    if not text:
        raise usage_error("NEW002", "no page given", shown, f'make new-page {example} TITLE="..." TYPE=treatment')
    path = PurePosixPath(text)
    if path.is_absolute() or ".." in path.parts or len(path.parts) != 2:
        raise usage_error("NEW002", "the page must be a file in one folder of docs/", shown,
                          f"give the folder and file name, e.g. {example}")
    folder, name = path.parts
    if folder not in SECTIONS:
        raise usage_error("NEW002", f"'{folder}' is not a folder of the site", shown,
                          "use one of: " + ", ".join(f"{f}/ ({s})" for f, s in SECTIONS.items()))
    if not FILE_NAME.match(name):
        raise usage_error("NEW002", f"'{name}' is not a usable file name", shown,
                          "use lower-case letters, digits and hyphens, ending in .md, e.g. stem-cell-tourism.md")
    return path


def page_title(raw: str, shown: str) -> str:
    title = raw.strip()
    if not title or "\n" in title or "\r" in title:
        raise usage_error("NEW003", "the page needs a title on one line", shown, 'add TITLE="Plain words"')
    return title


def page_type(raw: str, shown: str) -> str:
    value = raw.strip()
    if value not in PAGE_TYPES:
        raise usage_error("NEW004", f"unknown page type '{value}'", shown, "use one of: " + ", ".join(PAGE_TYPES))
    return value


# --- writing the page ------------------------------------------------------------


def yaml_scalar(text: str) -> str:
    """`text` as a one-line YAML scalar, quoted only when YAML needs it (`a: b`, `yes`, `2024`)."""
    return yaml.safe_dump(text, allow_unicode=True, width=1_000_000).splitlines()[0]


def front_matter(title: str, kind: str, folder: str, today: date) -> str:
    months = review_months(kind, f"{folder}/")
    interval = f"{months // 12} years" if months % 12 == 0 and months > 12 else f"{months} months"
    return "\n".join([
        "---",
        f"title: {yaml_scalar(title)}",
        'description: ""  # TODO: one plain sentence for search results, under 160 characters',
        f"page_type: {kind}",
        f"last_reviewed: {today.isoformat()}  # change only after a full review of the whole page",
        f"next_review_due: {next_review_due(today, kind, folder).isoformat()}"
        f"  # at most {interval} after last_reviewed for this page",
        'reviewed_by: ""  # leave empty until a clinician named in mkdocs.yml has reviewed the whole page',
        "sources: []  # every key this page cites, each once, e.g. [reich2018, walton2020]",
        "---",
        "",
    ])


def required_parts(root: Path, kind: str) -> list:
    """The parts gate.yml requires of this page type (none when gate.yml cannot be read: the gate says why)."""
    config, _problems = load_config(root / GATE, GATE)
    parts = config.get("required_parts")
    return parts.for_type(kind) if isinstance(parts, RequiredParts) else []


def body(kind: str, parts=()) -> str:
    names = {p.id: p.name for p in parts if p.marker == "heading"}
    sections = list(dict.fromkeys([*REQUIRED_SECTIONS.get(kind, []), *names]))
    sections.sort(key=lambda s: PAGE_ORDER.index(s) if s in PAGE_ORDER else len(PAGE_ORDER))
    out = [SUMMARY_TODO + "\n"]
    if any(p.marker == "admonition" and p.id == KEY_MESSAGES for p in parts):
        out.append(KEY_MESSAGES_TODO)
    if REQUIRED_SECTIONS.get(kind):
        out.append(MEDICAL_HELP + "\n")
    out.extend(section_markdown(section_id, names.get(section_id, "")) for section_id in sections)
    return "\n".join(out)


def render_page(title: str, kind: str, folder: str, today: date, parts=()) -> str:
    return front_matter(title, kind, folder, today) + "\n" + body(kind, parts)


# --- the nav in mkdocs.yml ---------------------------------------------------------

def _nav(text: str) -> yaml.SequenceNode:
    """The `nav:` list of mkdocs.yml as YAML nodes, which know the line and column of every item."""
    try:
        root = compose_mkdocs(text)
    except yaml.YAMLError as exc:
        raise DiagnosticError(yamlsource.yaml_error(exc, "mkdocs.yml", code="NEW005")) from None
    for key, value in root.value if isinstance(root, yaml.MappingNode) else []:
        if getattr(key, "value", None) == "nav" and isinstance(value, yaml.SequenceNode) and not value.flow_style:
            return value
    raise usage_error("NEW005", "mkdocs.yml has no 'nav:' list", "mkdocs.yml", "add the nav back from git")


def _listed(node) -> set[str]:
    """Every page path anywhere in a nav (sub)list."""
    found: set[str] = set()
    for item in node.value:
        values = [v for _, v in item.value] if isinstance(item, yaml.MappingNode) else [item]
        for value in values:
            if isinstance(value, yaml.ScalarNode):
                found.add(str(value.value))
            elif isinstance(value, yaml.SequenceNode):
                found |= _listed(value)
    return found


def _last_scalar(node: yaml.Node) -> yaml.Node:
    """The last scalar inside a node: its end mark is where the text ends (a block's is where the next one starts)."""
    while isinstance(node, (yaml.SequenceNode, yaml.MappingNode)) and node.value:
        node = node.value[-1][1] if isinstance(node, yaml.MappingNode) else node.value[-1]
    return node


def _dash_indent(lines: list[str], node: yaml.Node) -> int:
    line = lines[node.start_mark.line]
    return len(line) - len(line.lstrip(" "))


def add_to_nav(text: str, section: str, title: str, path: str) -> str:
    """mkdocs.yml text with `- title: path` appended to `section`; unchanged if the path is listed.

    Only that one line is inserted, so comments and formatting elsewhere stay as they are.
    """
    nav = _nav(text)
    if path in _listed(nav):
        return text
    lines = text.splitlines(keepends=True)
    for item in nav.value:
        if not (isinstance(item, yaml.MappingNode) and len(item.value) == 1):
            continue
        key, value = item.value[0]
        if str(key.value) != section:
            continue
        if isinstance(value, yaml.SequenceNode) and value.value and not value.flow_style:
            last = _last_scalar(value)
            at = last.end_mark.line + (1 if last.end_mark.column else 0)
            indent = _dash_indent(lines, value.value[0])
        elif isinstance(value, yaml.ScalarNode) and not value.value:  # "- Section:" with nothing under it yet
            at, indent = key.start_mark.line + 1, _dash_indent(lines, key) + 4
        else:
            break
        at = min(at, len(lines))
        if at > 0 and not lines[at - 1].endswith("\n"):
            lines[at - 1] += "\n"
        newline = "\r\n" if at > 0 and lines[at - 1].endswith("\r\n") else "\n"
        lines.insert(at, f"{' ' * indent}- {yaml_scalar(title)}: {path}{newline}")
        return "".join(lines)
    raise usage_error("NEW005", f"the nav in mkdocs.yml has no section '{section}'", "mkdocs.yml",
                      f"add a section '- {section}:' to the nav, or choose another folder")


# --- files -----------------------------------------------------------------------


def read_text(path: Path, shown: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DiagnosticError(Diagnostic("NEW006", f"cannot read the file: {exc}", shown, hint=UNWRITABLE)) from None


def write_new(path: Path, text: str, shown: str) -> None:
    """Create `path`; never replace a file that is already there."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = path.open("x", encoding="utf-8", newline="\n")
    except FileExistsError:
        raise page_exists(shown) from None
    except OSError as exc:
        raise DiagnosticError(Diagnostic("NEW006", f"cannot write the file: {exc}", shown, hint=UNWRITABLE)) from None
    try:
        with handle:
            handle.write(text)
    except OSError as exc:
        path.unlink(missing_ok=True)  # created by us a moment ago: no half-written page is left
        raise DiagnosticError(Diagnostic("NEW006", f"cannot write the file: {exc}", shown, hint=UNWRITABLE)) from None


def replace_text(path: Path, text: str, shown: str) -> None:
    """Write `path` in one step (a temporary file renamed over it)."""
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except OSError as exc:
        if tmp:
            Path(tmp).unlink(missing_ok=True)
        raise DiagnosticError(Diagnostic("NEW006", f"cannot write the file: {exc}", shown, hint=UNWRITABLE)) from None


def page_exists(shown: str) -> DiagnosticError:
    return usage_error("NEW001", "the page already exists; nothing was changed", shown,
                       "choose another file name, or edit the page that is there")


# --- the command -------------------------------------------------------------------


def create_page(root: Path, raw_path: str, raw_title: str, raw_type: str, today: date) -> list[str]:
    """Create the page and its nav entry; return what was done, one line each."""
    path = page_path(raw_path)
    shown = f"docs/{path}"
    title = page_title(raw_title, shown)
    kind = page_type(raw_type, shown)
    folder = path.parts[0]
    section = SECTIONS[folder]
    target = root / "docs" / path
    if target.exists():
        raise page_exists(shown)
    config = root / "mkdocs.yml"
    old_nav = read_text(config, "mkdocs.yml")
    new_nav = add_to_nav(old_nav, section, title, str(path))  # may fail: before anything is written
    write_new(target, render_page(title, kind, folder, today, required_parts(root, kind)), shown)
    due = next_review_due(today, kind, folder)
    done = [f"{shown}: created ({kind} page, next review due {due.isoformat()})"]
    if new_nav == old_nav:
        done.append(f"mkdocs.yml: the nav already lists {path}")
    else:
        try:
            replace_text(config, new_nav, "mkdocs.yml")
        except DiagnosticError:
            target.unlink(missing_ok=True)
            raise
        done.append(f"mkdocs.yml: added '{title}' to the nav under '{section}'")
    done.append(f"next: replace every TODO in {shown}, list its sources, then preview with `make serve`")
    return done


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m medsite.tools.newpage",
        description="Create a page in docs/ with the required front matter and add it to the nav.",
    )
    parser.add_argument("--path", default="", help="page inside docs/, e.g. treatments/stem-cell-tourism.md")
    parser.add_argument("--title", default="", help="the page title, in plain words")
    parser.add_argument("--type", default="condition", help="page type: " + ", ".join(PAGE_TYPES))
    parser.add_argument("--root", default=".", type=Path, help="project folder (holds mkdocs.yml and docs/)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        done = create_page(args.root, args.path, args.title, args.type, clock.today())  # MEDSITE_TODAY pins it
    except clock.BadToday as exc:
        print(f"{clock.ENV}: {exc}", file=sys.stderr)
        return 2
    except DiagnosticError as exc:
        print(formatters.lines(exc.diagnostics), file=sys.stderr)
        return 1 if any(d.code == "NEW006" for d in exc.diagnostics) else 2
    print("\n".join(done))
    return 0


if __name__ == "__main__":
    sys.exit(main())
