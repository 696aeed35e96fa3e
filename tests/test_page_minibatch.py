"""The "One minibatch, step by step" page through AppTest: both languages, Next minibatch,
Reset, a trained run as the start, a learning rate that breaks, no data, the code shown."""

import sys
import threading

import pytest
import torch
from apptest_helpers import has_chinese, open_app, texts

from lib import minibatch as mb

PAGE = "minibatch"
STATE = "minibatch.state"
needs_data = pytest.mark.usefixtures("real_data")  # fails, not skips, under REQUIRE_DATA=1


def state(at) -> dict:
    return at.session_state[STATE]


def click_next(at):
    return at.button(key="minibatch.next").click().run()


@needs_data
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_both_languages(lang):
    at = open_app(page=PAGE, lang=lang)
    assert not at.exception
    title = at.title[0].value
    assert has_chinese(title) == (lang == "zh"), title
    shown = texts(at)
    assert "(256, 1, 28, 28)" in shown
    assert ("SGD steps taken from the start: **0**" in shown) == (lang == "en")
    assert ("从起点开始已走的 SGD 步数：**0**" in shown) == (lang == "zh")
    steps = at.dataframe[0].value  # every step, its shape and range
    assert list(steps.iloc[:, 2])[:5] == [
        "(256, 1, 28, 28)",
        "(256, 784)",
        "(784, 10)",
        "(256, 10)",
        "(256, 10)",
    ]
    assert "(784, 10)" in list(steps.iloc[:, 2])[8]  # W.grad
    assert len(at.get("vega_lite_chart")) == 1  # W.grad as ten maps
    assert len(at.metric) == 3  # random accuracy, loss, accuracy


def test_worked_examples_print_the_chapters_values(real_data):
    at = open_app(page=PAGE)
    code = "\n".join(c.value for c in at.code)
    assert "# tensor([[5., 7., 9.]])" in code
    assert "# tensor([[ 6.],\n#         [15.]])" in code
    assert "# tensor([0.1000, 0.5000])" in code and "# tensor([2.3026, 0.6931])" in code
    assert "accuracy(y_hat, y) / len(y)\n# 0.5" in code
    assert at.metric[0].value == f"{mb.random_accuracy(real_data, 0):.4f}"
    assert 0.05 < float(at.metric[0].value) < 0.2


@needs_data
def test_next_minibatch_twice_moves_the_weights_and_the_counter(real_data):
    at = open_app(page=PAGE)
    W0 = state(at)["W"].clone()
    assert torch.equal(W0, mb.start_weights(0)[0]) and state(at)["steps"] == 0
    loss_shown = at.metric[1].value
    click_next(at)
    assert not at.exception
    W1 = state(at)["W"].clone()
    assert state(at)["steps"] == 1 and not torch.equal(W1, W0)
    # the step kept is the step that was on screen: batch 0 from the init at lr 0.1
    assert at.radio(key="minibatch.split.en").value == "train"  # SGD steps on training images
    batch = mb.take_batch(real_data, "train", 0, 0)
    expected = mb.walk_step(W0, mb.start_weights(0)[1], batch.X, batch.y, 0.1)
    assert torch.equal(W1, expected.W_next)
    assert loss_shown == f"{expected.loss_after:.4f}"
    click_next(at)
    assert state(at)["steps"] == 2 and not torch.equal(state(at)["W"], W1)
    assert "SGD steps taken from the start: **2**" in texts(at)
    assert "minibatch 3 of 235 of the training set" in texts(at)
    history = at.dataframe[-1].value
    assert list(history["step"]) == [2, 1]
    assert history["loss after"].iloc[1] == round(expected.loss_after, 4)


@needs_data
def test_reset_and_a_new_seed_start_over():
    at = open_app(page=PAGE)
    click_next(at)
    click_next(at)
    at.button(key="minibatch.reset").click().run()
    assert state(at)["steps"] == 0 and torch.equal(state(at)["W"], mb.start_weights(0)[0])
    click_next(at)
    at.number_input(key="minibatch.seed").set_value(5).run()
    assert not at.exception
    assert state(at)["steps"] == 0 and torch.equal(state(at)["W"], mb.start_weights(5)[0])
    assert "seed 5" in texts(at)


@needs_data
def test_training_images_and_a_trained_run(trained_run):
    at = open_app(page=PAGE, runs=[trained_run])
    at.radio(key="minibatch.split.en").set_value("test").run()
    assert "of the test set" in texts(at) and "of 40" in texts(at)
    at.radio(key="minibatch.split.en").set_value("train").run()
    assert "of the training set" in texts(at) and "of 235" in texts(at)
    at.radio(key="minibatch.source.en").set_value("run").run()
    assert not at.exception
    assert torch.equal(state(at)["W"], trained_run.W) and state(at)["steps"] == 0
    loss, acc = at.metric[1].value, at.metric[2].value
    assert float(loss) < 1.0 and float(acc) > 0.6  # a trained model, not a guess
    click_next(at)
    assert state(at)["steps"] == 1 and not torch.equal(state(at)["W"], trained_run.W)
    assert torch.equal(trained_run.W, trained_run.W.clone())  # the run itself is untouched


@needs_data
def test_no_run_yet_falls_back_to_the_init():
    at = open_app(page=PAGE)
    at.radio(key="minibatch.source.en").set_value("run").run()
    assert not at.exception
    assert "no trained run yet" in texts(at)
    assert torch.equal(state(at)["W"], mb.start_weights(0)[0])


@needs_data
def test_the_choices_survive_a_language_switch():
    at = open_app(page=PAGE)
    at.radio(key="minibatch.split.en").set_value("test").run()
    click_next(at)
    at.radio(key="lang").set_value("zh").run()
    assert not at.exception
    assert at.radio(key="minibatch.split.zh").value == "test"
    assert state(at)["steps"] == 1 and "测试集" in texts(at)


@needs_data
def test_a_learning_rate_that_breaks_the_books_formulas_says_so():
    at = open_app(page=PAGE)
    at.select_slider(key="minibatch.lr").set_value(100.0).run()
    for _ in range(6):
        if at.error:
            break
        click_next(at)
    assert not at.exception
    assert "broke down" in at.error[0].value


def test_without_the_data_the_worked_examples_still_work(no_data):
    at = open_app(page=PAGE)
    assert not at.exception
    assert "not available" in at.error[0].value
    code = "\n".join(c.value for c in at.code)
    assert "# tensor([2.3026, 0.6931])" in code and "# tensor([[5., 7., 9.]])" in code
    assert STATE not in at.session_state and not at.metric


def traced_run(at) -> set:
    """Run `at` once and return the code objects of every Python function called."""
    called = set()

    def profile(frame, event, arg):
        if event == "call":
            called.add(frame.f_code)

    threading.setprofile(profile)
    sys.setprofile(profile)
    try:
        at.run()
    finally:
        sys.setprofile(None)
        threading.setprofile(None)
    return called


@needs_data
def test_every_function_in_the_code_expander_ran():
    at = open_app(page=PAGE)
    called = traced_run(at)
    shown = at.session_state["_shown_code"]
    assert shown == [f"{f.__module__}.{f.__qualname__}" for f in mb.shown_code(True)]
    missing = [f.__qualname__ for f in mb.shown_code(True) if f.__code__ not in called]
    assert not missing, missing


@needs_data
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_derivative_is_shown_and_checked_against_autograd(real_data, lang):
    at = open_app(page=PAGE, lang=lang)
    assert not at.exception
    split = at.radio(key=f"minibatch.split.{lang}").value
    batch = mb.take_batch(real_data, split, 0, 0)
    walk = mb.walk_step(*mb.start_weights(0), batch.X, batch.y, 0.1)
    grad = mb.logit_gradient(walk.O, walk.y)
    O = walk.O.clone().requires_grad_(True)
    (expected,) = torch.autograd.grad(torch.nn.functional.cross_entropy(O, walk.y), O)
    table = next(d.value for d in at.dataframe if list(d.value.columns)[-1] == "sum")
    assert table.iloc[:, 1:11].to_numpy() == pytest.approx(expected[:5].numpy(), abs=1e-7)
    word = "Largest absolute difference" if lang == "en" else "最大绝对差"
    check = next(c.value for c in at.caption if word in c.value)
    assert f"{grad.max_abs_diff:.2e}" in check
    assert grad.max_abs_diff < 1e-7
