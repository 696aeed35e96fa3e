"""A student's training runs: settings, the growing history, the weights.

A Run is filled epoch by epoch as the trainer yields, so whatever stops the
loop (the Stop button, another click, a closed tab) leaves a usable run.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field

import pandas as pd
import torch

from lib.train import EpochRecord, TrainConfig

METRICS = ("train_loss", "train_acc", "test_acc")


@dataclass(eq=False)  # a Run is compared by identity: its tensors have no single truth value
class Run:
    number: int                      # 1, 2, 3 … in the student's session
    cfg: TrainConfig
    history: list[dict] = field(default_factory=list)
    W: torch.Tensor | None = None    # (784, 10), on the CPU
    b: torch.Tensor | None = None    # (10,)
    status: str = "running"          # running | done | stopped | diverged

    def add(self, record: EpochRecord) -> None:
        """Keep one epoch's figures and the weights after it."""
        self.history.append(record.metrics())
        self.W, self.b = record.W.cpu(), record.b.cpu()
        if record.diverged:
            self.status = "diverged"
        elif record.epoch == self.cfg.num_epochs:
            self.status = "done"

    @property
    def name(self) -> str:
        c = self.cfg
        return f"#{self.number} lr={c.lr:g} epochs={c.num_epochs} batch={c.batch_size} {c.softmax}"

    @property
    def trained(self) -> bool:
        """At least one epoch finished, so there are weights to use."""
        return self.W is not None

    @property
    def usable(self) -> bool:
        """Weights that are finite numbers (a diverged run has NaN in W)."""
        return self.trained and bool(torch.isfinite(self.W).all())

    def frame(self) -> pd.DataFrame:
        """One row per epoch: epoch, train_loss, train_acc, test_acc, seconds, diverged."""
        return pd.DataFrame(self.history,
                            columns=["epoch", *METRICS, "seconds", "diverged"])

    def summary(self) -> dict:
        last = self.history[-1] if self.history else {}
        return {"run": self.number, "lr": self.cfg.lr, "epochs": self.cfg.num_epochs,
                "batch_size": self.cfg.batch_size, "seed": self.cfg.seed,
                "softmax": self.cfg.softmax, "epochs_run": len(self.history),
                "train_loss": last.get("train_loss"), "train_acc": last.get("train_acc"),
                "test_acc": last.get("test_acc"),
                "seconds": sum(h["seconds"] for h in self.history),
                "status": self.status}


def long_frame(runs: list[Run]) -> pd.DataFrame:
    """All runs' histories stacked, one row per (run, epoch, metric) for charts."""
    frames = []
    for run in runs:
        df = run.frame().melt(id_vars=["epoch"], value_vars=list(METRICS),
                              var_name="metric", value_name="value")
        df.insert(0, "run", run.name)
        frames.append(df)
    if not frames:
        return pd.DataFrame(columns=["run", "epoch", "metric", "value"])
    return pd.concat(frames, ignore_index=True)


def runs_csv(runs: list[Run]) -> str:
    """Every epoch of every run with its settings, as CSV text."""
    rows = []
    for run in runs:
        for h in run.history:
            rows.append({"run": run.number, "lr": run.cfg.lr, "batch_size": run.cfg.batch_size,
                         "seed": run.cfg.seed, "softmax": run.cfg.softmax, **h})
    buffer = io.StringIO()
    pd.DataFrame(rows).to_csv(buffer, index=False)
    return buffer.getvalue()
