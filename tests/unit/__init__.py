"""Fast tests: pure logic, and the emulator or the provider in-process (no terraform run)."""
