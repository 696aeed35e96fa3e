"""What a trained model does on the test set: per-class table, gallery picks, pixels.

    from lib.results import predict_test_set, class_table
    pred = predict_test_set(run.W, run.b, data)      # Predictions on the 10,000 test images
    class_table(confusion_matrix(pred.y, pred.y_pred))
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import torch

from lib.data import CLASS_NAMES_EN, CLASS_NAMES_ZH, FashionMNIST, class_names
from lib.metrics import Predictions, most_confused_with, per_class_accuracy, predict
from lib.softmax import logits, softmax_stable

WRONG_RGB = (220, 38, 38)   # the red frame of a misclassified image
RIGHT_RGB = (60, 60, 60)    # the quiet frame of a right one


def predict_test_set(W, b, data: FashionMNIST) -> Predictions:
    """predict() on the whole test set, on the data's device (results on the CPU)."""
    device = data.X_test.device
    return predict(W.to(device), b.to(device), data.X_test, data.y_test)


@torch.no_grad()
def classify(x, W, b) -> np.ndarray:
    """Softmax probabilities of one image x of 784 pixels."""
    X = torch.as_tensor(x, dtype=W.dtype, device=W.device).reshape(1, -1)  # (1, 784)
    return softmax_stable(logits(X, W, b))[0].cpu().numpy()               # (10,)


def class_table(C: torch.Tensor, lang: str = "en") -> pd.DataFrame:
    """One row per class: names, accuracy, test images, the class it is most taken for."""
    acc = per_class_accuracy(C)                       # (10,), diagonal / row total
    confused = most_confused_with(C).tolist()         # (10,), the top wrong class per row
    times = [int(C[i, j]) for i, j in enumerate(confused)]
    names = class_names(lang)
    table = pd.DataFrame({
        "class": range(len(C)),
        "name_en": CLASS_NAMES_EN, "name_zh": CLASS_NAMES_ZH,
        "accuracy": acc.tolist(),
        "count": C.sum(dim=1).tolist(),               # test images of this true class
        "confused_with": [names[j] if n else None for j, n in zip(confused, times)],
        "confused_count": times,
    })
    return table.sort_values("accuracy", kind="stable").reset_index(drop=True)


def pick_images(pred: Predictions, wrong_only=False, true_class=None, pred_class=None,
                seed=None) -> np.ndarray:
    """Indices of the test images that pass the filters, shuffled when seed is given."""
    keep = torch.ones(len(pred.y), dtype=torch.bool)
    if wrong_only:
        keep &= pred.y_pred != pred.y                 # misclassified only
    if true_class is not None:
        keep &= pred.y == true_class
    if pred_class is not None:
        keep &= pred.y_pred == pred_class
    indices = torch.nonzero(keep).flatten().numpy()   # (m,), in test-set order
    if seed is not None:
        indices = np.random.default_rng(seed).permutation(indices)
    return indices


def num_pages(n: int, per_page: int) -> int:
    """How many pages n images fill (at least one, even when n == 0)."""
    return max(1, -(-n // per_page))                  # ceil division


def page_of(indices: np.ndarray, page: int, per_page: int) -> np.ndarray:
    """The indices on page `page` (1-based); pages past the end are clamped."""
    page = min(max(1, page), num_pages(len(indices), per_page))
    return indices[(page - 1) * per_page: page * per_page]


def pixels(x, scale: int = 4, frame: tuple | None = None) -> np.ndarray:
    """A 784-vector in [0, 1] as an upscaled uint8 image (blocky, not blurred).

    With `frame` (an RGB colour) the result is (H, W, 3) with a 3-px border.
    """
    img = np.asarray(x, dtype=np.float32).reshape(28, 28)
    img = np.uint8(np.clip(img, 0, 1) * 255).repeat(scale, axis=0).repeat(scale, axis=1)
    if frame is None:
        return img
    rgb = np.stack([img] * 3, axis=-1)
    rgb[:3], rgb[-3:], rgb[:, :3], rgb[:, -3:] = frame, frame, frame, frame
    return rgb
