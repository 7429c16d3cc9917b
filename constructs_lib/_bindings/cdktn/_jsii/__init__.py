"""Holds intune@0.0.0.jsii.tgz, where `jsii.JSIIAssembly.load` looks for it."""
