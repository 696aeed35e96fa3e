"""What the projector view of a class says in numbers: students, runs, breakdowns.

    counts = class_counts(info.students, frame)   # frame: lib.charts.class_board.board_frame
    counts_line(counts, "en")   # "24 students · 31 runs · 3 broke down"
    counts_line(counts, "zh")   # "24 名学生 · 31 条训练记录 · 3 次数值崩溃"

The numbers come from the store: `students` is the class's members who have not
left (ClassInfo.students), runs and breakdowns are the board's rows. English
says "1 student" and "2 students" (keys *.one and *.other in lib/i18n); Chinese
has one form. Plain Python: no Streamlit.
"""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd

from lib.i18n import t

SEPARATOR = " · "


class Counts(NamedTuple):
    students: int  # members of the class who have not left
    runs: int  # runs on the board
    broken: int  # of them, runs that broke down (no finite test accuracy)


def class_counts(students: int, frame: pd.DataFrame) -> Counts:
    """The counts of a class whose board is `frame` (one row per run, a broke_down column)."""
    if students < 0:
        raise ValueError(f"a class cannot have {students} students")
    broken = int(frame["broke_down"].astype(bool).sum()) if len(frame) else 0
    return Counts(students=int(students), runs=len(frame), broken=broken)


def plural(key: str, n: int, lang: str) -> str:
    """The text of `key`.one for n == 1, else `key`.other, with {n} filled in."""
    return t(f"{key}.{'one' if n == 1 else 'other'}", lang, n=n)


def counts_line(counts: Counts, lang: str) -> str:
    """'24 students · 31 runs · 3 broke down' in `lang`."""
    return SEPARATOR.join(
        [
            plural("projector.count.students", counts.students, lang),
            plural("projector.count.runs", counts.runs, lang),
            plural("projector.count.broken", counts.broken, lang),
        ]
    )
