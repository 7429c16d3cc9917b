"""Intune assignments (`deviceConfigurationAssignment`), as an `ObjectSet` item: who a profile goes to.

Every Intune profile is assigned the same way, so this shape is shared by every profile spec: an item
is a target (a group to include, a group to exclude, all licensed users, all devices) with an optional
assignment filter (its id, and whether it includes or excludes the devices it matches). Graph writes
the whole set at once with `POST …/{id}/assign` and reads it from `…/{id}/assignments` (or
`$expand=assignments`); see tests/fixtures/graph_docs/README.md for the sources.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from intune_model.schema import Enum, Field, Guid, ItemCodec, ObjectSet

# Terraform's target names and Graph's `@odata.type` of each target.
TARGETS: dict[str, str] = {
    "group": "#microsoft.graph.groupAssignmentTarget",
    "exclusion_group": "#microsoft.graph.exclusionGroupAssignmentTarget",
    "all_licensed_users": "#microsoft.graph.allLicensedUsersAssignmentTarget",
    "all_devices": "#microsoft.graph.allDevicesAssignmentTarget",
}
GROUP_TARGETS = ("group", "exclusion_group")
FILTER_TYPES = ("include", "exclude")  # Graph's `deviceAndAppManagementAssignmentFilterType` but `none`
ASSIGNMENT_ODATA_TYPE = "#microsoft.graph.deviceConfigurationAssignment"

# Graph's names inside an assignment's `target`.
_GROUP_ID = "groupId"
_FILTER_ID = "deviceAndAppManagementAssignmentFilterId"
_FILTER_TYPE = "deviceAndAppManagementAssignmentFilterType"
_NO_FILTER = "none"

ITEM = (
    Field(
        "target",
        "target",
        Enum(allowed=tuple(TARGETS), noun="an assignment target"),
        "Who gets the profile: `group` (the members of `group_id`), `exclusion_group` (not the "
        "members of `group_id`, whatever else includes them), `all_licensed_users` or `all_devices`.",
        required=True,
        example="group",
    ),
    Field(
        "group_id",
        "groupId",
        Guid(noun="group id"),
        "Object id of the Microsoft Entra group; required for `group` and `exclusion_group`, refused "
        "for the others.",
        example="5f1c1e0e-8d4b-4c55-9a36-1d7b0c3b9a01",
    ),
    Field(
        "filter_id",
        "filterId",
        Guid(noun="assignment filter id"),
        "Id of an Intune assignment filter that narrows an included target; set with `filter_type`.",
        example="9a3b6c2d-1e4f-4a5b-8c7d-6e5f4a3b2c1d",
    ),
    Field(
        "filter_type",
        "filterType",
        Enum(allowed=FILTER_TYPES, noun="a filter type"),
        "`include` (only the devices the filter matches) or `exclude` (all but those); set with `filter_id`.",
        example="include",
    ),
)


class AssignmentCodec(ItemCodec):
    """An item <-> Graph's `deviceConfigurationAssignment`, and the combinations Intune refuses."""

    action = "assign"
    action_member = "assignments"

    def to_graph(self, item: Mapping[str, Any]) -> dict[str, Any]:
        target: dict[str, Any] = {"@odata.type": TARGETS[item["target"]]}
        if item.get("group_id") is not None:
            target[_GROUP_ID] = item["group_id"]
        target[_FILTER_ID] = item.get("filter_id")
        target[_FILTER_TYPE] = item.get("filter_type") or _NO_FILTER
        return {"@odata.type": ASSIGNMENT_ODATA_TYPE, "target": target}

    def from_graph(self, raw: Mapping[str, Any]) -> dict[str, Any] | None:
        target = raw.get("target")
        if not isinstance(target, Mapping):
            return None
        names = {v: k for k, v in TARGETS.items()}
        name = names.get(str(target.get("@odata.type", "")))
        if name is None:
            return None  # a target this provider does not model (a future one): not managed here
        filter_type = target.get(_FILTER_TYPE)
        return {
            "target": name,
            "group_id": target.get(_GROUP_ID),
            "filter_id": target.get(_FILTER_ID) or None,
            "filter_type": None if filter_type in (None, _NO_FILTER) else filter_type,
        }

    def item_problems(self, item: Mapping[str, Any]) -> list[str]:
        target = item.get("target")
        problems = []
        if target in GROUP_TARGETS and item.get("group_id") is None:
            problems.append(f"group_id is required for target {target!r}")
        if target not in GROUP_TARGETS and item.get("group_id") is not None:
            problems.append(f"group_id is not allowed for target {target!r} (it targets no group)")
        if (item.get("filter_id") is None) != (item.get("filter_type") is None):
            problems.append("filter_id and filter_type go together: set both or neither")
        if target == "exclusion_group" and item.get("filter_id") is not None:
            problems.append(
                "an exclusion_group takes no filter (Intune filters narrow included targets only)"
            )
        return problems

    def set_problems(self, items: list[Mapping[str, Any]]) -> list[str]:
        problems = []
        for target in ("all_licensed_users", "all_devices"):
            if sum(1 for i in items if i.get("target") == target) > 1:
                problems.append(f"{target} may be assigned once only")
        groups = [str(i["group_id"]) for i in items if i.get("group_id") is not None]
        for group in sorted({g for g in groups if groups.count(g) > 1}):
            problems.append(
                f"group {group} is assigned more than once; Intune refuses several assignments of one group"
            )
        return problems


def assignments_kind() -> ObjectSet:
    """The assignment set of an Intune profile."""
    return ObjectSet(item=ITEM, codec=AssignmentCodec(), noun="assignment")
