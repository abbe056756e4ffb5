# One entry point for editors, CI and maintainers. Every target sets itself up:
# on a fresh machine `make site` and `make test` need nothing else.
.DEFAULT_GOAL := help
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

PYTHON_SYS ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
RUN := PYTHONPATH=scripts $(PY) -m
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help site serve check test bench bench-web verify verify-references verify-links \
        new-page codes lock browser node clean

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | sort

$(STAMP): requirements.txt
	@test -x $(PY) || $(PYTHON_SYS) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.txt
	@touch $@

GATE_OPTS = $(if $(FORMAT),--format $(FORMAT)) $(if $(SUMMARY),--summary $(SUMMARY)) $(GATE_ARGS)

site: $(STAMP) ## Build into a staging folder, run the gate, then replace site/ only if all passes (FORMAT=text|json|github, SUMMARY=file.md)
	$(RUN) medsite.build $(GATE_OPTS)

serve: $(STAMP) ## Live preview on http://127.0.0.1:8000 with the same citation step
	$(VENV)/bin/mkdocs serve --dev-addr 127.0.0.1:8000

check: $(STAMP) ## Run the gate alone on the current sources and site/ (FORMAT=text|json|github, SUMMARY=file.md)
	$(RUN) medsite.gate --site-dir site $(GATE_OPTS)

browser: ## Install Debian's Chromium and ChromeDriver if missing (for browser tests)
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; }

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

node: node_modules/.installed ## Install the pinned npm packages (axe-core)

LIGHTHOUSE_STAMP := bench/lighthouse/node_modules/.installed

$(LIGHTHOUSE_STAMP): bench/lighthouse/package.json bench/lighthouse/package-lock.json
	cd bench/lighthouse && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

bench-web: site browser $(LIGHTHOUSE_STAMP) ## What readers pay (first load, first search, key-to-results) on the real and synthetic sites (BENCH_WEB_SIZES=1000,5000), and Lighthouse 12
	CHROME_PATH=/usr/bin/chromium $(RUN) medsite.bench_web

test: $(STAMP) browser node ## Run every test
	$(PY) -m pytest $(PYTEST_ARGS)

bench: $(STAMP) ## Benchmarks: build time, gate vs lychee on synthetic sites, verification throughput
	$(RUN) medsite.bench

verify-references: $(STAMP) ## Check DOIs and PMIDs online and refresh the lock file
	$(RUN) medsite.verify references

verify-links: $(STAMP) site ## Check external links in the built site online and refresh the lock file
	$(RUN) medsite.verify links

verify: $(STAMP) ## Both online checks
	$(MAKE) verify-references verify-links

new-page: $(STAMP) ## Create a page with all required front matter: make new-page PAGE=treatments/x.md TITLE="..." TYPE=treatment
	$(RUN) medsite.newpage --path "$$PAGE" --title "$$TITLE" --type "$${TYPE:-condition}"

codes: $(STAMP) ## Write GATE-CODES.md, the table of gate codes for editors, from the rule registry
	$(RUN) medsite.gate.rules > GATE-CODES.md.tmp
	mv GATE-CODES.md.tmp GATE-CODES.md

lock: $(STAMP) ## Re-pin requirements.txt with hashes from requirements.in
	$(VENV)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras -o requirements.txt requirements.in

clean: ## Remove build output and caches (keeps .venv)
	rm -rf site .staging .cache .pytest_cache
