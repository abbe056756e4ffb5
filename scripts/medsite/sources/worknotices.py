"""Retractions, expressions of concern and corrections of cited works, as readers and the gate see them.

`make verify` records them in verification.lock.json (medsite.verify.doi: Crossref's `updated-by`, with
Retraction Watch as one of its sources; PubMed's "Retracted Publication"). Read here, offline, from the
lock as committed: the footnotes and the References page show a notice beside the work
(medsite.markdown.extensions.citations), the gate judges the sentences citing it (gate/checks/notices.py)
and the scheduled verification opens an issue for a new one (medsite.tools.notice_issue).

Pure reading and wording: a lock that cannot be read gives no notices here (the gate reports it, VER030).
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from medsite.sources.pagemeta import human_date

LOCK_FILE = "verification.lock.json"

# Crossref update types (lower case, "_" for "-" and spaces), by what they mean for a page citing the work.
RETRACTIONS = frozenset({"retraction", "partial_retraction", "withdrawal", "removal"})
CONCERNS = frozenset({"expression_of_concern"})
CORRECTIONS = frozenset({"correction", "partial_correction", "erratum", "corrigendum", "addendum", "clarification"})

RETRACTION, CONCERN, CORRECTION = "retraction", "concern", "correction"
_KIND_OF = {
    **dict.fromkeys(RETRACTIONS, RETRACTION),
    **dict.fromkeys(CONCERNS, CONCERN),
    **dict.fromkeys(CORRECTIONS, CORRECTION),
}
# What a reader is told, by Crossref type (a plain word first), and the name of the notice the link opens.
_WORDS = {
    "retraction": ("Retracted", "retraction notice"),
    "partial_retraction": ("Partly retracted", "retraction notice"),
    "withdrawal": ("Withdrawn", "withdrawal notice"),
    "removal": ("Removed by the publisher", "removal notice"),
    "expression_of_concern": ("Expression of concern", "the journal's notice"),
}
_CORRECTED = ("Corrected", "correction")


@dataclass(frozen=True)
class Notice:
    """A retraction, expression of concern or correction recorded for a cited work."""

    kind: str  # RETRACTION, CONCERN or CORRECTION
    type: str  # as Crossref names it, e.g. "partial_retraction"
    day: date | None
    url: str  # where the notice is (https only), or "" when the record gives no address
    source: str = ""  # "publisher", "retraction-watch", "pubmed"

    @property
    def headline(self) -> str:
        return _WORDS.get(self.type, _CORRECTED)[0]

    @property
    def link_text(self) -> str:
        return _WORDS.get(self.type, _CORRECTED)[1]

    def text(self) -> str:
        """One plain sentence: 'Retracted on 1 March 2025 (retraction notice: https://doi.org/...).'"""
        when = f" on {human_date(self.day)}" if self.day else ""
        return f"{self.headline}{when}" + (f" ({self.link_text}: {self.url})." if self.url else ".")

    def html(self) -> str:
        when = f' on <time datetime="{self.day.isoformat()}">{human_date(self.day)}</time>' if self.day else ""
        link = f': <a href="{html.escape(self.url, quote=True)}">{self.link_text}</a>' if self.url else ""
        return (
            f'<span class="cite-notice cite-notice--{self.kind}"><strong>{html.escape(self.headline)}</strong>'
            f"{when}{link}.</span>"
        )


def _day(value) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _doi_url(doi) -> str:
    doi = str(doi or "").strip()
    # A DOI recorded by the verifier; refused if it could end the attribute or change the address.
    if not doi.startswith("10.") or any(c in doi for c in "\"'<> #?%&\\"):
        return ""
    return f"https://doi.org/{doi}"


def _from_item(item: dict) -> list[Notice]:
    evidence = item.get("evidence") if isinstance(item.get("evidence"), dict) else {}
    out = []
    if item.get("kind") == "doi":
        seen = set()
        for update in evidence.get("updates") or []:
            if not isinstance(update, dict) or update.get("type") not in _KIND_OF:
                continue
            notice = Notice(
                _KIND_OF[update["type"]],
                update["type"],
                _day(update.get("date")),
                _doi_url(update.get("doi")),
                str(update.get("source") or ""),
            )
            key = (notice.type, notice.day, notice.url)  # Crossref lists one notice once per source
            if key not in seen:
                seen.add(key)
                out.append(notice)
    elif item.get("kind") == "pmid":
        pubtypes = {str(p).strip().lower() for p in evidence.get("pubtype") or []}
        if "retracted publication" in pubtypes or item.get("status") == "retracted":
            pmid = str(item.get("id") or "")
            url = f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/" if pmid.isdigit() else ""
            out.append(Notice(RETRACTION, "retraction", None, url, "pubmed"))
    return out


def load(root: str | Path) -> dict[tuple[str, str], list[Notice]]:
    """(kind, id) -> its notices, for every item of the project's lock that has any; {} without a usable lock."""
    return read(Path(root) / LOCK_FILE)


def read(lock_path: str | Path) -> dict[tuple[str, str], list[Notice]]:
    """The same, from a lock file anywhere (the scheduled check compares the lock before and after it)."""
    try:
        data = json.loads(Path(lock_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    items = data.get("items") if isinstance(data, dict) else None
    out = {}
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            found = _from_item(item)
            if found:
                out[(str(item.get("kind")), item["id"])] = found
    return out


def of_entry(notices: dict, entry) -> list[Notice]:
    """The notices about a bibliography entry, through its DOI and its PMID; retractions first."""
    found = []
    if entry.doi:
        found += notices.get(("doi", entry.doi.strip().lower()), [])
    if entry.pmid:
        pubmed = notices.get(("pmid", entry.pmid.strip()), [])
        if not any(n.kind == RETRACTION for n in found):  # PubMed's mark says what the publisher's notice says
            found += pubmed
    order = {RETRACTION: 0, CONCERN: 1, CORRECTION: 2}
    return sorted(found, key=lambda n: (order[n.kind], n.day or date.min))


def html_of(notices: list[Notice]) -> str:
    return "".join(" " + n.html() for n in notices)
