"""The example app: configuration loading, TenantStack synthesis, state location, `python -m stacks`."""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
os.environ.setdefault("CHECKPOINT_DISABLE", "1")

ROOT = Path(__file__).resolve().parents[2]

import json  # noqa: E402
import subprocess  # noqa: E402
from typing import Any  # noqa: E402

import cdktf  # noqa: E402
import pytest  # noqa: E402

from intune_model.address import RESOURCE_TYPE  # noqa: E402
from intune_model.resources.derived_credential import SPEC  # noqa: E402
from intune_model.typed import validate_model  # noqa: E402
from stacks import (  # noqa: E402
    PROJECT_ROOT,
    ConfigError,
    SettingsEntry,
    TenantStack,
    build_app,
    load_config,
    parse_config,
    state_file,
)

EXAMPLE = ROOT / "stacks" / "settings.json"


def entry(key: str, **fields: Any) -> SettingsEntry:
    return SettingsEntry(key, validate_model(SPEC, fields))


def synth(stack: cdktf.TerraformStack) -> dict[str, Any]:
    return dict(json.loads(cdktf.Testing.synth(stack)))


def write(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps(data) if not isinstance(data, str) else data)
    return path


def one_stack(*entries: dict[str, Any], provider: Any = None, name: str = "t1") -> dict[str, Any]:
    stack: dict[str, Any] = {"name": name, "settings": list(entries)}
    if provider is not None:
        stack["provider"] = provider
    return {"stacks": [stack]}


# ----------------------------------------------------------------------------- config


def test_cdktf_json() -> None:
    cfg = json.loads((ROOT / "cdktf.json").read_text())
    assert cfg["language"] == "python"
    assert cfg["app"] == ".venv/bin/python -m stacks"
    assert cfg["sendCrashReports"] == "false"
    assert cfg["terraformProviders"] == [] and cfg["terraformModules"] == []
    assert len(cfg["projectId"]) == 36


def test_example_config_loads() -> None:
    config = load_config(EXAMPLE)
    assert [s.name for s in config.stacks] == ["intune-example"]
    stack = config.stacks[0]
    assert 2 <= len([e for e in stack.settings if e.resource_type == RESOURCE_TYPE]) <= 3
    by_key = {e.key: e for e in stack.settings}
    assert by_key["ios"].references == {"derived_credential_id": "purebred"}, "a profile using a setting"
    assert by_key["purebred"].construct_kwargs() == {
        "display_name": "Purebred derived credentials",
        "issuer": "purebred",
        "help_url": "https://example.com/derived-credentials/help",
        "notification_types": ["companyPortal", "email"],
        "renewal_threshold_percentage": 20,
    }
    assert by_key["entrust"].construct_kwargs() == {
        "display_name": "Entrust derived credentials",
        "issuer": "entrustDatacard",
    }
    assert stack.provider.kwargs() == {}


def test_provider_section(tmp_path: Path) -> None:
    provider = {"tenant_id": "contoso.onmicrosoft.us", "graph_endpoint": "https://graph.microsoft.us"}
    config = load_config(write(tmp_path, one_stack(provider=provider)))
    assert config.stacks[0].provider.kwargs() == provider


@pytest.mark.parametrize(
    ("bad", "field", "says"),
    [
        ({"issuer": "String"}, "issuer", "intercede, entrustDatacard, purebred, xTec"),
        ({"issuer": None}, "issuer", "intercede, entrustDatacard, purebred, xTec"),
        ({"notification_types": ["sms"]}, "notification_types", "none, companyPortal, email"),
        ({"renewal_threshold_percentage": 150}, "renewal_threshold_percentage", "0 to 100"),
        ({"renewal_threshold_percentage": "20"}, "renewal_threshold_percentage", "0 to 100"),
        ({"help_url": "ftp://x/y"}, "help_url", "absolute http(s) URL"),
        ({"display_name": " "}, "display_name", "blank"),
        ({"colour": "red"}, "colour", "unknown field"),
    ],
)
def test_bad_entry_names_file_entry_and_field(
    tmp_path: Path, bad: dict[str, Any], field: str, says: str
) -> None:
    good = {"key": "good", "display_name": "G", "issuer": "purebred"}
    path = write(tmp_path, one_stack(good, {**good, "key": "broken", **bad}))
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert isinstance(info.value, ValueError)
    assert str(path) in message
    assert "settings[1]" in message and "'broken'" in message and "'t1'" in message
    assert f"{field}:" in message and says in message


def test_missing_required_fields_listed_together(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, one_stack({"key": "empty"})))
    message = str(info.value)
    assert "display_name: is required" in message and "issuer: is required" in message


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ("{not json", "not valid JSON"),
        ([], '"stacks" list'),
        ({"stacks": [], "extra": 1}, "unknown top-level keys"),
        ({"stacks": [{"name": "bad name", "settings": []}]}, "not a valid stack name"),
        ({"stacks": [{"name": "a", "settings": []}, {"name": "a", "settings": []}]}, "duplicate stack name"),
        ({"stacks": [{"name": "a", "settings": [], "tenant": "x"}]}, "unknown keys"),
        (
            one_stack({"key": "has space", "display_name": "x", "issuer": "xTec"}),
            "key 'has space' is not valid",
        ),
        (one_stack({"display_name": "x", "issuer": "xTec"}), "key None is not valid"),
        (
            one_stack(
                {"key": "a", "display_name": "x", "issuer": "xTec"},
                {"key": "a", "display_name": "y", "issuer": "xTec"},
            ),
            "duplicate key 'a'",
        ),
        (one_stack(provider={"client_secret": "s3cret"}), "secrets never go in this file"),
        (one_stack(provider={"graph_endpoint": "http://graph.microsoft.com"}), "graph_endpoint"),
        (one_stack(provider={"tenant_id": ""}), "tenant_id"),
    ],
)
def test_structural_errors_name_the_file(tmp_path: Path, data: Any, says: str) -> None:
    path = write(tmp_path, data)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(path) in str(info.value) and says in str(info.value)


def test_missing_file() -> None:
    with pytest.raises(ConfigError, match=r"nope\.json: configuration file not found"):
        load_config("nope.json")


def test_parse_config_without_file() -> None:
    config = parse_config(one_stack({"key": "a", "display_name": "A", "issuer": "xTec"}))
    assert config.source is None and config.stacks[0].settings[0].key == "a"


# ----------------------------------------------------------------------------- TenantStack


def test_tenant_stack_synth() -> None:
    app = cdktf.Testing.app()
    stack = TenantStack(
        app,
        "intune-example",
        settings=[
            entry(
                "purebred", display_name="P", issuer="purebred", notification_types=["email", "companyPortal"]
            ),
            entry("entrust", display_name="E", issuer="entrustDatacard"),
        ],
        tenant_id="contoso.onmicrosoft.com",
    )
    out = synth(stack)
    assert out["provider"] == {"intune": [{"tenant_id": "contoso.onmicrosoft.com"}]}
    assert out["resource"][RESOURCE_TYPE] == {
        "purebred": {
            "display_name": "P",
            "issuer": "purebred",
            "notification_types": ["companyPortal", "email"],
        },
        "entrust": {"display_name": "E", "issuer": "entrustDatacard"},
    }
    assert {k: v["value"] for k, v in out["output"].items()} == {
        "purebred_id": "${intune_derived_credential.purebred.id}",
        "entrust_id": "${intune_derived_credential.entrust.id}",
    }
    assert set(stack.derived_credentials) == {"purebred", "entrust"}


def test_state_lives_outside_cdktf_out_and_is_stable(tmp_path: Path) -> None:
    paths = []
    for _ in range(2):
        app = cdktf.App(outdir=str(tmp_path / "cdktf.out"))
        stack = TenantStack(
            app, "s1", settings=[entry("a", display_name="A", issuer="xTec")], state_dir=tmp_path
        )
        backend = synth(stack)["terraform"]["backend"]["local"]["path"]
        paths.append(backend)
    assert paths[0] == paths[1] == "../../../terraform.s1.tfstate"
    workdir = tmp_path / "cdktf.out" / "stacks" / "s1"
    assert (workdir / paths[0]).resolve() == tmp_path / "terraform.s1.tfstate" == stack.state_path
    assert state_file("s1") == Path.cwd().resolve() / "terraform.s1.tfstate"
    assert PROJECT_ROOT == ROOT


def test_default_state_is_in_the_directory_the_app_runs_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = cdktf.Testing.app()
    stack = TenantStack(app, "s2", settings=[])
    path = synth(stack)["terraform"]["backend"]["local"]["path"]
    workdir = Path(os.path.abspath(app.outdir)) / "stacks" / "s2"
    assert (workdir / path).resolve() == tmp_path.resolve() / "terraform.s2.tfstate"


def test_tenant_stack_rejects_bad_names_and_duplicates() -> None:
    app = cdktf.Testing.app()
    with pytest.raises(ValueError, match="stack name"):
        TenantStack(app, "bad name", settings=[])
    a = entry("a", display_name="A", issuer="xTec")
    with pytest.raises(ValueError, match=r"duplicate settings keys \['a'\]"):
        TenantStack(app, "dup", settings=[a, a])
    with pytest.raises(ValueError, match="settings key"):
        entry("bad key", display_name="A", issuer="xTec")


def test_build_app_from_example_config() -> None:
    app = cdktf.Testing.app()
    stacks = build_app(app, load_config(EXAMPLE))
    assert [s.node.id for s in stacks] == ["intune-example"]
    out = synth(stacks[0])
    assert sorted(out["resource"][RESOURCE_TYPE]) == sorted(
        e.key for e in load_config(EXAMPLE).stacks[0].settings if e.resource_type == RESOURCE_TYPE
    )
    profile = out["resource"]["intune_ios_derived_credential_profile"]["ios"]
    assert profile["derived_credential_id"] == "${intune_derived_credential.purebred.id}"


def test_python_m_stacks_synthesizes(tmp_path: Path) -> None:
    env = {**os.environ, "CDKTF_OUTDIR": str(tmp_path / "out"), "INTUNE_STACKS_CONFIG": str(EXAMPLE)}
    subprocess.run([sys.executable, "-m", "stacks"], cwd=ROOT, env=env, check=True, capture_output=True)
    out = json.loads((tmp_path / "out" / "stacks" / "intune-example" / "cdk.tf.json").read_text())
    assert "purebred" in out["resource"][RESOURCE_TYPE]
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert list(manifest["stacks"]) == ["intune-example"]


def test_python_m_stacks_reports_config_errors(tmp_path: Path) -> None:
    bad = write(tmp_path, one_stack({"key": "oops", "display_name": "x", "issuer": "String"}))
    env = {**os.environ, "CDKTF_OUTDIR": str(tmp_path / "out"), "INTUNE_STACKS_CONFIG": str(bad)}
    result = subprocess.run(
        [sys.executable, "-m", "stacks"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 2
    assert str(bad) in result.stderr and "'oops'" in result.stderr and "issuer" in result.stderr


def test_hcl_app_synth_writes_complete_stack(tmp_path: Path) -> None:
    # What `cdktf synth --hcl` does. `App(hcl_output=True)` alone is not enough in cdktf 0.21: the
    # stacks read SYNTH_HCL_OUTPUT from the Node process's environment, fixed when jsii starts.
    env = {**os.environ, "CDKTF_OUTDIR": str(tmp_path / "out"), "SYNTH_HCL_OUTPUT": "true"}
    env["INTUNE_STACKS_CONFIG"] = str(EXAMPLE)
    subprocess.run([sys.executable, "-m", "stacks"], cwd=ROOT, env=env, check=True, capture_output=True)
    hcl = (tmp_path / "out" / "stacks" / "intune-example" / "cdk.tf").read_text()
    flat = " ".join(hcl.split())
    assert 'resource "intune_derived_credential" "purebred" {' in hcl
    for line in (
        'display_name = "Purebred derived credentials"',
        'issuer = "purebred"',
        'help_url = "https://example.com/derived-credentials/help"',
        "renewal_threshold_percentage = 20",
        'issuer = "entrustDatacard"',
        'backend "local" {',
        'source = "terraform.local/intune/intune"',
    ):
        assert line in hcl, line
    assert 'notification_types = [ "companyPortal", "email" ]' in flat
    assert 'value = "${intune_derived_credential.entrust.id}"' in hcl


def test_provider_reliability_arguments_come_from_the_settings_file(tmp_path: Path) -> None:
    raw = {
        "stacks": [
            {"name": "t", "provider": {"timeout_seconds": 120, "write_limit": 50}, "settings": []},
        ]
    }
    config = parse_config(raw, source=tmp_path / "s.json")
    assert config.stacks[0].provider.kwargs() == {"timeout_seconds": 120, "write_limit": 50}
    app = cdktf.Testing.app()
    (stack,) = build_app(app, config, state_dir=tmp_path)
    provider = synth(stack)["provider"]["intune"][0]
    assert (provider["timeout_seconds"], provider["write_limit"]) == (120, 50)
    for bad in ({"timeout_seconds": True}, {"write_limit": "5"}, {"write_window_seconds": -1}):
        with pytest.raises(ConfigError, match=next(iter(bad))):
            parse_config(
                {"stacks": [{"name": "t", "provider": bad, "settings": []}]}, source=tmp_path / "s.json"
            )


def test_every_bad_entry_is_reported_with_its_line(tmp_path: Path) -> None:
    entries = [
        {"key": "ok", "display_name": "A", "issuer": "xTec"},
        {"key": "broken", "display_name": "", "issuer": "String"},
        {"key": "ok", "display_name": "B", "issuer": "xTec"},
    ]
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"stacks": [{"name": "t1", "settings": entries}]}, indent=1))
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    broken = "line 11: stacks[0] ('t1') settings[1] (key 'broken')"
    assert f"{broken}: display_name: must not be empty" in message
    assert f"{broken}: issuer: 'String' is not an issuer" in message
    twin = "line 16: stacks[0] ('t1') settings[2] (key 'ok')"
    assert f"{twin}: duplicate key 'ok', first used on line 6" in message


def test_one_stack_one_provider_many_tenants(tmp_path: Path) -> None:
    """Entries with a `tenant_id` put their object in that tenant: one stack, one provider
    configuration, one plugin process for the estate; `import_id` is imported from that tenant."""
    fabrikam = "3f2504e0-4f89-41d3-9a0c-0305e82c3301"
    config = load_config(
        write(
            tmp_path,
            one_stack(
                {"key": "home", "display_name": "H", "issuer": "purebred"},
                {
                    "key": "contoso",
                    "tenant_id": "contoso.onmicrosoft.com",
                    "display_name": "C",
                    "issuer": "xTec",
                },
                {
                    "key": "adopted",
                    "tenant_id": fabrikam,
                    "import_id": "abc",
                    "display_name": "A",
                    "issuer": "xTec",
                },
                name="estate",
            ),
        )
    )
    (stack_config,) = config.stacks
    stack = TenantStack(cdktf.Testing.app(), "estate", settings=stack_config.settings)
    out = synth(stack)
    resources = out["resource"][RESOURCE_TYPE]
    assert "tenant_id" not in resources["home"]
    assert resources["contoso"]["tenant_id"] == "contoso.onmicrosoft.com"
    assert resources["adopted"]["tenant_id"] == fabrikam
    assert [i["id"] for i in out["import"]] == [f"{fabrikam}/abc"]
    assert len(out["provider"]["intune"]) == 1

    with pytest.raises(ConfigError) as info:
        load_config(
            write(
                tmp_path,
                one_stack({"key": "bad", "tenant_id": "contoso", "display_name": "B", "issuer": "xTec"}),
            )
        )
    assert (
        "'bad'" in str(info.value)
        and "tenant_id:" in str(info.value)
        and "contoso.onmicrosoft.com" in str(info.value)
    )
