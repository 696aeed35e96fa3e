"""The class poll on the class board: the teacher asks and reveals, the students answer.

    ask_controls(code, secret)    # the teacher: pick a built-in question or type one
    poll_board(code, secret)      # everyone on /class: the open poll, redrawn every few s
    poll_note(code)               # the sidebar's class box: "answer the poll" until answered

Where students answer: on the class board page (/class), where every member sees
their class; the sidebar's class box (ui.classroom.class_badge), on every page,
links there while a poll waits for their answer. The rules (one answer each,
changes until the reveal, counts hidden until then, the teacher alone reveals)
are the store's (lib/store/polls.py); the questions and the runs that answer
them are lib/poll.py's. Typed questions and options are shown as plain text only.
"""

from __future__ import annotations

import dataclasses
import re

import pandas as pd
import streamlit as st

from lib.charts.poll import poll_chart
from lib.poll import (
    BUILTINS,
    START_LOSS,
    TYPED_PROBLEMS,
    answering_runs,
    describe_poll,
    letter,
    option_texts,
    poll_rows,
    question_text,
    right_index,
    runs_summary,
    typed_question,
)
from lib.store import ClassError, PollError, StoreError
from lib.store.polls import OPTION_MAX, OPTIONS_MAX, OPTIONS_MIN, QUESTION_MAX, TYPED
from ui import context, identity
from ui.a11y import chart
from ui.lang import lang, tr, widget_key

POLL_REFRESH_S = 3
FLASH = "poll.flash"  # session_state: (kind, text) shown on the poll's next redraw
HIDDEN = re.compile(r"#(\d+)")  # the store's name for a student while names are hidden
RUNS_SHOWN = 50  # the newest runs whose histories a start-loss question reads


def _flash(kind: str, text: str) -> None:
    st.session_state[FLASH] = (kind, text)


def _show_flash() -> None:
    message = st.session_state.pop(FLASH, None)
    if message:
        getattr(st, message[0])(message[1])


def refusal(err: StoreError) -> str:
    """A refused poll action, in the reader's language."""
    if isinstance(err, PollError):
        return tr(f"poll.error.{err.reason}")
    if isinstance(err, ClassError):
        return tr(f"class.join.{err.reason}")
    return tr("class_board.down") if not context.store().available else tr("class_board.error")


# ---- the teacher: asking --------------------------------------------------------------------


def ask_controls(code: str, secret: str) -> None:
    """Pick a built-in question (its options listed, the right one not marked: the
    teacher's screen may be on the projector) or type one; the button asks the class."""
    with st.expander(tr("poll.ask.header"), icon=":material/how_to_vote:"):
        st.caption(tr("poll.ask.explain"))
        labels = {k: q.text(lang()) for k, q in BUILTINS.items()} | {TYPED: tr("poll.ask.typed")}
        kind = st.selectbox(
            tr("poll.ask.pick"),
            list(labels),
            format_func=labels.get,
            key=widget_key("poll.ask.pick"),  # translated labels: one widget per language
        )
        if kind == TYPED:
            question = st.text_input(
                tr("poll.ask.question"),
                max_chars=QUESTION_MAX,
                key="poll.ask.question",
                help=tr("poll.ask.question_help", n=QUESTION_MAX),
            )
            options = st.text_area(
                tr("poll.ask.options", low=OPTIONS_MIN, high=OPTIONS_MAX),
                key="poll.ask.options",
                height=150,
                help=tr("poll.ask.options_help", n=OPTION_MAX),
            )
        else:
            st.caption(tr("poll.ask.preview"))
            for text in option_texts(kind, BUILTINS[kind].options, lang()):
                st.markdown(f"- {text}")  # our own texts (lib/i18n/poll.py)
        if context.store().current_poll(code) is not None:
            st.caption(tr("poll.ask.replaces"))
        if st.button(tr("poll.ask.button"), type="primary", key="poll.ask.button"):
            try:
                if kind == TYPED:
                    text, choices = typed_question(question, options)
                else:
                    text, choices = "", list(BUILTINS[kind].options)
                context.store().ask_poll(code, secret, kind, text, choices)
            except PollError as err:
                st.error(typed_problem(err))
                return
            except StoreError as err:
                st.error(refusal(err))
                return
            _flash("success", tr("poll.asked"))
            st.rerun()


def typed_problem(err: PollError) -> str:
    """What to fix in a typed question (the limits filled in), else the refusal."""
    if err.detail not in TYPED_PROBLEMS:
        return refusal(err)
    return tr(
        f"poll.typed.{err.detail}",
        question=QUESTION_MAX,
        option=OPTION_MAX,
        low=OPTIONS_MIN,
        high=OPTIONS_MAX,
    )


# ---- the teacher: revealing, closing ------------------------------------------------------------


def _act(name: str, code: str, secret: str, poll_id: int) -> None:
    """on_click of Reveal and Close: store.<name>(code, secret, poll_id)."""
    try:
        getattr(context.store(), name)(code, secret, poll_id)
    except StoreError as err:
        _flash("error", refusal(err))


def teacher_buttons(code: str, secret: str, view) -> None:
    with st.container(horizontal=True):
        if not view.revealed:
            st.button(
                tr("poll.reveal"),
                key="poll.reveal",
                type="primary",
                icon=":material/visibility:",
                on_click=_act,
                args=("reveal_poll", code, secret, view.id),
            )
        st.button(
            tr("poll.close"),
            key="poll.close",
            icon=":material/close:",
            help=tr("poll.close.help"),
            on_click=_act,
            args=("close_poll", code, secret, view.id),
        )


# ---- a student: answering ----------------------------------------------------------------------


def _answer(code: str, poll_id: int, key: str) -> None:
    """on_change of the answer: saved at once (again on every change, until the reveal)."""
    choice = st.session_state.get(key)
    if choice is None:
        return
    try:
        context.store().answer_poll(code, identity.identity(), poll_id, choice)
    except StoreError as err:
        _flash("error", refusal(err))


def answer_box(code: str, view) -> None:
    """The options to pick from. A typed question's options are listed as plain text and
    picked by letter (radio labels are markdown); a built-in one's are our own texts."""
    texts = option_texts(view.kind, view.options, lang())
    key = f"poll.choice.{view.id}"
    if key not in st.session_state and view.mine is not None:
        st.session_state[key] = view.mine
    if view.kind not in BUILTINS:
        for text in texts:
            st.text(text)
    st.radio(
        tr("poll.your_answer"),
        range(len(texts)),
        index=None,
        format_func=(lambda k: texts[k]) if view.kind in BUILTINS else letter,
        horizontal=view.kind not in BUILTINS,
        key=key,
        on_change=_answer,
        args=(code, view.id, key),
    )
    if view.mine is not None:
        st.success(tr("poll.saved", option=letter(view.mine)), icon=":material/check:")


# ---- after the reveal: the distribution and the class's runs -----------------------------------


def _name(student: str) -> str:
    match = HIDDEN.fullmatch(student)
    return tr("class_board.hidden_name", k=int(match[1])) if match else student


@st.cache_resource(max_entries=64, show_spinner=False)
def _answering(mark: tuple, kind: str):
    """The class's runs that answer built-in question `kind`, made once per board state."""
    q = BUILTINS[kind]
    runs = context.store().class_runs(mark[0], history=False)
    if q.shows == START_LOSS:
        runs = runs[-RUNS_SHOWN:]
        histories = context.store().class_histories(mark[0], [r.run_id for r in runs])
        runs = [dataclasses.replace(r, history=histories.get(r.run_id, [])) for r in runs]
    return answering_runs(q, runs)


def runs_section(code: str, kind: str) -> None:
    st.markdown(f"**{tr('poll.runs.header')}**")
    q = BUILTINS.get(kind)
    if q is None:
        st.caption(tr("poll.runs.typed"))
        return
    mark = context.store().board_mark(code)
    found = _answering(mark, kind) if mark is not None else []
    st.write(runs_summary(q, found, lang()))
    if not found:
        return
    last = "start_loss" if q.shows == START_LOSS else "fate"
    frame = pd.DataFrame(
        {
            tr("poll.runs.col.student"): [_name(r.student) for r in found],
            tr("poll.runs.col.run"): [f"#{r.number}" for r in found],
            tr("poll.runs.col.lr"): [f"{r.lr:g}" for r in found],
            tr("poll.runs.col.softmax"): [
                tr(f"softmax.{r.softmax}", default=r.softmax) for r in found
            ],
            tr(f"poll.runs.col.{last}"): [
                f"{r.start_loss:.4f}" if last == "start_loss" else r.fate(lang()) for r in found
            ],
        }
    )
    widths = dict(zip(frame.columns, ("small", "small", "small", "medium", "large")))
    st.dataframe(
        frame,
        hide_index=True,
        column_config={
            name: st.column_config.TextColumn(name, width=w) for name, w in widths.items()
        },
        height=min(len(frame) + 1, 8) * 35 + 3,
        key="poll.runs",
    )


def explanations(view, mine: int | None) -> None:
    """The right answer; the reader's own; why each wrong option is wrong (built-in only)."""
    texts = option_texts(view.kind, view.options, lang())
    right = right_index(view.kind, view.options)
    q = BUILTINS.get(view.kind)
    if mine is not None:  # the letter only: a typed option is never put into markdown
        if right is None:
            st.info(tr("poll.mine.typed", option=letter(mine)))
        elif mine == right:
            st.success(tr("poll.mine.right", option=texts[mine]), icon=":material/check:")
        else:
            st.warning(tr("poll.mine.wrong", option=texts[mine]))
            st.write(q.why(view.options[mine], lang()))
    if q is None:
        return
    st.success(tr("poll.right", option=texts[right]), icon=":material/check_circle:")
    st.caption(q.why(q.right, lang()))
    st.markdown(f"**{tr('poll.why_wrong')}**")
    for k, option in enumerate(view.options):
        if k != right:
            st.markdown(f"- **{texts[k]}**: {q.why(option, lang())}")


def results(code: str, view, teacher: bool) -> None:
    """The distribution (chart, alt text with every figure) and, beside it, the runs."""
    st.markdown(f"**{tr('poll.results')}**")
    rows = poll_rows(view, lang())
    left, right = st.columns([2, 3], gap="large")  # the bars need less room than the runs
    with left:
        if view.kind not in BUILTINS:  # the letters on the axis: the typed options, as typed
            for text in option_texts(view.kind, view.options, lang()):
                st.text(text)
        table = pd.DataFrame(
            {
                tr("poll.col.option"): [r["option"] for r in rows],
                tr("poll.col.answers"): [r["answers"] for r in rows],
                tr("poll.col.share"): [f"{100 * r['share']:.0f}%" for r in rows],
            }
        )
        chart(
            poll_chart(rows, lang()),
            describe_poll(view, lang()),
            table,
            title=tr("poll.results"),
            key=f"poll.chart.{view.id}",
        )
        explanations(view, None if teacher else view.mine)
    with right:
        runs_section(code, view.kind)


# ---- the section on the board -------------------------------------------------------------------


def question_header(view) -> None:
    st.subheader(tr("poll.header"), anchor=False)
    if view.kind in BUILTINS:
        st.markdown(f"**{question_text(view.kind, view.question, lang())}**")
    else:
        st.text(view.question)  # typed: plain text, never markdown


@st.fragment(run_every=POLL_REFRESH_S)
def poll_board(code: str, secret: str | None = None) -> None:
    """The class's open poll, redrawn by itself every few seconds. `secret`: the
    teacher's (reveal and close), else None (a student: answer)."""
    _show_flash()
    token = None if secret else identity.identity()
    view = context.store().current_poll(code, token)
    if view is None:
        return
    with st.container(border=True, key="poll.box"):
        question_header(view)
        if not view.revealed:
            students = context.store().class_size(code)
            st.markdown(f"**{tr('poll.answered', n=view.answered, students=students)}**")
            st.caption(tr("poll.hidden"))
            if not secret:
                answer_box(code, view)
        else:
            results(code, view, teacher=bool(secret))
        if secret:
            teacher_buttons(code, secret, view)


def poll_note(code: str) -> None:
    """Sidebar: a link to the class board while the open poll waits for this student."""
    view = context.store().current_poll(code, identity.identity())
    if view is not None and not view.revealed and view.mine is None:
        st.info(tr("poll.sidebar"), icon=":material/how_to_vote:")
        st.page_link(
            "lessons/class_board.py", label=tr("poll.sidebar.link"), icon=":material/arrow_forward:"
        )
