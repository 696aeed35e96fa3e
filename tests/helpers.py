"""Helpers shared by the test files (one copy each): a synthetic data set, the
figures of a run without its timings, a fake clock, random logits, and a check
that the functions shown were the functions called.

Import them by name: `from helpers import synthetic, strip` (pytest puts tests/
on sys.path, see pyproject.toml).
"""

from __future__ import annotations

import sys

import torch

from lib.data import FashionMNIST


def synthetic(n_train=512, n_test=128, seed=0) -> FashionMNIST:
    """Ten separable blobs in 784 dimensions: learnable in a few epochs."""
    g = torch.Generator().manual_seed(seed)
    centres = torch.rand(10, 784, generator=g)

    def split(n):
        y = torch.arange(n) % 10
        X = (centres[y] + 0.1 * torch.randn(n, 784, generator=g)).clamp(0, 1)  # (n, 784)
        return X, y

    return FashionMNIST(*split(n_train), *split(n_test))


def random_logits(n=8, q=10, scale=3.0, seed=0) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    return torch.randn(n, q, generator=g) * scale  # (n, q), float32 as in training


def strip(records) -> list[dict]:
    """The figures of a run's epoch records without the timings (which differ from run
    to run)."""
    return [{k: v for k, v in r.metrics().items() if k != "seconds"} for r in records]


class FakeClock:
    """A clock the test moves: it reads `now`, set by hand, and each reading first moves
    it by `step` seconds (0: it stands still; 1e-3: every timed pass "takes" one step)."""

    def __init__(self, step: float = 0.0):
        self.now, self.step = 0.0, step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def called_while(action, functions) -> list[str]:
    """The names of `functions` that were not called while `action` ran (for a class:
    its forward or construct, the method that runs the model)."""
    seen = set()

    def profile(frame, event, arg):
        if event == "call":
            seen.add(frame.f_code)

    sys.setprofile(profile)
    try:
        action()
    finally:
        sys.setprofile(None)

    def code(f):
        if isinstance(f, type):  # a class: the method that runs it (or builds it)
            f = vars(f).get("forward") or vars(f).get("construct") or vars(f)["__init__"]
        return f.__code__

    return [f.__qualname__ for f in functions if code(f) not in seen]


def collect(ticket, limit: int = 400) -> list:
    """Every record of an engine ticket until it finishes (bounded by polls, not by time)."""
    records = []
    for _ in range(limit):
        records += ticket.poll(0.05)
        if ticket.finished:
            return records + ticket.poll(0)
    raise AssertionError("the ticket did not finish")
