"""What broke when a run's loss turned inf or NaN: the first bad minibatch, replayed.

The trainer only notices a breakdown at the end of an epoch (checking every
minibatch would slow every run down). It then hands this module the weights
and the random generator's state from the start of that epoch; `diagnose`
replays the epoch minibatch by minibatch, with the same operations in the same
order, and stops at the first step that produced an inf or a NaN:

- "exp_overflow":  exp of a logit above ~88.7 (float32) is inf, and inf / inf = NaN;
- "log_zero":      the true class's probability underflowed to 0, and -log(0) = inf;
- "grad_overflow": the loss is finite, but its gradient -1/p_y overflowed
                   (p_y is tiny but not 0), so the SGD step put inf/NaN in W;
- "logits_overflow": the logits X @ W + b themselves are inf or NaN;
- "loss_overflow": the stable loss itself is not finite (only at absurd weights).

    broken = diagnose(W0, b0, generator_state, X, y, cfg, epoch)
    broken.cause, broken.batch, broken.max_logit, broken.min_p_true
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch

from lib.data import minibatch_indices
from lib.softmax import LOSSES, logits, softmax_stable

CAUSES = (
    "exp_overflow",
    "log_zero",
    "grad_overflow",
    "logits_overflow",
    "loss_overflow",
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


def diagnose(W0, b0, generator_state, X, y, cfg, epoch: int) -> Breakdown:
    """Replay one epoch from (W0, b0) and the generator's state; stop at the first bad step."""
    from lib.train import sgd  # lib.train imports this module

    generator = torch.Generator().set_state(generator_state)
    W = W0.clone().requires_grad_(True)
    b = b0.clone().requires_grad_(True)
    batch, O, y_batch = 0, None, None
    for batch, idx in enumerate(
        minibatch_indices(len(y), cfg.batch_size, generator, X.device), start=1
    ):
        X_batch, y_batch = X.index_select(0, idx), y.index_select(0, idx)
        O = logits(X_batch, W, b)  # (batch_size, 10)
        cause = first_bad_step(O, y_batch, W, b, cfg.softmax)
        if cause:
            return found(cause, epoch, batch, O, y_batch)
        sgd([W, b], cfg.lr, len(idx))  # the same step as in training
    if O is None:
        return Breakdown("unknown", epoch, 0, float("nan"), float("nan"))
    return found("unknown", epoch, 0, O, y_batch)


@torch.no_grad()
def found(cause, epoch, batch, O, y) -> Breakdown:
    """The record of a bad minibatch: its largest logit and smallest true-class probability.

    The probability is computed in float64 from the float32 logits, so it shows
    the tiny value that float32 rounded to 0 (e.g. 1e-52), where it was rounded.
    """
    p_true = softmax_stable(O.double())[torch.arange(len(y)), y]  # (batch_size,)
    return Breakdown(cause, epoch, batch, float(O.max()), float(p_true.min()))
