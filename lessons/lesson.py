"""Guided lesson: the chapter in nine steps, each one predict -> run -> reveal.

The steps are data in lib/lesson.py, their words lib/i18n/lesson.py. The
student's progress goes through get_progress / save_progress only, so where it
is kept (the session now) can change in one place.
"""

import streamlit as st

import ui
from lib import lesson as L

PROGRESS = "lesson.progress"


def get_progress() -> dict:
    """The student's progress: step id -> {"predicted": option or None, "revealed": bool}.

    Kept in the run store under the browser's identity (so it survives a reload
    and follows the personal link), read once per session.
    """
    if PROGRESS not in st.session_state:
        st.session_state[PROGRESS] = ui.store().progress(ui.identity())
    return st.session_state[PROGRESS]


def save_progress(progress: dict) -> None:
    st.session_state[PROGRESS] = progress
    ui.store().save_progress(ui.identity(), progress)  # False: kept in memory until it is back


def pick_key(step_id: str) -> str:
    return f"lesson.pick.{step_id}.{ui.lang()}"  # translated options: one widget per language


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
    text = ui.tr(step.answer)
    if verdict == "right":
        st.success(ui.tr("lesson.right") + "\n\n" + text, icon=":material/check_circle:")
    elif verdict == "wrong":
        st.warning(ui.tr("lesson.wrong", predicted=labels[entry["predicted"]]) + "\n\n" + text)
    else:
        st.info(ui.tr("lesson.none") + "\n\n" + text)


def show_step(n: int, step, progress: dict) -> None:
    entry = progress.get(step.id, {})
    revealed, kept = entry.get("revealed", False), entry.get("predicted")
    labels = {o: ui.tr(step.option(o)) for o in step.options}
    with st.container(border=True, key=f"lesson-step-{step.id}"):
        heading = "lesson.step_done" if revealed else "lesson.step"
        st.markdown(f"##### {ui.tr(heading, n=n, title=ui.tr(step.title))}")
        st.markdown(ui.tr(step.question))
        st.radio(
            ui.tr("lesson.predict"),
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
            label=ui.tr(
                "lesson.open" if step.train else "lesson.go", page=ui.tr(f"nav.{step.page}")
            ),
            query_params=L.link_query(step, ui.lang()),
        )
        if revealed:
            answer(step, entry, labels)
        else:
            st.button(
                ui.tr("lesson.reveal"),
                key=f"lesson.reveal.{step.id}",
                icon=":material/visibility:",
                on_click=reveal,
                args=(step.id,),
            )


def page_address() -> str | None:
    """This page's address in the student's browser (None where there is none, as in tests)."""
    try:
        return st.context.url
    except Exception:  # no browser session behind this script run
        return None


def teacher_view() -> bool:
    """The step links as plain URLs to copy; False when the toggle is off."""
    if not st.toggle(ui.tr("lesson.teacher"), key="lesson.teacher"):
        return False
    st.caption(ui.tr("lesson.teacher_intro"))
    base = L.base_url(page_address(), "lesson")
    for n, step in enumerate(L.STEPS, start=1):
        st.markdown(ui.tr("lesson.step", n=n, title=ui.tr(step.title)))
        st.code(L.link_url(step, ui.lang(), base), language=None)
    return True


st.title(ui.tr("lesson.title"))
st.markdown(ui.tr("lesson.intro"))
progress = get_progress()
done, total = L.done(progress), len(L.STEPS)
st.progress(done / total, text=ui.tr("lesson.progress", done=done, total=total))
if done == total:
    st.success(ui.tr("lesson.all_done"))
for n, step in enumerate(L.STEPS, start=1):
    show_step(n, step, progress)
st.button(
    ui.tr("lesson.restart"),
    key="lesson.restart",
    icon=":material/restart_alt:",
    on_click=start_over,
)
links = (L.link_url, L.url_path, L.base_url) if teacher_view() else ()
ui.show_code(L.done, L.link_query, L.record, L.verdict, *links)
