"""Data loading in a hosted app: once per process, never a download for a student,
a timeout, a failure remembered for a while, and the right message for the right reader."""

import threading

import pytest
import torch
from apptest_helpers import open_app, texts
from helpers import FakeClock

import lib.data as data_module
from lib.data import DataError, SharedData
from lib.i18n import t


def test_a_failure_is_remembered_then_retried(monkeypatch, tmp_path):
    calls = []

    def fake_load(root, device, download=True):
        calls.append(download)
        raise DataError(f"missing in {root}")

    monkeypatch.setattr(data_module, "load_data", fake_load)
    clock = FakeClock()
    shared = SharedData(tmp_path, torch.device("cpu"), retry_s=30, clock=clock)
    for _ in range(5):  # every rerun of every student within 30 s
        with pytest.raises(DataError):
            shared.get()
    assert calls == [False]  # tried once, and never with a download
    clock.now = 31
    with pytest.raises(DataError):
        shared.get()
    assert calls == [False, False]  # tried again after the pause


def test_success_is_loaded_once_for_everyone(monkeypatch, tmp_path):
    calls = []
    sentinel = object()

    def fake_load(root, device, download=True):
        calls.append(1)
        return sentinel

    monkeypatch.setattr(data_module, "load_data", fake_load)
    shared = SharedData(tmp_path, torch.device("cpu"))
    results = []
    threads = [threading.Thread(target=lambda: results.append(shared.get())) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert results == [sentinel] * 8 and calls == [1]


def test_a_load_that_hangs_is_given_up_on(monkeypatch, tmp_path):
    release = threading.Event()

    def hanging_load(root, device, download=True):
        release.wait(30)  # e.g. a network file system that does not answer
        raise DataError("gave up")

    monkeypatch.setattr(data_module, "load_data", hanging_load)
    shared = SharedData(tmp_path, torch.device("cpu"), timeout_s=0.2)
    try:
        with pytest.raises(DataError, match="took longer than 0.2 s"):
            shared.get()
    finally:
        release.set()


def test_students_on_a_hosted_server_get_one_short_line(no_data, monkeypatch):
    monkeypatch.setenv("SOFTMAX_HOSTED", "1")
    at = open_app(page="per_class")
    assert not at.exception
    shown = texts(at)
    assert t("data.missing.title", "en") in shown and t("data.missing.hosted", "en") in shown
    assert "FASHION_MNIST_ROOT" not in shown and str(no_data) not in shown
    assert not at.code  # no folder, no traceback


def test_on_localhost_the_operator_sees_the_folder_and_the_fix(no_data):
    at = open_app(page="per_class")
    assert not at.exception
    assert "FASHION_MNIST_ROOT" in texts(at)
    assert any(str(no_data) in c.value for c in at.code)  # the folder, as plain text
