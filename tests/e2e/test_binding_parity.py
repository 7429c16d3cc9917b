"""The constructs' public surface against a binding generated for the same provider schema.

`cdktf get` (the pinned cdktf-cli, offline against the provider in the local mirror) generates the
Python binding a CDKTF user would get for this provider; its source is read with `ast`, not
imported. Each of our constructs must have the generated class's members (getters, setters,
`*_input`, `reset_*`, `TF_RESOURCE_TYPE`, `generate_config_for_import`), its constructor's
parameters and its config struct's fields, and nothing public that the binding lacks beyond our
documented additions. Both are also checked against the schema the provider serves
(`terraform providers schema -json`). Generated once per session (about 40 s)."""

from __future__ import annotations

import ast
import inspect
import json
import sys
from pathlib import Path
from typing import Any

import cdktf
import pytest

from constructs_lib._binding import META_ARGUMENTS, Attribute, camel
from constructs_lib._bindings import TARBALL, surface, tarball
from constructs_lib._bindings.generate import generate
from constructs_lib.catalog import DATA_SOURCES, RESOURCES
from intune_model.address import PROVIDER_SOURCE, PROVIDER_TYPE
from tests.terraform_support import Workdir

ROOT = Path(__file__).resolve().parents[2]
CDKTF = ROOT / "node_modules" / ".bin" / "cdktf"


def _entry(type_name: str, cls: type, *, data: bool) -> tuple[str, str, type, tuple[Attribute, ...], str]:
    name = f"data_{type_name}" if data else type_name.removeprefix(f"{PROVIDER_TYPE}_")
    module = sys.modules[cls.__module__]
    attributes = {
        f"{PROVIDER_TYPE}_{module.SPEC.name}": module.ONE_ATTRIBUTES,
        f"{PROVIDER_TYPE}_{module.SPEC.plural}": module.ALL_ATTRIBUTES,
    }
    return (
        name,
        "".join(p.capitalize() for p in name.split("_")),
        cls,
        attributes[type_name] if data else module.ATTRIBUTES,
        "data_source_schemas" if data else "resource_schemas",
    )


# Terraform type name -> (generated module, generated class, our class, our attribute list, section):
# every construct of the catalog (one resource and two data sources per spec)
CONSTRUCTS: dict[str, tuple[str, str, type, tuple[Attribute, ...], str]] = {
    **{t: _entry(t, cls, data=False) for t, cls in RESOURCES.items()},
    **{f"data.{t}": _entry(t, cls, data=True) for t, cls in DATA_SOURCES.items()},
}

# Ours only, on purpose: the typed layer's alternative constructors.
ADDITIONS: dict[type, set[str]] = {cls: {"from_config", "from_file"} for cls in RESOURCES.values()}

# Terraform schema type -> our attribute kind
_KINDS: dict[str, str] = {
    '"string"': "string",
    '"number"': "number",
    '"bool"': "bool",
    '["set","string"]': "set_of_string",
    '["list","string"]': "list_of_string",
}


def _kind(tf_type: Any) -> str:
    key = json.dumps(tf_type, separators=(",", ":"))
    if key in _KINDS:
        return _KINDS[key]
    if isinstance(tf_type, list) and tf_type[0] in ("list", "set") and isinstance(tf_type[1], list):
        return f"{tf_type[0]}_of_object"
    raise AssertionError(f"no construct kind for Terraform type {key}")


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory, cli_config: Path) -> Path:
    """The Python binding `cdktf get` generates for this provider (its `imports/intune` folder)."""
    if not CDKTF.exists():
        pytest.skip("run `make test` (installs the cdktf CLI with npm)")
    tgz = generate("cdktf", tmp_path_factory.mktemp("cdktf-get"), cli_config)
    return tgz.parents[1]  # imports/intune, beside its _jsii


@pytest.fixture(scope="session")
def schema(tmp_path_factory: pytest.TempPathFactory, cli_config: Path) -> dict[str, Any]:
    """The provider's schema as Terraform reports it."""
    tf = Workdir(tmp_path_factory.mktemp("schema"), cli_config, {})
    tf.write({"terraform": {"required_providers": {PROVIDER_TYPE: {"source": PROVIDER_SOURCE}}}})
    tf.init()
    data = json.loads(tf.run("providers", "schema", "-json").stdout)
    (provider,) = data["provider_schemas"].values()
    schemas: dict[str, Any] = provider
    return schemas


class Surface:
    """Public members (name -> "method" | "getter" | "property"), constructor parameters and the
    keyword arguments of one construct class."""

    def __init__(self, members: dict[str, str], positional: list[str], keywords: set[str]) -> None:
        self.members = members
        self.positional = positional
        self.keywords = keywords


def generated_surface(source: str, class_name: str) -> tuple[Surface, set[str]]:
    """The surface of generated class `class_name` and the fields of its `<name>Config` struct."""
    tree = ast.parse(source)
    classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
    members: dict[str, str] = {}
    init: ast.FunctionDef | None = None
    for node in classes[class_name].body:
        if not isinstance(node, ast.FunctionDef):
            continue
        decorators = {ast.unparse(d) for d in node.decorator_list}
        if node.name == "__init__":
            init = node
        elif node.name.startswith("_"):
            continue
        elif any(d.endswith(".setter") for d in decorators):
            members[node.name] = "property"
        elif (
            decorators & {"builtins.property", "jsii.python.classproperty"}
            and members.get(node.name) != "property"
        ):
            members[node.name] = "getter"
        elif node.name not in members:
            members[node.name] = "method"
    assert init is not None
    positional = [a.arg for a in init.args.args[1:]]
    keywords = {a.arg for a in init.args.kwonlyargs}
    config = {
        n.name
        for n in classes[f"{class_name}Config"].body
        if isinstance(n, ast.FunctionDef) and not n.name.startswith("_")
    }
    return Surface(members, positional, keywords), config


def our_surface(cls: type) -> Surface:
    base = next(b for b in cls.__mro__ if b.__module__.startswith(("cdktf", "cdktn")))
    members: dict[str, str] = {}
    for klass in reversed(cls.__mro__[: cls.__mro__.index(base)]):
        for name, item in vars(klass).items():
            if name.startswith("_"):
                continue
            if isinstance(item, property):
                members[name] = "property" if item.fset is not None else "getter"
            elif hasattr(item, "settable"):  # the accessors constructs_lib._binding installs
                members[name] = "property" if item.settable else "getter"
            elif isinstance(item, str):
                members[name] = "getter"  # TF_RESOURCE_TYPE, a class property in the binding
            else:
                members[name] = "method"
    signature = inspect.signature(cls.__init__)
    params = list(signature.parameters.values())[1:]
    positional = [p.name for p in params if p.kind is p.POSITIONAL_OR_KEYWORD]
    keywords = {p.name for p in params if p.kind is p.KEYWORD_ONLY}
    return Surface(members, positional, keywords)


@pytest.mark.cdktf_cli
@pytest.mark.parametrize("address", list(CONSTRUCTS))
def test_surface_matches_the_generated_binding(address: str, generated: Path) -> None:
    module, class_name, cls, _, _ = CONSTRUCTS[address]
    source = (generated / module / "__init__.py").read_text()
    theirs, config_fields = generated_surface(source, class_name)
    ours = our_surface(cls)
    extra = ADDITIONS.get(cls, set())
    missing = {k: v for k, v in theirs.members.items() if k not in ours.members}
    added = {k: v for k, v in ours.members.items() if k not in theirs.members and k not in extra}
    differ = {k: (ours.members[k], v) for k, v in theirs.members.items() if ours.members.get(k, v) != v}
    assert not missing, f"{cls.__name__} lacks the binding's {missing}"
    assert not added, f"{cls.__name__} has public members the binding lacks: {added}"
    assert not differ, f"{cls.__name__} members differ (ours, binding): {differ}"
    assert ours.positional == theirs.positional, "constructor's positional parameters"
    assert ours.keywords == theirs.keywords, "constructor's keyword arguments"
    assert ours.keywords == config_fields, f"keyword arguments vs the binding's {class_name}Config fields"
    assert all(hasattr(cls, name) for name in extra), "the additions exist"


@pytest.mark.cdktf_cli
def test_the_shipped_assemblies_are_the_generated_binding(generated: Path) -> None:
    """The constructs create the generated JavaScript classes from the assemblies in
    `constructs_lib._bindings`: they must be what `cdktf get` makes of today's schema (else run
    `python -m constructs_lib._bindings`), for both engines, and hold the classes and config structs
    the constructs name."""
    fresh = surface(generated / "_jsii" / TARBALL)
    assert surface(tarball("cdktf")) == fresh, "stale: run `python -m constructs_lib._bindings`"
    assert surface(tarball("cdktn")) == fresh, "stale: run `python -m constructs_lib._bindings`"
    for _, _, cls, _, _ in CONSTRUCTS.values():
        config = cls._config_type.__jsii_type__  # type: ignore[attr-defined]
        assert cls.__jsii_type__ in fresh, cls.__name__  # type: ignore[attr-defined]
        own = {m.removeprefix("properties:") for m in fresh[config]}
        fields = own | {camel(name) for name in META_ARGUMENTS}  # those come from TerraformMetaArguments
        assert fields == set(cls._config_type.__jsii_name_mapping__.values()), config  # type: ignore[attr-defined]


@pytest.mark.e2e
@pytest.mark.parametrize("address", list(CONSTRUCTS))
def test_surface_agrees_with_the_schema(address: str, schema: dict[str, Any]) -> None:
    _, _, cls, attributes, section = CONSTRUCTS[address]
    schema_block = schema[section][address.removeprefix("data.")]["block"]
    block = dict(schema_block["attributes"])
    nested = schema_block.get("block_types", {})
    for name, spec in nested.items():  # a set of nested blocks: an optional input set by put_<name>
        item = {k: v["type"] for k, v in spec["block"]["attributes"].items()}
        block[name] = {"type": ["set", ["object", item]], "optional": True, "block": True}
    ours = {a.name: a for a in attributes}
    assert set(ours) == set(block), "attribute names"
    members = our_surface(cls).members
    keywords = our_surface(cls).keywords
    for name, spec in block.items():
        attribute = ours[name]
        settable = bool(spec.get("required") or spec.get("optional"))
        assert attribute.kind == _kind(spec["type"]), name
        assert attribute.input == settable, name
        assert attribute.required == bool(spec.get("required")), name
        assert attribute.computed == bool(spec.get("computed")), name
        assert attribute.block == bool(spec.get("block")), name
        assert members[name] == ("property" if settable and not attribute.block else "getter"), name
        assert (f"put_{name}" in members) == attribute.block, name
        assert (f"{name}_input" in members) == settable, name
        assert (f"reset_{name}" in members) == bool(spec.get("optional")), name
        assert (name in keywords) == settable, name
    assert keywords - set(block) == set(META_ARGUMENTS), "the rest are Terraform's meta-arguments"


def test_type_declarations_match_the_installed_accessors() -> None:
    """The `if TYPE_CHECKING:` block of each construct (what mypy and editors see) names exactly the
    accessors `install` adds at run time."""
    for _, _, cls, attributes, _ in CONSTRUCTS.values():
        tree = ast.parse(inspect.getsource(cls))
        (klass,) = [n for n in tree.body if isinstance(n, ast.ClassDef)]
        (block,) = [n for n in klass.body if isinstance(n, ast.If) and ast.unparse(n.test) == "TYPE_CHECKING"]
        declared = {
            n.target.id
            if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)
            else getattr(n, "name", "")
            for n in block.body
        }
        installed = set()
        for a in attributes:
            installed.add(a.name)
            if a.input:
                installed.add(f"{a.name}_input")
                if a.block:
                    installed.add(f"put_{a.name}")
                if not a.required:
                    installed.add(f"reset_{a.name}")
        assert declared == installed, cls.__name__
        assert all(hasattr(cls, name) for name in installed)


def test_engine_module_is_the_one_the_tests_run() -> None:
    from constructs_lib import engine

    assert engine.cdk is cdktf and engine.NAME == "cdktf"
