"""Strings of the shared frame: app title, navigation, sidebar, messages, charts."""

STRINGS = {
    "app.title": {"en": "Softmax Explorer", "zh": "Softmax 探索器"},
    "app.tagline": {
        "en": "Softmax regression from scratch, live on Fashion-MNIST",
        "zh": "softmax回归的从零开始实现，在 Fashion-MNIST 上实时训练",
    },
    "nav.train": {"en": "Train", "zh": "训练"},
    "nav.overflow": {"en": "Softmax & overflow", "zh": "softmax 与上溢"},
    "nav.cross_entropy": {"en": "Cross-entropy & log(0)", "zh": "交叉熵与 log(0)"},
    "nav.per_class": {"en": "Per-class accuracy", "zh": "各类别精度"},
    "nav.gallery": {"en": "Prediction gallery", "zh": "预测图库"},
    "nav.decisions": {"en": "Decisions", "zh": "决策"},
    "nav.many_classes": {"en": "Many classes", "zh": "大量类别"},
    "nav.your_image": {"en": "Your own image", "zh": "你自己的图片"},
    "nav.section.train": {"en": "Train the model", "zh": "训练模型"},
    "nav.section.math": {"en": "The math, exercises 1–3", "zh": "数学原理（练习 1–3）"},
    "nav.section.results": {"en": "What the model learned", "zh": "模型学到了什么"},
    "nav.section.exercises": {"en": "Exercises 4–5", "zh": "练习 4–5"},
    "sidebar.language": {"en": "Language / 语言", "zh": "语言 / Language"},
    "sidebar.device": {"en": "Device: **{device}**", "zh": "设备：**{device}**"},
    "device.cpu": {"en": "cpu · {n} threads", "zh": "CPU · {n} 个线程"},
    "device.cpu.one": {"en": "cpu · 1 thread", "zh": "CPU · 1 个线程"},
    "sidebar.load": {
        "en": "Trainings on this server: {running} running, {waiting} waiting",
        "zh": "本服务器上的训练：{running} 个进行中，{waiting} 个排队中",
    },
    "code.expander": {"en": "Show the code that produced this", "zh": "查看产生这个结果的代码"},
    "data.missing.title": {
        "en": "The Fashion-MNIST data set is not available on this server.",
        "zh": "本服务器上没有可用的 Fashion-MNIST 数据集。",
    },
    "data.missing.fix": {
        "en": "Fix: put the four files `train-images-idx3-ubyte`, `train-labels-idx1-ubyte`, "
        "`t10k-images-idx3-ubyte`, `t10k-labels-idx1-ubyte` into the folder below, or start the app "
        "with `FASHION_MNIST_ROOT` set to the folder that holds `FashionMNIST/raw/`. With internet "
        "access, `python -m lib.data fetch` downloads them. The math pages (softmax & overflow, "
        "cross-entropy) work without the data.",
        "zh": "解决方法：把四个文件 `train-images-idx3-ubyte`、`train-labels-idx1-ubyte`、"
        "`t10k-images-idx3-ubyte`、`t10k-labels-idx1-ubyte` 放进下面的文件夹，或者启动应用时把 "
        "`FASHION_MNIST_ROOT` 设为包含 `FashionMNIST/raw/` 的文件夹。能联网时，"
        "`python -m lib.data fetch` 会下载它们。数学页面（softmax 与上溢、交叉熵）不需要数据也能使用。",
    },
    "data.missing.hosted": {
        "en": "The data set is not installed on this server: tell your teacher. The math pages "
        "(softmax & overflow, cross-entropy) work without it.",
        "zh": "本服务器上没有安装数据集：请告诉你的老师。数学页面（softmax 与上溢、交叉熵）不需要它也能使用。",
    },
    "data.missing.detail": {"en": "Details", "zh": "详细信息"},
    "data.loading": {
        "en": "Loading Fashion-MNIST (once per server)…",
        "zh": "正在加载 Fashion-MNIST（每个服务器只加载一次）…",
    },
    "run.none": {
        "en": "No trained model yet: train one first (it takes a few seconds).",
        "zh": "还没有训练好的模型：请先训练一个（只需几秒钟）。",
    },
    "run.train_here": {
        "en": "Train a model here ({epochs} epochs, stable softmax)",
        "zh": "在这里训练一个模型（{epochs} 个迭代周期，稳定版 softmax）",
    },
    "run.picker": {"en": "Run", "zh": "选择一条训练记录"},
    "run.linked_missing": {
        "en": "The link opens this page on a run trained with {settings}, and you have none "
        "yet. Train it here, or pick another run below.",
        "zh": "这个链接要用以 {settings} 训练的模型打开本页，而你还没有这样的训练记录。"
        "可以在这里训练一个，或在下面选择另一条训练记录。",
    },
    "run.train_linked": {
        "en": "Train it here ({epochs} epochs)",
        "zh": "在这里训练（{epochs} 个迭代周期）",
    },
    "run.all_broken.one": {
        "en": "Your only run broke down (its weights are inf or NaN), so it cannot predict. "
        "Train one with the stable softmax or a smaller learning rate.",
        "zh": "你唯一的一条训练记录出现了数值崩溃（权重是 inf 或 NaN），无法预测。"
        "请用稳定版 softmax 或更小的学习率再训练一个。",
    },
    "run.all_broken": {
        "en": "All {n} of your runs broke down (their weights are inf or NaN), so none can "
        "predict. Train one with the stable softmax or a smaller learning rate.",
        "zh": "你的 {n} 条训练记录都出现了数值崩溃（权重是 inf 或 NaN），都无法预测。"
        "请用稳定版 softmax 或更小的学习率再训练一个。",
    },
    "run.unusable": {
        "en": "This run broke down: its weights are inf or NaN, so it predicts nothing useful. Pick "
        "another run or train again with the stable softmax or a smaller learning rate.",
        "zh": "这条训练记录出现了数值崩溃：权重是 inf 或 NaN，无法做出有用的预测。请选择另一条训练记录"
        "，或用稳定版 softmax、更小的学习率重新训练。",
    },
    "status.running": {"en": "running", "zh": "进行中"},
    "status.done": {"en": "done", "zh": "完成"},
    "status.stopped": {"en": "stopped", "zh": "已停止"},
    "status.breakdown": {"en": "broke down (inf/NaN)", "zh": "数值崩溃（inf/NaN）"},
    "status.diverged": {"en": "diverged (loss grew)", "zh": "发散（损失上升）"},
    "status.saturated": {
        "en": "saturated (loss fell, still above the start)",
        "zh": "饱和（损失在下降，但仍高于起点）",
    },
    "chart.epoch": {"en": "epoch", "zh": "迭代周期"},
    "chart.value": {"en": "value", "zh": "数值"},
    "chart.run": {"en": "run", "zh": "训练记录"},
    "chart.train_loss": {"en": "train loss", "zh": "训练损失"},
    "chart.train_acc": {"en": "train acc", "zh": "训练精度"},
    "chart.test_acc": {"en": "test acc", "zh": "测试精度"},
    "softmax.naive": {"en": "the book's (naive)", "zh": "书中的（朴素版）"},
    "softmax.stable": {"en": "stable (log-sum-exp)", "zh": "稳定版（LogSumExp）"},
    "softmax.clamp": {"en": "clamped: log(max(p, ε))", "zh": "截断版：log(max(p, ε))"},
    "softmax.short.naive": {"en": "naive", "zh": "朴素版"},  # the runs table's short words
    "softmax.short.stable": {"en": "stable", "zh": "稳定版"},
    "framework.short.scratch": {"en": "scratch", "zh": "从零实现"},
    "framework.short.concise": {"en": "concise", "zh": "简洁实现"},
    "framework.short.mindspore": {"en": "mindspore", "zh": "MindSpore"},
    "softmax.short.clamp": {"en": "clamped", "zh": "截断版"},
}
