"""Identities the server issued: a student's token signed with the server's secret.

    signer = Signer(server_key(settings))
    cookie = signer.sign("cookie", token, version)   # 'token.version.mac' for the browser
    signer.read("cookie", cookie)                     # (token, version), or None if forged
    link = signer.sign("link", token, version)       # the value of a personal link's ?me=

The token is the student's secret (lib/store/values.py: the store keeps its
SHA-256); `version` is their personal link's version (Store.link_version): a
new link raises it, and every cookie and link signed for an older version no
longer reads. The MAC is HMAC-SHA256 over the kind, the token and the version,
so a cookie is never a link and a forged or altered value is refused.

The key: SOFTMAX_SECRET; else derived from STREAMLIT_SERVER_COOKIE_SECRET; else
random for this process only (signed values then do not outlive a restart).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets

from lib.server_settings import ServerSettings

KINDS = ("cookie", "link")
SIGNED_RE = re.compile(r"([A-Za-z0-9_-]{32,64})\.(\d{1,9})\.([A-Za-z0-9_-]{43})")
_PROCESS_KEY = secrets.token_bytes(32)  # the fallback: one per process


def server_key(settings: ServerSettings, environ=None) -> bytes:
    """The signing key: from SOFTMAX_SECRET, Streamlit's cookie secret, or this process."""
    environ = os.environ if environ is None else environ
    if settings.secret:
        source = settings.secret
    elif (environ.get("STREAMLIT_SERVER_COOKIE_SECRET") or "").strip():
        source = environ["STREAMLIT_SERVER_COOKIE_SECRET"].strip()
    else:
        return _PROCESS_KEY
    # derived, so the same string used elsewhere (Streamlit's cookies) is never the key itself
    return hmac.new(source.encode(), b"softmax-explorer identity v1", hashlib.sha256).digest()


def key_is_per_process(settings: ServerSettings, environ=None) -> bool:
    return server_key(settings, environ) is _PROCESS_KEY


class Signer:
    """Signs and reads tokens with one key (see the module docstring)."""

    def __init__(self, key: bytes):
        if len(key) < 16:
            raise ValueError("a signing key has at least 16 bytes")
        self._key = key

    def _mac(self, kind: str, token: str, version: int) -> str:
        if kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r}")
        message = f"{kind}:{token}:{version}".encode("ascii")
        digest = hmac.new(self._key, message, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")

    def sign(self, kind: str, token: str, version: int) -> str:
        if not SIGNED_RE.fullmatch(f"{token}.{version}.{'A' * 43}"):
            raise ValueError("not a token and a version")
        return f"{token}.{version}.{self._mac(kind, token, version)}"

    def read(self, kind: str, value) -> tuple[str, int] | None:
        """(token, version) when `value` is what sign(kind, ...) made with this key."""
        match = SIGNED_RE.fullmatch(value) if isinstance(value, str) else None
        if match is None:
            return None
        token, version = match[1], int(match[2])
        if not hmac.compare_digest(self._mac(kind, token, version), match[3]):
            return None
        return token, version


def token_part(value) -> str | None:
    """The token inside a signed value, or the value itself when it is a bare token
    (a cookie from before signing); None for anything else. Not a proof of anything."""
    if not isinstance(value, str):
        return None
    match = SIGNED_RE.fullmatch(value)
    if match:
        return match[1]
    return value if re.fullmatch(r"[A-Za-z0-9_-]{32,64}", value) else None
