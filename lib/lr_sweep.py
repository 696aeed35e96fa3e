"""The learning-rate sweep: where the naive softmax breaks and where the stable one saturates.

    table = sweep_table(data)            # one row per (softmax, lr)
    story = findings(table)              # the figures the lesson's sentences quote

Every loss variant of lib.softmax (naive, stable, clamp) at log-spaced
learning rates from 0.01 to 100, trained as one stacked run
(lib.trainers.stacked.train_stacked: one matmul for all the runs, each with
its own lr and loss). Few epochs on a slice of the training set, so the
lesson page can run it; the page caches the table per settings.

For each run the table keeps its last epoch's figures (test accuracy, ‖W‖,
the largest |logit|), where it broke down if it did, and two shares computed
from its final W on the training images it saw: `sure`, how many it predicts
with a top probability above SURE (saturated predictions), and `below_eps`,
how many give their true class a probability below lib.softmax.EPS (where the
clamped loss has no gradient).
"""

from __future__ import annotations

import math

import pandas as pd
import torch

from lib.config import TrainConfig
from lib.data import FashionMNIST
from lib.softmax import EPS, LOSSES, logits, softmax_stable
from lib.trainers.stacked import train_stacked

LRS = (0.01, 0.1, 1.0, 10.0, 100.0)  # log-spaced, a decade apart
VARIANTS = tuple(LOSSES)  # naive, stable, clamp
SURE = 0.999  # a prediction this sure is saturated: its probabilities are ~0 and ~1
N_TRAIN = 10_000  # the first training images: fast enough for a page
PAGE = {"num_epochs": 2, "seed": 0}  # the lesson page's sweep: few epochs


def sweep_configs(num_epochs: int = 2, seed: int = 0, batch_size: int = 256) -> list:
    """One config per (softmax, lr), the lr varying fastest."""
    return [
        TrainConfig(lr=lr, softmax=softmax, num_epochs=num_epochs, seed=seed, batch_size=batch_size)
        for softmax in VARIANTS
        for lr in LRS
    ]


def sweep_slice(data: FashionMNIST, n_train: int = N_TRAIN) -> FashionMNIST:
    """The first n_train training images and the whole test set."""
    return FashionMNIST(data.X_train[:n_train], data.y_train[:n_train], data.X_test, data.y_test)


def sweep_table(data: FashionMNIST, num_epochs: int = 2, seed: int = 0) -> pd.DataFrame:
    """Train the sweep as one stacked run; one row per (softmax, lr) with its last figures."""
    cfgs = [
        TrainConfig(**{**cfg.to_dict(), "device": "cpu"})  # the slice lives on the CPU
        for cfg in sweep_configs(num_epochs, seed)
    ]
    data = sweep_slice(data).to("cpu")
    last = {}
    for i, record in train_stacked(cfgs, data):
        last[i] = record
    return pd.DataFrame([row(cfg, last[i], data) for i, cfg in enumerate(cfgs)])


@torch.no_grad()
def row(cfg: TrainConfig, record, data: FashionMNIST) -> dict:
    """One run's figures: its last epoch, its breakdown, and its final W's predictions."""
    b = record.breakdown
    sure = below_eps = math.nan
    if not record.broke_down:
        O = logits(data.X_train, record.W, record.b).double()  # (n, 10), float64: no underflow
        P = softmax_stable(O)  # (n, 10)
        sure = float((P.max(dim=1).values > SURE).double().mean())
        p_true = P[torch.arange(len(data.y_train)), data.y_train]  # (n,)
        below_eps = float((p_true < EPS).double().mean())
    return {
        "softmax": cfg.softmax,
        "lr": cfg.lr,
        "epochs_run": record.epoch,
        "test_acc": record.test_acc,
        "w_norm": record.w_norm,
        "max_logit": record.max_logit,
        "sure": sure,
        "below_eps": below_eps,
        "breakdown_epoch": b.epoch if b else None,
        "breakdown_batch": b.batch if b else None,
        "cause": b.cause if b else None,
    }


def findings(table: pd.DataFrame) -> dict:
    """The figures the lesson quotes, all read from the table.

    naive_breaks: the smallest lr at which the naive run broke down (None: none did),
    with its epoch, minibatch and cause; stable_*: the stable run at the largest lr
    (its ‖W‖, ‖W‖ / lr, sure share, accuracy) and its ‖W‖ / lr at lr 1; at_1: each
    variant's row at lr 1 (None where the sweep has no lr 1).
    """
    naive = table[table.softmax == "naive"].sort_values("lr")
    broken = naive[naive.breakdown_epoch.notna()]
    first = broken.iloc[0] if len(broken) else None
    stable = table[table.softmax == "stable"].sort_values("lr")
    top = stable.iloc[-1]
    at_1 = {v: _at(table, v, 1.0) for v in VARIANTS}
    return {
        "naive_lr": None if first is None else float(first.lr),
        "naive_epoch": None if first is None else int(first.breakdown_epoch),
        "naive_batch": None if first is None else int(first.breakdown_batch),
        "naive_cause": None if first is None else first.cause,
        "stable_lr": float(top.lr),
        "stable_w_norm": float(top.w_norm),
        "stable_per_lr": float(top.w_norm / top.lr),
        "stable_sure": float(top.sure),
        "stable_acc": float(top.test_acc),
        "stable_per_lr_at_1": None if at_1["stable"] is None else at_1["stable"]["w_norm"],
        "at_1": at_1,
    }


def _at(table: pd.DataFrame, softmax: str, lr: float) -> dict | None:
    rows = table[(table.softmax == softmax) & (table.lr == lr)]
    return None if rows.empty else rows.iloc[0].to_dict()


def shown_code() -> tuple:
    """The functions the lesson's sweep runs, in reading order."""
    return (sweep_configs, sweep_table, row, findings, train_stacked)
