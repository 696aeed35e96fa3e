"""TrainConfig is the one description of a run's settings.

A new hyperparameter added to (a copy of) TrainConfig must show up in the URL,
the Train page's controls, the CLI, the runs table and the CSV without
touching any of those places.
"""

import dataclasses

import pandas as pd
import pytest
from apptest_helpers import open_app

from lib import config, settings
from lib.cli import build_parser, config_from_args
from lib.config import APP_LIMITS, Choices, Range, TrainConfig, check, fields, setting
from lib.runs import Run, runs_csv


@dataclasses.dataclass(frozen=True)
class WithMomentum(TrainConfig):
    """TrainConfig plus one more setting, as a future issue might add it."""

    momentum: float = setting(
        0.0, allowed=Range(0.0, 0.99), query="momentum", help="momentum of the SGD update"
    )


def test_every_field_carries_its_default_range_and_help():
    for f in fields(TrainConfig):
        assert f.metadata["help"] and isinstance(f.metadata["allowed"], (Range, Choices))
        assert check(f, f.default) is None, f.name  # the default is allowed
    assert {f.name for f in fields(TrainConfig, app_only=True)} >= {
        "lr",
        "num_epochs",
        "batch_size",
        "seed",
        "softmax",
        "framework",
    }


def test_app_limits_are_within_the_librarys():
    by_name = {f.name: f for f in fields(TrainConfig)}
    for name, allowed in APP_LIMITS.items():
        values = allowed.values if isinstance(allowed, Choices) else (allowed.low, allowed.high)
        assert all(check(by_name[name], v) is None for v in values), name


@pytest.mark.parametrize(
    "bad",
    [
        dict(lr=0),
        dict(num_epochs=1.5),
        dict(num_epochs=True),
        dict(seed=-1),
        dict(framework="tensorflow"),
        dict(batch_size=float("nan")),
    ],
)
def test_bad_values_are_refused_with_the_fields_name(bad):
    with pytest.raises(ValueError, match=next(iter(bad))):
        TrainConfig(**bad)


def test_stored_settings_come_back_whatever_their_age():
    cfg = TrainConfig(lr=0.3, softmax="stable")
    assert TrainConfig.from_dict(cfg.to_dict()) == cfg
    assert TrainConfig.from_dict({"lr": 0.3, "gone_field": 1}) == TrainConfig(lr=0.3)


def test_a_new_field_is_in_the_url_the_cli_the_table_and_the_csv():
    cfg, notes = settings.from_query({"momentum": "0.5", "lr": "1"}, WithMomentum)
    assert (cfg.momentum, cfg.lr, notes) == (0.5, 1.0, [])
    assert settings.to_query(cfg)["momentum"] == "0.5"
    _, notes = settings.from_query({"momentum": "7"}, WithMomentum)
    assert notes == [settings.Note("momentum", "7", "0.99")]  # clamped, and said so
    args = build_parser(WithMomentum).parse_args(["--momentum", "0.9", "--epochs", "3"])
    assert config_from_args(args, WithMomentum) == WithMomentum(momentum=0.9, num_epochs=3)
    run = Run(1, WithMomentum(momentum=0.9))
    run.history = [
        {
            "epoch": 0,
            "train_loss": 2.3,
            "train_acc": 0.1,
            "test_acc": 0.1,
            "seconds": 0.0,
            "broke_down": False,
        }
    ]
    assert run.summary()["momentum"] == 0.9
    csv = pd.read_csv(pd.io.common.StringIO(runs_csv([run])))
    assert csv["momentum"].tolist() == [0.9]


def test_a_new_field_gets_a_control_and_a_column_on_the_train_page(monkeypatch, real_data):
    monkeypatch.setattr(config, "TrainConfig", WithMomentum)
    at = open_app(query={"momentum": "0.25", "epochs": "1"})
    assert not at.exception
    assert at.slider(key="train.w.momentum").value == 0.25
    at.slider(key="train.w.momentum").set_value(0.5).run()
    assert at.query_params["momentum"] == "0.5"
    assert at.session_state["train.settings"].momentum == 0.5
    at.button(key="train.start").click().run()
    assert not at.exception
    (run,) = at.session_state["runs"]
    assert run.cfg.momentum == 0.5
    table = next(d.value for d in at.dataframe if "momentum" in d.value.columns)
    assert table["momentum"].tolist() == [0.5]
