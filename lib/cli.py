"""Command line for the trainers: `python -m lib.cli --help` (or `softmax-train`).

The arguments are TrainConfig's fields (lib/config.py), each with its default,
allowed values and help: --lr, --num-epochs (alias --epochs), --batch-size,
--seed, --softmax, --framework, --device, --init-std. Bad arguments, missing
data or a framework that is not installed print one line on stderr and exit
with code 2. A numerical breakdown is a result, not an error: it exits 0 and
says so.

Notebooks: --notebook run.ipynb writes the run (the other flags' settings) as a
Jupyter notebook instead of training it; --solutions fills in the exercises,
--lang zh writes its text in Chinese (lib/notebook.py).

Sweeps: the settings TrainConfig marks `sweep` (--lr, --softmax, --seed,
--num-epochs, --batch-size) take comma-separated lists, and every combination
of the listed values is a run:

    python -m lib.cli --lr 0.03,0.1,0.3 --softmax naive,stable --epochs 5 --json

The runs are trained as one stacked model wherever their settings allow
(lib/trainers/stacked.py: runs of one seed and batch size share their
minibatches), or run by run with --one-at-a-time; the figures are the same up
to float rounding (docs/benchmarks.md). With --json every line of a sweep has
a "run" index (its place in the sweep), and each run ends with a summary line
holding its settings; without it, one table of epochs and one of results,
both with a run column.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import sys
import time

from lib.config import Choices, TrainConfig, fields, parse_values, sweep, swept
from lib.data import DataError, load_data, pick_device
from lib.trainers import framework_available, run_device, train
from lib.trainers.stacked import cohort_key, train_stacked


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


def _list_type(f):
    """argparse's type for a field that sweeps: "0.03,0.1" -> [0.03, 0.1], checked."""

    def parse(text: str) -> list:
        try:
            return parse_values(f, text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    parse.__name__ = f.name  # argparse names the type in some messages
    return parse


def build_parser(cls=TrainConfig) -> argparse.ArgumentParser:
    p = _Parser(prog="python -m lib.cli", description="Train softmax regression on Fashion-MNIST.")
    for f in fields(cls):
        allowed = f.metadata["allowed"]
        if f.metadata.get("sweep"):  # a list is checked item by item by its type
            kind, choices, more = _list_type(f), None, "; a comma-separated list sweeps"
            if isinstance(allowed, Choices):
                more = f"; one of {', '.join(map(str, allowed.values))}" + more
        else:
            kind, more = _type(f), ""
            choices = allowed.values if isinstance(allowed, Choices) else None
        p.add_argument(
            *flags(f),
            dest=f.name,
            type=kind,
            default=f.default,
            choices=choices,
            help=f"{f.metadata['help']} (default {f.default}{more})",
        )
    p.add_argument(
        "--data-dir",
        default=None,
        help="folder holding FashionMNIST/raw/ (default: $FASHION_MNIST_ROOT or ./data)",
    )
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p.add_argument(
        "--notebook",
        metavar="PATH",
        help="write the run as a Jupyter notebook to PATH instead of training it "
        "(the chapter's code, these settings, three exercises; lib/notebook.py)",
    )
    p.add_argument(
        "--solutions",
        action="store_true",
        help="with --notebook: fill in the exercises' reference solutions",
    )
    p.add_argument(
        "--lang", choices=("en", "zh"), default="en", help="with --notebook: its language"
    )
    p.add_argument(
        "--one-at-a-time",
        action="store_true",
        help="train a sweep's runs one after another instead of stacked together",
    )
    return p


def configs_from_args(args, cls=TrainConfig) -> list:
    """Every config the parsed arguments describe: one, or a sweep's Cartesian product."""
    return sweep({f.name: getattr(args, f.name) for f in fields(cls)}, cls)


def config_from_args(args, cls=TrainConfig):
    """The one config of arguments without lists (ValueError when a value is not allowed)."""
    cfgs = configs_from_args(args, cls)
    if len(cfgs) != 1:
        raise ValueError(f"the arguments describe a sweep of {len(cfgs)} runs, not one")
    return cfgs[0]


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
    if args.notebook:
        return write_notebook(args)
    try:
        cfgs = configs_from_args(args)
        cfg = cfgs[0]  # framework and device are the same for every run of a sweep
        if not framework_available(cfg.framework):
            raise ValueError(
                f"framework {cfg.framework!r} is not installed here "
                "(pip install -r requirements-mindspore.txt)"
            )
        device = pick_device(cfg.device)
        data = load_data(args.data_dir, device=device)
        where = run_device(cfg)
        start = time.perf_counter()
        if len(cfgs) == 1:
            records = train(cfg, data)
        else:
            records = train_sweep(cfgs, data, args.one_at_a_time)
        first = next(records)  # a framework that cannot use the device says so here
    except (ValueError, DataError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    records = itertools.chain([first], records)
    if len(cfgs) == 1:
        show_run(records, cfg, where, start, args.json)
    else:
        show_sweep(records, cfgs, where, start, args)
    return 0


def write_notebook(args) -> int:
    """--notebook PATH: the run as a notebook; one line on stderr and 2 when it cannot be."""
    from lib.notebook import write

    try:
        cfgs = configs_from_args(args)
        if len(cfgs) != 1:
            raise ValueError(f"--notebook writes one run, the arguments describe {len(cfgs)}")
        path = write(args.notebook, cfgs[0], solutions=args.solutions, lang=args.lang)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        print(f"error: cannot write the notebook to {args.notebook}: {reason}", file=sys.stderr)
        return 2
    print(f"wrote {path} ({'with' if args.solutions else 'without'} solutions)")
    return 0


def train_sweep(cfgs: list, data, one_at_a_time: bool):
    """(index in cfgs, record) for every run of a sweep, stacked or one run after another."""
    if not one_at_a_time:
        return train_stacked(cfgs, data)
    return ((i, record) for i, cfg in enumerate(cfgs) for record in train(cfg, data))


def summary(last, cfg: TrainConfig, where: str, start: float) -> dict:
    """A run's end: its last figures, its breakdown if any, where and how long it trained."""
    return {
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


def show_run(records, cfg: TrainConfig, where: str, start: float, as_json: bool) -> None:
    """One run: a line per epoch, then its summary (JSON lines or a table)."""
    if not as_json:
        print(f"device {where}, {cfg}")
        print("epoch  train_loss  train_acc  test_acc  seconds")
    last = None
    for record in records:
        last = record
        row = record.metrics()
        print(to_json(row), flush=True) if as_json else _print_table_row(row)
    end = summary(last, cfg, where, start)
    if as_json:
        print(to_json(end))
    elif last.breakdown:
        print(f"{breakdown_text(last.breakdown)}; try --softmax stable or a smaller --lr")
    else:
        print(f"done; final test accuracy {last.test_acc:.4f} in {end['total_seconds']:.2f} s")


def breakdown_text(b) -> str:
    return (
        f"BROKE DOWN in epoch {b.epoch}, minibatch {b.batch}: {b.cause} (largest logit "
        f"{b.max_logit:.1f}, smallest true-class probability {b.min_p_true:.3g})"
    )


def ends_run(record, cfg: TrainConfig) -> bool:
    """Whether `record` is the last of its run (its last epoch, or a breakdown)."""
    return record.broke_down or record.epoch >= cfg.num_epochs


def groups_text(cfgs: list, one_at_a_time: bool) -> str:
    """How a sweep trains: 'a sweep of 6 runs, stacked in 2 groups (...)'."""
    runs = f"a sweep of {len(cfgs)} runs"
    keys = [cohort_key(cfg) for cfg in cfgs]
    if one_at_a_time:
        return f"{runs}, one at a time"
    if None in keys:  # framework is not swept: all or none stack
        return f"{runs}, one at a time (only the scratch trainer stacks runs)"
    groups = len(set(keys))
    return (
        f"{runs}, stacked in {groups} group{'' if groups == 1 else 's'} "
        "(runs of one seed and batch size train together)"
    )


def show_sweep(records, cfgs: list, where: str, start: float, args) -> None:
    """A sweep: every epoch line and every run's summary carry the run's index."""
    names = [f.name for f in swept()]
    if not args.json:
        print(f"device {where}, {groups_text(cfgs, args.one_at_a_time)}")
        print("  run  epoch  train_loss  train_acc  test_acc  seconds")
    ends = {}
    for i, record in records:
        row = record.metrics()
        if args.json:
            print(to_json({"run": i, **row}), flush=True)
        else:
            print(f"{i:>5}  ", end="")
            _print_table_row(row)
        if ends_run(record, cfgs[i]):
            settings = {name: getattr(cfgs[i], name) for name in names}
            ends[i] = {"run": i, **settings, **summary(record, cfgs[i], where, start)}
            if args.json:
                print(to_json(ends[i]), flush=True)
    if not args.json:
        print_results([ends[i] for i in sorted(ends)], names)
        print(f"done; {len(ends)} runs in {time.perf_counter() - start:.2f} s")


def print_results(ends: list[dict], names: list[str]) -> None:
    """The sweep's results: a row per run, its settings, test accuracy and outcome."""
    header = ["run", *names, "test_acc", "result"]
    rows = []
    for end in ends:
        b = end["breakdown"]
        outcome = (
            f"BROKE DOWN in epoch {b['epoch']}, minibatch {b['batch']}: {b['cause']}"
            if b
            else "done"
        )
        rows.append(
            [str(end["run"])]
            + [
                f"{end[name]:g}" if isinstance(end[name], float) else str(end[name])
                for name in names
            ]
            + [f"{end['test_acc']:.4f}", outcome]
        )
    widths = [max(len(r[c]) for r in [header, *rows]) for c in range(len(header) - 1)]
    print("results")
    for r in [header, *rows]:
        print("  ".join(cell.rjust(w) for cell, w in zip(r, widths)) + "  " + r[-1])


if __name__ == "__main__":
    raise SystemExit(main())
