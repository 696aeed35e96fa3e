"""The run as a Jupyter notebook (lib/notebook.py): its structure, nbgrader's metadata, the
checks the student's code meets, the CLI, and (slow) the notebook executed in a kernel."""

from __future__ import annotations

import inspect
import json
import math
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import nbformat
import pytest
import torch
from helpers import strip, synthetic

from lib import notebook_code as cells
from lib.cli import main
from lib.config import TrainConfig
from lib.decisions import threshold_answers
from lib.i18n import t
from lib.notebook import (
    BEGIN,
    END,
    EXERCISES,
    chapter_functions,
    notebook,
    settings_text,
    source,
    to_bytes,
)
from lib.softmax import cross_entropy_naive, cross_entropy_stable, softmax_naive, softmax_stable
from lib.trainers import code, train

ROOT = Path(__file__).resolve().parents[1]

# nbgrader's cell metadata schema, version 3 (nbgrader/nbgraderformat/v3.json in
# github.com/jupyter/nbgrader), and the rules its MetadataValidatorV3 adds to it.
NBGRADER_V3 = {
    "type": "object",
    "properties": {
        "schema_version": {"type": "integer", "minimum": 3, "maximum": 3},
        "grade": {"type": "boolean"},
        "locked": {"type": "boolean"},
        "solution": {"type": "boolean"},
        "task": {"type": "boolean"},
        "grade_id": {"type": "string", "pattern": "^[a-zA-Z0-9_\\-]*$"},
        "points": {"type": "number", "minimum": 0},
        "checksum": {"type": "string", "minLength": 32, "maxLength": 32},
        "cell_type": {"type": "string", "enum": ["raw", "code", "markdown"]},
    },
    "required": ["schema_version", "grade", "locked", "solution"],
    "additionalProperties": False,
}
STUB = ["# YOUR CODE HERE", "raise NotImplementedError()"]  # nbgrader's ClearSolutions.code_stub

SETTINGS = [
    TrainConfig(),
    TrainConfig(lr=1.0, num_epochs=3, softmax="stable", batch_size=64, seed=7),
]


def graded(nb):
    return [c for c in nb.cells if "nbgrader" in c.metadata]


def check_nbgrader(nb) -> None:
    """What nbgrader's MetadataValidatorV3.validate_nb checks."""
    ids = set()
    for cell in graded(nb):
        meta = cell.metadata["nbgrader"]
        jsonschema.validate(meta, NBGRADER_V3)
        if meta["grade"] or meta["solution"] or meta["locked"]:
            assert meta.get("grade_id"), cell.source
            assert meta["grade_id"] not in ids, f"duplicate grade_id {meta['grade_id']}"
            ids.add(meta["grade_id"])
        if meta["grade"]:
            assert "points" in meta, meta["grade_id"]
        if cell.cell_type == "markdown":
            assert meta["grade"] == meta["solution"], meta["grade_id"]


def clear_solutions(text: str) -> str:
    """nbgrader's ClearSolutions._replace_solution_region for a code cell."""
    out, inside = [], False
    for line in text.split("\n"):
        if "BEGIN SOLUTION" in line:
            assert not inside, "nested BEGIN SOLUTION"
            inside = True
            indent = re.match(r"\s*", line).group(0)
            out += [indent + s for s in STUB]
        elif "END SOLUTION" in line:
            inside = False
        elif not inside:
            out.append(line)
    assert not inside, "no END SOLUTION"
    return "\n".join(out)


# ---- structure and metadata ------------------------------------------------------------


@pytest.mark.parametrize("cfg", SETTINGS)
@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("solutions", [False, True])
def test_a_valid_v4_notebook_with_nbgraders_metadata(cfg, lang, solutions):
    nb = nbformat.reads(to_bytes(cfg, solutions, lang).decode(), as_version=4)
    nbformat.validate(nb)
    assert nb.nbformat == 4 and nb.metadata.kernelspec.language == "python"
    check_nbgrader(nb)
    meta = [c.metadata["nbgrader"] for c in graded(nb)]
    solution = [c for c in graded(nb) if c.metadata["nbgrader"]["solution"]]
    checks = [m for m in meta if m["grade"]]
    assert [c.cell_type for c in solution] == ["code"] * len(EXERCISES)
    assert [m["grade_id"] for m in checks] == [f"check_{ex.id}" for ex in EXERCISES]
    assert all(m["locked"] and m["points"] > 0 for m in checks)
    assert not any(m["locked"] for m in meta if m["solution"])
    for cell in solution:
        assert (BEGIN in cell.source and END in cell.source) == solutions
        assert ("raise NotImplementedError()" in cell.source) != solutions
        compile(cell.source, "<solution>", "exec")


@pytest.mark.parametrize("cfg", SETTINGS)
def test_clearing_the_solutions_as_nbgrader_does_gives_the_students_copy(cfg):
    teacher, student = notebook(cfg, solutions=True), notebook(cfg, solutions=False)
    assert len(teacher.cells) == len(student.cells)
    for t_cell, s_cell in zip(teacher.cells, student.cells):
        if t_cell.metadata.get("nbgrader", {}).get("solution"):
            assert clear_solutions(t_cell.source) == s_cell.source
        elif t_cell.cell_type == "code":
            assert t_cell.source == s_cell.source


@pytest.mark.parametrize("cfg", SETTINGS)
def test_the_chapters_code_is_the_code_the_train_page_shows(cfg):
    shown = code(cfg)
    cells_code = [c.source for c in notebook(cfg).cells if c.cell_type == "code"]
    functions = chapter_functions(cfg)
    assert functions and all(f in shown for f in functions)
    for f in functions:
        assert source(f) in cells_code, f.__name__
    names = {f.__name__ for f in functions}
    loss = {"naive": {"loss_naive", "softmax_naive"}, "stable": {"loss_stable"}}[cfg.softmax]
    assert loss <= names
    assert f"softmax={cfg.softmax!r}" in cells_code[1] and f"lr={cfg.lr!r}" in cells_code[1]


def test_the_solutions_are_the_librarys_functions():
    nb = notebook(TrainConfig(), solutions=True)
    solved = [c.source for c in graded(nb) if c.metadata["nbgrader"]["solution"]]
    for ex, text in zip(EXERCISES, solved):
        body = inspect.getsource(ex.function).split('"""')[-1].strip("\n")
        assert body.strip() in text, ex.id


def test_markdown_in_the_pages_language():
    en, zh = notebook(TrainConfig(), lang="en"), notebook(TrainConfig(), lang="zh")
    md = [(a.source, b.source) for a, b in zip(en.cells, zh.cells) if a.cell_type == "markdown"]
    assert md and all(re.search("[\u4e00-\u9fff]", z) and a != z for a, z in md)
    assert not any(re.search("[\u4e00-\u9fff]", a) for a, _ in md)


def test_another_frameworks_run_says_the_notebook_is_the_chapters_code():
    scratch, concise = notebook(TrainConfig()), notebook(TrainConfig(framework="concise"))
    assert t("framework.concise", "en") in concise.cells[0].source
    assert t("framework.scratch", "en") not in scratch.cells[0].source
    assert [c.source for c in scratch.cells[1:]] == [c.source for c in concise.cells[1:]]


def test_a_float64_answer_is_compared_not_refused():
    cells.check_softmax_stable(lambda X: softmax_stable(X.double()))
    cells.check_cross_entropy_stable(lambda O, y: cross_entropy_stable(O.double(), y))


def test_settings_must_be_a_config():
    with pytest.raises(TypeError, match="TrainConfig"):
        notebook({"lr": 0.1})


# ---- the notebook's own functions, called here directly ----------------------------------


def test_the_notebooks_loop_gives_the_apps_figures():
    cfg = TrainConfig(num_epochs=3, batch_size=64, device="cpu", seed=3)
    data = synthetic()
    *_, history = cells.train_run(cfg, data.X_train, data.y_train, data.X_test, data.y_test)
    app = [
        (r["epoch"], r["train_loss"], r["train_acc"], r["test_acc"])
        for r in strip(train(cfg, data))
    ]
    assert history == app


def test_the_loop_stops_when_the_loss_is_not_finite(capsys):
    cfg = TrainConfig(lr=1000.0, num_epochs=5, batch_size=32, device="cpu")
    data = synthetic()
    data = type(data)(data.X_train * 100, data.y_train, data.X_test, data.y_test)
    *_, history = cells.train_run(cfg, data.X_train, data.y_train, data.X_test, data.y_test)
    assert len(history) < 6 and not math.isfinite(history[-1][1])
    assert "no longer a finite number" in capsys.readouterr().out


def test_missing_data_says_what_to_set_and_where_to_get_it(tmp_path):
    with pytest.raises(FileNotFoundError) as exc:
        cells.load_fashion_mnist(tmp_path)
    text = str(exc.value)
    assert "FASHION_MNIST_ROOT" in text and "DOWNLOAD = True" in text
    assert cells.DATA_URL in text and "train-images-idx3-ubyte" in text


def test_the_chart_has_the_three_curves_and_no_nan():
    history = [(0, 2.3, 0.1, 0.1), (1, float("nan"), 0.1, 0.1)]
    spec = cells.history_chart(history).to_dict()
    values = spec["data"]["values"]
    assert {v["curve"] for v in values} == {"train_loss", "train_acc", "test_acc"}
    assert [v["value"] for v in values if v["epoch"] == 1 and v["curve"] == "train_loss"] == [None]
    json.dumps(spec, allow_nan=False)


@pytest.mark.parametrize("ex", EXERCISES, ids=lambda ex: ex.id)
def test_each_check_passes_the_reference_solution(ex):
    ex.check(ex.function)


@pytest.mark.parametrize("ex", EXERCISES, ids=lambda ex: ex.id)
def test_an_untouched_exercise_raises_not_implemented(ex):
    nb = notebook(TrainConfig())
    stub = next(c.source for c in graded(nb) if c.metadata["nbgrader"]["grade_id"] == ex.id)
    namespace = {}
    exec(stub, namespace)
    with pytest.raises(NotImplementedError):
        ex.check(namespace[ex.id])


def mean_loss(O, y):
    return cross_entropy_stable(O, y).mean()


def via_probabilities(O, y):
    return cross_entropy_naive(softmax_stable(O), y)


def above(probs, threshold):
    top, y_hat = probs.max(dim=1)
    return torch.where(top > threshold, y_hat, probs.shape[1])


def refer_as_minus_one(probs, threshold):
    top, y_hat = probs.max(dim=1)
    return torch.where(top >= threshold, y_hat, -1)


@pytest.mark.parametrize(
    "check, wrong, says",
    [
        (cells.check_softmax_stable, softmax_naive, "inf or nan for logits like 1000"),
        (cells.check_softmax_stable, lambda X: torch.softmax(X, dim=0), "is not torch.softmax"),
        (cells.check_softmax_stable, lambda X: torch.exp(X).sum(), "must return a tensor of"),
        (cells.check_cross_entropy_stable, mean_loss, "one loss per example"),
        (cells.check_cross_entropy_stable, via_probabilities, "-log(0) = inf"),
        (cells.check_cross_entropy_stable, lambda O, y: -O[range(len(O)), y], "expected ["),
        (cells.check_threshold_answers, above, "with threshold 0.5, image 0"),
        (cells.check_threshold_answers, refer_as_minus_one, "otherwise 10 (refer"),
    ],
)
def test_a_wrong_solution_gets_a_message_saying_what_was_expected(check, wrong, says):
    with pytest.raises(AssertionError, match=re.escape(says)):
        check(wrong)


def test_the_reject_table_answers_fewer_and_better_as_the_threshold_rises(capsys):
    probs = torch.softmax(3 * torch.randn(500, 10, generator=torch.Generator().manual_seed(1)), 1)
    y = torch.where(
        torch.rand(500, generator=torch.Generator().manual_seed(2)) < probs.max(1)[0],
        probs.argmax(1),
        (probs.argmax(1) + 1) % 10,
    )  # right as often as confident
    cells.reject_table(threshold_answers, probs, y, thresholds=(0.0, 0.5, 0.9))
    rows = [line.split() for line in capsys.readouterr().out.splitlines()[1:]]
    shares, accs = [float(r[1]) for r in rows], [float(r[2]) for r in rows]
    assert shares[0] == 1.0 and shares == sorted(shares, reverse=True)
    assert accs == sorted(accs)


# ---- the command line ---------------------------------------------------------------------


def cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "lib.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_cli_writes_the_notebook_of_the_flags_settings(tmp_path):
    """The issue's command, as a user types it."""
    path = tmp_path / "run.ipynb"
    result = cli("--epochs", "1", "--lr", "0.3", "--notebook", str(path))
    assert result.returncode == 0, result.stderr
    assert str(path) in result.stdout
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert "num_epochs=1" in nb.cells[3].source and "lr=0.3" in nb.cells[3].source
    assert nb == notebook(TrainConfig(num_epochs=1, lr=0.3))


def test_cli_solutions_and_language(tmp_path, capsys):
    solved = tmp_path / "solved.ipynb"
    assert main(["--epochs", "1", "--notebook", str(solved), "--solutions", "--lang", "zh"]) == 0
    assert "with solutions" in capsys.readouterr().out
    expected = notebook(TrainConfig(num_epochs=1), solutions=True, lang="zh")
    assert nbformat.read(solved, as_version=4) == expected


@pytest.mark.parametrize(
    "args, says",
    [
        (["--notebook", "{tmp}/no/such/folder/run.ipynb"], "No such file or directory"),
        (["--notebook", "{tmp}"], "cannot write the notebook to"),
        (["--lr", "0.1,1", "--notebook", "{tmp}/run.ipynb"], "--notebook writes one run"),
    ],
)
def test_cli_bad_notebook_path_is_one_line_and_exit_2(tmp_path, capsys, args, says):
    assert main([a.format(tmp=tmp_path) for a in args]) == 2
    out, err = capsys.readouterr()
    assert err.count("\n") == 1 and err.startswith("error: ") and says in err
    assert out == ""


# ---- executed in a Jupyter kernel (slow: a kernel, the real data, one epoch) -----------------


@pytest.fixture
def kernel(tmp_path_factory, monkeypatch):
    """A kernel spec that runs this very Python (sys.executable: the venv's ipykernel), found
    through JUPYTER_PATH before any python3 spec a user or the system may have."""
    import ipykernel  # noqa: F401 - the kernel runs in this Python: it must be installed here

    name = "softmax-explorer-tests"
    folder = tmp_path_factory.mktemp("jupyter")
    spec = folder / "kernels" / name
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    spec.joinpath("kernel.json").write_text(
        json.dumps({"argv": argv, "display_name": "tests", "language": "python"})
    )
    monkeypatch.setenv("JUPYTER_PATH", str(folder))
    return name


def execute(nb, kernel, cwd):
    """Run every cell; (index of the cell that raised or None, its error output or None)."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    client = NotebookClient(
        nb, kernel_name=kernel, timeout=600, resources={"metadata": {"path": str(cwd)}}
    )
    try:
        client.execute()
    except CellExecutionError:
        for i, cell in enumerate(nb.cells):
            for out in cell.get("outputs", []):
                if out.output_type == "error":
                    return i, out
        raise
    return None, None


def text_of(cell) -> str:
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


def first_check(nb) -> int:
    return next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade"))


@pytest.mark.slow
def test_the_solved_notebook_runs_clean_and_gives_the_apps_figures(kernel, real_data, tmp_path):
    cfg = TrainConfig(num_epochs=1, device="cpu")
    nb = notebook(cfg, solutions=True, lang="zh")
    where, error = execute(nb, kernel, tmp_path)
    assert where is None, error
    checks = [c for c in graded(nb) if c.metadata["nbgrader"]["grade"]]
    assert [text_of(c) for c in checks] == ["ok\n"] * len(EXERCISES)
    trained = next(
        text_of(c)
        for c in nb.cells
        if c.source.endswith("train_run(cfg, X_train, y_train, X_test, y_test)")
    )
    last = list(train(cfg, real_data))[-1]
    assert trained.splitlines()[-1].split() == [
        "1",
        f"{last.train_loss:.4f}",
        f"{last.train_acc:.4f}",
        f"{last.test_acc:.4f}",
    ]


@pytest.mark.slow
@pytest.mark.parametrize("softmax", ["naive", "stable"])
def test_the_students_copy_stops_at_the_first_check_not_before(
    kernel, real_data, tmp_path, softmax
):
    nb = notebook(TrainConfig(num_epochs=1, softmax=softmax), solutions=False)
    where, error = execute(nb, kernel, tmp_path)
    assert where == first_check(nb)
    assert error.ename == "NotImplementedError"
    assert all(not c.get("outputs") for c in nb.cells[where + 1 :])


@pytest.mark.slow
def test_a_wrong_solution_stops_at_its_check_with_the_message(kernel, real_data, tmp_path):
    nb = notebook(TrainConfig(num_epochs=1), solutions=True)
    i = next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("solution"))
    nb.cells[
        i
    ].source = "def softmax_stable(X):\n    return torch.exp(X) / torch.exp(X).sum(1, keepdim=True)"
    where, error = execute(nb, kernel, tmp_path)
    assert where == first_check(nb) == i + 1
    assert error.ename == "AssertionError"
    assert "inf or nan for logits like 1000" in error.evalue


@pytest.mark.slow
def test_without_the_data_it_stops_at_the_data_cell_saying_what_to_set(kernel, no_data, tmp_path):
    nb = notebook(TrainConfig(num_epochs=1), solutions=True)
    where, error = execute(nb, kernel, tmp_path)
    assert "load_fashion_mnist(root, DOWNLOAD)" in nb.cells[where].source
    assert error.ename == "FileNotFoundError"
    assert "FASHION_MNIST_ROOT" in error.evalue and str(no_data) in error.evalue


# ---- the pages' buttons ---------------------------------------------------------------------


def notebook_buttons(at) -> list:
    return [b.proto for b in at.get("download_button") if b.proto.id and "notebook" in b.proto.id]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_train_page_offers_the_last_runs_notebook(trained_run, lang):
    from apptest_helpers import open_app

    at = open_app(lang=lang, runs=[trained_run])
    assert not at.exception
    (button,) = notebook_buttons(at)
    assert button.label == t("notebook.download", lang)
    assert settings_text(trained_run.cfg) in button.help
    assert button.help == t("notebook.download.help", lang, settings=settings_text(trained_run.cfg))


def test_no_notebook_button_before_a_run(no_data):
    from apptest_helpers import open_app

    assert notebook_buttons(open_app()) == []


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_lesson_step_offers_its_settings_as_a_notebook(no_data, lang):
    from apptest_helpers import open_app

    from lib.lesson import STEPS

    at = open_app(page="lesson", lang=lang)
    assert not at.exception
    buttons = notebook_buttons(at)
    assert len(buttons) == len(STEPS)
    for step, button in zip(STEPS, buttons):
        assert button.label == t("notebook.download", lang)
        assert settings_text(step.config() or TrainConfig()) in button.help, step.id
