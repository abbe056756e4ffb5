"""`make bench`: print build, gate and link-checker timings (numbers, not pass/fail).

Lines printed:
  real-site bare_s=… with_citations_s=… with_csp_too_s=… make_site_s=… gate_s=… citation_overhead_pct=… staging_s=…
  serve-rebuild bare_s=… all_hooks_s=…
  pages=N build_s=… gate_s=… lychee_s=… ratio=…                    (synthetic sites)
    build-steps pages=N bare_s=… with_citations_s=… citation_overhead_pct=… with_csp_too_s=… page_html_kb=…
  citations-on-one-page n=N make_site_cpu_s=… extra_cpu_s=… ms_per_citation=…   (1,000 / 2,000 / 5,000 citations)
  citations-on-one-page base_cpu_s=… ratio_per_citation_5000_vs_1000=…   (about 1 when linear)
  engines site=… pages=N engine=… bare_s=… ours_s=… ours_overhead_pct=… make_site_s=…   (medsite.tools.bench.engines)
  verify items=… requests=… total_s=… req_per_s=… rerun_requests=…
Set BENCH_SIZES=100,1000 to choose synthetic sizes, BENCH_RUNS for repeats,
BENCH_CITATIONS=1000,2000,5000 for the citation counts.
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
from medsite.tools.bench import citations_scale, engines, synth, verification

ROOT = Path(__file__).resolve().parents[4]
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
BIN = Path(sys.executable).parent


def timed(cmd, cwd, ok=(0,)) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=ENV, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode not in ok:
        raise SystemExit(f"bench: {' '.join(map(str, cmd))} failed:\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
    return elapsed


def mkdocs(config: Path, out: Path) -> list:
    return [sys.executable, "-m", "mkdocs", "build", "-q", "--config-file", str(config), "--site-dir", str(out)]


def gate_seconds(project: Path, site: Path) -> float:
    start = time.perf_counter()
    run_gate(Project(project, site))
    return time.perf_counter() - start


def real_site(runs: int, work: Path) -> None:
    project = work / "real"
    shutil.copytree(ROOT, project, ignore=shutil.ignore_patterns(".venv", "site", ".site-builds", ".staging", "node_modules", ".git", "__pycache__", "screenshots", ".cache"))
    configs = {name: synth.variant_config(project, name) for name in ("bare", "citations")}
    configs["all_hooks"] = project / "mkdocs.yml"
    times = {name: [timed(mkdocs(cfg, work / f"out-{name}"), project) for _ in range(runs)] for name, cfg in configs.items()}
    build = [sys.executable, "-m", "medsite.tools.make_site", "--root", str(project)]
    env_site = ENV
    site_s = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(build, cwd=project, env=env_site, capture_output=True)
        site_s.append(time.perf_counter() - start)
    gate_s = [gate_seconds(project, project / "site") for _ in range(runs)]
    bare, cite, full = (statistics.median(times[k]) for k in ("bare", "citations", "all_hooks"))
    s, g = statistics.median(site_s), statistics.median(gate_s)
    print(f"real-site bare_s={bare:.2f} with_citations_s={cite:.2f} with_csp_too_s={full:.2f} make_site_s={s:.2f} gate_s={g:.2f} "
          f"citation_overhead_pct={100 * (cite - bare) / bare:.0f} staging_s={max(0.0, s - g - full):.2f}")
    print(f"serve-rebuild bare_s={serve_rebuild(project, configs['bare']):.2f} "
          f"all_hooks_s={serve_rebuild(project, configs['all_hooks']):.2f}")


def serve_rebuild(project: Path, config: Path) -> float:
    """Seconds MkDocs reports for a rebuild after an edit, as an editor sees in `make serve`."""
    cmd = [sys.executable, "-m", "mkdocs", "serve", "--config-file", str(config), "--dev-addr", "127.0.0.1:0"]
    proc = subprocess.Popen(cmd, cwd=project, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()
    built = re.compile(r"Documentation built in ([\d.]+) seconds")
    times = []
    deadline = time.time() + 120
    try:
        while len(times) < 2 and time.time() < deadline:
            try:
                m = built.search(lines.get(timeout=1))
            except queue.Empty:
                continue
            if m:
                times.append(float(m.group(1)))
                if len(times) == 1:
                    time.sleep(1)  # let the file watcher start
                    page = project / "docs/about-ms/causes.md"
                    page.write_text(page.read_text() + "\n")
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    return times[-1] if len(times) > 1 else float("nan")


def synthetic(sizes: list[int], work: Path) -> None:
    lychee = shutil.which("lychee", path=str(BIN)) or shutil.which("lychee")
    for n in sizes:
        project = synth.make_site(ROOT, work / f"synth-{n}", n)
        out = project / "site"
        build_s = timed(mkdocs(project / "mkdocs.yml", out), project)
        bare_s = timed(mkdocs(synth.variant_config(project, "bare"), work / f"bare-{n}"), project)
        cite_s = timed(mkdocs(synth.variant_config(project, "citations"), work / f"bare-{n}"), project)
        gate_s = gate_seconds(project, out)
        lychee_s = timed([lychee, "--offline", "--include-fragments", "--no-progress", "--root-dir", str(out), str(out)], project, ok=(0, 2)) if lychee else float("nan")
        print(f"pages={n} build_s={build_s:.2f} gate_s={gate_s:.2f} lychee_s={lychee_s:.2f} ratio={gate_s / lychee_s:.3f}", flush=True)
        page_kb = (out / "page-00001/index.html").stat().st_size / 1024
        print(f"  build-steps pages={n} bare_s={bare_s:.2f} with_citations_s={cite_s:.2f} "
              f"citation_overhead_pct={100 * (cite_s - bare_s) / bare_s:.0f} with_csp_too_s={build_s:.2f} "
              f"page_html_kb={page_kb:.0f}", flush=True)
        shutil.rmtree(work / f"bare-{n}", ignore_errors=True)


def main() -> int:
    sizes = [int(s) for s in os.environ.get("BENCH_SIZES", "100,1000,5000").split(",") if s]
    runs = int(os.environ.get("BENCH_RUNS", "3"))
    with tempfile.TemporaryDirectory(prefix="medsite-bench-") as tmp:
        work = Path(tmp)
        real_site(runs, work)
        synthetic(sizes, work)
    engines.main()  # per engine: bare, with our steps, make site (real and synthetic sites)
    citations = [int(s) for s in os.environ.get("BENCH_CITATIONS", "1000,2000,5000").split(",") if s]
    citations_scale.run(ROOT, tuple(citations))
    verification.main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
