"""Facts the pages state, each computed here with PyTorch itself (issue 19)."""

import math

import torch
import torch.nn.functional as F
from apptest_helpers import open_app

from lib.i18n import STRINGS, class_names, t
from lib.many_classes import MeasureConfig, faster_from, measure, sampled_loss, two_level_sentence
from lib.overflow import exp_limits, exp_rounds_to_zero, nan_prediction


def test_uniform_logits_give_log_k_for_the_full_and_the_log_q_sampled_loss():
    g = torch.Generator().manual_seed(0)
    for K in (10, 50):
        n, d = 512, 4
        y = torch.randint(0, K, (n,), generator=g)
        full = F.cross_entropy(torch.zeros(n, K), y).item()
        assert math.isclose(full, math.log(K), rel_tol=1e-6)
        X, W, b = torch.zeros(n, d), torch.zeros(d, K), torch.zeros(K)
        draws = [
            sampled_loss(X, W, b, y, torch.randint(0, K, (256,), generator=g)).item()
            for _ in range(20)
        ]
        mean = sum(draws) / len(draws)
        # log K, not log(K + 1): at K = 10 the two differ by 0.095
        assert abs(mean - math.log(K)) < 0.01, (mean, math.log(K))
        assert abs(mean - math.log(K + 1)) > 0.015


def test_the_log_q_text_says_log_k():
    for lang in ("en", "zh"):
        text = t("many_classes.logq", lang)
        assert "log K" in text and "log(K + 1)" not in text


def test_exp_rounds_to_zero_below_half_the_smallest_subnormal_found_with_torch_exp():
    r = exp_rounds_to_zero("float32")
    assert r["tiny"] == 2.0**-150
    assert torch.tensor(r["tiny"], dtype=torch.float32).item() == 0  # half a step rounds to 0
    low = torch.tensor(r["low"], dtype=torch.float32)
    below = torch.nextafter(low, torch.tensor(-math.inf))
    above = torch.nextafter(low, torch.tensor(math.inf))
    # the float32 numbers on either side of the boundary, exp computed in float32
    x = low if low.item() > r["low"] else above
    y = low if low.item() < r["low"] else below
    assert torch.exp(x).item() > 0 and torch.exp(y).item() == 0
    assert torch.exp(torch.tensor(-103.97)).item() > 0
    assert torch.exp(torch.tensor(-103.98)).item() == 0


def test_log_zero_text_states_the_computed_threshold():
    r = exp_rounds_to_zero("float32")
    for lang in ("en", "zh"):
        text = t("breakdown.log_zero", lang, max_logit=50.0, min_p_true=1e-50, **r)
        assert "7.0e-46" in text and f"{r['low']:.2f}" in text
        assert "smallest float32 number" not in text


def test_argmax_of_a_nan_row_is_class_0_and_that_scores_0_1_on_the_real_test_set(real_data):
    nan = nan_prediction()
    O = torch.full((real_data.y_test.shape[0], 10), math.nan)  # every logit of a broken model
    y_hat = torch.argmax(O, dim=1)
    assert (y_hat == nan["nan_class"]).all() and nan["nan_class"] == 0
    acc = (y_hat == real_data.y_test).sum().item() / len(real_data.y_test)
    assert acc == nan["share"] == 0.1
    counts = torch.bincount(real_data.y_test, minlength=10)
    assert (counts == nan["per_class"]).all() and counts.sum().item() == nan["total"]


def test_breakdown_text_names_class_0_and_the_balanced_test_set():
    nan = nan_prediction()
    for lang in ("en", "zh"):
        name = class_names(lang)[nan["nan_class"]]
        text = t(
            "train.breakdown", lang, number=1, epoch=1, batch=1, cause="", class_name=name, **nan
        )
        assert name in text and "0.1000" in text and "1,000" in text
        assert "chance" not in text and "随机猜测的" not in text


def _rows(ms_by_method):
    """measure()-like rows from {method: {K: ms or None}} (None: not run)."""
    return [
        {"method": m, "K": K, "ms": ms, "status": "ok" if ms is not None else "over_time"}
        for m, by_k in ms_by_method.items()
        for K, ms in by_k.items()
    ]


def test_two_level_sentence_follows_the_measurement_faster_only_at_the_largest_k():
    rows = _rows(
        {
            "hierarchical": {1_000: 2.0, 10_000: 3.0, 100_000: 9.0},
            "full": {1_000: 1.0, 10_000: 3.5, 100_000: 40.0},
        }
    )
    key, fields = two_level_sentence(rows)
    assert key == "many_classes.two_level.faster" and fields["k"] == 10_000
    rows[1]["ms"] = 4.0  # now slower at 10,000: faster only from 100,000
    key, fields = two_level_sentence(rows)
    assert fields["k"] == 100_000
    for lang in ("en", "zh"):
        assert "100,000" in t(key, lang, **fields)


def test_two_level_sentence_when_it_was_never_faster_or_never_compared():
    rows = _rows({"hierarchical": {10: 2.0, 100: 3.0}, "full": {10: 1.0, 100: 2.0, 1_000: None}})
    key, fields = two_level_sentence(rows)
    assert key == "many_classes.two_level.not_faster" and fields["ks"] == "10, 100"
    rows = _rows({"hierarchical": {10: 2.0}, "full": {10: None}})
    assert two_level_sentence(rows)[0] == "many_classes.two_level.not_compared"
    for lang in ("en", "zh"):
        for k in ("not_faster", "not_compared"):
            assert t(f"many_classes.two_level.{k}", lang, ks="10, 100")


def assert_states_its_table(rows, key: str, fields: dict) -> None:
    """The sentence (key, fields) says what measure()'s own rows show: "faster from K on"
    when two-level ("hierarchical") took less time than the full softmax at K and at every
    larger K both measured, but not at the K just below; "not faster" when it did not at
    the largest K both measured; "not compared" when no K was measured by both."""
    ms = {(r["method"], r["K"]): r["ms"] for r in rows if r["status"] == "ok"}
    both = sorted(K for (m, K) in ms if m == "hierarchical" and ("full", K) in ms)
    faster = {K: ms["hierarchical", K] < ms["full", K] for K in both}
    assert all(f"{K:,}" in fields["ks"] for K in both)
    if key == "many_classes.two_level.not_compared":
        assert not both
    elif key == "many_classes.two_level.not_faster":
        assert both and not faster[both[-1]]
    else:
        assert key == "many_classes.two_level.faster"
        crossover = fields["k"]
        assert all(faster[K] for K in both if crossover <= K)
        below = [K for K in both if crossover > K]
        assert not below or not faster[below[-1]]


def test_the_two_level_sentence_names_the_crossover_of_a_real_measurement():
    # the lib function the page calls, timed for real on the CPU (~0.1-0.3 s on 2 cores);
    # which K wins depends on the machine, so the test only asks that the sentence
    # agrees with the times this very measurement produced
    ks = (10, 100, 1_000, 10_000)
    cfg = MeasureConfig(n=32, d=32, ks=ks, num_sampled=16, repeats=3, budget_s=10.0**9)
    rows = list(measure(cfg, "cpu"))
    assert all(r["status"] == "ok" and r["ms"] > 0 for r in rows)  # no budget: all measured
    k, both = faster_from(rows)
    assert both == list(ks)
    key, fields = two_level_sentence(rows)
    assert_states_its_table(rows, key, fields)
    for lang in ("en", "zh"):
        text = t(key, lang, **fields)
        assert "10, 100, 1,000, 10,000" in text
        if k is None:
            assert key == "many_classes.two_level.not_faster"
        else:
            assert key == "many_classes.two_level.faster" and f"K = {k:,} " in text


def test_the_many_classes_page_states_the_crossover_of_its_own_measurement(no_data):
    at = open_app(page="many_classes")
    for name in ("n", "d", "S"):  # the smallest sizes: a real measurement of ~1 s
        at.select_slider(key=f"many_classes.{name}").set_value(16)
    at.run()
    at.button(key="many_classes.measure").click().run()
    assert not at.exception
    rows = at.session_state["many_classes.result"]["rows"]  # the page's table
    key, fields = two_level_sentence(rows)
    assert_states_its_table(rows, key, fields)
    assert t(key, "en", **fields) in [info.value for info in at.info]


def test_tradeoffs_no_longer_claim_two_level_training_is_fast():
    assert "Training is fast" not in t("many_classes.tradeoffs", "en")
    assert "训练快" not in t("many_classes.tradeoffs", "zh")


def test_exp_overflow_text_states_the_computed_limit():
    high = exp_limits("float32")[1]
    assert (
        torch.isinf(torch.exp(torch.tensor(high + 0.01)))
        and torch.exp(torch.tensor(high - 0.01)).isfinite()
    )
    assert abs(high - math.log(torch.finfo(torch.float32).max)) < 1e-3
    for lang in ("en", "zh"):
        assert "88.7" not in STRINGS["breakdown.exp_overflow"][lang]  # not typed: computed
        text = t("breakdown.exp_overflow", lang, max_logit=120.0, high=high)
        assert f"{high:.2f}" in text and "120.0" in text
