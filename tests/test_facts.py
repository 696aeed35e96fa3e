"""Facts the pages state, each computed here with PyTorch itself (issue 19)."""

import math

import torch
import torch.nn.functional as F

from lib.i18n import t
from lib.many_classes import sampled_loss


def test_uniform_logits_give_log_k_for_the_full_and_the_log_q_sampled_loss():
    g = torch.Generator().manual_seed(0)
    for K in (10, 50):
        n, d = 512, 4
        y = torch.randint(0, K, (n,), generator=g)
        full = F.cross_entropy(torch.zeros(n, K), y).item()
        assert math.isclose(full, math.log(K), rel_tol=1e-6)
        X, W, b = torch.zeros(n, d), torch.zeros(d, K), torch.zeros(K)
        draws = [
            sampled_loss(X, W, b, y, torch.randint(0, K, (256,), generator=g)).item()
            for _ in range(20)
        ]
        mean = sum(draws) / len(draws)
        # log K, not log(K + 1): at K = 10 the two differ by 0.095
        assert abs(mean - math.log(K)) < 0.01, (mean, math.log(K))
        assert abs(mean - math.log(K + 1)) > 0.015


def test_the_log_q_text_says_log_k():
    for lang in ("en", "zh"):
        text = t("many_classes.logq", lang)
        assert "log K" in text and "log(K + 1)" not in text
