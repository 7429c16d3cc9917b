"""Shared test setup: quiet, offline Terraform and jsii everywhere."""

from __future__ import annotations

import os

os.environ.setdefault("CHECKPOINT_DISABLE", "1")
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
os.environ.setdefault("JSII_DEPRECATED", "quiet")
