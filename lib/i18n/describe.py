"""Text alternatives: the accessible names of charts and the alt text of images (lib.describe),
and the words around them (the data-table expander, announcements)."""

STRINGS = {
    "describe.pct": {"en": "{value} %", "zh": "{value}%"},
    "describe.sep": {"en": "; ", "zh": "；"},
    "describe.test_acc": {"en": "test accuracy", "zh": "测试精度"},
    "describe.train_acc": {"en": "train accuracy", "zh": "训练精度"},
    "describe.loss": {"en": "loss", "zh": "损失"},
    "describe.rose": {
        "en": "{name} rose from {a:.2f} to {b:.2f}",
        "zh": "{name}从 {a:.2f} 升到 {b:.2f}",
    },
    "describe.fell": {
        "en": "{name} fell from {a:.2f} to {b:.2f}",
        "zh": "{name}从 {a:.2f} 降到 {b:.2f}",
    },
    "describe.stayed": {"en": "{name} stayed at {value:.2f}", "zh": "{name}保持在 {value:.2f}"},
    "describe.not_finite": {
        "en": "{name} became inf or NaN",
        "zh": "{name}变成了 inf 或 NaN",
    },
    "describe.training": {
        "en": "Training curves: {acc} in {epochs} epochs; {loss}.",
        "zh": "训练曲线：{epochs} 个迭代周期内{acc}；{loss}。",
    },
    "describe.training.one": {
        "en": "Training curves: {acc} in 1 epoch; {loss}.",
        "zh": "训练曲线：1 个迭代周期内{acc}；{loss}。",
    },
    "describe.training.empty": {
        "en": "Training curves: no epoch yet.",
        "zh": "训练曲线：还没有迭代周期。",
    },
    "describe.compare": {
        "en": "{n} runs overlaid, final test accuracy: {runs}.",
        "zh": "叠加的 {n} 条训练记录，最终测试精度：{runs}。",
    },
    "describe.compare.one": {
        "en": "1 run, final test accuracy: {runs}.",
        "zh": "1 条训练记录，最终测试精度：{runs}。",
    },
    "describe.compare.run.one": {
        "en": "{run}: {acc:.2f} after 1 epoch",
        "zh": "{run}：1 个迭代周期后 {acc:.2f}",
    },
    "describe.compare.run": {
        "en": "{run}: {acc:.2f} after {epochs} epochs",
        "zh": "{run}：{epochs} 个迭代周期后 {acc:.2f}",
    },
    "describe.compare.broken": {"en": "{run}: inf or NaN", "zh": "{run}：inf 或 NaN"},
    "describe.class_accuracy": {
        "en": "Accuracy of the {n} classes, overall {overall}: lowest {low} {low_acc}, "
        "highest {high} {high_acc}.",
        "zh": "{n} 个类别的精度，总体 {overall}：最低的是{low} {low_acc}，最高的是{high} {high_acc}。",
    },
    "describe.confusion": {
        "en": "Confusion matrix, {n} by {n}, of {total:,} test images: {right:,} on the diagonal "
        "(right); the most common mistake is {true} predicted as {pred}, {count:,} times.",
        "zh": "{n}×{n} 混淆矩阵，共 {total:,} 张测试图片：对角线上 {right:,} 张（预测正确）；"
        "最常见的错误是把{true}预测成{pred}，共 {count:,} 次。",
    },
    "describe.probs": {
        "en": "Predicted probabilities: {pred} {p}, next {next} {p_next}",
        "zh": "预测概率：{pred} {p}，其次是{next} {p_next}",
    },
    "describe.probs.true": {
        "en": "; the true class {true} has {p}.",
        "zh": "；真实类别{true}的概率是 {p}。",
    },
    "describe.maps.weights": {
        "en": "Weights for each of the {n} classes as a {side}×{side} picture ({names}); "
        "red pixels pull an image towards the class, blue ones away from it.",
        "zh": "{n} 个类别各自的权重，画成 {side}×{side} 的图片（{names}）；"
        "红色像素把图片推向该类别，蓝色像素推离该类别。",
    },
    "describe.maps.grad": {
        "en": "The gradient W.grad for each of the {n} classes as a {side}×{side} picture "
        "({names}); SGD lowers the red weights and raises the blue ones.",
        "zh": "{n} 个类别各自的梯度 W.grad，画成 {side}×{side} 的图片（{names}）；"
        "SGD 降低红色处的权重，提高蓝色处的权重。",
    },
    "describe.image.right": {
        "en": "{true}, predicted {pred}, {p}",
        "zh": "{true}，预测为{pred}，{p}",
    },
    "describe.image.wrong": {
        "en": "{true}, predicted {pred} (wrong), {p}",
        "zh": "{true}，预测为{pred}（错误），{p}",
    },
    "describe.image.batch": {
        "en": "training image {k} of {n}: {name}, {side}×{side} grey pixels",
        "zh": "第 {k} 张训练图片（共 {n} 张）：{name}，{side}×{side} 灰度像素",
    },
    "describe.image.upload": {"en": "your photo as uploaded", "zh": "你上传的原始照片"},
    "describe.image.input": {
        "en": "your photo as the model sees it: {side}×{side} grey pixels, predicted {pred}, {p}",
        "zh": "模型看到的你的照片：{side}×{side} 灰度像素，预测为{pred}，{p}",
    },
    "describe.image.input_only": {
        "en": "your photo as the model sees it: {side}×{side} grey pixels",
        "zh": "模型看到的你的照片：{side}×{side} 灰度像素",
    },
    "describe.recall": {
        "en": "Recall of the {n} classes under both rules, mean {mean_a:.3f} with argmax and "
        "{mean_m:.3f} with the least expected cost; {name} moved most, from {a:.3f} to {m:.3f}.",
        "zh": "两种规则下 {n} 个类别的召回率，argmax 平均 {mean_a:.3f}，最小期望代价平均 {mean_m:.3f}；"
        "变化最大的是{name}，从 {a:.3f} 到 {m:.3f}。",
    },
    "describe.reject": {
        "en": "Accuracy against coverage at {n} thresholds: answering {cov_hi} gives accuracy "
        "{acc_hi:.3f}, answering only {cov_lo} gives {acc_lo:.3f}; {at}.",
        "zh": "{n} 个阈值下精度与覆盖率的关系：回答 {cov_hi} 时精度为 {acc_hi:.3f}，"
        "只回答 {cov_lo} 时精度为 {acc_lo:.3f}；{at}。",
    },
    "describe.reject.at": {
        "en": "at your threshold {th:.2f}, {cov} answered with accuracy {acc:.3f}",
        "zh": "在你选的阈值 {th:.2f} 下，回答 {cov}，精度 {acc:.3f}",
    },
    "describe.reject.none": {
        "en": "at your threshold {th:.2f} no image is answered",
        "zh": "在你选的阈值 {th:.2f} 下没有回答任何图片",
    },
    "describe.reliability": {
        "en": "Reliability diagram, {used} of {bins} confidence bins hold images; the largest "
        "gap is in ({lo:.2f}, {hi:.2f}]: mean confidence {conf:.3f}, accuracy {acc:.3f}, "
        "{count:,} images.",
        "zh": "可靠性图，{bins} 个置信度区间中有 {used} 个含有图片；差距最大的是 ({lo:.2f}, {hi:.2f}]："
        "平均置信度 {conf:.3f}，精度 {acc:.3f}，共 {count:,} 张图片。",
    },
    "describe.exp": {
        "en": "log10 of exp(x) against x on log axes; exp overflows to inf at x = {limits}; "
        "your x is {x:g}.",
        "zh": "exp(x) 的 log10 随 x 变化（对数坐标）；exp 上溢为 inf 的位置：{limits}；你的 x 是 {x:g}。",
    },
    "describe.softmax": {
        "en": "Naive and stable softmax of {n} logits: the naive one is NaN for {nans}; "
        "the stable one gives the largest probability, {p:.4f}, to entry {top} (logit {o:g}).",
        "zh": "{n} 个 logit 的朴素版与稳定版 softmax：朴素版有 {nans} 个 NaN；"
        "稳定版把最大的概率 {p:.4f} 给了第 {top} 项（logit {o:g}）。",
    },
    "describe.gap.loss": {
        "en": "Cross-entropy loss against the gap from 0 to {max:g}: {ways}.",
        "zh": "交叉熵损失随差距从 0 到 {max:g} 的变化：{ways}。",
    },
    "describe.gap.grad": {
        "en": "The gradient d loss / d o_y against the gap from 0 to {max:g}: {ways}.",
        "zh": "损失对 o_y 的梯度 d loss / d o_y 随差距从 0 到 {max:g} 的变化：{ways}。",
    },
    "describe.gap.breaks": {
        "en": "{way} breaks at gap {gap:.1f}",
        "zh": "{way}在差距 {gap:.1f} 处失效",
    },
    "describe.gap.holds": {"en": "{way} stays finite", "zh": "{way}一直有限"},
    "describe.costs": {
        "en": "Time and memory of {n} methods against the number of classes K, log axes; "
        "at the largest K measured, {k:,}: {methods}.",
        "zh": "{n} 种方法的时间和内存随类别数 K 的变化（对数坐标）；在测得的最大 K = {k:,} 时：{methods}。",
    },
    "describe.costs.method": {
        "en": "{method} {ms:,.2f} ms and {mb:,.1f} MB",
        "zh": "{method} {ms:,.2f} 毫秒、{mb:,.1f} MB",
    },
    "describe.costs.empty": {
        "en": "Time and memory of {n} methods against K: nothing measured yet.",
        "zh": "{n} 种方法的时间和内存随 K 的变化：还没有测量结果。",
    },
    "describe.board": {
        "en": "Test accuracy against learning rate for {n} runs of {students} students; the best "
        "is {acc:.4f} at lr {lr} ({student}); runs that broke down: {broken}.",
        "zh": "{students} 位学生的 {n} 条训练记录的测试精度与学习率的关系；最好的是 {acc:"
        ".4f}，学习率 {lr}（{student}）；{broken} 条训练记录数值崩溃。",
    },
    "describe.board.one": {
        "en": "Test accuracy against learning rate for 1 run of 1 student: {acc:.4f} at lr {lr} "
        "({student}).",
        "zh": "1 位学生的 1 条训练记录的测试精度与学习率的关系：学习率 {lr} 时为 {acc:.4f}（{student}）。",
    },
    "describe.board.none.one": {
        "en": "1 run on the board; it broke down and has no test accuracy.",
        "zh": "看板上有 1 条训练记录，它出现了数值崩溃，没有测试精度。",
    },
    "describe.board.none": {
        "en": "{n} runs on the board, {broken} of them broke down; none has a test accuracy.",
        "zh": "看板上有 {n} 条训练记录，其中 {broken} 条数值崩溃；没有一条有测试精度。",
    },
    "describe.table": {
        "en": "Data of the chart: {title} ({rows} rows)",
        "zh": "图表的数据：{title}（{rows} 行）",
    },
    "a11y.data": {"en": "The chart's data as a table", "zh": "以表格查看图表数据"},
    "a11y.progress": {
        "en": "Epoch {epoch} of {total}: test accuracy {acc:.2f}",
        "zh": "第 {epoch} 个迭代周期（共 {total} 个）：测试精度 {acc:.2f}",
    },
}
