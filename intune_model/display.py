"""How user input and Graph text are quoted back: bounded, without credentials, without raw control
characters. Every message that repeats a value someone typed (or Graph holds) goes through `shown`,
every URL through `redact_url`, every line printed to a terminal through `escape_controls`.

Why each rule: a 10 MB value echoed in an error is a message gRPC refuses (and nobody reads); a
password in a URL's userinfo would land in a diagnostic, a log or a CI transcript; an ESC or a bidi
override in a name Graph accepted would drive the reader's terminal (colours, cursor moves, text
shown in another order than it is stored).
"""

from __future__ import annotations

import json
import re
from typing import Any

MAX_SHOWN = 120  # characters of a value quoted back, before "…"

# Characters never printed raw: C0 controls (NUL … US), DEL, C1 controls, the bidirectional
# embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069), the implicit marks (U+200E,
# U+200F, U+061C), zero-width space (U+200B), word joiner (U+2060), BOM (U+FEFF), and the line and
# paragraph separators (U+2028, U+2029). Zero-width (non-)joiners are text: emoji sequences and
# several scripts need them.
_INVISIBLE = "\u0000-\u001f\u007f-\u009f\u061c\u200b\u200e\u200f\u2028-\u202e\u2060-\u2069\ufeff"
_INVISIBLE_RE = re.compile(f"[{_INVISIBLE}]")
# Bidi controls: they make text display in another order than it is stored ("Trojan Source").
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Userinfo of any URL in a text: `scheme://user:password@` (up to the authority's last "@").
_USERINFO_RE = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://)[^/?#\s]*@")
_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def escape_controls(text: str) -> str:
    """`text` with every control, bidi and zero-width character written as an escape (`\\x1b`,
    `\\u202e`, `\\n`): safe to print to a terminal, and it shows what is really stored."""
    return _INVISIBLE_RE.sub(_escape_one, text)


def _escape_one(match: re.Match[str]) -> str:
    char = match.group()
    if char in _SHORT:
        return _SHORT[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def safe_text(text: str, limit: int | None = None, *, lines: bool = True) -> str:
    """`text` as our output may print it: URL userinfo redacted, controls escaped (line breaks kept
    when `lines`), and clipped to `limit` characters when given."""
    text = redact_url(text)
    parts = text.split("\n") if lines else [text]
    text = "\n".join(escape_controls(part) for part in parts)
    return text if limit is None else clip(text, limit)


def has_controls(text: str) -> bool:
    """True when `escape_controls` would change `text`."""
    return _INVISIBLE_RE.search(text) is not None


def redact_url(text: str) -> str:
    """`text` with the userinfo of every URL in it replaced by `***`: `https://admin:pw@host/x`
    becomes `https://***@host/x`."""
    return _USERINFO_RE.sub(r"\1***@", text) if "://" in text else text


def clip(text: str, limit: int = MAX_SHOWN) -> str:
    """`text`, or its first `limit` characters and how long it is."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text):,} characters)"


def shown(value: Any, limit: int = MAX_SHOWN) -> str:
    """A value quoted back in a message: text in quotes ('x', as `repr`), anything else as JSON
    (null, true, 3, ["a", "b"]: what the user wrote in HCL or a Graph body, never Python's None or
    True); bounded (at most `limit` characters of it, then its length), with URL userinfo redacted
    and control characters escaped."""
    if isinstance(value, str):
        value = redact_url(value)  # before clipping: a cut must not leave half a password behind
        if len(value) <= limit:
            return repr(value)  # repr escapes controls, bidi and zero-width characters
        return f"{repr(value[:limit])[:-1]}…' ({len(value):,} characters)"
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 4 * limit:
        return f"a whole number of about {int(value.bit_length() * 0.30103):,} digits"
    try:
        text = json.dumps(value, ensure_ascii=False, default=_json_default)
    except (TypeError, ValueError):
        try:
            text = repr(value)
        except ValueError:  # Python refuses to print integers of more than 4300 digits
            return f"a value of type {type(value).__name__}"
    return clip(escape_controls(redact_url(text)), limit)


def _json_default(value: Any) -> Any:
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    if isinstance(value, tuple):
        return list(value)
    raise TypeError(type(value).__name__)
