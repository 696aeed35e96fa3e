"""The classes this browser teaches: their teacher secrets, kept across reloads and restarts.

A class's teacher secret is the key to its controls (the store keeps only its
SHA-256). The browser that started a class, or opened its teacher link, keeps
the secret in a first-party cookie, softmax_teacher: "CODE.SECRET" pairs joined
by "~", newest last, at most MAX_CLASSES. The page's own JavaScript writes it,
as it writes the identity cookie (ui/identity.py: Streamlit cannot set cookies),
and only on a script run where it changed.

A new session (a reload, a new tab, a restarted server) reads the cookie into
session_state[HELD], and verified() asks the store about each secret: one it no
longer accepts (the teacher made a new link, or deleted the class) is dropped,
and the cookie is written again without it. So a new teacher link (rotate)
locks out every other browser and every copy of the old link at once.

Not signed: the secret is itself the proof (192 random bits, checked against
the store's hash on every use); a MAC would add nothing to that check, and a
MAC under a key that changes with a restart (no SOFTMAX_SECRET) would lose the
teacher's classes. The secret never goes into a URL the app keeps (a teacher
link's ?teach= is taken out of the address bar at once: ui.identity.take_url_secret).
"""

from __future__ import annotations

import re

import streamlit as st

from lib.store.values import CODE_ALPHABET, CODE_LENGTH, TOKEN_RE
from ui import context

COOKIE = "softmax_teacher"
COOKIE_DAYS = 400  # as the identity cookie
MAX_CLASSES = 8  # classes kept per browser (the oldest goes first)
HELD = "class_board.teach"  # session_state: {class code: teacher secret}, newest last
WRITTEN = "teacher.cookie"  # session_state: the cookie value this session last wrote
PAIR = re.compile(rf"([{CODE_ALPHABET}]{{{CODE_LENGTH}}})\.({TOKEN_RE.pattern})")


def parse(value) -> dict[str, str]:
    """{code: secret} from a cookie value; pieces that are not a code and a token are
    skipped (a cookie is the browser's to change)."""
    if not isinstance(value, str):
        return {}
    held = {}
    for piece in value.split("~")[-MAX_CLASSES:]:
        match = PAIR.fullmatch(piece)
        if match:
            held.pop(match[1], None)
            held[match[1]] = match[2]
    return held


def cookie_text(held: dict[str, str]) -> str:
    return "~".join(f"{code}.{secret}" for code, secret in list(held.items())[-MAX_CLASSES:])


def request_cookie() -> str | None:
    """The teacher cookie the browser sent when this session connected."""
    cookies = st.context.cookies
    return cookies.get(COOKIE) if cookies else None


def held() -> dict[str, str]:
    """This session's {code: secret}, filled from the cookie on its first run."""
    if HELD not in st.session_state:
        st.session_state[HELD] = parse(request_cookie())
    return st.session_state[HELD]


def keep(code: str, secret: str) -> None:
    """This browser teaches `code` (its newest class); the cookie follows on this run."""
    classes = held()
    classes.pop(code, None)
    classes[code] = secret
    while len(classes) > MAX_CLASSES:
        del classes[next(iter(classes))]


def forget(code: str) -> None:
    held().pop(code, None)


def verified() -> dict[str, str]:
    """The classes this browser teaches: secrets the store rejects (a new teacher link, a
    deleted class) are dropped, unless the database is down (kept, checked later)."""
    classes = held()
    store = context.store()
    for code, secret in list(classes.items()):
        if not store.is_teacher(code, secret) and store.available:
            del classes[code]
    return classes


def write_cookie() -> None:
    """Bring the browser's cookie in line with this session's classes (a script only when
    it changed: the secrets are in it). Called at the end of the class board page."""
    value = cookie_text(held())
    if value == st.session_state.get(WRITTEN, request_cookie() or ""):
        return
    st.session_state[WRITTEN] = value
    life = COOKIE_DAYS * 86400 if value else 0  # no class left: the cookie goes
    # codes and tokens are [A-Za-z0-9_-] only (PAIR), so the value can sit in the script
    st.html(
        f"""<script>
      document.cookie = "{COOKIE}={value}; Max-Age={life}; Path=/; SameSite=Strict"
        + (location.protocol === "https:" ? "; Secure" : "");
    </script>""",
        unsafe_allow_javascript=True,
        width="content",
    )
