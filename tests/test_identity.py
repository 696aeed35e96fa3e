"""Who is who without accounts, and runs that outlive the tab (AppTest, in-process).

A browser's identity is a secret token in a cookie; AppTest cannot send
cookies, so these tests hand a session its token through session_state, which
is exactly where ui.identity.identity() keeps what it read from the cookie.
"""

import pytest
import torch
from apptest_helpers import texts

import ui.context
from lib.i18n import t
from lib.store import SafeStore, Store, new_token

pytestmark = pytest.mark.usefixtures("real_data")


def session(token=None, **kwargs):
    """open_app, as the browser whose cookie holds `token` (None: a first visit)."""
    from apptest_helpers import APP, TIMEOUT
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if token:
        at.session_state["identity"] = token
    for key, value in kwargs.get("query", {}).items():
        at.query_params[key] = value
    at.run()
    return at


def train(at, epochs=1):
    at.slider(key="train.w.epochs").set_value(epochs).run()
    at.button(key="train.start").click().run()
    assert not at.exception
    return at.session_state["runs"][-1]


def test_a_first_visit_gets_a_fresh_identity_of_its_own():
    a, b = session(), session()
    assert a.session_state["identity"] != b.session_state["identity"]
    assert len(a.session_state["identity"]) >= 32


def test_runs_come_back_in_a_new_session_of_the_same_browser():
    token = new_token()
    first = session(token)
    run = train(first)
    again = session(token)  # a reload, a new tab, the next day
    (back,) = again.session_state["runs"]
    assert back.id == run.id and back.status == "done"
    assert torch.equal(back.W, run.W) and torch.equal(back.b, run.b)
    assert back.history == run.history
    assert "Your runs" in texts(again)


def test_another_browser_never_sees_them():
    token = new_token()
    train(session(token))
    stranger = session(new_token())
    assert stranger.session_state["runs"] == []
    assert t("train.no_runs", "en") in texts(stranger)


def test_a_personal_link_moves_the_runs_and_leaves_the_url():
    token = new_token()
    run = train(session(token))
    other_device = session(query={"me": token})
    assert other_device.session_state["identity"] == token
    assert [r.id for r in other_device.session_state["runs"]] == [run.id]
    assert "me" not in other_device.query_params  # never kept in a shareable URL


@pytest.mark.parametrize("bad", ["", "short", "x" * 5000, "<script>", "a b c d" * 8, "\u202e" * 40])
def test_a_bad_personal_link_is_ignored(bad):
    at = session(query={"me": bad})
    assert not at.exception
    assert at.session_state["identity"] != bad and "me" not in at.query_params


def test_a_pasted_code_switches_identity():
    token = new_token()
    run = train(session(token))
    at = session()
    at.text_input(key="me.paste").input(token).run()
    assert at.session_state["identity"] == token
    assert [r.id for r in at.session_state["runs"]] == [run.id]
    at.text_input(key="me.paste").input("not a code").run()
    assert at.session_state["identity"] == token
    assert any(t("me.bad_code", "en") == e.value for e in at.error)


def test_delete_one_run_then_all():
    token = new_token()
    at = session(token)
    first, second = train(at), train(at)
    at.selectbox(key="train.delete.which").set_value(first.id).run()
    at.button(key="train.delete.button").click().run()
    assert [r.id for r in at.session_state["runs"]] == [second.id]
    assert [r.id for r in session(token).session_state["runs"]] == [second.id]
    at.checkbox(key="me.delete_all.sure").check().run()
    at.button(key="me.delete_all").click().run()
    assert at.session_state["runs"] == [] and session(token).session_state["runs"] == []


def test_an_interrupted_run_is_saved_as_stopped():
    token = new_token()
    at = session(token)
    run = train(at, epochs=2)
    run.status = "running"  # as a click or closed tab leaves it
    at.run()  # the next script run settles it
    assert run.status == "stopped"
    (back,) = session(token).session_state["runs"]
    assert back.status == "stopped" and back.epochs_run == 2


def test_with_the_database_down_the_app_keeps_working_and_saves_later(monkeypatch, tmp_path):
    """Down at start: runs stay in memory with a notice; back up: they are saved."""
    path = tmp_path / "db" / "softmax.db"
    url = f"sqlite:///{path}"
    state = {"up": False}

    def factory():
        if not state["up"]:
            raise OSError("database unreachable (test)")
        return Store(url)

    safe = SafeStore(factory, retry_seconds=0.0)
    monkeypatch.setattr(ui.context, "store", lambda: safe)
    token = new_token()
    at = session(token)
    assert not at.exception
    down = t("store.down", "en")
    assert any(down == w.value for w in at.warning)
    run = train(at)  # trains fine, kept in memory
    assert run.trained and at.session_state["runs"] == [run]
    path.parent.mkdir()
    state["up"] = True
    safe.flush(wait=True)
    assert safe.available
    at.run()
    assert not any(down == w.value for w in at.warning)
    assert [r.id for r in Store(url).runs(token)] == [run.id]


def test_lesson_progress_follows_the_browser():
    token = new_token()
    at = session(token)
    at.switch_page("lessons/lesson.py").run()
    reveal = [b for b in at.button if (b.key or "").startswith("lesson.reveal.")]
    assert reveal, "the lesson page has reveal buttons"
    reveal[0].click().run()
    assert not at.exception
    done = {k for k, v in at.session_state["lesson.progress"].items() if v.get("revealed")}
    assert done
    again = session(token)
    again.switch_page("lessons/lesson.py").run()
    assert {
        k for k, v in again.session_state["lesson.progress"].items() if v.get("revealed")
    } == done
    stranger = session(new_token())
    stranger.switch_page("lessons/lesson.py").run()
    assert not any(v.get("revealed") for v in stranger.session_state["lesson.progress"].values())


def test_two_tabs_of_one_student_never_share_a_run_number():
    token = new_token()
    left, right = session(token), session(token)  # both opened before either trained
    numbers = [train(left).number, train(right).number, train(left).number]
    assert sorted(numbers) == [1, 2, 3]
    assert sorted(r.number for r in session(token).session_state["runs"]) == [1, 2, 3]


def test_a_deleted_database_file_is_noticed_and_the_tabs_runs_saved_again(monkeypatch, tmp_path):
    path = tmp_path / "state" / "softmax.db"
    url = f"sqlite:///{path}"
    safe = SafeStore(lambda: Store(url), retry_seconds=0.0)
    monkeypatch.setattr(ui.context, "store", lambda: safe)
    token = new_token()
    at = session(token)
    first = train(at)
    for suffix in ("", "-wal", "-shm"):  # the folder emptied under the running server
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    safe.retry_seconds = 3600  # no retry yet: the degraded mode stays on screen
    second = train(at)
    assert not safe.available  # noticed before writing: kept in memory
    at.run()
    assert any(t("store.down", "en") == w.value for w in at.warning)
    safe.retry_seconds = 0.0
    safe.flush(wait=True)
    assert safe.available and safe.generation == 1
    at.run()
    assert any(t("store.recreated", "en", n=2) == w.value for w in at.warning)
    assert sorted(r.id for r in Store(url).runs(token)) == sorted([first.id, second.id])
