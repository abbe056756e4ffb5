"""The page furniture both engines need from the front matter, as a Python-Markdown extension.

- above the text: the page title as H1 and, on treatment pages, the shared
  disclaimer (a snippet line that pymdownx.snippets then expands);
- the clinic's offer-facts panel where the page holds its marker, and its status sentence
  where the page holds the status marker;
- `page.meta.health`: the values the review block (partials/health-footer.html)
  and the MedicalWebPage JSON-LD (main.html) show. The reviewer and the review dates come from the
  page's review record (medsite.sources.reviews) only while its fingerprint
  (medsite.markdown.fingerprint) still matches the page; never from front matter. Both engines hand templates
  the same meta dict the extension writes to, so one template serves both
  (MiniJinja, Zensical's template engine, has no Python methods or custom
  filters: everything is computed here, as plain strings and dicts).

Front matter is read by our parser (medsite.sources.frontmatter, via the citations
extension), not the engine's: Zensical's YAML 1.2 parser and MkDocs' PyYAML
disagree on dates and booleans, and the gate reads it the same way. A key
`health` that an editor writes is overwritten (and refused by the gate).

List it after `medsite.markdown.extensions.citations`, which finds the page and counts its citations.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from markdown import Extension
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor

from medsite.core.diagnostics import DiagnosticError
from medsite.markdown import fingerprint, jsonld
from medsite.markdown.extensions.citations import PRIORITY as CITATIONS_PRIORITY
from medsite.markdown.extensions.citations import CitationsExtension, read_front_matter, registered
from medsite.sources import changenotes, offer_facts, reviews
from medsite.sources.pagemeta import TREATMENT_DISCLAIMER, PageMeta, human_date

PRIORITY = CITATIONS_PRIORITY - 2  # after citations (which need the file's lines), before snippets (32)


class FurnitureExtension(Extension):
    def __init__(self, **kwargs):
        self.config = {"clinic_offer": ["", "The clinic's offer facts (default: extra.clinic_offer)"]}
        super().__init__(**kwargs)
        self._offer: dict = {}

    def extendMarkdown(self, md):  # noqa: N802 (Python-Markdown's name)
        md.registerExtension(self)
        md.preprocessors.register(_FurniturePreprocessor(md, self), "medsite-furniture", PRIORITY)
        md.postprocessors.register(_HealthPostprocessor(md), "medsite-health", 0)

    def offer_facts(self, root, extra) -> offer_facts.OfferFacts:
        """The clinic's answers; a file that cannot be used shows every fact as undisclosed
        (the gate reports it, OFFER002, with its line)."""
        path = self.getConfig("clinic_offer") or extra.get("clinic_offer") or offer_facts.DEFAULT_PATH
        try:
            return offer_facts.load(path, root)
        except DiagnosticError:
            return offer_facts.empty(str(path))


def citations_of(md) -> CitationsExtension | None:
    return registered(md, CitationsExtension)


def header(meta: PageMeta, markdown: str) -> str:
    """The H1 and, on treatment pages, the shared disclaimer, so both sit above the text."""
    if not meta.is_content or markdown.lstrip().startswith("# "):
        return ""
    out = f"# {meta.title}\n\n" if meta.title else ""
    if meta.is_treatment:
        out += f'--8<-- "{TREATMENT_DISCLAIMER}"\n\n'
    return out


class _FurniturePreprocessor(Preprocessor):
    def __init__(self, md, ext: FurnitureExtension):
        super().__init__(md)
        self.ext = ext

    def run(self, lines: list[str]) -> list[str]:
        cites = citations_of(self.md)
        if cites is None or cites.page is None or cites.meta is None:
            return lines  # no engine page (or front matter the gate refuses): nothing to furnish
        text = "\n".join(lines)
        if offer_facts.MARKER in text or offer_facts.STATUS_MARKER in text:
            clinic = (cites.page.extra.get("publisher") or {}).get("name") or "the clinic"
            facts = self.ext.offer_facts(cites.page.root, cites.page.extra)
            # The status first, as inline text (it may sit in a list item or a box); then the panel.
            text = text.replace(offer_facts.STATUS_MARKER, offer_facts.status_line(facts, clinic))
            text = text.replace(offer_facts.MARKER, f"\n\n{offer_facts.render(facts, clinic)}\n\n")
        return (header(PageMeta.from_meta(cites.meta), text) + text).split("\n")


_reviews: dict = {}  # (project, reviews.yml's stamp, the team as written) -> reviews.Reviews, for this process


def _reviews_of(root: Path, extra: dict) -> reviews.Reviews:
    """The reviewers and records, read once per change of reviews.yml or the team (`serve` rebuilds)."""
    try:
        st = (root / reviews.RECORDS).stat()
        stamp = (st.st_mtime_ns, st.st_size)
    except OSError:
        stamp = None
    key = (str(root), stamp, repr(extra.get("editorial_team")))
    if key not in _reviews:
        _reviews.clear()
        _reviews[key] = reviews.load(root, extra, with_lines=False)  # the gate reports the faults, at their lines
    return _reviews[key]


def review_state(cites: CitationsExtension) -> reviews.ReviewState:
    """Whether the page's latest review record still matches its text, includes and cited works."""
    page = cites.page
    found = _reviews_of(page.root, page.extra)
    if found.latest(page.rel) is None:
        return reviews.ReviewState(reviews.NONE)
    try:
        parsed = read_front_matter(page.abs_path, page.rel, cites.data.limits)
    except DiagnosticError:
        return reviews.ReviewState(reviews.NONE)  # a page the gate refuses claims nothing
    return found.state_of(page.rel, fingerprint.fingerprint(parsed, cites.data.site.includes_dir, cites.data.bib))


def shown_dates(meta: PageMeta, state: reviews.ReviewState) -> PageMeta:
    """The dates the page shows: the record's while it holds (an editor's earlier next review date in the
    front matter is kept: reviewing sooner is the editor's call), else the front matter's."""
    if state.status != reviews.HOLDS:
        return meta
    record, due = state.record, meta.next_review_due
    sooner = due is not None and record.date < due < record.next_review_due
    return dataclasses.replace(meta, last_reviewed=record.date, next_review_due=due if sooner else record.next_review_due)


def _reviewer(state: reviews.ReviewState) -> dict | None:
    who = state.reviewer
    if state.status != reviews.HOLDS or who is None:
        return None
    return {"name": who.name, "role": who.role, "registration": f"{who.registration_body} {who.registration_number}",
            "conflicts_of_interest": who.conflicts_of_interest.rstrip(".") + "."}


def health(cites: CitationsExtension) -> dict | None:
    """What the review block and JSON-LD show, or None on pages that carry neither."""
    page, meta = cites.page, PageMeta.from_meta(cites.meta)
    if not meta.is_content:
        return None
    publisher = page.extra.get("publisher") or {}
    author = page.site_author or f"{publisher.get('name', '')} editorial team"
    state = review_state(cites)
    holds = state.status == reviews.HOLDS and state.reviewer is not None
    meta = shown_dates(meta, state)
    bib = cites.data.bib
    cited = [bib.by_id[k] for k in cites.cited] if bib is not None else []
    data = jsonld.build(meta, url=page.canonical_url, publisher=publisher, author=author,
                        reviewer=state.reviewer if holds else None, cited=cited)
    reviewed_on = state.record.date if state.record else None
    return {
        "author": author,
        "reviewer": _reviewer(state) if holds else None,
        "changed_since_review": state.status == reviews.CHANGED,
        "reviewed_on": reviewed_on.isoformat() if reviewed_on else "",
        "reviewed_on_text": human_date(reviewed_on) if reviewed_on else "",
        "awaiting_review": not holds,
        "last_reviewed": meta.last_reviewed.isoformat() if meta.last_reviewed else "",
        "last_reviewed_text": human_date(meta.last_reviewed) if meta.last_reviewed else "",
        "next_review_due": meta.next_review_due.isoformat() if meta.next_review_due else "",
        "next_review_due_text": human_date(meta.next_review_due) if meta.next_review_due else "",
        "publisher": {"name": str(publisher.get("name", "")), "url": str(publisher.get("url", ""))},
        "jsonld": jsonld.dumps(data),
        **history(cites.meta),
    }


def history(meta: dict) -> dict:
    """"What changed" and "Last updated", from the page's change notes (medsite.sources.changenotes)."""
    changes = changenotes.from_meta(meta)
    updated = changenotes.last_updated(changes)
    return {
        "changes": [{"date": c.day.isoformat(), "date_text": human_date(c.day), "note": c.note, "major": c.major}
                    for c in changes],
        "last_updated": updated.isoformat() if updated else "",
        "last_updated_text": human_date(updated) if updated else "",
    }


class _HealthPostprocessor(Postprocessor):
    """Runs last, when the citations are known (the JSON-LD lists them). The toc extension also
    runs postprocessors on every heading's text: the values are computed once per page."""

    def run(self, text: str) -> str:
        cites = citations_of(self.md)
        if cites is None or cites.page is None or cites.furnished:
            return text
        cites.furnished = True
        cites.page.meta.pop("health", None)
        if cites.meta is not None:
            values = health(cites)
            if values:
                cites.page.meta["health"] = values
        return text


def makeExtension(**kwargs):  # noqa: N802 (Python-Markdown's name)
    return FurnitureExtension(**kwargs)
