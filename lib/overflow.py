"""Exercises 1-3 in numbers: where exp overflows, where -log(0) appears, and the fixes.

Every number on the "Softmax & overflow" and "Cross-entropy & log(0)" pages
comes from here, computed with the functions of lib.softmax in a chosen dtype:

    from lib.overflow import softmax_table
    softmax_table([1, 2, 100], "float32")   # naive: NaN and 0; stable: fine

No strings for people here: statuses are short codes that the pages translate.
"""

import math
import re

import numpy as np
import pandas as pd
import torch

from lib.data import NUM_OUTPUTS, SPLIT_SIZES
from lib.softmax import cross_entropy_naive, cross_entropy_stable, softmax_naive, softmax_stable

DTYPES = {  # the half precisions first: GPUs train in them, and their limits are the tightest
    "float16": torch.float16,
    "bfloat16": torch.bfloat16,  # float32's exponent (limits near float32's), 8 significant bits
    "float32": torch.float32,
    "float64": torch.float64,
}
MAX_LOGITS = 20  # a row of logits a student can still read in a table
MAX_CHARS = 1000  # MAX_LOGITS long numbers (-1.2345678901234567e+308) and spaces fit easily


class LogitsError(ValueError):
    """Input that is not a list of logits; `reason` is a code the page translates."""

    def __init__(self, reason: str, token: str = ""):
        super().__init__(f"{reason}: {token!r}")
        self.reason, self.token = reason, token


def parse_logits(text: str) -> list[float]:
    """'1, 2, 50' (commas, spaces or Chinese commas) -> [1.0, 2.0, 50.0].

    A text longer than MAX_CHARS is refused before it is split: a pasted megabyte would
    otherwise become a list of a million tokens (about 12 times its size in memory).
    """
    if len(text or "") > MAX_CHARS:
        raise LogitsError("too_long", str(len(text)))
    tokens = [tok for tok in re.split(r"[\s,，;；]+", text or "") if tok]
    if not tokens:
        raise LogitsError("empty")
    if len(tokens) > MAX_LOGITS:
        raise LogitsError("too_many", str(len(tokens)))
    values = []
    for tok in tokens:
        try:
            value = float(tok)
        except ValueError:
            raise LogitsError("not_number", tok) from None
        if not math.isfinite(value):
            raise LogitsError("not_finite", tok)
        values.append(value)
    return values


def exp_limits(dtype: str) -> tuple[float, float]:
    """(low, high) for a dtype: exp(x) rounds to 0 for x < low and to inf for x > high.

    The one place both math pages take these limits from. exp(x) is rounded to
    the nearest number the dtype holds, so it becomes 0 once it is below half
    the smallest subnormal number, and inf once it passes the largest number
    by half a step. exp_edges finds the same edges with exp itself.
    """
    info = torch.finfo(DTYPES[dtype])
    smallest = info.smallest_normal * info.eps  # the smallest subnormal number above 0
    low = math.log(smallest) - math.log(2)  # log(smallest / 2); smallest / 2 is 0 in float64
    # the largest number is (2 - eps) * 2**e, one step above it is eps * 2**e
    high = math.log(info.max) + math.log1p(info.eps / (2 * (2 - info.eps)))
    return low, high


def exp_rounds_to_zero(dtype: str = "float32") -> dict:
    """Where exp(x) becomes exactly 0 in a dtype, for the sentences that state it.

    {"tiny": half the smallest subnormal number (a true value below it rounds to 0),
    "low": x below which exp(x) is 0}: float32 gives 2**-150 ≈ 7.0e-46 and -103.97.
    """
    info = torch.finfo(DTYPES[dtype])
    return {"tiny": info.smallest_normal * info.eps / 2, "low": exp_limits(dtype)[0]}


def nan_prediction(num_classes: int = NUM_OUTPUTS) -> dict:
    """What a model whose weights are NaN predicts, and the test accuracy that gives.

    Every row of logits is NaN, and torch.argmax of a NaN row is its first index:
    every image is predicted as that class. Accuracy is then that class's share of
    the test set: 0.1 because Fashion-MNIST's test set holds the same number of
    images, SPLIT_SIZES["test"] / num_classes, of every class.
    """
    O = torch.full((1, num_classes), math.nan)  # (1, K) logits of a broken model
    total = SPLIT_SIZES["test"]
    per_class = total // num_classes
    return {
        "nan_class": int(torch.argmax(O, dim=1).item()),
        "per_class": per_class,
        "total": total,
        "share": per_class / total,
    }


def exp_edges(dtype: str) -> tuple[float, float]:
    """(smallest x, largest x) of the dtype with exp(x) > 0 and exp(x) finite, computed in it.

    Found by bisection over the dtype's own numbers, with exp evaluated in the dtype:
    the check that exp_limits (from torch.finfo) is where exp really stops.
    """
    low, high = exp_limits(dtype)
    return (
        edge(dtype, lambda v: v > 0, 2 * low, 0.0),
        edge(dtype, torch.isfinite, 0.0, 2 * high),
    )


def edge(dtype: str, ok, inside: float, outside: float) -> float:
    """The dtype's number nearest `outside` for which ok(exp(x)) still holds (bisection)."""
    t = DTYPES[dtype]
    a, b = torch.tensor(inside, dtype=t), torch.tensor(outside, dtype=t)
    a, b = (a, b) if ok(torch.exp(a)) else (b, a)  # a: exp fine; b: exp is 0 or inf
    while True:
        mid = ((a.double() + b.double()) / 2).to(t)  # the dtype's number halfway
        if mid in (a, b):  # neighbours: a is the edge
            return a.item()
        a, b = (mid, b) if ok(torch.exp(mid)) else (a, mid)


def exp_table(x: float) -> pd.DataFrame:
    """exp(x) in every dtype: its value there and whether it overflowed or underflowed."""
    rows = []
    for name, dtype in DTYPES.items():
        value = torch.exp(torch.tensor(x, dtype=dtype)).item()  # computed in that dtype
        status = (
            "overflow"
            if math.isinf(value)
            else "underflow"
            if value == 0
            else "subnormal"
            if value < torch.finfo(dtype).smallest_normal
            else "ok"
        )
        low, high = exp_limits(name)
        rows.append(
            {
                "dtype": name,
                "x": x,
                "exp_x": value,
                "status": status,
                "bits": significant_bits(value, name) if math.isfinite(value) else None,
                "max_x": high,
                "min_x": low,
            }
        )
    return pd.DataFrame(rows)


def exp_curve(lo: float = 0.5, hi: float = 1000.0, n: int = 240) -> pd.DataFrame:
    """log10 exp(x) on a log-spaced grid, exp computed in each dtype; None where exp(x) is inf."""
    xs = sorted(np.geomspace(lo, hi, n).tolist() + [exp_limits(d)[1] - 1e-3 for d in DTYPES])
    rows = []
    for name, dtype in DTYPES.items():
        values = torch.exp(torch.tensor(xs, dtype=dtype)).double()  # inf past the limit
        for x, v in zip(xs, values.tolist(), strict=True):
            rows.append(
                {"dtype": name, "x": x, "log10_exp": math.log10(v) if 0 < v < math.inf else None}
            )
    return pd.DataFrame(rows)


BROKEN = ("overflow", "sum_overflow", "underflow")  # statuses where the naive one is inf, NaN or 0
TOL_EPS = 8  # rounding alone keeps naive and stable within 2 eps (20,000 random rows, each dtype)


def tolerance(dtype: str) -> float:
    """rtol = atol for comparing the two softmax results: 8 machine epsilons of the dtype."""
    return TOL_EPS * torch.finfo(DTYPES[dtype]).eps  # float32: 9.5e-07


def significant_bits(value: float, dtype: str) -> int:
    """How many significant bits `value` (a number of the dtype) keeps: fewer when subnormal."""
    info = torch.finfo(DTYPES[dtype])
    if value >= info.smallest_normal:
        return round(1 - math.log2(info.eps))  # all of them: float32 24
    steps = round(value / (info.smallest_normal * info.eps))  # value = steps * smallest subnormal
    return steps.bit_length()  # 0 for 0, 1 for the smallest one


def softmax_table(logits: list[float], dtype: str = "float32") -> pd.DataFrame:
    """Naive and stable softmax side by side on one row of logits, entry by entry."""
    O = torch.tensor([logits], dtype=DTYPES[dtype])  # (1, q)
    O_exp = torch.exp(O)  # (1, q), what the naive one divides
    partition = O_exp.sum()  # inf or 0 here breaks the naive one
    shifted = O - O.max()  # (1, q), every entry <= 0
    tiny = torch.finfo(O.dtype).smallest_normal  # below it: subnormal, fewer bits
    status = [
        "overflow"
        if torch.isinf(e)
        else "sum_overflow"
        if torch.isinf(partition)
        else "underflow"
        if partition == 0
        else "zero"
        if e == 0
        else "subnormal"
        if e < tiny
        else "ok"
        for e in O_exp[0]
    ]
    return pd.DataFrame(
        {
            "o": O[0].tolist(),
            "exp_o": O_exp[0].tolist(),
            "bits": [
                significant_bits(e, dtype) if math.isfinite(e) else None for e in O_exp[0].tolist()
            ],
            "naive": softmax_naive(O)[0].tolist(),
            "o_shifted": shifted[0].tolist(),
            "exp_shifted": torch.exp(shifted)[0].tolist(),
            "stable": softmax_stable(O)[0].tolist(),
            "status": status,
        }
    )


def compare(table: pd.DataFrame, dtype: str) -> dict:
    """Do the naive and stable results of `softmax_table` agree, and if not, why?

    verdict: "broken" (some naive entry is inf, NaN or 0 by overflow or underflow),
    "disagree" (all finite, but |naive - stable| > tol * (1 + |stable|) somewhere)
    or "agree". A disagreement's cause is "subnormal" when some exp(o_j) is a
    subnormal number (it kept only `bits` of the dtype's `digits` significant
    bits), else "other".
    """
    naive = torch.tensor(table["naive"].to_numpy(), dtype=torch.float64)
    stable = torch.tensor(table["stable"].to_numpy(), dtype=torch.float64)
    tol = tolerance(dtype)
    gap = (naive - stable).abs()
    gap = gap[gap.isfinite()]
    bad = int(table["status"].isin(BROKEN).sum())
    subnormal = table.loc[table["status"] == "subnormal", "bits"]
    close = bool(torch.isclose(naive, stable, rtol=tol, atol=tol).all())
    verdict = "broken" if bad else "agree" if close else "disagree"
    cause = None if verdict != "disagree" else "subnormal" if len(subnormal) else "other"
    digits = significant_bits(1.0, dtype)
    return {
        "verdict": verdict,
        "cause": cause,
        "bad": bad,
        "total": len(table),
        "total_stable": float(stable.sum()),
        "diff": float(gap.max()) if len(gap) else 0.0,
        "tol": tol,
        "subnormal": len(subnormal),
        "digits": digits,
        "bits": int(subnormal.min()) if len(subnormal) else digits,
        "smallest_normal": torch.finfo(DTYPES[dtype]).smallest_normal,
    }


def loss_vs_gap(gaps: list[float], dtype: str = "float32") -> pd.DataFrame:
    """Two classes; the true one (y = 0) has logit 0, the wrong one logit `gap`.

    The loss should be log(1 + exp(gap)), about gap. Three ways to compute it,
    each with d loss / d o_y from autograd.
    """
    ways = {
        "naive": lambda O, y: cross_entropy_naive(softmax_naive(O), y),  # the book's
        "log0": lambda O, y: cross_entropy_naive(softmax_stable(O), y),  # -log(0) only
        "stable": cross_entropy_stable,
    }  # log-sum-exp
    gap = torch.as_tensor(gaps, dtype=DTYPES[dtype])
    y = torch.zeros(len(gaps), dtype=torch.long)
    out = {
        "gap": gap.tolist(),
        "p_true": softmax_naive(torch.stack([torch.zeros_like(gap), gap], 1))[:, 0].tolist(),
    }
    for name, loss in ways.items():
        O = torch.stack([torch.zeros_like(gap), gap], dim=1).requires_grad_(True)  # (n, 2)
        loss_values = loss(O, y)  # (n,), one loss per gap
        loss_values.sum().backward()  # rows do not mix: per-row gradients
        out[f"loss_{name}"] = loss_values.tolist()
        out[f"grad_{name}"] = O.grad[:, 0].tolist()  # d loss / d o_y, should be about -1
    return pd.DataFrame(out)


def first_bad_gap(table: pd.DataFrame, column: str) -> float | None:
    """The smallest gap whose value in `column` is inf or NaN (None if all are finite)."""
    bad = table.loc[~np.isfinite(table[column]), "gap"]
    return float(bad.min()) if len(bad) else None


def breaking_gaps(dtype: str, gap_max: float = 1000.0, step: float = 0.02) -> dict:
    """Where each loss and gradient first turns inf or NaN, to within `step`.

    float32: {"loss_naive": 88.74, "loss_log0": 103.98, "grad_log0": 88.74,
              "loss_stable": None, ...}
    """
    table = loss_vs_gap(torch.arange(0, gap_max + step, step, dtype=torch.float64), dtype)
    return {c: first_bad_gap(table, c) for c in table.columns if c.startswith(("loss_", "grad_"))}


def table_gaps(dtype: str, gap_max: float) -> list[float]:
    """A few gaps worth a row: round numbers, and both sides of where naive breaks."""
    low, high = exp_limits(dtype)
    edges = [math.floor(high), math.ceil(high), math.floor(-low), math.ceil(-low)]
    picks = {0, 1, 5, 10, 20, 50, 100, 200, 500, 1000, *edges}
    return sorted(g for g in picks if g <= gap_max)
