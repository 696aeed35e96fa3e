"""Strings of the Train page."""

STRINGS = {
    "train.title": {"en": "Train softmax regression", "zh": "训练 softmax回归"},
    "train.intro": {
        "en": "The chapter's model: flatten each 28×28 image to 784 pixels, multiply by **W** (784×10), "
        "add **b**, and turn the 10 scores into probabilities with softmax. Minibatch SGD "
        "lowers the cross-entropy loss. Choose the settings, press **Train** and watch the "
        "three curves grow, one point per epoch (point 0 is the random start).",
        "zh": "本章的模型：把每张 28×28 的图像展平成 784 个像素，乘以 **W**（784×10），加上 **b**，"
        "再用 softmax 把 10 个分数变成概率。小批量随机梯度下降会降低交叉熵损失。"
        "选择参数，按下 **训练**，看三条曲线随迭代周期逐点延伸（第 0 个点是训练前的随机权重）。",
    },
    "config.lr": {"en": "Learning rate (lr)", "zh": "学习率 (lr)"},
    "config.lr.help": {
        "en": "Step size of each SGD update. The book uses 0.1; try 1 with the book's softmax.",
        "zh": "每次 SGD 更新的步长。书中用 0.1；试试把学习率设为 1，并使用书中的 softmax。",
    },
    "config.num_epochs": {"en": "Epochs (num_epochs)", "zh": "迭代周期数 (num_epochs)"},
    "config.num_epochs.help": {
        "en": "Passes over the 60,000 training images. The book uses 10.",
        "zh": "遍历 60,000 张训练图像的次数。书中用 10。",
    },
    "config.batch_size": {"en": "Batch size (batch_size)", "zh": "批量大小 (batch_size)"},
    "config.batch_size.help": {
        "en": "Images per minibatch. The book uses 256.",
        "zh": "每个小批量的图像数。书中用 256。",
    },
    "config.seed": {"en": "Random seed", "zh": "随机种子"},
    "config.seed.help": {
        "en": "Same seed, same settings: the same curve.",
        "zh": "相同的种子和参数会得到相同的曲线。",
    },
    "config.softmax": {"en": "Softmax and cross-entropy", "zh": "softmax 与交叉熵"},
    "config.softmax.help": {
        "en": "The book's naive formulas, the stable ones (subtract the largest logit; "
        "the loss straight from the logits with log-sum-exp), or the common patch "
        "log(max(p, ε)): no NaN, but an image whose true class gets p < ε costs only −log ε "
        "and gives no gradient.",
        "zh": "书中的朴素公式、稳定版（先减去最大的 logit；用 LogSumExp技巧直接从 logit 计算损失），"
        "或常见的补丁 log(max(p, ε))：不会出现 NaN，但真实类别概率 p < ε 的图像只计 −log ε 的损失，"
        "而且梯度为 0。",
    },
    "config.framework": {"en": "Framework", "zh": "框架"},
    "config.framework.help": {
        "en": "From scratch in PyTorch (this chapter), PyTorch's built-in layers (the next "
        "section), or the chapter's MindSpore version.",
        "zh": "用 PyTorch 从零开始实现（本章）、PyTorch 的内置层（下一节的简洁实现），"
        "或本章的 MindSpore 版本。",
    },
    "framework.scratch": {"en": "PyTorch from scratch", "zh": "PyTorch 从零实现"},
    "framework.concise": {"en": "PyTorch concise (torch.nn)", "zh": "PyTorch 简洁实现（torch.nn）"},
    "framework.mindspore": {"en": "MindSpore from scratch", "zh": "MindSpore 从零实现"},
    "train.framework_missing": {
        "en": "Not installed on this server: {names} (`pip install -r requirements-mindspore.txt`).",
        "zh": "本服务器未安装：{names}（`pip install -r requirements-mindspore.txt`）。",
    },
    "train.button": {"en": "Train", "zh": "训练"},
    "train.stop": {"en": "Stop", "zh": "停止"},
    "train.queue": {
        "en": "The server is busy: you are number {ahead} in the queue. Training starts by itself.",
        "zh": "服务器正忙：你在队列中排第 {ahead} 位。轮到你时训练会自动开始。",
    },
    "train.engine_wait": {
        "en": "Waiting for your turn: {ahead} ahead of you. Training starts by itself.",
        "zh": "等待轮到你：前面还有 {ahead} 组。轮到你时训练会自动开始。",
    },
    "train.together_soon": {
        "en": "You will train together with {n} classmates' runs.",
        "zh": "你这条训练记录将与同学的 {n} 条训练记录一起训练。",
    },
    "train.together_soon.one": {
        "en": "You will train together with one classmate's run.",
        "zh": "你这条训练记录将与一位同学的训练记录一起训练。",
    },
    "train.together": {
        "en": "Training together with {n} classmates' runs: the server stacks runs with the same "
        "seed and batch size into one model (one bigger matmul), each with its own lr and softmax.",
        "zh": "正与同学的 {n} 条训练记录一起训练：服务器把随机种子和批量大小相同的训练记录叠成一个模型（一"
        "次更大的矩阵乘法），每条训练记录仍用自己的学习率和 softmax。",
    },
    "train.together.one": {
        "en": "Training together with one classmate's run: the server stacks runs with the same "
        "seed and batch size into one model (one bigger matmul), each with its own lr and softmax.",
        "zh": "正与一位同学的训练记录一起训练：服务器把随机种子和批量大小相同的训练记录叠成一个模型（一次更大的"
        "矩阵乘法），每条训练记录仍用自己的学习率和 softmax。",
    },
    "train.engine_ended": {
        "en": "The server ended this run early (it is shutting down or hit an error); "
        "the epochs trained so far are kept.",
        "zh": "服务器提前结束了这条训练记录的训练（正在关闭或出错）；已训练的迭代周期都已保留。",
    },
    "train.queue_full": {
        "en": "The server is full: too many trainings are waiting. Try again in a minute.",
        "zh": "服务器已满：排队等待的训练太多了。请一分钟后再试。",
    },
    "train.queue_elsewhere": {
        "en": "You are already training (or waiting) in another tab. One training at a time: "
        "wait for it to finish, or stop it there.",
        "zh": "你已经在另一个标签页中训练（或排队）。同一时间只能训练一个模型：请等它结束，或在那里停止它。",
    },
    "train.too_long": {
        "en": "This run would take {steps:,} minibatch steps; this server allows at most {max_steps:,} "
        "per run. Choose fewer epochs or a larger batch size.",
        "zh": "这条训练记录需要 {steps:,} 个小批量步骤；本服务器每条训练记录最多允许 {max_st"
        "eps:,} 步。请减少迭代周期数或增大批量大小。",
    },
    "train.progress": {
        "en": "Epoch {epoch} of {total}: test accuracy {acc:.3f}",
        "zh": "第 {epoch} / {total} 个迭代周期：测试精度 {acc:.3f}",
    },
    "train.done.one": {
        "en": "Run #{number}: test accuracy {acc:.4f} after 1 epoch in {seconds:.2f} s.",
        "zh": "训练记录 #{number}：1 个迭代周期后测试精度 {acc:.4f}，用时 {seconds:.2f} 秒。",
    },
    "train.done": {
        "en": "Run #{number}: test accuracy {acc:.4f} after {epochs} epochs in {seconds:.2f} s.",
        "zh": "训练记录 #{number}：{epochs} 个迭代周期后测试精度 {acc:.4f}，"
        "用时 {seconds:.2f} 秒。",
    },
    "train.stopped.one": {
        "en": "Run #{number} was stopped after 1 epoch; everything trained so far is kept.",
        "zh": "训练记录 #{number} 在第 1 个迭代周期后停止；已训练的结果都保留了。",
    },
    "train.stopped": {
        "en": "Run #{number} was stopped after {epochs} epochs; everything trained so far is kept.",
        "zh": "训练记录 #{number} 在第 {epochs} 个迭代周期后停止；已训练的结果都保留了。",
    },
    "train.breakdown": {
        "en": "**Run #{number} broke down numerically in epoch {epoch}, minibatch {batch}: the loss "
        "became inf or NaN.** {cause} From then on the weights are inf or NaN, so every row of "
        "logits is NaN, and the argmax of a NaN row is class {nan_class}: every image is "
        "predicted as “{class_name}”. Accuracy is then that class's share of the test set, "
        "{share:.4f}, and only because the test set holds exactly {per_class:,} images of each "
        "class ({total:,} in all); it is not a model guessing at random. This is not the optimisation diverging: with the stable softmax the same "
        "learning rate gives no inf or NaN. At a large learning rate that run still trains "
        "poorly, though: W grows in proportion to the learning rate and the predictions "
        "saturate to 0 or 1 (the chart under the curves shows ‖W‖). Try it, and a smaller "
        "learning rate.",
        "zh": "**训练记录 #{number} 在第 {epoch} 个迭代周期的第 {batch} 个小批量"
        "出现数值崩溃：损失变成了 inf 或 NaN。** {cause} 此后权重都是 inf 或 N"
        "aN，每一行 logit 都是 NaN，而对全是 NaN 的一行取 argmax 得到类别 {n"
        "an_class}：每张图像都被预测为“{class_name}”。于是精度就是该类别在测试集中"
        "所占的比例 {share:.4f}，这只是因为测试集中每个类别恰好有 {per_class:,}"
        " 张图像（共 {total:,} 张）；这并不是模型在随机猜测。这不是优化过程发散："
        "同样的学习率下，稳定版 softmax 不会出现 inf 或 NaN。不过学习率很大时，"
        "那条训练记录仍然训练得不好：W 随学习率成比例地增大，预测的概率饱和到 0 或 1"
        "（曲线下方的图显示 ‖W‖）。试试稳定版，再试试更小的学习率。",
    },
    "breakdown.exp_overflow": {
        "en": "What broke first: `exp` overflowed. The largest logit in that minibatch was {max_logit:.1f}, "
        "above about {high:.2f} (ln of the largest float32 number, plus half a step), so exp "
        "gave inf, and inf / inf = NaN.",
        "zh": "最先出问题的是 `exp` 上溢：该小批量中最大的 logit 是 {max_logit:.1f}，超过了约 "
        "{high:.2f}（float32 最大值的自然对数，再加半个舍入步长），exp 得到 inf，而 inf / inf = NaN。",
    },
    "breakdown.log_zero": {
        "en": "What broke first: log of a zero probability. Nothing overflowed (the largest logit was only "
        "{max_logit:.1f}), but a true class's probability was about {min_p_true:.2g}. float32 rounds "
        "a result to 0 once its true value is below half the smallest positive (subnormal) "
        "float32 number, {tiny:.1e}; exp(x) does so for x below about {low:.2f}. So softmax "
        "gave that probability as exactly 0, and −log(0) = inf.",
        "zh": "最先出问题的是对概率 0 取对数：没有任何数上溢（最大的 logit 只有 {max_logit:.1f}），"
        "但某个真实类别的概率约为 {min_p_true:.2g}。当真实结果小于 float32 最小正数（次正规数）的一半 "
        "{tiny:.1e} 时，float32 会把它舍入为 0；exp(x) 在 x 小于约 {low:.2f} 时就是这样。"
        "所以 softmax 给出的这个概率恰好是 0，而 −log(0) = inf。",
    },
    "breakdown.grad_overflow": {
        "en": "What broke first: the gradient. The loss was still finite, but a true class's probability "
        "was about {min_p_true:.2g}, so the gradient of −log p, which is −1/p, overflowed to inf "
        "and the SGD step put inf and NaN into W (largest logit {max_logit:.1f}).",
        "zh": "最先出问题的是梯度：损失仍是有限值，但某个真实类别的概率约为 {min_p_true:.2g}，"
        "−log p 的梯度 −1/p 上溢为 inf，SGD 更新把 inf 和 NaN 写进了 W（最大的 logit 为 {max_logit:.1f}）。",
    },
    "breakdown.log_zero_wrong_class": {
        "en": "What broke first: the gradient, through a wrong class. This run used torch.nn's naive loss, "
        "which takes log of the whole softmax matrix. A wrong class's probability underflowed to 0 in "
        "float32, so its log was −inf. The loss was still finite, because it picks only the true "
        "class's log (its smallest probability was about {min_p_true:.2g}), but in the backward pass "
        "the gradient of log at 0 is inf, and 0 · inf = NaN; the SGD step put NaN into W "
        "(largest logit {max_logit:.1f}).",
        "zh": "最先出问题的是梯度，而且来自一个错误类别。这条训练记录用的是 torch.nn 的朴素损失，"
        "它对整个 softmax 矩阵取对数。某个错误类别的概率在 float32 中下溢为 0，"
        "它的对数是 −inf。损失仍是有限值，因为它只取真实类别的对数（真实类别的最小概率约为 {min"
        "_p_true:.2g}），但反向传播时 log 在 0 处的梯度是 inf，而 0 · inf"
        " = NaN，SGD 更新把 NaN 写进了 W（最大的 logit 为 {max_logit:"
        ".1f}）。",
    },
    "breakdown.logits_overflow": {
        "en": "What broke first: the logits themselves (largest {max_logit:.3g}): the weights had grown "
        "too large to compute X @ W + b in float32.",
        "zh": "最先出问题的是 logit 本身（最大为 {max_logit:.3g}）：权重已经大到无法用 float32 计算 X @ W + b。",
    },
    "breakdown.loss_overflow": {
        "en": "What broke first: the stable loss itself (largest logit {max_logit:.3g}): the weights had "
        "grown beyond what float32 can hold.",
        "zh": "最先出问题的是稳定版损失本身（最大的 logit 为 {max_logit:.3g}）：权重已超出 float32 的范围。",
    },
    "breakdown.unknown": {
        "en": "Replaying the epoch did not reproduce the first bad step (largest logit {max_logit:.3g}, "
        "smallest true-class probability {min_p_true:.2g}).",
        "zh": "重放这个迭代周期没有复现第一个出错的步骤（最大的 logit 为 {max_logit:.3g}，"
        "真实类别的最小概率为 {min_p_true:.2g}）。",
    },
    "train.breakdown_link.overflow": {
        "en": "Why? See softmax & overflow",
        "zh": "为什么？看 softmax 与上溢",
    },
    "train.breakdown_link.cross_entropy": {
        "en": "Why? See cross-entropy & log(0)",
        "zh": "为什么？看交叉熵与 log(0)",
    },
    "train.diverged": {
        "en": "Run #{number} diverged: it finished, but its training loss ended at {end:.3f}, higher than "
        "the {start:.3f} of the random start. The learning rate is too large for this problem: "
        "each step overshoots.",
        "zh": "训练记录 #{number} 发散了：训练虽然完成，但最终训练损失 {end:.3f} 高于随机"
        "初始化时的 {start:.3f}。学习率对这个问题来说太大了：每一步都走过了头。",
    },
    "train.saturated": {
        "en": "Run #{number} did not diverge: its training loss fell from {first:.3f} in epoch 1 "
        "to {end:.3f} in epoch {epochs}, yet it stayed above the {start:.3f} of the random start.",
        "zh": "训练记录 #{number} 并没有发散：训练损失从第 1 个迭代周期的 {first:.3f} 降到第 {epochs} "
        "个迭代周期的 {end:.3f}，只是仍高于随机初始化时的 {start:.3f}。",
    },
    "train.saturated.weights": {
        "en": "The first steps at learning rate {lr:g} made W large: ‖W‖ = {w_norm:.1f} at the "
        "end, {per_lr:.1f} × the learning rate, and the logits of the last epoch reached "
        "{max_logit:.0f}. With scores that far apart, softmax gives almost all the probability "
        "to one class: the model is sure of nearly every image, and the loss comes from the "
        "few it gets confidently wrong, each costing about the gap between two logits.",
        "zh": "学习率为 {lr:g} 时，最初几步就把 W 变得很大：最后 ‖W‖ = {w_norm:.1f}，是学习率的 "
        "{per_lr:.1f} 倍；最后一个迭代周期的 logit 达到 {max_logit:.0f}。分数相差这么大，softmax "
        "几乎把全部概率都给了一个类别：模型对几乎每张图像都非常确定，损失来自少数几张它自信地预测错的图像，"
        "每张的损失约等于两个 logit 之差。",
    },
    "train.sentence_sep": {"en": " ", "zh": ""},  # between sentences joined into one text
    "train.saturated.accuracy": {
        "en": "Test accuracy moved between {acc_low:.3f} and {acc_high:.3f} from epoch to epoch "
        "instead of settling. A smaller learning rate trains better.",
        "zh": "测试精度在各迭代周期之间在 {acc_low:.3f} 和 {acc_high:.3f} 之间摆动，没有稳定下来。"
        "更小的学习率训练得更好。",
    },
    "train.fixed": {
        "en": "The link asked for {n} setting(s) that are not allowed here; they were replaced:",
        "zh": "链接中有 {n} 个设置在这里不可用，已替换为：",
    },
    "train.fixed.name": {"en": "setting", "zh": "设置"},
    "train.fixed.given": {"en": "in the link", "zh": "链接中的值"},
    "train.fixed.used": {"en": "used instead", "zh": "改用"},
    "train.code_note.scratch": {
        "en": "How this differs from the book's listing, and why: the data are two whole tensors and a "
        "minibatch is an index slice of a shuffled permutation (no DataLoader: an epoch takes "
        "hundredths of a second, not seconds); the loss gets the logits and applies the book's "
        "softmax and cross-entropy to them (`loss_naive`), or the stable form; the sums stay "
        "tensors until the epoch ends instead of an Accumulator, and the page draws the curves "
        "instead of an Animator. Lines marked `speed:` only make it faster.",
        "zh": "与书中代码的不同之处及原因：数据是两个完整的张量，小批量是打乱后排列的一段索引"
        "（不用 DataLoader：一个迭代周期只需百分之几秒而不是几秒）；损失函数接收 logit，"
        "再对它应用书中的 softmax 和交叉熵（`loss_naive`），或用稳定版；求和结果在迭代周期结束前"
        "一直是张量，代替 Accumulator；曲线由页面绘制，代替 Animator。标有 `speed:` 的行只是为了更快。",
    },
    "train.code_note.stacked": {
        "en": "On this server your run was trained together with classmates' runs that share its "
        "seed and batch size: their W side by side, (784, 10·K), one matmul for every run's logits, "
        "then each run's own softmax, loss and lr on its own 10 columns (the last functions below). "
        "The formulas are the chapter's above, and the minibatches and the start are the same as "
        "alone, so the numbers match a run trained alone up to the last bits of a float: the bigger "
        "matmul adds its products in another order. At ordinary learning rates that stays below "
        "1e-6; at a large lr with the naive softmax such tiny differences can grow, a small lesson "
        "in floating point. Runs whose settings are all the same (only the number of epochs may "
        "differ) share one set of 10 columns: the same computation, done once for all of them.",
        "zh": "在本服务器上，你的训练记录与随机种子和批量大小相同的同学的训练记录一起训练：把各自的 W 并排放"
        "成 (784, 10·K)，一次矩阵乘法算出所有训练记录的 logit，再在各自的 10 列上用"
        "各自的 softmax、损失和学习率（见下面最后几个函数）。公式与上面本章的代码相同，"
        "小批量和初始值也与单独训练相同，所以结果与单独训练的训练记录只差浮点数的最后几位："
        "更大的矩阵乘法以另一种顺序相加。在常用的学习率下差别小于 1e-6；在大学习率下用朴素 soft"
        "max 时，这种微小差别会放大，这本身就是关于浮点数的一课。设置完全相同（只有迭代周期数可以"
        "不同）的训练记录共用同一组 10 列：同一份计算，只为它们做一次。",
    },
    "train.code_note.concise": {
        "en": "The next section's concise version: `nn.Flatten` and `nn.Linear(784, 10)`, "
        "`nn.CrossEntropyLoss` (which takes the logits) and `torch.optim.SGD`, on the same data "
        "tensors in the same minibatch order. With the book's (naive) choice it is `nn.Softmax`, "
        "then `torch.log`, then `nn.NLLLoss`: torch's softmax already subtracts the row maximum, "
        "so only log(0) or the gradient can break.",
        "zh": "下一节的简洁实现：`nn.Flatten` 和 `nn.Linear(784, 10)`、`nn.CrossEntropyLoss`"
        "（它接收 logit）和 `torch.optim.SGD`，使用同样的数据张量和同样的小批量顺序。"
        "选择书中的（朴素版）时是 `nn.Softmax`、`torch.log` 再接 `nn.NLLLoss`："
        "torch 的 softmax 已经减去了每行的最大值，所以只有 log(0) 或梯度会出问题。",
    },
    "train.code_note.mindspore": {
        "en": "The chapter's MindSpore version: a `Cell` holding W and b as `Parameter`s, the same "
        "softmax and cross-entropy written with MindSpore ops, gradients from "
        "`mindspore.value_and_grad`, and the book's SGD update.",
        "zh": "本章的 MindSpore 版本：一个以 `Parameter` 保存 W 和 b 的 `Cell`，用 MindSpore 算子写成的"
        "同样的 softmax 和交叉熵，由 `mindspore.value_and_grad` 求梯度，再用书中的 SGD 更新。",
    },
    "train.no_runs": {
        "en": "No runs yet. Press **Train** to start the first one.",
        "zh": "还没有训练记录。按 **训练**，得到你的第一条训练记录。",
    },
    "train.runs": {"en": "Your runs", "zh": "你的训练记录"},
    "train.compare": {"en": "Overlay runs to compare", "zh": "叠加比较的训练记录"},
    "train.delete.header": {"en": "Delete a run", "zh": "删除一条训练记录"},
    "train.delete.which": {"en": "Run to delete", "zh": "要删除的训练记录"},
    "train.delete.button": {"en": "Delete it (for good)", "zh": "删除（无法恢复）"},
    "train.csv": {"en": "Download metrics (CSV)", "zh": "下载指标（CSV）"},
    "train.share": {
        "en": "Share these settings: copy this page's address; it holds them.",
        "zh": "分享这些设置：复制本页地址即可，地址里包含了它们。",
    },
    "train.col.run": {"en": "run", "zh": "训练记录"},
    "train.col.lr": {"en": "lr", "zh": "学习率"},
    "train.col.num_epochs": {"en": "epochs", "zh": "迭代周期数"},
    "train.col.batch_size": {"en": "batch size", "zh": "批量大小"},
    "train.col.seed": {"en": "seed", "zh": "种子"},
    "train.col.softmax": {"en": "softmax", "zh": "softmax"},
    "train.col.framework": {"en": "framework", "zh": "框架"},
    "train.col.epochs_run": {"en": "epochs run", "zh": "已完成的迭代周期"},
    "train.col.train_loss": {"en": "train loss", "zh": "训练损失"},
    "train.col.train_acc": {"en": "train acc", "zh": "训练精度"},
    "train.col.test_acc": {"en": "test acc", "zh": "测试精度"},
    "train.col.seconds": {"en": "seconds", "zh": "秒"},
    "train.col.status": {"en": "status", "zh": "状态"},
    "chart.w_norm": {"en": "‖W‖ (Frobenius norm)", "zh": "‖W‖（Frobenius 范数）"},
    "chart.max_logit": {"en": "largest |logit| in the epoch", "zh": "本迭代周期最大的 |logit|"},
    "chart.log_value": {"en": "value (log scale)", "zh": "数值（对数刻度）"},
    "describe.growth": {
        "en": "How large the weights and scores grew, on a log scale: {parts}.",
        "zh": "权重和分数增长了多少（对数刻度）：{parts}。",
    },
    "describe.growth.part": {
        "en": "{name} {a:.4g} at epoch {e_a}, {b:.4g} at epoch {e_b} (largest {top:.4g})",
        "zh": "{name}在第 {e_a} 个迭代周期为 {a:.4g}，第 {e_b} 个为 {b:.4g}（最大 {top:.4g}）",
    },
    "describe.growth.empty": {
        "en": "No weight norm or logit size recorded for this run (it was stored before "
        "these figures were kept).",
        "zh": "这条训练记录没有记录权重范数和 logit 大小（它保存于开始记录这些数字之前）。",
    },
    "train.growth": {
        "en": "How large W and the logits grew",
        "zh": "W 和 logit 增长了多少",
    },
}
