"""The clinic's offer facts: one data file the clinic fills in, shown as a panel on the clinic page.

The editorial policy (docs/about/editorial-policy.md#clinic-facts) lists what the clinic must say about its
own offer: the same questions the site tells readers to ask any clinic. The
clinic answers them in a YAML file (`extra.clinic_offer` in mkdocs.yml); a fact
left empty is shown as "Not disclosed by the clinic", never guessed, and the
gate warns about it (OFFER001). The file is untrusted input: every value is
escaped, and a file that cannot be read is a located error (OFFER002).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from medsite.core.diagnostics import Diagnostic, DiagnosticError, Severity
from medsite.core.rule import ERROR, WARNING, Rule, declare
from medsite.sources import yamlsource

# The codes this module reports, beside the check (registered on import, see medsite.core.rule).
RULES = declare(
    Rule("OFFER001", WARNING,
         what="The clinic has not supplied one of the facts about its own offer (where it is, its legal entity and medical director, trial registration, ethics approval, licence, who it will not treat, whether patients must stop their MS medicines, manufacture, donor screening and testing, dose, sessions, routes, who gives the spinal injection, price, follow-up, side-effect record, how many patients it has treated).",
         why="Readers are told to ask every clinic these questions; the clinic page shows 'Not disclosed by the clinic' until the clinic answers them itself.",
         fix="Ask the clinic for the answer in writing and fill in the fact in the offer file (extra.clinic_offer); never guess it.",
         where="data/clinic-offer.yaml",
         bad='price: ""',
         good="price: \"The clinic's written answer\""),
    Rule("OFFER002", ERROR,
         what="The clinic's offer file is missing, does not parse, names an unknown fact, gives a fact twice, or gives an answer that is not text.",
         why="The clinic page's panel of offer facts cannot be trusted, so every fact is shown as not disclosed and nothing is published.",
         fix="Fix the file at the line shown: one 'fact: \"answer\"' line per fact, using the fact names listed in the message.",
         where="data/clinic-offer.yaml",
         bad="prize: \"The clinic's written answer\"",
         good="price: \"The clinic's written answer\""),
)

MARKER = "<!-- medsite:offer-facts -->"
# A page may also show the one-line status (in a registered trial or sold outside one) where it
# holds this marker, e.g. in its top box: the same sentence as the panel's, from the same file.
STATUS_MARKER = "<!-- medsite:offer-status -->"
NOT_DISCLOSED = "Not disclosed by the clinic"
DEFAULT_PATH = "data/clinic-offer.yaml"

# One field per fact in the editorial policy's list, in the order the panel shows them.
FACTS: dict[str, str] = {
    "product": "What is given",
    "country": "Country where the treatment is given",
    "legal_entity": "The clinic's legal entity (company name and registration)",
    "medical_director": "The clinic's medical director",
    "trial_registration": "Registered clinical trial (registry and number)",
    "ethics_committee": "Ethics committee that approved it",
    "regulatory_status": "Regulatory status where the treatment is given",
    "licence": "The clinic's licence",
    "eligibility": "Who the clinic will not treat",
    "stopping_dmts": "Whether patients must stop their MS medicines",
    "manufacture_site": "Where the cells and exosomes are made",
    "manufacturer": "Who makes them",
    "donor_screening": "How cord donors are screened",
    "testing_and_release": "How they are tested and released",
    "dose": "Dose",
    "sessions": "Number of sessions",
    "routes": "How they are given (routes)",
    "spinal_injection_by": "Who gives the spinal injection",
    "spinal_injection_training": "Their training for the spinal injection",
    "price": "Price",
    "price_includes": "What the price includes",
    "price_excludes": "What the price does not include",
    "follow_up": "Follow-up after treatment",
    "if_something_goes_wrong": "What happens if something goes wrong",
    "side_effect_record": "The clinic's own record of side effects",
    "side_effect_reporting": "Where the clinic reports side effects",
    "patients_treated": "How many patients the clinic has treated",
}


@dataclass
class OfferFacts:
    """The clinic's own answers about its offer (data/clinic-offer.yaml), and the line of each."""

    path: str  # project-relative, for messages
    values: dict[str, str] = field(default_factory=dict)  # fact -> answer; "" when not supplied
    lines: dict[str, int] = field(default_factory=dict)  # fact -> line of its key in the file

    def answer(self, fact: str) -> str:
        return self.values.get(fact, "")

    @property
    def undisclosed(self) -> list[str]:
        return [fact for fact in FACTS if not self.answer(fact)]

    @property
    def in_registered_trial(self) -> bool:
        return bool(self.answer("trial_registration"))


def empty(path: str = DEFAULT_PATH) -> OfferFacts:
    """Every fact undisclosed: what the page shows when the file cannot be used."""
    return OfferFacts(path)


def _error(message: str, path: str, line: int | None, *, target: str | None = None, hint: str | None = None) -> Diagnostic:
    return Diagnostic("OFFER002", message, path, line, target=target,
                      hint=hint or "fix the file at the line shown; each fact is one 'name: \"answer\"' line")


def _answer(value, fact: str, path: str, line: int) -> str:
    """A fact's answer as one line of text; lists, mappings and yes/no are mistakes, not answers."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise DiagnosticError(_error(f"'{fact}' must be text, not {type(value).__name__}", path, line, target=fact,
                                     hint=f'write the answer in quotes, e.g. {fact}: "..."'))
    # One line: a blank line inside an answer would end the panel's HTML block.
    return " ".join(str(value).split())


def parse(text: str, path: str) -> OfferFacts:
    """Read the clinic's answers, or raise DiagnosticError (OFFER002) with the line of the first fault."""
    node = yamlsource.compose(text, path, code="OFFER002")
    if node is None:
        return OfferFacts(path)
    if not isinstance(node, yaml.MappingNode):
        raise DiagnosticError(_error("the file must be a list of 'fact: answer' lines", path, node.start_mark.line + 1))
    facts = OfferFacts(path)
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 1
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        if key not in FACTS:
            import difflib  # only for this mistake: every engine process imports this module

            close = difflib.get_close_matches(str(key), list(FACTS), n=1)
            raise DiagnosticError(_error(f"unknown fact '{key}'" + (f" (did you mean '{close[0]}'?)" if close else ""),
                                         path, line, target=str(key), hint=f"use one of: {', '.join(FACTS)}"))
        if key in facts.lines:
            raise DiagnosticError(_error(f"'{key}' is given twice (first on line {facts.lines[key]})", path, line, target=key))
        value = yamlsource.construct(value_node, path, code="OFFER002")
        facts.values[key] = _answer(value, key, path, line)
        facts.lines[key] = line
    return facts


def load(path: str | Path, root: str | Path = ".") -> OfferFacts:
    rel = str(path)
    full = Path(root) / path
    try:
        text = full.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DiagnosticError(_error("the clinic's offer file does not exist", rel, None,
                                     hint=f"create it with one line per fact ({', '.join(FACTS)})")) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DiagnosticError(_error(f"cannot read the clinic's offer file: {exc}", rel, None)) from None
    return parse(text, rel)


def undisclosed_warnings(facts: OfferFacts) -> list[Diagnostic]:
    """OFFER001 for each fact the clinic has not supplied, at its line (line 1 when the key is absent)."""
    return [
        Diagnostic("OFFER001", f"the clinic has not disclosed '{fact}' ({FACTS[fact]}); the page shows '{NOT_DISCLOSED}'",
                   facts.path, facts.lines.get(fact, 1), severity=Severity.WARNING, target=fact,
                   hint="ask the clinic for the answer in writing and fill it in; never guess it")
        for fact in facts.undisclosed
    ]


_MS = re.compile(r"\bMS\b")


def _text(value: str) -> str:
    """Escaped text, with MS marked up as the glossary does everywhere else (raw HTML skips the abbr extension)."""
    return _MS.sub('<abbr title="Multiple sclerosis">MS</abbr>', html.escape(value))


def _status_words(facts: OfferFacts, clinic: str) -> str:
    if facts.in_registered_trial:
        return (f"{clinic} says this treatment is given within a registered clinical trial: "
                f"{facts.answer('trial_registration')}. It is still not approved for MS. "
                "Check the registration number yourself on a trial registry.")
    return ("No clinical trial registration is recorded. This treatment is not approved for MS, "
            f"and {clinic} sells it outside a clinical trial.")


def _status(facts: OfferFacts, clinic: str) -> str:
    return _text(_status_words(facts, clinic))


def status_line(facts: OfferFacts, clinic: str = "the clinic") -> str:
    """The status sentence alone, for the page's own words (STATUS_MARKER): escaped, and left to
    the page's Markdown for the rest (its abbreviations mark up MS there)."""
    clinic = " ".join(str(clinic).split()) or "the clinic"
    return html.escape(_status_words(facts, clinic))


def render(facts: OfferFacts, clinic: str = "the clinic") -> str:
    """The panel as one HTML block; every value from the file is escaped (it is untrusted input)."""
    clinic = " ".join(str(clinic).split()) or "the clinic"
    rows = []
    for fact, label in FACTS.items():
        answer = facts.answer(fact)
        if answer:
            rows.append(f'<tr><th scope="row">{_text(label)}</th><td>{_text(answer)}</td></tr>')
        else:
            rows.append(f'<tr class="offer-facts-missing"><th scope="row">{_text(label)}</th>'
                        f"<td><strong>{NOT_DISCLOSED}</strong></td></tr>")
    return "\n".join([
        '<div class="offer-facts">',
        f'<p class="offer-facts-status"><strong>{_status(facts, clinic)}</strong></p>',
        "<table>",
        f"<caption>Answers supplied by {_text(clinic)} about its own treatment</caption>",
        '<thead><tr><th scope="col">Question</th><th scope="col">The clinic\'s answer</th></tr></thead>',
        "<tbody>",
        *rows,
        "</tbody>",
        "</table>",
        "</div>",
    ])
