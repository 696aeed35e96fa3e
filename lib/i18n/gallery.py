"""Strings of the Prediction gallery page and its charts (also used by Your own image)."""

STRINGS = {
    "gallery.title": {"en": "Prediction gallery", "zh": "预测图库"},
    "gallery.intro": {
        "en": "The chapter's last step: predict the labels of test images and compare them with the "
        "true ones. Each image shows its true label and the model's prediction; wrong ones are "
        "framed in red and marked :red[:material/cancel:]. Pick one to see all ten softmax probabilities.",
        "zh": "本章的最后一步：预测测试图像的标签，并与真实标签比较。每张图像都标出了真实标签和模型的预测；"
        "预测错的用红框和 :red[:material/cancel:] 标出。选一张图像，查看它的全部十个 softmax 概率。",
    },
    "gallery.wrong_only": {"en": "Misclassified only", "zh": "只看预测错误的"},
    "gallery.true_class": {"en": "True label", "zh": "真实标签"},
    "gallery.pred_class": {"en": "Predicted label", "zh": "预测标签"},
    "gallery.any": {"en": "any", "zh": "全部"},
    "gallery.shuffle": {"en": "Shuffle", "zh": "随机打乱"},
    "gallery.in_order": {"en": "In order", "zh": "按顺序"},
    "gallery.page": {"en": "Page (of {pages})", "zh": "页码（共 {pages} 页）"},
    "gallery.matches": {
        "en": "{n:,} test images match, {wrong:,} of them misclassified.",
        "zh": "有 {n:,} 张测试图像符合条件，其中 {wrong:,} 张预测错误。",
    },
    "gallery.empty": {
        "en": "No test image matches these filters. For example, when a class is never predicted as "
        "another one, “misclassified” with both labels set finds nothing. Loosen a filter.",
        "zh": "没有测试图像符合这些条件。例如某个类别从未被预测成另一个类别时，同时设置两个标签并只看"
        "预测错误的，就什么也找不到。请放宽一个筛选条件。",
    },
    "gallery.caption": {"en": "true: {true} / pred: {pred}", "zh": "真实：{true} / 预测：{pred}"},
    "gallery.caption_wrong": {
        "en": ":material/cancel: true: {true} / pred: {pred}",
        "zh": ":material/cancel: 真实：{true} / 预测：{pred}",
    },
    "gallery.chosen": {
        "en": "Look closer at an image from this page",
        "zh": "仔细看本页中的一张图像",
    },
    "gallery.option": {
        "en": "test image #{index}: {true} → {pred}",
        "zh": "测试图像 #{index}：{true} → {pred}",
    },
    "gallery.right": {
        "en": "Right: the most probable class, **{pred}** ({p:.1%}), is the true label.",
        "zh": "预测正确：概率最大的类别 **{pred}**（{p:.1%}）就是真实标签。",
    },
    "gallery.wrong": {
        "en": "Wrong: the model says **{pred}** ({p:.1%}), the label says **{true}**, which got "
        "{p_true:.1%}.",
        "zh": "预测错误：模型认为是 **{pred}**（{p:.1%}），标签是 **{true}**，它只得到 {p_true:.1%} 的概率。",
    },
    "gallery.templates": {"en": "What W learned: ten templates", "zh": "W 学到了什么：十个模板"},
    "gallery.templates_help": {
        "en": "Each column of **W** (784 weights) reshaped back to 28×28. The score of a class is the "
        "sum of pixel × weight, so the brighter an image's pixels are where the template is "
        "red (positive weights), the more they vote **for** the class; bright pixels where it "
        "is blue (negative weights) vote **against** it. You can see a trouser's two legs, the "
        "gap between them, a bag's handle: a linear model learns one blurry template per class.",
        "zh": "把 **W** 的每一列（784 个权重）重新排成 28×28。一个类别的得分是像素 × 权重之和："
        "落在红色区域（正权重）的像素越亮，越**支持**该类别；落在蓝色区域（负权重）的像素越亮，"
        "越**反对**该类别。你能看到裤子的两条腿和中间的空隙、包的提手：线性模型为每个类别学到"
        "一个模糊的模板。",
    },
    "gallery.chart.probability": {"en": "probability", "zh": "概率"},
    "gallery.chart.class": {"en": "class", "zh": "类别"},
    "gallery.chart.weight": {"en": "weight", "zh": "权重"},
    "gallery.chart.role.pred": {"en": "prediction", "zh": "预测"},
    "gallery.chart.role.true": {"en": "true label", "zh": "真实标签"},
    "gallery.chart.role.both": {"en": "prediction = true label", "zh": "预测 = 真实标签"},
    "gallery.chart.role.other": {"en": "other classes", "zh": "其他类别"},
}
