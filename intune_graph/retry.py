"""The one home of retry and polling: every time window, which failures are worth another try, and
the one poll loop. The Graph client, the token request, the connection and the handler all take
their waits from here, so a window is changed (and documented) in one place.

What is transient (tried again until the operation's deadline, never a fixed number of tries):

* 429 and 503 on any call: Graph refused before doing any work;
* 500, 502, 504 and lost connections on idempotent calls (GET, PATCH, DELETE, a `$batch` of GETs);
* a connection that failed before the request was sent, even for a POST.

What is fatal at once: any other status; a POST whose answer was lost after it was sent (the caller
looks for the object instead, see `AmbiguousCreate`); and a TLS certificate that does not verify,
which fails the same way on every try (an emulator restarted with a new CA, a TLS-inspecting proxy,
a wrong `SSL_CERT_FILE`), so retrying it only hides the cause until the deadline.
"""

from __future__ import annotations

import email.utils
import random
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import TypeVar

import httpx

from intune_model.arguments import DEFAULT_DEADLINE_S
from intune_model.display import redact_url
from intune_model.errors import IntuneError

T = TypeVar("T")

# ----------------------------------------------------------------------------- time windows

BASE_DELAY_S = 0.5  # first backoff of a retried request; doubles per try
MAX_DELAY_S = 30.0  # longest backoff between two tries of one request
READ_AFTER_WRITE_S = 30.0  # how long an id this process wrote may 404 before it is believed gone
# How long an id that refresh reads may 404 before it is believed gone: another process (the apply
# that just ended) may have created it seconds ago, before every replica holds it, and believing the
# 404 would plan it again (a duplicate). A real deletion costs this once.
ABSENT_AFTER_S = 5.0
IMPORT_GRACE_S = 5.0  # an imported id may 404 this long (made in the portal moments ago)
ADOPT_SEARCH_S = 15.0  # how long a lost POST's object may take to appear in a list
POLL_FIRST_S = 0.25  # first wait of a poll (read-back, adoption search); doubles per round
POLL_MAX_S = 2.0  # longest wait between two rounds of a poll
FETCH_POLL_MAX_S = 4.0  # longest wait between two GETs of an id that 404s (replication lag)
HTTP_TIMEOUT_S = 60.0  # one HTTP exchange: Graph answers in well under a second, throttling aside
CONNECT_TIMEOUT_S = 15.0  # opening one connection (TCP and TLS)
TOKEN_REFRESH_MARGIN_S = 300.0  # a token is renewed this long before it expires (or at half its life)
SNAPSHOT_MAX_AGE_S = 60.0  # a refresh walk takes seconds; past this, a listing is not trusted
TOKEN_TRIES = 3  # token requests: transient answers are tried again this often, as MSAL does
TOKEN_RETRY_BASE_S = 0.5  # first wait between two token requests; doubles per try


@dataclass(frozen=True)
class RetryPolicy:
    """How long one operation may keep trying. No fixed try count: a deadline, like Terraform's own."""

    deadline_s: float = DEFAULT_DEADLINE_S
    base_delay_s: float = BASE_DELAY_S
    max_delay_s: float = MAX_DELAY_S
    read_after_write_s: float = READ_AFTER_WRITE_S
    absent_after_s: float = ABSENT_AFTER_S


# ----------------------------------------------------------------------------- classification

RETRYABLE_ALWAYS = frozenset({429, 503})  # refused before any work: safe even for POST
RETRYABLE_IDEMPOTENT = frozenset({429, 500, 502, 503, 504})
AMBIGUOUS_FOR_POST = frozenset({500, 502, 504})  # a POST answered so may have been stored
TOKEN_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
IDEMPOTENT_METHODS = frozenset({"GET", "PATCH", "DELETE", "HEAD", "OPTIONS"})
WRITE_METHODS = frozenset({"POST", "PATCH", "DELETE", "PUT"})
# Failures that prove the request never left: retrying even a POST cannot duplicate anything.
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)


class Transport(Enum):
    """What a transport failure means for the request that met it."""

    FATAL = "fatal"  # the same on every try: fail now
    NOT_SENT = "not sent"  # never left this process: safe to send again
    MAYBE_SENT = "maybe sent"  # may have reached Graph: only an idempotent request is sent again


def retryable_status(status: int, *, idempotent: bool) -> bool:
    """True when a request answered `status` may be sent again."""
    return status in (RETRYABLE_IDEMPOTENT if idempotent else RETRYABLE_ALWAYS)


def classify_transport(exc: BaseException) -> Transport:
    """A transport failure's class: a TLS verification failure is fatal, a connection that failed
    before sending is `NOT_SENT`, anything else (read timeout, reset) `MAYBE_SENT`."""
    if tls_verification_failure(exc) is not None:
        return Transport.FATAL
    return Transport.NOT_SENT if isinstance(exc, NOT_SENT) else Transport.MAYBE_SENT


def tls_verification_failure(exc: BaseException) -> BaseException | None:
    """The certificate verification error behind `exc` (httpx wraps httpcore's, which wraps the ssl
    module's), or None when `exc` is no such failure."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ssl.SSLCertVerificationError) or "CERTIFICATE_VERIFY_FAILED" in str(current):
            return current
        current = current.__cause__ or current.__context__
    return None


class CertificateNotTrusted(IntuneError):
    """The server's TLS certificate did not verify: the same on every try, so never retried."""

    def __init__(self, url: str, cause: BaseException, bundles: list[str]):
        origin = _origin(url)
        trusted = (
            "the CA bundle named by " + " and ".join(f"{name}={path}" for name, path in _bundle_vars(bundles))
            if bundles
            else "the system's trust store (SSL_CERT_FILE is not set)"
        )
        reason = str(getattr(cause, "verify_message", "") or cause).strip()
        super().__init__(
            f"Cannot verify the TLS certificate of {origin}",
            f"{reason}. The provider trusts {trusted}. If that endpoint's certificate changed (a local "
            "emulator restarted with a new CA, a TLS-inspecting proxy), point SSL_CERT_FILE at the CA "
            "that signed it, or check that the endpoint is the one you meant. Not retried: certificate "
            "verification fails the same way on every try.",
        )
        self.url = redact_url(url)


def _origin(url: str) -> str:
    """`scheme://host:port` of `url`, credentials never included."""
    try:
        parts = httpx.URL(url)
        port = f":{parts.port}" if parts.port else ""
        return f"{parts.scheme}://{parts.host}{port}"
    except (httpx.InvalidURL, TypeError, ValueError):
        return redact_url(url)


def _bundle_vars(bundles: list[str]) -> list[tuple[str, str]]:
    import os

    from intune_graph.tls import CA_ENV_VARS

    named = [(name, os.environ.get(name, "").strip()) for name in CA_ENV_VARS]
    return [(name, path) for name, path in named if path in bundles] or [("SSL_CERT_FILE", bundles[0])]


def certificate_not_trusted(url: str, exc: BaseException) -> CertificateNotTrusted | None:
    """`CertificateNotTrusted` for a transport failure that is a TLS verification failure, else None."""
    cause = tls_verification_failure(exc)
    if cause is None:
        return None
    from intune_graph.tls import ca_bundles

    return CertificateNotTrusted(url, cause, ca_bundles())


# ----------------------------------------------------------------------------- waits


def retry_after_seconds(value: str | None) -> float | None:
    """`Retry-After` as seconds: either a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def backoff(attempt: int, policy: RetryPolicy, deadline: float) -> float:
    """Exponential backoff with jitter (half to all of the cap), never past the deadline."""
    cap = min(policy.max_delay_s, policy.base_delay_s * (2 ** min(attempt - 1, 10)))
    return max(0.0, min(random.uniform(cap / 2, cap), deadline - time.monotonic()))


def poll(
    check: Callable[[], T | None],
    give_up: float,
    sleep: Callable[[float], None],
    *,
    first_s: float = POLL_FIRST_S,
    most_s: float = POLL_MAX_S,
) -> T | None:
    """The one poll loop: call `check` until it returns a value (returned) or `give_up` (a
    `time.monotonic()` instant) has passed after a round (None). Waits double from `first_s` up to
    `most_s`, never past `give_up`; `sleep` is the caller's (it raises when Terraform cancels).
    `check` is always called at least once."""
    delay = first_s
    while True:
        found = check()
        if found is not None:
            return found
        now = time.monotonic()
        if now >= give_up:
            return None
        sleep(min(delay, give_up - now))
        delay = min(delay * 2, most_s)
