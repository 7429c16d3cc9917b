"""What other teams expect of the construct library: documented public API with examples, repr,
`__all__`, data source constructs, `from_config`/`from_file` with file-and-line errors, and the
one-line synth-and-assert helper offered by the pytest plugin."""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import cdktf
import pytest

import constructs_lib
from constructs_lib import (
    DataIntuneDerivedCredential,
    DataIntuneDerivedCredentials,
    DerivedCredentialSettings,
    IntuneProvider,
    Issuer,
    NotificationType,
    SettingsFileError,
    SettingsInvalid,
)
from constructs_lib.testing import assert_synth, synthesized

ROOT = Path(__file__).resolve().parents[2]


def new_stack() -> cdktf.TerraformStack:
    stack = cdktf.TerraformStack(cdktf.Testing.app(), "test")
    IntuneProvider(stack, "intune")
    return stack


def test_public_api_is_listed_documented_and_has_examples() -> None:
    for name in constructs_lib.__all__:
        assert hasattr(constructs_lib, name), name
    assert constructs_lib.__version__ == constructs_lib.__dict__["__version__"]
    for cls in (
        DerivedCredentialSettings,
        IntuneProvider,
        DataIntuneDerivedCredential,
        DataIntuneDerivedCredentials,
    ):
        doc = inspect.getdoc(cls) or ""
        assert "Example::" in doc, cls
        for param in inspect.signature(cls.__init__).parameters:
            if param != "self":
                assert f"{param}:" in doc or f"{param}," in doc, f"{cls.__name__}: {param} undocumented"
    for method in (DerivedCredentialSettings.from_config, DerivedCredentialSettings.from_file):
        assert "Example::" in (inspect.getdoc(method) or "")


def test_repr() -> None:
    stack = new_stack()
    s = DerivedCredentialSettings(stack, "p", display_name="P", issuer=Issuer.PUREBRED)
    assert repr(s) == "DerivedCredentialSettings('p', display_name='P', issuer='purebred')"
    assert repr(IntuneProvider(stack, "gov", alias="gov")) == "IntuneProvider('gov', alias='gov')"
    assert repr(DataIntuneDerivedCredentials(stack, "all")) == "DataIntuneDerivedCredentials('all')"


def test_data_source_constructs_synthesize() -> None:
    stack = new_stack()
    one = DataIntuneDerivedCredential(stack, "portal", display_name="Set up in the portal")
    every = DataIntuneDerivedCredentials(stack, "purebred", issuer=Issuer.PUREBRED)
    cdktf.TerraformOutput(stack, "issuer", value=one.issuer)
    cdktf.TerraformOutput(stack, "ids", value=every.ids)
    doc = synthesized(stack)
    assert doc["data"]["intune_derived_credential"]["portal"]["display_name"] == "Set up in the portal"
    assert doc["data"]["intune_derived_credentials"]["purebred"]["issuer"] == "purebred"
    assert doc["output"]["issuer"]["value"] == "${data.intune_derived_credential.portal.issuer}"
    assert doc["output"]["ids"]["value"] == "${data.intune_derived_credentials.purebred.ids}"
    assert_synth(stack, DataIntuneDerivedCredentials, issuer=Issuer.PUREBRED)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "give exactly one of id "),
        ({"id": "a", "display_name": "b"}, "exactly one"),
        ({"display_name": " "}, "non-blank"),
    ],
)
def test_one_data_source_needs_exactly_one_key(kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsInvalid, match=message):
        DataIntuneDerivedCredential(new_stack(), "x", **kwargs)


def test_issuer_filter_is_checked() -> None:
    with pytest.raises(SettingsInvalid, match="'acme' is not an issuer"):
        DataIntuneDerivedCredentials(new_stack(), "x", issuer="acme")


def test_from_config() -> None:
    stack = new_stack()
    DerivedCredentialSettings.from_config(
        stack, "p", {"display_name": "P", "issuer": "xTec", "notification_types": ["email"]}
    )
    assert_synth(
        stack, DerivedCredentialSettings, issuer=Issuer.X_TEC, notification_types=[NotificationType.EMAIL]
    )
    with pytest.raises(SettingsInvalid) as err:
        DerivedCredentialSettings.from_config(stack, "q", {"display_name": "Q", "isuer": "xTec", "colour": 1})
    assert [f for f, _ in err.value.problems] == ["isuer", "colour"]
    with pytest.raises(SettingsInvalid, match="issuer: is required"):
        DerivedCredentialSettings.from_config(stack, "r", {"display_name": "R"})


def test_from_file_adopts_and_reports_file_and_line(tmp_path: Path) -> None:
    good = tmp_path / "settings.json"
    good.write_text(
        json.dumps(
            {
                "settings": [
                    {"key": "p", "display_name": "P", "issuer": "purebred"},
                    {"key": "q", "import_id": "existing-id", "display_name": "Q", "issuer": "intercede"},
                ]
            }
        )
    )
    stack = new_stack()
    made = DerivedCredentialSettings.from_file(stack, good)
    assert list(made) == ["p", "q"]
    assert synthesized(stack)["import"] == [{"id": "existing-id", "to": "intune_derived_credential.q"}]

    bad = tmp_path / "bad.json"
    bad.write_text(
        textwrap.dedent("""\
        {"stacks": [
          {"name": "prod",
           "settings": [
             {"key": "ok", "display_name": "OK", "issuer": "purebred"},
             {"key": "wrong",
              "display_name": "W", "issuer": "acme", "renewal_threshold_percentage": 150},
             {"key": "ok", "display_name": "Again", "issuer": "xTec"}
           ]}
        ]}
        """)
    )
    with pytest.raises(SettingsFileError) as err:
        DerivedCredentialSettings.from_file(new_stack(), bad)
    text = str(err.value)
    assert f"{bad}:5: stack 'prod' settings[1] (key 'wrong'): issuer: 'acme' is not an issuer" in text
    assert f"{bad}:5: stack 'prod' settings[1] (key 'wrong'): renewal_threshold_percentage" in text
    assert f"{bad}:7: stack 'prod' settings[2] (key 'ok'): duplicate key 'ok', first used on line 4" in text
    broken = tmp_path / "broken.json"
    broken.write_text('{"settings": [\n  {"key": "x",}\n]}')
    with pytest.raises(SettingsFileError, match=r"broken.json:2: not valid JSON"):
        DerivedCredentialSettings.from_file(new_stack(), broken)
    with pytest.raises(SettingsFileError, match="no stack named 'dev'; the file has prod"):
        DerivedCredentialSettings.from_file(new_stack(), bad, stack="dev")


def test_assert_synth_failure_shows_what_is_there() -> None:
    stack = new_stack()
    DerivedCredentialSettings(stack, "p", display_name="P", issuer="purebred")
    with pytest.raises(AssertionError) as err:
        assert_synth(stack, DerivedCredentialSettings, issuer="xTec")
    assert "resource.intune_derived_credential.p" in str(err.value) and '"issuer": "purebred"' in str(
        err.value
    )
    with pytest.raises(AssertionError, match="no intune_derived_credential at all"):
        assert_synth(new_stack(), "intune_derived_credential")


def test_the_pytest_plugin_offers_the_helper_and_the_emulator(tmp_path: Path) -> None:
    """A user's suite, run by pytest in a subprocess, with nothing but the installed package."""
    (tmp_path / "test_user_stack.py").write_text(
        textwrap.dedent("""\
        import cdktf
        from constructs_lib import DerivedCredentialSettings, IntuneProvider, Issuer

        def test_stack(intune_synth, graph_emulator):
            stack = cdktf.TerraformStack(cdktf.Testing.app(), "mine")
            IntuneProvider(stack, "intune", graph_endpoint=graph_emulator.graph_endpoint)
            DerivedCredentialSettings(stack, "p", display_name="P", issuer=Issuer.PUREBRED)
            intune_synth(stack, DerivedCredentialSettings, display_name="P", issuer="purebred")

        def test_wrong(intune_synth):
            stack = cdktf.TerraformStack(cdktf.Testing.app(), "mine")
            IntuneProvider(stack, "intune")
            intune_synth(stack, DerivedCredentialSettings, display_name="P")
        """)
    )
    env = {**os.environ, "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"}
    env.pop("PYTEST_ADDOPTS", None)
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert "1 failed, 1 passed" in proc.stdout, proc.stdout + proc.stderr
    assert "the stack has no intune_derived_credential at all" in proc.stdout
