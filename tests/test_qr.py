"""The QR code as inline SVG (lib/qr.py): the modules segno makes, drawn exactly, named."""

import base64
import re
import xml.etree.ElementTree as ET

import pytest
import segno

from lib.qr import BORDER, ERROR, modules, qr_img, qr_svg

LINK = "https://class.example.org/softmax/?class=K7PX3Q"
SVG = "{http://www.w3.org/2000/svg}"


def drawn(svg: str) -> list[list[int]]:
    """The dark modules the SVG's path paints: each 'Mx yhWv1h-Wz' run, back into a grid."""
    root = ET.fromstring(svg)
    n = int(root.get("viewBox").split()[2])
    grid = [[0] * n for _ in range(n)]
    (path,) = root.iter(f"{SVG}path")
    runs = re.findall(r"M(\d+) (\d+)h(\d+)v1h-(\d+)z", path.get("d"))
    assert "".join(f"M{x} {y}h{w}v1h-{w2}z" for x, y, w, w2 in runs) == path.get("d")
    for x, y, w, w2 in runs:
        assert w == w2
        for col in range(int(x), int(x) + int(w)):
            assert grid[int(y)][col] == 0, "a module painted twice"
            grid[int(y)][col] = 1
    return grid


def test_the_svg_paints_exactly_segnos_modules_with_a_quiet_zone():
    expected = [
        [int(bool(m)) for m in row] for row in segno.make(LINK, error=ERROR).matrix_iter(border=4)
    ]
    grid = drawn(qr_svg(LINK, "name"))
    assert grid == expected
    assert [list(r) for r in modules(LINK)] == expected
    n = len(grid)
    quiet = [grid[i][j] for i in range(n) for j in range(n) if min(i, j, n - 1 - i, n - 1 - j) < 4]
    assert not any(quiet) and BORDER == 4


def test_three_finder_patterns_sit_in_the_corners():
    grid = drawn(qr_svg(LINK, "name"))
    n = len(grid) - 2 * BORDER
    finder = [
        [int(i in (0, 6) or j in (0, 6) or (2 <= i <= 4 and 2 <= j <= 4)) for j in range(7)]
        for i in range(7)
    ]
    for top, left in ((0, 0), (0, n - 7), (n - 7, 0)):
        square = [
            row[BORDER + left : BORDER + left + 7] for row in grid[BORDER + top : BORDER + top + 7]
        ]
        assert square == finder, (top, left)


def test_the_code_grows_with_the_text():
    short, long = modules("https://a.b/?class=K7PX3Q"), modules(LINK + "&x=" + "y" * 120)
    assert len(long) > len(short)


def test_the_svg_is_named_for_a_screen_reader_whatever_the_text():
    name = 'QR code of the join link https://h/?class=K7PX3Q&lang=zh "<b>x</b>"'
    root = ET.fromstring(qr_svg(LINK, name, 300))  # well-formed: the name was escaped
    assert root.get("role") == "img"
    assert root.get("aria-label") == name
    assert root.find(f"{SVG}title").text == name
    assert root.get("width") == root.get("height") == "300"
    rect = root.find(f"{SVG}rect")
    assert rect.get("fill") == "#ffffff"  # a light background, also on a dark theme
    assert rect.get("width") == root.get("viewBox").split()[2]


def test_the_img_carries_the_same_svg_and_the_name_as_its_alt():
    name = "QR code of the join link https://h/?class=K7PX3Q&a=1"
    tag = qr_img(LINK, name, 200)
    src = re.search(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', tag)
    assert base64.b64decode(src[1]).decode() == qr_svg(LINK, name, 200)
    alt = re.search(r'alt="([^"]*)"', tag)[1]
    assert alt == "QR code of the join link https://h/?class=K7PX3Q&amp;a=1"  # escaped


def test_no_text_is_refused():
    with pytest.raises(ValueError, match="some text"):
        qr_svg("", "name")
