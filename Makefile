# One entry point for editors, CI and maintainers. Every target sets itself up:
# on a fresh machine `make site` and `make test` need nothing else.
.DEFAULT_GOAL := help
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

PYTHON_SYS ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
RUN := $(PY) -m
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# `make verify` runs make again: no "Entering directory" lines after the project's own last line.
MAKEFLAGS += --no-print-directory

# A target called without an argument it needs says how to call it, in one line, and stops (exit 2)
# before anything is set up: $(call usage,<the arguments, empty when missing>,<the sentence>).
usage = $(if $(strip $(1)),,@echo '$(2)' >&2; exit 2)

# ENGINE=name builds with another engine: one of medsite.build.engines.ENGINES (mkdocs, the default,
# properdocs, zensical); `$(PY) -m medsite.tools.make_site --help` lists them.
ENGINE ?=
ENGINE_OPT = $(if $(ENGINE),--engine $(ENGINE))

.PHONY: notice-issue venv help site serve check test bench bench-web verify verify-references verify-links \
        new-page cite codes lock browser node clean pr-preview pr-comment lint test-fast mutation screenshots

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | sort

# medsite itself (pyproject.toml, code in scripts/medsite) is installed in development mode by
# scripts/develop_install.py, on every run: the .venv may be shared by several checkouts.
# Python packages come from hashed pins only: pip installs uv (requirements-installer.txt), then uv installs
# requirements.txt with --require-hashes and compiled bytecode, as pip would, in about 7 s instead of 37 s.
$(STAMP): requirements.txt requirements-installer.txt
	@test -x $(PY) || $(PYTHON_SYS) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-installer.txt
	UV_LINK_MODE=copy $(VENV)/bin/uv pip install --quiet --python $(PY) --compile-bytecode --require-hashes -r requirements.txt
	@touch $@

venv: $(STAMP)
	@$(PY) scripts/develop_install.py

GATE_OPTS = $(if $(FORMAT),--format $(FORMAT)) $(if $(SUMMARY),--summary $(SUMMARY)) $(if $(VERBOSE),--verbose) $(GATE_ARGS)

site: venv ## Build into a folder of its own, run the gate, then switch site/ to it only if all passes (ENGINE=properdocs|zensical, FORMAT=text|json|github, SUMMARY=file.md, VERBOSE=1)
	@$(RUN) medsite.tools.make_site $(ENGINE_OPT) $(GATE_OPTS)

serve: venv ## Live preview on http://127.0.0.1:8000 (PORT=8001 for another) showing what the checks will say
	@$(RUN) medsite.tools.serve $(if $(PORT),--port "$$PORT")

check: venv ## Run the gate alone on the current sources and site/ (FORMAT=text|json|github, SUMMARY=file.md, VERBOSE=1; ENGINE=zensical for a Zensical-built site)
	@$(RUN) medsite.gate --site-dir site $(ENGINE_OPT) $(GATE_OPTS)

BROWSER_PACKAGES := chromium chromium-headless-shell

browser: ## Install Debian's Chromium and its headless shell if missing (the tests drive the shell with Playwright over CDP: no ChromeDriver; bench-web the browser)
	@for p in $(BROWSER_PACKAGES); do command -v $$p >/dev/null || missing=1; done; \
	[ -z "$${missing-}" ] || { $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(BROWSER_PACKAGES); }

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

node: node_modules/.installed ## Install the pinned npm packages (axe-core)

LIGHTHOUSE_STAMP := bench/lighthouse/node_modules/.installed

$(LIGHTHOUSE_STAMP): bench/lighthouse/package.json bench/lighthouse/package-lock.json
	cd bench/lighthouse && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

bench-web: site browser $(LIGHTHOUSE_STAMP) ## What readers pay (first load, first search, key-to-results) on the real and synthetic sites (BENCH_WEB_SIZES=1000,5000), and Lighthouse 12
	CHROME_PATH=/usr/bin/chromium $(RUN) medsite.tools.bench.web

# Test files run on TEST_WORKERS processes (pytest-xdist); a file's tests stay together, so its fixtures are built once.
TEST_WORKERS ?= 2

# The tests write about 110,000 short-lived files (copies of the project to build in, and their builds), in a
# folder of the run's own: on the RAM-backed /dev/shm when it has 4 GB free, else in the system's temp folder
# (TEST_TMP_PARENT=dir to choose). Measured here (7 Dec, with the full browser): make test 4:39 on /dev/shm, 4:56 to 5:33 on the disk, where
# creating and deleting those files cost 95 s of system time. The folder is removed when the tests pass, and
# kept, and named, when one fails (pytest keeps the failed tests' folders in it), for a day: the next run
# removes kept folders older than that. The command is printed by make ($(info)), not echoed by the shell,
# so quotes in PYTEST_ARGS go through one shell only.
TEST_TMP_PARENT ?= $(shell df -Pk /dev/shm 2>/dev/null | awk 'NR == 2 && $$4 > 4194304 { print "/dev/shm" }')
in_test_tmpdir = $(info $(1))parent="$(or $(TEST_TMP_PARENT),$${TMPDIR:-/tmp})"; \
	find "$$parent" -maxdepth 1 -name 'medsite-tests-*' -mmin +1440 -exec rm -rf {} + 2>/dev/null || true; \
	tmp=$$(mktemp -d "$$parent/medsite-tests-XXXXXX"); status=0; TMPDIR="$$tmp" $(1) || status=$$?; \
	if [ $$status -eq 0 ]; then rm -rf "$$tmp"; else echo "The tests' files are kept in $$tmp" >&2; fi; exit $$status

test: venv browser node ## Run every test (ruff included, in tests/test_codehealth.py) on TEST_WORKERS=2 processes
	@$(call in_test_tmpdir,$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder $(PYTEST_ARGS))

screenshots: venv browser node ## Screenshots of every page at phone and desktop size in screenshots/ (index.html shows them side by side)
	MEDSITE_SCREENSHOTS=$(CURDIR)/screenshots $(PY) -m pytest -q tests/browser/test_screenshots.py $(PYTEST_ARGS)

test-fast: venv ## Quick loop: every test except the browser tests and real-site builds (marked slow)
	@$(call in_test_tmpdir,$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile -m "not slow" --ignore=tests/browser $(PYTEST_ARGS))

mutation: venv ## Break each check of the gate in turn and list the fast tests that still pass (slow: one test run per check, the tests' GATE004 net off; MUTATION_ARGS=--with-net to show the net stops them all)
	$(RUN) medsite.tools.mutation_check $(MUTATION_ARGS)

lint: venv ## Lint scripts/ and tests/ with ruff, check the import contract between stages (both in pyproject.toml), the GitHub workflows and dependabot.yml
	$(VENV)/bin/ruff check scripts tests
	$(VENV)/bin/lint-imports --no-cache
	PYTHONPATH=scripts $(PY) -m medsite.tools.workflowcheck .github/workflows/*.yml .github/dependabot.yml

bench: venv ## Benchmarks: build time, gate vs lychee on synthetic sites, verification throughput
	$(RUN) medsite.tools.bench

verify-references: venv ## Check DOIs and PMIDs online and refresh the lock file
	@$(RUN) medsite.verify references

verify-links: venv site ## Check external links in the built site online and refresh the lock file
	@$(RUN) medsite.verify links

verify: venv ## Both online checks
	$(MAKE) verify-references verify-links

NEW_PAGE_USAGE := new-page: give the page and its title: make new-page PAGE=treatments/x.md TITLE="What the treatment is" TYPE=treatment (TYPE: condition, treatment, clinic, guide, about or policy)

new-page: $(if $(and $(PAGE),$(TITLE)),venv) ## Create a page with all required front matter: make new-page PAGE=treatments/x.md TITLE="..." TYPE=treatment
	$(call usage,$(and $(PAGE),$(TITLE)),$(NEW_PAGE_USAGE))
	@$(RUN) medsite.tools.newpage --path "$$PAGE" --title "$$TITLE" --type "$${TYPE:-condition}"

CITE_USAGE := cite: give a DOI, a PMID or an export: make cite DOI=10.1056/NEJMra1401483, make cite PMID=29320652, or make cite FILE=export.bib (CSL JSON or YAML, Better BibTeX, BibTeX)

cite: $(if $(DOI)$(PMID)$(FILE),venv) ## Add a source from its DOI or PMID, checked online: make cite DOI=10.1056/NEJMra1401483 (or PMID=29320652); or convert and add a reference manager's export: make cite FILE=export.bib (CSL JSON or YAML, BibTeX)
	$(call usage,$(DOI)$(PMID)$(FILE),$(CITE_USAGE))
	@$(RUN) medsite.tools.cite $(if $(DOI),--doi "$$DOI") $(if $(PMID),--pmid "$$PMID") $(if $(FILE),--file "$$FILE")

pr-preview: venv ## (CI) One-file preview of the pages a pull request changes, built also when the checks fail
	@$(RUN) medsite.tools.review.pr_preview

pr-comment: venv ## (CI) Add or update the pull request's comment with the checks' findings (PREVIEW_URL=...)
	@$(RUN) medsite.tools.review.comment

codes: venv ## Write GATE-CODES.md, the table of gate codes for editors, from the rules each check declares
	$(RUN) medsite.tools.gate_codes > GATE-CODES.md.tmp
	mv GATE-CODES.md.tmp GATE-CODES.md

lock: venv ## Re-pin requirements.txt and requirements-installer.txt with hashes from their .in files
	$(VENV)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links -o requirements.txt requirements.in
	$(VENV)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links -o requirements-installer.txt requirements-installer.in

clean: ## Remove build output and caches (keeps .venv)
	rm -rf site .site-builds .staging .cache .medsite-cache .pytest_cache

.PHONY: review-due freshness

review-due: venv ## Pages whose review is due within 30 days (gate.yml currency), as an issue's text (ISSUE=1 keeps the repository's one review-due issue up to date)
	@$(RUN) medsite.tools.review.due $(if $(ISSUE),--issue)

freshness: venv ## Check the sources against today's real date, whatever MEDSITE_TODAY says (the scheduled CI job: overdue reviews, CUR rules)
	@env -u MEDSITE_TODAY $(RUN) medsite.gate --source-only $(GATE_OPTS)

.PHONY: review
review: venv ## Record a clinical review of a page by a listed reviewer: make review PAGE=docs/x.md REVIEWER=id (DATE=YYYY-MM-DD, default today)
	@$(RUN) medsite.tools.review.record --page "$${PAGE:-}" --reviewer "$${REVIEWER:-}" $(if $(DATE),--date "$$DATE")
notice-issue: venv ## (CI) Open or update the one issue about new retractions, corrections or concerns of cited works (PREVIOUS=old lock)
	@$(RUN) medsite.tools.notice_issue --previous "$(PREVIOUS)" --post
.PHONY: pr-comment-fork
pr-comment-fork: venv ## (CI, privileged workflow only) Post the comment of a fork's pull request from its run's results (PR_RESULTS=folder), never running its code
	@$(RUN) medsite.tools.review.fork_comment
