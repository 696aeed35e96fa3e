"""Softmax regression from scratch in MindSpore: the chapter's MindSpore listing, as a generator.

    from lib.trainers import train
    for record in train(TrainConfig(framework="mindspore"), data):
        print(record.epoch, record.train_loss, record.test_acc)

MindSpore is optional (pip install -r requirements-mindspore.txt): importing
this module raises ImportError without it, and
lib.trainers.framework_available("mindspore") says False.

The model is a Cell holding W (784, 10) and b (10,) as Parameters; softmax
and cross-entropy are written with MindSpore ops, naive and stable as in
lib/softmax.py; `mindspore.value_and_grad` gives the gradients and the book's
SGD update assigns param - lr * grad / batch_size.

Same data, same order, same start as the PyTorch trainers, because the
epochs are driven by the same driver (lib/trainers/loop.py's `fit`):
- the data are lib.data's tensors, converted to MindSpore tensors once per run;
- the minibatches are lib.data.minibatch_indices on a torch.Generator seeded
  with cfg.seed (MindSpore's own random stream is not torch's);
- the initial W is lib.trainers.contract.init_weights's, drawn by that
  generator, then copied into the Parameter.
So a seed gives the same run every time on one machine, and the same curve as
the from-scratch PyTorch trainer up to rounding (MindSpore's CPU exp is not
torch's: up to ~2e-5 relative difference).

Speed: the train step is compiled with `mindspore.jit` (graph mode) and takes
the whole data tensors and the minibatch's indices, so each minibatch is one
call into MindSpore: the gather, forward, backward, update and the running
loss and accuracy sums all happen inside it, and the sums come back to Python
once per epoch. Run eagerly (PyNative, jit=False) the same step is several
times slower; docs/benchmarks.md has the figures.

Where MindSpore's float32 differs from torch's (on the CPU; tests/test_mindspore.py):
- exp overflows to inf from about 88.72 as in torch (88.7228...);
- exp returns 0 below about -87 (torch gives tiny subnormal numbers down to
  -103.97), so the naive loss meets log(0) a little sooner than in PyTorch.

A breakdown is noticed at the end of an epoch (loss or W not finite); the
driver then replays the epoch from its starting weights and generator state,
and this module checks each minibatch step by step, eagerly (check_step).
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import threading
from collections.abc import Iterator

os.environ.setdefault("GLOG_v", "3")  # MindSpore's C++ log: errors only (before the import)

import mindspore as ms  # noqa: E402  (ImportError here: MindSpore is not installed)
import numpy as np  # noqa: E402
import torch  # noqa: E402
from mindspore import Parameter, Tensor, nn, ops  # noqa: E402

from lib.config import TrainConfig  # noqa: E402
from lib.data import FashionMNIST, minibatch_indices  # noqa: E402
from lib.softmax import EPS  # noqa: E402
from lib.trainers.contract import EpochRecord  # noqa: E402
from lib.trainers.loop import fit  # noqa: E402

__all__ = [
    "train_mindspore",
    "MindSporeModel",
    "SoftmaxRegression",
    "softmax_naive",
    "softmax_stable",
    "cross_entropy_naive",
    "cross_entropy_stable",
    "loss_naive",
    "loss_stable",
    "cross_entropy_clamp",
    "loss_clamp",
    "LOSSES",
    "make_train_step",
    "sgd",
    "train_epoch",
    "largest_logit",
    "evaluate",
    "first_bad_step",
    "shown_code",
    "device_target",
]


def _numpy_abi_notice_once() -> None:
    """Meet MindSpore's NumPy 1.x notice now, quietly, instead of inside a student's run.

    MindSpore 2.10's C extension was built against NumPy 1.x. Under NumPy 2 the
    first MindSpore call that parses a Python argument tries NumPy's 1.x C API,
    prints a long "compiled using NumPy 1.x" traceback and fails that one call
    with a SystemError; later calls work (Python numbers are fine, NumPy scalars
    are not accepted as op arguments, so this module passes neither). The
    results are checked against PyTorch in tests/test_mindspore.py.
    """
    captured = io.StringIO()
    with contextlib.redirect_stderr(captured), contextlib.suppress(SystemError):
        Tensor(np.ones(1, np.float32)).reshape((-1, 1))
    if captured.getvalue() and "NumPy 1.x" not in captured.getvalue():
        sys.stderr.write(captured.getvalue())  # something else: let it be seen


_numpy_abi_notice_once()
_LOCK = threading.Lock()  # MindSpore's eager mode is not thread-safe: one epoch at a time


# ---- softmax and cross-entropy with MindSpore ops (lib/softmax.py is the PyTorch twin) ----


def softmax_naive(X):
    """The definition: exp of every entry, divided by its row sum."""
    X_exp = ops.exp(X)  # (n, q), inf once X > ~88.7 (float32)
    partition = X_exp.sum(axis=1, keepdims=True)  # (n, 1)
    return X_exp / partition  # (n, q), each row sums to 1


def softmax_stable(X):
    """Same result: subtracting the row maximum leaves softmax unchanged."""
    X_exp = ops.exp(X - X.max(axis=1, keepdims=True))  # (n, q), every entry in (0, 1]
    return X_exp / X_exp.sum(axis=1, keepdims=True)


def pick(y_hat, y):
    """y_hat[i, y[i]] for every row i: the true class's entry."""
    return ops.gather_elements(y_hat, 1, y.reshape((-1, 1))).reshape((-1,))  # (n,)


def cross_entropy_naive(y_hat, y):
    """-log of the probability given to the true class (y_hat are probabilities)."""
    return -ops.log(pick(y_hat, y))  # (n,), inf where the probability is 0


def cross_entropy_stable(O, y):
    """The same loss from the logits O: log-sum-exp(O) - O[true class]."""
    O_max = O.max(axis=1, keepdims=True)  # (n, 1)
    log_partition = O_max[:, 0] + ops.log(ops.exp(O - O_max).sum(axis=1))  # (n,)
    return log_partition - pick(O, y)  # (n,)


def loss_naive(O, y):
    """The book's training loss: naive softmax, then naive cross-entropy."""
    return cross_entropy_naive(softmax_naive(O), y)


def loss_stable(O, y):
    """The stable training loss: cross-entropy from the logits directly."""
    return cross_entropy_stable(O, y)


def cross_entropy_clamp(y_hat, y, eps=EPS):
    """-log(max(p, eps)) of the true class's probability: never inf, but flat below eps."""
    return -ops.log(ops.clamp(pick(y_hat, y), min=eps))  # (n,), at most -log(eps)


def loss_clamp(O, y):
    """The clamped training loss: the max-subtracted softmax, then -log(max(p, EPS))."""
    return cross_entropy_clamp(softmax_stable(O), y)


LOSSES = {"naive": loss_naive, "stable": loss_stable, "clamp": loss_clamp}


# ---- the model and its training -------------------------------------------------------


class SoftmaxRegression(nn.Cell):
    """The linear layer of softmax regression; W and b are its Parameters."""

    def __init__(self, W: np.ndarray, b: np.ndarray):
        super().__init__()
        self.W = Parameter(Tensor(W.copy()), name="W")  # (784, 10), its own memory
        self.b = Parameter(Tensor(b.copy()), name="b")  # (10,)

    def construct(self, X):
        X = X.reshape((-1, self.W.shape[0]))  # (n, 28, 28) -> (n, 784)
        return ops.matmul(X, self.W) + self.b  # (n, 784) @ (784, 10) + (10,) -> (n, 10)


def train_mindspore(
    cfg: TrainConfig, data: FashionMNIST, jit: bool = True
) -> Iterator[EpochRecord]:
    """The chapter's run in MindSpore: epoch 0, then one record per epoch until done or broken.

    jit=False runs every step eagerly (PyNative): same numbers, slower (bench/speed.py).
    """
    return fit(cfg, data, lambda cfg, data, W, b: MindSporeModel(cfg, data, W, b, jit))


class MindSporeModel:
    """The Cell, its loss and its compiled train step, on MindSpore's device.

    MindSpore's eager mode is not thread-safe, so every call into it holds _LOCK.
    """

    device = "cpu"  # the minibatch indices are drawn by torch on the CPU, then converted

    def __init__(self, cfg: TrainConfig, data: FashionMNIST, W, b, jit: bool = True):
        device_target(cfg.device)
        self.softmax, self.loss = cfg.softmax, LOSSES[cfg.softmax]
        with _LOCK:
            self.X, self.y, self.X_test, self.y_test = to_mindspore(data)
            self.net = SoftmaxRegression(W.numpy(), b.numpy())  # (784, 10), (10,)
            self.train_step = make_train_step(self.net, self.loss, cfg.lr, jit)
        self.n = self.y.shape[0]

    def train_epoch(self, batches):
        with _LOCK:
            return train_epoch(self.train_step, self.X, self.y, batches)

    def evaluate(self, split: str) -> tuple[float, float]:
        X, y = (self.X, self.y) if split == "train" else (self.X_test, self.y_test)
        with _LOCK:
            return evaluate(self.net, self.loss, X, y)

    def weights(self):
        """(W, b) as torch CPU tensors; asnumpy waits for pending updates."""
        with _LOCK:
            return _torch(self.net.W), _torch(self.net.b)

    def load_weights(self, W, b) -> None:
        with _LOCK:
            ops.assign(self.net.W, Tensor(W.contiguous().numpy()))
            ops.assign(self.net.b, Tensor(b.contiguous().numpy()))

    def check_step(self, idx):
        """The checks run eagerly; the update after them is the training's own step."""
        with _LOCK:
            idx = Tensor(idx.numpy())
            X_batch, y_batch = ops.gather(self.X, idx, 0), ops.gather(self.y, idx, 0)
            cause, O = first_bad_step(self.net, X_batch, y_batch, self.softmax)
            if cause is None:
                zeros = Tensor(0.0, ms.float32), Tensor(0, ms.int32), Tensor(0.0, ms.float32)
                self.train_step(self.X, self.y, idx, *zeros)
            return cause, _torch(O), _torch(y_batch).long()


def sgd(params, grads, lr, batch_size):
    """Minibatch stochastic gradient descent, the book's update."""
    for param, grad in zip(params, grads):
        ops.assign(param, param - lr * grad / batch_size)


def make_train_step(net: SoftmaxRegression, loss, lr: float, jit: bool = True):
    """One minibatch: gather it, loss, gradients, SGD update; returns the running sums
    and the running largest |logit|."""
    params = net.trainable_params()  # [W, b]

    def forward(X, y):
        O = net(X)  # (batch_size, 10)
        l = loss(O, y)  # (batch_size,)
        return l.sum(), (O, l)  # the gradient is of l.sum()

    grad_fn = ms.value_and_grad(forward, None, params, has_aux=True)

    def train_step(X, y, idx, loss_sum, right, max_logit):
        X_batch, y_batch = ops.gather(X, idx, 0), ops.gather(y, idx, 0)  # X[idx], y[idx]
        (l_sum, (O, _)), grads = grad_fn(X_batch, y_batch)
        sgd(params, grads, lr, idx.shape[0])
        right_now = (O.argmax(axis=1) == y_batch).astype(ms.int32).sum()
        return loss_sum + l_sum, right + right_now, ops.maximum(max_logit, largest_logit(O))

    return ms.jit(train_step) if jit else train_step


def largest_logit(O):
    """max |O| of a minibatch's logits: a NaN entry is left out, an inf one counts as inf
    (lib.trainers.contract.largest_logit is the PyTorch twin). (batch_size, 10) -> ()."""
    A = ops.abs(O)  # (batch_size, 10)
    return ops.where(ops.isnan(A), ops.zeros_like(A), A).max()


def train_epoch(train_step, X, y, batches):
    """One pass over (X, y) in the given minibatches; returns (loss sum, number right,
    the largest |logit| seen)."""
    # speed: the sums stay MindSpore tensors until the epoch ends (one sync per epoch)
    sums = Tensor(0.0, ms.float32), Tensor(0, ms.int32), Tensor(0.0, ms.float32)
    for idx in batches:
        sums = train_step(X, y, Tensor(idx.numpy()), *sums)
    loss_sum, right, max_logit = (float(x.asnumpy()) for x in sums)
    return loss_sum, int(right), max_logit


def evaluate(net, loss, X, y) -> tuple[float, float]:
    """Mean loss and accuracy of net on all of X."""
    O = net(X)  # (n, 10)
    right = (O.argmax(axis=1) == y).astype(ms.int32).sum()
    return float(loss(O, y).mean().asnumpy()), int(right.asnumpy()) / y.shape[0]


def device_target(name: str) -> str:
    """MindSpore's device for cfg.device; 'auto' keeps MindSpore's own (the CPU wheel: CPU).

    MindSpore has one device per process: asking for another one than the
    process already uses is a ValueError with the reason.
    """
    current = ms.get_context("device_target")
    wanted = {"auto": current, "cpu": "CPU", "cuda": "GPU"}.get(name)
    if wanted is None:
        raise ValueError(f"MindSpore cannot run on device {name!r}: use auto, cpu or cuda")
    if wanted != current:
        try:
            ms.set_device(wanted)
        except (RuntimeError, ValueError) as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            raise ValueError(f"MindSpore cannot use {wanted} here: {first}") from exc
    return wanted


def device_text(cfg: TrainConfig) -> str:
    """Where MindSpore trains, for people: 'cpu · MindSpore 2.10.0'."""
    return f"{device_target(cfg.device).lower()} · MindSpore {ms.__version__}"


def to_mindspore(data: FashionMNIST):
    """(X_train, y_train, X_test, y_test) as MindSpore tensors: float32 and int32.

    The images share the memory of the CPU torch tensors (from_numpy: no 220 MB
    copy per run; nothing writes into them); the labels are converted to int32.
    """
    X_train, X_test = (Tensor.from_numpy(X.cpu().numpy()) for X in (data.X_train, data.X_test))
    y_train, y_test = (
        Tensor(y.cpu().numpy().astype(np.int32)) for y in (data.y_train, data.y_test)
    )
    return X_train, y_train, X_test, y_test


# ---- what broke: each minibatch of the epoch checked eagerly, step by step ----------


def first_bad_step(net, X, y, softmax: str) -> tuple[str | None, Tensor]:
    """One minibatch's loss and gradient, checked step by step; (cause, logits)."""
    O = net(X)  # (batch_size, 10)
    if not bool(ops.isfinite(O).all()):
        return "logits_overflow", O
    if softmax == "naive" and bool(ops.isinf(ops.exp(O)).any()):
        return "exp_overflow", O
    loss = LOSSES[softmax]
    l = loss(O, y)  # (batch_size,)
    if not bool(ops.isfinite(l).all()):
        return ("log_zero" if softmax == "naive" else "loss_overflow"), O
    grads = ms.grad(lambda X, y: loss(net(X), y).sum(), None, net.trainable_params())(X, y)
    if not all(bool(ops.isfinite(g).all()) for g in grads):
        return "grad_overflow", O
    return None, O


def _torch(tensor: Tensor) -> torch.Tensor:
    return torch.from_numpy(tensor.asnumpy().copy())


def shown_code(cfg: TrainConfig, broke_down: bool = False) -> tuple:
    """The functions a MindSpore run with cfg calls, in reading order (pages show them)."""
    from lib.trainers.contract import init_weights
    from lib.trainers.loop import replay

    loss = {
        "naive": (loss_naive, softmax_naive, cross_entropy_naive),
        "stable": (loss_stable, cross_entropy_stable),
        "clamp": (loss_clamp, softmax_stable, cross_entropy_clamp),
    }[cfg.softmax]
    extra = (replay, MindSporeModel.check_step, first_bad_step) if broke_down else ()
    return (
        train_mindspore,
        fit,
        init_weights,
        MindSporeModel,
        SoftmaxRegression,
        make_train_step,
        *loss,
        pick,
        sgd,
        largest_logit,
        train_epoch,
        minibatch_indices,
        evaluate,
        *extra,
    )
