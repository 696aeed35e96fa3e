"""The loader on tiny IDX files written here, and the clear error for bad ones."""

import struct

import numpy as np
import pytest
import torch

from lib.data import RAW_FILES, ROOT_ENV, DataError, data_root, load_data, minibatch_indices

TINY = {"train": 6, "test": 4}


def _write_idx(path, array, magic):
    with open(path, "wb") as f:
        f.write(struct.pack(">I", magic))
        for dim in array.shape:
            f.write(struct.pack(">I", dim))
        f.write(array.astype(np.uint8).tobytes())


def write_tiny_fashion_mnist(root, sizes=TINY):
    """Four real IDX files in root/FashionMNIST/raw, with known pixels and labels."""
    raw = root / "FashionMNIST" / "raw"
    raw.mkdir(parents=True)
    for prefix, split in (("train", "train"), ("t10k", "test")):
        n = sizes[split]
        images = (np.arange(n * 784) % 256).reshape(n, 28, 28)
        labels = np.arange(n) % 10
        _write_idx(raw / f"{prefix}-images-idx3-ubyte", images, 0x00000803)
        _write_idx(raw / f"{prefix}-labels-idx1-ubyte", labels, 0x00000801)
    return raw


def test_tiny_files_become_flat_float_tensors(tmp_path):
    write_tiny_fashion_mnist(tmp_path)
    data = load_data(tmp_path, download=False, sizes=TINY)
    assert data.X_train.shape == (6, 784) and data.X_train.dtype == torch.float32
    assert data.X_test.shape == (4, 784)
    assert data.y_train.dtype == torch.int64
    assert data.y_train.tolist() == [0, 1, 2, 3, 4, 5]
    assert float(data.X_train.min()) >= 0.0 and float(data.X_train.max()) <= 1.0
    torch.testing.assert_close(data.X_train[0, :3], torch.tensor([0, 1, 2]) / 255)


def test_root_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv(ROOT_ENV, str(tmp_path))
    assert data_root() == tmp_path
    assert data_root("elsewhere").name == "elsewhere"
    monkeypatch.delenv(ROOT_ENV)
    assert str(data_root()) == "data"


def _assert_clear(exc_info, folder):
    message = str(exc_info.value)
    assert str(folder.resolve()) in message
    assert all(name in message for name in RAW_FILES)
    assert ROOT_ENV in message
    # how anyone gets the files: the download, or a copy they already have (no folder that
    # only this repository's developers have)
    assert f"python -m lib.data fetch --root {folder}" in message
    assert "shared" not in message


def test_missing_files_give_the_clear_error(tmp_path):
    with pytest.raises(DataError) as exc_info:
        load_data(tmp_path, download=False)
    _assert_clear(exc_info, tmp_path)
    assert "missing" in str(exc_info.value)


def test_failed_download_gives_the_clear_error(tmp_path, monkeypatch):
    from torchvision.datasets import FashionMNIST

    def no_network(self):
        raise RuntimeError("Error downloading train-images-idx3-ubyte.gz")

    monkeypatch.setattr(FashionMNIST, "download", no_network)
    with pytest.raises(DataError) as exc_info:
        load_data(tmp_path, download=True)
    _assert_clear(exc_info, tmp_path)
    assert "download failed" in str(exc_info.value)


def test_truncated_file_gives_the_clear_error(tmp_path):
    raw = write_tiny_fashion_mnist(tmp_path)
    path = raw / "train-images-idx3-ubyte"
    path.write_bytes(path.read_bytes()[:1000])
    with pytest.raises(DataError) as exc_info:
        load_data(tmp_path, download=False, sizes=TINY)
    _assert_clear(exc_info, tmp_path)


def test_corrupt_header_gives_the_clear_error(tmp_path):
    raw = write_tiny_fashion_mnist(tmp_path)
    (raw / "t10k-labels-idx1-ubyte").write_bytes(b"this is not an IDX file at all")
    with pytest.raises(DataError) as exc_info:
        load_data(tmp_path, download=False, sizes=TINY)
    _assert_clear(exc_info, tmp_path)


def test_wrong_sizes_give_the_clear_error(tmp_path):
    write_tiny_fashion_mnist(tmp_path)
    with pytest.raises(DataError) as exc_info:
        load_data(tmp_path, download=False)  # expects 60,000 / 10,000
    _assert_clear(exc_info, tmp_path)
    assert "60000" in str(exc_info.value)


def test_labels_outside_0_to_9_give_the_clear_error(tmp_path):
    raw = write_tiny_fashion_mnist(tmp_path)
    _write_idx(raw / "train-labels-idx1-ubyte", np.array([0, 1, 2, 3, 4, 12]), 0x00000801)
    with pytest.raises(DataError, match="0-9"):
        load_data(tmp_path, download=False, sizes=TINY)


def test_minibatches_are_a_seeded_permutation():
    batches = list(minibatch_indices(10, 4, torch.Generator().manual_seed(3)))
    assert [len(b) for b in batches] == [4, 4, 2]
    assert sorted(torch.cat(batches).tolist()) == list(range(10))
    again = list(minibatch_indices(10, 4, torch.Generator().manual_seed(3)))
    assert all(torch.equal(a, b) for a, b in zip(batches, again))


def test_class_names_in_both_languages():
    from lib.i18n import class_names

    assert class_names("en")[9] == "ankle boot"
    assert class_names("zh")[0] == "T恤"
    assert len(set(class_names("zh"))) == 10


def test_real_data_has_the_published_shape(real_data):
    assert real_data.X_train.shape == (60000, 784)
    assert real_data.X_test.shape == (10000, 784)
    assert torch.bincount(real_data.y_test).tolist() == [1000] * 10
