"""Per-session message limits on Streamlit's WebSocket, as ASGI middleware for st.App.

    app = st.App("app.py", middleware=[Middleware(FloodGuard)])     # serve.py

Why: every `rerun_script` BackMsg a browser sends starts a script run, and with
runner.fastReruns (on here, for responsive widgets) each one stops the current
run and starts a new ScriptRunner thread at once. A tab that sends 2,000 of them
from the console started 2,000 overlapping runs and stalled the server for
everyone (issue 20). Streamlit has no message limit of its own; its public hook
is st.App's ASGI middleware (Streamlit >= 1.57 serves over Starlette), so this
module wraps the `receive` and `send` of each /_stcore/stream connection and
leaves Streamlit itself untouched.

Per connection (one browser tab, one session):
- at most one pending rerun: a rerun that arrives less than `rerun_gap_s` after
  the last one handed to Streamlit waits, and later ones coalesce into it (the
  newest query and widget values win, a pressed button of an older one is kept),
  so Streamlit starts at most 1 / rerun_gap_s runs a second for one tab;
- a token bucket (`burst` messages, refilled at `rate` a second): a message over
  it is throttled (a rerun still coalesces but waits until the bucket holds a
  token again, anything else is dropped), and after
  `max_over` such messages the connection is closed with code 1008 and a reason
  that says why; the server log names the session's address;
- `clear_cache` (clears every student's shared caches: the training engine, the
  store) and `set_run_on_save` are developer actions: dropped, never passed on.

Pure Python and asyncio; Streamlit only for its protocol's messages.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from dataclasses import dataclass

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.WidgetStates_pb2 import WidgetStates

STREAM_PATH = "/_stcore/stream"  # Streamlit's WebSocket route (after any base URL)
POLICY_VIOLATION = 1008  # WebSocket close code
REFUSED = frozenset({"clear_cache", "set_run_on_save"})  # developer actions
# a WidgetState's one-shot values (a button press): kept when a newer rerun lacks them
TRIGGERS = ("trigger_value", "string_trigger_value", "chat_input_value", "json_trigger_value")

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limits:
    """What one connection may send. A browser sends a rerun per widget change, and a
    heartbeat now and then: a student clicking as fast as they can stays far below."""

    rate: float = 10.0  # messages a second, sustained
    burst: int = 50  # messages at once
    max_over: int = 100  # messages over the bucket before the connection is closed
    rerun_gap_s: float = 0.2  # least time between two reruns handed to Streamlit


def close_reason(limits: Limits) -> str:
    """The close frame's reason (at most 123 bytes): what happened and what to do."""
    return (
        f"too many messages from this tab (over {limits.rate:g}/s); "
        "the server closed the connection: reload the page"
    )


def coalesce(old: BackMsg, new: BackMsg) -> BackMsg:
    """One rerun for two: `new`'s query, page and widget values, plus each trigger that
    was set in `old` and is not in `new` (a button pressed in between is not lost).
    A fragment rerun merged with anything else becomes a full rerun."""
    merged = BackMsg()
    merged.CopyFrom(new)
    state = merged.rerun_script
    if old.rerun_script.fragment_id != state.fragment_id:
        state.fragment_id = ""
    by_id = {w.id: w for w in new.rerun_script.widget_states.widgets}
    for widget in old.rerun_script.widget_states.widgets:
        if widget.WhichOneof("value") in TRIGGERS and widget.id not in by_id:
            by_id[widget.id] = widget
    widgets = WidgetStates()
    widgets.widgets.extend(by_id.values())
    state.widget_states.CopyFrom(widgets)
    return merged


class SessionLimits:
    """The limits of one connection over time (no I/O: `now` comes from the caller)."""

    def __init__(self, limits: Limits, now: float):
        self.limits = limits
        self.tokens, self.refilled = float(limits.burst), now
        self.over = 0  # messages over the bucket so far
        self.pending: BackMsg | None = None  # the one rerun waiting
        self.last_rerun = float("-inf")  # when a rerun last went to Streamlit

    def _refill(self, now: float) -> None:
        elapsed, self.refilled = max(now - self.refilled, 0.0), now
        self.tokens = min(self.limits.burst, self.tokens + elapsed * self.limits.rate)

    def admit(self, now: float) -> bool:
        """Take a token for one message; False when the bucket is empty (counted)."""
        self._refill(now)
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        self.over += 1
        return False

    @property
    def flooding(self) -> bool:
        return self.over > self.limits.max_over

    def offer(self, rerun: BackMsg) -> None:
        """A rerun from the browser: it becomes the pending one, merged with any before."""
        self.pending = rerun if self.pending is None else coalesce(self.pending, rerun)

    def wait_s(self, now: float) -> float | None:
        """Seconds until the pending rerun may go (0: now); None when none is pending.
        It goes `rerun_gap_s` after the last one, and not while the bucket is empty (a
        throttled tab waits until its bucket holds a token again)."""
        if self.pending is None:
            return None
        self._refill(now)
        refill_s = max(1 - self.tokens, 0.0) / self.limits.rate
        return max(self.last_rerun + self.limits.rerun_gap_s - now, refill_s, 0.0)

    def release(self, now: float) -> BackMsg:
        rerun, self.pending, self.last_rerun = self.pending, None, now
        return rerun


class GuardedConnection:
    """One /_stcore/stream connection between the browser and Streamlit's endpoint.

    A reader task drains the browser's frames as they come (so a flood costs this
    loop one parse per frame, never a script run); Streamlit's endpoint reads from
    `receive`, which hands it the passed messages in order and the pending rerun
    once its gap has passed."""

    def __init__(self, app, scope, receive, send, limits: Limits, clock=time.monotonic):
        self.app, self.scope, self.limits, self.clock = app, scope, limits, clock
        self.raw_receive, self.raw_send = receive, send
        self.state = SessionLimits(limits, clock())
        self.inbox: deque[dict] = deque()  # ASGI messages for Streamlit, in order
        self.wake = asyncio.Event()
        self.send_lock = asyncio.Lock()
        self.closed = False  # closed by us: Streamlit's later sends are dropped

    async def run(self) -> None:
        reader = asyncio.create_task(self._read(), name="flood-guard-read")
        try:
            await self.app(self.scope, self.receive, self.send)
        finally:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reader

    def _deliver(self, message: dict) -> None:
        self.inbox.append(message)
        self.wake.set()

    async def _read(self) -> None:
        while True:
            message = await self.raw_receive()
            data = message.get("bytes") if message["type"] == "websocket.receive" else None
            if data is None:  # connect, disconnect, a text frame: Streamlit decides
                self._deliver(message)
                if message["type"] == "websocket.disconnect":
                    return
                continue
            if await self._screen(message, data):
                return

    async def _screen(self, message: dict, data: bytes) -> bool:
        """Pass, hold or drop one frame; True once the connection was closed for it."""
        admitted = self.state.admit(self.clock())
        if self.state.flooding:
            await self._close_for_flooding()
            return True
        msg = BackMsg()
        try:
            msg.ParseFromString(data)
        except Exception:  # not a BackMsg: Streamlit closes with its protocol error
            self._deliver(message)
            return False
        kind = msg.WhichOneof("type")
        if kind in REFUSED:
            log.warning("flood guard: dropped a %s message from %s", kind, self._client())
        elif kind == "rerun_script":
            self.state.offer(msg)
            self.wake.set()
        elif admitted:
            self._deliver(message)
        return False

    async def receive(self) -> dict:
        """Streamlit's `receive`: the next passed message, or the pending rerun when due."""
        while True:
            if self.inbox:
                return self.inbox.popleft()
            wait = self.state.wait_s(self.clock())
            if wait == 0:
                rerun = self.state.release(self.clock())
                return {"type": "websocket.receive", "bytes": rerun.SerializeToString()}
            self.wake.clear()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.wake.wait(), wait)

    async def send(self, message: dict) -> None:
        async with self.send_lock:
            if self.closed:
                return  # the browser is gone: Streamlit's sender may still be draining
            if message["type"] == "websocket.close":
                self.closed = True
            await self.raw_send(message)

    async def _close_for_flooding(self) -> None:
        log.warning(
            "flood guard: closed the connection of %s after %d messages over %g/s",
            self._client(),
            self.state.over,
            self.limits.rate,
        )
        async with self.send_lock:
            if not self.closed:
                self.closed = True
                with contextlib.suppress(Exception):  # the browser may be gone already
                    await self.raw_send(
                        {
                            "type": "websocket.close",
                            "code": POLICY_VIOLATION,
                            "reason": close_reason(self.limits),
                        }
                    )
        self.state.pending = None
        self._deliver({"type": "websocket.disconnect", "code": POLICY_VIOLATION})

    def _client(self) -> str:
        client = self.scope.get("client")
        return f"{client[0]}:{client[1]}" if client else "an unknown client"


class FloodGuard:
    """ASGI middleware: every connection to Streamlit's WebSocket gets its own limits;
    everything else passes through untouched."""

    def __init__(self, app, limits: Limits | None = None):
        self.app, self.limits = app, limits or Limits()

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "websocket" or not scope.get("path", "").endswith(STREAM_PATH):
            await self.app(scope, receive, send)
            return
        await GuardedConnection(self.app, scope, receive, send, self.limits).run()
