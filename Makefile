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

.PHONY: deploy test unit lint typecheck check emulator emulator-stop synth bench clean

deploy: $(BIN)/.installed $(CDKTF) $(TF_RC) ## deploy the example stacks (to the local emulator unless AZURE_* credentials are set)
	$(BIN)/python -m stacks.deploy $(STACKS)

test: check $(CDKTF) $(TF_RC) $(VENV_CDKTN)/bin/.installed ## lint, type-check, then every test (unit and end-to-end)
	$(BIN)/pytest -q

unit: $(BIN)/.installed ## only the fast tests
	$(BIN)/pytest -q -m "not e2e and not cdktf_cli"

check: lint typecheck

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(BIN)/.installed
	$(BIN)/mypy

synth: $(BIN)/.installed $(CDKTF)
	$(CDKTF) synth

emulator: $(BIN)/.installed ## start the local Graph emulator in the background and print its variables
	$(BIN)/graph-emulator start --data-dir .emulator

emulator-stop:
	-$(BIN)/graph-emulator stop --data-dir .emulator

bench: $(BIN)/.bench-installed $(CDKTF) $(TF_RC) ## side-by-side timings with ratios; writes docs/benchmarks.md
	$(BIN)/python -m bench

$(BIN)/.bench-installed: $(BIN)/.installed
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $@

clean: emulator-stop
	rm -rf $(VENV) $(VENV_CDKTN) node_modules $(TOOLS) cdktf.out .emulator terraform.*.tfstate* outputs.json

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

# The package with the [cdktn] extra and without cdktf (while the base install still pulls cdktf,
# its requirements are listed from pyproject.toml less cdktf; then the package goes in alone).
$(VENV_CDKTN)/bin/.installed: pyproject.toml
	test -x $(VENV_CDKTN)/bin/python || $(PYTHON) -m venv $(VENV_CDKTN)
	$(VENV_CDKTN)/bin/python -c 'import tomllib; p = tomllib.load(open("pyproject.toml", "rb"))["project"]; \
		print("\n".join(d for d in p["dependencies"] + p["optional-dependencies"]["cdktn"] if not d.startswith("cdktf")))' \
		> $(VENV_CDKTN)/requirements.txt
	$(VENV_CDKTN)/bin/python -m pip install --quiet -r $(VENV_CDKTN)/requirements.txt
	$(VENV_CDKTN)/bin/python -m pip install --quiet --no-deps -e .
	touch $@

$(CDKTF): package.json
	npm install --no-audit --no-fund --loglevel=error
	touch $@

$(TF_RC): $(BIN)/.installed
	$(BIN)/intune-provider install --dir $(TOOLS)/terraform
