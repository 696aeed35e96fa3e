"""The session's language: every visible text goes through tr()."""

from __future__ import annotations

import streamlit as st

from lib import i18n


def lang() -> str:
    """The session's language: from ?lang= on first visit, then the sidebar switch."""
    if "lang" not in st.session_state:
        st.session_state["lang"] = i18n.normalize_lang(st.query_params.get("lang"))
    return st.session_state["lang"]


def tr(key: str, **fields) -> str:
    """The text of `key` in the session's language; tr(key, default=...) for a key that
    may have no text (lib.i18n.t; it says "1 run", not "1 runs")."""
    return i18n.t(key, lang(), **fields)


def class_names() -> tuple[str, ...]:
    """The ten class names in the session's language."""
    return i18n.class_names(lang())


def widget_key(name: str) -> str:
    """The key of a widget with translated options, for the session's language."""
    return i18n.widget_key(name, lang())


def language_switch() -> None:
    """Sidebar radio; the choice is mirrored into ?lang= so links keep it."""
    lang()
    st.sidebar.radio(
        tr("sidebar.language"),
        i18n.LANGS,
        key="lang",
        format_func=i18n.LANG_NAMES.get,
        horizontal=True,
    )
    st.query_params["lang"] = st.session_state["lang"]


def field_label(name: str) -> str:
    """A TrainConfig field's label (its own name when no string is defined for it)."""
    return tr(f"config.{name}", default=name)


def field_help(f) -> str:
    """A TrainConfig field's help in the session's language (its English help otherwise)."""
    return tr(f"config.{f.name}.help", default=f.metadata["help"])
