"""Charts made in many sessions at once: Altair's theme and data transformer are
process-wide, and st.altair_chart switches them for each chart it draws. ui.a11y makes
every conversion in the process take one lock (ALTAIR_GLOBALS), so a spec made in one
session never sees the transformer another session's chart switched on."""

import threading

import altair as alt
import pandas as pd
import pytest

from ui import a11y

FRAME = pd.DataFrame({"epoch": [0, 1, 2], "test_acc": [0.1, 0.6, 0.7]})


def figure():
    return alt.Chart(FRAME).mark_line().encode(x="epoch:Q", y="test_acc:Q")


def test_a_spec_waits_while_another_session_draws_with_its_own_transformer(monkeypatch):
    """One session's st.altair_chart has switched the transformer (as Streamlit does) and
    is still drawing; a second session's spec() must wait for it, then get the default
    transformer: the data inline, not Streamlit's dataset reference."""
    inside, release = threading.Event(), threading.Event()
    alt.data_transformers.register("stand_in", lambda data, datasets: {"name": "elsewhere"})

    def altair_chart(chart, **kwargs):  # what Streamlit does, slowly
        with alt.data_transformers.enable("stand_in", datasets={}):
            inside.set()
            release.wait(10)
            chart.to_dict()

    monkeypatch.setattr(a11y.st, "altair_chart", altair_chart)
    drawing = threading.Thread(target=a11y.chart, args=(figure(), "summary"))
    drawing.start()
    assert inside.wait(10)
    got, done = {}, threading.Event()

    def other_session():
        got["spec"] = a11y.spec(figure())
        done.set()

    threading.Thread(target=other_session).start()
    assert not done.wait(0.3)  # it waits for the lock, not for the stand-in's transformer
    release.set()
    drawing.join(10)
    assert done.wait(10)
    datasets = got["spec"]["datasets"]
    assert [row["test_acc"] for row in next(iter(datasets.values()))] == [0.1, 0.6, 0.7]
    assert alt.data_transformers.active == "default"


def test_spec_validates_unless_told_not_to():
    bad = alt.Chart(FRAME).mark_line().encode(x="epoch:Q", y="test_acc:Q")
    bad.mark = "not-a-mark"
    assert a11y.spec(bad, validate=False)["mark"] == {"type": "not-a-mark"}
    with pytest.raises(Exception, match="not-a-mark"):  # Altair's SchemaValidationError
        a11y.spec(bad)
