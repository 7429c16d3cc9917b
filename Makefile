# Two commands matter: `make deploy` and `make test`. Everything else is a step they share.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# A second, small venv with CDK Terrain (`cdktn`) instead of CDKTF: the example deploys with both.
VENV_CDKTN := .venv-cdktn
CDKTF := node_modules/.bin/cdktf
TOOLS := .tools
TF_RC := $(CURDIR)/$(TOOLS)/terraform/terraform.rc

export CHECKPOINT_DISABLE := 1
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export TF_CLI_CONFIG_FILE := $(TF_RC)
export TF_IN_AUTOMATION := 1
# Providers come from the local mirror; keep cdktf off the shared ~/.terraform.d/plugin-cache.
export CDKTF_DISABLE_PLUGIN_CACHE_ENV := 1

.PHONY: deploy test unit lint typecheck check fmt docs constructs help emulator emulator-stop synth bench clean

deploy: $(BIN)/.installed $(CDKTF) $(TF_RC) ## deploy the example stacks (to the local emulator unless AZURE_* credentials are set)
	$(BIN)/python -m stacks.deploy $(STACKS)

# Three workers, a test file each: most end-to-end time is Terraform and the emulator waiting (read lag,
# latency), so 3 workers on 2 cores take the suite from about 20 to about 11 minutes.
test: check $(CDKTF) $(TF_RC) $(VENV_CDKTN)/bin/.installed ## lint, type-check, then every test (unit and end-to-end)
	$(BIN)/pytest -q -n 3 --dist loadfile

unit: $(BIN)/.installed ## only the fast tests
	$(BIN)/pytest -q tests/unit -m "not e2e and not cdktf_cli"

check: lint typecheck ## lint and type-check

# The documented GitHub workflow is linted like code (actionlint, with shellcheck on its `run:`
# scripts): a retired action runtime or a wrong input fails here, not in a user's pipeline.
WORKFLOWS := docs/pipelines/github-actions.yml docs/pipelines/release.yml
SCRIPTS := docs/pipelines/intune-pipeline.sh .ci/run

lint: $(BIN)/.installed ## ruff (lint and format check), actionlint on the documented workflow, shellcheck
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/actionlint -shellcheck=$(BIN)/shellcheck -pyflakes= $(WORKFLOWS)
	$(BIN)/shellcheck $(SCRIPTS)

typecheck: $(BIN)/.installed ## mypy --strict
	$(BIN)/mypy

fmt: $(BIN)/.installed ## format the code and apply ruff's safe fixes
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

docs: $(BIN)/.installed ## regenerate docs/ (Registry layout) from the provider's live schema
	$(BIN)/python -m terraform_provider_intune.docs

constructs: $(BIN)/.installed $(CDKTF) ## regenerate the constructs (constructs_lib/<spec>.py) and their binding from the specs
	$(BIN)/python -m constructs_lib._generate
	$(BIN)/python -m constructs_lib._bindings

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{ printf "  make %-14s %s\n", $$1, $$2 }'

synth: $(BIN)/.installed $(CDKTF) ## synthesize the example stacks into cdktf.out
	$(CDKTF) synth

emulator: $(BIN)/.installed ## start the local Graph emulator in the background and print its variables
	$(BIN)/graph-emulator start --data-dir .emulator

emulator-stop: ## stop the background emulator (its data stays in .emulator/)
	-$(BIN)/graph-emulator stop --data-dir .emulator

bench: $(BIN)/.bench-installed $(CDKTF) $(TF_RC) ## side-by-side timings with ratios; writes docs/benchmarks.md
	$(BIN)/python -m bench

$(BIN)/.bench-installed: $(BIN)/.installed
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $@

clean: emulator-stop ## remove the venvs, node_modules, tools, synth output and emulator data
	rm -rf $(VENV) $(VENV_CDKTN) node_modules $(TOOLS) cdktf.out .emulator terraform.*.tfstate* outputs.json

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

# The package with the [cdktn] extra and no cdktf: the example deploys with `cdktn` from this venv.
$(VENV_CDKTN)/bin/.installed: pyproject.toml
	test -x $(VENV_CDKTN)/bin/python || $(PYTHON) -m venv $(VENV_CDKTN)
	$(VENV_CDKTN)/bin/python -m pip install --quiet -e '.[cdktn]'
	touch $@

# package-lock.json pins the whole npm tree; after editing package.json run `npm install` and commit both.
$(CDKTF): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The launcher's bytes are the same on every machine (lock files hold); the venv's Python is recorded
# beside terraform.rc in python-path, so a rebuilt venv (or a new installer) writes it again.
$(TF_RC): $(BIN)/.installed terraform_provider_intune/mirror.py
	$(BIN)/intune-provider install --dir $(TOOLS)/terraform
