"""Terraform's plugin protocol (through the `tf` package) mapped onto the handler and the lookups.

The only code that imports `tf`, so the framework can be replaced by rewriting this package:
`provider` (arguments, configure, the shared client, the schema as data), `resources` and
`data_sources` (generic over a spec, one class each per registered spec), `codec` (Terraform values
in and out: numbers, sets), `values` (unknown and refined-unknown values, msgpack extension 12),
`diagnostics` (every `IntuneError` becomes diagnostics) and `server` (serving, with Terraform's
StopProvider wired to the provider).
"""
