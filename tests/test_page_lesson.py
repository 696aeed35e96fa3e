"""The guided lesson through AppTest: both languages, predict then reveal, progress, the
links' pages and queries, the teacher's view. The page needs no data set."""

from urllib.parse import parse_qs

import pytest
from apptest_helpers import has_chinese, open_app, texts

from lib import lesson as L
from lib.i18n import t

PAGE = "lesson"
PROGRESS = "lesson.progress"
PAGE_URLS = {
    "train": "",
    "minibatch": "minibatch",
    "overflow": "overflow",
    "decisions": "decisions",
    "many_classes": "many_classes",
}


@pytest.fixture
def open_page(no_data):
    def _open(lang="en"):
        return open_app(page=PAGE, lang=lang)

    return _open


def progress(at) -> dict:
    return at.session_state.get(PROGRESS, {})


def step_links(at) -> list:
    return [link.proto for link in at.get("page_link")]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_both_languages(open_page, lang):
    at = open_page(lang)
    assert not at.exception
    assert has_chinese(at.title[0].value) == (lang == "zh")
    assert len(at.radio(key=f"lesson.pick.lr1.{lang}").options) == 3
    shown = texts(at)
    bar = str(at.get("progress")[0].proto)
    assert t("lesson.progress", lang, done=0, total=len(L.STEPS)) in bar
    for step in L.STEPS:
        assert t(step.question, lang) in shown
        assert t(step.answer, lang) not in shown  # hidden until asked for
    assert len(step_links(at)) == len(L.STEPS)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_link_opens_its_page_with_the_steps_settings(open_page, lang):
    at = open_page(lang)
    for step, link in zip(L.STEPS, step_links(at), strict=True):
        assert link.page == PAGE_URLS[step.page], step.id
        query = {k: v[0] for k, v in parse_qs(link.query_string).items()}
        assert query == L.link_query(step, lang), step.id
    lr1 = step_links(at)[[s.id for s in L.STEPS].index("lr1")]
    assert parse_qs(lr1.query_string) == {
        "lr": ["1"],
        "epochs": ["3"],
        "batch": ["256"],
        "seed": ["0"],
        "softmax": ["naive"],
        "framework": ["scratch"],
        "lang": [lang],
    }


def test_predict_then_reveal_marks_progress(open_page):
    at = open_page()
    at.radio(key="lesson.pick.lr1.en").set_value("log").run()
    assert progress(at)["lr1"] == {"predicted": "log", "revealed": False}
    assert t(L.BY_ID["lr1"].answer, "en") not in texts(at)
    at.button(key="lesson.reveal.lr1").click().run()
    assert not at.exception
    assert progress(at)["lr1"] == {"predicted": "log", "revealed": True}
    assert "Your prediction was right." in at.success[0].value
    assert t(L.BY_ID["lr1"].answer, "en") in at.success[0].value
    assert f"1 of {len(L.STEPS)} steps done" in str(at.get("progress")[0].proto)
    assert at.radio(key="lesson.pick.lr1.en").disabled
    assert not [b for b in at.button if b.key == "lesson.reveal.lr1"]


def test_a_wrong_prediction_and_no_prediction(open_page):
    at = open_page()
    at.radio(key="lesson.pick.exp50.en").set_value("inf").run()
    at.button(key="lesson.reveal.exp50").click().run()
    assert "Your prediction was: inf: it overflows." in at.warning[0].value
    at.button(key="lesson.reveal.vocab").click().run()
    assert progress(at)["vocab"] == {"predicted": None, "revealed": True}
    assert "without predicting" in at.info[-1].value
    assert f"2 of {len(L.STEPS)} steps done" in str(at.get("progress")[0].proto)


def test_the_prediction_survives_a_language_switch(open_page):
    at = open_page()
    at.radio(key="lesson.pick.stable.en").set_value("trains").run()
    at.radio(key="lang").set_value("zh").run()
    assert not at.exception
    assert at.radio(key="lesson.pick.stable.zh").value == "trains"
    at.button(key="lesson.reveal.stable").click().run()
    assert "你的预测是对的。" in at.success[0].value


def test_all_steps_done_and_start_over(open_page):
    at = open_page()
    for step in L.STEPS:
        at.radio(key=f"lesson.pick.{step.id}.en").set_value(step.right).run()
        at.button(key=f"lesson.reveal.{step.id}").click().run()
    assert not at.exception
    assert L.done(progress(at)) == len(L.STEPS) == len(at.success) - 1  # one per step + all done
    assert "All steps done" in at.success[0].value
    at.button(key="lesson.restart").click().run()
    assert progress(at) == {} and at.radio(key="lesson.pick.keepdim.en").value is None
    assert f"0 of {len(L.STEPS)} steps done" in str(at.get("progress")[0].proto)


def test_teachers_view_lists_every_link_as_plain_text(open_page):
    at = open_page("zh")
    assert not [c for c in at.code if c.value.startswith("/")]
    at.toggle(key="lesson.teacher").set_value(True).run()
    assert not at.exception
    urls = [c.value for c in at.code if c.language == "plaintext"]
    assert urls == [L.link_url(step, "zh") for step in L.STEPS]  # no browser: relative links
    assert urls[0] == "/minibatch?lang=zh"
    shown = at.session_state["_shown_code"]
    assert "lib.lesson.link_url" in shown and "lib.pages.app_url" in shown


def test_the_code_shown_is_the_progress_and_link_code(open_page):
    at = open_page()
    assert at.session_state["_shown_code"] == [
        "lib.lesson.done",
        "lib.lesson.link_query",
        "lib.lesson.record",
        "lib.lesson.verdict",
    ]
