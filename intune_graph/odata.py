"""OData query text for Graph's `$filter`: one place that knows how a string literal is quoted."""


def string_literal(value: str) -> str:
    """An OData string literal: single quotes, with embedded quotes doubled."""
    return "'" + value.replace("'", "''") + "'"


def eq(prop: str, value: str) -> str:
    """`<prop> eq '<value>'`, e.g. `eq("displayName", "Pure 'bred'")` -> `displayName eq 'Pure ''bred'''`."""
    return f"{prop} eq {string_literal(value)}"
