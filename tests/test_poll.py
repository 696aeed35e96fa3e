"""The class poll's logic (lib/poll.py): the built-in questions and their facts, typed
questions, and the run filter that finds the class's runs answering a question.

The facts are computed here with PyTorch and the data; the rules of answering
and revealing are the store's (tests/test_store.py, on SQLite and PostgreSQL).
"""

import math
from types import SimpleNamespace

import pytest
import torch
import torch.nn.functional as F

from lib import poll as P
from lib.charts.poll import poll_chart, poll_frame
from lib.config import TrainConfig
from lib.i18n import LANGS, STRINGS, class_names, t
from lib.metrics import evaluate
from lib.overflow import nan_prediction
from lib.softmax import cross_entropy_naive, softmax_naive
from lib.store import PollError, PollView
from lib.store.polls import OPTION_MAX, OPTIONS_MAX, QUESTION_MAX
from lib.trainers import train

# ---- the built-in questions -----------------------------------------------------------------


def test_every_builtin_question_has_3_or_4_options_one_right_and_a_why_for_each():
    assert len(P.BUILTINS) >= 4
    for q in P.BUILTINS.values():
        assert 3 <= len(q.options) <= 4 and q.right in q.options
        assert len(set(q.options)) == len(q.options)
        for lang in LANGS:
            assert q.text(lang).endswith(("?", "？"))
            texts = [q.option(o, lang) for o in q.options]
            assert len(set(texts)) == len(texts)
            whys = [q.why(o, lang) for o in q.options]
            assert len(set(whys)) == len(whys)  # each wrong option its own reason
            assert q.why(q.right, lang).startswith(("Right", "正确"))
            assert not any(
                w.startswith(("Right", "正确")) for o, w in zip(q.options, whys) if o != q.right
            )
            assert t(f"poll.runs.none.{q.key}", lang)


def test_the_loss_at_w_0_is_log_10_as_the_right_option_says():
    q = P.BUILTINS["start_loss"]
    X, W, b = torch.rand(64, 784), torch.zeros(784, 10), torch.zeros(10)
    y = torch.randint(0, 10, (64,))
    O = X @ W + b  # (64, 784) @ (784, 10) -> (64, 10): all zeros
    assert torch.allclose(softmax_naive(O), torch.full((64, 10), 0.1))
    ours = cross_entropy_naive(softmax_naive(O), y).mean().item()
    theirs = F.cross_entropy(O, y).item()
    assert math.isclose(ours, math.log(10), rel_tol=1e-6) and math.isclose(
        theirs, ours, rel_tol=1e-6
    )
    for lang in LANGS:
        assert f"{math.log(10):.3f}" in q.option("ln10", lang)
        assert "1/10" in q.why("ln10", lang) and "0.1" in q.option("tenth", lang)
    assert q.right == "ln10" and q.shows == P.START_LOSS


def test_a_model_answering_t_shirt_everywhere_scores_the_share_of_class_0(real_data):
    q = P.BUILTINS["tshirt"]
    y = real_data.y_test
    y_hat = torch.zeros_like(y)  # class 0 for every image
    acc = (y_hat == y).sum().item() / len(y)
    nan = nan_prediction()
    assert acc == nan["share"] == 0.1 and class_names("en")[0].lower().startswith("t-shirt")
    # NaN weights do exactly that: the class's broken-down runs answer this question
    W, b = torch.full((784, 10), math.nan), torch.zeros(10)
    _, nan_acc = evaluate(W, b, real_data.X_test, y)
    assert nan_acc == acc
    assert f"{nan['per_class']:,}" in q.why("tenth", "en") and f"{nan['total']:,}" in q.why(
        "tenth", "en"
    )
    assert q.right == "tenth" and q.option("tenth", "en") == f"{acc:g}"
    assert q.runs.broke_down is True


@pytest.mark.slow  # one real epoch at lr 1 each way
def test_at_lr_1_the_naive_softmax_breaks_down_in_epoch_1_and_the_stable_one_trains(real_data):
    naive = list(train(TrainConfig(lr=1.0, num_epochs=1, softmax="naive", seed=0), real_data))
    assert naive[-1].breakdown is not None and naive[-1].breakdown.epoch == 1
    assert naive[-1].breakdown.batch == 4 and "minibatch 4" in P.BUILTINS["lr1_naive"].why(
        "breaks", "en"
    )
    stable = list(train(TrainConfig(lr=1.0, num_epochs=1, softmax="stable", seed=0), real_data))
    assert all(r.breakdown is None for r in stable) and stable[-1].test_acc > 0.7
    assert P.BUILTINS["lr1_naive"].right == "breaks" and P.BUILTINS["lr1_which"].right == "stable"


# ---- typed questions ------------------------------------------------------------------------


def test_a_typed_question_is_plain_text_one_option_per_line():
    text, options = P.typed_question("  **Best** lr?\u200b ", "0.1\n\n  1 \n<b>10</b>\n")
    assert text == "**Best** lr?" and options == ["0.1", "1", "<b>10</b>"]


@pytest.mark.parametrize(
    "question, options, problem",
    [
        ("", "a\nb", "empty_question"),
        (" \u200b ", "a\nb", "empty_question"),
        ("x" * (QUESTION_MAX + 1), "a\nb", "question_too_long"),
        ("Q", "only one", "too_few"),
        ("Q", "\n".join(str(k) for k in range(OPTIONS_MAX + 1)), "too_many"),
        ("Q", "a\n" + "y" * (OPTION_MAX + 1), "option_too_long"),
        ("Q", "a\nb\na", "repeated"),
    ],
)
def test_a_bad_typed_question_says_what_to_fix(question, options, problem):
    with pytest.raises(PollError) as refused:
        P.typed_question(question, options)
    assert refused.value.reason == "bad_question" and refused.value.detail == problem
    assert problem in P.TYPED_PROBLEMS
    for lang in LANGS:
        assert f"poll.typed.{problem}" in STRINGS
        text = t(
            f"poll.typed.{problem}", lang, question=QUESTION_MAX, option=OPTION_MAX, low=2, high=6
        )
        assert "{" not in text


def test_the_longest_allowed_typed_question_is_kept_whole():
    text, options = P.typed_question("q" * QUESTION_MAX, "\n".join(["o" * OPTION_MAX, "b"]))
    assert len(text) == QUESTION_MAX and len(options[0]) == OPTION_MAX


# ---- the distribution -----------------------------------------------------------------------


def view(kind="lr1_naive", counts=(2, 0, 0, 1), options=None):
    options = options or P.BUILTINS[kind].options
    return PollView(1, kind, "", tuple(options), True, sum(counts), counts, None)


def test_the_distribution_rows_and_their_words_carry_every_figure():
    v = view()
    rows = P.poll_rows(v, "en")
    assert [r["answers"] for r in rows] == [2, 0, 0, 1]
    assert [r["right"] for r in rows] == [True, False, False, False]
    assert rows[0]["share"] == pytest.approx(2 / 3) and rows[0]["option"].startswith("A. ")
    words = P.describe_poll(v, "en")
    for r in rows:
        assert f"{r['option']}: {r['answers']} ({100 * r['share']:.0f}%)" in words
    assert "3 in all" in words and "Right answer: A." in words
    zh = P.describe_poll(v, "zh")
    assert "共 3 份" in zh and "67%" in zh and "正确答案" in zh


def test_a_typed_poll_has_no_right_answer_and_nobody_answering_is_zero_percent():
    v = view("typed", (0, 0), ["yes", "no"])
    rows = P.poll_rows(v, "en")
    assert [r["share"] for r in rows] == [0.0, 0.0] and not any(r["right"] for r in rows)
    assert "Right answer" not in P.describe_poll(v, "en")
    assert P.option_texts("typed", ["yes", "no"], "zh") == ["A. yes", "B. no"]


def test_the_chart_marks_the_right_bar_by_colour_and_by_a_tick():
    rows = P.poll_rows(view(), "en")
    frame = poll_frame(rows, "en")
    assert list(frame["label"]) == ["2 ✓", "0", "0", "1"]
    spec = poll_chart(rows, "en").to_dict()
    assert spec["layer"][0]["mark"]["type"] == "bar"
    colour = spec["layer"][0]["encoding"]["color"]["scale"]
    assert len(set(colour["range"])) == 2


# ---- the class's runs that answer a question ------------------------------------------------


def board_run(n, lr, softmax, status="done", acc=0.8, epochs=3, start=2.3):
    history = [{"epoch": 0, "train_loss": start}] if start is not None else []
    return SimpleNamespace(
        run_id=f"{n:032x}",
        student=f"S{n}",
        number=n,
        settings=TrainConfig(lr=lr, softmax=softmax).to_dict(),
        status=status,
        epochs_run=epochs,
        test_acc=acc,
        history=history,
    )


RUNS = [
    board_run(1, 0.1, "naive"),
    board_run(2, 1.0, "naive", "breakdown", 0.1, 1, 2.31),
    board_run(3, 1.0, "stable", acc=0.81),
    board_run(4, 1.0, "naive", "breakdown", None, 1),
    board_run(5, 0.3, "stable", "stopped", 0.75, 2, start=None),
    board_run(6, 10.0, "naive", "breakdown", 0.1, 1),
]


def test_the_lr1_naive_question_finds_those_runs_newest_first_and_their_fate():
    found = P.answering_runs(P.BUILTINS["lr1_naive"], RUNS)
    assert [r.number for r in found] == [4, 2]
    assert found[1].fate("en") == "broke down in epoch 1 (test accuracy 0.1000)"
    assert found[0].fate("en") == "broke down in epoch 1 (test accuracy –)"
    assert "第 1 个迭代周期崩溃" in found[1].fate("zh")
    words = P.runs_summary(P.BUILTINS["lr1_naive"], found, "en")
    assert words.startswith("2 of the class's runs answer this; 2 broke down.")
    assert "epoch 1" in words


def test_which_softmax_finds_every_lr1_run_and_says_both_fates():
    q = P.BUILTINS["lr1_which"]
    found = P.answering_runs(q, RUNS)
    assert [r.number for r in found] == [4, 3, 2]
    assert found[1].fate("en") == "trained 3 epochs: test accuracy 0.8100"
    words = P.runs_summary(q, found, "en")
    assert (
        "3 of the class's runs" in words and "2 broke down" in words and "0.8100 to 0.8100" in words
    )


def test_the_t_shirt_question_finds_the_broken_runs_and_their_accuracy():
    q = P.BUILTINS["tshirt"]
    found = P.answering_runs(q, RUNS)
    assert [r.number for r in found] == [6, 4, 2]
    assert "0.1000 to 0.1000" in P.runs_summary(q, found, "en")


def test_the_start_loss_question_reads_epoch_0_and_skips_runs_without_it():
    q = P.BUILTINS["start_loss"]
    found = P.answering_runs(q, RUNS)
    assert [r.number for r in found] == [6, 4, 3, 2, 1]  # run 5 has no epoch 0
    assert P.runs_summary(q, found, "en").endswith("2.3000 to 2.3100.")


def test_no_run_answers_yet_says_how_to_get_one():
    for key, q in P.BUILTINS.items():
        assert P.answering_runs(q, []) == []
        assert P.runs_summary(q, [], "en") == t(f"poll.runs.none.{key}", "en")


def test_the_run_filter_compares_lr_as_a_number():
    f = P.RunFilter(lr=1.0, softmax=("naive",))
    assert f.matches({"lr": 1, "softmax": "naive"}, "done")
    assert not f.matches({"lr": 1.0000001, "softmax": "naive"}, "done")
    assert not f.matches({"lr": "1", "softmax": "naive"}, "done")
    assert not f.matches({"softmax": "naive"}, "done")
    assert P.RunFilter().matches({}, "running")
