"""The Many-classes page through AppTest: data-free, measures only on the button, en and zh.

Nothing here depends on how fast the machine is: a real measurement may stop at the
time budget, so its rows are checked for shape only; the budget itself is tested
with a fake clock that makes every pass "take" a fixed time.
"""

import pytest
from apptest_helpers import has_chinese, open_app, texts
from streamlit.testing.v1 import AppTest

import lib.many_classes

PAGE = "many_classes"
METHODS = ("full", "sampled", "hierarchical", "tree")  # the reference first
KS = [10, 100, 1000, 10000, 100000]


def ticking_clock(step):
    """A clock that moves `step` seconds each time it is read."""
    now = [0.0]

    def clock():
        now[0] += step
        return now[0]

    return clock


@pytest.fixture
def fake_clock(monkeypatch):
    """measure() on the page runs with a clock the test sets: set(step) before measuring."""
    real = lib.many_classes.measure

    def use(step):
        monkeypatch.setattr(
            lib.many_classes,
            "measure",
            lambda cfg, device: real(cfg, device, clock=ticking_clock(step)),
        )

    return use


def open_page(lang="en") -> AppTest:
    return open_app(page=PAGE, lang=lang)


def small(at):
    at.select_slider(key="many_classes.n").set_value(16)
    at.select_slider(key="many_classes.d").set_value(16)
    at.select_slider(key="many_classes.S").set_value(16)
    return at


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_works_without_the_data_and_measures_nothing_until_asked(no_data, lang):
    at = open_page(lang)
    assert not at.exception and not at.error
    assert "many_classes.result" not in at.session_state
    assert has_chinese(texts(at)) == (lang == "zh")
    assert len(at.dataframe) == 1  # only the computed table
    assert "Llama 3 8B" in at.dataframe[0].value["name"].tolist()


def test_measure_keeps_the_result_across_reruns(no_data):
    at = small(open_page()).run()
    at.button(key="many_classes.measure").click().run()
    assert not at.exception
    result = at.session_state["many_classes.result"]
    rows = result["rows"]
    # every size and method gets a row, measured or stopped by the budget (never "too_big" here)
    assert [(r["method"], r["K"]) for r in rows] == [(m, K) for K in KS for m in METHODS]
    assert rows[0]["status"] == "ok" and {r["status"] for r in rows} <= {
        "ok",
        "over_time",
        "no_reference",
    }
    assert all(r["ms"] > 0 for r in rows if r["status"] == "ok")
    assert result["cfg"].n == 16 and result["cfg"].d == 16 and result["cfg"].num_sampled == 16
    assert len(at.dataframe) == 2 and "Measured on" in texts(at)
    table = at.dataframe[0].value
    assert sorted(table["K"].unique().tolist()) == KS
    assert "hierarchical softmax (binary tree)" in table["method"].tolist()

    at.checkbox(key="many_classes.log_q").uncheck().run()  # a rerun does not measure again
    assert not at.exception
    assert at.session_state["many_classes.result"]["seconds"] == result["seconds"]


def test_chinese_after_measuring(no_data):
    at = small(open_page("zh")).run()
    at.button(key="many_classes.measure").click().run()
    assert not at.exception
    assert "测量" in at.button(key="many_classes.measure").label
    assert "在 " in texts(at) and "采样 softmax" in texts(at)
    assert "已测量" in at.dataframe[0].value.iloc[:, -1].tolist()


def test_every_size_is_measured_when_the_budget_allows(no_data, fake_clock):
    fake_clock(1e-3)  # every pass "takes" 1 ms: 4 s is never reached
    at = small(open_page()).run()
    at.button(key="many_classes.measure").click().run()
    assert not at.exception and not at.warning
    rows = at.session_state["many_classes.result"]["rows"]
    assert len(rows) == 20 and all(
        r["status"] == "ok" and r["ms"] == pytest.approx(1.0) for r in rows
    )
    tree = [r for r in rows if r["method"] == "tree"]
    assert [r["K"] for r in tree] == KS and all(r["loss"] > 0 for r in tree)


def test_a_spent_budget_is_reported_not_an_error(no_data, fake_clock):
    fake_clock(1.0)  # every read of the clock is one more second
    at = small(open_page()).run()
    at.button(key="many_classes.measure").click().run()
    assert not at.exception and not at.error
    rows = at.session_state["many_classes.result"]["rows"]
    assert rows[0]["status"] == "ok" and rows[-1]["status"] in ("over_time", "no_reference")
    assert "the time budget was spent" in texts(at)
    # no measured time stands beside a full softmax that was not measured
    full = {r["K"]: r["status"] for r in rows if r["method"] == "full"}
    assert all(full[r["K"]] == "ok" for r in rows if r["status"] == "ok")
    if any(r["status"] == "no_reference" for r in rows):
        assert "nothing to compare them with" in texts(at)
    table = at.dataframe[0].value
    assert "over the time budget" in table["status"].tolist()
    stopped = table[table["status"] == "over the time budget"]
    assert stopped["ms"].isna().all() and table["ms"].dtype == float  # empty cells, not "None"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_book_and_the_log_q_sections(no_data, lang):
    at = open_page(lang)
    text = texts(at)
    if lang == "zh":
        assert "层序softmax" in text and "近似训练" in text and "对数均匀（Zipf）" in text
    else:
        assert "Approximate training" in text and "log-uniform (Zipf)" in text
    assert "tf.nn.sampled_softmax_loss" in text and "log K" in text and "log(K + 1)" not in text
    code = "\n".join(c.value for c in at.code)
    assert "def tree_loss" in code and "def tree_paths" in code
