"""MkDocs' log, read whole: multi-line messages kept together and turned into located diagnostics.

MkDocs writes some warnings over several lines (the pages missing from the
menu are listed under the warning). Reading line by line cut those off before
the page name. Here each record keeps its continuation lines, and two
messages get an editor's fix:

- pages missing from `nav`: one NAV001 per page, at the page;
- a missing anchor (LNK002): the closest anchor that the target page really
  has ("did you mean '#conflicts-of-interest'?"), read from the pages MkDocs
  already wrote to the staging folder.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import replace
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser as HTMLParser

from medsite.core.diagnostics import Diagnostic
from medsite.core.rule import ERROR, Rule, declare

# The codes this module reports, beside the check (registered on import, see medsite.core.rule).
RULES = declare(
    Rule("NAV001", ERROR,
         what="A page in docs/ is not in the menu (`nav:` in mkdocs.yml).",
         why="Readers cannot find a page that no menu or link leads to.",
         fix="Add the page to `nav:` in mkdocs.yml under its menu section (make new-page does this; in the browser, edit mkdocs.yml on GitHub and add a line for the page), or delete the file.",
         where="MkDocs build log",
         bad="""\
WARNING -  The following pages exist in the docs directory, but are not included in the "nav" configuration:
  - about-ms/forgotten.md""",
         good="INFO    -  Documentation built in 1.52 seconds"),
    Rule("LNK008", ERROR,
         what="A link starts with / (root-relative) or names a folder rather than a page, so MkDocs leaves it as written and cannot check it.",
         why="A root-relative link breaks when the site is served under a path (a preview, a mirror), and a folder link breaks when the page moves; neither is checked.",
         fix="Link to the page's .md file relative to this page (MkDocs suggests one: '../about/editorial-team.md'); in the browser, edit the link on GitHub the same way.",
         where="MkDocs build log",
         bad="WARNING -  Doc file 'about-ms/what-is-ms.md' contains an absolute link '/about/editorial-team/', it was left as is. "
             "Did you mean '../about/editorial-team.md'?",
         good="INFO    -  Documentation built in 1.52 seconds"),
)

LOG_LINE = re.compile(r"^(ERROR|WARNING)\s+-\s+(.*)$")
_OTHER_LEVEL = re.compile(r"^(INFO|DEBUG)\s+-\s")
_NAV_OMITTED = re.compile(r'not included in the "nav" configuration:')
_LISTED = re.compile(r"^\s+-\s+(\S.*)$")
_LEFT_AS_IS = re.compile(r"Doc file '(?P<doc>[^']+)' contains an? (?P<kind>absolute|unrecognized relative) link "
                         r"'(?P<link>[^']+)', it was left as is\.(?: Did you mean '(?P<better>[^']+)'\?)?")
_MISSING_ANCHOR = re.compile(r"the doc '(?P<doc>[^']+)' does not contain an anchor '#(?P<anchor>[^']+)'")

NAV_FIX = ("add the page to `nav:` in mkdocs.yml under its menu section (make new-page does this; in the browser, "
           "edit mkdocs.yml on GitHub and add a line for the page), or delete the file")


def records(output: str) -> list[str]:
    """The text of each ERROR and WARNING record, with its indented continuation lines."""
    out: list[str] = []
    current: list[str] | None = None
    for raw in output.splitlines():
        line = raw.rstrip()
        m = LOG_LINE.match(line.strip())
        if m:
            current = [m.group(2)]
            out.append(m.group(2))
            continue
        if current is not None and line.startswith((" ", "\t")) and line.strip() and not _OTHER_LEVEL.match(line.strip()):
            current.append(line)
            out[-1] = "\n".join(current)
        else:
            current = None
    return out


def link_line(path: Path, link: str) -> int | None:
    """The first line of a Markdown file holding the link as written (`what-is-ms.md#part`), else its page
    part (`what-is-ms.md`): the line the gate's link check names too, so the two reports merge into one."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    for needle in dict.fromkeys(n for n in (link, link.split("#")[0]) if n):
        found = next((i for i, line in enumerate(lines, 1) if needle in line), None)
        if found:
            return found
    return None


def closest(word: str, candidates) -> str | None:
    found = difflib.get_close_matches(word, [c for c in candidates if c], n=1, cutoff=0.6)
    return found[0] if found else None


def built_anchors(staging: Path, doc: str) -> set[str]:
    """Element ids of a page MkDocs wrote to the staging folder (use_directory_urls layout)."""
    stem = doc[: -len(".md")] if doc.endswith(".md") else doc
    html = staging / (f"{stem}.html" if stem == "index" or stem.endswith("/index") else f"{stem}/index.html")
    try:
        tree = HTMLParser(html.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return set()
    return {node.attributes.get("id") for node in tree.css("[id]")} - {None}


def anchor_hint(anchor: str, ids) -> str | None:
    near = closest(anchor, ids)
    if near:
        return f"did you mean '#{near}'? Use the heading's id (shown in the page's table of contents) or set one with {{#id}}"
    return None


def left_as_is(m: re.Match, docs: str, root: Path | None) -> Diagnostic:
    """LNK008: a link MkDocs left as written (root-relative, or a folder), at the line that holds it."""
    path, link = f"{docs}/{m['doc']}", m["link"]
    kind = "starts with / (root-relative)" if m["kind"] == "absolute" else "names no page file"
    better = f"write '{m['better']}'" if m["better"] else "link to the page's .md file, relative to this page"
    return Diagnostic("LNK008", f"link '{link}' {kind}, so it cannot be checked and may break", path,
                      link_line(root / path, link) if root else None, target=link,
                      hint=f"{better} (on GitHub: edit the page in the browser and change the link the same way)")


def explain(message: str, docs: str, staging: Path, fallback, root: Path | None = None) -> list[Diagnostic]:
    """Diagnostics for one log record; `fallback(first_line)` handles everything not special here."""
    first, *rest = message.split("\n")
    m = _LEFT_AS_IS.search(first)
    if m:
        return [left_as_is(m, docs, root)]
    if _NAV_OMITTED.search(first):
        pages = [m.group(1).strip() for m in map(_LISTED.match, rest) if m]
        return [Diagnostic("NAV001", "the page is not in the menu (`nav:` in mkdocs.yml), so readers cannot find it",
                           f"{docs}/{page}", hint=NAV_FIX, target=page) for page in pages] or [fallback(first)]
    m = _MISSING_ANCHOR.search(first)
    if m and m["anchor"].lower() == "top":  # every browser scrolls to the top for "#top", with or without such an id
        return []
    found = fallback(first)
    if m and found.code == "LNK002":
        hint = anchor_hint(m["anchor"], built_anchors(staging, m["doc"]))
        if hint:
            found = replace(found, hint=hint)
    return [found]
