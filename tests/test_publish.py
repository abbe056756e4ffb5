"""Publishing is atomic and locked: real builds of a small project, run together, interrupted with real signals,
and started on every leftover state, while a poller reads site/ as a web server would.

None of it depends on the real pages: the project is conftest's small good project (our templates, hooks,
includes and gate, a few short pages), whose every page carries the CSP meta tag our templates write.

Interrupts at exact publishing steps use the build's one test hook, MEDSITE_BUILD_STOP_AT=<step>: the
build stops itself (SIGSTOP) there, the test sends the real signal and continues it.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from conftest import run_build, small_good_project
from medsite.build import publish
from medsite.build.publish import GATED

pytestmark = pytest.mark.slow  # builds sites with MkDocs: left out of `make test-fast`

SEED = "20260101-000000-seed"  # a build folder name as the build makes them
CSP = 'meta[http-equiv="Content-Security-Policy"]'
DROP_ROOT_POWERS = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search,-fowner", "--"]


# --- a project, a build, and a look at site/ -------------------------------------------------


@pytest.fixture(scope="module")
def good_site(small_built_project) -> Path:
    """The small project's published build, built once for the session; copied into each test's project."""
    return Path(os.path.realpath(small_built_project / "site"))


@pytest.fixture(scope="module")
def pages(good_site) -> int:
    return sum(1 for _ in good_site.rglob("*.html"))


def new_project(tmp_path: Path) -> Path:
    """A small project like the one good_site was built from: a build of it publishes as many pages."""
    return small_good_project(tmp_path)


def published_project(tmp_path: Path, good_site: Path) -> Path:
    """A project whose site/ is a published build, as `make site` leaves it."""
    root = new_project(tmp_path)
    shutil.copytree(good_site, root / ".site-builds" / SEED)
    (root / ".site-builds" / f"{SEED}.gated").write_text("gated\n")  # the gate passed it (publish.GATED)
    os.symlink(f".site-builds/{SEED}", root / "site")
    return root


def with_broken_config(root: Path) -> Path:
    """The build then refuses mkdocs.yml before any engine runs: the fast way to run everything a build does around it."""
    with (root / "mkdocs.yml").open("a") as fh:
        fh.write("nav: [broken\n")
    return root


def start_build(root: Path, stop_at: str | None = None, prefix: list[str] | None = None) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(root / "scripts"), "NO_MKDOCS_2_WARNING": "1"}
    env.pop("MEDSITE_BUILD_STOP_AT", None)
    if stop_at:
        env["MEDSITE_BUILD_STOP_AT"] = stop_at
    return subprocess.Popen([*(prefix or []), sys.executable, "-m", "medsite.tools.make_site", "--root", str(root)],
                            cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(proc: subprocess.Popen) -> subprocess.CompletedProcess:
    out, err = proc.communicate(timeout=300)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def wait_until(condition, what: str, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.01)


def is_stopped(pid: int) -> bool:
    stat = Path(f"/proc/{pid}/stat").read_text()
    return stat[stat.rindex(")") + 2] in "tT"


def stop_at(root: Path, step: str, prefix=None) -> subprocess.Popen:
    """A build stopped at `step` of publishing, waiting for a signal."""
    proc = start_build(root, stop_at=step, prefix=prefix)
    wait_until(lambda: proc.poll() is not None or is_stopped(proc.pid), f"the build to reach {step}")
    assert proc.poll() is None, finish(proc).stderr
    return proc


def site_faults(root: Path, expected_pages: int) -> list[str]:
    """What is wrong with site/ as a reader finds it now; empty when it is one complete build."""
    site = root / "site"
    if not (site / "index.html").is_file():
        return ["site/index.html is missing"]
    build = Path(os.path.realpath(site))  # resolve once, as a reader that follows one version would
    faults, count = [], 0
    for page in build.rglob("*.html"):
        count += 1
        if LexborHTMLParser(page.read_text(encoding="utf-8")).css_first(CSP) is None:
            faults.append(f"{page.relative_to(build)} has no CSP meta tag")
    if count != expected_pages:
        faults.append(f"{count} pages instead of {expected_pages}")
    return faults


class Poller(threading.Thread):
    """Reads site/ over and over while builds run, and keeps every fault it sees."""

    def __init__(self, root: Path, expected_pages: int):
        super().__init__(daemon=True)
        self.root, self.expected, self.looks, self.faults = root, expected_pages, 0, []
        self.done = threading.Event()

    def run(self):
        while not self.done.is_set():
            try:
                self.faults += site_faults(self.root, self.expected)
            except OSError as exc:  # a page vanished under the reader
                self.faults.append(f"{type(exc).__name__}: {exc}")
            self.looks += 1
            time.sleep(0.02)  # leave the builds some CPU; a look takes about as long

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.done.set()
        self.join()


def plain(result: subprocess.CompletedProcess) -> str:
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    return output


def published_line(result, pages: int) -> None:
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"site: published {pages} pages to site/" in plain(result)


def holds_lock(root: Path, proc: subprocess.Popen) -> bool:
    """The build has taken the lock (it writes its pid there); a build that already ended counts too."""
    lock = root / ".site-builds" / "lock"
    return proc.poll() is not None or (lock.exists() and lock.read_text().strip() == str(proc.pid))


def builds_left(root: Path) -> list[str]:
    """The builds and leftovers in .site-builds, each build's gate mark (publish.GATED) checked and left out."""
    names = [p.name for p in (root / ".site-builds").iterdir() if p.name != "lock"]
    marks = {n.removesuffix(GATED) for n in names if n.endswith(GATED)}
    built = {n for n in names if publish.BUILD_NAME.match(n)}
    assert marks <= built, f"a gate mark without its build: {sorted(marks - built)}"
    return sorted(n for n in names if not n.endswith(GATED))


def temp_links(root: Path) -> list[str]:
    return [p.name for p in root.iterdir() if p.name.startswith(".site.tmp-")]


# --- (a) two builds at once ----------------------------------------------------------------------


def test_a_second_build_while_one_runs_says_so_and_the_first_publishes(tmp_path, good_site, pages):
    root = published_project(tmp_path, good_site)
    with Poller(root, pages) as poller:
        first = start_build(root)
        wait_until(lambda: holds_lock(root, first), "the first build to take the lock")
        os.kill(first.pid, signal.SIGSTOP)  # hold it mid-build, lock taken, so the second surely meets it
        second = run_build(root)
        os.kill(first.pid, signal.SIGCONT)
        first_pid, first = first.pid, finish(first)
    assert second.returncode == 75
    assert second.stdout == ""
    assert second.stderr.splitlines() == [
        f"site: BUILD003 another build is running (pid {first_pid}); fix: Wait for the other build to "
        "finish (the message gives its process id), then run `make site` again. (see GATE-CODES.md#build003)"
    ]
    published_line(first, pages)
    assert os.path.realpath(root / "site") != str(root / ".site-builds" / SEED)
    assert poller.looks > 0 and poller.faults == []
    assert site_faults(root, pages) == []


def test_two_builds_started_together_publish_one_complete_site(tmp_path, good_site, pages):
    root = published_project(tmp_path, good_site)
    with Poller(root, pages) as poller:
        one, two = start_build(root), start_build(root)
        pids = {one.pid: two.pid, two.pid: one.pid}
        results = {proc.pid: finish(proc) for proc in (one, two)}
    for pid, result in results.items():
        if result.returncode == 0:
            published_line(result, pages)
        else:  # they met: the later one stopped, naming the other
            assert result.returncode == 75, result.stdout + result.stderr
            assert f"site: BUILD003 another build is running (pid {pids[pid]})" in plain(result)
    assert 0 in {r.returncode for r in results.values()}
    assert poller.looks > 0 and poller.faults == []
    assert site_faults(root, pages) == []
    assert not [name for name in builds_left(root) if name.endswith(".staging")]
    assert len(builds_left(root)) <= 2  # the published build and the one before it


# --- (b) interrupted builds ----------------------------------------------------------------------


def built_at(build: Path) -> str:
    """How the build names a build folder's time in its messages."""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.strptime(build.name[:15], "%Y%m%d-%H%M%S"))


def test_interrupts_at_any_point_leave_a_complete_site_and_the_next_build_recovers(tmp_path, good_site, pages):
    root = published_project(tmp_path, good_site)
    site = root / "site"
    with Poller(root, pages) as poller:
        # Real signals at times spread over recovery, MkDocs and the gate, counted from when the build holds
        # the lock (the small site's build ends about 1 s after; where they land varies with the machine, the
        # outcome may not).
        for signum, delay in ((signal.SIGINT, 0.0), (signal.SIGKILL, 0.25), (signal.SIGTERM, 0.5)):
            before = Path(os.path.realpath(site))
            proc = start_build(root)
            wait_until(lambda proc=proc: holds_lock(root, proc), "the build to take the lock")
            time.sleep(delay)
            proc.send_signal(signum)
            result = finish(proc)
            plain(result)
            if result.returncode not in (0, 1):  # 0 or 1 only if the build had already finished
                assert result.returncode == (-9 if signum == signal.SIGKILL else 128 + signum)
                assert Path(os.path.realpath(site)) == before
                if signum != signal.SIGKILL:
                    name = "Ctrl-C" if signum == signal.SIGINT else "SIGTERM"
                    assert result.stderr.splitlines()[-1] == f"site: stopped by {name}; site/ has the build of {built_at(before)} ({pages} pages)"
            assert site_faults(root, pages) == []

        # Exactly between the steps of publishing.
        before = Path(os.path.realpath(site))
        renamed = stop_at(root, "renamed")  # the gated build has its final name; site not yet switched
        renamed.send_signal(signal.SIGINT)
        renamed.send_signal(signal.SIGCONT)
        result = finish(renamed)
        assert result.returncode == 130
        assert plain(result).splitlines()[-1] == f"site: stopped by Ctrl-C; site/ has the build of {built_at(before)} ({pages} pages)"
        assert Path(os.path.realpath(site)) == before

        linked = stop_at(root, "linked")  # the new link exists beside site, not yet renamed over it
        linked.send_signal(signal.SIGKILL)
        assert finish(linked).returncode == -9
        assert temp_links(root) and Path(os.path.realpath(site)) == before

        switched = stop_at(root, "switched")  # site switched, old builds not yet pruned
        switched.send_signal(signal.SIGINT)
        switched.send_signal(signal.SIGCONT)
        result = finish(switched)
    assert result.returncode == 130
    new = Path(os.path.realpath(site))
    assert new != before and new.parent == root / ".site-builds"
    assert plain(result).splitlines()[-1] == f"site: stopped by Ctrl-C; site/ has the build of {built_at(new)} ({pages} pages)"
    # That last build recovered what the others left: no temporary link, no staging folder.
    assert temp_links(root) == []
    assert not [name for name in builds_left(root) if name.endswith(".staging")]
    assert poller.looks > 0 and poller.faults == []
    assert site_faults(root, pages) == []
    # And the next build publishes and prunes what the stopped one had no time to.
    published_line(run_build(root), pages)
    assert os.path.realpath(site) != str(new)
    assert builds_left(root) == sorted([new.name, os.path.basename(os.path.realpath(site))])
    assert site_faults(root, pages) == []


@pytest.mark.parametrize("signum, name", [(signal.SIGINT, "Ctrl-C"), (signal.SIGTERM, "SIGTERM")])
def test_a_signal_while_the_build_starts_is_one_line(tmp_path, signum, name):
    root = new_project(tmp_path)
    parts = sorted(p.name for p in root.iterdir())
    proc = stop_at(root, "starting")  # its modules not yet loaded, nothing locked or written
    proc.send_signal(signum)
    proc.send_signal(signal.SIGCONT)
    result = finish(proc)
    assert result.returncode == 128 + signum
    assert (result.stdout, result.stderr) == ("", f"site: stopped by {name} before the build started; nothing was changed\n")
    assert sorted(p.name for p in root.iterdir()) == parts  # nothing made: no site, no builds folder


def test_a_site_folder_not_built_by_make_site_is_set_aside_never_published(tmp_path, good_site, pages):
    """A real site/ folder (an old build, or anything committed or copied there) was never gated by this
    build: it is moved aside whole, never adopted as a build, and site/ only ever shows a gated build."""
    root = new_project(tmp_path)
    good_config = (root / "mkdocs.yml").read_text()
    with_broken_config(root)
    shutil.copytree(good_site, root / "site")
    (root / "site" / "planted.html").write_text("<p>never gated</p><script>alert(1)</script>")
    result = run_build(root)
    output = plain(result)
    assert result.returncode == 1 and "mkdocs.yml:" in output and "GATE003" in output, output
    assert "site: set aside the folder site/ as .site-builds/unchecked-" in output, output
    assert output.splitlines()[-1] == "site: not published; there is no site/ yet"
    assert not os.path.lexists(root / "site")
    [kept] = [p for p in (root / ".site-builds").iterdir() if p.name.startswith("unchecked-")]
    assert (kept / "planted.html").is_file() and count_html(kept) == pages + 1  # nothing lost
    # The next good build publishes its own gated folder; the set-aside one stays out of site/ and of the rollbacks.
    (root / "mkdocs.yml").write_text(good_config)
    published_line(run_build(root), pages)
    assert site_faults(root, pages) == [] and not (root / "site" / "planted.html").exists()
    assert kept.is_dir() and kept.name not in os.readlink(root / "site")


def count_html(folder: Path) -> int:
    return sum(1 for _ in folder.rglob("*.html"))


# --- (c) leftovers and paths of the wrong kind --------------------------------------------------


def test_leftovers_of_every_kind_are_cleared_by_a_good_build(tmp_path, good_site, pages):
    root = published_project(tmp_path, good_site)
    builds = root / ".site-builds"
    (root / "site").unlink()
    (root / "site").write_text("not a site")  # site is a file
    (root / ".staging").write_text("a file where the old build kept a folder")
    os.symlink(".site-builds/gone", root / ".site.tmp-99999")  # a switch that never happened
    half = builds / "20250101-000000-1-abc.staging"  # an interrupted build's staging folder
    (half / "about").mkdir(parents=True)
    (half / "about" / "index.html").write_text("<p>half")
    for old in ("20250101-000000-old1", "20250102-000000-old2"):  # older builds, to be pruned
        (builds / old).mkdir()
        (builds / old / "index.html").write_text("<p>old")
    (builds / "notes.txt").write_text("not ours: kept")
    result = run_build(root)
    published_line(result, pages)
    assert "site: removed .staging, left by an earlier run" in result.stderr
    assert site_faults(root, pages) == []
    assert not os.path.lexists(root / ".staging") and temp_links(root) == []
    left = builds_left(root)
    assert "notes.txt" in left and not half.exists()
    assert left == sorted([SEED, "notes.txt", os.path.basename(os.path.realpath(root / "site"))])  # new, rollback, not ours


@pytest.mark.parametrize(
    "state, expected",
    [
        ("site is a file", "site: not published; site is a file, not a built site"),
        ("no site", "site: not published; there is no site/ yet"),
        ("site is a broken link", "site: not published; site is a broken link, so nothing is published there"),
        ("broken link, builds kept", "site: site/ was a broken link; restored the newest complete build, .site-builds/" + SEED),
        ("broken link, a build's name without the gate's mark", "site: not published; site is a broken link, so nothing is published there"),
        ("old script stopped between its renames", "site: set aside the site left in .staging/previous-site as .site-builds/unchecked-"),
    ],
)
def test_every_state_of_site_gives_plain_lines(tmp_path, good_site, pages, state, expected):
    root = with_broken_config(published_project(tmp_path, good_site))
    site, seed = root / "site", root / ".site-builds" / SEED
    site.unlink()
    if state == "site is a file":
        site.write_text("x")
    elif state in ("no site", "site is a broken link"):
        shutil.rmtree(seed)
        if state == "site is a broken link":
            os.symlink(f".site-builds/{SEED}", site)
    elif state == "broken link, builds kept":
        os.symlink(".site-builds/20990101-000000-gone", site)
    elif state == "broken link, a build's name without the gate's mark":
        (root / ".site-builds" / f"{SEED}.gated").unlink()  # a folder named like a build, which no gate passed
        os.symlink(".site-builds/20990101-000000-gone", site)
    elif state == "old script stopped between its renames":
        shutil.rmtree(seed)
        shutil.copytree(good_site, root / ".staging" / "previous-site")
        (root / ".staging" / "site").mkdir()
    result = run_build(root)
    output = plain(result)
    assert result.returncode == 1 and "GATE003 YAML does not parse" in output  # refused before any engine ran
    assert expected in output, output
    if "restored" in expected or "moved" in expected:
        assert output.splitlines()[-1].startswith("site: not published; site/ keeps the build of ")
        assert output.splitlines()[-1].endswith(f"({pages} pages)")
        assert site_faults(root, pages) == []
        assert not os.path.lexists(root / ".staging")


@pytest.mark.parametrize("kind", ["file", "broken link"])
def test_builds_folder_of_the_wrong_kind_is_one_plain_line(tmp_path, good_site, pages, kind):
    root = new_project(tmp_path)
    shutil.copytree(good_site, root / "site")
    if kind == "file":
        (root / ".site-builds").write_text("x")
    else:
        os.symlink("nowhere", root / ".site-builds")
    result = run_build(root)
    assert result.returncode == 1
    assert plain(result).splitlines() == [
        f".site-builds: BUILD002 .site-builds is a {kind}, not a folder; site/ keeps the build of "
        f"{time.strftime('%Y-%m-%d %H:%M:%S', time.localtime((root / 'site').stat().st_mtime))} ({pages} pages); "
        "fix: remove or rename .site-builds (the build keeps its versions there), then run `make site` again"
        " (see GATE-CODES.md#build002)"
    ]
    assert site_faults(root, pages) == []


# --- (d) read-only folders -------------------------------------------------------------------------


@pytest.fixture()
def unprivileged() -> list[str]:
    """A prefix that makes the build obey file permissions, as it would for an editor (root ignores them)."""
    if os.geteuid() != 0:
        return []
    if not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv: read-only folders cannot be tested")
    return DROP_ROOT_POWERS


def chmod_tree(path: Path, mode: int) -> None:
    for dirpath, _dirnames, filenames in os.walk(path):
        for name in filenames:
            os.chmod(os.path.join(dirpath, name), mode & 0o666)
        os.chmod(dirpath, mode)


def test_read_only_site_folder_is_one_plain_line_then_recovers(tmp_path, good_site, pages, unprivileged):
    root = new_project(tmp_path)
    shutil.copytree(good_site, root / "site")  # an old real site/ folder, as the build made it before
    chmod_tree(root / "site", 0o555)
    try:
        result = finish(start_build(root, prefix=unprivileged))
    finally:
        chmod_tree(root / "site", 0o755)
    assert result.returncode == 1
    line = plain(result).strip()
    assert line.startswith("site: BUILD002 could not publish: Permission denied; site/ keeps the build of ")
    assert f"({pages} pages); fix: " in line and "\n" not in line
    assert site_faults(root, pages) == [] and not (root / "site").is_symlink()
    published_line(finish(start_build(root, prefix=unprivileged)), pages)
    assert (root / "site").is_symlink() and site_faults(root, pages) == []


def test_read_only_builds_folder_is_one_plain_line(tmp_path, good_site, pages, unprivileged):
    root = published_project(tmp_path, good_site)
    (root / ".site-builds" / "lock").touch()
    os.chmod(root / ".site-builds", 0o555)
    try:
        result = finish(start_build(root, prefix=unprivileged))
    finally:
        os.chmod(root / ".site-builds", 0o755)
    assert result.returncode == 1
    assert plain(result).splitlines() == [
        f".site-builds: BUILD002 could not publish: Permission denied; site/ keeps the build of 2026-01-01 00:00:00 ({pages} pages); "
        "fix: Make the named path writable, free disk space, or remove the file in the way, then run `make site` again."
        " (see GATE-CODES.md#build002)"
    ]
    assert os.readlink(root / "site") == f".site-builds/{SEED}"


def test_switch_refused_by_a_read_only_project_folder_keeps_the_old_site(tmp_path, good_site, pages, unprivileged):
    root = published_project(tmp_path, good_site)
    proc = stop_at(root, "gated", prefix=unprivileged)  # built and gated; about to switch
    os.chmod(root, 0o555)
    try:
        os.kill(proc.pid, signal.SIGCONT)
        result = finish(proc)
    finally:
        os.chmod(root, 0o755)
    assert result.returncode == 1
    last = plain(result).splitlines()[-1]
    assert last.startswith(".: BUILD002 could not publish: Permission denied; site/ keeps the build of 2026-01-01 00:00:00")
    assert os.readlink(root / "site") == f".site-builds/{SEED}"
    assert builds_left(root) == [SEED]  # the build that could not be switched to is gone
    assert temp_links(root) == []
