"""Whole-process synth apps, each run as `python <file> N OUTDIR` (what a user's `python app.py` is).

They build the same N resources in one stack: `ours.py` with `constructs_lib`, `null_binding.py` with
the generated `cdktf-cdktf-provider-null` binding, `json_dump.py` with no CDKTF at all."""
