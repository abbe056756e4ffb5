"""Shared fixtures: the project's paths, a copy of the project to build in, and the real site built once."""

from __future__ import annotations

import compileall
import os
import re
import shutil
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml
from pytest import StashKey

from local_http import LocalHTTPServer
from medsite.core import clock
from medsite.gate.guard import CRASH_LOG, LET_CRASHES_PASS
from medsite.sources import user_cache

ROOT = Path(__file__).resolve().parents[1]

# "Today" for every test and every build a test starts (the variable is inherited; medsite.core.clock
# reads it): the suite never breaks with the calendar. It is the real pages' latest last_reviewed (a day
# the content itself says was current), never earlier than the day the pin was written, so a review that
# moves the dates moves the pin with it. The freshness of today's real content is a CI job of its own.
_REVIEWED = re.compile(r"^last_reviewed:\s*['\"]?(\d{4}-\d{2}-\d{2})", re.M)


def _pinned_today() -> str:
    dates = {m.group(1) for page in (ROOT / "docs").rglob("*.md") for m in _REVIEWED.finditer(page.read_text(encoding="utf-8"))}
    return max(dates | {"2026-12-07"})


PINNED_TODAY = _pinned_today()
os.environ[clock.ENV] = PINNED_TODAY

# What builds keep for the next build (medsite.sources.user_cache: formatted references, bibliography parses): one cache for the whole run, shared by its
# workers (they inherit the variable the first process sets) and by every copy of the project, so each build
# does not run the CSL processor for every work again; never the user's own cache.
if not os.environ.get(user_cache.CACHE_ENV):
    os.environ[user_cache.CACHE_ENV] = tempfile.mkdtemp(prefix="medsite-test-cache-")
    _OWN_CACHE = os.environ[user_cache.CACHE_ENV]  # removed when the run ends (pytest_unconfigure)
    # Our modules compiled once, beside their sources (what Python does itself unless PYTHONDONTWRITEBYTECODE is
    # set, as it may be in CI): every copy of the project takes the compiled files with it, still valid (copies
    # keep the sources' times), so each of the suite's builds does not compile every module again in each process.
    compileall.compile_dir(ROOT / "scripts", quiet=2)
else:
    _OWN_CACHE = None

PROJECT_PARTS = ["mkdocs.yml", "gate.yml", "docs", "includes", "overrides", "scripts", "data"]


def copy_project(dest: Path) -> Path:
    """A copy of everything `make site` reads, so tests never touch the working site/."""
    for part in PROJECT_PARTS:
        src = ROOT / part
        if src.is_dir():
            shutil.copytree(src, dest / part)  # with scripts/' compiled modules (above)
        elif src.exists():
            shutil.copy2(src, dest / part)
    lock = ROOT / "verification.lock.json"
    if lock.exists():
        shutil.copy2(lock, dest / lock.name)
    return dest


def without_required_parts(gate_yml: str) -> str:
    """gate.yml's text without its `required_parts` block (the key and its indented or blank lines): for fixture
    sites whose pages are short notes, not complete pages of their type (PART001)."""
    return re.sub(r"(?m)^required_parts:.*\n(?:(?:[ \t].*)?\n)*", "", gate_yml)


def run_build(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(root / "scripts"), "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [sys.executable, "-m", "medsite.tools.make_site", "--root", str(root), *args],
        cwd=root, env=env, capture_output=True, text=True, timeout=300,
    )


def build_with_engines(root: Path, names, **project) -> dict:
    """The project built by each named engine into its staging folder, with the post-steps `make site` runs,
    then gated (the engine's own theme allowed): {name: (staging, diagnostics)}. `project` goes to the gate's
    Project (today=...)."""
    from medsite.build import engines
    from medsite.gate.project import Project
    from medsite.gate.run import run as run_gate
    from medsite.output import changefeed, csp_after
    from medsite.sources.site import Site

    out = {}
    for name in names:
        engine, staging = engines.ENGINES[name], root / ".site-builds" / name
        site, _ = Site.load(root)
        built, diagnostics = engine.build(site, staging)
        assert built, [d.text() for d in diagnostics]
        if not engine.csp_inside:
            diagnostics += csp_after.protect_site(site, staging, engine)
        diagnostics += changefeed.write(site, staging)  # the feed every page links to
        diagnostics += run_gate(Project(root, staging, engine=engine, sources=site, **project))
        out[name] = (staging, diagnostics)
    return out


# The pages the templates link to (footer, 404): a small project has them, so its only findings are its own.
LINKED_PAGES = ["about/about-us.md", "about/contact.md", "about-ms/what-is-ms.md", "stem-cells/questions-to-ask.md"]


def small_project(tmp_path: Path, pages: dict[str, str], bib: list[dict], filler: str, settings=None) -> Path:
    """A small project: our templates, hooks, includes and gate; these pages (docs-relative name: text) and this
    bibliography, `filler` as the home page and the LINKED_PAGES; `settings` ({"extra.x": value}) set in mkdocs.yml."""
    root = tmp_path / "project"
    for part in ("scripts", "overrides", "includes"):
        shutil.copytree(ROOT / part, root / part)  # with scripts/' compiled modules
    # Its pages are short notes, not complete pages of their type (PART001).
    (root / "gate.yml").write_text(without_required_parts((ROOT / "gate.yml").read_text(encoding="utf-8")), encoding="utf-8")
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text())
    nav = [*pages, *LINKED_PAGES]
    config["nav"] = [{"Home": "index.md"}] + [{f"Page {i}": uri} for i, uri in enumerate(nav)]
    config["extra"]["bibliography"] = "docs/references.yaml"
    config["extra"].pop("clinic_offer", None)  # these small sites show no offer panel
    for dotted, value in (settings or {}).items():
        *path, last = dotted.split(".")
        target = config
        for name in path:
            target = target.setdefault(name, {})
        target[last] = value
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True))
    docs = root / "docs"
    shutil.copytree(ROOT / "docs" / "assets", docs / "assets")
    for uri in ["index.md", *LINKED_PAGES]:
        (docs / uri).parent.mkdir(parents=True, exist_ok=True)
        (docs / uri).write_text(filler)
    for uri, text in pages.items():
        (docs / uri).write_text(text)
    (docs / "references.yaml").write_text(yaml.safe_dump(bib, sort_keys=False, allow_unicode=True))
    return root


LAST_GOOD = "last good build"


def stand_in_build(root: Path) -> Path:
    """An empty published build, as `make site` leaves one (site/ a link into .site-builds/), for tests that
    check a failed build keeps it: a real site/ folder would be set aside, as no gate has passed it."""
    build = root / ".site-builds" / "20260101-000000-seed"
    build.mkdir(parents=True)
    (root / ".site-builds" / "20260101-000000-seed.gated").write_text("gated\n")  # as publish.GATED marks one
    (root / "site").symlink_to(".site-builds/20260101-000000-seed")
    return build


def mark_last_good(root: Path) -> None:
    """Leave a marker in site/, as if a good build had published it: a failed build must not touch it."""
    (root / "site" / "marker.txt").write_text(LAST_GOOD)


def assert_failed_and_kept(result: subprocess.CompletedProcess, root: Path, expected: str) -> None:
    """The build stopped (exit 1) with `expected` in its output, no traceback, and site/ as it was."""
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert expected in output, output
    assert "Traceback" not in output
    assert (root / "site" / "marker.txt").read_text() == LAST_GOOD


@pytest.fixture(scope="session")
def built_project(tmp_path_factory) -> Path:
    """The real site, built once per test session by the same command as `make site`."""
    root = copy_project(tmp_path_factory.mktemp("project"))
    result = run_build(root)
    assert result.returncode == 0, result.stdout + result.stderr
    return root


@pytest.fixture(scope="session")
def site(built_project) -> Path:
    return built_project / "site"


# Fixtures that build the real site: a test using one is left out of `make test-fast`.
BUILDS_THE_REAL_SITE = {"built_project", "site"}


def pytest_collection_modifyitems(items):
    """Mark as slow (see pyproject.toml) the browser tests and every test that needs the real site built; then
    order the files longest first: the browser tests, then files with a slow test, then the rest. `make test`
    hands out whole files in this order (--dist loadfile --no-loadscope-reorder), so the many short files fill
    the gaps at the end instead of one long file keeping one worker busy while the other waits."""
    for item in items:
        if "browser" in item.path.parts or BUILDS_THE_REAL_SITE & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
    rank: dict[Path, int] = {}
    for item in items:
        here = 0 if "browser" in item.path.parts else 1 if item.get_closest_marker("slow") else 2
        rank[item.path] = min(rank.get(item.path, 2), here)
    items.sort(key=lambda item: rank[item.path])  # stable: a file's tests stay together and in their order


# --- A crashed check fails the test -----------------------------------------------------------------
# A check that crashes reports GATE004 instead of its own codes, so a test asserting "this code is not
# reported" would pass on a crash. Every GATE004, from the gate in this process or in a build the test
# started (the variable is inherited), is written to a log (medsite.gate.guard.CRASH_LOG), one per test,
# fixtures' setup included; a test that logged one fails, unless it is marked `gate_crash` (it expects a
# check to crash).

_CRASH_LOGS = StashKey[Path]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    folder = Path(tempfile.mkdtemp(prefix="gate-crashes-"))
    item.stash[_CRASH_LOGS] = folder / "GATE004.log"
    os.environ[CRASH_LOG] = str(item.stash[_CRASH_LOGS])
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    try:
        result = yield
    finally:
        log = item.stash.get(_CRASH_LOGS, None)
        crashes = log.read_text(encoding="utf-8").splitlines() if log and log.exists() else []
        # Read by the mutation check (scripts/medsite/tools/mutation_check.py) from the JUnit report.
        item.user_properties.append(("gate_crashes", "|".join(crashes)))
        item.user_properties.append(("gate_crash_expected", "1" if item.get_closest_marker("gate_crash") else "0"))
    if crashes and not item.get_closest_marker("gate_crash") and not os.environ.get(LET_CRASHES_PASS):
        pytest.fail("a check of the gate crashed or ran out of time (GATE004, GATE020), so what this test saw proves nothing: "
                    + "; ".join(crashes[:3]), pytrace=False)
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item):
    try:
        return (yield)
    finally:
        os.environ.pop(CRASH_LOG, None)
        log = item.stash.get(_CRASH_LOGS, None)
        if log:
            shutil.rmtree(log.parent, ignore_errors=True)


@pytest.fixture
def github():
    """A local stand-in for GitHub's API, one per test (the pull-request comment and the maintainer check)."""
    server = LocalHTTPServer(host="127.0.0.1", port=0)
    server.start()
    yield server
    server.clear()
    server.stop()


def pytest_unconfigure(config):
    if _OWN_CACHE:  # the process that made the run's reference cache (the controller under xdist)
        shutil.rmtree(_OWN_CACHE, ignore_errors=True)


# --- A small good site, for tests about building, publishing and reporting rather than the real pages -----
# small_project with one condition page that cites every work of a fictitious bibliography (10.5555 is
# Crossref's test DOI prefix) and has a ## heading: it builds and passes the gate in about a third of the
# CPU time of the real site.

SMALL_PAGE = "docs/condition.md"
SMALL_KEYS = ("relapses2020", "progression2021")


def small_work(key: str) -> dict:
    return {"id": key, "type": "article-journal", "author": [{"family": "Example", "given": "A"}],
            "title": f"A fictitious study ({key})", "container-title": "J Test",
            "issued": {"date-parts": [[int(key[-4:])]]}, "DOI": f"10.5555/{key}"}


def small_page(body: str, title: str, page_type: str = "condition", keys=()) -> str:
    """A short page, reviewed a month before the pinned day and due within the year."""
    today = date.fromisoformat(PINNED_TODAY)
    return (f"---\ntitle: {title}\ndescription: A plain description.\npage_type: {page_type}\n"
            f"last_reviewed: {today - timedelta(days=30)}\nnext_review_due: {today + timedelta(days=300)}\n"
            f'reviewed_by: ""\nsources: [{", ".join(keys)}]\n---\n\n{body}\n')


def small_good_project(tmp_path: Path, keys=SMALL_KEYS, settings=None) -> Path:
    """A small project that builds and passes the gate; SMALL_PAGE cites each of `keys` (a work each), the
    first two in its first paragraph, which a ## heading follows."""
    cites = " ".join(f"A finding of one study [@{key}]." for key in keys[2:])
    body = (f"Most people with MS have relapses at first [@{keys[0]}]. Some people later have a steady worsening "
            f"[@{keys[1]}].\n\n## What it means\n\nEveryone's MS is different. {cites}\n")
    pages = {SMALL_PAGE.removeprefix("docs/"): small_page(body, "What MS is", keys=keys)}
    return small_project(tmp_path, pages, [small_work(key) for key in keys], small_page("A page.", "Home", "about"), settings)


@pytest.fixture(scope="session")
def small_built_project(tmp_path_factory) -> Path:
    """small_good_project, built once per test session by the same command as `make site`: copy it (with
    symlinks=True: site/ is a relative link to the published build) before changing anything in it."""
    root = small_good_project(tmp_path_factory.mktemp("small"))
    result = run_build(root)
    assert result.returncode == 0, result.stdout + result.stderr
    return root
