"""`python -m medsite.verify`: exit codes, output, and no tracebacks on bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from verify_support import ROOT

from medsite.verify.__main__ import main


@pytest.fixture
def project(cli_project):
    return cli_project


def serve_all_good(fake):
    fake.doi("10.1234/good", "A sound trial of something")
    fake.doi("10.1234/retracted", "A trial that was retracted")
    fake.pmid("1001", "A sound trial of something.", doi="10.1234/good")


def test_all_ok_exits_0_and_a_rerun_sends_nothing(project, fake, server, capsys):
    serve_all_good(fake)
    assert main(["references", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "0 error(s)" in out and "kind" in out and "requests sent: 5" in out
    request = server.log[0][0]
    assert request.headers["User-Agent"] == "ms-evidence-site-verifier/1.0 (mailto:editors@example.org)"
    lock = json.loads((project / "verification.lock.json").read_text())
    assert {i["status"] for i in lock["items"]} == {"ok"}
    assert sorted(i["sources"][0] for i in lock["items"]) == [
        "references.yaml#bad2019", "references.yaml#good2018", "references.yaml#good2018"]

    server.clear_log()
    assert main(["references", "--no-progress"]) == 0
    assert len(server.log) == 0
    assert "everything was fresh" in capsys.readouterr().out


def test_a_retracted_reference_exits_1_with_a_located_diagnostic(project, fake, capsys):
    fake.doi("10.1234/good", "A sound trial of something")
    fake.doi("10.1234/retracted", "A trial that was retracted",
             updated_by=[{"DOI": "10.1234/n", "type": "retraction", "source": "retraction-watch"}])
    fake.pmid("1001", "A sound trial of something.", doi="10.1234/good")
    assert main(["references", "--no-progress"]) == 1
    out = capsys.readouterr().out
    assert "references.yaml:10: VER003 DOI 10.1234/retracted is retracted" in out


def test_an_unreachable_service_exits_0_and_records_no_broken_item(project, fake, server, capsys, monkeypatch):
    monkeypatch.setenv("DOI_API_URL", "http://127.0.0.1:9")  # nothing listens: connection refused
    fake.pmid("1001", "A sound trial of something.", doi="10.1234/good")
    from medsite.verify import client as client_module

    monkeypatch.setattr(client_module.Policy, "__init__", _fast_policy_init(client_module.Policy.__init__))
    assert main(["references", "--no-progress"]) == 0
    lock = json.loads((project / "verification.lock.json").read_text())
    assert {i["id"]: i["status"] for i in lock["items"]} == {
        "10.1234/good": "transient", "10.1234/retracted": "transient", "1001": "ok"}
    assert "VER022" in capsys.readouterr().out


def _fast_policy_init(original):
    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.backoff, self.backoff_cap, self.connect_timeout = 0.01, 0.02, 0.5
    return init


@pytest.mark.parametrize("setup, args, message", [
    (lambda p: (p / "verification.lock.json").write_text("{broken"), ["references"], "not valid JSON"),
    (lambda p: (p / "references.yaml").write_text("- id: [unclosed\n"), ["references"], "cannot be used"),
    (lambda p: (p / "mkdocs.yml").write_text("site_name: x\n"), ["references"], "contact e-mail"),
    (lambda p: None, ["links", "--site-dir", "no-such-site"], "make site"),
    (lambda p: None, ["references", "--max-age-days", "-1"], "max-age-days"),
    (lambda p: (p / "mkdocs.yml").write_text("extra: [\n"), ["references"], "mkdocs.yml:2: GATE003 YAML does not parse"),
])
def test_usage_and_configuration_errors_exit_2_without_a_traceback(project, capsys, setup, args, message):
    setup(project)
    assert main(args + ["--no-progress"]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_bad_arguments_exit_2():
    with pytest.raises(SystemExit) as exc:
        main(["everything"])
    assert exc.value.code == 2


def test_runs_as_a_module(project, fake):
    serve_all_good(fake)
    env = dict(os.environ, PYTHONPATH=str(ROOT / "scripts"))
    proc = subprocess.run([sys.executable, "-m", "medsite.verify", "references", "--no-progress"],
                          cwd=project, env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "0 error(s)" in proc.stdout and "Traceback" not in proc.stderr
