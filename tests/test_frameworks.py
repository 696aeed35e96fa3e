"""The concise (torch.nn) trainer against the from-scratch one, and the CLI's --framework.

torch.nn's losses and gradients are checked against lib/softmax.py; the two
trainers start from the same W and see the same minibatches, so their curves
agree to rounding. MindSpore has its own file (tests/test_mindspore.py).
"""

import dataclasses
import json
import math

import pytest
import torch
import torch.nn.functional as F
from helpers import called_while, random_logits, strip, synthetic

import lib.cli
from lib.softmax import cross_entropy_naive, cross_entropy_stable, loss_naive, softmax_naive
from lib.trainers import FRAMEWORKS, TrainConfig, code, concise, framework_available, train

Y8 = torch.tensor([0, 1, 2, 3, 4, 5, 6, 9])


# ---- torch.nn's loss = the from-scratch loss (float32, tolerance 1e-6 relative) --------


@pytest.mark.parametrize("softmax", ["naive", "stable"])
def test_concise_losses_and_gradients_equal_the_from_scratch_ones(softmax):
    O = random_logits().requires_grad_(True)
    ref = O.detach().clone().requires_grad_(True)
    ours = concise.make_loss(softmax)(O, Y8)
    theirs = loss_naive(ref, Y8) if softmax == "naive" else cross_entropy_stable(ref, Y8)
    torch.testing.assert_close(ours, theirs, rtol=1e-6, atol=1e-6)
    ours.sum().backward()
    theirs.sum().backward()
    torch.testing.assert_close(O.grad, ref.grad, rtol=1e-6, atol=1e-7)


def test_the_concise_stable_loss_is_pytorchs_cross_entropy():
    O = random_logits()
    assert isinstance(concise.make_loss("stable"), torch.nn.CrossEntropyLoss)
    torch.testing.assert_close(
        concise.make_loss("stable")(O, Y8), F.cross_entropy(O, Y8, reduction="none")
    )


def test_concise_naive_cannot_overflow_in_exp_but_still_takes_log_of_0():
    """torch's softmax subtracts the row maximum itself; only the log step can break."""
    big = torch.tensor([[89.0, 0.0, -1.0]])  # exp(89) = inf in float32
    assert torch.isnan(loss_naive(big, torch.tensor([0]))).all()  # scratch: inf / inf
    assert torch.isfinite(concise.make_loss("naive")(big, torch.tensor([0]))).all()
    far = torch.tensor([[0.0, -120.0, 0.0]])  # p(class 1) = e^-120 / 2 -> 0
    assert torch.isinf(cross_entropy_naive(softmax_naive(far), torch.tensor([1]))).all()
    assert torch.isinf(concise.make_loss("naive")(far, torch.tensor([1]))).all()
    assert torch.isfinite(concise.make_loss("stable")(far, torch.tensor([1]))).all()


# ---- the trainer ---------------------------------------------------------------------


def test_the_first_weights_are_scratchs_transposed():
    cfg = TrainConfig(framework="concise", num_epochs=1, device="cpu")
    start = next(train(cfg, synthetic()))
    scratch_start = next(train(dataclasses.replace(cfg, framework="scratch"), synthetic()))
    assert start.W.shape == (784, 10) and start.b.shape == (10,)
    assert start.W.dtype == torch.float32 and start.W.device.type == "cpu"
    assert torch.equal(start.W, scratch_start.W) and torch.equal(start.b, scratch_start.b)


@pytest.mark.parametrize("softmax", ["naive", "stable"])
def test_concise_follows_the_scratch_curve(softmax):
    """Same W, same minibatches; only the rounding of mean vs sum / batch_size differs."""
    cfg = TrainConfig(num_epochs=3, batch_size=64, softmax=softmax, device="cpu")
    ours = list(train(dataclasses.replace(cfg, framework="concise"), synthetic()))
    theirs = list(train(cfg, synthetic()))
    assert [r.epoch for r in ours] == [0, 1, 2, 3]
    for a, b in zip(ours, theirs):
        assert a.train_loss == pytest.approx(b.train_loss, abs=1e-5)
        assert a.train_acc == b.train_acc and a.test_acc == b.test_acc
        torch.testing.assert_close(a.W, b.W, rtol=0, atol=1e-5)


def test_same_seed_same_curve_other_seed_other_curve():
    cfg = TrainConfig(framework="concise", num_epochs=2, batch_size=64, device="cpu")
    first, again = strip(train(cfg, synthetic())), strip(train(cfg, synthetic()))
    assert first == again
    assert strip(train(dataclasses.replace(cfg, seed=1), synthetic())) != first


def test_records_are_snapshots_not_the_live_weights():
    records = list(
        train(
            TrainConfig(framework="concise", num_epochs=2, batch_size=64, device="cpu"), synthetic()
        )
    )
    assert not records[0].W.requires_grad
    assert not torch.equal(records[0].W, records[1].W)


def test_stopping_keeps_the_epochs_done():
    run = train(
        TrainConfig(framework="concise", num_epochs=50, batch_size=64, device="cpu"), synthetic()
    )
    start, first = next(run), next(run)
    run.close()
    assert (start.epoch, first.epoch) == (0, 1) and first.W is not None
    assert first.test_acc > start.test_acc


def test_a_breakdown_is_flagged_with_its_cause_not_raised():
    cfg = TrainConfig(framework="concise", lr=1e3, num_epochs=5, batch_size=64, device="cpu")
    records = list(train(cfg, synthetic()))
    last = records[-1]
    assert last.broke_down and len(records) < 6
    assert not any(r.broke_down for r in records[:-1])
    assert last.breakdown.cause == "log_zero"  # not exp_overflow: see lib/trainers/concise.py
    assert last.breakdown.batch >= 1 and last.breakdown.min_p_true == 0.0
    scratch = list(train(dataclasses.replace(cfg, framework="scratch"), synthetic()))[-1]
    assert (scratch.breakdown.epoch, scratch.breakdown.batch) == (
        last.breakdown.epoch,
        last.breakdown.batch,
    )  # the same minibatch breaks both


def test_stable_does_not_break_where_naive_does():
    cfg = TrainConfig(
        framework="concise", lr=1e3, num_epochs=2, batch_size=64, softmax="stable", device="cpu"
    )
    assert not any(r.broke_down for r in train(cfg, synthetic()))


@pytest.mark.slow
def test_the_books_defaults_reach_0_82(real_data):
    records = list(train(TrainConfig(framework="concise", device="cpu"), real_data))
    assert records[-1].epoch == 10 and not records[-1].broke_down
    assert records[-1].test_acc >= 0.82
    assert abs(records[0].train_loss - math.log(10)) < 0.05


def test_concise_follows_scratch_on_the_real_data(real_slice):
    """Two epochs on 6,000 real images (the curves were equal to the last digit)."""
    cfg = TrainConfig(num_epochs=2, softmax="stable", device="cpu")
    ours = list(train(dataclasses.replace(cfg, framework="concise"), real_slice))
    theirs = list(train(cfg, real_slice))
    assert len(ours) == len(theirs) == 3
    for a, b in zip(ours, theirs):
        assert a.train_loss == pytest.approx(b.train_loss, abs=1e-5)
        assert a.train_acc == pytest.approx(b.train_acc, abs=1e-4)  # under 1 image in 6,000
        assert a.test_acc == pytest.approx(b.test_acc, abs=1e-3)


# ---- one entry point, the code shown --------------------------------------------------


def test_every_framework_is_listed_and_the_torch_ones_are_available():
    assert set(FRAMEWORKS) == {"scratch", "concise", "mindspore"}
    assert framework_available("scratch") and framework_available("concise")


@pytest.mark.parametrize("softmax", ["naive", "stable"])
def test_the_concise_code_shown_is_the_code_that_runs(softmax):
    cfg = TrainConfig(
        framework="concise", num_epochs=1, batch_size=64, softmax=softmax, device="cpu"
    )
    shown = code(cfg)
    assert shown[0] is concise.train_concise and concise.make_loss in shown
    assert (concise.NaiveCrossEntropy in shown) == (softmax == "naive")
    assert called_while(lambda: list(train(cfg, synthetic())), shown) == []
    broken = dataclasses.replace(cfg, lr=1e3, softmax="naive", num_epochs=3)
    shown = code(broken, broke_down=True)
    assert concise.first_bad_step in shown
    assert called_while(lambda: list(train(broken, synthetic())), shown) == []


# ---- the CLI --------------------------------------------------------------------------


def test_cli_trains_with_concise(real_slice, capsys, monkeypatch):
    monkeypatch.setattr(lib.cli, "load_data", lambda root, device: real_slice)
    assert lib.cli.main(["--framework", "concise", "--epochs", "1", "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [row.get("epoch") for row in lines[:-1]] == [0, 1]
    assert lines[-1]["framework"] == "concise" and lines[-1]["test_acc"] > 0.6


def test_cli_says_in_one_line_when_a_framework_is_missing(capsys, monkeypatch):
    monkeypatch.setattr(lib.cli, "framework_available", lambda name: name != "mindspore")
    assert lib.cli.main(["--framework", "mindspore", "--epochs", "1"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:")
    assert "mindspore" in lines[0] and "requirements-mindspore.txt" in lines[0]


def test_cli_rejects_an_unknown_framework(capsys):
    with pytest.raises(SystemExit) as stop:
        lib.cli.main(["--framework", "jax"])
    assert stop.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "invalid choice: 'jax'" in err[0]


# ---- a wrong class's probability of 0: NaN in torch.nn's backward, harmless from scratch ----


def wrong_class_underflow():
    """One image whose true class 0 keeps p ≈ 1/9 while class 1's exp(-200) rounds to 0."""
    O = torch.zeros(1, 10)
    O[0, 1] = -200.0  # e^-200 ≈ 1e-87, far below float32's smallest subnormal
    return O, torch.tensor([0])


def test_a_wrong_class_zero_gives_a_finite_loss_but_a_nan_gradient_in_torch_nn():
    O, y = wrong_class_underflow()
    assert torch.softmax(O, dim=1)[0, 1] == 0 and concise.wrong_class_zero(O, y)
    O.requires_grad_(True)
    l = concise.make_loss("naive")(O, y)
    assert torch.isfinite(l).all()  # NLLLoss picks only the true class's log
    l.sum().backward()
    assert torch.isnan(O.grad).all()  # 0 * inf at class 1, spread over the row by softmax
    # the from-scratch loss picks p_y before its log: the same logits give a finite gradient
    ref = O.detach().clone().requires_grad_(True)
    loss_naive(ref, y).sum().backward()
    assert torch.isfinite(ref.grad).all()
    assert not concise.wrong_class_zero(torch.zeros(1, 10), y)


def test_first_bad_step_names_the_wrong_class_zero():
    O, y = wrong_class_underflow()
    net = torch.nn.Linear(10, 10)  # X = O: the net returns the crafted logits
    with torch.no_grad():
        net.weight.copy_(torch.eye(10))
        net.bias.zero_()
    cause, _ = concise.first_bad_step(net, concise.make_loss("naive"), O, y, "naive")
    assert cause == "log_zero_wrong_class"


def test_a_torch_nn_run_that_breaks_in_the_gradient_is_diagnosed_as_torch_nn_breaks():
    """lr 3, batch 64, seed 0 on the synthetic blobs: the loss stays finite in the
    breaking minibatch, a wrong class's probability is 0, and backward gives NaN."""
    cfg = TrainConfig(framework="concise", lr=3, num_epochs=5, batch_size=64, device="cpu")
    last = list(train(cfg, synthetic()))[-1]
    assert last.breakdown.cause == "log_zero_wrong_class"
    assert last.breakdown.min_p_true > 0  # the true class's probability did not underflow
    scratch = list(train(dataclasses.replace(cfg, framework="scratch"), synthetic()))[-1]
    assert scratch.breakdown is None or scratch.breakdown.cause != "log_zero_wrong_class"
