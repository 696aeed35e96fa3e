"""A student's training runs: settings, the growing history, the weights.

A Run is filled epoch by epoch as the trainer yields, so whatever stops the
loop (the Stop button, another click, a closed tab) leaves a usable run. Its
columns in the runs table and the CSV come from TrainConfig's fields.

Statuses: running, done, stopped (interrupted, the epochs done are kept),
breakdown (the naive formulas produced inf/NaN: see lib/trainers/loop.py),
and, for a run that finished with its training loss above the random start's:
diverged (the loss rose while training) or saturated (the loss fell after the
first epoch but never got back below the start: at a large lr the first steps
make W huge, the predictions saturate to 0 or 1, and the loss is carried by
the images the model gets confidently wrong; `saturation` has its figures).
"""

from __future__ import annotations

import io
import time
import uuid
from dataclasses import dataclass, field

import pandas as pd
import torch

from lib.config import TrainConfig, fields
from lib.trainers.contract import Breakdown, EpochRecord

METRICS = ("train_loss", "train_acc", "test_acc")
GROWTH = ("w_norm", "max_logit")  # how large W and the logits grew (EpochRecord)
EPOCH_COLUMNS = ("epoch", *METRICS, "seconds", "w_norm", "max_logit", "broke_down")
STATUSES = ("running", "done", "stopped", "breakdown", "diverged", "saturated")


def settings_row(cfg: TrainConfig) -> dict:
    """The app's settings of a config, by field name (the runs table's and CSV's columns)."""
    return {f.name: getattr(cfg, f.name) for f in fields(type(cfg), app_only=True)}


@dataclass(eq=False)  # a Run is compared by identity: its tensors have no single truth value
class Run:
    number: int  # 1, 2, 3 … for its student
    cfg: TrainConfig
    history: list[dict] = field(default_factory=list)  # one row per epoch, epoch 0 first
    W: torch.Tensor | None = None  # (784, 10), on the CPU
    b: torch.Tensor | None = None  # (10,)
    status: str = "running"  # one of STATUSES
    breakdown: Breakdown | None = None
    device: str = ""  # where it trained, e.g. "cpu · 1 thread"
    created: float = field(default_factory=time.time)  # seconds since 1970, UTC
    id: str = field(default_factory=lambda: uuid.uuid4().hex)

    def add(self, record: EpochRecord) -> None:
        """Keep one epoch's figures and the weights after it."""
        self.history.append(record.metrics())
        self.W, self.b = record.W.cpu(), record.b.cpu()
        if record.breakdown:
            self.status, self.breakdown = "breakdown", record.breakdown
        elif record.epoch == self.cfg.num_epochs:
            self.status = self.ending()

    def ending(self) -> str:
        """done; or, when the loss ended above the start, diverged or saturated."""
        if not self.loss_grew():
            return "done"
        return "diverged" if self.loss_rose() else "saturated"

    def loss_grew(self) -> bool:
        """The last train loss is above the epoch-0 one (random weights)."""
        return (
            len(self.history) > 1 and self.history[-1]["train_loss"] > self.history[0]["train_loss"]
        )

    def loss_rose(self) -> bool:
        """The last epoch's train loss is above the first epoch's: training made it worse."""
        return (
            len(self.history) > 2 and self.history[-1]["train_loss"] > self.history[1]["train_loss"]
        )

    @property
    def epochs_run(self) -> int:
        """Epochs trained (epoch 0 is the starting point, not an epoch)."""
        return self.history[-1]["epoch"] if self.history else 0

    @property
    def name(self) -> str:
        c = self.cfg
        return (
            f"#{self.number} {c.framework} lr={c.lr:g} epochs={c.num_epochs} "
            f"batch={c.batch_size} {c.softmax}"
        )

    @property
    def trained(self) -> bool:
        """At least one epoch finished, so there are trained weights to use."""
        return self.epochs_run >= 1 and self.W is not None

    @property
    def usable(self) -> bool:
        """Weights that are finite numbers (a broken-down run has inf/NaN in W)."""
        return self.trained and bool(torch.isfinite(self.W).all())

    @property
    def seconds(self) -> float:
        return sum(h["seconds"] for h in self.history)

    def frame(self) -> pd.DataFrame:
        """One row per epoch (epoch 0 first): epoch, the three metrics, seconds, broke_down."""
        return pd.DataFrame(self.history, columns=list(EPOCH_COLUMNS))

    def summary(self) -> dict:
        last = self.history[-1] if self.history else {}
        return {
            "run": self.number,
            **settings_row(self.cfg),
            "epochs_run": self.epochs_run,
            **{m: last.get(m) for m in METRICS},
            "seconds": self.seconds,
            "status": self.status,
        }


def saturation(run: Run) -> dict:
    """The figures that tell a saturated run's story, all from its history.

    start, first, end: the train loss at epoch 0, 1 and the last; acc_low and
    acc_high: the lowest and highest test accuracy after epoch 0; w_norm and
    max_logit: the last epoch's (None for a run stored before they were kept),
    and per_lr = w_norm / lr.
    """
    h, lr = run.history, run.cfg.lr
    accs = [row["test_acc"] for row in h[1:]]
    w_norm, max_logit = h[-1].get("w_norm"), h[-1].get("max_logit")
    return {
        "number": run.number,
        "lr": lr,
        "epochs": h[-1]["epoch"],
        "start": h[0]["train_loss"],
        "first": h[1]["train_loss"],
        "end": h[-1]["train_loss"],
        "acc_low": min(accs),
        "acc_high": max(accs),
        "w_norm": w_norm,
        "max_logit": max_logit,
        "per_lr": None if w_norm is None else w_norm / lr,
    }


def long_frame(runs: list[Run], label=None) -> pd.DataFrame:
    """All runs' histories stacked, one row per (run, epoch, metric) for charts.

    `label(run)` names a run in the chart (its name in the reader's language); Run.name
    by default."""
    # speed: rows built in Python (one DataFrame at the end), not melt + concat per run:
    # this runs for every redraw of every student's live chart
    name = label or (lambda run: run.name)
    rows = [
        (name(run), h["epoch"], metric, h[metric])
        for run in runs
        for metric in METRICS
        for h in run.history
    ]
    return _long(rows)


def _long(rows: list[tuple]) -> pd.DataFrame:
    """(run, epoch, metric, value) rows as a frame whose text columns hold plain Python
    strings. speed: pandas' default Arrow strings are converted back to Python objects by
    Altair, the chart's summary and Streamlit on every redraw of every live chart (8 % of
    a 30-student class's server CPU, py-spy, docs/load.md)."""
    run, epoch, metric, value = zip(*rows) if rows else ((), (), (), ())
    return pd.DataFrame(
        {
            "run": pd.Series(run, dtype=object),
            "epoch": pd.Series(epoch, dtype="int64"),
            "metric": pd.Series(metric, dtype=object),
            "value": pd.Series(value, dtype="float64"),
        }
    )


def growth_frame(runs: list[Run]) -> pd.DataFrame:
    """‖W‖ and the largest |logit| of every epoch, one row per (run, epoch, metric).

    Only positive finite values (they are drawn on a log scale): epoch 0 has no
    max_logit, a broken-down epoch's W is NaN, and a run stored before these
    figures existed has neither.
    """
    rows = [
        (run.name, h["epoch"], metric, float(h[metric]))
        for run in runs
        for metric in GROWTH
        for h in run.history
        if _positive(h.get(metric))
    ]
    return _long(rows)


def _positive(value) -> bool:
    return value is not None and 0 < float(value) < float("inf")


def runs_csv(runs: list[Run]) -> str:
    """Every epoch of every run with its settings, as CSV text."""
    rows = [{"run": run.number, **settings_row(run.cfg), **h} for run in runs for h in run.history]
    buffer = io.StringIO()
    pd.DataFrame(rows).to_csv(buffer, index=False)
    return buffer.getvalue()
