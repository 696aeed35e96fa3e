"""A QR code as inline SVG, named for a screen reader: the projector's join link.

    qr_svg("https://host/?class=K7PX3Q", "QR code of the join link https://...")
    qr_img("https://host/?class=K7PX3Q", "QR code of ...")  # the same SVG as an <img>
    modules("https://host/?class=K7PX3Q")   # the dark modules, rows of 0/1, quiet zone included

segno (a maintained pure-Python encoder) makes the code; this module only draws
it: one <path> of black rectangles on a white square (a QR code needs a light
background, also on a dark theme), with role="img", an aria-label and a <title>
carrying `name`. qr_img wraps that SVG in an <img> (a data: URL) whose alt is
`name`: Streamlit's st.html keeps HTML but strips inline <svg>. Plain Python: no
Streamlit.
"""

from __future__ import annotations

import base64
from html import escape

import segno

BORDER = 4  # the quiet zone, in modules (the standard asks for 4)
ERROR = "m"  # error correction level; segno raises it when that costs no size


def modules(text: str, border: int = BORDER) -> list[tuple[int, ...]]:
    """The code's modules, top row first, 1 = dark, with `border` light modules around."""
    if not text:
        raise ValueError("a QR code needs some text to encode")
    code = segno.make(text, error=ERROR, micro=False)
    return [tuple(int(bool(m)) for m in row) for row in code.matrix_iter(border=border)]


def _row_path(y: int, row: tuple[int, ...]) -> str:
    """The dark runs of one row as rectangles one module high: 'M3 7h5v1h-5z'."""
    parts, x = [], 0
    while x < len(row):
        if row[x]:
            start = x
            while x < len(row) and row[x]:
                x += 1
            parts.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
        else:
            x += 1
    return "".join(parts)


def qr_svg(text: str, name: str, size_px: int = 240) -> str:
    """An <svg> of the QR code of `text`, `size_px` wide and high, whose accessible name
    is `name` (escaped: it may hold any text)."""
    rows = modules(text)
    n = len(rows)
    path = "".join(_row_path(y, row) for y, row in enumerate(rows))
    label = escape(name, quote=True)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{label}" '
        f'width="{size_px}" height="{size_px}" viewBox="0 0 {n} {n}" '
        f'shape-rendering="crispEdges">'
        f"<title>{label}</title>"
        f'<rect width="{n}" height="{n}" fill="#ffffff"/>'
        f'<path fill="#000000" d="{path}"/>'
        "</svg>"
    )


def qr_img(text: str, name: str, size_px: int = 240) -> str:
    """An <img> of qr_svg(text, name, size_px), its alt text `name` (escaped)."""
    svg = qr_svg(text, name, size_px).encode()
    data = base64.b64encode(svg).decode("ascii")
    label = escape(name, quote=True)
    return (
        f'<img src="data:image/svg+xml;base64,{data}" alt="{label}" '
        f'width="{size_px}" height="{size_px}">'
    )
