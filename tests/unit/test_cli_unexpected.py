"""A bug in a command-line tool is one `error: unexpected error (<type>): <message>` line and exit
code 1, never a traceback, unless INTUNE_DEBUG or TF_LOG asks for it. The bug is forced by making a
function the command calls raise."""

from __future__ import annotations

from typing import Any, NoReturn

import pytest

import intune_graph
from graph_emulator import cli as emulator_cli
from intune_model.unexpected import traceback_wanted
from terraform_provider_intune import cli, docs

ADVICE = "; run again with INTUNE_DEBUG=1 (or TF_LOG=debug) for the traceback"


def _raises(exc: BaseException) -> Any:
    def boom(*args: Any, **kwargs: Any) -> NoReturn:
        raise exc

    return boom


@pytest.fixture(autouse=True)
def _no_debug(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("INTUNE_DEBUG", raising=False)
    monkeypatch.delenv("TF_LOG", raising=False)


def _one_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    return lines[0]


def test_a_bug_in_docs_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(docs, "write_docs", _raises(RuntimeError("the renderer broke")))
    assert cli.main(["docs", "--check"]) == 1
    assert _one_line(capsys) == f"error: unexpected error (RuntimeError): the renderer broke{ADVICE}"


def test_a_bug_in_a_tenant_command_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(intune_graph, "open_client", _raises(KeyError("graph_endpoint")))
    code = cli.main(
        ["list", "--graph-endpoint", "https://127.0.0.1:9", "--tenant-id", "t", "--client-id", "c"]
    )
    assert code == 1
    assert _one_line(capsys) == f"error: unexpected error (KeyError): 'graph_endpoint'{ADVICE}"


def test_the_message_is_escaped_shortened_and_redacted(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "at https://user:hunter2@example.com \x1b[31mred\u202e\nnext " + "x" * 5000
    monkeypatch.setattr(docs, "write_docs", _raises(ValueError(text)))
    assert cli.main(["docs"]) == 1
    line = _one_line(capsys)
    assert line.startswith("error: unexpected error (ValueError): at https://")
    assert "hunter2" not in line and "\x1b" not in line and "\u202e" not in line
    assert "\\x1b[31mred\\u202e\\nnext" in line
    assert line.endswith(ADVICE) and len(line) < 500


def test_an_empty_message_names_the_type(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(docs, "write_docs", _raises(AssertionError()))
    assert cli.main(["docs"]) == 1
    assert _one_line(capsys) == f"error: unexpected error (AssertionError){ADVICE}"


@pytest.mark.parametrize(("name", "value"), [("INTUNE_DEBUG", "1"), ("TF_LOG", "DEBUG")])
def test_the_traceback_when_asked_for(
    name: str, value: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(name, value)
    monkeypatch.setattr(docs, "write_docs", _raises(RuntimeError("the renderer broke")))
    assert cli.main(["docs"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Traceback (most recent call last):")
    assert "in boom" in err
    assert err.splitlines()[-1] == f"error: unexpected error (RuntimeError): the renderer broke{ADVICE}"


def test_which_settings_ask_for_the_traceback() -> None:
    assert traceback_wanted({"INTUNE_DEBUG": "1"}) and traceback_wanted({"INTUNE_DEBUG": "yes"})
    assert traceback_wanted({"TF_LOG": "trace"}) and traceback_wanted({"TF_LOG": "JSON"})
    for env in ({}, {"INTUNE_DEBUG": "0"}, {"INTUNE_DEBUG": "false"}, {"TF_LOG": "warn"}, {"TF_LOG": ""}):
        assert not traceback_wanted(env), env


def test_a_bug_in_the_emulator_command_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Any
) -> None:
    monkeypatch.setattr(emulator_cli, "cmd_status", _raises(RuntimeError("pid file reader broke")))
    assert emulator_cli.main(["status", "--data-dir", str(tmp_path)]) == 1
    assert _one_line(capsys) == f"error: unexpected error (RuntimeError): pid file reader broke{ADVICE}"


def test_an_unwritable_emulator_directory_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Any
) -> None:
    monkeypatch.setattr(emulator_cli, "cmd_status", _raises(PermissionError(13, "Permission denied", "/x/y")))
    assert emulator_cli.main(["status", "--data-dir", str(tmp_path)]) == 1
    assert _one_line(capsys) == "error: Permission denied: /x/y"
