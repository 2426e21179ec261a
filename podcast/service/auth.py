"""Who may call the API: a bearer token, or (for ``POST /api/articles``) a CMS's own signature.

Every comparison is constant-time (:func:`hmac.compare_digest`), and every refusal looks the
same from outside (401, no detail).

* **Bearer**: ``Authorization: Bearer TOKEN``, TOKEN one of ``service.tokens`` (and
  ``$AUDIO_EDITION_TOKENS``).
* **Ghost**: ``X-Ghost-Signature: sha256=HEX, t=MS``, HEX the HMAC-SHA256 of the raw body
  followed by MS (milliseconds), keyed with the integration's webhook secret
  (``service.ghost_secret``); MS within five minutes of now.
* **WordPress** (the WooCommerce webhook scheme): ``X-WC-Webhook-Signature: BASE64``, the
  base64 of the HMAC-SHA256 of the raw body keyed with ``service.wordpress_secret``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Mapping, Sequence

#: How far a signed request's time may be from ours.
TOLERANCE = 300.0


def bearer_ok(header: str | None, tokens: Sequence[str]) -> bool:
    """Whether ``Authorization`` carries one of ``tokens``."""
    if not header or not tokens:
        return False
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        return False
    given_bytes = given.strip().encode()
    found = False
    for token in tokens:  # every token compared, whichever matches
        found |= hmac.compare_digest(given_bytes, token.encode())
    return found


def ghost_ok(header: str | None, body: bytes, secret: str, now: float | None = None) -> bool:
    """Whether ``X-Ghost-Signature`` signs ``body`` with ``secret``, recently."""
    if not header or not secret:
        return False
    parts = {}
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        parts[key] = value
    stamp, given = parts.get("t", ""), parts.get("sha256", "")
    if not stamp.isdigit() or not given:
        return False
    if abs((now if now is not None else time.time()) - int(stamp) / 1000) > TOLERANCE:
        return False
    expected = hmac.new(secret.encode(), body + stamp.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, given)


def ghost_signature(body: bytes, secret: str, when_ms: int) -> str:
    """The header Ghost sends for ``body`` (the tests sign with it, as Ghost does)."""
    digest = hmac.new(secret.encode(), body + str(when_ms).encode(), hashlib.sha256).hexdigest()
    return f"sha256={digest}, t={when_ms}"


def wordpress_ok(header: str | None, body: bytes, secret: str) -> bool:
    """Whether ``X-WC-Webhook-Signature`` signs ``body`` with ``secret``."""
    if not header or not secret:
        return False
    return hmac.compare_digest(wordpress_signature(body, secret), header.strip())


def wordpress_signature(body: bytes, secret: str) -> str:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def allowed(
    headers: Mapping[str, str],
    body: bytes,
    tokens: Sequence[str],
    ghost_secret: str = "",
    wordpress_secret: str = "",
) -> bool:
    """Whether a request may go on: a token, or a CMS's signature over ``body`` (give the
    secrets only where a signature may stand for a token)."""
    if bearer_ok(headers.get("authorization"), tokens):
        return True
    if ghost_ok(headers.get("x-ghost-signature"), body, ghost_secret):
        return True
    return wordpress_ok(headers.get("x-wc-webhook-signature"), body, wordpress_secret)
