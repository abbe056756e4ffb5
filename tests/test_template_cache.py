"""Compiled templates kept in the user's cache (medsite.build.templates.cache_compiled): found again only by what
their code depends on, never where another user could have put code, and never inside the project."""

from __future__ import annotations

import shutil

import jinja2
import pytest

from medsite.build import templates
from medsite.output import template_marks
from medsite.sources import user_cache

TEMPLATE = "<p>{{ value }}</p>"


def environment(*, autoescape: bool) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.DictLoader({"page.html": TEMPLATE}), autoescape=autoescape)
    return templates.cache_compiled(env)


def compiles(env: jinja2.Environment) -> list[str]:
    """The names Jinja compiles from source while `env` loads its templates (a cached one is not compiled)."""
    compiled = []
    original = env.compile

    def counting(source, name=None, filename=None, raw=False, defer_init=False):
        compiled.append(name)
        return original(source, name, filename, raw, defer_init)

    env.compile = counting
    return compiled


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv(user_cache.CACHE_ENV, str(tmp_path / "cache"))
    return tmp_path / "cache" / "templates"


def test_a_second_build_loads_the_compiled_template(cache):
    environment(autoescape=False).get_template("page.html")
    assert any(cache.iterdir()), "the compiled template is kept"
    second = environment(autoescape=False)
    compiled = compiles(second)
    assert second.get_template("page.html").render(value="<b>") == "<p><b></p>"
    assert compiled == [], "loaded from the cache, not compiled again"


def test_code_compiled_without_autoescaping_is_never_used_with_it(cache):
    environment(autoescape=False).get_template("page.html")  # cached: prints values as they are
    escaping = environment(autoescape=True)
    compiled = compiles(escaping)
    assert escaping.get_template("page.html").render(value="<b>") == "<p>&lt;b&gt;</p>"
    assert compiled == ["page.html"]


def test_a_changed_template_is_compiled_again(cache):
    environment(autoescape=False).get_template("page.html")
    env = jinja2.Environment(loader=jinja2.DictLoader({"page.html": "<div>{{ value }}</div>"}))
    templates.cache_compiled(env)
    assert env.get_template("page.html").render(value="x") == "<div>x</div>"


def test_marked_templates_are_the_same_source_every_build(cache, tmp_path):
    """The per-build secret is a global that the mark prints, so a template with inline scripts is cached
    too, and each build's output carries that build's own secret."""
    ours = tmp_path / "overrides"
    ours.mkdir()
    (ours / "page.html").write_text("<script>a()</script>")
    outputs = []
    for secret in ("first", "second"):
        env = templates.cache_compiled(jinja2.Environment(loader=jinja2.FileSystemLoader(str(ours))))
        template_marks.install(env, secret, [ours])
        compiled = compiles(env)
        outputs.append((env.get_template("page.html").render(), compiled))
    assert outputs[0] == (f'<script {template_marks.ATTR}="first">a()</script>', ["page.html"])
    assert outputs[1] == (f'<script {template_marks.ATTR}="second">a()</script>', []), "from the cache"


def test_no_cache_where_another_user_could_write(cache):
    cache.mkdir(parents=True)
    cache.chmod(0o777)
    env = environment(autoescape=False)
    assert env.bytecode_cache is None
    env.get_template("page.html")
    assert not any(cache.iterdir())


def test_a_damaged_entry_only_costs_time(cache):
    """Jinja's own cache raises on an entry with its header and then garbage: the build would stop."""
    environment(autoescape=False).get_template("page.html")
    [kept] = list(cache.iterdir())
    kept.write_bytes(jinja2.bccache.bc_magic + b"garbage")
    env = environment(autoescape=False)
    compiled = compiles(env)
    assert env.get_template("page.html").render(value="x") == "<p>x</p>"
    assert compiled == ["page.html"]


def test_an_entry_that_cannot_be_written_only_costs_time(cache):
    """Jinja's own cache raises when it cannot write an entry (a full disk, say): the build would stop."""
    env = environment(autoescape=False)
    shutil.rmtree(cache)  # gone while the build runs: writing there fails, whoever runs the test
    assert env.get_template("page.html").render(value="x") == "<p>x</p>"
