"""A run's settings as they travel in a URL, checked on the server.

A shared link such as ?lr=1&epochs=5&batch=256&seed=0&softmax=naive must
reproduce a run. The names and the allowed values come from TrainConfig
(lib/config.py) and the app's limits; every value is checked here, not only by
the controls: a bad one is replaced by the nearest allowed one (or the
default), and a note says so.

    cfg, notes = from_query({"lr": "0.2", "epochs": "999"})
    cfg.lr, cfg.num_epochs    # 0.3, 50
    notes                     # [Note("lr", "0.2", 0.3), Note("epochs", "999", 50)]
"""

from __future__ import annotations

import math
from typing import NamedTuple

from lib.config import Choices, Range, TrainConfig, app_allowed, fields


class Note(NamedTuple):
    """One corrected value: its URL name, what the link said, what is used."""

    name: str
    given: str
    used: object


def query_names(cls=TrainConfig) -> dict[str, str]:
    """URL name -> field name, for the settings that travel in URLs."""
    return {f.metadata["query"]: f.name for f in fields(cls, app_only=True) if f.metadata["query"]}


def to_query(cfg) -> dict[str, str]:
    """The URL query that reproduces `cfg`'s app settings."""
    return {
        f.metadata["query"]: format_value(getattr(cfg, f.name))
        for f in fields(type(cfg), app_only=True)
        if f.metadata["query"]
    }


def format_value(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def nearest(value: float, choices, log=False):
    """The choice closest to value (in log space for learning rates)."""
    if log:
        return min(choices, key=lambda c: abs(math.log(c) - math.log(value)))
    return min(choices, key=lambda c: abs(c - value))


def _number(raw: str, is_int: bool):
    value = float(raw.strip())
    if not math.isfinite(value):
        raise ValueError(raw)
    return int(round(value)) if is_int else value


def parse(f, raw) -> object:
    """The allowed value for field `f` closest to the text `raw`; ValueError if none is."""
    allowed, raw = app_allowed(f), str(raw)
    if isinstance(allowed, Choices) and all(isinstance(c, str) for c in allowed.values):
        value = raw.strip().lower()
        if value not in allowed.values:
            raise ValueError(raw)
        return value
    is_int = f.type in ("int", int)
    value = _number(raw, is_int)
    if isinstance(allowed, Range):
        value = min(max(value, allowed.low), allowed.high)
        return int(value) if is_int else float(value)
    if allowed.log and value <= 0:
        return min(allowed.values)
    return nearest(value, allowed.values, log=allowed.log)


def _same(value, raw: str) -> bool:
    try:
        return float(raw) == float(value)
    except (TypeError, ValueError):
        return str(value) == raw


def from_query(params, cls=TrainConfig) -> tuple:
    """A config from a query mapping, and the notes of the values that were corrected."""
    defaults, values, notes = cls(), {}, []
    for name, field_name in query_names(cls).items():
        if name not in params:
            continue
        f = next(f for f in fields(cls) if f.name == field_name)
        raw = params[name]
        try:
            value = parse(f, raw)
        except (ValueError, OverflowError):
            value = getattr(defaults, field_name)
        values[field_name] = value
        if not _same(value, str(raw)):
            notes.append(Note(name, str(raw), format_value(value)))
    return cls(**values), notes
