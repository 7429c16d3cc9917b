"""`make deploy`: choose the target, deploy every stack with the real cdktf CLI, print the ids.

The target is Microsoft Graph when AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET are all
set, otherwise the local Graph emulator (started in the background, data kept in `.emulator/`, so
a second deploy finds everything in place and changes nothing).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from graph_emulator.cli import ENV_FILE, read_env_file
from intune_model.address import (
    DEFAULT_GRAPH_ENDPOINT,
    ENV_CLIENT_ID,
    ENV_CLIENT_SECRET,
    ENV_GRAPH_ENDPOINT,
    ENV_TENANT_ID,
)

ROOT = Path(__file__).resolve().parent.parent
CREDENTIALS = (ENV_TENANT_ID, ENV_CLIENT_ID, ENV_CLIENT_SECRET)
OUTPUTS = ROOT / "outputs.json"


def target_environment(env: dict[str, str]) -> tuple[str, dict[str, str]]:
    """(description of the target, variables to add) — starting the emulator when needed."""
    present = [name for name in CREDENTIALS if env.get(name)]
    if len(present) == len(CREDENTIALS):
        return f"Microsoft Graph at {env.get(ENV_GRAPH_ENDPOINT) or DEFAULT_GRAPH_ENDPOINT}", {}
    if present:
        missing = ", ".join(n for n in CREDENTIALS if n not in present)
        raise SystemExit(
            f"make deploy: {', '.join(present)} set but {missing} missing. Set all of "
            f"{', '.join(CREDENTIALS)} to target Microsoft Graph, or none to use the local emulator."
        )
    data_dir = ROOT / ".emulator"
    emulator = str(Path(sys.executable).with_name("graph-emulator"))
    # The export lines it prints hold the emulator's secret: keep them off the console, read env.sh.
    subprocess.run([emulator, "start", "--data-dir", str(data_dir)], check=True, stdout=subprocess.DEVNULL)
    extra = read_env_file(data_dir / ENV_FILE)
    return f"the LOCAL GRAPH EMULATOR at {extra[ENV_GRAPH_ENDPOINT]} (not Microsoft Graph)", extra


def main() -> int:
    env = dict(os.environ)
    target, extra = target_environment(env)
    env.update(extra)
    env.setdefault("CHECKPOINT_DISABLE", "1")
    print(f"Deploying the example stacks to {target}", flush=True)
    cdktf = ROOT / "node_modules" / ".bin" / "cdktf"
    cmd = [
        str(cdktf),
        "deploy",
        "*",
        "--auto-approve",
        "--skip-provider-lock",
        "--outputs-file",
        str(OUTPUTS),
    ]
    result = subprocess.run(cmd, cwd=ROOT, env=env)
    if result.returncode != 0:
        print(f"cdktf deploy failed (exit {result.returncode}); target was {target}", file=sys.stderr)
        return result.returncode
    outputs = json.loads(OUTPUTS.read_text()) if OUTPUTS.exists() else {}
    print("\nCaptured ids:")
    for stack, values in sorted(outputs.items()):
        for name, value in sorted(values.items()):
            print(f"  {stack}.{name} = {value}")
    print(f"\nTarget: {target}.")
    if extra:
        print(
            "The emulator keeps running in the background (make emulator-stop stops it); its data is in "
            ".emulator/.\nSet AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET to deploy to a real "
            "tenant."
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
