"""The class poll on /class through AppTest: the teacher's and the students' pages.

A teacher session and three students' sessions share the test database (see
tests/test_page_class_board.py, whose helpers open them). The rules are the
store's; here the pages must keep them: one answer per student, changed until the
reveal, the distribution hidden until the teacher (and only the teacher) reveals.
"""

import json

import pytest
from apptest_helpers import has_chinese, open_app, texts
from test_page_class_board import join, run, start_class

from lib.i18n import t
from lib.poll import BUILTINS, describe_poll, option_texts
from lib.store import Store

Q = "lr1_naive"
ASK = "poll.ask.button"


@pytest.fixture
def store():
    s = Store()
    yield s
    s.close()


def ask(teacher, kind=Q, question="", options=""):
    lang = teacher.session_state["lang"]
    teacher.selectbox(key=f"poll.ask.pick.{lang}").set_value(kind).run()
    if kind == "typed":
        teacher.text_input(key="poll.ask.question").input(question)
        teacher.text_area(key="poll.ask.options").input(options)
    teacher.button(key=ASK).click().run()
    assert not teacher.exception
    return teacher


def choice_key(at) -> str | None:
    keys = [r.key for r in at.radio if r.key and r.key.startswith("poll.choice.")]
    return keys[0] if keys else None


def answer(student, k: int):
    student.run()
    student.radio(key=choice_key(student)).set_value(k).run()
    assert not student.exception
    return student


def poll_charts(at) -> list[dict]:
    """The Vega-Lite specs on the page that draw the poll's answers."""
    specs = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    return [s for s in specs if "answers" in json.dumps(s.get("layer", ""))]


def markdown(at) -> str:
    return texts(at)


@pytest.fixture
def polled(store):
    """A teacher, three students (Ada, Bo, Cy), an lr-1 naive run of Ada's that broke down."""
    teacher, code, secret = start_class("Poll class")
    students = [join(code, name) for name in ("Ada", "Bo", "Cy")]
    ada_token = students[0].session_state["identity"]
    store.save_run(
        ada_token,
        run(lr=1.0, softmax="naive", status="breakdown", acc=0.1, epochs=1),
        class_code=code,
    )
    store.save_run(ada_token, run(lr=0.1, acc=0.83, number=2), class_code=code)
    return {"teacher": teacher.run(), "students": students, "code": code, "secret": secret}


def test_a_poll_with_three_students_hidden_until_the_teacher_reveals(polled, store):
    teacher, (ada, bo, cy) = polled["teacher"], polled["students"]
    assert t("poll.ask.header", "en") in [e.label for e in teacher.expander]
    assert choice_key(ada.run()) is None  # no poll yet: nothing to answer
    ask(teacher)
    assert t("poll.asked", "en") in [s.value for s in teacher.success]
    question = BUILTINS[Q].text("en")
    assert f"**{question}**" in [m.value for m in teacher.markdown]
    assert f"**{t('poll.answered', 'en', n=0, students=3)}**" in texts(teacher)
    assert teacher.button(key="poll.reveal") and not poll_charts(teacher)

    answer(ada, 1)
    answer(ada, 0)  # changed: still one answer
    answer(bo, 0)
    answer(cy, 3)
    assert t("poll.saved", "en", option="D") in [s.value for s in cy.success]
    view = store.current_poll(polled["code"], ada.session_state["identity"])
    assert view.mine == 0 and view.answered == 3 and view.counts is None
    for at in (teacher.run(), ada.run(), bo.run()):
        assert f"**{t('poll.answered', 'en', n=3, students=3)}**" in texts(at)
        assert not poll_charts(at)  # hidden: only how many answered
        assert t("poll.results", "en") not in texts(at)
    for student in (ada, bo, cy):  # only the teacher can reveal
        assert not [b for b in student.button if b.key in ("poll.reveal", "poll.close")]

    teacher.button(key="poll.reveal").click().run()
    assert not teacher.exception
    assert len(poll_charts(teacher)) == 1
    (drawn,) = [
        d.value for d in teacher.dataframe if t("poll.col.answers", "en") in d.value.columns
    ]
    assert list(drawn[t("poll.col.answers", "en")]) == [2, 0, 0, 1]  # the chart's data
    alt = [c.proto.alt for c in teacher.get("vega_lite_chart")]
    assert describe_poll(store.current_poll(polled["code"]), "en") in alt
    # beside it: the class's lr-1 naive run and its fate
    (frame,) = [
        d.value for d in teacher.dataframe if t("poll.runs.col.fate", "en") in d.value.columns
    ]
    assert list(frame[t("poll.runs.col.fate", "en")]) == [
        "broke down in epoch 1 (test accuracy 0.1000)"
    ]
    assert list(frame[t("poll.runs.col.student", "en")]) == ["Ada"]
    right = BUILTINS[Q].option("breaks", "en")
    assert t("poll.right", "en", option=f"A. {right}") in [s.value for s in teacher.success]
    for wrong in ("trains", "slow", "later"):
        assert BUILTINS[Q].why(wrong, "en") in texts(teacher)

    ada.run()
    assert poll_charts(ada) and choice_key(ada) is None  # fixed now: nothing to change
    texts_en = option_texts(Q, BUILTINS[Q].options, "en")
    assert t("poll.mine.right", "en", option=texts_en[0]) in [s.value for s in ada.success]
    cy.run()
    assert t("poll.mine.wrong", "en", option=texts_en[3]) in [w.value for w in cy.warning]
    assert BUILTINS[Q].why("later", "en") in texts(cy)


def test_a_change_after_the_reveal_is_refused_with_a_message(polled):
    teacher, (ada, _, _) = polled["teacher"], polled["students"]
    ask(teacher)
    ada.run()
    key = choice_key(ada)
    teacher.button(key="poll.reveal").click().run()
    ada.radio(key=key).set_value(2).run()  # the old page still showed the options
    assert t("poll.error.revealed", "en") in [e.value for e in ada.error]


def test_the_teacher_closes_the_poll_and_asks_a_new_one(polled):
    teacher, (ada, _, _) = polled["teacher"], polled["students"]
    ask(teacher)
    answer(ada, 0)
    ask(teacher, "start_loss")
    assert f"**{t('poll.answered', 'en', n=0, students=3)}**" in texts(teacher)
    assert f"**{BUILTINS['start_loss'].text('en')}**" in texts(ada.run())
    teacher.button(key="poll.close").click().run()
    assert t("poll.header", "en") not in [s.value for s in teacher.subheader]
    assert choice_key(ada.run()) is None


def test_a_typed_question_is_checked_and_shown_as_plain_text(polled):
    teacher, (ada, _, _) = polled["teacher"], polled["students"]
    ask(teacher, "typed", "Which lr?", "only one")
    assert t("poll.typed.too_few", "en", low=2) in [e.value for e in teacher.error]
    ask(teacher, "typed", "", "a\nb")
    assert t("poll.typed.empty_question", "en") in [e.value for e in teacher.error]
    ask(teacher, "typed", "**Which** <b>lr</b>?", "[0.1](https://e.invalid)\n`1`\n1")
    assert not teacher.error
    ada.run()
    shown = [x.value for x in ada.text]
    assert "**Which** <b>lr</b>?" in shown and "A. [0.1](https://e.invalid)" in shown
    assert "B. `1`" in shown and "e.invalid" not in texts(ada)
    assert ada.radio(key=choice_key(ada)).options == ["A", "B", "C"]
    answer(ada, 1)
    teacher.run().button(key="poll.reveal").click().run()
    assert t("poll.runs.typed", "en") in texts(teacher)
    assert t("poll.mine.typed", "en", option="B") in [i.value for i in ada.run().info]


def test_the_sidebar_sends_a_student_to_the_poll_until_answered(polled):
    teacher, (ada, _, _) = polled["teacher"], polled["students"]
    ada.switch_page("lessons/train.py").run()
    assert t("poll.sidebar", "en") not in [i.value for i in ada.sidebar.info]
    ask(teacher)
    ada.run()
    assert t("poll.sidebar", "en") in [i.value for i in ada.sidebar.info]
    ada.switch_page("lessons/class_board.py").run()
    answer(ada, 0)
    assert t("poll.sidebar", "en") not in [i.value for i in ada.sidebar.info]


def test_a_student_of_another_class_cannot_answer(polled, store):
    teacher = polled["teacher"]
    ask(teacher)
    other, other_code, _ = start_class("other")
    stranger = join(other_code, "Zed")
    assert choice_key(stranger) is None  # their board shows their own class only
    view = store.current_poll(polled["code"])
    from lib.store import PollError

    with pytest.raises(PollError, match="not_member"):
        store.answer_poll(polled["code"], stranger.session_state["identity"], view.id, 0)


def test_the_poll_in_chinese(polled):
    ada = polled["students"][0]
    zh = open_app(lang="zh", query={"teach": f"{polled['code']}.{polled['secret']}"})
    zh.switch_page("lessons/class_board.py").run()
    ask(zh)
    assert f"**{BUILTINS[Q].text('zh')}**" in texts(zh) and has_chinese(texts(zh))
    answer(ada, 0)
    zh.button(key="poll.reveal").click().run()
    assert describe_poll_zh_in(zh)
    assert "在第 1 个迭代周期崩溃" in str([d.value for d in zh.dataframe])


def describe_poll_zh_in(at) -> bool:
    return any("投票答案" in c.proto.alt for c in at.get("vega_lite_chart"))
