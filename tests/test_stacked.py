"""The stacked trainer (lib/trainers/stacked.py) against runs trained alone, and the CLI's sweeps.

Runs stacked side by side read the same minibatches and start from the same W
as alone; only the big matmul may add its products in another order. So: at
lr <= 0.1 the weights agree to 1e-5 and the test accuracy to 3 decimals, every
run breaks down (or not) in the same epoch, minibatch and cause, a cohort of
one is bit for bit the run alone, and a NaN stays in its own run's columns.

The data: a small synthetic set of its own (ten noisy class centres in 784
dimensions), learnable but not trivially (test accuracy ~0.86-0.95 after 2-3
epochs), with 16 minibatches of 64 per epoch, so every test here is fast.
"""

import dataclasses
import json
from pathlib import Path

import pytest
import tomllib
import torch

import lib.cli
from lib.config import Range, TrainConfig, parse_values, setting, sweep, swept
from lib.data import FashionMNIST
from lib.trainers import init_weights, train
from lib.trainers.stacked import Cohort, cohort_key, train_stacked

ROOT = Path(__file__).resolve().parents[1]


def tiny_data(n_train=1024, n_test=512, seed=0) -> FashionMNIST:
    """Ten classes: a common background, a class centre and noise, clamped to [0, 1]."""
    g = torch.Generator().manual_seed(seed)
    centres = torch.rand(10, 784, generator=g)
    background = torch.rand(784, generator=g)

    def split(n):
        y = torch.randint(0, 10, (n,), generator=g)
        X = background + 0.6 * (centres[y] - 0.5) + 0.4 * torch.randn(n, 784, generator=g)
        return X.clamp(0, 1), y

    return FashionMNIST(*split(n_train), *split(n_test))


DATA = tiny_data()


def cfg(**kw) -> TrainConfig:
    return TrainConfig(**{"batch_size": 64, "num_epochs": 3, "device": "cpu", **kw})


def alone(c: TrainConfig) -> list:
    return list(train(c, DATA))


def stacked(cfgs: list) -> dict[int, list]:
    """Each run's records from train_stacked, checking they come in epoch order."""
    runs = {i: [] for i in range(len(cfgs))}
    for i, record in train_stacked(cfgs, DATA):
        assert record.epoch == len(runs[i])  # epoch 0 first, then 1, 2, ...
        runs[i].append(record)
    return runs


def figures(record) -> dict:
    """A record's figures without its timing (NaN as None, so that it equals itself)."""
    return {k: None if v != v else v for k, v in record.metrics().items() if k != "seconds"}


def max_dW(ours: list, theirs: list) -> float:
    return max(float((a.W - b.W).abs().max()) for a, b in zip(ours, theirs))


def breakdowns(records: list):
    return [
        (r.breakdown.epoch, r.breakdown.batch, r.breakdown.cause) for r in records if r.breakdown
    ]


MIX = [
    cfg(lr=0.03, softmax="naive"),
    cfg(lr=0.1, softmax="naive", num_epochs=1),
    cfg(lr=0.1, softmax="stable", num_epochs=2),
    cfg(lr=0.03, softmax="stable"),
    cfg(lr=0.1, softmax="naive"),
    cfg(lr=0.3, softmax="naive"),
    cfg(lr=1.0, softmax="naive"),  # breaks down in epoch 1: log_zero
    cfg(lr=1.0, softmax="stable"),
    cfg(lr=3.0, softmax="naive", num_epochs=2),  # breaks down in epoch 1: grad_overflow
]


@pytest.fixture(scope="module")
def mix_stacked():
    return stacked(MIX)


@pytest.fixture(scope="module")
def mix_alone():
    return {i: alone(c) for i, c in enumerate(MIX)}


# ---- the same results as alone -------------------------------------------------------


def test_at_small_lr_stacked_runs_match_alone_to_1e_5_and_3_decimals(mix_stacked, mix_alone):
    small = [i for i, c in enumerate(MIX) if c.lr <= 0.1]
    assert len(small) == 5
    for i in small:
        ours, theirs = mix_stacked[i], mix_alone[i]
        assert [r.epoch for r in ours] == list(range(MIX[i].num_epochs + 1))
        assert [r.epoch for r in ours] == [r.epoch for r in theirs]
        assert max_dW(ours, theirs) <= 1e-5, MIX[i]
        assert max(float((a.b - b.b).abs().max()) for a, b in zip(ours, theirs)) <= 1e-5
        for a, b in zip(ours, theirs):
            assert round(a.test_acc, 3) == round(b.test_acc, 3), (MIX[i], a.epoch)
            assert a.train_loss == pytest.approx(b.train_loss, rel=1e-5)
            assert not a.broke_down and not b.broke_down


def test_every_run_breaks_down_in_the_same_epoch_minibatch_and_cause(mix_stacked, mix_alone):
    for i, c in enumerate(MIX):
        ours, theirs = mix_stacked[i], mix_alone[i]
        assert len(ours) == len(theirs), c
        assert breakdowns(ours) == breakdowns(theirs), c
        if ours[-1].breakdown:
            assert ours[-1].breakdown == theirs[-1].breakdown  # max logit and p_true too
    causes = {c.lr: breakdowns(mix_stacked[i]) for i, c in enumerate(MIX) if c.softmax == "naive"}
    assert causes[1.0][0][2] == "log_zero" and causes[3.0][0][2] == "grad_overflow"
    assert all(not breakdowns(mix_stacked[i]) for i, c in enumerate(MIX) if c.softmax == "stable")


def test_epoch_0_is_the_seeded_start_of_each_run_evaluated(mix_stacked, mix_alone):
    W, b = init_weights(MIX[0], torch.Generator().manual_seed(MIX[0].seed))
    for i in range(len(MIX)):
        start, start_alone = mix_stacked[i][0], mix_alone[i][0]
        assert start.epoch == 0 and not start.broke_down
        assert torch.equal(start.W, W) and torch.equal(start.b, b)
        assert start.test_acc == start_alone.test_acc
        assert start.train_acc == start_alone.train_acc
        assert start.train_loss == pytest.approx(start_alone.train_loss, rel=1e-6)


@pytest.mark.parametrize("c", [cfg(lr=0.1), cfg(lr=1.0, softmax="stable"), cfg(lr=1.0)])
def test_a_cohort_of_one_is_the_run_alone_bit_for_bit(c):
    ours, theirs = stacked([c])[0], alone(c)
    assert [figures(r) for r in ours] == [figures(r) for r in theirs]
    assert breakdowns(ours) == breakdowns(theirs)
    for a, b in zip(ours, theirs):
        assert torch.equal(a.W, b.W) or (a.W.isnan() == b.W.isnan()).all()
        assert torch.equal(a.b, b.b) or (a.b.isnan() == b.b.isnan()).all()


# ---- isolation: a NaN, a run that leaves ---------------------------------------------


STABLE = [cfg(lr=0.1, softmax="stable"), cfg(lr=0.03, softmax="stable"), cfg(lr=0.3)]


def assert_same_runs(ours: list, theirs: list, tol=1e-6):
    assert [r.epoch for r in ours] == [r.epoch for r in theirs]
    for a, b in zip(ours, theirs):
        assert torch.isfinite(a.W).all() and torch.isfinite(a.b).all()
        torch.testing.assert_close(a.W, b.W, rtol=0, atol=tol)
        torch.testing.assert_close(a.b, b.b, rtol=0, atol=tol)
        assert a.test_acc == b.test_acc and a.train_acc == b.train_acc
        assert a.train_loss == pytest.approx(b.train_loss, rel=tol, abs=tol)


def test_a_nan_stays_in_its_own_columns():
    """lr 1 naive breaks down in epoch 1 next to three healthy runs: they do not notice."""
    with_nan = stacked([STABLE[0], cfg(lr=1.0), *STABLE[1:]])
    without = stacked(STABLE)
    assert breakdowns(with_nan[1]) == breakdowns(alone(cfg(lr=1.0)))
    assert not torch.isfinite(with_nan[1][-1].W).all()  # the NaN is there, in its W
    for k, i in [(0, 0), (1, 2), (2, 3)]:
        assert_same_runs(with_nan[i], without[k])


def advance_all(cohort: Cohort) -> dict:
    runs = {m.run_id: [] for m in cohort.members}
    while cohort.members:
        for run_id, record in cohort.advance():
            runs[run_id].append(record)
    return runs


def test_a_run_that_leaves_mid_way_does_not_disturb_the_others():
    cohort = Cohort(STABLE[0], DATA)
    for name, c in zip("abc", STABLE):
        cohort.add(name, c)
    runs = {name: [] for name in "abc"}
    for _ in range(2):  # epoch 0 and epoch 1, then epoch 2
        for run_id, record in cohort.advance():
            runs[run_id].append(record)
    cohort.remove("b")  # Stop, or a closed tab
    assert [m.run_id for m in cohort.members] == ["a", "c"]
    for run_id, record in advance_all(cohort).items():
        runs[run_id].extend(record)
    assert [r.epoch for r in runs["b"]] == [0, 1, 2]
    undisturbed = stacked([STABLE[0], STABLE[2]])
    assert_same_runs(runs["a"], undisturbed[0])
    assert_same_runs(runs["c"], undisturbed[1])
    assert max_dW(runs["a"], alone(STABLE[0])) <= 1e-5


def test_runs_with_the_same_settings_share_a_lane_and_get_the_same_records():
    """Three students with the book's settings and one with another lr: two lanes, and each
    run's records are what it gets stacked with the other lane alone."""
    same, other = cfg(lr=0.1), cfg(lr=0.03)
    cohort = Cohort(same, DATA)
    for name, c in [("a", same), ("b", other), ("c", same), ("d", same)]:
        cohort.add(name, c)
    assert cohort.width() == 2 and cohort.has_lane(same) and not cohort.has_lane(cfg(lr=0.3))
    runs = advance_all(cohort)
    two = stacked([same, other])
    for name in "acd":
        assert_same_runs(runs[name], two[0], tol=0)
    assert_same_runs(runs["b"], two[1], tol=0)
    assert max_dW(runs["a"], alone(same)) <= 1e-5


def test_a_lane_member_with_fewer_epochs_or_stopped_leaves_the_others_going():
    short, long_ = cfg(lr=0.1, num_epochs=1), cfg(lr=0.1, num_epochs=3)
    cohort = Cohort(long_, DATA)
    for name, c in [("short", short), ("a", long_), ("b", long_)]:
        cohort.add(name, c)
    assert cohort.width() == 1  # the number of epochs is not part of the lane
    runs = {name: [] for name in ("short", "a", "b")}
    for run_id, record in cohort.advance():  # epoch 0 and epoch 1: "short" is done
        runs[run_id].append(record)
    cohort.remove("b")
    for run_id, records in advance_all(cohort).items():
        runs[run_id].extend(records)
    assert [r.epoch for r in runs["short"]] == [0, 1]
    assert [r.epoch for r in runs["b"]] == [0, 1]
    assert_same_runs(runs["a"], stacked([long_])[0], tol=0)
    assert_same_runs(runs["short"], runs["a"][:2], tol=0)


def test_a_lane_is_one_set_of_columns_whatever_the_class_size():
    """30 runs with the same settings cost one lane: the stacked W is (784, 10)."""
    cohort = Cohort(cfg(), DATA)
    for i in range(30):
        cohort.add(i, cfg(num_epochs=1 + i % 3))
    assert cohort.width() == 1
    runs = advance_all(cohort)
    assert len({round(r[1].test_acc, 12) for r in runs.values()}) == 1


def test_a_reader_that_stops_part_way_through_an_epoch_leaves_the_cohort_consistent():
    """The records of an epoch are handed out after every run's W moved on: a reader that
    stops after the first (an error, a shutdown) does not leave the others a step behind."""

    def train_cohort(stop_early: bool) -> dict:
        cohort = Cohort(STABLE[0], DATA)
        for name, c in zip("abc", STABLE):
            cohort.add(name, c)
        list(cohort.advance())  # epochs 0 and 1
        step = cohort.advance()
        if stop_early:
            next(step)  # a's epoch 2 only
            step.close()
        else:
            list(step)
        assert cohort.epochs_done == 2 and all(m.epoch == 2 for m in cohort.members)
        return {run_id: records[-1] for run_id, records in advance_all(cohort).items()}

    read_all, stopped = train_cohort(False), train_cohort(True)
    for name in "abc":
        assert read_all[name].epoch == stopped[name].epoch == 3
        assert torch.equal(read_all[name].W, stopped[name].W), name


# ---- who may train together ----------------------------------------------------------


def test_runs_join_a_cohort_of_their_key_before_its_first_epoch_only():
    cohort = Cohort(cfg(lr=0.1), DATA)
    assert cohort.can_join(cfg(lr=1.0, softmax="stable", num_epochs=7))  # lr, softmax, epochs vary
    assert not cohort.can_join(cfg(seed=1))  # another start W and minibatch order
    assert not cohort.can_join(cfg(batch_size=128))
    assert not cohort.can_join(cfg(init_std=0.1))
    assert not cohort.can_join(cfg(framework="concise"))
    cohort.add("a", cfg(lr=0.1))
    list(cohort.advance())  # epoch 0 and epoch 1
    assert cohort.epochs_done == 1
    assert not cohort.can_join(cfg(lr=0.1))
    with pytest.raises(ValueError, match="before its first epoch"):
        cohort.add("late", cfg(lr=0.1))


def test_a_torch_nn_run_has_no_cohort():
    assert cohort_key(cfg(framework="concise")) is None
    assert cohort_key(cfg()) == cohort_key(cfg(lr=3.0, softmax="stable", num_epochs=9))
    with pytest.raises(ValueError, match="trains alone"):
        Cohort(cfg(framework="concise"), DATA)


def test_cohorts_merge_only_with_the_same_key_and_the_same_epoch():
    a, b, other = Cohort(cfg(), DATA), Cohort(cfg(), DATA), Cohort(cfg(seed=1), DATA)
    a.add("a", STABLE[0])
    b.add("b", STABLE[1])
    with pytest.raises(ValueError, match="same epoch"):
        a.merge(other)
    list(a.advance())
    with pytest.raises(ValueError, match="same epoch"):
        a.merge(b)  # 1 epoch against 0
    list(b.advance())
    a.merge(b)
    assert [m.run_id for m in a.members] == ["a", "b"] and b.members == []
    rest = advance_all(a)
    together = stacked(STABLE[:2])
    assert_same_runs(rest["a"], together[0][2:])  # epochs 2 and 3, as if together from the start
    assert_same_runs(rest["b"], together[1][2:])


def test_runs_of_other_seeds_and_frameworks_train_in_their_own_cohorts_or_alone():
    cfgs = [cfg(lr=0.1), cfg(lr=0.1, seed=1), cfg(lr=0.1, framework="concise"), cfg(lr=0.03)]
    runs = stacked(cfgs)
    for i, c in enumerate(cfgs):
        assert max_dW(runs[i], alone(c)) <= 1e-5, c
    assert not torch.equal(runs[0][-1].W, runs[1][-1].W)


# ---- TrainConfig's sweeps ---------------------------------------------------------------


def test_a_sweep_is_the_cartesian_product_in_the_fields_order():
    cfgs = sweep({"lr": [0.1, 0.3], "softmax": ["naive", "stable"], "num_epochs": 5})
    assert [(c.lr, c.softmax, c.num_epochs) for c in cfgs] == [
        (0.1, "naive", 5),
        (0.1, "stable", 5),
        (0.3, "naive", 5),
        (0.3, "stable", 5),
    ]
    assert sweep({"lr": 0.3}) == [TrainConfig(lr=0.3)]
    with pytest.raises(ValueError, match="empty list"):
        sweep({"lr": []})


def test_the_fields_that_sweep_come_from_their_metadata():
    assert [f.name for f in swept()] == ["lr", "num_epochs", "batch_size", "seed", "softmax"]
    by_name = {f.name: f for f in dataclasses.fields(TrainConfig)}
    assert parse_values(by_name["lr"], "0.03, 0.1,0.3") == [0.03, 0.1, 0.3]
    assert parse_values(by_name["num_epochs"], "1,5") == [1, 5]
    assert parse_values(by_name["framework"], "scratch") == ["scratch"]
    for field, text, problem in [
        ("lr", "0.1,,0.3", "empty item"),
        ("lr", "0.1,-1", "between"),
        ("num_epochs", "2.5", "whole number"),
        ("softmax", "naive,fast", "one of naive, stable"),
        ("framework", "scratch,concise", "one of"),  # not a field that sweeps
    ]:
        with pytest.raises(ValueError, match=problem):
            parse_values(by_name[field], text)


@dataclasses.dataclass(frozen=True)
class WithMomentum(TrainConfig):
    momentum: float = setting(
        0.0, allowed=Range(0.0, 0.99), sweep=True, help="momentum of the SGD update"
    )


def test_a_new_field_marked_sweep_is_a_list_on_the_command_line():
    args = lib.cli.build_parser(WithMomentum).parse_args(["--momentum", "0,0.9", "--lr", "0.3"])
    cfgs = lib.cli.configs_from_args(args, WithMomentum)
    assert [(c.lr, c.momentum) for c in cfgs] == [(0.3, 0.0), (0.3, 0.9)]
    with pytest.raises(ValueError, match="sweep of 2 runs"):
        lib.cli.config_from_args(args, WithMomentum)


# ---- the CLI's sweeps -------------------------------------------------------------------


@pytest.fixture
def cli(monkeypatch, capsys):
    """lib.cli.main on the tiny data: (exit code, stdout lines, stderr lines)."""
    monkeypatch.setattr(lib.cli, "load_data", lambda root, device: DATA)

    def main(*argv):
        code = lib.cli.main([*argv, "--device", "cpu", "--batch-size", "64"])
        out, err = capsys.readouterr()
        return code, out.splitlines(), err.splitlines()

    return main


SWEEP = ["--lr", "0.1,1", "--softmax", "naive,stable", "--epochs", "2", "--json"]
SETTINGS = ("lr", "softmax", "seed", "num_epochs", "batch_size")


def parse_sweep(lines: list[str]) -> tuple[dict, dict]:
    """Each run's epoch lines and its summary line, checking the summary comes last."""
    epochs, ends = {}, {}
    for row in map(json.loads, lines):
        run = row["run"]
        assert run not in ends  # nothing of a run after its summary
        if "epoch" in row:
            epochs.setdefault(run, []).append(row)
        else:
            ends[run] = row
    return epochs, ends


def test_a_json_sweep_tags_every_line_with_its_run_and_ends_each_run_with_its_settings(cli):
    code, out, err = cli(*SWEEP)
    assert code == 0 and err == []
    epochs, ends = parse_sweep(out)
    assert sorted(ends) == [0, 1, 2, 3]
    expected = [(0.1, "naive"), (0.1, "stable"), (1.0, "naive"), (1.0, "stable")]
    assert [(ends[i]["lr"], ends[i]["softmax"]) for i in range(4)] == expected
    for i in range(4):
        end = ends[i]
        assert {*SETTINGS, "test_acc", "broke_down", "breakdown", "epochs_run"} <= set(end)
        assert (end["seed"], end["num_epochs"], end["batch_size"]) == (0, 2, 64)
        assert [r["epoch"] for r in epochs[i]] == list(range(end["epochs_run"] + 1))
        assert end["test_acc"] == epochs[i][-1]["test_acc"]
    assert ends[2]["broke_down"] and ends[2]["breakdown"]["cause"] == "log_zero"
    assert [ends[i]["broke_down"] for i in (0, 1, 3)] == [False] * 3
    alone_acc = alone(cfg(lr=0.1, num_epochs=2))[-1].test_acc
    assert round(ends[0]["test_acc"], 3) == round(alone_acc, 3)


def test_one_at_a_time_trains_the_same_sweep_run_by_run(cli):
    _, out, _ = cli(*SWEEP)
    _, out_alone, _ = cli(*SWEEP, "--one-at-a-time")
    ends, ends_alone = parse_sweep(out)[1], parse_sweep(out_alone)[1]
    runs_in_order = [json.loads(line)["run"] for line in out_alone]
    assert runs_in_order == sorted(runs_in_order)  # run by run
    assert sorted(ends_alone) == sorted(ends)
    for i in ends:
        assert {k: ends[i][k] for k in SETTINGS} == {k: ends_alone[i][k] for k in SETTINGS}
        assert ends[i]["breakdown"] == ends_alone[i]["breakdown"]
        assert ends[i]["epochs_run"] == ends_alone[i]["epochs_run"]
        if ends[i]["lr"] <= 0.1:
            assert round(ends[i]["test_acc"], 3) == round(ends_alone[i]["test_acc"], 3)


def test_a_sweep_without_json_is_a_table_with_a_run_column(cli):
    code, out, _ = cli("--lr", "0.1,1", "--epochs", "1")
    assert code == 0
    assert "a sweep of 2 runs, stacked in 1 group" in out[0]
    assert out[1].split()[:2] == ["run", "epoch"]
    assert [line.split()[:2] for line in out[2:6]] == [
        ["0", "0"],
        ["1", "0"],
        ["0", "1"],
        ["1", "1"],
    ]
    results = out[out.index("results") + 1 :]
    assert results[0].split()[:2] == ["run", "lr"] and results[0].split()[-2:] == [
        "test_acc",
        "result",
    ]
    assert results[1].split()[:2] == ["0", "0.1"] and results[1].endswith("done")
    assert results[2].split()[:2] == ["1", "1"] and "BROKE DOWN in epoch 1" in results[2]
    assert out[-1].startswith("done; 2 runs in")


def test_a_single_run_prints_as_before_without_a_run_index(cli):
    code, out, _ = cli("--lr", "0.1", "--epochs", "2", "--json")
    rows = [json.loads(line) for line in out]
    assert code == 0 and len(rows) == 4
    assert all("run" not in row for row in rows)
    assert [row.get("epoch") for row in rows[:3]] == [0, 1, 2]
    assert "lr" not in rows[-1] and rows[-1]["epochs_run"] == 2


@pytest.mark.parametrize(
    "args, flag, problem",
    [
        (["--lr", "0.1,,0.3"], "--lr", "empty item in '0.1,,0.3'"),
        (["--lr", "0.1,-1"], "--lr", "lr must be between"),
        (["--lr", ""], "--lr", "empty item"),
        (
            ["--softmax", "naive,fast"],
            "--softmax",
            "must be one of naive, stable, clamp, got 'fast'",
        ),
        (["--epochs", "1,2.5"], "--epochs", "whole number, got '2.5'"),
        (["--seed", "0,x"], "--seed", "whole number, got 'x'"),
    ],
)
def test_bad_sweep_input_is_one_line_on_stderr_and_exit_2(capsys, args, flag, problem):
    with pytest.raises(SystemExit) as stop:
        lib.cli.main(args)
    out, err = capsys.readouterr()
    assert stop.value.code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:"), lines
    assert flag in lines[0] and problem in lines[0]


def test_the_console_script_is_the_cli():
    with open(ROOT / "pyproject.toml", "rb") as f:
        scripts = tomllib.load(f)["project"]["scripts"]
    module, name = scripts["softmax-train"].split(":")
    assert module == "lib.cli" and getattr(lib.cli, name) is lib.cli.main


def test_the_equivalence_benchmark_reports_each_runs_differences():
    from bench import stacked_vs_alone

    cfgs = [cfg(lr=0.1), cfg(lr=1.0), cfg(lr=0.03, softmax="stable")]
    rows = stacked_vs_alone.compare(cfgs, DATA)
    assert [(r["lr"], r["softmax"]) for r in rows] == [
        (0.1, "naive"),
        (1.0, "naive"),
        (0.03, "stable"),
    ]
    assert rows[0]["max_abs_dW"] <= 1e-5 and rows[2]["max_abs_dW"] <= 1e-5
    assert (
        rows[1]["breakdown_alone"]
        == rows[1]["breakdown_stacked"]
        == ("epoch 1, minibatch 3: log_zero")
    )
    assert rows[0]["breakdown_alone"] == "-"
    assert rows[0]["test_acc_alone"] == alone(cfgs[0])[-1].test_acc
