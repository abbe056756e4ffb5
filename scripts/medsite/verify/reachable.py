"""Can we reach the verification services at all?

Without a network every check would time out after its retries (minutes),
and the lock file would fill with "transient" results that say nothing. One
quick request per service first tells "offline" apart from "a service is
having a bad day": any HTTP answer, even an error page, means the host is
reachable; only a failed connection or a timeout on every host means offline.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from medsite.verify.client import HttpClient
from medsite.verify.services import Services


def offline_reason(services: Services, client: HttpClient) -> str | None:
    """Why no service could be reached (one short phrase), or None if at least one answered."""
    quick = HttpClient(client.user_agent, replace(client.policy, attempts=1, read_timeout=min(client.policy.read_timeout, 10.0)))
    reasons: dict[str, list[str]] = {}  # what went wrong -> the services it went wrong for
    for name, base in (("doi.org", services.doi), ("Crossref", services.crossref), ("PubMed", services.pubmed)):
        answer = quick.get(f"{base}/", expect_json=False)
        if answer.status is not None:
            return None
        reasons.setdefault(answer.detail.split(" (after")[0], []).append(name)
    return "; ".join(f"{', '.join(names)}: {detail}" for detail, names in reasons.items())


def nothing_definite(summary) -> bool:
    """True when checks ran and not one of them got a clear answer (all transient)."""
    checked = sum((ks.checked for ks in summary.kinds.values()), start=Counter())
    return sum(checked.values()) > 0 and set(checked) <= {"transient"}
