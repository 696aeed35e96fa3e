"""What one refresh of an open class board costs, at 40 and at 4,000 runs.

The board (lessons/class_board.py) redraws every 3 seconds. Before: each refresh
read every run with its history (class_info + class_runs), made the table and
the chart again (board_frame, board_chart(...).to_dict(), describe.board, the
pickers' labels). Now: one aggregate query (Store.board_mark) and, while the
class is unchanged, the board made at its last change (a cache keyed by the
mark, as lessons/class_board.board_state does). Also printed: Streamlit's own
work to send the elements (the chart's data and the table), which grows with
the runs whatever the cache does. CPU seconds of this process, median of
--repeats refreshes; SQLite in a temporary folder.

    .venv/bin/python bench/board_cost.py            # 40 and 4000 runs
    .venv/bin/python bench/board_cost.py --runs 40 400 4000 --repeats 20
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time

import torch

from lib import describe
from lib.charts.class_board import best_run, board_chart, board_frame, split
from lib.config import TrainConfig
from lib.runs import Run
from lib.store import Store, new_token
from lib.store.db import _run_row
from lib.store.schema import class_members, runs
from lib.store.values import owner_of, utc_now
from lib.trainers import EpochRecord

STUDENTS = 30


def fill(store: Store, n: int) -> str:
    """A class with STUDENTS members and n runs of 10 epochs on its board (no weights)."""
    code, _ = store.create_class(f"{n} runs")
    tokens = [new_token() for _ in range(STUDENTS)]
    W, b = torch.zeros(784, 10), torch.zeros(10)
    rows = []
    for k in range(n):
        run = Run(number=k // STUDENTS + 1, cfg=TrainConfig(lr=[0.03, 0.1, 0.3, 1.0][k % 4]))
        for epoch in range(11):
            acc = 0.5 + 0.03 * epoch + 0.001 * (k % 7)
            run.add(EpochRecord(epoch, 1.0 / (epoch + 1), acc, acc - 0.01, 0.2, None, W, b))
        run.status, run.W, run.b = "done", None, None  # the board never reads weights
        row = _run_row(run)
        row.update(owner=owner_of(tokens[k % STUDENTS]), class_code=code, on_board=True)
        rows.append(row)
    with store.engine.begin() as conn:
        conn.execute(
            class_members.insert(),
            [
                {"code": code, "owner": owner_of(t), "display_name": f"S{i}", "joined": utc_now()}
                for i, t in enumerate(tokens)
            ],
        )
        conn.execute(runs.insert(), rows)
    return code


def before(store: Store, code: str) -> None:
    """What a refresh did before: every run with its history, everything made again."""
    info = store.class_info(code)
    board = store.class_runs(code, new_token())
    frame = board_frame(board)
    points, broken = split(frame)
    best_run(frame)
    board_chart(frame, "en").to_dict()
    describe.board(frame, "en")
    {row.run_id: f"{row.student} · #{row.run}" for row in frame.iloc[::-1].itertuples()}
    assert info is not None and len(frame) == len(points) + len(broken)


def made(store: Store, code: str) -> dict:
    """The board as board_state makes it once per change (no histories)."""
    board = store.class_runs(code, history=False)
    frame = board_frame(board)
    return {
        "frame": frame,
        "spec": board_chart(frame, "en").to_dict(),
        "summary": describe.board(frame, "en"),
    }


def after(store: Store, code: str, cache: dict) -> dict:
    """A refresh now: the mark, then the board made at the last change."""
    mark = store.board_mark(code)
    if mark not in cache:
        cache[mark] = made(store, code)
    return cache[mark]


def send(state: dict) -> None:
    """Streamlit's work to send the chart and the table (outside a page: bare mode)."""
    import streamlit as st
    from streamlit.elements.lib.column_config_utils import process_config_mapping  # noqa: F401

    st.vega_lite_chart(state["spec"])
    st.dataframe(state["frame"])


def cpu(work, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.process_time()
        work()
        times.append(time.process_time() - start)
    return statistics.median(times)


def measure(store: Store, n: int, repeats: int) -> str:
    """One line of the table: the class of n runs, before and now."""
    code = fill(store, n)
    cache: dict = {}
    start = time.process_time()
    state = after(store, code, cache)  # the first refresh after a change
    first = time.process_time() - start
    old = cpu(lambda: before(store, code), repeats)
    new = cpu(lambda: after(store, code, cache), repeats)
    sent = cpu(lambda: send(state), repeats)
    return f"{n:>6} {old * 1e3:>10.1f} {new * 1e3:>8.2f} {first * 1e3:>9.1f} {sent * 1e3:>8.1f}"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, nargs="+", default=[40, 4000])
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args(argv)
    print(f"{'runs':>6} {'before ms':>10} {'now ms':>8} {'first ms':>9} {'send ms':>8}")
    with tempfile.TemporaryDirectory() as folder:
        store = Store(f"sqlite:///{folder}/board.db")
        for n in args.runs:
            print(measure(store, n, args.repeats))
        store.close()


if __name__ == "__main__":
    main()
