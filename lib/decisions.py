"""Decisions (exercise 4): is the most probable class always the best answer?

When mistakes have different prices, the best answer for an image x is the
class j with the lowest expected cost  sum_i p(i | x) * C[i, j],  where C[i, j]
is the cost of answering j when the truth is i. With every mistake costing 1
(the 0-1 cost matrix) that is exactly the argmax of the probabilities.
A second way out: abstain when the model is unsure (the reject option).

    from lib.decisions import preset_costs, compare
    C = preset_costs("medical", dangerous=(6,))    # missing a shirt costs 10
    result = compare(probs, y, C)                  # argmax vs minimum expected cost
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
import torch

from lib.metrics import confusion_matrix, per_class_accuracy

PRESETS = ("equal", "one_costly", "medical")
COSTLY_PAIR = (9, 5)     # truth "ankle boot", answer "sandal": the costly mistake
DANGEROUS = (6,)         # the medical preset's default class that must not be missed
HIGH_COST = 10.0         # how much worse the costly mistakes are


def preset_costs(name: str, q: int = 10, dangerous=DANGEROUS) -> torch.Tensor:
    """A (q, q) cost matrix: rows = true class i, columns = answer j."""
    C = torch.ones(q, q, dtype=torch.float64) - torch.eye(q, dtype=torch.float64)
    if name == "one_costly":
        C[COSTLY_PAIR] = HIGH_COST            # one kind of mistake is 10x worse
    elif name == "medical":
        for i in dangerous:
            C[i] = HIGH_COST                  # missing a dangerous class costs 10 ...
            C[i, i] = 0.0                     # ... a false alarm only costs 1
    elif name != "equal":
        raise ValueError(f"unknown preset {name!r}: use one of {', '.join(PRESETS)}")
    return C


def bad_cells(C) -> list[tuple[int, int]]:
    """(row, column) of every entry that is not a finite number >= 0."""
    values = pd.DataFrame(C).apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    return [(i, j) for i in range(values.shape[0]) for j in range(values.shape[1])
            if not (math.isfinite(values[i, j]) and values[i, j] >= 0)]


def read_costs(table: pd.DataFrame, q: int = 10):
    """The edited table as a (q, q) tensor, or (None, bad cells) when it is not valid."""
    if table.shape != (q, q):
        return None, [(i, j) for i in range(q) for j in range(q)]
    bad = bad_cells(table)
    if bad:
        return None, bad
    return torch.tensor(table.astype(float).to_numpy(), dtype=torch.float64), []


def expected_costs(probs, C):
    """Expected cost of every possible answer j: sum_i p(i | x) C[i, j]."""
    return probs.double() @ C.double()         # (n, q) @ (q, q) -> (n, q)


def min_cost_decisions(probs, C):
    """For each image, the answer with the lowest expected cost."""
    return expected_costs(probs, C).argmin(dim=1)   # (n,)


def total_cost(y, y_pred, C):
    """What the answers y_pred cost when the truth is y: sum of C[y, y_pred]."""
    return float(C[y, y_pred].sum())


def costly_mistakes(y, y_pred, C, above=1.0):
    """How many answers cost more than `above` (with the presets: the 10x mistakes)."""
    return int((C[y, y_pred] > above).sum())


def recall_per_class(y, y_pred, q: int = 10):
    """For each true class, the share of its images answered correctly."""
    return per_class_accuracy(confusion_matrix(y, y_pred, q))   # (q,)


@dataclass(frozen=True)
class Comparison:
    """The two decision rules side by side on the same images."""

    y: torch.Tensor               # (n,) the true labels
    y_argmax: torch.Tensor        # (n,) the most probable class
    y_min_cost: torch.Tensor      # (n,) the cheapest answer on average
    cost_argmax: float            # total cost over all n images
    cost_min_cost: float
    recall_argmax: torch.Tensor   # (q,) per-class recall
    recall_min_cost: torch.Tensor
    costly_argmax: int            # answers that cost more than 1
    costly_min_cost: int

    @property
    def n(self) -> int:
        return len(self.y)

    @property
    def changed(self) -> int:
        """How many answers the costs changed."""
        return int((self.y_argmax != self.y_min_cost).sum())

    def accuracy(self, y_pred) -> float:
        return float((y_pred == self.y).double().mean()) if self.n else math.nan


def compare(probs, y, C) -> Comparison:
    """argmax and minimum expected cost: total cost and recall per class of each."""
    q = C.shape[0]
    y_argmax = probs.argmax(dim=1)                 # (n,)
    y_min_cost = min_cost_decisions(probs, C)      # (n,)
    return Comparison(y, y_argmax, y_min_cost,
                      total_cost(y, y_argmax, C), total_cost(y, y_min_cost, C),
                      recall_per_class(y, y_argmax, q), recall_per_class(y, y_min_cost, q),
                      costly_mistakes(y, y_argmax, C), costly_mistakes(y, y_min_cost, C))


def reject_option(probs, y, threshold: float):
    """Answer only when the top probability reaches the threshold, else abstain.

    Returns (coverage, accuracy on the answered images); accuracy is NaN when
    nothing is answered.
    """
    top, y_hat = probs.max(dim=1)                  # (n,), (n,)
    answered = top >= threshold                    # (n,) True = answer, False = refer on
    coverage = float(answered.double().mean())
    if not answered.any():
        return coverage, math.nan
    return coverage, float((y_hat[answered] == y[answered]).double().mean())


def reject_curve(probs, y, thresholds) -> pd.DataFrame:
    """Coverage and accuracy on the answered images for every threshold."""
    rows = [(float(t), *reject_option(probs, y, float(t))) for t in thresholds]
    return pd.DataFrame(rows, columns=["threshold", "coverage", "accuracy"])
