"""The app's pages, listed once, as plain data; and the app's address from a page's.

app.py builds the navigation from SECTIONS (lessons/__init__.py turns each spec
into an st.Page); the lesson's links, the tests (every page in both languages,
every page in the browser) walk PAGES. Each page is the file lessons/<name>.py,
titled by the string nav.<name> (lib/i18n), at URL path /<url> ("" for the
default page).

    page_path("class_board")                          # -> "class"
    app_url("https://host/softmax/class?x=1", "class") # -> "https://host/softmax/"
"""

from __future__ import annotations

from typing import NamedTuple
from urllib.parse import urlsplit


class PageSpec(NamedTuple):
    name: str  # lessons/<name>.py, title key nav.<name>
    icon: str  # a Material icon name
    url: str  # the URL path; "" is the default page

    @property
    def path(self) -> str:
        return f"lessons/{self.name}.py"


SECTIONS = {  # section title key -> its pages, in menu order
    "nav.section.learn": (
        PageSpec("lesson", "school", "lesson"),
        PageSpec("minibatch", "grid_on", "minibatch"),
    ),
    "nav.section.train": (
        PageSpec("train", "show_chart", ""),
        PageSpec("class_board", "groups", "class"),
    ),
    "nav.section.math": (
        PageSpec("overflow", "local_fire_department", "overflow"),
        PageSpec("cross_entropy", "functions", "cross_entropy"),
    ),
    "nav.section.results": (
        PageSpec("per_class", "grid_view", "per_class"),
        PageSpec("gallery", "photo_library", "gallery"),
        PageSpec("your_image", "photo_camera", "your_image"),
    ),
    "nav.section.exercises": (
        PageSpec("decisions", "balance", "decisions"),
        PageSpec("many_classes", "library_books", "many_classes"),
    ),
}
PAGES = tuple(page for pages in SECTIONS.values() for page in pages)
DEFAULT_PAGE = next(page.name for page in PAGES if page.url == "")


def page_path(name: str) -> str:
    """The URL path of page `name` below the app's address ("" for the default page)."""
    return next(p.url for p in PAGES if p.name == name)


def app_url(page_url: str | None, page: str) -> str:
    """The app's address, ending in "/", from the address of its page at URL path `page`.

    The links the app hands out (personal, class join, teacher, lesson) start
    here, so they keep a proxy's path prefix:
    "http://host:8501/class?x=1", "class" -> "http://host:8501/";
    "https://school.edu/softmax/class", "class" -> "https://school.edu/softmax/";
    "https://school.edu/softmax/", "" (the default page) -> "https://school.edu/softmax/".
    "/" (the root of whatever host the link is opened on) when the address is unknown.
    """
    parts = urlsplit(page_url or "")
    if not parts.scheme or not parts.netloc:
        return "/"
    path = parts.path.rstrip("/")
    tail = f"/{page.strip('/')}" if page.strip("/") else ""
    if tail and path.endswith(tail):
        path = path[: -len(tail)]
    return f"{parts.scheme}://{parts.netloc}{path}/"
