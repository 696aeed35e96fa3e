"""The Softmax & overflow page through AppTest: math only, so it must work without the data set."""
import pytest

from apptest_helpers import has_chinese, open_app, texts


@pytest.fixture
def open_page(no_data):
    """The page on a server without the data set, in a language."""

    def _open(lang="en"):
        return open_app(page="overflow", lang=lang)
    return _open


def test_renders_without_the_data_set(open_page):
    at = open_page()
    assert not at.exception
    assert at.title[0].value == "Softmax & overflow"
    shown = texts(at)
    assert "not available" not in shown and "FASHION_MNIST_ROOT" not in shown
    # the default logits 1, 2, 100 break the naive softmax in float32
    assert "breaks on 3 of 3 entries in float32" in at.error[0].value
    assert len(at.dataframe) == 2 and len(at.get("vega_lite_chart")) == 2
    table = at.dataframe[1].value
    assert list(table["status"]) == ["Σ exp = inf → 0", "Σ exp = inf → 0", "exp = inf → NaN"]
    assert list(table["naive softmax"]) == ["0", "0", "NaN"]
    assert list(table["o_j − max(o)"]) == ["-99", "-98", "0"]
    assert at.get("page_link") and at.latex


def test_chinese(open_page):
    at = open_page("zh")
    assert not at.exception
    assert at.title[0].value == "softmax 与上溢"
    assert has_chinese(at.error[0].value) and "float32" in at.error[0].value
    assert "上溢：inf" in list(at.dataframe[0].value["状态"])


def test_exp_of_x_in_each_dtype(open_page):
    at = open_page()
    at.number_input(key="overflow.x").set_value(89.0).run()
    statuses = list(at.dataframe[0].value["status"])
    assert statuses == ["overflow: inf", "overflow: inf", "fits"]   # 89 > 88.72


@pytest.mark.parametrize("text, message", [("abc", "`abc` is not a number"),
                                           ("", "at least one logit"),
                                           ("1, inf", "`inf` is not a finite number"),
                                           (",".join(["1"] * 21), "at most 20")])
def test_bad_logits_get_a_message_and_the_page_keeps_working(open_page, text, message):
    at = open_page()
    at.text_input(key="overflow.logits").set_value(text).run()
    assert not at.exception
    assert message in at.error[0].value
    assert len(at.dataframe) == 1                         # only the exp table; no softmax table
    assert "3. The fix: subtract the maximum" in texts(at)
    at.text_input(key="overflow.logits").set_value("1, 2, 3").run()
    assert not at.exception and not at.error and len(at.dataframe) == 2


def test_float64_holds_what_float32_cannot(open_page):
    at = open_page()
    at.radio(key="overflow.dtype").set_value("float64").run()
    assert not at.exception and not at.error
    assert "Both agree in float64" in at.success[0].value


def test_exp_50_in_float16(open_page):
    at = open_page()
    at.text_input(key="overflow.logits").set_value("1, 2, 50")
    at.radio(key="overflow.dtype").set_value("float16").run()
    assert "breaks on 3 of 3 entries in float16" in at.error[0].value
    at.radio(key="overflow.dtype").set_value("float32").run()
    assert not at.error and at.success


def test_shows_the_code_that_ran(open_page):
    code = "\n".join(c.value for c in open_page().code)
    for name in ("softmax_naive", "softmax_stable", "softmax_table", "exp_table", "parse_logits"):
        assert f"def {name}(" in code
