"""GATE003 for mkdocs.yml values that reach pages: plain text, https URLs, and no theme settings we have not reviewed.

Material prints site_name, site_description, site_author, copyright and nav
titles without escaping (copyright is even meant to hold HTML), and prints some
`extra` settings (scope, version, analytics, polyfills...) into inline scripts
or script tags. Our own templates escape what they print, but the theme's do
not, so these values are held to plain text here, at the file they come from.
"""

from __future__ import annotations

import re

import yaml

from medsite.core import urls
from medsite.core.diagnostics import Diagnostic
from medsite.core.rule import SOURCE, gate_check
from medsite.sources.pagemeta import markup_in
from medsite.sources.settings import compose_mkdocs

PATH = "mkdocs.yml"
PLAIN_TEXT = {("site_name",), ("site_description",), ("site_author",), ("copyright",), ("repo_name",)}
PLAIN_TEXT_UNDER = {("extra", "publisher"), ("extra", "editorial_team"), ("nav",)}  # every string below these
URLS = {("site_url",), ("repo_url",), ("extra", "publisher", "url")}
EMAILS = {("extra", "publisher", "contact_email")}
# The `extra` settings this site uses; Material reads others into scripts and links, so any other is refused.
KNOWN_EXTRA = {"generator", "publisher", "editorial_team", "bibliography", "csl_style", "clinic_offer"}
_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")


def _scalars(node, path=()):
    """(path, text, line) for every scalar value and mapping key, with keys and list positions in the path."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            name = str(getattr(key, "value", ""))
            if path and path[0] == "nav":  # a nav entry's key is its title
                yield path + (name,), name, key.start_mark.line + 1
            yield from _scalars(value, path + (name,))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _scalars(item, path + (index,))
    elif isinstance(node, yaml.ScalarNode) and isinstance(node.value, str):
        yield path, node.value, node.start_mark.line + 1


def _under(path, prefixes) -> bool:
    return any(path[: len(p)] == p for p in prefixes)


def _is_url_setting(path, text) -> bool:
    """site_url, repo_url, any `url` under extra, and edit_uri when it is a full address (MkDocs then uses it as is)."""
    if path in URLS or (path[0] == "extra" and path[-1] == "url"):
        return True
    return path == ("edit_uri",) and ":" in text.split("/", 1)[0]


def _problem(path, text, http_allowed) -> str | None:
    if _is_url_setting(path, text):
        why = urls.problem(text.strip(), http_allowed)
        return f"{'.'.join(map(str, path))} {why} ('{text}')" if why else None
    if path in EMAILS and not _EMAIL.match(text.strip()):
        return f"{'.'.join(map(str, path))} is not a plain e-mail address: '{text}'"
    if path in PLAIN_TEXT or _under(path, PLAIN_TEXT_UNDER):
        if path[0] == "nav" and isinstance(path[-1], int):
            return None  # a page path, not a title
        found = markup_in(text)
        if found:
            return f"{'.'.join(map(str, path))} contains markup '{found}'; write plain text (curly quotes “ ”, & only before a space)"
    return None


@gate_check(stage=SOURCE)
def check(project):
    try:
        text = (project.root / PATH).read_text(encoding="utf-8")
        root = compose_mkdocs(text)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return  # reported as GATE003 where the project reads mkdocs.yml
    if not isinstance(root, yaml.MappingNode):
        return
    http_allowed = project.config.get("http_allowed") or {}
    for key, value in root.value:
        if getattr(key, "value", None) == "extra" and isinstance(value, yaml.MappingNode):
            for name, _ in value.value:
                if str(name.value) not in KNOWN_EXTRA:
                    yield Diagnostic("GATE003", f"extra.{name.value} is not a setting this site uses", PATH,
                                     name.start_mark.line + 1, target=str(name.value),
                                     hint=f"remove it (the theme may print it into scripts); this site uses extra.{', extra.'.join(sorted(KNOWN_EXTRA))}")
    for path, value, line in _scalars(root):
        message = _problem(path, value, http_allowed)
        if message:
            yield Diagnostic("GATE003", message, PATH, line, target=value)
