"""The clamp variant, -log(max(p, EPS)): against PyTorch's own cross-entropy and autograd."""

import math

import torch
import torch.nn.functional as F
from helpers import synthetic

from lib.config import TrainConfig
from lib.softmax import EPS, LOSSES, cross_entropy_clamp, loss_clamp, softmax_stable
from lib.trainers import code, train
from lib.trainers.concise import make_loss
from lib.trainers.stacked import train_stacked


def logits_with_tiny_true_p():
    """Rows 0-3 give the true class a probability far below EPS; rows 4-7 do not."""
    g = torch.Generator().manual_seed(0)
    O = torch.randn(8, 10, generator=g)
    y = torch.arange(8)
    O[torch.arange(4), (y[:4] + 1) % 10] += 40.0  # a wrong class 40 above: p_true ~ e^-40 < EPS
    return O, y


def test_the_clamped_loss_equals_cross_entropy_above_eps_and_minus_log_eps_below():
    O, y = logits_with_tiny_true_p()
    p_true = torch.softmax(O, dim=1)[torch.arange(8), y]
    below = p_true < EPS
    assert below.tolist() == [True] * 4 + [False] * 4
    l, true = loss_clamp(O, y), F.cross_entropy(O, y, reduction="none")
    torch.testing.assert_close(l[~below], true[~below])
    torch.testing.assert_close(l[below], torch.full((4,), -math.log(EPS)))
    assert (l[below] < true[below]).all()  # the bias: the worst mistakes cost less


def test_its_gradient_is_zero_below_eps_and_autograds_cross_entropy_above():
    O, y = logits_with_tiny_true_p()
    O1, O2 = O.clone().requires_grad_(True), O.clone().requires_grad_(True)
    loss_clamp(O1, y).sum().backward()
    F.cross_entropy(O2, y, reduction="sum").backward()
    assert torch.equal(O1.grad[:4], torch.zeros(4, 10))  # no step for the worst mistakes
    assert O2.grad[:4].abs().max() > 0.9  # where the true loss pulls hardest
    torch.testing.assert_close(O1.grad[4:], O2.grad[4:])
    assert torch.isfinite(O1.grad).all()


def test_torch_nn_clamp_is_the_from_scratch_clamp_loss_and_gradient():
    O, y = logits_with_tiny_true_p()
    O1, O2 = O.clone().requires_grad_(True), O.clone().requires_grad_(True)
    l1, l2 = make_loss("clamp")(O1, y), loss_clamp(O2, y)
    torch.testing.assert_close(l1, l2)
    l1.sum().backward()
    l2.sum().backward()
    torch.testing.assert_close(O1.grad, O2.grad)
    torch.testing.assert_close(cross_entropy_clamp(softmax_stable(O), y), l2.detach())


def test_it_is_a_setting_of_every_torch_trainer_and_of_a_stacked_run():
    data = synthetic()
    cfg = TrainConfig(lr=1e3, num_epochs=2, batch_size=64, softmax="clamp", device="cpu")
    scratch = list(train(cfg, data))
    assert not any(r.broke_down for r in scratch)  # no NaN where naive breaks
    naive = list(train(TrainConfig(**{**cfg.to_dict(), "softmax": "naive"}), data))
    assert naive[-1].broke_down
    concise = list(train(TrainConfig(**{**cfg.to_dict(), "framework": "concise"}), data))
    assert not any(r.broke_down for r in concise)
    stacked = [
        r
        for i, r in train_stacked([cfg, TrainConfig(**{**cfg.to_dict(), "lr": 0.1})], data)
        if i == 0
    ]
    for a, b in zip(stacked, scratch, strict=True):
        assert a.train_loss == b.train_loss or abs(a.train_loss - b.train_loss) < 1e-4 * abs(
            b.train_loss
        )
    assert "clamp" in LOSSES


def test_the_code_shown_for_clamp_is_the_clamp_code():
    shown = code(TrainConfig(softmax="clamp"))
    assert loss_clamp in shown and cross_entropy_clamp in shown
    from lib.trainers.concise import ClampedCrossEntropy

    assert ClampedCrossEntropy in code(TrainConfig(softmax="clamp", framework="concise"))
