"""Training softmax regression from scratch: the chapter's loop, as a generator.

    from lib.config import TrainConfig
    from lib.data import load_data
    from lib.train import train
    for record in train(TrainConfig(num_epochs=3), load_data()):
        print(record.epoch, record.train_loss, record.test_acc)

`train` yields one EpochRecord before training (epoch 0: random weights, test
accuracy about 0.1, loss about ln 10 = 2.30) and one after every epoch. It does
not draw, print or assert: the page draws, the CLI prints, the tests assert.
When the loss turns inf or NaN (the book's naive formulas break down), the
epoch is replayed to find the first bad minibatch and what broke there
(lib/breakdown.py), and the run ends with that record.

`train` runs the framework named in cfg.framework: this module's from-scratch
PyTorch version, or lib/concise.py's torch.nn one, or lib/mindspore_train.py's.

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

import importlib
import math
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field

import torch

from lib.breakdown import Breakdown, diagnose
from lib.config import TrainConfig
from lib.data import NUM_INPUTS, NUM_OUTPUTS, FashionMNIST, minibatch_indices, pick_device
from lib.metrics import accuracy, evaluate_accuracy
from lib.softmax import LOSSES, logits

__all__ = [
    "TrainConfig",
    "EpochRecord",
    "train",
    "train_scratch",
    "init_params",
    "sgd",
    "train_epoch",
    "evaluate_loss",
    "FRAMEWORKS",
    "framework_available",
    "code",
]


@dataclass(frozen=True)
class EpochRecord:
    """One epoch's figures (epoch 0: before training), and the weights after it."""

    epoch: int
    train_loss: float
    train_acc: float
    test_acc: float
    seconds: float
    breakdown: Breakdown | None = field(default=None, compare=False)
    W: torch.Tensor | None = field(default=None, repr=False, compare=False)  # (784, 10)
    b: torch.Tensor | None = field(default=None, repr=False, compare=False)  # (10,)

    @property
    def broke_down(self) -> bool:
        """The loss or the weights turned inf/NaN in this epoch."""
        return self.breakdown is not None

    def metrics(self) -> dict:
        """The figures alone, as plain numbers (for JSON, tables and CSV)."""
        row = {k: v for k, v in asdict(self).items() if k not in ("W", "b", "breakdown")}
        row["broke_down"] = self.broke_down
        return row


# ---- the chapter's from-scratch PyTorch trainer --------------------------------


def init_params(cfg: TrainConfig, device: torch.device, generator: torch.Generator):
    """W ~ N(0, init_std^2) of shape (784, 10) and b = 0, both tracked by autograd."""
    # speed: drawn as (10, 784) and transposed, the same (784, 10) matrix stored
    # column by column, which makes X @ W and its gradient ~2x faster on a CPU.
    W = torch.normal(0, cfg.init_std, (NUM_OUTPUTS, NUM_INPUTS), generator=generator).T
    b = torch.zeros(NUM_OUTPUTS)
    return W.to(device).requires_grad_(True), b.to(device).requires_grad_(True)


def sgd(params, lr, batch_size):
    """Minibatch stochastic gradient descent, the book's update."""
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()


def train_epoch(W, b, X, y, cfg: TrainConfig, generator: torch.Generator):
    """One pass over (X, y) in shuffled minibatches; returns (loss sum, number right)."""
    loss_fn = LOSSES[cfg.softmax]
    # speed: the sums stay on the data's device until the epoch ends (no sync per batch)
    loss_sum = torch.zeros((), device=X.device)
    right = torch.zeros((), device=X.device, dtype=torch.int64)
    for idx in minibatch_indices(len(y), cfg.batch_size, generator, X.device):
        X_batch = X.index_select(0, idx)  # X[idx], (batch_size, 784); speed: 3x faster
        y_batch = y.index_select(0, idx)  # y[idx], (batch_size,)
        O = logits(X_batch, W, b)  # (batch_size, 784) @ (784, 10) -> (batch_size, 10)
        l = loss_fn(O, y_batch)  # (batch_size,)
        l.sum().backward()
        sgd([W, b], cfg.lr, len(idx))
        loss_sum += l.detach().sum()
        right += accuracy(O.detach(), y_batch)
    return float(loss_sum), int(right)


@torch.no_grad()
def evaluate_loss(W, b, X, y, softmax: str) -> tuple[float, float]:
    """Mean loss and accuracy of (W, b) on all of X: the epoch-0 point of the curves."""
    O = logits(X, W, b)  # (n, 784) @ (784, 10) -> (n, 10)
    return float(LOSSES[softmax](O, y).mean()), float(accuracy(O, y)) / len(y)


def train_scratch(cfg: TrainConfig, data: FashionMNIST) -> Iterator[EpochRecord]:
    """The chapter's loop: epoch 0, then one record per epoch until done or broken down."""
    device = pick_device(cfg.device)
    data = data.to(device)
    generator = torch.Generator().manual_seed(cfg.seed)
    W, b = init_params(cfg, device, generator)
    n = len(data.y_train)
    start = time.perf_counter()
    loss, acc = evaluate_loss(W, b, data.X_train, data.y_train, cfg.softmax)
    test_acc = evaluate_accuracy(W, b, data.X_test, data.y_test)
    yield EpochRecord(
        0,
        loss,
        acc,
        test_acc,
        time.perf_counter() - start,
        None,
        W.detach().clone(),
        b.detach().clone(),
    )
    for epoch in range(1, cfg.num_epochs + 1):
        start = time.perf_counter()
        before = (W.detach().clone(), b.detach().clone(), generator.get_state())
        loss_sum, right = train_epoch(W, b, data.X_train, data.y_train, cfg, generator)
        test_acc = evaluate_accuracy(W, b, data.X_test, data.y_test)
        broken = None
        if not (math.isfinite(loss_sum) and bool(torch.isfinite(W).all())):
            broken = diagnose(*before, data.X_train, data.y_train, cfg, epoch)
        yield EpochRecord(
            epoch,
            loss_sum / n,
            right / n,
            test_acc,
            time.perf_counter() - start,
            broken,
            W.detach().clone(),
            b.detach().clone(),
        )
        if broken:
            return


# ---- one entry point for every framework ------------------------------------------

FRAMEWORKS = {  # cfg.framework -> (module, generator function); imported when asked for
    "scratch": ("lib.train", "train_scratch"),
    "concise": ("lib.concise", "train_concise"),
    "mindspore": ("lib.mindspore_train", "train_mindspore"),
}


def trainer(framework: str):
    """The generator function of a framework; ImportError when it is not installed."""
    module, name = FRAMEWORKS[framework]
    return getattr(importlib.import_module(module), name)


def framework_available(framework: str) -> bool:
    """Whether `framework` can train here (MindSpore is an optional install)."""
    try:
        trainer(framework)
    except ImportError:
        return False
    return True


def shown_code(cfg: TrainConfig, broke_down: bool = False) -> tuple:
    """The functions a from-scratch run with cfg calls, in reading order (pages show them)."""
    from lib.breakdown import first_bad_step
    from lib.data import minibatch_indices
    from lib.softmax import (
        cross_entropy_naive,
        cross_entropy_stable,
        loss_naive,
        loss_stable,
        softmax_naive,
    )

    loss = (
        (loss_naive, softmax_naive, cross_entropy_naive)
        if cfg.softmax == "naive"
        else (loss_stable, cross_entropy_stable)
    )
    extra = (diagnose, first_bad_step) if broke_down else ()
    return (
        train_scratch,
        init_params,
        evaluate_loss,
        train_epoch,
        minibatch_indices,
        logits,
        *loss,
        sgd,
        accuracy,
        evaluate_accuracy,
        *extra,
    )


def code(cfg: TrainConfig, broke_down: bool = False) -> tuple:
    """The functions a run with cfg calls, in its framework (the Train page shows them)."""
    module, _ = FRAMEWORKS[cfg.framework]
    return importlib.import_module(module).shown_code(cfg, broke_down)


def run_device(cfg: TrainConfig) -> str:
    """Where a run with cfg trains, for people: 'cpu · 1 thread', 'cpu · MindSpore 2.10.0'."""
    module = importlib.import_module(FRAMEWORKS[cfg.framework][0])
    if hasattr(module, "device_text"):
        return module.device_text(cfg)
    from lib.data import device_label

    return device_label(pick_device(cfg.device))


def train(cfg: TrainConfig, data: FashionMNIST) -> Iterator[EpochRecord]:
    """Yield the epoch-0 record, then one EpochRecord per epoch, with cfg.framework."""
    return trainer(cfg.framework)(cfg, data)


if __name__ == "__main__":
    from lib.cli import main

    raise SystemExit(main())
