"""Command line for the trainer: `python -m lib.train --help`.

Bad arguments or missing data print one line on stderr and exit with code 2.
A diverged run is a result, not an error: it exits 0 and says so.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import time

from lib.data import DataError, device_label, load_data, pick_device
from lib.train import DEVICE_CHOICES, SOFTMAX_CHOICES, TrainConfig, train


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        self.exit(2, f"error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m lib.train",
                description="Train softmax regression on Fashion-MNIST.")
    p.add_argument("--epochs", type=int, default=10, help="num_epochs (default 10)")
    p.add_argument("--lr", type=float, default=0.1, help="learning rate (default 0.1)")
    p.add_argument("--batch-size", type=int, default=256, help="minibatch size (default 256)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--softmax", choices=SOFTMAX_CHOICES, default="naive",
                   help="naive (the book's) or stable (log-sum-exp)")
    p.add_argument("--device", choices=DEVICE_CHOICES, default="auto")
    p.add_argument("--data-dir", default=None,
                   help="folder holding FashionMNIST/raw/ (default: $FASHION_MNIST_ROOT or ./data)")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    return p


def _print_table_row(m: dict) -> None:
    print(f"{m['epoch']:>5}  {m['train_loss']:>10.4f}  {m['train_acc']:>9.4f}  "
          f"{m['test_acc']:>8.4f}  {m['seconds']:>7.3f}", flush=True)


def to_json(row: dict) -> str:
    """Strict JSON: a NaN or inf figure (a diverged run) is written as null."""
    return json.dumps({k: None if isinstance(v, float) and not math.isfinite(v) else v
                       for k, v in row.items()})


def main(argv=None) -> int:
    try:
        return run(build_parser().parse_args(argv))
    except BrokenPipeError:  # e.g. piped into `head`: stop quietly
        sys.stderr.close()
        return 0


def run(args) -> int:
    try:
        cfg = TrainConfig(lr=args.lr, num_epochs=args.epochs, batch_size=args.batch_size,
                          seed=args.seed, softmax=args.softmax, device=args.device)
        device = pick_device(cfg.device)
        data = load_data(args.data_dir, device=device)
    except (ValueError, DataError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not args.json:
        print(f"device {device_label(device)}, {cfg}")
        print("epoch  train_loss  train_acc  test_acc  seconds")
    start, last = time.perf_counter(), None
    for record in train(cfg, data):
        last = record.metrics()
        print(to_json(last), flush=True) if args.json else _print_table_row(last)
    summary = {"test_acc": last["test_acc"], "train_acc": last["train_acc"],
               "train_loss": last["train_loss"], "epochs_run": last["epoch"],
               "diverged": last["diverged"], "device": device_label(device),
               "total_seconds": time.perf_counter() - start}
    if args.json:
        print(to_json(summary))
    else:
        verdict = (f"DIVERGED at epoch {last['epoch']}: the loss became NaN/inf "
                   "(try --softmax stable or a smaller --lr)") if last["diverged"] else "done"
        print(f"{verdict}; final test accuracy {last['test_acc']:.4f} "
              f"in {summary['total_seconds']:.2f} s")
    return 0
