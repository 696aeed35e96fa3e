"""The app's pages, listed once, as plain data; and the app's address from a page's.

app.py builds the navigation from SECTIONS (lessons/__init__.py turns each spec
into an st.Page); the lesson's links, the tests (every page in both languages,
every page in the browser) walk PAGES. Each page is the file lessons/<name>.py,
titled by the string nav.<name> (lib/i18n), at URL path /<url> ("" for the
default page).

    page_path("class_board")                          # -> "class"
    app_url("https://host/softmax/class?x=1", "class") # -> "https://host/softmax/"
    book_links("overflow", "zh")                      # the book's section and forum, as links

Each page names the section of the book (D2L, "Dive into Deep Learning") it
follows: the chapter itself, softmax-regression-scratch, or the nearest one.
The Chinese edition keeps the chapter in chapter_linear-networks, the English
edition (1.0) in chapter_linear-classification; the forum is the thread the
chapter's PyTorch version links at its end, one per edition.
"""

from __future__ import annotations

from typing import NamedTuple
from urllib.parse import urlsplit

CHAPTER = "softmax-regression-scratch"  # the chapter the app follows, in both editions
BOOK = {  # edition -> the address of one of its sections
    "zh": "https://zh.d2l.ai/chapter_linear-networks/{section}.html",
    "en": "https://d2l.ai/chapter_linear-classification/{section}.html",
}
FORUM = {  # edition -> the chapter's discussion thread (its PyTorch version's link)
    "zh": "https://discuss.d2l.ai/t/1789",
    "en": "https://discuss.d2l.ai/t/51",
}
SECTIONS_OF_THE_BOOK = (  # the sections a page may follow, in the book's order
    "softmax-regression",
    "image-classification-dataset",
    CHAPTER,
    "softmax-regression-concise",
)


class PageSpec(NamedTuple):
    name: str  # lessons/<name>.py, title key nav.<name>
    icon: str  # a Material icon name
    url: str  # the URL path; "" is the default page
    book: str = CHAPTER  # the section of the book the page follows

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
        PageSpec("overflow", "local_fire_department", "overflow", "softmax-regression-concise"),
        PageSpec("cross_entropy", "functions", "cross_entropy", "softmax-regression"),
    ),
    "nav.section.results": (
        PageSpec("per_class", "grid_view", "per_class"),
        PageSpec("gallery", "photo_library", "gallery"),
        PageSpec("your_image", "photo_camera", "your_image", "image-classification-dataset"),
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


def page_name(url_path: str | None) -> str:
    """The page at URL path `url_path` (the navigation's; "" is the default page)."""
    url_path = (url_path or "").strip("/")
    return next((p.name for p in PAGES if url_path in (p.url, p.name)), DEFAULT_PAGE)


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


class BookLink(NamedTuple):
    key: str  # the link's text, lib/i18n/book.py
    url: str


def book_links(name: str, lang: str) -> tuple[BookLink, ...]:
    """Page `name`'s section in the Chinese and the English edition, and the chapter's forum.

    The forum is the one of the edition in the reader's language.
    """
    section = next(p.book for p in PAGES if p.name == name)
    forum = FORUM.get(lang, FORUM["en"])
    return (
        BookLink("book.zh", BOOK["zh"].format(section=section)),
        BookLink("book.en", BOOK["en"].format(section=section)),
        BookLink("book.forum", forum),
    )
