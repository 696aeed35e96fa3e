"""Who is who: a random secret identity per browser, kept in a cookie; personal links."""

from __future__ import annotations

import streamlit as st

from lib.store import StoreError, new_token
from lib.store.values import check_token
from ui import context

COOKIE = "softmax_student"  # this browser's identity (see identity())
COOKIE_DAYS = 400  # browsers cap cookie lifetimes near 400 days


def valid(token) -> bool:
    try:
        check_token(token)
    except StoreError:
        return False
    return True


def identity() -> str:
    """This browser's secret identity: a personal link's, else its cookie's, else a new one.

    The secret lives in a first-party cookie that the app writes with a few
    lines of its own JavaScript (Streamlit reads cookies but cannot set them);
    the database keeps only its SHA-256. A personal link (?me=...) moves a
    student's runs to another browser: its secret is adopted and taken out of
    the URL at once, so a shared address never carries it.
    """
    token = st.session_state.get("identity")
    linked = st.query_params.get("me")
    if linked is not None:
        del st.query_params["me"]
        if valid(linked) and linked != token:
            switch_identity(token := linked)
    if token is None:
        cookie = st.context.cookies.get(COOKIE) if st.context.cookies else None
        token = cookie if valid(cookie) else new_token()
        st.session_state["identity"] = token
    return token


def switch_identity(token: str) -> None:
    """Become the student `token` (a personal link or code): their runs and progress."""
    for key in ("runs", "lesson.progress"):
        st.session_state.pop(key, None)  # loaded again for the new identity
    st.session_state["identity"] = token
    st.session_state["identity.adopted"] = True


def write_identity_cookie() -> None:
    """Keep this browser's cookie equal to the session's identity (app.py, every run)."""
    token = identity()
    if (st.context.cookies.get(COOKIE) if st.context.cookies else None) == token:
        return
    # The token is [A-Za-z0-9_-] only (checked), so it can sit in the script as is.
    st.html(
        f"""<script>
      document.cookie = "{COOKIE}={check_token(token)}; Max-Age={COOKIE_DAYS * 86400}; "
        + "Path=/; SameSite=Lax" + (location.protocol === "https:" ? "; Secure" : "");
    </script>""",
        unsafe_allow_javascript=True,
        width="content",
    )


def student_id() -> str:
    """Who holds a place in the training queue: the browser's identity (so one per student)."""
    return identity()


def personal_link(page: str) -> str:
    """The address that opens this student's runs in another browser (keep it private);
    `page` is the URL path of the page it is shown on."""
    return f"{context.app_url(page)}?me={identity()}"


def adopt_pasted_code() -> None:
    """The identity code pasted into the sidebar becomes this session's (a bad one: a message)."""
    code = (st.session_state.get("me.paste") or "").strip()
    st.session_state["me.paste"] = ""
    if valid(code):
        switch_identity(code)
    elif code:
        st.session_state["me.bad_code"] = True
