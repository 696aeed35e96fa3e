"""Strings of the "One minibatch, step by step" page, and the lessons' navigation entries."""

STRINGS = {
    "nav.minibatch": {"en": "One minibatch, step by step", "zh": "拆解一个小批量"},
    "nav.section.learn": {"en": "Learn step by step", "zh": "逐步学习"},
    "minibatch.title": {"en": "One minibatch, step by step", "zh": "拆解一个小批量"},
    "minibatch.intro": {
        "en": "Every step of the chapter's training loop on one real minibatch of 256 images, with "
        "the shape and the values of each tensor: reshape, the linear layer, softmax, "
        "cross-entropy, `backward`, the gradient and one SGD step. **Next minibatch** keeps "
        "the updated weights and moves on to the next 256 images.",
        "zh": "本章的训练循环每次只处理一个小批量。这一页取一个真实的小批量（256 张图像），"
        "把循环里的每一步都摊开来看：展平（reshape）、线性层、softmax、交叉熵损失、"
        "`backward`、梯度，最后做一步小批量随机梯度下降（SGD），每一步都列出张量的形状和数值"
        "。点 **下一个小批量**，就带着更新后的权重，接着处理后面的 256 张图像。",
    },
    "minibatch.walk.header": {
        "en": "One real minibatch, through every step",
        "zh": "用一个真实的小批量走完每一步",
    },
    # controls
    "minibatch.source": {"en": "Start from", "zh": "权重从哪里开始"},
    "minibatch.source.init": {"en": "the book's random init", "zh": "书中的随机初始化"},
    "minibatch.source.run": {"en": "one of my trained runs", "zh": "我的一条训练记录"},
    "minibatch.seed": {"en": "Random seed", "zh": "随机种子"},
    "minibatch.seed_help": {
        "en": "Drives the initial W and the order of the minibatches, exactly as on the Train page: "
        "on the training images the first steps here are that page's first steps.",
        "zh": "决定初始的 W 和小批量的顺序，与训练页完全相同：在训练图像上，这里的前几步就是训练页的前几步。",
    },
    "minibatch.split": {"en": "Images", "zh": "图像"},
    "minibatch.split.test": {"en": "test set", "zh": "测试集"},
    "minibatch.split.train": {"en": "training set", "zh": "训练集"},
    "minibatch.lr": {"en": "Learning rate (lr)", "zh": "学习率 (lr)"},
    "minibatch.no_runs": {
        "en": "You have no trained run yet, so the weights start from the book's random init. "
        "Train one on the Train page to start from it.",
        "zh": "你还没有训练记录，所以权重从书中的随机初始化开始。先去训练页训练一次，就能从那条训练记录的权重开"
        "始。",
    },
    "minibatch.next": {"en": "Next minibatch", "zh": "下一个小批量"},
    "minibatch.reset": {"en": "Reset", "zh": "重新开始"},
    "minibatch.counter": {
        "en": "SGD steps taken from the start: **{steps}**. On screen: minibatch {number} of {per_epoch} "
        "of the {split} ({n} images), epoch {epoch}.",
        "zh": "从起点开始已走的 SGD 步数：**{steps}**。当前显示：{split}第 {epoch"
        "} 个迭代周期的第 {number} 个小批量（共 {per_epoch} 个；"
        "这个小批量有 {n} 张图像）。",
    },
    # the steps
    "minibatch.x.header": {"en": "1. The minibatch X", "zh": "1. 小批量 X"},
    "minibatch.x.text": {
        "en": "The book's data loader hands over `X` of shape {x_shape}: {n} images, 1 channel, 28×28 "
        "pixels in [0, 1], and the labels `y` of shape ({n},). The first eight:",
        "zh": "书中的数据迭代器交给我们形状为 {x_shape} 的 `X`：{n} 张图像、1 个通道、28×28 个取值在 [0, 1] "
        "的像素，以及形状为 ({n},) 的标签 `y`。前八张：",
    },
    "minibatch.table.header": {
        "en": "2. Every step, its shape and its values",
        "zh": "2. 每一步的形状和数值",
    },
    "minibatch.table.text": {
        "en": "`net` reshapes each image to a row of 784 pixels, multiplies by **W** (784, 10) and adds "
        "**b** (broadcast over the rows): one unnormalized score (logit) per class. Softmax "
        "turns each row into probabilities, the loss picks the true class's probability, "
        "and `backward` fills `W.grad`, which has the shape of **W**.",
        "zh": "`net` 把每张图像展平成一行 784 个像素，乘以 **W**（784, 10）"
        "，再加上 **b**（按行广播）：每个类别得到一个未规范化的预测（logit）。"
        "softmax 把每一行变成概率，损失函数取出真实类别的预测概率，`backward` 算出与 "
        "**W** 形状相同的 `W.grad`。",
    },
    "minibatch.col.step": {"en": "step", "zh": "步骤"},
    "minibatch.col.code": {"en": "code", "zh": "代码"},
    "minibatch.col.shape": {"en": "shape", "zh": "形状"},
    "minibatch.col.range": {"en": "smallest … largest", "zh": "最小值 … 最大值"},
    "minibatch.step.images": {"en": "the minibatch", "zh": "小批量"},
    "minibatch.step.reshape": {"en": "flatten each image", "zh": "展平每张图像"},
    "minibatch.step.weights": {"en": "the current weights", "zh": "当前的权重"},
    "minibatch.step.logits": {"en": "linear layer: logits", "zh": "线性层：logit"},
    "minibatch.step.softmax": {"en": "softmax", "zh": "softmax"},
    "minibatch.step.row_sums": {"en": "row sums", "zh": "行和"},
    "minibatch.step.pick": {"en": "true class's probability", "zh": "真实类别的预测概率"},
    "minibatch.step.loss": {"en": "cross-entropy loss", "zh": "交叉熵损失"},
    "minibatch.step.backward": {"en": "gradient of W", "zh": "W 的梯度"},
    "minibatch.step.b_grad": {"en": "gradient of b", "zh": "b 的梯度"},
    "minibatch.step.sgd": {"en": "W after one SGD step", "zh": "一步 SGD 之后的 W"},
    "minibatch.rows.header": {
        "en": "3. Softmax: every row sums to 1",
        "zh": "3. softmax：每一行的和为 1",
    },
    "minibatch.rows.text": {
        "en": "The first five rows of `y_hat = softmax(O)` (columns 0–9: the ten classes), their "
        "sums, the true label `y`, the probability `y_hat[range(n), y]` picks for it, and the loss `l = −log` of it.",
        "zh": "`y_hat = softmax(O)` 的前五行（第 0–9 列是十个类别）、它们的行和、真实标签 `y`、"
        "`y_hat[range(n), y]` 为它取出的预测概率，以及损失 `l`，即它的负对数。",
    },
    "minibatch.rows.sums": {
        "en": "All {n} row sums lie between {low:.7f} and {high:.7f}: 1, up to float32 rounding.",
        "zh": "全部 {n} 个行和都在 {low:.7f} 与 {high:.7f} 之间：在 float32 的舍入误差内等于 1。",
    },
    "minibatch.col.true": {"en": "true label", "zh": "真实标签"},
    "minibatch.col.sum": {"en": "row sum", "zh": "行和"},
    "minibatch.dldo.header": {
        "en": "4. The derivative: dl/do = softmax(o) − y",
        "zh": "4. 导数：dl/do = softmax(o) − y",
    },
    "minibatch.dldo.text": {
        "en": "For one image with logits `o` and true class `y`, the loss `l = −log softmax(o)[y]` has "
        "the derivative `softmax(o)_j − 1` for the true class `j = y` and `softmax(o)_j` for every "
        "other class: the predicted probabilities minus the one-hot label. The loss shown here "
        "is the mean over the {n} images, so each row is divided by {n}. The first five rows "
        "of `(softmax(O) − one_hot(y)) / n`: only the true class's entry is negative, and every "
        "row sums to 0.",
        "zh": "对一张 logit 为 `o`、真实类别为 `y` 的图像，损失 `l = −log softmax(o)[y]` 的导数在真实类别 "
        "`j = y` 处是 `softmax(o)_j − 1`，在其他类别处是 `softmax(o)_j`：预测概率减去独热编码的标签。"
        "这里的损失是 {n} 张图像的平均值，所以每一行都除以 {n}。下面是 "
        "`(softmax(O) − one_hot(y)) / n` 的前五行：只有真实类别那一项是负数，每一行的和为 0。",
    },
    "minibatch.dldo.check": {
        "en": "Checked against autograd: the book's softmax and cross-entropy, averaged over the "
        "minibatch, `.backward()` on the logits O ({n}, {q}). Largest absolute difference "
        "between the formula and O.grad over all {n} × {q} entries: {diff}.",
        "zh": "用自动微分核对：对书中的 softmax 和交叉熵损失在小批量上取平均，再对 logit O（{n}, {q}）调用 "
        "`.backward()`。公式与 O.grad 在全部 {n} × {q} 个元素上的最大绝对差：{diff}。",
    },
    "minibatch.grad.header": {
        "en": "5. l.sum().backward(): W.grad as ten maps",
        "zh": "5. l.sum().backward()：把 W.grad 画成十张图",
    },
    "minibatch.grad.text": {
        "en": "Each column of `W.grad` (784, 10) reshaped to 28×28. The SGD step subtracts "
        "lr × `W.grad` / batch_size, so weights go **down** where a map is red and **up** "
        "where it is blue: each class's template moves towards the images of that class in "
        "this minibatch and away from the others.",
        "zh": "把 `W.grad`（784, 10）的每一列重新排成 28×28。SGD 的一步减去 lr × `W.grad` / batch_size，"
        "所以红色处的权重**减小**，蓝色处的权重**增大**：每个类别的模板朝本小批量中该类别的图像靠近，"
        "远离其他类别的图像。",
    },
    "minibatch.chart.grad": {"en": "W.grad", "zh": "W.grad"},
    "minibatch.chart.class": {"en": "class", "zh": "类别"},
    "minibatch.sgd.header": {
        "en": "6. One SGD step: the same minibatch before and after",
        "zh": "6. 一步 SGD：同一个小批量在更新前后",
    },
    "minibatch.sgd.text": {
        "en": "`sgd([W, b], lr, batch_size)` with lr = {lr}: `W -= lr * W.grad / batch_size`, the same "
        "for **b**, then the gradients are set to zero. Then the same {n} images once more:",
        "zh": "`sgd([W, b], lr, batch_size)`，学习率 lr = {lr}：`W -= lr * W.grad / batch_size`，"
        "**b** 也一样，然后把梯度清零。再在同样的 {n} 张图像上计算一次：",
    },
    "minibatch.metric.loss": {"en": "Loss on this minibatch (mean)", "zh": "本小批量的平均损失"},
    "minibatch.metric.acc": {"en": "Accuracy on this minibatch", "zh": "本小批量的精度"},
    "minibatch.metric.before": {"en": "before: {value}", "zh": "更新前：{value}"},
    "minibatch.broken": {
        "en": "This step produced inf or NaN: the book's softmax and cross-entropy broke down at "
        "this learning rate. Press **Reset**, or lower the learning rate.",
        "zh": "这一步产生了 inf 或 NaN：在这个学习率下，书中的 softmax 和交叉熵损失出现了数值崩溃。"
        "请按 **重新开始**，或调小学习率。",
    },
    "minibatch.history.header": {"en": "The steps taken so far", "zh": "已经走过的步骤"},
    "minibatch.col.number": {"en": "step", "zh": "步"},
    "minibatch.col.batch": {"en": "minibatch", "zh": "小批量"},
    "minibatch.col.loss_before": {"en": "loss before", "zh": "更新前损失"},
    "minibatch.col.loss_after": {"en": "loss after", "zh": "更新后损失"},
    "minibatch.col.acc_before": {"en": "accuracy before", "zh": "更新前精度"},
    "minibatch.col.acc_after": {"en": "accuracy after", "zh": "更新后精度"},
    # the worked examples
    "minibatch.examples.header": {
        "en": "The chapter's small examples, computed live",
        "zh": "本章的小例子，实时计算",
    },
    "minibatch.examples.sum": {
        "en": "**Summing along an axis.** `keepdim=True` keeps the summed axis with length 1, so the "
        "result still broadcasts against `X`:",
        "zh": "**沿某个轴求和。** `keepdim=True` 保留被求和的轴（长度变为 1），所以结果仍能与 `X` 广播：",
    },
    "minibatch.examples.softmax": {
        "en": "**Softmax of a random matrix.** Every entry is positive and every row sums to 1:",
        "zh": "**对随机矩阵做 softmax。** 每个元素都是正数，每一行的和为 1：",
    },
    "minibatch.examples.cross_entropy": {
        "en": "**Two samples, three classes.** `y_hat[[0, 1], y]` picks the predicted probability of "
        "each sample's true class; the cross-entropy loss is −log of it. Only the second "
        "sample's most probable class is right, so the accuracy is 0.5:",
        "zh": "**两个样本，三个类别。** `y_hat[[0, 1], y]` 取出每个样本真实类别的预测概率；交叉熵损失"
        "就是它的负对数。只有第二个样本概率最大的类别是对的，所以精度为 0.5：",
    },
    "minibatch.examples.random": {
        "en": "**Random weights guess.** The book's initial W (seed {seed}) on the 10,000 test images:",
        "zh": "**随机权重只能靠猜。** 书中初始化的 W（种子 {seed}）在 10,000 张测试图像上：",
    },
    "minibatch.examples.random_metric": {
        "en": "Test accuracy before training",
        "zh": "训练前的测试精度",
    },
    "minibatch.examples.random_note": {
        "en": "About 1 in 10: with ten classes, a model that has learned nothing is right by chance.",
        "zh": "大约是十分之一：有十个类别时，什么都没学到的模型只能碰巧猜对。",
    },
    "minibatch.examples.no_data": {
        "en": "The random-weight accuracy needs the test images; the examples above do not.",
        "zh": "随机权重的精度需要测试图像；上面的例子不需要数据。",
    },
}
