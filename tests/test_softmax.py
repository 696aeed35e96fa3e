"""The math against PyTorch's own functions and autograd."""

import pytest
import torch
import torch.nn.functional as F

from lib.softmax import (
    cross_entropy_naive,
    cross_entropy_stable,
    logits,
    softmax_naive,
    softmax_stable,
)


def _random_logits(n=8, q=10, scale=3.0, seed=0, dtype=torch.float64):
    g = torch.Generator().manual_seed(seed)
    return (torch.randn(n, q, generator=g, dtype=dtype) * scale).requires_grad_(True)


@pytest.mark.parametrize("softmax", [softmax_naive, softmax_stable])
def test_softmax_matches_torch_values_and_gradients(softmax):
    O = _random_logits()
    ref = O.detach().clone().requires_grad_(True)
    weights = torch.linspace(-1, 1, 10, dtype=torch.float64)
    (softmax(O) * weights).sum().backward()
    (torch.softmax(ref, dim=1) * weights).sum().backward()
    torch.testing.assert_close(softmax(O), torch.softmax(ref, dim=1))
    torch.testing.assert_close(O.grad, ref.grad)


@pytest.mark.parametrize("loss", ["naive", "stable"])
def test_cross_entropy_matches_torch_values_and_gradients(loss):
    O = _random_logits()
    ref = O.detach().clone().requires_grad_(True)
    y = torch.tensor([0, 1, 2, 3, 4, 5, 6, 9])
    ours = (
        cross_entropy_naive(softmax_naive(O), y) if loss == "naive" else cross_entropy_stable(O, y)
    )
    theirs = F.cross_entropy(ref, y, reduction="none")
    torch.testing.assert_close(ours, theirs)
    ours.sum().backward()
    theirs.sum().backward()
    torch.testing.assert_close(O.grad, ref.grad)


@pytest.mark.parametrize("big", [50.0, 100.0, 1000.0])
def test_naive_softmax_overflows_where_the_book_says(big):
    O = torch.tensor([[big, 0.0, -1.0]])  # float32, as in training
    naive, stable = softmax_naive(O), softmax_stable(O)
    if big == 50.0:
        # exp(50) ~ 5.2e21 still fits in float32: naive is fine, just close to the edge
        assert torch.isfinite(naive).all()
    else:
        # exp(100) = inf in float32, and inf / inf = NaN
        assert torch.isinf(torch.exp(O)).any()
        assert torch.isnan(naive).any()
    assert torch.isfinite(stable).all()
    torch.testing.assert_close(stable.sum(dim=1), torch.ones(1))
    torch.testing.assert_close(stable, torch.softmax(O, dim=1))


def test_exp_50_fits_in_float32_but_not_float16():
    assert torch.isfinite(torch.exp(torch.tensor(50.0)))
    assert torch.isinf(torch.exp(torch.tensor(50.0, dtype=torch.float16)))
    assert torch.isinf(torch.exp(torch.tensor(89.0)))  # float32 ends near 88.7
    assert torch.isfinite(torch.exp(torch.tensor(89.0, dtype=torch.float64)))


def test_naive_cross_entropy_is_inf_when_the_probability_underflows():
    O = torch.tensor([[0.0, 120.0]], requires_grad=True)  # true class 0 gets exp(-120) -> 0
    y = torch.tensor([0])
    p = softmax_stable(O)
    assert p[0, 0] == 0  # underflowed to exactly 0 in float32
    naive = cross_entropy_naive(p, y)
    assert torch.isinf(naive).all()
    stable = cross_entropy_stable(O, y)
    assert torch.isclose(stable.detach(), torch.tensor([120.0])).all()
    stable.sum().backward()
    torch.testing.assert_close(O.grad, torch.tensor([[-1.0, 1.0]]))


def test_naive_gradient_is_nan_where_the_loss_is_inf():
    O = torch.tensor([[0.0, 120.0]], requires_grad=True)
    cross_entropy_naive(softmax_naive(O), torch.tensor([0])).sum().backward()
    assert not torch.isfinite(O.grad).all()


def test_logits_of_the_linear_model_give_probabilities():
    g = torch.Generator().manual_seed(1)
    X = torch.rand(5, 1, 28, 28, generator=g)
    W = torch.randn(784, 10, generator=g) * 0.01
    b = torch.randn(10, generator=g)
    y_hat = softmax_naive(logits(X, W, b))
    assert y_hat.shape == (5, 10)
    torch.testing.assert_close(y_hat.sum(dim=1), torch.ones(5))
    torch.testing.assert_close(logits(X, W, b), F.linear(X.reshape(5, -1), W.T, b))
