"""Many runs trained as one model: a class's W side by side, one matmul for all.

Runs that share their seed, batch size, init_std and device read the same
minibatches in the same order and start from the same W. They may differ in
lr, softmax variant and number of epochs. Such runs are trained together:

    W_all = [W_1 | W_2 | ... | W_K]          (784, 10·K)
    O_all = X_batch @ W_all + b_all          (batch, 784) @ (784, 10·K) -> (batch, 10·K)

Each run then applies its own softmax and cross-entropy to its own 10 columns
(lib.softmax's functions, unchanged), and its own lr in the SGD update. The
columns of one run never mix with another's: a NaN in run k's logits, loss or
gradient stays in run k's columns. A run ends with its own records and its own
breakdown diagnosis (that epoch replayed alone, lib.trainers.loop.replay).

Why the numbers match a run trained alone: the same minibatches, the same
start, the same formulas. Only the matmul may add its 784 products in another
order, so the last bit of a float can differ; at ordinary learning rates that
stays below 1e-6 in W, while in a sensitive regime (the naive softmax at a
large lr) such differences can grow (docs/benchmarks.md has the figures).

    cohort = Cohort(TrainConfig(seed=0), data)
    cohort.add("a", TrainConfig(lr=0.1)); cohort.add("b", TrainConfig(lr=1, softmax="stable"))
    while cohort.members:
        for run_id, record in cohort.advance():
            ...

`train_stacked(cfgs, data)` does this for a list of configs (the CLI's sweeps).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

import torch

from lib.config import TrainConfig
from lib.data import NUM_OUTPUTS, FashionMNIST, minibatch_indices, pick_device
from lib.softmax import LOSSES
from lib.trainers.contract import EpochRecord, init_weights, largest_logit, trainer
from lib.trainers.loop import replay
from lib.trainers.scratch import ScratchModel


def cohort_key(cfg: TrainConfig) -> tuple | None:
    """What runs must share to be trained together exactly; None: this run trains alone.

    The seed decides the start W and the minibatch order, the batch size and
    the device the minibatches, init_std the start W. Only the from-scratch
    trainer is stacked (torch.nn and MindSpore runs train alone).
    """
    if cfg.framework != "scratch":
        return None
    return (cfg.seed, cfg.batch_size, cfg.init_std, str(pick_device(cfg.device)))


@dataclass(eq=False)
class Member:
    """One run in a cohort: its settings and its own W and b (on the cohort's device)."""

    run_id: object
    cfg: TrainConfig
    W: torch.Tensor  # (784, 10)
    b: torch.Tensor  # (10,)
    epoch: int = -1  # the last epoch recorded (-1: not even epoch 0 yet)
    done: bool = field(default=False)


class Cohort:
    """Runs with the same cohort_key, trained epoch by epoch as one stacked model.

    Runs join while the cohort has trained no epoch yet (so every member is at
    the same epoch, and the shared generator gives each the minibatches it
    would get alone); two cohorts of one key that have trained the same number
    of epochs have the same generator state and can merge.
    """

    def __init__(self, cfg: TrainConfig, data: FashionMNIST):
        self.key = cohort_key(cfg)
        if self.key is None:
            raise ValueError(f"a {cfg.framework} run cannot be stacked: it trains alone")
        self.device = pick_device(cfg.device)
        self.source = data  # as given (lib.trainer_process sends it to its process once)
        self.data = data.to(self.device)
        self.batch_size = cfg.batch_size
        self.generator = torch.Generator().manual_seed(cfg.seed)
        W, b = init_weights(cfg, self.generator)  # what every member would draw alone
        self.W0, self.b0 = W.to(self.device), b.to(self.device)
        self.epochs_done = 0
        self.members: list[Member] = []

    def can_join(self, cfg: TrainConfig) -> bool:
        return cohort_key(cfg) == self.key and self.epochs_done == 0

    def add(self, run_id, cfg: TrainConfig) -> None:
        """A new run, from the common start; only before the cohort's first epoch."""
        if not self.can_join(cfg):
            raise ValueError("a run joins a cohort of its own key before its first epoch")
        self.members.append(Member(run_id, cfg, self.W0.clone(), self.b0.clone()))

    def width(self) -> int:
        """Sets of 10 columns one epoch trains (runs with the same settings share one)."""
        return width(self.members)

    def has_lane(self, cfg: TrainConfig) -> bool:
        """A run with cfg would share a lane here (it adds no work): before the first epoch,
        when every member still has the common start W."""
        return self.can_join(cfg) and any(lane_key(m.cfg) == lane_key(cfg) for m in self.members)

    def merge(self, other: Cohort) -> None:
        """Take in the runs of a cohort of the same key at the same epoch (same generator)."""
        if other.key != self.key or other.epochs_done != self.epochs_done:
            raise ValueError("only cohorts of one key at the same epoch can merge")
        self.members.extend(other.members)
        other.members = []

    def remove(self, run_id) -> None:
        """A run leaves (Stop, a closed tab): the others go on undisturbed."""
        self.members = [m for m in self.members if m.run_id != run_id]

    def __getstate__(self) -> dict:
        """What a turn in another process needs (lib.trainer_process): all but the data."""
        return {k: v for k, v in self.__dict__.items() if k not in ("source", "data")}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state, source=None, data=None)  # the process attaches its data

    def take_state(self, trained: Cohort) -> None:
        """After a turn elsewhere: the members, epochs and generator it left."""
        self.members, self.epochs_done = trained.members, trained.epochs_done
        self.generator = trained.generator

    def advance(self) -> Iterator[tuple[object, EpochRecord]]:
        """Epoch 0 for members that have none yet, then one epoch for all: (run_id, record).

        Each step's state (every member's W, epoch and done) is complete before
        its first record is handed out, so a reader that stops reading part way
        (an error, a shutdown) leaves the cohort consistent.
        """
        start = time.perf_counter()
        new = [m for m in self.members if m.epoch < 0]
        if new:
            yield from self._evaluate_start(new, start)
        self.members = [m for m in self.members if not m.done]
        if not self.members:
            return
        start = time.perf_counter()
        groups = lanes(self.members)
        leaders = [group[0] for group in groups]  # one set of columns per lane
        generator_state = self.generator.get_state()
        W, b = stack(leaders)  # (784, 10L), (10L,)
        batches = minibatch_indices(
            len(self.data.y_train), self.batch_size, self.generator, self.device
        )
        loss_sum, right, max_logit = train_epoch(
            W, b, leaders, self.data.X_train, self.data.y_train, batches
        )
        self.epochs_done += 1
        test_acc = accuracies(W, b, len(leaders), *self.data.split("test"))
        n = len(self.data.y_train)
        records = []
        for k, group in enumerate(groups):
            W_k, b_k = columns(W, b, k)
            broken = None
            if not (bool(torch.isfinite(loss_sum[k])) and bool(torch.isfinite(W_k).all())):
                broken = self._diagnose(group[0], generator_state)
            W_k, b_k = W_k.clone(), b_k.clone()
            seconds = time.perf_counter() - start
            for m in group:
                m.W, m.b, m.epoch = W_k, b_k, self.epochs_done  # one lane, one W
                m.done = broken is not None or m.epoch >= m.cfg.num_epochs
                record = EpochRecord(
                    m.epoch,
                    float(loss_sum[k]) / n,
                    int(right[k]) / n,
                    float(test_acc[k]),
                    seconds,
                    broken,
                    *cpu(W_k, b_k),
                    max_logit=float(max_logit[k]),
                )
                records.append((m.run_id, record))
        self.members = [m for m in self.members if not m.done]
        yield from records

    def _evaluate_start(self, members: list[Member], start: float) -> list:
        groups = lanes(members)
        leaders = [group[0] for group in groups]
        W, b = stack(leaders)
        X, y = self.data.split("train")
        losses, train_acc = evaluate(W, b, leaders, X, y)
        test_acc = accuracies(W, b, len(leaders), *self.data.split("test"))
        records = []
        for k, group in enumerate(groups):
            for m in group:
                m.epoch = 0
                record = EpochRecord(
                    0,
                    float(losses[k]),
                    float(train_acc[k]),
                    float(test_acc[k]),
                    time.perf_counter() - start,
                    None,
                    *cpu(m.W, m.b),
                )
                records.append((m.run_id, record))
        return records

    def _diagnose(self, m: Member, generator_state):
        """The epoch replayed alone from this run's start of epoch: what broke, where."""
        model = ScratchModel(m.cfg, self.data, m.W, m.b)
        again = torch.Generator().set_state(generator_state)
        n = len(self.data.y_train)
        return replay(
            model, minibatch_indices(n, self.batch_size, again, self.device), self.epochs_done
        )


def lane_key(cfg: TrainConfig) -> TrainConfig:
    """What decides a run's next epoch besides its W and b: its settings but the epochs."""
    return replace(cfg, num_epochs=1)


def lanes(members: list[Member]) -> list[list[Member]]:
    """The members grouped into lanes: runs whose next epoch is the same computation.

    Runs with the same settings (all but the number of epochs) and the same W and b
    (every run that joined the cohort together starts from the same W) take exactly
    the same steps, so a lane trains one set of 10 columns and hands its records to
    each of its runs. A class that presses Train with the default settings is one
    lane: its 30 runs cost what one costs. A run with fewer epochs leaves its lane
    when it is done; the others go on.
    """
    by_key: dict[TrainConfig, list[list[Member]]] = {}
    groups: list[list[Member]] = []
    for m in members:
        same = by_key.setdefault(lane_key(m.cfg), [])
        group = next(
            (g for g in same if torch.equal(g[0].W, m.W) and torch.equal(g[0].b, m.b)), None
        )
        if group is None:
            group = [m]
            same.append(group)
            groups.append(group)
        else:
            group.append(m)
    return groups


def width(members: list[Member]) -> int:
    """How many lanes (sets of 10 columns) training these members takes."""
    return len(lanes(members))


def stack(members: list[Member]) -> tuple[torch.Tensor, torch.Tensor]:
    """The members' W side by side, (784, 10K), and their b, (10K,), tracked by autograd."""
    # stored as (10K, 784) and transposed, like init_weights' W: X @ W is faster that way
    W = torch.cat([m.W.T for m in members]).T  # (784, 10K)
    b = torch.cat([m.b for m in members])  # (10K,)
    return W.requires_grad_(True), b.requires_grad_(True)


def columns(W, b, k: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Run k's own W (784, 10) and b (10,) inside the stacked ones."""
    cols = slice(k * NUM_OUTPUTS, (k + 1) * NUM_OUTPUTS)
    return W.detach()[:, cols], b.detach()[cols]


def cpu(W, b) -> tuple[torch.Tensor, torch.Tensor]:
    return W.to("cpu", copy=True), b.to("cpu", copy=True)


def stacked_logits(X, W, b, K: int):
    """Every run's logits from one matmul: (n, 784) @ (784, 10K) + (10K,) -> (n, K, 10)."""
    return (X @ W + b).reshape(len(X), K, NUM_OUTPUTS)


def stacked_loss(O, y, members: list[Member]):
    """Each run's own loss on its own columns: O (n, K, 10), y (n,) -> l (n, K)."""
    n, K, q = O.shape
    parts = []
    for softmax, loss in LOSSES.items():
        ks = [k for k, m in enumerate(members) if m.cfg.softmax == softmax]
        if not ks:
            continue
        O_v = O if len(ks) == K else O[:, ks, :]  # (n, K_v, 10)
        y_v = y.repeat_interleave(len(ks))  # (n * K_v,): each image's label, once per run
        l_v = loss(O_v.reshape(-1, q), y_v).reshape(
            n, len(ks)
        )  # lib.softmax's formulas, row by row
        parts.append((ks, l_v))
    if len(parts) == 1:
        return parts[0][1]
    l = torch.empty(n, K, dtype=O.dtype, device=O.device)
    for ks, l_v in parts:
        l[:, ks] = l_v
    return l


def train_epoch(W, b, members: list[Member], X, y, batches):
    """One pass for every run at once; returns each run's (loss sum, number right,
    largest |logit|), (K,) each."""
    K = len(members)
    lr = torch.tensor([m.cfg.lr for m in members], dtype=W.dtype, device=W.device)  # (K,)
    loss_sum = torch.zeros(K, device=X.device)
    right = torch.zeros(K, device=X.device, dtype=torch.int64)
    max_logit = torch.zeros(K, device=X.device)
    for idx in batches:
        X_batch, y_batch = X.index_select(0, idx), y.index_select(0, idx)  # (B, 784), (B,)
        O = stacked_logits(X_batch, W, b, K)  # (B, K, 10)
        l = stacked_loss(O, y_batch, members)  # (B, K)
        l.sum().backward()  # each run's gradient lands in its own columns only
        with torch.no_grad():  # the book's sgd, each run with its own lr on its own columns
            W_runs, b_runs = (
                W.view(-1, K, NUM_OUTPUTS),
                b.view(K, NUM_OUTPUTS),
            )  # (784, K, 10), (K, 10)
            W_runs -= lr[:, None] * W.grad.view(-1, K, NUM_OUTPUTS) / len(idx)
            b_runs -= lr[:, None] * b.grad.view(K, NUM_OUTPUTS) / len(idx)
            W.grad.zero_()
            b.grad.zero_()
        loss_sum += l.detach().sum(dim=0)
        right += (O.detach().argmax(dim=2) == y_batch[:, None]).sum(dim=0)
        max_logit = torch.maximum(max_logit, largest_logit(O, dim=(0, 2)))  # (K,)
    return loss_sum.cpu(), right.cpu(), max_logit.cpu()


@torch.no_grad()
def evaluate(W, b, members: list[Member], X, y):
    """Each run's mean loss and accuracy on all of X: (K,) and (K,)."""
    O = stacked_logits(X, W, b, len(members))  # (n, K, 10)
    l = stacked_loss(O, y, members)  # (n, K)
    acc = (O.argmax(dim=2) == y[:, None]).double().mean(dim=0)
    return l.mean(dim=0).cpu(), acc.cpu()


@torch.no_grad()
def accuracies(W, b, K: int, X, y):
    """Each run's share of X classified right: (K,)."""
    O = stacked_logits(X, W, b, K)  # (n, K, 10)
    return (O.argmax(dim=2) == y[:, None]).sum(dim=0).cpu().double() / len(y)


def train_stacked(cfgs: list[TrainConfig], data: FashionMNIST) -> Iterator[tuple[int, EpochRecord]]:
    """Train the configs, stacked wherever their settings allow: (index in cfgs, record).

    Runs that cannot share a cohort (another seed, another framework) are
    trained one cohort (or one run) after another; each run's records come in
    epoch order.
    """
    cohorts: dict[tuple, Cohort] = {}
    alone = []
    for i, cfg in enumerate(cfgs):
        key = cohort_key(cfg)
        if key is None:
            alone.append(i)
            continue
        if key not in cohorts:
            cohorts[key] = Cohort(cfg, data)
        cohorts[key].add(i, cfg)
    for cohort in cohorts.values():
        while cohort.members:
            yield from cohort.advance()
    for i in alone:
        for record in trainer(cfgs[i].framework)(cfgs[i], data):
            yield i, record


def shown_code(cfg: TrainConfig, broke_down: bool = False) -> tuple:
    """The functions that trained a run with cfg in its cohort (shown after the chapter's)."""
    extra = (Cohort._diagnose,) if broke_down else ()
    return (Cohort.advance, lanes, stack, train_epoch, stacked_logits, stacked_loss, *extra)
