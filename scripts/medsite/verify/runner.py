"""Refresh the lock file: check what is missing, stale or not ok; leave fresh items alone.

`verify_references` checks the bibliography's DOIs and PMIDs; `verify_links`
checks the built site's external links (doi.org and PubMed links through the
DOI and PMID checks, everything else through lychee). Both record results in a
`Lock` as they arrive; the caller saves it.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from datetime import date
from pathlib import Path

from medsite.lock.ids import doi_of_url, is_pmid, normalize_doi, pmid_of_url
from medsite.lock.lockfile import DEFINITIVE, Check, Lock
from medsite.output.extlinks import site_external_links
from medsite.verify.client import HttpClient
from medsite.verify.doi import check_doi
from medsite.verify.links import LycheeOptions, check_urls
from medsite.verify.pubmed import check_pmids
from medsite.verify.report import Progress, Summary
from medsite.verify.services import Services

ProgressFactory = Callable[[str, int], Progress]


def _quiet(label: str, total: int) -> Progress:
    return Progress(label, total, enabled=False)


class _Recorder:
    def __init__(self, lock: Lock, today: date, summary: Summary):
        self.lock, self.today, self.summary = lock, today, summary

    def __call__(self, check: Check) -> None:
        prev = self.lock.get(check.kind, check.id)
        kept = check.status not in DEFINITIVE and prev is not None and prev.status in DEFINITIVE
        self.lock.record(check, self.today)
        ks = self.summary.kind(check.kind)
        ks.checked[check.status] += 1
        ks.kept += kept


def _check_ids(
    dois: list[str],
    pmids: list[str],
    *,
    client: HttpClient,
    services: Services,
    contact: str | None,
    record: _Recorder,
    progress: Progress,
    workers: int,
) -> None:
    """DOIs one task each, PMIDs as one batched task; results recorded as they complete."""
    if not dois and not pmids:
        return
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        futures = {pool.submit(check_doi, d, client, services): 1 for d in dois}
        if pmids:
            futures[pool.submit(check_pmids, pmids, client, services, contact)] = len(pmids)
        try:
            for future in as_completed(futures):
                result = future.result()
                for check in result.values() if isinstance(result, dict) else [result]:
                    record(check)
                progress.advance(futures[future])
        except BaseException:
            for future in futures:
                future.cancel()
            raise


def verify_references(
    bibliography,
    lock: Lock,
    *,
    today: date,
    max_age_days: int,
    client: HttpClient,
    services: Services,
    contact: str | None = None,
    refresh_all: bool = False,
    progress: ProgressFactory = _quiet,
    workers: int = 8,
) -> Summary:
    summary = Summary()
    owner = f"{bibliography.path}#"
    wanted: dict[tuple[str, str], list[str]] = {}
    for entry in bibliography.entries:
        if entry.doi:
            wanted.setdefault(("doi", normalize_doi(entry.doi)), []).append(owner + entry.id)
        if entry.pmid:
            wanted.setdefault(("pmid", entry.pmid.strip()), []).append(owner + entry.id)
    due = [key for key in sorted(wanted) if refresh_all or lock.due(*key, today, max_age_days)]
    for kind, _ in wanted:
        summary.kind(kind).items += 1
    for kind, _ in set(wanted) - set(due):
        summary.kind(kind).fresh += 1

    requests_before = client.requests_sent
    bar = progress("references", len(due))
    try:
        _check_ids([i for k, i in due if k == "doi"], [i for k, i in due if k == "pmid"],
                   client=client, services=services, contact=contact,
                   record=_Recorder(lock, today, summary), progress=bar, workers=workers)
    finally:
        bar.close()
        summary.requests = client.requests_sent - requests_before
        lock.set_sources(("doi", "pmid"), lambda s: s.startswith(owner), wanted)
    return summary


def verify_links(
    site_dir: str | Path,
    lock: Lock,
    *,
    today: date,
    max_age_days: int,
    client: HttpClient,
    services: Services,
    user_agent: str,
    contact: str | None = None,
    own_urls: tuple[str, ...] = (),
    exclude: tuple[str, ...] = (),
    lychee: LycheeOptions | None = None,
    refresh_all: bool = False,
    progress: ProgressFactory = _quiet,
    workers: int = 8,
) -> tuple[Summary, dict[str, list[tuple[str, int | None]]]]:
    """Returns the summary and the external links found ({url: [(page, None)]}, see medsite.output.extlinks)."""
    summary = Summary()
    urls = site_external_links(site_dir, own_urls, exclude)
    owner = f"{Path(site_dir).as_posix()}/"
    wanted: dict[tuple[str, str], list[str]] = {}
    for url, locations in urls.items():
        doi, pmid = doi_of_url(url), pmid_of_url(url)
        key = ("doi", doi) if doi else ("pmid", pmid) if pmid and is_pmid(pmid) else ("url", url)
        wanted.setdefault(key, []).extend(sorted({page for page, _ in locations}))
    due = [key for key in sorted(wanted) if refresh_all or lock.due(*key, today, max_age_days)]
    for kind, _ in wanted:
        summary.kind(kind).items += 1
    for kind, _ in set(wanted) - set(due):
        summary.kind(kind).fresh += 1

    record = _Recorder(lock, today, summary)
    requests_before = client.requests_sent
    bar = progress("links", len(due))
    try:
        _check_ids([i for k, i in due if k == "doi"], [i for k, i in due if k == "pmid"],
                   client=client, services=services, contact=contact,
                   record=record, progress=bar, workers=workers)
        plain = [i for k, i in due if k == "url"]
        if plain:
            options = lychee or LycheeOptions()
            for check in check_urls(plain, user_agent, options).values():
                record(check)
            bar.advance(len(plain))
            summary.lychee_links = len(plain)
    finally:
        bar.close()
        summary.requests = client.requests_sent - requests_before
        lock.set_sources(("doi", "pmid", "url"), lambda s: s.startswith(owner), wanted)
    return summary, urls
