"""Terraform provider `intune` (plugin protocol 6): the custom-resource handler and its `tf` adapter."""

from intune_model.address import PROVIDER_VERSION as __version__

__all__ = ["__version__"]
