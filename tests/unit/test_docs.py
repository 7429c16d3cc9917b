"""The Registry-layout docs are generated from the live provider schema and cannot drift from it."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from terraform_provider_intune import cli
from terraform_provider_intune.docs import live_schema, pages, undocumented, write_docs

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_committed_docs_are_what_the_schema_generates() -> None:
    stale = write_docs(DOCS, check=True)
    assert stale == [], f"docs out of date: {stale}; run `intune-provider docs`"


def test_every_schema_attribute_is_documented() -> None:
    assert undocumented(DOCS) == []


def test_every_schema_attribute_has_a_description() -> None:
    schema = live_schema()
    blocks = [
        schema["provider"],
        *schema["resource_schemas"].values(),
        *schema["data_source_schemas"].values(),
    ]
    for block in blocks:
        for name, attribute in block["block"]["attributes"].items():
            assert (attribute.get("description") or "").strip(), f"{name} has no description"


def test_registry_layout() -> None:
    assert set(pages(live_schema())) == {
        "index.md",
        "resources/derived_credential.md",
        "data-sources/derived_credential.md",
        "data-sources/derived_credentials.md",
        "resources/ios_derived_credential_profile.md",
        "data-sources/ios_derived_credential_profile.md",
        "data-sources/ios_derived_credential_profiles.md",
    }
    profile = (DOCS / "resources" / "ios_derived_credential_profile.md").read_text()
    assert "### Blocks" in profile and "- `assignment` (Block Set)" in profile
    resource = (DOCS / "resources" / "derived_credential.md").read_text()
    for section in ("## Example Usage", "### Required", "### Optional", "### Read-Only", "## Import"):
        assert section in resource
    assert "-generate-config-out" in resource


@pytest.mark.parametrize("where", ["provider", "resource", "data_source"])
def test_a_new_attribute_without_docs_fails(where: str, tmp_path: Path) -> None:
    schema = copy.deepcopy(live_schema())
    block = {
        "provider": schema["provider"],
        "resource": schema["resource_schemas"]["intune_derived_credential"],
        "data_source": schema["data_source_schemas"]["intune_derived_credentials"],
    }[where]
    # a name no block has (the provider has had a `cloud` argument since issue 3)
    block["block"]["attributes"]["brand_new"] = {"type": "string", "description": "New.", "optional": True}
    assert [m for m in undocumented(DOCS, schema) if m.endswith(": brand_new")], "the new attribute is caught"
    assert write_docs(DOCS, check=True, schema=schema), "--check reports the page as out of date"
    # regenerating documents it
    write_docs(tmp_path, schema=schema)
    assert undocumented(tmp_path, schema) == []


def test_docs_command_check_and_regenerate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["docs", "--dir", str(DOCS), "--check"]) == 0
    assert cli.main(["docs", "--dir", str(tmp_path), "--check"]) == 1
    assert "out of date" in capsys.readouterr().err
    assert cli.main(["docs", "--dir", str(tmp_path)]) == 0
    assert cli.main(["docs", "--dir", str(tmp_path), "--check"]) == 0
