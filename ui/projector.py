"""The class board for the projector: /class?view=projector&code=CODE, read-only.

    projector_link("K7PX3Q")   # ".../class?view=projector&code=K7PX3Q" (the teacher's button)
    projecting("class")        # is this script run the projector view? (app.py, the sidebar)
    projector_view(join_link, board_state, 3)   # the page's own helpers, passed in

The view shows what the room needs, sized for the back row: the counts ("24
students · 31 runs · 3 broke down"), the board's chart with a fixed accuracy
axis and big type (lib.charts.projector) first, and beside it the join code
large and a QR code of the join link (lib.qr). It refreshes like the board (a
fragment every REFRESH_S seconds, redrawn only when the class's board_mark
changed).

It holds no teacher secret, whatever the session holds or has switched on: the
parameter is ?code= (not ?class=, which would ask to join), the view reads only
the class code from the address, never draws the teacher's header or controls,
and a ?teach= secret in its address is dropped, not adopted. app.py leaves the
sidebar's personal-link panel out here too. Anyone with the class code may open
it; names the teacher hid stay hidden (the store hides them).
"""

from __future__ import annotations

from html import escape

import streamlit as st

from lib.charts.projector import projector_chart, projector_table
from lib.pages import page_path
from lib.projector import class_counts, counts_line
from lib.qr import qr_img
from lib.store import ClassError
from lib.store.values import class_code
from ui import a11y, context, identity, lang

VIEW, PARAM = "projector", "code"  # /class?view=projector&code=CODE
PAGE = "class_board"
QR_PX = 240
STYLE = """<style>
[data-testid="stMainBlockContainer"] { padding-top: 3.5rem; padding-bottom: 2rem; }
.sx-proj-head { display: flex; flex-wrap: wrap; align-items: baseline; gap: 0 1.5rem; }
.sx-proj-head h1 { font-size: 28px; line-height: 1.2; margin: 0; padding: 0; }
.sx-proj-counts { font-size: 30px; font-weight: 700; line-height: 1.2; margin: 0; }
.sx-proj-join p { margin: 0; }
.sx-proj-label { font-size: 24px; }
.sx-proj-code { font-family: ui-monospace, monospace; font-weight: 800; line-height: 1.15;
  font-size: clamp(40px, 4.4vw, 110px); letter-spacing: 0.06em; }
.sx-proj-join img { display: block; width: min(100%, clamp(200px, 30vh, 420px)); height: auto;
  margin: 0.5rem 0; }
.sx-proj-link { font-size: 18px; overflow-wrap: anywhere; }
</style>"""


def wanted() -> bool:
    """Does the address ask for the projector view (?view=projector)?"""
    return st.query_params.get("view") == VIEW


def projecting(url_path: str) -> bool:
    """Is the page at `url_path` showing the projector view in this script run?"""
    return url_path == page_path(PAGE) and wanted()


def projector_link(code: str) -> str:
    """The projector view of class `code`, at the address the teacher's page is seen at."""
    page = page_path(PAGE)
    return f"{context.app_url(page)}{page}?view={VIEW}&{PARAM}={code}"


def open_button(code: str) -> None:
    """The teacher's board: a button that opens the projector view in a new tab."""
    st.link_button(
        lang.tr("projector.open"),
        projector_link(code),
        icon=":material/present_to_all:",
        help=lang.tr("projector.open_help"),
    )


def _code() -> str | None:
    """The class code of ?code=, or None after saying (under the page's title) what is
    wrong with it."""
    raw = st.query_params.get(PARAM)
    try:
        if raw is not None and raw.strip():
            return class_code(raw)
    except ClassError as err:
        st.title(lang.tr("class_board.title"))
        st.error(lang.tr(f"class.join.{err.reason}"))
        context.show_plain(raw)
        return None
    st.title(lang.tr("class_board.title"))
    st.info(lang.tr("projector.no_code"))
    return None


def join_panel(code: str, link: str) -> None:
    """The join code large, a QR code of the join link, the link as text."""
    qr = qr_img(link, lang.tr("projector.qr", link=link), QR_PX)
    st.html(
        '<div class="sx-proj-join">'
        f'<p class="sx-proj-label">{escape(lang.tr("projector.code"))}</p>'
        f'<p class="sx-proj-code">{escape(code)}</p>'
        f"{qr}"
        f'<p class="sx-proj-link">{escape(lang.tr("projector.scan"))}<br>{escape(link)}</p>'
        "</div>"
    )


def gone() -> None:
    """No such class (or the database is not answering), under the page's title."""
    st.title(lang.tr("class_board.title"))
    down = not context.store().available
    st.warning(lang.tr("class_board.down" if down else "class.join.unknown"))


@st.cache_resource(max_entries=16, show_spinner=False)
def chart_spec(mark: tuple, language: str, _frame) -> dict:
    """The projector's chart of a class state (board_mark) in a language, made once."""
    return a11y.spec(projector_chart(_frame, language))


def live(code: str, state_of) -> None:
    """The counts and the chart of class `code` (the part that refreshes)."""
    mark = context.store().board_mark(code)
    state = state_of(mark, lang.lang()) if mark is not None else None
    if state is None:  # deleted while on the screen
        gone()
        return
    counts = class_counts(state.info.students, state.frame)
    st.html(
        '<div class="sx-proj-head">'
        f"<h1>{escape(lang.tr('projector.title', code=code))}</h1>"
        f'<p class="sx-proj-counts">{escape(counts_line(counts, lang.lang()))}</p>'
        "</div>"
    )
    if state.info.closed:
        st.caption(lang.tr("class.join.closed"))
    if state.frame.empty:
        st.caption(lang.tr("projector.empty"))
    a11y.chart(
        chart_spec(mark, lang.lang(), state.frame),
        state.summary,
        projector_table(state.frame, lang.lang()),
        title=lang.tr("projector.table"),
        key="projector.chart",
    )


def projector_view(join_link, state_of, refresh_s: int) -> None:
    """The whole view. join_link(code) -> the students' link; state_of(mark, lang) -> the
    board's state (lessons/class_board.py: BoardState, or None for no such class)."""
    identity.take_url_secret("teach")  # never adopted here: the projector is no teacher
    st.set_page_config(initial_sidebar_state="collapsed")  # the room sees the board only
    st.html(STYLE)
    code = _code()
    if code is None:
        return
    if context.store().board_mark(code) is None:  # no join code or QR for no class
        gone()
        return
    board, side = st.columns([3, 1], gap="medium")
    with side:
        join_panel(code, join_link(code))
    with board:
        st.fragment(run_every=refresh_s)(live)(code, state_of)
        st.caption(lang.tr("class_board.refresh", seconds=refresh_s))
