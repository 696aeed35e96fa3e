"""Decisions: minimum expected cost, the reject option, refer as a costed answer and calibration.

Each rule is checked by hand on a few images and against a brute-force loop.
"""

import math

import numpy as np
import pandas as pd
import pytest
import torch

from lib.charts.decisions import recall_chart, reject_chart, reliability_chart
from lib.decisions import (
    adjust_to_priors,
    bad_cells,
    base_rates,
    class_priors,
    compare,
    expected_calibration_error,
    expected_costs,
    field_accuracy,
    field_cost,
    field_weights,
    min_cost_decisions,
    min_cost_with_reject,
    preset_costs,
    read_costs,
    recall_per_class,
    refer_summary,
    reject_curve,
    reject_option,
    reliability,
    shifted_priors,
    threshold_answers,
    total_cost,
    with_refer,
)
from lib.metrics import predict


def random_probs(n=500, q=10, seed=0):
    g = torch.Generator().manual_seed(seed)
    probs = torch.softmax(3 * torch.randn(n, q, generator=g), dim=1)
    return probs, torch.randint(0, q, (n,), generator=g)


def test_expected_costs_match_a_double_loop():
    probs, _ = random_probs(20, 4)
    C = torch.rand(4, 4, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    brute = [
        [sum(float(probs[n, i]) * float(C[i, j]) for i in range(4)) for j in range(4)]
        for n in range(20)
    ]
    torch.testing.assert_close(expected_costs(probs, C), torch.tensor(brute, dtype=torch.float64))


def test_with_all_errors_equal_min_cost_is_argmax():
    probs, _ = random_probs(2000)
    C = preset_costs("equal")
    assert torch.equal(C, 1 - torch.eye(10, dtype=torch.float64))
    assert torch.equal(min_cost_decisions(probs, C), probs.argmax(dim=1))


def test_a_costly_mistake_flips_the_decision_by_hand():
    probs = torch.zeros(1, 10)
    probs[0, 5], probs[0, 9] = 0.6, 0.4  # sandal 0.6, ankle boot 0.4
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
        mine = y == c
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
    y = torch.tensor([0, 1, 1, 1])  # the second image is wrong
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


def test_on_real_data_missing_shirts_costs_less_with_the_medical_matrix(real_data, trained_run):
    """On the session's one-epoch run (stable softmax) on the real data."""
    pred = predict(trained_run.W, trained_run.b, real_data.X_test, real_data.y_test)
    result = compare(pred.probs, pred.y, preset_costs("medical", dangerous=(6,)))
    assert result.recall_min_cost[6] > result.recall_argmax[6] + 0.1  # shirts are found more often
    assert result.cost_min_cost < result.cost_argmax
    assert result.costly_min_cost < result.costly_argmax / 2  # far fewer missed shirts
    assert compare(pred.probs, pred.y, preset_costs("equal")).changed == 0


# ---- refer to a doctor as a costed answer ----------------------------------------


def brute_min_cost_with_refer(probs, C, c):
    """Loop over images and answers; the first of equal costs wins, refer (q) comes last."""
    q, answers = C.shape[0], []
    for p in probs.tolist():
        costs = [sum(p[i] * float(C[i, j]) for i in range(q)) for j in range(q)] + [c]
        answers.append(min(range(q + 1), key=lambda j: (costs[j], j)))
    return torch.tensor(answers)


def test_with_refer_adds_a_constant_last_column():
    C = preset_costs("medical")
    ext = with_refer(C, 0.25)
    assert ext.shape == (10, 11) and torch.equal(ext[:, :10], C)
    assert (ext[:, 10] == 0.25).all()
    for bad in (-0.1, math.inf, math.nan):
        with pytest.raises(ValueError):
            with_refer(C, bad)


@pytest.mark.parametrize("c", [0.05, 0.2, 0.3, 0.5, 0.7])
def test_refer_with_0_1_costs_is_chows_threshold_rule(c):
    probs, _ = random_probs(3000, seed=4)
    probs = probs.double() / probs.double().sum(dim=1, keepdim=True)  # rows sum to 1 in float64
    C = preset_costs("equal")
    mine = min_cost_with_reject(probs, C, c)
    assert torch.equal(mine, brute_min_cost_with_refer(probs, C, c))
    assert torch.equal(mine, threshold_answers(probs, 1 - c))  # Chow: answer iff max p >= 1 - c
    referred = int((mine == 10).sum())
    assert 0 < referred < 3000  # both branches are tested


def test_refer_by_hand_and_a_tie_answers():
    probs = torch.tensor([[0.75, 0.25], [0.5, 0.5], [0.875, 0.125]], dtype=torch.float64)
    C = preset_costs("equal", q=2)
    # expected costs: answer = 1 - max p = 0.25, 0.5, 0.125; refer = 0.25: a tie answers
    assert min_cost_with_reject(probs, C, 0.25).tolist() == [0, 2, 0]
    assert threshold_answers(probs, 0.75).tolist() == [0, 2, 0]
    assert min_cost_with_reject(probs, C, 0.2).tolist() == [2, 2, 0]
    # a costly class changes the rule: missing class 1 costs 10, so 0.25 of it is 2.5 > 0.3
    C_costly = torch.tensor([[0.0, 1.0], [10.0, 0.0]], dtype=torch.float64)
    assert min_cost_with_reject(probs, C_costly, 0.3).tolist() == [2, 2, 2]
    assert (
        min_cost_with_reject(probs, C_costly, 0.3).tolist()
        == brute_min_cost_with_refer(probs, C_costly, 0.3).tolist()
    )


def test_refer_summary_by_hand():
    probs = torch.tensor([[0.9, 0.1], [0.6, 0.4], [0.45, 0.55], [0.2, 0.8]], dtype=torch.float64)
    y = torch.tensor([0, 1, 1, 0])
    s = refer_summary(probs, y, preset_costs("equal", q=2), 0.3)  # answer iff max p >= 0.7
    assert s["answers"].tolist() == [0, 2, 2, 1]
    assert s["referred"] == 2 and s["coverage"] == 0.5 and s["accuracy"] == 0.5
    assert s["cost"] == pytest.approx(0 + 0.3 + 0.3 + 1)  # one mistake, two referrals
    assert s["cost_without"] == 2.0  # argmax 0, 0, 1, 1: 2 wrong


# ---- calibration -----------------------------------------------------------------------


def test_reliability_and_ece_by_hand():
    probs = torch.tensor([[0.55, 0.45], [0.58, 0.42], [0.1, 0.9], [0.95, 0.05], [0.3, 0.7]])
    y = torch.tensor([0, 1, 1, 0, 0])  # right, wrong, right, right, wrong
    table = reliability(probs, y, bins=5)
    assert table["count"].tolist() == [0, 0, 2, 1, 2]
    used = table[table["count"] > 0]
    assert used["confidence"].tolist() == pytest.approx([0.565, 0.7, 0.925])
    assert used["accuracy"].tolist() == pytest.approx([0.5, 0.0, 1.0])
    assert table["confidence"].iloc[:2].isna().all()
    # (2 * |0.5 - 0.565| + 1 * |0 - 0.7| + 2 * |1 - 0.925|) / 5 = 0.98 / 5
    assert expected_calibration_error(probs, y, bins=5) == pytest.approx(0.196)


def test_reliability_bins_match_a_loop():
    probs, y = random_probs(700, seed=5)
    table = reliability(probs, y, bins=15)
    assert table["count"].sum() == 700 and list(table["bin"]) == list(range(15))
    top, y_hat = probs.double().max(dim=1)
    for row in table.itertuples():
        members = [i for i in range(700) if row.lower < top[i] <= row.upper]
        assert row.count == len(members)
        if members:
            assert row.confidence == pytest.approx(float(top[members].mean()))
            right = (y_hat[members] == y[members]).double().mean()
            assert row.accuracy == pytest.approx(float(right))


def calibrated_sample(n, sharpen=1.0, seed=0):
    """Two classes; the model says p(class 0) = c and class 0 is the truth with probability c.

    sharpen > 1 makes the same model report more confident probabilities.
    """
    g = torch.Generator().manual_seed(seed)
    c = 0.5 + 0.5 * torch.rand(n, generator=g, dtype=torch.float64)  # top probability
    y = (torch.rand(n, generator=g, dtype=torch.float64) >= c).long()  # 0 with probability c
    logit = torch.log(c / (1 - c)) * sharpen
    p0 = torch.sigmoid(logit)
    return torch.stack([p0, 1 - p0], dim=1), y


def test_a_perfectly_calibrated_model_has_ece_near_zero_and_a_sharpened_one_does_not():
    probs, y = calibrated_sample(200_000)
    ece = expected_calibration_error(probs, y)
    assert ece < 0.006  # sampling noise only: about 0.5 / sqrt(200000 / 8)
    table = reliability(probs, y)
    used = table[table["count"] > 1000]
    assert (used["gap"].abs() < 0.02).all()
    sharp, y2 = calibrated_sample(200_000, sharpen=3.0)
    assert expected_calibration_error(sharp, y2) > 0.1  # much surer than right
    assert (reliability(sharp, y2)["gap"].dropna() >= -0.01).all()


def test_ece_of_nothing_is_nan():
    nothing = torch.zeros(0, 10), torch.zeros(0, dtype=torch.long)
    assert math.isnan(expected_calibration_error(*nothing))


def test_reliability_chart_is_translated_and_leaves_out_empty_bins():
    probs, y = random_probs(300)
    table = reliability(probs, y)
    spec = reliability_chart(table, "zh").to_dict()
    text = str(spec)
    assert "置信度（最大概率）" in text and "完全校准" in text
    bars = spec["datasets"][spec["vconcat"][0]["layer"][0]["data"]["name"]]
    assert len(bars) == int((table["count"] > 0).sum()) < 15  # no bar for an empty bin
    hist = spec["datasets"][spec["vconcat"][1]["data"]["name"]]
    assert len(hist) == 15 and sum(r["share"] for r in hist) == pytest.approx(1.0)
    assert "calibrated" in str(reliability_chart(table, "en").to_dict())


def test_reject_chart_marks_chows_threshold():
    probs, y = random_probs(200)
    curve = reject_curve(probs, y, [0.3, 0.7])
    spec = str(
        reject_chart(
            curve,
            0.5,
            *reject_option(probs, y, 0.5),
            "en",
            chow=(0.7, *reject_option(probs, y, 0.7)),
        ).to_dict()
    )
    assert "1 − c = 0.70" in spec


def test_on_real_data_chow_holds_and_the_probabilities_are_nearly_calibrated(
    real_data, trained_run
):
    """On the session's one-epoch run (stable softmax) on the real data."""
    pred = predict(trained_run.W, trained_run.b, real_data.X_test, real_data.y_test)
    C = preset_costs("equal")
    for c in (0.1, 0.3, 0.5):
        assert torch.equal(
            min_cost_with_reject(pred.probs, C, c), threshold_answers(pred.probs, 1 - c)
        )
    table = reliability(pred.probs, pred.y)
    assert table["count"].sum() == 10_000
    ece = expected_calibration_error(pred.probs, pred.y)
    assert 0 < ece < 0.1  # a softmax regression is roughly calibrated, not perfectly


# ---- base rates ---------------------------------------------------------------------


def test_class_priors_and_a_shifted_share():
    y = torch.tensor([0, 0, 1, 2, 2, 2, 3, 3])
    assert class_priors(y, 4).tolist() == [2 / 8, 1 / 8, 3 / 8, 2 / 8]
    uniform = torch.full((10,), 0.1, dtype=torch.float64)
    field = shifted_priors(uniform, 6, 0.1)
    # class 6 ten times rarer than each other class, shares summing to 1: 0.1 / 9.1 and 1 / 9.1
    assert float(field[6]) == pytest.approx(0.1 / 9.1)
    assert field[torch.arange(10) != 6].tolist() == pytest.approx([1 / 9.1] * 9)
    assert float(field.sum()) == pytest.approx(1.0)
    assert torch.equal(shifted_priors(uniform, 3, 1.0), uniform)
    for cls, factor in ((10, 0.1), (-1, 0.1), (0, 0.0), (0, -1.0), (0, math.inf), (0, math.nan)):
        with pytest.raises(ValueError):
            shifted_priors(uniform, cls, factor)
    with pytest.raises(ValueError, match="no labels"):
        class_priors(torch.tensor([], dtype=torch.long))


def test_adjusted_probabilities_are_bayes_rule():
    probs, _ = random_probs(50, 10, seed=3)
    train = torch.softmax(torch.randn(10, generator=torch.Generator().manual_seed(4)), 0).double()
    field = shifted_priors(train, 2, 0.05)
    adjusted = adjust_to_priors(probs, train, field)
    # by hand: p(y | x) * field(y) / train(y), divided by its row sum
    for n in range(5):
        w = [float(probs[n, k]) * float(field[k]) / float(train[k]) for k in range(10)]
        assert adjusted[n].tolist() == pytest.approx([v / sum(w) for v in w])
    # the same as adding log(field / train) to the log-probabilities before softmax
    logit_view = torch.softmax(probs.double().log() + (field / train).log(), dim=1)
    torch.testing.assert_close(adjusted, logit_view)
    torch.testing.assert_close(
        adjust_to_priors(probs, train, train), probs.double(), rtol=1e-6, atol=1e-7
    )
    with pytest.raises(ValueError, match="training share"):
        adjust_to_priors(probs, torch.zeros(10, dtype=torch.float64), field)


def test_field_cost_and_accuracy_reweight_the_test_images_by_class():
    probs, y = random_probs(400, 4, seed=5)
    C = torch.rand(4, 4, generator=torch.Generator().manual_seed(6), dtype=torch.float64)
    C.fill_diagonal_(0)
    y_pred = probs.argmax(dim=1)
    field = torch.tensor([0.7, 0.1, 0.15, 0.05], dtype=torch.float64)
    # directly: the field's share of class i times the mean cost on the test images of class i
    direct = sum(float(field[i]) * float(C[i, y_pred[y == i]].mean()) for i in range(4))
    assert field_cost(y, y_pred, C, field) == pytest.approx(direct)
    acc = sum(float(field[i]) * float((y_pred[y == i] == i).double().mean()) for i in range(4))
    assert field_accuracy(y, y_pred, field, 4) == pytest.approx(acc)
    assert float(field_weights(y, field, 4).mean()) == pytest.approx(1.0)
    # with the test set's own shares: the plain mean cost and accuracy
    test = class_priors(y, 4)
    assert field_cost(y, y_pred, C, test) == pytest.approx(total_cost(y, y_pred, C) / len(y))
    assert field_accuracy(y, y_pred, test, 4) == pytest.approx(float((y_pred == y).double().mean()))
    with pytest.raises(ValueError, match="no test image"):
        field_cost(y[y != 3], y_pred[y != 3], C, field)


def test_base_rates_at_factor_1_change_nothing():
    probs, y = random_probs(300, 10, seed=7)
    C = preset_costs("medical", 10)
    shift = base_rates(probs, y, C, class_priors(y, 10), cls=6, factor=1.0)
    assert shift.changed == 0 and torch.equal(shift.y_plain, shift.y_adjusted)
    assert (
        shift.cost_plain
        == shift.cost_adjusted
        == pytest.approx(total_cost(y, shift.y_plain, C) / len(y))
    )


def test_a_rarer_class_is_answered_less_and_the_field_cost_falls():
    """A model whose probabilities are the true posteriors: Bayes' correction must pay off."""
    g = torch.Generator().manual_seed(8)
    n, q = 20_000, 4
    probs = torch.softmax(1.5 * torch.randn(n, q, generator=g), dim=1)  # p(y | x), uniform classes
    y = torch.multinomial(probs, 1, generator=g)[:, 0]  # labels drawn from those posteriors
    train = class_priors(y, q)  # ~ 1/4 each; the same shares as the "test" labels
    C = preset_costs("equal", q)
    shift = base_rates(probs, y, C, train, cls=1, factor=0.1)
    assert shift.answered(shift.y_adjusted) < shift.answered(shift.y_plain)
    assert shift.changed == int((shift.y_plain == 1).sum() - (shift.y_adjusted == 1).sum())
    assert shift.cost_adjusted < shift.cost_plain
    assert shift.acc_adjusted > shift.acc_plain
    # 0-1 costs: the field cost is 1 - field accuracy
    assert shift.cost_plain == pytest.approx(1 - shift.acc_plain)
    # the answers are the argmax of p(y | x) * field(y) / train(y), computed directly
    direct = (probs.double() * shift.field / train).argmax(dim=1)
    assert torch.equal(shift.y_adjusted, direct)
