"""Command line for the trainers: `python -m lib.cli --help` (or `softmax-train`).

The arguments are TrainConfig's fields (lib/config.py), each with its default,
allowed values and help: --lr, --num-epochs (alias --epochs), --batch-size,
--seed, --softmax, --framework, --device, --init-std. Bad arguments, missing
data or a framework that is not installed print one line on stderr and exit
with code 2. A numerical breakdown is a result, not an error: it exits 0 and
says so.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import sys
import time

from lib.config import Choices, TrainConfig, fields
from lib.data import DataError, load_data, pick_device
from lib.trainers import framework_available, run_device, train


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        self.exit(2, f"error: {message}\n")


def _type(f):
    return {"int": int, "float": float, "str": str}.get(f.type, f.type)


def flags(f) -> list[str]:
    """--batch-size for batch_size; the URL name too when it differs (--epochs)."""
    names = [f"--{f.name.replace('_', '-')}"]
    query = f.metadata.get("query")
    if query and f"--{query}" not in names:
        names.append(f"--{query}")
    return names


def build_parser(cls=TrainConfig) -> argparse.ArgumentParser:
    p = _Parser(prog="python -m lib.cli", description="Train softmax regression on Fashion-MNIST.")
    for f in fields(cls):
        allowed = f.metadata["allowed"]
        choices = allowed.values if isinstance(allowed, Choices) else None
        p.add_argument(
            *flags(f),
            dest=f.name,
            type=_type(f),
            default=f.default,
            choices=choices,
            help=f"{f.metadata['help']} (default {f.default})",
        )
    p.add_argument(
        "--data-dir",
        default=None,
        help="folder holding FashionMNIST/raw/ (default: $FASHION_MNIST_ROOT or ./data)",
    )
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    return p


def config_from_args(args, cls=TrainConfig):
    """The config the parsed arguments describe (ValueError when a value is not allowed)."""
    return cls(**{f.name: getattr(args, f.name) for f in fields(cls)})


def _print_table_row(m: dict) -> None:
    print(
        f"{m['epoch']:>5}  {m['train_loss']:>10.4f}  {m['train_acc']:>9.4f}  "
        f"{m['test_acc']:>8.4f}  {m['seconds']:>7.3f}",
        flush=True,
    )


def to_json(row: dict) -> str:
    """Strict JSON: a NaN or inf figure (a broken-down run) is written as null."""
    return json.dumps(
        {k: None if isinstance(v, float) and not math.isfinite(v) else v for k, v in row.items()}
    )


def main(argv=None) -> int:
    try:
        return run(build_parser().parse_args(argv))
    except BrokenPipeError:  # e.g. piped into `head`: stop quietly
        sys.stderr.close()
        return 0


def run(args) -> int:
    try:
        cfg = config_from_args(args)
        if not framework_available(cfg.framework):
            raise ValueError(
                f"framework {cfg.framework!r} is not installed here "
                "(pip install -r requirements-mindspore.txt)"
            )
        device = pick_device(cfg.device)
        data = load_data(args.data_dir, device=device)
        where = run_device(cfg)
        start = time.perf_counter()
        records = train(cfg, data)
        first = next(records)  # a framework that cannot use the device says so here
    except (ValueError, DataError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not args.json:
        print(f"device {where}, {cfg}")
        print("epoch  train_loss  train_acc  test_acc  seconds")
    last = None
    for record in itertools.chain([first], records):
        last = record
        row = record.metrics()
        print(to_json(row), flush=True) if args.json else _print_table_row(row)
    summary = {
        "test_acc": last.test_acc,
        "train_acc": last.train_acc,
        "train_loss": last.train_loss,
        "epochs_run": last.epoch,
        "broke_down": last.broke_down,
        "breakdown": last.breakdown.to_dict() if last.breakdown else None,
        "framework": cfg.framework,
        "device": where,
        "total_seconds": time.perf_counter() - start,
    }
    if args.json:
        print(to_json(summary))
    elif last.breakdown:
        b = last.breakdown
        print(
            f"BROKE DOWN in epoch {b.epoch}, minibatch {b.batch}: {b.cause} (largest logit "
            f"{b.max_logit:.1f}, smallest true-class probability {b.min_p_true:.3g}); "
            "try --softmax stable or a smaller --lr"
        )
    else:
        print(f"done; final test accuracy {last.test_acc:.4f} in {summary['total_seconds']:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
