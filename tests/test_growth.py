"""w_norm and max_logit in every epoch record, against a direct computation.

The direct computation is the book's training written out with PyTorch's own
functions (F.cross_entropy, autograd), the same seeded start and minibatches:
W's Frobenius norm after each epoch and the largest |X @ W + b| over the
epoch's minibatches, recomputed step by step.
"""

import json
import math

import pytest
import torch
import torch.nn.functional as F
from helpers import synthetic

from lib.config import TrainConfig
from lib.data import minibatch_indices
from lib.runs import EPOCH_COLUMNS, Run
from lib.trainers import init_weights, train
from lib.trainers.contract import largest_logit
from lib.trainers.stacked import train_stacked


def direct(cfg: TrainConfig, data) -> list[tuple[float, float]]:
    """(‖W‖, max |logit|) per epoch, epochs 1..num_epochs, by the book's steps."""
    generator = torch.Generator().manual_seed(cfg.seed)
    W, b = init_weights(cfg, generator)
    W, b = W.clone().requires_grad_(True), b.clone().requires_grad_(True)
    X, y = data.X_train.reshape(-1, 784), data.y_train
    out = []
    for _ in range(cfg.num_epochs):
        top = 0.0
        for idx in minibatch_indices(len(y), cfg.batch_size, generator, "cpu"):
            O = X[idx] @ W + b  # (batch, 10)
            top = max(top, float(O.detach().abs().max()))
            F.cross_entropy(O, y[idx], reduction="sum").backward()
            with torch.no_grad():
                W -= cfg.lr * W.grad / len(idx)
                b -= cfg.lr * b.grad / len(idx)
                W.grad.zero_()
                b.grad.zero_()
        out.append((float(torch.linalg.norm(W.detach())), top))
    return out


CFG = TrainConfig(lr=0.5, num_epochs=3, batch_size=64, softmax="stable", device="cpu")


@pytest.mark.parametrize("framework", ["scratch", "concise"])
def test_w_norm_and_max_logit_are_the_direct_ones(framework):
    data = synthetic()
    cfg = TrainConfig(**{**CFG.to_dict(), "framework": framework})
    records = list(train(cfg, data))
    assert records[0].max_logit is None  # epoch 0 trains on no minibatch
    assert records[0].w_norm == pytest.approx(float(torch.linalg.norm(records[0].W)))
    for record, (w_norm, top) in zip(records[1:], direct(cfg, data), strict=True):
        assert record.w_norm == pytest.approx(w_norm, rel=1e-5)
        assert record.w_norm == pytest.approx(float(torch.linalg.norm(record.W)), rel=1e-6)
        assert record.max_logit == pytest.approx(top, rel=1e-5)
    assert records[-1].w_norm > records[0].w_norm  # training grew W


def test_stacked_runs_carry_their_own_w_norm_and_max_logit():
    data = synthetic()
    cfgs = [CFG, TrainConfig(**{**CFG.to_dict(), "lr": 2.0})]
    runs: dict[int, list] = {}
    for i, record in train_stacked(cfgs, data):
        runs.setdefault(i, []).append(record)
    for i, cfg in enumerate(cfgs):
        for record, (w_norm, top) in zip(runs[i][1:], direct(cfg, data), strict=True):
            assert record.w_norm == pytest.approx(w_norm, rel=1e-5)
            assert record.max_logit == pytest.approx(top, rel=1e-5)
    assert runs[1][-1].w_norm > 2 * runs[0][-1].w_norm  # 4x the lr, a larger W


def test_largest_logit_leaves_nan_out_and_keeps_inf():
    O = torch.tensor([[1.0, -5.0], [float("nan"), 2.0]])
    assert float(largest_logit(O)) == 5.0
    assert float(largest_logit(torch.tensor([[float("-inf"), 0.0]]))) == math.inf
    stacked = torch.stack([O, 3 * O], dim=1)  # (2 images, 2 runs, 2 classes)
    assert largest_logit(stacked, dim=(0, 2)).tolist() == [5.0, 15.0]


def test_a_broken_down_epoch_keeps_the_largest_finite_logit_seen():
    cfg = TrainConfig(lr=1e3, num_epochs=3, batch_size=64, softmax="naive", device="cpu")
    last = list(train(cfg, synthetic()))[-1]
    assert last.broke_down
    assert math.isnan(last.w_norm)  # W holds NaN: its norm says so
    assert not math.isnan(last.max_logit)  # the NaN logits after the breakdown are left out
    assert last.max_logit >= abs(last.breakdown.max_logit)


def test_runs_keep_both_and_old_histories_without_them_still_load():
    run = Run(1, CFG)
    for record in train(CFG, synthetic()):
        run.add(record)
    assert {"w_norm", "max_logit"} <= set(run.history[-1]) and "w_norm" in EPOCH_COLUMNS
    old = Run(2, CFG, history=[{"epoch": 0, "train_loss": 2.3, "train_acc": 0.1, "test_acc": 0.1}])
    frame = old.frame()  # a run stored before the fields existed
    assert frame["w_norm"].isna().all() and frame["max_logit"].isna().all()


def test_cli_json_lines_carry_w_norm_and_max_logit(monkeypatch, capsys):
    from lib import cli

    monkeypatch.setattr(cli, "load_data", lambda *a, **k: synthetic())
    args = [
        "--epochs",
        "2",
        "--batch-size",
        "64",
        "--softmax",
        "stable",
        "--json",
        "--device",
        "cpu",
    ]
    assert cli.main(args) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    epochs = [r for r in rows if "epoch" in r]
    assert epochs[0]["max_logit"] is None and epochs[0]["w_norm"] > 0
    cfg = TrainConfig(num_epochs=2, batch_size=64, softmax="stable", device="cpu")
    for row, (w_norm, top) in zip(epochs[1:], direct(cfg, synthetic()), strict=True):
        assert row["w_norm"] == pytest.approx(w_norm, rel=1e-5)
        assert row["max_logit"] == pytest.approx(top, rel=1e-5)


def test_the_growth_chart_draws_both_on_a_log_scale_and_its_name_has_the_figures():
    from lib import describe
    from lib.charts.training import GROWTH_KEYS, curves_table, growth_chart
    from lib.runs import growth_frame

    run = Run(1, CFG)
    for record in train(CFG, synthetic()):
        run.add(record)
    frame = growth_frame([run])
    assert set(frame["metric"]) == {"w_norm", "max_logit"}
    spec = growth_chart(frame, CFG.num_epochs, "en").to_dict()  # validated by Altair
    assert spec["encoding"]["y"]["scale"]["type"] == "log"
    last = run.history[-1]
    for lang in ("en", "zh"):
        text = describe.growth(frame, lang)
        assert f"{last['w_norm']:.4g}" in text and f"{last['max_logit']:.4g}" in text
    table = curves_table(frame, "en", GROWTH_KEYS)
    assert len(table) == CFG.num_epochs + 1  # epoch 0 has a norm, no logit yet
    old = Run(2, CFG, history=[{"epoch": 0, "train_loss": 2.3, "train_acc": 0.1, "test_acc": 0.1}])
    assert growth_frame([old]).empty
    assert "before" in describe.growth(growth_frame([old]), "en")
