"""The MindSpore trainer: its math against lib/softmax.py (PyTorch), its runs against scratch's.

Skipped without MindSpore, failed instead with REQUIRE_MINDSPORE=1 (CI sets it).

Tolerances: MindSpore's CPU exp differs from torch's by up to ~2.5e-5 relative
(measured over [-80, 88.7]), so values and gradients are compared with
rtol 1e-4; a softmax or loss computed from the same logits agrees to that.
"""

import dataclasses
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from conftest import require
from helpers import called_while, random_logits, strip, synthetic

from lib import softmax as torch_ref
from lib.trainers import TrainConfig, code, framework_available, train

ROOT = Path(__file__).resolve().parents[1]
RTOL, ATOL = 1e-4, 1e-6
Y8 = torch.tensor([0, 1, 2, 3, 4, 5, 6, 9])


@pytest.fixture(scope="module")
def M():
    """lib.trainers.mindspore, or a skip (a failure with REQUIRE_MINDSPORE=1)."""
    try:
        import lib.trainers.mindspore as module
    except ImportError as exc:
        require(
            "mindspore",
            f"MindSpore is not importable ({exc}); pip install -r requirements-mindspore.txt",
        )
    return module


def ms_tensor(t: torch.Tensor):
    from mindspore import Tensor

    return Tensor(t.detach().numpy().astype(np.int32 if t.dtype == torch.int64 else np.float32))


def as_torch(t) -> torch.Tensor:
    return torch.from_numpy(t.asnumpy().copy())


# ---- the math, on the same inputs as PyTorch --------------------------------------------


@pytest.mark.parametrize("name", ["softmax_naive", "softmax_stable"])
def test_softmax_equals_pytorchs(M, name):
    O = random_logits()
    torch.testing.assert_close(
        as_torch(getattr(M, name)(ms_tensor(O))), getattr(torch_ref, name)(O), rtol=RTOL, atol=ATOL
    )


@pytest.mark.parametrize("softmax", ["naive", "stable"])
def test_cross_entropy_and_loss_equal_pytorchs(M, softmax):
    O = random_logits()
    if softmax == "naive":
        ours = M.cross_entropy_naive(M.softmax_naive(ms_tensor(O)), ms_tensor(Y8))
        theirs = torch_ref.cross_entropy_naive(torch_ref.softmax_naive(O), Y8)
    else:
        ours = M.cross_entropy_stable(ms_tensor(O), ms_tensor(Y8))
        theirs = torch_ref.cross_entropy_stable(O, Y8)
    torch.testing.assert_close(as_torch(ours), theirs, rtol=RTOL, atol=ATOL)
    torch.testing.assert_close(
        as_torch(M.LOSSES[softmax](ms_tensor(O), ms_tensor(Y8))),
        torch_ref.LOSSES[softmax](O, Y8),
        rtol=RTOL,
        atol=ATOL,
    )


@pytest.mark.parametrize("softmax", ["naive", "stable"])
def test_value_and_grad_equal_pytorchs_autograd(M, softmax):
    """The loss sum and dL/dW, dL/db of one minibatch, from the same X, W, b, y."""
    import mindspore as ms

    g = torch.Generator().manual_seed(3)
    X = torch.rand(8, 784, generator=g)
    W0, b0 = torch.randn(784, 10, generator=g) * 0.05, torch.randn(10, generator=g) * 0.1
    net = M.SoftmaxRegression(W0.numpy(), b0.numpy())

    def loss_sum(X, y):
        return M.LOSSES[softmax](net(X), y).sum()

    value, grads = ms.value_and_grad(loss_sum, None, net.trainable_params())(
        ms_tensor(X), ms_tensor(Y8)
    )
    W, b = W0.clone().requires_grad_(True), b0.clone().requires_grad_(True)
    expected = torch_ref.LOSSES[softmax](torch_ref.logits(X, W, b), Y8).sum()
    expected.backward()
    assert float(value.asnumpy()) == pytest.approx(float(expected.detach()), rel=RTOL)
    torch.testing.assert_close(as_torch(grads[0]), W.grad, rtol=RTOL, atol=ATOL)
    torch.testing.assert_close(as_torch(grads[1]), b.grad, rtol=RTOL, atol=ATOL)


def test_the_sgd_step_is_the_books(M):
    """param - lr * grad / batch_size, assigned in place."""
    from mindspore import Parameter, Tensor

    param = Parameter(Tensor(np.ones(3, np.float32)), name="p")
    M.sgd([param], [Tensor(np.array([2.0, 4.0, -8.0], np.float32))], lr=0.5, batch_size=4)
    np.testing.assert_allclose(param.asnumpy(), [0.75, 0.5, 2.0])


# ---- where the naive formulas break: the same places as in PyTorch ----------------------


def test_exp_overflows_past_88_7_in_both(M):
    O = torch.tensor([[88.0, 0.0, -1.0], [89.0, 0.0, -1.0]])
    ours, theirs = as_torch(M.softmax_naive(ms_tensor(O))), torch_ref.softmax_naive(O)
    assert torch.isfinite(ours[0]).all() and torch.isfinite(theirs[0]).all()
    assert torch.isnan(ours[1]).any() and torch.isnan(theirs[1]).any()  # inf / inf
    stable = as_torch(M.softmax_stable(ms_tensor(O)))
    torch.testing.assert_close(stable, torch.softmax(O, dim=1), rtol=RTOL, atol=ATOL)


def test_a_true_class_probability_of_0_gives_an_infinite_loss_in_both(M):
    O = torch.tensor([[0.0, -120.0, 0.0]])  # p(class 1) = e^-120 / 2 -> 0 in float32
    y = torch.tensor([1])
    assert torch.isinf(torch_ref.loss_naive(O, y)).all()
    assert torch.isinf(as_torch(M.loss_naive(ms_tensor(O), ms_tensor(y)))).all()
    stable = as_torch(M.loss_stable(ms_tensor(O), ms_tensor(y)))
    torch.testing.assert_close(stable, torch_ref.loss_stable(O, y), rtol=RTOL, atol=ATOL)


def test_mindspores_exp_gives_0_sooner_than_torchs(M):
    """Below about -87 MindSpore's CPU exp returns 0 where torch returns a subnormal
    number (torch reaches 0 only below -103.97): the naive loss meets log(0) sooner."""
    from mindspore import ops

    x = torch.tensor([-95.0])
    assert float(torch.exp(x)) > 0
    assert float(ops.exp(ms_tensor(x)).asnumpy()[0]) == 0.0
    O, y = torch.tensor([[0.0, -95.0]]), torch.tensor([1])
    assert torch.isfinite(torch_ref.loss_naive(O, y)).all()  # -log(6e-42): 95.0
    assert torch.isinf(as_torch(M.loss_naive(ms_tensor(O), ms_tensor(y)))).all()


# ---- the trainer ------------------------------------------------------------------------


def ms_cfg(**kw) -> TrainConfig:
    return TrainConfig(framework="mindspore", device="cpu", **{"batch_size": 64, **kw})


def test_it_is_available_and_starts_from_scratchs_weights(M):
    assert framework_available("mindspore")
    start = next(train(ms_cfg(num_epochs=1), synthetic()))
    scratch = next(
        train(dataclasses.replace(ms_cfg(num_epochs=1), framework="scratch"), synthetic())
    )
    assert start.epoch == 0 and start.W.shape == (784, 10) and start.b.shape == (10,)
    assert start.W.dtype == torch.float32 and isinstance(start.W, torch.Tensor)
    assert torch.equal(start.W, scratch.W) and torch.equal(start.b, scratch.b)
    assert start.train_loss == pytest.approx(scratch.train_loss, rel=RTOL)


@pytest.mark.parametrize("softmax", ["naive", "stable"])
def test_it_follows_the_scratch_curve(M, softmax):
    cfg = ms_cfg(num_epochs=3, softmax=softmax)
    ours = list(train(cfg, synthetic()))
    theirs = list(train(dataclasses.replace(cfg, framework="scratch"), synthetic()))
    assert [r.epoch for r in ours] == [0, 1, 2, 3]
    for a, b in zip(ours, theirs):
        assert a.train_loss == pytest.approx(b.train_loss, rel=1e-3, abs=1e-4)
        assert a.test_acc == pytest.approx(b.test_acc, abs=0.02)
        torch.testing.assert_close(a.W, b.W, rtol=0, atol=1e-3)


def test_eager_and_jit_give_the_same_run(M):
    cfg = ms_cfg(num_epochs=2)
    jitted = list(M.train_mindspore(cfg, synthetic()))
    eager = list(M.train_mindspore(cfg, synthetic(), jit=False))
    for a, b in zip(jitted, eager):
        assert a.train_loss == pytest.approx(b.train_loss, rel=1e-5)
        torch.testing.assert_close(a.W, b.W, rtol=0, atol=1e-5)


def test_same_seed_same_curve_other_seed_other_curve(M):
    cfg = ms_cfg(num_epochs=2)
    first, again = strip(train(cfg, synthetic())), strip(train(cfg, synthetic()))
    assert first == again
    assert strip(train(dataclasses.replace(cfg, seed=1), synthetic())) != first


def test_records_are_snapshots_of_their_own(M):
    records = list(train(ms_cfg(num_epochs=2), synthetic()))
    assert not torch.equal(records[0].W, records[1].W)
    kept = records[1].W.clone()
    records[2].W.zero_()  # a reader writing into one record ...
    assert torch.equal(records[1].W, kept)  # ... touches no other


def test_stopping_keeps_the_epochs_done(M):
    run = train(ms_cfg(num_epochs=50), synthetic())
    start, first = next(run), next(run)
    run.close()
    assert (start.epoch, first.epoch) == (0, 1) and first.W is not None
    assert first.test_acc > start.test_acc


def test_a_breakdown_is_flagged_with_its_cause_not_raised(M):
    cfg = ms_cfg(lr=1e3, num_epochs=5)
    records = list(train(cfg, synthetic()))
    last = records[-1]
    assert last.broke_down and len(records) < 6
    assert not any(r.broke_down for r in records[:-1])
    scratch = list(train(dataclasses.replace(cfg, framework="scratch"), synthetic()))[-1]
    assert last.breakdown.cause == scratch.breakdown.cause == "exp_overflow"
    assert (last.breakdown.epoch, last.breakdown.batch) == (
        scratch.breakdown.epoch,
        scratch.breakdown.batch,
    )
    assert last.breakdown.max_logit == pytest.approx(scratch.breakdown.max_logit, rel=1e-3)
    stable = list(train(dataclasses.replace(cfg, softmax="stable", num_epochs=2), synthetic()))
    assert not any(r.broke_down for r in stable)


def test_the_code_shown_is_the_code_that_runs(M):
    """Run eagerly, every function shown is called from Python (with jit, MindSpore
    compiles the same functions from their source instead of calling them)."""
    cfg = ms_cfg(num_epochs=1)
    shown = code(cfg)
    assert shown[0] is M.train_mindspore and M.loss_naive in shown and M.sgd in shown
    assert called_while(lambda: list(M.train_mindspore(cfg, synthetic(), jit=False)), shown) == []
    broken = ms_cfg(lr=1e3, num_epochs=3)
    assert M.first_bad_step in code(broken, broke_down=True)


def test_cuda_or_mps_without_them_is_a_clear_value_error(M):
    with pytest.raises(ValueError, match="mps"):
        M.device_target("mps")
    import mindspore as ms

    if "GPU" not in ms.get_context("device_target"):
        with pytest.raises(ValueError, match="GPU"):
            M.device_target("cuda")


# ---- the real data ----------------------------------------------------------------------


@pytest.mark.slow  # a full 10-epoch training, as its twins in test_train and test_frameworks
def test_the_books_defaults_reach_0_82(M, real_data):
    records = list(train(TrainConfig(framework="mindspore", device="cpu"), real_data))
    assert records[-1].epoch == 10 and not records[-1].broke_down
    assert records[-1].test_acc >= 0.82
    assert abs(records[0].train_loss - math.log(10)) < 0.05
    assert 0.05 < records[0].test_acc < 0.2


@pytest.mark.parametrize(
    "lr, causes", [(1, ("log_zero", "grad_overflow")), (100, ("exp_overflow",))]
)
def test_naive_breaks_on_the_real_data_as_in_pytorch(M, real_data, lr, causes):
    records = list(
        train(TrainConfig(framework="mindspore", lr=lr, num_epochs=3, device="cpu"), real_data)
    )
    broken = records[-1].breakdown
    assert broken is not None and broken.cause in causes and broken.batch >= 1
    assert (broken.max_logit > 88.7) == (lr == 100)


@pytest.mark.slow  # a child process trains an epoch on all 60,000 images
def test_the_cli_trains_with_mindspore(M, real_data):
    result = subprocess.run(
        [sys.executable, "-m", "lib.cli", "--framework", "mindspore", "--epochs", "1", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "FASHION_MNIST_ROOT": os.environ["FASHION_MNIST_ROOT"]},
    )
    assert result.returncode == 0, result.stderr
    assert "NumPy 1.x" not in result.stderr  # the ABI notice is met quietly
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [row.get("epoch") for row in lines[:-1]] == [0, 1]
    assert lines[-1]["framework"] == "mindspore" and lines[-1]["test_acc"] > 0.6


def test_w_norm_and_max_logit_are_the_direct_ones(M):
    """The MindSpore run's ‖W‖ and largest |logit| per epoch, against the book's steps in
    PyTorch (tests/test_growth.py's direct computation); MindSpore's exp differs by ~2e-5."""
    from test_growth import direct

    cfg = ms_cfg(lr=0.5, num_epochs=2, softmax="stable")
    records = list(train(cfg, synthetic()))
    assert records[0].max_logit is None
    for record, (w_norm, top) in zip(records[1:], direct(cfg, synthetic()), strict=True):
        assert record.w_norm == pytest.approx(w_norm, rel=RTOL)
        assert record.max_logit == pytest.approx(top, rel=RTOL)


def test_largest_logit_leaves_nan_out_and_keeps_inf(M):
    O = ms_tensor(torch.tensor([[1.0, -5.0], [float("nan"), 2.0]]))
    assert float(M.largest_logit(O).asnumpy()) == 5.0
    assert float(M.largest_logit(ms_tensor(torch.tensor([[float("-inf"), 0.0]]))).asnumpy()) == (
        float("inf")
    )


def test_the_clamp_loss_and_its_gradient_equal_pytorchs(M):
    """-log(max(p, EPS)): equal to lib.softmax.loss_clamp, and 0 gradient below EPS."""
    from lib.softmax import loss_clamp

    O = torch.randn(8, 10, generator=torch.Generator().manual_seed(0))
    O[torch.arange(4), (Y8[:4] + 1) % 10] += 40.0  # p_true ~ e^-40: below EPS
    ours = as_torch(M.loss_clamp(ms_tensor(O), ms_tensor(Y8)))
    torch.testing.assert_close(ours, loss_clamp(O, Y8), rtol=RTOL, atol=ATOL)
    import mindspore as ms

    grad = ms.grad(lambda O, y: M.loss_clamp(O, y).sum())(ms_tensor(O), ms_tensor(Y8))
    assert torch.equal(as_torch(grad)[:4], torch.zeros(4, 10))
