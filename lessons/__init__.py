"""The app's pages, listed once.

app.py builds the navigation from SECTIONS; the tests (every page in both
languages, every page in the browser) walk PAGES. Each page is the file
lessons/<name>.py, titled by the string nav.<name> (lib/i18n), at URL path
/<url> ("" for the default page). This module imports no Streamlit.
"""

from typing import NamedTuple


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
