"""The server's settings: every SOFTMAX_* environment variable, read here and only here.

    settings = ServerSettings.from_env()   # os.environ, checked
    settings.max_steps                     # 60000 unless SOFTMAX_MAX_STEPS says otherwise

A bad value is a SettingsError that names the variable, the value and what is
allowed, so an operator reads one line instead of a traceback. docs/hosting.md
documents every variable in one table (tests/test_server_settings.py checks that
each one read here is there).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field, fields
from urllib.parse import urlsplit

log = logging.getLogger(__name__)


class SettingsError(ValueError):
    """An environment variable with a value the server cannot use."""


def _whole(low: int):
    def parse(name: str, raw: str) -> int:
        try:
            value = int(raw.strip())
        except ValueError:
            value = None
        if value is None or value < low:
            raise SettingsError(f"{name}={raw!r}: expected a whole number >= {low}")
        return value

    return parse


def _days(name: str, raw: str) -> float:
    try:
        value = float(raw.strip())
    except ValueError:
        value = None
    if value is None or not value > 0 or value == float("inf"):
        raise SettingsError(f"{name}={raw!r}: expected a number of days > 0, e.g. 30 or 0.5")
    return value


_YES, _NO = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def _switch(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value not in _YES + _NO:
        raise SettingsError(f"{name}={raw!r}: expected 1 or 0 (also true/false, yes/no, on/off)")
    return value in _YES


def _text(name: str, raw: str) -> str:
    return raw.strip()


def address_problem(raw: str) -> str | None:
    """Why `raw` cannot be the app's public address (None: it can)."""
    try:
        parts = urlsplit(raw)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return "not an address"
    if parts.scheme not in ("http", "https"):
        return "it must start with http:// or https://"
    if not parts.hostname:
        return "it has no host name"
    if parts.query or parts.fragment or "@" in parts.netloc:
        return "it must not have a ?query, a #fragment or a user name"
    if any(c.isspace() for c in raw):
        return "it must not contain spaces"
    return None


_WARNED: set[str] = set()  # bad addresses already logged (settings are read on every run)


def _address(name: str, raw: str) -> str | None:
    """An http(s) address, ending in "/"; a bad one is logged once and ignored (None):
    the join links then fall back to the address the teacher's page was opened at."""
    value = raw.strip()
    problem = address_problem(value)
    if problem is None:
        return value.rstrip("/") + "/"
    if value not in _WARNED:
        _WARNED.add(value)
        log.warning(
            "%s=%r is ignored: %s (expected e.g. https://school.example/softmax/); "
            "join links use the address the teacher's page was opened at",
            name,
            raw,
            problem,
        )
    return None


SECRET_MIN = 16


def _secret(name: str, raw: str) -> str:
    value = raw.strip()
    if len(value) < SECRET_MIN:
        raise SettingsError(
            f"{name}=<{len(value)} characters, not shown>: expected a secret of at least "
            f"{SECRET_MIN} characters, e.g. from: python -c "
            "'import secrets; print(secrets.token_urlsafe(32))'"
        )
    return value


def _setting(env: str, parse, default, doc: str, repr: bool = True):
    return field(default=default, repr=repr, metadata={"env": env, "parse": parse, "doc": doc})


@dataclass(frozen=True)
class ServerSettings:
    """What the operator sets for one server process (defaults: a laptop)."""

    db_url: str | None = _setting(
        "SOFTMAX_DB_URL", _text, None, "the run store; None: SQLite under state/ (lib.store)"
    )
    retention_days: float = _setting(
        "SOFTMAX_RETENTION_DAYS", _days, 30.0, "runs and classes older than this are purged"
    )
    max_trainings: int | None = _setting(
        "SOFTMAX_MAX_TRAININGS",
        _whole(1),
        None,
        "training threads (a cohort or a lone run each); None: the usable CPUs",
    )
    max_in_training: int = _setting(
        "SOFTMAX_MAX_IN_TRAINING",
        _whole(1),
        60,
        "runs in the engine at once (trained together in cohorts, in turns)",
    )
    max_waiting: int = _setting(
        "SOFTMAX_MAX_WAITING", _whole(0), 60, "places in the queue behind the trainings"
    )
    max_steps: int = _setting(
        "SOFTMAX_MAX_STEPS", _whole(1), 60_000, "the largest run: epochs x minibatches"
    )
    hosted: bool = _setting(
        "SOFTMAX_HOSTED", _switch, False, "students' short messages even on localhost"
    )
    secret: str | None = _setting(
        "SOFTMAX_SECRET",
        _secret,
        None,
        "signs identity cookies and personal links (lib/signing.py); None: "
        "STREAMLIT_SERVER_COOKIE_SECRET's, else a random one per process",
        repr=False,  # never in a log line
    )
    max_new_identities: int = _setting(
        "SOFTMAX_MAX_NEW_IDENTITIES",
        _whole(1),
        60,
        "new identities handed out per client address per 10 minutes",
    )
    max_joins: int = _setting(
        "SOFTMAX_MAX_JOINS", _whole(1), 60, "class joins per client address per 10 minutes"
    )
    public_url: str | None = _setting(
        "SOFTMAX_PUBLIC_URL",
        _address,
        None,
        "the app's address as students open it, for join links and their QR code; "
        "None: the address of the teacher's page",
    )
    class_max_members: int = _setting(
        "SOFTMAX_CLASS_MAX_MEMBERS", _whole(1), 200, "students in one class at most"
    )
    train_processes: bool = _setting(
        "SOFTMAX_TRAIN_PROCESSES",
        _switch,
        True,
        "each training thread trains in a process of its own (lib/trainer_process.py); "
        "0: in the server's process",
    )

    @classmethod
    def from_env(cls, environ=None) -> ServerSettings:
        """The settings from `environ` (default os.environ); unset or empty means the default."""
        environ = os.environ if environ is None else environ
        values = {}
        for f in fields(cls):
            raw = environ.get(f.metadata["env"])
            if raw is not None and raw.strip():
                values[f.name] = f.metadata["parse"](f.metadata["env"], raw)
        return cls(**values)


def env_names() -> tuple[str, ...]:
    """The environment variables ServerSettings reads, in its order."""
    return tuple(f.metadata["env"] for f in fields(ServerSettings))
