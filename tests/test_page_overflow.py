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
    assert len(at.dataframe) == 3 and len(at.get("vega_lite_chart")) == 2
    table = at.dataframe[2].value
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
    assert statuses == ["overflow: inf", "overflow: inf", "overflow: inf", "fits"]  # 89 > 88.72


def plain_codes(at) -> list[str]:
    """The plain-text code boxes (language None), not the show-code expander's Python."""
    return [c.value for c in at.code if c.language not in ("python",)]


@pytest.mark.parametrize(
    "text, message, token",
    [
        ("abc", "is not a number", "abc"),
        ("", "at least one logit", None),
        ("1, inf", "is not a finite number", "inf"),
        (",".join(["1"] * 21), "at most 20", None),
        ("1, " * 1_000_000, "at most 1000 characters", None),  # 3 MB pasted
    ],
)
def test_bad_logits_get_a_message_and_the_page_keeps_working(open_page, text, message, token):
    at = open_page()
    at.text_input(key="overflow.logits").set_value(text).run()
    assert not at.exception
    assert message in at.error[0].value
    assert plain_codes(at) == ([token] if token else [])
    assert len(at.dataframe) == 2  # the exp table and the exp chart's data; no softmax table
    assert "3. The fix: subtract the maximum" in texts(at)
    at.text_input(key="overflow.logits").set_value("1, 2, 3").run()
    assert not at.exception and not at.error and len(at.dataframe) == 3 and not plain_codes(at)


LINK = "[x](https://example.invalid/login)"  # no spaces: spaces split the logits


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(
    "typed, shown",
    [
        ("1, 2`" + LINK, "2`" + LINK),  # a backtick, then a link
        ("1, " + LINK, LINK),
        ("<b>html</b>, 2", "<b>html</b>"),
        ("1, " + "9" * 30 + "x" * 30, "9" * 30 + "x" * 10 + "…"),  # cut at 40 characters
        ("1, 2\u202e3", "2\\u202e3"),  # right-to-left override
        ("1\u200b, 2", "1\\u200b"),  # zero-width space
    ],
)
def test_typed_text_is_shown_as_plain_text_only(open_page, lang, typed, shown):
    """The offending token goes in a plain code box; no markdown ever carries it."""
    at = open_page(lang)
    at.text_input(key="overflow.logits").set_value(typed).run()
    assert not at.exception and len(at.error) == 1
    assert plain_codes(at) == [shown]
    markdown = texts(at) + "\n".join(e.value for e in at.error)
    for piece in ("example.invalid", "](", "<b>", "html", "xxxx", "\u202e", "\u200b", "u202e"):
        assert piece not in markdown
    assert "1, 2, 50" in at.error[0].value  # the message itself is ours


def test_minus_103_5_in_float32_fits_and_its_row_says_so(open_page):
    """The limit column and the status agree: exp(-103.5) is the smallest subnormal, not 0."""
    at = open_page()
    at.number_input(key="overflow.x").set_value(-103.5).run()
    table = at.dataframe[0].value.set_index("dtype")
    assert table.loc["float32", "status"] == "subnormal"
    assert table.loc["float32", "exp(x) in this dtype"] == "1.4013e-45"
    assert table.loc["float32", "underflows below x ≈"] == "-103.972"
    assert table.loc["float32", "bits"] == "1"
    assert table.loc["float16", "status"] == "underflow: 0"
    assert table.loc["float16", "underflows below x ≈"] == "-17.3287"
    assert table.loc["float64", "underflows below x ≈"] == "-745.133"
    shown = texts(at)
    assert "−17.33" in shown and "−103.97" in shown and "−745.13" in shown
    assert "103.3" not in shown and "744.4" not in shown and "16.6" not in shown


def test_subnormal_logits_disagree_and_the_page_says_why(open_page):
    at = open_page()
    at.text_input(key="overflow.logits").set_value("-103, -103.5").run()
    assert not at.exception and not at.error and not at.success
    warning = at.warning[0].value
    assert "The two disagree in float32" in warning and "0.122" in warning
    assert "subnormal" in warning and "only 1 of float32's 24 significant bits" in warning
    table = at.dataframe[2].value
    assert list(table["naive softmax"]) == ["0.5", "0.5"]
    assert list(table["stable softmax"]) == ["0.622459", "0.377541"]
    assert list(table["status"]) == ["exp subnormal"] * 2
    at.text_input(key="overflow.logits").set_value("1, 2, 3").run()
    assert "Both agree in float32" in at.success[0].value and "tolerance" in at.success[0].value
    assert not at.warning


def test_subnormal_disagreement_in_chinese(open_page):
    at = open_page("zh")
    at.text_input(key="overflow.logits").set_value("-103, -103.5").run()
    warning = at.warning[0].value
    assert "两者不一致" in warning and "非规格化数" in warning and "24" in warning


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
    for name in (
        "softmax_naive",
        "softmax_stable",
        "softmax_table",
        "compare",
        "exp_table",
        "exp_limits",
        "parse_logits",
    ):
        assert f"def {name}(" in code
