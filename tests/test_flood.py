"""flood_guard: per-tab message limits in front of Streamlit's WebSocket (issue 20, item 1).

The limits on made-up time; one guarded connection driven by a stand-in for
Streamlit's endpoint (2,000 reruns in, at most two out, then a close with 1008);
the parts of Streamlit the guard stands on (st.App's middleware, its discovery of
serve.py, the stream's path, the message types), so a Streamlit upgrade that moves
them fails here; and, slow, the flood against a real server (scripts/attack.py's
case): another student's page load and training under the flood take at most twice
their normal time measured in the same run, and the server is healthy afterwards.
"""

import asyncio
import inspect
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import streamlit as st
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.web.server.app_discovery import discover_asgi_app
from streamlit.web.server.starlette import starlette_websocket

import flood_guard
from flood_guard import FloodGuard, Limits, SessionLimits, close_reason, coalesce
from scripts import attack
from scripts.loadtest import stop
from scripts.local_server import ROOT, free_port, start_streamlit, wait_healthy


def run_async(coro):
    """asyncio.run in a thread of its own: in a full run the browser tests' Playwright
    (sync API) keeps an event loop running in pytest's thread, where asyncio.run refuses."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def rerun(query="", presses=(), values=(), fragment="") -> BackMsg:
    msg = BackMsg()
    msg.rerun_script.query_string = query
    msg.rerun_script.fragment_id = fragment
    for widget in presses:
        state = msg.rerun_script.widget_states.widgets.add()
        state.id, state.trigger_value = widget, True
    for widget, value in values:
        state = msg.rerun_script.widget_states.widgets.add()
        state.id, state.int_value = widget, value
    return msg


def widgets(msg: BackMsg) -> dict:
    return {w.id: getattr(w, w.WhichOneof("value")) for w in msg.rerun_script.widget_states.widgets}


# ---- coalescing and the limits, on made-up time ------------------------------------------


def test_a_newer_rerun_wins_but_an_older_button_press_is_kept():
    old = rerun("epochs=5", presses=["train"], values=[("lr", 1)])
    new = rerun("epochs=10", values=[("lr", 3)])
    merged = coalesce(old, new)
    assert merged.rerun_script.query_string == "epochs=10"
    assert widgets(merged) == {"lr": 3, "train": True}


def test_a_fragment_rerun_merged_with_a_full_one_is_a_full_rerun():
    assert coalesce(rerun(fragment="board"), rerun()).rerun_script.fragment_id == ""
    assert coalesce(rerun(), rerun(fragment="board")).rerun_script.fragment_id == ""
    same = coalesce(rerun(fragment="board"), rerun(fragment="board"))
    assert same.rerun_script.fragment_id == "board"


def test_at_most_one_rerun_waits_and_it_goes_after_the_gap():
    limits = Limits(rate=10, burst=50, max_over=100, rerun_gap_s=0.2)
    state = SessionLimits(limits, now=0.0)
    state.offer(rerun(presses=["a"]))
    assert state.wait_s(0.0) == 0
    state.release(0.0)
    for i in range(5):
        state.offer(rerun(values=[("x", i)]))
    assert state.wait_s(0.1) == pytest.approx(0.1)
    assert widgets(state.release(0.2)) == {"x": 4}
    assert state.wait_s(0.2) is None


def test_a_tab_over_its_bucket_is_throttled_then_flooding():
    limits = Limits(rate=10, burst=50, max_over=100, rerun_gap_s=0.2)
    state = SessionLimits(limits, now=0.0)
    assert all(state.admit(0.0) for _ in range(50))
    assert not state.admit(0.0)
    state.offer(rerun())
    state.last_rerun = -1.0
    assert state.wait_s(0.0) == pytest.approx(0.1)  # a throttled rerun waits for a token
    assert state.admit(0.1)  # refilled at 10 a second
    for _ in range(99):
        state.admit(0.1)
    assert not state.flooding
    state.admit(0.1)
    assert state.flooding


def test_the_close_reason_fits_a_close_frame():
    assert len(close_reason(Limits()).encode()) <= 123


# ---- one guarded connection, Streamlit's endpoint played by a stand-in -----------------


def drive(frames: list[bytes]) -> tuple[list, list]:
    """Run one guarded connection: the browser sends `frames` at once, then disconnects
    unless the guard closed it. Returns (BackMsg types the endpoint got, messages sent)."""
    got, sent = [], []

    async def endpoint(scope, receive, send):  # what Streamlit's stream endpoint does
        assert (await receive())["type"] == "websocket.connect"
        await send({"type": "websocket.accept"})
        while True:
            message = await receive()
            if message["type"] == "websocket.disconnect":
                return
            msg = BackMsg()
            msg.ParseFromString(message["bytes"])
            got.append(msg.WhichOneof("type"))
            await send({"type": "websocket.send", "bytes": b"delta"})
            await asyncio.sleep(0)

    async def run():
        incoming: asyncio.Queue = asyncio.Queue()
        incoming.put_nowait({"type": "websocket.connect"})
        for frame in frames:
            incoming.put_nowait({"type": "websocket.receive", "bytes": frame})

        async def receive():
            if incoming.empty():
                await asyncio.sleep(0.3)  # past the rerun gap: the last rerun goes
                return {"type": "websocket.disconnect", "code": 1000}
            await asyncio.sleep(0)  # frames come off the network one at a time
            return incoming.get_nowait()

        async def send(message):
            sent.append(message)

        scope = {"type": "websocket", "path": "/_stcore/stream", "client": ("10.0.0.7", 5)}
        await FloodGuard(endpoint)(scope, receive, send)

    run_async(run())
    return got, sent


def test_2000_reruns_reach_streamlit_as_at_most_two_and_the_tab_is_closed():
    got, sent = drive([rerun().SerializeToString()] * 2000)
    assert 1 <= got.count("rerun_script") <= 2
    closes = [m for m in sent if m["type"] == "websocket.close"]
    assert closes == [{"type": "websocket.close", "code": 1008, "reason": close_reason(Limits())}]
    assert sent[-1] == closes[0]  # nothing is sent after the close


def test_a_normal_tab_gets_every_message_and_its_last_rerun():
    heartbeat = BackMsg()
    heartbeat.app_heartbeat = True
    frames = [rerun().SerializeToString(), heartbeat.SerializeToString()]
    frames += [rerun(values=[("lr", i)]).SerializeToString() for i in range(3)]
    got, sent = drive(frames)
    assert got == ["rerun_script", "app_heartbeat", "rerun_script"]
    assert not [m for m in sent if m["type"] == "websocket.close"]


def test_clear_cache_is_never_passed_on():
    clear = BackMsg()
    clear.clear_cache = True
    got, _ = drive([clear.SerializeToString(), rerun().SerializeToString()])
    assert got == ["rerun_script"]


def test_other_routes_pass_untouched():
    seen = []

    async def app(scope, receive, send):
        seen.append(scope["path"])

    run_async(FloodGuard(app)({"type": "http", "path": "/_stcore/health"}, None, None))
    run_async(FloodGuard(app)({"type": "websocket", "path": "/other"}, None, None))
    assert seen == ["/_stcore/health", "/other"]


# ---- what the guard stands on in Streamlit --------------------------------------------


def test_streamlit_still_takes_asgi_middleware_and_finds_serve_py():
    assert "middleware" in inspect.signature(st.App).parameters
    found = discover_asgi_app(ROOT / "serve.py")
    assert found.is_asgi_app and found.import_string == "serve:app"


def test_the_guarded_path_and_messages_are_streamlits():
    assert "/" + starlette_websocket._ROUTE_WEBSOCKET_STREAM == flood_guard.STREAM_PATH
    kinds = {f.name for f in BackMsg.DESCRIPTOR.oneofs_by_name["type"].fields}
    assert flood_guard.REFUSED | {"rerun_script"} <= kinds
    values = {f.name for f in WidgetState.DESCRIPTOR.oneofs_by_name["value"].fields}
    assert set(flood_guard.TRIGGERS) <= values
    # Streamlit's endpoint reads each frame with receive_bytes: the guard feeds it bytes
    source = inspect.getsource(starlette_websocket.create_websocket_handler)
    assert "receive_bytes()" in source and "runtime.handle_backmsg" in source


# ---- the flood against a real server ------------------------------------------------


@pytest.mark.slow
def test_a_flood_of_2000_reruns_leaves_the_class_working(tmp_path: Path):
    data = os.environ.get("FASHION_MNIST_ROOT")
    if not data:
        pytest.fail("FASHION_MNIST_ROOT is unset: the flood test trains on Fashion-MNIST")
    port = free_port()
    env = {**os.environ, "SOFTMAX_DB_URL": f"sqlite:///{tmp_path / 'softmax.db'}"}
    with open(tmp_path / "server.log", "w") as log:
        server = start_streamlit(port, log, env=env)
        try:
            url = f"http://127.0.0.1:{port}"
            wait_healthy(url, server)
            r = run_async(attack.flood(url, messages=2000, max_sockets=1, timeout=120))
        finally:
            stop(server)
    socket = r["sockets"][0]
    assert (socket["code"], socket["reason"]) == (1008, close_reason(Limits()))
    assert r["open_ratio"] <= 2, r
    assert r["train_ratio"] <= 2, r
    assert r["healthy_after"]
    assert r["fresh_session_open_s"] > 0  # a new student's page was shown
    assert "flood guard: closed the connection" in (tmp_path / "server.log").read_text()
