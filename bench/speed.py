"""Speed and memory: the book's recipe against lib's trainer, same data, same machine.

Run from the repository root (10 epochs of each take a few minutes on a laptop CPU):

    FASHION_MNIST_ROOT=../shared/data .venv/bin/python bench/speed.py
    .venv/bin/python bench/speed.py --data-dir ../shared/data --epochs 2 --skip-book
    .venv/bin/python bench/speed.py --device cuda --json

Both recipes train softmax regression with lr 0.1, batch_size 256, W ~ N(0, 0.01^2),
b = 0 and the naive softmax + cross-entropy:

- book: bench/book.py, Dive into Deep Learning's "softmax regression from
  scratch": torchvision's FashionMNIST with ToTensor on every image,
  DataLoader(shuffle=True, num_workers=4), the book's sgd. Always on the CPU.
- lib:  lib.train.train on lib.data.load_data: whole tensors, index slices.
  On --device (default cpu).

Each recipe runs in its own child process (`bench/speed.py --recipe book|lib`),
which prints one JSON line; this parent prints the table (or, with --json, one
JSON object). Both children import the same modules before anything is timed.

Timings: "load" is reading and converting the data set (for the book, building
the two datasets: its ToTensor runs inside every epoch). An epoch is one pass of
training plus test accuracy over the whole test set. The median epoch is shown
too: on a shared machine one stalled epoch moves the mean a lot.

Memory: "peak extra" is the child's peak RSS minus its RSS right after the
imports (torch alone is ~0.7-0.9 GB), plus, for the book, the peak total private
memory of its 4 DataLoader workers (sampled twice a second; see WorkerMemory).

Bad arguments or data: one line on stderr, exit code 2.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # `python bench/speed.py` finds lib/

RECIPES = ("book", "lib")
LR, BATCH_SIZE = 0.1, 256  # the book's settings
MB = 1024 * 1024


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        self.exit(2, f"error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python bench/speed.py",
                description="Time the book's softmax regression against lib.train.")
    p.add_argument("--epochs", type=int, default=10, help="num_epochs (default 10)")
    p.add_argument("--device", choices=("auto", "cpu", "cuda"), default="cpu",
                   help="device of the lib recipe (the book's always runs on the CPU)")
    p.add_argument("--data-dir", default=None,
                   help="folder holding FashionMNIST/raw/ (default: $FASHION_MNIST_ROOT or ./data)")
    p.add_argument("--json", action="store_true", help="print one JSON object, no table")
    p.add_argument("--skip-book", action="store_true", help="run the lib recipe only")
    p.add_argument("--recipe", choices=RECIPES, help=argparse.SUPPRESS)  # child mode
    return p


# ---------------------------------------------------------------- memory

def rss_mb(field: str = "VmRSS") -> float:
    """This process's RSS now ("VmRSS") or at its peak ("VmHWM"), in MB.

    On Linux this reads /proc/self/status, not getrusage's ru_maxrss: a process
    started by Python's subprocess (vfork + exec) inherits its launcher's peak in
    ru_maxrss, so a child of a 1 GB pytest would report a 1 GB peak. Elsewhere
    ru_maxrss is the best there is (kilobytes on Linux, bytes on macOS).
    """
    try:
        with open("/proc/self/status") as f:
            line = next(l for l in f if l.startswith(field + ":"))
        return int(line.split()[1]) / 1024
    except (OSError, StopIteration):
        scale = 1 if sys.platform == "darwin" else 1024
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / MB


def private_mb(pid: int) -> float:
    """Pages only this process holds (USS): its real cost beside its parent."""
    with open(f"/proc/{pid}/smaps_rollup") as f:
        kb = sum(int(l.split()[1]) for l in f if l.startswith("Private_"))
    return kb / 1024


class WorkerMemory:
    """Peak total private memory of this process's children, sampled in a thread.

    DataLoader workers are forks: their RSS (and RUSAGE_CHILDREN's ru_maxrss)
    counts torch's libraries and the data set they share with the main process,
    so only their private pages are extra. Linux only; elsewhere peak_mb is None.
    """

    def __init__(self, interval: float = 0.5):
        self.interval, self.peak_mb = interval, None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _children(self) -> list[int]:
        pid = os.getpid()
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]

    def _sample(self):
        while not self._stop.is_set():
            try:
                total = 0.0
                for pid in self._children():
                    try:
                        total += private_mb(pid)
                    except OSError:  # the worker just exited
                        pass
            except OSError:  # not Linux, or no /proc children list
                return
            self.peak_mb = max(self.peak_mb or 0.0, total)
            self._stop.wait(self.interval)


def memory_report(baseline_mb: float, workers_mb: float | None) -> dict:
    """Peak extra memory: main process above its post-import RSS, plus workers."""
    peak = rss_mb("VmHWM")
    return {"rss_after_imports_mb": baseline_mb, "peak_rss_mb": peak,
            "self_extra_mb": peak - baseline_mb, "workers_private_mb": workers_mb,
            "peak_extra_mb": peak - baseline_mb + (workers_mb or 0.0)}


# ---------------------------------------------------------------- the book's recipe

def run_book(root, num_epochs: int, baseline_mb: float) -> dict:
    """bench/book.py end to end, timed; always on the CPU."""
    import torch
    from bench import book
    from lib.data import device_label

    from lib.data import DataError, missing_message

    torch.manual_seed(0)
    start = time.perf_counter()
    try:
        train_iter, test_iter = book.load_data_fashion_mnist(str(root), BATCH_SIZE)
    except RuntimeError as exc:  # torchvision: "Dataset not found ..." or a bad file
        raise DataError(missing_message(root, str(exc).strip().splitlines()[0])) from exc
    load_seconds = time.perf_counter() - start
    W, b = book.init_params()
    epoch_seconds = []
    with WorkerMemory() as workers:
        for epoch in range(num_epochs):
            start = time.perf_counter()
            train_loss, train_acc = book.train_epoch_ch3(W, b, train_iter, LR)
            test_acc = book.evaluate_accuracy(W, b, test_iter)
            epoch_seconds.append(time.perf_counter() - start)
    return result("book", device_label(torch.device("cpu")), load_seconds,
                  epoch_seconds, train_loss, train_acc, test_acc,
                  memory_report(baseline_mb, workers.peak_mb))


# ---------------------------------------------------------------- lib's recipe

def run_lib(root, num_epochs: int, device_name: str, baseline_mb: float) -> dict:
    """lib.data.load_data + lib.train.train with the book's settings, timed."""
    import torch
    from lib.data import device_label, load_data, pick_device
    from lib.train import TrainConfig, train

    cfg = TrainConfig(lr=LR, num_epochs=num_epochs, batch_size=BATCH_SIZE,
                      softmax="naive", device=device_name)
    device = pick_device(device_name)
    start = time.perf_counter()
    data = load_data(root, device=device, download=False)
    if device.type == "cuda":
        torch.cuda.synchronize()
    load_seconds = time.perf_counter() - start
    epoch_seconds, start = [], time.perf_counter()
    for record in train(cfg, data):  # each record ends with float(loss): synchronised
        epoch_seconds.append(time.perf_counter() - start)
        start = time.perf_counter()
    return result("lib", device_label(device), load_seconds, epoch_seconds,
                  record.train_loss, record.train_acc, record.test_acc,
                  memory_report(baseline_mb, 0.0))  # no worker processes


# ---------------------------------------------------------------- child process

def result(recipe, device, load_seconds, epoch_seconds, train_loss, train_acc,
           test_acc, memory) -> dict:
    """One child's JSON line."""
    return {"recipe": recipe, "device": device, "epochs": len(epoch_seconds),
            "load_seconds": load_seconds,
            "first_epoch_seconds": epoch_seconds[0],
            "mean_epoch_seconds": sum(epoch_seconds) / len(epoch_seconds),
            "median_epoch_seconds": statistics.median(epoch_seconds),
            "total_seconds": sum(epoch_seconds),
            "epoch_seconds": epoch_seconds,
            "train_loss": train_loss, "train_acc": train_acc, "test_acc": test_acc,
            **memory}


def child_main(args) -> int:
    """Import everything both recipes need, note the RSS, run one recipe."""
    import bench.book  # noqa: F401  (torch, torchvision, lib.softmax)
    import lib.train  # noqa: F401  (lib.data, lib.metrics)
    from lib.data import DataError, data_root

    baseline_mb = rss_mb()
    root = data_root(args.data_dir)
    try:
        if args.recipe == "book":
            out = run_book(root, args.epochs, baseline_mb)
        else:
            out = run_lib(root, args.epochs, args.device, baseline_mb)
    except (DataError, ValueError) as exc:  # no data, or a bad --device
        return _fail(str(exc))
    print(json.dumps(out), flush=True)
    return 0


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


# ---------------------------------------------------------------- parent process

class ChildFailed(Exception):
    def __init__(self, code: int, line: str):
        super().__init__(line)
        self.code = code


def run_child(recipe: str, args) -> dict:
    """Run one recipe in a fresh Python; its last stdout line is its JSON."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--recipe", recipe,
           "--epochs", str(args.epochs), "--device", args.device]
    if args.data_dir:
        cmd += ["--data-dir", args.data_dir]
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
    if proc.returncode != 0:
        lines = proc.stderr.strip().splitlines()
        line = lines[-1] if lines else f"error: the {recipe} run exited with code {proc.returncode}"
        raise ChildFailed(proc.returncode, line)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def compare(book: dict | None, lib: dict) -> dict:
    """Speed-up (book s/epoch / lib s/epoch) and accuracy difference in points."""
    if book is None:
        return {"speedup": None, "speedup_median": None, "accuracy_diff_points": None}
    return {"speedup": book["mean_epoch_seconds"] / lib["mean_epoch_seconds"],
            "speedup_median": book["median_epoch_seconds"] / lib["median_epoch_seconds"],
            "accuracy_diff_points": 100 * (lib["test_acc"] - book["test_acc"])}


ROWS = (  # (label, key, format)
    ("device", "device", "{}"),
    ("data load + convert, s", "load_seconds", "{:.2f}"),
    ("first epoch, s", "first_epoch_seconds", "{:.2f}"),
    ("mean epoch, s", "mean_epoch_seconds", "{:.2f}"),
    ("median epoch, s", "median_epoch_seconds", "{:.2f}"),
    ("total {epochs}, s (no load)", "total_seconds", "{:.1f}"),
    ("final test accuracy", "test_acc", "{:.4f}"),
    ("peak extra memory, MB", "peak_extra_mb", "{:.0f}"),
    ("  main process, MB", "self_extra_mb", "{:.0f}"),
    ("  workers (private), MB", "workers_private_mb", "{:.0f}"),
)


def _cell(fmt: str, value) -> str:
    return "n/a" if value is None else fmt.format(value)


def epochs_text(n: int) -> str:
    return f"{n} epoch" + ("" if n == 1 else "s")


def print_table(book: dict | None, lib: dict, summary: dict, num_epochs: int) -> None:
    print(f"softmax regression on Fashion-MNIST: {epochs_text(num_epochs)}, lr {LR}, "
          f"batch_size {BATCH_SIZE}, naive softmax")
    print(f"{'':<30}{'book (DataLoader)':>20}{'lib (whole tensors)':>22}")
    for label, key, fmt in ROWS:
        left = _cell(fmt, book[key]) if book else "skipped"
        print(f"{label.format(epochs=epochs_text(num_epochs)):<30}{left:>20}"
              f"{_cell(fmt, lib[key]):>22}")
    if book:
        print(f"speed-up, book s/epoch / lib s/epoch: {summary['speedup']:.1f}x by the mean, "
              f"{summary['speedup_median']:.1f}x by the median")
        print(f"test accuracy, lib - book: {summary['accuracy_diff_points']:+.2f} points")


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not 1 <= args.epochs <= 200:
        parser.error(f"--epochs must be between 1 and 200, got {args.epochs}")
    if args.recipe:
        return child_main(args)
    runs = {}
    try:  # lib first: a bad data folder or device fails in seconds
        for recipe in ("lib",) + (() if args.skip_book else ("book",)):
            if recipe == "book" and not args.json:
                print(f"running the book recipe, {epochs_text(args.epochs)} ...", flush=True)
            runs[recipe] = run_child(recipe, args)
    except ChildFailed as exc:
        print(exc, file=sys.stderr)
        return exc.code
    book, lib = runs.get("book"), runs["lib"]
    summary = {"epochs": args.epochs, "book": book, "lib": lib, **compare(book, lib)}
    if args.json:
        print(json.dumps(summary))
    else:
        print_table(book, lib, summary, args.epochs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
