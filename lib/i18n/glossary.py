"""The glossary: one Chinese term for each concept, as data, and the checks made with it.

Each Term names a concept's English forms, the one Chinese term every page uses
for it, and the variants that must not appear in Chinese text. The terms are
the chapter's own (d2l-zh, "softmax回归的从零开始实现", /work/shared/seed/) and,
where the chapter has no word for the concept, the book's term list
(d2l-zh TERMINOLOGY.md, "英汉术语对照"). `source` says which, for each term;
docs/glossary.md is rendered from this table (python -m lib.i18n.glossary).

    missing_terms(en, zh)  # terms whose English form is in `en` but whose Chinese is not in `zh`
    forbidden_variants(zh) # (term, variant) pairs found in `zh`

The checks read prose only: {format fields} and `code spans` are left out, so a
field named {run} or the code `batch_size` is not a use of the word.
"""

import re
from dataclasses import dataclass

STRINGS = {}  # no visible text of its own: this module is data about the other modules' text

CHAPTER = "本章（softmax回归的从零开始实现）"
TERM_LIST = "本书的英汉术语对照（d2l-zh TERMINOLOGY.md）"


@dataclass(frozen=True)
class Term:
    en: tuple  # English forms, matched whole-word and case-insensitively
    zh: str  # the one Chinese term
    avoid: tuple = ()  # regular expressions of variants that must not appear in Chinese text
    source: str = ""  # where the choice comes from


TERMS = (
    # 本章：“小批量中每个样本是一行”“小批量随机梯度下降”；术语对照：小批量，mini-batch.
    # 批次、一批、本批、单独的“批量” are the variants found or likely; 批量大小 is the book's own;
    # 批改 (grading) is another word.
    Term(
        ("minibatch", "minibatches", "mini-batch", "mini-batches", "batch", "batches"),
        "小批量",
        (r"批次", r"分批", r"[一本这那每下上两几各]\s*批(?![量改注准评])", r"(?<!小)批量(?!大小)"),
        f"{CHAPTER}：小批量中每个样本是一行；小批量随机梯度下降",
    ),
    # 本章：“设置数据迭代器的批量大小为256”“它接受批量大小作为参数”.
    Term(
        ("batch size", "batch sizes"),
        "批量大小",
        (r"小批量大小", r"批大小", r"批次大小"),
        f"{CHAPTER}：设置数据迭代器的批量大小为256",
    ),
    # 本章始终写“迭代周期”（训练模型一个迭代周期；训练模型10个迭代周期）；术语对照的“迭代周期（周期）”
    # 允许简称，但同一页面上两种写法并存正是要消除的，所以只用全称。
    Term(
        ("epoch", "epochs"),
        "迭代周期",
        (
            r"(?<!迭代)周期",
            r"轮次",
            r"[\d一两二三四五六七八九十几每多]\s*轮(?!到)",
            r"(?i)\bepochs?\b",
        ),
        f"{CHAPTER}：训练模型10个迭代周期；{TERM_LIST}：迭代周期",
    ),
    Term(
        ("learning rate", "learning rates"),
        "学习率",
        (r"学习速率", r"学习速度", r"学习效率"),
        f"{CHAPTER}：设置学习率为0.1；{TERM_LIST}：学习率",
    ),
    Term(
        ("cross-entropy", "cross entropy"),
        "交叉熵",
        (r"互熵", r"交叉墒"),
        f"{CHAPTER}：交叉熵损失函数；{TERM_LIST}：交叉熵",
    ),
    Term(
        ("loss", "losses"),
        "损失",
        (),
        f"{CHAPTER}：损失函数；{TERM_LIST}：损失函数",
    ),
    # 本章：“可能造成数值上溢或下溢”。“溢出”是泛称，不用。
    Term(
        ("overflow", "overflows", "overflowed", "overflowing"),
        "上溢",
        (r"溢出", r"溢位"),
        f"{CHAPTER}：可能造成数值上溢或下溢",
    ),
    Term(
        ("underflow", "underflows", "underflowed", "underflowing"),
        "下溢",
        (),
        f"{CHAPTER}：可能造成数值上溢或下溢",
    ),
    Term(
        ("flatten", "flattens", "flattened"),
        "展平",
        (r"拉平", r"压平", r"摊平", r"扁平化"),
        f"{CHAPTER}：使用reshape函数将每张原始图像展平为向量",
    ),
    Term(
        ("weight", "weights"),
        "权重",
        (r"权值",),
        f"{CHAPTER}：由于我们使用随机权重初始化net模型",
    ),
    # 参数 b 是“偏置”（本书线性回归一节：偏置（bias））；统计意义上的 bias 仍是“偏差”
    # （术语对照：偏差，bias），见 EXCEPTIONS。
    Term(
        ("bias",),
        "偏置",
        (),
        "本书线性回归一节：偏置（bias）",
    ),
    Term(
        ("one-hot",),
        "独热",
        (r"单热", r"一位有效", r"(?i)one-hot"),
        "本书softmax回归一节：独热编码（one-hot encoding）",
    ),
    # The book calls o “未规范化的预测” and gives the English “logit” beside it; the pages name the
    # tensor the code prints, so the term is “logit” and it is introduced as 未规范化的预测（logit）.
    Term(
        ("logit", "logits"),
        "logit",
        (r"对数几率", r"未规范化预测", r"未归一化"),
        "本书softmax回归一节：未规范化的预测（logit）",
    ),
    # 本章：“得到每个样本的规范化常数”。术语对照的“归一化”是 normalization layers 的译名，这里不用。
    Term(
        ("normalize", "normalized", "normalizes", "unnormalized", "normalization", "normalizing"),
        "规范化",
        (r"归一",),
        f"{CHAPTER}：得到每个样本的规范化常数",
    ),
    Term(
        ("partition function",),
        "配分函数",
        (r"分区函数", r"划分函数"),
        f"{CHAPTER}：分母或规范化常数，有时也称为配分函数",
    ),
    Term(
        ("broadcast", "broadcasts", "broadcasting"),
        "广播",
        (),
        f"{CHAPTER}：这里应用了广播机制",
    ),
    # 本章一节的标题就是“分类精度”，全章都写“精度”；术语对照写“准确率”，但学生对照阅读的是本章，
    # 所以用“精度”。因此浮点数的 precision 不再叫“精度”（写“有效位”“机器ε”），只留“半精度”这类固定说法。
    Term(
        ("accuracy", "accuracies"),
        "精度",
        (r"准确率", r"准确度", r"正确率", r"机器精度", r"(?:损失|丢失|完整|全部)精度"),
        f"{CHAPTER}：分类精度即正确预测数量与总预测数量之比",
    ),
    Term(
        ("training set",),
        "训练集",
        (r"训练数据集", r"训练组"),
        f"{TERM_LIST}：数据集；本书各章：训练集",
    ),
    Term(
        ("test set",),
        "测试集",
        (r"测试数据集", r"测试组"),
        f"{TERM_LIST}：数据集；本书各章：测试集",
    ),
    Term(
        ("label", "labels"),
        "标签",
        (),
        f"{CHAPTER}：预测类别与标签分类y一致；{TERM_LIST}：标签",
    ),
    Term(
        ("gradient", "gradients"),
        "梯度",
        (r"斜率",),
        f"{TERM_LIST}：梯度",
    ),
    Term(
        ("diverge", "diverges", "diverged", "diverging"),
        "发散",
        (),
        f"{TERM_LIST}：发散，diverge",
    ),
    # 书名和本章标题都连写：“softmax回归的从零开始实现”；术语对照：softmax回归，softmax regression.
    Term(
        ("softmax regression",),
        "softmax回归",
        (r"(?i)softmax\s+回归", r"Softmax回归"),
        f"{CHAPTER}：借助softmax回归，我们可以训练多分类的模型",
    ),
    # The two versions the app compares (the book's formulas, and the fix of exercise 3) are not
    # named in the book; the pages call them 朴素版 and 稳定版 throughout.
    Term(
        ("naive",),
        "朴素",
        (r"简单版", r"原始版", r"幼稚"),
        "本项目的用语：书中公式的直接实现（练习 1、2 所说的问题）",
    ),
    Term(
        ("stable",),
        "稳定版",
        (r"稳定的\s*softmax", r"数值稳定版"),
        "本项目的用语：先减去最大的 logit、用 LogSumExp技巧算损失的版本（练习 3）",
    ),
    # The pages' word for a run whose loss became inf or NaN (not in the book, which only warns of
    # 上溢/下溢): 数值崩溃, so that it is never confused with 发散 (the optimisation diverging).
    Term(
        ("broke down", "breaks down", "break down", "breakdown", "breakdowns"),
        "崩溃",
        (r"数值失效", r"数值故障"),
        "本项目的用语：损失变成 inf 或 NaN（数值崩溃），区别于发散",
    ),
    # 术语对照：层序softmax，hierarchical softmax（word2vec 的近似训练一节同名）。照书连写，不加空格。
    Term(
        ("hierarchical softmax", "hierarchical"),
        "层序softmax",
        (r"分层", r"层次化?\s*softmax", r"层级", r"层序\s+softmax", r"层序Softmax"),
        f"{TERM_LIST}：层序softmax，hierarchical softmax",
    ),
    # 本书 softmax 回归的简洁实现一节：“这是一种类似‘LogSumExp技巧’的聪明方式”。照书的拼写，不加空格。
    Term(
        ("log-sum-exp", "LogSumExp"),
        "LogSumExp",
        (r"(?i)log-sum-exp", r"LogSumExp\s+技巧", r"(?<![\w.])logsumexp", r"对数求和指数"),
        "本书softmax回归的简洁实现一节：LogSumExp技巧（说到“技巧”时照此连写）",
    ),
    # A run (one training with its settings and curves, saved for the student) is not in the book;
    # the project's term is 训练记录 (counted 条, numbered “训练记录 #3”), never “第 3 次训练”,
    # “那次”, “训练运行”: “训练” alone is the act of training.
    Term(
        ("run", "runs"),
        "训练记录",
        (r"次训练", r"那次", r"训练运行", r"运行记录", r"训练纪录"),
        "本项目的用语（书中没有）：一次训练及其参数和曲线，保存给学生",
    ),
)

# (key, Chinese term): the English uses the word in another sense, and the Chinese says that sense.
EXCEPTIONS = {
    ("lesson.title", "训练记录"): "run as a verb: predict, run (the page), check",
    ("many_classes.too_big", "训练记录"): "not run: a measurement, not a training run",
    ("many_classes.over_time", "训练记录"): "not run: a measurement, not a training run",
    ("many_classes.no_reference", "训练记录"): "not run: a measurement, not a training run",
    ("many_classes.status.no_reference", "训练记录"): "not run: a measurement, not a training run",
    ("cross_entropy.gap_help", "训练记录"): "the x axis runs from 0: a range",
    ("train.col.epochs_run", "训练记录"): "epochs run: the epochs trained so far",
    ("lesson.train.answer", "展平"): "the curves flatten: they level off",
    ("notebook.exercises", "训练记录"): "run as a verb: run the check cell",
    ("lesson.sweep.answer", "训练记录"): "run as a verb: run the sweep below",
    ("lesson.sweep.run", "训练记录"): "run as a verb: run the sweep",
    ("many_classes.tradeoffs", "偏置"): "bias of an estimate: 偏差 (术语对照：偏差，bias)",
}


def prose(text: str) -> str:
    """`text` without its {format fields} and `code spans`: the words a reader reads as words."""
    return re.sub(r"`[^`]*`", " ", re.sub(r"\{[^{}]*\}", " ", text))


def _english_forms():
    """Every (form, term) pair, longest form first: a longer form is found before a shorter one
    inside it (“batch size” before “batch”, “hierarchical softmax” before “hierarchical”)."""
    pairs = [(form, term) for term in TERMS for form in term.en]
    return sorted(pairs, key=lambda pair: -len(pair[0]))


def terms_in_english(en: str) -> list:
    """The terms whose English forms occur in `en` as whole words (case-insensitive)."""
    text, found = prose(en), []
    for form, term in _english_forms():
        pattern = rf"(?<![\w-]){re.escape(form)}(?![\w-])"
        if re.search(pattern, text, flags=re.IGNORECASE):
            text = re.sub(pattern, " ", text, flags=re.IGNORECASE)
            if term not in found:
                found.append(term)
    return found


def missing_terms(en: str, zh: str, key: str = "") -> list:
    """The terms the English uses whose Chinese term `zh` lacks, less the documented exceptions."""
    return [
        term
        for term in terms_in_english(en)
        if term.zh not in zh and (key, term.zh) not in EXCEPTIONS
    ]


def forbidden_variants(zh: str) -> list:
    """(term, variant found) for every forbidden variant in the prose of `zh`."""
    text = prose(zh)
    return [
        (term, match.group(0))
        for term in TERMS
        for pattern in term.avoid
        for match in re.finditer(pattern, text)
    ]


def markdown() -> str:
    """The glossary as the Markdown table of docs/glossary.md."""
    lines = [
        "# Glossary: one Chinese term for each concept",
        "",
        "Generated from `lib/i18n/glossary.py` by `python -m lib.i18n.glossary > docs/glossary.md`;",
        "`tests/test_glossary.py` checks that this file matches the data and that every Chinese",
        "string uses these terms. Edit the data, not this file.",
        "",
        "| English | 中文 | Not used (regular expressions) | Source |",
        "| --- | --- | --- | --- |",
    ]
    for term in TERMS:
        avoid = ", ".join(f"`{pattern}`" for pattern in term.avoid) or "–"
        lines.append(f"| {', '.join(term.en)} | {term.zh} | {avoid} | {term.source} |")
    lines += ["", "Exceptions (the English word is used in another sense there):", ""]
    lines += [f"- `{key}` ({zh}): {why}" for (key, zh), why in EXCEPTIONS.items()]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
