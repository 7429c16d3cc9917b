"""A made-up Graph resource that lives only in the tests: it proves a resource is one spec module.

Registered with `INTUNE_EXTRA_SPECS=tests.example_spec` (the provider process and the emulator read
it), it gets resource `intune_test_note`, data sources `intune_test_note` / `intune_test_notes`
and an emulated collection `/deviceManagement/testNotes`, without a product file changing. Its
fields use every kind the derived credential spec does not: a plain string set and a number
without a server default, with other bounds.
"""

from __future__ import annotations

from intune_model.schema import Enum, Field, Number, ResourceSpec, String, StringSet, Url

COLOURS = ("red", "green", "blue")

SPEC = ResourceSpec(
    name="test_note",
    plural="test_notes",
    title="test notes",
    collection_path="/deviceManagement/testNotes",
    odata_type="#microsoft.graph.testNote",
    description="A made-up note (tests only).",
    model_name="TestNote",
    permission="DeviceManagementConfiguration.ReadWrite.All",
    fields=(
        Field("title", "title", String(), "Title of the note.", required=True, example="Hello"),
        Field(
            "colour",
            "colour",
            Enum(allowed=COLOURS, noun="a colour"),
            "Colour.",
            required=True,
            example="red",
        ),
        Field("link", "webLink", Url(), "A link.", example="https://example.com/note"),
        Field("tags", "tags", StringSet(noun="tag"), "Free-form tags; a set.", example=["a", "b"]),
        Field("priority", "priority", Number(minimum=1, maximum=5), "Priority from 1 to 5.", example=3),
    ),
    lookup_field="title",
    adoption_key="title",
    list_filters=("colour",),
)
