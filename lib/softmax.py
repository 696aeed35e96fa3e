"""Softmax, cross-entropy and the model of softmax regression.

Three versions of the loss, all first-class:
- naive: the textbook definition, exp / row sum and -log of the picked
  probability. exp overflows for logits near 89 in float32, and -log gives inf
  once a probability underflows to 0.
- stable: subtract the row maximum before exp; compute the loss straight from
  the logits with log-sum-exp, so no probability is ever rounded to 0 first.
- clamp: the common patch, -log(max(p, EPS)) of the max-subtracted softmax.
  No inf or NaN either, but it is another loss: an image whose true class has
  p < EPS costs -log(EPS) however wrong it is (the loss is biased low), and its
  gradient is exactly 0, so SGD stops correcting the worst mistakes.
"""

import torch

EPS = 1e-7  # the clamp's floor (Keras's default epsilon): -log(EPS) ≈ 16.1 caps the loss


def softmax_naive(X):
    """The definition: exp of every entry, divided by its row sum."""
    X_exp = torch.exp(X)  # (n, q), inf once X > ~88.7 (float32)
    partition = X_exp.sum(dim=1, keepdim=True)  # (n, 1), the partition function
    return X_exp / partition  # (n, q), each row sums to 1


def softmax_stable(X):
    """Same result: subtracting the row maximum leaves softmax unchanged."""
    X_max = X.max(dim=1, keepdim=True).values  # (n, 1)
    X_exp = torch.exp(X - X_max)  # (n, q), every entry in (0, 1]
    return X_exp / X_exp.sum(dim=1, keepdim=True)


def cross_entropy_naive(y_hat, y):
    """-log of the probability given to the true class (y_hat are probabilities)."""
    picked = y_hat[torch.arange(len(y_hat)), y]  # (n,), the true class's probability
    return -torch.log(picked)  # (n,), inf where picked == 0


def cross_entropy_stable(O, y):
    """The same loss from the logits O: log-sum-exp(O) - O[true class]."""
    O_max = O.max(dim=1, keepdim=True).values  # (n, 1)
    log_partition = O_max[:, 0] + torch.log(torch.exp(O - O_max).sum(dim=1))  # (n,)
    return log_partition - O[torch.arange(len(O)), y]  # (n,)


def cross_entropy_clamp(y_hat, y, eps=EPS):
    """-log(max(p, eps)) of the true class's probability: never inf, but flat below eps."""
    picked = y_hat[torch.arange(len(y_hat)), y]  # (n,), the true class's probability
    return -torch.log(torch.clamp(picked, min=eps))  # (n,), at most -log(eps); grad 0 below eps


def logits(X, W, b):
    """The linear layer: one score per class for every image."""
    X = X.reshape((-1, W.shape[0]))  # (n, 28, 28) -> (n, 784)
    return X @ W + b  # (n, 784) @ (784, 10) + (10,) -> (n, 10)


def loss_naive(O, y):
    """The book's training loss: naive softmax, then naive cross-entropy."""
    return cross_entropy_naive(softmax_naive(O), y)


def loss_stable(O, y):
    """The stable training loss: cross-entropy from the logits directly."""
    return cross_entropy_stable(O, y)


def loss_clamp(O, y):
    """The clamped training loss: the max-subtracted softmax, then -log(max(p, EPS))."""
    return cross_entropy_clamp(softmax_stable(O), y)


LOSSES = {"naive": loss_naive, "stable": loss_stable, "clamp": loss_clamp}
