"""Softmax regression with PyTorch's built-ins: the book's concise version.

    from lib.trainers import train
    for record in train(TrainConfig(framework="concise"), data):
        print(record.epoch, record.train_loss, record.test_acc)

The model is nn.Flatten + nn.Linear(784, 10), the optimizer torch.optim.SGD.
Everything else is shared with the from-scratch trainer, as the book's
concise section reuses its train_ch3: the epoch driver (lib/trainers/loop.py),
the minibatch loop (lib.trainers.scratch.train_epoch), the data, the seeded
minibatch order and the initial W (lib.trainers.contract.init_weights). So
with the same seed both trainers start from the same W and see the same
minibatches: their curves agree to rounding (about 1e-6 in the loss;
tests/test_frameworks.py checks it).

What "naive" and "stable" mean here (make_loss):
- stable: nn.CrossEntropyLoss, which takes the logits and computes
  log-sum-exp(O) - O[true class]; no probability is ever formed, so it cannot
  take log(0). This is what the book's concise section uses.
- naive: NaiveCrossEntropy, the same built-ins put together the way the book
  warns against: probabilities first (nn.Softmax), then torch.log, then
  nn.NLLLoss. torch's softmax already subtracts the row maximum, so exp cannot
  overflow here (no "exp_overflow" as in the from-scratch version); but a
  probability can still underflow to 0. torch.log runs over the whole (n, 10)
  softmax matrix, not only the true classes, so a 0 anywhere becomes -inf:
  - the true class's: the loss itself is inf ("log_zero");
  - only wrong classes': the loss is still finite (NLLLoss picks the true
    class's entry), but in the backward pass the gradient of log at 0 is
    1/0 = inf, and NLLLoss sends 0 down to that entry: 0 * inf = NaN, which
    softmax's backward spreads over the whole row ("log_zero_wrong_class").
  The from-scratch loss picks the true class's probability before its log, so
  there a wrong class's 0 is harmless, and its "grad_overflow" is -1/p of a
  tiny true-class p. first_bad_step looks at the softmax output before the
  backward pass to tell which happened.

nn.Linear stores its weight as (10, 784), one row per class; the records hold
it transposed, W = weight.T of shape (784, 10), like the other trainers.
"""

from __future__ import annotations

from collections.abc import Iterator

import torch
from torch import nn

from lib.config import TrainConfig
from lib.data import NUM_INPUTS, NUM_OUTPUTS, FashionMNIST, minibatch_indices, pick_device
from lib.metrics import accuracy
from lib.softmax import EPS
from lib.trainers.contract import EpochRecord
from lib.trainers.loop import fit
from lib.trainers.scratch import train_epoch


def train_concise(cfg: TrainConfig, data: FashionMNIST) -> Iterator[EpochRecord]:
    """The concise run: epoch 0, then one record per epoch until done or broken down."""
    return fit(cfg, data, ConciseModel)


def init_net(W, b) -> nn.Sequential:
    """nn.Flatten + nn.Linear(784, 10) starting from W (784, 10) and b (10,)."""
    net = nn.Sequential(nn.Flatten(), nn.Linear(NUM_INPUTS, NUM_OUTPUTS))
    with torch.no_grad():
        net[1].weight.copy_(W.T)  # (10, 784): nn.Linear keeps one row per class
        net[1].bias.copy_(b)  # (10,)
    return net


class NaiveCrossEntropy(nn.Module):
    """Probabilities first, then log, then the picked -log p: log(0) = -inf can happen."""

    def __init__(self):
        super().__init__()
        self.softmax = nn.Softmax(dim=1)  # subtracts the row maximum itself
        self.nll = nn.NLLLoss(reduction="none")  # -(the true class's entry)

    def forward(self, O, y):
        y_hat = self.softmax(O)  # (n, 10), rows sum to 1
        return self.nll(torch.log(y_hat), y)  # (n,), inf where y_hat is 0


class ClampedCrossEntropy(NaiveCrossEntropy):
    """The common patch: log(max(y_hat, eps)) instead of log(y_hat). No -inf, so no NaN,
    but an image whose true class has p < eps costs -log(eps) and gets no gradient."""

    def forward(self, O, y):
        y_hat = self.softmax(O)  # (n, 10)
        return self.nll(torch.log(torch.clamp(y_hat, min=EPS)), y)  # (n,), at most -log(EPS)


def make_loss(softmax: str) -> nn.Module:
    """The loss per image: nn.CrossEntropyLoss on the logits (stable, the book's choice),
    the naive one or the clamped one. reduction="none": the loss of each image, averaged
    for the step."""
    if softmax == "stable":
        return nn.CrossEntropyLoss(reduction="none")  # log-sum-exp(O) - O[true class]
    return ClampedCrossEntropy() if softmax == "clamp" else NaiveCrossEntropy()


class ConciseModel:
    """The torch.nn net, its loss and torch.optim.SGD, on the run's device."""

    def __init__(self, cfg: TrainConfig, data: FashionMNIST, W, b):
        self.device = pick_device(cfg.device)
        self.data = data.to(self.device)
        self.n = len(self.data.y_train)
        self.softmax = cfg.softmax
        self.net = init_net(W, b).to(self.device)
        self.loss = make_loss(cfg.softmax)
        self.updater = torch.optim.SGD(self.net.parameters(), lr=cfg.lr)

    def train_epoch(self, batches):
        X, y = self.data.X_train, self.data.y_train
        return train_epoch(self.net, self.loss, self.updater, X, y, batches)

    @torch.no_grad()
    def evaluate(self, split: str) -> tuple[float, float]:
        X, y = self.data.split(split)
        O = self.net(X)  # (n, 10)
        return float(self.loss(O, y).mean()), float(accuracy(O, y)) / len(y)

    def weights(self):
        linear = self.net[1]
        W = linear.weight.detach().T.to("cpu", copy=True)  # (784, 10)
        return W, linear.bias.detach().to("cpu", copy=True)

    def load_weights(self, W, b) -> None:
        with torch.no_grad():
            self.net[1].weight.copy_(W.T)
            self.net[1].bias.copy_(b)

    def check_step(self, idx):
        X = self.data.X_train.index_select(0, idx)  # (batch_size, 784)
        y = self.data.y_train.index_select(0, idx)  # (batch_size,)
        self.updater.zero_grad()
        cause, O = first_bad_step(self.net, self.loss, X, y, self.softmax)
        if cause is None:
            self.updater.step()  # the same step as in training
        return cause, O.detach(), y


def first_bad_step(net, loss, X, y, softmax: str) -> tuple[str | None, torch.Tensor]:
    """The loss and gradient of one minibatch, checked step by step; (cause, logits)."""
    O = net(X)  # (batch_size, 10)
    if not torch.isfinite(O).all():
        return "logits_overflow", O
    l = loss(O, y)  # (batch_size,)
    if not torch.isfinite(l).all():
        return ("log_zero" if softmax == "naive" else "loss_overflow"), O
    wrong_zero = softmax == "naive" and wrong_class_zero(O.detach(), y)
    l.mean().backward()
    if not all(torch.isfinite(p.grad).all() for p in net.parameters()):
        return ("log_zero_wrong_class" if wrong_zero else "grad_overflow"), O
    return None, O


def wrong_class_zero(O, y) -> bool:
    """Whether softmax(O) rounds some wrong class's probability to 0 (its log is -inf)."""
    y_hat = torch.softmax(O, dim=1)  # (batch_size, 10), as nn.Softmax computes it
    wrong = torch.ones_like(y_hat, dtype=torch.bool)
    wrong[torch.arange(len(y)), y] = False  # (batch_size, 10): True off the true class
    return bool((y_hat[wrong] == 0).any())


def device_text(cfg: TrainConfig) -> str:
    """Where a run trains, for people: 'cpu · 1 thread', 'cuda · NVIDIA H100'."""
    from lib.trainers.scratch import device_text as scratch_device_text

    return scratch_device_text(cfg)


def shown_code(cfg: TrainConfig, broke_down: bool = False) -> tuple:
    """The functions a concise run with cfg calls, in reading order (the Train page shows them)."""
    from lib.trainers.contract import init_weights, largest_logit
    from lib.trainers.loop import replay

    extra = (
        (replay, ConciseModel.check_step, first_bad_step, wrong_class_zero) if broke_down else ()
    )
    naive = {
        "naive": (NaiveCrossEntropy,),
        "clamp": (NaiveCrossEntropy, ClampedCrossEntropy),
        "stable": (),
    }[cfg.softmax]
    return (
        train_concise,
        fit,
        init_weights,
        ConciseModel,
        init_net,
        make_loss,
        *naive,
        train_epoch,
        largest_logit,
        minibatch_indices,
        accuracy,
        *extra,
    )
