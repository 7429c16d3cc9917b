"""`cdktf deploy` of the example stack (cold: new project, nothing synthesized, initialised or
deployed; warm: the same again, nothing to change) against `terraform apply` of the stack it
synthesized (cold: `init` + `apply` from empty state; warm: `apply` with nothing to change)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from bench.context import Context
from bench.env import CDKTF, ROOT, Workdir, base_env
from bench.result import Row
from bench.timing import Samples, timed
from terraform_provider_intune.mirror import install

STACK = "intune-example"


def _project(ctx: Context, name: str) -> Path:
    path = ctx.dir(name)
    cfg = json.loads((ROOT / "cdktf.json").read_text())
    cfg["app"] = f"{sys.executable} -m stacks"
    (path / "cdktf.json").write_text(json.dumps(cfg))
    return path


def _plain_rc(ctx: Context) -> Path:
    """The product's own installer and launcher (no RSS wrapper): with the wrapper in the mirror, the
    cdktf CLI's closing `terraform output` reports a checksum mismatch of the cached provider."""
    rc = ctx.scratch / "plain-mirror" / "terraform.rc"
    return rc if rc.exists() else install(rc.parent)


def _env(ctx: Context) -> dict[str, str]:
    return base_env(
        {
            **ctx.provider_env(),
            "TF_CLI_CONFIG_FILE": str(_plain_rc(ctx)),
            "PYTHONPATH": str(ROOT),
            "INTUNE_STACKS_CONFIG": str(ROOT / "stacks" / "settings.json"),
            "CI": "1",
        }
    )


def _deploy(project: Path, env: dict[str, str]) -> None:
    cmd = [str(CDKTF), "deploy", STACK, "--auto-approve", "--skip-provider-lock"]
    proc = subprocess.run(cmd, cwd=project, env=env, capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        raise RuntimeError(f"cdktf deploy exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}")


class _Pair:
    """One cold+warm cycle for each side; each call returns its own seconds."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.project: Path | None = None
        self.ref: Workdir | None = None
        self.synthesized: Path | None = None

    def cdktf_cold(self) -> float:
        self.project = _project(self.ctx, "cdktf-project")
        env = _env(self.ctx)
        seconds = timed(lambda: _deploy(self.project or Path(), env))
        self.synthesized = self.project / "cdktf.out" / "stacks" / STACK
        return seconds

    def cdktf_warm(self) -> float:
        assert self.project is not None
        env = _env(self.ctx)
        return timed(lambda: _deploy(self.project or Path(), env))

    def terraform_cold(self) -> float:
        assert self.synthesized is not None
        # The same relative layout, so the stack's local backend path lands inside the copy.
        ref_root = self.ctx.dir("terraform-project")
        stack_dir = ref_root / "cdktf.out" / "stacks" / STACK
        stack_dir.mkdir(parents=True)
        shutil.copy(self.synthesized / "cdk.tf.json", stack_dir / "cdk.tf.json")
        self.ref = Workdir(stack_dir, _plain_rc(self.ctx), self.ctx.provider_env())

        def cold() -> None:
            assert self.ref is not None
            self.ref.init()
            self.ref.apply()

        return timed(cold)

    def terraform_warm(self) -> float:
        assert self.ref is not None
        return timed(self.ref.apply)


def cdktf_rows(ctx: Context) -> list[Row]:
    pair = _Pair(ctx)
    # Order matters inside a cycle (cold before warm, cdktf before terraform, which reuses its synth).
    cycle = {
        "cdktf_cold": pair.cdktf_cold,
        "terraform_cold": pair.terraform_cold,
        "cdktf_warm": pair.cdktf_warm,
        "terraform_warm": pair.terraform_warm,
    }
    samples = Samples()
    for _ in range(ctx.repeats(3)):
        for name, call in cycle.items():
            samples.add(name, call())
    return [
        Row(
            "`cdktf deploy` example stack (3 settings), cold",
            samples.median("cdktf_cold"),
            samples.median("terraform_cold"),
            "`terraform init` + `apply` of the synthesized stack",
        ),
        Row(
            "`cdktf deploy` example stack, warm (no change)",
            samples.median("cdktf_warm"),
            samples.median("terraform_warm"),
            "`terraform apply` of the synthesized stack, no change",
        ),
    ]
