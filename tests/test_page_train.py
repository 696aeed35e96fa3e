"""The Train page through AppTest: controls, a real run, links, divergence."""

import pytest
from apptest_helpers import fixed_notes, has_chinese, open_app, texts

from lib.i18n import t

needs_data = pytest.mark.usefixtures("real_data")  # fails, not skips, under REQUIRE_DATA=1


def test_renders_with_the_books_defaults():
    at = open_app()
    assert not at.exception
    assert at.title[0].value == "Train softmax regression"
    assert at.select_slider(key="train.w.lr").value == 0.1
    assert at.slider(key="train.w.epochs").value == 10
    assert at.select_slider(key="train.w.batch").value == 256
    assert at.radio(key="train.w.softmax.en").value == "naive"
    assert "No runs yet" in texts(at)


def test_chinese():
    at = open_app(lang="zh")
    assert not at.exception
    assert has_chinese(at.title[0].value) and "训练" in at.button(key="train.start").label


def test_query_parameters_set_the_controls():
    at = open_app(
        query={"lr": "1", "epochs": "4", "batch": "128", "seed": "7", "softmax": "stable"}
    )
    assert not at.exception and not at.warning
    assert at.select_slider(key="train.w.lr").value == 1.0
    assert at.slider(key="train.w.epochs").value == 4
    assert at.select_slider(key="train.w.batch").value == 128
    assert at.number_input(key="train.w.seed").value == 7
    assert at.radio(key="train.w.softmax.en").value == "stable"


def test_bad_query_parameters_are_corrected_with_a_warning():
    at = open_app(query={"lr": "0.2", "epochs": "999", "batch": "abc", "softmax": "fast"})
    assert not at.exception
    assert at.select_slider(key="train.w.lr").value == 0.3
    assert at.slider(key="train.w.epochs").value == 50
    assert at.select_slider(key="train.w.batch").value == 256
    assert at.radio(key="train.w.softmax.en").value == "naive"
    assert len(at.warning) == 1
    assert fixed_notes(at) == {
        "lr": ("0.2", "0.3"),
        "epochs": ("999", "50"),
        "batch": ("abc", "256"),
        "softmax": ("fast", "naive"),
    }
    assert at.query_params["epochs"] == "50"  # the URL now holds the valid value


def test_controls_write_the_url():
    at = open_app()
    at.slider(key="train.w.epochs").set_value(7).run()
    assert at.query_params["epochs"] == "7"
    assert at.query_params["lang"] == "en"


@needs_data
def test_two_epochs_record_a_run_and_draw_the_chart():
    at = open_app(query={"epochs": "2"})
    at.button(key="train.start").click().run()
    assert not at.exception
    runs = at.session_state["runs"]
    assert len(runs) == 1 and runs[0].status == "done" and runs[0].epochs_run == 2
    assert [h["epoch"] for h in runs[0].history] == [0, 1, 2]  # epoch 0: the random start
    assert "after 2 epochs" in at.success[0].value
    assert len(at.get("vega_lite_chart")) >= 2  # the live chart and the overlay
    assert at.get("download_button")
    at.button(key="train.start").click().run()  # a second run is kept beside the first
    assert [r.number for r in at.session_state["runs"]] == [1, 2]


@needs_data
def test_naive_at_lr_1_names_the_real_cause_of_the_breakdown():
    at = open_app(query={"lr": "1", "epochs": "3", "softmax": "naive"})
    at.button(key="train.start").click().run()
    assert not at.exception
    run = at.session_state["runs"][0]
    assert run.status == "breakdown" and run.breakdown.cause == "log_zero"
    message = at.error[0].value
    assert "broke down numerically" in message and "log of a zero probability" in message
    assert "`exp` overflowed" not in message
    links = [link.proto.page for link in at.get("page_link")]
    assert any("cross_entropy" in page for page in links), links


@needs_data
def test_a_large_learning_rate_overflows_exp_and_links_the_overflow_page():
    at = open_app(query={"lr": "100", "epochs": "2", "softmax": "naive"})
    at.button(key="train.start").click().run()
    run = at.session_state["runs"][0]
    assert run.breakdown.cause == "exp_overflow"
    assert "`exp` overflowed" in at.error[0].value
    assert any("overflow" in link.proto.page for link in at.get("page_link"))


@needs_data
def test_stable_at_lr_1_does_not_diverge():
    at = open_app(query={"lr": "1", "epochs": "2", "softmax": "stable"})
    at.button(key="train.start").click().run()
    assert not at.exception and not at.error
    assert at.session_state["runs"][0].status == "done"


def test_missing_data_shows_the_message_not_an_exception(no_data):
    at = open_app(query={"epochs": "1"})
    at.button(key="train.start").click().run()
    assert not at.exception
    assert "not available" in at.error[0].value
    assert "FASHION_MNIST_ROOT" in texts(at)
    assert at.session_state["runs"] == []


def test_the_runs_table_says_nan_for_a_broken_runs_loss_and_translates_its_words(
    real_data,
):
    """A breakdown's loss is NaN: the table says so (not a blank 'None'); the softmax and
    framework columns are in the session's language."""
    at = open_app(lang="zh", query={"lr": "1", "epochs": "2", "softmax": "naive"})
    at.button(key="train.start").click().run()
    table = next(d.value for d in at.dataframe if "train_loss" in d.value.columns)
    assert table["train_loss"].tolist() == ["NaN"]
    assert table["softmax"].tolist() == [t("softmax.short.naive", "zh")] == ["朴素版"]
    assert table["framework"].tolist() == [t("framework.short.scratch", "zh")]
    assert at.button(key="train.stop.idle").disabled  # the run is over: nothing to stop
