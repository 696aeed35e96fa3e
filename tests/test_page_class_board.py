"""The class board (/class) through AppTest: a teacher, students, their runs, bad codes.

Several AppTest sessions share the test database (tests/conftest.py points
SOFTMAX_DB_URL at a temporary SQLite file): one is the teacher, the others are
students who join with the link's ?class=CODE. Runs are posted by training on
the Train page (real data) or saved through the store, as the app saves them.
"""

import math

import pytest
import torch
from apptest_helpers import has_chinese, open_app, texts
from streamlit.testing.v1 import AppTest

import ui.context
from lib.config import TrainConfig
from lib.i18n import t
from lib.runs import Run
from lib.store import SafeStore, Store
from lib.store.values import new_code

PAGE = "lessons/class_board.py"
TEACH = "class_board.teach"
TEACHER_KEYS = (
    "class_board.hide",
    "class_board.csv",
    "class_board.remove",
    "class_board.delete",
    "class_board.close",
)


def board(query: dict | None = None, lang: str | None = None) -> AppTest:
    """A new browser session on /class (the page's URL path is not its file name, so
    AppTest opens the app once, then switches)."""
    at = open_app(query=query, lang=lang)
    at.switch_page(PAGE).run()
    assert not at.exception
    return at


def submit(at: AppTest, form: str) -> AppTest:
    """Press the submit button of st.form(form)."""
    (button,) = [b for b in at.button if b.key.startswith(f"FormSubmitter:{form}-")]
    return button.click().run()


def start_class(title: str = "", lang: str | None = None) -> tuple[AppTest, str, str]:
    """A teacher's session that started a class: (session, code, secret)."""
    at = board(lang=lang)
    at.text_input(key="class_board.start.title").input(title)
    submit(at, "class_board.start")
    assert not at.exception
    ((code, secret),) = at.session_state[TEACH].items()
    return at, code, secret


def join(code: str, name: str = "") -> AppTest:
    """A student who opened the join link and joined; on the class board afterwards."""
    at = open_app(query={"class": code})
    at.text_input(key="class.join.name").input(name)
    submit(at, "class.join")
    assert not at.exception and "class" not in at.query_params
    at.switch_page(PAGE).run()
    return at


def run(lr=0.1, softmax="stable", acc=0.8, status="done", epochs=2, number=1) -> Run:
    """A run as the Train page keeps it (weights included), without training."""
    bad = status == "breakdown"
    history = [
        {
            "epoch": e,
            "train_loss": 2.3 - 0.5 * e,
            "train_acc": 0.1 + 0.3 * e,
            "test_acc": acc if e == epochs else 0.1,
            "seconds": 0.4,
            "broke_down": bad and e == epochs,
        }
        for e in range(epochs + 1)
    ]
    W = torch.full((784, 10), math.nan if bad else 0.01)
    return Run(
        number=number,
        cfg=TrainConfig(lr=lr, softmax=softmax, num_epochs=epochs),
        history=history,
        W=W,
        b=torch.zeros(10),
        status=status,
    )


def table(at: AppTest):
    """The board's runs table (newest first)."""
    (frame,) = [d.value for d in at.dataframe if "best" in d.value.columns]
    return frame


def shown(at: AppTest) -> set:
    """Keys of the teacher's controls present on the page."""
    keys = {
        w.key
        for kind in ("toggle", "button", "selectbox", "checkbox", "download_button")
        for w in getattr(at, kind)
    }
    return set(TEACHER_KEYS) & keys


@pytest.fixture
def store():
    """The app's database, opened by the test as a second process would."""
    s = Store()
    yield s
    s.close()


@pytest.fixture
def classroom(store):
    """A teacher and two students (Ada, and a name with markup); 4 runs posted, one broke down."""
    teacher, code, secret = start_class("Period 3 <b>**bold**</b>")
    ada = join(code, "Ada")
    eve = join(code, "**Eve** <i>x</i> `tick`")
    ada_token, eve_token = ada.session_state["identity"], eve.session_state["identity"]
    posted = [
        (ada_token, run(lr=0.1, acc=0.83, number=1)),
        (ada_token, run(lr=1.0, softmax="naive", status="breakdown", acc=0.1, number=2)),
        (eve_token, run(lr=0.3, acc=0.85, number=1)),
        (eve_token, run(lr=0.03, softmax="naive", acc=0.78, number=2, epochs=1)),
    ]
    for token, r in posted:
        store.save_run(token, r, class_code=code)
    teacher.run()
    return {
        "teacher": teacher,
        "code": code,
        "secret": secret,
        "ada": ada.run(),
        "eve": eve.run(),
        "runs": [r for _, r in posted],
        "tokens": (ada_token, eve_token),
    }


# ---- no class yet, starting one ------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_outside_a_class_the_page_says_how_to_join_or_start(lang):
    at = board(lang=lang)
    assert at.title[0].value == t("class_board.title", lang)
    assert has_chinese(texts(at)) == (lang == "zh")
    assert t("class_board.none", lang) in [i.value for i in at.info]
    assert at.text_input(key="class_board.join.code")
    assert at.text_input(key="class_board.start.title")
    assert not shown(at)


def test_a_teacher_starts_a_class_and_gets_code_links_and_controls():
    at, code, secret = start_class("Monday <b>**10:00**</b> [x](https://e.invalid)")
    assert t("class_board.started", "en", code=code) in [s.value for s in at.success]
    assert [m.value for m in at.metric if m.label == t("class_board.code", "en")] == [code]
    codes = [c.value for c in at.code]
    assert f"/?class={code}" in codes
    assert "Monday <b>**10:00**</b> [x](https://e.invalid)" in codes  # the title: plain text
    assert "10:00" not in texts(at) and "e.invalid" not in texts(at)
    assert not any(secret in c for c in codes)  # private until asked
    assert shown(at) >= {"class_board.hide", "class_board.csv", "class_board.delete"}
    at.toggle(key=f"class_board.show_teach.{code}").set_value(True).run()
    assert f"/class?teach={code}.{secret}" in [c.value for c in at.code]
    assert t("class_board.empty", "en") in [i.value for i in at.info]


def test_a_teacher_link_gives_the_controls_and_leaves_the_url(store):
    code, secret = store.create_class("linked")
    at = board(query={"teach": f"{code}.{secret}"})
    # the browser drops it from the address bar and history now (the page's script) ...
    script = [h.proto.body for h in at.get("html") if "replaceState" in h.proto.body]
    assert script and "'teach'" in script[0]
    assert at.session_state[TEACH] == {code: secret}
    assert t("class_board.teach.adopted", "en", code=code) in [s.value for s in at.success]
    assert "class_board.hide" in shown(at)
    at.run()  # ... the server's copy goes on the next run, and the controls stay
    assert "teach" not in at.query_params
    assert "class_board.hide" in shown(at) and not at.error


@pytest.mark.parametrize("bad", ["nonsense", "ABCDEF.short", "{code}.{other}", "{code}"])
def test_a_wrong_teacher_link_gives_no_controls(store, bad):
    code, _ = store.create_class()
    raw = bad.format(code=code, other=store.create_class()[1])
    at = board(query={"teach": raw})
    assert not at.session_state[TEACH]
    assert t("class_board.teach.bad", "en") in [e.value for e in at.error]
    assert raw[:40] in [c.value.rstrip("…") for c in at.code]
    assert not shown(at)


# ---- the board --------------------------------------------------------------------------


def test_the_teachers_board_lists_every_run(classroom):
    at = classroom["teacher"]
    assert not at.exception
    frame = table(at)
    assert len(frame) == 4
    assert list(frame["student"]) == [
        "**Eve** <i>x</i> `tick`",
        "**Eve** <i>x</i> `tick`",
        "Ada",
        "Ada",
    ]  # newest first
    assert sorted(frame["lr"]) == [0.03, 0.1, 0.3, 1.0]
    best = frame[frame["best"] == "★"]
    assert list(best["lr"]) == [0.3] and list(best["test_acc"]) == ["0.8500"]
    assert list(frame[frame["lr"] == 1.0]["test_acc"]) == ["–"]  # it broke down
    assert t("status.breakdown", "en") in list(frame["status"])
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[t("class_board.students", "en")] == "2"
    assert metrics[t("class_board.runs", "en")] == "4"
    assert metrics[t("class_board.broken_count", "en")] == "1"
    assert metrics[t("class_board.best_acc", "en")] == "0.8500"
    assert t("class_board.broken.one", "en", lrs="1") in texts(at)
    assert len(at.get("vega_lite_chart")) == 2  # the scatter, the curves
    assert "<i>x</i>" not in texts(at) and "Ada" not in texts(at)  # names: cells only


def test_a_student_sees_the_board_read_only(classroom):
    at = classroom["ada"]
    assert not at.exception
    assert len(table(at)) == 4
    assert not shown(at)
    assert "Ada" in [c.value for c in at.code]  # posting as
    assert classroom["secret"] not in str([c.value for c in at.code])


def test_a_run_trained_on_the_train_page_reaches_the_board(classroom, real_data):
    student = classroom["ada"]
    student.switch_page("lessons/train.py").run()
    student.query_params.update({"epochs": "1", "softmax": "stable", "lr": "0.3"})
    student.run()
    student.button(key="train.start").click().run()
    assert not student.exception
    (trained,) = [
        r for r in student.session_state["runs"] if r.id not in {r.id for r in classroom["runs"]}
    ]
    assert trained.status == "done" and trained.epochs_run == 1
    teacher = classroom["teacher"].run()
    frame = table(teacher)
    assert len(frame) == 5 and frame.iloc[0]["student"] == "Ada"
    assert frame.iloc[0]["test_acc"] == f"{trained.history[-1]['test_acc']:.4f}"


def test_hiding_names_for_the_projector(classroom):
    at = classroom["teacher"]
    curves = at.multiselect(key="class_board.curves.pick").value
    assert len(curves) == 3 and curves[0] == classroom["runs"][2].id  # the best first
    at.toggle(key="class_board.hide").set_value(True).run()
    assert not at.exception
    assert at.multiselect(key="class_board.curves.pick").value == curves  # kept, relabelled
    students = list(table(at)["student"])
    assert students == ["Student 2", "Student 2", "Student 1", "Student 1"]  # join order
    assert "Ada" not in str([o for s in at.multiselect for o in s.options])
    ada = classroom["ada"].run()
    assert set(table(ada)["student"]) == {"Student 1", "Student 2"}
    at.toggle(key="class_board.hide").set_value(False).run()
    assert "Ada" in list(table(at)["student"])


def test_hidden_names_in_chinese(classroom):
    at = classroom["teacher"]
    at.toggle(key="class_board.hide").set_value(True).run()
    zh = board(lang="zh", query={"teach": f"{classroom['code']}.{classroom['secret']}"})
    assert set(table(zh)["student"]) == {"学生 1", "学生 2"}


def test_removing_a_run_takes_it_off_the_board_only(classroom, store):
    at = classroom["teacher"]
    gone = classroom["runs"][2]  # Eve's best run
    at.selectbox(key="class_board.remove.pick").select(gone.id).run()
    at.button(key="class_board.remove").click().run()
    assert not at.exception
    assert t("class_board.removed", "en") in [s.value for s in at.success]
    frame = table(at)
    assert len(frame) == 3 and 0.3 not in list(frame["lr"])
    assert list(frame[frame["best"] == "★"]["lr"]) == [0.1]  # the next best
    eve_token = classroom["tokens"][1]
    assert gone.id in [r.id for r in store.runs(eve_token)]  # still Eve's


def test_the_csv_has_every_epoch_of_every_run(classroom, store):
    text = store.class_csv(classroom["code"], classroom["secret"])
    lines = text.strip().splitlines()
    assert len(lines) == 1 + sum(len(r.history) for r in classroom["runs"])
    assert lines[0].startswith("student,run,run_id,status,lr,")
    assert sum(line.startswith("Ada,") for line in lines) == 3 + 3
    assert "class_board.csv" in shown(classroom["teacher"])


def test_closing_the_class_refuses_new_students_and_runs(classroom, store):
    at = classroom["teacher"]
    at.checkbox(key="class_board.close.sure").check().run()
    at.button(key="class_board.close").click().run()
    assert not at.exception
    assert t("class.join.closed", "en") in [i.value for i in at.info]
    assert len(table(at)) == 4  # the board stays
    store.save_run(classroom["tokens"][0], run(lr=3.0, number=3), class_code=classroom["code"])
    assert len(table(at.run())) == 4  # and takes no new run
    late = open_app(query={"class": classroom["code"]})
    late.text_input(key="class.join.name").input("Late")
    submit(late, "class.join")
    assert t("class.join.closed", "en") in [e.value for e in late.error]
    assert not late.exception


def test_a_closed_class_is_refused_from_the_code_box(classroom, store):
    store.close_class(classroom["code"], classroom["secret"])
    at = board()
    at.text_input(key="class_board.join.code").input(classroom["code"].lower())
    submit(at, "class_board.join")
    assert t("class.join.closed", "en") in [e.value for e in at.error]
    assert "class" not in at.query_params


def test_deleting_the_class_needs_a_confirmation(classroom, store):
    at = classroom["teacher"]
    assert at.button(key="class_board.delete").disabled
    at.checkbox(key="class_board.delete.sure").check().run()
    at.button(key="class_board.delete").click().run()
    assert not at.exception
    assert t("class_board.deleted", "en", code=classroom["code"]) in [s.value for s in at.success]
    assert store.class_info(classroom["code"]) is None
    assert not at.session_state[TEACH] and not shown(at)
    assert t("class_board.none", "en") in [i.value for i in at.info]
    ada = classroom["ada"].run()  # the students are out of the class
    assert t("class_board.none", "en") in [i.value for i in ada.info]
    assert len(store.runs(classroom["tokens"][0])) == 2  # their runs stay


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_board_in_both_languages(classroom, lang):
    query = {"teach": f"{classroom['code']}.{classroom['secret']}"}
    at = board(query=query, lang=lang)
    assert not at.exception
    assert at.title[0].value == t("class_board.title", lang)
    assert {m.label for m in at.metric} >= {
        t("class_board.students", lang),
        t("class_board.broken_count", lang),
    }
    assert t("status.breakdown", lang) in list(table(at)["status"])
    assert has_chinese(texts(at)) == (lang == "zh")


def test_a_student_can_join_from_the_code_box(classroom):
    at = board()
    at.text_input(key="class_board.join.code").input(
        f" {classroom['code'][:3]}-{classroom['code'][3:].lower()} "
    )
    submit(at, "class_board.join")
    assert at.query_params["class"] == classroom["code"]  # the join prompt takes over
    at.text_input(key="class.join.name").input("Zoë 🙂")
    submit(at, "class.join")
    assert not at.exception and len(table(at)) == 4
    assert "Zoë 🙂" in [c.value for c in at.code]


# ---- bad codes ------------------------------------------------------------------------

BAD_CODES = {
    "malformed": "abc",
    "markdown": "**bold** [x](https://e.invalid)",
    "html": "<img src=x onerror=alert(1)>",
    "backticks": "```\nK7PX3Q\n```",
    "long": "K7PX3Q" * 1000,
}


@pytest.mark.parametrize("kind", sorted(BAD_CODES))
def test_bad_codes_in_the_join_link(kind):
    raw = BAD_CODES[kind]
    at = open_app(query={"class": raw})
    assert not at.exception
    assert t("class.join.malformed", "en") in [e.value for e in at.error]
    boxes = [c.value for c in at.code]
    assert any(len(b) <= 41 and b.rstrip("…") in raw.replace("\n", "\\u000a") for b in boxes)
    assert "e.invalid" not in texts(at) and "onerror" not in texts(at)


@pytest.mark.parametrize("kind", sorted(BAD_CODES))
def test_bad_codes_in_the_code_box(kind):
    raw = BAD_CODES[kind][:64]  # the box takes 64 characters
    at = board()
    at.text_input(key="class_board.join.code").input(raw)
    submit(at, "class_board.join")
    assert not at.exception
    assert t("class.join.malformed", "en") in [e.value for e in at.error]
    assert "class" not in at.query_params
    assert "e.invalid" not in texts(at) and "onerror" not in texts(at)


def unknown_code(store) -> str:
    while True:
        code = new_code()
        if store.class_info(code) is None:
            return code


def test_an_unknown_code(store):
    code = unknown_code(store)
    at = open_app(query={"class": code.lower()})
    assert t("class.join.unknown", "en") in [e.value for e in at.error]
    assert code.lower() in [c.value for c in at.code]
    at = board()
    at.text_input(key="class_board.join.code").input(code)
    submit(at, "class_board.join")
    assert t("class.join.unknown", "en") in [e.value for e in at.error]
    assert code in [c.value for c in at.code]


def test_an_empty_code_box_asks_for_a_code():
    at = board()
    submit(at, "class_board.join")
    assert t("class_board.join.empty", "en") in [w.value for w in at.warning]


# ---- the database down ---------------------------------------------------------------


def test_with_the_database_down_the_page_says_so_and_keeps_working(monkeypatch):
    def refuse():
        raise OSError("connection refused")

    down = SafeStore(refuse, retry_seconds=3600)
    monkeypatch.setattr(ui.context, "store", lambda: down)
    at = board()
    assert not at.exception
    assert t("class_board.down", "en") in [w.value for w in at.warning]
    at.text_input(key="class_board.start.title").input("x")
    submit(at, "class_board.start")
    assert not at.exception
    assert t("class_board.down", "en") in [e.value for e in at.error]
    assert not at.session_state[TEACH]
