"""Softmax over many classes (exercise 5): what it costs, and three ways around it.

    full          exact: logits for all K classes; time ~ n*d*K, memory ~ d*K + n*K
    sampled       the true class + S sampled classes; time ~ n*d*(S+1); training only
    hierarchical  ~sqrt(K) clusters, p(class) = p(cluster) * p(class | cluster);
                  time ~ n*d*2*sqrt(K)
    tree          the classes are the leaves of a balanced binary tree (K - 1 inner
                  nodes, one weight vector each); p(class) = product of the sigmoid
                  decisions on its path; time ~ n*d*log2(K)

`measure(cfg, device)` times one forward + backward pass of each loss for every
K in cfg.ks and yields one row per (K, method). The bytes a size needs are
computed first: sizes above cfg.max_bytes, or that would overrun the time
budget, are skipped with the reason, never allocated. The full softmax is the
reference, so it runs first at each K; an approximation runs at a K only where
the full softmax was measured (or needs more memory than the cap), so no
measured time stands beside a full softmax that was skipped for lack of time.

    from lib.many_classes import MeasureConfig, measure
    rows = list(measure(MeasureConfig(n=128, d=256), torch.device("cpu")))
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from lib.softmax import cross_entropy_stable

METHODS = ("full", "sampled", "hierarchical", "tree")  # the reference first
REFERENCE = "full"  # what the approximations are compared with
BYTES = 4  # float32


@dataclass(frozen=True)
class MeasureConfig:
    """One measurement: sizes, and the limits that keep the server alive."""

    n: int = 128  # batch size: rows of X
    d: int = 256  # input dimension: rows of W
    ks: tuple = (10, 100, 1_000, 10_000, 100_000)  # numbers of classes, log-spaced
    num_sampled: int = 256  # S: sampled classes per batch
    log_q: bool = True  # correct sampled logits by -log(S/K)
    repeats: int = 3  # timed passes per size; the fastest counts
    repeat_s: float = 0.2  # no further pass of a size once its passes took this long
    max_bytes: int = 512 * 2**20  # refuse sizes that need more memory
    budget_s: float = 4.0  # stop starting new sizes after this
    seed: int = 0

    def __post_init__(self):
        for name, low, high in (
            ("n", 1, 4096),
            ("d", 1, 4096),
            ("num_sampled", 1, 100_000),
            ("repeats", 1, 20),
        ):
            if not low <= getattr(self, name) <= high:
                raise ValueError(f"{name} must be between {low} and {high}")
        if not self.ks or not all(2 <= K <= 10**9 for K in self.ks):
            raise ValueError("every K must be between 2 and 10^9")
        if not (self.max_bytes > 0 and self.budget_s >= 0 and self.repeat_s >= 0):
            raise ValueError("max_bytes must be > 0, budget_s and repeat_s >= 0")


# ---- the three losses --------------------------------------------------------


def full_loss(X, W, b, y):
    """The chapter's loss with K classes: every class gets a logit."""
    O = X @ W + b  # (n, d) @ (d, K) + (K,) -> (n, K)
    return cross_entropy_stable(O, y).mean()


def sample_classes(K, S, generator=None, device="cpu"):
    """S classes drawn uniformly (with replacement), shared by the whole batch."""
    return torch.randint(0, K, (S,), generator=generator, device=device)


def sampled_loss(X, W, b, y, sampled, log_q=True):
    """Cross-entropy over the true class + the sampled classes only (training only)."""
    K, S = W.shape[1], len(sampled)
    o_true = (X * W[:, y].T).sum(dim=1) + b[y]  # (n, d) * (n, d) -> (n,)
    o_neg = X @ W[:, sampled] + b[sampled]  # (n, d) @ (d, S) -> (n, S)
    if log_q:
        o_neg = o_neg - math.log(S / K)  # each class is drawn S/K times on average
    hit = sampled[None, :] == y[:, None]  # (n, S) a "negative" that is the true class
    O = torch.cat([o_true[:, None], o_neg.masked_fill(hit, -math.inf)], dim=1)  # (n, 1 + S)
    return cross_entropy_stable(O, torch.zeros_like(y)).mean()  # the true class is column 0


def clusters(K):
    """C ~ sqrt(K) clusters of M classes each; class k sits in cluster k // M at place k % M."""
    C = math.ceil(math.sqrt(K))
    return C, math.ceil(K / C)


def hierarchical_loss(X, y, Wc, bc, Wk, bk, K):
    """-log p(cluster) - log p(class | cluster): two softmaxes of ~sqrt(K) each."""
    C, d, M = Wk.shape
    c, m = y // M, y % M  # (n,), (n,) the true cluster and place
    o_c = X @ Wc + bc  # (n, d) @ (d, C) -> (n, C)
    o_k = torch.bmm(X[:, None, :], Wk[c])[:, 0] + bk[c]  # (n, 1, d) @ (n, d, M) -> (n, M)
    empty = c[:, None] * M + torch.arange(M, device=X.device) >= K  # (n, M) slots past K
    o_k = o_k.masked_fill(empty, -math.inf)
    return (cross_entropy_stable(o_c, c) + cross_entropy_stable(o_k, m)).mean()


def hierarchical_log_probs(X, Wc, bc, Wk, bk, K):
    """log p(class k | x) for all K classes (to check; training never needs it)."""
    C, d, M = Wk.shape
    log_p_c = torch.log_softmax(X @ Wc + bc, dim=1)  # (n, C)
    o_k = torch.einsum("nd,cdm->ncm", X, Wk) + bk  # (n, C, M)
    empty = (torch.arange(C * M, device=X.device) >= K).reshape(C, M)
    log_p_k = torch.log_softmax(o_k.masked_fill(empty, -math.inf), dim=2)
    return (log_p_c[:, :, None] + log_p_k).reshape(len(X), C * M)[:, :K]  # (n, K)


def tree_paths(K, device="cpu"):
    """Each class's path from the root of a balanced binary tree with K leaves.

    Heap numbering: node 1 is the root, node v has children 2v and 2v + 1; the
    inner nodes are 1 .. K-1 (weights row v - 1), class k is leaf K + k. Leaf
    depths differ by at most one, so K need not be a power of 2.
    Returns nodes (K, D) and signs (K, D), D = ceil(log2 K), root last:
    sign +1 = go to the left child, -1 = right, 0 = padding of a shorter path.
    """
    D = (K - 1).bit_length()  # depth of the deepest leaf
    v = K + torch.arange(K, device=device)  # (K,) the leaves
    nodes = torch.zeros(K, D, dtype=torch.long, device=device)
    signs = torch.zeros(K, D, device=device)
    for step in range(D):  # one level up per step
        up = v > 1  # (K,) this path has not reached the root
        nodes[:, step] = torch.where(up, v // 2 - 1, 0)
        signs[:, step] = torch.where(up, 1.0 - 2.0 * (v % 2), 0.0)  # even v: a left child
        v = torch.where(up, v // 2, v)
    return nodes, signs


def tree_loss(X, y, Wt, bt, paths):
    """-log p(y | x) = sum over y's path of -log sigmoid(+-o); only D of the K - 1 nodes."""
    nodes, signs = paths[0][y], paths[1][y]  # (n, D), (n, D)
    o = torch.einsum("nd,nkd->nk", X, Wt[nodes]) + bt[nodes]  # (n, d), (n, D, d) -> (n, D)
    # -log sigmoid(s * o) = softplus(-s * o), computed without overflow; padding (s = 0) adds 0
    return (-F.logsigmoid(signs * o) * (signs != 0)).sum(dim=1).mean()


def tree_log_probs(X, Wt, bt, paths):
    """log p(class k | x) for all K classes (to check; training never needs it)."""
    nodes, signs = paths  # (K, D), (K, D)
    O = X @ Wt.T + bt  # (n, d) @ (d, K-1) -> (n, K-1)
    steps = F.logsigmoid(signs * O[:, nodes])  # (n, K, D) log of each decision on the path
    return (steps * (signs != 0)).sum(dim=2)  # (n, K)


# ---- what a size costs, before anything is allocated ---------------------------


def bytes_needed(method, n, d, K, S=256):
    """float32 bytes of the parameters, their gradients and the pass's big tensors."""
    if method == "full":  # W, b and grads; X; logits, exp, shifted, grad of logits
        count = 2 * (d * K + K) + n * d + 4 * n * K
    elif method == "sampled":  # dense grads of W; gathered columns and grads; small logits
        count = 2 * (d * K + K) + n * d + 2 * d * (n + S) + 4 * n * (S + 1)
    elif method == "hierarchical":  # both levels and grads; gathered cluster weights + grad
        C, M = clusters(K)
        count = 2 * (d * C + C + C * d * M + C * M) + n * d + 2 * n * d * M + 4 * n * (C + M)
    elif method == "tree":  # node weights and grads; paths; gathered path weights + grad
        D = (K - 1).bit_length()
        count = 2 * (K - 1) * (d + 1) + 3 * K * D + n * d + 2 * n * D * d + 6 * n * D
    else:
        raise ValueError(f"unknown method {method!r}")
    return BYTES * count


def work(method, n, d, K, S=256):
    """Multiply-adds of one forward pass (plus filling the d x K gradient), to predict time."""
    if method == "full":
        return n * d * K
    if method == "sampled":
        return n * d * (S + 1) + d * K
    if method == "tree":
        return n * d * (K - 1).bit_length() + d * K
    C, M = clusters(K)
    return n * d * (C + M) + d * K


# ---- measuring ------------------------------------------------------------------


def make_problem(method, cfg: MeasureConfig, K, device):
    """Random X, y and parameters of one size; returns (loss function, parameters)."""
    g = torch.Generator(device=device).manual_seed(cfg.seed)
    n, d = cfg.n, cfg.d
    X = torch.rand(n, d, generator=g, device=device)
    y = torch.randint(0, K, (n,), generator=g, device=device)

    def param(*shape):
        return (torch.randn(*shape, generator=g, device=device) * 0.01).requires_grad_(True)

    if method == "full":
        W, b = param(d, K), param(K)
        return (lambda: full_loss(X, W, b, y)), [W, b]
    if method == "sampled":
        W, b = param(d, K), param(K)
        sampled = sample_classes(K, cfg.num_sampled, g, device)
        return (lambda: sampled_loss(X, W, b, y, sampled, cfg.log_q)), [W, b]
    if method == "tree":
        paths = tree_paths(K, device)  # the tree is fixed: built once, not timed
        Wt, bt = param(K - 1, d), param(K - 1)
        return (lambda: tree_loss(X, y, Wt, bt, paths)), [Wt, bt]
    C, M = clusters(K)
    Wc, bc, Wk, bk = param(d, C), param(C), param(C, d, M), param(C, M)
    return (lambda: hierarchical_loss(X, y, Wc, bc, Wk, bk, K)), [Wc, bc, Wk, bk]


def sync(device):
    """Wait for the GPU: its calls return before the work is done."""
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    elif device.type == "mps":
        torch.mps.synchronize()


def time_pass(loss_fn, params, device, clock=time.perf_counter):
    """Seconds of one forward + backward pass, and the loss."""
    for p in params:
        p.grad = None
    sync(device)
    start = clock()
    loss = loss_fn()
    loss.backward()
    sync(device)
    return clock() - start, loss.item()


def measure(cfg: MeasureConfig, device, clock=time.perf_counter):
    """Yield {method, K, ms, mb, peak_mb, loss, status} for every K and method.

    status: "ok"; "too_big" (would need more than cfg.max_bytes: not allocated);
    "over_time" (the budget is spent, or the predicted time would overrun it);
    "no_reference" (an approximation at a K where the full softmax was not run for
    lack of time: nothing to compare it with, so it is not run either).
    clock times the passes and the budget (tests pass a fake one).
    """
    device = torch.device(device)
    start, last = clock(), {}  # last[method] = (work, seconds)
    for K in sorted(cfg.ks):
        reference = None  # the full softmax's status at this K
        for method in METHODS:
            row = {
                "method": method,
                "K": K,
                "ms": None,
                "peak_mb": None,
                "loss": None,
                "mb": bytes_needed(method, cfg.n, cfg.d, K, cfg.num_sampled) / 2**20,
            }
            w = work(method, cfg.n, cfg.d, K, cfg.num_sampled)
            prev_work, prev_s = last.get(method, (w, 0.0))
            predicted = prev_s * w / prev_work  # same speed as the last size
            if row["mb"] * 2**20 > cfg.max_bytes:
                row["status"] = "too_big"
            elif method != REFERENCE and reference == "over_time":
                row["status"] = "no_reference"
            elif clock() - start + predicted > cfg.budget_s:
                row["status"] = "over_time"
            else:
                row.update(status="ok", **_measure_one(method, cfg, K, device, start, clock))
                last[method] = (w, row["ms"] / 1000)
            if method == REFERENCE:
                reference = row["status"]
            yield row


def faster_from(rows, method="hierarchical", than="full"):
    """The smallest K from which `method` was faster than `than` at every K both measured.

    rows: measure()'s rows. Returns (K or None, the Ks both measured): None when
    `method` was not faster at the largest K both measured, or no K was measured by both.
    """
    ms = {(r["method"], r["K"]): r["ms"] for r in rows if r["status"] == "ok"}
    both = sorted(K for (m, K) in ms if m == method and (than, K) in ms)
    result = None
    for K in reversed(both):
        if ms[(method, K)] >= ms[(than, K)]:
            break
        result = K
    return result, both


def two_level_sentence(rows) -> tuple[str, dict]:
    """(i18n key, fields) of the sentence that says, from `rows`, whether two-level was faster."""
    k, both = faster_from(rows)
    fields = {"ks": ", ".join(f"{K:,}" for K in both)}
    if not both:
        return "many_classes.two_level.not_compared", fields
    if k is None:
        return "many_classes.two_level.not_faster", fields
    return "many_classes.two_level.faster", {**fields, "k": k}


def _measure_one(method, cfg, K, device, start, clock):
    """The fastest of up to cfg.repeats passes (fewer for a slow size, or when the budget
    runs out)."""
    if device.type == "cuda":
        base = torch.cuda.memory_allocated(device)
        torch.cuda.reset_peak_memory_stats(device)
    loss_fn, params = make_problem(method, cfg, K, device)
    times = []
    for _ in range(cfg.repeats):
        seconds, loss = time_pass(loss_fn, params, device, clock)
        times.append(seconds)
        if clock() - start + seconds > cfg.budget_s or sum(times) > cfg.repeat_s:
            break
    peak = None
    if device.type == "cuda":
        peak = (torch.cuda.max_memory_allocated(device) - base) / 2**20
    return {"ms": 1000 * min(times), "peak_mb": peak, "loss": loss}


# ---- sizes too big to measure: computed --------------------------------------------


@dataclass(frozen=True)
class Vocabulary:
    name: str
    K: int  # classes (tokens)
    d: int  # width of the last hidden layer
    n: int  # positions per batch


def vocabularies(d, n):
    """Sizes worth computing: a million classes at this page's d and n, two language models."""
    return (
        Vocabulary("K = 1,000,000", 1_000_000, d, n),
        Vocabulary("GPT-2 small", 50_257, 768, 1024),  # 1,024 tokens per sequence
        Vocabulary("Llama 3 8B", 128_256, 4096, 8192),
    )  # one 8,192-token sequence


def output_layer_memory(v: Vocabulary) -> dict:
    """MB of the output weights W (d x K) and of one batch's logits (n x K), float32."""
    return {
        "name": v.name,
        "K": v.K,
        "d": v.d,
        "n": v.n,
        "W_mb": round(BYTES * v.d * v.K / 2**20, 1),
        "logits_mb": round(BYTES * v.n * v.K / 2**20, 1),
    }
