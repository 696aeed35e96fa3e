"""The notebook's own code: what its cells define besides the chapter's functions.

lib/notebook.py writes a run as a Jupyter notebook. Its cells hold the source
of the chapter's functions exactly as the Train page shows them (lib/softmax.py,
lib/trainers/...), and the source of the functions below: reading the data
without lib/, the epoch loop that drives the chapter's functions the way
lib/trainers/loop.py's `fit` does (same seed, same start, same minibatches,
same figures), the chart, and the checks that grade the student's code against
PyTorch's own functions.

Each function here must run on its own in a notebook: it may use only the
imports of the notebook's first cell, the chapter's functions and the
constants the notebook defines (NUM_INPUTS, RAW_FILES, LOSSES, ...). The
imports below give the same names to ruff and to the tests, which call these
functions directly.
"""

from __future__ import annotations

import math
from pathlib import Path

import torch
import torch.nn.functional as F

from lib.data import NUM_INPUTS, RAW_FILES, ROOT_ENV, minibatch_indices
from lib.metrics import evaluate
from lib.softmax import LOSSES, logits
from lib.trainers.contract import init_weights, sgd
from lib.trainers.scratch import train_epoch

DATA_URL = "https://github.com/zalandoresearch/fashion-mnist"


def load_fashion_mnist(root, download=False):
    """X_train (60000, 784), y_train, X_test (10000, 784), y_test: pixels in [0, 1], labels 0-9."""
    raw = Path(root) / "FashionMNIST" / "raw"
    missing = [name for name in RAW_FILES if not (raw / name).is_file()]
    if missing and not download:
        raise FileNotFoundError(
            f"Fashion-MNIST is not in {raw.resolve()} (missing {', '.join(missing)}). "
            f"Set the environment variable {ROOT_ENV} to the folder that holds "
            "FashionMNIST/raw/ with the four files (or set root in this cell), "
            "or set DOWNLOAD = True to let torchvision fetch them (internet access needed). "
            f"The files come from {DATA_URL}."
        )
    from torchvision.datasets import FashionMNIST

    tensors = []
    for train in (True, False):
        ds = FashionMNIST(str(root), train=train, download=download)
        X = ds.data.reshape(len(ds.data), NUM_INPUTS).to(torch.float32)  # (n, 28, 28) -> (n, 784)
        X /= 255  # [0, 255] -> [0, 1]
        tensors += [X, ds.targets.to(torch.int64)]
    return tensors


def train_run(cfg, X_train, y_train, X_test, y_test):
    """Train with cfg's settings; W, b and one row of figures per epoch (row 0: the start)."""
    generator = torch.Generator().manual_seed(cfg.seed)  # the initial W, then each epoch's order
    W, b = init_weights(cfg, generator)  # (784, 10), (10,)
    W, b = W.clone().requires_grad_(True), b.clone().requires_grad_(True)
    loss = LOSSES[cfg.softmax]

    def net(X):
        return logits(X, W, b)  # (n, 784) -> (n, 10)

    def updater(batch_size):
        sgd([W, b], cfg.lr, batch_size)

    n = len(y_train)
    train_loss, train_acc = evaluate(W, b, X_train, y_train, cfg.softmax)
    history = [(0, train_loss, train_acc, evaluate(W, b, X_test, y_test, cfg.softmax)[1])]
    print("epoch  train_loss  train_acc  test_acc")
    print(f"{0:>5}  {train_loss:>10.4f}  {train_acc:>9.4f}  {history[0][3]:>8.4f}")
    for epoch in range(1, cfg.num_epochs + 1):
        batches = minibatch_indices(n, cfg.batch_size, generator)
        loss_sum, right, _ = train_epoch(net, loss, updater, X_train, y_train, batches)
        _, test_acc = evaluate(W, b, X_test, y_test, cfg.softmax)
        history.append((epoch, loss_sum / n, right / n, test_acc))
        print(f"{epoch:>5}  {loss_sum / n:>10.4f}  {right / n:>9.4f}  {test_acc:>8.4f}")
        if not math.isfinite(loss_sum):
            print("The loss is no longer a finite number: training stops here.")
            break
    return W, b, history


def history_chart(history):
    """The three curves per epoch, drawn with Altair when it is installed (else None)."""
    try:
        import altair as alt
    except ImportError:
        print("pip install altair to draw the curves; the figures are printed above.")
        return None
    names = ("train_loss", "train_acc", "test_acc")
    values = [
        {"epoch": row[0], "curve": name, "value": v if math.isfinite(v) else None}
        for row in history
        for name, v in zip(names, row[1:])
    ]
    return (
        alt.Chart(alt.Data(values=values))
        .mark_line(point=True)
        .encode(x="epoch:Q", y="value:Q", color="curve:N")
        .properties(width=480, height=280)
    )


# ---- the checks: the student's function against PyTorch's own ------------------------


def _first_difference(got, expected) -> str:
    """Where two tensors differ most, for a message: 'row 1: expected [...], got [...]'."""
    diff = (got.double() - expected.double()).abs()
    diff = torch.where(torch.isnan(diff), torch.tensor(math.inf, dtype=diff.dtype), diff)
    i = int(diff.reshape(len(diff), -1).max(dim=1).values.argmax())
    return f"row {i}: expected {expected[i].tolist()}, got {got[i].tolist()}"


def check_softmax_stable(softmax_stable):
    """softmax_stable(O) against torch.softmax(O, dim=1), ordinary and huge logits."""
    O = torch.tensor(
        [[1.0, 2.0, 3.0], [1000.0, 0.0, -1000.0], [-1000.0, -1000.0, -999.0], [0.0, 0.0, 0.0]]
    )  # (4, 3): exp(1000) is inf in float32, exp(-1000) is 0
    expected = torch.softmax(O, dim=1)  # (4, 3)
    got = softmax_stable(O)
    assert isinstance(got, torch.Tensor) and got.shape == expected.shape, (
        f"softmax_stable(O) must return a tensor of shape {tuple(expected.shape)} "
        f"(a row of probabilities per row of O), got {type(got).__name__} "
        f"{tuple(getattr(got, 'shape', ()))}"
    )
    assert torch.isfinite(got).all(), (
        "softmax_stable gave inf or nan for logits like 1000 and -1000; "
        f"{_first_difference(got, expected)}. exp(1000) overflows in float32: subtract "
        "each row's largest logit before exp (softmax stays the same)"
    )
    assert torch.allclose(got.double(), expected.double(), atol=1e-6), (
        f"softmax_stable(O) is not torch.softmax(O, dim=1): {_first_difference(got, expected)}. "
        "Each row must be exp(O - row max) divided by its row sum"
    )


def check_cross_entropy_stable(cross_entropy_stable):
    """cross_entropy_stable(O, y) against F.cross_entropy and torch.logsumexp, per example."""
    O = torch.tensor([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0], [1000.0, 0.0, -1000.0], [50.0, 0.0, 0.0]])
    y = torch.tensor([2, 1, 2, 1])  # example 2: the true class's probability is exp(-2000)
    expected = F.cross_entropy(O, y, reduction="none")  # (4,)
    assert torch.allclose(expected, torch.logsumexp(O, dim=1) - O[torch.arange(len(O)), y])
    got = cross_entropy_stable(O, y)
    assert isinstance(got, torch.Tensor) and got.shape == expected.shape, (
        f"cross_entropy_stable(O, y) must return one loss per example, shape "
        f"{tuple(expected.shape)}; got {type(got).__name__} {tuple(getattr(got, 'shape', ()))} "
        "(do not take the mean)"
    )
    assert torch.isfinite(got).all(), (
        f"cross_entropy_stable gave inf or nan: expected {expected.tolist()}, got {got.tolist()}. "
        "A probability of exp(-2000) rounds to 0 and -log(0) = inf: compute "
        "log-sum-exp(O) - O[true class] from the logits, with the row maximum taken out first"
    )
    assert torch.allclose(got.double(), expected.double(), atol=1e-4), (
        "cross_entropy_stable(O, y) is not F.cross_entropy(O, y, reduction='none'): "
        f"expected {expected.tolist()}, got {got.tolist()}"
    )


def check_threshold_answers(threshold_answers):
    """threshold_answers(probs, threshold): the argmax where the top probability reaches the
    threshold, else q (refer), checked against torch.max."""
    generator = torch.Generator().manual_seed(0)
    probs = torch.softmax(3 * torch.randn(20, 10, generator=generator), dim=1)  # (20, 10)
    probs[0] = torch.tensor([0.5, 0.25, 0.25, *[0.0] * 7])  # a top probability of exactly 0.5
    q = probs.shape[1]
    for threshold in (0.0, 0.5, 0.8, 1.0):
        top = torch.max(probs, dim=1)  # (20,) values and indices
        expected = torch.where(top.values >= threshold, top.indices, q)
        got = threshold_answers(probs, threshold)
        assert isinstance(got, torch.Tensor) and got.shape == expected.shape, (
            f"threshold_answers must return one answer per image, shape {tuple(expected.shape)}; "
            f"got {type(got).__name__} {tuple(getattr(got, 'shape', ()))}"
        )
        wrong = (got != expected).nonzero().flatten().tolist()
        assert not wrong, (
            f"with threshold {threshold}, image {wrong[0]} (top probability "
            f"{float(top.values[wrong[0]]):.4f}): expected {int(expected[wrong[0]])}, got "
            f"{int(got[wrong[0]])}. Answer the most probable class when its probability is at "
            f"least the threshold, otherwise {q} (refer the image on)"
        )


def reject_table(threshold_answers, probs, y, thresholds=(0.0, 0.5, 0.7, 0.9, 0.99)):
    """For each threshold: the share of test images answered and the accuracy on them."""
    q = probs.shape[1]
    print("threshold  answered  accuracy")
    for threshold in thresholds:
        answers = threshold_answers(probs, threshold)  # (n,), q = refer
        answered = answers < q
        share = float(answered.double().mean())
        right = float((answers[answered] == y[answered]).double().mean()) if share else math.nan
        print(f"{threshold:>9}  {share:>8.4f}  {right:>8.4f}")
