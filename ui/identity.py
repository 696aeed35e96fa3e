"""Who is who: an identity per browser that the server issued and signed; personal links.

The identity is a random secret token (the store keeps its SHA-256). The
browser holds it in a cookie signed by the server (lib/signing.py), for the
identity's current personal-link version:

- a signed cookie is accepted when its link version is the current one;
- a cookie the server did not sign is accepted only when the store already
  holds work for its token and that student never made a new personal link
  (cookies from before signing, or signed under a key that changed with a
  restart); it is signed again at once;
- anything else gets a new identity, at most SOFTMAX_MAX_NEW_IDENTITIES per
  client address per 10 minutes.

A personal link (?me=, signed for the link version) does not switch identity by
itself: the page asks first (ui/panels.py) and says how many runs would move.
A new personal link raises the version: the old link, and every cookie signed
for it, stop working.

Secrets in the address (?me=, ?teach=) are taken out of the address bar and the
history by a few lines of the app's own JavaScript (page_script) as soon as the
page has them; the page also sets Referrer-Policy: no-referrer.
"""

from __future__ import annotations

import streamlit as st

from lib.limits import AddressLimit
from lib.signing import Signer, server_key, token_part
from lib.store import new_token
from ui import context, lang

COOKIE = "softmax_student"  # this browser's signed identity (see identity())
COOKIE_DAYS = 400  # browsers cap cookie lifetimes near 400 days
SECRET_PARAMS = ("me", "teach")  # URL parameters that carry a secret
WINDOW_S = 600  # the per-address caps count the last 10 minutes
LOCAL_PEERS = ("127.0.0.1", "::1", None)  # a proxy on this machine (st.context says None)


# ---- the server's pieces: the signer and the per-address caps --------------------------


@st.cache_resource(show_spinner=False)
def _signer(key: bytes) -> Signer:
    return Signer(key)


def signer() -> Signer:
    return _signer(server_key(context.settings()))


@st.cache_resource(show_spinner=False)
def _limit(kind: str, limit: int) -> AddressLimit:
    return AddressLimit(limit, WINDOW_S)


def client_address() -> str | None:
    """The student's address: the connection's, or behind a proxy on this machine the
    X-Real-IP (else the last X-Forwarded-For hop) it sets; None in tests and locally."""
    try:
        peer = st.context.ip_address
        headers = st.context.headers or {}
    except Exception:  # no browser session behind this script run
        return None
    if peer not in LOCAL_PEERS:
        return peer  # headers from a remote peer could be forged: not read
    forwarded = (headers.get("X-Forwarded-For") or "").split(",")[-1].strip()
    return (headers.get("X-Real-IP") or "").strip() or forwarded or None


def allowed(kind: str) -> bool:
    """One more `kind` ("identity" or "join") for this client address, within its cap."""
    address = client_address()
    if address is None:
        return True
    settings = context.settings()
    limit = settings.max_new_identities if kind == "identity" else settings.max_joins
    return _limit(kind, limit).allow(address)


# ---- secrets in the URL ---------------------------------------------------------------


def take_url_secret(name: str) -> str | None:
    """A secret URL parameter's value, once per session (None when absent or taken).

    The browser drops it from the address bar and the history at once
    (page_script's history.replaceState). The server deletes its own copy on
    the next run only: deleting it now would make Streamlit push the clean
    address as a new history entry, leaving the secret one behind it.
    """
    raw = st.query_params.get(name)
    taken = st.session_state.setdefault("url.secrets", {})
    if raw is None:
        return None
    if taken.get(name) == raw:
        del st.query_params[name]  # the address bar is clean by now: no new entry
        return None
    taken[name] = raw
    return raw


# ---- this browser's identity ---------------------------------------------------------------


def identity() -> str:
    """This browser's secret identity: its accepted cookie's, else a new one (see above)."""
    token = st.session_state.get("identity")
    if token is None:
        cookie = st.context.cookies.get(COOKIE) if st.context.cookies else None
        accepted = accept_cookie(cookie)
        if accepted is None:
            if not allowed("identity"):
                st.error(lang.tr("me.too_many_new"))
                st.stop()
            accepted = (new_token(), 0)
        token, st.session_state["identity.version"] = accepted
        st.session_state["identity"] = token
    offer_from_link(token)
    return token


def accept_cookie(cookie) -> tuple[str, int] | None:
    """(token, link version) when this cookie may stand for its identity; else None."""
    store = context.store()
    signed = signer().read("cookie", cookie)
    if signed is not None:
        current = store.link_version(signed[0])  # None: the database is down
        if current is None or current == signed[1]:
            return signed
        return None  # signed for a link that was replaced
    token = token_part(cookie)
    if token is not None and store.link_version(token) == 0 and store.knows(token):
        return token, 0  # unsigned (or an old key's), with work stored: signed again now
    return None


def version() -> int:
    return st.session_state.get("identity.version", 0)


def switch_identity(token: str, link_version: int = 0) -> None:
    """Become the student `token` (a personal link or code): their runs and progress."""
    for key in ("runs", "lesson.progress"):
        st.session_state.pop(key, None)  # loaded again for the new identity
    st.session_state["identity"] = token
    st.session_state["identity.version"] = link_version
    st.session_state["identity.adopted"] = True


def read_link(value) -> tuple[str, int] | None:
    """(token, version) of a personal link's code that is current; None otherwise.
    While the database is down a well-signed code is taken (its version unchecked)."""
    signed = signer().read("link", value)
    if signed is None:
        return None
    current = context.store().link_version(signed[0])
    return signed if current is None or current == signed[1] else None


def offer_from_link(token: str) -> None:
    """?me=CODE: keep it as an offer that the page asks about (panels.link_offer)."""
    raw = take_url_secret("me")
    if raw is None:
        return
    linked = read_link(raw)
    if linked is None:
        st.session_state["me.bad_link"] = True
    elif linked[0] != token:
        st.session_state["identity.offer"] = linked


def accept_offer() -> None:
    """The student said yes: this browser becomes the link's identity."""
    offer = st.session_state.pop("identity.offer", None)
    if offer is not None:
        switch_identity(*offer)


def decline_offer() -> None:
    st.session_state.pop("identity.offer", None)


def renew_link() -> None:
    """A new personal link: the old one, and browsers that came in through it, stop working."""
    token = identity()
    st.session_state["identity.version"] = context.store().new_link_version(token)


def cookie_value() -> str:
    return signer().sign("cookie", identity(), version())


def page_script() -> None:
    """The page's own JavaScript, on every run that needs it (app.py, every run):
    Referrer-Policy no-referrer (first run), secrets out of the address bar and the
    history, and the identity cookie when the browser's is not this session's."""
    value = cookie_value()
    cookie_ok = (st.context.cookies.get(COOKIE) if st.context.cookies else None) == value
    secrets_in_url = any(name in st.query_params for name in SECRET_PARAMS)
    first = not st.session_state.get("page.script")
    if cookie_ok and not secrets_in_url and not first:
        return
    st.session_state["page.script"] = True
    cookie = (
        ""
        if cookie_ok
        else f"""document.cookie = "{COOKIE}={value}; Max-Age={COOKIE_DAYS * 86400}; "
        + "Path=/; SameSite=Lax" + (location.protocol === "https:" ? "; Secure" : "");"""
    )
    # The signed value is [A-Za-z0-9_.-] only (lib/signing.py), so it can sit in the script.
    st.html(
        f"""<script>
      if (!document.querySelector('meta[name="referrer"]')) {{
        const meta = document.createElement("meta");
        meta.name = "referrer"; meta.content = "no-referrer";
        document.head.prepend(meta);
      }}
      const url = new URL(location.href);
      const secret = {list(SECRET_PARAMS)!r}.filter((k) => url.searchParams.has(k));
      if (secret.length) {{
        secret.forEach((k) => url.searchParams.delete(k));
        history.replaceState(history.state, "", url.pathname + url.search + url.hash);
      }}
      {cookie}
    </script>""",
        unsafe_allow_javascript=True,
        width="content",
    )


write_identity_cookie = page_script  # the name app.py calls it by


def student_id() -> str:
    """Who holds a place in the training queue: the browser's identity (so one per student)."""
    return identity()


def personal_code() -> str:
    """This student's personal code: the identity signed for the current link version."""
    return signer().sign("link", identity(), version())


def personal_link(page: str) -> str:
    """The address that opens this student's runs in another browser (keep it private);
    `page` is the URL path of the page it is shown on."""
    return f"{context.app_url(page)}?me={personal_code()}"


def adopt_pasted_code() -> None:
    """The personal code (or link) pasted into the sidebar becomes this session's identity."""
    code = (st.session_state.get("me.paste") or "").strip()
    st.session_state["me.paste"] = ""
    if "me=" in code:  # the whole link was pasted
        code = code.split("me=", 1)[1].split("&", 1)[0]
    linked = read_link(code) if code else None
    if linked is not None:
        switch_identity(*linked)
    elif code:
        st.session_state["me.bad_code"] = True
