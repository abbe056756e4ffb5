"""MedicalWebPage JSON-LD, built from the same values the page shows."""

from __future__ import annotations

import json

from medsite.sources.bibliography import Entry
from medsite.sources.pagemeta import PageMeta
from medsite.sources.reviews import Reviewer

MS_CONDITION = {
    "@type": "MedicalCondition",
    "name": "Multiple sclerosis",
    "alternateName": "MS",
    "code": {"@type": "MedicalCode", "code": "G35", "codingSystem": "ICD-10"},
}


def _work(entry: Entry) -> dict:
    work = {"@type": "ScholarlyArticle" if entry.type == "article-journal" else "CreativeWork"}
    if entry.title:
        work["name"] = entry.title
    if entry.doi:
        work["sameAs"] = f"https://doi.org/{entry.doi}"
    elif entry.pmid:  # as the formatted reference does: the PubMed link over https, not the entry's URL
        work["sameAs"] = f"https://pubmed.ncbi.nlm.nih.gov/{entry.pmid}/"
    elif entry.url:
        work["url"] = entry.url
    return work


def build(meta: PageMeta, *, url: str, publisher: dict, author: str, reviewer: Reviewer | None, cited: list[Entry]) -> dict:
    """`meta` holds the dates the page shows, and `reviewer` is given only while a review record holds
    (medsite.sources.reviews): the JSON-LD claims no more than the visible page."""
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": meta.title,
        "description": meta.description,
        "url": url,
        "inLanguage": "en",
        "about": MS_CONDITION,
        "author": {"@type": "Organization", "name": author},
        "publisher": {"@type": "Organization", "name": publisher.get("name", ""), "url": publisher.get("url", "")},
    }
    if meta.last_reviewed:
        data["lastReviewed"] = meta.last_reviewed.isoformat()
    if reviewer:
        data["reviewedBy"] = {"@type": "Person", "name": reviewer.name, "jobTitle": reviewer.role}
    if cited:
        data["citation"] = [_work(e) for e in cited]
    return data


# Characters that could end or change the <script> element holding the JSON, or that older
# JavaScript parsers read as line ends: written as JSON escapes, which mean the same to a JSON reader.
_SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def dumps(data: dict) -> str:
    """Serialise for a <script> element: no '</script>', '<!--' or raw U+2028/U+2029 can appear in it."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_SCRIPT_SAFE)
