"""One Chinese term for one concept: zh strings use the glossary's terms, never their variants."""

import re
from pathlib import Path

import pytest

from lib.i18n import STRINGS
from lib.i18n.glossary import (
    EXCEPTIONS,
    TERMS,
    forbidden_variants,
    markdown,
    missing_terms,
    terms_in_english,
)

ROOT = Path(__file__).resolve().parents[1]


def _problems(strings):
    """Every (key, what is wrong) in a {key: {"en", "zh"}} catalogue."""
    found = []
    for key, texts in strings.items():
        for term in missing_terms(texts["en"], texts["zh"], key):
            found.append((key, f"says {term.en[0]!r} in English but not {term.zh} in Chinese"))
        for term, variant in forbidden_variants(texts["zh"]):
            found.append((key, f"writes {variant!r} where the glossary says {term.zh}"))
    return found


def test_every_chinese_string_uses_the_glossary():
    assert _problems(STRINGS) == []


def test_the_checker_finds_what_it_should():
    bad = {
        "x.batch": {"en": "Loss on this minibatch", "zh": "本批次的损失"},
        "x.epoch": {"en": "after 3 epochs", "zh": "3 轮之后"},
        "x.run": {"en": "Delete a run", "zh": "删除一次训练"},
        "x.tree": {"en": "hierarchical softmax", "zh": "层序 softmax"},
        "x.lse": {"en": "the LogSumExp trick", "zh": "LogSumExp 技巧"},
        "x.acc": {"en": "test accuracy", "zh": "测试准确率"},
        "x.next": {"en": "the next minibatch", "zh": "下一批图像"},
        "x.eps": {"en": "8 machine epsilons", "zh": "8 个机器精度"},
    }
    found = {key for key, _ in _problems(bad)}
    assert found == set(bad)
    good = {
        "x.batch": {"en": "Loss on this minibatch", "zh": "本小批量的损失"},
        "x.size": {"en": "batch size 256", "zh": "批量大小 256"},
        "x.epoch": {"en": "after 3 epochs", "zh": "3 个迭代周期之后"},
        "x.run": {"en": "Delete a run", "zh": "删除一条训练记录"},
        "x.tree": {"en": "hierarchical softmax", "zh": "层序softmax"},
        "x.lse": {"en": "the LogSumExp trick", "zh": "LogSumExp技巧"},
        "x.acc": {"en": "test accuracy", "zh": "测试精度"},
        "x.queue": {"en": "wait for your turn", "zh": "等待轮到你"},
        "x.grade": {"en": "graded by the teacher", "zh": "由老师批改"},
    }
    assert _problems(good) == []


def test_english_terms_match_whole_words_longest_first():
    assert [t.zh for t in terms_in_english("the batch size")] == ["批量大小"]
    assert [t.zh for t in terms_in_english("Minibatches")] == ["小批量"]
    assert terms_in_english("a rerun, `batch_size` and {run}") == []  # not words, code, fields


def test_code_and_fields_are_not_prose():
    assert forbidden_variants("`torch.logsumexp` 与 {epoch} 和 num_epochs") == []
    assert forbidden_variants("用 logsumexp 计算") != []


def test_every_exception_is_needed():
    """An exception that no longer covers a real gap is stale: remove it."""
    for key, zh in EXCEPTIONS:
        texts = STRINGS[key]
        assert zh in {t.zh for t in terms_in_english(texts["en"])}, key
        assert zh not in texts["zh"], key


@pytest.mark.parametrize("term", TERMS, ids=lambda term: term.en[0])
def test_terms_are_well_formed(term):
    assert term.en and term.zh and term.source
    for pattern in term.avoid:
        assert not re.search(pattern, term.zh), f"{term.zh} forbids itself with {pattern}"


def test_the_docs_list_the_glossary():
    assert (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8") == markdown()
