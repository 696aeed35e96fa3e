"""The teacher's side of a class (issue 18) through AppTest: the teacher stays the teacher
(the softmax_teacher cookie), a new teacher link locks out the old one, the join link from
SOFTMAX_PUBLIC_URL and the localhost warning, a student's confirmation and Leave, a closed
class, following the newest runs, removing a member, the member cap, the board's words.

A browser's cookie is what ui.teacher.request_cookie returns: AppTest sends none, so a
test hands the page the value that the previous session's script wrote.
"""

import re

import pytest
from apptest_helpers import open_app, texts
from test_page_class_board import TEACH, board, join, run, shown, start_class, submit, table

import ui.classroom
import ui.context
import ui.teacher
from lib.i18n import t
from lib.store import SafeStore, Store

COOKIE_SET = re.compile(r'document\.cookie = "softmax_teacher=([^;]*); Max-Age=(\d+);')


@pytest.fixture
def store():
    s = Store()
    yield s
    s.close()


def written_cookie(at) -> tuple[str, int] | None:
    """(value, max-age) of the teacher cookie the page's script sets on this run, if any."""
    for html in at.get("html"):
        found = COOKIE_SET.search(html.proto.body)
        if found:
            return found[1], int(found[2])
    return None


def browser_with(monkeypatch, cookie: str | None):
    """Later sessions in this test come from a browser holding this teacher cookie."""
    monkeypatch.setattr(ui.teacher, "request_cookie", lambda: cookie)


# ---- the teacher stays the teacher ------------------------------------------------------------


def test_the_browser_that_started_a_class_keeps_its_controls(monkeypatch, store):
    at, code, secret = start_class("kept")
    value, age = written_cookie(at)
    assert value == f"{code}.{secret}" and age > 300 * 86400
    at.run()
    assert written_cookie(at) is None  # written once, not on every run
    browser_with(monkeypatch, value)  # a reload, a new tab, a restarted server: a new session
    again = board()
    assert again.session_state[TEACH] == {code: secret}
    assert "class_board.hide" in shown(again)
    assert [m.value for m in again.metric if m.label == t("class_board.code", "en")] == [code]
    assert t("class_board.none", "en") not in [i.value for i in again.info]
    assert written_cookie(again) is None  # the browser already has it
    assert not any(secret in c.value for c in again.code)  # the link stays hidden


def test_a_cookie_is_checked_against_the_store(monkeypatch, store):
    code, secret = store.create_class("real")
    deleted, gone = store.create_class("deleted")
    store.delete_class(deleted, gone)
    forged = f"{code}.{'x' * 32}"
    browser_with(monkeypatch, f"junk~{deleted}.{gone}~{forged}~{code}.{secret}~<b>")
    at = board()
    assert at.session_state[TEACH] == {code: secret}
    assert written_cookie(at) == (f"{code}.{secret}", 400 * 86400)  # cleaned
    browser_with(monkeypatch, forged)
    at = board()
    assert not at.session_state[TEACH] and not shown(at)
    assert written_cookie(at) == ("", 0)  # deleted


def test_a_new_teacher_link_locks_out_the_old_one(monkeypatch, store):
    at, code, old = start_class("rotated")
    other = board(query={"teach": f"{code}.{old}"})  # the teacher's second computer
    assert "class_board.hide" in shown(other)
    at.button(key="class_board.rotate").click().run()
    assert not at.exception
    new = at.session_state[TEACH][code]
    assert new != old and store.is_teacher(code, new) and not store.is_teacher(code, old)
    assert t("class_board.rotated", "en") in [s.value for s in at.success]
    assert f"/class?teach={code}.{new}" in [c.value for c in at.code]  # shown at once
    assert written_cookie(at)[0] == f"{code}.{new}"  # this browser keeps the controls
    assert "class_board.hide" in shown(at)
    other.run()  # the other computer, on its next run
    assert not other.session_state[TEACH] and not shown(other)
    assert written_cookie(other) == ("", 0)
    browser_with(monkeypatch, f"{code}.{old}")  # an old cookie elsewhere
    assert not shown(board())
    stale = board(query={"teach": f"{code}.{old}"})  # the old link
    assert t("class_board.teach.bad", "en") in [e.value for e in stale.error]
    assert not shown(stale)


def test_deleting_the_class_removes_it_from_the_cookie(store):
    at, code, _ = start_class()
    at.checkbox(key="class_board.delete.sure").check().run()
    at.button(key="class_board.delete").click().run()
    assert written_cookie(at) == ("", 0)


# ---- the join link -----------------------------------------------------------------------------


def test_the_join_link_uses_softmax_public_url(monkeypatch):
    monkeypatch.setenv("SOFTMAX_PUBLIC_URL", "https://school.example/softmax")
    monkeypatch.setattr(ui.context, "page_address", lambda: "http://localhost:8501/class")
    at, code, secret = start_class()
    codes = [c.value for c in at.code]
    assert f"https://school.example/softmax/?class={code}" in codes
    assert t("class.link.local", "en") not in [w.value for w in at.warning]
    at.toggle(key=f"class_board.show_teach.{code}").set_value(True).run()
    assert f"https://school.example/softmax/class?teach={code}.{secret}" in [
        c.value for c in at.code
    ]


@pytest.mark.parametrize(
    "address, warned, lang",
    [
        ("http://localhost:8501/class", True, "en"),
        ("http://127.0.0.1:8501/class", True, "zh"),
        ("http://[::1]:8501/class", True, "en"),
        ("http://192.168.1.20:8501/class", False, "zh"),
        ("https://school.example/softmax/class", False, "en"),
    ],
)
def test_a_join_link_on_localhost_is_warned_about(monkeypatch, address, warned, lang):
    monkeypatch.setattr(ui.context, "page_address", lambda: address)
    at, code, _ = start_class(lang=lang)
    assert (t("class.link.local", lang) in [w.value for w in at.warning]) == warned
    base = address.removesuffix("class")
    assert f"{base}?class={code}" in [c.value for c in at.code]


def test_a_bad_public_url_falls_back_to_the_page_address(monkeypatch):
    monkeypatch.setenv("SOFTMAX_PUBLIC_URL", "school.example")
    monkeypatch.setattr(ui.context, "page_address", lambda: "http://10.0.0.5:8501/class")
    at, code, _ = start_class()
    assert not at.exception
    assert f"http://10.0.0.5:8501/?class={code}" in [c.value for c in at.code]


# ---- students ----------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_student_sees_a_confirmation_and_can_leave(store, lang):
    code, _ = store.create_class()
    at = open_app(query={"class": code}, lang=lang)
    at.text_input(key="class.join.name").input("Zoë <b>x</b>")
    submit(at, "class.join")
    assert t("class.joined", lang, code=code) in [s.value for s in at.success]
    assert "Zoë <b>x</b>" in [c.value for c in at.code]
    assert at.button(key="class.leave.joined")
    at.run()  # the confirmation was once; the sidebar still says where the student is
    assert t("class.joined", lang, code=code) not in [s.value for s in at.success]
    assert t("class.member", lang, code=code) in texts(at)
    at.button(key="class.leave.sidebar").click().run()
    assert not at.exception
    assert store.membership(at.session_state["identity"]) is None
    assert t("class.left", lang) in [s.value for s in at.success]
    assert not _has(at, "class.leave.sidebar")


def _has(at, key: str) -> bool:
    return any(b.key == key for b in at.button)


def test_leaving_from_the_board(store):
    code, _ = store.create_class()
    at = join(code, "Ada")
    at.button(key="class.leave.board").click().run()
    assert store.membership(at.session_state["identity"]) is None
    assert t("class_board.none", "en") in [i.value for i in at.info]
    assert not _has(at, "class.leave.sidebar")


@pytest.mark.slow  # it trains a run on the real data
def test_a_run_after_closing_is_saved_but_not_posted(store, real_data):
    teacher, code, secret = start_class()
    student = join(code, "Ada")
    store.close_class(code, secret)
    student.switch_page("lessons/train.py").run()
    assert t("class.join.closed", "en") in texts(student)  # the sidebar says it
    student.query_params.update({"epochs": "1", "softmax": "stable", "lr": "0.3"})
    student.run()
    student.button(key="train.start").click().run()
    assert not student.exception
    assert t("class.closed.run", "en", code=code) in [i.value for i in student.info]
    assert len(store.runs(student.session_state["identity"])) == 1  # saved for the student
    assert store.class_runs(code) == []  # not posted
    teacher.run()
    assert t("class.join.closed", "en") in [i.value for i in teacher.info]  # the same words


def test_the_member_cap_refuses_with_a_message(monkeypatch):
    capped = SafeStore(lambda: Store(max_members=1))
    monkeypatch.setattr(ui.context, "store", lambda: capped)
    code, _ = capped.create_class()
    join(code, "first")
    late = open_app(query={"class": code})
    late.text_input(key="class.join.name").input("second")
    submit(late, "class.join")
    assert t("class.join.full", "en") in [e.value for e in late.error]
    assert "class" in late.query_params and not late.exception


# ---- the board follows the class ---------------------------------------------------------------


def test_new_runs_join_the_curves_until_follow_is_off(store):
    at, code, _ = start_class()
    ada = join(code, "Ada")
    token = ada.session_state["identity"]
    first = [run(lr=0.1, acc=0.8, number=1), run(lr=0.3, acc=0.85, number=2)]
    for r in first:
        store.save_run(token, r, class_code=code)
    at.run()
    pick = at.multiselect(key="class_board.curves.pick")
    assert set(pick.value) == {r.id for r in first}
    assert at.toggle(key="class_board.curves.follow").value is True
    newer = run(lr=1.0, softmax="naive", status="breakdown", number=3)
    store.save_run(token, newer, class_code=code)
    at.run()
    assert at.multiselect(key="class_board.curves.pick").value[0] == newer.id  # by itself
    at.multiselect(key="class_board.curves.pick").unselect(first[0].id).run()
    at.toggle(key="class_board.curves.follow").set_value(False).run()
    mine = at.multiselect(key="class_board.curves.pick").value
    assert set(mine) == {newer.id, first[1].id}
    store.save_run(token, run(lr=0.03, number=4), class_code=code)
    at.run()
    assert at.multiselect(key="class_board.curves.pick").value == mine  # the teacher's picks
    at.toggle(key="class_board.curves.follow").set_value(True).run()  # new runs from now on
    latest = run(lr=0.01, number=5)
    store.save_run(token, latest, class_code=code)
    at.run()
    assert at.multiselect(key="class_board.curves.pick").value == [latest.id, *mine]


def test_following_keeps_at_most_eight_curves(store):
    at, code, _ = start_class()
    token = join(code, "Ada").session_state["identity"]
    at.run()
    for k in range(1, 11):
        store.save_run(token, run(lr=0.01 * k, number=k), class_code=code)
        at.run()
    assert len(at.multiselect(key="class_board.curves.pick").value) == 8


def test_the_teacher_removes_a_member_with_their_runs(store):
    at, code, secret = start_class()
    ada, bo = join(code, "Ada"), join(code, "Bo")
    for student, n in ((ada, 2), (bo, 1)):
        for k in range(1, n + 1):
            store.save_run(student.session_state["identity"], run(number=k), class_code=code)
    at.run()
    pick = at.selectbox(key="class_board.member.pick")
    assert pick.options == ["Ada · 2 runs on the board", "Bo · 1 run on the board"]
    assert at.button(key="class_board.member.remove").disabled
    pick.select(store.class_members(code, secret)[0].key).run()
    at.checkbox(key="class_board.member.sure").check().run()
    at.button(key="class_board.member.remove").click().run()
    assert not at.exception
    assert t("class_board.member.removed", "en", n=2) in [s.value for s in at.success]
    assert list(table(at)["student"]) == ["Bo"]
    again = open_app(query={"class": code})  # Ada's browser, with the link again
    again.session_state["identity"] = ada.session_state["identity"]
    again.run()
    again.text_input(key="class.join.name").input("Ada")
    submit(again, "class.join")
    assert t("class.join.removed", "en") in [e.value for e in again.error]


# ---- the board's words ---------------------------------------------------------------------


def test_settings_are_shown_in_the_pages_language(store):
    at, code, secret = start_class()
    token = join(code, "Ada").session_state["identity"]
    store.save_run(token, run(softmax="naive", number=1), class_code=code)
    zh = board(lang="zh", query={"teach": f"{code}.{secret}"})
    frame = table(zh)
    assert list(frame["softmax"]) == [t("softmax.naive", "zh")]
    assert list(frame["framework"]) == [t("framework.scratch", "zh")]
    labels = zh.multiselect(key="class_board.curves.pick").options
    assert any(t("softmax.naive", "zh") in label for label in labels)
