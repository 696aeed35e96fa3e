"""The Decisions page through AppTest: missing data, no run yet, presets, reject option,
refer as a costed answer, calibration, zh."""

import pytest
import torch
from apptest_helpers import has_chinese, open_app, texts
from streamlit.testing.v1 import AppTest

from lib import i18n
from lib.decisions import (
    base_rates,
    class_priors,
    expected_calibration_error,
    min_cost_with_reject,
    preset_costs,
)
from lib.metrics import predict
from lib.runs import Run
from lib.trainers import TrainConfig

PAGE = "decisions"
PRIOR_METRICS = ("cost_plain", "cost_adjusted", "acc_adjusted", "changed")


@pytest.fixture(scope="module")
def run(real_data):
    """A usable linear model in no time: nearest class mean, written as X @ W + b."""
    X, y = real_data.X_train, real_data.y_train
    mu = torch.stack([X[y == c].mean(dim=0) for c in range(10)])  # (10, 784)
    W, b = mu.T * 0.3, -0.15 * (mu * mu).sum(dim=1)  # -0.15 |x - mu|^2 up to a per-image constant
    history = [
        {
            "epoch": 1,
            "train_loss": 0.0,
            "train_acc": 0.0,
            "test_acc": 0.0,
            "seconds": 0.0,
            "diverged": False,
        }
    ]
    return Run(
        number=1,
        cfg=TrainConfig(num_epochs=1, softmax="stable"),
        history=history,
        W=W,
        b=b,
        status="done",
    )


def open_page(lang="en", runs=None) -> AppTest:
    return open_app(page=PAGE, lang=lang, runs=runs)


def metric(at, label_part):
    return next(m.value for m in at.metric if label_part in m.label)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_missing_data_shows_the_fix_not_a_traceback(no_data, lang):
    at = open_page(lang=lang)
    assert not at.exception
    assert at.error and "FASHION_MNIST_ROOT" in texts(at)
    assert not at.metric
    assert has_chinese(at.title[0].value) == (lang == "zh")


def test_without_a_run_it_offers_to_train_here(real_data):
    at = open_page()
    assert not at.exception
    assert at.button(key="decisions.train")
    assert not at.metric


def test_equal_costs_change_nothing_then_the_medical_preset_does(run):
    at = open_page(runs=[run])
    assert not at.exception
    assert at.radio(key="decisions.preset.en").value == "equal"
    assert metric(at, "Answers changed") == "0"
    assert metric(at, "Total cost, argmax") == metric(at, "Total cost, min. expected cost")
    assert "no answer changes" in texts(at)

    at.radio(key="decisions.preset.en").set_value("medical").run()
    assert not at.exception
    assert at.multiselect(key="decisions.dangerous.en").value == [6]
    assert int(metric(at, "Answers changed").replace(",", "")) > 0
    assert "Mistakes that cost more than 1" in texts(at)
    assert "dangerous" in texts(at)

    at.radio(key="decisions.preset.en").set_value("one_costly").run()
    assert not at.exception and "**ankle boot**" in texts(at) and "**sandal**" in texts(at)


def test_reject_option_threshold(run):
    at = open_page(runs=[run])
    assert metric(at, "Coverage") != "100.0%"  # 0.5 refers some images to a doctor
    at.slider(key="decisions.threshold").set_value(0.1).run()
    assert metric(at, "Coverage") == "100.0%" and metric(at, "Referred") == "0"
    at.slider(key="decisions.threshold").set_value(1.0).run()  # no probability reaches 1 here
    assert not at.exception
    assert metric(at, "Coverage") == "0.0%" and metric(at, "Accuracy on the answered") == "—"
    assert "everything goes to the doctor" in texts(at)


def test_a_diverged_run_is_explained(run):
    broken = Run(
        number=2,
        cfg=run.cfg,
        history=run.history,
        W=run.W * float("nan"),
        b=run.b,
        status="diverged",
    )
    at = open_page(runs=[broken])
    assert not at.exception and at.warning and not at.metric


def test_chinese(run):
    at = open_page(lang="zh", runs=[run])
    assert not at.exception
    assert has_chinese(at.title[0].value)
    assert all(has_chinese(m.label) for m in at.metric)
    assert "代价矩阵" in texts(at) and "拒绝选项" in texts(at)
    at.radio(key="decisions.preset.zh").set_value("one_costly").run()
    assert "**短靴**" in texts(at) and "**凉鞋**" in texts(at)


def test_the_chosen_preset_survives_a_language_switch(run):
    at = open_page(runs=[run])
    at.radio(key="decisions.preset.en").set_value("medical").run()
    at.multiselect(key="decisions.dangerous.en").set_value([4, 6]).run()
    changed_en = metric(at, "Answers changed")
    at.session_state["lang"] = "zh"  # what the sidebar switch does
    at.run()
    assert not at.exception
    assert at.radio(key="decisions.preset.zh").value == "medical"
    assert at.multiselect(key="decisions.dangerous.zh").value == [4, 6]
    assert metric(at, "改变的回答") == changed_en


@pytest.fixture(scope="module")
def pred(run, real_data):
    return predict(run.W, run.b, real_data.X_test, real_data.y_test)


def test_refer_as_a_costed_answer_follows_chows_rule(run, pred):
    at = open_page(runs=[run])
    assert not at.exception
    assert at.slider(key="decisions.c_reject").value == 0.3
    referred = int((min_cost_with_reject(pred.probs, preset_costs("equal"), 0.3) == 10).sum())
    assert metric(at, "Referred (cost c each)") == f"{referred:,}"
    assert "1 − c = 0.70" in texts(at) and "Chow" in texts(at)
    assert "the same decision on 10,000 of 10,000 test images" in texts(at)
    assert "not the 0-1 one" not in texts(at)

    at.slider(key="decisions.c_reject").set_value(0.05).run()  # referring is cheap now
    assert not at.exception
    more = int((min_cost_with_reject(pred.probs, preset_costs("equal"), 0.05) == 10).sum())
    assert more > referred and metric(at, "Referred (cost c each)") == f"{more:,}"
    assert "1 − c = 0.95" in texts(at) and "10,000 of 10,000" in texts(at)

    at.radio(key="decisions.preset.en").set_value("medical").run()
    assert not at.exception
    medical = min_cost_with_reject(pred.probs, preset_costs("medical"), 0.05)
    assert metric(at, "Referred (cost c each)") == f"{int((medical == 10).sum()):,}"
    assert "not the 0-1 one" in texts(at)
    assert at.slider(key="decisions.c_reject").value == 0.05  # the price survives a preset


def test_calibration_section_shows_the_ece_of_the_run(run, pred):
    at = open_page(runs=[run])
    assert at.select_slider(key="decisions.bins").value == 15
    ece = expected_calibration_error(pred.probs, pred.y)
    assert metric(at, "Expected calibration error") == f"{ece:.4f}"
    assert "reliability diagram" in texts(at)
    assert any(word in texts(at) for word in ("overconfident", "underconfident", "agree to within"))
    at.select_slider(key="decisions.bins").set_value(5).run()
    assert not at.exception
    assert metric(at, "Expected calibration error") == (
        f"{expected_calibration_error(pred.probs, pred.y, bins=5):.4f}"
    )


def test_the_code_shown_is_the_code_that_ran(run):
    at = open_page(runs=[run])
    shown = at.session_state["_shown_code"]
    for name in (
        "min_cost_with_reject",
        "threshold_answers",
        "refer_summary",
        "reliability",
        "expected_calibration_error",
    ):
        assert f"lib.decisions.{name}" in shown


def test_chinese_refer_and_calibration(run):
    at = open_page(lang="zh", runs=[run])
    assert not at.exception
    text = texts(at)
    assert "Chow 规则" in text and "期望校准误差" in text and "可靠性图" in text
    assert "在 10,000 张测试图像中的 10,000 张上做出相同的决策" in text
    assert all(has_chinese(m.label) for m in at.metric)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_base_rates_shift_the_answers_and_the_field_cost(run, pred, real_data, lang):
    at = open_page(lang=lang, runs=[run])
    assert not at.exception
    names = i18n.class_names(lang)
    labels = {key: i18n.t(f"decisions.prior.{key}", lang) for key in PRIOR_METRICS}
    assert at.selectbox(key=f"decisions.prior.class.{lang}").value == 6
    assert at.select_slider(key=f"decisions.prior.factor.{lang}").value == 0.1

    def shown_matches(cls, factor, C):
        expected = base_rates(pred.probs, pred.y, C, class_priors(real_data.y_train), cls, factor)
        assert metric(at, labels["cost_plain"]) == f"{expected.cost_plain:.4f}"
        assert metric(at, labels["cost_adjusted"]) == f"{expected.cost_adjusted:.4f}"
        assert metric(at, labels["acc_adjusted"]) == f"{expected.acc_adjusted:.4f}"
        assert metric(at, labels["changed"]) == f"{expected.changed:,}"
        table = next(d.value for d in at.dataframe if len(d.value.columns) == 5)
        assert list(table.iloc[:, 0]) == list(names)
        assert table.iloc[:, 2].tolist() == pytest.approx(expected.field.tolist())
        assert (
            table.iloc[:, 4].tolist() == torch.bincount(expected.y_adjusted, minlength=10).tolist()
        )
        return expected

    shift = shown_matches(6, 0.1, preset_costs("equal"))
    # a class ten times rarer: answered less often, and the field pays less for it
    assert shift.changed > 0 and shift.answered(shift.y_adjusted) < shift.answered(shift.y_plain)
    assert shift.cost_adjusted < shift.cost_plain

    at.selectbox(key=f"decisions.prior.class.{lang}").set_value(0).run()
    at.select_slider(key=f"decisions.prior.factor.{lang}").set_value(1.0).run()
    assert not at.exception
    assert shown_matches(0, 1.0, preset_costs("equal")).changed == 0

    at.select_slider(key=f"decisions.prior.factor.{lang}").set_value(5.0).run()
    at.radio(key=f"decisions.preset.{lang}").set_value("medical").run()
    assert not at.exception
    commoner = shown_matches(0, 5.0, preset_costs("medical"))
    assert commoner.answered(commoner.y_adjusted) > commoner.answered(commoner.y_plain)


def test_the_base_rate_choice_survives_a_language_switch(run):
    at = open_page(runs=[run])
    at.selectbox(key="decisions.prior.class.en").set_value(2).run()
    at.select_slider(key="decisions.prior.factor.en").set_value(0.02).run()
    at.session_state["lang"] = "zh"
    at.run()
    assert not at.exception
    assert at.selectbox(key="decisions.prior.class.zh").value == 2
    assert at.select_slider(key="decisions.prior.factor.zh").value == 0.02
