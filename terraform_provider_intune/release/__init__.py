"""`intune-provider package`: a static release site that Terraform installs the provider from.

The site holds the provider as a self-contained executable in one zip per platform
(`binary`, `archive`), their `SHA256SUMS` and its GnuPG signature (`signing`), Terraform's provider
registry protocol (`registry`) and a provider network mirror (`network_mirror`); `site` writes it.
Every file is static, so any HTTPS static host (object storage, a web server, an artifact store)
can serve it. Nothing here is imported by the provider itself."""

from terraform_provider_intune.release.site import Site, write_site

__all__ = ["Site", "write_site"]
