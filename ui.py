"""The few Streamlit helpers every page shares.

Language, the show-code expander, the server's resources (device, data set,
training queue, run store), who the student is, the student's runs, joining a
class, and training with a place in the queue.
"""

from __future__ import annotations

import inspect
import json
import math
import os
import time
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from urllib.parse import urlsplit

import streamlit as st
import torch
from streamlit.runtime.scriptrunner_utils.exceptions import RerunException, StopException

from lib.config import TrainConfig, fields
from lib.data import DataError, FashionMNIST, SharedData, data_root, device_label, pick_device
from lib.i18n import LANGS, STRINGS, class_names, normalize_lang, t
from lib.metrics import predict_test_set
from lib.runs import Run
from lib.slots import AlreadyQueued, QueueFull, TrainingSlots, usable_cpus
from lib.store import (
    MAX_RUNS_PER_STUDENT,
    ClassError,
    LimitError,
    SafeStore,
    Store,
    StoreError,
    new_token,
)
from lib.store.values import check_token, class_code
from lib.text import plain
from lib.train import run_device, train

LANG_NAMES = {"en": "English", "zh": "中文"}
COOKIE = "softmax_student"  # this browser's identity (see identity())
COOKIE_DAYS = 400  # browsers cap cookie lifetimes near 400 days
LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]", "")


# ---- language ---------------------------------------------------------------


def lang() -> str:
    """The session's language: from ?lang= on first visit, then the sidebar switch."""
    if "lang" not in st.session_state:
        st.session_state["lang"] = normalize_lang(st.query_params.get("lang"))
    return st.session_state["lang"]


def tr(key: str, **fields) -> str:
    """The text of `key` in the session's language."""
    return t(key, lang(), **fields)


def names() -> tuple[str, ...]:
    """The ten class names in the session's language."""
    return class_names(lang())


def language_switch() -> None:
    """Sidebar radio; the choice is mirrored into ?lang= so links keep it."""
    lang()
    st.sidebar.radio(
        t("sidebar.language", lang()),
        LANGS,
        key="lang",
        format_func=LANG_NAMES.get,
        horizontal=True,
    )
    st.query_params["lang"] = st.session_state["lang"]


def field_label(name: str) -> str:
    """A TrainConfig field's label (its own name when no string is defined for it)."""
    key = f"config.{name}"
    return tr(key) if key in STRINGS else name


def field_help(f) -> str:
    """A TrainConfig field's help in the session's language (its English help otherwise)."""
    key = f"config.{f.name}.help"
    return tr(key) if key in STRINGS else f.metadata["help"]


def has_text(key: str) -> bool:
    return key in STRINGS


# ---- the server process -----------------------------------------------------


@dataclass(frozen=True)
class Server:
    """What one server process shares between all its sessions."""

    device: torch.device
    slots: TrainingSlots
    max_steps: int  # the largest run allowed: epochs x minibatches


@st.cache_resource
def server() -> Server:
    """Once per process: pick the device, make the training queue.

    torch's thread count is capped by OMP_NUM_THREADS, set in app.py before
    torch is imported: torch.set_num_threads() called from a script thread
    made training ~40x slower here.
    """
    device = pick_device("auto")
    capacity = int(os.environ.get("SOFTMAX_MAX_TRAININGS") or usable_cpus())
    waiting = int(os.environ.get("SOFTMAX_MAX_WAITING", 60))
    return Server(
        device=device,
        slots=TrainingSlots(max(capacity, 1), max_waiting=max(waiting, 0)),
        max_steps=int(os.environ.get("SOFTMAX_MAX_STEPS", 60_000)),
    )


def device() -> torch.device:
    return server().device


def device_name() -> str:
    return device_label(device())


def is_local() -> bool:
    """The page was asked for on this very machine (so its operator is the one reading)."""
    if os.environ.get("SOFTMAX_HOSTED") == "1":
        return False
    host = (st.context.headers.get("Host") or "").rsplit(":", 1)[0] if st.context.headers else ""
    return host in LOCAL_HOSTS


@st.cache_resource(show_spinner=False)
def shared_data(root: str, device_str: str) -> SharedData:
    """One loader per data folder and device: one read-only copy for every session."""
    return SharedData(root, torch.device(device_str))


def get_data() -> FashionMNIST | None:
    """The shared Fashion-MNIST, or None after saying it is missing.

    Students on a hosted server get one short line; the folder and the full fix
    are in the server's log, and on the page only when it runs on localhost.
    """
    try:
        with st.spinner(tr("data.loading")):
            return shared_data(str(data_root()), str(device())).get()
    except DataError as exc:
        st.error(tr("data.missing.title"))
        if is_local():
            folder = f"{data_root().resolve()}/FashionMNIST/raw/"
            st.markdown(tr("data.missing.fix"))
            st.code(folder, language=None)
            with st.expander(tr("data.missing.detail")):
                st.code(str(exc), language=None, wrap_lines=True)
        else:
            st.info(tr("data.missing.hosted"))
        return None


# ---- showing code -----------------------------------------------------------


def show_code(*objects, note: str | None = None) -> None:
    """An expander with the source of the lib functions that made the result."""
    st.session_state["_shown_code"] = [f"{o.__module__}.{o.__qualname__}" for o in objects]
    with st.expander(tr("code.expander")):
        if note:
            st.markdown(tr(note))
        for obj in objects:
            st.code(inspect.getsource(obj), language="python")


def show_plain(value, limit: int = 40) -> None:
    """User-supplied text, as plain text in a code box (never markdown or HTML)."""
    st.code(plain(value, limit), language=None)


# ---- who is who: a random identity per browser, in a cookie ----------------------


@st.cache_resource(show_spinner=False)
def store() -> SafeStore:
    """The run store of this process (SOFTMAX_DB_URL; SQLite under state/ by default).

    SafeStore keeps the app working when the database is down: runs wait in
    memory and are saved once it is back.
    """
    safe = SafeStore(lambda: Store())
    if safe.available:  # once per process: forget what is past retention
        with suppress(StoreError):
            safe.purge(float(os.environ.get("SOFTMAX_RETENTION_DAYS", 30)))
    return safe


def _valid(token) -> bool:
    try:
        check_token(token)
    except StoreError:
        return False
    return True


def identity() -> str:
    """This browser's secret identity: a personal link's, else its cookie's, else a new one.

    The secret lives in a first-party cookie that the app writes with a few
    lines of its own JavaScript (Streamlit reads cookies but cannot set them);
    the database keeps only its SHA-256. A personal link (?me=...) moves a
    student's runs to another browser: its secret is adopted and taken out of
    the URL at once, so a shared address never carries it.
    """
    token = st.session_state.get("identity")
    linked = st.query_params.get("me")
    if linked is not None:
        del st.query_params["me"]
        if _valid(linked) and linked != token:
            switch_identity(token := linked)
    if token is None:
        cookie = st.context.cookies.get(COOKIE) if st.context.cookies else None
        token = cookie if _valid(cookie) else new_token()
        st.session_state["identity"] = token
    return token


def switch_identity(token: str) -> None:
    """Become the student `token` (a personal link or code): their runs and progress."""
    for key in ("runs", "lesson.progress"):
        st.session_state.pop(key, None)  # loaded again for the new identity
    st.session_state["identity"] = token
    st.session_state["identity.adopted"] = True


def write_identity_cookie() -> None:
    """Keep this browser's cookie equal to the session's identity (app.py, every run)."""
    token = identity()
    if (st.context.cookies.get(COOKIE) if st.context.cookies else None) == token:
        return
    # The token is [A-Za-z0-9_-] only (checked), so it can sit in the script as is.
    st.html(
        f"""<script>
      document.cookie = "{COOKIE}={check_token(token)}; Max-Age={COOKIE_DAYS * 86400}; "
        + "Path=/; SameSite=Lax" + (location.protocol === "https:" ? "; Secure" : "");
    </script>""",
        unsafe_allow_javascript=True,
        width="content",
    )


def student_id() -> str:
    """Who holds a place in the training queue: the browser's identity (so one per student)."""
    return identity()


def personal_link() -> str:
    """The address that opens this student's runs in another browser (keep it private)."""
    parts = urlsplit(st.context.url or "")
    base = f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""
    return f"{base}/?me={identity()}"


def _adopt_pasted_code() -> None:
    code = (st.session_state.get("me.paste") or "").strip()
    st.session_state["me.paste"] = ""
    if _valid(code):
        switch_identity(code)
    elif code:
        st.session_state["me.bad_code"] = True


def identity_panel() -> None:
    """Sidebar: the personal link and code (on request), pasting a code, deleting all runs."""
    if st.session_state.pop("identity.adopted", False):
        st.success(tr("me.adopted", n=len(runs())))
    with st.expander(tr("me.header"), icon=":material/devices:"):
        st.caption(tr("me.explain"))
        if st.toggle(tr("me.show"), key="me.show"):
            st.code(personal_link(), language=None, wrap_lines=True)
            st.caption(tr("me.private"))
        st.text_input(tr("me.paste"), key="me.paste", type="password", on_change=_adopt_pasted_code)
        if st.session_state.pop("me.bad_code", False):
            st.error(tr("me.bad_code"))
        if runs():
            sure = st.checkbox(tr("me.delete_all.confirm", n=len(runs())), key="me.delete_all.sure")
            if (
                st.button(
                    tr("me.delete_all"),
                    key="me.delete_all",
                    disabled=not sure,
                    icon=":material/delete_forever:",
                )
                and delete_all_runs()
            ):
                st.rerun()


def class_badge() -> None:
    """Sidebar: the class this student posts runs to."""
    member = class_membership()
    if member:
        st.caption(tr("class.member", code=member[0]))
        show_plain(member[1])


def storage_notice() -> None:
    """Retry saving what waits in memory; say so while the database is unreachable."""
    if not store().flush():
        st.warning(tr("store.down"), icon=":material/cloud_off:")


# ---- a class: joining from a link --------------------------------------------------


def class_membership() -> tuple[str, str] | None:
    """(class code, display name) of the class this student last joined, if any."""
    return store().membership(identity())


def class_join_prompt() -> None:
    """When the URL says ?class=CODE, ask for a display name and join that class."""
    raw = st.query_params.get("class")
    if raw is None:
        return
    try:
        code = class_code(raw)
        info = store().class_info(code)
        if info is None:
            raise ClassError("unknown")
    except ClassError as err:
        st.error(tr(f"class.join.{err.reason}"))
        show_plain(raw)
        if st.button(tr("class.join.dismiss"), key="class.join.dismiss"):
            del st.query_params["class"]
            st.rerun()
        return
    member = class_membership()
    if member and member[0] == code:
        del st.query_params["class"]
        return
    with st.form("class.join"):
        st.markdown(tr("class.join.header", code=code))
        if info.title:
            show_plain(info.title, 80)
        name = st.text_input(
            tr("class.join.name"),
            max_chars=40,
            key="class.join.name",
            help=tr("class.join.name_help"),
        )
        joined = st.form_submit_button(tr("class.join.button"), type="primary")
    if joined:
        try:
            shown = store().join_class(code, identity(), name)
        except ClassError as err:
            st.error(tr(f"class.join.{err.reason}"))
            return
        except StoreError:
            st.error(tr("store.down"))
            return
        del st.query_params["class"]
        st.session_state["class.joined"] = shown
        st.rerun()


def session_active() -> bool:
    """False once the student's tab is closed (its session disconnected)."""
    from streamlit.runtime import Runtime
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is None or not Runtime.exists():
        return True  # AppTest, or no server: nobody to lose
    return Runtime.instance().is_active_session(ctx.session_id)


# ---- the student's runs -----------------------------------------------------


def runs() -> list[Run]:
    """The student's runs, oldest first: loaded from the store once per session."""
    if "runs" not in st.session_state:
        st.session_state["runs"] = store().runs(identity())
    return st.session_state["runs"]


def save(run: Run) -> None:
    """Keep a run in the store (and post it to the student's class); never on the hot path."""
    member = class_membership()
    try:
        store().save_run(identity(), run, class_code=member[0] if member else None)
    except LimitError:
        st.warning(tr("store.too_many", limit=MAX_RUNS_PER_STUDENT))
    except StoreError as exc:
        st.error(tr("store.refused"))
        show_plain(exc, 120)


def settle_interrupted_runs() -> None:
    """A run still 'running' at the start of a script run was interrupted: keep it, stopped."""
    for run in runs():
        if run.status == "running":
            run.status = "stopped"
            if run.trained:
                save(run)


def delete_run(run: Run) -> bool:
    """Delete one of the student's runs, here and in the store; False (and a message) if not."""
    try:
        store().delete_run(identity(), run.id)
    except StoreError:
        st.error(tr("store.down"))
        return False
    runs().remove(run)
    return True


def delete_all_runs() -> bool:
    try:
        store().delete_runs(identity())
    except StoreError:
        st.error(tr("store.down"))
        return False
    runs().clear()
    return True


def trained_runs() -> list[Run]:
    return [r for r in runs() if r.trained]


def status_text(run: Run) -> str:
    return tr(f"status.{run.status}")


def settings_text(cfg: TrainConfig) -> str:
    """The app settings of a config, one short line (run names, captions)."""
    return ", ".join(
        f"{field_label(f.name)} {getattr(cfg, f.name)}" for f in fields(type(cfg), app_only=True)
    )


# ---- training with a place in the queue -----------------------------------------


class TabClosed(Exception):
    """The student's tab went away while waiting in the queue."""


def steps(cfg: TrainConfig, n: int = 60_000) -> int:
    """Minibatch steps of a run: its epochs times the minibatches of one epoch."""
    return cfg.num_epochs * math.ceil(n / cfg.batch_size)


def release_elsewhere(page: str) -> None:
    """Give back a waiting place kept for another page (the student moved on)."""
    pending = st.session_state.get("pending")
    if pending and pending["page"] != page:
        cancel_pending()


def cancel_pending() -> None:
    """Leave the queue (the Stop button, a page switch)."""
    pending = st.session_state.pop("pending", None)
    if pending:
        server().slots.leave(pending["ticket"])


def pending_config(page: str) -> TrainConfig | None:
    """The settings of a training that was waiting on `page` when a click interrupted it."""
    pending = st.session_state.get("pending")
    if pending and pending["page"] == page and server().slots.holds(pending["ticket"]):
        return pending["cfg"]
    return None


@contextmanager
def training_slot(wait_box, page: str, request, queue_key: str = "train.queue"):
    """Wait for a server slot, showing the place; always give the slot back.

    `request` is what the page needs to resume the work after a click
    (pending_config returns it): a TrainConfig, a measurement's config.

    A click while waiting keeps the place: Streamlit stops this script run
    (StopException with runner.fastReruns, RerunException without) and the next
    run resumes the place (see pending_config); a place that no run resumes is
    dropped when its lease ends. Stop, a page switch or a closed tab give it back
    at once. Raises QueueFull or AlreadyQueued when no place can be had.
    """
    slots = server().slots
    owner = student_id()
    pending = st.session_state.get("pending")
    ticket, stored, started = None, False, False
    try:
        if pending and pending["page"] == page and slots.holds(pending["ticket"]):
            ticket = pending["ticket"]
        else:
            cancel_pending()
            # This tab's previous place, if its run is still stopping (a fast rerun
            # runs the new script while the old one winds down): ours to replace.
            ticket = slots.join(owner, replace=st.session_state.get("slot.ticket"))
        st.session_state["slot.ticket"] = ticket
        # Every Streamlit call, this write included, is where a click or a stop can
        # land: from the join on, the finally below gives the place back unless kept.
        st.session_state["pending"] = {"page": page, "cfg": request, "ticket": ticket}
        stored = True
        while True:
            try:
                if slots.try_start(ticket):
                    break
            except KeyError:  # the place expired while this run stalled
                ticket = slots.join(owner)
                st.session_state["pending"]["ticket"] = ticket
                continue
            if not session_active():
                raise TabClosed
            # Redrawn on every pass on purpose: each st call is where a click or
            # Stop interrupts this loop.
            wait_box.info(tr(queue_key, ahead=slots.ahead(ticket) + 1))
            time.sleep(0.2)
        started = True
        st.session_state.pop("pending", None)
        wait_box.empty()
        yield
    except (RerunException, StopException):
        if stored and not started:
            ticket = None  # a click while waiting: the next run resumes it
        raise
    finally:
        if ticket is not None:
            slots.leave(ticket)  # (a stale "pending" is harmless: holds() is False)


def in_slot(work, wait_box, page: str, request, queue_key: str = "train.queue") -> bool:
    """Run work() while holding a server slot; False (after saying why) when it could not.

    Every caller that trains or measures goes through here, so no caller can
    leak a place: training_slot gives it back whatever happens.
    """
    try:
        with training_slot(wait_box, page, request, queue_key):
            work()
        return True
    except QueueFull:
        st.error(tr("train.queue_full"))
    except AlreadyQueued:
        st.warning(tr("train.queue_elsewhere"))
    except TabClosed:
        pass
    return False


def refused(cfg: TrainConfig) -> str | None:
    """Why this run may not start on this server (None when it may)."""
    if steps(cfg) > server().max_steps:
        return tr("train.too_long", steps=steps(cfg), max_steps=server().max_steps)
    return None


def run_training(cfg: TrainConfig, on_epoch, wait_box, page: str = "train") -> Run | None:
    """Train in this session: wait for a server slot, keep every epoch in the session.

    on_epoch(run) is called after each epoch (the page draws there). Whatever
    interrupts the loop, the epochs done so far stay in the session's runs.
    """
    why_not = refused(cfg)
    if why_not:
        st.error(why_not)
        return None
    data = get_data()
    if data is None:
        return None
    run = Run(
        number=max((r.number for r in runs()), default=0) + 1, cfg=cfg, device=run_device(cfg)
    )

    def work():
        runs().append(run)
        for record in train(cfg, data):
            run.add(record)
            on_epoch(run)
            if not session_active():
                break  # the tab is gone: keep what was trained

    try:
        if not in_slot(work, wait_box, page, cfg):
            return None
    finally:
        if run.status == "running":
            run.status = "stopped"
        if not run.trained and run in runs():
            runs().remove(run)  # no epoch finished: nothing to keep
        elif run.trained:
            save(run)  # once, when the run ends or is interrupted
    return run


def pick_run(key: str) -> Run | None:
    """A select box over the trained runs (latest first); None when there are none.

    The options are run numbers, not Run objects: Streamlit copies a widget's
    value and compares old and new with ==, which a Run's tensors cannot answer.
    The labels are made now, in the session's language (AppTest calls
    format_func outside the script run).
    """
    by_number = {r.number: r for r in reversed(trained_runs())}
    if not by_number:
        return None
    labels = {n: f"{r.name} · {status_text(r)}" for n, r in by_number.items()}
    number = st.selectbox(tr("run.picker"), list(labels), key=key, format_func=labels.get)
    return by_number.get(number)


def require_run(key: str, epochs: int = 5) -> Run | None:
    """The chosen usable run; or a prompt with a button that trains one right here."""
    run = pick_run(key)
    if run is None:
        st.info(tr("run.none"))
        cfg = pending_config(key) or TrainConfig(num_epochs=epochs, softmax="stable")
        if st.button(
            tr("run.train_here", epochs=epochs), key=f"{key}.train", type="primary"
        ) or pending_config(key):
            bar = st.progress(0.0)
            done = run_training(
                cfg, lambda r: bar.progress(r.epochs_run / epochs), st.empty(), page=key
            )
            if done is not None and done.trained:
                st.rerun()
        return None
    if not run.usable:
        st.warning(tr("run.unusable"))
        return None
    return run


def run_on_test_set(key: str):
    """(data, run, predictions on the 10,000 test images) for the chosen run.

    None after showing why not: no data set, no trained run yet, or a run
    that broke down. The weights are moved to the data's device first.
    """
    data = get_data()
    run = require_run(key) if data is not None else None
    if run is None:
        return None
    return data, run, predict_test_set(run.W, run.b, data)


# ==== accessibility (issue 22): every chart's glue, the page frame, announcements ====
# One block, kept at the end of ui.py on purpose: the texts come from lib/describe.py,
# this is only how Streamlit shows them. docs/accessibility.md says what is checked.

HTML_LANG = {"en": "en", "zh": "zh-CN"}
# Streamlit's code colours (a fixed palette, not the theme's; st.code and code in markdown)
# read 2.2-3.9:1 on the light code box. Each is mixed with the theme's text colour: the hue
# stays and the contrast passes 4.5:1 in light and in dark (the mix follows the text colour).
CODE_COLOURS = (
    ("comment, .prolog, .doctype, .cdata, .punctuation", "#808495"),
    ("attr-name, .property, .variable", "#0068c9"),
    ("boolean, .constant, .symbol, .inserted", "#21c354"),
    ("number, .regex", "#29b09d"),
    ("string, .char, .attr-value", "#09ab3b"),
    ("operator, .entity, .decorator, .atrule", "#ed6f13"),
    ("url", "#803df5"),
    ("keyword, .tag, .function, .class-name, .selector", "#1c83e1"),
    ("important, .deleted", "#ff2b2b"),
)
A11Y_CSS = (
    "<style>\n"
    + "".join(
        f"code :is(.{tokens}) "  # !important: Streamlit's own rule is more specific
        f"{{ color: color-mix(in srgb, currentColor 45%, {colour}) !important; }}\n"
        for tokens, colour in CODE_COLOURS
    )
    # a focus ring on whatever the keyboard reaches, 3:1 on white and on black
    + ":focus-visible { outline: 3px solid #c2410c !important; outline-offset: 2px; }\n"
    + "</style>"
)
LIVE_REGION = "sx-live"  # the polite live region announcements are written into


def _script(body: str, where) -> None:
    where.html(f"<script>{body}</script>", unsafe_allow_javascript=True, width="content")


def _js(text: str) -> str:
    """A string as a JavaScript literal that is safe inside <script>."""
    return json.dumps(text).replace("</", "<\\/")


def page_frame(title: str) -> None:
    """Once per script run (app.py): the document's title and language, the contrast and
    focus styles, and the live region that announcements are written into.

    Streamlit renders <html lang="en"> and one title for every page; a screen reader
    then reads Chinese with an English voice and cannot tell the tabs apart.
    """
    st.set_page_config(page_title=f"{title} · {tr('app.title')}")
    st.html(A11Y_CSS)  # style only: Streamlit puts it where it takes no room
    _script(
        f"""document.documentElement.lang = {_js(HTML_LANG[lang()])};
        if (!document.getElementById("{LIVE_REGION}")) {{
          const r = document.createElement("div");
          r.id = "{LIVE_REGION}";
          r.setAttribute("role", "status");
          r.setAttribute("aria-live", "polite");
          r.style.cssText = "position:absolute;width:1px;height:1px;overflow:hidden;"
            + "clip:rect(0 0 0 0);clip-path:inset(50%);white-space:nowrap";
          document.body.appendChild(r);
        }}""",
        st.sidebar,
    )


def announce(text: str, box) -> None:
    """Say `text` politely to a screen reader (the live region of page_frame), once.

    `box`: an st.empty() the script goes into (in the sidebar, where it takes no room);
    a new text replaces the last one, so a screen reader reads the latest.
    """
    _script(
        f"""{{  // a block: each script shares the page's global scope
          const r = document.getElementById("{LIVE_REGION}");
          if (r) r.textContent = {_js(text)};
        }}""",
        box,
    )


def chart(figure, summary: str, table=None, *, title: str = "", key=None, width="stretch"):
    """Draw a chart named by `summary` (lib.describe), with its data one click away.

    `figure`: an Altair chart, or a Vega-Lite spec (a dict, e.g. cached). The summary
    becomes the chart's accessible name (Vega also names its axes then); `table`, a
    DataFrame of what the chart draws, is shown in an expander below it.
    """
    if isinstance(figure, dict):
        st.vega_lite_chart(figure, alt=summary, key=key, width=width)
    else:
        st.altair_chart(figure, alt=summary, key=key, width=width)
    if table is not None:
        with st.expander(tr("a11y.data"), icon=":material/table:"):
            st.dataframe(
                table,
                hide_index=True,
                alt=t("describe.table", lang(), title=title or summary, rows=len(table)),
            )
