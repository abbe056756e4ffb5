"""Every gate code, once: severity, what it means, why it matters and how to fix it.

The table of codes for editors (GATE-CODES.md, `make codes`) is generated
from this registry, so the documentation cannot drift from the checks.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..diagnostics import Severity

E, W = Severity.ERROR, Severity.WARNING


@dataclass(frozen=True)
class Rule:
    code: str
    severity: Severity
    what: str
    why: str
    fix: str


_RULES = [
    # Bibliography and citations
    Rule("REF001", E, "A page cites a key that is not in the bibliography.", "Readers would see a citation that leads nowhere.", "Use a key from docs/references.yaml (the message suggests the closest), or add the verified work first."),
    Rule("REF002", E, "The bibliography file is missing, does not parse, or has an entry without an id.", "No page can be built with citations.", "Fix the YAML at the line shown; every entry starts with '- id: key'."),
    Rule("REF003", E, "A bibliography entry lacks a required field (authors or organisation, title, journal or publisher, year; URL for web pages).", "An incomplete reference cannot be found or judged by readers.", "Add the field from the verified record, or record a reasoned exception with gate-ignore."),
    Rule("REF004", E, "A DOI, PMID or PMCID is malformed.", "Broken identifiers send readers to the wrong place or nowhere.", "Copy the identifier exactly: DOI '10.xxxx/...', PMID digits only, PMCID 'PMC' plus digits."),
    Rule("REF005", E, "Two bibliography entries share an id.", "Citations would be ambiguous.", "Give each entry a unique id."),
    Rule("REF006", E, "Two entries under different ids share a DOI or PMID.", "The same work would be numbered twice.", "Merge the entries and cite one id."),
    Rule("REF007", W, "A bibliography entry is never cited.", "Unused entries drift out of date unnoticed.", "Cite it, or remove it from docs/references.yaml."),
    Rule("REF008", E, "The front matter `sources` list does not match the keys the page cites.", "Reviewers read `sources` to check a page's evidence.", "Make `sources` list exactly the keys cited in the body (the message lists them)."),
    # Footnotes
    Rule("FN001", E, "A footnote reference [^x] has no definition.", "The marker would show as raw text.", "Add '[^x]: text' or remove the marker."),
    Rule("FN002", E, "A footnote definition is never referenced.", "The note would be silently dropped.", "Reference it with [^x] or delete it."),
    # Links
    Rule("LNK001", E, "An internal link points to a page or file that does not exist.", "Readers hit a dead end.", "Fix the path; link to the .md file in the source."),
    Rule("LNK002", E, "An internal link points to a missing anchor.", "Readers land at the top instead of the section.", "Use the heading's id (shown in the page's table of contents) or set one with {#id}."),
    Rule("LNK003", E, "A link uses http: instead of https:.", "Plain http can be altered in transit and leaks browsing.", "Use the https address; list true exceptions in gate.yml with a reason."),
    Rule("LNK004", E, "A URL is malformed (spaces, missing host, unknown scheme).", "The link cannot work.", "Correct the address."),
    Rule("LNK005", E, "A link has no text or accessible name.", "Screen-reader users hear only 'link'.", "Give the link words that say where it goes."),
    # Images
    Rule("IMG001", E, "An image file does not exist.", "Readers see a broken image.", "Fix the path or add the file under docs/assets/."),
    Rule("IMG002", E, "An image has no alt text.", "Screen-reader users miss what it shows.", "Describe the image in the ![alt text](...) brackets."),
    Rule("IMG003", E, "An image has no visible credit and licence.", "We may only publish images we have the right to use.", "Put 'Credit/Drawing: ... Licence: ...' in the figure caption."),
    Rule("IMG004", E, "An image is larger than the size budget in gate.yml.", "Large images slow pages on phones.", "Compress or resize it; prefer SVG for drawings."),
    # Front matter and review
    Rule("META001", E, "The page's front matter does not parse, or the file is not UTF-8 text.", "Nothing about the page can be checked or shown.", "Fix the YAML at the line shown."),
    Rule("META002", E, "A required front matter field is missing or has the wrong type.", "Templates and JSON-LD are built from these fields.", "Add it; see CONTRIBUTING.md for the fields."),
    Rule("META003", E, "A review date is not a valid ISO date (YYYY-MM-DD).", "Review dates must be exact.", "Write the date as 2026-11-25."),
    Rule("META004", E, "next_review_due is not after last_reviewed, or is further away than the page type allows (12 months for treatment, clinic and guide pages; 3 years for others).", "Health information goes out of date.", "Set next_review_due within the allowed interval."),
    Rule("META005", E, "The page is overdue for review.", "Out-of-date health information can harm readers.", "Review the whole page, then update last_reviewed and next_review_due."),
    Rule("META006", E, "last_reviewed is in the future.", "A review cannot have happened yet.", "Use the date the review was done."),
    Rule("META007", E, "reviewed_by names someone not in extra.editorial_team.", "Never invent a reviewer or credential.", "Leave it empty (the page then says 'Awaiting clinical review') or add the real person to mkdocs.yml first."),
    Rule("META008", E, "A treatment or clinic page lacks a required section (regulatory status, evidence, risks, alternatives, questions; cost on the clinic page) or the medical-help callout.", "CONTENT.md requires these for every treatment page.", "Add the heading with its id, e.g. '## Is it approved? {#regulatory-status}', and the snippet line."),
    Rule("META009", E, "page_type is not one of condition, treatment, clinic, guide, about, policy.", "The type decides review intervals and required sections.", "Use one of the listed types."),
    Rule("META011", E, "Placeholder text (TODO, TBC, FIXME, lorem ipsum) is left in the page or its front matter.", "Half-written pages must not be published.", "Write the text, or remove the placeholder."),
    Rule("META010", E, "A snippet include (--8<--) names a file that does not exist in includes/.", "The build would stop.", "Fix the file name."),
    # Safety of editor content
    Rule("SAFE001", E, "Raw <script>, <iframe>, <object>, <embed> or <form> in Markdown.", "Editor content must not run code or load third parties.", "Remove it; ask a maintainer if a feature is needed."),
    Rule("SAFE002", E, "An inline event handler (onclick=, onerror=...) in Markdown.", "It runs script.", "Remove the attribute."),
    Rule("SAFE003", E, "A javascript:, data: or vbscript: URL in Markdown.", "These URLs can run code.", "Link to a real https page or a file in docs/."),
    # Evidence lint
    Rule("EVID001", E, "A word or phrase to avoid (CONTENT.md) appears.", "These words overstate evidence and are red flags to regulators.", "Say what was studied, in whom, what it showed and what is unknown; allowed uses are listed in gate.yml."),
    Rule("EVID002", E, "A number or percentage is stated without a citation in the same sentence.", "Numbers are the claims readers trust most.", "Add [@key] before the full stop, or write the number in words if it is not a factual claim."),
    # Built output
    Rule("OUT001", E, "Unrendered syntax ([@, [^, {{, {%) survived into the HTML.", "Readers would see raw markup.", "Fix the citation, footnote or template syntax in the source."),
    Rule("OUT002", E, "A content page lacks its review block, disclosure or JSON-LD, or the JSON-LD disagrees with the visible page.", "Every page must show who wrote it, when it was reviewed and who publishes it.", "Check front matter; do not remove the templates' blocks."),
    # Performance
    Rule("PERF001", E, "A content page's first load (its HTML and the CSS, JavaScript and fonts it loads before the reader does anything, gzip-compressed as a host sends them) is over first_load_kb in gate.yml.", "Readers on phones and slow connections pay for every kilobyte before they can read, and the first page must not grow with the site.", "The message lists each part and its compressed size: shorten or split a very long page, or load a script or stylesheet only when a reader needs it, as search does."),
    # Suppressions and configuration
    Rule("GATE001", E, "A gate-ignore comment has no reason.", "Every exception must say why.", "Write <!-- gate-ignore CODE: reason -->."),
    Rule("GATE002", W, "A gate-ignore comment or exception was not used.", "Stale exceptions hide future problems.", "Remove it."),
    Rule("GATE003", E, "The gate configuration (gate.yml) or mkdocs.yml is invalid.", "Checks cannot run as intended.", "Fix the file at the line shown."),
    Rule("GATE004", E, "A check failed on input it did not expect.", "The gate could not check everything, so nothing is published.", "Report the message to a maintainer; it names the check."),
    Rule("BUILD002", E, "Pagefind could not build the search index, or no page marks its text for indexing (data-pagefind-body).", "Readers could not search the published site, or search would match every page's menus and reference lists.", "Read the message; if data-pagefind-body is missing, restore the wrapper in overrides/main.html's content block."),
    Rule("BUILD001", E, "MkDocs could not build the site (a template, snippet or Markdown extension failed).", "Nothing can be published.", "Read the message; it names the page or file where MkDocs stopped."),
]

RULES: dict[str, Rule] = {r.code: r for r in _RULES}


def severity(code: str) -> Severity:
    rule = RULES.get(code)
    return rule.severity if rule else Severity.ERROR


def markdown_table() -> str:
    lines = [
        "# Gate codes",
        "",
        "Generated from `scripts/medsite/gate/rules.py` by `make codes`; do not edit by hand.",
        "",
        "| Code | Severity | What it means | Why it matters | How to fix it |",
        "|---|---|---|---|---|",
    ]
    from ..verify.rules import RULES as VERIFY_RULES  # the online verification codes (VER)

    verify = [Rule(code, r.severity, r.summary, r.why, r.fix) for code, r in sorted(VERIFY_RULES.items())]
    for r in list(RULES.values()) + verify:
        lines.append(f"| {r.code} | {r.severity.value} | {r.what} | {r.why} | {r.fix} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown_table(), end="")
