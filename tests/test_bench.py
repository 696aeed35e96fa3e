"""bench/speed.py: child runs on the real data, the tables, and the error for a bad folder.

No timing asserts: these only check that the benchmark runs and says the right things.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import require

from bench import speed
from lib.trainers import framework_available

ROOT = Path(__file__).resolve().parents[1]
SPEED = ROOT / "bench" / "speed.py"
CHILD_KEYS = {
    "recipe",
    "device",
    "epochs",
    "load_seconds",
    "first_epoch_seconds",
    "mean_epoch_seconds",
    "median_epoch_seconds",
    "median_epoch_cpu_seconds",
    "total_seconds",
    "epoch_seconds",
    "train_loss",
    "train_acc",
    "test_acc",
    "rss_after_imports_mb",
    "peak_rss_mb",
    "self_extra_mb",
    "workers_private_mb",
    "peak_extra_mb",
}


@pytest.fixture(scope="module")
def data_dir(real_data) -> str:
    """The folder of the real data (real_data skips, or fails in CI, without it)."""
    return os.environ["FASHION_MNIST_ROOT"]


def _speed(*args):
    # this checkout's lib for the script and the children it starts (a script's own
    # folder, bench/, comes first on its path; lib would come from wherever it is installed)
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, str(SPEED), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=path),
    )


@pytest.mark.slow  # a child process trains an epoch on all 60,000 images
@pytest.mark.parametrize("recipe", ["scratch", "concise", "mindspore"])
def test_a_child_prints_one_json_line_with_a_sane_accuracy(data_dir, recipe):
    if recipe == "mindspore" and not framework_available("mindspore"):
        require("mindspore", "MindSpore is not importable")
    result = _speed("--recipe", recipe, "--epochs", "1", "--device", "cpu", "--data-dir", data_dir)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1
    out = json.loads(lines[0])
    assert set(out) == CHILD_KEYS
    assert out["recipe"] == recipe and out["epochs"] == 1 and len(out["epoch_seconds"]) == 1
    assert out["test_acc"] > 0.6
    assert out["load_seconds"] >= 0 and out["total_seconds"] > 0
    assert out["median_epoch_cpu_seconds"] > 0
    assert out["peak_rss_mb"] >= out["rss_after_imports_mb"] > 100  # torch is imported
    assert out["peak_extra_mb"] >= 0 and out["workers_private_mb"] == 0
    if recipe == "mindspore":
        assert "MindSpore" in out["device"]


@pytest.mark.slow  # the parent and a child that trains an epoch on all 60,000 images
def test_only_and_json_summary(data_dir):
    result = _speed("--epochs", "1", "--only", "scratch", "--json", "--data-dir", data_dir)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert list(summary["runs"]) == ["scratch"] and summary["compare"] == {}
    assert summary["runs"]["scratch"]["test_acc"] > 0.6
    assert len(summary["load_average"]) == 2 and summary["cpus"] >= 1


def fake_run(recipe, seconds, acc):
    return {
        "recipe": recipe,
        "device": "cpu · 2 threads",
        "epochs": 2,
        "load_seconds": 1.0,
        "first_epoch_seconds": seconds,
        "mean_epoch_seconds": seconds,
        "median_epoch_seconds": seconds,
        "median_epoch_cpu_seconds": seconds,
        "total_seconds": 2 * seconds,
        "epoch_seconds": [seconds] * 2,
        "train_loss": 0.5,
        "train_acc": acc,
        "test_acc": acc,
        "rss_after_imports_mb": 800.0,
        "peak_rss_mb": 1000.0,
        "self_extra_mb": 200.0,
        "workers_private_mb": 0.0,
        "peak_extra_mb": 200.0,
    }


def test_the_markdown_table_has_a_column_per_recipe_and_n_a_with_the_reason(capsys):
    runs = {
        "scratch": fake_run("scratch", 0.5, 0.83),
        "book": fake_run("book", 10.0, 0.82),
        "mindspore": {"recipe": "mindspore", "unavailable": "MindSpore is not installed"},
    }
    summary = {
        "epochs": 2,
        "runs": runs,
        "load_average": [3.0, 4.0],
        "cpus": 2,
        "compare": speed.compare(runs),
    }
    assert summary["compare"]["scratch"]["speedup_median"] == pytest.approx(20.0)
    speed.print_markdown(runs, summary, 2)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "|  | scratch (tensors) | book (DataLoader) | MindSpore (jit) |"
    assert lines[1] == "|---|---:|---:|---:|"
    rows = {line.split(" | ")[0].lstrip("| "): line for line in lines if line.startswith("| ")}
    assert rows["final test accuracy"].endswith("| 0.8300 | 0.8200 | n/a |")
    assert rows["speed-up over the book (median)"].endswith("| 20.0x | 1.0x | n/a |")
    assert "MindSpore (jit): n/a, MindSpore is not installed" in lines
    assert any("load average 3.0 before, 4.0 after, on 2 CPUs" in line for line in lines)


def test_recipes_run_fast_ones_first_and_the_book_last():
    parse = speed.build_parser().parse_args
    assert speed.chosen_recipes(parse([])) == ["scratch", "concise", "mindspore", "stacked", "book"]
    assert speed.chosen_recipes(parse(["--skip-book", "--mindspore-modes"])) == [
        "scratch",
        "concise",
        "mindspore",
        "stacked",
        "mindspore-pynative",
        "mindspore-host",
    ]
    assert speed.chosen_recipes(parse(["--only", "book,scratch"])) == ["scratch", "book"]
    with pytest.raises(ValueError, match="jax"):
        speed.chosen_recipes(parse(["--only", "scratch,jax"]))


def test_an_unknown_recipe_is_one_line_and_exit_2():
    result = _speed("--only", "jax")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and "jax" in lines[0]


def test_bad_data_dir_is_one_line_and_exit_2(tmp_path):
    result = _speed("--data-dir", str(tmp_path / "nowhere"), "--epochs", "1")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:")
    assert "FASHION_MNIST_ROOT" in lines[0] and "nowhere" in lines[0]


def test_peak_memory_is_read_without_the_launchers_peak():
    """VmHWM of this process (Linux), at least its RSS now; never below it."""
    assert speed.peak_rss_mb() >= speed.rss_mb() > 0
    assert speed.cpu_seconds() > 0


def fake_stacked():
    return {
        "recipe": "stacked",
        "device": "cpu · 2 threads",
        "runs": 30,
        "epochs": 2,
        "lrs": [0.1, 1.0] * 15,
        "softmax": "stable",
        "alone_seconds": 12.0,
        "stacked_seconds": 2.0,
        "alone_ms_per_run_epoch": 200.0,
        "stacked_ms_per_run_epoch": 33.3,
        "alone_cpu_ms_per_run_epoch": 300.0,
        "stacked_cpu_ms_per_run_epoch": 60.0,
        "max_abs_dW": 0.02,
        "max_abs_dW_lr_le_0_1": 2e-7,
        "max_test_acc_diff": 0.001,
        "alone_peak_extra_mb": 240.0,
        "peak_extra_mb": 300.0,
    }


def test_the_stacked_row_is_a_table_of_its_own_beside_the_trainers(capsys):
    runs = {"scratch": fake_run("scratch", 0.5, 0.83), "stacked": fake_stacked()}
    summary = {"epochs": 2, "runs": runs, "load_average": [3.0, 4.0], "cpus": 2}
    summary["compare"] = speed.compare(runs)
    assert summary["compare"] == {}  # not compared with the book
    speed.print_markdown(runs, summary, 2)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "|  | scratch (tensors) |"  # no stacked column
    assert (
        "| 30 runs stacked vs one at a time, 2 epochs | stacked | one at a time | ratio |" in lines
    )
    assert "| ms per run-epoch | 33.3 | 200.0 | 6.0x |" in lines
    note = next(line for line in lines if "max |dW|" in line)
    assert "lr log-spaced, 0.1 to 1, one per run;" in note and "2.0e-07 at lr <= 0.1" in note


def test_the_stacked_recipe_alone_prints_its_row(capsys):
    runs = {"stacked": fake_stacked()}
    summary = {"epochs": 2, "runs": runs, "load_average": [1.0, 1.5], "cpus": 2, "compare": {}}
    speed.print_table(runs, summary, 2)
    out = capsys.readouterr().out
    assert "load average 1.0 before" in out and "lr 0.1, batch_size" not in out
    assert "ms per run-epoch" in out and "6.0x" in out


def test_the_stacked_child_trains_the_runs_both_ways(data_dir):
    result = _speed("--recipe", "stacked", "--runs", "2", "--epochs", "1", "--data-dir", data_dir)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert (out["runs"], out["epochs"], out["lrs"]) == (2, 1, [0.001, 0.1])
    assert out["stacked_ms_per_run_epoch"] > 0 and out["alone_ms_per_run_epoch"] > 0
    assert out["max_abs_dW_lr_le_0_1"] <= 1e-5 and out["max_test_acc_diff"] <= 0.001
    assert out["peak_extra_mb"] >= out["alone_peak_extra_mb"] >= 0


def test_live_redraws_measures_the_engine_alone_and_beside_drawing_sessions(real_data, capsys):
    from bench import live_redraws
    from ui.training import draw_gap

    assert live_redraws.main(["--epochs", "1", "--sessions", "20", "--workers", "1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    names = [line[:48].strip() for line in lines[2:]]
    figures = [line[48:].split() for line in lines[2:]]
    assert draw_gap(20) == 2.0 and names == [
        "engine alone",
        "20 sessions, a redraw per 1 s",
        "20 sessions, a redraw per 2 s",
        "20 sessions, per 1 s, GIL switch 0.5 ms",
        "engine alone, training processes",
        "20 sessions, per 1 s, training processes",
    ]
    assert figures[0][1:] == ["1.00", "0.0"]
    for name, (seconds, _, per_s) in zip(names, figures):
        assert float(seconds) > 0 and (float(per_s) > 0) == ("sessions" in name)
    assert sys.getswitchinterval() == live_redraws.PYTHON_DEFAULT_S  # left as it found it
