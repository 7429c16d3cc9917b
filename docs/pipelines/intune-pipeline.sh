#!/usr/bin/env bash
# The pipeline steps of docs/pipelines/github-actions.yml and docs/pipelines/azure-pipelines.yml,
# runnable on any CI system or a laptop (and run by tests/e2e/test_e2e_pipeline.py against the emulator).
#
#   intune-pipeline.sh provider              install the provider into a local Terraform mirror
#   intune-pipeline.sh diff   [STACK...]     cdktf diff for each stack (readable plan; PR review)
#   intune-pipeline.sh plan   [STACK...]     terraform plan per stack, saved plans + text in $OUT;
#                                            exit 0 = no changes, 2 = changes, 1 = error
#   intune-pipeline.sh deploy [STACK...]     cdktf deploy --auto-approve; outputs in $OUT/outputs.json
#
# No STACK means every stack of the app. Run from the directory holding cdktf.json. Never prompts;
# no colour, spinner or escape codes when CI or NO_COLOR is set or the output is not a terminal;
# exits non-zero when anything fails (and before running Terraform when the provider is not installed).
#
# Environment: CDKTF (default: npx --no-install cdktf), INTUNE_PROVIDER (default: intune-provider),
# INTUNE_TOOLS_DIR (mirror, default ./.tools/terraform), INTUNE_PIPELINE_OUT (default ./pipeline-out),
# INTUNE_PARALLELISM (stacks deployed at once, default all), plus the credentials (README).
set -euo pipefail

export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 TF_INPUT=0
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
# The provider comes from the local mirror: a shared plugin cache adds nothing, and another
# checkout's install of the same version (the same bytes) cached there would run that checkout's venv.
export CDKTF_DISABLE_PLUGIN_CACHE_ENV=${CDKTF_DISABLE_PLUGIN_CACHE_ENV:-1}
NO_COLOR_FLAG=()
if [[ -n "${CI:-}" || -n "${NO_COLOR:-}" || ! -t 1 ]]; then
  # cdktf draws its spinner even into a pipe unless CI is set
  export NO_COLOR=1 FORCE_COLOR=0 CI=${CI:-1}
  NO_COLOR_FLAG=(-no-color)
fi

read -r -a CDKTF_CMD <<< "${CDKTF:-npx --no-install cdktf}"
INTUNE_PROVIDER=${INTUNE_PROVIDER:-intune-provider}
TOOLS_DIR=${INTUNE_TOOLS_DIR:-$PWD/.tools/terraform}
OUT=${INTUNE_PIPELINE_OUT:-$PWD/pipeline-out}
export TF_CLI_CONFIG_FILE=${TF_CLI_CONFIG_FILE:-$TOOLS_DIR/terraform.rc}
mkdir -p "$OUT"

stacks() {  # the requested stacks, or every stack in the synthesized manifest
  if (($#)); then printf '%s\n' "$@"; return; fi
  python3 -c 'import json, sys; print("\n".join(json.load(open(sys.argv[1]))["stacks"]))' cdktf.out/manifest.json
}

need_provider() {  # Terraform alone would say only "failed to request discovery document"
  [[ -f "$TF_CLI_CONFIG_FILE" ]] && return 0
  echo "error: no Terraform CLI config at $TF_CLI_CONFIG_FILE (TF_CLI_CONFIG_FILE), so terraform init" \
    "cannot find terraform.local/intune/intune. Run '$0 provider' first (intune-provider install)," \
    "or point TF_CLI_CONFIG_FILE at a CLI config naming the provider's mirror" \
    "(README: Install in your own repository)." >&2
  exit 1
}

step=${1:-}
shift || true
case "$step" in diff | plan | deploy) need_provider ;; esac
case "$step" in
  provider)
    "$INTUNE_PROVIDER" install --dir "$TOOLS_DIR"
    # Later steps of the same job find the mirror through TF_CLI_CONFIG_FILE.
    [[ -n "${GITHUB_ENV:-}" ]] && echo "TF_CLI_CONFIG_FILE=$TOOLS_DIR/terraform.rc" >> "$GITHUB_ENV"
    [[ -n "${TF_BUILD:-}" ]] && echo "##vso[task.setvariable variable=TF_CLI_CONFIG_FILE]$TOOLS_DIR/terraform.rc"
    exit 0
    ;;
  diff)
    "${CDKTF_CMD[@]}" synth
    while read -r stack; do
      "${CDKTF_CMD[@]}" diff "$stack" --skip-synth --skip-provider-lock
    done < <(stacks "$@")
    ;;
  plan)
    "${CDKTF_CMD[@]}" synth
    result=0
    while read -r stack; do
      dir="cdktf.out/stacks/$stack"
      terraform -chdir="$dir" init -input=false "${NO_COLOR_FLAG[@]}" > "$OUT/init-$stack.log"
      set +e
      terraform -chdir="$dir" plan -input=false -detailed-exitcode -lock-timeout=5m "${NO_COLOR_FLAG[@]}" \
        -out=tfplan > "$OUT/plan-$stack.txt"
      code=$?
      set -e
      cat "$OUT/plan-$stack.txt"
      case $code in
        0) echo "::: $stack: no changes" ;;
        2) echo "::: $stack: changes"; ((result == 0)) && result=2 ;;
        *) echo "::: $stack: plan failed (exit $code)" >&2; result=1 ;;
      esac
    done < <(stacks "$@")
    exit "$result"
    ;;
  deploy)
    targets=("$@")
    ((${#targets[@]})) || targets=("*")
    "${CDKTF_CMD[@]}" deploy "${targets[@]}" --auto-approve --skip-provider-lock \
      --parallelism "${INTUNE_PARALLELISM:--1}" --outputs-file "$OUT/outputs.json"
    ;;
  *)
    echo "usage: $0 provider|diff|plan|deploy [STACK...]" >&2
    exit 64
    ;;
esac
