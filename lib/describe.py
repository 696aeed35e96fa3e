"""What a chart or a picture shows, in words with its figures: the text alternatives.

Every chart's accessible name and every image's alt text is made here, from
the same data the chart draws, in the session's language (strings
describe.* in lib/i18n). Plain Python: no Streamlit, no Altair.

    training(long_df, "en")  # "Training curves: test accuracy rose from 0.10 to 0.79 ..."
    gallery_image("ankle boot", "ankle boot", 0.97)  # "ankle boot, predicted ankle boot, 97 %"

A chart's name is a summary, not its data: the page shows the data as a
table next to it (ui.chart).
"""

from __future__ import annotations

import math

import pandas as pd

from lib.i18n import t

METRIC_KEYS = {"train_loss": "describe.loss", "train_acc": "describe.train_acc"}
SIDE = 28  # Fashion-MNIST pictures are 28 x 28 pixels


def _finite(x) -> bool:
    try:
        return math.isfinite(float(x))
    except (TypeError, ValueError):
        return False


def pct(p: float, lang: str, digits: int = 0) -> str:
    """0.971 -> '97 %' (English keeps a space before %, as the book does) / '97%'."""
    value = f"{100 * float(p):.{digits}f}"
    return t("describe.pct", lang, value=value)


def _change(name: str, first: float, last: float, lang: str) -> str:
    """'test accuracy rose from 0.10 to 0.79' (fell / stayed at)."""
    if not (_finite(first) and _finite(last)):
        return t("describe.not_finite", lang, name=name)
    if round(first, 2) == round(last, 2):
        return t("describe.stayed", lang, name=name, value=last)
    return t("describe.rose" if last > first else "describe.fell", lang, name=name, a=first, b=last)


def _points(long_df: pd.DataFrame, metric: str) -> dict[str, list[tuple[int, float]]]:
    """Each run's (epoch, value) of one metric, in epoch order."""
    # speed: plain lists, not pandas masks on string columns: this runs on every
    # redraw of every student's live chart
    points: dict[str, list[tuple[int, float]]] = {}
    columns = (long_df[c].tolist() for c in ("run", "epoch", "metric", "value"))
    for run, epoch, name, value in zip(*columns):
        if name == metric:
            points.setdefault(run, []).append((int(epoch), float(value)))
    return {run: sorted(values) for run, values in points.items()}


def _series(long_df: pd.DataFrame, metric: str) -> pd.Series:
    """One metric's values by epoch (epoch 0 is the start), all runs together."""
    pairs = sorted(p for values in _points(long_df, metric).values() for p in values)
    return pd.Series([v for _, v in pairs], index=[e for e, _ in pairs], dtype=float)


def training(long_df: pd.DataFrame, lang: str = "en") -> str:
    """One run's curves (lib.runs.long_frame): where test accuracy and loss started and ended."""
    acc, loss = _series(long_df, "test_acc"), _series(long_df, "train_loss")
    if acc.empty:
        return t("describe.training.empty", lang)
    epochs = int(acc.index.max())
    head = _change(t("describe.test_acc", lang), acc.iloc[0], acc.iloc[-1], lang)
    tail = _change(t("describe.loss", lang), loss.iloc[0], loss.iloc[-1], lang)
    return t("describe.training", lang, acc=head, loss=tail, epochs=epochs, n=epochs)


def growth(growth_df: pd.DataFrame, lang: str = "en") -> str:
    """One run's ‖W‖ and largest |logit| (lib.runs.growth_frame): first and last of each."""
    parts = []
    for metric in ("w_norm", "max_logit"):
        values = _series(growth_df, metric)
        if not values.empty:
            name = t(f"chart.{metric}", lang)
            parts.append(
                t(
                    "describe.growth.part",
                    lang,
                    name=name,
                    a=values.iloc[0],
                    e_a=int(values.index[0]),
                    b=values.iloc[-1],
                    e_b=int(values.index[-1]),
                    top=values.max(),
                )
            )
    if not parts:
        return t("describe.growth.empty", lang)
    return t("describe.growth", lang, parts=t("describe.sep", lang).join(parts))


def lr_sweep(table: pd.DataFrame, lang: str = "en") -> str:
    """The lr sweep's chart (lib/lr_sweep.py): per loss, accuracy and ‖W‖ at both ends,
    and the smallest lr at which it broke down."""
    parts = []
    for softmax, rows in table.groupby("softmax", sort=False):
        rows = rows.sort_values("lr")
        broken = rows[rows["breakdown_epoch"].notna()]
        norms = rows["w_norm"][rows["w_norm"].map(_finite)]
        values = {
            "name": t(f"softmax.{softmax}", lang),
            "lr0": rows["lr"].iloc[0],
            "acc0": rows["test_acc"].iloc[0],
            "lr1": rows["lr"].iloc[-1],
            "acc1": rows["test_acc"].iloc[-1],
            "w_max": norms.max() if len(norms) else float("nan"),
        }
        key = "describe.lr_sweep.broke" if len(broken) else "describe.lr_sweep.part"
        parts.append(t(key, lang, broke=broken["lr"].min() if len(broken) else 0, **values))
    return t("describe.lr_sweep", lang, parts=t("describe.sep", lang).join(parts))


def compare(long_df: pd.DataFrame, lang: str = "en") -> str:
    """Several runs overlaid: each run's last test accuracy, best first."""
    last = {run: values[-1] for run, values in _points(long_df, "test_acc").items()}  # (epoch, acc)
    # best first, a run without a finite accuracy last (NaN stays NaN)
    order = sorted(last, key=lambda run: -last[run][1] if _finite(last[run][1]) else float("inf"))
    parts = [
        t(
            "describe.compare.run",
            lang,
            run=run,
            acc=last[run][1],
            epochs=last[run][0],
            n=last[run][0],
        )
        if _finite(last[run][1])
        else t("describe.compare.broken", lang, run=run)
        for run in order
    ]
    return t("describe.compare", lang, n=len(parts), runs=t("describe.sep", lang).join(parts))


def class_accuracy(table: pd.DataFrame, overall: float, lang: str = "en") -> str:
    """Bars of accuracy per class (columns name, accuracy): lowest, highest, overall."""
    ordered = table.sort_values("accuracy")
    low, high = ordered.iloc[0], ordered.iloc[-1]
    return t(
        "describe.class_accuracy",
        lang,
        n=len(table),
        overall=pct(overall, lang, 1),
        low=low["name"],
        low_acc=pct(low["accuracy"], lang, 1),
        high=high["name"],
        high_acc=pct(high["accuracy"], lang, 1),
    )


def confusion(C, names, lang: str = "en") -> str:
    """The confusion matrix (rows true, columns predicted): right ones and the top mistake."""
    C = [[int(v) for v in row] for row in C.tolist()]
    total = sum(map(sum, C))
    right = sum(C[k][k] for k in range(len(C)))
    mistakes = [(C[i][j], i, j) for i in range(len(C)) for j in range(len(C)) if i != j]
    count, i, j = max(mistakes, key=lambda m: m[0], default=(0, 0, 0))  # the first of equals
    return t(
        "describe.confusion",
        lang,
        n=len(C),
        total=total,
        right=right,
        true=names[i],
        pred=names[j],
        count=count,
    )


def probabilities(probs, names, lang: str = "en", true_class: int | None = None) -> str:
    """Softmax output bars: the two most likely classes, and the true one when known."""
    probs = [float(p) for p in probs]
    order = sorted(range(len(probs)), key=lambda k: -probs[k])
    first, second = order[0], order[1]
    text = t(
        "describe.probs",
        lang,
        pred=names[first],
        p=pct(probs[first], lang, 1),
        next=names[second],
        p_next=pct(probs[second], lang, 1),
    )
    if true_class is not None:
        text += t(
            "describe.probs.true", lang, true=names[true_class], p=pct(probs[true_class], lang, 1)
        )
    return text


def class_maps(kind: str, names, lang: str = "en") -> str:
    """Ten 28x28 maps, one per class (kind 'weights': W; 'grad': W.grad)."""
    return t(f"describe.maps.{kind}", lang, n=len(names), side=SIDE, names=", ".join(names))


def gallery_image(true: str, pred: str, p: float, lang: str = "en") -> str:
    """A test image of the gallery: 'ankle boot, predicted ankle boot, 97 %'."""
    key = "describe.image.right" if true == pred else "describe.image.wrong"
    return t(key, lang, true=true, pred=pred, p=pct(p, lang))


def training_image(name: str, k: int, n: int, lang: str = "en") -> str:
    """One image of the minibatch shown on the minibatch page."""
    return t("describe.image.batch", lang, name=name, k=k, n=n, side=SIDE)


def upload_image(lang: str = "en") -> str:
    """The student's photo as uploaded."""
    return t("describe.image.upload", lang)


def input_image(lang: str = "en", pred: str | None = None, p: float | None = None) -> str:
    """The student's photo as the model sees it, with the prediction once there is a model."""
    if pred is None:
        return t("describe.image.input_only", lang, side=SIDE)
    return t("describe.image.input", lang, side=SIDE, pred=pred, p=pct(p, lang))


def recall(recall_a, recall_m, names, lang: str = "en") -> str:
    """Recall per class under the two rules: the class whose recall moved most."""
    a, m = [float(v) for v in recall_a], [float(v) for v in recall_m]
    k = max(range(len(a)), key=lambda i: abs(m[i] - a[i]))
    return t(
        "describe.recall",
        lang,
        n=len(a),
        name=names[k],
        a=a[k],
        m=m[k],
        mean_a=sum(a) / len(a),
        mean_m=sum(m) / len(m),
    )


def reject(curve: pd.DataFrame, threshold: float, coverage: float, accuracy, lang="en") -> str:
    """Accuracy against coverage: the whole curve's ends and the chosen threshold's point."""
    ok = curve.dropna()
    full = ok.loc[ok["coverage"].idxmax()]
    least = ok.loc[ok["coverage"].idxmin()]
    at = (
        t("describe.reject.at", lang, th=threshold, cov=pct(coverage, lang, 1), acc=accuracy)
        if _finite(accuracy)
        else t("describe.reject.none", lang, th=threshold)
    )
    return t(
        "describe.reject",
        lang,
        n=len(ok),
        cov_hi=pct(full["coverage"], lang, 1),
        acc_hi=full["accuracy"],
        cov_lo=pct(least["coverage"], lang, 1),
        acc_lo=least["accuracy"],
        at=at,
    )


def reliability(table: pd.DataFrame, lang: str = "en") -> str:
    """The reliability diagram: bins used, and the bin where confidence and accuracy differ most."""
    used = table[table["count"] > 0]
    gap = (used["confidence"] - used["accuracy"]).abs()
    row = used.loc[gap.idxmax()]
    return t(
        "describe.reliability",
        lang,
        bins=len(table),
        used=len(used),
        lo=row["lower"],
        hi=row["upper"],
        conf=row["confidence"],
        acc=row["accuracy"],
        count=int(row["count"]),
    )


def exp_overflow(limits: dict, x: float, lang: str = "en") -> str:
    """exp(x) per dtype: where each one overflows, and the student's x."""
    where = t("describe.sep", lang).join(f"{d} {v:.1f}" for d, v in limits.items())
    return t("describe.exp", lang, limits=where, x=x)


def softmax_bars(table: pd.DataFrame, lang: str = "en") -> str:
    """Naive and stable softmax per entry (columns o, naive, stable)."""
    nans = sum(not _finite(p) for p in table["naive"])
    top = int(pd.to_numeric(table["stable"]).idxmax())
    return t(
        "describe.softmax",
        lang,
        n=len(table),
        nans=nans,
        top=top,
        o=float(table.loc[top, "o"]),
        p=float(table.loc[top, "stable"]),
    )


def gap_chart(kind: str, gap_max: float, breaks: dict, lang: str = "en") -> str:
    """Loss (kind 'loss') or gradient ('grad') against the gap: where each way breaks."""
    ways = [
        t("describe.gap.breaks", lang, way=t(f"cross_entropy.method.{m}", lang), gap=g)
        if g is not None
        else t("describe.gap.holds", lang, way=t(f"cross_entropy.method.{m}", lang))
        for m, g in breaks.items()
    ]
    ways.append(t("describe.gap.holds", lang, way=t("cross_entropy.method.stable", lang)))
    return t(f"describe.gap.{kind}", lang, max=gap_max, ways=t("describe.sep", lang).join(ways))


def costs(rows, lang: str = "en") -> str:
    """Time and memory against K, one line per method: each method at the largest K measured."""
    df = pd.DataFrame(list(rows), columns=["method", "K", "ms", "mb", "peak_mb", "loss", "status"])
    done = df[df["status"] == "ok"]
    if done.empty:
        return t("describe.costs.empty", lang, n=df["method"].nunique())
    k = int(done["K"].max())
    at = done[done["K"] == k]
    parts = [
        t(
            "describe.costs.method",
            lang,
            method=t(f"many_classes.method.{r.method}", lang),
            ms=float(r.ms),
            mb=float(r.mb),
        )
        for r in at.itertuples()
    ]
    return t(
        "describe.costs",
        lang,
        n=df["method"].nunique(),
        k=k,
        methods=t("describe.sep", lang).join(parts),
    )


def board(frame: pd.DataFrame, lang: str = "en") -> str:
    """The class board (lib.charts.class_board.board_frame): runs, the best one, breakdowns."""
    broken = frame["broke_down"].astype(bool)
    points = frame[~broken]
    if points.empty:
        return t("describe.board.none", lang, n=len(frame), broken=int(broken.sum()))
    best = points.loc[pd.to_numeric(points["test_acc"]).idxmax()]
    return t(
        "describe.board",
        lang,
        n=len(frame),
        students=frame["student"].nunique(),
        acc=float(best["test_acc"]),
        lr=f"{float(best['lr']):g}",
        student=best["student"],
        broken=int(broken.sum()),
    )


def announce_epochs(num_epochs: int, parts: int = 4) -> list[int]:
    """The epochs whose progress a screen reader hears: each quarter of the run, not the last
    (the end of the run is announced by its verdict), never two for one epoch."""
    marks = {math.ceil(num_epochs * k / parts) for k in range(1, parts)}
    return sorted(m for m in marks if 0 < m < num_epochs)
