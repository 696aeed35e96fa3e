"""Strings of the Train page."""
STRINGS = {
    "train.title": {"en": "Train softmax regression", "zh": "训练 softmax 回归"},
    "train.intro": {
        "en": "The chapter's model: flatten each 28×28 image to 784 pixels, multiply by **W** (784×10), "
              "add **b**, and turn the 10 scores into probabilities with softmax. Minibatch SGD "
              "lowers the cross-entropy loss. Choose the settings, press **Train** and watch the "
              "three curves grow, one point per epoch.",
        "zh": "本章的模型：把每张 28×28 的图像展平成 784 个像素，乘以 **W**（784×10），加上 **b**，"
              "再用 softmax 把 10 个分数变成概率。小批量随机梯度下降会降低交叉熵损失。"
              "选择参数，按下 **训练**，看三条曲线随每个迭代周期增长。"},
    "train.lr": {"en": "Learning rate (lr)", "zh": "学习率 (lr)"},
    "train.lr_help": {"en": "Step size of each SGD update. The book uses 0.1; try 1 with the book's softmax.",
                      "zh": "每次 SGD 更新的步长。书中用 0.1；试试用书中的 softmax 配合 1。"},
    "train.epochs": {"en": "Epochs (num_epochs)", "zh": "迭代周期数 (num_epochs)"},
    "train.batch": {"en": "Batch size (batch_size)", "zh": "批量大小 (batch_size)"},
    "train.seed": {"en": "Random seed", "zh": "随机种子"},
    "train.seed_help": {"en": "Same seed, same settings: the same curve.",
                        "zh": "相同的种子和参数会得到相同的曲线。"},
    "train.softmax": {"en": "Softmax and cross-entropy", "zh": "softmax 与交叉熵"},
    "train.button": {"en": "Train", "zh": "训练"},
    "train.stop": {"en": "Stop", "zh": "停止"},
    "train.queue": {"en": "The server is busy: you are number {ahead} in the queue. Training starts by itself.",
                    "zh": "服务器正忙：你在队列中排第 {ahead} 位。轮到你时训练会自动开始。"},
    "train.progress": {"en": "Epoch {epoch} of {total}: test accuracy {acc:.3f}",
                       "zh": "第 {epoch} / {total} 个迭代周期：测试精度 {acc:.3f}"},
    "train.done": {"en": "Run #{number}: test accuracy {acc:.4f} after {epochs} epochs in {seconds:.2f} s.",
                   "zh": "训练记录 #{number}：{epochs} 个迭代周期后测试精度 {acc:.4f}，用时 {seconds:.2f} 秒。"},
    "train.stopped": {"en": "Run #{number} was stopped after {epochs} epochs; everything trained so far is kept.",
                      "zh": "训练记录 #{number} 在第 {epochs} 个迭代周期后停止；已训练的结果都保留了。"},
    "train.diverged": {
        "en": "**Run #{number} diverged in epoch {epoch}: the loss became NaN.** With the book's softmax, "
              "a large learning rate pushes some logits so high that `exp` overflows to inf (inf / inf = NaN), "
              "or a true class's probability underflows to 0 and −log(0) = inf. From then on every weight is NaN "
              "and accuracy falls to chance (0.10). Try the stable softmax, or a smaller learning rate.",
        "zh": "**训练记录 #{number} 在第 {epoch} 个迭代周期发散：损失变成了 NaN。** 使用书中的 softmax 时，"
              "过大的学习率会把某些 logit 推得很大，`exp` 上溢为 inf（inf / inf = NaN），"
              "或者真实类别的概率下溢为 0，而 −log(0) = inf。此后所有权重都是 NaN，精度降到随机猜测的 0.10。"
              "试试稳定版 softmax，或更小的学习率。"},
    "train.diverged_link": {"en": "Why? See softmax & overflow", "zh": "为什么？看 softmax 与上溢"},
    "train.fixed": {"en": "The link asked for {name} = `{given}`, which is not allowed here; using {used}.",
                    "zh": "链接中的 {name} = `{given}` 不可用；已改为 {used}。"},
    "train.no_runs": {"en": "No runs yet. Press **Train** to start the first one.",
                      "zh": "还没有训练记录。按 **训练** 开始第一次训练。"},
    "train.runs": {"en": "Your runs", "zh": "你的训练记录"},
    "train.compare": {"en": "Overlay runs to compare", "zh": "叠加比较的训练记录"},
    "train.csv": {"en": "Download metrics (CSV)", "zh": "下载指标（CSV）"},
    "train.share": {"en": "Share these settings: copy this page's address; it holds them.",
                    "zh": "分享这些设置：复制本页地址即可，地址里包含了它们。"},
    "train.col.run": {"en": "run", "zh": "记录"},
    "train.col.lr": {"en": "lr", "zh": "学习率"},
    "train.col.epochs": {"en": "epochs", "zh": "迭代周期数"},
    "train.col.batch_size": {"en": "batch size", "zh": "批量大小"},
    "train.col.seed": {"en": "seed", "zh": "种子"},
    "train.col.softmax": {"en": "softmax", "zh": "softmax"},
    "train.col.epochs_run": {"en": "epochs run", "zh": "已完成周期"},
    "train.col.train_loss": {"en": "train loss", "zh": "训练损失"},
    "train.col.train_acc": {"en": "train acc", "zh": "训练精度"},
    "train.col.test_acc": {"en": "test acc", "zh": "测试精度"},
    "train.col.seconds": {"en": "seconds", "zh": "秒"},
    "train.col.status": {"en": "status", "zh": "状态"},
}
