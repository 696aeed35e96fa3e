"""Softmax regression with PyTorch's built-ins: the book's concise version, as a generator.

    from lib.config import TrainConfig
    from lib.train import train
    for record in train(TrainConfig(framework="concise"), data):
        print(record.epoch, record.train_loss, record.test_acc)

The model is nn.Flatten + nn.Linear(784, 10), the optimizer torch.optim.SGD,
the data the same two tensors as the from-scratch trainer (lib/train.py) and
the minibatches the same seeded permutation (lib.data.minibatch_indices). The
initial weights are drawn from the same generator in the same way as
lib.train.init_params, so with the same seed both trainers start from the same
W and see the same minibatches: their curves agree to rounding (about 1e-6 in
the loss; tests/test_frameworks.py checks it).

What "naive" and "stable" mean here (make_loss):
- stable: nn.CrossEntropyLoss, which takes the logits and computes
  log-sum-exp(O) - O[true class]; no probability is ever formed, so it cannot
  take log(0). This is what the book's concise section uses.
- naive: NaiveCrossEntropy, the same built-ins put together the way the book
  warns against: probabilities first (nn.Softmax), then torch.log, then
  nn.NLLLoss. torch's
  softmax already subtracts the row maximum, so exp cannot overflow here (no
  "exp_overflow" as in the from-scratch version); but a true-class probability
  can still underflow to 0, and log(0) = -inf ("log_zero"), or its gradient
  1/p overflow ("grad_overflow"). At the book's settings both versions train
  the same.

nn.Linear stores its weight as (10, 784), one row per class; each EpochRecord
holds it transposed, W = weight.T of shape (784, 10), like the other trainers.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator

import torch
from torch import nn

from lib.breakdown import Breakdown, found
from lib.config import TrainConfig
from lib.data import NUM_INPUTS, NUM_OUTPUTS, FashionMNIST, minibatch_indices, pick_device
from lib.metrics import accuracy
from lib.train import EpochRecord

__all__ = [
    "train_concise",
    "init_net",
    "make_loss",
    "NaiveCrossEntropy",
    "train_epoch",
    "evaluate",
    "diagnose",
    "first_bad_step",
    "shown_code",
]


def init_net(cfg: TrainConfig, generator: torch.Generator) -> nn.Sequential:
    """nn.Flatten + nn.Linear(784, 10) with weight ~ N(0, init_std^2) and bias = 0.

    The weight is drawn as lib.train.init_params draws W (same shape, same
    generator), so the same seed gives the same starting point.
    """
    net = nn.Sequential(nn.Flatten(), nn.Linear(NUM_INPUTS, NUM_OUTPUTS))
    with torch.no_grad():
        net[1].weight.copy_(
            torch.normal(0, cfg.init_std, (NUM_OUTPUTS, NUM_INPUTS), generator=generator)
        )  # (10, 784)
        net[1].bias.zero_()  # (10,)
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


def make_loss(softmax: str) -> nn.Module:
    """The loss per image: nn.CrossEntropyLoss on the logits (stable, the book's choice),
    or the naive one. reduction="none": the loss of each image, averaged for the step."""
    if softmax == "stable":
        return nn.CrossEntropyLoss(reduction="none")  # log-sum-exp(O) - O[true class]
    return NaiveCrossEntropy()


def train_epoch(net, loss, updater, X, y, cfg: TrainConfig, generator: torch.Generator):
    """One pass over (X, y) in shuffled minibatches; returns (loss sum, number right)."""
    loss_sum = torch.zeros((), device=X.device)
    right = torch.zeros((), device=X.device, dtype=torch.int64)
    for idx in minibatch_indices(len(y), cfg.batch_size, generator, X.device):
        X_batch, y_batch = X.index_select(0, idx), y.index_select(0, idx)
        O = net(X_batch)  # (batch_size, 784) -> (batch_size, 10)
        l = loss(O, y_batch)  # (batch_size,)
        updater.zero_grad()
        l.mean().backward()  # mean: SGD's step is lr * mean gradient
        updater.step()
        loss_sum += l.detach().sum()
        right += accuracy(O.detach(), y_batch)
    return float(loss_sum), int(right)


@torch.no_grad()
def evaluate(net, loss, X, y) -> tuple[float, float]:
    """Mean loss and accuracy of net on all of X."""
    O = net(X)  # (n, 10)
    return float(loss(O, y).mean()), float(accuracy(O, y)) / len(y)


def snapshot(net) -> tuple[torch.Tensor, torch.Tensor]:
    """(W, b) as the other trainers hold them: (784, 10) and (10,), on the CPU."""
    linear = net[1]
    return (
        linear.weight.detach().T.to("cpu", copy=True),
        linear.bias.detach().to("cpu", copy=True),
    )


def train_concise(cfg: TrainConfig, data: FashionMNIST) -> Iterator[EpochRecord]:
    """The concise loop: epoch 0, then one record per epoch until done or broken down."""
    device = pick_device(cfg.device)
    data = data.to(device)
    generator = torch.Generator().manual_seed(cfg.seed)
    net = init_net(cfg, generator).to(device)
    loss = make_loss(cfg.softmax)
    updater = torch.optim.SGD(net.parameters(), lr=cfg.lr)
    n = len(data.y_train)
    start = time.perf_counter()
    train_loss, train_acc = evaluate(net, loss, data.X_train, data.y_train)
    _, test_acc = evaluate(net, loss, data.X_test, data.y_test)
    yield EpochRecord(
        0, train_loss, train_acc, test_acc, time.perf_counter() - start, None, *snapshot(net)
    )
    for epoch in range(1, cfg.num_epochs + 1):
        start = time.perf_counter()
        before = ({k: v.clone() for k, v in net.state_dict().items()}, generator.get_state())
        loss_sum, right = train_epoch(
            net, loss, updater, data.X_train, data.y_train, cfg, generator
        )
        _, test_acc = evaluate(net, loss, data.X_test, data.y_test)
        W, b = snapshot(net)
        broken = None
        if not (math.isfinite(loss_sum) and bool(torch.isfinite(W).all())):
            broken = diagnose(*before, data.X_train, data.y_train, cfg, epoch)
        yield EpochRecord(
            epoch, loss_sum / n, right / n, test_acc, time.perf_counter() - start, broken, W, b
        )
        if broken:
            return


# ---- what broke: the epoch replayed (as lib/breakdown.py does for scratch) ----------


def first_bad_step(net, loss, X, y, softmax: str) -> tuple[str | None, torch.Tensor]:
    """The loss and gradient of one minibatch, checked step by step; (cause, logits)."""
    O = net(X)  # (batch_size, 10)
    if not torch.isfinite(O).all():
        return "logits_overflow", O
    l = loss(O, y)  # (batch_size,)
    if not torch.isfinite(l).all():
        return ("log_zero" if softmax == "naive" else "loss_overflow"), O
    l.mean().backward()
    if not all(torch.isfinite(p.grad).all() for p in net.parameters()):
        return "grad_overflow", O
    return None, O


def diagnose(state, generator_state, X, y, cfg: TrainConfig, epoch: int) -> Breakdown:
    """Replay one epoch from the net's state and the generator's; stop at the first bad step."""
    net = nn.Sequential(nn.Flatten(), nn.Linear(NUM_INPUTS, NUM_OUTPUTS)).to(X.device)
    net.load_state_dict(state)
    updater = torch.optim.SGD(net.parameters(), lr=cfg.lr)
    generator = torch.Generator().set_state(generator_state)
    batch, O, y_batch = 0, None, None
    for batch, idx in enumerate(
        minibatch_indices(len(y), cfg.batch_size, generator, X.device), start=1
    ):
        X_batch, y_batch = X.index_select(0, idx), y.index_select(0, idx)
        updater.zero_grad()
        cause, O = first_bad_step(net, make_loss(cfg.softmax), X_batch, y_batch, cfg.softmax)
        if cause:
            return found(cause, epoch, batch, O.detach(), y_batch)
        updater.step()  # the same step as training
    if O is None:
        return Breakdown("unknown", epoch, 0, float("nan"), float("nan"))
    return found("unknown", epoch, 0, O.detach(), y_batch)


def shown_code(cfg: TrainConfig, broke_down: bool = False) -> tuple:
    """The functions a concise run with cfg calls, in reading order (the Train page shows them)."""
    extra = (diagnose, first_bad_step) if broke_down else ()
    naive = (NaiveCrossEntropy,) if cfg.softmax == "naive" else ()
    return (
        train_concise,
        init_net,
        make_loss,
        *naive,
        train_epoch,
        minibatch_indices,
        evaluate,
        accuracy,
        *extra,
    )
