"""A class poll's questions, and the class's own runs that answer them.

    q = BUILTINS["lr1_naive"]                   # a built-in question tied to the lesson
    q.options, q.right                          # option keys; the right one
    typed_question("Best lr?", "0.1\\n1\\n10")   # (question, [options]) or PollError
    rows = answering_runs(q, board_runs)        # the class's lr-1 naive runs and their fate
    poll_rows(view, "zh")                       # the distribution, one row per option

A built-in question's text, options and the reason each wrong option is wrong
are in lib/i18n/poll.py (keys poll.q.<key>.text, .opt.<option>, .why.<option>).
Its RunFilter picks the class's runs whose settings answer it; `shows` says
which figure of those runs answers it: their fate (broke down in epoch N, or
the final test accuracy) or their loss before training (epoch 0).

The facts the questions rely on are checked against PyTorch and the data in
tests/test_poll.py: at lr 1, seed 0, the naive softmax breaks down in epoch 1
(docs/benchmarks.md, lesson step 6) and the stable one trains; a model that
answers class 0 ("T-shirt/top") for every test image is right for 1,000 of
10,000 (and NaN weights do exactly that: argmax of a NaN row is 0); with W = 0
every class gets probability 1/10, so the loss starts at -log(1/10) = 2.303.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from lib.i18n import t
from lib.store.polls import (
    OPTION_MAX,
    OPTIONS_MAX,
    OPTIONS_MIN,
    QUESTION_MAX,
    TYPED,
    PollError,
    check_question,
)
from lib.store.values import clean_text

FATE, START_LOSS = "fate", "start_loss"  # which figure of a run answers a question
# what can be wrong with a typed question: PollError.detail, a key poll.typed.<problem>
TYPED_PROBLEMS = (
    "empty_question",
    "question_too_long",
    "too_few",
    "too_many",
    "option_too_long",
    "repeated",
)


@dataclass(frozen=True)
class RunFilter:
    """Which stored runs answer a question, by their settings (TrainConfig.to_dict)."""

    lr: float | None = None  # None: any learning rate
    softmax: tuple[str, ...] = ()  # empty: any softmax
    broke_down: bool | None = None  # None: either

    def matches(self, settings: dict, status: str) -> bool:
        lr = settings.get("lr")
        if self.lr is not None and not (
            isinstance(lr, (int, float)) and math.isclose(lr, self.lr, rel_tol=1e-9)
        ):
            return False
        if self.softmax and settings.get("softmax") not in self.softmax:
            return False
        return self.broke_down is None or (status == "breakdown") == self.broke_down


@dataclass(frozen=True)
class Builtin:
    """A question tied to the lesson: its option keys, the right one, its runs."""

    key: str
    options: tuple[str, ...]
    right: str
    runs: RunFilter
    shows: str = FATE

    def text(self, lang: str) -> str:
        return t(f"poll.q.{self.key}.text", lang)

    def option(self, option: str, lang: str) -> str:
        return t(f"poll.q.{self.key}.opt.{option}", lang)

    def why(self, option: str, lang: str) -> str:
        """Why `option` is wrong (for the right one: why it is right)."""
        return t(f"poll.q.{self.key}.why.{option}", lang)


BUILTINS = {
    q.key: q
    for q in (
        Builtin(
            "lr1_naive",
            ("breaks", "trains", "slow", "later"),
            "breaks",
            RunFilter(lr=1.0, softmax=("naive",)),
        ),
        Builtin(
            "lr1_which",
            ("naive", "stable", "both", "neither"),
            "stable",
            RunFilter(lr=1.0),
        ),
        Builtin(
            "tshirt",
            ("zero", "tenth", "half", "trained"),
            "tenth",
            RunFilter(broke_down=True),
        ),
        Builtin(
            "start_loss",
            ("zero", "tenth", "ln10", "ten"),
            "ln10",
            RunFilter(),
            shows=START_LOSS,
        ),
    )
}


# ---- a typed question ------------------------------------------------------------------


def typed_question(question: str, options_text: str) -> tuple[str, list[str]]:
    """A teacher's own question and its options (one per line), as plain text.

    PollError("bad_question", detail) where detail is one of TYPED_PROBLEMS, a
    message key of lib/i18n/poll.py (poll.typed.<detail>) saying what to fix.
    """
    text = clean_text(question, QUESTION_MAX + 1)
    lines = [clean_text(line, OPTION_MAX + 1) for line in str(options_text or "").splitlines()]
    options = [line for line in lines if line]
    problem = (
        "empty_question"
        if not text
        else "question_too_long"
        if len(text) > QUESTION_MAX
        else "too_few"
        if len(options) < OPTIONS_MIN
        else "too_many"
        if len(options) > OPTIONS_MAX
        else "option_too_long"
        if any(len(o) > OPTION_MAX for o in options)
        else "repeated"
        if len(set(options)) != len(options)
        else None
    )
    if problem:
        raise PollError("bad_question", problem)
    _, text, options = check_question(TYPED, text, options)  # the store's own check
    return text, options


# ---- what a poll shows -------------------------------------------------------------------


def question_text(kind: str, question: str, lang: str) -> str:
    """The question in `lang` (a typed one as typed)."""
    return BUILTINS[kind].text(lang) if kind in BUILTINS else question


def option_texts(kind: str, options, lang: str) -> list[str]:
    """The options as shown, lettered: "A. …", "B. …"."""
    q = BUILTINS.get(kind)
    texts = [q.option(o, lang) if q else o for o in options]
    return [f"{letter(k)}. {text}" for k, text in enumerate(texts)]


def letter(k: int) -> str:
    return "ABCDEFGH"[k]


def right_index(kind: str, options) -> int | None:
    """Which option is right (None for a typed question: the teacher knows)."""
    q = BUILTINS.get(kind)
    return list(options).index(q.right) if q and q.right in options else None


def poll_rows(view, lang: str) -> list[dict]:
    """The distribution after the reveal: one row per option (option, answers, share, right)."""
    total = sum(view.counts)
    right = right_index(view.kind, view.options)
    return [
        {
            "option": text,
            "answers": n,
            "share": n / total if total else 0.0,
            "right": k == right,
        }
        for k, (text, n) in enumerate(zip(option_texts(view.kind, view.options, lang), view.counts))
    ]


def describe_poll(view, lang: str) -> str:
    """The distribution in words (the chart's accessible name): every figure it draws."""
    rows = poll_rows(view, lang)
    parts = [
        t("poll.describe.option", lang, option=r["option"], n=r["answers"], pct=100 * r["share"])
        for r in rows
    ]
    right = next((r["option"] for r in rows if r["right"]), None)
    text = t("poll.describe", lang, n=sum(view.counts), parts="; ".join(parts))
    return text + (" " + t("poll.describe.right", lang, option=right) if right else "")


# ---- the class's runs that answer a question -------------------------------------------------


@dataclass(frozen=True)
class RunAnswer:
    """One of the class's runs and the figure that answers the question."""

    run_id: str
    student: str
    number: int
    lr: float
    softmax: str
    status: str
    epochs_run: int
    test_acc: float | None
    start_loss: float | None  # epoch 0's train loss (START_LOSS questions)

    def fate(self, lang: str) -> str:
        """What became of the run, in words: broke down in epoch N, or its accuracy."""
        acc = f"{self.test_acc:.4f}" if _finite(self.test_acc) else "–"
        if self.status == "breakdown":
            return t("poll.fate.breakdown", lang, epoch=self.epochs_run, acc=acc)
        if self.status == "running":
            return t("poll.fate.running", lang)
        return t(f"poll.fate.{self.status}", lang, epochs=self.epochs_run, acc=acc)


def _finite(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def answering_runs(q: Builtin, runs) -> list[RunAnswer]:
    """The class's runs (lib.store.BoardRun, oldest first) that answer `q`, newest first.

    A START_LOSS question reads each run's epoch 0 from its history (runs
    without one are left out)."""
    found = []
    for run in reversed(runs):
        if not q.runs.matches(run.settings, run.status):
            continue
        start = run.history[0].get("train_loss") if run.history else None
        if q.shows == START_LOSS and not _finite(start):
            continue
        found.append(
            RunAnswer(
                run.run_id,
                run.student,
                run.number,
                float(run.settings.get("lr", math.nan)),
                str(run.settings.get("softmax", "")),
                run.status,
                run.epochs_run,
                run.test_acc,
                start,
            )
        )
    return found


def runs_summary(q: Builtin, found: list[RunAnswer], lang: str) -> str:
    """A sentence or three about the runs found: how many, how many broke down, the range."""
    if not found:
        return t(f"poll.runs.none.{q.key}", lang)
    if q.shows == START_LOSS:
        losses = [r.start_loss for r in found]
        return t("poll.runs.start_loss", lang, n=len(found), low=min(losses), high=max(losses))
    broke = [r for r in found if r.status == "breakdown"]
    accs = [r.test_acc for r in found if r.status != "breakdown" and _finite(r.test_acc)]
    parts = [t("poll.runs.fate", lang, n=len(found), broke=len(broke))]
    if broke:
        epochs = sorted({r.epochs_run for r in broke})
        parts.append(t("poll.runs.broke_in", lang, epochs=", ".join(map(str, epochs))))
        broke_accs = [r.test_acc for r in broke if _finite(r.test_acc)]
        if q.key == "tshirt" and broke_accs:
            parts.append(t("poll.runs.broke_acc", lang, low=min(broke_accs), high=max(broke_accs)))
    if accs:
        parts.append(t("poll.runs.acc", lang, low=min(accs), high=max(accs)))
    return t("poll.runs.sep", lang).join(parts)
