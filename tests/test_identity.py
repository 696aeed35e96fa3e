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


def link_code(token, version=0):
    """What the app's personal link carries after me= for this token."""
    return ui.identity.signer().sign("link", token, version)


def test_a_personal_link_asks_first_then_moves_the_runs_and_leaves_the_url():
    token = new_token()
    run = train(session(token))
    mine = new_token()
    other_device = session(mine, query={"me": link_code(token)})
    assert other_device.session_state["identity"] == mine  # nothing moved yet
    body = t("me.offer.body", "en", n=1)
    assert body in [m.value for m in other_device.markdown]
    assert t("me.offer.none_here", "en") in [c.value for c in other_device.caption]
    other_device.button(key="me.offer.switch").click().run()
    assert other_device.session_state["identity"] == token
    assert [r.id for r in other_device.session_state["runs"]] == [run.id]
    assert "me" not in other_device.query_params  # never kept in a shareable URL


def test_a_personal_link_can_be_declined_and_says_what_this_browser_has():
    token, mine = new_token(), new_token()
    train(session(token))
    at = session(mine)
    mine_run = train(at)
    at.query_params["me"] = link_code(token)
    at.run()
    assert t("me.offer.mine", "en", n=1) in [w.value for w in at.warning]
    at.button(key="me.offer.keep").click().run()
    assert at.session_state["identity"] == mine
    assert [r.id for r in at.session_state["runs"]] == [mine_run.id]
    assert "identity.offer" not in at.session_state and "me" not in at.query_params


@pytest.mark.parametrize("bad", ["", "short", "x" * 5000, "<script>", "a b c d" * 8, "\u202e" * 40])
def test_a_bad_personal_link_is_ignored(bad):
    at = session(query={"me": bad})
    assert not at.exception
    assert at.session_state["identity"] != bad and "identity.offer" not in at.session_state
    at.run()
    assert "me" not in at.query_params


def test_an_unsigned_or_forged_personal_link_is_refused():
    token = new_token()
    train(session(token))
    forged = link_code(token)[:-3] + "AAA"
    for link in (token, forged, ui.identity.signer().sign("cookie", token, 0)):
        at = session(query={"me": link})
        assert at.session_state["identity"] != token
        assert "identity.offer" not in at.session_state
        assert t("me.bad_link", "en") in [e.value for e in at.error]


def test_a_new_personal_link_revokes_the_old_one_and_its_cookies():
    token = new_token()
    at = session(token)
    train(at)
    old_link, old_cookie = link_code(token), ui.identity.signer().sign("cookie", token, 0)
    at.toggle(key="me.show").set_value(True).run()
    at.button(key="me.renew").click().run()
    assert at.session_state["identity.version"] == 1
    assert t("me.renewed", "en") in [m.value for m in at.success]
    new_link = [c.value for c in at.code if "?me=" in c.value][0].split("me=")[1]
    assert new_link == link_code(token, 1) != old_link
    stranger = session(query={"me": old_link})
    assert "identity.offer" not in stranger.session_state
    assert t("me.bad_link", "en") in [e.value for e in stranger.error]
    later = session(query={"me": new_link})
    assert later.session_state["identity.offer"] == (token, 1)
    assert ui.identity.accept_cookie(old_cookie) is None  # a browser that used the old link
    assert ui.identity.accept_cookie(token) is None  # nor the bare token any more
    assert ui.identity.accept_cookie(ui.identity.signer().sign("cookie", token, 1)) == (token, 1)


def test_only_cookies_the_server_issued_are_accepted():
    token = new_token()
    signed = ui.identity.signer().sign("cookie", token, 0)
    assert ui.identity.accept_cookie(signed) == (token, 0)
    assert ui.identity.accept_cookie(signed[:-2] + ("AA" if signed[-2:] != "AA" else "BB")) is None
    assert ui.identity.accept_cookie(ui.identity.signer().sign("link", token, 0)) is None
    forged = new_token()  # any 32 characters: a new identity, not this one
    assert ui.identity.accept_cookie(forged) is None
    assert ui.identity.accept_cookie(None) is None and ui.identity.accept_cookie("x" * 80) is None


def test_a_cookie_from_before_signing_is_accepted_once_it_has_work_stored():
    """Legacy (unsigned) cookies: only for an identity the store already holds work for,
    and signed again at once (the page writes the signed cookie)."""
    token = new_token()
    assert ui.identity.accept_cookie(token) is None  # nothing stored: never issued
    train(session(token))
    assert ui.identity.accept_cookie(token) == (token, 0)
    other_key = ui.identity.Signer(b"k" * 32).sign("cookie", token, 0)  # before a restart
    assert ui.identity.accept_cookie(other_key) == (token, 0)


def test_the_page_writes_the_signed_cookie_and_scrubs_secrets_from_the_address():
    token = new_token()
    at = session(token, query={"me": link_code(new_token())})
    script = [h.proto.body for h in at.get("html") if "document.cookie" in h.proto.body]
    assert script, "the page writes the identity cookie"
    assert ui.identity.signer().sign("cookie", token, 0) in script[0]
    assert "history.replaceState" in script[0] and '"no-referrer"' in script[0]
    assert "'me', 'teach'" in script[0]


def test_new_identities_and_joins_are_capped_per_client_address(monkeypatch):
    from lib.limits import AddressLimit

    monkeypatch.setenv("SOFTMAX_MAX_NEW_IDENTITIES", "2")
    monkeypatch.setenv("SOFTMAX_MAX_JOINS", "1")
    fresh = {}
    monkeypatch.setattr(
        ui.identity, "_limit", lambda kind, n: fresh.setdefault(kind, AddressLimit(n, 600))
    )
    monkeypatch.setattr(ui.identity, "client_address", lambda: "203.0.113.9")
    first, second = session(), session()
    assert first.session_state["identity"] != second.session_state["identity"]
    third = session()  # forged or absent cookies: the third new identity is refused
    assert "identity" not in third.session_state
    assert t("me.too_many_new", "en") in [e.value for e in third.error]
    assert session(new_token()).session_state["identity"]  # a known browser is not counted
    code, _ = ui.context.store().create_class("capped")
    for k, at in enumerate((first, second)):
        at.query_params["class"] = code
        at.run()
        at.text_input(key="class.join.name").input(f"S{k}")
        at.button[[b.label for b in at.button].index(t("class.join.button", "en"))].click().run()
    assert ui.context.store().class_info(code).students == 1
    assert t("class.join.too_many", "en") in [e.value for e in second.error]


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
