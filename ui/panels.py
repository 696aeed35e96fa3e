"""What combines the layers below: run pickers that offer to train, the sidebar's panels."""

from __future__ import annotations

import streamlit as st

from lib import settings as S
from lib.config import TrainConfig
from lib.metrics import predict_test_set
from lib.runs import Run
from lib.store import StoreError
from ui import context, identity, lang, runs, training


def linked_config(key: str) -> TrainConfig | None:
    """The settings of the run a link asks this page for (?lr=..&epochs=.., as a lesson step's
    link carries them); read once, then kept for the page while the URL forgets them."""
    names = [n for n in S.query_names(TrainConfig) if n in st.query_params]
    if names:
        cfg, _ = S.from_query({n: st.query_params[n] for n in names}, TrainConfig)
        st.session_state[f"{key}.wanted"] = cfg
        st.session_state.pop(key, None)  # the link's run is chosen below, not the last pick
        for name in names:
            del st.query_params[name]
    return st.session_state.get(f"{key}.wanted")


def same_settings(a: TrainConfig, b: TrainConfig) -> bool:
    return S.to_query(a) == S.to_query(b)


def settings_text(cfg: TrainConfig) -> str:
    return " · ".join(f"{name}={value}" for name, value in S.to_query(cfg).items())


def pick_run(key: str, wanted: TrainConfig | None = None) -> Run | None:
    """A select box over the trained runs (latest first); None when there are none.

    It opens on the newest run with the `wanted` settings, else the newest usable one
    (not broken down), else the newest. The options are run numbers, not Run objects:
    Streamlit copies a widget's value and compares old and new with ==, which a Run's
    tensors cannot answer. The labels are made now, in the session's language (AppTest
    calls format_func outside the script run).
    """
    by_number = {r.number: r for r in reversed(runs.trained_runs())}
    if not by_number:
        return None
    usable = [r for r in by_number.values() if r.usable]
    matching = [r for r in usable if wanted is not None and same_settings(r.cfg, wanted)]
    if st.session_state.get(key) not in by_number:  # first visit, or its run was deleted
        st.session_state[key] = (matching or usable or list(by_number.values()))[0].number
    labels = {n: f"{runs.run_label(r)} · {runs.status_text(r)}" for n, r in by_number.items()}
    number = st.selectbox(lang.tr("run.picker"), list(labels), key=key, format_func=labels.get)
    return by_number.get(number)


def train_here(key: str, cfg: TrainConfig, label: str) -> None:
    """A button that trains `cfg` on this page (and resumes it after a click while waiting)."""
    waiting = training.pending_config(key)
    if st.button(label, key=f"{key}.train", type="primary") or waiting:
        cfg = waiting or cfg
        bar = st.progress(0.0)
        done = training.run_training(
            cfg, lambda r: bar.progress(r.epochs_run / cfg.num_epochs), st.empty(), page=key
        )
        if done is not None and done.trained:
            st.session_state.pop(key, None)  # open on the new run
            st.rerun()


def require_run(key: str, epochs: int = 5) -> Run | None:
    """The chosen usable run; or a prompt with a button that trains one right here.

    A link that names a run's settings (a lesson step) opens on such a run, or offers to
    train it; when every run broke down, the page says so before the picker."""
    wanted = linked_config(key)
    trained = runs.trained_runs()
    if wanted is not None and not any(r.usable and same_settings(r.cfg, wanted) for r in trained):
        st.info(lang.tr("run.linked_missing", settings=settings_text(wanted)))
        train_here(key, wanted, lang.tr("run.train_linked", epochs=wanted.num_epochs))
    elif trained and not any(r.usable for r in trained):
        one = ".one" if len(trained) == 1 else ""
        st.warning(lang.tr(f"run.all_broken{one}", n=len(trained)))
        train_here(key, TrainConfig(num_epochs=epochs, softmax="stable"), _train_label(epochs))
    run = pick_run(key, wanted)
    if run is None:
        if wanted is None:
            st.info(lang.tr("run.none"))
            train_here(key, TrainConfig(num_epochs=epochs, softmax="stable"), _train_label(epochs))
        return None
    if wanted is not None and same_settings(run.cfg, wanted):
        st.session_state.pop(f"{key}.wanted", None)  # found: later visits open as usual
    if not run.usable:
        st.warning(lang.tr("run.unusable"))
        return None
    return run


def _train_label(epochs: int) -> str:
    return lang.tr("run.train_here", epochs=epochs)


def run_on_test_set(key: str):
    """(data, run, predictions on the 10,000 test images) for the chosen run.

    None after showing why not: no data set, no trained run yet, or a run
    that broke down. The weights are moved to the data's device first.
    """
    data = context.get_data()
    run = require_run(key) if data is not None else None
    if run is None:
        return None
    return data, run, predict_test_set(run.W, run.b, data)


def link_offer() -> None:
    """A personal link was opened here: ask before this browser becomes that student,
    saying how many runs would show here and how many this browser has now."""
    offer = st.session_state.get("identity.offer")
    if offer is None:
        return

    def ask() -> None:
        moving = context.store().count_runs(offer[0])
        st.markdown(lang.tr("me.offer.body", n=moving))
        if runs.runs():
            st.warning(lang.tr("me.offer.mine", n=len(runs.runs())))
        else:
            st.caption(lang.tr("me.offer.none_here"))
        with st.container(horizontal=True):
            if st.button(lang.tr("me.offer.switch"), key="me.offer.switch", type="primary"):
                identity.accept_offer()
                st.rerun()
            if st.button(lang.tr("me.offer.keep"), key="me.offer.keep"):
                identity.decline_offer()
                st.rerun()

    st.dialog(lang.tr("me.offer.title"), on_dismiss=identity.decline_offer)(ask)()


def identity_panel(page: str) -> None:
    """Sidebar: the personal link and code (on request), a new link that revokes the old,
    pasting a code, deleting all runs; and the question a personal link asks first.

    `page` is the URL path of the page being shown (its personal link keeps the app's
    address, proxy prefix and all)."""
    link_offer()
    if st.session_state.pop("identity.adopted", False):
        st.success(lang.tr("me.adopted", n=len(runs.runs())))
    if st.session_state.pop("me.bad_link", False):
        st.error(lang.tr("me.bad_link"))
    with st.expander(lang.tr("me.header"), icon=":material/devices:"):
        st.caption(lang.tr("me.explain"))
        if st.toggle(lang.tr("me.show"), key="me.show"):
            st.code(identity.personal_link(page), language=None, wrap_lines=True)
            st.caption(lang.tr("me.private"))
            if st.button(lang.tr("me.renew"), key="me.renew", icon=":material/autorenew:"):
                try:
                    identity.renew_link()
                except StoreError:
                    st.error(lang.tr("store.down"))
                else:
                    st.session_state["me.renewed"] = True
                    st.rerun()
        if st.session_state.pop("me.renewed", False):
            st.success(lang.tr("me.renewed"))
        st.text_input(
            lang.tr("me.paste"),
            key="me.paste",
            type="password",
            on_change=identity.adopt_pasted_code,
        )
        if st.session_state.pop("me.bad_code", False):
            st.error(lang.tr("me.bad_code"))
        if runs.runs():
            sure = st.checkbox(
                lang.tr("me.delete_all.confirm", n=len(runs.runs())), key="me.delete_all.sure"
            )
            if (
                st.button(
                    lang.tr("me.delete_all"),
                    key="me.delete_all",
                    disabled=not sure,
                    icon=":material/delete_forever:",
                )
                and runs.delete_all_runs()
            ):
                st.rerun()
