"""Every gate code, once: severity, what it means, why it matters, how to fix it, and an example.

The table of codes for editors (GATE-CODES.md, `make codes`) is generated
from this registry by medsite.gate.codes, so the documentation cannot drift from the checks.
"""

from __future__ import annotations

from dataclasses import replace

from ..diagnostics import Severity
from ..rule import Rule, registry
from ..verify.rules import RULES as VERIFY_RULES  # the online verification's codes (VER)

E, W = Severity.ERROR, Severity.WARNING

_RULES = [
    # Bibliography and citations
    Rule("REF001", E, "A page cites a key that is not in the bibliography.", "Readers would see a citation that leads nowhere.", "Use a key from docs/references.yaml (the message suggests the closest), or add the verified work first.",
         bad='MS affects the brain [@smith2002].',
         good='MS affects the brain [@smith2020].'),
    Rule("REF002", E, "The bibliography file is missing, does not parse, or has an entry without an id.", "No page can be built with citations.", "Fix the YAML at the line shown; every entry starts with '- id: key'."),
    Rule("REF003", E, "A bibliography entry lacks a required field (authors or organisation, title, journal or publisher, year; URL for web pages).", "An incomplete reference cannot be found or judged by readers.", "Add the field from the verified record, or record a reasoned exception with gate-ignore."),
    Rule("REF004", E, "A DOI, PMID or PMCID is malformed.", "Broken identifiers send readers to the wrong place or nowhere.", "Copy the identifier exactly: DOI '10.xxxx/...' using only letters, digits and - . _ ; ( ) / : (cite a legacy DOI with other characters by PMID or URL), PMID digits only, PMCID 'PMC' plus digits."),
    Rule("REF005", E, "Two bibliography entries share an id.", "Citations would be ambiguous.", "Give each entry a unique id."),
    Rule("REF006", E, "Two entries under different ids share a DOI or PMID.", "The same work would be numbered twice.", "Merge the entries and cite one id."),
    Rule("REF007", W, "A bibliography entry is never cited.", "Unused entries drift out of date unnoticed.", "Cite it, or remove it from docs/references.yaml."),
    Rule("REF012", E, "A bibliography field is in a shape the site cannot read (a name, date or text written in an unexpected form).", "The reference would be printed wrongly or not at all.", "Write names as '- family: Reich' with 'given: DS' (organisations as '- literal: Name'), the year as 'issued: {date-parts: [[2018]]}', and text on one line; the message says which field."),
    Rule("REF008", E, "The front matter `sources` list does not match the keys the page cites.", "Reviewers read `sources` to check a page's evidence.", "Make `sources` list exactly the keys cited in the body (the message lists them)."),
    Rule("REF009", E, "A bibliography URL is not a plain https: address (javascript:, data:, http: not in gate.yml's http_allowed, no host, or quotes, spaces or angle brackets).", "The URL becomes a link and a JSON-LD url; other schemes can run code or send readers somewhere unsafe.", "Use the work's https address from the verified record; list a true http-only address in gate.yml's http_allowed with a reason."),
    Rule("REF011", W, "A cited bibliography entry has no `findings` field, so the numbers that cite it cannot be checked (EVID003).", "Only findings let the gate check that a number says what the work found.", "Add `findings:` to the entry: a list of the work's verified findings in your own words, with every number pages use from it."),
    Rule("REF010", E, "A bibliography entry's `findings` is not a list of texts.", "The number check (EVID003) cannot read it.", "Write findings as a YAML list, one finding per line: '- Relapsed within 2 years: 27% on the medicine, 46% on placebo.'"),
    Rule("REF013", E, "A bibliography entry cannot be formatted by the citation style (a field has the wrong shape).", "Every page citing it would fail to build.", "Fix the field named in the message: author as a list of family/given (or literal), issued as date-parts, numbers as text."),
    # Footnotes
    Rule("FN001", E, "A footnote reference [^x] has no definition.", "The marker would show as raw text.", "Add '[^x]: text' or remove the marker.",
         bad='Relapses vary.[^n1]',
         good="Relapses vary.[^n1]\n\n[^n1]: The editors' own note."),
    Rule("FN002", E, "A footnote definition is never referenced.", "The note would be silently dropped.", "Reference it with [^x] or delete it.",
         bad="[^n1]: The editors' own note.",
         good="Relapses vary.[^n1]\n\n[^n1]: The editors' own note."),
    # Links
    Rule("NAV001", E, "A page in docs/ is not in the menu (`nav:` in mkdocs.yml).", "Readers cannot find a page that no menu or link leads to.", "Add the page to `nav:` in mkdocs.yml under its menu section (make new-page does this), or delete the file."),
    Rule("LNK001", E, "An internal link points to a page or file that does not exist.", "Readers hit a dead end.", "Fix the path; link to the .md file in the source."),
    Rule("LNK002", E, "An internal link points to a missing anchor.", "Readers land at the top instead of the section.", "Use the heading's id (shown in the page's table of contents) or set one with {#id}."),
    Rule("LNK003", E, "A link uses http: instead of https:.", "Plain http can be altered in transit and leaks browsing.", "Use the https address; list true exceptions in gate.yml with a reason."),
    Rule("LNK004", E, "A URL is malformed (spaces, missing host, unknown scheme).", "The link cannot work.", "Correct the address."),
    Rule("LNK005", E, "A link has no text or accessible name.", "Screen-reader users hear only 'link'.", "Give the link words that say where it goes."),
    Rule("LNK006", E, "Two elements of a page share an id (for example the same {#id} on two headings).", "Links, the table of contents and the References page's backlinks all land on the first one.", "Give each heading its own {#id}."),
    # Images
    Rule("IMG001", E, "An image file does not exist.", "Readers see a broken image.", "Fix the path or add the file under docs/assets/."),
    Rule("IMG002", E, "An image has no alt text.", "Screen-reader users miss what it shows.", "Describe the image in the ![alt text](...) brackets."),
    Rule("IMG003", E, "An image has no visible credit and licence.", "We may only publish images we have the right to use.", "Put 'Credit/Drawing: ... Licence: ...' in the figure caption."),
    Rule("IMG004", E, "An image is larger than the size budget in gate.yml.", "Large images slow pages on phones.", "Compress or resize it; prefer SVG for drawings."),
    Rule("IMG005", E, "An image is loaded from another site (http:, https: or //host).", "Every reader's browser would fetch it from that host, telling a third party who reads which page; over http: it can also be swapped in transit.", "Save the image, with its credit and licence, under docs/assets/ and link to that file."),
    # Front matter and review
    Rule("META001", E, "The page's front matter does not parse, or the file is not UTF-8 text.", "Nothing about the page can be checked or shown.", "Fix the YAML at the line shown."),
    Rule("META002", E, "A required front matter field is missing or has the wrong type.", "Templates and JSON-LD are built from these fields.", "Add the field, or write it in the form the message gives; CONTRIBUTING.md lists every field."),
    Rule("META003", E, "A review date is not a valid ISO date (YYYY-MM-DD).", "Review dates must be exact.", "Write the date as 2026-11-25."),
    Rule("META004", E, "next_review_due is not after last_reviewed, or is further away than the page type allows (12 months for treatment, clinic and guide pages; 3 years for others).", "Health information goes out of date.", "Set next_review_due within the allowed interval."),
    Rule("META005", E, "The page is overdue for review.", "Out-of-date health information can harm readers.", "Review the whole page, then update last_reviewed and next_review_due."),
    Rule("META006", E, "last_reviewed is in the future.", "A review cannot have happened yet.", "Use the date the review was done."),
    Rule("META007", E, "reviewed_by names someone not in extra.editorial_team.", "Never invent a reviewer or credential.", "Leave it empty (the page then says 'Awaiting clinical review') or add the real person to mkdocs.yml first."),
    Rule("META008", E, "A treatment or clinic page lacks a required section (regulatory status, evidence, risks, alternatives, questions; cost on the clinic page) or the medical-help callout.", "The editorial policy (docs/about/editorial-policy.md) requires these for every treatment page.", "Add the heading with its id, e.g. '## Is it approved? {#regulatory-status}', and the snippet line."),
    Rule("META009", E, "page_type is not one of condition, treatment, clinic, guide, about, policy.", "The type decides review intervals and required sections.", "Use one of the listed types."),
    Rule("META011", E, "Placeholder text (TODO, TBC, FIXME, lorem ipsum) is left in the page or its front matter.", "Half-written pages must not be published.", "Write the text, or remove the placeholder.",
         bad='TODO: write about relapses.',
         good='Relapses are periods when symptoms get worse [@smith2020].'),
    Rule("META010", E, "A snippet include (--8<--) names a file that does not exist in includes/.", "The build would stop.", "Fix the file name.",
         bad='--8<-- "medical-hlep.md"',
         good='--8<-- "medical-help.md"'),
    Rule("META012", E, "A front matter value contains markup: <, >, a straight double quote, or & that starts a character reference (&lt; &#60;).", "The theme prints title and description into <title>, meta tags and headings without escaping, and undoes character references; markup there can run script or redirect readers.", "Write plain text: use curly quotes “ ” instead of \", 'and' or & followed by a space, and no angle brackets."),
    Rule("META013", E, "The front matter has a key the site does not use.", "MkDocs and the theme act on keys such as `template` (which picks the page's template) and `location` (printed into a redirect script), so unknown keys are refused.", "Remove the key; the fields every page uses are listed in CONTRIBUTING.md."),
    # Safety of editor content
    Rule("SAFE001", E, "A raw HTML tag outside the allowlist (<script>, <iframe>, <object>, <form>, <style>, <base>, <meta>, unknown tags...) in a page or snippet (an early message; SAFE004 on the published page is the authority).", "Editor content must not run code, redirect readers or load third parties.", "Remove it; ask a maintainer if a feature is needed (see safe_exceptions in CONTRIBUTING.md).",
         bad='<iframe src="https://video.example/ms"></iframe>',
         good="[The clinic's video about MS](https://video.example/ms)"),
    Rule("SAFE002", E, "An inline event handler (onclick=, onerror=...) in a page or snippet.", "It runs script.", "Remove the attribute.",
         bad='<img src="nerve.png" alt="A nerve" onerror="alert(1)">',
         good='![A nerve](nerve.png)'),
    Rule("SAFE003", E, "A javascript:, data: or vbscript: URL in a page or snippet.", "These URLs can run code.", "Link to a real https page or a file in docs/.",
         bad='[Read more](javascript:alert(1))',
         good='[Read more](https://www.nhs.uk/conditions/multiple-sclerosis/)'),
    Rule("SAFE004", E, "The published output has an element outside the allowlist (script, iframe, object, form, base, style, meta refresh, math, an unknown tag...).", "Only markup that cannot run code, redirect readers or load other sites may reach readers, however it was written (raw HTML, snippet, front matter, bibliography, mkdocs.yml).", "Remove the markup at the source line shown; write plain Markdown. A real need (an embed) is a reviewed safe_exceptions entry in gate.yml."),
    Rule("SAFE005", E, "A published element has an attribute outside the allowlist: an event handler (onclick=, onload=...), style=, or one the site does not use.", "Handlers run script; inline styles can hide the disclosure and are refused by the site's security policy.", "Remove the attribute at the source line shown (including {: ...} attribute lists); style pages with classes from site.css."),
    Rule("SAFE006", E, "A published link, image or other URL uses a scheme that is not allowed (javascript:, data:, vbscript:..., also when written with character references like &#106;), or an SVG link points outside the drawing.", "These URLs run code when followed.", "Link to an https page, a mailto: address, or a file of the site."),
    Rule("SAFE007", E, "A published page runs a script the theme does not ship: an inline script no template has, or a script or stylesheet file that is not the theme's or the site's own.", "The site's security policy allows only the scripts we ship; anything else is injected code or a third-party request.", "Remove the script; features come from the theme or overrides/, reviewed by a maintainer."),
    Rule("SAFE008", E, "A file under docs/ of a type editors may not publish (JavaScript, WebAssembly, XML, XSL, PDF, archives...).", "Files copied from docs/ are published as they are, where a browser may run them.", "Remove the file; publish pages, images, SVG drawings, CSS or text files only."),
    Rule("SAFE009", E, "The published site has a page whose source the gate does not check.", "Every page must pass every check before readers see it.", "Write pages as .md files under docs/; report this to a maintainer, as the gate and MkDocs disagree about what a page is."),
    Rule("SAFE010", E, "An SVG file does not parse, or contains a processing instruction (xml-stylesheet) or entity declarations.", "A browser renders an SVG file as a document; these features load or expand content outside the allowlist.", "Save the drawing as plain SVG (an editor's 'plain SVG' or 'optimised SVG' export)."),
    # Evidence lint
    Rule("EVID001", E, "A word to avoid, in any form (cures, cured, curing), appears where readers see it: the title, description, a heading, alt text or the body (see docs/about/editorial-policy.md).", "These words overstate evidence and are red flags to regulators.", "Say what was studied, in whom, what it showed and what is unknown; the word families and their allowed uses are in gate.yml.",
         bad='This treatment is proven to work [@smith2020].',
         good='In one trial, more people improved with this treatment [@smith2020].'),
    Rule("EVID002", E, "A number or percentage is stated without a citation in the same sentence.", "Numbers are the claims readers trust most.", "Add [@key] before the full stop, or write the number in words if it is not a factual claim.",
         bad='About 40% of people improved.',
         good='About 40% of people improved [@smith2020].'),
    # The clinic's own offer (docs/about/editorial-policy.md, the clinic facts)
    Rule("OFFER001", W, "The clinic has not supplied one of the facts about its own offer (trial registration, ethics approval, licence, manufacture and testing, dose, sessions, routes, who gives the spinal injection, price, follow-up, side-effect record).", "Readers are told to ask every clinic these questions; the clinic page shows 'Not disclosed by the clinic' until the clinic answers them itself.", "Ask the clinic for the answer in writing and fill in the fact in the offer file (extra.clinic_offer); never guess it."),
    Rule("OFFER002", E, "The clinic's offer file is missing, does not parse, names an unknown fact, gives a fact twice, or gives an answer that is not text.", "The clinic page's panel of offer facts cannot be trusted, so every fact is shown as not disclosed and nothing is published.", "Fix the file at the line shown: one 'fact: \"answer\"' line per fact, using the fact names listed in the message."),
    Rule("EVID003", E, "A number in a sentence with a citation is not among the numbers of the findings of any work cited in that sentence (dates such as 'In 2020' or the cited work's year are not checked).", "A citation must support the number it sits beside; a wrong or made-up number looks just as trustworthy as a right one.", "Use the number the work found (see its `findings` in docs/references.yaml; '1 in 10' and '10%' count as the same), cite the work the number comes from, or add it to the findings if the verified finding has it. A real exception: <!-- gate-ignore EVID003: reason -->."),
    Rule("EVID004", W, "A relative change ('a third fewer', 'halved', '40% lower', 'twice as likely') has no absolute figures in the same sentence.", "A relative change alone makes a small effect sound big; readers need to know how many people it happens to.", "Add the absolute figures, e.g. 'relapsed within 2 years: 27 in 100 people on the medicine and 46 in 100 on placebo'."),
    Rule("READ001", E, "The body text of a content page reads above the grade limit in gate.yml (Flesch-Kincaid, default 9). The message names the three hardest sentences.", "Our readers include people tired or unwell from MS; plain language is part of being accurate.", "Rewrite the sentences named: split long sentences, use everyday words, explain medical terms in a short sentence of their own."),
    # Built output
    Rule("OUT001", E, "Unrendered syntax ([@, [^, {{, {%) survived into the HTML.", "Readers would see raw markup.", "Fix the citation, footnote or template syntax in the source."),
    Rule("OUT002", E, "A content page lacks its review block, disclosure or JSON-LD, or the JSON-LD disagrees with the visible page.", "Every page must show who wrote it, when it was reviewed and who publishes it.", "Check front matter; do not remove the templates' blocks."),
    Rule("OUT003", E, "The built page has an inline script, <style> element, style attribute or event handler that neither the theme nor our templates ship (it came from a page, an include, the bibliography or a setting).", "The page's Content-Security-Policy allows only what we ship, so browsers refuse it: it is either an attack or markup that silently does not work.", "Remove it from the file at the line shown; a feature that needs script or styling belongs in overrides/ or docs/assets/site.css, reviewed by a maintainer."),
    # Bounded input
    Rule("INPUT001", E, "YAML in front matter, the bibliography, gate.yml or mkdocs.yml uses an anchor (&name) or alias (*name), or nests more than 40 levels deep.", "An alias repeats a value without repeating its text: ten lines can stand for a billion values and stall the build for minutes.", "Write each value out in full where it is used."),
    Rule("INPUT002", E, "A page, a front matter value, the bibliography or one of its entries is larger than its limit in gate.yml (limits:).", "Huge input makes every build slow for everyone; it is almost always a paste gone wrong.", "Shorten or split it; if it really must be that large, raise the limit in gate.yml."),
    # Performance
    Rule("PERF001", E, "A content page's first load (its HTML and the CSS, JavaScript and fonts it loads before the reader does anything, gzip-compressed as a host sends them) is over first_load_kb in gate.yml.", "Readers on phones and slow connections pay for every kilobyte before they can read, and the first page must not grow with the site.", "The message lists each part and its compressed size: shorten or split a very long page, or load a script or stylesheet only when a reader needs it, as search does."),
    # Suppressions and configuration
    Rule("GATE001", E, "A gate-ignore comment has no reason.", "Every exception must say why.", "Write <!-- gate-ignore CODE: reason -->.",
         bad='<!-- gate-ignore EVID002 -->\nAbout 40% of people improved.',
         good="<!-- gate-ignore EVID002: the number is the study's title, quoted -->\nAbout 40% of people improved."),
    Rule("GATE002", W, "A gate-ignore comment or exception was not used.", "Stale exceptions hide future problems.", "Remove the gate-ignore comment (or the exception in gate.yml): the problem it excused is gone.",
         bad='<!-- gate-ignore EVID002: the number is quoted -->\nNothing numeric here.',
         good="<!-- gate-ignore EVID002: the number is the study's title, quoted -->\nAbout 40% of people improved."),
    Rule("GATE003", E, "The gate configuration (gate.yml) or mkdocs.yml is invalid.", "Checks cannot run as intended.", "Fix the file at the line shown."),
    Rule("GATE004", E, "A check failed on input it did not expect.", "The gate could not check everything, so nothing is published.", "Report the message to a maintainer; it names the check."),
    Rule("GATE005", E, "A gate-ignore comment names a SAFE code.", "Safety findings cannot be switched off from inside a page.", "Remove the comment and the unsafe markup; a real need is a reviewed safe_exceptions entry in gate.yml (file, exact markup, why)."),
    Rule("GATE006", E, "`make check` was asked to check a site/ built before the latest change to the sources.", "It would check old pages and report all is well.", "Run `make site`: it builds and checks in one go."),
    Rule("BUILD004", E, "Pagefind could not build the search index, or no page marks its text for indexing (data-pagefind-body).", "Readers could not search the published site, or search would match every page's menus and reference lists.", "Read the message; if data-pagefind-body is missing, restore the wrapper in overrides/main.html's content block."),
    Rule("BUILD001", E, "MkDocs could not build the site (a template, snippet or Markdown extension failed).", "Nothing can be published.", "Read the message; it names the page or file where MkDocs stopped."),
    Rule("BUILD002", E, "The build could not write or switch its output: a read-only or full disk, or a path of the wrong kind (a file where the build keeps a folder).", "Nothing new is published; site/ keeps what it had, which the message describes.", "Make the named path writable, free disk space, or remove the file in the way, then run `make site` again."),
    Rule("BUILD003", E, "Another `make site` is already running in this project.", "Two builds at once could publish a mix of both; the second one stops instead.", "Wait for the other build to finish (the message gives its process id), then run `make site` again."),
]

RULES: dict[str, Rule] = registry(_RULES)
ALL_RULES: dict[str, Rule] = registry(_RULES + list(VERIFY_RULES.values()))


def severity(code: str) -> Severity:
    rule = ALL_RULES.get(code)
    return rule.severity if rule else Severity.ERROR


def fix_text(code: str) -> str | None:
    """How to fix a code, from this registry or the online verification one."""
    rule = ALL_RULES.get(code)
    return rule.fix if rule else None


def with_fix(diagnostic):
    """The diagnostic as its rule says: the rule's severity (set once, here, for every check),
    and the rule's fix when the check gave no more specific one."""
    rule = ALL_RULES.get(diagnostic.code)
    if rule is None:
        return diagnostic
    return replace(diagnostic, severity=rule.severity, hint=diagnostic.hint or rule.fix)


if __name__ == "__main__":
    # `python -m medsite.gate.rules > GATE-CODES.md` is an older spelling of `make codes`: keep it working.
    import runpy

    runpy.run_module("medsite.gate.codes", run_name="__main__")
