"""What the package costs where it is installed: the pytest plugin loads nothing of the emulator, and
the parts that live in extras say which extra to install when it is missing. Each check runs in a
fresh interpreter, where a missing package is simulated by a `None` entry in `sys.modules` (the
wheel test in test_e2e_wheel.py does the same in a venv that really lacks them)."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120
    )


def test_loading_the_pytest_plugin_imports_nothing_but_itself() -> None:
    """pytest loads the plugin in every session of every environment the package is in."""
    proc = python(
        """
        import sys, pytest
        before = set(sys.modules)
        import graph_emulator.pytest_plugin
        print(*sorted(set(sys.modules) - before))
        """
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["graph_emulator", "graph_emulator.pytest_plugin"]


def test_the_emulator_names_its_extra_when_trustme_is_missing() -> None:
    proc = python(
        """
        import sys
        sys.modules["trustme"] = None  # as if the [emulator] extra were not installed
        sys.argv = ["graph-emulator", "status", "--data-dir", "unused"]
        from graph_emulator.__main__ import main
        sys.exit(main())
        """
    )
    assert proc.returncode == 1
    (line,) = proc.stderr.splitlines()
    assert line.startswith("graph-emulator: the Graph emulator needs the [emulator] extra")
    assert line.endswith("pip install 'terraform-provider-intune[emulator]'")


def test_constructs_lib_names_the_engine_extra_when_cdktf_is_missing() -> None:
    proc = python(
        """
        import sys
        sys.modules["cdktf"] = None  # as if the [cdktf] extra were not installed
        try:
            import constructs_lib
        except ModuleNotFoundError as error:
            print(error.name, error, sep="\\n")
        """
    )
    assert proc.returncode == 0, proc.stderr
    name, message = proc.stdout.splitlines()
    assert name == "cdktf"
    assert message.startswith("constructs_lib needs a CDK engine")
    assert "pip install 'terraform-provider-intune[cdktf]'" in message
