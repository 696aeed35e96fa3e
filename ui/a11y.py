"""What every student needs to use a page: charts named by their figures, with their
data one click away; the page's own title and language; polite announcements.

The texts come from lib/describe.py; this module is only how Streamlit shows them.
docs/accessibility.md says what is checked and how (tests/e2e/test_accessibility.py).
"""

from __future__ import annotations

import json
import threading

import streamlit as st

from lib.i18n import t
from ui import lang

# Every session's thread turns its charts into Vega-Lite specs, at the same time, and
# Altair's theme and data transformer are process-wide. st.altair_chart switches both
# for each chart it draws (under a lock of its own); a page's own to_dict() that ran
# meanwhile got Streamlit's transformer with another session's options (a TypeError in
# the load test; it could as well have put one student's data into another's chart).
# So every conversion in this process, Streamlit's and ours, takes this lock: spec().
ALTAIR_GLOBALS = threading.Lock()

HTML_LANG = {"en": "en", "zh": "zh-CN"}
# Streamlit's code colours (a fixed palette, not the theme's; st.code and code in markdown)
# read 2.2-3.9:1 on the light code box. Each is mixed with the theme's text colour: the hue
# stays and the contrast passes 4.5:1 in light and in dark (the mix follows the text colour).
CODE_COLOURS = (
    ("comment, .prolog, .doctype, .cdata, .punctuation", "#808495"),
    ("attr-name, .property, .variable", "#0068c9"),
    ("boolean, .constant, .symbol, .inserted", "#21c354"),
    ("number, .regex", "#29b09d"),
    ("string, .char, .attr-value", "#09ab3b"),
    ("operator, .entity, .decorator, .atrule", "#ed6f13"),
    ("url", "#803df5"),
    ("keyword, .tag, .function, .class-name, .selector", "#1c83e1"),
    ("important, .deleted", "#ff2b2b"),
)
A11Y_CSS = (
    "<style>\n"
    + "".join(
        f"code :is(.{tokens}) "  # !important: Streamlit's own rule is more specific
        f"{{ color: color-mix(in srgb, currentColor 45%, {colour}) !important; }}\n"
        for tokens, colour in CODE_COLOURS
    )
    # a focus ring on whatever the keyboard reaches, 3:1 on white and on black
    + ":focus-visible { outline: 3px solid #c2410c !important; outline-offset: 2px; }\n"
    + "</style>"
)
# No page wider than a phone (375 px): what cannot shrink to its column (a chart of fixed
# cells or facets, a formula, a wide table in text) scrolls sideways inside its own box,
# so the page itself never does. Charts drawn at the container's width are not affected.
SCROLLERS = (
    '[data-testid="stVegaLiteChart"], .katex-display, [data-testid="stMarkdownContainer"] table'
)
NARROW_CSS = (
    "<style>\n"
    f"{SCROLLERS} {{ max-width: 100%; overflow-x: auto; overflow-y: hidden; }}\n"
    '[data-testid="stMarkdownContainer"] table { display: block; }\n'
    '[data-testid="stImage"] img { max-width: 100%; height: auto; }\n'
    # a page link's label wraps (Streamlit cuts it to one line, "去训练一次：…出现在" at 375 px)
    '[data-testid="stPageLink-NavLink"] span, [data-testid="stPageLink-NavLink"] p'
    " { white-space: normal !important; overflow: visible !important;"
    " text-overflow: clip !important; }\n"
    "</style>"
)
LIVE_REGION = "sx-live"  # the polite live region announcements are written into


def _script(body: str, where) -> None:
    where.html(f"<script>{body}</script>", unsafe_allow_javascript=True, width="content")


def _js(text: str) -> str:
    """A string as a JavaScript literal that is safe inside <script>."""
    return json.dumps(text).replace("</", "<\\/")


def page_frame(title: str) -> None:
    """Once per script run (app.py): the document's title and language, the contrast and
    focus styles, and the live region that announcements are written into.

    Streamlit renders <html lang="en"> and one title for every page; a screen reader
    then reads Chinese with an English voice and cannot tell the tabs apart.
    """
    st.set_page_config(page_title=f"{title} · {lang.tr('app.title')}")
    st.html(A11Y_CSS + NARROW_CSS)  # style only: Streamlit puts it where it takes no room
    _script(
        f"""document.documentElement.lang = {_js(HTML_LANG[lang.lang()])};
        if (!document.getElementById("{LIVE_REGION}")) {{
          const r = document.createElement("div");
          r.id = "{LIVE_REGION}";
          r.setAttribute("role", "status");
          r.setAttribute("aria-live", "polite");
          r.style.cssText = "position:absolute;width:1px;height:1px;overflow:hidden;"
            + "clip:rect(0 0 0 0);clip-path:inset(50%);white-space:nowrap";
          document.body.appendChild(r);
        }}
        // A box that scrolls sideways (NARROW_CSS) must take the keyboard's focus, so
        // that arrow keys scroll it (WCAG 2.1.1; axe: scrollable-region-focusable).
        if (!window.sxScrollers) {{
          window.sxScrollers = true;
          const mark = () => document.querySelectorAll({_js(SCROLLERS)}).forEach((el) => {{
            if (el.scrollWidth > el.clientWidth + 1 && !el.hasAttribute("tabindex")) {{
              el.setAttribute("tabindex", "0");
            }}
          }});
          new MutationObserver(mark).observe(document.body, {{childList: true, subtree: true}});
          window.addEventListener("resize", mark);
          mark();
        }}""",
        st.sidebar,
    )


def announce(text: str, box) -> None:
    """Say `text` politely to a screen reader (the live region of page_frame), once.

    `box`: an st.empty() the script goes into (in the sidebar, where it takes no room);
    a new text replaces the last one, so a screen reader reads the latest.
    """
    _script(
        f"""{{  // a block: each script shares the page's global scope
          const r = document.getElementById("{LIVE_REGION}");
          if (r) r.textContent = {_js(text)};
        }}""",
        box,
    )


def spec(figure, validate: bool = True) -> dict:
    """An Altair chart's Vega-Lite spec, made while no other session switches Altair's
    globals (ALTAIR_GLOBALS); validate=False skips the schema check (a hot path whose
    chart a test validates)."""
    with ALTAIR_GLOBALS:
        return figure.to_dict(validate=validate)


def chart(figure, summary: str, table=None, *, title: str = "", key=None, width="stretch"):
    """Draw a chart named by `summary` (lib.describe), with its data one click away.

    `figure`: an Altair chart, or a Vega-Lite spec (a dict, e.g. cached). The summary
    becomes the chart's accessible name (Vega also names its axes then); `table`, a
    DataFrame of what the chart draws, is shown in an expander below it.
    """
    if isinstance(figure, dict):
        st.vega_lite_chart(figure, alt=summary, key=key, width=width)
    else:
        with ALTAIR_GLOBALS:
            st.altair_chart(figure, alt=summary, key=key, width=width)
    if table is not None:
        with st.expander(lang.tr("a11y.data"), icon=":material/table:"):
            st.dataframe(
                table,
                hide_index=True,
                alt=t("describe.table", lang.lang(), title=title or summary, rows=len(table)),
            )
