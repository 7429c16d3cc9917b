"""The Terraform plugin side of the provider: how Terraform's protocol values and calls map onto the
handler. `values` holds the value codec (unknown and refined unknown values)."""
