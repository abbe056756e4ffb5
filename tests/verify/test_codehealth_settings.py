"""The verifier and the gate share gate.yml: lowering `verification_max_age_days` changes what `make verify` re-checks."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from medsite.verify.__main__ import main


@pytest.fixture
def project(cli_project, fake):
    fake.doi("10.1234/good", "A sound trial of something")
    fake.doi("10.1234/retracted", "A trial that was retracted")
    fake.pmid("1001", "A sound trial of something.", doi="10.1234/good")
    return cli_project


def age_lock(project, days: int) -> None:
    """Pretend every result in the lock was checked `days` ago."""
    path = project / "verification.lock.json"
    lock = json.loads(path.read_text())
    for item in lock["items"]:
        item["checked"] = (date.today() - timedelta(days=days)).isoformat()
    path.write_text(json.dumps(lock))


def test_results_younger_than_the_default_age_are_not_rechecked(project, server, capsys):
    assert main(["references", "--no-progress"]) == 0
    age_lock(project, 100)
    server.clear_log()
    assert main(["references", "--no-progress"]) == 0
    assert len(server.log) == 0  # 100 days < the default 180
    assert "VER021" not in capsys.readouterr().out


def test_a_lower_age_in_gate_yml_makes_the_same_results_due(project, fake, server, capsys):
    assert main(["references", "--no-progress"]) == 0
    age_lock(project, 100)
    (project / "gate.yml").write_text("verification_max_age_days: 30\n")
    server.clear_log()
    fake.doi("10.1234/good", "A sound trial of something")
    fake.doi("10.1234/retracted", "A trial that was retracted")
    fake.pmid("1001", "A sound trial of something.", doi="10.1234/good")
    assert main(["references", "--no-progress"]) == 0
    assert len(server.log) > 0  # all three are re-checked, so no VER021 is left that cannot be cleared
    out = capsys.readouterr().out
    assert "VER021" not in out
    lock = json.loads((project / "verification.lock.json").read_text())
    assert {item["checked"] for item in lock["items"]} == {date.today().isoformat()}


def test_a_bad_age_in_gate_yml_is_refused_without_a_traceback(project, capsys):
    (project / "gate.yml").write_text("verification_max_age_days: soon\n")
    assert main(["references", "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "gate.yml:1: GATE003 verification_max_age_days must be a whole number" in err
    assert "Traceback" not in err
