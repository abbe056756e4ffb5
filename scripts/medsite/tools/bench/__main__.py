"""`make bench`: print build, gate and link-checker timings (numbers, not pass/fail).

Lines printed:
  real-site bare_s=… with_citations_s=… with_csp_too_s=… make_site_s=… gate_s=… citation_overhead_pct=… staging_s=…
  serve-rebuild bare_s=… all_hooks_s=…
  pages=N build_s=… gate_s=… lychee_s=… ratio=…                    (synthetic sites)
    build-steps pages=N bare_s=… with_citations_s=… citation_overhead_pct=… with_csp_too_s=… page_html_kb=…
  citations-on-one-page n=N make_site_cpu_s=… extra_cpu_s=… ms_per_citation=…   (1,000 / 2,000 / 5,000 citations)
  citations-on-one-page base_cpu_s=… ratio_per_citation_5000_vs_1000=…   (about 1 when linear)
  engines site=… pages=N engine=… bare_s=… ours_s=… ours_overhead_pct=… bare_cpu_s=… ours_cpu_s=…
          ours_overhead_cpu_pct=… make_site_s=… make_site_exit=…   (medsite.tools.bench.engines)
  verify items=… requests=… total_s=… req_per_s=… rerun_requests=…
  bench-failed step=NAME: why                                             (a step whose build failed; the rest still run)
Set BENCH_SIZES=100,1000 to choose synthetic sizes, BENCH_RUNS for repeats,
BENCH_CITATIONS=1000,2000,5000 for the citation counts, BENCH_ENGINE_SIZES and BENCH_ENGINES for
medsite.tools.bench.engines, BENCH_VERIFY_ITEMS=300 for the verification run.
BENCH_REAL_PROJECT=/path/to/project runs the rows of the real site (real-site, serve-rebuild, engines site=real,
citations-on-one-page) on a copy of that project folder instead of this checkout: the same code on another
site. tests/test_bench.py names the smallest synthetic project (medsite.tools.bench.synth.make_site) and the
smallest sizes, so every step runs in well under a minute. Exit status 1 if any step failed.
"""

from __future__ import annotations

import os
import queue
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from medsite.gate.project import Project
from medsite.gate.run import run as run_gate
from medsite.tools.bench import citations_scale, engines, steps, synth, verification

ROOT = Path(__file__).resolve().parents[4]
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
BIN = Path(sys.executable).parent


def timed(cmd, cwd, ok=(0,)) -> float:
    return steps.run(cmd, cwd, ENV, ok)[0]


def mkdocs(config: Path, out: Path) -> list:
    return [sys.executable, "-m", "mkdocs", "build", "-q", "--config-file", str(config), "--site-dir", str(out)]


def gate_seconds(project: Path, site: Path) -> float:
    start = time.perf_counter()
    run_gate(Project(project, site))
    return time.perf_counter() - start


def real_site(project: Path, configs: dict[str, Path], runs: int, work: Path) -> None:
    times = {name: [timed(mkdocs(cfg, work / f"out-{name}"), project) for _ in range(runs)] for name, cfg in configs.items()}
    build = [sys.executable, "-m", "medsite.tools.make_site", "--root", str(project)]
    site_s = [steps.run(build, project, ENV, what="make site")[0] for _ in range(runs)]
    gate_s = [gate_seconds(project, project / "site") for _ in range(runs)]
    bare, cite, full = (statistics.median(times[k]) for k in ("bare", "citations", "all_hooks"))
    s, g = statistics.median(site_s), statistics.median(gate_s)
    print(f"real-site bare_s={bare:.2f} with_citations_s={cite:.2f} with_csp_too_s={full:.2f} make_site_s={s:.2f} gate_s={g:.2f} "
          f"citation_overhead_pct={100 * (cite - bare) / bare:.0f} staging_s={max(0.0, s - g - full):.2f}", flush=True)


def serve_rebuilds(project: Path, configs: dict[str, Path]) -> None:
    print(f"serve-rebuild bare_s={serve_rebuild(project, configs['bare']):.2f} "
          f"all_hooks_s={serve_rebuild(project, configs['all_hooks']):.2f}", flush=True)


def serve_rebuild(project: Path, config: Path) -> float:
    """Seconds MkDocs reports for a rebuild after an edit, as an editor sees in `make serve`."""
    cmd = [sys.executable, "-m", "mkdocs", "serve", "--config-file", str(config), "--dev-addr", "127.0.0.1:0"]
    proc = subprocess.Popen(cmd, cwd=project, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()
    built = re.compile(r"Documentation built in ([\d.]+) seconds")
    times = []
    deadline = time.time() + 120
    edited = None  # when the page was last edited, once the watcher is ready

    def edit() -> float:
        page = synth.page_to_edit(project)
        page.write_text(page.read_text() + "\n")
        return time.time()

    try:
        while len(times) < 2 and time.time() < deadline:
            try:
                line = lines.get(timeout=1)
            except queue.Empty:
                if edited is not None and time.time() - edited > 15:
                    # On a busy machine the watcher has been seen to miss an edit made just after it started:
                    # edit again (what is timed is MkDocs' own report of the rebuild, not this wait).
                    edited = edit()
                continue
            if m := built.search(line):
                times.append(float(m.group(1)))
            elif "Watching paths for changes" in line and len(times) == 1:
                # MkDocs logs this once its file watcher has taken its first look at the files: an edit
                # before then would go unseen (a fixed second was not always enough on a busy machine).
                edited = edit()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    if len(times) < 2:
        raise steps.StepFailed(f"mkdocs serve reported {len(times)} of 2 builds within 120 s (exit {proc.returncode})")
    return times[-1]


def synthetic(n: int, work: Path) -> None:
    lychee = shutil.which("lychee", path=str(BIN)) or shutil.which("lychee")
    project = synth.make_site(ROOT, work / f"synth-{n}", n)
    out = project / "site"
    build_s = timed(mkdocs(project / "mkdocs.yml", out), project)
    bare_s = timed(mkdocs(synth.variant_config(project, "bare"), work / f"bare-{n}"), project)
    cite_s = timed(mkdocs(synth.variant_config(project, "citations"), work / f"bare-{n}"), project)
    gate_s = gate_seconds(project, out)
    lychee_s = timed([lychee, "--offline", "--include-fragments", "--no-progress", "--root-dir", str(out), str(out)], project, ok=(0, 2)) if lychee else float("nan")
    print(f"pages={n} build_s={build_s:.2f} gate_s={gate_s:.2f} lychee_s={lychee_s:.2f} ratio={gate_s / lychee_s:.3f}", flush=True)
    page_kb = (out / f"page-{min(1, n - 1):05d}/index.html").stat().st_size / 1024
    print(f"  build-steps pages={n} bare_s={bare_s:.2f} with_citations_s={cite_s:.2f} "
          f"citation_overhead_pct={100 * (cite_s - bare_s) / bare_s:.0f} with_csp_too_s={build_s:.2f} "
          f"page_html_kb={page_kb:.0f}", flush=True)
    shutil.rmtree(work / f"bare-{n}", ignore_errors=True)


def _numbers(name: str, default: str) -> list[int]:
    return [int(s) for s in os.environ.get(name, default).split(",") if s.strip()]


def verify() -> None:
    if verification.main(["--n", str(_numbers("BENCH_VERIFY_ITEMS", "300")[0])]) != 0:
        raise steps.StepFailed("verification did not confirm every item, or the rerun sent requests")


def main() -> int:
    sizes = _numbers("BENCH_SIZES", "100,1000,5000")
    runs = int(os.environ.get("BENCH_RUNS", "3"))
    real = synth.real_project(ROOT)
    failed: list[str] = []
    with tempfile.TemporaryDirectory(prefix="medsite-bench-") as tmp:
        work = Path(tmp)
        project = synth.copy_project(real, work / "real")
        configs = {name: synth.variant_config(project, name) for name in ("bare", "citations")}
        configs["all_hooks"] = project / "mkdocs.yml"
        steps.step("real-site", lambda: real_site(project, configs, runs, work), failed)
        steps.step("serve-rebuild", lambda: serve_rebuilds(project, configs), failed)
        for n in sizes:
            steps.step(f"synthetic-{n}", lambda n=n: synthetic(n, work), failed)
    engines.main(failed)  # per engine: bare, with our steps, make site (real and synthetic sites)
    citations = tuple(_numbers("BENCH_CITATIONS", "1000,2000,5000"))
    steps.step("citations-on-one-page", lambda: citations_scale.run(real, citations), failed)
    steps.step("verify", verify, failed)
    if failed:
        print(f"bench: {len(failed)} step(s) failed: {', '.join(failed)}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
