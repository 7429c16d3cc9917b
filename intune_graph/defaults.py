"""Default limits, in a module that imports nothing, so the provider's configuration can name them
without loading the HTTP client (which would slow the provider's start)."""

DEFAULT_DEADLINE_S = 600.0  # one operation may retry this long (Graph throttling can last minutes)
DEFAULT_WRITE_LIMIT = 100  # Graph: 100 writes per 20 s per app per tenant for this family
DEFAULT_WRITE_WINDOW_S = 20.0
