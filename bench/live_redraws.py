"""Training while sessions draw: what students' live charts cost the server's training.

The server's training threads (lib/engine.py) and every student's session share one
process and its cores. Each session redraws its live chart as records come
(ui/training.py: at most once per DRAW_GAP_S with classmates, and once per
draw_gap(runs training) when many train). This prints, measured in the same run:

- the engine alone: --workers threads, each training its own cohort for --epochs;
- the same while --sessions threads each redraw a 20-epoch live chart (long_frame,
  the chart's spec, its summary and its table, as lessons/train.py draws) once per
  DRAW_GAP_S, and once per draw_gap(--sessions);
- and, for the record, at Python's default GIL switch interval and at 0.5 ms: the
  interval made no difference with these redraws (a pure-Python busy loop in place of
  the redraws slowed training 4-17x at 5 ms and not at 0.5 ms; real redraws are short);
- the engine alone and beside the same sessions, each thread training in a process of
  its own (lib/trainer_process.py, the server's default): no thread of the server then
  holds the GIL for long while training, so neither slows the other down as much.

    FASHION_MNIST_ROOT=../shared/data .venv/bin/python bench/live_redraws.py
    .venv/bin/python bench/live_redraws.py --sessions 30 --epochs 6
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
import threading
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # as app.py: one thread per training
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402

from lib import describe  # noqa: E402
from lib.charts.training import curves_table, training_chart  # noqa: E402
from lib.config import TrainConfig  # noqa: E402
from lib.data import load_data  # noqa: E402
from lib.runs import Run, long_frame  # noqa: E402
from lib.trainer_process import TrainerProcess  # noqa: E402
from lib.trainers import EpochRecord  # noqa: E402
from lib.trainers.stacked import Cohort  # noqa: E402
from ui.training import DRAW_GAP_S, draw_gap  # noqa: E402

PYTHON_DEFAULT_S = 0.005  # sys.getswitchinterval() of a fresh interpreter
SHORT_SWITCH_S = 0.0005


def live_run(epochs: int = 20) -> Run:
    """A run as a session holds it mid-training: `epochs` records of figures."""
    run = Run(number=1, cfg=TrainConfig(num_epochs=epochs))
    W, b = torch.zeros(784, 10), torch.zeros(10)
    for epoch in range(epochs + 1):
        acc = 0.1 + 0.7 * epoch / epochs
        run.add(EpochRecord(epoch, 2.3 / (epoch + 1), acc, acc - 0.01, 0.2, None, W, b, 3.0))
    return run


def redraw(run: Run) -> None:
    """What one redraw of a student's live chart computes (ui/training.py, lessons/train.py)."""
    long = long_frame([run])
    training_chart(long, run.cfg.num_epochs, "en").to_dict(validate=False)
    describe.training(long, "en")
    curves_table(long, "en")


def engine_epochs(data, workers: int, epochs: int, processes: list | None = None) -> float:
    """Seconds for `workers` threads to train one cohort each for `epochs` epochs, in
    this process or each in one of `processes` (TrainerProcess, started and warm)."""
    turn = [Cohort.advance] * workers if processes is None else [p.turn for p in processes]
    cohorts = []
    for seed in range(workers):
        cohort = Cohort(TrainConfig(seed=seed, num_epochs=epochs + 1), data)
        cohort.add(seed, TrainConfig(seed=seed, num_epochs=epochs + 1))
        list(turn[seed](cohort))  # epoch 0 and 1: warm (a process gets the data)
        cohorts.append(cohort)
    threads = [
        threading.Thread(target=lambda c=c, t=t: [list(t(c)) for _ in range(epochs)])
        for c, t in zip(cohorts, turn)
    ]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start


def measure(
    data,
    workers: int,
    epochs: int,
    sessions: int,
    gap: float,
    switch: float,
    processes: list | None = None,
) -> dict:
    """The engine's seconds and the sessions' redraws per second at one switch interval,
    training in this process or in `processes`."""
    sys.setswitchinterval(switch)
    stop, redraws = threading.Event(), [0]
    run = live_run()

    def session(i: int) -> None:
        stop.wait(gap * i / sessions)  # the class's redraws spread over the gap
        while not stop.is_set():
            redraw(run)
            redraws[0] += 1
            stop.wait(gap)

    drawing = [threading.Thread(target=session, args=(i,), daemon=True) for i in range(sessions)]
    for thread in drawing:
        thread.start()
    start = time.perf_counter()
    seconds = engine_epochs(data, workers, epochs, processes)
    done, elapsed = redraws[0], time.perf_counter() - start
    stop.set()
    for thread in drawing:
        thread.join()
    return {"seconds": seconds, "redraws_per_s": done / elapsed}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data-dir", default=None, help="default: FASHION_MNIST_ROOT or ./data")
    p.add_argument("--workers", type=int, default=2, help="training threads (the engine's)")
    p.add_argument("--epochs", type=int, default=3, help="epochs each thread trains")
    p.add_argument("--sessions", type=int, default=30, help="sessions redrawing a live chart")
    args = p.parse_args(argv)
    if min(args.workers, args.epochs) < 1 or args.sessions < 0:
        p.error("--workers and --epochs must be at least 1, --sessions at least 0")
    data = load_data(args.data_dir, download=False)
    redraw(live_run())  # warm: imports and Altair's first spec
    n, measured = args.sessions, functools.partial(measure, data, args.workers, args.epochs)
    default = PYTHON_DEFAULT_S
    rows = [
        ("engine alone", measured(0, DRAW_GAP_S, default)),
        (f"{n} sessions, a redraw per {DRAW_GAP_S:g} s", measured(n, DRAW_GAP_S, default)),
        (
            f"{n} sessions, a redraw per {draw_gap(n):g} s",
            measured(n, draw_gap(n), default),
        ),
        (
            f"{n} sessions, per {DRAW_GAP_S:g} s, GIL switch {1000 * SHORT_SWITCH_S:g} ms",
            measured(n, DRAW_GAP_S, SHORT_SWITCH_S),
        ),
    ]
    sys.setswitchinterval(PYTHON_DEFAULT_S)
    processes = [TrainerProcess() for _ in range(args.workers)]
    try:
        rows += [
            ("engine alone, training processes", measured(0, DRAW_GAP_S, default, processes)),
            (
                f"{n} sessions, per {DRAW_GAP_S:g} s, training processes",
                measured(n, DRAW_GAP_S, default, processes),
            ),
        ]
    finally:
        for process in processes:
            process.close()
    alone = rows[0][1]["seconds"]
    print(f"{args.workers} training threads x {args.epochs} epochs each")
    print(f"{'':<48} {'training s':>10} {'x alone':>8} {'redraws/s':>10}")
    for name, row in rows:
        print(
            f"{name:<48} {row['seconds']:>10.2f} {row['seconds'] / alone:>8.2f} "
            f"{row['redraws_per_s']:>10.1f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
