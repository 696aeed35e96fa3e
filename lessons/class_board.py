"""Class board: every run of a class on one chart and one table, for the projector.

A teacher starts a class here and gets a join code, a join link for the
students (ui.classroom.join_link: /?class=CODE, handled on every page by
class_join_prompt) and a private teacher link (/class?teach=CODE.SECRET). The
browser keeps the secret (ui/teacher.py: a cookie, so a reload, a new tab or a
server restart keeps the teacher's controls); a teacher link is adopted and
taken out of the address bar and the history at once (ui.identity.take_url_secret).
Only a session whose secret the store accepts (is_teacher) gets the controls; a
new teacher link (rotate) takes them from every other browser within a refresh.

Students who joined see their class's board read-only. The board refreshes
itself every REFRESH_S seconds (a fragment: one aggregate query, board_mark;
what the board shows is made again only when that mark changed). Names, titles
and codes that people typed are shown as plain text only (code boxes and
dataframe cells).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from lib import describe
from lib.charts.class_board import (
    best_run,
    board_chart,
    board_frame,
    curves_frame,
    setting_names,
    split,
)
from lib.charts.training import compare_chart, curves_table
from lib.pages import page_path
from lib.store import ClassError, StoreError
from lib.store.values import TITLE_MAX, check_token, class_code
from lib.text import plain
from ui import teacher
from ui.a11y import chart, spec
from ui.classroom import base_url, class_membership, join_link, leave_button, local_link_warning
from ui.context import show_plain, store
from ui.identity import take_url_secret
from ui.lang import field_label, lang, tr
from ui.poll import ask_controls, poll_board
from ui.projector import open_button, projector_view, wanted

REFRESH_S = 3
TABLE_ROWS = 20  # rows the runs table shows without scrolling
TEACH = teacher.HELD  # session_state: {class code: teacher secret}
MAX_CURVES = 8  # runs overlaid at most while following the newest
FOLLOW = "class_board.curves.follow"  # the toggle: new runs join the curves
FLASH = "class_board.flash"  # session_state: a message for the next run
BOM = "\ufeff"  # first in the CSV: Excel then reads it as UTF-8 (Chinese names intact)
HIDDEN = re.compile(r"#(\d+)")  # the store's name for a student while names are hidden


# ---- small helpers ----------------------------------------------------------------


def teacher_link(code: str, secret: str) -> str:
    return f"{base_url()}{page_path('class_board')}?teach={code}.{secret}"


def counted(key: str, n: int, **fields) -> str:
    """tr(key) for a count: its ".one" form when n is 1 ("1 run", not "1 runs")."""
    return tr(f"{key}.one" if n == 1 else key, n=n, **fields)


def flash(kind: str, text: str, raw: str | None = None) -> None:
    """A message (st.success/st.error/...) shown on the next run; `raw` as plain text."""
    st.session_state[FLASH] = (kind, text, raw)


def show_flash() -> None:
    message = st.session_state.pop(FLASH, None)
    if message:
        kind, text, raw = message
        getattr(st, kind)(text)
        if raw is not None:
            show_plain(raw)


def down_or(key: str) -> str:
    """The 'database not answering' message when that is why, else tr(key)."""
    return tr("class_board.down") if not store().available else tr(key)


def refused(err: StoreError) -> None:
    """A refused store call, said in the student's language."""
    if isinstance(err, ClassError):
        st.error(tr(f"class.join.{err.reason}"))
    elif not store().available:
        st.error(tr("class_board.down"))
    else:
        st.error(tr("class_board.error"))
        show_plain(str(err), 200)


# ---- the teacher's secret ---------------------------------------------------------


def adopt_teacher_link() -> None:
    """?teach=CODE.SECRET: keep the secret in this session and take it out of the URL
    (the address bar and the history at once, the server's copy on the next run)."""
    raw = take_url_secret("teach")
    if raw is None:
        return
    code, _, secret = raw.partition(".")
    try:
        code = class_code(code)
        check_token(secret)
    except StoreError:
        st.error(tr("class_board.teach.bad"))
        show_plain(raw)
        return
    if store().is_teacher(code, secret):
        teacher.keep(code, secret)
        st.success(tr("class_board.teach.adopted", code=code))
    elif store().available:
        st.error(tr("class_board.teach.bad"))
        show_plain(raw)
    else:  # kept, and checked again once the database answers
        teacher.keep(code, secret)
        st.warning(tr("class_board.down"))


# ---- starting and joining -----------------------------------------------------------


def start_form() -> None:
    """A title (optional) and a button: a new class, whose secret this session keeps."""
    st.caption(tr("class_board.start.explain"))
    with st.form("class_board.start"):
        title = st.text_input(
            tr("class_board.start.title"),
            max_chars=TITLE_MAX,
            key="class_board.start.title",
            help=tr("class_board.start.title_help"),
        )
        go = st.form_submit_button(tr("class_board.start.button"), type="primary")
    if go:
        try:
            code, secret = store().create_class(title)
        except StoreError as err:
            refused(err)
            return
        teacher.keep(code, secret)  # the newest class last: it is the one shown
        flash("success", tr("class_board.started", code=code))
        st.rerun()


def join_form() -> None:
    """A code box: a good code goes into ?class=, where class_join_prompt asks for a name."""
    with st.form("class_board.join"):
        raw = st.text_input(
            tr("class_board.join.code"),
            max_chars=64,
            key="class_board.join.code",
            help=tr("class_board.join.code_help"),
        )
        go = st.form_submit_button(tr("class_board.join.button"))
    if not go:
        return
    if not raw.strip():
        st.warning(tr("class_board.join.empty"))
        return
    try:
        code = class_code(raw)
    except ClassError as err:
        st.error(tr(f"class.join.{err.reason}"))
        show_plain(raw)
        return
    info = store().class_info(code)
    if info is None or info.closed:
        st.error(down_or("class.join.unknown") if info is None else tr("class.join.closed"))
        show_plain(raw)
        return
    st.query_params["class"] = code
    st.rerun()


# ---- the board ----------------------------------------------------------------------


@dataclass(frozen=True)
class BoardState:
    """What a class's board shows, made once per change of the class (read-only)."""

    info: object  # lib.store.ClassInfo
    runs: list  # lib.store.BoardRun, without histories
    frame: pd.DataFrame  # board_frame(runs)
    points: pd.DataFrame
    broken: pd.DataFrame
    best: str | None
    spec: dict  # the chart, as Vega-Lite
    summary: str  # the chart's description
    labels: dict  # run_id -> run_label, newest first


# Every open board redraws every REFRESH_S seconds, mostly with the same runs: what it
# shows is made once per class state (store.board_mark: one aggregate query) and
# language, and shared by every board open on that class. At 4,000 runs a refresh
# cost 1.04 CPU-s before (every history decoded, the chart made again): see
# bench/board_cost.py.
@st.cache_resource(max_entries=64, show_spinner=False)
def board_state(mark: tuple, language: str) -> BoardState | None:
    code = mark[0]
    info = store().class_info(code)
    if info is None:
        return None
    runs = store().class_runs(code, history=False)
    frame = board_frame(runs, shown_name(info.hide_names))
    points, broken = split(frame)
    return BoardState(
        info=info,
        runs=runs,
        frame=frame,
        points=points,
        broken=broken,
        best=best_run(frame),
        spec=spec(board_chart(frame, language)),
        summary=describe.board(frame, language),
        labels={row.run_id: run_label(row) for row in frame.iloc[::-1].itertuples()},
    )


@st.cache_data(max_entries=64, show_spinner=False)
def curves_spec(long, lang: str) -> dict:
    return spec(compare_chart(long, lang))


def display_name(name: str, hide: bool) -> str:
    """'Student 3' for the store's '#3' while names are hidden; else the name as typed."""
    match = HIDDEN.fullmatch(name) if hide else None
    return tr("class_board.hidden_name", k=int(match[1])) if match else name


def shown_name(hide: bool):
    """The name a run is shown under (display_name of its student)."""
    return lambda run: display_name(run.student, hide)


def value_label(name: str, value) -> str:
    """A setting's value as the board shows it: "naive" -> "the book's (naive)" (the
    chart's legend says the same: lib.charts.class_board)."""
    return tr(f"{name}.{value}", default=str(value))


def run_label(row) -> str:
    """One run in a picker: plain text (Streamlit shows option labels as text)."""
    return (
        f"{plain(row.student)} · #{row.run} · lr={row.lr:g} · {value_label('softmax', row.softmax)}"
    )


def column_label(name: str) -> str:
    fallback = tr(f"train.col.{name}", default=field_label(name))
    return tr(f"class_board.col.{name}", default=fallback)


def runs_table(frame, best: str | None) -> None:
    """Every run, newest first, the best one starred."""
    columns = ["student", "run", *setting_names(), "epochs_run", "test_acc", "status"]
    df = frame.iloc[::-1][columns].reset_index(drop=True)
    ids = list(frame["run_id"].iloc[::-1])
    df.insert(0, "best", ["★" if rid == best else "" for rid in ids])
    df["status"] = [tr(f"status.{s}", default=s) for s in df["status"]]
    for name in ("softmax", "framework"):
        df[name] = [value_label(name, value) for value in df[name]]
    # text, so a run that broke down shows a dash (a missing number reads "None")
    df["test_acc"] = ["–" if pd.isna(acc) else f"{acc:.4f}" for acc in df["test_acc"]]
    config = {name: column_label(name) for name in df.columns}
    config["test_acc"] = st.column_config.TextColumn(config["test_acc"])
    config["lr"] = st.column_config.NumberColumn(config["lr"], format="%g")
    # No pandas Styler for a highlighted row: sending a styled table took ~100 ms of CPU
    # for 90 runs, on every refresh of every open board; the star costs nothing.
    rows = min(len(df), TABLE_ROWS)  # all of them on the projector, up to TABLE_ROWS
    st.dataframe(
        df,
        hide_index=True,
        column_config=config,
        key="class_board.table",
        height=(rows + 1) * 35 + 3,
    )


@dataclass(frozen=True)
class Picked:
    """A run whose curves are drawn: what curves_frame reads."""

    run_id: str
    history: list


def followed(picked: list, labels: dict, seen: set, follow: bool) -> list:
    """The runs to overlay: `picked` (gone runs dropped) and, while following, every run
    not seen before, newest first; at most MAX_CURVES (the oldest new ones drop first)."""
    picked = [rid for rid in picked if rid in labels]
    if not follow:
        return picked
    new = [rid for rid in labels if rid not in seen and rid not in picked]  # newest first
    return (new + picked)[:MAX_CURVES] if new else picked


def curves(labels: dict, code: str, best: str | None) -> None:
    """A few chosen runs' three curves overlaid (the best and the two newest at first, then
    each new run while "follow the newest" is on); histories are read for these only."""
    key, seen_key = "class_board.curves.pick", "class_board.curves.seen"
    if key in st.session_state:  # kept by hand: new runs or hidden names change the labels
        seen = st.session_state.get(seen_key, set(labels))
        st.session_state[key] = followed(
            st.session_state[key], labels, seen, st.session_state.get(FOLLOW, True)
        )
    else:
        st.session_state[key] = ([best] if best else []) + [rid for rid in labels if rid != best][
            :2
        ]  # the best and the two newest
    st.session_state[seen_key] = set(labels)
    st.subheader(tr("class_board.curves"))
    st.toggle(
        tr("class_board.curves.follow"),
        value=True,  # on until the teacher turns it off
        key=FOLLOW,
        help=tr("class_board.curves.follow_help"),
    )
    chosen = st.multiselect(
        tr("class_board.curves.pick"),
        list(labels),
        format_func=lambda rid: labels.get(rid, rid),
        placeholder=tr("class_board.curves.placeholder"),
        key=key,
    )
    histories = store().class_histories(code, chosen) if chosen else {}
    picked = [Picked(rid, histories[rid]) for rid in chosen if rid in histories]
    if picked:
        long = curves_frame(picked, lambda r: labels[r.run_id])
        chart(
            curves_spec(long, lang()),
            describe.compare(long, lang()),
            curves_table(long, lang()),
            title=tr("class_board.curves"),
        )


def remove_run(code: str, secret: str) -> None:
    """on_click of the remove button (runs before the fragment redraws)."""
    run_id = st.session_state.get("class_board.remove.pick")
    if not run_id:
        return
    try:
        store().remove_class_run(code, secret, run_id)
    except StoreError as err:
        reason = f"class.join.{err.reason}" if isinstance(err, ClassError) else "class_board.down"
        flash("error", tr(reason))
        return
    st.session_state.pop("class_board.remove.pick", None)
    flash("success", tr("class_board.removed"))


def remove_control(labels: dict, code: str, secret: str) -> None:
    with st.container(horizontal=True, vertical_alignment="bottom"):
        pick = st.selectbox(
            tr("class_board.remove.pick"),
            list(labels),
            index=None,
            format_func=lambda rid: labels.get(rid, rid),
            placeholder=tr("class_board.remove.placeholder"),
            key="class_board.remove.pick",
            width=520,
        )
        st.button(
            tr("class_board.remove.button"),
            key="class_board.remove",
            icon=":material/remove_circle:",
            disabled=pick is None,
            on_click=remove_run,
            args=(code, secret),
        )


def remove_member(code: str, secret: str) -> None:
    """on_click of the remove-student button."""
    key = st.session_state.get("class_board.member.pick")
    if not key or not st.session_state.get("class_board.member.sure"):
        return
    try:
        n = store().remove_member(code, secret, key)
    except StoreError as err:
        reason = f"class.join.{err.reason}" if isinstance(err, ClassError) else "class_board.down"
        flash("error", tr(reason))
        return
    for done in ("class_board.member.pick", "class_board.member.sure"):
        st.session_state.pop(done, None)
    flash("success", counted("class_board.member.removed", n))


def members_control(code: str, secret: str, hide: bool) -> None:
    """The teacher removes a student: off the class, their runs off the board, no rejoining."""
    try:
        members = store().class_members(code, secret)
    except StoreError:
        return  # the board above says why
    labels = {
        m.key: f"{plain(display_name(m.name, hide))} · "
        + counted("class_board.member.runs", m.runs)
        + (f" · {tr('class_board.member.left')}" if m.left else "")
        for m in members
    }
    with st.expander(
        counted("class_board.members", len(members)),
        icon=":material/group:",
        key="class_board.members",
    ):
        if not labels:
            st.caption(tr("class_board.members.none"))
            return
        pick = st.selectbox(
            tr("class_board.member.pick"),
            list(labels),
            index=None,
            format_func=lambda key: labels.get(key, key),
            placeholder=tr("class_board.member.placeholder"),
            key="class_board.member.pick",
        )
        sure = st.checkbox(
            tr("class_board.member.confirm"), key="class_board.member.sure", disabled=pick is None
        )
        st.button(
            tr("class_board.member.button"),
            key="class_board.member.remove",
            icon=":material/person_remove:",
            disabled=pick is None or not sure,
            on_click=remove_member,
            args=(code, secret),
        )


@st.fragment(run_every=REFRESH_S)
def board(code: str, secret: str | None) -> None:
    """The class's runs: figures, the chart, the table, chosen curves; redrawn every few
    seconds by itself (this function alone reruns). `secret`: the teacher's, else None."""
    show_flash()
    if secret and not store().is_teacher(code, secret) and store().available:
        st.rerun(scope="app")  # a new teacher link elsewhere: no controls here any more
    mark = store().board_mark(code)
    state = board_state(mark, lang()) if mark is not None else None
    if state is None:
        st.warning(down_or("class_board.gone"))
        return
    if not store().available:
        st.warning(tr("class_board.down"))
    info, frame, points, broken, best = (
        state.info,
        state.frame,
        state.points,
        state.broken,
        state.best,
    )
    if info.closed:
        st.info(tr("class.join.closed"), icon=":material/lock:")
    with st.container(horizontal=True):
        st.metric(tr("class_board.students"), info.students, border=True)
        st.metric(tr("class_board.runs"), len(frame), border=True)
        st.metric(tr("class_board.broken_count"), len(broken), border=True)
        st.metric(
            tr("class_board.best_acc"),
            f"{points['test_acc'].max():.4f}" if best else "–",
            border=True,
        )
    st.caption(tr("class_board.refresh", seconds=REFRESH_S))
    if frame.empty:
        st.info(tr("class_board.empty"))
        return
    chart(state.spec, state.summary, key="class_board.chart")  # its data: the table below
    st.caption(tr("class_board.chart.caption"))
    if len(broken):
        lrs = ", ".join(f"{lr:g}" for lr in sorted(set(broken["lr"])))
        st.caption(counted("class_board.broken", len(broken), lrs=lrs))
    st.subheader(tr("class_board.table"))
    runs_table(frame, best)
    if secret:
        remove_control(state.labels, code, secret)
    curves(state.labels, code, best)
    if secret:
        members_control(code, secret, info.hide_names)


# ---- the two headers: the teacher's, a student's -------------------------------------------


def teacher_header(code: str, secret: str, info) -> None:
    with st.container(horizontal=True, vertical_alignment="top"):
        st.metric(tr("class_board.code"), code, border=True, width=260)
        with st.container():
            st.caption(tr("class_board.join_link"))
            st.code(join_link(code), language=None)
            local_link_warning()
            if info is not None and info.title:
                st.caption(tr("class_board.class_title"))
                show_plain(info.title, TITLE_MAX)
            open_button(code)  # the read-only projector view, in a new tab


def set_hide(code: str, secret: str) -> None:
    try:
        store().set_hide_names(code, secret, bool(st.session_state["class_board.hide"]))
    except StoreError as err:
        reason = f"class.join.{err.reason}" if isinstance(err, ClassError) else "class_board.down"
        flash("error", tr(reason))


def teacher_bar(code: str, secret: str, info) -> None:
    """Hide names and the CSV, above the board (the projector shows what the toggle hides)."""
    if info is not None:
        st.session_state["class_board.hide"] = info.hide_names  # the stored truth
    db, failed = store(), tr("class_board.csv.failed")

    def csv() -> str:  # called when the button is pressed, on another thread
        try:
            return BOM + db.class_csv(code, secret)
        except StoreError:
            return f"{BOM}error\n{failed}\n"

    with st.container(horizontal=True, vertical_alignment="center"):
        st.toggle(
            tr("class_board.hide"),
            key="class_board.hide",
            on_change=set_hide,
            args=(code, secret),
            help=tr("class_board.hide_help"),
        )
        st.download_button(
            tr("class_board.csv"),
            csv,
            f"class_{code}.csv",
            "text/csv",
            key="class_board.csv",
            icon=":material/download:",
            on_click="ignore",
        )


def rotate(code: str, secret: str) -> None:
    """on_click of "new teacher link": the old secret stops working, here the new one is kept."""
    try:
        new = store().rotate_teacher(code, secret)
    except StoreError as err:
        reason = f"class.join.{err.reason}" if isinstance(err, ClassError) else "class_board.down"
        flash("error", tr(reason))
        return
    teacher.keep(code, new)
    st.session_state[f"class_board.show_teach.{code}"] = True  # the new link, shown
    flash("success", tr("class_board.rotated"))


def teacher_link_control(code: str, secret: str) -> None:
    """The private teacher link (hidden until asked: the screen may be projected); a new one."""
    if st.toggle(tr("class_board.teacher_link.show"), key=f"class_board.show_teach.{code}"):
        st.code(teacher_link(code, secret), language=None, wrap_lines=True)
        st.caption(tr("class_board.teacher_link.note"))
    st.button(
        tr("class_board.rotate"),
        key="class_board.rotate",
        icon=":material/key:",
        help=tr("class_board.rotate.help"),
        on_click=rotate,
        args=(code, secret),
    )


def teacher_end(code: str, secret: str, info) -> None:
    """The teacher link; close or delete the class, each behind a confirmation."""
    # keyed: a message above it (flash) must not fold it away
    with st.expander(tr("class_board.teacher"), icon=":material/school:", key="class_board.end"):
        teacher_link_control(code, secret)
        st.divider()
        if info is not None and not info.closed:
            sure = st.checkbox(
                tr("class_board.close.confirm", code=code), key="class_board.close.sure"
            )
            if st.button(
                tr("class_board.close.button"),
                key="class_board.close",
                disabled=not sure,
                help=tr("class_board.close.help"),
                icon=":material/lock:",
            ):
                try:
                    store().close_class(code, secret)
                except StoreError as err:
                    refused(err)
                else:
                    flash("success", tr("class_board.closed_now", code=code))
                    st.rerun()
        sure = st.checkbox(
            tr("class_board.delete.confirm", code=code), key="class_board.delete.sure"
        )
        if st.button(
            tr("class_board.delete.button"),
            key="class_board.delete",
            disabled=not sure,
            icon=":material/delete_forever:",
        ):
            try:
                store().delete_class(code, secret)
            except StoreError as err:
                refused(err)
            else:
                teacher.forget(code)
                st.session_state.pop("class_board.delete.sure", None)
                flash("success", tr("class_board.deleted", code=code))
                st.rerun()


def student_header(code: str, name: str) -> None:
    st.caption(tr("class_board.member", code=code))
    show_plain(name)
    with st.container(horizontal=True, vertical_alignment="center"):
        st.page_link(
            "lessons/train.py", label=tr("class_board.member.train"), icon=":material/show_chart:"
        )
        leave_button("class.leave.board")


# ---- the page -------------------------------------------------------------------------

if wanted():  # /class?view=projector&code=CODE: read-only, no teacher secret (ui.projector)
    projector_view(join_link, board_state, REFRESH_S)
    st.stop()
st.title(tr("class_board.title"))
st.markdown(tr("class_board.intro"))
adopt_teacher_link()
show_flash()
teaching = teacher.verified()
member = class_membership()
if teaching:
    codes = list(teaching)
    code = (
        codes[-1]
        if len(codes) == 1
        else st.selectbox(tr("class_board.which"), codes[::-1], key="class_board.which")
    )
    info = store().class_info(code)
    teacher_header(code, teaching[code], info)
    teacher_bar(code, teaching[code], info)
    poll_board(code, teaching[code])  # the class poll (ui/poll.py): the open one,
    ask_controls(code, teaching[code])  # then asking a new one
    board(code, teaching[code])
    teacher_end(code, teaching[code], info)
    with st.expander(tr("class_board.start.another"), icon=":material/add:"):
        start_form()
elif member:
    student_header(*member)
    poll_board(member[0])  # the class poll: students answer here
    board(member[0], None)
else:
    if not store().available:
        st.warning(tr("class_board.down"))
    st.info(tr("class_board.none"))
    left, right = st.columns(2, gap="large")
    with left:
        st.subheader(tr("class_board.join.header"))
        join_form()
    with right:
        st.subheader(tr("class_board.start.header"))
        start_form()
teacher.write_cookie()  # the browser keeps this session's classes
