"""Strings of the Per-class accuracy page and its charts."""

STRINGS = {
    "per_class.title": {"en": "Per-class accuracy", "zh": "各类别的分类精度"},
    "per_class.intro": {
        "en": "One number (test accuracy) hides a lot. Here the 10,000 test images are split by their "
        "true label: how often is each class predicted right, and which class is it taken for "
        "when it is wrong? The model is the chosen run's **W** and **b**; the prediction is the "
        "class with the highest softmax probability.",
        "zh": "一个数字（测试精度）会掩盖很多细节。这里把 10,000 张测试图像按真实标签分开："
        "每个类别有多少被预测对了？预测错时又被当成了哪个类别？模型用的是所选训练记录中的 **W** 和"
        " **b**，预测结果是 softmax 概率最大的类别。",
    },
    "per_class.overall": {
        "en": "Overall test accuracy: **{acc:.2%}** on {n:,} images.",
        "zh": "总体测试精度：**{acc:.2%}**（共 {n:,} 张图像）。",
    },
    "per_class.hardest": {
        "en": "Hardest class: **{name}** ({acc:.1%}); when it is wrong it is most often predicted as "
        "**{other}** ({count} images). Easiest: **{easy}** ({easy_acc:.1%}).",
        "zh": "最难的类别：**{name}**（{acc:.1%}）；预测错时最常被当成 **{other}**（{count} 张）。"
        "最容易的类别：**{easy}**（{easy_acc:.1%}）。",
    },
    "per_class.table": {"en": "The ten classes", "zh": "十个类别"},
    "per_class.table_help": {
        "en": "Sorted by accuracy, hardest first. Click a column header to sort by it.",
        "zh": "按精度排序，最难的在最前面。点击列标题可以按该列排序。",
    },
    "per_class.col.name": {"en": "class", "zh": "类别"},
    "per_class.col.also": {"en": "in Chinese", "zh": "英文名"},
    "per_class.col.accuracy": {"en": "accuracy", "zh": "精度"},
    "per_class.col.accuracy_help": {
        "en": "Share of this class's test images that are predicted as this class (recall).",
        "zh": "该类别的测试图像中被预测为该类别的比例（召回率）。",
    },
    "per_class.col.count": {"en": "test images", "zh": "测试图像数"},
    "per_class.col.confused_with": {"en": "most confused with", "zh": "最常被误认为"},
    "per_class.col.confused_count": {"en": "times", "zh": "次数"},
    "per_class.col.confused_help": {
        "en": "The wrong class this class is predicted as most often, and how many times.",
        "zh": "该类别最常被错误预测成的类别，以及次数。",
    },
    "per_class.bars": {"en": "Accuracy per class", "zh": "每个类别的精度"},
    "per_class.bars_help": {
        "en": "The dashed line is the overall test accuracy.",
        "zh": "虚线是总体测试精度。",
    },
    "per_class.matrix": {"en": "Confusion matrix", "zh": "混淆矩阵"},
    "per_class.matrix_help": {
        "en": "Row = true label, column = prediction. The diagonal holds the right answers; every "
        "other cell counts one kind of mistake. Look for the big off-diagonal cells: shirts, "
        "T-shirts, pullovers and coats look alike at 28×28.",
        "zh": "行是真实标签，列是预测结果。对角线上是预测正确的数量，其他每个格子统计一种错误。"
        "注意对角线之外的大数字：在 28×28 的分辨率下，衬衫、T恤、套衫和外套看起来很像。",
    },
    "per_class.chart.accuracy": {"en": "accuracy", "zh": "精度"},
    "per_class.chart.class": {"en": "class", "zh": "类别"},
    "per_class.chart.count": {"en": "images", "zh": "图像数"},
    "per_class.chart.overall": {"en": "overall accuracy", "zh": "总体精度"},
    "per_class.chart.true": {"en": "true label", "zh": "真实标签"},
    "per_class.chart.predicted": {"en": "predicted label", "zh": "预测标签"},
    "per_class.chart.share": {"en": "share of the true class", "zh": "占该真实类别的比例"},
}
