"""Fashion-MNIST as whole tensors on one device.

torchvision reads (or downloads) the IDX files; each split is then converted
once to a float32 (N, 784) tensor in [0, 1] and an int64 label tensor.
Minibatches are index slices of a seeded permutation: no per-sample ToTensor,
no DataLoader workers.

    from lib.data import load_data
    data = load_data()            # root from FASHION_MNIST_ROOT, default ./data
    data.X_train.shape            # torch.Size([60000, 784])

On a server, SharedData loads once per process, never downloads because a
student clicked, and remembers a failure for a while instead of retrying on
every rerun. Operators fetch the files beforehand with

    python -m lib.data fetch --root /srv/fashion-mnist
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import torch

ROOT_ENV = "FASHION_MNIST_ROOT"
DEFAULT_ROOT = "./data"
RAW_FILES = (
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)
SPLIT_SIZES = {"train": 60_000, "test": 10_000}
NUM_INPUTS = 28 * 28  # each image is flattened to a vector of 784 pixels
NUM_OUTPUTS = 10  # ten clothing classes (their names: lib.i18n.class_names)


class DataError(RuntimeError):
    """The data set is missing or unreadable; the message says how to fix it."""


def data_root(root: str | os.PathLike | None = None) -> Path:
    """The folder that holds FashionMNIST/raw/: argument, then env, then ./data."""
    return Path(root or os.environ.get(ROOT_ENV) or DEFAULT_ROOT)


def pick_device(name: str = "auto") -> torch.device:
    """'auto' picks CUDA, then Apple's MPS, then the CPU."""
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if torch.backends.mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise ValueError("device 'cuda' was asked for, but no CUDA GPU is available")
    if name == "mps" and not torch.backends.mps.is_available():
        raise ValueError("device 'mps' was asked for, but Apple's MPS is not available")
    if name not in ("cpu", "cuda", "mps"):
        raise ValueError(f"unknown device {name!r}: use auto, cpu, cuda or mps")
    return torch.device(name)


def device_label(device: torch.device) -> str:
    """A short human name: 'cuda · NVIDIA H200', 'mps', 'cpu · 2 threads'."""
    if device.type == "cuda":
        return f"cuda · {torch.cuda.get_device_name(device)}"
    if device.type == "cpu":
        threads = torch.get_num_threads()
        return f"cpu · {threads} thread{'s' if threads > 1 else ''}"
    return device.type


@dataclass(frozen=True)
class FashionMNIST:
    """Both splits as tensors: X (N, 784) float32 in [0, 1], y (N,) int64."""

    X_train: torch.Tensor
    y_train: torch.Tensor
    X_test: torch.Tensor
    y_test: torch.Tensor

    @property
    def device(self) -> torch.device:
        return self.X_train.device

    def split(self, name: str) -> tuple[torch.Tensor, torch.Tensor]:
        """(X, y) of the "train" or "test" split."""
        if name not in SPLIT_SIZES:
            raise ValueError(f"unknown split {name!r}: use train or test")
        return (self.X_train, self.y_train) if name == "train" else (self.X_test, self.y_test)

    def to(self, device: torch.device | str) -> FashionMNIST:
        device = torch.device(device)
        if device == self.device:
            return self
        return FashionMNIST(
            *(t.to(device) for t in (self.X_train, self.y_train, self.X_test, self.y_test))
        )


def missing_message(root: Path, reason: str) -> str:
    files = ", ".join(RAW_FILES)
    return (
        f"Fashion-MNIST could not be loaded from {root.resolve()}/FashionMNIST/raw/ "
        f"({reason}). With internet access, download them there: python -m lib.data fetch "
        f"--root {root}. Or put the four files there yourself ({files}), or set {ROOT_ENV} "
        "to a folder that already holds FashionMNIST/raw/ with them."
    )


def _missing_files(root: Path) -> list[str]:
    raw = root / "FashionMNIST" / "raw"
    return [name for name in RAW_FILES if not (raw / name).is_file()]


def _read_split(root: Path, train: bool, download: bool):
    from torchvision.datasets import FashionMNIST as TorchvisionFashionMNIST

    missing = _missing_files(root)
    try:
        ds = TorchvisionFashionMNIST(str(root), train=train, download=download)
    except Exception as exc:  # no files and no network, or unreadable files
        if missing:
            reason = f"missing {', '.join(missing)}" + (
                " and the download failed" if download else ", download is off"
            )
        else:
            detail = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            reason = f"a file is truncated or corrupt: {type(exc).__name__} {detail}".strip()
        raise DataError(missing_message(root, reason)) from exc
    return ds.data, ds.targets


def _to_tensors(images: torch.Tensor, labels: torch.Tensor, split: str, root: Path, sizes: dict):
    n = sizes[split]
    if tuple(images.shape) != (n, 28, 28) or tuple(labels.shape) != (n,):
        raise DataError(
            missing_message(
                root,
                f"the {split} split has images {tuple(images.shape)} and labels "
                f"{tuple(labels.shape)}, expected ({n}, 28, 28) and ({n},)",
            )
        )
    if int(labels.min()) < 0 or int(labels.max()) >= NUM_OUTPUTS:
        raise DataError(missing_message(root, f"the {split} labels are not all in 0-9"))
    X = images.reshape(n, NUM_INPUTS).to(torch.float32)  # (n, 28, 28) -> (n, 784)
    X /= 255  # in place: [0, 255] -> [0, 1]
    return X, labels.to(torch.int64)


def load_data(
    root=None, device: str | torch.device = "cpu", download: bool = True, sizes: dict = SPLIT_SIZES
) -> FashionMNIST:
    """Read both splits once and put them on `device`.

    Raises DataError with a message naming the folder, the four files and
    FASHION_MNIST_ROOT when the files are missing, truncated or corrupt.
    `sizes` is the number of images expected per split (tests pass tiny ones).
    """
    root = data_root(root)
    tensors = []
    for split, train in (("train", True), ("test", False)):
        images, labels = _read_split(root, train, download)
        tensors.extend(_to_tensors(images, labels, split, root, sizes))
    device = pick_device(device) if isinstance(device, str) else device
    return FashionMNIST(*tensors).to(device)


def minibatch_indices(
    n: int, batch_size: int, generator: torch.Generator, device: torch.device | str = "cpu"
) -> Iterator[torch.Tensor]:
    """Index slices of one seeded random permutation of range(n).

    The permutation is drawn on the CPU (same seed, same order on any device),
    then moved to the data's device once per epoch.
    """
    perm = torch.randperm(n, generator=generator).to(device)
    for start in range(0, n, batch_size):
        yield perm[start : start + batch_size]


class SharedData:
    """Fashion-MNIST for a server process: loaded once, never downloaded, failures remembered.

    get() returns the data, or raises DataError. A load that takes longer than
    timeout_s is given up on (it may still finish, and is used then); after a
    failure, get() raises the same error for retry_s seconds without touching
    the disk, then tries again (so files dropped in later are picked up).
    """

    def __init__(
        self,
        root,
        device: torch.device,
        timeout_s: float = 60.0,
        retry_s: float = 30.0,
        clock=time.monotonic,
    ):
        self.root, self.device = data_root(root), device
        self.timeout_s, self.retry_s, self._clock = timeout_s, retry_s, clock
        self._lock = threading.Lock()
        self._data: FashionMNIST | None = None
        self._error: DataError | None = None
        self._failed_at = -float("inf")

    def get(self) -> FashionMNIST:
        with self._lock:
            if self._data is not None:
                return self._data
            if self._clock() - self._failed_at < self.retry_s:
                raise self._error
            try:
                self._data = self._load_with_timeout()
                return self._data
            except DataError as exc:
                self._error, self._failed_at = exc, self._clock()
                logging.getLogger(__name__).error(
                    "%s Fix it once for everyone: python -m lib.data fetch --root %s "
                    "(with internet access), or copy the files there.",
                    exc,
                    self.root,
                )
                raise

    def _load_with_timeout(self) -> FashionMNIST:
        box: dict = {}

        def work():
            try:
                box["data"] = load_data(self.root, self.device, download=False)
            except DataError as exc:
                box["error"] = exc
            except Exception as exc:  # noqa: BLE001 - any failure becomes a DataError
                box["error"] = DataError(missing_message(self.root, f"{type(exc).__name__}: {exc}"))

        worker = threading.Thread(target=work, daemon=True, name="fashion-mnist-load")
        worker.start()
        worker.join(self.timeout_s)
        if worker.is_alive():
            raise DataError(
                missing_message(self.root, f"loading took longer than {self.timeout_s:g} s")
            )
        if "error" in box:
            raise box["error"]
        return box["data"]


def fetch(root=None) -> Path:
    """Download the four files into root/FashionMNIST/raw/ (for operators, before class)."""
    root = data_root(root)
    load_data(root, download=True)
    return root


def main(argv=None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m lib.data", description="Fetch or check Fashion-MNIST for the app."
    )
    p.add_argument(
        "action",
        choices=("fetch", "check"),
        help="fetch: download the files if missing, then check them; check: only check",
    )
    p.add_argument(
        "--root",
        default=None,
        help=f"folder to hold FashionMNIST/raw/ (default: ${ROOT_ENV} or {DEFAULT_ROOT})",
    )
    args = p.parse_args(argv)
    try:
        if args.action == "fetch":
            root = fetch(args.root)
        else:
            root = data_root(args.root)
            load_data(root, download=False)
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(
        f"ok: Fashion-MNIST is complete in {root.resolve()}/FashionMNIST/raw/ "
        f"(set {ROOT_ENV}={root.resolve()})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
