"""Accuracy, per-class accuracy, the confusion matrix and predictions.

from lib.metrics import predict_test_set, confusion_matrix, class_table
pred = predict_test_set(run.W, run.b, data)      # Predictions on the 10,000 test images
class_table(confusion_matrix(pred.y, pred.y_pred), class_names("en"))
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import torch

from lib.softmax import LOSSES, logits, softmax_stable

if TYPE_CHECKING:
    import pandas as pd


def accuracy(y_hat, y):
    """How many predictions are right (a count, as in the book)."""
    if y_hat.dim() > 1 and y_hat.shape[1] > 1:
        y_hat = y_hat.argmax(dim=1)  # (n, q) -> (n,), the most probable class
    return (y_hat.type(y.dtype) == y).sum()  # a 0-d tensor: the number correct


@torch.no_grad()
def evaluate(W, b, X, y, softmax="stable"):
    """Mean loss and accuracy of the model (W, b) on all of X."""
    O = logits(X, W, b)  # (n, 784) @ (784, 10) -> (n, 10)
    loss = LOSSES[softmax](O, y).mean()
    return float(loss), float(accuracy(O, y)) / len(y)


@torch.no_grad()
def evaluate_accuracy(W, b, X, y):
    """Share of X classified right; argmax of the logits = argmax of softmax."""
    return float(accuracy(logits(X, W, b), y)) / len(y)


def confusion_matrix(y, y_pred, num_classes=10):
    """C[i, j] = how many images of true class i were predicted as class j."""
    pairs = y.to(torch.int64) * num_classes + y_pred.to(torch.int64)  # (n,), one id per (i, j)
    counts = torch.bincount(pairs, minlength=num_classes * num_classes)
    return counts.reshape(num_classes, num_classes).cpu()  # (q, q)


def per_class_accuracy(C):
    """Recall per class from a confusion matrix: diagonal / row total."""
    totals = C.sum(dim=1)  # (q,)
    return C.diagonal().double() / totals.clamp(min=1).double()  # (q,)


def most_confused_with(C):
    """For each true class, the wrong class it is most often predicted as."""
    off_diagonal = C.clone()
    off_diagonal.fill_diagonal_(-1)
    return off_diagonal.argmax(dim=1)  # (q,)


@dataclass(frozen=True)
class Predictions:
    """The model's output on some images: probabilities and the argmax."""

    probs: torch.Tensor  # (n, 10), rows sum to 1
    y_pred: torch.Tensor  # (n,)
    y: torch.Tensor  # (n,), the true labels


@torch.no_grad()
def predict(W, b, X, y):
    """Probabilities (stable softmax) and predicted labels for the images X."""
    probs = softmax_stable(logits(X, W, b))  # (n, 10)
    return Predictions(probs.cpu(), probs.argmax(dim=1).cpu(), y.cpu())


def predict_test_set(W, b, data) -> Predictions:
    """predict() on the whole test set, on the data's device (results on the CPU)."""
    device = data.X_test.device
    return predict(W.to(device), b.to(device), data.X_test, data.y_test)


@torch.no_grad()
def classify(x, W, b) -> np.ndarray:
    """Softmax probabilities of one image x of 784 pixels."""
    X = torch.as_tensor(x, dtype=W.dtype, device=W.device).reshape(1, -1)  # (1, 784)
    return softmax_stable(logits(X, W, b))[0].cpu().numpy()  # (10,)


def class_table(C: torch.Tensor, names, also=None) -> pd.DataFrame:
    """One row per class: name (and `also`, the names in another language), accuracy,
    test images, and the class it is most often taken for. Hardest class first."""
    # memory: pandas is imported here, not with the module, so that a training process
    # (lib/trainer_process.py), which imports this module, does not hold it (~66 MB)
    import pandas as pd

    acc = per_class_accuracy(C)  # (10,), diagonal / row total
    confused = most_confused_with(C).tolist()  # (10,), the top wrong class per row
    times = [int(C[i, j]) for i, j in enumerate(confused)]
    table = pd.DataFrame({"class": range(len(C)), "name": list(names)})
    if also is not None:
        table["also"] = list(also)
    table = table.assign(
        accuracy=acc.tolist(),
        count=C.sum(dim=1).tolist(),  # test images of this true class
        confused_with=[names[j] if n else None for j, n in zip(confused, times)],
        confused_count=times,
    )
    return table.sort_values("accuracy", kind="stable").reset_index(drop=True)
