"""lib/minibatch.py: the chapter's worked examples, one minibatch's steps, checked against torch."""

import inspect
import math

import altair as alt
import pytest
import torch
import torch.nn.functional as F

from lib import minibatch as mb
from lib.charts.minibatch import gradient_maps_chart
from lib.config import TrainConfig
from lib.data import FashionMNIST, minibatch_indices
from lib.trainers import init_weights, train

NAMES = [f"class {k}" for k in range(10)]


def made_up_batch(n=256, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.rand(n, 1, 28, 28, generator=g), torch.randint(0, 10, (n,), generator=g)


def made_up_data(n_train=1000, n_test=300, seed=0):
    g = torch.Generator().manual_seed(seed)
    return FashionMNIST(
        torch.rand(n_train, 784, generator=g),
        torch.randint(0, 10, (n_train,), generator=g),
        torch.rand(n_test, 784, generator=g),
        torch.randint(0, 10, (n_test,), generator=g),
    )


# ---- the chapter's worked examples: the printed values ------------------------------


def test_sum_along_each_axis_keeps_the_summed_axis():
    X, by_column, by_row = mb.sum_example()
    assert X.shape == (2, 3)
    assert by_column.tolist() == [[5.0, 7.0, 9.0]] and by_column.shape == (1, 3)
    assert by_row.tolist() == [[6.0], [15.0]] and by_row.shape == (2, 1)


def test_softmax_of_a_random_matrix_sums_to_one_per_row():
    X, X_prob, sums = mb.softmax_example()
    assert X.shape == X_prob.shape == (2, 5) and bool((X_prob > 0).all())
    torch.testing.assert_close(X_prob, torch.softmax(X, dim=1))
    torch.testing.assert_close(sums, torch.ones(2))


def test_the_two_sample_example_gives_the_chapters_numbers():
    ex = mb.cross_entropy_example()
    assert ex.picked.tolist() == pytest.approx([0.1, 0.5])
    assert [round(v, 4) for v in ex.loss.tolist()] == [2.3026, 0.6931]
    assert ex.accuracy == 0.5
    torch.testing.assert_close(ex.loss, F.nll_loss(torch.log(ex.y_hat), ex.y, reduction="none"))


def test_random_weights_guess_on_the_real_test_set(real_data):
    accs = [mb.random_accuracy(real_data, seed) for seed in (0, 1, 2)]
    assert all(0.05 < acc < 0.2 for acc in accs), accs
    # the same number as the Train page's epoch-0 point for that seed
    first = next(iter(train(TrainConfig(num_epochs=1, seed=1), real_data)))
    assert accs[1] == first.test_acc


# ---- the weights and the batches -------------------------------------------------------


def test_start_weights_are_the_trainers_init():
    W, b = mb.start_weights(3)
    W0, b0 = init_weights(TrainConfig(seed=3), torch.Generator().manual_seed(3))
    assert W.shape == (784, 10) and b.shape == (10,)
    assert torch.equal(W, W0.detach()) and torch.equal(b, b0.detach())
    assert not W.requires_grad
    assert 0.009 < float(W.std()) < 0.011 and float(b.abs().max()) == 0


def test_batches_come_in_the_trainers_order_epoch_after_epoch():
    n, seed = 1000, 7  # 4 minibatches per epoch, the last of 232
    generator = torch.Generator().manual_seed(seed)
    init_weights(TrainConfig(seed=seed), generator)
    expected = [idx for _ in range(2) for idx in minibatch_indices(n, 256, generator)]
    got = [mb.batch_indices(n, step, seed) for step in range(8)]
    assert [len(i) for i in got] == [256, 256, 256, 232] * 2
    assert all(torch.equal(a, b) for a, b in zip(got, expected, strict=True))
    assert not torch.equal(got[0], got[4])  # a new shuffle in the second epoch


def test_take_batch_shapes_and_place():
    data = made_up_data()
    batch = mb.take_batch(data, "test", 1, seed=0)
    assert batch.X.shape == (44, 1, 28, 28) and batch.y.shape == (44,)  # 300 = 256 + 44
    assert (batch.epoch, batch.number, batch.per_epoch) == (1, 2, 2)
    idx = mb.batch_indices(300, 1, 0)
    assert torch.equal(batch.X.reshape(-1, 784), data.X_test[idx])
    assert torch.equal(batch.y, data.y_test[idx])
    train_batch = mb.take_batch(data, "train", 5, seed=0)
    assert train_batch.X.shape == (256, 1, 28, 28)
    assert (train_batch.epoch, train_batch.number) == (2, 2)
    with pytest.raises(ValueError, match="split"):
        mb.take_batch(data, "validation", 0, seed=0)


def test_a_real_batch_is_256_images_in_0_1(real_data):
    batch = mb.take_batch(real_data, "test", 0, seed=0)
    assert batch.X.shape == (256, 1, 28, 28) and batch.y.shape == (256,)
    assert float(batch.X.min()) >= 0 and float(batch.X.max()) <= 1
    assert mb.images(batch, 8).shape == (8, 28, 28)


# ---- one step: shapes, and every value against torch ---------------------------------


def test_every_step_has_the_chapters_shape():
    X, y = made_up_batch()
    W, b = mb.start_weights(0)
    walk = mb.walk_step(W, b, X, y, lr=0.1)
    shapes = {
        name: tuple(getattr(walk, name).shape)
        for name in (
            "X",
            "X_flat",
            "O",
            "y_hat",
            "picked",
            "l",
            "W_grad",
            "b_grad",
            "W_next",
            "b_next",
        )
    }
    assert shapes == {
        "X": (256, 1, 28, 28),
        "X_flat": (256, 784),
        "O": (256, 10),
        "y_hat": (256, 10),
        "picked": (256,),
        "l": (256,),
        "W_grad": (784, 10),
        "b_grad": (10,),
        "W_next": (784, 10),
        "b_next": (10,),
    }
    table = mb.steps_table(walk, W)
    assert dict(zip(table["step"], table["shape"], strict=True)) == {
        "images": "(256, 1, 28, 28)",
        "reshape": "(256, 784)",
        "weights": "(784, 10)",
        "logits": "(256, 10)",
        "softmax": "(256, 10)",
        "row_sums": "(256,)",
        "pick": "(256,)",
        "loss": "(256,)",
        "backward": "(784, 10)",
        "b_grad": "(10,)",
        "sgd": "(784, 10)",
    }


def test_values_match_torch_and_the_gradient_is_analytic():
    X, y = made_up_batch(seed=1)
    W, b = mb.start_weights(1)
    b = torch.randn(10, generator=torch.Generator().manual_seed(2)) * 0.1
    walk = mb.walk_step(W, b, X, y, lr=0.1)
    X_flat = X.reshape(256, 784)
    O = X_flat @ W + b
    torch.testing.assert_close(walk.O, O)
    torch.testing.assert_close(walk.y_hat, torch.softmax(O, dim=1))
    torch.testing.assert_close(walk.y_hat.sum(1), torch.ones(256))
    torch.testing.assert_close(walk.picked, torch.softmax(O, dim=1).gather(1, y[:, None])[:, 0])
    torch.testing.assert_close(walk.l, F.cross_entropy(O, y, reduction="none"))
    # d(sum of losses)/dW = X^T (softmax(O) - onehot(y)); d/db = its column sums
    residual = torch.softmax(O, dim=1) - F.one_hot(y, 10).float()  # (256, 10)
    torch.testing.assert_close(walk.W_grad, X_flat.T @ residual, rtol=1e-4, atol=1e-4)
    torch.testing.assert_close(walk.b_grad, residual.sum(0), rtol=1e-4, atol=1e-4)
    # the book's sgd: W - lr * grad / batch_size
    torch.testing.assert_close(walk.W_next, W - 0.1 * walk.W_grad / 256)
    torch.testing.assert_close(walk.b_next, b - 0.1 * walk.b_grad / 256)
    assert walk.loss_before == pytest.approx(float(F.cross_entropy(O, y)), rel=1e-6)
    assert walk.acc_before == float((O.argmax(1) == y).float().mean())
    O_next = X_flat @ walk.W_next + walk.b_next
    assert walk.loss_after == pytest.approx(float(F.cross_entropy(O_next, y)), rel=1e-5)
    assert walk.finite


def test_the_callers_weights_are_left_alone():
    X, y = made_up_batch()
    W, b = mb.start_weights(0)
    W_copy, b_copy = W.clone(), b.clone()
    walk = mb.walk_step(W, b, X, y, lr=1.0)
    assert torch.equal(W, W_copy) and torch.equal(b, b_copy) and W.grad is None
    assert not torch.equal(walk.W_next, W)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_one_sgd_step_at_lr_0_1_lowers_the_batch_loss(real_data, seed):
    W, b = mb.start_weights(seed)
    for split in mb.SPLITS:
        batch = mb.take_batch(real_data, split, 0, seed)
        walk = mb.walk_step(W, b, batch.X, batch.y, lr=0.1)
        assert walk.loss_before == pytest.approx(math.log(10), abs=0.1)  # random init: ~ln 10
        assert walk.loss_after < walk.loss_before


def test_steps_continue_from_the_updated_weights(real_data):
    W, b = mb.start_weights(0)
    losses = []
    for step in range(5):
        batch = mb.take_batch(real_data, "train", step, 0)
        walk = mb.walk_step(W, b, batch.X, batch.y, lr=0.1)
        losses.append(walk.loss_before)
        W, b = walk.W_next, walk.b_next
    assert losses[-1] < losses[0] - 0.3  # five steps already teach something


def test_a_huge_learning_rate_is_reported_not_raised():
    X, y = made_up_batch()
    W, b = mb.start_weights(0)
    for _ in range(6):
        walk = mb.walk_step(W, b, X, y, lr=1e6)
        W, b = walk.W_next, walk.b_next
    assert not walk.finite


def test_first_rows_and_row_sums():
    X, y = made_up_batch()
    walk = mb.walk_step(*mb.start_weights(0), X, y, lr=0.1)
    rows = mb.first_rows(walk, 5)
    assert list(rows.columns) == ["y", *map(str, range(10)), "sum", "picked", "l"]
    assert rows["y"].tolist() == y[:5].tolist()
    assert rows["sum"].tolist() == pytest.approx([1.0] * 5, abs=1e-6)
    assert rows["picked"].tolist() == pytest.approx(walk.picked[:5].tolist())
    assert rows["l"].tolist() == pytest.approx((-torch.log(walk.picked[:5])).tolist(), rel=1e-6)
    low, high = mb.row_sum_range(walk)
    assert 1 - 1e-6 < low <= high < 1 + 1e-6


def test_gradient_maps_are_ten_28_by_28_maps_on_a_symmetric_scale():
    X, y = made_up_batch()
    walk = mb.walk_step(*mb.start_weights(0), X, y, lr=0.1)
    chart = gradient_maps_chart(walk.W_grad.numpy(), NAMES, "en")
    assert isinstance(chart, alt.FacetChart)
    with alt.data_transformers.disable_max_rows():  # 7,840 cells > 5,000
        spec = chart.to_dict()
        zh = str(gradient_maps_chart(walk.W_grad.numpy(), NAMES, "zh").to_dict())
    values = next(iter(spec["datasets"].values()))
    assert len(values) == 784 * 10 and spec["columns"] == 5
    cell = next(v for v in values if v["class"] == "class 3" and v["row"] == 14 and v["col"] == 9)
    assert cell["grad"] == pytest.approx(float(walk.W_grad[14 * 28 + 9, 3]), abs=1e-4)
    domain = spec["spec"]["encoding"]["color"]["scale"]["domain"]
    assert domain[0] == -domain[1] == pytest.approx(-float(walk.W_grad.abs().max()), rel=1e-3)
    assert "类别" in zh


def test_the_code_shown_is_readable_source():
    for with_data in (True, False):
        shown = mb.shown_code(with_data)
        assert len(set(shown)) == len(shown)
        for f in shown:
            assert inspect.getsource(f).lstrip().startswith(("def ", "@"))
    assert mb.walk_step in mb.shown_code(True) and mb.walk_step not in mb.shown_code(False)


# ---- the derivative dl/dO = (softmax(O) - one_hot(y)) / n ------------------------------


def test_the_logit_gradient_is_autograds_of_the_mean_loss():
    g = torch.Generator().manual_seed(4)
    O = torch.randn(256, 10, generator=g) * 3  # (n, q)
    y = torch.randint(0, 10, (256,), generator=g)
    grad = mb.logit_gradient(O, y)
    O_leaf = O.clone().requires_grad_(True)
    (expected,) = torch.autograd.grad(F.cross_entropy(O_leaf, y), O_leaf)  # torch's own, mean
    torch.testing.assert_close(grad.formula, expected)
    torch.testing.assert_close(grad.autograd, expected)
    assert grad.max_abs_diff == float((grad.formula - grad.autograd).abs().max())
    assert grad.max_abs_diff < 1e-7
    # only the true class's entry is negative, and every row sums to 0
    negative = grad.formula < 0
    assert torch.equal(negative, F.one_hot(y, 10).bool())
    torch.testing.assert_close(grad.formula.sum(1), torch.zeros(256), atol=1e-7, rtol=0)


def test_the_check_sees_a_wrong_gradient():
    O = torch.randn(8, 10, generator=torch.Generator().manual_seed(5))
    y = torch.arange(8)
    right = mb.logit_gradient(O, y)
    wrong = mb.LogitGradient(right.formula, right.autograd + torch.eye(8, 10) * 1e-3)
    assert wrong.max_abs_diff == pytest.approx(1e-3, rel=1e-3)


def test_w_grad_is_x_transposed_times_the_logit_gradient(real_data):
    batch = mb.take_batch(real_data, "train", 0, seed=0)
    walk = mb.walk_step(*mb.start_weights(0), batch.X, batch.y, lr=0.1)
    grad = mb.logit_gradient(walk.O, walk.y)
    n = len(walk.y)
    # backward() summed the losses; the gradient above is of their mean: n times smaller
    torch.testing.assert_close(
        walk.W_grad, walk.X_flat.T @ (grad.formula * n), atol=1e-4, rtol=1e-4
    )
    rows = mb.gradient_rows(grad, walk.y, 5)
    assert list(rows.columns) == ["y", *map(str, range(10)), "sum"]
    assert rows["y"].tolist() == walk.y[:5].tolist()
    assert rows["sum"].abs().max() < 1e-7
    assert rows["0"].tolist() == pytest.approx(grad.formula[:5, 0].tolist())
