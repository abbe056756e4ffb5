"""Provenance for inline scripts and styles: mark what the templates ship, per build.

The Content-Security-Policy may allow only the inline ``<script>`` and
``<style>`` elements that the theme's templates and ours emit, never what a
page, an include or a bibliography entry put into the output. Both end up in
the same HTML, so the mark is made where the difference is still visible: in
the template sources. The loader below adds an attribute carrying a secret,
made new for every build, to every ``<script`` and ``<style`` tag written in a
template file (the attribute prints the secret from a Jinja global, so a
template's source, and the code compiled from it, stay the same from build to
build: medsite.build.templates keeps that code). Content never passes through
the loader (Markdown output is a value the templates print, not template
source), so it can neither print the global nor guess the secret,
so after rendering, a marked element is one we ship and an unmarked one is not.
The CSP step hashes the marked ones, reports the rest, and strips the marks.

Only templates read from our folders are marked (overrides/ at the project root and the installed
theme: Engine.template_dirs): a theme.custom_dir pointed anywhere else, under docs/ say, is read by
the engine but marks nothing, so its inline scripts are strays like any content's.

Why marks rather than a list of the theme's script texts: Material's scripts
vary by page (``base_url``) and by feature, and change between releases; a mark
follows them with no list to keep in step, and fails closed (an unmarked script
is an error, never a hash).
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path

import jinja2

ATTR = "data-medsite-shipped"
SECRET_GLOBAL = "medsite_shipped_mark"  # the Jinja global that holds this build's secret
_TAG = re.compile(r"<(script|style)(?=[\s>/])", re.I)


def new_secret() -> str:
    return secrets.token_urlsafe(18)  # letters, digits, '-' and '_': printed the same escaped or not


def mark(source: str) -> str:
    """Template source with every <script>/<style> tag marked as shipped: an attribute that prints the secret."""
    return _TAG.sub(lambda m: f'<{m.group(1)} {ATTR}="{{{{ {SECRET_GLOBAL} }}}}"', source)


def unmark(html: str, secret: str) -> str:
    """Rendered output with the marks removed (the secret never reaches readers)."""
    return html.replace(f' {ATTR}="{secret}"', "")


def _inside(filename: str | None, dirs: tuple[Path, ...]) -> bool:
    if not filename:
        return False
    path = Path(filename).resolve()
    return any(path.is_relative_to(folder) for folder in dirs)


class MarkingLoader(jinja2.BaseLoader):
    """Wraps the theme's loader; every template it reads from one of ``dirs`` has its inline tags marked."""

    def __init__(self, inner: jinja2.BaseLoader, dirs=()):
        self.inner = inner
        self.dirs = tuple(Path(d).resolve() for d in dirs)

    def get_source(self, environment, template):
        source, filename, uptodate = self.inner.get_source(environment, template)
        if not _inside(filename, self.dirs):  # trusted for its path alone, never for its content
            return source, filename, uptodate
        return mark(source), filename, uptodate

    def list_templates(self):
        return self.inner.list_templates()


def install(env: jinja2.Environment, secret: str, dirs=()) -> jinja2.Environment:
    """Make ``env`` mark what its templates in ``dirs`` ship (call before any template is loaded)."""
    env.globals[SECRET_GLOBAL] = secret
    if not isinstance(env.loader, MarkingLoader):
        env.loader = MarkingLoader(env.loader, dirs)
        if env.cache is not None:
            env.cache.clear()
    return env
