"""Strings of the Softmax & overflow page (exercises 1 and 3)."""

STRINGS = {
    "overflow.title": {"en": "Softmax & overflow", "zh": "softmax 与上溢"},
    "overflow.intro": {
        "en": "The chapter's `softmax` follows the definition: take `exp` of every logit, then divide by "
        "the row sum (the partition function). Exercise 1 asks what can go wrong, with a hint: "
        "how big is exp(50)? A float has a largest number; past it `exp` returns **inf**, and "
        "inf / inf is **NaN**. Exercise 3 asks for a fix.",
        "zh": "本章的 `softmax` 直接按定义实现：对每个未规范化的预测（logit）求 `exp`，再除以行和（配分函数）。"
        "练习 1 问这样做可能有什么问题，提示是：exp(50) 有多大？浮点数有最大值，超过它 `exp` 就返回 "
        "**inf**（上溢），而 inf / inf 是 **NaN**。练习 3 要求给出解决办法。",
    },
    # 1. exp(x)
    "overflow.exp.header": {"en": "1. How big is exp(x)?", "zh": "1. exp(x) 有多大？"},
    "overflow.exp.x": {"en": "x", "zh": "x"},
    "overflow.exp.x_help": {
        "en": "Try 50, 88, 89, 709, 710, or a negative number: −90 (subnormal in float32), "
        "−103.5 (still above 0 in float32), −104, −746.",
        "zh": "试试 50、88、89、709、710，或负数：−90（在 float32 中是非规格化数）、"
        "−103.5（在 float32 中仍大于 0）、−104、−746。",
    },
    "overflow.exp.explain": {
        "en": "Each dtype overflows at its own limit: exp(x) = inf once x is above about **{hi16}** in "
        "float16, **{hib16}** in bfloat16, **{hi32}** in float32 (the dtype training uses) and **{hi64}** in float64 — "
        "the log of the largest number the dtype holds. At the other end, exp(x) is rounded to "
        "0 once it is below half the smallest positive (subnormal) number: below about "
        "**{lo16}**, **{lob16}**, **{lo32}** and **{lo64}**. GPUs often train in the half "
        "precisions float16 and bfloat16, and their limits are far tighter: float16 overflows "
        "already above a logit of {hi16}, and bfloat16 keeps float32's range with only 8 "
        "significant bits. Just above those limits exp(x) is still "
        "positive, but subnormal: such tiny numbers keep only a few significant bits (see the "
        "“bits” column: how many significant bits exp keeps). exp(50) ≈ 5.2 × 10²¹ still fits in float32, but a logit of 89 does not.",
        "zh": "每种数据类型都有自己的上限：x 大约超过 **{hi16}**（float16）"
        "、**{hib16}**（bfloat16）、**{hi32}**（float32，"
        "训练时用的类型）或 **{hi64}**（float64）时，exp(x) 就上溢为 inf——"
        "这正是该类型能表示的最大数的对数。在另一端，exp(x) 一旦小于最小正数（非规格化数）"
        "的一半，就会被舍入为 0，即 x 低于约 **{lo16}**、**{lob16}**、"
        "**{lo32}**、**{lo64}** 时发生下溢。GPU 常用 float16 和 bfl"
        "oat16 这两种半精度类型训练，它们的界限要紧得多：float16 在 logit 超过 {h"
        "i16} 时就上溢，bfloat16 的范围与 float32 相同，但只有 8 个有效位。"
        "刚好高于这些界限时，exp(x) 仍然大于 0，但已是非规格化数：这样小的数只剩下很少的有效位（"
        "见“有效位”一列）。exp(50) ≈ 5.2 × 10²¹ 在 float32 中还放得下，"
        "但 logit 为 89 时就放不下了。",
    },
    "overflow.col.dtype": {"en": "dtype", "zh": "数据类型"},
    "overflow.col.x": {"en": "x", "zh": "x"},
    "overflow.col.exp_x": {"en": "exp(x) in this dtype", "zh": "该类型中的 exp(x)"},
    "overflow.col.status": {"en": "status", "zh": "状态"},
    "overflow.col.max_x": {"en": "overflows above x ≈", "zh": "上溢：x 大于约"},
    "overflow.col.min_x": {"en": "underflows below x ≈", "zh": "下溢：x 小于约"},
    "overflow.exp_status.ok": {"en": "fits", "zh": "正常"},
    "overflow.exp_status.overflow": {"en": "overflow: inf", "zh": "上溢：inf"},
    "overflow.exp_status.underflow": {"en": "underflow: 0", "zh": "下溢：0"},
    "overflow.exp_status.subnormal": {"en": "subnormal", "zh": "非规格化数"},
    "overflow.col.bits": {"en": "bits", "zh": "有效位"},
    "overflow.chart.x": {"en": "x (log scale)", "zh": "x（对数刻度）"},
    "overflow.chart.log10": {"en": "log10 exp(x) (log scale)", "zh": "log10 exp(x)（对数刻度）"},
    "overflow.chart.legend": {
        "en": "{dtype}: exp(x) = inf above x ≈ {limit:.2f}",
        "zh": "{dtype}：x 超过约 {limit:.2f} 时 exp(x) = inf",
    },
    "overflow.chart.dtype": {"en": "dtype", "zh": "数据类型"},
    "overflow.chart.caption": {
        "en": "Both axes are logarithmic. The three curves lie on top of each other until each one "
        "stops where exp overflows in its dtype (dotted lines). The black line is your x.",
        "zh": "两个坐标轴都是对数刻度。三条曲线彼此重合，直到各自在该数据类型的 exp 上溢处中断（虚线）。"
        "黑线是你选的 x。",
    },
    # 2. naive vs stable on the student's logits
    "overflow.sm.header": {
        "en": "2. Naive vs stable softmax on your logits",
        "zh": "2. 在你的 logit 上比较朴素版与稳定版 softmax",
    },
    "overflow.sm.logits": {"en": "Logits o (separated by commas)", "zh": "logit o（用逗号分隔）"},
    "overflow.sm.logits_help": {
        "en": "Try 1, 2, 100 (exp overflows) · 88, 88.5 (each exp fits, their sum does not) · "
        "−200, −200 (everything underflows: 0/0) · 1, 2, 50 in float16.",
        "zh": "试试 1, 2, 100（exp 上溢）· 88, 88.5（每个 exp 都放得下，但和放不下）· "
        "−200, −200（全部下溢：0/0）· 在 float16 中试 1, 2, 50。",
    },
    "overflow.sm.dtype": {"en": "dtype", "zh": "数据类型"},
    "overflow.err.empty": {
        "en": "Type at least one logit, e.g. `1, 2, 50`.",
        "zh": "请至少输入一个 logit，例如 `1, 2, 50`。",
    },
    "overflow.err.not_number": {
        "en": "This part of what you typed is not a number (shown below). "
        "Type numbers separated by commas, e.g. `1, 2, 50`.",
        "zh": "你输入的这一部分不是数字（见下方）。请输入用逗号分隔的数字，例如 `1, 2, 50`。",
    },
    "overflow.err.not_finite": {
        "en": "This part of what you typed is not a finite number (shown below); logits are finite "
        "scores.",
        "zh": "你输入的这一部分不是有限的数（见下方）；logit 是有限的分数。",
    },
    "overflow.err.too_many": {
        "en": "That is {count} logits; at most {max} fit in the table.",
        "zh": "一共 {count} 个 logit；表格最多显示 {max} 个。",
    },
    "overflow.err.too_long": {
        "en": "That text is too long: at most {max} characters. Type up to {logits} numbers "
        "separated by commas, e.g. `1, 2, 50`.",
        "zh": "输入的内容太长了：最多 {max} 个字符。请输入不超过 {logits} 个用逗号分隔的数字，例如 `1, 2, 50`。",
    },
    "overflow.err.token_note": {
        "en": "Shortened to fit, and any invisible characters are written out as \\u codes.",
        "zh": "过长的部分已截断，不可见字符以 \\u 编码写出。",
    },
    "overflow.sm.broken": {
        "en": "**The naive softmax breaks on {bad} of {total} entries in {dtype}** (highlighted). "
        "Where exp(o_j) = inf, the entry is inf / inf = NaN. Where every exp fits but their sum "
        "does not, each entry is divided by inf and comes out 0. Where every exp underflows to 0, "
        "the sum is 0 and 0 / 0 = NaN. The stable one gives proper probabilities that sum to "
        "{total_stable:.6g}.",
        "zh": "**在 {dtype} 中，朴素版 softmax 在 {total} 个元素中有 {bad} 个出错**（已高亮）。"
        "exp(o_j) = inf 的元素得到 inf / inf = NaN；每个 exp 都放得下但它们的和上溢时，每个元素都除以 inf，"
        "结果为 0；所有 exp 都下溢为 0 时，分母为 0，0 / 0 = NaN。稳定版给出正常的概率，总和为 "
        "{total_stable:.6g}。",
    },
    "overflow.sm.fine": {
        "en": "Both agree in {dtype}: the largest difference between them is {diff:.2g}, within the "
        "tolerance (|naive − stable| ≤ {tol:.2g} × (1 + |stable|), 8 machine epsilons of "
        "{dtype}). Make one logit bigger, or pick float16, to break the naive one.",
        "zh": "在 {dtype} 中两者一致：最大差值为 {diff:.2g}，在容差之内（|朴素版 − 稳定"
        "版| ≤ {tol:.2g} × (1 + |稳定版|)，即 {dtype} 机器 ε 的 8 "
        "倍）。把某个 logit 调大，或选择 float16，就能让朴素版出错。",
    },
    "overflow.sm.disagree": {
        "en": "**The two disagree in {dtype}**: no entry is inf or NaN, yet they differ by up to "
        "{diff:.3g}, far beyond the tolerance (|naive − stable| ≤ {tol:.2g} × (1 + |stable|), "
        "8 machine epsilons).",
        "zh": "**在 {dtype} 中两者不一致**：没有元素是 inf 或 NaN，但它们最多相差 {di"
        "ff:.3g}，远超容差（|朴素版 − 稳定版| ≤ {tol:.2g} × (1 + |稳定版"
        "|)，即机器 ε 的 8 倍）。",
    },
    "overflow.sm.cause.subnormal": {
        "en": "Why: for {subnormal} of the {total} entries, exp(o_j) is a subnormal number, below "
        "{smallest_normal:.3g}, the smallest normal {dtype}. Subnormal numbers lose precision: "
        "the smallest one here keeps only {bits} of {dtype}'s {digits} significant bits, so the "
        "naive softmax divides numbers that were already rounded far off (see the bits "
        "column). The stable one subtracts the maximum first: its largest exp is exactly 1, "
        "the entries that matter keep full precision, and its result is the right one.",
        "zh": "原因：{total} 个元素中有 {subnormal} 个的 exp(o_j) 是非规格化数，"
        "小于 {dtype} 的最小规格化数 {smallest_normal:.3g}。"
        "非规格化数会丢失有效位：这里最小的那个只保留了 {dtype} 的 {digits} 个有效位中"
        "的 {bits} 个，所以朴素版 softmax 相除的数在舍入时已经偏差很大（见“有效位”"
        "一列）。稳定版先减去最大值：最大的 exp 恰好是 1，起作用的元素都保留了全部有效位，"
        "它的结果才是对的。",
    },
    "overflow.sm.cause.other": {
        "en": "Why: rounding in {dtype}; no exp(o_j) here is subnormal, so look at the columns "
        "entry by entry.",
        "zh": "原因：{dtype} 中的舍入误差；这里没有 exp(o_j) 是非规格化数，请逐个元素查看各列。",
    },
    "overflow.sm_status.ok": {"en": "ok", "zh": "正常"},
    "overflow.sm_status.overflow": {"en": "exp = inf → NaN", "zh": "exp 上溢 → NaN"},
    "overflow.sm_status.sum_overflow": {"en": "Σ exp = inf → 0", "zh": "Σ exp 上溢 → 0"},
    "overflow.sm_status.underflow": {"en": "Σ exp = 0 → NaN", "zh": "Σ exp 下溢为 0 → NaN"},
    "overflow.sm_status.zero": {"en": "exp = 0 (underflow)", "zh": "exp 下溢为 0"},
    "overflow.sm_status.subnormal": {"en": "exp subnormal", "zh": "exp 为非规格化数"},
    "overflow.col.j": {"en": "j", "zh": "j"},
    "overflow.col.o": {"en": "o_j", "zh": "o_j"},
    "overflow.col.exp_o": {"en": "exp(o_j)", "zh": "exp(o_j)"},
    "overflow.col.naive": {"en": "naive softmax", "zh": "朴素版 softmax"},
    "overflow.col.o_shifted": {"en": "o_j − max(o)", "zh": "o_j − max(o)"},
    "overflow.col.exp_shifted": {"en": "exp(o_j − max(o))", "zh": "exp(o_j − max(o))"},
    "overflow.col.stable": {"en": "stable softmax", "zh": "稳定版 softmax"},
    "overflow.method.naive": {"en": "naive (the book's)", "zh": "朴素版（书中的）"},
    "overflow.method.stable": {"en": "stable (max subtracted)", "zh": "稳定版（减去最大值）"},
    "overflow.chart.entry": {"en": "entry j (logit o_j)", "zh": "元素 j（logit o_j）"},
    "overflow.chart.prob": {"en": "probability", "zh": "概率"},
    "overflow.chart.method": {"en": "softmax", "zh": "softmax"},
    "overflow.chart.nan": {"en": "NaN", "zh": "NaN"},
    # 3. the fix
    "overflow.fix.header": {
        "en": "3. The fix: subtract the maximum",
        "zh": "3. 解决办法：减去最大值",
    },
    "overflow.fix.explain": {
        "en": "Multiplying the numerator and the denominator by the same exp(−c) changes nothing, so "
        "softmax is unchanged when the same constant c is subtracted from every logit. With "
        "c = max(o), every exponent is ≤ 0: each exp is in (0, 1] and the largest is exactly 1, "
        "so nothing overflows and the sum is at least 1 (never 0). The column "
        "o_j − max(o) above is what the stable version feeds to `exp`.",
        "zh": "分子和分母同乘 exp(−c) 不改变结果，所以所有 logit 同时减去同一个常数 c 后，softmax 不变。"
        "取 c = max(o)，所有指数都 ≤ 0：每个 exp 都在 (0, 1] 内，最大的恰好是 1，"
        "因此不会上溢，分母至少为 1（不会是 0）。上表中 o_j − max(o) 这一列就是稳定版交给 `exp` 的数。",
    },
    "overflow.fix.latex": {
        "en": r"\mathrm{softmax}(\mathbf{o})_j = \frac{\exp(o_j)}{\sum_k \exp(o_k)}"
        r" = \frac{\exp(o_j - c)}{\sum_k \exp(o_k - c)},\qquad c = \max_k o_k",
        "zh": r"\mathrm{softmax}(\mathbf{o})_j = \frac{\exp(o_j)}{\sum_k \exp(o_k)}"
        r" = \frac{\exp(o_j - c)}{\sum_k \exp(o_k - c)},\qquad c = \max_k o_k",
    },
    "overflow.fix.log0": {
        "en": "Subtracting the maximum fixes overflow, but a tiny probability can still round to 0, "
        "and the loss takes its log. That is exercise 2, on the next page.",
        "zh": "减去最大值解决了上溢，但很小的概率仍可能被舍入为 0，而损失要对它取对数。"
        "这就是练习 2，见下一页。",
    },
    "overflow.next": {"en": "Next: cross-entropy & log(0)", "zh": "下一页：交叉熵与 log(0)"},
}
