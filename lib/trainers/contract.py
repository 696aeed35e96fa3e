"""What every trainer shares: the per-epoch record, the breakdown record, W's
initialisation, the book's SGD, the framework registry, and what "a trainer" is.

This module is the leaf of lib/trainers/: it imports no trainer, so each
framework's module (scratch, concise, mindspore, stacked) and the epoch driver
(loop.py) can import it without a circle.

A trainer is a generator function `train(cfg, data)` that yields one
EpochRecord before training (epoch 0: the random start) and one after every
epoch, and returns early after a record whose `breakdown` is set. It does not
draw, print or assert: the page draws, the CLI prints, the tests assert. Stop
is closing the generator (or simply not asking for the next record).
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Protocol

import torch

from lib.config import TrainConfig
from lib.data import NUM_INPUTS, NUM_OUTPUTS, FashionMNIST
from lib.softmax import softmax_stable

CAUSES = (
    "exp_overflow",  # exp of a logit above ~88.7 (float32) is inf, and inf / inf = NaN
    "log_zero",  # the true class's probability underflowed to 0, and -log(0) = inf
    "grad_overflow",  # the loss is finite, but a gradient is not: -1/p of a tiny true-class p
    # torch.nn's naive loss takes log of the whole softmax matrix: a wrong class's p is 0, its
    # log -inf; the loss does not pick it, but backward multiplies 0 by d log/dp = 1/0 = inf: NaN
    "log_zero_wrong_class",
    "logits_overflow",  # the logits X @ W + b themselves are inf or NaN
    "loss_overflow",  # the stable loss itself is not finite (only at absurd weights)
    "unknown",
)


@dataclass(frozen=True)
class Breakdown:
    """Where and why the first inf/NaN appeared."""

    cause: str  # one of CAUSES
    epoch: int  # 1-based
    batch: int  # 1-based minibatch within that epoch (0: not found)
    max_logit: float  # the largest logit of that minibatch
    min_p_true: float  # the smallest probability given to a true class there

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict | None) -> Breakdown | None:
        return None if values is None else cls(**values)


@torch.no_grad()
def found(cause: str, epoch: int, batch: int, O, y) -> Breakdown:
    """The record of a bad minibatch: its largest logit and smallest true-class probability.

    The probability is computed in float64 from the float32 logits, so it shows
    the tiny value that float32 rounded to 0 (e.g. 1e-52), where it was rounded.
    """
    if O is None:  # an epoch without a minibatch: nothing to show
        return Breakdown(cause, epoch, batch, float("nan"), float("nan"))
    p_true = softmax_stable(O.double())[torch.arange(len(y)), y]  # (batch_size,)
    return Breakdown(cause, epoch, batch, float(O.max()), float(p_true.min()))


@dataclass(frozen=True)
class EpochRecord:
    """One epoch's figures (epoch 0: before training), and the weights after it.

    max_logit is the largest |logit| of the epoch's training minibatches (None
    at epoch 0, which trains on none); w_norm, the Frobenius norm of W after
    the epoch, is computed from W. Together they tell how large the weights and
    the scores grew: at a large lr both grow with it (the Train page charts them).
    """

    epoch: int
    train_loss: float
    train_acc: float
    test_acc: float
    seconds: float
    breakdown: Breakdown | None = field(default=None, compare=False)
    W: torch.Tensor | None = field(default=None, repr=False, compare=False)  # (784, 10), CPU
    b: torch.Tensor | None = field(default=None, repr=False, compare=False)  # (10,), CPU
    max_logit: float | None = None  # max |O| over this epoch's minibatches (NaN left out)

    @property
    def broke_down(self) -> bool:
        """The loss or the weights turned inf/NaN in this epoch."""
        return self.breakdown is not None

    @property
    def w_norm(self) -> float | None:
        """‖W‖, the Frobenius norm of W after this epoch (NaN once W holds a NaN)."""
        return None if self.W is None else float(torch.linalg.norm(self.W))

    def metrics(self) -> dict:
        """The figures alone, as plain numbers (for JSON, tables and CSV)."""
        names = ("epoch", "train_loss", "train_acc", "test_acc", "seconds")
        row = {name: getattr(self, name) for name in names}
        row.update(w_norm=self.w_norm, max_logit=self.max_logit, broke_down=self.broke_down)
        return row


@torch.no_grad()
def largest_logit(O, dim=()) -> torch.Tensor:
    """max |O| of a minibatch's logits, kept a tensor (no sync): a NaN entry is left out
    (it has no size), an inf one counts as inf. O (batch_size, 10) -> () by default;
    the stacked trainer's O (batch_size, K, 10) with dim=(0, 2) -> (K,), one per run."""
    return O.abs().nan_to_num(nan=0.0, posinf=math.inf).amax(dim=dim)


def init_weights(cfg: TrainConfig, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """W ~ N(0, init_std^2) of shape (784, 10) and b = 0, on the CPU: every trainer's start.

    Drawn from the run's generator before its first minibatch, so one seed gives
    every framework the same W.
    """
    # speed: drawn as (10, 784) and transposed, the same (784, 10) matrix stored
    # column by column, which makes X @ W and its gradient ~2x faster on a CPU.
    W = torch.normal(0, cfg.init_std, (NUM_OUTPUTS, NUM_INPUTS), generator=generator).T
    b = torch.zeros(NUM_OUTPUTS)
    return W, b  # (784, 10), (10,)


def sgd(params, lr, batch_size):
    """Minibatch stochastic gradient descent, the book's update."""
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()


class Trainer(Protocol):
    """A framework's trainer: yields the epoch-0 record, then one EpochRecord per epoch."""

    def __call__(self, cfg: TrainConfig, data: FashionMNIST) -> Iterator[EpochRecord]: ...


# cfg.framework -> (module, trainer function); a module is imported only when asked for,
# so a framework that is not installed (MindSpore is optional) costs nothing.
FRAMEWORKS = {
    "scratch": ("lib.trainers.scratch", "train_scratch"),
    "concise": ("lib.trainers.concise", "train_concise"),
    "mindspore": ("lib.trainers.mindspore", "train_mindspore"),
}


def framework_module(framework: str):
    """The module of a framework; ImportError when it is not installed."""
    return importlib.import_module(FRAMEWORKS[framework][0])


def trainer(framework: str) -> Trainer:
    """The trainer of a framework; ImportError when it is not installed."""
    return getattr(framework_module(framework), FRAMEWORKS[framework][1])


def framework_available(framework: str) -> bool:
    """Whether `framework` can train here (MindSpore is an optional install)."""
    try:
        trainer(framework)
    except ImportError:
        return False
    return True
