"""Export's pure parts: keys from display names, entries as import keeps them, the progress bar."""

from __future__ import annotations

import io

from intune_model.resources.derived_credential import SPEC
from stacks import parse_config
from terraform_provider_intune.export import export_config, settings_key
from terraform_provider_intune.progress import Progress


def test_keys_are_valid_unique_and_readable() -> None:
    taken: set[str] = set()
    assert settings_key("Purebred (EU)", taken) == "purebred_eu"
    assert settings_key("Purebred  EU!", taken) == "purebred_eu_2"
    assert settings_key("2024 rollout", taken) == "settings_2024_rollout"
    assert settings_key("***", taken) == "settings"
    assert settings_key("Ünïcode only", taken) == "unicode_only"
    assert len(settings_key("x" * 500, taken)) == 60


def test_entries_leave_out_server_defaults_and_carry_the_id() -> None:
    objects = [
        {
            "@odata.type": SPEC.odata_type,
            "id": "a",
            "displayName": "A",
            "issuer": "purebred",
            "notificationType": "none",
            "renewalThresholdPercentage": 0,
            "helpUrl": None,
        },
        {
            "id": "b",
            "displayName": "B",
            "issuer": "xTec",
            "notificationType": "email,companyPortal",
            "renewalThresholdPercentage": 30,
            "helpUrl": "https://example.com/h",
        },
        {"id": "c", "displayName": " ", "issuer": "xTec"},  # Graph holds what the schema refuses
    ]
    config, skipped = export_config(objects, stack_name="t", provider={"tenant_id": "contoso"}, spec=SPEC)
    entries = config["stacks"][0]["settings"]
    assert entries == [
        {"key": "a", "import_id": "a", "display_name": "A", "issuer": "purebred"},
        {
            "key": "b",
            "import_id": "b",
            "display_name": "B",
            "issuer": "xTec",
            "help_url": "https://example.com/h",
            "notification_types": ["companyPortal", "email"],
            "renewal_threshold_percentage": 30,
        },
    ]
    assert len(skipped) == 1 and "display_name" in skipped[0]
    assert config["stacks"][0]["provider"] == {"tenant_id": "contoso"}
    (stack,) = parse_config(config).stacks
    assert [e.import_id for e in stack.settings] == ["a", "b"]


def test_progress_bar_with_and_without_total() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Tty()
    bar = Progress("reading", total=50, stream=stream, width=10, env={})
    bar.advance(25)
    assert bar.render() == "reading [#####-----] 25/50"
    bar.advance(25)
    bar.done("read 50")
    assert "\r" in stream.getvalue() and stream.getvalue().endswith("read 50\n")
    log = io.StringIO()  # not a terminal: no redraws, a line per 500 items at most
    counter = Progress("reading", stream=log)
    for _ in range(12):
        counter.advance(100)
    assert counter.render() == "reading 1200" and log.getvalue().count("\n") == 2
