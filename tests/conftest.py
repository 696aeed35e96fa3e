"""Shared fixtures: the real Fashion-MNIST when FASHION_MNIST_ROOT holds it."""
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lib.data import DataError, load_data  # noqa: E402


@pytest.fixture(scope="session")
def real_data():
    """Both splits on the CPU; the test is skipped when the files are not there."""
    if not os.environ.get("FASHION_MNIST_ROOT"):
        pytest.skip("FASHION_MNIST_ROOT is not set")
    try:
        return load_data(download=False)
    except DataError as exc:
        pytest.skip(str(exc))


@pytest.fixture(scope="session")
def trained_run(real_data):
    """One epoch on the real data: a usable run, as the Train page would keep it."""
    from lib.runs import Run
    from lib.train import TrainConfig, train

    cfg = TrainConfig(num_epochs=1, softmax="stable", device="cpu")
    run = Run(number=1, cfg=cfg)
    for record in train(cfg, real_data):
        run.add(record)
    return run


@pytest.fixture
def no_data(monkeypatch, tmp_path):
    """A server without Fashion-MNIST: an empty data folder and no way to download."""
    folder = tmp_path / "no-data"
    monkeypatch.setenv("FASHION_MNIST_ROOT", str(folder))
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")  # a closed port, even with internet
    for name in ("no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    return folder
