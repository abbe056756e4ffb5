"""`python -m medsite.tools.workflowcheck FILE...`: the GitHub workflows and .github/dependabot.yml, checked offline.

- WF001 the workflow does not match GitHub's workflow schema: a misspelt or unknown key, a value of
  the wrong type, a job without `runs-on`... The schema is SchemaStore's, shipped inside the
  check-jsonschema package (requirements.txt), so nothing is downloaded.
- WF002 a `run:` script expands a `${{ }}` expression. GitHub pastes the value into the script
  before the shell reads it, so a pull request's title or branch name can run as code.
- WF003 the file is not YAML.
- WF004 .github/dependabot.yml does not match Dependabot's schema (SchemaStore's too, in the same
  package): a misspelt ecosystem or key, a missing schedule. A file named dependabot.yml or
  dependabot.yaml is checked against that schema instead of the workflow schema.
- WF005 a privileged workflow (`workflow_run`, `pull_request_target`) checks out the pull request's
  code (`ref:` or `repository:` of actions/checkout names its head): that code would run with the
  rights the workflow was given to comment or publish.

Why not actionlint: see "Checking the workflows" in CONTRIBUTING.md.
Exit status: 0 clean, 1 something to fix, 2 usage error.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import sys
from pathlib import Path

import yaml

from medsite.core.diagnostics import Diagnostic
from medsite.core.rule import ERROR, Rule, declare
from medsite.gate.guard import CheckTimedOut, deadline

WORKFLOW = ".github/workflows/pull-request.yml"
DEPENDABOT = ".github/dependabot.yml"
_UPDATE = "version: 2\nupdates:\n  - package-ecosystem: pip\n    directory: /\n"
_JOB = "on: pull_request\njobs:\n  gate:\n"  # what every example starts with
_AFTER_RUN = "on:\n  workflow_run:\n    workflows: [Pull request]\n    types: [completed]\njobs:\n  comment:\n" \
             "    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v5\n"
RULES = declare(
    Rule("WF001", ERROR,
         what="A GitHub workflow does not match GitHub's workflow schema (a misspelt or unknown key, a value of the wrong type, a job without `runs-on`).",
         why="GitHub would reject the workflow, or silently skip what the misspelt key meant, so the site is not built or checked.",
         fix="Correct the key or value at the line shown; GitHub's workflow syntax reference lists them.",
         where=WORKFLOW,
         bad=_JOB + "    runs_on: ubuntu-latest\n    steps:\n      - run: make test\n",
         good=_JOB + "    runs-on: ubuntu-latest\n    steps:\n      - run: make test\n"),
    Rule("WF002", ERROR,
         what="A workflow's `run:` script expands a `${{ }}` expression.",
         why="GitHub pastes the value into the script before the shell reads it, so a pull request's title or branch name could run as code with the workflow's rights.",
         fix="Pass the value through the step's `env:` and use \"$NAME\" in the script.",
         where=WORKFLOW,
         bad=_JOB + "    runs-on: ubuntu-latest\n    steps:\n      - run: echo \"${{ github.head_ref }}\"\n",
         good=_JOB + "    runs-on: ubuntu-latest\n    steps:\n      - run: echo \"$HEAD_REF\"\n        env:\n          HEAD_REF: ${{ github.head_ref }}\n"),
    Rule("WF003", ERROR,
         what="A workflow file is not YAML.",
         why="GitHub cannot run it, so nothing it was meant to check or publish happens.",
         fix="Fix the YAML syntax at the line shown (indentation, a missing colon or quote).",
         where=WORKFLOW,
         bad=_JOB + "    runs-on: [ubuntu-latest\n",
         good=_JOB + "    runs-on: [ubuntu-latest]\n    steps:\n      - run: make test\n"),
    Rule("WF004", ERROR,
         what="`.github/dependabot.yml` does not match Dependabot's schema (a misspelt ecosystem or key, an update without a schedule).",
         why="GitHub stops updating every ecosystem in the file, so pinned packages and actions silently fall behind their security fixes.",
         fix="Correct the key or value at the line shown; GitHub's dependabot.yml reference lists them.",
         where=DEPENDABOT,
         bad=_UPDATE + "    schedule:\n      interval: monthly\n  - package-ecosystem: npm-packages\n    directory: /\n"
             "    schedule:\n      interval: monthly\n",
         good=_UPDATE + "    schedule:\n      interval: monthly\n  - package-ecosystem: npm\n    directory: /\n"
             "    schedule:\n      interval: monthly\n"),
    Rule("WF005", ERROR,
         what="A privileged workflow (on `workflow_run` or `pull_request_target`) checks out the pull request's code (actions/checkout's `ref:` or `repository:` names its head).",
         why="Such a workflow has the rights to comment or write; code from a fork's pull request would run with them.",
         fix="Check out nothing from the pull request: read its run's results as data (actions/download-artifact) and run the default branch's code.",
         where=WORKFLOW,
         bad=_AFTER_RUN + "        with:\n          ref: ${{ github.event.workflow_run.head_sha }}\n      - run: make pr-comment-fork\n",
         good=_AFTER_RUN + "        with:\n          persist-credentials: false\n      - run: make pr-comment-fork\n"),
)
PRIVILEGED = {"workflow_run", "pull_request_target"}
_PULL_REQUEST_CODE = re.compile(r"head|pull_request|merge", re.I)

# (check-jsonschema's built-in schema, the code its mismatches get, the reference that lists the keys)
SCHEMA = "vendor.github-workflows"
WORKFLOW_SCHEMA = (SCHEMA, "WF001", "GitHub's workflow syntax reference")
DEPENDABOT_SCHEMA = ("vendor.dependabot", "WF004", "GitHub's dependabot.yml reference")
_STEP = re.compile(r"\.([^.\[]+)|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]")
_EXPRESSION = re.compile(r"\$\{\{")


SCHEMA_SECONDS = 120


def _check_jsonschema(args: list[str]) -> dict:
    """check-jsonschema's JSON report: its own command, run in this process (a process of its own took 0.4 s to
    start, for every call; `make lint`, the pre-commit hook and the tests call it often)."""
    from check_jsonschema.cli.main_command import main  # 0.3 s to import: only when a file is checked

    out = io.StringIO()
    # Bounded in time as its own process was (120 s): a schema check that hangs stops with one line.
    with deadline(SCHEMA_SECONDS), contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        main.main(args, prog_name="check-jsonschema", standalone_mode=False)
    return json.loads(out.getvalue())


def _line_of(root, json_path: str) -> int | None:
    """The 1-based line of the YAML node at a JSON path like `$.jobs.gate.steps[0].shell`."""
    node, line = root, root.start_mark.line
    for key, index, quoted in _STEP.findall(json_path.removeprefix("$")):
        if isinstance(node, yaml.MappingNode):
            wanted = quoted or key
            pair = next(((k, v) for k, v in node.value if str(k.value) == wanted), None)
            if pair is None:
                return None
            line, node = pair[0].start_mark.line, pair[1]  # a key's line, where editors look for it
        elif isinstance(node, yaml.SequenceNode) and index and int(index) < len(node.value):
            node = node.value[int(index)]
            line = node.start_mark.line
        else:
            return None
    return line + 1


def schema_for(path: Path) -> tuple[str, str, str]:
    return DEPENDABOT_SCHEMA if path.name in ("dependabot.yml", "dependabot.yaml") else WORKFLOW_SCHEMA


def _schema_problems(paths: list[Path], roots: dict, schema: tuple[str, str, str]) -> list[Diagnostic]:
    name, code, reference = schema
    try:
        report = _check_jsonschema(["--builtin-schema", name, "--output-format", "json", *map(str, paths)])
    except CheckTimedOut:
        return [Diagnostic(code, f"the schema check did not finish within {SCHEMA_SECONDS} s and was stopped", str(paths[0]),
                           hint="run `make lint` again; if it stops again, look at what changed in this file")]
    except Exception as exc:  # noqa: BLE001 - whatever fails in the schema tool is one line, never a traceback
        return [Diagnostic(code, f"the schema check could not run ({type(exc).__name__})", str(paths[0]),
                           hint="install the project's tools: make venv")]
    out, seen = [], set()
    for error in report.get("errors", []):
        where = error.get("best_deep_match") or error
        path = where.get("path", "$")
        message = str(where.get("message", ""))
        message = message if len(message) <= 160 else message[:157] + "..."
        if (error.get("filename"), path, message) in seen:  # a schema's alternatives repeat the same mismatch
            continue
        seen.add((error.get("filename"), path, message))
        root = roots.get(error.get("filename"))
        out.append(Diagnostic(code, f"{path.removeprefix('$.')}: {message}", error.get("filename", ""),
                              _line_of(root, path) if root is not None else None,
                              hint=f"correct the key or value ({reference} lists them)"))
    return out


def _run_scripts(node):
    """(the `run:` value node) for every `run:` key anywhere in the workflow."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == "run" and isinstance(value, yaml.ScalarNode):
                yield value
            else:
                yield from _run_scripts(value)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _run_scripts(item)


def _injections(path: str, root) -> list[Diagnostic]:
    out = []
    for node in _run_scripts(root):
        first = node.start_mark.line + 1 + (1 if node.style in ("|", ">") else 0)
        for i, line in enumerate(str(node.value).splitlines()):
            if _EXPRESSION.search(line):
                out.append(Diagnostic(
                    "WF002", f"`run:` expands an expression: {line.strip()[:100]}", path,
                    first + i if node.style in ("|", ">") else first,
                    hint="set it as an environment variable in the step's `env:` and use \"$NAME\" in the script"))
    return out


def _mapping(node, key: str):
    if isinstance(node, yaml.MappingNode):
        return next((v for k, v in node.value if str(k.value) == key), None)
    return None


def _triggers(root) -> set[str]:
    on = _mapping(root, "on")
    if isinstance(on, yaml.ScalarNode):
        return {str(on.value)}
    if isinstance(on, yaml.SequenceNode):
        return {str(n.value) for n in on.value if isinstance(n, yaml.ScalarNode)}
    return {str(k.value) for k, _ in on.value} if isinstance(on, yaml.MappingNode) else set()


def _head_checkouts(path: str, root) -> list[Diagnostic]:
    """WF005: in a privileged workflow, a checkout of the pull request's head."""
    if not _triggers(root) & PRIVILEGED:
        return []
    out = []
    jobs = _mapping(root, "jobs")
    for _, job in jobs.value if isinstance(jobs, yaml.MappingNode) else []:
        steps = _mapping(job, "steps")
        for step in steps.value if isinstance(steps, yaml.SequenceNode) else []:
            uses = _mapping(step, "uses")
            if not (isinstance(uses, yaml.ScalarNode) and str(uses.value).startswith("actions/checkout@")):
                continue
            for key in ("ref", "repository"):
                value = _mapping(_mapping(step, "with"), key)
                if isinstance(value, yaml.ScalarNode) and _PULL_REQUEST_CODE.search(str(value.value)):
                    out.append(Diagnostic(
                        "WF005", f"a privileged workflow checks out the pull request's code ({key}: {str(value.value)[:80]})",
                        path, value.start_mark.line + 1,
                        hint="check out nothing from the pull request: download its run's results as data "
                             "(actions/download-artifact) and run the default branch's code"))
    return out


def check(paths: list[Path]) -> list[Diagnostic]:
    out, roots, parsed = [], {}, []
    for path in paths:
        try:
            roots[str(path)] = yaml.compose(path.read_text(encoding="utf-8"))
            parsed.append(path)
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            mark = getattr(exc, "problem_mark", None)
            out.append(Diagnostic("WF003", f"not readable as YAML: {getattr(exc, 'problem', None) or exc}",
                                  str(path), mark.line + 1 if mark else None, hint="fix the YAML syntax"))
    for schema in (WORKFLOW_SCHEMA, DEPENDABOT_SCHEMA):
        if same := [path for path in parsed if schema_for(path) == schema]:
            out += _schema_problems(same, roots, schema)
    for path in parsed:
        if schema_for(path) == WORKFLOW_SCHEMA:  # only workflows have `run:` scripts
            out += _injections(str(path), roots[str(path)])
            out += _head_checkouts(str(path), roots[str(path)])
    return sorted(out, key=lambda d: (d.path, d.line or 0, d.code))


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args:
        print("usage: python -m medsite.tools.workflowcheck WORKFLOW.yml... [.github/dependabot.yml]", file=sys.stderr)
        return 2
    found = check([Path(a) for a in args])
    for d in found:
        print(d.text())
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
