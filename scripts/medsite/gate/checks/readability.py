"""READ001: the body text of a content page reads at or below the grade limit (gate.yml readability_max_grade).

Measured on the built page, as readers get it (readability.body_text), and
reported against the Markdown source with the three hardest sentences and
their lines, so the editor knows what to rewrite.
"""

from __future__ import annotations

import re

from medsite.core.diagnostics import Diagnostic, Location
from medsite.core.rule import ERROR, SITE, Rule, declare, gate_check
from medsite.gate.checks.prose import clean
from medsite.output import readability

# The codes this module reports, beside the check (registered on import, see medsite.core.rule).
RULES = declare(
    Rule("READ001", ERROR,
         what="The body text of a content page reads above the grade limit in gate.yml (Flesch-Kincaid, default 9). The message names the three hardest sentences.",
         why="Our readers include people tired or unwell from MS; plain language is part of being accurate.",
         fix="Rewrite the sentences named: split long sentences, use everyday words, explain medical terms in a short sentence of their own.",
         bad="Autologous haematopoietic stem cell transplantation necessitates immunoablative conditioning regimens, consequently predisposing recipients to opportunistic infections, infertility and treatment-related mortality, notwithstanding considerable heterogeneity among institutional protocols.",
         good="A stem cell transplant uses strong chemotherapy. It weakens the body's defences for a while. Infections are more likely then. Some people cannot have children after it."),
)

_WORD = re.compile(r"[a-z0-9]+")
_SHOWN = 90  # characters of each hard sentence in the message


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def locate(sentence: str, source_page) -> int | None:
    """The Markdown line a sentence of the built page starts on (or the first line holding part of it)."""
    words = _words(sentence)
    lines = [(n, _words(clean(text))) for n, text in source_page.prose_lines()]
    for start in range(0, max(1, len(words) - 3), 4):  # a heading may be glued to the front of the sentence
        probe = words[start:start + 4]
        if len(probe) < 2:
            break
        for line_no, line_words in lines:
            if any(line_words[i:i + len(probe)] == probe for i in range(len(line_words) - len(probe) + 1)):
                return line_no
    return None


def _shorten(text: str) -> str:
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1].rstrip() + "…"


@gate_check(stage=SITE)
def check(project):
    site = project.site
    if site is None:
        return
    limit = project.config["readability_max_grade"]
    types = set(project.config.get("readability_page_types") or [])
    for html_page in site.pages.values():
        source = project.page_by_html.get(html_page.rel)
        if not source or not source.page or source.page.meta.get("page_type") not in types:
            continue
        if not html_page.body_text.strip():
            continue
        grade = readability.grade(html_page.body_text)
        if grade <= limit:
            continue
        hard = []
        for g, sentence in readability.hardest_sentences(html_page.body_text):
            line = locate(sentence, source)
            hard.append(f"{'line ' + str(line) if line else 'line ?'} (grade {g:.1f}) \"{_shorten(sentence)}\"")
        yield Diagnostic("READ001", f"body text reads at grade {grade:.1f}, above {limit}; hardest sentences: " + "; ".join(hard),
                         html_page.rel, source=Location(source.rel, source.page.body_line), target=f"{grade:.1f}",
                         hint="rewrite those sentences: shorter sentences, everyday words, one idea each")
