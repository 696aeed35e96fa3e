"""A class: the one a student posts runs to, joining one from a link (?class=CODE), leaving
it, and the join link itself (the one description of it: the board shows it, the QR code
draws it).

The join link starts with SOFTMAX_PUBLIC_URL when the operator set it, else with the
address of the teacher's page (a proxy's path prefix kept). A teacher whose page is on
this very machine (localhost) with no public address gets a link no student can open:
the board warns them (local_link_warning).
"""

from __future__ import annotations

from urllib.parse import urlsplit

import streamlit as st

from lib.pages import page_path
from lib.store import ClassError, StoreError
from lib.store.values import class_code
from ui import context, identity, lang, poll

JOINED = "class.joined"  # session_state: (code, name) of a join made in this session
LOOPBACK = ("localhost", "127.0.0.1", "::1")


# ---- the join link ---------------------------------------------------------------------


def base_url(page: str = page_path("class_board")) -> str:
    """The app's address for links handed out (ends in "/"): SOFTMAX_PUBLIC_URL, else the
    address of this page (whose URL path is `page`)."""
    return context.settings().public_url or context.app_url(page)


def join_link(code: str, page: str = page_path("class_board")) -> str:
    """The link a student opens to join class `code` (any page handles ?class=)."""
    return f"{base_url(page)}?class={code}"


def on_loopback() -> bool:
    """This page was opened at localhost / 127.0.0.1 / ::1 (so its links point at the
    reader's own machine)."""
    host = urlsplit(context.page_address() or "").hostname or ""
    return host in LOOPBACK or host.endswith(".localhost")


def link_unreachable() -> bool:
    """The join link points at the teacher's own machine: no public address is set and
    the teacher's page is on localhost."""
    return context.settings().public_url is None and on_loopback()


def local_link_warning() -> None:
    """A warning under the join link when no student can open it."""
    if link_unreachable():
        st.warning(lang.tr("class.link.local"), icon=":material/wifi_off:")


# ---- a student's class ---------------------------------------------------------------------


def class_membership() -> tuple[str, str] | None:
    """(class code, display name) of the class this student last joined, if any."""
    return context.store().membership(identity.identity())


def leave() -> None:
    """on_click of the Leave buttons: out of every class (posted runs stay on the boards)."""
    try:
        context.store().leave_class(identity.identity())
    except StoreError:
        st.session_state["class.leave.failed"] = True
        return
    st.session_state.pop(JOINED, None)
    st.session_state["class.left"] = True


def leave_button(key: str) -> None:
    st.button(
        lang.tr("class.leave"),
        key=key,
        icon=":material/logout:",
        on_click=leave,
        help=lang.tr("class.leave.help"),
    )


def is_closed(code: str) -> bool:
    info = context.store().class_info(code)
    return info is not None and info.closed


def class_badge() -> None:
    """Sidebar: the class this student posts runs to (and whether it is closed); Leave."""
    if st.session_state.pop("class.left", False):
        st.success(lang.tr("class.left"))
    if st.session_state.pop("class.leave.failed", False):
        st.error(lang.tr("store.down"))
    member = class_membership()
    if member:
        st.caption(lang.tr("class.member", code=member[0]))
        context.show_plain(member[1])
        if is_closed(member[0]):
            st.caption(lang.tr("class.join.closed"))
        poll.poll_note(member[0])  # a poll waits for this student's answer: link to it
        leave_button("class.leave.sidebar")


def joined_confirmation() -> None:
    """Once, on the page after joining: which class, under which name; Leave."""
    joined = st.session_state.pop(JOINED, None)
    if not joined:
        return
    code, name = joined
    with st.container(border=True, key="class-joined"):
        st.success(lang.tr("class.joined", code=code), icon=":material/groups:")
        context.show_plain(name)
        st.caption(lang.tr("class.joined.next"))
        leave_button("class.leave.joined")


def run_not_posted(code: str | None) -> None:
    """After a run was saved: say so when the student's class is closed (it is not posted)."""
    if code and is_closed(code):
        st.info(lang.tr("class.closed.run", code=code), icon=":material/lock:")


def class_join_prompt() -> None:
    """When the URL says ?class=CODE, ask for a display name and join that class."""
    joined_confirmation()
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
        st.session_state[JOINED] = (code, shown)
        st.rerun()
