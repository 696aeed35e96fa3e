"""How values go in and out of the database: identities, names, codes, weights, JSON.

Nothing here touches the database; lib/store/db.py calls these on the way in
(checks and encodings) and on the way out (decodings and checks).

    token = new_token()           # the student's secret, kept in their browser
    owner_of(token)               # what the database stores instead: its SHA-256
    clean_name("  Ada\u200b ")     # 'Ada': plain text, no invisible characters, at most 40
    class_code(" abc-dfg ")       # 'ABCDFG' or ClassError("malformed")
    blob, shape = weights_to_bytes(W)     # float32, little-endian, row by row, "784,10"
    weights_from_bytes(blob, shape, (784, 10))  # the same tensor, or StoreError
    to_json(history), from_json(...)      # NaN and inf survive the trip
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import math
import re
import secrets
import unicodedata
from datetime import datetime, timezone

import numpy as np
import torch

from lib.store.errors import ClassError, StoreError

TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{32,64}")  # secrets.token_urlsafe(24) is 32 characters
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud, typed right
CODE_LENGTH = 6
NAME_MAX = 40
TITLE_MAX = 80


# ---- identities -------------------------------------------------------------------


def new_token() -> str:
    """A student's (or a teacher's) secret: 24 random bytes, URL-safe, 32 characters."""
    return secrets.token_urlsafe(24)


def check_token(token) -> str:
    """`token` if it looks like one of ours; StoreError for anything else."""
    if not isinstance(token, str) or not TOKEN_RE.fullmatch(token):
        raise StoreError("malformed identity token")
    return token


def owner_of(token: str) -> str:
    """The SHA-256 of a token, in hex: the database never sees the token itself."""
    return hashlib.sha256(check_token(token).encode("ascii")).hexdigest()


def same_secret(secret, stored_hash: str) -> bool:
    """Whether `secret` hashes to `stored_hash`, in constant time; False for garbage."""
    try:
        return hmac.compare_digest(owner_of(secret), stored_hash)
    except StoreError:
        return False


# ---- class codes and display names ------------------------------------------------


def new_code() -> str:
    """A random join code, e.g. 'K7PX3Q': 31^6 (about 890 million) possible codes."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def class_code(text) -> str:
    """A typed or linked code, normalised (case, spaces, dashes); ClassError("malformed")."""
    if not isinstance(text, str) or len(text) > 64:
        raise ClassError("malformed")
    text = unicodedata.normalize("NFKC", text)  # full-width ＡＢ２ (Chinese input) -> AB2
    text = "".join(c for c in text if unicodedata.category(c) != "Cf")  # zero-width etc.
    code = re.sub(r"[\s\-]", "", text).upper()
    if len(code) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
        raise ClassError("malformed")
    return code


def clean_text(text, limit: int) -> str:
    """Plain text to show as is: NFC, no control/format/private characters, one-line, capped.

    Any language is kept (Chinese, accents, emoji); markup characters are kept
    too, because the app shows names as plain text and never renders them.
    """
    if not isinstance(text, str):
        return ""
    text = unicodedata.normalize("NFC", text[:4000])  # a bound on the work, not the cap
    kept = []
    for ch in text:
        kind = unicodedata.category(ch)
        if kind in ("Zs", "Zl", "Zp") or ch in "\t\n\r":
            kept.append(" ")
        elif not kind.startswith("C"):  # Cc control, Cf format (zero-width, bidi), Co, Cs, Cn
            kept.append(ch)
    return " ".join("".join(kept).split())[:limit].strip()


def clean_name(text) -> str:
    """A display name (see clean_text), or '' when nothing visible is left."""
    return clean_text(text, NAME_MAX)


def friendly_name() -> str:
    """A generated display name for a student who typed none, e.g. 'Student 7F3'."""
    return "Student " + "".join(secrets.choice(CODE_ALPHABET) for _ in range(3))


# ---- weights: raw float32 bytes and their shape -------------------------------------


def weights_to_bytes(t: torch.Tensor | None) -> tuple[bytes | None, str | None]:
    """(little-endian float32 bytes in row-major order, "784,10"); (None, None) for None."""
    if t is None:
        return None, None
    if not isinstance(t, torch.Tensor) or not t.is_floating_point():
        raise StoreError("weights must be a floating-point tensor")
    array = t.detach().to("cpu", torch.float32).contiguous().numpy()
    return array.astype("<f4", copy=False).tobytes(), ",".join(map(str, array.shape))


def weights_from_bytes(blob, shape: str | None, expected: tuple) -> torch.Tensor | None:
    """The tensor stored by weights_to_bytes, checked against `expected` shape."""
    if blob is None and shape is None:
        return None
    try:
        dims = tuple(int(d) for d in shape.split(","))
    except (AttributeError, ValueError):
        raise StoreError(f"stored weight shape {shape!r} is not a shape") from None
    if dims != tuple(expected):
        raise StoreError(f"stored weights have shape {dims}, expected {tuple(expected)}")
    blob = bytes(blob) if blob is not None else b""
    if len(blob) != math.prod(dims) * 4:
        raise StoreError(
            f"stored weights have {len(blob)} bytes, expected "
            f"{math.prod(dims) * 4} for shape {dims} in float32"
        )
    array = np.frombuffer(blob, dtype="<f4").astype(np.float32).reshape(dims)
    return torch.from_numpy(array.copy())


# ---- JSON that keeps NaN and inf --------------------------------------------------------

json_text = functools.partial(json.dumps, allow_nan=False, separators=(",", ":"))
NON_FINITE = "$float"  # {"$float": "nan"}: JSON itself has no NaN or inf


def to_json(value):
    """`value` with every non-finite float replaced by {"$float": "nan" | "inf" | "-inf"}."""
    if isinstance(value, float) and not math.isfinite(value):
        return {NON_FINITE: "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")}
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    return value


def from_json(value):
    """The inverse of to_json."""
    if isinstance(value, dict):
        if len(value) == 1 and NON_FINITE in value:
            return float(value[NON_FINITE])
        return {k: from_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [from_json(v) for v in value]
    return value


# ---- time: the database holds naive UTC datetimes, the app seconds since 1970 ------------


def to_utc(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, timezone.utc).replace(tzinfo=None)


def from_utc(moment: datetime) -> float:
    return moment.replace(tzinfo=timezone.utc).timestamp()


def utc_now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)
