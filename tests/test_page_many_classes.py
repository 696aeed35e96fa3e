"""The Many-classes page through AppTest: data-free, measures only on the button, en and zh."""
import pytest

from streamlit.testing.v1 import AppTest

from apptest_helpers import has_chinese, open_app, texts

PAGE = "many_classes"


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
    assert len(at.dataframe) == 1                              # only the computed table
    assert "Llama 3 8B" in at.dataframe[0].value["name"].tolist()


def test_measure_keeps_the_result_across_reruns(no_data):
    at = small(open_page()).run()
    at.button(key="many_classes.measure").click().run()
    assert not at.exception
    result = at.session_state["many_classes.result"]
    rows = result["rows"]
    assert len(rows) == 15 and all(r["status"] == "ok" for r in rows)
    assert result["cfg"].n == 16 and result["cfg"].d == 16 and result["cfg"].num_sampled == 16
    assert len(at.dataframe) == 2 and "Measured on" in texts(at)
    table = at.dataframe[0].value
    assert sorted(table["K"].unique().tolist()) == [10, 100, 1000, 10000, 100000]

    at.checkbox(key="many_classes.log_q").uncheck().run()      # a rerun does not measure again
    assert not at.exception
    assert at.session_state["many_classes.result"]["seconds"] == result["seconds"]


def test_chinese_after_measuring(no_data):
    at = small(open_page("zh")).run()
    at.button(key="many_classes.measure").click().run()
    assert not at.exception
    assert "测量" in at.button(key="many_classes.measure").label
    assert "在 " in texts(at) and "采样 softmax" in texts(at)
    assert "已测量" in at.dataframe[0].value.iloc[:, -1].tolist()
