"""The synthetic sites of the benchmarks read like real ones to a search index, and
bench-web reports what issue 13 asks for. No site is built here: `make bench-web` does that."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml

from medsite.sources import frontmatter
from medsite.tools.bench import synth, synthtext, web

ROOT = Path(__file__).resolve().parents[1]
WORD = re.compile(r"[a-z]+")
CITE = re.compile(r"\[@([^\]]+)\]")
PAGES = 60


def _pages(project: Path) -> dict[str, tuple[dict, str]]:
    out = {}
    for path in sorted((project / "docs").glob("page-*.md")):
        front, body, _ = frontmatter.split(path.read_text(encoding="utf-8"))
        out[path.name] = (yaml.safe_load(front), body)
    return out


def test_synthetic_pages_vary_like_real_ones(tmp_path):
    pages = _pages(synth.make_site(ROOT, tmp_path / "synth", PAGES))
    assert len(pages) == PAGES
    lengths = sorted(len(body.split()) for _, body in pages.values())
    real = synthtext.read_corpus(ROOT / "docs").page_lengths
    # As long as real content pages: a page ends with the section that passes its drawn length, so without that
    # last section no page is longer than the longest real one.
    # (the support section, which every condition page has, comes after it: PART001)
    before_last = sorted(len(body.rpartition("\n## Support")[0].rpartition("\n## ")[0].split()) for _, body in pages.values())
    # A page is drawn up to 1.1 times a real length, and its count leaves out markup words (list marks, the
    # key-messages line, the figure): hence 1.15.
    assert lengths[0] >= 0.9 * real[0] and before_last[-1] <= 1.15 * real[-1], (lengths, before_last, real)
    assert lengths[-1] - lengths[0] > 300, "page lengths vary"
    titles = [front["title"] for front, _ in pages.values()]
    assert len(set(titles)) > 0.9 * PAGES, titles
    assert all(body.count("\n## ") >= synth.SECTIONS_MIN and "\n- " in body for _, body in pages.values())

    # Zipf-like: a few words on every page, most words on a few.
    on_pages = Counter()
    for _, body in pages.values():
        on_pages.update(set(WORD.findall(body.lower())))
    assert len(on_pages) > 2000, len(on_pages)  # of a vocabulary of about 9,000
    everywhere = sum(1 for n in on_pages.values() if n == PAGES)
    few = sum(1 for n in on_pages.values() if n <= 3)
    assert 0 < everywhere < 0.05 * len(on_pages), everywhere
    assert few > 0.4 * len(on_pages), few


def test_synthetic_pages_cite_their_sources_and_are_the_same_every_time(tmp_path):
    first = _pages(synth.make_site(ROOT, tmp_path / "a", 20))
    assert first == _pages(synth.make_site(ROOT, tmp_path / "b", 20)), "same seed, same site"
    for name, (front, body) in first.items():
        cited = {k.strip().lstrip("@") for group in CITE.findall(body) for k in group.split(";")}
        assert cited and cited <= set(front["sources"]), name


@pytest.mark.slow  # builds a site with MkDocs
def test_a_synthetic_site_passes_the_gate(tmp_path):
    """Benchmarks build, index and check a site like the real one, so the gate must not refuse it."""
    site = web.synthetic_site(30, tmp_path)
    proc = subprocess.run([sys.executable, "-m", "medsite.gate", "--site-dir", "site", "--format", "json"],
                          cwd=site.parent, capture_output=True, text=True)
    errors = [d for d in json.loads(proc.stdout) if d["severity"] == "error"]
    assert proc.returncode == 0 and errors == [], errors[:5]


def _html(body: str) -> str:
    return f"<html><body><div data-pagefind-body>{body}</div><aside class='health-footer'></aside></body></html>"


def test_reader_queries_are_words_of_titles_and_headings(tmp_path):
    for name, title, heading in (("a", "Fatigue and sleep", "Coping with tiredness"),
                                 ("b", "Vision changes", "Optic neuritis")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "index.html").write_text(_html(
            f"<h1>{title}</h1><p>Body words stay out of queries.</p><h2>{heading}<a class='headerlink'>¶</a></h2>"))
    queries = web.reader_queries(tmp_path, 6)
    allowed = {"fatigue", "sleep", "coping", "tiredness", "vision", "changes", "optic", "neuritis"}
    assert queries and set(queries) <= allowed, queries
    assert len(set(queries)) == len(queries)
    assert queries == web.reader_queries(tmp_path, 6), "seeded: the same words every run"


def _result(pages: int, kb: float, times: list[float]) -> dict:
    return {"site": f"synth-{pages}", "pages": pages, "page": "/p/", "first_load_bytes": kb * 1024,
            "first_load_parts": [("http://x/p/", kb * 1024)], "search_bundle_bytes": 1 << 20,
            "first_query_bytes": 100 * 1024, "first_query_requests": 9, "keystroke_ms": times,
            "last_key_ms": times[-2:], "results_per_query": {"sleep": 3, "people": 900}, "load_average": 1.0}


def test_bench_web_prints_a_row_and_machine_lines_per_size_and_the_first_load_spread(capsys):
    web.print_sizes([_result(20, 60.0, [10, 20, 30]), _result(1000, 61.0, list(range(1, 11))),
                           _result(5000, 66.0, [5.0] * 9 + [500.0])])
    out = capsys.readouterr().out
    assert "first_load pages=20 kb=60.0" in out and "first_load pages=5000 kb=66.0" in out
    assert "key_results pages=1000 median_ms=6 p90_ms=9 samples=10" in out
    assert "key_results pages=5000 median_ms=5 p90_ms=5 samples=10" in out
    assert "spread 10.0% (NOT equal within 5%" in out
    rows = [line for line in out.splitlines() if line.startswith("synth-")]
    assert len(rows) == 3 and "452 (3-900)" in rows[0]  # results per query: median (fewest-most)


def test_percentile_and_spread():
    assert web.percentile(list(range(1, 11)), 0.9) == 9
    assert web.percentile([], 0.9) is None
    assert web.spread([100, 105]) == 5.0
