"""End-to-end tests: real terraform, the cdktf and cdktn CLIs, wheels in fresh venvs."""
