"""Default limits; they live with the provider arguments that set them (`intune_model.arguments`)."""

from intune_model.arguments import DEFAULT_DEADLINE_S, DEFAULT_WRITE_LIMIT, DEFAULT_WRITE_WINDOW_S

__all__ = ["DEFAULT_DEADLINE_S", "DEFAULT_WRITE_LIMIT", "DEFAULT_WRITE_WINDOW_S"]
