"""`python -m medsite.tools.cite --doi 10.x/y` or `--pmid 123`: look the work up, add it, print the key to cite.
`--file export.bib` (or .json, .yaml): convert a reference manager's export and append its entries (from_file.py).

Exit status: 0 added (or already there), 1 the work was not added (not found,
retracted, services disagree or cannot be reached), 2 usage or configuration error.
Nothing is written unless the work was found, checked and added in full.
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

from medsite.core.diagnostics import DiagnosticError
from medsite.gate import formatters
from medsite.lock.ids import normalize_doi
from medsite.lock.lockfile import Lock, LockError
from medsite.sources import settings
from medsite.sources.bibliography import Bibliography
from medsite.sources.bibliography import load as load_bibliography
from medsite.sources.gate_settings import load_config
from medsite.tools.cite import append, from_file
from medsite.tools.cite.entry import key_for
from medsite.tools.cite.lookup import CiteError, Found, by_doi, by_pmid
from medsite.verify.client import HttpClient
from medsite.verify.services import ConfigError, Services, production_policy, read_mkdocs, user_agent


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="make cite", description="Add a source to the bibliography from its DOI or PMID.")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--doi", help="the work's DOI, e.g. 10.1056/NEJMra1401483")
    which.add_argument("--pmid", help="the work's PubMed ID, e.g. 29320652 (PMID:29320652 also reads)")
    which.add_argument("--file", help="an export from a reference manager: CSL JSON or YAML, Better BibTeX, BibTeX")
    p.add_argument("--config-file", default="mkdocs.yml")
    p.add_argument("--bibliography", help="bibliography file (default: extra.bibliography in mkdocs.yml)")
    p.add_argument("--lock", default="verification.lock.json")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for one answer (default: %(default)s)")
    p.add_argument("--gate-config", default=settings.GATE, help="where the time and size limits are (limits: in gate.yml)")
    return p


def _limits(gate_config: str):
    """The time and size limits of a lookup (limits.lookup_seconds, limits.lookup_response_kb in gate.yml;
    its defaults when the file is missing: its problems are the gate's to report)."""
    config, _ = load_config(Path(gate_config), gate_config)
    return config["limits"]


USAGE = ("give a DOI, a PMID or an export file: make cite DOI=10.1056/NEJMra1401483, make cite PMID=29320652, "
         "or make cite FILE=export.bib (CSL JSON or YAML, Better BibTeX, BibTeX)")
_PMID_PREFIX = re.compile(r"^\s*(?:pmid|pubmed(?: id)?)\s*:\s*", re.I)


def _fail(message: str, status: int) -> int:
    print(f"cite: {message}", file=sys.stderr)
    return status


def existing_key(bib: Bibliography, doi: str | None = None, pmid: str | None = None) -> str | None:
    """The key of the entry that already carries this DOI or PMID, if any."""
    for entry in bib.entries:
        if doi and entry.doi and normalize_doi(entry.doi) == normalize_doi(doi):
            return entry.id
        if pmid and entry.pmid and entry.pmid.strip() == pmid.strip():
            return entry.id
    return None


def _already(key: str, bib: Bibliography) -> int:
    print(f"already in {bib.path} as {key}; nothing was added. Cite it as [@{key}]")
    return 0


def main(argv: list[str] | None = None, *, client: HttpClient | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:
        return 2 if exc.code else 0
    if args.pmid:
        args.pmid = _PMID_PREFIX.sub("", args.pmid)  # "PMID:29320652", "pmid: 29320652", as PubMed shows it
    if not any((v or "").strip() for v in (args.doi, args.pmid, args.file)):
        return _fail(USAGE, 2)
    try:
        site = read_mkdocs(args.config_file)
    except ConfigError as exc:
        return _fail(str(exc), 2)
    if args.file:
        bib_path = args.bibliography or site.bibliography or settings.DEFAULT_BIBLIOGRAPHY
        return from_file.main(args.file, bib_path, print, _fail, warn=lambda m: print(m, file=sys.stderr))
    if not site.contact or "@" not in site.contact:
        return _fail(f"set extra.publisher.contact_email in {args.config_file}: the services ask who is calling", 2)
    bib_path = args.bibliography or site.bibliography or settings.DEFAULT_BIBLIOGRAPHY
    try:
        bib = load_bibliography(bib_path)
    except DiagnosticError as exc:
        print(formatters.lines(exc.diagnostics), file=sys.stderr)
        return _fail(f"fix {bib_path} first; nothing was added", 2)
    found_key = existing_key(bib, doi=args.doi, pmid=args.pmid)
    if found_key:
        return _already(found_key, bib)
    try:
        lock = Lock.load(args.lock)
    except LockError as exc:
        return _fail(f"{args.lock}: {exc} (restore it from git); nothing was added", 2)

    services = Services.from_env()
    if client is None:
        policy = production_policy(services)
        policy.read_timeout = args.timeout
        client = HttpClient(user_agent(site.contact), policy)
    limits = _limits(args.gate_config)
    client.limit(limits.lookup_seconds, limits.lookup_response_kb * 1024)  # a slow or huge answer cannot hang `make cite`
    try:
        found: Found = by_doi(args.doi, client, services, site.contact) if args.doi else by_pmid(args.pmid, client, services, site.contact)
    except CiteError as exc:
        late = f"the lookup stopped at its time limit of {limits.lookup_seconds} s (limits.lookup_seconds in gate.yml): "
        return _fail(f"{late if client.out_of_time() else ''}{exc}", 1)
    # A PMID may lead to a DOI the bibliography already has (under an entry without the PMID).
    found_key = existing_key(bib, doi=found.entry.get("DOI"), pmid=found.entry.get("PMID"))
    if found_key:
        return _already(found_key, bib)

    key = key_for(found.entry, set(bib.by_id))
    entry = {"id": key, **found.entry}
    path = Path(bib_path)
    try:
        new_text = append.appended_text(path.read_text(encoding="utf-8"), entry, bib.path)
    except (append.AppendError, DiagnosticError, OSError, UnicodeDecodeError) as exc:
        return _fail(f"{exc}; nothing was added", 1)

    today = datetime.now(UTC).date()
    for check in found.checks:
        item = lock.record(check, today)
        item.sources = sorted(set(item.sources) | {f"{bib.path}#{key}"})
    try:
        # The lock first: if writing the bibliography then fails, the extra lock item is
        # harmless (the next `make verify` drops it); the other way round would leave an
        # entry that looks unverified.
        lock.save(args.lock)
        append.write_atomically(path, new_text)
    except OSError as exc:
        return _fail(f"cannot write: {exc}", 1)
    ids = ", ".join(f"{c.kind.upper()} {c.id}" for c in found.checks)
    print(f"added {key} to {bib.path} ({ids}: verified online {today.isoformat()}, recorded in {args.lock})")
    if found.note:
        print(f"note: {found.note}")
    line = next((n + 1 for n, text in enumerate(new_text.splitlines()) if text.strip() == f"- id: {key}"), 1)
    print(from_file.no_findings_line(key, bib.path, line))
    print(f"cite it as [@{key}] and add {key} to the page's `sources:`")
    return 0


if __name__ == "__main__":
    sys.exit(main())
