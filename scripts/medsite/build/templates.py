"""Autoescaping for the templates we own.

MkDocs creates the theme's Jinja environment without autoescaping, and
Material's templates are written for that (they print prepared HTML such as
the page body). Ours are not: every value they print comes from front matter or
mkdocs.yml, which editors write, so each template under overrides/ is compiled
with autoescaping on, and a value that is already HTML must say so with |safe.
"""

from __future__ import annotations

from pathlib import Path


def autoescape_ours(env, custom_dir: str | Path | None):
    """Turn autoescaping on for every template that lives in ``custom_dir``."""
    if not custom_dir:
        return env
    root = Path(custom_dir).resolve()
    previous = env.autoescape

    ours: dict[str, bool] = {}  # Jinja asks again for every context it makes (thousands per build)

    def select(name: str | None) -> bool:
        if name and name not in ours:
            ours[name] = (root / name).resolve().is_relative_to(root) and (root / name).is_file()
        if name and ours[name]:
            return True
        return previous(name) if callable(previous) else bool(previous)

    env.autoescape = select
    return env
