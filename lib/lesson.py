"""The guided lesson: the chapter's steps and its five exercises as predict, run, reveal.

Each Step names the page that answers it, the settings its link opens that page
with, the keys of its strings (lib/i18n/lesson.py) and which option is right.
Every answer was checked against what the app computes (tests/test_lesson.py
runs the linked settings through the real trainer and functions).

    from lib.lesson import STEPS, link_url
    link_url(STEPS[5], "zh")
    # '/?lr=1&epochs=3&batch=256&seed=0&softmax=naive&framework=scratch&lang=zh'

Progress is a dict: step id -> {"predicted": option key or None, "revealed": bool}.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from lib.config import TrainConfig
from lib.pages import page_path
from lib.settings import to_query


@dataclass(frozen=True)
class Step:
    """One question of the lesson; its strings are lesson.<id>.title / .question / .answer
    and lesson.<id>.option.<option>."""

    id: str
    page: str  # lessons/<page>.py answers it
    options: tuple[str, ...]  # what the student can predict
    right: str  # the right one of them
    train: dict | None = None  # Train page: TrainConfig overrides for the link
    query: dict = field(default_factory=dict)  # another page: its query (none reads one yet)
    demo: str | None = None  # something the lesson page runs inside the step ("lr_sweep")
    run: dict | None = None  # a result page: the run it uses (TrainConfig overrides)

    @property
    def title(self) -> str:
        return f"lesson.{self.id}.title"

    @property
    def question(self) -> str:
        return f"lesson.{self.id}.question"

    @property
    def answer(self) -> str:
        return f"lesson.{self.id}.answer"

    def option(self, name: str) -> str:
        """The string key of one option."""
        return f"lesson.{self.id}.option.{name}"

    def config(self) -> TrainConfig | None:
        """The Train page settings the link opens with, or the settings of the run a result
        page is opened on (None when the step names no run)."""
        overrides = self.train if self.train is not None else self.run
        return None if overrides is None else TrainConfig(**overrides)


STEPS = (  # in the chapter's order: softmax, loss, accuracy, training, then exercises 1-5
    # (after exercise 3, the lr sweep: what a large lr does to each loss)
    Step("keepdim", "minibatch", ("row", "column", "flat"), "row"),
    Step("pick", "minibatch", ("p01", "p05", "p06"), "p05"),
    Step("random", "minibatch", ("zero", "tenth", "half"), "tenth"),
    Step("train", "train", ("low", "mid", "high", "perfect"), "high", train={"num_epochs": 10}),
    Step("exp50", "overflow", ("inf", "finite", "nan"), "finite", query={"x": "50"}),
    Step(
        "lr1",
        "train",
        ("exp", "log", "nothing"),
        "log",
        train={"lr": 1.0, "num_epochs": 3, "softmax": "naive"},
    ),
    Step(
        "stable",
        "train",
        ("breaks", "trains", "later"),
        "trains",
        train={"lr": 1.0, "num_epochs": 3, "softmax": "stable"},
    ),
    Step(
        "sweep",
        "train",
        ("nan", "learns", "saturates"),
        "saturates",
        train={"lr": 100.0, "num_epochs": 3, "softmax": "stable"},
        demo="lr_sweep",
    ),
    Step(  # the run of step 4 (the book's settings), with the preset the question names
        "decide",
        "decisions",
        ("same", "cheaper", "dearer"),
        "cheaper",
        query={"preset": "medical"},
        run={"num_epochs": 10},
    ),
    Step("vocab", "many_classes", ("constant", "linear", "square"), "linear"),
)
BY_ID = {step.id: step for step in STEPS}


def url_path(page: str) -> str:
    """The URL path of a page: "/" for the default page, else "/<url>"."""
    return "/" + page_path(page)


def link_query(step: Step, lang: str) -> dict[str, str]:
    """The query the step's link carries: the run's settings (the Train page's, or those of
    the run a result page uses), what the page opens with, and the language."""
    cfg = step.config()
    return {**(to_query(cfg) if cfg else {}), **step.query, "lang": lang}


def link_url(step: Step, lang: str, base: str = "") -> str:
    """The step's link as a URL, relative unless `base` (lib.pages.app_url) is given."""
    return f"{base.rstrip('/')}{url_path(step.page)}?{urlencode(link_query(step, lang))}"


def record(
    progress: dict, step_id: str, predicted: str | None = None, revealed: bool | None = None
) -> dict:
    """A new progress dict with one step's prediction and/or reveal changed."""
    entry = dict(progress.get(step_id, {"predicted": None, "revealed": False}))
    if predicted is not None:
        entry["predicted"] = predicted
    if revealed is not None:
        entry["revealed"] = revealed
    return {**progress, step_id: entry}


def done(progress: dict) -> int:
    """How many steps have their answer revealed."""
    return sum(1 for step in STEPS if progress.get(step.id, {}).get("revealed"))


def verdict(step: Step, progress: dict) -> str:
    """ "right", "wrong" or "none" (no prediction made) for a revealed step."""
    predicted = progress.get(step.id, {}).get("predicted")
    return "none" if predicted is None else "right" if predicted == step.right else "wrong"
