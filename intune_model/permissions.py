"""Which Graph application permission an operation needs, from the specs (`ResourceSpec.permission`
and `read_permission`): Microsoft's pages list `…ReadWrite.All` for create, update and delete, and
`…Read.All` or `…ReadWrite.All` for get and list. The emulator enforces it; the Graph client names
it when Graph answers 403."""

from __future__ import annotations

from urllib.parse import urlsplit

from intune_model.errors import IntuneError
from intune_model.schema import ResourceSpec

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
GRAPH_VERSIONS = ("beta", "v1.0")


def read_permission(spec: ResourceSpec) -> str:
    """The permission that only reads `spec`'s collection (derived from the write one if not given)."""
    if spec.read_permission:
        return spec.read_permission
    return spec.permission.replace(".ReadWrite.", ".Read.")


def accepted(spec: ResourceSpec, method: str) -> tuple[str, ...]:
    """The permissions any one of which allows `method` on `spec`'s collection, least privileged
    first; () when the spec names none."""
    if not spec.permission:
        return ()
    if method.upper() in READ_METHODS:
        return tuple(dict.fromkeys(p for p in (read_permission(spec), spec.permission) if p))
    return (spec.permission,)


def specs_at(path: str) -> tuple[ResourceSpec, ...]:
    """The registered specs whose collection holds `path` (a URL, `/beta/...` or `/deviceManagement/...`;
    an item's `…('id')` key segment counts as the collection's, and so do an object's navigation
    properties and actions, `…/{id}/assign`, `…/{id}/<relationship>/$ref`). In a mixed collection a
    cast segment (`…/microsoft.graph.<type>`) names the one spec of that type."""
    from intune_model.registry import specs

    segments = [s for s in urlsplit(path).path.split("/") if s]
    if segments and segments[0].lower() in GRAPH_VERSIONS:
        segments = segments[1:]
    lowered = [s.split("(", 1)[0].lower() for s in segments]
    try:
        registered = specs()
    except IntuneError:
        return ()
    found = []
    for spec in registered:
        mine = [s.lower() for s in spec.segments]
        if not mine or lowered[: len(mine)] != mine:
            continue
        rest = lowered[len(mine) :]
        if spec.mixed_collection and rest and rest[0].startswith("microsoft.graph."):
            if rest[0] != spec.odata_type.lstrip("#").lower():
                continue  # cast to another type of the collection
            rest = rest[1:]
        if len(rest) <= 3:  # the collection, an object, its navigation or action, a `$ref`
            found.append(spec)
    return tuple(found)


def needed(method: str, path: str) -> tuple[str, ...]:
    """The permissions that allow `method` on `path`, per every spec whose collection holds it."""
    return tuple(dict.fromkeys(p for spec in specs_at(path) for p in accepted(spec, method)))


def one_of(permissions: tuple[str, ...]) -> str:
    """`A`, `A or B`, `A, B or C`."""
    if len(permissions) <= 1:
        return "".join(permissions)
    return f"{', '.join(permissions[:-1])} or {permissions[-1]}"
