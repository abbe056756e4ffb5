"""The CSP step keeps each page's verdict for the next build (medsite.output.csp_verdicts): a page that is the
same but for the build's secret is not parsed again, and nothing else is taken from the cache.

Each test has a cache folder of its own (MEDSITE_CACHE). Whether a verdict came from the cache is seen by
planting a wrong one where the cache would find it: it is returned only when the cache is meant to be used.
"""

from __future__ import annotations

import json

import pytest

from medsite.output import csp, csp_verdicts, template_marks
from medsite.sources import user_cache

OLD, NEW = "1" * 32, "2" * 32  # two builds' secrets
SCRIPT = "window.shipped = 1"


def page(secret: str, body: str = "<p>Text</p>") -> str:
    return (f'<!doctype html><html><head><meta charset="utf-8"><script {template_marks.ATTR}="{secret}">{SCRIPT}'
            f"</script></head><body>{body}</body></html>")


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv(user_cache.CACHE_ENV, str(folder))
    return folder


def build(pages: list[tuple[str, str]], scope: str = "marks") -> list:
    """One build's verdicts of (html, secret) pages, saved as the CSP step saves them."""
    verdicts = csp_verdicts.Verdicts(scope, "project")
    found = [verdicts.sort_out(html, secret) for html, secret in pages]
    verdicts.save()
    return found


def plant(scope: str, digest: str, scripts: list[str]) -> None:
    """A verdict no parse would give, kept where the cache finds the page `digest`."""
    verdicts = csp_verdicts.Verdicts(scope, "project")
    user_cache.save(verdicts._name, verdicts._key, {digest: [scripts, [], []]})


def test_a_page_the_same_but_for_the_secret_has_the_last_builds_verdict(cache):
    first = build([(page(OLD), OLD)])
    assert first == [csp.sort_out(page(OLD), OLD)] and first[0][0].scripts == (csp.sha256_source(SCRIPT),)
    assert csp_verdicts.page_digest(page(OLD), OLD) == csp_verdicts.page_digest(page(NEW), NEW)
    plant("marks", csp_verdicts.page_digest(page(NEW), NEW), ["'sha256-planted'"])
    assert build([(page(NEW), NEW)])[0][0].scripts == ("'sha256-planted'",)  # taken from the cache


def test_the_last_builds_secret_in_a_page_is_no_mark(cache):
    """A page that carries the last build's secret (copied from a published page) is not the page that build
    marked: its digest differs, so the script is judged again, and it is a stray."""
    build([(page(OLD), OLD)])
    plant("marks", csp_verdicts.page_digest(page(OLD), OLD), ["'sha256-planted'"])
    inline, strays = build([(page(OLD), NEW)])[0]
    assert inline.scripts == () and [s.kind for s in strays] == ["script"]


def test_a_page_with_the_secret_taken_out_is_not_the_marked_page(cache):
    """The page cut at the secret is not the page with the secret removed: a script whose mark is empty would
    otherwise have the digest of the marked page, and be allowed."""
    plant("marks", csp_verdicts.page_digest(page(OLD), OLD), ["'sha256-planted'"])
    inline, strays = build([(page(""), NEW)])[0]
    assert inline.scripts == () and [s.kind for s in strays] == ["script"]


def test_a_changed_page_or_another_scope_is_judged_again(cache):
    plant("marks", csp_verdicts.page_digest(page(NEW), NEW), ["'sha256-planted'"])
    changed = build([(page(NEW, "<p>Other</p>"), NEW)])[0]
    assert changed[0].scripts == (csp.sha256_source(SCRIPT),)
    plant("marks", csp_verdicts.page_digest(page(NEW), NEW), ["'sha256-planted'"])
    assert build([(page(NEW), NEW)], scope="templates: other")[0][0].scripts == (csp.sha256_source(SCRIPT),)


@pytest.mark.parametrize("stored", ["not json", json.dumps({"key": "x", "value": []}), "[1, 2]"])
def test_a_damaged_cache_file_costs_only_a_parse(cache, stored):
    verdicts = csp_verdicts.Verdicts("marks", "project")
    cache.mkdir(mode=0o700, exist_ok=True)
    (cache / verdicts._name).write_text(stored)
    assert build([(page(NEW), NEW)]) == [csp.sort_out(page(NEW), NEW)]


@pytest.mark.parametrize("value", [["a list"], "a string", 7])
def test_verdicts_that_are_not_a_mapping_cost_only_a_parse(cache, value):
    """Kept under the right key (so the cache hands them over), but not the mapping of digests a build saves."""
    verdicts = csp_verdicts.Verdicts("marks", "project")
    user_cache.save(verdicts._name, verdicts._key, value)
    assert build([(page(NEW), NEW)]) == [csp.sort_out(page(NEW), NEW)]


@pytest.mark.parametrize("entry", [["x"], [[1], [], []], [[], [], [["script", "s", [2]]]], [[], [], ["bad"]]])
def test_a_verdict_of_the_wrong_shape_is_worked_out_again(cache, entry):
    verdicts = csp_verdicts.Verdicts("marks", "project")
    user_cache.save(verdicts._name, verdicts._key, {csp_verdicts.page_digest(page(NEW), NEW): entry})
    assert build([(page(NEW), NEW)]) == [csp.sort_out(page(NEW), NEW)]


def test_the_cache_keeps_only_the_last_builds_pages(cache):
    build([(page(OLD, f"<p>{n}</p>"), OLD) for n in range(5)])
    build([(page(NEW, "<p>0</p>"), NEW)])
    name = csp_verdicts.Verdicts("marks", "project")._name
    kept = json.loads((cache / name).read_text())["value"]
    assert list(kept) == [csp_verdicts.page_digest(page(NEW, "<p>0</p>"), NEW)]


def test_no_verdict_is_kept_where_another_user_could_write(cache):
    cache.mkdir(mode=0o700)
    cache.chmod(0o777)
    assert build([(page(NEW), NEW)]) == [csp.sort_out(page(NEW), NEW)]
    assert list(cache.iterdir()) == []


def test_no_verdict_is_taken_from_where_another_user_could_write(cache):
    """A verdict planted in the folder, which another user can write to: never used."""
    plant("marks", csp_verdicts.page_digest(page(NEW), NEW), ["'sha256-planted'"])
    assert build([(page(NEW), NEW)])[0][0].scripts == ("'sha256-planted'",)  # the plant works while the folder is ours
    cache.chmod(0o777)
    assert build([(page(NEW), NEW)]) == [csp.sort_out(page(NEW), NEW)]
