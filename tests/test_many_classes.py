"""Many classes: the four losses against PyTorch and brute force, and the measuring limits.

No test here depends on how fast the machine is: the time budget is tested with a fake clock.
"""

import math

import pytest
import torch
import torch.nn.functional as F
from helpers import FakeClock

from lib.charts.many_classes import cost_chart, cost_charts
from lib.many_classes import (
    METHODS,
    MeasureConfig,
    Vocabulary,
    bytes_needed,
    clusters,
    full_loss,
    hierarchical_log_probs,
    hierarchical_loss,
    measure,
    output_layer_memory,
    sample_classes,
    sampled_loss,
    tree_log_probs,
    tree_loss,
    tree_paths,
    work,
)

UNLIMITED = 10.0**9  # a budget no fake clock here gets near


def problem(n=6, d=5, K=13, seed=0):
    g = torch.Generator().manual_seed(seed)
    X = torch.randn(n, d, generator=g)
    W = torch.randn(d, K, generator=g).requires_grad_(True)
    b = torch.randn(K, generator=g).requires_grad_(True)
    y = torch.randint(0, K, (n,), generator=g)
    return X, W, b, y


def test_full_loss_and_gradients_match_torch_cross_entropy():
    X, W, b, y = problem()
    mine = full_loss(X, W, b, y)
    gW, gb = torch.autograd.grad(mine, [W, b])
    ref = F.cross_entropy(X @ W + b, y)
    rW, rb = torch.autograd.grad(ref, [W, b])
    torch.testing.assert_close(mine, ref)
    torch.testing.assert_close(gW, rW)
    torch.testing.assert_close(gb, rb)


@pytest.mark.parametrize("log_q", [True, False])
def test_sampled_loss_equals_the_full_loss_when_every_class_is_sampled(log_q):
    X, W, b, y = problem()
    every = torch.arange(W.shape[1])
    mine = sampled_loss(X, W, b, y, every, log_q)
    torch.testing.assert_close(mine, full_loss(X, W, b, y))
    g1 = torch.autograd.grad(mine, [W, b])
    g2 = torch.autograd.grad(full_loss(X, W, b, y), [W, b])
    for a, c in zip(g1, g2):
        torch.testing.assert_close(a, c)


def test_sampled_loss_ignores_a_sample_that_is_the_true_class():
    X, W, b, y = problem(n=1)
    assert sampled_loss(X, W, b, y, y.clone(), log_q=False).item() == 0.0


def test_sampled_loss_by_hand_with_the_log_q_correction():
    X, W, b, y = problem(n=3, K=50)
    sampled = torch.tensor([1, 7, 7, 30])
    O = (X @ W + b).detach()
    for log_q in (False, True):
        loss = sampled_loss(X, W, b, y, sampled, log_q).item()
        shift = math.log(4 / 50) if log_q else 0.0
        brute = 0.0
        for i in range(3):
            terms = [O[i, y[i]].item()] + [O[i, j].item() - shift for j in sampled if j != y[i]]
            brute += math.log(sum(math.exp(t) for t in terms)) - O[i, y[i]].item()
        assert loss == pytest.approx(brute / 3, rel=1e-5)


def test_sample_classes_stays_in_range():
    s = sample_classes(10, 500, torch.Generator().manual_seed(0))
    assert s.shape == (500,) and s.min() >= 0 and s.max() <= 9 and len(s.unique()) == 10


@pytest.mark.parametrize("K", [2, 10, 13, 37, 100])
def test_clusters_hold_every_class_once(K):
    C, M = clusters(K)
    assert C * M >= K and math.ceil(math.sqrt(K)) == C and (C - 1) * M < K
    places = {(k // M, k % M) for k in range(K)}
    assert len(places) == K and all(c < C for c, _ in places)


def hierarchical_problem(K, n=4, d=3, seed=0):
    g = torch.Generator().manual_seed(seed)
    C, M = clusters(K)
    X = torch.randn(n, d, generator=g)
    params = [
        torch.randn(*s, generator=g).requires_grad_(True) for s in ((d, C), (C,), (C, d, M), (C, M))
    ]
    return X, params, torch.randint(0, K, (n,), generator=g)


@pytest.mark.parametrize("K", [10, 13, 37])
def test_hierarchical_probabilities_sum_to_one_and_match_brute_force(K):
    X, (Wc, bc, Wk, bk), y = hierarchical_problem(K)
    C, M = clusters(K)
    log_p = hierarchical_log_probs(X, Wc, bc, Wk, bk, K)
    assert log_p.shape == (len(X), K)
    torch.testing.assert_close(log_p.exp().sum(dim=1), torch.ones(len(X)))
    for i in range(len(X)):
        p_cluster = torch.softmax(X[i] @ Wc + bc, dim=0)
        for k in range(K):
            c, m = divmod(k, M)
            members = [j for j in range(M) if c * M + j < K]  # the real classes of cluster c
            p_in = torch.softmax((X[i] @ Wk[c] + bk[c])[members], dim=0)
            assert log_p[i, k].exp().item() == pytest.approx(
                (p_cluster[c] * p_in[m]).item(), rel=1e-5, abs=1e-7
            )


def test_hierarchical_loss_is_minus_log_probability_with_the_same_gradients():
    K = 37
    X, params, y = hierarchical_problem(K, n=8)
    loss = hierarchical_loss(X, y, *params, K)
    ref = -hierarchical_log_probs(X, *params, K)[torch.arange(len(y)), y].mean()
    torch.testing.assert_close(loss, ref)
    for a, c in zip(torch.autograd.grad(loss, params), torch.autograd.grad(ref, params)):
        torch.testing.assert_close(a, c)


# ---- the binary tree ------------------------------------------------------------------


def tree_problem(K, n=5, d=4, seed=0, scale=1.0, dtype=torch.float32):
    g = torch.Generator().manual_seed(seed)
    X = torch.randn(n, d, generator=g, dtype=dtype) * scale
    Wt = torch.randn(K - 1, d, generator=g, dtype=dtype).requires_grad_(True)
    bt = torch.randn(K - 1, generator=g, dtype=dtype).requires_grad_(True)
    return X, Wt, bt, torch.randint(0, K, (n,), generator=g)


def brute_tree_probability(x, Wt, bt, K, k):
    """Walk down from the root with a loop: the product of sigmoid(+-o) at each inner node."""
    path, v = [], K + k  # heap numbering: leaf of class k
    while v > 1:
        path.append((v // 2, v % 2 == 0))  # (parent, went left)
        v //= 2
    p = 1.0
    for node, left in reversed(path):
        o = float(x @ Wt[node - 1] + bt[node - 1])
        p *= 1 / (1 + math.exp(-o)) if left else 1 / (1 + math.exp(o))
    return p, len(path)


@pytest.mark.parametrize("K", [2, 3, 5, 8, 13, 16, 37, 100, 1000])
def test_tree_probabilities_sum_to_one_and_paths_are_short(K):
    X, Wt, bt, _ = tree_problem(K)
    paths = tree_paths(K)
    nodes, signs = paths
    assert nodes.shape == signs.shape == (K, math.ceil(math.log2(K)))
    depth = (signs != 0).sum(dim=1)
    assert depth.max() - depth.min() <= 1 and depth.max() == math.ceil(math.log2(K))  # balanced
    steps = torch.cat([nodes, signs.long()], dim=1).tolist()
    assert nodes.max() < K - 1 and len({tuple(r) for r in steps}) == K  # K different paths
    log_p = tree_log_probs(X, Wt, bt, paths)
    assert log_p.shape == (len(X), K)
    torch.testing.assert_close(
        torch.logsumexp(log_p, dim=1), torch.zeros(len(X)), atol=1e-5, rtol=0
    )


@pytest.mark.parametrize("K", [2, 5, 13])
def test_tree_probabilities_match_a_walk_down_the_tree(K):
    X, Wt, bt, _ = tree_problem(K, dtype=torch.float64)
    log_p = tree_log_probs(X, Wt, bt, tree_paths(K)).detach()
    for i in range(len(X)):
        for k in range(K):
            p, steps = brute_tree_probability(X[i], Wt.detach(), bt.detach(), K, k)
            assert log_p[i, k].exp().item() == pytest.approx(p, rel=1e-12)
            assert steps <= math.ceil(math.log2(K))


@pytest.mark.parametrize("K", [2, 7, 64, 100])
def test_tree_loss_is_minus_log_probability_with_the_same_gradients(K):
    X, Wt, bt, y = tree_problem(K, n=9, dtype=torch.float64)
    paths = tree_paths(K)
    loss = tree_loss(X, y, Wt, bt, paths)
    ref = -tree_log_probs(X, Wt, bt, paths)[torch.arange(len(y)), y].mean()
    torch.testing.assert_close(loss, ref)
    for a, c in zip(torch.autograd.grad(loss, [Wt, bt]), torch.autograd.grad(ref, [Wt, bt])):
        torch.testing.assert_close(a, c)
    # and autograd agrees with finite differences of the loss itself
    assert torch.autograd.gradcheck(lambda W, b: tree_loss(X, y, W, b, paths), (Wt, bt))


def test_tree_loss_stays_finite_where_a_naive_sigmoid_would_not():
    X, Wt, bt, y = tree_problem(100, n=16, scale=1000.0)  # node logits of thousands
    paths = tree_paths(100)
    loss = tree_loss(X, y, Wt, bt, paths)
    assert torch.isfinite(loss)
    O = X.double() @ Wt.double().T + bt.double()  # the same in float64
    nodes, signs = paths[0][y], paths[1][y]
    o = O[torch.arange(len(y))[:, None], nodes]
    exact = (F.softplus(-signs.double() * o) * (signs != 0)).sum(1).mean()
    assert loss.item() == pytest.approx(exact.item(), rel=1e-4)
    naive = -(torch.log(torch.sigmoid(signs * o.float())) * (signs != 0)).sum(1).mean()
    assert not torch.isfinite(naive)  # log(0) = -inf somewhere


def test_costs_grow_linearly_for_full_and_slowly_for_the_others():
    n, d = 128, 256
    full = [bytes_needed("full", n, d, K) for K in (10**4, 10**5)]
    assert 9 < full[1] / full[0] < 10.1
    assert work("full", n, d, 10**5) / work("full", n, d, 10**4) == 10
    assert work("hierarchical", n, d, 10**5) < work("full", n, d, 10**5) / 20
    assert work("sampled", n, d, 10**5, 256) < work("full", n, d, 10**5) / 20
    others = min(work(m, n, d, 10**5) for m in ("sampled", "hierarchical"))
    assert work("tree", n, d, 10**5) < others
    assert work("tree", n, d, 2**10) == n * d * 10 + d * 2**10  # 10 decisions per example
    assert bytes_needed("tree", n, d, 10**5) < bytes_needed("full", n, d, 10**5)
    # the full loss at K = 100k, d = 256: W and its gradient alone are 2 * 256 * 1e5 * 4 bytes
    assert bytes_needed("full", n, d, 10**5) > 2 * 256 * 10**5 * 4
    with pytest.raises(ValueError):
        bytes_needed("nope", 1, 1, 10)


def test_measure_small_sizes_on_cpu():
    cfg = MeasureConfig(n=8, d=16, ks=(10, 100), num_sampled=16, repeats=2, budget_s=UNLIMITED)
    rows = list(measure(cfg, "cpu", clock=FakeClock(step=1e-3)))
    assert METHODS == ("full", "sampled", "hierarchical", "tree")  # the reference first
    assert [(r["method"], r["K"]) for r in rows] == [(m, K) for K in (10, 100) for m in METHODS]
    assert all(
        r["status"] == "ok" and r["ms"] == pytest.approx(1.0) and r["peak_mb"] is None for r in rows
    )  # 1 ms: one step of the fake clock per pass
    for r in rows:
        if r["method"] != "sampled":  # exact losses: a fresh model finds ~log K
            assert abs(r["loss"] - math.log(r["K"])) < 0.2, r


def test_measure_refuses_sizes_over_the_memory_cap_without_allocating():
    # 10^9 classes x 4096 inputs would be terabytes: allocating it would crash the test
    cfg = MeasureConfig(
        n=4, d=4096, ks=(10, 10**9), repeats=1, max_bytes=64 * 2**20, budget_s=UNLIMITED
    )
    rows = list(measure(cfg, "cpu", clock=FakeClock(step=1e-3)))
    assert {r["status"] for r in rows if r["K"] == 10} == {"ok"}
    assert {r["status"] for r in rows if r["K"] == 10**9} == {"too_big"}
    assert all(r["ms"] is None for r in rows if r["K"] == 10**9)


def test_measure_stops_when_the_time_budget_is_spent():
    ticks = iter(range(1000))
    cfg = MeasureConfig(n=4, d=4, ks=(10, 100, 1000), repeats=1, budget_s=2.5)
    rows = list(measure(cfg, "cpu", clock=lambda: float(next(ticks))))
    statuses = [r["status"] for r in rows]
    assert statuses[0] == "ok" and statuses[-1] in ("over_time", "no_reference")
    after = statuses[statuses.index("over_time") :]
    assert set(after) <= {"over_time", "no_reference"}


def test_a_size_predicted_to_overrun_the_budget_is_not_started():
    clock = FakeClock(step=1e-3)  # every pass takes 1 ms
    cfg = MeasureConfig(n=4, d=4, ks=(10, 100_000), num_sampled=256, repeats=1, budget_s=1.0)
    rows = list(measure(cfg, "cpu", clock=clock))
    status = {(r["method"], r["K"]): r["status"] for r in rows}
    assert all(status[(m, 10)] == "ok" for m in METHODS)
    # 1 ms at K = 10 predicts 10,000 x 1 ms = 10 s for the full softmax at K = 100,000 (work
    # n*d*K), over the 1 s budget; the sampled softmax would fit (its work grows ~100x: 0.1 s)
    # but would have no full softmax beside it to compare with: not run either, and said why
    assert status[("full", 100_000)] == "over_time"
    assert all(status[(m, 100_000)] == "no_reference" for m in METHODS[1:])
    assert clock.now < cfg.budget_s  # the prediction stopped it, not the clock


def test_no_time_is_measured_beside_a_full_softmax_skipped_for_time():
    ticks = iter(range(10_000))
    for budget in (1.5, 2.5, 4.5, 9.5, 14.5):
        cfg = MeasureConfig(n=4, d=4, ks=(10, 100, 1000), repeats=1, budget_s=budget)
        rows = list(measure(cfg, "cpu", clock=lambda: float(next(ticks))))
        full = {r["K"]: r["status"] for r in rows if r["method"] == "full"}
        for r in rows:
            if r["status"] == "ok":
                assert full[r["K"]] == "ok", (budget, r)


def test_a_full_softmax_too_big_for_memory_leaves_the_approximations_their_turn():
    # d * K of W is shared by all; the full softmax's n * K logits alone push it over the cap
    n, d, K, S = 512, 8, 20_000, 16
    cap = (bytes_needed("full", n, d, K, S) + bytes_needed("sampled", n, d, K, S)) // 2
    cfg = MeasureConfig(
        n=n, d=d, ks=(K,), num_sampled=S, repeats=1, max_bytes=cap, budget_s=UNLIMITED
    )
    status = {r["method"]: r["status"] for r in measure(cfg, "cpu", clock=FakeClock(step=1e-3))}
    assert status["full"] == "too_big" and status["sampled"] == "ok"


def test_a_slow_size_is_timed_fewer_times(monkeypatch):
    import lib.many_classes as mc

    passes = []

    def slow_pass(loss_fn, params, device, clock):
        passes.append(1)
        return 0.15, 1.0  # every pass "takes" 150 ms: after the second, 0.3 s > repeat_s

    monkeypatch.setattr(mc, "time_pass", slow_pass)
    cfg = MeasureConfig(n=4, d=4, ks=(10,), repeats=5, repeat_s=0.2, budget_s=UNLIMITED)
    rows = list(measure(cfg, "cpu", clock=FakeClock()))
    assert all(r["status"] == "ok" and r["ms"] == pytest.approx(150) for r in rows)
    assert len(passes) == 2 * len(METHODS)  # two passes each, not five


def test_config_refuses_bad_sizes():
    for bad in (dict(n=0), dict(d=10**6), dict(ks=(1,)), dict(ks=()), dict(max_bytes=0)):
        with pytest.raises(ValueError):
            MeasureConfig(**bad)


def test_output_layer_memory_of_a_language_model():
    row = output_layer_memory(Vocabulary("Llama 3 8B", 128_256, 4096, 8192))
    assert row["W_mb"] == 2004.0 == 4096 * 128_256 * 4 / 2**20  # about 2 GB
    assert row["logits_mb"] == 4008.0 == 8192 * 128_256 * 4 / 2**20


def test_cost_chart_uses_log_axes_and_translated_titles():
    rows = list(
        measure(
            MeasureConfig(n=4, d=4, ks=(10, 100), repeats=1, budget_s=UNLIMITED),
            "cpu",
            clock=FakeClock(step=1e-3),
        )
    )
    spec = cost_chart(rows, "ms", "zh").to_dict()
    text = str(spec)
    assert "'type': 'log'" in text and "类别数 K" in text and "完整 softmax" in text
    assert "二叉树层序softmax" in text
    assert "上限 512 MB" in str(cost_chart(rows, "mb", "zh", cap_mb=512).to_dict())


def test_the_two_charts_fit_their_column_and_the_cap_is_inside_the_memory_axis():
    rows = list(
        measure(
            MeasureConfig(n=4, d=4, ks=(10, 100), repeats=1, budget_s=UNLIMITED),
            "cpu",
            clock=FakeClock(step=1e-3),
        )
    )
    ms, mb = (c.to_dict() for c in cost_charts(rows, "en", cap_mb=512))
    assert ms["width"] == mb["width"] == "container"  # never wider than the page
    # the cap's rule shares the memory axis: the log scale's domain reaches 512 MB
    rule = next(layer for layer in mb["layer"] if layer["mark"]["type"] == "rule")
    assert rule["encoding"]["y"]["field"] == "mb"
    assert "resolve" not in mb or mb["resolve"].get("scale", {}).get("y") != "independent"
