"""The trainers: one contract, one epoch driver, one module per framework.

    from lib.config import TrainConfig
    from lib.data import load_data
    from lib.trainers import train
    for record in train(TrainConfig(num_epochs=3), load_data()):
        print(record.epoch, record.train_loss, record.test_acc)

- contract.py   what every trainer shares: EpochRecord, Breakdown, init_weights,
                sgd, the framework registry, the Trainer protocol
- loop.py       the epoch driver (the book's train_ch3) and the breakdown replay
- scratch.py    the chapter's from-scratch PyTorch steps
- concise.py    the torch.nn steps
- mindspore.py  the MindSpore steps (an optional install)
- stacked.py    many from-scratch runs trained as one model (the server's cohorts,
                the CLI's sweeps); lib/engine.py schedules them on a server

`train` runs the framework named in cfg.framework; `code` lists the functions
such a run calls (the Train page shows them); `run_device` says where it runs.
The command line is lib/cli.py (`python -m lib.cli`).
"""

from __future__ import annotations

from collections.abc import Iterator

from lib.config import TrainConfig
from lib.data import FashionMNIST
from lib.trainers.contract import (
    CAUSES,
    FRAMEWORKS,
    Breakdown,
    EpochRecord,
    framework_available,
    framework_module,
    init_weights,
    sgd,
    trainer,
)

__all__ = [
    "CAUSES",
    "FRAMEWORKS",
    "Breakdown",
    "EpochRecord",
    "TrainConfig",
    "code",
    "framework_available",
    "init_weights",
    "run_device",
    "sgd",
    "train",
    "trainer",
]


def train(cfg: TrainConfig, data: FashionMNIST) -> Iterator[EpochRecord]:
    """Yield the epoch-0 record, then one EpochRecord per epoch, with cfg.framework."""
    return trainer(cfg.framework)(cfg, data)


def code(cfg: TrainConfig, broke_down: bool = False, engine: bool = False) -> tuple:
    """The functions a run with cfg calls, in its framework (the Train page shows them).

    engine=True: the run went through the server's engine (lib/engine.py), which
    trains a from-scratch run in a cohort: the chapter's functions, then the
    stacked ones that computed the same thing for the whole cohort.
    """
    from lib.trainers import stacked

    chapter = framework_module(cfg.framework).shown_code(cfg, broke_down)
    if engine and stacked.cohort_key(cfg) is not None:
        return (*chapter, *stacked.shown_code(cfg, broke_down))
    return chapter


def run_device(cfg: TrainConfig) -> str:
    """Where a run with cfg trains, for people: 'cpu · 1 thread', 'cpu · MindSpore 2.10.0'."""
    return framework_module(cfg.framework).device_text(cfg)
