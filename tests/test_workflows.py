"""The GitHub workflows, the pre-commit hooks and the editors' documents, checked with the real tools.

- every workflow matches GitHub's workflow schema and expands no `${{ }}` in a script
  (`python -m medsite.tools.workflowcheck`, with check-jsonschema from requirements.txt);
- every `make <target>` that a workflow or an editors' document names is a rule
  that make itself knows and can plan (`make -n`);
- publishing has minimal permissions, one concurrency group, and deploys only
  after the gate passed; the weekly job has a schedule and reports what it finds;
- a simulated pull-request run: the workflow's own gate step, run on a copy of
  the project with one broken rule, prints a GitHub annotation with file and line.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
import yaml

from conftest import PINNED_TODAY, small_project
from medsite.tools.workflowcheck import main as workflowcheck_main

REPO = Path(__file__).resolve().parents[1]
WORKFLOWS = REPO / ".github" / "workflows"
BROKEN_WORKFLOW = REPO / "tests" / "fixtures" / "workflows" / "broken.yml"
EDITOR_DOCS = ["CONTRIBUTING.md", ".github/PULL_REQUEST_TEMPLATE.md"]
PINNED = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$")
# `make` where a command starts: a line (or shell prompt), after a shell operator, or in a `code span`.
MAKE_CALL = re.compile(r"(?:^|[`;&|(])[ \t]*(?:\$[ \t]+)?make[ \t]+(?P<args>[^`\n;&|<>()#]*)", re.M)
TARGET = re.compile(r"[a-z][a-z0-9-]*")


def make_env(**extra: str) -> dict[str, str]:
    """The environment for a make of our own, without the flags of a `make test` that may be running us."""
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")}
    return {**env, **extra}


# --- reading the workflows ---------------------------------------------------------


def workflow_files() -> list[Path]:
    return sorted(p for p in WORKFLOWS.glob("*.y*ml"))


@cache
def load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def triggers(workflow: dict) -> dict:
    on = workflow["on"]
    return {name: {} for name in on} if isinstance(on, list) else ({on: {}} if isinstance(on, str) else on)


def steps(job: dict) -> list[dict]:
    return job.get("steps") or []


def uses(step: dict) -> str:
    return str(step.get("uses", "")).split("@")[0]


def jobs_using(workflow: dict, action: str) -> dict[str, dict]:
    return {name: job for name, job in workflow["jobs"].items() if any(uses(s) == action for s in steps(job))}


def run_scripts(workflow: dict) -> list[str]:
    return [str(s["run"]) for job in workflow["jobs"].values() for s in steps(job) if "run" in s]


def the_workflow(trigger: str) -> tuple[Path, dict]:
    found = [(p, load(p)) for p in workflow_files() if trigger in triggers(load(p))]
    assert len(found) == 1, f"expected one workflow on {trigger}, found {[p.name for p, _ in found]}"
    return found[0]


def publish_workflow() -> dict:
    return the_workflow("push")[1]


# --- make ---------------------------------------------------------------------------


def make_targets(text: str) -> set[str]:
    """The targets of every `make ...` command in a script or a Markdown document."""
    targets = set()
    for match in MAKE_CALL.finditer(text):
        try:
            words = shlex.split(match["args"])
        except ValueError:
            words = match["args"].split()
        targets.update(w for w in words if not w.startswith("-") and "=" not in w and TARGET.fullmatch(w))
    return targets


@cache
def makefile_rules() -> frozenset[str]:
    """The targets make itself has rules for: its database, without running anything."""
    result = subprocess.run(["make", "-pRrq", "-f", "Makefile"], cwd=REPO, env=make_env(), capture_output=True,
                            text=True, timeout=60)
    rules, previous = set(), ""
    for line in result.stdout.splitlines():
        match = re.match(r"^([A-Za-z0-9_.-]+):(?!=)", line)
        if match and not previous.startswith("# Not a target"):
            rules.add(match[1])
        previous = line
    assert {"help", "site", "test"} <= rules, "could not read make's database"
    return frozenset(rules)


def assert_make_knows(target: str) -> None:
    assert target in makefile_rules(), f"the Makefile has no rule '{target}'"
    dry = subprocess.run(["make", "-n", target], cwd=REPO, env=make_env(), capture_output=True, text=True, timeout=120)
    assert "No rule to make target" not in dry.stderr, dry.stderr
    assert dry.returncode == 0, dry.stdout + dry.stderr


WORKFLOW_TARGETS = sorted(set().union(*(make_targets(s) for p in workflow_files() for s in run_scripts(load(p)))))


# --- workflow check (schema + script injection) ------------------------------------------


def workflowcheck(*paths: Path) -> subprocess.CompletedProcess:
    """`python -m medsite.tools.workflowcheck PATH...`, its entry point called in this process (no start-up to wait
    for; test_pre_commit_hook_commands_run runs it as the command the hook runs)."""
    args = [str(path) for path in paths]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        returncode = workflowcheck_main(args)
    return subprocess.CompletedProcess(args, returncode, out.getvalue(), err.getvalue())


def test_the_three_workflows_exist():
    assert {"pull_request", "push", "schedule"} <= set().union(*(triggers(load(p)) for p in workflow_files()))


@pytest.mark.parametrize("path", workflow_files(), ids=lambda p: p.name)
def test_workflow_check_is_clean(path):
    result = workflowcheck(path)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


def test_workflow_check_reports_each_fault_at_its_line():
    result = workflowcheck(BROKEN_WORKFLOW)
    lines = BROKEN_WORKFLOW.read_text(encoding="utf-8").splitlines()
    at = {needle: next(i for i, line in enumerate(lines, 1) if needle in line)
          for needle in ("pull_request.title", "shell: [bash]", "  report:")}
    name = BROKEN_WORKFLOW.as_posix()
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout.splitlines() == [
        f"{name}:{at['pull_request.title']}: WF002 `run:` expands an expression: "
        "echo '${{ github.event.pull_request.title }}'; fix: set it as an environment variable in the step's `env:` "
        'and use "$NAME" in the script (see GATE-CODES.md#wf002)',
        f"{name}:{at['shell: [bash]']}: WF001 jobs.gate.steps[2].shell: ['bash'] is not of type 'string'; "
        "fix: correct the key or value (GitHub's workflow syntax reference lists them) (see GATE-CODES.md#wf001)",
        f"{name}:{at['  report:']}: WF001 jobs.report: 'runs-on' is a required property; "
        "fix: correct the key or value (GitHub's workflow syntax reference lists them) (see GATE-CODES.md#wf001)",
    ], result.stdout


def test_workflow_check_near_miss_passes(tmp_path):
    # The same workflow, fixed: the title goes through env:, shell is a string, the job has runs-on and steps.
    text = BROKEN_WORKFLOW.read_text(encoding="utf-8")
    fixed = (text.replace("          echo '${{ github.event.pull_request.title }}'", '          echo "$TITLE"')
             .replace("        run: |", "        env:\n          TITLE: ${{ github.event.pull_request.title }}\n        run: |")
             .replace("shell: [bash]", "shell: bash")
             .replace("    step:", "    runs-on: ubuntu-24.04\n    steps:"))
    good = tmp_path / "fixed.yml"
    good.write_text(fixed, encoding="utf-8")
    result = workflowcheck(good)
    assert result.returncode == 0 and result.stdout == "", result.stdout + result.stderr


def test_workflow_check_reports_a_file_that_is_not_yaml(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("on: [push\njobs: {}\n", encoding="utf-8")
    result = workflowcheck(bad)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stdout.startswith(f"{bad.as_posix()}:2: WF003 not readable as YAML"), result.stdout


# --- dependabot.yml (Dependabot's schema) ------------------------------------------------------------

DEPENDABOT = REPO / ".github" / "dependabot.yml"


def test_dependabot_updates_pip_npm_and_the_actions():
    config = yaml.safe_load(DEPENDABOT.read_text(encoding="utf-8"))
    dirs = {}
    for update in config["updates"]:
        dirs.setdefault(update["package-ecosystem"], set()).update(update.get("directories") or [update["directory"]])
    assert dirs == {"github-actions": {"/"}, "pip": {"/"}, "npm": {"/", "/bench/lighthouse"}}, dirs
    for ecosystem, folders in dirs.items():  # each folder has what that ecosystem reads
        wanted = {"pip": "requirements.in", "npm": "package.json", "github-actions": ".github/workflows"}[ecosystem]
        assert all((REPO / folder.strip("/") / wanted).exists() for folder in folders), (ecosystem, folders)


def test_dependabot_check_is_clean_and_in_make_lint():
    result = workflowcheck(DEPENDABOT)
    assert result.returncode == 0 and result.stdout == "", result.stdout + result.stderr
    dry = subprocess.run(["make", "-n", "lint"], cwd=REPO, env=make_env(), capture_output=True, text=True, timeout=120)
    assert re.search(r"medsite\.tools\.workflowcheck .*\.github/dependabot\.yml", dry.stdout), dry.stdout


def test_dependabot_check_reports_each_fault_at_its_line(tmp_path):
    bad = tmp_path / ".github" / "dependabot.yml"
    bad.parent.mkdir()
    text = (DEPENDABOT.read_text(encoding="utf-8")
            .replace("package-ecosystem: npm", "package-ecosystem: npm-packages")
            .replace("      interval: monthly\n    open-pull-requests-limit", "      every: month\n    open-pull-requests-limit"))
    bad.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    npm = next(i for i, line in enumerate(lines, 1) if "npm-packages" in line)
    schedule = next(i for i, line in enumerate(lines, 1) if "every: month" in line) - 1
    result = workflowcheck(bad)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stdout + result.stderr
    found = result.stdout.splitlines()
    assert all(": WF004 " in line for line in found), found  # the dependabot schema, not the workflow schema
    assert any(line.startswith(f"{bad.as_posix()}:{npm}: WF004 updates[2]['package-ecosystem']: 'npm-packages' "
                               "is not one of") for line in found), found
    assert any(line.startswith(f"{bad.as_posix()}:{schedule}: WF004 updates[1].schedule: ") for line in found), found
    assert len(found) == len(set(found)), "one line per mistake"


# --- make targets -------------------------------------------------------------------------


def test_the_make_parser_finds_the_workflow_commands():
    assert {"site", "test", "verify"} <= set(WORKFLOW_TARGETS)
    assert make_targets('make site FORMAT=github SUMMARY="$X" && make -k verify 2>&1 | tee log') == {"site", "verify"}
    assert make_targets('`make new-page PAGE=a/b.md TITLE="What is MS" TYPE=guide`') == {"new-page"}
    assert make_targets("echo 'we make sure'") == set()


@pytest.mark.parametrize("target", WORKFLOW_TARGETS)
def test_every_make_target_a_workflow_names_exists(target):
    assert_make_knows(target)


@pytest.mark.parametrize("document", EDITOR_DOCS)
def test_every_make_target_the_editors_documents_name_exists(document):
    targets = make_targets((REPO / document).read_text(encoding="utf-8"))
    assert targets, f"{document} names no make command"
    for target in sorted(targets):
        assert_make_knows(target)


# --- pull requests -----------------------------------------------------------------------------


def test_pull_requests_are_gated_annotated_and_previewed():
    _, workflow = the_workflow("pull_request")
    assert workflow["permissions"] == {"contents": "read"}
    (name, job), = jobs_using(workflow, "actions/upload-artifact").items()
    assert job["permissions"] == {"contents": "read", "pull-requests": "write"}  # to comment, nothing more
    names = [uses(s) or s.get("run", "") for s in steps(job)]
    gate = next(i for i, n in enumerate(names) if n.startswith("make site"))
    preview = names.index("make pr-preview")
    upload = names.index("actions/upload-artifact")
    comment = names.index("make pr-comment")
    assert gate < preview < upload < comment, f"{name}: gate, then preview, upload and comment"
    run = steps(job)[gate]["run"]
    assert "FORMAT=github" in run and 'SUMMARY="$GITHUB_STEP_SUMMARY"' in run and "--json-file gate.json" in run
    # The preview and the comment are made for a failing change too: they run unless cancelled.
    for i in (preview, upload, comment):
        assert steps(job)[i]["if"] == "${{ !cancelled() }}", names[i]
    assert steps(job)[upload]["with"]["archive"] is False and steps(job)[upload]["with"]["path"] == "preview.html"
    assert "steps.preview.outputs.artifact-url" in steps(job)[comment]["env"]["PREVIEW_URL"]
    assert any("make test" in s for s in run_scripts(workflow)), "the tests run on pull requests too"


def test_python_is_set_up_the_same_way_everywhere_with_a_pip_cache():
    setups = [s for p in workflow_files() for job in load(p)["jobs"].values() for s in steps(job)
              if uses(s) == "actions/setup-python"]
    assert setups
    for step in setups:
        assert step["with"] == {"python-version": "3.11", "cache": "pip", "cache-dependency-path": "requirements.txt"}


@pytest.mark.parametrize("path", workflow_files(), ids=lambda p: p.name)
def test_actions_are_pinned_and_jobs_have_time_limits(path):
    for name, job in load(path)["jobs"].items():
        assert "timeout-minutes" in job, f"{path.name}: job {name} has no time limit"
        for step in steps(job):
            ref = step.get("uses")
            assert ref is None or ref.startswith("./") or PINNED.match(ref), f"{path.name}: {ref} is not pinned"


# --- publishing -----------------------------------------------------------------------------------


def test_publishing_runs_one_at_a_time():
    workflow = publish_workflow()
    assert triggers(workflow)["push"]["branches"] == ["main"]
    assert workflow["concurrency"] == {"group": "pages", "cancel-in-progress": False}


def test_publishing_has_minimal_permissions():
    workflow = publish_workflow()
    assert workflow["permissions"] == {"contents": "read"}
    deploy = jobs_using(workflow, "actions/deploy-pages")
    for name, job in workflow["jobs"].items():
        expected = {"pages": "write", "id-token": "write"} if name in deploy else None
        assert job.get("permissions") == expected, f"job {name}: {job.get('permissions')}"


def test_a_failed_gate_publishes_nothing():
    workflow = publish_workflow()
    (build_name, build), = jobs_using(workflow, "actions/upload-pages-artifact").items()
    (deploy_name, deploy), = jobs_using(workflow, "actions/deploy-pages").items()
    needs = deploy.get("needs")
    assert build_name in ([needs] if isinstance(needs, str) else needs or [])
    assert not re.search(r"always\(\)|failure\(\)|cancelled\(\)", str(deploy.get("if", "")))
    assert not any(s.get("continue-on-error") for s in steps(build)), "a failing gate step must fail the build job"
    runs = [s.get("run", "") for s in steps(build)]
    assert any(r.startswith("make site FORMAT=github") for r in runs)
    assert [uses(s) for s in steps(deploy)] == ["actions/deploy-pages"]


# --- the weekly verification ------------------------------------------------------------------------


def test_weekly_verification_has_a_schedule_and_reports_what_it_finds():
    _, workflow = the_workflow("schedule")
    on = triggers(workflow)
    assert "workflow_dispatch" in on
    crons = [entry["cron"] for entry in on["schedule"]]
    assert crons and all(len(c.split()) == 5 for c in crons)
    job = workflow["jobs"]["verify"]
    assert workflow["permissions"] == {"contents": "read"}
    assert job["permissions"] == {"contents": "write", "pull-requests": "write", "issues": "write"}

    verify = next(s for s in steps(job) if "make" in str(s.get("run", "")) and "verify" in make_targets(s["run"]))
    assert verify.get("continue-on-error") is True and verify.get("id")
    outcome = f"steps.{verify['id']}.outcome"
    pull = next(s for s in steps(job) if uses(s) == "peter-evans/create-pull-request")
    assert pull["if"] == f"{outcome} == 'success'"
    assert pull["with"]["add-paths"] == "verification.lock.json"
    issue = next(s for s in steps(job) if "gh issue create" in str(s.get("run", "")))
    assert issue["if"] == f"{outcome} == 'failure'"
    assert steps(job)[-1]["if"] == f"{outcome} == 'failure'" and "exit 1" in steps(job)[-1]["run"]


# --- pre-commit, CODEOWNERS, templates ------------------------------------------------------------------


def test_pre_commit_runs_only_local_offline_hooks():
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = {}
    for repo in config["repos"]:
        assert repo["repo"] == "local", "no hook repository is fetched from the network"
        for hook in repo["hooks"]:
            assert hook["language"] == "system"
            hooks[hook["id"]] = hook
    assert "--source-only" in hooks["gate"]["entry"] and hooks["gate"]["pass_filenames"] is False
    assert re.search(hooks["gate"]["files"], "docs/about-ms/what-is-ms.md")
    assert re.search(hooks["workflows"]["files"], ".github/workflows/publish.yml")
    assert re.search(hooks["workflows"]["files"], ".github/dependabot.yml")
    assert not re.search(hooks["workflows"]["files"], "docs/index.md")


def test_pre_commit_hook_commands_run():
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = {h["id"]: h for repo in config["repos"] for h in repo["hooks"]}
    env = dict(os.environ)

    gate = subprocess.run(shlex.split(hooks["gate"]["entry"]), cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=120)
    assert gate.returncode == 0, gate.stdout + gate.stderr  # the sources on main pass the source checks

    lint = subprocess.run([*shlex.split(hooks["workflows"]["entry"]), *map(str, workflow_files())], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    broken = subprocess.run([*shlex.split(hooks["workflows"]["entry"]), str(BROKEN_WORKFLOW)], cwd=REPO, env=env,
                            capture_output=True, text=True, timeout=120)
    assert broken.returncode == 1 and "WF002" in broken.stdout, broken.stdout + broken.stderr


def test_codeowners_route_the_content_to_clinical_review():
    owners = {}
    for line in (REPO / ".github" / "CODEOWNERS").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            pattern, *who = line.split()
            assert who and all(re.fullmatch(r"@[\w-]+(/[\w-]+)?", w) for w in who), line
            owners[pattern] = who
    team = owners["/docs/"]
    assert len(team) == 1 and "/" in team[0]
    assert owners["/docs/references.yaml"] == team


def test_pull_request_template_has_the_editorial_checklist():
    text = (REPO / ".github" / "PULL_REQUEST_TEMPLATE.md").read_text(encoding="utf-8").lower()
    boxes = re.findall(r"^\s*- \[ \] (.+)$", text, re.M)
    assert len(boxes) >= 6
    for topic in ("verified list", "citation", "last_reviewed", "words to avoid", "plain", "clinical reviewer"):
        assert any(topic in box for box in boxes), topic


# --- a simulated pull-request run --------------------------------------------------------------------------


def test_a_pull_request_that_breaks_a_rule_gets_an_annotation_on_that_line(tmp_path):
    """Run the pull-request workflow's own gate step on a small project (our templates, hooks and gate; a few
    pages: a build takes a fraction of the real site's) with one fault in a page."""
    _, workflow = the_workflow("pull_request")
    (script,) = [s for s in run_scripts(workflow) if s.startswith("make site")]
    front = ("---\ntitle: What MS is\ndescription: A plain description.\npage_type: condition\n"
             f"last_reviewed: {PINNED_TODAY}\nsources: [smith2020]\n---\n\n")
    body = "MS is a long-term condition [@smith2020].\n\nOur treatment is a miracle for people with MS.\n"
    work = {"id": "smith2020", "type": "article-journal", "author": [{"family": "Smith", "given": "A"}],
            "title": "A study of MS", "container-title": "J Test", "issued": {"date-parts": [[2020]]},
            "DOI": "10.5555/smith2020"}
    root = small_project(tmp_path, {"condition.md": front + body}, [work], front.replace("condition", "about") + "A page.\n")
    at = (front + body).splitlines().index("Our treatment is a miracle for people with MS.")  # 0-based
    summary = tmp_path / "summary.md"

    # The step as written, with `make` pointed at this repository's Makefile and installed venv.
    venv = Path(sys.prefix)
    shim = (f'make() {{ command make -f {shlex.quote(str(REPO / "Makefile"))} '
            f'-o {shlex.quote(str(venv / ".installed"))} VENV={shlex.quote(str(venv))} "$@"; }}\n')
    env = make_env(GITHUB_STEP_SUMMARY=str(summary), NO_MKDOCS_2_WARNING="1")
    result = subprocess.run(["bash", "-eo", "pipefail", "-c", shim + script], cwd=root, env=env,
                            capture_output=True, text=True, timeout=300)

    assert result.returncode != 0, "the gate step must fail the job"
    annotation = f"::error file=docs/condition.md,line={at + 1},title=EVID001::"
    assert any(line.startswith(annotation) for line in result.stdout.splitlines()), result.stdout + result.stderr
    assert "EVID001" in summary.read_text(encoding="utf-8")
    assert not (root / "site").exists(), "nothing is published from a failed gate"
