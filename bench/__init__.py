"""`python -m bench` (`make bench`): what users wait for, measured side by side with the floors.

Every row runs ours and its reference interleaved in the same run (warm-up first, then the median of
several repetitions), prints one table and writes it to `docs/benchmarks.md`. See `bench.rows` for
the registry of rows and `bench.__main__` for the driver.
"""
