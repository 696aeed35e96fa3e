"""A run as a Jupyter notebook (nbformat v4) a student can run, read and extend.

    from lib.notebook import notebook, write
    nb = notebook(TrainConfig(lr=1, num_epochs=3), solutions=False, lang="zh")
    write("run.ipynb", TrainConfig(num_epochs=1))   # the CLI's --notebook

The notebook loads Fashion-MNIST through FASHION_MNIST_ROOT, trains with the
run's settings using the chapter's from-scratch functions (their source, taken
from the functions the Train page shows: lib.trainers.scratch.shown_code),
prints the figures per epoch and draws the curves. The same seed and settings
give the app's figures on a CPU: the epoch loop (lib/notebook_code.py) drives
the chapter's functions the way lib/trainers/loop.py's `fit` does.

Then three exercises where the student writes code: a stable softmax, the
cross-entropy through log-sum-exp, and the reject option of exercise 4. Their
reference solutions are the library's own functions (lib.softmax.softmax_stable,
lib.softmax.cross_entropy_stable, lib.decisions.threshold_answers); each is
followed by a check cell that tests the student's function against PyTorch's
(lib/notebook_code.py's check_* functions).

The cells carry nbgrader's metadata (schema version 3): the exercise cells are
solution cells, the checks are locked grade cells with points, the task texts
locked markdown. With solutions=True the solution regions are filled in between
"### BEGIN SOLUTION" and "### END SOLUTION", which is the teacher's source
version that `nbgrader generate_assignment` turns into the student's; with
solutions=False each region is already what nbgrader puts there, "# YOUR CODE
HERE" and `raise NotImplementedError()`. Markdown cells are in `lang`.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbformat import v4

from lib import data as data_module
from lib import decisions, i18n
from lib import notebook_code as cells
from lib import softmax as softmax_module
from lib.config import TrainConfig, fields
from lib.trainers import scratch

NBGRADER_SCHEMA = 3  # nbgrader/nbgraderformat/v3.json
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
STUB = ("# YOUR CODE HERE", "raise NotImplementedError()")  # nbgrader's code_stub for python
# the run's driver in the app (epochs, the model object): the notebook's train_run stands in
DRIVER = (scratch.train_scratch, scratch.fit, scratch.ScratchModel)
# the settings the notebook's cfg holds: not the framework (the notebook is the chapter's
# from-scratch code) and not the device (it trains on the CPU, where runs are reproducible)
NOT_IN_NOTEBOOK = ("framework", "device")
IMPORTS = """\
from __future__ import annotations

import math
import os
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import torch
import torch.nn.functional as F"""


@dataclass(frozen=True)
class Exercise:
    """One exercise: the function the student writes (its reference is the library's), the
    check that grades it, the key of its task text, and its points."""

    id: str
    function: object
    check: object
    text: str
    points: int
    helpers: tuple = ()  # more functions the check cell defines before the check


EXERCISES = (
    Exercise(
        "softmax_stable",
        softmax_module.softmax_stable,
        cells.check_softmax_stable,
        "notebook.ex.softmax",
        2,
        (cells._first_difference,),
    ),
    Exercise(
        "cross_entropy_stable",
        softmax_module.cross_entropy_stable,
        cells.check_cross_entropy_stable,
        "notebook.ex.cross_entropy",
        2,
    ),
    Exercise(
        "threshold_answers",
        decisions.threshold_answers,
        cells.check_threshold_answers,
        "notebook.ex.reject",
        1,
    ),
)


def source(obj) -> str:
    """The source of a function or class, dedented, without trailing blank lines."""
    return textwrap.dedent(inspect.getsource(obj)).rstrip()


def run_settings(cfg: TrainConfig) -> dict:
    """The settings the notebook trains with (all but framework and device)."""
    return {f.name: getattr(cfg, f.name) for f in fields() if f.name not in NOT_IN_NOTEBOOK}


def settings_text(cfg: TrainConfig) -> str:
    """'lr 0.1, num_epochs 10, ...' for people."""
    return ", ".join(
        f"{name} {value:g}" if isinstance(value, float) else f"{name} {value}"
        for name, value in run_settings(cfg).items()
    )


def chapter_functions(cfg: TrainConfig) -> list:
    """The chapter's functions this run calls, as the Train page shows them, less the app's
    driver (the notebook's train_run replaces it)."""
    return [f for f in scratch.shown_code(cfg) if f not in DRIVER]


def solution_cell(function, solutions: bool) -> str:
    """The function's def line and its body between nbgrader's markers, or nbgrader's stub.

    The library's docstring is left out: the task is the markdown cell above.
    """
    text = source(function)
    node = ast.parse(text).body[0]
    body = node.body[1:] if ast.get_docstring(node) is not None else node.body
    lines = text.splitlines()
    head = lines[: node.body[0].lineno - 1]  # the def line(s)
    indent = " " * body[0].col_offset
    inside = lines[body[0].lineno - 1 :] if solutions else [indent + s for s in STUB]
    middle = [indent + BEGIN, *inside, indent + END] if solutions else inside
    return "\n".join([*head, *middle])


def nbgrader(grade_id: str, *, solution=False, grade=False, locked=False, points=None) -> dict:
    """A cell's nbgrader metadata, as nbgrader's v3 schema requires."""
    meta = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": locked,
        "schema_version": NBGRADER_SCHEMA,
        "solution": solution,
    }
    if grade:
        meta["points"] = points
    return {"nbgrader": meta}


def markdown(key: str, lang: str, grade_id: str | None = None, **values):
    """A markdown cell in `lang`; with grade_id, locked (read-only under nbgrader)."""
    meta = nbgrader(grade_id, locked=True) if grade_id else {}
    return v4.new_markdown_cell(i18n.t(key, lang, **values), metadata=meta)


def code(text: str, **meta):
    return v4.new_code_cell(text, metadata=meta)


def constants() -> str:
    """The library's constants the notebook's functions use."""
    return "\n".join(
        [
            f"NUM_INPUTS = {data_module.NUM_INPUTS}  # 28 * 28 pixels per image",
            f"NUM_OUTPUTS = {data_module.NUM_OUTPUTS}  # ten classes",
            f"RAW_FILES = {data_module.RAW_FILES!r}",
            f"ROOT_ENV = {data_module.ROOT_ENV!r}",
            f"DATA_URL = {cells.DATA_URL!r}",
        ]
    )


def losses(cfg: TrainConfig) -> str:
    """The loss of the run's softmax variant, by name (evaluate looks it up there)."""
    return f"LOSSES = {{{cfg.softmax!r}: {softmax_module.LOSSES[cfg.softmax].__name__}}}"


def exercise_cells(exercise: Exercise, solutions: bool, lang: str) -> list:
    check = "\n\n\n".join(source(f) for f in (*exercise.helpers, exercise.check))
    check += f"\n\n\n{exercise.check.__name__}({exercise.id})\nprint('ok')"
    return [
        markdown(exercise.text, lang, grade_id=f"{exercise.id}_task"),
        code(
            solution_cell(exercise.function, solutions),
            **nbgrader(exercise.id, solution=True),
        ),
        code(
            check,
            **nbgrader(f"check_{exercise.id}", grade=True, locked=True, points=exercise.points),
        ),
    ]


def notebook(settings: TrainConfig, solutions: bool = False, lang: str = "en"):
    """The notebook of a run with `settings` (a TrainConfig), in `lang`."""
    # by its fields, not its class: a test may put a TrainConfig with one more field in place
    if not all(hasattr(settings, name) for name in ("lr", "num_epochs", "batch_size", "seed")):
        raise TypeError(f"settings must be a TrainConfig, got {type(settings).__name__}")
    cfg, lang = settings, i18n.normalize_lang(lang)
    values = ", ".join(f"{k}={v!r}" for k, v in run_settings(cfg).items())
    intro = i18n.t("notebook.intro", lang, settings=settings_text(cfg))
    if cfg.framework != "scratch":
        framework = i18n.t(f"framework.{cfg.framework}", lang)
        intro += "\n\n" + i18n.t("notebook.framework", lang, framework=framework)
    if solutions:
        intro += "\n\n" + i18n.t("notebook.solutions", lang)
    nb = v4.new_notebook(
        metadata={
            "kernelspec": {
                "name": "python3",
                "display_name": "Python 3 (ipykernel)",
                "language": "python",
            },
            "language_info": {"name": "python"},
        }
    )
    nb.cells = [
        v4.new_markdown_cell(i18n.t("notebook.title", lang) + "\n\n" + intro),
        code(IMPORTS),
        markdown("notebook.settings", lang),
        code(f"cfg = SimpleNamespace({values})"),
        markdown("notebook.data", lang),
        code(constants()),
        code(
            source(cells.load_fashion_mnist)
            + "\n\n\nroot = os.environ.get(ROOT_ENV, './data')\nDOWNLOAD = False\n"
            "X_train, y_train, X_test, y_test = load_fashion_mnist(root, DOWNLOAD)\n"
            "X_train.shape, X_test.shape"
        ),
        markdown("notebook.code", lang, softmax=i18n.t(f"notebook.softmax.{cfg.softmax}", lang)),
        *(code(source(f)) for f in chapter_functions(cfg)),
        code(losses(cfg)),
        markdown("notebook.train", lang),
        code(
            source(cells.train_run)
            + "\n\n\nW, b, history = train_run(cfg, X_train, y_train, X_test, y_test)"
        ),
        markdown("notebook.plot", lang),
        code(source(cells.history_chart) + "\n\n\nhistory_chart(history)"),
        markdown("notebook.exercises", lang, grade_id="exercises"),
        *(cell for ex in EXERCISES for cell in exercise_cells(ex, solutions, lang)),
        markdown("notebook.reject_table", lang),
        code(
            source(cells.reject_table) + "\n\n\nprobs = softmax_stable(logits(X_test, W, b))"
            "  # (10000, 10), with your softmax\nreject_table(threshold_answers, probs, y_test)"
        ),
    ]
    for i, cell in enumerate(nb.cells):  # the same notebook for the same settings, byte by byte
        cell.id = cell.metadata.get("nbgrader", {}).get("grade_id", f"cell-{i}")
    nbformat.validate(nb)
    return nb


def file_name(cfg: TrainConfig, solutions: bool = False) -> str:
    """'softmax_lr0.1_epochs10_naive.ipynb' (with _solutions for the solved one)."""
    tail = "_solutions" if solutions else ""
    return f"softmax_lr{cfg.lr:g}_epochs{cfg.num_epochs}_{cfg.softmax}{tail}.ipynb"


def to_bytes(settings: TrainConfig, solutions: bool = False, lang: str = "en") -> bytes:
    """The notebook as the bytes of an .ipynb file (the download button's data)."""
    return nbformat.writes(notebook(settings, solutions, lang)).encode()


def write(path, settings: TrainConfig, solutions: bool = False, lang: str = "en") -> Path:
    """Write the notebook to `path`; OSError when it cannot be written there."""
    path = Path(path)
    path.write_bytes(to_bytes(settings, solutions, lang))
    return path
