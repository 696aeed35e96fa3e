"""The one epoch driver, like the book's train_ch3: every framework's runs go through `fit`.

    for record in fit(cfg, data, ScratchModel):   # lib/trainers/scratch.py
        print(record.epoch, record.train_loss, record.test_acc)

`fit` draws the run's start (lib.trainers.contract.init_weights, from a
generator seeded with cfg.seed), evaluates it as epoch 0, then for each epoch:
trains one pass over seeded minibatches, evaluates on the test set, records,
and checks for a breakdown. When the loss or W is no longer finite, the epoch
is replayed from its starting weights and generator state, minibatch by
minibatch, until the first step that is not finite: `replay` names what broke
there, and the run ends with that record. Stop is closing the generator.

A framework supplies only its own steps: an object with the methods of
`Model` below, built from (cfg, data, W, b).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from typing import Protocol

import torch

from lib.config import TrainConfig
from lib.data import FashionMNIST, minibatch_indices
from lib.trainers.contract import Breakdown, EpochRecord, found, init_weights


class Model(Protocol):
    """What a framework gives the epoch driver: its own steps on its own tensors."""

    n: int  # training images
    device: torch.device | str  # where the minibatch indices go

    def train_epoch(self, batches: Iterator[torch.Tensor]) -> tuple[float, int, float]:
        """One pass over the minibatches (index tensors); (loss sum, number right,
        the largest |logit| seen: lib.trainers.contract.largest_logit)."""

    def evaluate(self, split: str) -> tuple[float, float]:
        """Mean loss and accuracy on the "train" or "test" split."""

    def weights(self) -> tuple[torch.Tensor, torch.Tensor]:
        """Copies of (W, b) on the CPU: (784, 10) and (10,)."""

    def load_weights(self, W: torch.Tensor, b: torch.Tensor) -> None:
        """Set (W, b), e.g. back to an epoch's start before a replay."""

    def check_step(self, idx: torch.Tensor) -> tuple[str | None, torch.Tensor, torch.Tensor]:
        """One training step on minibatch idx, checked as it goes: (cause or None, O, y).

        O (batch, 10) and y (batch,) as torch tensors. When nothing broke, the
        step's update is applied, exactly as in training.
        """


def minibatches(cfg: TrainConfig, model: Model, generator: torch.Generator):
    """This epoch's minibatches: index slices of a permutation drawn from the run's generator."""
    return minibatch_indices(model.n, cfg.batch_size, generator, model.device)


def fit(cfg: TrainConfig, data: FashionMNIST, build: Callable[..., Model]) -> Iterator[EpochRecord]:
    """Epoch 0 (the random start), then one EpochRecord per epoch until done or broken down."""
    generator = torch.Generator().manual_seed(cfg.seed)
    model = build(cfg, data, *init_weights(cfg, generator))
    start = time.perf_counter()
    train_loss, train_acc = model.evaluate("train")
    _, test_acc = model.evaluate("test")
    W, b = model.weights()
    yield EpochRecord(0, train_loss, train_acc, test_acc, time.perf_counter() - start, None, W, b)
    for epoch in range(1, cfg.num_epochs + 1):
        start = time.perf_counter()
        W0, b0, generator_state = W, b, generator.get_state()
        loss_sum, right, max_logit = model.train_epoch(minibatches(cfg, model, generator))
        _, test_acc = model.evaluate("test")
        W, b = model.weights()
        broken = None
        if not (math.isfinite(loss_sum) and bool(torch.isfinite(W).all())):
            model.load_weights(W0, b0)
            again = torch.Generator().set_state(generator_state)
            broken = replay(model, minibatches(cfg, model, again), epoch)
        seconds = time.perf_counter() - start
        yield EpochRecord(
            epoch, loss_sum / model.n, right / model.n, test_acc, seconds, broken, W, b, max_logit
        )
        if broken:
            return


def replay(model: Model, batches: Iterator[torch.Tensor], epoch: int) -> Breakdown:
    """Train the epoch again step by step; the first minibatch whose step is not finite."""
    O = y = None
    for batch, idx in enumerate(batches, start=1):
        cause, O, y = model.check_step(idx)
        if cause:
            return found(cause, epoch, batch, O, y)
    return found("unknown", epoch, 0, O, y)  # every step was finite on replay
