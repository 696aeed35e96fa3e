"""Guided lesson: the chapter in nine steps, each one predict -> run -> reveal.

The steps are data in lib/lesson.py, their words lib/i18n/lesson.py. The
student's progress goes through get_progress / save_progress only: kept in the
session, and in the run store under the browser's identity.
"""

import streamlit as st

from lib import lesson as L
from lib import pages
from lib.config import TrainConfig
from ui.context import app_url, show_code, store
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
st.markdown(tr("lesson.intro"))
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
show_code(L.done, L.link_query, L.record, L.verdict, *links)
