"""`make bench` runs every step and prints every row, at its smallest sizes (timings are not asserted:
the machine is shared); a step whose build fails prints one line and the steps after it still run.

The rows of the real site run on the smallest synthetic project (BENCH_REAL_PROJECT): the same code on a
small but complete site, without the minute that timing the real site's builds would take."""

from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from medsite.tools.bench import citations_scale, steps, synth

pytestmark = pytest.mark.slow  # builds sites with MkDocs and Zensical: left out of `make test-fast`

ROOT = Path(__file__).resolve().parents[1]
SMALLEST = {"BENCH_SIZES": "1", "BENCH_RUNS": "1", "BENCH_ENGINE_SIZES": "1", "BENCH_CITATIONS": "10",
            "BENCH_VERIFY_ITEMS": "10"}
# One line each, in this order (the module's docstring lists them).
ROWS = [
    r"real-site bare_s=",
    r"serve-rebuild bare_s=",
    r"pages=1 build_s=",
    r"  build-steps pages=1 bare_s=",
    r"engines site=real pages=\d+ engine=mkdocs ",
    r"engines site=real pages=\d+ engine=zensical ",
    r"engines site=synthetic pages=\d+ engine=mkdocs ",
    r"engines site=synthetic pages=\d+ engine=zensical ",
    r"citations-on-one-page n=10 make_site_cpu_s=",
    r"citations-on-one-page base_cpu_s=",
    r"verify items=10 ",
]
FIELD = re.compile(r"(\w+)=(\S+)")


def test_bench_at_its_smallest_sizes_prints_every_row_with_numbers(tmp_path):
    small = synth.make_site(ROOT, tmp_path / "small", 1)  # one page, the stubs the templates link to, the real theme
    env = {**os.environ, **SMALLEST, "BENCH_REAL_PROJECT": str(small), "PYTHONPATH": str(ROOT / "scripts")}
    result = subprocess.run([sys.executable, "-m", "medsite.tools.bench"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=600)
    out = result.stdout
    assert result.returncode == 0 and "bench-failed" not in out, out + result.stderr[-3000:]
    lines = out.splitlines()
    found = [next((i for i, line in enumerate(lines) if re.match(row, line)), None) for row in ROWS]
    assert None not in found, "\n".join(f"missing: {row}" for row, i in zip(ROWS, found, strict=True) if i is None) + "\n" + out
    assert found == sorted(found), out
    for i in found:
        fields = dict(FIELD.findall(lines[i]))
        assert fields, lines[i]
        for key, value in fields.items():
            if key not in ("site", "engine"):
                assert math.isfinite(float(value)), (key, lines[i])


def test_a_failed_build_is_one_line_and_the_next_step_still_runs(tmp_path, capsys):
    # What stopped `make bench` before: a project without the clinic's offer file (OFFER002); the smallest
    # synthetic one reads that file as the real one does.
    root = synth.make_site(ROOT, tmp_path / "project", 1)
    shutil.rmtree(root / "data")
    failed: list[str] = []
    steps.step("citations-on-one-page", lambda: citations_scale.run(root, (10,)), failed)
    steps.step("next", lambda: print("next step ran"), failed)
    lines = capsys.readouterr().out.splitlines()
    assert failed == ["citations-on-one-page"], lines
    assert len(lines) == 2 and lines[1] == "next step ran", lines
    assert lines[0].startswith("bench-failed step=citations-on-one-page: make site with many citations exited 1: "), lines
    assert "OFFER002" in lines[0], lines


def test_the_copy_of_the_project_has_what_a_checkout_has(tmp_path):
    copy = synth.copy_project(ROOT, tmp_path / "project")
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split("\n")
    missing = [path for path in tracked if path and (ROOT / path).exists() and not (copy / path).exists()]
    assert not missing, missing
    assert not (copy / ".venv").exists() and not (copy / ".git").exists()


def test_a_folder_that_is_not_a_project_is_named_without_a_traceback(tmp_path):
    env = {**os.environ, "BENCH_REAL_PROJECT": str(tmp_path), "PYTHONPATH": str(ROOT / "scripts")}
    result = subprocess.run([sys.executable, "-m", "medsite.tools.bench"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 1 and result.stdout == "", result.stdout
    assert f"BENCH_REAL_PROJECT={tmp_path}: no mkdocs.yml and docs/ there; fix:" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
