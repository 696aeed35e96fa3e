"""Decisions (exercise 4): is the most probable class always the best answer?

When mistakes have different prices, the best answer for an image x is the
class j with the lowest expected cost  sum_i p(i | x) * C[i, j],  where C[i, j]
is the cost of answering j when the truth is i. With every mistake costing 1
(the 0-1 cost matrix) that is exactly the argmax of the probabilities.
A second way out: abstain when the model is unsure (the reject option), either
with a threshold on the top probability or as one more answer, "refer to a
doctor", that costs c_reject whatever the truth. With the 0-1 matrix the second
is the first at threshold 1 - c_reject (Chow's rule). Both trust the
probabilities: `reliability` and `expected_calibration_error` say how far they
can be trusted.
Base rates: the model learned p(y | x) on the training set's class shares. Where
a class is rarer (or commoner) in the field, Bayes' rule reweights the
probabilities, p'(y | x) ∝ p(y | x) · π_field(y) / π_train(y), and the cheapest
answer can change; the test images, reweighted by π_field(y) / π_test(y), give
the expected cost of either set of answers in the field.

    from lib.decisions import preset_costs, compare, min_cost_with_reject
    C = preset_costs("medical", dangerous=(6,))    # missing a shirt costs 10
    result = compare(probs, y, C)                  # argmax vs minimum expected cost
    answers = min_cost_with_reject(probs, C, 0.3)  # 0..q-1 a class, q = refer
    expected_calibration_error(probs, y, bins=15)  # 0 for a perfectly calibrated model
    shift = base_rates(probs, y, C, class_priors(y_train), cls=6, factor=0.1)
    shift.cost_plain, shift.cost_adjusted           # expected cost per image in the field
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
import torch

from lib.metrics import confusion_matrix, per_class_accuracy

PRESETS = ("equal", "one_costly", "medical")
COSTLY_PAIR = (9, 5)  # truth "ankle boot", answer "sandal": the costly mistake
DANGEROUS = (6,)  # the medical preset's default class that must not be missed
HIGH_COST = 10.0  # how much worse the costly mistakes are
C_REJECT = 0.3  # default cost of referring an image to a doctor (a mistake costs 1)
BINS = 15  # equal-width confidence bins of the reliability diagram
FACTORS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0)  # field share / test share
RARE_FACTOR = 0.1  # the default: the class is ten times rarer in the field


def preset_costs(name: str, q: int = 10, dangerous=DANGEROUS) -> torch.Tensor:
    """A (q, q) cost matrix: rows = true class i, columns = answer j."""
    C = torch.ones(q, q, dtype=torch.float64) - torch.eye(q, dtype=torch.float64)
    if name == "one_costly":
        C[COSTLY_PAIR] = HIGH_COST  # one kind of mistake is 10x worse
    elif name == "medical":
        for i in dangerous:
            C[i] = HIGH_COST  # missing a dangerous class costs 10 ...
            C[i, i] = 0.0  # ... a false alarm only costs 1
    elif name != "equal":
        raise ValueError(f"unknown preset {name!r}: use one of {', '.join(PRESETS)}")
    return C


def bad_cells(C) -> list[tuple[int, int]]:
    """(row, column) of every entry that is not a finite number >= 0."""
    values = pd.DataFrame(C).apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    return [
        (i, j)
        for i in range(values.shape[0])
        for j in range(values.shape[1])
        if not (math.isfinite(values[i, j]) and values[i, j] >= 0)
    ]


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
    return probs.double() @ C.double()  # (n, q) @ (q, q) -> (n, q)


def min_cost_decisions(probs, C):
    """For each image, the answer with the lowest expected cost."""
    return expected_costs(probs, C).argmin(dim=1)  # (n,)


def total_cost(y, y_pred, C):
    """What the answers y_pred cost when the truth is y: sum of C[y, y_pred]."""
    return float(C[y, y_pred].sum())


def costly_mistakes(y, y_pred, C, above=1.0):
    """How many answers cost more than `above` (with the presets: the 10x mistakes)."""
    return int((C[y, y_pred] > above).sum())


def recall_per_class(y, y_pred, q: int = 10):
    """For each true class, the share of its images answered correctly."""
    return per_class_accuracy(confusion_matrix(y, y_pred, q))  # (q,)


@dataclass(frozen=True)
class Comparison:
    """The two decision rules side by side on the same images."""

    y: torch.Tensor  # (n,) the true labels
    y_argmax: torch.Tensor  # (n,) the most probable class
    y_min_cost: torch.Tensor  # (n,) the cheapest answer on average
    cost_argmax: float  # total cost over all n images
    cost_min_cost: float
    recall_argmax: torch.Tensor  # (q,) per-class recall
    recall_min_cost: torch.Tensor
    costly_argmax: int  # answers that cost more than 1
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
    y_argmax = probs.argmax(dim=1)  # (n,)
    y_min_cost = min_cost_decisions(probs, C)  # (n,)
    return Comparison(
        y,
        y_argmax,
        y_min_cost,
        total_cost(y, y_argmax, C),
        total_cost(y, y_min_cost, C),
        recall_per_class(y, y_argmax, q),
        recall_per_class(y, y_min_cost, q),
        costly_mistakes(y, y_argmax, C),
        costly_mistakes(y, y_min_cost, C),
    )


def reject_option(probs, y, threshold: float):
    """Answer only when the top probability reaches the threshold, else abstain.

    Returns (coverage, accuracy on the answered images); accuracy is NaN when
    nothing is answered.
    """
    top, y_hat = probs.max(dim=1)  # (n,), (n,)
    answered = top >= threshold  # (n,) True = answer, False = refer on
    coverage = float(answered.double().mean())
    if not answered.any():
        return coverage, math.nan
    return coverage, float((y_hat[answered] == y[answered]).double().mean())


def reject_curve(probs, y, thresholds) -> pd.DataFrame:
    """Coverage and accuracy on the answered images for every threshold."""
    rows = [(float(t), *reject_option(probs, y, float(t))) for t in thresholds]
    return pd.DataFrame(rows, columns=["threshold", "coverage", "accuracy"])


# ---- refer to a doctor as one more answer, with a price ------------------------


def with_refer(C, c_reject: float):
    """(q, q + 1): C plus a last column, "refer to a doctor", costing c_reject for every truth."""
    if not (math.isfinite(c_reject) and c_reject >= 0):
        raise ValueError("c_reject must be a finite number >= 0")
    refer = torch.full((C.shape[0], 1), float(c_reject), dtype=torch.float64)
    return torch.cat([C.double(), refer], dim=1)  # (q, q) | (q, 1) -> (q, q + 1)


def min_cost_with_reject(probs, C, c_reject: float):
    """The cheapest answer on average among the q classes and "refer" (answer q).

    argmin takes the first of equal costs: on a tie the model answers, it
    refers only when referring is strictly cheaper.
    """
    return min_cost_decisions(probs, with_refer(C, c_reject))  # (n,) in 0..q


def threshold_answers(probs, threshold: float):
    """The threshold rule as answers: the argmax when the top probability reaches it, else q."""
    top, y_hat = probs.max(dim=1)  # (n,), (n,)
    return torch.where(top >= threshold, y_hat, probs.shape[1])


def refer_summary(probs, y, C, c_reject: float) -> dict:
    """What "refer" as a costed answer does: referrals, accuracy when answering, total costs."""
    q = C.shape[0]
    answers = min_cost_with_reject(probs, C, c_reject)  # (n,)
    answered = answers < q
    n_answered = int(answered.sum())
    right = int((answers[answered] == y[answered]).sum())
    return {
        "answers": answers,
        "referred": len(y) - n_answered,
        "coverage": n_answered / len(y) if len(y) else math.nan,
        "accuracy": right / n_answered if n_answered else math.nan,
        "cost": total_cost(y, answers, with_refer(C, c_reject)),
        "cost_without": total_cost(y, min_cost_decisions(probs, C), C),
    }


# ---- how far the probabilities can be trusted: calibration -----------------------


def reliability(probs, y, bins: int = BINS) -> pd.DataFrame:
    """One row per equal-width bin of the confidence (the top probability).

    Bin b holds the confidences in (b/bins, (b+1)/bins]; its accuracy is the
    share of those images answered right. Empty bins have NaN means.
    """
    conf, y_hat = probs.double().max(dim=1)  # (n,), (n,)
    right = (y_hat == y).double()  # (n,) 1 = the argmax is the truth
    edges = torch.linspace(0, 1, bins + 1, dtype=torch.float64)
    b = torch.bucketize(conf, edges[1:-1])  # (n,) bin index, 0..bins-1
    count = torch.bincount(b, minlength=bins).double()
    conf_sum = torch.bincount(b, weights=conf, minlength=bins)
    right_sum = torch.bincount(b, weights=right, minlength=bins)
    table = pd.DataFrame(
        {
            "bin": range(bins),
            "lower": edges[:-1].numpy(),
            "upper": edges[1:].numpy(),
            "count": count.long().numpy(),
            "confidence": (conf_sum / count).numpy(),  # 0 / 0 -> NaN
            "accuracy": (right_sum / count).numpy(),
        }
    )
    table["gap"] = table["confidence"] - table["accuracy"]  # > 0: too sure of itself
    return table


def expected_calibration_error(probs, y, bins: int = BINS) -> float:
    """ECE: sum over bins of (images in bin / n) * |accuracy - confidence|."""
    table = reliability(probs, y, bins)
    used = table[table["count"] > 0]
    if used.empty:
        return math.nan
    return float((used["count"] * used["gap"].abs()).sum() / used["count"].sum())


# ---- base rates: the field's class shares are not the test set's -----------------


def class_priors(y, q: int = 10):
    """The share of each class among the labels y: (q,), sums to 1."""
    if len(y) == 0:
        raise ValueError("no labels to count the class shares from")
    return torch.bincount(y.cpu(), minlength=q).double() / len(y)  # (q,)


def shifted_priors(priors, cls: int, factor: float):
    """The class shares with class `cls` `factor` times as common, the others rescaled to fit."""
    q = len(priors)
    if not 0 <= cls < q:
        raise ValueError(f"class must be 0 to {q - 1}, got {cls}")
    if not (math.isfinite(factor) and factor > 0):
        raise ValueError("factor must be a finite number > 0")
    weights = torch.ones(q, dtype=torch.float64)
    weights[cls] = factor
    shifted = priors.double() * weights  # (q,)
    return shifted / shifted.sum()  # (q,), sums to 1 again


def adjust_to_priors(probs, train_priors, field_priors):
    """Bayes' rule for new class shares: p'(y | x) ∝ p(y | x) · π_field(y) / π_train(y)."""
    if not bool((train_priors > 0).all()):
        raise ValueError("every class needs a training share > 0")
    ratio = field_priors.double() / train_priors.double()  # (q,)
    weighted = probs.double() * ratio  # (n, q) * (q,) -> (n, q)
    return weighted / weighted.sum(dim=1, keepdim=True)  # rows sum to 1 again


def field_weights(y, field_priors, q: int = 10):
    """Per test image, π_field(y) / π_test(y): reweighted, the test set looks like the field."""
    test_priors = class_priors(y, q)  # (q,)
    if bool(((test_priors == 0) & (field_priors > 0)).any()):
        raise ValueError("a class of the field has no test image to stand for it")
    ratio = torch.where(test_priors > 0, field_priors.double() / test_priors, 0.0)  # (q,)
    return ratio[y]  # (n,), averages to 1


def field_cost(y, y_pred, C, field_priors) -> float:
    """Expected cost per image in the field: sum_i π_field(i) · (mean cost on test class i)."""
    w = field_weights(y, field_priors, C.shape[0])  # (n,)
    return float((C.double()[y, y_pred] * w).sum() / len(y))


def field_accuracy(y, y_pred, field_priors, q: int = 10) -> float:
    """Accuracy in the field: sum_i π_field(i) · (recall of class i on the test set)."""
    w = field_weights(y, field_priors, q)  # (n,)
    return float(((y_pred == y).double() * w).sum() / len(y))


@dataclass(frozen=True)
class BaseRates:
    """The cheapest answers with the probabilities as they are and reweighted to the field."""

    cls: int  # the class whose share changes
    factor: float  # its share in the field / its share in the test set
    train: torch.Tensor  # (q,) the training set's class shares
    field: torch.Tensor  # (q,) the field's class shares
    y_plain: torch.Tensor  # (n,) answers from p(y | x)
    y_adjusted: torch.Tensor  # (n,) answers from p'(y | x)
    cost_plain: float  # expected cost per image in the field
    cost_adjusted: float
    acc_plain: float  # accuracy in the field
    acc_adjusted: float

    @property
    def changed(self) -> int:
        """How many of the test images get another answer once the base rates are used."""
        return int((self.y_plain != self.y_adjusted).sum())

    def answered(self, y_pred) -> int:
        """How many test images the answers y_pred give the chosen class."""
        return int((y_pred == self.cls).sum())


def base_rates(probs, y, C, train_priors, cls: int, factor: float) -> BaseRates:
    """Class `cls` `factor` times as common in the field as in the test set: what changes."""
    q = C.shape[0]
    field = shifted_priors(class_priors(y, q), cls, factor)  # (q,)
    y_plain = min_cost_decisions(probs, C)  # (n,)
    y_adjusted = min_cost_decisions(adjust_to_priors(probs, train_priors, field), C)  # (n,)
    return BaseRates(
        cls,
        float(factor),
        train_priors.double(),
        field,
        y_plain,
        y_adjusted,
        field_cost(y, y_plain, C, field),
        field_cost(y, y_adjusted, C, field),
        field_accuracy(y, y_plain, field, q),
        field_accuracy(y, y_adjusted, field, q),
    )
