"""The theme's Jinja environment on the MkDocs family: autoescaping for the templates we own, and compiled
templates kept for the next build.

MkDocs creates the theme's Jinja environment without autoescaping, and
Material's templates are written for that (they print prepared HTML such as
the page body). Ours are not: every value they print comes from front matter or
mkdocs.yml, which editors write, so each template under overrides/ is compiled
with autoescaping on, and a value that is already HTML must say so with |safe.

Compiling the theme's templates is about a fifth of a bare MkDocs build of the real site (1.1 of 5.70
billion instructions), and the templates change only when the theme or overrides/ do: `cache_compiled` keeps
the compiled code in the user's cache (medsite.sources.user_cache), as Python keeps its own in __pycache__.
"""

from __future__ import annotations

import contextlib
import pickle
import sys
from pathlib import Path

import jinja2

from medsite.sources import user_cache


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


class _CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Jinja's cache of compiled templates, each found by what its code depends on. Jinja's own key is the
    template's name and file, and it checks the text; the environment's settings and whether the template is
    autoescaped are compiled into the code too, so they are part of the key here."""

    def __init__(self, directory: Path, environment: jinja2.Environment):
        super().__init__(str(directory))
        self.settings = repr((
            jinja2.__version__, sys.version, user_cache.code_version(__file__), sorted(environment.extensions),
            environment.block_start_string, environment.block_end_string, environment.variable_start_string,
            environment.variable_end_string, environment.comment_start_string, environment.comment_end_string,
            environment.line_statement_prefix, environment.line_comment_prefix, environment.trim_blocks,
            environment.lstrip_blocks, environment.newline_sequence, environment.keep_trailing_newline,
            environment.optimized, environment.is_async, repr(environment.finalize),
            environment.code_generator_class.__qualname__, environment.undefined.__qualname__,
        ))

    def get_bucket(self, environment, name, filename, source):
        autoescape = environment.autoescape(name) if callable(environment.autoescape) else environment.autoescape
        return super().get_bucket(environment, name, f"{filename}\0{self.settings}\0{bool(autoescape)}", source)

    # A cache that cannot be read or written (a full disk, say) only makes the build slower, never stops it.
    def load_bytecode(self, bucket) -> None:
        with contextlib.suppress(OSError, EOFError, ValueError, pickle.UnpicklingError):
            super().load_bytecode(bucket)

    def dump_bytecode(self, bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def cache_compiled(env: jinja2.Environment) -> jinja2.Environment:
    """Keep compiled templates in the user's cache for the next build (never in the project: code found there
    could come with a pull request). Without a cache folder that only this user may write, every build compiles."""
    folder = user_cache.private_folder("templates")
    if folder is not None:
        env.bytecode_cache = _CompiledTemplates(folder, env)
    return env
