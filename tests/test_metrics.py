"""Accuracy, confusion matrix and predictions against plain counting."""

import torch

from lib.metrics import (
    accuracy,
    confusion_matrix,
    evaluate,
    most_confused_with,
    per_class_accuracy,
    predict,
)


def test_accuracy_counts_right_answers_from_probabilities_or_labels():
    y = torch.tensor([0, 2, 1])
    y_hat = torch.tensor([[0.9, 0.05, 0.05], [0.1, 0.8, 0.1], [0.1, 0.8, 0.1]])
    assert int(accuracy(y_hat, y)) == 2
    assert int(accuracy(torch.tensor([0, 2, 2]), y)) == 2


def test_confusion_matrix_and_per_class_accuracy():
    y = torch.tensor([0, 0, 0, 1, 1, 2])
    y_pred = torch.tensor([0, 1, 1, 1, 1, 0])
    C = confusion_matrix(y, y_pred, num_classes=3)
    assert C.tolist() == [[1, 2, 0], [0, 2, 0], [1, 0, 0]]
    torch.testing.assert_close(
        per_class_accuracy(C), torch.tensor([1 / 3, 1.0, 0.0], dtype=torch.float64)
    )
    assert most_confused_with(C).tolist() == [1, 0, 0]


def test_per_class_accuracy_of_an_empty_class_is_zero_not_nan():
    C = torch.zeros(3, 3, dtype=torch.int64)
    assert per_class_accuracy(C).tolist() == [0.0, 0.0, 0.0]


def test_evaluate_and_predict_agree_with_torch():
    g = torch.Generator().manual_seed(0)
    X, y = torch.rand(50, 784, generator=g), torch.randint(0, 10, (50,), generator=g)
    W, b = torch.randn(784, 10, generator=g) * 0.1, torch.zeros(10)
    loss, acc = evaluate(W, b, X, y)
    O = X @ W + b
    assert abs(loss - float(torch.nn.functional.cross_entropy(O, y))) < 1e-5
    assert acc == int((O.argmax(1) == y).sum()) / 50
    p = predict(W, b, X, y)
    torch.testing.assert_close(p.probs, torch.softmax(O, dim=1))
    assert torch.equal(p.y_pred, O.argmax(1))
