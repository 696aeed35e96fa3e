"""Guided lesson: the chapter in nine steps, each one predict -> run -> reveal.

The steps are data in lib/lesson.py, their words lib/i18n/lesson.py. The
student's progress goes through get_progress / save_progress only: kept in the
session, and in the run store under the browser's identity.
"""

import streamlit as st

from lib import describe, pages
from lib import lesson as L
from lib import lr_sweep as sweep
from lib.charts.lr_sweep import sweep_chart, sweep_frame
from lib.config import TrainConfig
from lib.softmax import EPS
from ui.a11y import chart
from ui.context import app_url, get_data, show_code, store
from ui.identity import identity
from ui.lang import lang, tr, widget_key
from ui.notebook import download_notebook

PROGRESS = "lesson.progress"


def get_progress() -> dict:
    """The student's progress: step id -> {"predicted": option or None, "revealed": bool}.

    Kept in the run store under the browser's identity (so it survives a reload
    and follows the personal link), read once per session.
    """
    if PROGRESS not in st.session_state:
        st.session_state[PROGRESS] = store().progress(identity())
    return st.session_state[PROGRESS]


def save_progress(progress: dict) -> None:
    st.session_state[PROGRESS] = progress
    store().save_progress(identity(), progress)  # False: kept in memory until it is back


def pick_key(step_id: str) -> str:
    return widget_key(f"lesson.pick.{step_id}")  # translated options: one widget per language


def predict(step_id: str) -> None:
    """The student chose an option: keep it (it survives a language switch)."""
    chosen = st.session_state.get(pick_key(step_id))
    save_progress(L.record(get_progress(), step_id, predicted=chosen))


def reveal(step_id: str) -> None:
    """Show the answer, with the prediction made so far (if any)."""
    chosen = st.session_state.get(pick_key(step_id))
    save_progress(L.record(get_progress(), step_id, predicted=chosen, revealed=True))


def start_over() -> None:
    save_progress({})
    for key in [k for k in st.session_state if str(k).startswith("lesson.pick.")]:
        del st.session_state[key]


def answer(step, entry, labels) -> None:
    verdict = L.verdict(step, {step.id: entry})
    text = tr(step.answer)
    if verdict == "right":
        st.success(tr("lesson.right") + "\n\n" + text, icon=":material/check_circle:")
    elif verdict == "wrong":
        st.warning(tr("lesson.wrong", predicted=labels[entry["predicted"]]) + "\n\n" + text)
    else:
        st.info(tr("lesson.none") + "\n\n" + text)


def show_step(n: int, step, progress: dict) -> None:
    entry = progress.get(step.id, {})
    revealed, kept = entry.get("revealed", False), entry.get("predicted")
    labels = {o: tr(step.option(o)) for o in step.options}
    with st.container(border=True, key=f"lesson-step-{step.id}"):
        heading = "lesson.step_done" if revealed else "lesson.step"
        st.markdown(f"##### {tr(heading, n=n, title=tr(step.title))}")
        st.markdown(tr(step.question))
        st.radio(
            tr("lesson.predict"),
            step.options,
            format_func=labels.get,
            index=step.options.index(kept) if kept in step.options else None,
            key=pick_key(step.id),
            disabled=revealed,
            on_change=predict,
            args=(step.id,),
        )
        st.page_link(
            f"lessons/{step.page}.py",
            icon=":material/open_in_new:",
            label=tr("lesson.open" if step.train else "lesson.go", page=tr(f"nav.{step.page}")),
            query_params=L.link_query(step, lang()),
        )
        download_notebook(step.config() or TrainConfig(), key=f"lesson.notebook.{step.id}")
        if revealed:
            answer(step, entry, labels)
        else:
            st.button(
                tr("lesson.reveal"),
                key=f"lesson.reveal.{step.id}",
                icon=":material/visibility:",
                on_click=reveal,
                args=(step.id,),
            )
        if step.demo == "lr_sweep":
            lr_sweep_demo()


@st.cache_data(max_entries=4, show_spinner=False)
def sweep_table(num_epochs: int, seed: int, _data):
    """The sweep's table, once per process and settings (lib/lr_sweep.py); _data, the
    shared data set, is the same for every call, so it is not part of the cache key."""
    return sweep.sweep_table(_data, num_epochs, seed)


SWEEP_SHOWN = "lesson.sweep.shown"


def lr_sweep_demo() -> None:
    """The lr sweep, on a click (it trains): chart, table and what it shows, in figures."""
    if not st.session_state.get(SWEEP_SHOWN):
        st.button(
            tr("lesson.sweep.run"),
            key="lesson.sweep.run",
            icon=":material/play_arrow:",
            on_click=st.session_state.__setitem__,
            args=(SWEEP_SHOWN, True),
        )
        return
    data = get_data()
    if data is None:
        return
    with st.spinner(tr("lesson.sweep.running")):
        table = sweep_table(**sweep.PAGE, _data=data)
    n = len(sweep.sweep_slice(data).y_train)
    st.caption(tr("lesson.sweep.intro", runs=len(table), epochs=sweep.PAGE["num_epochs"], n=n))
    found = sweep.findings(table)
    chart(
        sweep_chart(table, lang()),
        describe.lr_sweep(table, lang()),
        sweep_frame(table, lang()),
        title=tr("lesson.sweep.chart"),
    )
    st.info(sweep_result(found) + "\n\n" + sweep_at_1(found["at_1"]))


def pct(share: float) -> str:
    return describe.pct(share, lang(), digits=1)


def sweep_result(found: dict) -> str:
    """Where the naive loss broke and how far the stable one saturated, from the sweep."""
    figures = {**found, "sure": pct(found["stable_sure"]), "threshold": sweep.SURE}
    if found["naive_lr"] is None:
        return tr("lesson.sweep.result.no_break", **figures)
    cause = tr(f"lesson.sweep.cause.{found['naive_cause']}", default=found["naive_cause"])
    return tr("lesson.sweep.result", cause=cause, **figures)


def sweep_at_1(at_1: dict) -> str:
    """The three losses side by side at lr 1 (empty when the sweep has no lr 1)."""
    naive, stable, clamp = at_1["naive"], at_1["stable"], at_1["clamp"]
    if None in (naive, stable, clamp):
        return ""
    if naive["breakdown_epoch"] == naive["breakdown_epoch"]:  # not NaN: it broke down
        epoch, batch = int(naive["breakdown_epoch"]), int(naive["breakdown_batch"])
        naive_text = tr("lesson.sweep.at_1.naive_broke", epoch=epoch, batch=batch)
    else:
        naive_text = tr("lesson.sweep.at_1.naive_ok", acc=naive["test_acc"])
    return tr(
        "lesson.sweep.at_1",
        naive=naive_text,
        s_acc=stable["test_acc"],
        s_w=stable["w_norm"],
        s_below=pct(stable["below_eps"]),
        c_acc=clamp["test_acc"],
        c_w=clamp["w_norm"],
        c_below=pct(clamp["below_eps"]),
        eps=EPS,
    )


def teacher_view() -> bool:
    """The step links as plain URLs to copy; False when the toggle is off."""
    if not st.toggle(tr("lesson.teacher"), key="lesson.teacher"):
        return False
    st.caption(tr("lesson.teacher_intro"))
    base = app_url(pages.page_path("lesson"))
    for n, step in enumerate(L.STEPS, start=1):
        st.markdown(tr("lesson.step", n=n, title=tr(step.title)))
        st.code(L.link_url(step, lang(), base), language=None)
    return True


st.title(tr("lesson.title"))
st.markdown(tr("lesson.intro", n=len(L.STEPS)))
progress = get_progress()
done, total = L.done(progress), len(L.STEPS)
st.progress(done / total, text=tr("lesson.progress", done=done, total=total))
if done == total:
    st.success(tr("lesson.all_done"))
for n, step in enumerate(L.STEPS, start=1):
    show_step(n, step, progress)
st.button(
    tr("lesson.restart"),
    key="lesson.restart",
    icon=":material/restart_alt:",
    on_click=start_over,
)
links = (L.link_url, L.url_path, pages.app_url) if teacher_view() else ()
sweep_code = sweep.shown_code() if st.session_state.get(SWEEP_SHOWN) else ()
show_code(L.done, L.link_query, L.record, L.verdict, *links, *sweep_code)
