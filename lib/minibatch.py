"""One minibatch through every step of the chapter, and the chapter's small worked examples.

    from lib.minibatch import start_weights, take_batch, walk_step
    W, b = start_weights(seed=0)                     # the book's init: W ~ N(0, 0.01^2), b = 0
    batch = take_batch(data, "train", step=0, seed=0)  # X (256, 1, 28, 28), y (256,)
    walk = walk_step(W, b, batch.X, batch.y, lr=0.1)  # every tensor on the way, and one SGD step
    walk.O.shape, walk.W_grad.shape                   # (256, 10), (784, 10)
    walk.loss_before, walk.loss_after                 # the same batch, before and after the step
    W, b = walk.W_next, walk.b_next                   # the next minibatch starts from here

The minibatches come in the trainer's order for that seed (lib/train.py draws
W from the seeded generator first, then one permutation per epoch), so on the
training split the first steps from the book's init are the Train page's
first steps. One batch is 256 x 784 numbers: everything here runs on the CPU.

The derivative of the loss with respect to the logits, by the formula and by
autograd: `logit_gradient(walk.O, walk.y)` (dl/dO = (softmax(O) - one_hot(y)) / n
for the mean loss).

The worked examples: sum_example(), softmax_example(), cross_entropy_example()
and random_accuracy(data, seed). They need no data set except the last.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import islice

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F

from lib.config import TrainConfig
from lib.data import minibatch_indices
from lib.metrics import accuracy, evaluate, evaluate_accuracy
from lib.softmax import cross_entropy_naive, logits, loss_naive, softmax_naive
from lib.trainers.contract import init_weights, sgd

BATCH_SIZE = 256
SPLITS = ("train", "test")  # the first is the page's default: SGD learns from training images
CPU = torch.device("cpu")


# ---- the weights and the minibatch -------------------------------------------------


def start_weights(seed: int, init_std: float = 0.01):
    """The book's init, exactly as the trainer draws it for this seed: W (784, 10), b (10,)."""
    generator = torch.Generator().manual_seed(seed)
    W, b = init_weights(TrainConfig(seed=seed, init_std=init_std), generator)
    return W, b


def batch_indices(n: int, step: int, seed: int, batch_size: int = BATCH_SIZE) -> torch.Tensor:
    """The indices of minibatch number `step` (0, 1, …) in the trainer's order for `seed`."""
    generator = torch.Generator().manual_seed(seed)
    init_weights(TrainConfig(seed=seed), generator)  # the trainer draws W first
    per_epoch = -(-n // batch_size)  # ceil(n / batch_size)
    epoch, k = divmod(step, per_epoch)
    for _ in range(epoch):  # one permutation per epoch
        torch.randperm(n, generator=generator)
    return next(islice(minibatch_indices(n, batch_size, generator), k, None))


@dataclass(frozen=True)
class Batch:
    """One minibatch as the book's DataLoader hands it over."""

    X: torch.Tensor  # (n, 1, 28, 28): n images, 1 channel, 28 x 28 pixels in [0, 1]
    y: torch.Tensor  # (n,): the true labels 0-9
    split: str  # "test" or "train"
    step: int  # minibatch number, 0-based, over all epochs
    epoch: int  # 1-based pass over the split
    number: int  # 1-based minibatch within that pass
    per_epoch: int  # minibatches per pass


def take_batch(data, split: str, step: int, seed: int, batch_size: int = BATCH_SIZE) -> Batch:
    """Minibatch number `step` of the test or training images, on the CPU."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {', '.join(SPLITS)}, got {split!r}")
    X_all, y_all = (data.X_test, data.y_test) if split == "test" else (data.X_train, data.y_train)
    idx = batch_indices(len(y_all), step, seed, batch_size).to(X_all.device)
    X = X_all.index_select(0, idx).cpu().reshape(-1, 1, 28, 28)  # (n, 784) -> (n, 1, 28, 28)
    per_epoch = -(-len(y_all) // batch_size)
    return Batch(
        X,
        y_all.index_select(0, idx).cpu(),
        split,
        step,
        step // per_epoch + 1,
        step % per_epoch + 1,
        per_epoch,
    )


# ---- one step of the chapter ---------------------------------------------------------


@dataclass(frozen=True)
class Walk:
    """Every tensor of one training step on one minibatch (all detached, on the CPU)."""

    X: torch.Tensor  # (n, 1, 28, 28)
    X_flat: torch.Tensor  # (n, 784)
    O: torch.Tensor  # (n, 10), the logits
    y_hat: torch.Tensor  # (n, 10), softmax(O): rows sum to 1
    y: torch.Tensor  # (n,)
    picked: torch.Tensor  # (n,), y_hat[range(n), y]
    l: torch.Tensor  # (n,), -log(picked)
    W_grad: torch.Tensor  # (784, 10)
    b_grad: torch.Tensor  # (10,)
    W_next: torch.Tensor  # (784, 10), W after one SGD step
    b_next: torch.Tensor  # (10,)
    lr: float
    loss_before: float  # mean loss of this batch before the step
    acc_before: float  # its accuracy before the step
    loss_after: float  # the same batch after the step
    acc_after: float

    @property
    def finite(self) -> bool:
        """No inf or NaN anywhere: the book's formulas did not break down."""
        return all(
            bool(torch.isfinite(t).all())
            for t in (self.O, self.l, self.W_grad, self.W_next, self.b_next)
        )


def walk_step(W, b, X, y, lr: float) -> Walk:
    """The chapter's training step on one minibatch, with the book's softmax and loss."""
    W = W.detach().clone().requires_grad_(True)  # (784, 10); a copy: the caller's stays as it was
    b = b.detach().clone().requires_grad_(True)  # (10,)
    n = len(y)
    X_flat = X.reshape((-1, W.shape[0]))  # (n, 1, 28, 28) -> (n, 784)
    O = X_flat @ W + b  # (n, 784) @ (784, 10) + (10,) -> (n, 10)
    y_hat = softmax_naive(O)  # (n, 10), every row sums to 1
    picked = y_hat[range(n), y]  # (n,), the probability of the true class
    l = cross_entropy_naive(y_hat, y)  # (n,), -log(picked)
    l.sum().backward()  # W.grad (784, 10), b.grad (10,)
    W_grad, b_grad = W.grad.clone(), b.grad.clone()
    acc_before = float(accuracy(y_hat, y)) / n
    sgd([W, b], lr, n)  # W -= lr * W.grad / n; the same for b
    loss_after, acc_after = evaluate(W, b, X_flat, y, softmax="naive")
    return Walk(
        X.detach(),
        X_flat.detach(),
        O.detach(),
        y_hat.detach(),
        y,
        picked.detach(),
        l.detach(),
        W_grad,
        b_grad,
        W.detach(),
        b.detach(),
        lr,
        float(l.detach().mean()),
        acc_before,
        loss_after,
        acc_after,
    )


@dataclass(frozen=True)
class LogitGradient:
    """dl/dO of the minibatch's mean loss, twice: by the formula and by autograd."""

    formula: torch.Tensor  # (n, q): (softmax(O) - one_hot(y)) / n
    autograd: torch.Tensor  # (n, q): O.grad after loss.mean().backward()

    @property
    def max_abs_diff(self) -> float:
        """The largest |formula - autograd| over the whole (n, q) matrix."""
        return float((self.formula - self.autograd).abs().max())


def logit_gradient(O, y) -> LogitGradient:
    """The derivative of the mean cross-entropy loss with respect to the logits O.

    For one image, l = -log softmax(o)[y], and dl/do_j = softmax(o)_j - 1[j == y].
    The page's loss is the mean over the n images, so each row is divided by n.
    """
    n, q = O.shape
    y_onehot = F.one_hot(y, q).to(O.dtype)  # (n,) -> (n, q), a 1 in the true class's column
    formula = (softmax_naive(O.detach()) - y_onehot) / n  # (n, q), every row sums to 0
    O_leaf = O.detach().clone().requires_grad_(True)  # (n, q), a copy autograd may differentiate
    loss_naive(O_leaf, y).mean().backward()  # the page's loss: the book's, averaged
    return LogitGradient(formula, O_leaf.grad)


def gradient_rows(grad: LogitGradient, y, k: int = 5) -> pd.DataFrame:
    """The first k rows of dl/dO (the formula), the true label and each row's sum (0)."""
    k = min(k, len(y))
    table = pd.DataFrame(grad.formula[:k].double().numpy(), columns=[str(j) for j in range(10)])
    table.insert(0, "y", y[:k].tolist())
    table["sum"] = grad.formula[:k].sum(1).tolist()  # 0, up to float32 rounding
    return table


def shape(t: torch.Tensor) -> str:
    return "(" + ", ".join(map(str, t.shape)) + ("," if t.dim() == 1 else "") + ")"


def value_range(t: torch.Tensor) -> str:
    """The smallest and the largest entry of a tensor, as text."""
    return f"{float(t.min()):.4g} … {float(t.max()):.4g}"


def steps_table(walk: Walk, W: torch.Tensor) -> pd.DataFrame:
    """One row per step: its key (the page's text), the code, the result's shape and range."""
    rows = [
        ("images", "X", walk.X),
        ("reshape", "X.reshape((-1, W.shape[0]))", walk.X_flat),
        ("weights", "W", W),
        ("logits", "O = X @ W + b", walk.O),
        ("softmax", "y_hat = softmax(O)", walk.y_hat),
        ("row_sums", "y_hat.sum(1)", walk.y_hat.sum(1)),
        ("pick", "y_hat[range(n), y]", walk.picked),
        ("loss", "l = cross_entropy(y_hat, y)", walk.l),
        ("backward", "l.sum().backward(); W.grad", walk.W_grad),
        ("b_grad", "b.grad", walk.b_grad),
        ("sgd", "sgd([W, b], lr, batch_size); W", walk.W_next),
    ]
    return pd.DataFrame(
        [
            {"step": key, "code": code, "shape": shape(t), "range": value_range(t)}
            for key, code, t in rows
        ]
    )


def first_rows(walk: Walk, k: int = 5) -> pd.DataFrame:
    """The first k rows of y_hat, their sums, the true label, its probability and the loss."""
    k = min(k, len(walk.y))
    table = pd.DataFrame(walk.y_hat[:k].double().numpy(), columns=[str(j) for j in range(10)])
    table.insert(0, "y", walk.y[:k].tolist())
    table["sum"] = walk.y_hat[:k].sum(1).tolist()  # 1, up to float32 rounding
    table["picked"] = walk.picked[:k].tolist()
    table["l"] = walk.l[:k].tolist()
    return table


def row_sum_range(walk: Walk) -> tuple[float, float]:
    """The smallest and largest row sum of y_hat over the whole batch."""
    sums = walk.y_hat.sum(1)  # (n,)
    return float(sums.min()), float(sums.max())


def images(batch: Batch, k: int = 8) -> np.ndarray:
    """The first k images of a batch as uint8 pixels, (k, 28, 28), for drawing."""
    return (batch.X[:k, 0] * 255).round().clamp(0, 255).to(torch.uint8).numpy()


# ---- the chapter's worked examples ---------------------------------------------------


def sum_example():
    """A 2 x 3 matrix summed along axis 0 and axis 1, keeping the summed axis."""
    X = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])  # (2, 3)
    return X, X.sum(0, keepdim=True), X.sum(1, keepdim=True)  # (1, 3), (2, 1)


def softmax_example(seed: int = 0):
    """Softmax of a random (2, 5) matrix: every entry positive, every row sums to 1."""
    X = torch.normal(0, 1, (2, 5), generator=torch.Generator().manual_seed(seed))
    X_prob = softmax_naive(X)  # (2, 5)
    return X, X_prob, X_prob.sum(1)  # (2, 5), (2, 5), (2,)


@dataclass(frozen=True)
class CrossEntropyExample:
    y: torch.Tensor  # (2,), the true labels
    y_hat: torch.Tensor  # (2, 3), predicted probabilities
    picked: torch.Tensor  # (2,), y_hat[[0, 1], y]
    loss: torch.Tensor  # (2,), cross_entropy(y_hat, y)
    accuracy: float  # share of rows whose argmax is y


def cross_entropy_example() -> CrossEntropyExample:
    """Two samples, three classes: pick the true class's probability, take -log."""
    y = torch.tensor([0, 2])
    y_hat = torch.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]])
    picked = y_hat[[0, 1], y]  # tensor([0.1, 0.5])
    loss = cross_entropy_naive(y_hat, y)  # -log: tensor([2.3026, 0.6931])
    return CrossEntropyExample(y, y_hat, picked, loss, float(accuracy(y_hat, y)) / len(y))


def random_accuracy(data, seed: int) -> float:
    """Test accuracy of the book's random init: about 1 in 10, a guess."""
    W, b = start_weights(seed)
    device = data.X_test.device
    return evaluate_accuracy(W.to(device), b.to(device), data.X_test, data.y_test)


# ---- what the page shows -------------------------------------------------------------


def shown_code(with_data: bool) -> tuple:
    """The functions the page runs, in reading order (its code expander)."""
    if not with_data:
        return (
            sum_example,
            softmax_example,
            softmax_naive,
            cross_entropy_example,
            cross_entropy_naive,
            accuracy,
        )
    return (
        take_batch,
        batch_indices,
        minibatch_indices,
        walk_step,
        softmax_naive,
        cross_entropy_naive,
        logit_gradient,
        loss_naive,
        accuracy,
        sgd,
        evaluate,
        logits,
        steps_table,
        first_rows,
        gradient_rows,
        sum_example,
        softmax_example,
        cross_entropy_example,
        random_accuracy,
        start_weights,
        init_weights,
        evaluate_accuracy,
    )
