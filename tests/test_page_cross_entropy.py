"""The Cross-entropy & log(0) page through AppTest: math only, so it works without the data set."""

import pytest
from apptest_helpers import has_chinese, open_app, texts


@pytest.fixture
def open_page(no_data):
    """The page on a server without the data set, in a language."""

    def _open(lang="en"):
        return open_app(page="cross_entropy", lang=lang)

    return _open


def test_renders_without_the_data_set(open_page):
    at = open_page()
    assert not at.exception and not at.error
    assert at.title[0].value == "Cross-entropy & log(0)"
    shown = texts(at)
    assert "not available" not in shown and "FASHION_MNIST_ROOT" not in shown
    verdict = at.warning[0].value
    assert "inf at gap ≈ 88.7" in verdict and "104.0" in verdict
    assert len(at.get("vega_lite_chart")) == 2 and at.latex
    loss, grad = (df.value.set_index("gap") for df in at.dataframe)
    book = "loss: the book's"
    assert loss.loc["88", book] == "88" and loss.loc["89", book] == "inf"
    assert loss.loc["89", "p_y (book's softmax)"] == "0"
    assert loss.loc["103", "loss: −log(stable p_y)"] != "inf"
    assert loss.loc["104", "loss: −log(stable p_y)"] == "inf"  # past −103.97
    assert loss.loc["200", "loss: log-sum-exp"] == "200"
    assert grad.loc["89", "∂/∂o_y: the book's"] == "NaN"
    assert grad.loc["88", "∂/∂o_y: −log(stable p_y)"] == "-1"
    assert grad.loc["89", "∂/∂o_y: −log(stable p_y)"] == "NaN"  # −1/p_y overflowed
    assert grad.loc["200", "∂/∂o_y: log-sum-exp"] == "-1"
    assert len(at.get("page_link")) == 2


def test_chinese(open_page):
    at = open_page("zh")
    assert not at.exception
    assert at.title[0].value == "交叉熵与 log(0)"
    assert has_chinese(at.warning[0].value) and "88.7" in at.warning[0].value
    columns = [*at.dataframe[0].value.columns, *at.dataframe[1].value.columns]
    assert "损失：书中的实现" in columns and "p_y（书中的 softmax）" in columns
    assert "损失：对稳定版 p_y 取 −log" in columns and "损失：LogSumExp技巧" in columns
    shown = texts(at)
    assert "真实标签的预测概率的负对数似然" in shown and "未规范化的预测（logit）" in shown
    assert "LogSumExp技巧" in shown and "−103.97" in shown


@pytest.mark.parametrize(
    "dtype, naive, high, low",
    [
        ("float16", "11.1", "11.09", "−17.33"),
        ("float32", "88.7", "88.72", "−103.97"),
        ("float64", "709.8", "709.78", "−745.13"),
    ],
)
def test_dtype_moves_the_breaking_point(open_page, dtype, naive, high, low):
    at = open_page()
    at.radio(key="cross_entropy.dtype").set_value(dtype).run()
    assert not at.exception
    assert f"inf at gap ≈ {naive}" in at.warning[0].value
    limits = [c.value for c in at.caption if "Where these gaps come from" in c.value]
    # the same exp_limits as the Softmax & overflow page
    assert len(limits) == 1 and f"above x ≈ {high}" in limits[0] and f"below x ≈ {low}" in limits[0]


def test_gap_range(open_page):
    at = open_page()
    at.slider(key="cross_entropy.gap_max").set_value(50).run()
    assert not at.exception
    gaps = list(at.dataframe[0].value["gap"])
    assert gaps[-1] == "50" and "89" not in gaps
    at.slider(key="cross_entropy.gap_max").set_value(1000).run()
    assert "1000" in list(at.dataframe[0].value["gap"])


def test_shows_the_code_that_ran(open_page):
    at = open_page()
    code = "\n".join(c.value for c in at.code)
    for name in ("cross_entropy_naive", "cross_entropy_stable", "loss_vs_gap", "breaking_gaps"):
        assert f"def {name}(" in code
    assert "log-sum-exp" in texts(at)
