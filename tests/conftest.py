"""Shared test setup: quiet, offline Terraform and jsii everywhere."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from terraform_provider_intune.plugin.provider import WARM_UP_THREAD
from tests.terraform_support import install_provider

os.environ.setdefault("CHECKPOINT_DISABLE", "1")
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
os.environ.setdefault("JSII_DEPRECATED", "quiet")
# cdktf otherwise points Terraform at the shared ~/.terraform.d/plugin-cache, where another
# checkout's install of the same version (the same package bytes, linked to that checkout's mirror
# and its python-path) would serve ours: Terraform running someone else's code.
os.environ.setdefault("CDKTF_DISABLE_PLUGIN_CACHE_ENV", "1")


@pytest.fixture(scope="session")
def cli_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The provider installed once per session by the public `intune-provider install` command;
    the path of the Terraform CLI config it wrote (what TF_CLI_CONFIG_FILE should name)."""
    return install_provider(tmp_path_factory.mktemp("provider"))


@pytest.fixture(autouse=True)
def no_warm_up_outlives_its_test() -> Iterator[None]:
    """Wait for the warm-up threads a test's in-process provider started. Such a thread imports
    httpx and azure-identity, which create loggers, while pytest walks the logger table without
    the lock as the next test sets up: "dictionary changed size during iteration" (CI saw it)."""
    yield
    for thread in threading.enumerate():
        if thread.name == WARM_UP_THREAD:
            thread.join(60)
            assert not thread.is_alive(), "a provider warm-up thread is still running after 60 s"
