"""The cdktf build of the generated binding's jsii assembly (see `constructs_lib._bindings`)."""
