"""The book's recipe: Dive into Deep Learning, "softmax regression from scratch".

As the chapter writes it (d2l's load_data_fashion_mnist, train_epoch_ch3,
evaluate_accuracy and sgd), with lib.softmax's naive softmax and cross-entropy.
bench/speed.py times it against lib.trainers; nothing else uses it.
"""

import torch
import torchvision
from torch.utils import data
from torchvision import transforms

from lib.softmax import logits, loss_naive

NUM_WORKERS = 4  # the book's get_dataloader_workers()
NUM_INPUTS, NUM_OUTPUTS = 784, 10


def load_data_fashion_mnist(root, batch_size):
    """PIL images, ToTensor on every image of every batch, 4 worker processes."""
    trans = transforms.ToTensor()  # PIL (28, 28) uint8 -> (1, 28, 28) float32 in [0, 1]
    mnist_train = torchvision.datasets.FashionMNIST(
        root=root, train=True, transform=trans, download=False
    )
    mnist_test = torchvision.datasets.FashionMNIST(
        root=root, train=False, transform=trans, download=False
    )
    return (
        data.DataLoader(mnist_train, batch_size, shuffle=True, num_workers=NUM_WORKERS),
        data.DataLoader(mnist_test, batch_size, shuffle=False, num_workers=NUM_WORKERS),
    )


def init_params():
    """W ~ N(0, 0.01^2) of shape (784, 10), b = 0."""
    W = torch.normal(0, 0.01, size=(NUM_INPUTS, NUM_OUTPUTS), requires_grad=True)
    b = torch.zeros(NUM_OUTPUTS, requires_grad=True)
    return W, b


def sgd(params, lr, batch_size):
    """Minibatch stochastic gradient descent."""
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()


def accuracy(y_hat, y):
    """The number of right predictions, as a float (y_hat: scores or probabilities)."""
    y_hat = y_hat.argmax(axis=1)  # (batch_size, 10) -> (batch_size,)
    cmp = y_hat.type(y.dtype) == y
    return float(cmp.type(y.dtype).sum())


def evaluate_accuracy(W, b, data_iter):
    """Share of right predictions over a whole data iterator."""
    right, n = 0.0, 0
    with torch.no_grad():
        for X, y in data_iter:
            right += accuracy(logits(X, W, b), y)  # argmax of the logits = of the softmax
            n += y.numel()
    return right / n


def train_epoch_ch3(W, b, train_iter, lr):
    """One pass over train_iter; returns (mean loss, accuracy)."""
    loss_sum, right, n = 0.0, 0.0, 0
    for X, y in train_iter:
        O = logits(
            X, W, b
        )  # (batch_size, 1, 28, 28) -> (batch_size, 784) @ (784, 10) -> (batch_size, 10)
        l = loss_naive(O, y)  # (batch_size,): the book's cross_entropy(softmax(O), y)
        l.sum().backward()
        sgd([W, b], lr, X.shape[0])
        loss_sum += float(l.detach().sum())  # the book: float(l.sum())
        right += accuracy(O, y)  # argmax of the logits = of the softmax
        n += y.numel()
    return loss_sum / n, right / n
