"""The training charts: fixed axes while a run grows, translated curves, NaN left out."""

import pandas as pd

from lib.charts.training import compare_chart, training_chart
from lib.runs import Run, long_frame
from lib.trainers import TrainConfig


def _run(values, number=1):
    run = Run(number=number, cfg=TrainConfig(num_epochs=5))
    run.history = [
        dict(
            epoch=i + 1,
            train_loss=loss,
            train_acc=0.7,
            test_acc=0.75,
            seconds=0.1,
            broke_down=False,
        )
        for i, loss in enumerate(values)
    ]
    return run


def test_axes_cover_the_whole_run_from_the_random_start():
    spec = training_chart(long_frame([_run([0.8])]), 5).to_dict()
    assert spec["encoding"]["x"]["scale"]["domain"] == [0, 5]
    assert spec["encoding"]["y"]["scale"]["domain"] == [0, 1.0]


def test_a_large_loss_widens_the_y_axis_and_nan_or_inf_do_not():
    assert training_chart(long_frame([_run([3.5, 1.2])]), 5).to_dict()["encoding"]["y"]["scale"][
        "domain"
    ] == [0, 3.5]
    for bad in (float("nan"), float("inf")):
        assert training_chart(long_frame([_run([bad])]), 5).to_dict()["encoding"]["y"]["scale"][
            "domain"
        ] == [0, 1.0]


def test_curves_are_named_in_the_language():
    frame = long_frame([_run([0.8, 0.6])])
    zh = pd.DataFrame(training_chart(frame, 5, "zh").to_dict()["datasets"].popitem()[1])
    assert set(zh["curve"]) == {"训练损失", "训练精度", "测试精度"}
    assert len(zh) == 6  # 2 epochs x 3 curves


def test_compare_chart_has_one_colour_per_run():
    frame = long_frame([_run([0.8]), _run([0.5], number=2)])
    data = pd.DataFrame(compare_chart(frame).to_dict()["datasets"].popitem()[1])
    assert data["run"].nunique() == 2


def test_the_first_and_the_largest_points_are_drawn_inside_the_plot():
    """Epoch 0 (x = 0) and the top of the y domain get room: both scales are padded."""
    spec = training_chart(long_frame([_run([2.3, 0.6])]), 5).to_dict()
    assert spec["encoding"]["x"]["scale"]["padding"] > 0
    assert spec["encoding"]["y"]["scale"]["padding"] > 0
