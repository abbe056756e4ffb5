"""`make bench`, per engine: bare build, build with our steps, and `make site`, on the real site
and on a synthetic site (BENCH_ENGINE_SIZES, default 1000 pages). Numbers, not pass/fail.

  engines site=real pages=N engine=mkdocs bare_s=… ours_s=… ours_overhead_pct=… make_site_s=… make_site_exit=…

- bare: the engine alone (no hooks, none of our Markdown extensions);
- ours: our steps inside the engine (medsite.markdown.extensions extensions; on MkDocs also the CSP hooks,
  on Zensical the CSP step after the build, medsite.output.csp_after, which `make site` runs, timed with the
  reading of the settings it needs, which `make site` shares with its other steps);
- make_site: `python -m medsite.tools.make_site --engine E` (staging, engine, CSP, Pagefind, gate, publish);
  its exit code is printed too (0 expected: synthetic pages keep to the gate's content rules).
Zensical builds with the settings `make site` gives it (Zensical.settings: site_dir, theme variant, search off).
The real site is a copy of this checkout, or of the project folder BENCH_REAL_PROJECT names
(medsite.tools.bench.synth.real_project).
One untimed build first fills the formatted-reference cache (medsite.sources.user_cache), as on an editor's
machine after the first build. Wall-clock medians of BENCH_RUNS (default 1) runs: the machine is shared, so read them as rough.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from medsite.build import engines as engine_registry
from medsite.output import csp_after
from medsite.sources.site import Site
from medsite.tools.bench import steps, synth

ROOT = Path(__file__).resolve().parents[4]
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
ZENSICAL = str(Path(sys.executable).with_name("zensical"))
ENGINES = ("mkdocs", "zensical")  # the two engines this bench times by default (ProperDocs builds as MkDocs does)


def _cpu() -> float:
    """CPU seconds (user + system) of this process and its finished children: steadier than wall time
    on a shared machine."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _run(cmd, cwd: Path, ok=(0,)) -> tuple[float, subprocess.CompletedProcess]:
    return steps.run(cmd, cwd, ENV, ok)


def engine_build(engine: str, project: Path, variant: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one build."""
    cpu = _cpu()
    wall = _engine_build(engine, project, variant)
    return wall, _cpu() - cpu


def _engine_build(engine: str, project: Path, variant: str) -> float:
    out = f".bench-{engine}-{variant}"
    if engine == "mkdocs":
        config = project / "mkdocs.yml" if variant == "all" else synth.variant_config(project, variant)
        return _run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(project / out)], project)[0]
    # Zensical, with the settings `make site` gives it (no --site-dir: a site_dir inside the project).
    zensical = engine_registry.ENGINES["zensical"]
    start = time.perf_counter()
    site = Site.load(project)[0]
    settings = zensical.settings(site, project / out)
    loaded = time.perf_counter() - start
    if variant != "all":
        return _run([ZENSICAL, "build", "--clean", "-f", str(synth.variant_config(project, variant, settings))], project)[0]
    # Zensical ignores hooks: the same extensions, then the CSP step after the build, with the Site loaded
    config = synth.variant_config(project, "citations", settings)
    seconds = _run([ZENSICAL, "build", "--clean", "-f", str(config)], project)[0]
    start = time.perf_counter()
    csp_after.protect_site(site, project / out, zensical)
    return seconds + loaded + time.perf_counter() - start


def make_site(engine: str, project: Path) -> tuple[float, subprocess.CompletedProcess]:
    return _run([sys.executable, "-m", "medsite.tools.make_site", "--root", str(project), "--engine", engine], project, ok=(0, 1))


def measure(label: str, project: Path, runs: int, engines=ENGINES, failed: list[str] | None = None) -> None:
    failed = [] if failed is None else failed
    for engine in engines:
        steps.step(f"engines-{label}-{engine}", lambda engine=engine: measure_engine(label, project, runs, engine), failed)


def measure_engine(label: str, project: Path, runs: int, engine: str) -> None:
    pages = sum(1 for _ in (project / "docs").rglob("*.md"))
    engine_build(engine, project, "all")  # warm-up: fills the formatted-reference cache, as on an editor's machine
    bare = [engine_build(engine, project, "bare") for _ in range(runs)]
    ours = [engine_build(engine, project, "all") for _ in range(runs)]
    site = [make_site(engine, project) for _ in range(runs)]
    bare_s, bare_cpu = (statistics.median(t[i] for t in bare) for i in (0, 1))
    ours_s, ours_cpu = (statistics.median(t[i] for t in ours) for i in (0, 1))
    site_s = statistics.median(s for s, _ in site)
    print(f"engines site={label} pages={pages} engine={engine} bare_s={bare_s:.2f} ours_s={ours_s:.2f} "
          f"ours_overhead_pct={100 * (ours_s - bare_s) / bare_s:.0f} bare_cpu_s={bare_cpu:.2f} ours_cpu_s={ours_cpu:.2f} "
          f"ours_overhead_cpu_pct={100 * (ours_cpu - bare_cpu) / bare_cpu:.0f} "
          f"make_site_s={site_s:.2f} make_site_exit={site[-1][1].returncode}", flush=True)
    if site[-1][1].returncode:  # the numbers are printed, but a refused build is not what an editor gets
        raise steps.StepFailed(f"make site --engine {engine} exited {site[-1][1].returncode}: {steps.why(site[-1][1])}")


def main(failed: list[str] | None = None) -> int:
    """Each site and engine a step of its own (`failed` collects the names of those that failed)."""
    failed = [] if failed is None else failed
    before = len(failed)
    runs = int(os.environ.get("BENCH_RUNS", "1"))
    sizes = [int(s) for s in os.environ.get("BENCH_ENGINE_SIZES", "1000").split(",") if s]
    engines = [e for e in os.environ.get("BENCH_ENGINES", ",".join(ENGINES)).split(",") if e]
    with tempfile.TemporaryDirectory(prefix="medsite-bench-engines-") as tmp:
        work = Path(tmp)
        real = synth.copy_project(synth.real_project(ROOT), work / "real")
        measure("real", real, runs, engines, failed)
        for n in sizes:
            measure("synthetic", synth.make_site(ROOT, work / f"synth-{n}", n), runs, engines, failed)
    return 1 if len(failed) > before else 0


if __name__ == "__main__":
    sys.exit(main())
