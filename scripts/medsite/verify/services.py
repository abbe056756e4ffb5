"""Where the services are, who we say we are, and what mkdocs.yml says.

Base URLs come from the environment so that tests and the benchmark can point
the verifier at a local server; they default to the real services.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from medsite.sources import settings
from medsite.verify.client import Policy

DOI_API_URL = "https://doi.org"
CROSSREF_API_URL = "https://api.crossref.org"
PUBMED_API_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils"
TOOL = "ms-evidence-site-verifier"
VERSION = "1.0"

# NCBI E-utilities allow 3 requests per second without an API key.
NCBI_MIN_INTERVAL = 0.34


@dataclass(frozen=True)
class Services:
    doi: str = DOI_API_URL
    crossref: str = CROSSREF_API_URL
    pubmed: str = PUBMED_API_URL

    @classmethod
    def from_env(cls, env=None) -> Services:
        env = os.environ if env is None else env
        return cls(
            doi=(env.get("DOI_API_URL") or DOI_API_URL).rstrip("/"),
            crossref=(env.get("CROSSREF_API_URL") or CROSSREF_API_URL).rstrip("/"),
            pubmed=(env.get("PUBMED_API_URL") or PUBMED_API_URL).rstrip("/"),
        )

    def hosts(self) -> dict[str, str]:
        return {name: urlsplit(url).netloc for name, url in (("doi", self.doi), ("crossref", self.crossref), ("pubmed", self.pubmed))}


def user_agent(contact: str) -> str:
    return f"{TOOL}/{VERSION} (mailto:{contact})"


def production_policy(services: Services) -> Policy:
    """Per-host limits used for real runs and by the benchmark: 2 at once per host,
    and NCBI's 3 requests per second on the PubMed host, wherever it is."""
    return Policy(per_host=2, min_interval={services.hosts()["pubmed"]: NCBI_MIN_INTERVAL})


class ConfigError(Exception):
    pass


@dataclass(frozen=True)
class SiteConfig:
    bibliography: str | None
    contact: str | None
    site_url: str | None
    repo_url: str | None = None


def read_mkdocs(path: str | Path = "mkdocs.yml") -> SiteConfig:
    """What the verifier needs from mkdocs.yml, read by the project's one reader (medsite.sources.settings)."""
    path = Path(path)
    if not path.exists():
        return SiteConfig(None, None, None, None)
    data, problems = settings.read_mkdocs(path, str(path))
    if problems:
        raise ConfigError(problems[0].text())
    extra = settings.extra(data)
    publisher = extra.get("publisher") if isinstance(extra.get("publisher"), dict) else {}

    def text(value):
        return str(value).strip() if value not in (None, "") else None

    # The bibliography with the one default every stage uses (settings.bibliography_path).
    return SiteConfig(settings.bibliography_path(data), text(publisher.get("contact_email")), text(data.get("site_url")),
                      text(data.get("repo_url")))
