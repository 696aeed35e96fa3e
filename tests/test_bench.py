"""bench/speed.py: one child run on the real data, and the error for a bad folder.

No timing asserts: these only check that the benchmark runs and says the right things.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SPEED = ROOT / "bench" / "speed.py"
RAW = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
       "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")
CHILD_KEYS = {"recipe", "device", "epochs", "load_seconds", "first_epoch_seconds",
              "mean_epoch_seconds", "median_epoch_seconds", "total_seconds",
              "epoch_seconds", "train_loss", "train_acc", "test_acc",
              "rss_after_imports_mb", "peak_rss_mb", "self_extra_mb",
              "workers_private_mb", "peak_extra_mb"}


def _real_root() -> str:
    root = os.environ.get("FASHION_MNIST_ROOT")
    if not root:
        pytest.skip("FASHION_MNIST_ROOT is not set")
    if not all((Path(root) / "FashionMNIST" / "raw" / name).is_file() for name in RAW):
        pytest.skip(f"Fashion-MNIST is not in {root}/FashionMNIST/raw/")
    return root


def _speed(*args):
    return subprocess.run([sys.executable, str(SPEED), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_lib_child_prints_one_json_line_with_a_sane_accuracy():
    result = _speed("--recipe", "lib", "--epochs", "1", "--device", "cpu",
                    "--data-dir", _real_root())
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1
    out = json.loads(lines[0])
    assert set(out) == CHILD_KEYS
    assert out["recipe"] == "lib" and out["epochs"] == 1 and len(out["epoch_seconds"]) == 1
    assert out["test_acc"] > 0.6
    assert out["load_seconds"] >= 0 and out["total_seconds"] > 0
    assert out["peak_extra_mb"] > 0 and out["workers_private_mb"] == 0


def test_skip_book_json_summary():
    result = _speed("--epochs", "1", "--skip-book", "--json", "--data-dir", _real_root())
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["book"] is None and summary["speedup"] is None
    assert summary["lib"]["test_acc"] > 0.6


def test_bad_data_dir_is_one_line_and_exit_2(tmp_path):
    result = _speed("--data-dir", str(tmp_path / "nowhere"), "--epochs", "1")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:")
    assert "FASHION_MNIST_ROOT" in lines[0] and "nowhere" in lines[0]
