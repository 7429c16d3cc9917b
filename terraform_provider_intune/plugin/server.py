"""Serving the provider: Terraform's StopProvider wired to `provider.stop`, every unknown value
decoded (`plugin.values`), plan responses that carry the replacements `update_strategy` asks for,
stored states shaped to the current attributes, each resource's private state carried through
reads, plans and applies (`plugin.private`), and the process ended at once after go-plugin's Shutdown."""

from __future__ import annotations

import contextlib
import sys
from typing import Any

from terraform_provider_intune.plugin import tls
from terraform_provider_intune.plugin.provider import IntuneProvider

STOP_METHOD = "/tfplugin6.Provider/StopProvider"


def serve(provider: IntuneProvider, argv: list[str]) -> None:
    """Run the plugin server.

    `tf` 1.2.0 answers StopProvider without telling the provider, and its shutdown interceptor then
    stops the gRPC server with no grace, which aborts in-flight creates after Graph may have stored
    their objects (orphans missing from state). Here StopProvider instead sets `provider.stop`:
    waiting retries and write slots are cancelled, calls already sent finish and report their
    result, and Terraform ends the process through go-plugin's Shutdown/kill as usual."""
    import tf.runner

    from terraform_provider_intune.plugin.values import install_value_codec

    base: Any = tf.runner._ShutdownInterceptor

    class StopAwareInterceptor(base):
        def intercept_service(self, continuation: Any, handler_call_details: Any) -> Any:
            if handler_call_details.method == STOP_METHOD:
                provider.stop.set()
                return continuation(handler_call_details)
            return super().intercept_service(continuation, handler_call_details)

    tf.runner._ShutdownInterceptor = StopAwareInterceptor
    install_value_codec()  # before the first request is decoded: refined unknowns (msgpack ext 12)
    tls.install()  # the cached certificate without importing cryptography
    import tf.provider

    tf.provider.ProviderServicer = replace_aware_servicer_class()  # run_provider looks it up by name
    tf.runner.run_provider(provider, argv)
    exit_at_once()


def exit_at_once() -> None:
    """End the process as soon as the server has stopped, without the interpreter's teardown.

    Terraform waits for every provider process it closes to exit, three of them in a plan. After
    go-plugin's Shutdown the gRPC server is stopped and the socket's directory removed, and nothing
    is left to do: no call is in flight (Terraform closes a provider after its last call
    has returned) and nothing of the provider's is buffered but stdio. The interpreter's teardown
    (joining gRPC's worker threads, gRPC's own shutdown, freeing every module) cost about 100 ms
    per process on a quiet 2-core machine; Go providers simply exit."""
    import os

    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(0)


def replace_aware_servicer_class() -> Any:
    """`tf`'s gRPC servicer, but PlanResourceChange also answers `requires_replace` for the fields
    `IntuneProvider.replacement_attributes` names (`update_strategy = "replace"`).

    `tf` 1.2.0 fills `requires_replace` only from attributes declared `requires_replace=True` in the
    schema, which cannot depend on the provider's configuration; Terraform reads it from each plan
    response, so it is added there. With it Terraform plans delete-then-create (or create-then-delete
    under `create_before_destroy`) and plans the new object as a create. The request's values are
    decoded with the project's value codec (`install_value_codec`), so a refined unknown in the
    proposed state is an unknown here too, never a decoding failure."""
    from tf.gen import tfplugin_pb2 as pb
    from tf.provider import ProviderServicer
    from tf.utils import Diagnostics, read_dynamic_value, to_dynamic_value

    from terraform_provider_intune.plugin import private
    from terraform_provider_intune.plugin.values import install_value_codec

    install_value_codec()
    base: Any = ProviderServicer

    class ReplaceAwareServicer(base):
        def ReadResource(self, request: Any, context: Any) -> Any:
            """The resource sees the stored private state (`private.current()`); the answer carries
            it on, else Terraform would store the empty private `tf` answers."""
            with private.serving(request.private) as data:
                response = super().ReadResource(request, context)
            response.private = private.encode(data)
            return response

        def ApplyResourceChange(self, request: Any, context: Any) -> Any:
            """Create records `created_at` in the private state; update keeps the planned one."""
            with private.serving(request.planned_private) as data:
                response = super().ApplyResourceChange(request, context)
            response.private = private.encode(data)
            return response

        def PlanResourceChange(self, request: Any, context: Any) -> Any:
            response = super().PlanResourceChange(request, context)
            response.planned_private = request.prior_private  # what apply then receives
            if any(d.severity == pb.Diagnostic.ERROR for d in response.diagnostics):
                return response
            diags = Diagnostics()
            names = self.app.replacement_attributes(
                request.type_name,
                read_dynamic_value(request.prior_state),
                read_dynamic_value(request.proposed_new_state),
                diags,
            )
            have = {tuple(step.attribute_name for step in path.steps) for path in response.requires_replace}
            for name in names:
                if (name,) not in have:
                    response.requires_replace.append(
                        pb.AttributePath(steps=[pb.AttributePath.Step(attribute_name=name)])
                    )
            response.diagnostics.extend(d.to_pb() for d in diags.diagnostics)
            return response

        def UpgradeResourceState(self, request: Any, context: Any) -> Any:
            """A stored state shaped to the schema's attributes (new ones null, gone ones dropped),
            also when its version is current: `tf` 1.2.0 passes such a state through as stored, and
            Terraform refuses an object missing an attribute the plugin layer added (`tenant_id` in a
            state written before it existed: "an object with 7 attributes is required (6 given)")."""
            response = super().UpgradeResourceState(request, context)
            if any(d.severity == pb.Diagnostic.ERROR for d in response.diagnostics):
                return response
            state = read_dynamic_value(response.upgraded_state)
            schema = self._get_res_cls(request.type_name).get_schema()
            names = [a.name for a in schema.attributes] + [b.type_name for b in schema.block_types]
            if isinstance(state, dict) and list(state) != names:
                response.upgraded_state.CopyFrom(to_dynamic_value({n: state.get(n) for n in names}))
            return response

    from terraform_provider_intune.plugin.diagnostics import safe_rpc

    for name in SAFE_RPCS:  # whatever a bug raises: one diagnostic, never "Plugin error"
        setattr(
            ReplaceAwareServicer, name, safe_rpc(name, getattr(ReplaceAwareServicer, name), _response(name))
        )
    return ReplaceAwareServicer


# Every call Terraform makes that answers diagnostics.
SAFE_RPCS = (
    "GetProviderSchema",
    "ValidateProviderConfig",
    "ValidateResourceConfig",
    "ValidateDataResourceConfig",
    "UpgradeResourceState",
    "ConfigureProvider",
    "ReadResource",
    "PlanResourceChange",
    "ApplyResourceChange",
    "ImportResourceState",
    "MoveResourceState",
    "ReadDataSource",
)


def _response(name: str) -> Any:
    from tf.gen import tfplugin_pb2 as pb

    return getattr(pb, name).Response
