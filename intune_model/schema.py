"""Field kinds and the resource spec: the vocabulary every Graph resource is described in.

Plain Python on purpose: the provider's handshake, schemas, `validate` and plan use these without
importing pydantic (see `intune_model.typed` for the pydantic model derived from a spec). Each kind
knows its Terraform type, its Graph codec, its validation (messages that name the allowed values)
and its drift equality. A value in state is plain: str, int, a sorted list of str, or None.

Each kind splits its checks in two: `graph_problem` holds the rules Graph documents (JSON types,
enum membership, Int32), `model_problem` the stricter ones this project adds (no blank names,
http(s) URLs, bounds such as 0-100, `none` alone). The provider and the constructs apply both; the
emulator applies Graph's by default and ours only in its `strict_rules` mode. `rules()` says the
same in words, for the README and the docs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, ClassVar, Literal
from urllib.parse import urlsplit

from intune_model.display import shown
from intune_model.errors import IntuneError, SettingsInvalid, UnexpectedBody
from intune_model.limits import NAME_MAX_LENGTH, URL_MAX_LENGTH, text_problem

TfType = Literal["string", "number", "bool", "set_of_string", "set_of_object"]
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_GRAPH_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")  # also what the emulator lets reach SQL
_TF_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
INT32 = (-(2**31), 2**31 - 1)  # Graph's Edm.Int32


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


def has_userinfo(value: str) -> bool:
    """True when the URL names a user or password (`https://user:password@host/`)."""
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.username is not None or parts.password is not None


def did_you_mean(value: Any, allowed: Iterable[str]) -> str:
    """ "; did you mean 'x'?" when `value` matches an allowed value but for case, else ""."""
    if isinstance(value, str):
        for candidate in allowed:
            if candidate.lower() == value.lower():
                return f"; did you mean {candidate!r}?"
    return ""


class Kind:
    """How one field is typed, checked, sent to Graph, read back and compared for drift.

    Every layer asks the kind, never a type string: the provider takes its Terraform type from
    `terraform_type()` (and a nested block from `block_fields`), the constructs their keyword's type
    from `python_type` and their token getter from `accessor`, the handler and the emulator the
    request body from `body()`, what a read must `$expand` from `expand()` and the value from `read()`.
    """

    tf_type: ClassVar[TfType] = "string"
    python_type: ClassVar[Any] = str
    accessor: ClassVar[str] = "get_string_attribute"  # the cdktf `TerraformResource` token getter
    allowed: tuple[str, ...] = ()

    def block_fields(self) -> tuple[Field, ...]:
        """The attributes of the nested block a resource configures this kind with; () for a plain
        attribute."""
        return ()

    def terraform_type(self) -> Any:
        """Terraform's JSON type expression of a value of this kind (`"string"`, `["set", "string"]`)."""
        return self.tf_type

    def from_terraform(self, value: Any) -> Any:
        """A known Terraform value in state form (whole numbers as int, sets sorted)."""
        return value

    def body(self, graph_name: str, value: Any, service_root: str = "") -> dict[str, Any]:
        """The request-body members for a value (None clears it); `{}` for a kind Graph does not take
        in the body. `service_root` (`https://graph.microsoft.com/beta`) makes reference URLs."""
        return {graph_name: None if value is None else self.to_graph(value)}

    def body_member(self, graph_name: str) -> str | None:
        """The request-body member this kind writes (None: it is not written in the body)."""
        return graph_name

    def expand(self, graph_name: str) -> str | None:
        """The `$expand` item a read needs for this field, or None when `$select` carries it."""
        return None

    def selected(self, graph_name: str) -> str | None:
        """The `$select` item a read needs for this field, or None when an expansion carries it."""
        return graph_name

    def read(self, entity: Mapping[str, Any], graph_name: str) -> Any:
        """The field's raw Graph value in an entity as read (after `$select`/`$expand`)."""
        return entity.get(graph_name)

    def written(self, previous: Any, *, created: bool, now: str) -> Any:
        """The Graph value of a read-only field after a write of its object (`now` is the write's
        ISO 8601 time): what Graph itself sets, as the emulator plays it. Unchanged by default."""
        return previous

    def check(self, value: Any) -> str | None:
        """The problem with a non-null value, or None: Graph's rules first, then ours."""
        return self.graph_problem(value) or self.model_problem(value)

    def graph_problem(self, value: Any) -> str | None:
        """What Graph documents refusing (types, enum membership), for a value in state form."""
        raise NotImplementedError

    def model_problem(self, value: Any) -> str | None:
        """What only this project refuses (stricter than Graph), for a value that passed Graph's."""
        return None

    def rules(self) -> tuple[str, str]:
        """(Graph's rule, ours) in words; ours is "" when the kind adds nothing."""
        raise NotImplementedError

    def request_problem(self, raw: Any, *, strict: bool) -> str | None:
        """The problem with a Graph request body's non-null value: Graph's rules, and ours if `strict`."""
        value = self.from_graph_request(raw)
        return self.graph_problem(value) or (self.model_problem(value) if strict else None)

    def read_problem(self, raw: Any) -> str | None:
        """The problem with a non-null value in a Graph answer: only its JSON type is judged, so a
        member Graph added later (`unknownFutureValue`) is read as it is."""
        return None if isinstance(raw, str) else f"expected a string, got {shown(raw)}"

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
    """Text; blank is refused unless `blank_ok`; at most `max_length` characters, and none of the
    control or invisible characters `intune_model.limits` refuses (Graph would store both)."""

    blank_ok: bool = False
    max_length: int | None = NAME_MAX_LENGTH

    def graph_problem(self, value: Any) -> str | None:
        return None if isinstance(value, str) else f"{shown(value)} is not a string"

    def model_problem(self, value: Any) -> str | None:
        if not self.blank_ok and not value.strip():
            return "must not be empty or blank"
        return text_problem(value, self.max_length)

    def rules(self) -> tuple[str, str]:
        ours = [] if self.blank_ok else ["not empty or blank"]
        if self.max_length is not None:
            ours.append(f"at most {self.max_length} characters")
        return "a string", ", ".join([*ours, "no control characters"])


@dataclass(frozen=True)
class Url(Kind):
    """An absolute http(s) URL without credentials (Graph itself only asks for a string)."""

    max_length: int = URL_MAX_LENGTH

    def graph_problem(self, value: Any) -> str | None:
        return None if isinstance(value, str) else f"{shown(value)} is not a string"

    def model_problem(self, value: Any) -> str | None:
        if len(value) > self.max_length:
            return f"is {len(value):,} characters long; at most {self.max_length:,} are allowed"
        if not is_absolute_http_url(value) or text_problem(value, None):
            return f"{shown(value)} is not an absolute http(s) URL (for example https://example.com/help)"
        if has_userinfo(value):
            return (
                f"{shown(value)} carries credentials (user:password@); a help page URL is shown to "
                "every user of the Company Portal: give it without them"
            )
        return None

    def rules(self) -> tuple[str, str]:
        return "a string", f"an absolute http(s) URL, no credentials, at most {self.max_length} characters"


@dataclass(frozen=True)
class Enum(Kind):
    """One of `allowed` (exact spelling: a case-insensitive match is refused with "did you mean");
    `noun` names a member in messages ("an issuer")."""

    allowed: tuple[str, ...] = ()
    noun: str = "a value"

    def graph_problem(self, value: Any) -> str | None:
        if isinstance(value, str) and value in self.allowed:
            return None
        hint = did_you_mean(value, self.allowed)
        return f"{shown(value)} is not {self.noun}{hint}; allowed values: {allowed_list(self.allowed)}"

    def rules(self) -> tuple[str, str]:
        return f"one of {allowed_list(self.allowed)} (exact spelling)", ""


@dataclass(frozen=True)
class Number(Kind):
    """A whole number within [minimum, maximum] (bools refused)."""

    minimum: int | None = None
    maximum: int | None = None
    tf_type: ClassVar[TfType] = "number"
    python_type: ClassVar[Any] = int

    def graph_problem(self, value: Any) -> str | None:
        if isinstance(value, int) and not isinstance(value, bool) and INT32[0] <= value <= INT32[1]:
            return None
        return f"{shown(value)} is not allowed; must be a whole number (32-bit)"

    def model_problem(self, value: Any) -> str | None:
        low = self.minimum is not None and value < self.minimum
        high = self.maximum is not None and value > self.maximum
        return f"{shown(value)} is not allowed; must be {self._bounds()}" if low or high else None

    def check(self, value: Any) -> str | None:
        if self.graph_problem(value) or self.model_problem(value):
            return f"{shown(value)} is not allowed; must be {self._bounds()}"
        return None

    def _bounds(self) -> str:
        if self.minimum is not None and self.maximum is not None:
            return f"a whole number from {self.minimum} to {self.maximum}"
        if self.minimum is not None:
            return f"a whole number of at least {self.minimum}"
        if self.maximum is not None:
            return f"a whole number of at most {self.maximum}"
        return "a whole number"

    def rules(self) -> tuple[str, str]:
        bounds = self._bounds()
        return "a whole number (Int32)", "" if bounds == "a whole number" else bounds.split(" ", 3)[-1]

    def read_problem(self, raw: Any) -> str | None:
        ok = isinstance(raw, int) and not isinstance(raw, bool)
        return None if ok else f"expected a whole number, got {shown(raw)}"

    def from_terraform(self, value: Any) -> Any:
        return int(value) if isinstance(value, float) and value.is_integer() else value

    def to_graph(self, value: Any) -> Any:
        return int(value)

    def from_graph(self, raw: Any) -> Any:
        return int(raw)

    def plain(self, value: Any) -> Any:
        return int(value)


@dataclass(frozen=True)
class Counter(Number):
    """A whole number Graph raises by one on every write of its object (`version`)."""

    def written(self, previous: Any, *, created: bool, now: str) -> Any:
        return 1 if created or not isinstance(previous, int) else previous + 1


@dataclass(frozen=True)
class StringSet(Kind):
    """A set of strings (of `allowed`, when given); Graph holds it as a JSON array."""

    allowed: tuple[str, ...] = ()
    noun: str = "value"
    tf_type: ClassVar[TfType] = "set_of_string"
    python_type: ClassVar[Any] = frozenset[str]

    def graph_problem(self, value: Any) -> str | None:
        listed = f"; allowed values: {allowed_list(self.allowed)}" if self.allowed else ""
        if isinstance(value, str) or not isinstance(value, Iterable):
            return f"expected a list of {self.noun}s, got {shown(value)}{listed}"
        for item in value:
            if not isinstance(item, str) or (self.allowed and item not in self.allowed):
                return f"{shown(item)} is not a {self.noun}{did_you_mean(item, self.allowed)}{listed}"
        return None

    def rules(self) -> tuple[str, str]:
        members = f" of {allowed_list(self.allowed)} (exact spelling)" if self.allowed else ""
        return f"a list of strings{members}", ""

    def read_problem(self, raw: Any) -> str | None:
        ok = isinstance(raw, list) and all(isinstance(v, str) for v in raw)
        return None if ok else f"expected a list of strings, got {shown(raw)}"

    def terraform_type(self) -> Any:
        return ["set", "string"]

    def from_terraform(self, value: Any) -> Any:
        return sorted(value) if isinstance(value, list) else value

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

    def model_problem(self, value: Any) -> str | None:
        if self.none in {str(v) for v in value} and len({str(v) for v in value}) > 1:
            return f"'{self.none}' cannot be combined with other {self.noun}s"
        return None

    def rules(self) -> tuple[str, str]:
        return (
            f'members of {allowed_list(self.allowed)} (exact spelling), as "a,b" or the flags\' integer',
            f"member names only; '{self.none}' alone",
        )

    def graph_form(self) -> str:
        """How OData writes a value of this enum, for messages: `a string such as "a,b"`."""
        named = [v for v in self.allowed if v != self.none][:2] or list(self.allowed[:1])
        return f'a string such as "{",".join(named)}"'

    def request_problem(self, raw: Any, *, strict: bool) -> str | None:
        """As OData's enum parsing judges a Graph body's value (Microsoft.OData.Edm `EnumHelper.
        TryParseEnum`): a JSON string of member names joined by commas, each trimmed; an empty
        string or an empty member is invalid; a repeated member counts once and `none` (0) adds
        nothing. A JSON array is never a flags value (OData writes one string). The integer is
        Graph's too, unless `strict`."""
        if isinstance(raw, str):
            if not raw.strip():
                return f"{shown(raw)} names no {self.noun}; expected {self.graph_form()}, or '{self.none}'"
            if any(not part.strip() for part in raw.split(",")):
                return f"{shown(raw)} has an empty member between commas; expected {self.graph_form()}"
        elif isinstance(raw, int) and not isinstance(raw, bool):
            if strict:
                names = allowed_list(self.allowed)
                return f"{shown(raw)}: write the {self.noun}s by name ({names}), not as an integer"
        else:
            kind = "a JSON array" if isinstance(raw, list) else "JSON"
            one = "one string, members joined by commas"
            return f"expected {self.graph_form()} ({one}), got {kind} {shown(raw)}"
        return super().request_problem(raw, strict=strict)

    def read_problem(self, raw: Any) -> str | None:
        return None if isinstance(raw, str) else f"expected {self.graph_form()}, got {shown(raw)}"

    def members_of(self, number: int) -> list[str] | None:
        """The members an integer flags value stands for (`none` is 0, then 1, 2, 4, ... in
        declaration order, as Graph's CSDL numbers them), or None when it has undefined bits."""
        named = [v for v in self.allowed if v != self.none]
        if number < 0 or number >= 1 << len(named):
            return None
        return [v for i, v in enumerate(named) if number & (1 << i)] or [self.none]

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
        if isinstance(raw, int) and not isinstance(raw, bool):
            members = self.members_of(raw)
            return raw if members is None else members
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
        if isinstance(raw, int) and not isinstance(raw, bool) and (members := self.members_of(raw)):
            return self.to_graph(members)
        return raw


@dataclass(frozen=True)
class Boolean(Kind):
    """true or false."""

    tf_type: ClassVar[TfType] = "bool"
    python_type: ClassVar[Any] = bool
    accessor: ClassVar[str] = "get_boolean_attribute"

    def graph_problem(self, value: Any) -> str | None:
        return None if isinstance(value, bool) else f"{value!r} is not true or false"

    def rules(self) -> tuple[str, str]:
        return "true or false", ""

    def read_problem(self, raw: Any) -> str | None:
        return None if isinstance(raw, bool) else f"expected true or false, got {raw!r}"

    def from_graph(self, raw: Any) -> Any:
        return bool(raw)

    def plain(self, value: Any) -> Any:
        return bool(value)


@dataclass(frozen=True)
class DateTime(Kind):
    """An ISO 8601 timestamp Graph sets (`Edm.DateTimeOffset`), such as `createdDateTime`: kept as
    Graph wrote it. `stamped` says when Graph sets it: on `create` only, or on every `write`."""

    stamped: Literal["create", "write"] = "write"

    def written(self, previous: Any, *, created: bool, now: str) -> Any:
        return now if created or self.stamped == "write" else previous

    def graph_problem(self, value: Any) -> str | None:
        return None if isinstance(value, str) else f"{value!r} is not a timestamp string"

    def rules(self) -> tuple[str, str]:
        return "an ISO 8601 timestamp (read-only)", ""


@dataclass(frozen=True)
class Guid(Kind):
    """An object id in GUID form (`00000000-0000-0000-0000-000000000000`): a group or a filter."""

    noun: str = "id"

    def graph_problem(self, value: Any) -> str | None:
        if isinstance(value, str) and _GUID.match(value):
            return None
        return f"{value!r} is not a {self.noun} (a GUID such as 4b6cf4c6-1d1e-4f0b-9a8e-7f1c0e3c5d2a)"

    def rules(self) -> tuple[str, str]:
        return "a GUID", ""


@dataclass(frozen=True)
class Reference(Kind):
    """The id of an object of another resource (`target`): a single-valued navigation property.

    Graph takes it in a POST or PATCH body as an OData bind, `<name>@odata.bind` set to the target's
    URL, and gives it back only when the read expands it (`$expand=<name>($select=id)`); see
    `tests/fixtures/graph_docs/README.md` for the sources. In Terraform it is the target's `id`, so a
    reference orders the two resources."""

    target: ResourceSpec | None = None

    def graph_problem(self, value: Any) -> str | None:
        if isinstance(value, str) and value.strip() and "/" not in value:
            return None
        return f"{value!r} is not the id of {self._noun()}"

    def _noun(self) -> str:
        return (
            f"a {self.target.title} object (intune_{self.target.name}.<name>.id)"
            if self.target
            else "an object"
        )

    def rules(self) -> tuple[str, str]:
        return f"the id of {self._noun()}, bound with @odata.bind", ""

    def url(self, value: str, service_root: str = "") -> str:
        """The bound object's URL: the target's collection and id, under `service_root`."""
        path = self.target.collection_path if self.target else ""
        return f"{service_root.rstrip('/')}{path}/{value}"

    def id_of(self, url: Any) -> Any:
        """The id an `@odata.bind` URL names (its last segment), or the value as it is."""
        return url.rstrip("/").rsplit("/", 1)[-1] if isinstance(url, str) else url

    def body(self, graph_name: str, value: Any, service_root: str = "") -> dict[str, Any]:
        if value is None:
            return {}  # a required relationship: Graph keeps the one bound
        return {f"{graph_name}@odata.bind": self.url(str(value), service_root)}

    def body_member(self, graph_name: str) -> str | None:
        return f"{graph_name}@odata.bind"

    def from_graph_request(self, raw: Any) -> Any:
        return self.id_of(raw)

    def expand(self, graph_name: str) -> str | None:
        return f"{graph_name}($select=id)"

    def selected(self, graph_name: str) -> str | None:
        return None

    def read(self, entity: Mapping[str, Any], graph_name: str) -> Any:
        related = entity.get(graph_name)
        return related.get("id") if isinstance(related, Mapping) else related


class ItemCodec:
    """How the items of an `ObjectSet` look in Graph, and which combinations Graph refuses: the
    shape is Graph's (for Intune assignments, `intune_model.assignments`), the kind is generic."""

    action: str = ""  # the bound action that writes the whole set (`assign`), "" when in the body
    action_member: str = ""  # the member of the action's body holding the items (`assignments`)

    def to_graph(self, item: Mapping[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def from_graph(self, raw: Mapping[str, Any]) -> dict[str, Any] | None:
        """The item in state form, or None for an item this provider cannot express (kept out)."""
        raise NotImplementedError

    def item_problems(self, item: Mapping[str, Any]) -> list[str]:
        """Rules across one item's fields (a filter type without a filter id...)."""
        return []

    def set_problems(self, items: list[Mapping[str, Any]]) -> list[str]:
        """Rules across the items (all devices given twice...)."""
        return []


@dataclass(frozen=True)
class ObjectSet(Kind):
    """A set of objects: a repeated nested block in a resource (`item` gives its attributes), a set of
    objects in a data source. Order never matters; each item holds every attribute (None when unset).
    `codec` maps an item to Graph and back; with a codec `action`, Graph writes the whole set through
    that bound action (`POST …/{id}/assign`) rather than in the object's body, and a read expands it."""

    item: tuple[Field, ...] = ()
    codec: ItemCodec = field(default_factory=ItemCodec)
    noun: str = "item"
    tf_type: ClassVar[TfType] = "set_of_object"
    python_type: ClassVar[Any] = list[dict[str, Any]]
    accessor: ClassVar[str] = "interpolation_for_attribute"

    def block_fields(self) -> tuple[Field, ...]:
        return self.item

    def terraform_type(self) -> Any:
        return ["set", ["object", {f.name: f.kind.terraform_type() for f in self.item}]]

    def _shape(self, item: Mapping[str, Any]) -> dict[str, Any]:
        return {f.name: (None if item.get(f.name) is None else f.kind.plain(item[f.name])) for f in self.item}

    def from_terraform(self, value: Any) -> Any:
        return self.plain(value)

    def graph_problem(self, value: Any) -> str | None:
        if isinstance(value, str | Mapping) or not isinstance(value, Iterable):
            return f"expected a set of {self.noun}s, got {value!r}"
        items = list(value)
        problems: list[str] = []
        for item in items:
            if not isinstance(item, Mapping):
                return f"expected a {self.noun} object, got {item!r}"
            problems.extend(self._item_problems(item))
        if not problems:
            problems.extend(self.codec.set_problems([self._shape(i) for i in items]))
        return "; ".join(dict.fromkeys(problems)) or None

    def _item_problems(self, item: Mapping[str, Any]) -> list[str]:
        problems = []
        for f in self.item:
            given = item.get(f.name)
            if given is None:
                if f.required:
                    hint = f"; allowed values: {allowed_list(f.allowed)}" if f.allowed else ""
                    problems.append(f"{f.name} is required in every {self.noun}{hint}")
            elif problem := f.kind.check(given):
                problems.append(f"{f.name}: {problem}")
        unknown = sorted(set(item) - {f.name for f in self.item})
        if unknown:
            names = allowed_list(f.name for f in self.item)
            problems.append(f"unknown {self.noun} attribute {unknown[0]!r}; allowed: {names}")
        return problems or self.codec.item_problems(item)

    def rules(self) -> tuple[str, str]:
        return f"a set of {self.noun}s ({allowed_list(f.name for f in self.item)})", ""

    def read_problem(self, raw: Any) -> str | None:
        ok = isinstance(raw, list) and all(isinstance(v, Mapping) for v in raw)
        return None if ok else f"expected a list of objects, got {raw!r}"

    def to_graph(self, value: Any) -> Any:
        return [self.codec.to_graph(item) for item in self.plain(value)]

    def from_graph(self, raw: Any) -> Any:
        items = (
            [self.codec.from_graph(r) for r in raw if isinstance(r, Mapping)] if isinstance(raw, list) else []
        )
        return self.plain([i for i in items if i is not None])

    def from_graph_request(self, raw: Any) -> Any:
        return self.from_graph(raw)

    def plain(self, value: Any) -> Any:
        shaped = [self._shape(item) for item in value]
        unique = {repr(sorted(i.items(), key=lambda kv: kv[0])): i for i in shaped}
        return [unique[k] for k in sorted(unique)]

    def same(self, a: Any, b: Any) -> bool:
        if a is None or b is None:
            return (a or []) == (b or [])
        return bool(self.plain(a) == self.plain(b))

    def body(self, graph_name: str, value: Any, service_root: str = "") -> dict[str, Any]:
        if self.codec.action:
            return {}
        return super().body(graph_name, value, service_root)

    def body_member(self, graph_name: str) -> str | None:
        return None if self.codec.action else graph_name

    def expand(self, graph_name: str) -> str | None:
        return graph_name if self.codec.action else None

    def selected(self, graph_name: str) -> str | None:
        return None if self.codec.action else graph_name

    def action_body(self, value: Any) -> dict[str, Any]:
        """The body of the action that writes the whole set (every item: Graph replaces the set)."""
        return {self.codec.action_member: self.to_graph(value or [])}


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
    read_only: bool = False  # set by Graph (`version`, `createdDateTime`): a computed attribute, never sent

    def __post_init__(self) -> None:
        if not _TF_NAME.match(self.name) or not _GRAPH_NAME.match(self.graph_name):
            raise ValueError(f"field {self.name!r}/{self.graph_name!r}: names must be plain identifiers")
        if self.read_only and self.required:
            raise ValueError(f"field {self.name!r}: a read-only field is not required")

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
    `$filter eq`), and `adoption_key` the field a lost create is searched by.

    `schema_version` is the Terraform resource schema's version: bump it when an attribute is
    renamed or retyped, and add `state_upgrades[v]`, which turns a state of version `v` into one of
    version `v + 1` (see `upgrade_state`). A new optional attribute needs neither."""

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
    permission: str = ""  # the Graph application permission that writes (and reads) the collection
    read_permission: str = ""  # the one that only reads; "" derives it (`.ReadWrite.` -> `.Read.`)
    docs_url: str = ""
    docs_example: str = ""  # HCL of one resource block, for the docs
    model_name: str = ""  # class name of the derived pydantic model
    extra: Mapping[str, Any] = field(default_factory=dict)
    schema_version: int = 0
    state_upgrades: Mapping[int, Callable[[dict[str, Any]], dict[str, Any]]] = field(default_factory=dict)
    mixed_collection: bool = False  # the collection holds other types too (`deviceConfigurations`)

    def __post_init__(self) -> None:
        names = {f.name for f in self.fields}
        for key in (self.lookup_field, self.adoption_key, *self.list_filters):
            if key not in names:
                raise ValueError(f"spec {self.name!r}: {key!r} is not one of its fields")
        missing = [v for v in range(self.schema_version) if v not in self.state_upgrades]
        if missing:
            raise ValueError(f"spec {self.name!r}: no state upgrade from schema version(s) {missing}")

    # ------------------------------------------------------------------ lookups

    @cached_property
    def by_name(self) -> dict[str, Field]:
        return {f.name: f for f in self.fields}

    @cached_property
    def by_graph_name(self) -> dict[str, Field]:
        return {f.graph_name: f for f in self.fields}

    @cached_property
    def settable(self) -> tuple[Field, ...]:
        """The fields a user sets (every field but the read-only ones)."""
        return tuple(f for f in self.fields if not f.read_only)

    @cached_property
    def read_only(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.read_only)

    @cached_property
    def by_body_member(self) -> dict[str, Field]:
        """Fields by the request-body member their kind writes (`x@odata.bind` for a reference)."""
        return {m: f for f in self.fields if (m := f.kind.body_member(f.graph_name)) is not None}

    @cached_property
    def graph_select(self) -> tuple[str, ...]:
        """The `$select` a read needs: `id` and every field's Graph name that is not expanded."""
        return ("id", *(s for f in self.fields if (s := f.kind.selected(f.graph_name)) is not None))

    @cached_property
    def graph_expand(self) -> tuple[str, ...]:
        """The `$expand` a read needs: relationships (a reference) and action-written sets."""
        return tuple(e for f in self.fields if (e := f.kind.expand(f.graph_name)) is not None)

    @cached_property
    def action_fields(self) -> tuple[Field, ...]:
        """Fields Graph writes through a bound action of the object (assignments), not in its body."""
        return tuple(f for f in self.fields if isinstance(f.kind, ObjectSet) and f.kind.codec.action)

    @property
    def list_path(self) -> str:
        """Where a list of this type is read: the collection, cast to the type when the collection
        is mixed (`/deviceManagement/deviceConfigurations/microsoft.graph.x`), as Microsoft's API
        guidelines document for a type hierarchy (see tests/fixtures/graph_docs/README.md)."""
        if not self.mixed_collection:
            return self.collection_path
        return f"{self.collection_path}/{self.odata_type.lstrip('#')}"

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
        for f in self.settable:
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
        """The values as plain state (every settable field, None when unset), or `SettingsInvalid`
        with every problem at once."""
        problems = self.problems(values)
        if problems:
            raise SettingsInvalid(problems, subject or self.subject)
        return {f.name: self.plain(f.name, values.get(f.name)) for f in self.settable}

    def plain(self, name: str, value: Any) -> Any:
        return None if value is None else self.by_name[name].kind.plain(value)

    def check_graph_body(
        self, body: Mapping[str, Any], *, partial: bool, strict: bool = True
    ) -> list[tuple[str, str]]:
        """Problems in a Graph request body (Graph names), as a POST (`partial=False`) or a PATCH
        (`partial=True`) would be judged: by Graph's documented rules (unknown properties, null in a
        required property, required properties on create, each kind's `graph_problem`), and with
        `strict` by ours too (each kind's `model_problem`). `@odata.type` and `id` are ignored."""
        problems: list[tuple[str, str]] = []
        present: set[str] = set()
        for key, raw in body.items():
            if key in ("@odata.type", "id"):
                continue
            f = self.by_body_member.get(key)
            if f is None:
                problems.append((key, f"unknown property; allowed: {allowed_list(self.by_body_member)}"))
                continue
            if f.read_only:
                continue  # Graph ignores read-only properties in a request (its own examples send them)
            present.add(f.name)
            if raw is None:
                if f.required:
                    problems.append((key, "is required and cannot be null"))
            elif problem := f.kind.request_problem(raw, strict=strict):
                problems.append((key, problem))
        if not partial:
            for f in self.settable:
                if f.required and f.name not in present:
                    hint = f"; allowed values: {allowed_list(f.allowed)}" if f.allowed else ""
                    problems.append((f.kind.body_member(f.graph_name) or f.graph_name, "is required" + hint))
        return problems

    def rules(self) -> list[tuple[str, str, str]]:
        """(Graph name, Graph's rule, ours) per field, for the README and the docs."""
        out = []
        for f in self.fields:
            graph, ours = f.kind.rules()
            if f.read_only:
                continue
            if f.required:
                graph += "; required on create"
            out.append((f.graph_name, graph, ours))
        return out

    def entity(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """The Graph object in an answer for one object, or `UnexpectedBody` naming what is wrong.

        Microsoft's GET page shows the object wrapped as `{"value": {...}}`: such a body (no `id`
        nor any property of the spec at the top, `value` an object) is unwrapped. The object must
        then hold a non-blank string `id` and every required property, and each property Graph sent
        must have its kind's JSON type. Values are not judged beyond their type: an enum member
        Graph added later is kept as read. Extra properties and a derived `@odata.type` are ignored."""
        entity: Mapping[str, Any] = body
        inner = body.get("value")
        if "id" not in body and not set(body) & set(self.by_graph_name) and "value" in body:
            if not isinstance(inner, Mapping):
                shape = "a list" if isinstance(inner, list) else repr(inner)
                raise UnexpectedBody(
                    [("value", f"expected one {self.title} object, got {shape}")], self.title
                )
            entity = inner
        problems: list[tuple[str, str]] = []
        kind_of = entity.get("@odata.type")
        if (
            self.mixed_collection
            and isinstance(kind_of, str)
            and kind_of.lstrip("#") != self.odata_type.lstrip("#")
        ):
            problems.append(
                ("@odata.type", f"{kind_of} is another type of {self.segments[-1]}, not {self.title}")
            )
        oid = entity.get("id")
        if not isinstance(oid, str) or not oid.strip():
            got = "missing" if oid is None else f"expected a non-blank string, got {shown(oid)}"
            problems.append(("id", got))
        for f in self.fields:
            raw = f.kind.read(entity, f.graph_name)
            if raw is None:
                # A relationship is in the answer only when expanded (a POST's answer has none).
                if f.required and f.kind.expand(f.graph_name) is None:
                    problems.append((f.graph_name, "missing (a required property)"))
            elif problem := f.kind.read_problem(raw):
                problems.append((f.graph_name, problem))
        if problems:
            raise UnexpectedBody(problems, self.title)
        return dict(entity)

    # ------------------------------------------------------------------ Graph mapping

    def to_graph(
        self, state: Mapping[str, Any], *, only: Iterable[str] | None = None, service_root: str = ""
    ) -> dict[str, Any]:
        """Graph JSON body for the fields set in `state` (or for `only`, which may carry nulls to clear);
        each kind writes its own members (a reference as `x@odata.bind`, under `service_root`), and
        read-only and action-written fields are never in it."""
        body: dict[str, Any] = {"@odata.type": self.odata_type}
        names = (
            list(only)
            if only is not None
            else [f.name for f in self.settable if state.get(f.name) is not None]
        )
        for name in names:
            f = self.by_name[name]
            if f.read_only:
                continue
            value = state.get(name)
            if value is None and (f.required or f.server_default is not None):
                continue  # non-nullable on Graph: leaving it alone is the only honest "unset"
            body.update(f.kind.body(f.graph_name, value, service_root))
        return body

    def from_graph(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """Terraform-named values of every field Graph returned (id included)."""
        state: dict[str, Any] = {"id": body.get("id")}
        for f in self.fields:
            raw = f.kind.read(body, f.graph_name)
            state[f.name] = None if raw is None else f.kind.from_graph(raw)
        return state

    def graph_defaults(self) -> dict[str, Any]:
        """Graph values of the fields nobody set on create."""
        return {
            f.graph_name: f.kind.to_graph(f.server_default)
            for f in self.fields
            if f.server_default is not None
        }

    # ------------------------------------------------------------------ state versions

    def upgrade_state(self, version: int, old: Mapping[str, Any]) -> dict[str, Any]:
        """A state written under schema `version`, carried forward to `schema_version` one
        `state_upgrades` step at a time, then shaped to the current attributes (ones no longer in
        the schema dropped, new ones null)."""
        if version > self.schema_version:
            raise IntuneError(
                f"intune_{self.name} state has schema version {version}",
                f"This provider knows versions up to {self.schema_version}: the state was written by "
                "a newer provider. Use that version (or newer) of the provider.",
            )
        state = dict(old)
        for step in range(version, self.schema_version):
            state = self.state_upgrades[step](state)
        return {name: state.get(name) for name in ("id", *self.by_name)}

    # ------------------------------------------------------------------ drift

    def same_value(self, name: str, a: Any, b: Any) -> bool:
        """Semantic equality used for drift (sets ignore order; flags' `none` equals the empty set)."""
        return self.by_name[name].kind.same(a, b)

    def changed_fields(self, old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
        """The settable fields whose values differ by `same_value`, in field order."""
        return [
            f.name for f in self.settable if not self.same_value(f.name, old.get(f.name), new.get(f.name))
        ]

    def is_server_default(self, name: str, value: Any) -> bool:
        if value is None:
            return True
        default = self.by_name[name].server_default
        return default is not None and self.same_value(name, value, default)

    def fields_of(self, props: Mapping[str, Any]) -> dict[str, Any]:
        return {f.name: props.get(f.name) for f in self.fields}
