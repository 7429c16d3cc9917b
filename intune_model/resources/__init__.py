"""One module per Graph resource, each exposing `SPEC` (an `intune_model.schema.ResourceSpec`)."""
