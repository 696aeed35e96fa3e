"""Runs stacked vs the same runs alone: how far apart do their weights and accuracies end?

    FASHION_MNIST_ROOT=../shared/data .venv/bin/python -m bench.stacked_vs_alone --markdown
    .venv/bin/python -m bench.stacked_vs_alone --lr 0.1,1 --softmax stable --epochs 5

Every combination of --lr and --softmax (one seed, batch_size 256) is trained
once as one stacked cohort (lib.trainers.stacked.train_stacked) and once run by
run (lib.trainers.train). For each run: the largest |W_stacked - W_alone| over
its epochs (those where W is finite both ways), the test accuracy both ways,
and where it broke down, if it did. docs/benchmarks.md explains the figures
(the naive softmax at a large lr drifts: a lesson in floating point).

Bad arguments or data: one line on stderr, exit code 2.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys

from lib.config import TrainConfig, parse_values, sweep


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        self.exit(2, f"error: {message}\n")


def _list(name: str):
    field = {f.name: f for f in dataclasses.fields(TrainConfig)}[name]

    def parse(text: str) -> list:
        try:
            return parse_values(field, text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return parse


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="python -m bench.stacked_vs_alone",
        description="Train runs stacked and alone; print how far apart they end.",
    )
    p.add_argument("--lr", type=_list("lr"), default=[0.03, 0.1, 0.3, 1.0], help="lr values")
    p.add_argument("--softmax", type=_list("softmax"), default=["naive", "stable"])
    p.add_argument("--epochs", type=_list("num_epochs"), default=[3], help="num_epochs (default 3)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--device", default="cpu", choices=("auto", "cpu", "cuda"))
    p.add_argument("--data-dir", default=None, help="folder holding FashionMNIST/raw/")
    p.add_argument("--markdown", action="store_true", help="a Markdown table")
    return p


def compare(cfgs: list[TrainConfig], data) -> list[dict]:
    """Each run trained stacked (all of cfgs together) and alone: its differences."""
    from lib.trainers import train
    from lib.trainers.stacked import train_stacked

    together = {i: [] for i in range(len(cfgs))}
    for i, record in train_stacked(cfgs, data):
        together[i].append(record)
    rows = []
    for i, cfg in enumerate(cfgs):
        alone = list(train(cfg, data))
        ours = together[i]
        rows.append(
            {
                "lr": cfg.lr,
                "softmax": cfg.softmax,
                "epochs": cfg.num_epochs,
                "max_abs_dW": max_abs_dW(ours, alone),
                "test_acc_alone": alone[-1].test_acc,
                "test_acc_stacked": ours[-1].test_acc,
                "breakdown_alone": where(alone[-1].breakdown),
                "breakdown_stacked": where(ours[-1].breakdown),
            }
        )
    return rows


def max_abs_dW(ours: list, theirs: list) -> float:
    """The largest |W_ours - W_theirs| over the epochs where both W are finite."""
    return max(
        float((a.W - b.W).abs().max())
        for a, b in zip(ours, theirs)
        if bool(a.W.isfinite().all() and b.W.isfinite().all())
    )


def where(b) -> str:
    return f"epoch {b.epoch}, minibatch {b.batch}: {b.cause}" if b else "-"


COLUMNS = (  # (title, key, format)
    ("lr", "lr", "{:g}"),
    ("softmax", "softmax", "{}"),
    ("epochs", "epochs", "{}"),
    ("max abs dW", "max_abs_dW", "{:.1e}"),
    ("test acc alone", "test_acc_alone", "{:.4f}"),
    ("test acc stacked", "test_acc_stacked", "{:.4f}"),
    ("breakdown alone", "breakdown_alone", "{}"),
    ("breakdown stacked", "breakdown_stacked", "{}"),
)


def print_rows(rows: list[dict], markdown: bool) -> None:
    header = [title for title, _, _ in COLUMNS]
    cells = [[fmt.format(row[key]) for _, key, fmt in COLUMNS] for row in rows]
    if markdown:
        print(f"| {' | '.join(header)} |")
        print("|" + "---:|" * 3 + "---:|" * 3 + "---|" * 2)
        for line in cells:
            print(f"| {' | '.join(line)} |")
        return
    widths = [max(len(r[c]) for r in [header, *cells]) for c in range(len(header))]
    for line in [header, *cells]:
        print("  ".join(c.rjust(w) for c, w in zip(line, widths)))


def main(argv=None) -> int:
    import torch

    from lib.data import DataError, device_label, load_data, pick_device

    args = build_parser().parse_args(argv)
    try:
        cfgs = sweep(
            {
                "lr": args.lr,
                "softmax": args.softmax,
                "num_epochs": args.epochs,
                "seed": args.seed,
                "device": args.device,
            }
        )
        device = pick_device(args.device)
        data = load_data(args.data_dir, device=device, download=False)
    except (ValueError, DataError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    rows = compare(cfgs, data)
    print_rows(rows, args.markdown)
    print(
        f"\n{len(cfgs)} runs stacked in one cohort vs each alone; seed {args.seed}, batch_size "
        f"256, {device_label(device)}, torch {torch.__version__}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
