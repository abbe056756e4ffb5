"""The verifier and the gate share gate.yml: lowering `verification_max_age_days` changes what `make verify` re-checks."""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta

import pytest
from verify_support import FIXTURES

from medsite.verify.__main__ import main

MKDOCS = """\
site_name: Test
site_url: https://ms.example.org/
extra:
  bibliography: references.yaml
  publisher:
    contact_email: editors@example.org
"""


@pytest.fixture
def project(tmp_path, monkeypatch, fake):
    (tmp_path / "mkdocs.yml").write_text(MKDOCS)
    shutil.copy(FIXTURES / "references.yaml", tmp_path / "references.yaml")
    monkeypatch.chdir(tmp_path)
    for name, url in (("DOI_API_URL", fake.services.doi), ("CROSSREF_API_URL", fake.services.crossref),
                      ("PUBMED_API_URL", fake.services.pubmed.replace("127.0.0.1", "localhost"))):
        monkeypatch.setenv(name, url)
    fake.doi("10.1234/good", "A sound trial of something")
    fake.doi("10.1234/retracted", "A trial that was retracted")
    fake.pmid("1001", "A sound trial of something.", doi="10.1234/good")
    return tmp_path


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
