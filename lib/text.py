"""User text made safe to show: one line, visible characters, a length cap.

Values from a URL, typed names and file names are shown as plain text
(st.text, st.code, dataframe cells), never as markdown or HTML. `plain`
also makes invisible characters visible (a right-to-left override or a
zero-width space becomes a \\u escape) and cuts long values, so what a
student sees is what was sent.

    plain("0.1`[x](https://e.invalid)", limit=12)   # -> "0.1`[x](http…"
    plain("\\u202e9")                               # -> "\\\\u202e9"
"""

from __future__ import annotations

import unicodedata

ELLIPSIS = "…"


def plain(value, limit: int = 40) -> str:
    """`value` as one visible line of at most `limit` characters (plus an ellipsis)."""
    text = "".join(_visible(ch) for ch in str(value))
    return text if len(text) <= limit else text[:limit] + ELLIPSIS


def _visible(ch: str) -> str:
    # Cc: control characters (newlines, escapes); Cf: format characters (bidi
    # overrides, zero-width spaces); Zl/Zp: line and paragraph separators.
    if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp"):
        return f"\\u{ord(ch):04x}"
    return ch
