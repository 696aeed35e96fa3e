"""What saving a run costs, next to what training it costs (docs/store.md has the figures).

Trains one real 10-epoch run (lib.trainers.train, lr 0.1, batch 256, CPU), then
saves copies of it (new ids, the same 11-row history and 31 KB of W) into a
fresh SQLite file and, when a PostgreSQL URL is given, a PostgreSQL database,
and reads a student's runs back. Prints one table (or, with --json, one object).

    FASHION_MNIST_ROOT=../shared/data .venv/bin/python bench/store_cost.py
    .venv/bin/python bench/store_cost.py --pg-url postgresql+psycopg://u:p@127.0.0.1/db

--pg-url defaults to SOFTMAX_TEST_PG_URL (eval "$(.ci/postgres.sh)" sets it);
the measurement uses its own tables in a new database made there.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import statistics
import tempfile
import time
import uuid

import torch

from lib.config import TrainConfig
from lib.data import load_data
from lib.runs import Run
from lib.store import Store, new_token
from lib.trainers import train
from scripts.postgres import new_database_at


def train_once(epochs: int) -> tuple[Run, float]:
    """One real run on Fashion-MNIST; (the run, seconds from first to last record)."""
    data = load_data(download=False)
    cfg = TrainConfig(num_epochs=epochs, device="cpu")
    run = Run(number=1, cfg=cfg)
    start = time.perf_counter()
    for record in train(cfg, data):
        run.add(record)
    return run, time.perf_counter() - start


def time_store(url: str, run: Run, saves: int, prefill: int) -> dict:
    """Median and max seconds of save_run (a new run); median of runs(token) (all of them)."""
    store = Store(url)
    token = new_token()
    for _ in range(prefill):  # other students' runs already there
        other = copy.copy(run)
        other.id = uuid.uuid4().hex
        store.save_run(new_token(), other)
    save_times = []
    for _ in range(saves):
        copy_ = copy.copy(run)
        copy_.id = uuid.uuid4().hex
        start = time.perf_counter()
        store.save_run(token, copy_)
        save_times.append(time.perf_counter() - start)
    read_times = []
    for _ in range(5):
        start = time.perf_counter()
        back = store.runs(token)
        read_times.append(time.perf_counter() - start)
    if not torch.equal(back[-1].W, run.W):
        raise RuntimeError("the weights read back differ")
    store.close()
    return {
        "save_median_s": statistics.median(save_times),
        "save_max_s": max(save_times),
        "read_median_s": statistics.median(read_times),
        "runs_read": len(back),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--saves", type=int, default=30)
    parser.add_argument("--prefill", type=int, default=200, help="runs in the table first")
    parser.add_argument("--pg-url", default=os.environ.get("SOFTMAX_TEST_PG_URL"))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    torch.set_num_threads(1)  # as one student's run on a shared server
    run, train_s = train_once(args.epochs)
    result = {
        "train_s": train_s,
        "epochs": args.epochs,
        "history_rows": len(run.history),
        "W_bytes": run.W.numel() * 4,
    }
    with tempfile.TemporaryDirectory() as folder:
        result["sqlite"] = time_store(f"sqlite:///{folder}/bench.db", run, args.saves, args.prefill)
    if args.pg_url:
        result["postgresql"] = time_store(
            new_database_at(args.pg_url, prefix="bench_"), run, args.saves, args.prefill
        )
    if args.json:
        print(json.dumps(result))
        return 0
    print(
        f"a {args.epochs}-epoch run trained in {train_s:.3f} s "
        f"({len(run.history)} history rows, W {run.W.numel() * 4 / 1024:.1f} KiB)"
    )
    print(
        f"{'database':<11} {'save (median)':>14} {'save (max)':>11} {'% of run':>9} "
        f"{'read ' + str(args.saves) + ' runs':>13}"
    )
    for name in ("sqlite", "postgresql"):
        if name in result:
            r = result[name]
            print(
                f"{name:<11} {r['save_median_s'] * 1000:>11.1f} ms {r['save_max_s'] * 1000:>8.1f}"
                f" ms {100 * r['save_median_s'] / train_s:>8.2f}% "
                f"{r['read_median_s'] * 1000:>10.1f} ms"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
