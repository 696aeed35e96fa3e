"""A class: the one a student posts runs to, and joining one from a link (?class=CODE)."""

from __future__ import annotations

import streamlit as st

from lib.store import ClassError, StoreError
from lib.store.values import class_code
from ui import context, identity, lang, poll


def class_membership() -> tuple[str, str] | None:
    """(class code, display name) of the class this student last joined, if any."""
    return context.store().membership(identity.identity())


def class_badge() -> None:
    """Sidebar: the class this student posts runs to."""
    member = class_membership()
    if member:
        st.caption(lang.tr("class.member", code=member[0]))
        context.show_plain(member[1])
        poll.poll_note(member[0])  # a poll waits for this student's answer: link to it


def class_join_prompt() -> None:
    """When the URL says ?class=CODE, ask for a display name and join that class."""
    raw = st.query_params.get("class")
    if raw is None:
        return
    try:
        code = class_code(raw)
        info = context.store().class_info(code)
        if info is None:
            raise ClassError("unknown")
    except ClassError as err:
        st.error(lang.tr(f"class.join.{err.reason}"))
        context.show_plain(raw)
        if st.button(lang.tr("class.join.dismiss"), key="class.join.dismiss"):
            del st.query_params["class"]
            st.rerun()
        return
    member = class_membership()
    if member and member[0] == code:
        del st.query_params["class"]
        return
    with st.form("class.join"):
        st.markdown(lang.tr("class.join.header", code=code))
        if info.title:
            context.show_plain(info.title, 80)
        name = st.text_input(
            lang.tr("class.join.name"),
            max_chars=40,
            key="class.join.name",
            help=lang.tr("class.join.name_help"),
        )
        joined = st.form_submit_button(lang.tr("class.join.button"), type="primary")
    if joined:
        if not identity.allowed("join"):
            st.error(lang.tr("class.join.too_many"))
            return
        try:
            shown = context.store().join_class(code, identity.identity(), name)
        except ClassError as err:
            st.error(lang.tr(f"class.join.{err.reason}"))
            return
        except StoreError:
            st.error(lang.tr("store.down"))
            return
        del st.query_params["class"]
        st.session_state["class.joined"] = shown
        st.rerun()
