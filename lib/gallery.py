"""The prediction gallery's picks and pages, and test images as pixels on screen.

from lib.gallery import pick_images, page_of, pixels
indices = pick_images(pred, wrong_only=True, seed=0)   # misclassified, shuffled
page_of(indices, page=2, per_page=24)                  # the 24 on page 2
pixels(data.X_test[0], scale=4, frame=WRONG_RGB)       # (112, 112, 3) uint8
"""

from __future__ import annotations

import numpy as np
import torch

from lib.metrics import Predictions

WRONG_RGB = (220, 38, 38)  # the red frame of a misclassified image
RIGHT_RGB = (60, 60, 60)  # the quiet frame of a right one


def pick_images(
    pred: Predictions, wrong_only=False, true_class=None, pred_class=None, seed=None
) -> np.ndarray:
    """Indices of the test images that pass the filters, shuffled when seed is given."""
    keep = torch.ones(len(pred.y), dtype=torch.bool)
    if wrong_only:
        keep &= pred.y_pred != pred.y  # misclassified only
    if true_class is not None:
        keep &= pred.y == true_class
    if pred_class is not None:
        keep &= pred.y_pred == pred_class
    indices = torch.nonzero(keep).flatten().numpy()  # (m,), in test-set order
    if seed is not None:
        indices = np.random.default_rng(seed).permutation(indices)
    return indices


def num_pages(n: int, per_page: int) -> int:
    """How many pages n images fill (at least one, even when n == 0)."""
    return max(1, -(-n // per_page))  # ceil division


def page_of(indices: np.ndarray, page: int, per_page: int) -> np.ndarray:
    """The indices on page `page` (1-based); pages past the end are clamped."""
    page = min(max(1, page), num_pages(len(indices), per_page))
    return indices[(page - 1) * per_page : page * per_page]


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
