"""lib.overflow against PyTorch: exp limits, naive vs stable softmax, losses and their gradients."""
import math

import pytest
import torch
import torch.nn.functional as F

from lib.charts.overflow import exp_chart, grad_chart, loss_chart, softmax_bars
from lib.overflow import (DTYPES, MAX_LOGITS, LogitsError, breaking_gaps, exp_curve, exp_limits,
                          exp_table, first_bad_gap, loss_vs_gap, parse_logits, softmax_table,
                          summary, table_gaps)

# ---- exp in float16 / float32 / float64 -------------------------------------------

@pytest.mark.parametrize("dtype, high, low", [("float16", 11.09, -16.64),
                                              ("float32", 88.72, -103.28),
                                              ("float64", 709.78, -744.44)])
def test_exp_limits_are_where_exp_overflows_and_underflows(dtype, high, low):
    lo, hi = exp_limits(dtype)
    assert hi == pytest.approx(high, abs=0.01) and lo == pytest.approx(low, abs=0.01)
    exp = lambda x: torch.exp(torch.tensor(x, dtype=DTYPES[dtype])).item()  # noqa: E731
    assert math.isfinite(exp(hi - 0.05)) and math.isinf(exp(hi + 0.05))
    assert exp(lo + 0.05) > 0 and exp(lo - 0.8) == 0


def test_exp_table_computes_in_each_dtype():
    table = exp_table(50.0).set_index("dtype")
    assert list(table["status"]) == ["overflow", "ok", "ok"]      # exp(50) > 65504 in float16
    for name, dtype in DTYPES.items():
        assert table.loc[name, "exp_x"] == torch.exp(torch.tensor(50.0, dtype=dtype)).item()
    assert table.loc["float32", "exp_x"] == pytest.approx(5.1847e21, rel=1e-4)
    assert list(exp_table(89.0)["status"]) == ["overflow", "overflow", "ok"]
    assert list(exp_table(-110.0)["status"]) == ["underflow", "underflow", "ok"]


def test_exp_curve_stops_at_each_limit():
    curve = exp_curve().dropna()
    for name in DTYPES:
        last = curve[curve["dtype"] == name]["x"].max()
        assert exp_limits(name)[1] - 0.01 < last < exp_limits(name)[1]
    row = curve[(curve["dtype"] == "float64")].iloc[0]
    assert row["log10_exp"] == pytest.approx(row["x"] / math.log(10))


# ---- reading the student's logits ----------------------------------------------------

@pytest.mark.parametrize("text, expected", [("1, 2, 50", [1.0, 2.0, 50.0]),
                                            ("1，2 ；-3.5e1", [1.0, 2.0, -35.0]),
                                            ("  7 ", [7.0])])
def test_parse_logits_accepts_numbers(text, expected):
    assert parse_logits(text) == expected


@pytest.mark.parametrize("text, reason, token", [("abc", "not_number", "abc"),
                                                 ("1, 2x, 3", "not_number", "2x"),
                                                 ("", "empty", ""), (" , ", "empty", ""),
                                                 ("1, inf", "not_finite", "inf"),
                                                 ("nan", "not_finite", "nan"),
                                                 (", ".join(["1"] * (MAX_LOGITS + 1)), "too_many",
                                                  str(MAX_LOGITS + 1))])
def test_parse_logits_names_what_is_wrong(text, reason, token):
    with pytest.raises(LogitsError) as err:
        parse_logits(text)
    assert (err.value.reason, err.value.token) == (reason, token)


# ---- naive vs stable softmax ---------------------------------------------------------

def test_softmax_table_matches_torch_on_ordinary_logits():
    logits = torch.randn(7, generator=torch.Generator().manual_seed(0), dtype=torch.float64) * 4
    table = softmax_table(logits.tolist(), "float64")
    expected = torch.softmax(logits, dim=0)
    torch.testing.assert_close(torch.tensor(table["naive"]), expected)
    torch.testing.assert_close(torch.tensor(table["stable"]), expected)
    torch.testing.assert_close(torch.tensor(table["o_shifted"]), logits - logits.max())
    assert table["exp_shifted"].max() == 1.0 and (table["status"] == "ok").all()
    assert summary(table)["bad"] == 0 and summary(table)["diff"] < 1e-15


def test_one_big_logit_overflows_in_float32_not_in_float64():
    table = softmax_table([1, 2, 100], "float32")
    assert list(table["status"]) == ["sum_overflow", "sum_overflow", "overflow"]
    assert math.isinf(table["exp_o"][2]) and math.isnan(table["naive"][2])
    assert list(table["naive"][:2]) == [0.0, 0.0]              # finite / inf
    torch.testing.assert_close(torch.tensor(table["stable"], dtype=torch.float32),
                               torch.softmax(torch.tensor([1.0, 2.0, 100.0]), dim=0))
    assert summary(table)["bad"] == 3
    fine = softmax_table([1, 2, 100], "float64")
    assert (fine["status"] == "ok").all()
    torch.testing.assert_close(torch.tensor(fine["naive"]), torch.tensor(fine["stable"]))


def test_every_exp_fits_but_the_sum_does_not():
    table = softmax_table([88, 88.5], "float32")
    assert table["exp_o"].apply(math.isfinite).all()
    assert list(table["status"]) == ["sum_overflow", "sum_overflow"]
    assert list(table["naive"]) == [0.0, 0.0]
    torch.testing.assert_close(torch.tensor(table["stable"], dtype=torch.float32),
                               torch.softmax(torch.tensor([88.0, 88.5]), dim=0))


def test_everything_underflows_to_zero_over_zero():
    table = softmax_table([-200, -200], "float32")
    assert list(table["status"]) == ["underflow", "underflow"]
    assert table["naive"].apply(math.isnan).all() and list(table["stable"]) == [0.5, 0.5]


def test_exp_50_breaks_float16_only():
    assert softmax_table([1, 2, 50], "float16")["status"][2] == "overflow"
    assert (softmax_table([1, 2, 50], "float32")["status"] == "ok").all()


@pytest.mark.parametrize("c", [-30.0, 30.0, 1000.0])
def test_softmax_is_unchanged_by_a_shift(c):
    logits = torch.tensor([0.5, -1.0, 3.0, 2.0], dtype=torch.float64)
    shifted = softmax_table((logits + c).tolist(), "float64")
    torch.testing.assert_close(torch.tensor(shifted["stable"]), torch.softmax(logits, dim=0))
    torch.testing.assert_close(torch.tensor(shifted["o_shifted"]), logits - logits.max())


# ---- cross-entropy as the logit gap grows --------------------------------------------

def _torch_reference(gaps, dtype):
    """F.cross_entropy and its autograd gradient w.r.t. the true class's logit."""
    gap = torch.tensor(gaps, dtype=dtype)
    O = torch.stack([torch.zeros_like(gap), gap], dim=1).requires_grad_(True)
    loss = F.cross_entropy(O, torch.zeros(len(gaps), dtype=torch.long), reduction="none")
    loss.sum().backward()
    return loss.detach(), O.grad[:, 0]


def test_all_three_losses_and_gradients_match_torch_for_small_gaps():
    gaps = [0.0, 0.5, 1.0, 3.0, 10.0, 30.0, 50.0]
    table = loss_vs_gap(gaps, "float64")
    loss, grad = _torch_reference(gaps, torch.float64)
    for way in ("naive", "log0", "stable"):
        torch.testing.assert_close(torch.tensor(table[f"loss_{way}"]), loss)
        torch.testing.assert_close(torch.tensor(table[f"grad_{way}"]), grad)
    gap = torch.tensor(gaps, dtype=torch.float64)
    torch.testing.assert_close(torch.tensor(table["p_true"]), torch.sigmoid(-gap))


def test_naive_loss_is_inf_past_the_overflow_stable_one_matches_torch():
    gaps = [50.0, 88.0, 89.0, 100.0, 103.0, 105.0, 500.0, 1000.0]
    table = loss_vs_gap(gaps, "float32")
    loss, grad = _torch_reference(gaps, torch.float32)
    torch.testing.assert_close(torch.tensor(table["loss_stable"], dtype=torch.float32), loss)
    torch.testing.assert_close(torch.tensor(table["grad_stable"], dtype=torch.float32), grad)
    assert table["loss_stable"].tolist() == pytest.approx(gaps)          # log(1 + e^gap) ~ gap
    naive_inf = table["loss_naive"].apply(math.isinf).tolist()
    assert naive_inf == [False, False, True, True, True, True, True, True]
    assert table.loc[2:, "grad_naive"].apply(math.isnan).all()
    assert table.loc[2:, "p_true"].eq(0).all()                          # 1 / inf = 0
    log0_inf = table["loss_log0"].apply(math.isinf).tolist()
    assert log0_inf == [False, False, False, False, False, True, True, True]


@pytest.mark.parametrize("dtype, naive, log0", [("float16", 11.09, 17.33),
                                                ("float32", 88.72, 103.97),
                                                ("float64", 709.78, 745.13)])
def test_breaking_gaps(dtype, naive, log0):
    breaks = breaking_gaps(dtype)
    assert breaks["loss_naive"] == pytest.approx(naive, abs=0.05)
    assert breaks["loss_log0"] == pytest.approx(log0, abs=0.05)
    assert breaks["grad_log0"] == pytest.approx(naive, abs=0.05)   # -1/p_y overflows first
    assert breaks["loss_stable"] is None and breaks["grad_stable"] is None


def test_first_bad_gap_and_table_gaps():
    table = loss_vs_gap([0.0, 10.0, 20.0], "float64")
    assert first_bad_gap(table, "loss_naive") is None
    gaps = table_gaps("float32", 200)
    assert {88, 89, 103, 105} <= set(gaps) and max(gaps) == 200
    assert max(table_gaps("float32", 50)) == 50


# ---- charts --------------------------------------------------------------------------

def test_charts_build_and_translate():
    spec = exp_chart(exp_curve(), 50.0, "zh").to_dict()
    assert "对数刻度" in str(spec) and "float32" in str(spec)
    assert "black" not in str(exp_chart(exp_curve(), -5.0, "en").to_dict())   # x out of range
    bars = softmax_bars(softmax_table([1, 2, 100], "float32"), "en").to_dict()
    assert "NaN" in str(bars) and "probability" in str(bars)
    table = loss_vs_gap([0.0, 50.0, 100.0, 150.0], "float32")
    breaks = breaking_gaps("float32", gap_max=150.0, step=0.5)
    for chart in (loss_chart(table, {"naive": breaks["loss_naive"], "log0": None}, "zh"),
                  grad_chart(table, {"naive": None, "log0": None}, "en")):
        assert chart.to_dict()
    assert "从这里起损失 = inf (89.0)" in str(loss_chart(table, {"naive": 89.0}, "zh").to_dict())
