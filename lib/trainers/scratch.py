"""Softmax regression from scratch in PyTorch: the chapter's trainer.

    from lib.trainers import train
    for record in train(TrainConfig(num_epochs=3), load_data()):
        print(record.epoch, record.train_loss, record.test_acc)

W and b are plain tensors tracked by autograd, the model is X @ W + b, the
loss is the book's naive softmax + cross-entropy or the stable one computed
from the logits (lib/softmax.py), and the update is the book's minibatch SGD.
The epochs are driven by lib/trainers/loop.py's `fit`, shared by every
framework; `train_epoch` below (the book's train_epoch_ch3) is shared with
the torch.nn trainer (lib/trainers/concise.py).

How this differs from the book's listing, and why:
- The data are two whole tensors (lib/data.py) and a minibatch is an index
  slice of a shuffled permutation: no DataLoader, no ToTensor per image, so an
  epoch takes a few hundredths of a second instead of seconds.
- The loss gets the logits O, and the naive loss applies the book's softmax
  and cross-entropy to them (loss_naive); the stable one computes the same
  loss from O without rounding a probability to 0 first (loss_stable).
- No Accumulator or Animator: the loss and accuracy sums stay tensors until
  the epoch ends, and the record is drawn by whoever reads it.
"""

from __future__ import annotations

from collections.abc import Iterator

import torch

from lib.config import TrainConfig
from lib.data import FashionMNIST, device_label, minibatch_indices, pick_device
from lib.metrics import accuracy, evaluate
from lib.softmax import LOSSES, logits
from lib.trainers.contract import EpochRecord, largest_logit, sgd
from lib.trainers.loop import fit


def train_scratch(cfg: TrainConfig, data: FashionMNIST) -> Iterator[EpochRecord]:
    """The chapter's run: epoch 0, then one record per epoch until done or broken down."""
    return fit(cfg, data, ScratchModel)


class ScratchModel:
    """W, b and the book's net, loss and updater, on the run's device."""

    def __init__(self, cfg: TrainConfig, data: FashionMNIST, W, b):
        self.device = pick_device(cfg.device)
        self.data = data.to(self.device)
        self.n = len(self.data.y_train)
        self.lr, self.softmax = cfg.lr, cfg.softmax
        self.loss = LOSSES[cfg.softmax]
        self.load_weights(W, b)  # (784, 10), (10,)

    def net(self, X):
        return logits(X, self.W, self.b)  # (n, 784) @ (784, 10) + (10,) -> (n, 10)

    def updater(self, batch_size):
        sgd([self.W, self.b], self.lr, batch_size)

    def train_epoch(self, batches):
        X, y = self.data.X_train, self.data.y_train
        return train_epoch(self.net, self.loss, self.updater, X, y, batches)

    def evaluate(self, split: str) -> tuple[float, float]:
        X, y = self.data.split(split)
        return evaluate(self.W, self.b, X, y, self.softmax)

    def weights(self):
        return self.W.detach().to("cpu", copy=True), self.b.detach().to("cpu", copy=True)

    def load_weights(self, W, b) -> None:
        # clone() keeps W's column-by-column layout (see init_weights): same sums, same speed
        self.W = W.to(self.device).clone().requires_grad_(True)
        self.b = b.to(self.device).clone().requires_grad_(True)

    def check_step(self, idx):
        X = self.data.X_train.index_select(0, idx)  # (batch_size, 784)
        y = self.data.y_train.index_select(0, idx)  # (batch_size,)
        O = self.net(X)  # (batch_size, 10)
        cause = first_bad_step(O, y, self.W, self.b, self.softmax)
        if cause is None:
            self.updater(len(idx))  # the same step as in training
        return cause, O.detach(), y


def train_epoch(net, loss, updater, X, y, batches):
    """One pass over (X, y) in the given minibatches; returns (loss sum, number right,
    the largest |logit| seen).

    updater is the book's sgd (a function of the batch size) or a torch.optim optimizer.
    """
    # speed: the sums stay on the data's device until the epoch ends (no sync per batch)
    loss_sum = torch.zeros((), device=X.device)
    right = torch.zeros((), device=X.device, dtype=torch.int64)
    max_logit = torch.zeros((), device=X.device)
    for idx in batches:
        X_batch = X.index_select(0, idx)  # X[idx], (batch_size, 784); speed: 3x faster
        y_batch = y.index_select(0, idx)  # y[idx], (batch_size,)
        O = net(X_batch)  # (batch_size, 10)
        l = loss(O, y_batch)  # (batch_size,)
        if isinstance(updater, torch.optim.Optimizer):
            updater.zero_grad()
            l.mean().backward()  # PyTorch's optimizers step by the mean gradient
            updater.step()
        else:
            l.sum().backward()
            updater(len(idx))  # the book's sgd divides by the batch size
        loss_sum += l.detach().sum()
        right += accuracy(O.detach(), y_batch)
        max_logit = torch.maximum(max_logit, largest_logit(O))
    return float(loss_sum), int(right), float(max_logit)


def first_bad_step(O, y, W, b, softmax: str) -> str | None:
    """The loss and gradient of one minibatch, checked step by step (W, b get .grad)."""
    if not torch.isfinite(O).all():
        return "logits_overflow"
    if softmax == "naive" and torch.isinf(torch.exp(O)).any():
        return "exp_overflow"
    l = LOSSES[softmax](O, y)  # (batch_size,)
    if not torch.isfinite(l).all():
        return "log_zero" if softmax == "naive" else "loss_overflow"
    l.sum().backward()
    if not (torch.isfinite(W.grad).all() and torch.isfinite(b.grad).all()):
        return "grad_overflow"
    return None


def device_text(cfg: TrainConfig) -> str:
    """Where a run trains, for people: 'cpu · 1 thread', 'cuda · NVIDIA H100'."""
    return device_label(pick_device(cfg.device))


def shown_code(cfg: TrainConfig, broke_down: bool = False) -> tuple:
    """The functions a from-scratch run with cfg calls, in reading order (pages show them)."""
    from lib.softmax import (
        cross_entropy_clamp,
        cross_entropy_naive,
        cross_entropy_stable,
        loss_clamp,
        loss_naive,
        loss_stable,
        softmax_naive,
        softmax_stable,
    )
    from lib.trainers.contract import init_weights, largest_logit
    from lib.trainers.loop import replay

    loss = {
        "naive": (loss_naive, softmax_naive, cross_entropy_naive),
        "stable": (loss_stable, cross_entropy_stable),
        "clamp": (loss_clamp, softmax_stable, cross_entropy_clamp),
    }[cfg.softmax]
    extra = (replay, ScratchModel.check_step, first_bad_step) if broke_down else ()
    return (
        train_scratch,
        fit,
        init_weights,
        ScratchModel,
        train_epoch,
        largest_logit,
        minibatch_indices,
        logits,
        *loss,
        sgd,
        accuracy,
        evaluate,
        *extra,
    )
