"""The layout's promises: one argument table and one URL rule for the provider, the construct and
the stacks; no field name outside its spec; the provider's plan path free of pydantic and httpx."""

from __future__ import annotations

import ast
import dataclasses
import inspect
import subprocess
import sys
from pathlib import Path

import pytest

from intune_model.arguments import ARGUMENTS, SECRET_ARGUMENTS

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = (
    "intune_model",
    "intune_graph",
    "terraform_provider_intune",
    "graph_emulator",
    "constructs_lib",
    "stacks",
)


def test_construct_takes_exactly_the_provider_arguments() -> None:
    from constructs_lib.provider import IntuneProvider

    not_arguments = {"self", "scope", "id", "alias", "source"}  # source: where Terraform installs it from
    params = set(inspect.signature(IntuneProvider.__init__).parameters) - not_arguments
    assert params == {arg.name for arg in ARGUMENTS}


def test_stack_provider_settings_are_the_non_secret_arguments() -> None:
    from stacks.config import ProviderSettings

    fields = {f.name for f in dataclasses.fields(ProviderSettings)}
    assert fields == {arg.name for arg in ARGUMENTS if arg.name not in SECRET_ARGUMENTS} | {
        "client_secret_variable"
    }


@pytest.mark.parametrize(
    "url", ["https://graph.example?x=1", "https://graph.example#top", "ftp://graph.example"]
)
def test_construct_refuses_what_the_provider_refuses(url: str) -> None:
    import cdktf

    from constructs_lib.provider import IntuneProvider
    from terraform_provider_intune.config import check_arguments

    assert [name for name, _ in check_arguments({"graph_endpoint": url})] == ["graph_endpoint"]
    stack = cdktf.TerraformStack(cdktf.App(), "s")
    with pytest.raises(ValueError, match="graph_endpoint"):
        IntuneProvider(stack, "intune", graph_endpoint=url)


def _string_constants(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)}


# Literals that are field names by coincidence, or files not yet derived from the spec.
NOT_FIELDS = {
    ("graph_emulator/identity.py", "issuer"),  # the OIDC discovery document's `issuer`
    ("graph_emulator/oidc.py", "issuer"),  # the same, for the emulator's own OIDC issuer
    ("intune_model/assignments.py", "assignment"),  # the item's noun in messages
    ("intune_model/assignments.py", "assignments"),  # Graph's `assign` action body member
    ("terraform_provider_intune/cli.py", "version"),  # `intune-provider version`
    ("terraform_provider_intune/docs.py", "description"),  # keys of Terraform's schema JSON
    ("terraform_provider_intune/plugin/provider.py", "description"),
    ("terraform_provider_intune/plugin/provider.py", "version"),
    ("terraform_provider_intune/release/archive.py", "version"),  # the provider release's version
    ("terraform_provider_intune/release/registry.py", "version"),  # keys of the registry protocol
}


def test_no_field_name_outside_its_spec() -> None:
    """Field names (Terraform and Graph) appear as literals only in their spec module."""
    from intune_model.registry import specs

    names = {n for s in specs() for f in s.fields for n in (f.name, f.graph_name)}
    spec_files = {ROOT / "intune_model" / "resources" / f"{s.name}.py" for s in specs()}
    allowed = spec_files
    offenders = []
    for package in PRODUCT:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = str(path.relative_to(ROOT))
            if path in allowed:
                continue
            for literal in _string_constants(path):
                if literal in names and (relative, literal) not in NOT_FIELDS:
                    offenders.append(f"{relative}: {literal!r}")
    assert offenders == []


def _keywords(cls: type) -> list[str]:
    """A construct's keyword arguments, less Terraform's meta-arguments."""
    from constructs_lib._binding import META_ARGUMENTS

    params = inspect.signature(cls.__init__).parameters
    kinds = (inspect.Parameter.KEYWORD_ONLY,)
    return [n for n, p in params.items() if p.kind in kinds and n not in META_ARGUMENTS]


def test_construct_keywords_are_the_spec_fields() -> None:
    """The constructs spell their keyword arguments out (typing, IDE completion, jsii-style docs);
    everything behind them (attributes, accessors, checks) comes from the spec."""
    from constructs_lib.catalog import DATA_SOURCES, RESOURCES
    from intune_model.registry import specs

    for spec in specs():
        # and the plugin's own `tenant_id` last, as every resource and data source has it
        resource = RESOURCES[f"intune_{spec.name}"]
        assert _keywords(resource) == [f.name for f in spec.settable] + ["tenant_id"], spec.name
        assert _keywords(DATA_SOURCES[f"intune_{spec.name}"]) == ["id", spec.lookup_field, "tenant_id"]
        assert _keywords(DATA_SOURCES[f"intune_{spec.plural}"]) == [*spec.list_filters, "tenant_id"]


def test_constructs_lib_has_no_hand_written_per_resource_module() -> None:
    """A resource costs its spec and a registry line: in `constructs_lib`, only the modules
    `python -m constructs_lib._generate` writes (they say so in their docstring, and a test holds
    them fresh) may name a spec module, a resource's Terraform type or its construct class."""
    from constructs_lib._generate import HEADER, Names
    from intune_model.registry import specs

    words = set()
    for spec in specs():
        names = Names.of(spec)
        words |= {names.resource, names.one, names.all, names.resource_type, names.all_type}
        words |= {f"intune_model.resources.{spec.name}"}
    offenders = []
    for path in sorted((ROOT / "constructs_lib").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text)
        if HEADER in (ast.get_docstring(tree) or ""):
            continue
        imported = {
            n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module is not None
        } | {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        named = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} | {
            n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)
        }
        found = sorted((imported | named | _string_constants(path)) & words)
        found += sorted(m for m in imported if m.startswith("intune_model.resources"))
        if found:
            offenders.append(f"{path.relative_to(ROOT)}: {sorted(set(found))}")
    assert offenders == []


def test_validate_and_plan_path_loads_no_pydantic_httpx_or_azure_identity() -> None:
    code = (
        "import sys\n"
        "from tf.utils import Diagnostics\n"
        "from terraform_provider_intune.plugin.provider import IntuneProvider, schema_document\n"
        "p = IntuneProvider()\n"
        "schema_document()\n"
        "for cls in p.get_resources():\n"
        "    cls(p).validate(Diagnostics(), 'intune_' + cls.get_name(), {'issuer': 'nope'})\n"
        "print(sorted(m for m in ('pydantic', 'httpx', 'azure.identity') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def _functions(path: Path) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]


def test_no_one_resource_layer() -> None:
    """Nothing speaks for one resource outside its spec: no compatibility module of aliases onto one
    spec, no `spec: ResourceSpec | None = None` parameter falling back to the first registered spec,
    no default subject in `SettingsInvalid`, and the first spec taken by default only by the
    command line's `--resource`."""
    import intune_model
    from intune_model.errors import SettingsInvalid

    assert not (ROOT / "intune_model" / "settings.py").exists()
    assert set(intune_model.__all__) == {
        "IntuneError",
        "PROVIDER_SOURCE",
        "PROVIDER_TYPE",
        "PROVIDER_VERSION",
        "RESOURCE_TYPE",
    }
    subject = inspect.signature(SettingsInvalid.__init__).parameters["subject"]
    assert subject.default is inspect.Parameter.empty
    fallbacks, first_spec = [], []
    for package in PRODUCT:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = str(path.relative_to(ROOT))
            for fn in _functions(path):
                args = fn.args.args + fn.args.kwonlyargs
                defaults = [None] * (len(fn.args.args) - len(fn.args.defaults)) + list(fn.args.defaults)
                defaults += list(fn.args.kw_defaults)
                for arg, default in zip(args, defaults, strict=True):
                    annotation = ast.unparse(arg.annotation) if arg.annotation else ""
                    optional_spec = "ResourceSpec" in annotation and "None" in annotation
                    # docs.py: the provider's own page has no spec
                    if (
                        optional_spec
                        and default is not None
                        and relative != "terraform_provider_intune/docs.py"
                    ):
                        fallbacks.append(f"{relative}: {fn.name}({arg.arg})")
            if "default_spec" in path.read_text(encoding="utf-8") and relative not in (
                "intune_model/registry.py",
                "terraform_provider_intune/cli.py",
            ):
                first_spec.append(relative)
    assert fallbacks == []
    assert first_spec == []


def test_no_layer_switches_on_a_type_string() -> None:
    """A field's kind owns its Terraform type, codec, accessor and drift rule: the provider, the
    handler, the client and the emulator never compare a field's `tf_type` with a literal."""
    offenders = []
    for package in ("terraform_provider_intune", "intune_graph", "graph_emulator"):
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = str(path.relative_to(ROOT))
            if relative == "terraform_provider_intune/plugin/values.py":
                continue  # refinements of unknowns, shared with the provider arguments (`FieldLike`)
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.Compare) and any(
                    isinstance(side, ast.Attribute) and side.attr == "tf_type"
                    for side in [node.left, *node.comparators]
                ):
                    offenders.append(f"{relative}:{node.lineno}")
                keyed = isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Attribute)
                if keyed and node.slice.attr == "tf_type":  # type: ignore[attr-defined]
                    offenders.append(f"{relative}:{node.lineno}")
    assert offenders == []
