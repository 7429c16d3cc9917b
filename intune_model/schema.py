"""Field kinds and the resource spec: the vocabulary every Graph resource is described in.

Plain Python on purpose: the provider's handshake, schemas, `validate` and plan use these without
importing pydantic (see `intune_model.typed` for the pydantic model derived from a spec). Each kind
knows its Terraform type, its Graph codec, its validation (messages that name the allowed values)
and its drift equality. A value in state is plain: str, int, a sorted list of str, or None.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, ClassVar, Literal
from urllib.parse import urlsplit

from intune_model.errors import SettingsInvalid

TfType = Literal["string", "number", "set_of_string"]
_GRAPH_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")  # also what the emulator lets reach SQL
_TF_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def allowed_list(values: Iterable[str]) -> str:
    return ", ".join(values)


def is_absolute_http_url(value: str) -> bool:
    """True for `http://host/...` or `https://host/...` with no whitespace."""
    if any(c.isspace() for c in value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


class Kind:
    """How one field is typed, checked, sent to Graph, read back and compared for drift."""

    tf_type: ClassVar[TfType] = "string"
    python_type: ClassVar[Any] = str
    allowed: tuple[str, ...] = ()

    def check(self, value: Any) -> str | None:
        """The problem with a non-null value, or None."""
        raise NotImplementedError

    def to_graph(self, value: Any) -> Any:
        return value

    def from_graph(self, raw: Any) -> Any:
        """Lenient: a value Graph adds later must not crash a read."""
        return str(raw)

    def from_graph_request(self, raw: Any) -> Any:
        """A Graph request body's value in state form, for judging it with `check`."""
        return raw

    def plain(self, value: Any) -> Any:
        """A checked value as state holds it (enum members as their strings, sets sorted)."""
        return str(value)

    def same(self, a: Any, b: Any) -> bool:
        return bool(a == b)

    def normalise_graph(self, raw: Any) -> Any:
        """A Graph value as Graph stores it (the emulator's view)."""
        return raw


@dataclass(frozen=True)
class String(Kind):
    """Text; blank is refused unless `blank_ok`."""

    blank_ok: bool = False

    def check(self, value: Any) -> str | None:
        if not isinstance(value, str):
            return f"{value!r} is not a string"
        if not self.blank_ok and not value.strip():
            return "must not be empty or blank"
        return None


@dataclass(frozen=True)
class Url(Kind):
    """An absolute http(s) URL."""

    def check(self, value: Any) -> str | None:
        if not isinstance(value, str):
            return f"{value!r} is not a string"
        if not is_absolute_http_url(value):
            return f"{value!r} is not an absolute http(s) URL (for example https://example.com/help)"
        return None


@dataclass(frozen=True)
class Enum(Kind):
    """One of `allowed` (exact spelling); `noun` names a member in messages ("an issuer")."""

    allowed: tuple[str, ...] = ()
    noun: str = "a value"

    def check(self, value: Any) -> str | None:
        if isinstance(value, str) and value in self.allowed:
            return None
        return f"{value!r} is not {self.noun}; allowed values: {allowed_list(self.allowed)}"


@dataclass(frozen=True)
class Number(Kind):
    """A whole number within [minimum, maximum] (bools refused)."""

    minimum: int | None = None
    maximum: int | None = None
    tf_type: ClassVar[TfType] = "number"
    python_type: ClassVar[Any] = int

    def check(self, value: Any) -> str | None:
        ok = isinstance(value, int) and not isinstance(value, bool)
        if ok and self.minimum is not None and value < self.minimum:
            ok = False
        if ok and self.maximum is not None and value > self.maximum:
            ok = False
        if ok:
            return None
        if self.minimum is not None and self.maximum is not None:
            rule = f"a whole number from {self.minimum} to {self.maximum}"
        elif self.minimum is not None:
            rule = f"a whole number of at least {self.minimum}"
        elif self.maximum is not None:
            rule = f"a whole number of at most {self.maximum}"
        else:
            rule = "a whole number"
        return f"{value!r} is not allowed; must be {rule}"

    def to_graph(self, value: Any) -> Any:
        return int(value)

    def from_graph(self, raw: Any) -> Any:
        return int(raw)

    def plain(self, value: Any) -> Any:
        return int(value)


@dataclass(frozen=True)
class StringSet(Kind):
    """A set of strings (of `allowed`, when given); Graph holds it as a JSON array."""

    allowed: tuple[str, ...] = ()
    noun: str = "value"
    tf_type: ClassVar[TfType] = "set_of_string"
    python_type: ClassVar[Any] = frozenset[str]

    def check(self, value: Any) -> str | None:
        if isinstance(value, str) or not isinstance(value, Iterable):
            hint = f"; allowed values: {allowed_list(self.allowed)}" if self.allowed else ""
            return f"expected a list of {self.noun}s, got {value!r}{hint}"
        for item in value:
            if not isinstance(item, str) or (self.allowed and item not in self.allowed):
                hint = f"; allowed values: {allowed_list(self.allowed)}" if self.allowed else ""
                return f"{item!r} is not a {self.noun}{hint}"
        return None

    def to_graph(self, value: Any) -> Any:
        return sorted(str(v) for v in value)

    def from_graph(self, raw: Any) -> Any:
        return sorted(str(v) for v in raw) if isinstance(raw, list) else [str(raw)]

    def plain(self, value: Any) -> Any:
        return sorted({str(v) for v in value})

    def same(self, a: Any, b: Any) -> bool:
        if a is None or b is None:
            return a is b
        return {str(v) for v in a} == {str(v) for v in b}


@dataclass(frozen=True)
class Flags(StringSet):
    """A Graph flags enum, a set in Terraform: Graph writes it as `"a,b"` in declaration order, and
    `none` (alone) equals the empty set and cannot be combined with other members."""

    none: str = "none"

    def check(self, value: Any) -> str | None:
        problem = super().check(value)
        if problem is None and self.none in {str(v) for v in value} and len({str(v) for v in value}) > 1:
            return f"'{self.none}' cannot be combined with other {self.noun}s"
        return problem

    def to_graph(self, value: Any) -> Any:
        chosen = {str(t) for t in value} - {self.none}
        ordered = [v for v in self.allowed if v in chosen] + sorted(chosen - set(self.allowed))
        return ",".join(ordered) or self.none

    def from_graph(self, raw: Any) -> Any:
        parts = {p.strip() for p in str(raw).split(",") if p.strip()}
        return sorted(parts) or [self.none]

    def from_graph_request(self, raw: Any) -> Any:
        if isinstance(raw, str):
            return [p.strip() for p in raw.split(",") if p.strip()]
        return raw

    def same(self, a: Any, b: Any) -> bool:
        if a is None or b is None:
            return a is b
        return self._norm(a) == self._norm(b)

    def _norm(self, value: Iterable[Any]) -> frozenset[str]:
        return frozenset(str(v) for v in value) - {self.none}

    def normalise_graph(self, raw: Any) -> Any:
        if isinstance(raw, str):
            return self.to_graph(p.strip() for p in raw.split(",") if p.strip())
        return raw


@dataclass(frozen=True)
class Field:
    """One user-settable field: Terraform name, Graph name, kind, and what docs and examples show.

    `server_default` is what Graph reports when nobody set it (state value); a field holding it is
    treated as unmanaged on import, and Graph will not store null in it."""

    name: str
    graph_name: str
    kind: Kind
    description: str
    required: bool = False
    example: Any = None
    server_default: Any = None

    def __post_init__(self) -> None:
        if not _TF_NAME.match(self.name) or not _GRAPH_NAME.match(self.graph_name):
            raise ValueError(f"field {self.name!r}/{self.graph_name!r}: names must be plain identifiers")

    @property
    def tf_type(self) -> TfType:
        return self.kind.tf_type

    @property
    def allowed(self) -> tuple[str, ...]:
        return self.kind.allowed

    def documented(self) -> str:
        """The description with the allowed values, as the schema and docs show it."""
        if not self.allowed:
            return self.description
        return self.description + " Allowed values: " + ", ".join(f"`{v}`" for v in self.allowed) + "."


@dataclass(frozen=True, eq=False)
class ResourceSpec:
    """Everything about one Graph resource, described once.

    `name` gives the Terraform types (`intune_<name>` resource and data source, `intune_<plural>`
    list data source). `lookup_field` is the field the one-object data source finds by (besides
    `id`), `list_filters` the fields the list data source and `list`/`export` may filter on (Graph
    `$filter eq`), and `adoption_key` the field a lost create is searched by."""

    name: str
    plural: str
    title: str  # "derived credential settings": used in messages and docs
    collection_path: str  # "/deviceManagement/derivedCredentials"
    odata_type: str
    description: str
    fields: tuple[Field, ...]
    lookup_field: str
    adoption_key: str
    list_filters: tuple[str, ...] = ()
    lookup_phrase: str = ""  # "named": messages say "No <title> named 'x'" (default "with <lookup_field>")
    permission: str = ""
    docs_url: str = ""
    docs_example: str = ""  # HCL of one resource block, for the docs
    model_name: str = ""  # class name of the derived pydantic model
    extra: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        names = {f.name for f in self.fields}
        for key in (self.lookup_field, self.adoption_key, *self.list_filters):
            if key not in names:
                raise ValueError(f"spec {self.name!r}: {key!r} is not one of its fields")

    # ------------------------------------------------------------------ lookups

    @cached_property
    def by_name(self) -> dict[str, Field]:
        return {f.name: f for f in self.fields}

    @cached_property
    def by_graph_name(self) -> dict[str, Field]:
        return {f.graph_name: f for f in self.fields}

    @cached_property
    def graph_select(self) -> tuple[str, ...]:
        """The `$select` a read needs: `id` and every field's Graph name."""
        return ("id", *(f.graph_name for f in self.fields))

    @property
    def subject(self) -> str:
        return self.model_name or self.name

    @property
    def segments(self) -> tuple[str, ...]:
        return tuple(s for s in self.collection_path.split("/") if s)

    @cached_property
    def server_defaults(self) -> dict[str, Any]:
        return {f.name: f.server_default for f in self.fields if f.server_default is not None}

    # ------------------------------------------------------------------ validation

    def problems(self, values: Mapping[str, Any], *, partial: bool = False) -> list[tuple[str, str]]:
        """Every problem in `values` (Terraform names), in field order then unknown names.

        `partial` judges only the fields present (None and absent skipped): for a PATCH or a
        Terraform configuration with unknown values."""
        out: list[tuple[str, str]] = []
        for f in self.fields:
            value = values.get(f.name)
            if value is None:
                if f.required and not partial and f.name in values:
                    out.append((f.name, f.kind.check(None) or "must not be null"))
                elif f.required and not partial:
                    hint = f"; allowed values: {allowed_list(f.allowed)}" if f.allowed else ""
                    out.append((f.name, "is required" + hint))
                continue
            problem = f.kind.check(value)
            if problem:
                out.append((f.name, problem))
        for name in values:
            if name not in self.by_name:
                out.append((name, f"unknown field; allowed fields: {allowed_list(self.by_name)}"))
        return out

    def check(self, values: Mapping[str, Any], *, subject: str | None = None) -> dict[str, Any]:
        """The values as plain state (every field, None when unset), or `SettingsInvalid` with
        every problem at once."""
        problems = self.problems(values)
        if problems:
            raise SettingsInvalid(problems, subject or self.subject)
        return {f.name: self.plain(f.name, values.get(f.name)) for f in self.fields}

    def plain(self, name: str, value: Any) -> Any:
        return None if value is None else self.by_name[name].kind.plain(value)

    def check_graph_body(self, body: Mapping[str, Any], *, partial: bool) -> list[tuple[str, str]]:
        """Problems in a Graph request body (Graph names), as a POST (`partial=False`) or a PATCH
        (`partial=True`) would be judged. `@odata.type` and `id` are ignored."""
        values: dict[str, Any] = {}
        problems: list[tuple[str, str]] = []
        for key, raw in body.items():
            if key in ("@odata.type", "id"):
                continue
            f = self.by_graph_name.get(key)
            if f is None:
                problems.append((key, f"unknown property; allowed: {allowed_list(self.by_graph_name)}"))
            elif raw is None and f.required:
                problems.append((key, "is required and cannot be null"))
            else:
                values[f.name] = f.kind.from_graph_request(raw)
        named = self.problems(values, partial=partial)
        problems.extend((self.by_name[n].graph_name if n in self.by_name else n, m) for n, m in named)
        return problems

    # ------------------------------------------------------------------ Graph mapping

    def to_graph(self, state: Mapping[str, Any], *, only: Iterable[str] | None = None) -> dict[str, Any]:
        """Graph JSON body for the fields set in `state` (or for `only`, which may carry nulls to clear)."""
        body: dict[str, Any] = {"@odata.type": self.odata_type}
        names = (
            list(only) if only is not None else [f.name for f in self.fields if state.get(f.name) is not None]
        )
        for name in names:
            f = self.by_name[name]
            value = state.get(name)
            if value is None:
                if f.required or f.server_default is not None:
                    continue  # non-nullable on Graph: leaving it alone is the only honest "unset"
                body[f.graph_name] = None
            else:
                body[f.graph_name] = f.kind.to_graph(value)
        return body

    def from_graph(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """Terraform-named values of every field Graph returned (id included)."""
        state: dict[str, Any] = {"id": body.get("id")}
        for f in self.fields:
            raw = body.get(f.graph_name)
            state[f.name] = None if raw is None else f.kind.from_graph(raw)
        return state

    def graph_defaults(self) -> dict[str, Any]:
        """Graph values of the fields nobody set on create."""
        return {
            f.graph_name: f.kind.to_graph(f.server_default)
            for f in self.fields
            if f.server_default is not None
        }

    # ------------------------------------------------------------------ drift

    def same_value(self, name: str, a: Any, b: Any) -> bool:
        """Semantic equality used for drift (sets ignore order; flags' `none` equals the empty set)."""
        return self.by_name[name].kind.same(a, b)

    def is_server_default(self, name: str, value: Any) -> bool:
        if value is None:
            return True
        default = self.by_name[name].server_default
        return default is not None and self.same_value(name, value, default)

    def fields_of(self, props: Mapping[str, Any]) -> dict[str, Any]:
        return {f.name: props.get(f.name) for f in self.fields}
