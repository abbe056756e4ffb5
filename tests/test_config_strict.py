"""mkdocs.yml is read once, strictly, by us: no YAML tag, the settings that run code held to their lock, and
every engine (and `make serve`) given a configuration generated from what we read, never mkdocs.yml itself.

Each dangerous form is refused by `make site` with one line naming the file, line and key, before any
engine runs (so a `!!python/object/apply` tag never runs); the real site still builds on every engine
(tests/test_engines.py builds it on all three).
"""

from __future__ import annotations

import contextlib
import io
import re
import signal
import subprocess
import sys

import pytest
import yaml

from conftest import ROOT, copy_project, run_build, stand_in_build
from medsite.build import engines
from medsite.build.engines.base import write_config
from medsite.core import stopping
from medsite.sources import config_lock
from medsite.sources.site import Site
from medsite.tools.make_site import main as make_site_main
from test_editors_preview import free_port

REAL = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")


def replaced(old: str, new: str) -> str:
    assert old in REAL, old
    return REAL.replace(old, new, 1)


def line_of(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if fragment in line)


# (what the hostile edit does, mkdocs.yml after it, the fragment on the reported line, code, the key named)
DANGEROUS = {
    "python tag runs a command": (
        replaced("site_author: Zignagenix editorial team",
                 'site_author: !!python/object/apply:os.system ["touch PWNED"]'),
        "site_author:", "GATE010", "'!!python/object/apply:os.system'"),
    "!ENV publishes a secret": (
        replaced("site_author: Zignagenix editorial team", "site_author: !ENV [HOME, editors]"),
        "site_author:", "GATE010", "'!ENV'"),
    "hooks pointing elsewhere": (
        replaced("  - scripts/mkdocs_hooks.py", "  - docs/assets/hook.py"), "docs/assets/hook.py", "GATE011", "hooks"),
    "custom_dir under docs/": (
        replaced("custom_dir: overrides", "custom_dir: docs/x"), "custom_dir:", "GATE011", "theme.custom_dir"),
    "snippets may read any file": (
        replaced("      check_paths: true", "      check_paths: true\n      restrict_base_path: false"),
        "restrict_base_path", "GATE011", "markdown_extensions.pymdownx.snippets.restrict_base_path"),
    "snippets from the whole project": (
        replaced("      base_path: [includes]", "      base_path: ['.']"),
        "base_path:", "GATE011", "markdown_extensions.pymdownx.snippets.base_path"),
    "an unknown extension": (
        replaced("  - pymdownx.details", "  - pymdownx.details\n  - pymdownx.arithmatex"),
        "pymdownx.arithmatex", "GATE011", "markdown_extensions.pymdownx.arithmatex"),
    "extra_javascript": (
        replaced("extra_css:\n  - assets/site.css", "extra_css:\n  - assets/site.css\nextra_javascript:\n  - assets/x.js"),
        "extra_javascript:", "GATE011", "extra_javascript"),
    "palette toggle name closing a script": (
        replaced("name: Switch to dark mode", "name: Switch</script><script>alert(1)</script>"),
        "Switch</script>", "GATE011", "theme.palette"),
    "edit_uri_template": (
        replaced("edit_uri: edit/main/docs/", "edit_uri: edit/main/docs/\nedit_uri_template: 'javascript:alert(1)//{path}'"),
        "edit_uri_template:", "GATE011", "edit_uri_template"),
    "a style file outside the style folder": (
        replaced("csl_style: american-medical-association", "csl_style: ../../../../docs/evil"),
        "csl_style: ../", "GATE011", "extra.csl_style"),
    "a plugin": (replaced("plugins: []", "plugins:\n  - macros"), "- macros", "GATE011", "plugins"),
    "INHERIT of another file": ("INHERIT: docs/base.yml\n" + REAL, "INHERIT:", "GATE011", "INHERIT"),
}


@pytest.mark.parametrize("case", DANGEROUS)
def test_each_dangerous_form_is_one_located_error_when_the_site_is_read(tmp_path, case):
    text, fragment, code, key = DANGEROUS[case]
    (tmp_path / "mkdocs.yml").write_text(text, encoding="utf-8")
    site, problems = Site.load(tmp_path)
    found = [d for d in problems if d.code in ("GATE010", "GATE011")]
    assert len(found) == 1, found
    assert (found[0].code, found[0].path, found[0].line) == (code, "mkdocs.yml", line_of(text, fragment)), found
    assert key in found[0].message, found[0].message
    assert engines.refused_input(site) == found  # no engine runs with it


def test_the_real_settings_are_the_locked_ones():
    site, problems = Site.load(ROOT)
    assert problems == [] and config_lock.problems(site.mkdocs) == []


def test_every_tag_is_refused_even_the_harmless_ones(tmp_path):
    for tagged in ("site_name: !!str Site", "site_name: ! Site", "extra:\n  publisher: !!map {name: x}"):
        (tmp_path / "mkdocs.yml").write_text(tagged + "\n", encoding="utf-8")
        _, problems = Site.load(tmp_path)
        assert [d.code for d in problems] == ["GATE010"], (tagged, problems)


def test_a_smaller_set_of_locked_extensions_and_no_hooks_is_allowed(tmp_path):
    """Leaving a locked setting out runs no one's code: small fixture sites stay valid."""
    (tmp_path / "mkdocs.yml").write_text("site_name: S\nmarkdown_extensions:\n  - toc:\n      permalink: true\n"
                                         "  - pymdownx.snippets:\n      base_path: [includes]\nplugins: [search]\n")
    assert Site.load(tmp_path)[1] == []


def test_the_generated_configuration_is_plain_yaml_without_inherit_and_escapes_the_palette(tmp_path):
    root = copy_project(tmp_path)
    site, _ = Site.load(root)
    site.mkdocs["theme"]["palette"][0]["toggle"]["name"] = 'Dark</script><script>alert(1)</script> & "x"'
    for engine in engines.ENGINES.values():
        cmd, config = engine.command(site, root / ".site-builds" / "staging")
        try:
            text = config.read_text(encoding="utf-8")
            assert config.parent == root and str(config) in cmd
            assert "INHERIT" not in text and "mkdocs.yml" not in " ".join(cmd)
            assert not re.search(r"(^|[\s:\[])!", text.replace("'!", "")), text  # no tag reaches the engine's loader
            data = yaml.safe_load(text)
            assert data["hooks"] == site.mkdocs["hooks"] and data["markdown_extensions"] == site.mkdocs["markdown_extensions"]
            name = data["theme"]["palette"][0]["toggle"]["name"]
            assert name == "Dark&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;"
        finally:
            config.unlink()


@pytest.mark.parametrize(("plugins", "zensical_plugins"), [
    ("plugins: []\n", {"search": {"enabled": False}}),  # MkDocs: no search; Zensical would build one unless told
    ("plugins: [search]\n", ["search"]),  # listed: both engines search
    ("plugins:\n  - search: {}\n", [{"search": {}}]),  # listed with its (empty) options: the same
    ("", None),  # no plugins key: both engines search
])
def test_zensical_searches_only_when_mkdocs_would(tmp_path, plugins, zensical_plugins):
    (tmp_path / "mkdocs.yml").write_text(f"site_name: S\n{plugins}", encoding="utf-8")
    site, problems = Site.load(tmp_path)
    assert problems == []
    cmd, config = engines.ENGINES["zensical"].command(site, tmp_path / ".site-builds" / "staging")
    assert yaml.safe_load(config.read_text(encoding="utf-8")).get("plugins") == zensical_plugins


def test_a_string_that_looks_like_a_tag_stays_a_string(tmp_path):
    (tmp_path / "mkdocs.yml").write_text("site_name: '!ENV HOME'\n", encoding="utf-8")
    site, problems = Site.load(tmp_path)
    assert problems == []
    config = write_config(site, "mkdocs")
    try:
        import mkdocs.utils.yaml as mkdocs_yaml  # MkDocs' own loader, which honours !ENV

        with config.open(encoding="utf-8") as fh:
            assert mkdocs_yaml.yaml_load(fh)["site_name"] == "!ENV HOME"
    finally:
        config.unlink()


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("strict"))
    (stand_in_build(root) / "marker.txt").write_text("last good build")  # published, as a real site/ folder is not
    return root


# This case runs `make site` as a process of its own, as an editor does (its exit status, no traceback on
# stderr); the others call the same entry point in this process, which spares a start-up each.
IN_A_PROCESS_OF_ITS_OWN = "python tag runs a command"


def make_site(root, in_a_process_of_its_own: bool) -> tuple[int, str]:
    """`make site`'s exit status and everything it printed."""
    if in_a_process_of_its_own:
        result = run_build(root)
        return result.returncode, result.stdout + result.stderr
    out = io.StringIO()
    handlers = {each: signal.getsignal(each) for each in stopping.SIGNALS}
    unraisable = sys.unraisablehook
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            returncode = make_site_main(["--root", str(root)])
    finally:  # it installs its own Ctrl-C handling: the test process gets its own back
        for each, handler in handlers.items():
            signal.signal(each, handler)
        sys.unraisablehook = unraisable
    return returncode, out.getvalue()


@pytest.mark.parametrize("case", ["python tag runs a command", "!ENV publishes a secret", "hooks pointing elsewhere",
                                  "custom_dir under docs/", "snippets may read any file", "an unknown extension",
                                  "extra_javascript", "palette toggle name closing a script", "edit_uri_template"])
def test_make_site_refuses_with_one_line_naming_file_and_key(project, case):
    text, fragment, code, key = DANGEROUS[case]
    (project / "mkdocs.yml").write_text(text, encoding="utf-8")
    try:
        returncode, output = make_site(project, in_a_process_of_its_own=case == IN_A_PROCESS_OF_ITS_OWN)
    finally:
        (project / "mkdocs.yml").write_text(REAL, encoding="utf-8")
    assert returncode == 1, output
    refusals = [line for line in output.splitlines() if re.search(r"GATE01[01] ", line)]
    assert len(refusals) == 1, output
    assert refusals[0].startswith(f"mkdocs.yml:{line_of(text, fragment)}: {code} ") and key in refusals[0], refusals
    assert "Traceback" not in output
    assert not (project / "PWNED").exists()  # the tag never ran
    assert (project / "site" / "marker.txt").read_text() == "last good build"
    assert not list(project.glob(".*-generated-*.yml"))


def test_make_serve_refuses_the_same_way(project):
    text, fragment, code, key = DANGEROUS["hooks pointing elsewhere"]
    (project / "mkdocs.yml").write_text(text, encoding="utf-8")
    try:
        result = subprocess.run([sys.executable, "-m", "medsite.tools.serve", "--port", str(free_port())], cwd=project,
                                capture_output=True, text=True, timeout=120,
                                env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(project / "scripts")})
    finally:
        (project / "mkdocs.yml").write_text(REAL, encoding="utf-8")
    assert result.returncode == 1, result.stderr
    assert f"mkdocs.yml:{line_of(text, fragment)}: GATE011 hooks " in result.stderr
    assert "Traceback" not in result.stderr
