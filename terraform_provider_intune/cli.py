"""`intune-provider`: set-up commands, and a look at a tenant for people who are not in a stack.

    intune-provider install --dir DIR        filesystem mirror + Terraform CLI config (no network)
    intune-provider package --out DIR --base-url URL [--gpg-key KEYID] [--namespace NS]
                                             a release site: self-contained zip, signed SHA256SUMS,
                                             registry protocol and network mirror (docs/releases.md)
    intune-provider list [--issuer X]        the tenant's derived credential settings
    intune-provider show ID | --display-name NAME
    (list and show take --resource NAME for another registered resource)
    intune-provider export -o settings.json  adopt them: a stack configuration file with import ids,
                                             every resource (or --resource NAME), keyed by type
    intune-provider docs [--check]           regenerate (or check) docs/ from the provider schema
    intune-provider version

The tenant commands read the same environment as the provider (AZURE_TENANT_ID, AZURE_CLIENT_ID,
AZURE_CLIENT_SECRET, AZURE_AUTHORITY_HOST, INTUNE_GRAPH_ENDPOINT); the options override it.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from intune_model.address import PROVIDER_SOURCE, PROVIDER_VERSION
from intune_model.display import escape_controls, safe_text
from intune_model.errors import IntuneError
from intune_model.registry import default_spec, spec_named, specs
from intune_model.schema import ResourceSpec
from intune_model.unexpected import report_unexpected

CONNECTION_OPTIONS = ("tenant_id", "client_id", "graph_endpoint", "authority_host")


def _spec_options(
    parser: argparse.ArgumentParser, *, filters: bool = False, lookup: bool = False, every: bool = False
) -> None:
    """`--resource` (by default the first spec, or with `every` all of them), and one option per
    list filter or lookup field of the registered specs."""
    names = [s.name for s in specs()]
    if every:
        parser.add_argument(
            "--resource", choices=names, default=None, help="only this resource (default: every one)"
        )
    else:
        parser.add_argument(
            "--resource",
            choices=names,
            default=default_spec().name,
            help="which resource (default: %(default)s)",
        )
    seen: set[str] = set()
    for spec in specs():
        for name in spec.list_filters if filters else (spec.lookup_field,) if lookup else ():
            if name not in seen:
                seen.add(name)
                words = name.replace("_", " ")
                label = f"only objects with this {words}" if filters else f"exact {words} instead of an id"
                parser.add_argument("--" + name.replace("_", "-"), dest=name, help=label)


def _spec(args: argparse.Namespace) -> ResourceSpec:
    return spec_named(args.resource)


def _connection_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("connection (default: the provider's environment variables)")
    for name in CONNECTION_OPTIONS:
        group.add_argument("--" + name.replace("_", "-"), dest=name, metavar=name.upper())


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="intune-provider", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    install = sub.add_parser(
        "install",
        help="write a filesystem mirror with this provider and a Terraform CLI config (no network)",
    )
    install.add_argument("--dir", required=True, type=Path, help="where to write the mirror and terraform.rc")
    package = sub.add_parser(
        "package",
        help="write a static release site: the provider as a self-contained executable in a zip, "
        "SHA256SUMS (signed with --gpg-key), Terraform's registry protocol and a network mirror",
    )
    package.add_argument("--out", required=True, type=Path, help="directory to write the site into")
    package.add_argument(
        "--base-url", required=True, help="https URL the site will be served at, e.g. https://tf.example.com"
    )
    package.add_argument(
        "--gpg-key",
        metavar="KEYID",
        help="sign SHA256SUMS with this key from GNUPGHOME (the registry protocol needs it)",
    )
    package.add_argument(
        "--namespace", default="intune", help="registry namespace: <host>/NS/intune (default: %(default)s)"
    )
    package.add_argument(
        "--no-build",
        action="store_true",
        help="build nothing: sum, sign and index the zips already in --out (from other platforms' runners)",
    )
    sub.add_parser("version", help="print the provider source and version")

    listing = sub.add_parser("list", help="list the tenant's derived credential settings")
    _spec_options(listing, filters=True)
    listing.add_argument(
        "--json", action="store_true", help="JSON lines (Terraform names) instead of a table"
    )
    _connection_options(listing)

    show = sub.add_parser("show", help="print one object's settings as JSON (Terraform names)")
    show.add_argument("id", nargs="?", help="Graph id")
    _spec_options(show, lookup=True)
    _connection_options(show)

    export = sub.add_parser(
        "export",
        help="write the tenant's objects as a stack configuration file that adopts them (import ids)",
    )
    export.add_argument("-o", "--output", type=Path, help="file to write (default: standard output)")
    export.add_argument(
        "--stack-name", default="intune-export", help="name of the stack (default: %(default)s)"
    )
    _spec_options(export, filters=True, every=True)
    export.add_argument("--quiet", action="store_true", help="no progress bar")
    _connection_options(export)

    docs = sub.add_parser("docs", help="generate docs/ (Terraform Registry layout) from the provider schema")
    docs.add_argument("--dir", type=Path, default=Path("docs"), help="docs directory (default: %(default)s)")
    docs.add_argument(
        "--check", action="store_true", help="fail if the files differ from what would be written"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; any failure is one `error:` message on stderr and a non-zero exit code."""
    try:
        args = _parser().parse_args(argv)
        return _run(args)
    except IntuneError as exc:
        for line in exc.lines():
            print(f"error: {safe_text(line)}", file=sys.stderr)  # Graph's words and user input, escaped
        return exc.exit_code
    except OSError as exc:  # a file that cannot be read or written
        print(
            safe_text(f"error: {exc.strerror or exc}" + (f": {exc.filename}" if exc.filename else "")),
            file=sys.stderr,
        )
        return 1
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: one line, the traceback only when asked for (INTUNE_DEBUG, TF_LOG)
        return report_unexpected(exc)


def _run(args: argparse.Namespace) -> int:
    if args.command == "version":
        print(f"{PROVIDER_SOURCE} {PROVIDER_VERSION}")
        return 0
    if args.command == "install":
        from terraform_provider_intune.mirror import install as do_install

        rc = do_install(args.dir)
        print(f"Installed {PROVIDER_SOURCE} {PROVIDER_VERSION} into {rc.parent / 'mirror'}", file=sys.stderr)
        print(f"It runs {sys.executable} (recorded in {rc.parent / 'python-path'})", file=sys.stderr)
        print(f"Use it with: export TF_CLI_CONFIG_FILE={rc}", file=sys.stderr)
        print(rc)
        return 0
    if args.command == "package":
        return _package(args)
    if args.command == "docs":
        from terraform_provider_intune.docs import write_docs

        stale = write_docs(args.dir, check=args.check)
        for path in stale:
            print(f"{'out of date' if args.check else 'wrote'}: {path}", file=sys.stderr)
        if args.check and stale:
            print("run `intune-provider docs` to regenerate", file=sys.stderr)
            return 1
        return 0
    commands: dict[str, Callable[[argparse.Namespace, Any], int]] = {
        "list": _list,
        "show": _show,
        "export": _export,
    }
    from intune_graph import open_client
    from terraform_provider_intune.config import resolve

    options = {name: getattr(args, name) for name in CONNECTION_OPTIONS}
    client = open_client(resolve({k: v for k, v in options.items() if v is not None}))
    return commands[args.command](args, client)


def _package(args: argparse.Namespace) -> int:
    from terraform_provider_intune.release import write_site

    site = write_site(
        args.out, args.base_url, gpg_key=args.gpg_key, namespace=args.namespace, build=not args.no_build
    )
    for archive in site.archives:
        print(f"{archive.filename}  sha256 {archive.sha256}", file=sys.stderr)
    if site.build_seconds is not None:
        print(f"built in {site.build_seconds:.0f} s", file=sys.stderr)
    if site.signed_by:
        print(f'registry: source = "{site.source}" (signed by key {site.signed_by})', file=sys.stderr)
    print(f"network mirror: {site.mirror_url} (serves {PROVIDER_SOURCE})", file=sys.stderr)
    print(site.source if site.signed_by else site.mirror_url)
    return 0


def _filters(args: argparse.Namespace, spec: ResourceSpec) -> dict[str, Any]:
    return {name: getattr(args, name, None) for name in spec.list_filters}


def _list(args: argparse.Namespace, client: Any) -> int:
    from terraform_provider_intune.data_sources import iter_all

    spec = _spec(args)
    rows = list(iter_all(client, spec, _filters(args, spec)))
    if args.json:
        for row in rows:
            print(json.dumps(row, sort_keys=True))
        return 0
    columns = ["id", *spec.list_filters, spec.lookup_field]  # the lookup field last: it may hold spaces
    table = [[c.replace("_", " ").upper() for c in columns]]
    # Values as Graph holds them, which may include control characters (ESC, bidi overrides): escaped,
    # so the table shows what is stored and cannot drive the terminal. `--json` escapes them too.
    table += [[escape_controls(str(r[c])) for c in columns] for r in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(columns) - 1)]
    for line in table:
        print("  ".join([*(f"{cell:<{w}}" for cell, w in zip(line, widths, strict=False)), line[-1]]))
    print(f"{len(rows)} {spec.title}", file=sys.stderr)
    return 0


def _show(args: argparse.Namespace, client: Any) -> int:
    from terraform_provider_intune.data_sources import find_one

    spec = _spec(args)
    lookup = getattr(args, spec.lookup_field, None)
    if (args.id is None) == (lookup is None):
        option = "--" + spec.lookup_field.replace("_", "-")
        print(f"error: give an id or {option} (one of them)", file=sys.stderr)
        return 2
    print(json.dumps(find_one(client, spec, item_id=args.id, lookup=lookup), indent=2))
    return 0


def _export(args: argparse.Namespace, client: Any) -> int:
    from intune_graph.errors import GraphError
    from terraform_provider_intune.export import KEY_PATTERN, export_config, resource_type

    if not KEY_PATTERN.match(args.stack_name):
        print(
            f"error: --stack-name {args.stack_name!r}: start with a letter, then letters, digits, - or _",
            file=sys.stderr,
        )
        return 2

    exported: list[tuple[ResourceSpec, list[dict[str, Any]]]] = []
    for spec in _export_specs(args):
        try:
            exported.append((spec, _read_all(args, client, spec)))
        except GraphError as exc:
            if exc.status != 403 or args.resource is not None:
                raise
            # Every resource was asked for, not this one: the app may hold only the others' permission.
            print(f"warning: left out {spec.title}: {safe_text(str(exc))}", file=sys.stderr)
    provider = {n: getattr(args, n) for n in CONNECTION_OPTIONS if getattr(args, n) is not None}
    config, skipped = export_config(exported, stack_name=args.stack_name, provider=provider)
    for warning in skipped:
        print(f"warning: left out, the schema refuses it: {safe_text(warning)}", file=sys.stderr)
    text = json.dumps(config, indent=2) + "\n"
    resources = config["stacks"][0]["resources"]
    counts = ", ".join(f"{len(resources[resource_type(spec)])} {spec.title}" for spec, _ in exported)
    if args.output is None:
        sys.stdout.write(text)
        where = "standard output"
    else:
        args.output.write_text(text, encoding="utf-8")
        where = str(args.output)
    print(f"exported {counts} to {where} (stack {args.stack_name!r})", file=sys.stderr)
    return 0


def _export_specs(args: argparse.Namespace) -> list[ResourceSpec]:
    """The resource named by `--resource`; else every registered one that takes each filter given
    (`--issuer x` alone exports only what has an issuer)."""
    if args.resource is not None:
        return [spec_named(args.resource)]
    given = {name for spec in specs() for name in spec.list_filters if getattr(args, name, None) is not None}
    return [spec for spec in specs() if given <= set(spec.list_filters)]


def _read_all(args: argparse.Namespace, client: Any, spec: ResourceSpec) -> list[dict[str, Any]]:
    """Every object of `spec` (its filters applied), with a progress bar unless `--quiet`."""
    from terraform_provider_intune.export import iter_pages
    from terraform_provider_intune.progress import Progress

    progress = Progress(f"reading {spec.title}", stream=sys.stderr)

    def set_total(total: int) -> None:
        progress.total = total

    objects: list[dict[str, Any]] = []
    for page in iter_pages(client, spec, _filters(args, spec), on_total=set_total):
        objects.extend(page)
        if not args.quiet:
            progress.advance(len(page))
    if not args.quiet:
        progress.done(f"read {len(objects)} {spec.title}")
    return objects


if __name__ == "__main__":
    sys.exit(main())
