"""How `make site` grows with the number of citations on one page.

A copy of the real project (or of the one BENCH_REAL_PROJECT names: see
medsite.tools.bench.synth.real_project) gets one page with N extra citations (in
short paragraphs under headings, cycling through the works that page already
cites, some with locators). Linear processing shows as a flat time per citation: the
ratio printed at the end is (time per citation at the largest N) / (time per
citation at the smallest N), about 1 when linear, about 5 when quadratic for
1,000 vs 5,000.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

from medsite.sources import frontmatter
from medsite.tools.bench.steps import StepFailed, why
from medsite.tools.bench.synth import copy_project, page_to_edit, real_project


def _letters(k: int) -> str:
    return "".join(chr(ord("a") + int(d)) for d in str(k))


def add_citations(project: Path, n: int) -> None:
    page = page_to_edit(project)
    text = page.read_text(encoding="utf-8")
    keys = [str(key) for key in yaml.safe_load(frontmatter.split(text)[0])["sources"]]
    parts = []
    for i in range(n):
        # No digits in the text: the gate's number-needs-a-citation rule stays quiet.
        if i % 100 == 0:
            parts.append(f"\n## Part {_letters(i // 100)}\n")
        locator = ", suppl" if i % 7 == 0 else ""
        parts.append(f"A sentence about the topic [@{keys[i % len(keys)]}{locator}].\n")
    page.write_text(text.rstrip("\n") + "\n" + "\n".join(parts), encoding="utf-8")


def build_seconds(project: Path) -> float:
    """CPU seconds (user + system) of one `make site` run: steadier than wall time on a shared machine."""
    env = {**os.environ, "PYTHONPATH": str(project / "scripts"), "NO_MKDOCS_2_WARNING": "1"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run([sys.executable, "-m", "medsite.tools.make_site", "--root", str(project)],
                          cwd=project, env=env, capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise StepFailed(f"make site with many citations exited {proc.returncode}: {why(proc)}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def run(root: Path, counts=(1000, 2000, 5000)) -> None:
    tries = int(os.environ.get("BENCH_RUNS", "2"))  # the better of two by default: the machine is shared
    with tempfile.TemporaryDirectory(prefix="medsite-bench-cites-") as tmp:
        base_project = copy_project(root, Path(tmp) / "base")
        base = min(build_seconds(base_project) for _ in range(tries))
        per = {}
        for n in counts:
            project = copy_project(root, Path(tmp) / f"n{n}")
            add_citations(project, n)
            total = min(build_seconds(project) for _ in range(tries))
            per[n] = max(total - base, 1e-6) / n
            print(f"citations-on-one-page n={n} make_site_cpu_s={total:.2f} extra_cpu_s={total - base:.2f} "
                  f"ms_per_citation={1000 * per[n]:.3f}", flush=True)
        lo, hi = min(counts), max(counts)
        print(f"citations-on-one-page base_cpu_s={base:.2f} ratio_per_citation_{hi}_vs_{lo}={per[hi] / per[lo]:.2f} "
              f"(1 = linear, {hi / lo:.0f} = quadratic)", flush=True)


if __name__ == "__main__":
    run(real_project(Path(__file__).resolve().parents[4]),
        tuple(int(s) for s in os.environ.get("BENCH_CITATIONS", "1000,2000,5000").split(",") if s))
