"""lib.overflow against PyTorch: exp limits, naive vs stable softmax, losses and their gradients."""

import math
import tracemalloc

import pytest
import torch
import torch.nn.functional as F

from lib.charts.overflow import exp_chart, grad_chart, loss_chart, softmax_bars
from lib.overflow import (
    DTYPES,
    MAX_CHARS,
    MAX_LOGITS,
    LogitsError,
    breaking_gaps,
    compare,
    exp_curve,
    exp_edges,
    exp_limits,
    exp_table,
    first_bad_gap,
    loss_vs_gap,
    parse_logits,
    significant_bits,
    softmax_table,
    table_gaps,
    tolerance,
)

# ---- exp in float16 / float32 / float64 -------------------------------------------


def neighbours(limit: float, dtype: torch.dtype) -> tuple[torch.Tensor, torch.Tensor]:
    """The numbers of `dtype` just below and just above `limit`.

    nextafter in float64 on the boundary, rounded into the dtype; where rounding
    lands on the wrong side, one more nextafter step in the dtype itself.
    """
    inf = torch.tensor(math.inf, dtype=dtype)
    below = torch.tensor(math.nextafter(limit, -math.inf), dtype=torch.float64).to(dtype)
    above = torch.tensor(math.nextafter(limit, math.inf), dtype=torch.float64).to(dtype)
    if below.double() >= limit:
        below = torch.nextafter(below, -inf)
    if above.double() <= limit:
        above = torch.nextafter(above, inf)
    assert below.double() < limit < above.double()
    return below, above


def exp_in(x: torch.Tensor) -> tuple[float, float]:
    """exp(x) in x's dtype, alone and inside a 64-long vector (the vectorised kernel)."""
    return torch.exp(x).item(), torch.exp(x.repeat(64))[17].item()


@pytest.mark.parametrize(
    "dtype, low, high",
    [("float16", -17.33, 11.09), ("float32", -103.97, 88.72), ("float64", -745.13, 709.78)],
)
def test_exp_limits_are_where_torch_exp_rounds_to_zero_and_to_inf(dtype, low, high):
    lo, hi = exp_limits(dtype)
    assert lo == pytest.approx(low, abs=0.005) and hi == pytest.approx(high, abs=0.005)
    info = torch.finfo(DTYPES[dtype])
    smallest = info.smallest_normal * info.eps  # float32: 2**-149
    assert lo == pytest.approx((math.log2(smallest) - 1) * math.log(2))  # log of half of it
    below, above = neighbours(lo, DTYPES[dtype])
    assert exp_in(below) == (0.0, 0.0)
    assert exp_in(above) == (smallest, smallest)  # the smallest subnormal, not 0
    below, above = neighbours(hi, DTYPES[dtype])
    assert all(info.max * 0.99 < v <= info.max for v in exp_in(below))  # finite, near the top
    assert all(math.isinf(v) for v in exp_in(above))


@pytest.mark.parametrize("dtype", list(DTYPES))
def test_exp_limits_split_every_number_of_the_dtype(dtype):
    """On a grid from -800 to 800, exp is 0 exactly below `low` and inf exactly above `high`."""
    low, high = exp_limits(dtype)
    x = torch.arange(-800.0, 800.0, 0.0371, dtype=torch.float64).to(DTYPES[dtype])
    y = torch.exp(x)
    assert torch.equal(y == 0, x.double() < low)
    assert torch.equal(torch.isinf(y), x.double() > high)


def test_exp_table_computes_in_each_dtype():
    table = exp_table(50.0).set_index("dtype")
    assert list(table["status"]) == ["overflow", "ok", "ok", "ok"]  # exp(50) > 65504 in float16
    for name, dtype in DTYPES.items():
        assert table.loc[name, "exp_x"] == torch.exp(torch.tensor(50.0, dtype=dtype)).item()
    assert table.loc["float32", "exp_x"] == pytest.approx(5.1847e21, rel=1e-4)
    assert list(exp_table(89.0)["status"]) == ["overflow", "overflow", "overflow", "ok"]
    assert list(exp_table(-110.0)["status"]) == ["underflow", "underflow", "underflow", "ok"]


def test_exp_table_at_minus_103_5_agrees_with_its_own_column():
    """The row the old limit (-103.28) got wrong: exp(-103.5) is tiny but not 0 in float32."""
    row = exp_table(-103.5).set_index("dtype").loc["float32"]
    assert row["exp_x"] == torch.exp(torch.tensor(-103.5)).item() > 0
    assert row["status"] == "subnormal" and row["bits"] == 1 and row["min_x"] < -103.5
    row = exp_table(-104.0).set_index("dtype").loc["float32"]
    assert row["exp_x"] == 0 and row["status"] == "underflow" and row["min_x"] > -104.0


@pytest.mark.parametrize(
    "value, dtype, bits",
    [
        (1.0, "float32", 24),
        (1.0, "float16", 11),
        (1.0, "float64", 53),
        (0.0, "float32", 0),
        (2**-149, "float32", 1),
        (3 * 2**-149, "float32", 2),
        (2**-127, "float32", 23),
        (2**-24, "float16", 1),
        (2**-1074, "float64", 1),
    ],
)
def test_significant_bits(value, dtype, bits):
    assert significant_bits(value, dtype) == bits


def test_exp_curve_stops_at_each_limit():
    curve = exp_curve().dropna()
    for name in DTYPES:
        last = curve[curve["dtype"] == name]["x"].max()
        assert exp_limits(name)[1] - 0.01 < last  # x is rounded to the dtype before exp:
        assert torch.tensor(last, dtype=DTYPES[name]).item() <= exp_edges(name)[1]  # its edge
    row = curve[(curve["dtype"] == "float64")].iloc[0]
    assert row["log10_exp"] == pytest.approx(row["x"] / math.log(10))


# ---- reading the student's logits ----------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [("1, 2, 50", [1.0, 2.0, 50.0]), ("1，2 ；-3.5e1", [1.0, 2.0, -35.0]), ("  7 ", [7.0])],
)
def test_parse_logits_accepts_numbers(text, expected):
    assert parse_logits(text) == expected


@pytest.mark.parametrize(
    "text, reason, token",
    [
        ("abc", "not_number", "abc"),
        ("1, 2x, 3", "not_number", "2x"),
        ("", "empty", ""),
        (" , ", "empty", ""),
        ("1, inf", "not_finite", "inf"),
        ("nan", "not_finite", "nan"),
        (", ".join(["1"] * (MAX_LOGITS + 1)), "too_many", str(MAX_LOGITS + 1)),
        ("1 " * MAX_CHARS, "too_long", str(2 * MAX_CHARS)),
        ("1" * (MAX_CHARS + 1), "too_long", str(MAX_CHARS + 1)),
    ],
)
def test_parse_logits_names_what_is_wrong(text, reason, token):
    with pytest.raises(LogitsError) as err:
        parse_logits(text)
    assert (err.value.reason, err.value.token) == (reason, token)


def test_parse_logits_accepts_text_up_to_the_limit():
    text = "1" + " " * (MAX_CHARS - 2) + "2"
    assert len(text) == MAX_CHARS and parse_logits(text) == [1.0, 2.0]


def test_a_huge_text_is_refused_before_it_is_split():
    """10 MB of "1 " would be 5 million tokens (about 300 MB of str objects) if split."""
    text = "1 " * 5_000_000
    tracemalloc.start()
    with pytest.raises(LogitsError) as err:
        parse_logits(text)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert err.value.reason == "too_long" and peak < 100_000  # bytes: nothing was split


# ---- naive vs stable softmax ---------------------------------------------------------


def test_softmax_table_matches_torch_on_ordinary_logits():
    logits = torch.randn(7, generator=torch.Generator().manual_seed(0), dtype=torch.float64) * 4
    table = softmax_table(logits.tolist(), "float64")
    expected = torch.softmax(logits, dim=0)
    torch.testing.assert_close(torch.tensor(table["naive"]), expected)
    torch.testing.assert_close(torch.tensor(table["stable"]), expected)
    torch.testing.assert_close(torch.tensor(table["o_shifted"]), logits - logits.max())
    assert table["exp_shifted"].max() == 1.0 and (table["status"] == "ok").all()
    facts = compare(table, "float64")
    assert facts["verdict"] == "agree" and facts["bad"] == 0 and facts["diff"] < 1e-15


def test_one_big_logit_overflows_in_float32_not_in_float64():
    table = softmax_table([1, 2, 100], "float32")
    assert list(table["status"]) == ["sum_overflow", "sum_overflow", "overflow"]
    assert math.isinf(table["exp_o"][2]) and math.isnan(table["naive"][2])
    assert list(table["naive"][:2]) == [0.0, 0.0]  # finite / inf
    torch.testing.assert_close(
        torch.tensor(table["stable"], dtype=torch.float32),
        torch.softmax(torch.tensor([1.0, 2.0, 100.0]), dim=0),
    )
    facts = compare(table, "float32")
    assert facts["verdict"] == "broken" and facts["bad"] == 3
    fine = softmax_table([1, 2, 100], "float64")
    assert (fine["status"] == "ok").all()
    torch.testing.assert_close(torch.tensor(fine["naive"]), torch.tensor(fine["stable"]))


def test_every_exp_fits_but_the_sum_does_not():
    table = softmax_table([88, 88.5], "float32")
    assert table["exp_o"].apply(math.isfinite).all()
    assert list(table["status"]) == ["sum_overflow", "sum_overflow"]
    assert list(table["naive"]) == [0.0, 0.0]
    torch.testing.assert_close(
        torch.tensor(table["stable"], dtype=torch.float32),
        torch.softmax(torch.tensor([88.0, 88.5]), dim=0),
    )


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


# ---- comparing naive and stable with a tolerance ----------------------------------------


def test_subnormal_exps_make_the_two_disagree():
    """-103 and -103.5 in float32: both exps round to the smallest subnormal: naive 0.5 / 0.5."""
    table = softmax_table([-103, -103.5], "float32")
    assert list(table["naive"]) == [0.5, 0.5] and list(table["status"]) == ["subnormal"] * 2
    expected = torch.softmax(torch.tensor([-103.0, -103.5], dtype=torch.float64), dim=0)
    torch.testing.assert_close(torch.tensor(table["stable"]), expected, rtol=1e-6, atol=1e-7)
    facts = compare(table, "float32")
    assert (facts["verdict"], facts["cause"]) == ("disagree", "subnormal")
    assert facts["bits"] == 1 and facts["digits"] == 24 and facts["subnormal"] == 2
    assert facts["diff"] == pytest.approx(0.1225, abs=1e-3) and facts["bad"] == 0


@pytest.mark.parametrize(
    "logits, dtype",
    [([-15, -15.3], "float16"), ([-740, -741], "float64"), ([-100, -110], "float32")],
)
def test_subnormal_disagreement_in_every_dtype(logits, dtype):
    facts = compare(softmax_table(logits, dtype), dtype)
    assert (facts["verdict"], facts["cause"]) == ("disagree", "subnormal")
    assert facts["bits"] < facts["digits"]


@pytest.mark.parametrize("dtype", list(DTYPES))
def test_ordinary_logits_agree_within_the_tolerance(dtype):
    """Random rows whose exps are all normal: rounding alone never trips the tolerance."""
    gen = torch.Generator().manual_seed(1)
    info = torch.finfo(DTYPES[dtype])
    low, high = math.log(info.smallest_normal) + 0.5, math.log(info.max / 20) - 0.5
    for _ in range(300):
        q = int(torch.randint(1, MAX_LOGITS + 1, (1,), generator=gen))
        row = torch.rand(q, generator=gen, dtype=torch.float64) * (high - low) + low
        facts = compare(softmax_table(row.tolist(), dtype), dtype)
        assert facts["verdict"] == "agree", (row, facts)
        assert facts["diff"] <= 4 * info.eps  # 2 eps (1 + |p|) at most


def test_overflow_is_still_broken_and_tolerance_is_per_dtype():
    for logits, dtype in [
        ([1, 2, 100], "float32"),
        ([88, 88.5], "float32"),
        ([-200, -200], "float32"),
        ([1, 2, 50], "float16"),
    ]:
        facts = compare(softmax_table(logits, dtype), dtype)
        assert facts["verdict"] == "broken" and facts["cause"] is None and facts["bad"] > 0
    assert tolerance("float32") == 8 * torch.finfo(torch.float32).eps
    assert tolerance("float16") > tolerance("float32") > tolerance("float64")


def test_a_tiny_entry_that_underflows_alone_is_not_broken():
    table = softmax_table([0, -200], "float32")  # exp(-200) = 0, but the sum is 1
    assert list(table["status"]) == ["ok", "zero"] and list(table["naive"]) == [1.0, 0.0]
    assert compare(table, "float32")["verdict"] == "agree"


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
    assert table["loss_stable"].tolist() == pytest.approx(gaps)  # log(1 + e^gap) ~ gap
    naive_inf = table["loss_naive"].apply(math.isinf).tolist()
    assert naive_inf == [False, False, True, True, True, True, True, True]
    assert table.loc[2:, "grad_naive"].apply(math.isnan).all()
    assert table.loc[2:, "p_true"].eq(0).all()  # 1 / inf = 0
    log0_inf = table["loss_log0"].apply(math.isinf).tolist()
    assert log0_inf == [False, False, False, False, False, True, True, True]


@pytest.mark.parametrize(
    "dtype, naive, log0",
    [("float16", 11.09, 17.33), ("float32", 88.72, 103.97), ("float64", 709.78, 745.13)],
)
def test_breaking_gaps(dtype, naive, log0):
    breaks = breaking_gaps(dtype)
    assert breaks["loss_naive"] == pytest.approx(naive, abs=0.05)
    assert breaks["loss_log0"] == pytest.approx(log0, abs=0.05)
    assert breaks["grad_log0"] == pytest.approx(naive, abs=0.05)  # -1/p_y overflows first
    assert breaks["loss_stable"] is None and breaks["grad_stable"] is None
    low, high = exp_limits(dtype)  # the limits the overflow page shows
    step = 0.02 + 0.008  # the grid, and its rounding into float16
    assert high <= breaks["loss_naive"] < high + step
    assert -low <= breaks["loss_log0"] < -low + step


def test_first_bad_gap_and_table_gaps():
    table = loss_vs_gap([0.0, 10.0, 20.0], "float64")
    assert first_bad_gap(table, "loss_naive") is None
    gaps = table_gaps("float32", 200)
    assert {88, 89, 103, 104} <= set(gaps) and max(gaps) == 200
    assert max(table_gaps("float32", 50)) == 50


# ---- charts --------------------------------------------------------------------------


def test_charts_build_and_translate():
    spec = exp_chart(exp_curve(), 50.0, "zh").to_dict()
    assert "对数刻度" in str(spec) and "float32" in str(spec)
    assert "black" not in str(exp_chart(exp_curve(), -5.0, "en").to_dict())  # x out of range
    bars = softmax_bars(softmax_table([1, 2, 100], "float32"), "en").to_dict()
    assert "NaN" in str(bars) and "probability" in str(bars)
    table = loss_vs_gap([0.0, 50.0, 100.0, 150.0], "float32")
    breaks = breaking_gaps("float32", gap_max=150.0, step=0.5)
    for chart in (
        loss_chart(table, {"naive": breaks["loss_naive"], "log0": None}, "zh"),
        grad_chart(table, {"naive": None, "log0": None}, "en"),
    ):
        assert chart.to_dict()
    assert "从这里起损失 = inf (89.0)" in str(loss_chart(table, {"naive": 89.0}, "zh").to_dict())


# ---- half precision: float16 and bfloat16, limits from finfo checked with exp itself ----


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float32", "float64"])
def test_exp_edges_found_with_exp_agree_with_the_finfo_limits(dtype):
    t = DTYPES[dtype]
    low, high = exp_limits(dtype)
    lo_x, hi_x = exp_edges(dtype)
    assert torch.isfinite(torch.exp(torch.tensor(hi_x, dtype=t))) and hi_x <= high
    above = torch.tensor(hi_x, dtype=t) + torch.finfo(t).eps * abs(hi_x)  # the next number
    assert torch.isinf(torch.exp(above.to(t)))
    assert torch.exp(torch.tensor(lo_x, dtype=t)) > 0 and lo_x >= low
    below = torch.tensor(lo_x, dtype=t) - torch.finfo(t).eps * abs(lo_x)
    assert torch.exp(below.to(t)) == 0


def test_half_precision_limits_are_far_tighter():
    info16, infob16 = torch.finfo(torch.float16), torch.finfo(torch.bfloat16)
    assert exp_limits("float16")[1] == pytest.approx(math.log(info16.max), abs=1e-3)  # ln 65504
    assert exp_limits("bfloat16")[1] == pytest.approx(math.log(infob16.max), abs=1e-2)
    assert exp_limits("bfloat16")[1] == pytest.approx(exp_limits("float32")[1], abs=0.01)
    assert round(1 - math.log2(infob16.eps)) == 8  # bfloat16: 8 significant bits
    assert exp_limits("float16")[1] < exp_limits("float32")[1] / 8
    assert exp_edges("float16")[0] > exp_edges("bfloat16")[0] > exp_edges("float32")[0]
    smallest16 = info16.smallest_normal * info16.eps  # 2**-24
    assert exp_limits("float16")[0] == pytest.approx(math.log(smallest16 / 2))
    rows = exp_table(12.0).set_index("dtype")
    assert rows.loc["float16", "status"] == "overflow" and rows.loc["bfloat16", "status"] == "ok"
