"""TrainConfig: the one description of a run's settings.

Each field carries its default, the values the library accepts (a range or a
list of choices), its help text and the name it travels under in a URL. Every
other place that lists settings derives from here: the URL parsing
(lib/settings.py), the Train page's controls, the CLI's arguments
(lib/cli.py), the runs table and the CSV (lib/runs.py) and the stored runs
(lib/store/db.py). Add a field here and it shows up in all of them.

A field marked `sweep` may be given as a list of values (the CLI's
`--lr 0.03,0.1,0.3`): `parse_values` reads such a list from text, and `sweep`
builds the Cartesian product of the listed values, one config per run.

The app on a shared server deliberately allows less than the library (fewer
epochs, a few learning rates): that is the APP_LIMITS table below, not a
second description.

    from lib.config import TrainConfig
    cfg = TrainConfig(lr=1, softmax="stable")
    TrainConfig.from_dict({"lr": 0.3, "unknown": 1})   # missing -> default, unknown -> ignored
    sweep({"lr": [0.1, 0.3], "softmax": ["naive", "stable"]})  # 4 configs, lr varying slowest
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Range:
    """Any number from low to high (whole numbers for an int field)."""

    low: float
    high: float


@dataclass(frozen=True)
class Choices:
    """One of a few values; `log` says numbers are compared on a log scale."""

    values: tuple
    log: bool = False


def setting(
    default,
    *,
    help: str,
    allowed: Range | Choices,
    query: str | None = None,
    app: bool = True,
    sweep: bool = False,
):
    """A TrainConfig field with what the rest of the project needs to know about it.

    query: its name in a shared URL (None: not in URLs); app: shown on the Train page;
    sweep: may be given as a list of values, one run per value (the CLI's sweeps).
    """
    meta = {"help": help, "allowed": allowed, "query": query, "app": app, "sweep": sweep}
    return dataclasses.field(default=default, metadata=meta)


@dataclass(frozen=True)
class TrainConfig:
    """Everything that decides a run; same config and seed -> same curve on CPU."""

    lr: float = setting(
        0.1,
        allowed=Range(1e-6, 1000.0),
        query="lr",
        sweep=True,
        help="learning rate: the step size of each SGD update (the book: 0.1)",
    )
    num_epochs: int = setting(
        10,
        allowed=Range(1, 200),
        query="epochs",
        sweep=True,
        help="passes over the 60,000 training images (the book: 10)",
    )
    batch_size: int = setting(
        256,
        allowed=Range(1, 60_000),
        sweep=True,
        query="batch",
        help="images per minibatch (the book: 256)",
    )
    seed: int = setting(
        0,
        allowed=Range(0, 2**31 - 1),
        query="seed",
        sweep=True,
        help="drives the initial W and the minibatch order",
    )
    softmax: str = setting(
        "naive",
        allowed=Choices(("naive", "stable", "clamp")),
        query="softmax",
        sweep=True,
        help="naive: the book's softmax and cross-entropy; stable: max subtraction and "
        "log-sum-exp; clamp: the common patch -log(max(p, eps)), no NaN but a biased loss",
    )
    framework: str = setting(
        "scratch",
        allowed=Choices(("scratch", "concise", "mindspore")),
        query="framework",
        help="scratch: PyTorch from scratch (the chapter); concise: "
        "torch.nn built-ins; mindspore: the chapter's MindSpore listing",
    )
    device: str = setting(
        "auto",
        allowed=Choices(("auto", "cpu", "cuda", "mps")),
        app=False,
        help="auto picks cuda, then mps, then cpu",
    )
    init_std: float = setting(
        0.01, allowed=Range(0.0, 1.0), app=False, help="W ~ N(0, init_std^2), as in the book; b = 0"
    )

    def __post_init__(self):
        for f in dataclasses.fields(self):
            problem = check(f, getattr(self, f.name))
            if problem:
                raise ValueError(f"{f.name} {problem}, got {getattr(self, f.name)!r}")

    @classmethod
    def from_dict(cls, values: dict) -> TrainConfig:
        """A config from stored or sent values: unknown keys ignored, missing ones default."""
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in names})

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


def check(f: dataclasses.Field, value) -> str | None:
    """What is wrong with `value` for field `f` (None when it is allowed)."""
    allowed = f.metadata["allowed"]
    if isinstance(allowed, Choices):
        return (
            None
            if value in allowed.values
            else "must be one of " + ", ".join(map(str, allowed.values))
        )
    is_int = f.type in ("int", int)
    ok_type = isinstance(value, int) if is_int else isinstance(value, (int, float))
    if isinstance(value, bool) or not ok_type or not math.isfinite(value):
        return "must be " + ("a whole number" if is_int else "a finite number")
    if not allowed.low <= value <= allowed.high:
        return f"must be between {allowed.low:g} and {allowed.high:g}"
    return None


def fields(cls=TrainConfig, app_only: bool = False) -> list[dataclasses.Field]:
    """The settings of `cls` in order; with app_only, those the Train page shows."""
    return [f for f in dataclasses.fields(cls) if f.metadata.get("app") or not app_only]


_TYPES = {"int": int, "float": float, "str": str}


def parse_value(f: dataclasses.Field, text: str):
    """One value of field `f` from text ("0.1", "3", "stable"); ValueError saying what is wrong."""
    kind = _TYPES.get(f.type, f.type) if isinstance(f.type, str) else f.type
    try:
        value = kind(text.strip())
    except ValueError:
        value = text.strip()  # check() names what it must be
    problem = check(f, value)
    if problem:
        raise ValueError(f"{f.name} {problem}, got {text.strip()!r}")
    return value


def parse_values(f: dataclasses.Field, text: str) -> list:
    """The values of "0.03,0.1,0.3" for field `f` (one value when `f` cannot sweep).

    ValueError for an empty item ("0.1,,0.3") or a value `f` does not allow.
    """
    items = text.split(",") if f.metadata.get("sweep") else [text]
    if any(not item.strip() for item in items):
        raise ValueError(f"{f.name} has an empty item in {text!r} (write values like 0.03,0.1,0.3)")
    return [parse_value(f, item) for item in items]


def sweep(values: dict, cls=TrainConfig) -> list:
    """One config per combination of the listed values (the Cartesian product).

    values maps a field's name to its value, or to a list of values for a field
    marked `sweep`; a field not in `values` keeps its default. The first field
    (lr) varies slowest, as in nested loops in the fields' order.
    """
    names, options = [], []
    for f in dataclasses.fields(cls):
        if f.name not in values:
            continue
        value = values[f.name]
        many = f.metadata.get("sweep") and isinstance(value, (list, tuple))
        if many and not value:
            raise ValueError(f"{f.name}: an empty list of values")
        names.append(f.name)
        options.append(list(value) if many else [value])
    return [cls(**dict(zip(names, combo))) for combo in itertools.product(*options)]


def swept(cls=TrainConfig) -> list[dataclasses.Field]:
    """The fields that may be given as a list of values."""
    return [f for f in dataclasses.fields(cls) if f.metadata.get("sweep")]


# What the app allows on a shared server, where the library allows more. A field
# missing here keeps the library's own range or choices.
APP_LIMITS = {
    "lr": Choices((0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0), log=True),
    "num_epochs": Range(1, 50),
    "batch_size": Choices((32, 64, 128, 256, 512, 1024)),
    "seed": Range(0, 9999),
}


def app_allowed(f: dataclasses.Field) -> Range | Choices:
    """The values the app offers for field `f`."""
    return APP_LIMITS.get(f.name, f.metadata["allowed"])
