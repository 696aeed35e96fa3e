"""The student's runs: loaded from the store once per session, saved when they end."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from lib.runs import Run
from lib.store import MAX_RUNS_PER_STUDENT, LimitError, SafeStore, StoreError
from ui import classroom, context, identity, lang


def runs() -> list[Run]:
    """The student's runs, oldest first: loaded from the store once per session."""
    if "runs" not in st.session_state:
        st.session_state["runs"] = context.store().runs(identity.identity())
        st.session_state["runs.generation"] = context.store().generation
    return st.session_state["runs"]


def next_number() -> int:
    """The number of the student's next run, handed out by the store: two tabs never
    share one (while the database is down: above this session's and this server's)."""
    return context.store().next_run_number(identity.identity(), [r.number for r in runs()])


@dataclass(frozen=True)
class Keeper:
    """Where a run is kept, read before it trains.

    Streamlit's own Stop (the page header's) leaves the script run stopped: from then on
    every st call, st.session_state included, raises StopException again. The code that
    keeps an interrupted run therefore reads nothing of the session; it uses this.
    """

    store: SafeStore
    token: str  # the student's identity
    class_code: str | None  # the class the run is posted to
    held: list[Run]  # the session's runs (the very list of runs())


def keeper() -> Keeper:
    member = classroom.class_membership()
    return Keeper(context.store(), identity.identity(), member[0] if member else None, runs())


def keep(run: Run, where: Keeper) -> StoreError | None:
    """Save a run (and post it to its class) with no Streamlit call; what went wrong, if any."""
    try:
        where.store.save_run(where.token, run, class_code=where.class_code)
    except StoreError as exc:  # LimitError included
        return exc
    return None


def tell(problem: StoreError) -> None:
    """Say why a run was not saved."""
    if isinstance(problem, LimitError):
        st.warning(lang.tr("store.too_many", limit=MAX_RUNS_PER_STUDENT))
    else:
        st.error(lang.tr("store.refused"))
        context.show_plain(problem, 120)


def save(run: Run) -> None:
    """Keep a run in the store (and post it to the student's class); never on the hot path."""
    where = keeper()
    problem = keep(run, where)
    if problem is not None:
        tell(problem)
    else:
        classroom.run_not_posted(where.class_code)  # a closed class: saved, not posted


def settle_interrupted_runs() -> None:
    """A run still 'running' at the start of a script run was interrupted: keep it, stopped.

    Also: after the database file vanished and was re-created (SafeStore.generation),
    this session's runs are saved again, with a note saying so."""
    resave_after_recreation()
    for run in runs():
        if run.status == "running":
            run.status = "stopped"
            if run.trained:
                save(run)


def resave_after_recreation() -> None:
    held = runs()
    generation = context.store().generation
    if st.session_state.get("runs.generation", generation) == generation:
        return
    st.session_state["runs.generation"] = generation
    for run in held:
        if run.trained and run.status != "running":
            save(run)
    st.warning(lang.tr("store.recreated", n=len(held)), icon=":material/restore:")


def delete_run(run: Run) -> bool:
    """Delete one of the student's runs, here and in the store; False (and a message) if not."""
    try:
        context.store().delete_run(identity.identity(), run.id)
    except StoreError:
        st.error(lang.tr("store.down"))
        return False
    runs().remove(run)
    return True


def delete_all_runs() -> bool:
    try:
        context.store().delete_runs(identity.identity())
    except StoreError:
        st.error(lang.tr("store.down"))
        return False
    runs().clear()
    return True


def trained_runs() -> list[Run]:
    return [r for r in runs() if r.trained]


def run_label(run: Run) -> str:
    """A run's name with its words in the session's language (the picker's label):
    '#2 从零实现 lr=1 epochs=3 batch=256 朴素版' in Chinese, Run.name in English."""
    c = run.cfg
    framework = lang.tr(f"framework.short.{c.framework}", default=c.framework)
    softmax = lang.tr(f"softmax.short.{c.softmax}", default=c.softmax)
    return (
        f"#{run.number} {framework} lr={c.lr:g} epochs={c.num_epochs} "
        f"batch={c.batch_size} {softmax}"
    )


def status_text(run: Run) -> str:
    return lang.tr(f"status.{run.status}")
