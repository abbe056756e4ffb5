"""LNK006: no two elements of a page share an id.

Explicit heading ids (`## Risks {#risks}`) are published as written, so the
same id twice gives two targets for one link: the table of contents, the
References page's backlinks and links from other pages all land on the first.
"""

from __future__ import annotations

import re

from medsite.core.diagnostics import Diagnostic, Location
from medsite.core.rule import ERROR, SITE, Rule, declare, gate_check

# The codes this module reports, beside the check (registered on import, see medsite.core.rule).
RULES = declare(
    Rule("LNK006", ERROR,
         what="Two elements of a page share an id (for example the same {#id} on two headings).",
         why="Links, the table of contents and the References page's backlinks all land on the first one.",
         fix="Give each heading its own {#id}.",
         bad="""\
## Risks {#risks}

Text.

## More about risks {#risks}

Text.""",
         good="""\
## Risks {#risks}

Text.

## More about risks {#more-risks}

Text."""),
)


def _second_use(source_page, id_: str) -> Location | None:
    """docs/x.md:17, the second source line that sets this id ({#id} or id="id")."""
    if source_page is None or source_page.page is None:
        return None
    pattern = re.compile(r"\{[^}]*#" + re.escape(id_) + r"(?=[\s}])|\bid=[\"']?" + re.escape(id_) + r"(?![\w-])")
    lines = [line_no for line_no, text in source_page.prose_lines() if pattern.search(text)]
    return Location(source_page.rel, lines[1]) if len(lines) > 1 else None


@gate_check(stage=SITE)
def check(project):
    for page, source_page in project.built_pages():
        for id_ in page.duplicate_ids:
            yield Diagnostic("LNK006", f"id '{id_}' is used more than once on the page", page.rel, target=id_,
                             source=_second_use(source_page, id_),
                             hint="give each heading its own {#id}; links and the contents go to the first one")
