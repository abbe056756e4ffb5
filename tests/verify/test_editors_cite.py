"""`make cite DOI=... / PMID=...`: look a work up on a local server playing doi.org, Crossref and PubMed,
append it to the bibliography without touching the rest, and record it in the lock."""

from __future__ import annotations

import copy
import json
import socket
from datetime import date

import pytest
from verify_support import MKDOCS, ROOT, UA, SlowAnswer, fast_policy
from werkzeug import Response

from medsite.lock.lockcheck import lock_diagnostics
from medsite.sources.bibliography import load as load_bibliography
from medsite.tools.cite.__main__ import main
from medsite.tools.cite.append import appended_text
from medsite.tools.cite.entry import from_esummary, key_for
from medsite.verify.client import HttpClient

CITE_FIXTURES = ROOT / "tests" / "fixtures" / "cite"
CSL_DOI = "10.1234/example.2021.001"
CSL_TITLE = "Example trial of something in relapsing MS"
PMID = "11112222"
PMID_DOI = "10.1234/example.2022.002"
PMID_TITLE = "Long-term outcomes of an example treatment in MS"

BIBLIOGRAPHY = """\
# Our sources. Comments and layout must survive `make cite`.
- id: reich2018
  type: article-journal
  author:
  - family: Reich
    given: DS
  title: Multiple Sclerosis   # a trailing comment
  container-title: N Engl J Med
  issued: {date-parts: [[2018]]}
  DOI: 10.1056/NEJMra1401483
  PMID: '29320652'
"""


def cite_json(name: str) -> dict:
    return json.loads((CITE_FIXTURES / name).read_text(encoding="utf-8"))


@pytest.fixture
def project(tmp_path, monkeypatch, fake):
    (tmp_path / "mkdocs.yml").write_text(MKDOCS)
    (tmp_path / "references.yaml").write_text(BIBLIOGRAPHY)
    monkeypatch.chdir(tmp_path)
    for name, url in (("DOI_API_URL", fake.services.doi), ("CROSSREF_API_URL", fake.services.crossref),
                      ("PUBMED_API_URL", fake.services.pubmed)):
        monkeypatch.setenv(name, url)
    return tmp_path


@pytest.fixture
def client():
    return HttpClient(UA, fast_policy())


def serve_csl(server, doi: str, body: dict | None = None) -> None:
    """DOI content negotiation: CSL JSON only for the CSL media type, as doi.org does."""
    body = body or cite_json("csl_work.json")

    def handler(request):
        if "application/vnd.citationstyles.csl+json" not in request.headers.get("Accept", ""):
            return Response("<html>landing page</html>", content_type="text/html")
        return Response(json.dumps(body), content_type="application/vnd.citationstyles.csl+json")

    server.expect_request(f"/doi/{doi}").respond_with_handler(handler)


def serve_esearch(server, doi: str, ids=()) -> None:
    """PubMed esearch for `<doi>[doi]`: the PMIDs that carry the DOI."""
    body = {"header": {"type": "esearch", "version": "0.3"},
            "esearchresult": {"count": str(len(ids)), "retmax": str(len(ids)), "retstart": "0", "idlist": list(ids),
                              "translationset": [], "querytranslation": f"{doi}[doi]"}}
    server.expect_request("/pubmed/esearch.fcgi", query_string={"db": "pubmed", "term": f"{doi}[doi]", "retmode": "json",
                                                                "tool": "ms-evidence-site-verifier",
                                                                "email": "editors@example.org"}).respond_with_json(body)


def serve_pmid_record(fake, record: dict | None = None) -> None:
    fake.records[PMID] = record or cite_json("esummary_record.json")


def test_a_new_doi_is_appended_verified_and_its_key_printed(project, fake, server, client, capsys):
    fake.doi(CSL_DOI, CSL_TITLE)
    serve_csl(server, CSL_DOI)
    serve_esearch(server, CSL_DOI, ids=())
    assert main(["--doi", f"https://doi.org/{CSL_DOI.upper()}"], client=client) == 0
    out = capsys.readouterr().out
    assert "cite it as [@nunez2021]" in out
    assert "note: PubMed lists no single record for this DOI; no PMID was added" in out

    text = (project / "references.yaml").read_text()
    assert text.startswith(BIBLIOGRAPHY)  # every byte of the old file kept, comments included
    bib = load_bibliography("references.yaml")
    entry = bib.get("nunez2021")
    assert entry.title == CSL_TITLE  # markup stripped
    assert entry.csl["author"] == [{"family": "Núñez", "given": "Ana María"}, {"family": "Li", "given": "Bo"},
                                   {"literal": "Example MS Study Group"}]
    assert entry.csl["container-title"] == "Ex J Neurol"
    assert entry.csl["issued"] == {"date-parts": [[2021]]}
    assert (entry.csl["volume"], entry.csl["issue"], entry.csl["page"]) == ("12", "3", "210-219")
    assert entry.doi == CSL_DOI and entry.url == f"https://doi.org/{CSL_DOI}"

    lock = json.loads((project / "verification.lock.json").read_text())
    [item] = lock["items"]
    assert (item["kind"], item["id"], item["status"]) == ("doi", CSL_DOI, "ok")
    assert item["sources"] == ["references.yaml#nunez2021"]
    # The gate, reading the lock offline, sees the new entry as verified: no VER warning or error for it.
    found = lock_diagnostics(project / "verification.lock.json", bib, {}, date.today())
    assert [d for d in found if d.target == CSL_DOI] == []


def test_a_doi_already_in_the_bibliography_prints_its_key_and_writes_nothing(project, server, client, capsys):
    assert main(["--doi", "doi:10.1056/nejmra1401483"], client=client) == 0
    assert "already in references.yaml as reich2018" in capsys.readouterr().out
    assert (project / "references.yaml").read_text() == BIBLIOGRAPHY
    assert not (project / "verification.lock.json").exists()
    assert len(server.log) == 0


def test_a_pmid_already_in_the_bibliography_prints_its_key(project, server, client, capsys):
    assert main(["--pmid", "29320652"], client=client) == 0
    assert "as reich2018" in capsys.readouterr().out
    assert len(server.log) == 0


def test_a_new_pmid_brings_its_doi_and_pmcid_and_both_are_recorded(project, fake, client, capsys):
    serve_pmid_record(fake)
    fake.doi(PMID_DOI, PMID_TITLE)
    assert main(["--pmid", PMID], client=client) == 0
    assert "[@okafor2022]" in capsys.readouterr().out
    entry = load_bibliography("references.yaml").get("okafor2022")
    assert entry.csl["author"] == [{"family": "Okafor", "given": "CN"}, {"family": "Smith-Jones", "given": "A"},
                                   {"literal": "Example MS Consortium"}]
    assert (entry.title, entry.pmid, entry.doi, entry.pmcid) == (PMID_TITLE, PMID, PMID_DOI, "PMC9990001")
    lock = json.loads((project / "verification.lock.json").read_text())
    assert sorted((i["kind"], i["id"], i["status"]) for i in lock["items"]) == [("doi", PMID_DOI, "ok"), ("pmid", PMID, "ok")]


def test_a_doi_that_pubmed_knows_gets_its_pmid_and_pmcid_checked_too(project, fake, server, client, capsys):
    record = cite_json("esummary_record.json")
    record.update(title=CSL_TITLE + ".", uid="55556666")
    record["articleids"] = [{"idtype": "pubmed", "value": "55556666"}, {"idtype": "doi", "value": CSL_DOI},
                            {"idtype": "pmc", "value": "PMC7770001"}]
    fake.records["55556666"] = record
    fake.doi(CSL_DOI, CSL_TITLE)
    serve_csl(server, CSL_DOI)
    serve_esearch(server, CSL_DOI, ids=["55556666"])
    assert main(["--doi", CSL_DOI], client=client) == 0
    assert "note:" not in capsys.readouterr().out
    entry = load_bibliography("references.yaml").get("nunez2021")
    assert (entry.pmid, entry.pmcid) == ("55556666", "PMC7770001")
    assert list(entry.csl).index("PMID") == list(entry.csl).index("DOI") + 1  # the usual field order
    lock = json.loads((project / "verification.lock.json").read_text())
    assert sorted((i["kind"], i["id"]) for i in lock["items"]) == [("doi", CSL_DOI), ("pmid", "55556666")]
    found = lock_diagnostics(project / "verification.lock.json", load_bibliography("references.yaml"), {}, date.today())
    assert [d.text() for d in found if d.target in (CSL_DOI, "55556666")] == []


def test_a_doi_whose_pubmed_record_has_another_title_is_refused(project, fake, server, client, capsys):
    record = cite_json("esummary_record.json")
    record.update(title="Something else entirely.", uid="55556666")
    fake.records["55556666"] = record
    fake.doi(CSL_DOI, CSL_TITLE)
    serve_csl(server, CSL_DOI)
    serve_esearch(server, CSL_DOI, ids=["55556666"])
    _refused(project, capsys, ["--doi", CSL_DOI], client, "PubMed's record 55556666 is titled 'Something else entirely.'")


def test_the_key_is_disambiguated_with_letters():
    entry = {"author": [{"family": "Núñez"}], "issued": {"date-parts": [[2021]]}}
    assert key_for(entry, set()) == "nunez2021"
    assert key_for(entry, {"nunez2021"}) == "nunez2021a"
    assert key_for(entry, {"nunez2021", "nunez2021a"}) == "nunez2021b"
    assert key_for({"author": [{"literal": "World Health Organization"}], "issued": {"date-parts": [[2019]]}}, set()) == "world2019"


def test_a_second_work_by_the_same_author_and_year_gets_the_next_letter(project, fake, server, client, capsys):
    fake.doi(CSL_DOI, CSL_TITLE)
    serve_csl(server, CSL_DOI)
    other = copy.deepcopy(cite_json("csl_work.json"))
    other.update(DOI="10.1234/example.2021.009", title="Another example study")
    fake.doi("10.1234/example.2021.009", "Another example study")
    serve_csl(server, "10.1234/example.2021.009", other)
    assert main(["--doi", CSL_DOI], client=client) == 0
    assert main(["--doi", "10.1234/example.2021.009"], client=client) == 0
    assert "[@nunez2021a]" in capsys.readouterr().out
    assert {"nunez2021", "nunez2021a"} <= set(load_bibliography("references.yaml").by_id)


def _refused(project, capsys, argv, client, *expected) -> str:
    assert main(argv, client=client) == 1
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert captured.out == "" and len(err.splitlines()) == 1, err
    assert "Traceback" not in err
    for words in expected:
        assert words in err
    assert (project / "references.yaml").read_text() == BIBLIOGRAPHY
    assert not (project / "verification.lock.json").exists()
    return err


def test_an_unknown_doi_is_refused(project, fake, client, capsys):
    fake.doi_missing("10.1234/nope")
    _refused(project, capsys, ["--doi", "10.1234/nope"], client, "DOI 10.1234/nope does not exist")


def test_a_retracted_doi_is_refused(project, fake, server, client, capsys):
    fake.doi(CSL_DOI, CSL_TITLE, updated_by=[{"type": "retraction", "DOI": "10.1234/notice", "source": "publisher",
                                              "updated": {"date-parts": [[2022, 1, 1]]}}])
    serve_csl(server, CSL_DOI)
    _refused(project, capsys, ["--doi", CSL_DOI], client, "retracted")


def test_a_doi_whose_services_disagree_on_the_title_is_refused(project, fake, server, client, capsys):
    fake.doi(CSL_DOI, "A completely different paper")
    serve_csl(server, CSL_DOI)
    _refused(project, capsys, ["--doi", CSL_DOI], client, "disagree about the title")


def test_a_pmid_whose_doi_has_another_title_is_refused(project, fake, client, capsys):
    serve_pmid_record(fake)
    fake.doi(PMID_DOI, "A completely different paper")
    _refused(project, capsys, ["--pmid", PMID], client, "differs from the title registered")


def test_an_unknown_or_retracted_pmid_is_refused(project, fake, client, capsys):
    _refused(project, capsys, ["--pmid", "99999999"], client, "does not exist in PubMed")
    record = cite_json("esummary_record.json")
    record["pubtype"] = ["Journal Article", "Retracted Publication"]
    serve_pmid_record(fake, record)
    _refused(project, capsys, ["--pmid", PMID], client, "Retracted Publication")


def test_a_timeout_is_refused_in_one_line(project, server, capsys):
    slow = SlowAnswer()
    server.expect_request("/doi/api/handles/10.1234/slow").respond_with_handler(slow)
    client = HttpClient(UA, fast_policy(read_timeout=0.2, attempts=2))
    _refused(project, capsys, ["--doi", "10.1234/slow"], client, "could not reach", "timed out")
    slow.wait()


def test_no_network_is_refused_in_one_line(project, monkeypatch, client, capsys):
    with socket.socket() as s:  # a port that nothing listens on
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}"
    for name in ("DOI_API_URL", "CROSSREF_API_URL", "PUBMED_API_URL"):
        monkeypatch.setenv(name, dead)
    _refused(project, capsys, ["--doi", CSL_DOI], client, "could not reach", "network error")
    _refused(project, capsys, ["--pmid", PMID], client, "could not reach PubMed")


def test_not_an_identifier_is_refused(project, client, capsys):
    _refused(project, capsys, ["--doi", "nejm.2018"], client, "not a DOI")
    _refused(project, capsys, ["--pmid", "PMID123"], client, "not a PubMed ID")


def test_an_entry_goes_under_references_at_the_files_indentation():
    text = "references:\n    - id: a2018\n      title: A\n"
    new = appended_text(text, {"id": "b2019", "title": "B", "author": [{"family": "B"}]}, "refs.yaml")
    assert new.startswith(text)
    assert "\n    - id: b2019\n      title: B\n      author:\n      - family: B\n" in new


def test_pubmed_names_that_are_not_family_plus_initials_stay_as_written():
    record = {"authors": [{"name": "van der Berg JH", "authtype": "Author"}, {"name": "Madonna", "authtype": "Author"}],
              "title": "T.", "source": "J", "pubdate": "2020"}
    assert from_esummary(record, "1")["author"] == [{"family": "van der Berg", "given": "JH"}, {"literal": "Madonna"}]


def test_the_real_bibliography_keeps_every_byte_when_an_entry_is_appended():
    real = ROOT / "docs" / "references.yaml"
    text = real.read_text(encoding="utf-8")
    new = appended_text(text, {"id": "zz2030", "type": "article-journal", "title": "T", "author": [{"family": "Z"}]},
                        "docs/references.yaml")
    assert new.startswith(text) and new.endswith("- id: zz2030\n  type: article-journal\n  title: T\n  author:\n  - family: Z\n")
