"""Lengths and characters this project refuses before anything reaches Graph, and why.

Graph documents no maximum length for `displayName` or `helpUrl` of these resources, and accepts any
JSON string, control characters included. What breaks first is ours and the wire's: a name travels
in the query of every `$filter` lookup (lost-create adoption, the data source, `list`), percent-
encoded as UTF-8 (up to 12 bytes per character); a 100,000-character name made an apply fail after
its POST with "URL component 'query' too long". The bounds below keep every request URL we build
under 4 KB, IIS's default `maxUrl` (Graph's front ends are Microsoft's; 4 KB is the smallest URL
limit a Microsoft web front end documents by default), and match the 256-character display names
used across Microsoft's own schemas (Windows app manifests, Wi-Fi/LAN profiles: 255-256).
"""

from __future__ import annotations

import re

from intune_model.display import shown

NAME_MAX_LENGTH = 256  # characters of a display name (a String field), and of a lookup by one
URL_MAX_LENGTH = 2048  # characters of a help URL: the longest URL every browser opens
ID_MAX_LENGTH = 256  # Graph ids are GUIDs (36) or pairs of them; anything far longer is not an id

# Characters a name may not hold (Graph would store them): C0 controls (tab, CR, LF, ESC, BEL, NUL
# ...), DEL and C1 controls, the line and paragraph separators, the bidirectional embeddings,
# overrides and isolates (they show text in another order than it is stored: "Trojan Source"), and
# the invisible zero-width space, word joiner and BOM (two names that look the same would differ).
# Zero-width (non-)joiners stay allowed: emoji sequences and several scripts need them.
_REFUSED = re.compile("[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200b\u2060\ufeff]")
_ID_REFUSED = re.compile(r"[\s\u0000-\u001f\u007f-\u009f]")


def text_problem(value: str, max_length: int | None) -> str | None:
    """Why a name-like string is refused (None when it is fine): too long, or holding a character
    from the refused set (named by its code point)."""
    if max_length is not None and len(value) > max_length:
        return f"is {len(value):,} characters long; at most {max_length:,} are allowed"
    bad = _REFUSED.search(value)
    if bad is not None:
        return (
            f"{shown(value)} holds the control or invisible character U+{ord(bad.group()):04X}; "
            "control characters, line breaks, bidirectional overrides and zero-width spaces are not allowed"
        )
    return None


def id_problem(value: str, what: str = "id") -> str | None:
    """Why `value` cannot be a Graph id (None when it could): empty, longer than any Graph id, or
    holding whitespace or control characters. Checked before an id reaches a URL."""
    if not value.strip():
        return f"{what} must not be empty"
    if len(value) > ID_MAX_LENGTH:
        return f"{what} is {len(value):,} characters long; a Graph id has at most {ID_MAX_LENGTH}"
    if _ID_REFUSED.search(value):
        return f"{what} {shown(value)} holds whitespace or control characters; a Graph id has none"
    return None
