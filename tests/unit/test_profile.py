"""The profile's new kinds (boolean, timestamps, GUIDs, a reference, an object set), the assignment
rules, mixed collections in the registry, and the emulator answering as Graph does for the profile:
`@odata.bind` checked against the setting collection, lists cast to the type, `$expand`, the
`assign` action and `PUT …/$ref`."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from graph_emulator import FaultPlan, GraphEmulator, Request, Response, start_emulator
from intune_model.errors import IntuneError, UnexpectedBody
from intune_model.registry import _specs, spec_named
from intune_model.schema import (
    Boolean,
    Counter,
    DateTime,
    Field,
    Guid,
    Reference,
    ResourceSpec,
    String,
)
from terraform_provider_intune.handler import Handler, PartialCreate

PROFILE = spec_named("ios_derived_credential_profile")
SETTING = spec_named("derived_credential")
ASSIGNMENTS = PROFILE.by_name["assignment"].kind
GROUP = "11111111-1111-4111-8111-111111111111"
OTHER = "22222222-2222-4222-8222-222222222222"
FILTER = "44444444-4444-4444-8444-444444444444"


def item(target: str, group: str | None = None, **more: str) -> dict[str, Any]:
    return {"target": target, "group_id": group, **more}


# ----------------------------------------------------------------------------- kinds


def test_scalar_kinds_judge_and_stamp() -> None:
    assert Boolean().check(True) is None and "true or false" in str(Boolean().check("yes"))
    assert Guid(noun="group id").check(GROUP) is None
    assert "is not a group id (a GUID" in str(Guid(noun="group id").check("pilot"))
    assert DateTime(stamped="create").written("then", created=False, now="now") == "then"
    assert DateTime(stamped="write").written("then", created=False, now="now") == "now"
    assert (
        Counter().written(None, created=True, now="") == 1
        and Counter().written(4, created=False, now="") == 5
    )
    assert Counter().from_terraform(3.0) == 3


def test_a_reference_is_bound_by_url_and_read_by_expansion() -> None:
    kind = PROFILE.by_name["derived_credential_id"].kind
    assert isinstance(kind, Reference)
    body = kind.body("derivedCredentialSettings", "abc", "https://graph.example/beta")
    assert body == {
        "derivedCredentialSettings@odata.bind": "https://graph.example/beta/deviceManagement/derivedCredentials/abc"
    }
    assert kind.from_graph_request(body["derivedCredentialSettings@odata.bind"]) == "abc"
    assert kind.read({"derivedCredentialSettings": {"id": "abc"}}, "derivedCredentialSettings") == "abc"
    assert kind.check("a/b") is not None and kind.check("abc") is None
    assert PROFILE.graph_expand == ("derivedCredentialSettings($select=id)", "assignments")
    assert (
        "derivedCredentialSettings" not in PROFILE.graph_select and "assignments" not in PROFILE.graph_select
    )


def test_the_body_never_carries_read_only_or_action_written_fields() -> None:
    state = {
        "display_name": "iOS",
        "derived_credential_id": "abc",
        "assignment": [item("all_devices")],
        "version": 3,
        "created_date_time": "2026-01-01T00:00:00Z",
    }
    body = PROFILE.to_graph(state, service_root="https://g/beta")
    assert set(body) == {"@odata.type", "displayName", "derivedCredentialSettings@odata.bind"}
    assert PROFILE.changed_fields({**state, "version": 4}, state) == []


def test_assignments_are_a_set_with_every_attribute() -> None:
    a = [item("group", GROUP), item("all_devices", filter_id=FILTER, filter_type="include")]
    assert ASSIGNMENTS.same(a, list(reversed(a)))
    assert ASSIGNMENTS.same(None, []) and not ASSIGNMENTS.same(a, a[:1])
    plain = ASSIGNMENTS.plain(a)
    assert all(set(i) == {"target", "group_id", "filter_id", "filter_type"} for i in plain)
    graph = ASSIGNMENTS.to_graph(a)
    assert {g["target"]["@odata.type"] for g in graph} == {
        "#microsoft.graph.groupAssignmentTarget",
        "#microsoft.graph.allDevicesAssignmentTarget",
    }
    assert ASSIGNMENTS.from_graph(graph) == plain
    unknown = {"target": {"@odata.type": "#microsoft.graph.someFutureTarget"}}
    assert ASSIGNMENTS.from_graph([*graph, unknown]) == plain  # a target not modelled is not managed


@pytest.mark.parametrize(
    ("items", "message"),
    [
        ([item("group")], "group_id is required for target 'group'"),
        ([item("all_devices", GROUP)], "group_id is not allowed for target 'all_devices'"),
        ([item("group", GROUP, filter_id=FILTER)], "filter_id and filter_type go together"),
        ([item("exclusion_group", GROUP, filter_id=FILTER, filter_type="include")], "takes no filter"),
        ([item("all_devices"), item("all_devices", filter_id=FILTER, filter_type="exclude")], "once only"),
        ([item("group", GROUP), item("exclusion_group", GROUP)], "assigned more than once"),
        (
            [item("everyone")],
            "'everyone' is not an assignment target; allowed values: group, exclusion_group",
        ),
        ([item("group", "pilot")], "'pilot' is not a group id"),
        ([{"target": "group", "group_id": GROUP, "colour": "red"}], "unknown assignment attribute 'colour'"),
    ],
)
def test_assignments_intune_refuses_are_named(items: list[dict[str, Any]], message: str) -> None:
    problem = ASSIGNMENTS.check(items)
    assert problem is not None and message in problem, problem


def test_an_object_of_another_type_in_the_mixed_collection_is_refused() -> None:
    wifi = {"@odata.type": "#microsoft.graph.iosWiFiConfiguration", "id": "w", "displayName": "Wi-Fi"}
    with pytest.raises(UnexpectedBody, match="iosWiFiConfiguration is another type of deviceConfigurations"):
        PROFILE.entity(wifi)
    mine = {"@odata.type": PROFILE.odata_type, "id": "p", "displayName": "iOS"}
    assert PROFILE.entity(mine)["id"] == "p"  # the relationship is absent unless expanded


# ----------------------------------------------------------------------------- registry


def _spec(name: str, path: str, odata: str, *, mixed: bool) -> ResourceSpec:
    fields = (Field("title", "title", String(), "Title.", required=True),)
    return ResourceSpec(
        name=name,
        plural=name + "s",
        title=name,
        collection_path=path,
        odata_type=odata,
        description=name,
        fields=fields,
        lookup_field="title",
        adoption_key="title",
        mixed_collection=mixed,
    )


def test_a_collection_holds_several_specs_only_when_mixed(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys
    import types

    def register(**specs: ResourceSpec) -> str:
        for name, spec in specs.items():
            module = types.ModuleType(name)
            module.SPEC = spec  # type: ignore[attr-defined]
            monkeypatch.setitem(sys.modules, name, module)
        _specs.cache_clear()
        return ",".join(specs)

    ok = register(
        x_a=_spec("x_a", "/x/things", "#x.a", mixed=True), x_b=_spec("x_b", "/x/things", "#x.b", mixed=True)
    )
    assert [s.name for s in _specs(ok)][-2:] == ["x_a", "x_b"]
    clash = register(
        y_a=_spec("y_a", "/y/things", "#y.a", mixed=False), y_b=_spec("y_b", "/y/things", "#y.b", mixed=True)
    )
    with pytest.raises(IntuneError, match="share"):
        _specs(clash)
    same = register(
        z_a=_spec("z_a", "/z/things", "#z.a", mixed=True), z_b=_spec("z_b", "/z/things", "#z.a", mixed=True)
    )
    with pytest.raises(IntuneError, match="share"):
        _specs(same)
    _specs.cache_clear()
    assert PROFILE.list_path.endswith(
        "/deviceConfigurations/microsoft.graph.iosDerivedCredentialAuthenticationConfiguration"
    )


# ----------------------------------------------------------------------------- the emulator


@pytest.fixture
def graph(graph_emulator: GraphEmulator) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"Bearer {graph_emulator.issue_token()}"}
    with httpx.Client(
        base_url=graph_emulator.graph_endpoint + "/beta", verify=graph_emulator.ssl_context(), headers=headers
    ) as client:
        yield client


def _setting(graph: httpx.Client) -> str:
    r = graph.post(SETTING.collection_path, json={"displayName": "Purebred", "issuer": "purebred"})
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def _profile(graph: httpx.Client, setting_id: str, **more: Any) -> httpx.Response:
    bind = f"{graph.base_url}{SETTING.collection_path}/{setting_id}".replace("/beta//", "/beta/")
    body = {
        "@odata.type": PROFILE.odata_type,
        "displayName": "iOS",
        "derivedCredentialSettings@odata.bind": bind,
    }
    return graph.post(PROFILE.collection_path, json={**body, **more})


def test_a_profile_bound_to_a_missing_setting_is_refused(
    graph: httpx.Client, graph_emulator: GraphEmulator
) -> None:
    missing = _profile(graph, str(uuid.uuid4()))
    assert missing.status_code == 404 and "derivedCredentialSettings@odata.bind names no" in missing.text
    elsewhere = graph.post(
        PROFILE.collection_path,
        json={
            "@odata.type": PROFILE.odata_type,
            "displayName": "iOS",
            "derivedCredentialSettings@odata.bind": "https://x/beta/users/abc",
        },
    )
    assert elsewhere.status_code == 400 and "is not the URL of an object of" in elsewhere.text
    unbound = graph.post(
        PROFILE.collection_path, json={"@odata.type": PROFILE.odata_type, "displayName": "iOS"}
    )
    assert unbound.status_code == 400 and "derivedCredentialSettings@odata.bind: is required" in unbound.text
    assert graph_emulator.objects(collection=PROFILE.collection_path) == []


def test_profiles_are_cast_expanded_assigned_and_rebound(
    graph: httpx.Client, graph_emulator: GraphEmulator
) -> None:
    first, second = _setting(graph), _setting(graph)
    created = _profile(graph, first)
    assert created.status_code == 201, created.text
    body = created.json()
    pid = body["id"]
    assert body["version"] == 1 and body["supportsScopeTags"] is True and body["roleScopeTagIds"] == ["0"]
    assert "derivedCredentialSettings" not in body and "assignments" not in body
    graph_emulator.put_object(
        {"id": "wifi", "@odata.type": "#microsoft.graph.iosWiFiConfiguration", "displayName": "Wi-Fi"},
        collection=PROFILE.collection_path,
    )
    cast = graph.get(PROFILE.list_path, params={"$expand": ",".join(PROFILE.graph_expand)}).json()["value"]
    assert [p["id"] for p in cast] == [pid] and cast[0]["derivedCredentialSettings"]["id"] == first
    every = graph.get(PROFILE.collection_path).json()["value"]
    assert {p["@odata.type"] for p in every} == {PROFILE.odata_type, "#microsoft.graph.iosWiFiConfiguration"}

    # assign replaces the whole set; refused items name the problem
    target = {"@odata.type": "#microsoft.graph.groupAssignmentTarget", "groupId": GROUP}
    assigned = graph.post(
        f"{PROFILE.collection_path}/{pid}/assign", json={"assignments": [{"target": target}]}
    )
    assert assigned.status_code == 200 and len(assigned.json()["value"]) == 1
    bad = graph.post(
        f"{PROFILE.collection_path}/{pid}/assign",
        json={
            "assignments": [
                {"target": {"@odata.type": "#microsoft.graph.allDevicesAssignmentTarget", "groupId": GROUP}}
            ]
        },
    )
    assert bad.status_code == 400 and "group_id is not allowed" in bad.text
    listed = graph.get(f"{PROFILE.collection_path}/{pid}/assignments").json()["value"]
    assert [a["target"]["groupId"] for a in listed] == [GROUP]

    # re-bound with PUT $ref, then with @odata.bind in a PATCH; each write raises the version
    ref = graph.put(
        f"{PROFILE.collection_path}/{pid}/derivedCredentialSettings/$ref",
        json={"@odata.id": f"https://g/beta{SETTING.collection_path}/{second}"},
    )
    assert ref.status_code == 204
    related = graph.get(f"{PROFILE.collection_path}/{pid}/derivedCredentialSettings").json()
    assert related["id"] == second
    patched = graph.patch(
        f"{PROFILE.collection_path}/{pid}",
        json={
            "@odata.type": PROFILE.odata_type,
            "derivedCredentialSettings@odata.bind": f"https://g/beta{SETTING.collection_path}/{first}",
        },
    )
    assert patched.status_code in (200, 204)
    got = graph.get(
        f"{PROFILE.collection_path}/{pid}",
        params={"$expand": "derivedCredentialSettings($select=id),assignments"},
    ).json()
    assert got["derivedCredentialSettings"] == {"@odata.type": SETTING.odata_type, "id": first}
    assert got["version"] == 4 and len(got["assignments"]) == 1
    unknown = graph.get(f"{PROFILE.collection_path}/{pid}", params={"$expand": "deviceStatuses"})
    assert unknown.status_code == 400 and "navigation property named 'deviceStatuses'" in unknown.text


# ----------------------------------------------------------------------------- the handler


class RefuseAssign(FaultPlan):
    """Graph refusing the assign action (403), every other call answered as usual."""

    def before(self, request: Request, tenant_id: str) -> Response | None:
        if request.method == "POST" and request.path.endswith("/assign"):
            body = {"error": {"code": "Forbidden", "message": "Application is not authorized to assign."}}
            return Response.json(403, body)
        return super().before(request, tenant_id)


def _handler(emu: GraphEmulator, spec: ResourceSpec) -> Handler:
    from intune_graph import open_client
    from terraform_provider_intune.config import resolve

    return Handler(open_client(resolve({}, emu.env())), spec=spec)


def _use(emu: GraphEmulator, monkeypatch: pytest.MonkeyPatch) -> GraphEmulator:
    """The emulator, with its environment (its CA, its endpoints) in this process's."""
    for name, value in emu.env().items():
        monkeypatch.setenv(name, value)
    return emu


def test_the_handler_creates_reads_updates_and_imports_a_profile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with start_emulator(tmp_path) as started:
        emu = _use(started, monkeypatch)
        setting_id, _ = _handler(emu, SETTING).create({"display_name": "Purebred", "issuer": "purebred"})
        handler = _handler(emu, PROFILE)
        props = {
            "display_name": "iOS",
            "derived_credential_id": setting_id,
            "assignment": ASSIGNMENTS.plain([item("group", GROUP), item("exclusion_group", OTHER)]),
        }
        pid, state = handler.create(props)
        assert state["version"] == 2 and state["supports_scope_tags"] is True  # created, then assigned
        assert state["created_date_time"] and state["assignment"] == props["assignment"]
        read = handler.read(pid, state)
        assert read is not None and read == {
            **state,
            "last_modified_date_time": read["last_modified_date_time"],
        }

        fewer = {**state, "assignment": ASSIGNMENTS.plain([item("all_devices")])}
        updated = handler.update(pid, state, fewer)
        assert updated["assignment"] == fewer["assignment"] and updated["version"] == 3
        assert not any(r.method == "PATCH" for r in emu.requests), "assignments alone need no PATCH"
        imported = handler.import_(pid)
        assert (
            imported["derived_credential_id"] == setting_id and imported["assignment"] == fewer["assignment"]
        )
        assert imported["role_scope_tag_ids"] is None  # Graph's default scope tag is not managed


def test_a_profile_whose_assignments_fail_is_kept_without_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with start_emulator(tmp_path, faults=RefuseAssign()) as started:
        emu = _use(started, monkeypatch)
        setting_id, _ = _handler(emu, SETTING).create({"display_name": "Purebred", "issuer": "purebred"})
        props = {
            "display_name": "iOS",
            "derived_credential_id": setting_id,
            "assignment": [item("all_devices")],
        }
        with pytest.raises(PartialCreate) as partial:
            _handler(emu, PROFILE).create(plain_assignments(props))
        assert "Application is not authorized to assign" in str(partial.value.diagnostics())
        [stored] = emu.objects(collection=PROFILE.collection_path)
        assert partial.value.state["id"] == stored["id"] and partial.value.state["assignment"] == []
        assert partial.value.state["version"] == 1


def plain_assignments(props: dict[str, Any]) -> dict[str, Any]:
    return {**props, "assignment": ASSIGNMENTS.plain(props["assignment"])}


def test_the_profile_needs_its_own_permission(graph_emulator: GraphEmulator) -> None:
    """Reading the cast list (with its expansions) takes the profile's read permission; assigning
    takes its write permission, as any write does; the setting's permission is not enough."""
    emu = graph_emulator
    setting_only = str(uuid.uuid4())
    emu.add_client(emu.tenant_id, setting_only, "s", roles=[SETTING.permission])
    reader = str(uuid.uuid4())
    emu.add_client(emu.tenant_id, reader, "s", roles=[PROFILE.permission.replace(".ReadWrite.", ".Read.")])

    def as_app(client_id: str) -> httpx.Client:
        headers = {"Authorization": f"Bearer {emu.issue_token(client_id=client_id)}"}
        return httpx.Client(base_url=emu.graph_endpoint + "/beta", verify=emu.ssl_context(), headers=headers)

    expand = {"$expand": ",".join(PROFILE.graph_expand)}
    with as_app(setting_only) as other, as_app(reader) as read_only:
        refused = other.get(PROFILE.list_path, params=expand)
        assert (
            refused.status_code == 403 and PROFILE.permission.replace(".ReadWrite.", ".Read.") in refused.text
        )
        assert read_only.get(PROFILE.list_path, params=expand).status_code == 200
        assign = read_only.post(f"{PROFILE.collection_path}/x/assign", json={"assignments": []})
        assert assign.status_code == 403 and PROFILE.permission in assign.text
        ref = read_only.put(f"{PROFILE.collection_path}/x/derivedCredentialSettings/$ref", json={})
        assert ref.status_code == 403
