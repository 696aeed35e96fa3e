"""Speed and memory: the book's recipe and the app's three trainers, same data, same machine.

Run from the repository root (10 epochs of each take a few minutes on a laptop CPU):

    FASHION_MNIST_ROOT=../shared/data .venv/bin/python bench/speed.py
    .venv/bin/python bench/speed.py --data-dir ../shared/data --epochs 2 --only scratch,concise
    .venv/bin/python bench/speed.py --mindspore-modes --markdown   # the table of docs/benchmarks.md
    .venv/bin/python bench/speed.py --device cuda --json

Every recipe trains softmax regression with lr 0.1, batch_size 256,
W ~ N(0, 0.01^2), b = 0 and the naive softmax + cross-entropy:

- book:      bench/book.py, Dive into Deep Learning's "softmax regression from
             scratch": torchvision's FashionMNIST with ToTensor on every image,
             DataLoader(shuffle=True, num_workers=4), the book's sgd. Always on the CPU.
- scratch:   lib.trainers' from-scratch trainer on lib.data's whole tensors. On --device.
- concise:   lib/concise.py, nn.Linear + torch.optim.SGD on the same tensors. On --device.
- mindspore: lib/trainers/mindspore.py, a jitted step per minibatch (gather, forward,
             backward, update and the running sums inside one call). MindSpore's own
             device (the CPU wheel: CPU). "n/a" with the reason when MindSpore is missing.
- stacked:   not a column but a row of its own, "30 runs stacked vs one at a
             time": --runs runs (default 30) of one seed and batch_size 256, the
             stable softmax, each run its own lr (log-spaced, 0.001 to 0.1: runs with
             the same settings would share one lane), trained as one stacked model
             (lib.trainers.stacked.train_stacked)
             and then one run after another (lib.trainers.train), in the same
             process, on --device: milliseconds per run-epoch each way (epoch 0's
             evaluation included), their ratio, the largest |W_stacked - W_alone|
             and memory. Quick on its own: `--only stacked --epochs 2`.
With --mindspore-modes, two more ways of running the same MindSpore model:
- mindspore-pynative: the same step run eagerly (PyNative), op by op from Python;
- mindspore-host:     a jitted step on a minibatch gathered eagerly in Python, its
                      loss and accuracy added to the sums eagerly: five calls into
                      MindSpore per minibatch instead of one.

Each recipe runs in its own child process (`bench/speed.py --recipe NAME`),
which prints one JSON line (exit code 3: the recipe cannot run here, e.g.
MindSpore missing); this parent prints the table (--markdown: as a Markdown
table, as in docs/benchmarks.md; --json: one JSON object). Each child imports
what its recipe needs before anything is timed.

Timings: "load" is reading and converting the data set (for the book, building
the two datasets: its ToTensor runs inside every epoch). An epoch is one pass of
training plus test accuracy over the whole test set. The median epoch is shown
too: on a shared machine one stalled epoch moves the mean a lot; the CPU time
per epoch (all threads of the process, from psutil) moves less with the load.

Memory: "peak extra" is the child's peak RSS minus its RSS right after the
imports (torch alone is ~0.7-0.9 GB), plus, for the book, the peak total private
memory (USS) of its 4 DataLoader workers, sampled twice a second (WorkerMemory).

Bad arguments or data: one line on stderr, exit code 2.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import resource
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]

TITLES = {  # recipe -> column title
    "book": "book (DataLoader)",
    "scratch": "scratch (tensors)",
    "concise": "concise (torch.nn)",
    "mindspore": "MindSpore (jit)",
    "mindspore-pynative": "MindSpore PyNative",
    "mindspore-host": "MindSpore host loop",
    "stacked": "runs stacked vs one at a time",
}
RECIPES = tuple(TITLES)
DEFAULT_RECIPES = ("scratch", "concise", "mindspore", "stacked", "book")
ROW_RECIPES = ("stacked",)  # a row of their own, not a column of the trainers' table
MINDSPORE_MODES = ("mindspore-pynative", "mindspore-host")
LR, BATCH_SIZE = 0.1, 256  # the book's settings
MB = 1024 * 1024
UNAVAILABLE = 3  # a child's exit code: this recipe cannot run here


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        self.exit(2, f"error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="python bench/speed.py",
        description="Time the book's softmax regression against the app's trainers.",
    )
    p.add_argument("--epochs", type=int, default=10, help="num_epochs (default 10)")
    p.add_argument(
        "--device",
        choices=("auto", "cpu", "cuda"),
        default="cpu",
        help="device of scratch and concise (the book's always runs on the CPU, "
        "MindSpore on its own device)",
    )
    p.add_argument(
        "--data-dir",
        default=None,
        help="folder holding FashionMNIST/raw/ (default: $FASHION_MNIST_ROOT or ./data)",
    )
    p.add_argument(
        "--only",
        default=None,
        help="comma-separated recipes to run (default: "
        + ",".join(DEFAULT_RECIPES)
        + f"; all: {','.join(RECIPES)})",
    )
    p.add_argument(
        "--runs",
        type=int,
        default=30,
        help="runs of the stacked recipe, trained stacked and one at a time (default 30)",
    )
    p.add_argument("--skip-book", action="store_true", help="leave the book's recipe out")
    p.add_argument(
        "--mindspore-modes",
        action="store_true",
        help="also run MindSpore eagerly and with a host-side loop",
    )
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print one JSON object, no table")
    out.add_argument(
        "--markdown",
        action="store_true",
        help="print the table in Markdown, as docs/benchmarks.md holds it",
    )
    p.add_argument(
        "--from-json",
        metavar="FILE",
        default=None,
        help="run nothing: print the table of a saved --json output",
    )
    p.add_argument("--recipe", choices=RECIPES, help=argparse.SUPPRESS)  # child mode
    return p


def chosen_recipes(args) -> list[str]:
    """The recipes to run, in running order (fast ones first: bad data fails in seconds)."""
    if args.only:
        names = [n.strip() for n in args.only.split(",") if n.strip()]
        unknown = [n for n in names if n not in RECIPES]
        if unknown or not names:
            raise ValueError(
                f"--only: unknown recipe {', '.join(unknown) or '(none)'}; "
                f"choose from {', '.join(RECIPES)}"
            )
    else:
        names = list(DEFAULT_RECIPES)
    if args.mindspore_modes:
        names += [n for n in MINDSPORE_MODES if n not in names]
    if args.skip_book:
        names = [n for n in names if n != "book"]
    return sorted(dict.fromkeys(names), key=lambda n: n == "book")  # the book last


# ---------------------------------------------------------------- memory


def rss_mb() -> float:
    """This process's resident memory now, in MB (psutil)."""
    return psutil.Process().memory_info().rss / MB


def peak_rss_mb() -> float:
    """This process's peak resident memory, in MB.

    psutil reports a peak only on Windows (peak_wset). On Linux this reads
    VmHWM from /proc/self/status, not getrusage's ru_maxrss: a process started
    by Python's subprocess (vfork + exec) inherits its launcher's peak in
    ru_maxrss, so a child of a 1 GB pytest would report a 1 GB peak. Elsewhere
    ru_maxrss is the best there is (kilobytes on Linux, bytes on macOS).
    """
    info = psutil.Process().memory_info()
    if hasattr(info, "peak_wset"):
        return info.peak_wset / MB
    try:
        with open("/proc/self/status") as f:
            line = next(line for line in f if line.startswith("VmHWM:"))
        return int(line.split()[1]) / 1024
    except (OSError, StopIteration):
        scale = 1 if sys.platform == "darwin" else 1024
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / MB


def cpu_seconds() -> float:
    """CPU time of this process so far, all threads, user + system (psutil)."""
    times = psutil.Process().cpu_times()
    return times.user + times.system


class WorkerMemory:
    """Peak total private memory (USS) of this process's children, sampled in a thread.

    DataLoader workers are forks: their RSS counts torch's libraries and the
    data set they share with the main process, so only their private pages are
    extra. USS comes from psutil's memory_full_info (Linux, macOS, Windows);
    where it cannot be read, peak_mb stays None.
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

    def _sample(self):
        me = psutil.Process()
        while not self._stop.is_set():
            total = 0.0
            for child in me.children(recursive=True):
                try:
                    total += child.memory_full_info().uss / MB
                except psutil.NoSuchProcess:  # the worker just exited
                    pass
                except psutil.AccessDenied:
                    return
            self.peak_mb = max(self.peak_mb or 0.0, total)
            self._stop.wait(self.interval)


def memory_report(baseline_mb: float, workers_mb: float | None) -> dict:
    """Peak extra memory: main process above its post-import RSS, plus workers."""
    peak = peak_rss_mb()
    return {
        "rss_after_imports_mb": baseline_mb,
        "peak_rss_mb": peak,
        "self_extra_mb": peak - baseline_mb,
        "workers_private_mb": workers_mb,
        "peak_extra_mb": peak - baseline_mb + (workers_mb or 0.0),
    }


class Clock:
    """Wall and CPU seconds of each epoch."""

    def __init__(self):
        self.wall, self.cpu = [], []
        self.restart()

    def restart(self):
        self._wall, self._cpu = time.perf_counter(), cpu_seconds()

    def lap(self):
        self.wall.append(time.perf_counter() - self._wall)
        self.cpu.append(cpu_seconds() - self._cpu)
        self.restart()


# ---------------------------------------------------------------- the book's recipe


def run_book(root, num_epochs: int, baseline_mb: float) -> dict:
    """bench/book.py end to end, timed; always on the CPU."""
    import torch

    from bench import book
    from lib.data import DataError, device_label, missing_message

    torch.manual_seed(0)
    start = time.perf_counter()
    try:
        train_iter, test_iter = book.load_data_fashion_mnist(str(root), BATCH_SIZE)
    except RuntimeError as exc:  # torchvision: "Dataset not found ..." or a bad file
        raise DataError(missing_message(root, str(exc).strip().splitlines()[0])) from exc
    load_seconds = time.perf_counter() - start
    W, b = book.init_params()
    clock = Clock()
    with WorkerMemory() as workers:
        for _ in range(num_epochs):
            train_loss, train_acc = book.train_epoch_ch3(W, b, train_iter, LR)
            test_acc = book.evaluate_accuracy(W, b, test_iter)
            clock.lap()
    return result(
        "book",
        device_label(torch.device("cpu")),
        load_seconds,
        clock,
        train_loss,
        train_acc,
        test_acc,
        memory_report(baseline_mb, workers.peak_mb),
    )


# ---------------------------------------------------------------- the app's trainers


def load_timed(root, device):
    import torch

    from lib.data import load_data

    start = time.perf_counter()
    data = load_data(root, device=device, download=False)
    if device.type == "cuda":
        torch.cuda.synchronize()
    return data, time.perf_counter() - start


def run_trainer(recipe: str, root, num_epochs: int, device_name: str, baseline_mb: float) -> dict:
    """lib.trainers.train (scratch, concise or mindspore) with the book's settings, timed."""
    from lib.data import device_label, pick_device
    from lib.trainers import TrainConfig, train

    framework = recipe.split("-")[0]
    cpu_only = framework == "mindspore"  # MindSpore converts the CPU tensors itself
    device = pick_device("cpu" if cpu_only else device_name)
    cfg = TrainConfig(
        lr=LR,
        num_epochs=num_epochs,
        batch_size=BATCH_SIZE,
        softmax="naive",
        framework=framework,
        device="auto" if cpu_only else device_name,
    )
    data, load_seconds = load_timed(root, device)
    if recipe == "mindspore-host":
        records = mindspore_host_loop(cfg, data)
    elif recipe == "mindspore-pynative":
        from lib.trainers.mindspore import train_mindspore

        records = train_mindspore(cfg, data, jit=False)
    else:
        records = train(cfg, data)
    clock, last = Clock(), None
    for record in records:  # each record ends with a read of the loss: synchronised
        clock.lap()
        last = record
    label = mindspore_label() if cpu_only else device_label(device)
    return result(
        recipe,
        label,
        load_seconds,
        clock,
        last.train_loss,
        last.train_acc,
        last.test_acc,
        memory_report(baseline_mb, 0.0),
    )  # no worker processes


def stacked_configs(runs: int, num_epochs: int, device_name: str) -> list:
    """The stacked recipe's runs: one seed and batch size, every run its own lr (log-spaced
    from 0.001 to 0.1), so that no two share a lane (lib.trainers.stacked.lanes: runs with the
    same settings would be trained once, which is not what this row measures)."""
    from lib.trainers import TrainConfig

    return [
        TrainConfig(
            lr=round(0.001 * 100 ** (i / max(1, runs - 1)), 6),
            num_epochs=num_epochs,
            batch_size=BATCH_SIZE,
            softmax="stable",
            device=device_name,
        )
        for i in range(runs)
    ]


def run_stacked(root, runs: int, num_epochs: int, device_name: str, baseline_mb: float) -> dict:
    """`runs` runs trained one at a time, then stacked, in this process: ms per run-epoch."""
    import torch

    from lib.data import device_label, pick_device
    from lib.trainers import train
    from lib.trainers.stacked import train_stacked

    device = pick_device(device_name)
    data, load_seconds = load_timed(root, device)
    cfgs = stacked_configs(runs, num_epochs, device_name)
    warm = [dataclasses.replace(c, num_epochs=1) for c in cfgs[:2]]  # first calls, untimed
    list(train_stacked(warm, small_slice(data)))
    list(train(warm[0], small_slice(data)))

    start, cpu_start, alone = time.perf_counter(), cpu_seconds(), {}
    for i, cfg in enumerate(cfgs):
        alone[i] = list(train(cfg, data))[-1]
    alone_seconds, alone_cpu = time.perf_counter() - start, cpu_seconds() - cpu_start
    alone_peak = peak_rss_mb() - baseline_mb

    start, cpu_start, together = time.perf_counter(), cpu_seconds(), {}
    for i, record in train_stacked(cfgs, data):
        together[i] = record
    stacked_seconds, stacked_cpu = time.perf_counter() - start, cpu_seconds() - cpu_start

    run_epochs = sum(r.epoch for r in alone.values())  # every run trains all its epochs
    dW = [float((together[i].W - alone[i].W).abs().max()) for i in alone]
    d_acc = [abs(together[i].test_acc - alone[i].test_acc) for i in alone]
    return {
        "recipe": "stacked",
        "device": device_label(device),
        "runs": runs,
        "epochs": num_epochs,
        "lrs": [c.lr for c in cfgs],
        "softmax": "stable",
        "load_seconds": load_seconds,
        "alone_seconds": alone_seconds,
        "stacked_seconds": stacked_seconds,
        "alone_ms_per_run_epoch": 1000 * alone_seconds / run_epochs,
        "stacked_ms_per_run_epoch": 1000 * stacked_seconds / run_epochs,
        "alone_cpu_ms_per_run_epoch": 1000 * alone_cpu / run_epochs,
        "stacked_cpu_ms_per_run_epoch": 1000 * stacked_cpu / run_epochs,
        "speedup": alone_seconds / stacked_seconds,
        "max_abs_dW": max(dW),
        "max_abs_dW_lr_le_0_1": max(d for d, c in zip(dW, cfgs) if c.lr <= 0.1),
        "max_test_acc_diff": max(d_acc),
        "alone_peak_extra_mb": alone_peak,
        "peak_extra_mb": peak_rss_mb() - baseline_mb,
        "torch_threads": torch.get_num_threads(),
    }


def small_slice(data):
    """The first 2,560 training and 1,000 test images: enough to warm up every op."""
    from lib.data import FashionMNIST

    n, m = 2560, 1000
    return FashionMNIST(data.X_train[:n], data.y_train[:n], data.X_test[:m], data.y_test[:m])


def mindspore_label() -> str:
    import mindspore as ms

    return f"{ms.get_context('device_target').lower()} · MindSpore {ms.__version__}"


def mindspore_host_loop(cfg, data):
    """The same model run the plain way: per minibatch, gather it eagerly, call a jitted
    step on it, add its loss and accuracy to the sums eagerly (records like the trainer's)."""
    import mindspore as ms
    import torch
    from mindspore import Tensor, ops

    from lib.data import minibatch_indices
    from lib.trainers import EpochRecord
    from lib.trainers import mindspore as M
    from lib.trainers.contract import init_weights

    generator = torch.Generator().manual_seed(cfg.seed)
    X, y, X_test, y_test = M.to_mindspore(data)
    net = M.SoftmaxRegression(*(t.numpy() for t in init_weights(cfg, generator)))
    loss = M.LOSSES[cfg.softmax]
    params = net.trainable_params()

    def forward(X, y):
        O = net(X)
        l = loss(O, y)
        return l.sum(), O

    grad_fn = ms.value_and_grad(forward, None, params, has_aux=True)

    @ms.jit
    def step(X, y):
        (l_sum, O), grads = grad_fn(X, y)
        M.sgd(params, grads, cfg.lr, X.shape[0])
        return l_sum, (O.argmax(axis=1) == y).astype(ms.int32).sum()

    yield EpochRecord(
        0, *M.evaluate(net, loss, X, y), M.evaluate(net, loss, X_test, y_test)[1], 0.0
    )
    n = y.shape[0]
    for epoch in range(1, cfg.num_epochs + 1):
        loss_sum, right = Tensor(0.0, ms.float32), Tensor(0, ms.int32)
        for idx in minibatch_indices(n, cfg.batch_size, generator):
            idx = Tensor(idx.numpy())
            l_sum, right_now = step(ops.gather(X, idx, 0), ops.gather(y, idx, 0))
            loss_sum, right = loss_sum + l_sum, right + right_now
        test_acc = M.evaluate(net, loss, X_test, y_test)[1]
        yield EpochRecord(
            epoch, float(loss_sum.asnumpy()) / n, int(right.asnumpy()) / n, test_acc, 0.0
        )


# ---------------------------------------------------------------- child process


def result(
    recipe, device, load_seconds, clock: Clock, train_loss, train_acc, test_acc, memory
) -> dict:
    """One child's JSON line. For the trainers, epoch_seconds[0] is the epoch-0 record
    (evaluation of the random start, and MindSpore's first compile), so the epochs are
    the laps after it."""
    wall, cpu = clock.wall, clock.cpu
    if recipe != "book":
        wall, cpu = wall[1:], cpu[1:]
    return {
        "recipe": recipe,
        "device": device,
        "epochs": len(wall),
        "load_seconds": load_seconds,
        "first_epoch_seconds": wall[0],
        "mean_epoch_seconds": sum(wall) / len(wall),
        "median_epoch_seconds": statistics.median(wall),
        "median_epoch_cpu_seconds": statistics.median(cpu),
        "total_seconds": sum(wall),
        "epoch_seconds": wall,
        "train_loss": train_loss,
        "train_acc": train_acc,
        "test_acc": test_acc,
        **memory,
    }


def child_main(args) -> int:
    """Import what the recipe needs, note the RSS, run it."""
    import bench.book  # noqa: F401  (torch, torchvision, lib.softmax)
    import lib.trainers.scratch  # noqa: F401  (lib.data, lib.metrics)
    from lib.data import DataError, data_root

    if args.recipe.startswith("mindspore"):
        try:
            import lib.trainers.mindspore  # noqa: F401
        except ImportError as exc:
            print(
                f"MindSpore is not installed ({exc}): pip install -r requirements-mindspore.txt",
                file=sys.stderr,
            )
            return UNAVAILABLE
    elif args.recipe == "concise":
        import lib.trainers.concise  # noqa: F401
    baseline_mb = rss_mb()
    root = data_root(args.data_dir)
    try:
        if args.recipe == "book":
            out = run_book(root, args.epochs, baseline_mb)
        elif args.recipe == "stacked":
            out = run_stacked(root, args.runs, args.epochs, args.device, baseline_mb)
        else:
            out = run_trainer(args.recipe, root, args.epochs, args.device, baseline_mb)
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
    """Run one recipe in a fresh Python; its last stdout line is its JSON.

    A recipe that cannot run here comes back as {"recipe": ..., "unavailable": reason}.
    """
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--recipe",
        recipe,
        "--epochs",
        str(args.epochs),
        "--device",
        args.device,
        "--runs",
        str(args.runs),
    ]
    if args.data_dir:
        cmd += ["--data-dir", args.data_dir]
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
    lines = proc.stderr.strip().splitlines()
    if proc.returncode == UNAVAILABLE:
        return {"recipe": recipe, "unavailable": lines[-1] if lines else "cannot run here"}
    if proc.returncode != 0:
        line = lines[-1] if lines else f"error: the {recipe} run exited with code {proc.returncode}"
        raise ChildFailed(proc.returncode, line)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def ran(run: dict | None) -> bool:
    return bool(run) and "unavailable" not in run


def compare(runs: dict) -> dict:
    """Each recipe's speed-up over the book (median s/epoch) and accuracy difference."""
    book = runs.get("book")
    out = {}
    for name, run in runs.items():
        if name in ("book", *ROW_RECIPES) or not ran(run) or not ran(book):
            continue
        out[name] = {
            "speedup_median": book["median_epoch_seconds"] / run["median_epoch_seconds"],
            "speedup_mean": book["mean_epoch_seconds"] / run["mean_epoch_seconds"],
            "accuracy_diff_points": 100 * (run["test_acc"] - book["test_acc"]),
        }
    return out


ROWS = (  # (label, key, format)
    ("device", "device", "{}"),
    ("data load + convert, s", "load_seconds", "{:.2f}"),
    ("first epoch, s", "first_epoch_seconds", "{:.2f}"),
    ("mean epoch, s", "mean_epoch_seconds", "{:.2f}"),
    ("median epoch, s", "median_epoch_seconds", "{:.2f}"),
    ("median epoch, CPU s", "median_epoch_cpu_seconds", "{:.2f}"),
    ("total {epochs}, s (no load)", "total_seconds", "{:.1f}"),
    ("final test accuracy", "test_acc", "{:.4f}"),
    ("RSS after imports, MB", "rss_after_imports_mb", "{:.0f}"),
    ("peak extra memory, MB", "peak_extra_mb", "{:.0f}"),
    ("  main process, MB", "self_extra_mb", "{:.0f}"),
    ("  workers (private), MB", "workers_private_mb", "{:.0f}"),
)


def epochs_text(n: int) -> str:
    return f"{n} epoch" + ("" if n == 1 else "s")


def table(runs: dict, summary: dict, num_epochs: int) -> tuple[list[str], list[list[str]]]:
    """The header and rows of the results table, as text cells."""
    names = trainer_columns(runs)
    header = [""] + [TITLES[n] for n in names]
    rows = []
    for label, key, fmt in ROWS:
        cells = []
        for n in names:
            run = runs[n]
            cells.append("n/a" if not ran(run) or run.get(key) is None else fmt.format(run[key]))
        rows.append([label.format(epochs=epochs_text(num_epochs))] + cells)
    if ran(runs.get("book")):
        rows.append(
            ["speed-up over the book (median)"]
            + [
                "1.0x"
                if n == "book"
                else f"{summary['compare'][n]['speedup_median']:.1f}x"
                if n in summary["compare"]
                else "n/a"
                for n in names
            ]
        )
    return header, rows


STACKED_ROWS = (  # (label, key of the stacked way, key of one at a time, format)
    ("ms per run-epoch", "stacked_ms_per_run_epoch", "alone_ms_per_run_epoch", "{:.1f}"),
    (
        "CPU ms per run-epoch",
        "stacked_cpu_ms_per_run_epoch",
        "alone_cpu_ms_per_run_epoch",
        "{:.1f}",
    ),
    ("total, s", "stacked_seconds", "alone_seconds", "{:.1f}"),
    ("peak extra memory, MB", "peak_extra_mb", "alone_peak_extra_mb", "{:.0f}"),
)


def stacked_table(run: dict) -> tuple[list[str], list[list[str]], str]:
    """The stacked recipe's own small table (header, rows) and a line on the differences."""
    header = [
        f"{run['runs']} runs stacked vs one at a time, {epochs_text(run['epochs'])}",
        "stacked",
        "one at a time",
        "ratio",
    ]
    rows = [
        [label, fmt.format(run[ours]), fmt.format(run[theirs]), f"{run[theirs] / run[ours]:.1f}x"]
        for label, ours, theirs, fmt in STACKED_ROWS[:3]
    ]
    label, ours, theirs, fmt = STACKED_ROWS[3]
    rows.append(
        [label + " (stacked: after both)", fmt.format(run[ours]), fmt.format(run[theirs]), ""]
    )
    line = (
        f"{run['device']}, batch_size {BATCH_SIZE}, one seed, {run['softmax']} softmax, lr "
        f"log-spaced, {min(run['lrs']):g} to {max(run['lrs']):g}, one per run; "
        f"stacked vs alone: max |dW| {run['max_abs_dW_lr_le_0_1']:.1e} at lr <= 0.1, "
        f"{run['max_abs_dW']:.1e} over all, test accuracy within {run['max_test_acc_diff']:.4f}"
    )
    return header, rows, line


def print_stacked(runs: dict, markdown: bool) -> None:
    for name in ROW_RECIPES:
        run = runs.get(name)
        if not ran(run):
            continue
        header, rows, line = stacked_table(run)
        print()
        if markdown:
            print(f"| {' | '.join(header)} |")
            print("|---|---:|---:|---:|")
            for cells in rows:
                print(f"| {' | '.join(cells)} |")
            print(f"\n{line}.")
        else:
            print(f"{header[0]:<40}" + "".join(f"{c:>16}" for c in header[1:]))
            for cells in rows:
                print(f"{cells[0]:<40}" + "".join(f"{c:>16}" for c in cells[1:]))
            print(line)


def notes(runs: dict) -> list[str]:
    return [f"{TITLES[n]}: n/a, {run['unavailable']}" for n, run in runs.items() if not ran(run)]


def heading(summary: dict) -> str:
    load = summary["load_average"]
    machine = f"load average {load[0]:.1f} before, {load[1]:.1f} after, on {summary['cpus']} CPUs"
    if not trainer_columns(summary["runs"]):
        return f"softmax regression on Fashion-MNIST; {machine}"
    return (
        f"softmax regression on Fashion-MNIST: {epochs_text(summary['epochs'])}, lr {LR}, "
        f"batch_size {BATCH_SIZE}, naive softmax; {machine}"
    )


def trainer_columns(runs: dict) -> list[str]:
    """The recipes shown as columns of the trainers' table."""
    return [n for n in runs if n not in ROW_RECIPES]


def print_table(runs: dict, summary: dict, num_epochs: int) -> None:
    print(heading(summary))
    if trainer_columns(runs):
        header, rows = table(runs, summary, num_epochs)
        width = max(22, *(len(c) + 2 for cells in [header] + rows for c in cells[1:]))
        for cells in [header] + rows:
            print(f"{cells[0]:<32}" + "".join(f"{c:>{width}}" for c in cells[1:]))
    for line in notes(runs):
        print(line)
    print_stacked(runs, markdown=False)


def print_markdown(runs: dict, summary: dict, num_epochs: int) -> None:
    """The table as docs/benchmarks.md holds it."""
    if trainer_columns(runs):
        header, rows = table(runs, summary, num_epochs)
        print(f"| {' | '.join(header)} |")
        print("|" + "---|" + "---:|" * (len(header) - 1))
        for cells in rows:
            print(f"| {' | '.join(cells)} |")
        print()
    print(heading(summary) + ".")
    for line in notes(runs):
        print(f"\n{line}")
    print_stacked(runs, markdown=True)


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not 1 <= args.epochs <= 200:
        parser.error(f"--epochs must be between 1 and 200, got {args.epochs}")
    if args.recipe:
        return child_main(args)
    if args.from_json:
        return show_saved(args)
    try:
        names = chosen_recipes(args)
    except ValueError as exc:
        parser.error(str(exc))
    load_before, runs = os.getloadavg()[0], {}
    try:
        for recipe in names:
            if not (args.json or args.markdown):
                print(f"running {recipe}, {epochs_text(args.epochs)} ...", flush=True)
            runs[recipe] = run_child(recipe, args)
    except ChildFailed as exc:
        print(exc, file=sys.stderr)
        return exc.code
    summary = {
        "epochs": args.epochs,
        "runs": runs,
        "load_average": [load_before, os.getloadavg()[0]],
        "cpus": os.cpu_count(),
    }
    summary["compare"] = compare(runs)
    show(summary, args)
    return 0


def show(summary: dict, args) -> None:
    if args.json:
        print(json.dumps(summary))
    elif args.markdown:
        print_markdown(summary["runs"], summary, summary["epochs"])
    else:
        print_table(summary["runs"], summary, summary["epochs"])


def show_saved(args) -> int:
    """The table of a summary saved with --json (e.g. to regenerate docs/benchmarks.md)."""
    try:
        with open(args.from_json) as f:
            summary = json.load(f)
        summary["compare"] = compare(summary["runs"])
        show(summary, args)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return _fail(f"--from-json {args.from_json}: not a saved benchmark ({exc})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
