"""Serving the provider, with Terraform's StopProvider wired to `provider.stop`."""

from __future__ import annotations

from typing import Any

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
    tf.runner.run_provider(provider, argv)
