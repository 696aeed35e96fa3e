"""Decisions: minimum expected cost, total cost, recall and the reject option, by hand and brute force."""
import math

import numpy as np
import pandas as pd
import pytest
import torch

from lib.charts.decisions import recall_chart, reject_chart
from lib.decisions import (bad_cells, compare, expected_costs, min_cost_decisions, preset_costs,
                           read_costs, recall_per_class, reject_curve, reject_option, total_cost)
from lib.train import TrainConfig, train
from lib.metrics import predict


def random_probs(n=500, q=10, seed=0):
    g = torch.Generator().manual_seed(seed)
    probs = torch.softmax(3 * torch.randn(n, q, generator=g), dim=1)
    return probs, torch.randint(0, q, (n,), generator=g)


def test_expected_costs_match_a_double_loop():
    probs, _ = random_probs(20, 4)
    C = torch.rand(4, 4, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    brute = [[sum(float(probs[n, i]) * float(C[i, j]) for i in range(4)) for j in range(4)]
             for n in range(20)]
    torch.testing.assert_close(expected_costs(probs, C), torch.tensor(brute, dtype=torch.float64))


def test_with_all_errors_equal_min_cost_is_argmax():
    probs, _ = random_probs(2000)
    C = preset_costs("equal")
    assert torch.equal(C, 1 - torch.eye(10, dtype=torch.float64))
    assert torch.equal(min_cost_decisions(probs, C), probs.argmax(dim=1))


def test_a_costly_mistake_flips_the_decision_by_hand():
    probs = torch.zeros(1, 10)
    probs[0, 5], probs[0, 9] = 0.6, 0.4          # sandal 0.6, ankle boot 0.4
    C = preset_costs("one_costly")
    assert C[9, 5] == 10 and C[5, 9] == 1
    # answer sandal: 0.4 * 10 = 4.0; answer ankle boot: 0.6 * 1 = 0.6; anything else: 1.0
    costs = expected_costs(probs, C)[0]
    assert costs[5].item() == pytest.approx(4.0) and costs[9].item() == pytest.approx(0.6)
    assert probs.argmax(dim=1).item() == 5 and min_cost_decisions(probs, C).item() == 9


def test_medical_preset_makes_missing_a_dangerous_class_expensive():
    C = preset_costs("medical", dangerous=(6, 2))
    for i in range(10):
        for j in range(10):
            expected = 0 if i == j else (10 if i in (6, 2) else 1)
            assert C[i, j] == expected
    with pytest.raises(ValueError):
        preset_costs("nonsense")


def test_total_cost_and_recall_against_loops():
    probs, y = random_probs(300)
    C = preset_costs("medical")
    y_pred = probs.argmax(dim=1)
    assert total_cost(y, y_pred, C) == pytest.approx(sum(float(C[a, b]) for a, b in zip(y, y_pred)))
    recall = recall_per_class(y, y_pred)
    for c in range(10):
        mine = (y == c)
        assert recall[c].item() == pytest.approx(float((y_pred[mine] == c).double().mean()))


def test_min_cost_never_costs_more_in_expectation():
    probs, y = random_probs(1000)
    C = torch.rand(10, 10, generator=torch.Generator().manual_seed(3), dtype=torch.float64) * 5
    E = expected_costs(probs, C)
    rows = torch.arange(len(y))
    assert E[rows, min_cost_decisions(probs, C)].sum() <= E[rows, probs.argmax(1)].sum()
    result = compare(probs, y, C)
    assert result.changed == int((result.y_argmax != result.y_min_cost).sum()) > 0
    assert result.cost_argmax == total_cost(y, probs.argmax(1), C)
    assert result.costly_argmax == sum(int(C[a, b] > 1) for a, b in zip(y, probs.argmax(1)))


def test_read_costs_rejects_negative_missing_infinite_and_text():
    good = pd.DataFrame(preset_costs("equal").numpy())
    C, bad = read_costs(good)
    assert bad == [] and torch.equal(C, preset_costs("equal"))
    broken = good.astype(object).copy()
    broken.iloc[0, 1], broken.iloc[2, 3], broken.iloc[4, 4] = -1.0, None, math.inf
    broken.iloc[7, 8], broken.iloc[9, 0] = "abc", math.nan
    C, bad = read_costs(broken)
    assert C is None and bad == [(0, 1), (2, 3), (4, 4), (7, 8), (9, 0)]
    assert bad_cells(np.array([[0.0, "2"], [3, -0.0]], dtype=object)) == []
    C, bad = read_costs(good.iloc[:9])
    assert C is None and len(bad) == 100


def test_reject_option_by_hand():
    probs = torch.tensor([[0.9, 0.1], [0.6, 0.4], [0.45, 0.55], [0.2, 0.8]])
    y = torch.tensor([0, 1, 1, 1])           # the second image is wrong
    assert reject_option(probs, y, 0.0) == (1.0, 0.75)
    assert reject_option(probs, y, 0.7) == (0.5, 1.0)
    coverage, accuracy = reject_option(probs, y, 0.95)
    assert coverage == 0.0 and math.isnan(accuracy)


def test_reject_curve_matches_brute_force_and_coverage_falls():
    probs, y = random_probs(400)
    thresholds = np.linspace(0.1, 1.0, 19)
    curve = reject_curve(probs, y, thresholds)
    assert list(curve.columns) == ["threshold", "coverage", "accuracy"]
    assert (np.diff(curve["coverage"]) <= 0).all()
    for row in curve.itertuples():
        kept = [i for i in range(len(y)) if probs[i].max() >= row.threshold]
        assert row.coverage == pytest.approx(len(kept) / len(y))
        if kept:
            right = sum(int(probs[i].argmax() == y[i]) for i in kept)
            assert row.accuracy == pytest.approx(right / len(kept))


def test_charts_are_translated():
    probs, y = random_probs(100)
    r = recall_per_class(y, probs.argmax(1))
    spec = str(recall_chart(r, r, [f"c{i}" for i in range(10)], "zh").to_dict())
    assert "召回率" in spec and "最小期望代价" in spec
    curve = reject_curve(probs, y, [0.2, 0.5])
    spec = str(reject_chart(curve, 0.5, *reject_option(probs, y, 0.5), "zh").to_dict())
    assert "覆盖率" in spec and "阈值 0.50" in spec


def test_on_real_data_missing_shirts_costs_less_with_the_medical_matrix(real_data):
    cfg = TrainConfig(num_epochs=1, softmax="stable", device="cpu")
    record = list(train(cfg, real_data))[-1]
    pred = predict(record.W, record.b, real_data.X_test, real_data.y_test)
    result = compare(pred.probs, pred.y, preset_costs("medical", dangerous=(6,)))
    assert result.recall_min_cost[6] > result.recall_argmax[6] + 0.1   # shirts are found more often
    assert result.cost_min_cost < result.cost_argmax
    assert result.costly_min_cost < result.costly_argmax / 2             # far fewer missed shirts
    assert compare(pred.probs, pred.y, preset_costs("equal")).changed == 0
