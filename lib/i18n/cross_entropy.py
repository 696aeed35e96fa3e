"""Strings of the Cross-entropy & log(0) page (exercises 2 and 3)."""

STRINGS = {
    "cross_entropy.title": {"en": "Cross-entropy & log(0)", "zh": "交叉熵与 log(0)"},
    "cross_entropy.intro": {
        "en": "The chapter's `cross_entropy` follows the definition: −log of the probability the model "
        "gives the true class. Exercise 2 hints at the domain of log: it is only defined for "
        "positive numbers. When that probability underflows to 0, −log(0) = **inf**, and the "
        "gradient becomes **NaN**.",
        "zh": "本章的 `cross_entropy` 按定义实现：交叉熵采用真实标签的预测概率的负对数似然，即 −log p_y。"
        "练习 2 提示我们考虑对数的定义域：log 只对正数有定义。当这个概率下溢为 0 时，"
        "−log(0) = **inf**，梯度变成 **NaN**。",
    },
    "cross_entropy.setup": {
        "en": "The experiment: two classes, the label is y = 0. The model is confidently wrong: the true "
        "class gets logit 0, the wrong class gets logit **gap**. The correct loss is "
        "log(1 + exp(gap)) ≈ gap, and its gradient ∂loss/∂o_y = softmax(o)_y − 1 ≈ −1.",
        "zh": "实验设置：两个类别，标签 y = 0。模型很自信地错了：真实类别的未规范化的预测（logit）为 0，"
        "错误类别的 logit 为 "
        "**gap**。正确的交叉熵损失是 log(1 + exp(gap)) ≈ gap，梯度 ∂loss/∂o_y = softmax(o)_y − 1 ≈ −1。",
    },
    "cross_entropy.gap_max": {"en": "Largest logit gap", "zh": "最大 logit 差距"},
    "cross_entropy.gap_help": {
        "en": "The x axis runs from 0 to this gap.",
        "zh": "横轴从 0 到这个差距。",
    },
    "cross_entropy.dtype": {"en": "dtype", "zh": "数据类型"},
    "cross_entropy.method.naive": {
        "en": "book: softmax, then −log",
        "zh": "书中的：softmax 后取 −log",
    },
    "cross_entropy.method.log0": {
        "en": "stable softmax, then −log",
        "zh": "稳定版 softmax 后取 −log",
    },
    "cross_entropy.method.stable": {
        "en": "log-sum-exp from the logits",
        "zh": "LogSumExp技巧：直接由 logit 计算",
    },
    "cross_entropy.chart.gap": {
        "en": "logit gap (o_wrong − o_true)",
        "zh": "logit 差距（o_错误 − o_真实）",
    },
    "cross_entropy.chart.loss": {"en": "cross-entropy loss", "zh": "交叉熵损失"},
    "cross_entropy.chart.grad": {
        "en": "gradient ∂loss/∂o_y (autograd)",
        "zh": "损失对 o_y 的梯度 ∂loss/∂o_y（自动微分）",
    },
    "cross_entropy.chart.method": {"en": "computed as", "zh": "计算方式"},
    "cross_entropy.chart.inf": {"en": "loss = inf from here", "zh": "从这里起损失 = inf"},
    "cross_entropy.chart.nan": {"en": "gradient = NaN from here", "zh": "从这里起梯度 = NaN"},
    "cross_entropy.chart.caption": {
        "en": "A line that stops has become inf or NaN (the dotted rule marks where). Below that point "
        "all three lie on top of each other.",
        "zh": "线条中断的地方表示结果已变成 inf 或 NaN（虚线标出位置）。在那之前三条线完全重合。",
    },
    "cross_entropy.verdict": {
        "en": "In **{dtype}** the book's loss becomes **inf at gap ≈ {naive}**: exp(gap) overflows, so "
        "p_y = 1 / inf = 0 and −log(0) = inf. With the stable softmax first, p_y still underflows "
        "to 0 and the loss becomes inf at gap ≈ {log0}; its gradient, −1/p_y, is already NaN from "
        "gap ≈ {log0_grad}. The log-sum-exp form stays finite (loss ≈ gap, gradient ≈ −1) everywhere.",
        "zh": "在 **{dtype}** 中，书中的损失在 **gap ≈ {naive} 处变成 inf**：exp(gap) 上溢，于是 "
        "p_y = 1 / inf = 0，−log(0) = inf。先用稳定版 softmax 时，p_y 仍会下溢为 0，损失在 gap ≈ {log0} "
        "处变成 inf；它的梯度 −1/p_y 从 gap ≈ {log0_grad} 起就已是 NaN。LogSumExp技巧的形式处处有限"
        "（损失 ≈ gap，梯度 ≈ −1）。",
    },
    "cross_entropy.limits": {
        "en": "Where these gaps come from: in {dtype}, exp(x) overflows to inf above x ≈ {high} and "
        "rounds to 0 below x ≈ {low}, the same limits as on the Softmax & overflow page. The "
        "book's loss breaks once exp(gap) overflows (gap ≈ {high}). The stable p_y ≈ exp(−gap) "
        "rounds to 0 once −gap is below {low} (gap ≈ {neg_low}). Its gradient −1/p_y overflows "
        "earlier, once 1/p_y passes the largest number (gap ≈ {high}). The chart finds each "
        "point on a grid of step 0.02.",
        "zh": "这些差距从何而来：在 {dtype} 中，x 大于约 {high} 时 exp(x) 上溢为 inf，x 小于约 {low} 时 "
        "exp(x) 被舍入为 0（下溢），与“softmax 与上溢”页上的界限相同。exp(gap) 上溢时书中的损失出错"
        "（gap ≈ {high}）。稳定版的 p_y ≈ exp(−gap) 在 −gap 小于 {low} 时被舍入为 0（gap ≈ {neg_low}）。"
        "它的梯度 −1/p_y 更早出错：1/p_y 超过最大数时就上溢了（gap ≈ {high}）。"
        "图中的每个位置是在步长为 0.02 的网格上找到的。",
    },
    "cross_entropy.never": {"en": "beyond this range", "zh": "超出当前范围"},
    "cross_entropy.table": {
        "en": "Values at a few gaps: the loss, then its gradient",
        "zh": "几个差距下的数值：先是损失，再是梯度",
    },
    "cross_entropy.table_note": {
        "en": "Red: inf or NaN. Watch the −log of the stable p_y just before it breaks (around gap 100 in "
        "float32): it is already off, because p_y is then a subnormal number with only a few "
        "significant bits left.",
        "zh": "红色：inf 或 NaN。注意稳定版 p_y 取 −log 在出错之前（float32 中 gap 约为 100 时）就已经不准了："
        "那时 p_y 是一个非规格化数，只剩下很少的有效位。",
    },
    "cross_entropy.col.gap": {"en": "gap", "zh": "差距"},
    "cross_entropy.col.p_true": {"en": "p_y (book's softmax)", "zh": "p_y（书中的 softmax）"},
    "cross_entropy.col.loss_naive": {"en": "loss: the book's", "zh": "损失：书中的实现"},
    "cross_entropy.col.grad_naive": {"en": "∂/∂o_y: the book's", "zh": "∂/∂o_y：书中的实现"},
    "cross_entropy.col.loss_log0": {
        "en": "loss: −log(stable p_y)",
        "zh": "损失：对稳定版 p_y 取 −log",
    },
    "cross_entropy.col.grad_log0": {
        "en": "∂/∂o_y: −log(stable p_y)",
        "zh": "∂/∂o_y：对稳定版 p_y 取 −log",
    },
    "cross_entropy.col.loss_stable": {"en": "loss: log-sum-exp", "zh": "损失：LogSumExp技巧"},
    "cross_entropy.col.grad_stable": {"en": "∂/∂o_y: log-sum-exp", "zh": "∂/∂o_y：LogSumExp技巧"},
    "cross_entropy.lse.header": {
        "en": "The fix (the log-sum-exp trick): never form the probability, take its log directly",
        "zh": "解决办法（LogSumExp技巧）：不先算出概率，直接求它的对数",
    },
    "cross_entropy.lse.explain": {
        "en": "Take the log of the stable softmax and simplify: the exp in the numerator and the log "
        "cancel. What is left is a difference of logits minus the log of a sum that is at least 1 "
        "(its largest term is exp(0) = 1), so nothing overflows and no log ever sees 0. The loss "
        "is minus this for the true class j = y: log-sum-exp(o) − o_y. Training with it "
        "(the stable choice on the Train page) is what `torch.nn.functional.cross_entropy` does.",
        "zh": "对稳定版 softmax 取对数并化简：分子中的 exp 与 log 相互抵消。"
        "剩下的是 logit 之差，减去一个至少为 1 的和的对数（和中最大的一项是 exp(0) = "
        "1），因此既不会上溢，log 也永远不会遇到 0。交叉熵损失就是真实类别 j = y 时它的相反"
        "数：LogSumExp(o) − o_y。这就是 LogSumExp技巧。用它训练（训练页中的稳"
        "定版选项）正是 `torch.nn.functional.cross_entropy` 的做法。",
    },
    "cross_entropy.lse.latex": {
        "en": r"\log \mathrm{softmax}(\mathbf{o})_j = o_j - \max(\mathbf{o})"
        r" - \log \sum_k \exp\big(o_k - \max(\mathbf{o})\big)",
        "zh": r"\log \mathrm{softmax}(\mathbf{o})_j = o_j - \max(\mathbf{o})"
        r" - \log \sum_k \exp\big(o_k - \max(\mathbf{o})\big)",
    },
    "cross_entropy.back": {"en": "Back: softmax & overflow", "zh": "上一页：softmax 与上溢"},
    "cross_entropy.train": {"en": "Train with both and compare", "zh": "用两种方式训练并比较"},
}
