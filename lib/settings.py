"""The Train page's settings as they travel in a URL, checked on the server.

A shared link such as ?lr=1&epochs=5&batch=256&seed=0&softmax=naive must
reproduce a run. Every value is checked here, not only by the sliders: a bad
one is replaced by the nearest valid one, with a note saying so.
"""
import math
from dataclasses import dataclass

LR_CHOICES = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0)
BATCH_CHOICES = (32, 64, 128, 256, 512, 1024)
EPOCHS_RANGE = (1, 50)
SEED_RANGE = (0, 9999)
SOFTMAX_CHOICES = ("naive", "stable")


@dataclass(frozen=True)
class Settings:
    """What a student chose on the Train page (the book's values by default)."""

    lr: float = 0.1
    epochs: int = 10
    batch: int = 256
    seed: int = 0
    softmax: str = "naive"

    def query(self) -> dict:
        """The URL query that reproduces these settings."""
        return {"lr": f"{self.lr:g}", "epochs": str(self.epochs), "batch": str(self.batch),
                "seed": str(self.seed), "softmax": self.softmax}


def nearest(value: float, choices, log=False):
    """The choice closest to value (in log space for learning rates)."""
    key = (lambda c: abs(math.log(c) - math.log(value))) if log else (lambda c: abs(c - value))
    return min(choices, key=key)


def _number(raw, cast):
    value = float(str(raw).strip())
    if not math.isfinite(value):
        raise ValueError
    return cast(value) if cast is float else int(round(value))


def _fix(name, raw, default, check):
    """(value, note): check(raw) or the default when raw is not a number."""
    try:
        value = check(raw)
    except (ValueError, OverflowError):
        return default, (name, raw, default)
    return value, (None if str(value) == str(raw) or _same(value, raw) else (name, raw, value))


def _same(value, raw):
    try:
        return float(raw) == float(value)
    except ValueError:
        return False


def _lr(raw):
    value = _number(raw, float)
    if value <= 0:
        return LR_CHOICES[0]
    return nearest(value, LR_CHOICES, log=True)


def _clamp_int(low, high):
    return lambda raw: min(max(_number(raw, int), low), high)


def _batch(raw):
    return nearest(_number(raw, int), BATCH_CHOICES)


def _softmax(raw):
    value = str(raw).strip().lower()
    if value not in SOFTMAX_CHOICES:
        raise ValueError
    return value


def from_query(params) -> tuple[Settings, list]:
    """Settings from a query mapping, and the notes (name, given, used) of fixes."""
    defaults, values, notes = Settings(), {}, []
    checks = {"lr": _lr, "epochs": _clamp_int(*EPOCHS_RANGE), "batch": _batch,
              "seed": _clamp_int(*SEED_RANGE), "softmax": _softmax}
    for name, check in checks.items():
        default = getattr(defaults, name)
        if name not in params:
            values[name] = default
            continue
        values[name], note = _fix(name, params[name], default, check)
        if note:
            notes.append(note)
    return Settings(**values), notes
