"""`make deploy`: choose the target, deploy the stacks with the real cdktf CLI, print the ids.

    python -m stacks.deploy [STACK...]        # make deploy [STACKS="tenant-dev"]
    python -m stacks.deploy --shard 3/8       # only shard 3 of 8 (see stacks.shards)

The target is Microsoft Graph when AZURE_TENANT_ID and AZURE_CLIENT_ID are set together with a
credential (AZURE_CLIENT_SECRET, AZURE_CLIENT_CERTIFICATE_PATH or AZURE_FEDERATED_TOKEN_FILE), or when
a method is chosen explicitly (INTUNE_USE_OIDC, INTUNE_USE_CLI, INTUNE_USE_MSI); otherwise the local
Graph emulator (started in the background, data kept in `.emulator/`, so a second deploy finds
everything in place and changes nothing). Stacks configured with their own tenants and
`client_secret_variable` take their secrets from `TF_VAR_<name>`. No prompt; no spinner and no
escape codes when the output is not a terminal (`make deploy > log`) or CI or NO_COLOR is set; the
exit code is cdktf's. Before anything starts, a missing or broken provider install
(`TF_CLI_CONFIG_FILE`) is reported with its fix instead of Terraform's `failed to request discovery
document`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from graph_emulator.cli import ENV_FILE, read_env_file
from intune_model import address as a
from intune_model.errors import IntuneError
from stacks.shards import SHARD_ENV
from terraform_provider_intune.mirror import installation_problem

ROOT = Path(__file__).resolve().parent.parent
IDS = (a.ENV_TENANT_ID, a.ENV_CLIENT_ID)
SECRETS = (a.ENV_CLIENT_SECRET, a.ENV_CLIENT_CERTIFICATE_PATH, a.ENV_FEDERATED_TOKEN_FILE)
CHOICES = (a.ENV_USE_OIDC, a.ENV_USE_CLI, a.ENV_USE_MSI)
CREDENTIALS = (*IDS, *SECRETS)
OUTPUTS = ROOT / "outputs.json"


def real_target(env: dict[str, str]) -> bool:
    """True when the environment configures a real tenant; SystemExit when it does so only halfway."""
    if any(env.get(n, "").strip().lower() in ("1", "true", "yes", "on") for n in CHOICES):
        return True
    ids = [n for n in IDS if env.get(n)]
    secrets = [n for n in SECRETS if env.get(n)]
    if len(ids) == len(IDS) and secrets:
        return True
    if ids or secrets:
        missing = [n for n in IDS if n not in ids] or [f"one of {', '.join(SECRETS)}"]
        raise SystemExit(
            f"make deploy: {', '.join(ids + secrets)} set but {', '.join(missing)} missing. Set "
            f"{' and '.join(IDS)} with a credential to target Microsoft Graph, or none to use the local "
            "emulator."
        )
    return False


def target_environment(env: dict[str, str], root: Path = ROOT) -> tuple[str, dict[str, str]]:
    """(description of the target, variables to add) — starting the emulator when needed."""
    if real_target(env):
        graph = env.get(a.ENV_GRAPH_ENDPOINT) or f"the {env.get(a.ENV_CLOUD) or 'public'} cloud"
        return f"Microsoft Graph ({graph})", {}
    data_dir = root / ".emulator"
    emulator = str(Path(sys.executable).with_name("graph-emulator"))
    # The export lines it prints hold the emulator's secret: keep them off the console, read env.sh.
    subprocess.run([emulator, "start", "--data-dir", str(data_dir)], check=True, stdout=subprocess.DEVNULL)
    extra = read_env_file(data_dir / ENV_FILE)
    return f"the LOCAL GRAPH EMULATOR at {extra[a.ENV_GRAPH_ENDPOINT]} (not Microsoft Graph)", extra


def shard_arguments(args: list[str]) -> tuple[list[str], str | None]:
    """(the stacks named, the shard of `--shard I/N` or `--shard=I/N`, checked) from the arguments."""
    from stacks.shards import parse_shard

    stacks: list[str] = []
    shard = None
    rest = iter(args)
    for arg in rest:
        if arg == "--shard" or arg.startswith("--shard="):
            value = arg.partition("=")[2] if "=" in arg else next(rest, "")
            shard = str(parse_shard(value))
        else:
            stacks.append(arg)
    return stacks, shard


def main(argv: list[str] | None = None, root: Path = ROOT) -> int:
    try:
        stacks, shard = shard_arguments(list(sys.argv[1:] if argv is None else argv))
        if shard is not None:  # the app then synthesizes only the shard's stacks
            os.environ[SHARD_ENV] = shard
        return _deploy(stacks or ["*"], root)
    except IntuneError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code


def plain_output(env: dict[str, str], interactive: bool) -> bool:
    """True unless a person watches a terminal: then cdktf may draw its spinner and colours."""
    return not interactive or bool(env.get("CI") or env.get("NO_COLOR")) or env.get("TERM") == "dumb"


def cdktf_deploy(
    stacks: list[str], env: dict[str, str], *, interactive: bool, root: Path = ROOT
) -> tuple[list[str], dict[str, str]]:
    """The cdktf command and its environment. cdktf draws a spinner (cursor moves, line erases)
    into a pipe too unless `CI` is set, and colours its log unless `--no-color`; so for a log file
    or a pipeline both are set, for cdktf only."""
    cmd = [
        str(root / "node_modules" / ".bin" / "cdktf"),
        "deploy",
        *stacks,
        "--auto-approve",
        "--skip-provider-lock",
        "--outputs-file",
        str(root / OUTPUTS.name),
    ]
    env = dict(env)
    if plain_output(env, interactive):
        cmd.append("--no-color")
        env.setdefault("CI", "1")
        env.update(NO_COLOR="1", FORCE_COLOR="0")
    return cmd, env


def _deploy(stacks: list[str], root: Path = ROOT) -> int:
    env = dict(os.environ)
    problem = installation_problem(env)
    if problem is not None:
        print(
            f"error: {problem}\n`make deploy` installs the provider into .tools/terraform and sets "
            "TF_CLI_CONFIG_FILE itself.",
            file=sys.stderr,
        )
        return 1
    target, extra = target_environment(env, root)
    env.update(extra)
    env.setdefault("CHECKPOINT_DISABLE", "1")
    print(f"Deploying the example stacks to {target}", flush=True)
    cmd, env = cdktf_deploy(stacks, env, interactive=sys.stdout.isatty(), root=root)
    outputs_file = root / OUTPUTS.name
    result = subprocess.run(cmd, cwd=root, env=env, stdin=subprocess.DEVNULL)
    if result.returncode != 0:
        print(f"cdktf deploy failed (exit {result.returncode}); target was {target}", file=sys.stderr)
        return result.returncode
    outputs = json.loads(outputs_file.read_text()) if outputs_file.exists() else {}
    print("\nCaptured ids:")
    for stack, values in sorted(outputs.items()):
        for name, value in sorted(values.items()):
            print(f"  {stack}.{name} = {value}")
    print(f"\nTarget: {target}.")
    if extra:
        print(
            "The emulator keeps running in the background (make emulator-stop stops it); its data is in "
            ".emulator/.\nSet AZURE_TENANT_ID, AZURE_CLIENT_ID and a credential (README, Authentication) to "
            "deploy to a real tenant."
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
