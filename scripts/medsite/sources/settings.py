"""The project's two settings files, each read one way, with one default per setting.

- mkdocs.yml is MkDocs' file, but no engine reads it: we read it, strictly (no YAML tags at all,
  no aliases: GATE010, INPUT001), check the settings that decide what code runs against the lock
  (medsite.sources.config_lock, GATE011), and each engine gets a configuration generated from the
  values read here (medsite.build.engines.base.write_config). MkDocs' own loader would run
  `!!python/object/apply:...` and publish `!ENV` variables; ours refuses every tag with one line.
- gate.yml holds the gate's tunable rules. `GATE_DEFAULTS` is the only place a
  default lives; `medsite.sources.gate_settings.load_config` validates the file against it,
  and the verifier takes `verification_max_age_days` from there too.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from medsite.core.diagnostics import Diagnostic
from medsite.core.rule import ERROR, Rule, declare
from medsite.sources import yamlsource

RULES = declare(
    Rule("GATE010", ERROR,
         what="mkdocs.yml uses a YAML tag (`!ENV`, `!!python/name:...`, `!!python/object/apply:...`, or any other `!...`).",
         why="MkDocs reads its file with PyYAML's unsafe loader: a `!!python/...` tag runs code on the build machine, "
             "and `!ENV` publishes the build machine's environment (its secrets) on every page.",
         fix="Write the plain value instead of the tag; a maintainer who needs a tag adds it to ALLOWED_TAGS in "
             "scripts/medsite/sources/settings.py, with a review.",
         where="mkdocs.yml",
         bad="""\
site_author: !ENV [USER, "Zignagenix editorial team"]""",
         good="""\
site_author: Zignagenix editorial team"""),
)

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
    "currency": None,  # medsite.sources.currency_settings holds the defaults
    "review_changed_error_page_types": [],  # page types whose change since their clinical review is an error (REVIEW006)
    "required_parts": None,  # medsite.sources.required_parts: none required unless gate.yml declares them
}


# The YAML tags mkdocs.yml may use: none (MkDocs' `!ENV` and `!!python/...` run code or read secrets).
ALLOWED_TAGS: frozenset[str] = frozenset()
TAG_CODE = "GATE010"


def _shown(tag: str) -> str:
    """A tag as it was written: `!!python/name:x` rather than `tag:yaml.org,2002:python/name:x`."""
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") else tag


class MkDocsLoader(yamlsource.SafeLoader):
    """Reads mkdocs.yml refusing every YAML tag (GATE010) and every alias (INPUT001), at its line."""

    def compose_node(self, parent, index):
        tag = getattr(self.peek_event(), "tag", None)
        if tag and tag not in ALLOWED_TAGS:
            raise yamlsource.RefusedYAML(
                f"the YAML tag '{_shown(tag)}' is not allowed in mkdocs.yml (MkDocs' loader would run or expand it)",
                self.peek_event().start_mark, "write the plain value; no tag is allowed here", code=TAG_CODE)
        return super().compose_node(parent, index)


def compose_mkdocs(text: str) -> yaml.Node | None:
    """mkdocs.yml as a YAML node tree, for checks that need line numbers."""
    return yaml.compose(text, Loader=MkDocsLoader)


def read_mkdocs(path: Path, rel: str = MKDOCS) -> tuple[dict, list[Diagnostic]]:
    """(settings, problems). A missing or unreadable file gives {} and says why; never raises."""
    data, _node, problems = read_mkdocs_located(path, rel)
    return data, problems


def read_mkdocs_located(path: Path, rel: str = MKDOCS) -> tuple[dict, yaml.Node | None, list[Diagnostic]]:
    """(settings, their node tree for line numbers, problems); {} and None when the file cannot be read."""
    try:
        node = compose_mkdocs(path.read_text(encoding="utf-8-sig"))
        data = MkDocsLoader("").construct_document(node) if node is not None else None
    except FileNotFoundError:
        return {}, None, [Diagnostic("GATE003", f"{rel} does not exist", rel)]
    except yaml.YAMLError as exc:
        return {}, None, [yamlsource.yaml_error(exc, rel, code="GATE003")]
    except (OSError, UnicodeDecodeError) as exc:
        return {}, None, [Diagnostic("GATE003", f"cannot read {rel}: {exc}", rel)]
    if data is None:
        return {}, None, []
    if not isinstance(data, dict):
        return {}, None, [Diagnostic("GATE003", f"{rel} must be a mapping of settings", rel, 1)]
    return data, node, []


def extra(mkdocs: dict) -> dict:
    """The `extra:` mapping (the site's own settings); {} when absent or not a mapping."""
    value = mkdocs.get("extra")
    return value if isinstance(value, dict) else {}


def bibliography_path(mkdocs: dict) -> str:
    """Where the bibliography is, relative to the project root (extra.bibliography)."""
    value = extra(mkdocs).get("bibliography")
    return str(value).strip() if isinstance(value, str) and value.strip() else DEFAULT_BIBLIOGRAPHY
