"""The floor for the provider rows: a minimal `tf` provider (`terraform.local/bench/minimal`) with one
resource, `minimal_echo`, that has the same attributes as ours and keeps whatever it is given (no
network, no validation). Run as a script by its launcher: `python minimal_provider.py`."""

from __future__ import annotations

import sys
import uuid
from typing import Any

from tf import schema as tfs
from tf import types as tft
from tf.iface import Provider, Resource
from tf.runner import run_provider

SOURCE = "terraform.local/bench/minimal"


class Echo(Resource):  # type: ignore[misc]
    def __init__(self, provider: Any) -> None:
        self.provider = provider

    @classmethod
    def get_name(cls) -> str:
        return "echo"

    @classmethod
    def get_schema(cls) -> tfs.Schema:
        return tfs.Schema(
            version=0,
            attributes=[
                tfs.Attribute("id", tft.String(), computed=True),
                tfs.Attribute("display_name", tft.String(), required=True),
                tfs.Attribute("issuer", tft.String(), required=True),
                tfs.Attribute("help_url", tft.String(), optional=True),
                tfs.Attribute("notification_types", tft.Set(tft.String()), optional=True),
                tfs.Attribute("renewal_threshold_percentage", tft.Number(), optional=True),
            ],
        )

    def create(self, ctx: Any, planned: Any) -> Any:
        return {**planned, "id": str(uuid.uuid4())}

    def read(self, ctx: Any, current: Any) -> Any:
        return current

    def update(self, ctx: Any, current: Any, planned: Any) -> Any:
        return {**planned, "id": current["id"]}

    def delete(self, ctx: Any, current: Any) -> None:
        return None


class Minimal(Provider):  # type: ignore[misc]
    def get_model_prefix(self) -> str:
        return "minimal_"

    def full_name(self) -> str:
        return SOURCE

    def get_provider_schema(self, diags: Any) -> tfs.Schema:
        return tfs.Schema(version=0, attributes=[])

    def validate_config(self, diags: Any, config: Any) -> None:
        return None

    def configure_provider(self, diags: Any, config: Any) -> None:
        return None

    def get_data_sources(self) -> list[Any]:
        return []

    def get_resources(self) -> list[Any]:
        return [Echo]


if __name__ == "__main__":
    run_provider(Minimal(), sys.argv)
