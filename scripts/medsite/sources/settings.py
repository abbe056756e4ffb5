"""The project's two settings files, each read one way, with one default per setting.

- mkdocs.yml is MkDocs' file. We read it without running its Python tags
  (`!!python/name:...` becomes None) and without YAML aliases, so the gate, the
  verifier and the tests all see the same values.
- gate.yml holds the gate's tunable rules. `GATE_DEFAULTS` is the only place a
  default lives; `medsite.sources.gate_settings.load_config` validates the file against it,
  and the verifier takes `verification_max_age_days` from there too.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from medsite.core.diagnostics import Diagnostic
from medsite.sources import yamlsource

MKDOCS = "mkdocs.yml"
GATE = "gate.yml"
DEFAULT_BIBLIOGRAPHY = "docs/references.yaml"

GATE_DEFAULTS = {
    "warnings_fatal": False,
    "image_max_kb": 200,
    "http_allowed": [],
    "number_citation_page_types": ["condition", "treatment", "clinic", "guide"],
    "words_to_avoid": [],
    "verification_max_age_days": 180,  # a lock file result older than this is due for a fresh check
    "safe_exceptions": [],
    "readability_max_grade": 9,
    "readability_page_types": ["condition", "treatment", "clinic", "guide"],
    "limits": None,  # medsite.sources.limits.Limits holds the defaults
    "first_load_kb": 64,
}


class MkDocsLoader(yamlsource.SafeLoader):
    """Reads mkdocs.yml without running its Python tags (!!python/name:...), and without aliases."""


MkDocsLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def compose_mkdocs(text: str) -> yaml.Node | None:
    """mkdocs.yml as a YAML node tree, for checks that need line numbers."""
    return yaml.compose(text, Loader=MkDocsLoader)


def read_mkdocs(path: Path, rel: str = MKDOCS) -> tuple[dict, list[Diagnostic]]:
    """(settings, problems). A missing or unreadable file gives {} and says why; never raises."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8-sig"), Loader=MkDocsLoader)
    except FileNotFoundError:
        return {}, [Diagnostic("GATE003", f"{rel} does not exist", rel)]
    except yaml.YAMLError as exc:
        return {}, [yamlsource.yaml_error(exc, rel, code="GATE003")]
    except (OSError, UnicodeDecodeError) as exc:
        return {}, [Diagnostic("GATE003", f"cannot read {rel}: {exc}", rel)]
    if data is None:
        return {}, []
    if not isinstance(data, dict):
        return {}, [Diagnostic("GATE003", f"{rel} must be a mapping of settings", rel, 1)]
    return data, []


def extra(mkdocs: dict) -> dict:
    """The `extra:` mapping (the site's own settings); {} when absent or not a mapping."""
    value = mkdocs.get("extra")
    return value if isinstance(value, dict) else {}


def bibliography_path(mkdocs: dict) -> str:
    """Where the bibliography is, relative to the project root (extra.bibliography)."""
    value = extra(mkdocs).get("bibliography")
    return str(value).strip() if isinstance(value, str) and value.strip() else DEFAULT_BIBLIOGRAPHY
