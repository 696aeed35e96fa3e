"""Strings of the guided lesson: the page, and each step's question, options and answer.

The steps themselves (page, settings, right option) are lib/lesson.py. Every
figure in an answer is checked against the app by tests/test_lesson.py.
"""

STRINGS = {
    "nav.lesson": {"en": "Guided lesson", "zh": "引导式课程"},
    "lesson.title": {
        "en": "Guided lesson: predict, run, check",
        "zh": "引导式课程：先预测，再动手，后核对",
    },
    "lesson.intro": {
        "en": "{n} steps through the chapter in its order, from softmax to exercise 5. For each "
        "one: read the question and **predict** the answer, **open** the page the link "
        "prepares (with the right settings) and find out, then **reveal** the answer. "
        "Your progress is kept for this browser (and moves with your personal link).",
        "zh": "这门课按本章的顺序分 {n} 步，从 softmax 一直讲到练习 5。每一步都别急着看答案："
        "先读问题，自己**预测**一下；再点链接**打开**对应的页面（参数已经替你设好）"
        "，亲手验证；最后**查看答案**，和自己的预测对一对。学习进度保存在这个浏览器里；"
        "用个人链接换到别的设备，也能接着学。",
    },
    "lesson.progress": {"en": "{done} of {total} steps done", "zh": "已完成 {done} / {total} 步"},
    "lesson.all_done": {
        "en": "All steps done: you went from softmax to exercise 5. Try other settings on the "
        "Train page, or start over.",
        "zh": "九步全部完成：从 softmax 到练习 5，你都亲手验证过了。可以去训练页换些参数再试试，"
        "或者从头再来一遍。",
    },
    "lesson.restart": {"en": "Start over", "zh": "重新开始"},
    "lesson.step": {"en": "Step {n}: {title}", "zh": "第 {n} 步：{title}"},
    "lesson.predict": {"en": "Your prediction", "zh": "你的预测"},
    "lesson.open": {"en": "Open {page} with these settings", "zh": "用这些参数打开「{page}」"},
    "lesson.go": {"en": "Open {page}", "zh": "打开「{page}」"},
    "lesson.step_done": {
        "en": "Step {n}: {title} :material/check_circle:",
        "zh": "第 {n} 步：{title} :material/check_circle:",
    },
    "lesson.reveal": {"en": "Reveal the answer", "zh": "查看答案"},
    "lesson.right": {"en": "Your prediction was right.", "zh": "你的预测是对的。"},
    "lesson.wrong": {
        "en": "Your prediction was: {predicted}. Not quite:",
        "zh": "你的预测是：{predicted}。不太对：",
    },
    "lesson.none": {
        "en": "You revealed the answer without predicting.",
        "zh": "你没有预测就查看了答案。",
    },
    "lesson.teacher": {"en": "For teachers: the links to hand out", "zh": "教师用：可分发的链接"},
    "lesson.teacher_intro": {
        "en": "Each link opens its page with the step's settings, in the language chosen here. "
        "Copy one into the class chat or onto a slide.",
        "zh": "每个链接都会用该步的参数、以这里选择的语言打开对应页面。可以复制到班级群或幻灯片里。",
    },
    # 1. keepdim (the softmax section)
    "lesson.keepdim.title": {"en": "Summing along an axis", "zh": "沿某个轴求和"},
    "lesson.keepdim.question": {
        "en": "The book's softmax divides each row by its sum. With `X = [[1, 2, 3], [4, 5, 6]]`, "
        "what does `X.sum(0, keepdim=True)` return?",
        "zh": "书中的 softmax 用每一行除以该行的和。对 `X = [[1, 2, 3], [4, 5, 6]]`，"
        "`X.sum(0, keepdim=True)` 返回什么？",
    },
    "lesson.keepdim.option.row": {
        "en": "[[5, 7, 9]], shape (1, 3)",
        "zh": "[[5, 7, 9]]，形状 (1, 3)",
    },
    "lesson.keepdim.option.column": {
        "en": "[[6], [15]], shape (2, 1)",
        "zh": "[[6], [15]]，形状 (2, 1)",
    },
    "lesson.keepdim.option.flat": {"en": "[5, 7, 9], shape (3,)", "zh": "[5, 7, 9]，形状 (3,)"},
    "lesson.keepdim.answer": {
        "en": "`[[5., 7., 9.]]`, shape (1, 3): axis 0 (down the rows) is summed and kept with "
        "length 1. Along axis 1 you get `[[6.], [15.]]`, shape (2, 1): one sum per row, "
        "which is what softmax needs. Without `keepdim` the summed axis disappears "
        "(`[5., 7., 9.]`, shape (3,)); keeping it lets `X_exp / partition` broadcast an "
        "(n, 1) column so that every row is divided by its own sum.",
        "zh": "`[[5., 7., 9.]]`，形状 (1, 3)：沿轴 0（跨行）求和，并把这个轴保留为长度 1。沿轴 1 求和得到 "
        "`[[6.], [15.]]`，形状 (2, 1)：每行一个和，这正是 softmax 需要的。没有 `keepdim` 时，"
        "被求和的轴会消失（`[5., 7., 9.]`，形状 (3,)）；保留它，`X_exp / partition` 才能广播一个 "
        "(n, 1) 的列，让每一行除以它自己的和。",
    },
    # 2. pick (the loss function section)
    "lesson.pick.title": {
        "en": "Picking the true class's probability",
        "zh": "取出真实类别的预测概率",
    },
    "lesson.pick.question": {
        "en": "Two samples with true labels `y = [0, 2]` and predicted probabilities "
        "`y_hat = [[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]]`. What does `y_hat[[0, 1], y]` pick for "
        "the second sample, and what is its cross-entropy loss?",
        "zh": "两个样本的真实标签是 `y = [0, 2]`，预测概率是 `y_hat = [[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]]`。"
        "`y_hat[[0, 1], y]` 为第二个样本取出的是什么？它的交叉熵损失是多少？",
    },
    "lesson.pick.option.p01": {"en": "0.1, loss 2.3026", "zh": "0.1，损失 2.3026"},
    "lesson.pick.option.p05": {"en": "0.5, loss 0.6931", "zh": "0.5，损失 0.6931"},
    "lesson.pick.option.p06": {"en": "0.6, loss 0.5108", "zh": "0.6，损失 0.5108"},
    "lesson.pick.answer": {
        "en": "0.5: row 1, column `y[1] = 2`. Its loss is −ln 0.5 = 0.6931. The first sample gets "
        "0.1 and a loss of 2.3026: the less probability the true class gets, the larger the "
        "loss. Only the second sample's most probable class is right, so the accuracy is 0.5.",
        "zh": "0.5：第 1 行、第 `y[1] = 2` 列。它的损失是 −ln 0.5 = 0.6931。第一个样本取出 0.1，损失为 "
        "2.3026：真实类别得到的概率越小，损失越大。只有第二个样本概率最大的类别是对的，所以精度为 0.5。",
    },
    # 3. random (the classification accuracy section)
    "lesson.random.title": {"en": "Accuracy before training", "zh": "训练前的精度"},
    "lesson.random.question": {
        "en": "Before training, **W** is drawn from N(0, 0.01²) and **b** = 0. What accuracy do "
        "these random weights get on the 10,000 test images?",
        "zh": "训练前，**W** 从 N(0, 0.01²) 中随机抽取，**b** = 0。这样的随机权重在 10,000 张测试图像上的"
        "精度是多少？",
    },
    "lesson.random.option.zero": {"en": "about 0", "zh": "约 0"},
    "lesson.random.option.tenth": {"en": "about 0.1", "zh": "约 0.1"},
    "lesson.random.option.half": {"en": "about 0.5", "zh": "约 0.5"},
    "lesson.random.answer": {
        "en": "About 0.1 (0.0907 with seed 0; the Train page's epoch-0 point is the same number). "
        "With ten classes, weights that know nothing pick the right class about one time in "
        "ten, and the loss is about ln 10 ≈ 2.30, because every class gets a probability "
        "near 0.1.",
        "zh": "约 0.1（种子为 0 时是 0.0907；训练页第 0 个迭代周期的点就是这个数）。有十个类别时，"
        "什么都不知道的权重大约十次猜对一次；损失约为 ln 10 ≈ 2.30，因为每个类别得到的概率都接近 0.1。",
    },
    # 4. train (the training section)
    "lesson.train.title": {"en": "Training with the book's settings", "zh": "用书中的参数训练"},
    "lesson.train.question": {
        "en": "Train with the book's settings: learning rate 0.1, 10 epochs, batch size 256, the "
        "book's softmax. What test accuracy does the model reach?",
        "zh": "用书中的参数训练：学习率 0.1、10 个迭代周期、批量大小 256、书中的 softmax。"
        "模型的测试精度能达到多少？",
    },
    "lesson.train.option.low": {"en": "about 0.3", "zh": "约 0.3"},
    "lesson.train.option.mid": {"en": "about 0.6", "zh": "约 0.6"},
    "lesson.train.option.high": {"en": "about 0.83", "zh": "约 0.83"},
    "lesson.train.option.perfect": {"en": "about 0.99", "zh": "约 0.99"},
    "lesson.train.answer": {
        "en": "About 0.83 (0.834 after 10 epochs with seed 0). Most of it comes in the first epoch "
        "(0.79), then the curves flatten. A linear model on raw pixels stops near 0.84: shirts, "
        "T-shirts, pullovers and coats look alike (see Per-class accuracy).",
        "zh": "约 0.83（种子为 0 时 10 个迭代周期后为 0.834）。大部分提升来自第一个迭代周期（0.79），"
        "之后曲线逐渐变平。直接作用在像素上的线性模型停在 0.84 左右：衬衫、T恤、套衫和外套看起来很像"
        "（见「各类别精度」）。",
    },
    # 5. exp50 (exercise 1)
    "lesson.exp50.title": {
        "en": "Exercise 1: how big is exp(50)?",
        "zh": "练习 1：exp(50) 有多大？",
    },
    "lesson.exp50.question": {
        "en": "The book's softmax takes `exp` of every logit. What is exp(50) in float32, the type "
        "training uses?",
        "zh": "书中的 softmax 对每个 logit 求 `exp`。在训练使用的 float32 中，exp(50) 是多少？",
    },
    "lesson.exp50.option.inf": {"en": "inf: it overflows", "zh": "inf：上溢了"},
    "lesson.exp50.option.finite": {
        "en": "about 5.2 × 10²¹, a finite number",
        "zh": "约 5.2 × 10²¹，一个有限的数",
    },
    "lesson.exp50.option.nan": {"en": "NaN", "zh": "NaN"},
    "lesson.exp50.answer": {
        "en": "About 5.2 × 10²¹: it fits. float32 overflows only above ln(largest float32) ≈ 88.72 "
        "(float64: 709.78; float16: 11.09, where exp(50) is inf). A logit of 89 makes `exp` "
        "inf, and the softmax inf / inf = NaN. Subtracting each row's largest logit first "
        "(the stable softmax) keeps every `exp` at most 1 and gives the same probabilities.",
        "zh": "约 5.2 × 10²¹：放得下。float32 只在超过 ln(float32 最大值) ≈ 88.72 时才上溢"
        "（float64 为 709.78；float16 为 11.09，在 float16 中 exp(50) 是 inf）。logit 为 89 时 "
        "`exp` 就是 inf，softmax 得到 inf / inf = NaN。先减去每行最大的 logit（稳定版 softmax），"
        "每个 `exp` 都不超过 1，概率却不变。",
    },
    # 6. lr1 (exercise 2)
    "lesson.lr1.title": {
        "en": "Exercise 2: learning rate 1 with the book's formulas",
        "zh": "练习 2：学习率为 1 时书中的公式",
    },
    "lesson.lr1.question": {
        "en": "Train with the book's softmax at learning rate 1 (seed 0). The loss turns into NaN "
        "in the first epoch. Which breaks first, `exp` or `log`?",
        "zh": "把学习率设为 1，使用书中的 softmax 训练（种子为 0）。损失在第一个迭代周期就变成了 NaN。"
        "先出问题的是 `exp` 还是 `log`？",
    },
    "lesson.lr1.option.exp": {
        "en": "exp overflows: a logit above 88.7",
        "zh": "exp 上溢：有 logit 超过 88.7",
    },
    "lesson.lr1.option.log": {
        "en": "log of a probability that underflowed to 0",
        "zh": "对下溢为 0 的概率求 log",
    },
    "lesson.lr1.option.nothing": {
        "en": "neither: the loss just grows",
        "zh": "都不是：损失只是在变大",
    },
    "lesson.lr1.answer": {
        "en": "The `log`. In minibatch 4 of epoch 1 the largest logit is only about 35, so `exp` "
        "never overflows. But the true class's logit is about 119 below the largest one, so "
        "its probability, about 2 × 10⁻⁵², underflows to 0 in float32, and −log(0) = inf. "
        "The Train page names this cause and links the cross-entropy page. With other seeds "
        "the gradient −1/p can overflow first; `exp` itself overflows only at larger "
        "learning rates, such as 10.",
        "zh": "是 `log`。在第 1 个迭代周期的第 4 个小批量中，最大的 logit 只有约 35，`exp` 根本没有上溢。"
        "但真实类别的 logit 比最大的 logit 低约 119，它的概率约为 2 × 10⁻⁵²，在 float32 中下溢为 0，"
        "而 −log(0) = inf。训练页会指出这个原因，并链接到交叉熵页面。换其他种子时，梯度 −1/p 可能先上溢；"
        "`exp` 本身要到更大的学习率（例如 10）才会上溢。",
    },
    # 7. stable (exercise 3)
    "lesson.stable.title": {"en": "Exercise 3: the fix", "zh": "练习 3：解决办法"},
    "lesson.stable.question": {
        "en": "Train at learning rate 1 again (seed 0), now with the stable softmax and "
        "cross-entropy: subtract the largest logit, and compute the loss straight from the "
        "logits with the LogSumExp trick. What happens?",
        "zh": "再用学习率 1 训练一次（种子为 0），这次使用稳定版的 softmax 和交叉熵："
        "先减去最大的 logit，并用 LogSumExp技巧直接从 logit 计算损失。"
        "会发生什么？",
    },
    "lesson.stable.option.breaks": {
        "en": "it still turns into NaN in epoch 1",
        "zh": "仍然在第 1 个迭代周期变成 NaN",
    },
    "lesson.stable.option.trains": {
        "en": "it trains, with no inf or NaN",
        "zh": "可以训练，不出现 inf 或 NaN",
    },
    "lesson.stable.option.later": {
        "en": "it turns into NaN later, in epoch 2 or 3",
        "zh": "稍后在第 2 或第 3 个迭代周期变成 NaN",
    },
    "lesson.stable.answer": {
        "en": "It trains: no inf or NaN, and test accuracy reaches about 0.8 within the three "
        "epochs (between 0.74 and 0.82 per epoch; the exact figures differ from machine to "
        "machine, since at lr 1 the tiniest rounding difference grows). "
        "Same loss, computed without ever rounding a probability to 0, so the breakdown at "
        "step 6 was numerical, not the optimisation failing. Still, lr 1 is a big step: the "
        "train loss stays near 1.8 (about 0.5 at lr 0.1), because the images it gets wrong "
        "it gets wrong with great confidence, and cross-entropy punishes that hard.",
        "zh": "可以训练：没有 inf 或 NaN，三个迭代周期内测试精度达到 0.8 左右（每个迭代周期在 0"
        ".74 到 0.82 之间；具体数字因机器而异，因为学习率为 1 时最微小的舍入差异也会被放大）"
        "。损失还是同一个，只是计算时从不把概率舍入为 0，所以第 6 步的崩溃是数值问题，"
        "而不是优化失败。不过学习率 1 的步子太大：训练损失停在 1.8 左右（学习率 0.1 时约为 "
        "0.5），因为它预测错的图像错得非常自信，而交叉熵损失对此惩罚很重。",
    },
    # sweep (after exercise 3): the lr sweep, run on the lesson page
    "lesson.sweep.title": {
        "en": "A learning-rate sweep: break down or saturate",
        "zh": "学习率扫描：数值崩溃还是饱和",
    },
    "lesson.sweep.question": {
        "en": "Train the naive, the stable and the clamped loss, log(max(p, ε)), at learning "
        "rates from 0.01 to 100 in one stacked run. The naive one breaks down once the lr is "
        "large. What does the stable one do at lr 100?",
        "zh": "把所有训练记录叠在一起，同时以 0.01 到 100 的学习率训练朴素版、稳定版和截断版 "
        "log(max(p, ε)) 损失。学习率一大，朴素版就会出现数值崩溃。学习率为 100 时稳定版会怎样？",
    },
    "lesson.sweep.option.nan": {
        "en": "it breaks down too: inf or NaN",
        "zh": "它也会数值崩溃：出现 inf 或 NaN",
    },
    "lesson.sweep.option.learns": {
        "en": "it learns as well as at a small lr",
        "zh": "它和小学习率时学得一样好",
    },
    "lesson.sweep.option.saturates": {
        "en": "no inf or NaN, but W grows with the lr and almost every prediction becomes 0 or 1",
        "zh": "没有 inf 或 NaN，但 W 随学习率增大，几乎每个预测都变成 0 或 1",
    },
    "lesson.sweep.answer": {
        "en": "No inf or NaN at any learning rate: the stable loss never takes log(0). But each "
        "SGD step is the learning rate times the gradient, so W grows in proportion to the lr. "
        "With W that large the logits are far apart, softmax saturates to 0 and 1, the model "
        "is sure of nearly every image, and the loss is carried by the few it gets confidently "
        "wrong. Accuracy stalls below what a small lr reaches. The clamped loss avoids the NaN "
        "too, but where p < ε its gradient is exactly 0, so it stops correcting its worst "
        "mistakes, and its loss understates them. Run the sweep below to see the figures.",
        "zh": "任何学习率下都没有 inf 或 NaN：稳定版损失从不计算 log(0)。但每一步 SGD 更新是学习率乘以梯度，"
        "所以 W 随学习率成比例地增大。W 这么大时 logit 相差悬殊，softmax 饱和到 0 和 1，模型对几乎每张图像都"
        "非常确定，损失来自少数几张它自信地预测错的图像。精度停滞在小学习率能达到的水平之下。截断版损失也避免了 "
        "NaN，但在 p < ε 处梯度恰好为 0，于是它不再纠正最严重的错误，损失也低估了这些错误。运行下面的扫描看看具体数字。",
    },
    "lesson.sweep.run": {"en": "Run the sweep", "zh": "运行扫描"},
    "lesson.sweep.running": {
        "en": "Training every loss at every learning rate as one stacked run …",
        "zh": "正在把所有损失和所有学习率的训练记录叠在一起训练 …",
    },
    "lesson.sweep.intro": {
        "en": "{runs} runs, {epochs} epochs each on the first {n:,} training images, trained as "
        "one stacked model (one matmul for all of them, each with its own lr and loss).",
        "zh": "共 {runs} 条训练记录，每条在前 {n:,} 张训练图像上训练 {epochs} 个迭代周期，叠成一个模型"
        "一起训练（一次矩阵乘法算出全部训练记录的 logit，每条训练记录仍用自己的学习率和损失）。",
    },
    "lesson.sweep.result": {
        "en": "The naive softmax first broke down at lr {naive_lr:g}, in epoch {naive_epoch}, "
        "minibatch {naive_batch} ({cause}). The stable one never broke down, but at lr "
        "{stable_lr:g} its ‖W‖ reached {stable_w_norm:.0f}, {stable_per_lr:.1f} × the lr, "
        "and {sure} of the training images got a top probability above {threshold:g}: "
        "saturated predictions, with test accuracy {stable_acc:.3f}.",
        "zh": "朴素版 softmax 在学习率 {naive_lr:g} 时首次出现数值崩溃：第 {naive_epoch} 个迭代周期的第 "
        "{naive_batch} 个小批量（{cause}）。稳定版从未崩溃，但学习率为 {stable_lr:g} 时 ‖W‖ 达到 "
        "{stable_w_norm:.0f}，是学习率的 {stable_per_lr:.1f} 倍，{sure} 的训练图像的最大概率超过 "
        "{threshold:g}：预测已经饱和，测试精度为 {stable_acc:.3f}。",
    },
    "lesson.sweep.result.no_break": {
        "en": "The naive softmax did not break down at any of these learning rates with these "
        "settings. The stable one at lr {stable_lr:g}: ‖W‖ {stable_w_norm:.0f}, "
        "{stable_per_lr:.1f} × the lr; {sure} of the training images got a top probability above "
        "{threshold:g}, with test accuracy {stable_acc:.3f}.",
        "zh": "在这些设置下，朴素版 softmax 在所有学习率下都没有崩溃。稳定版在学习率 {stable_lr:g} 时："
        "‖W‖ 为 {stable_w_norm:.0f}，是学习率的 {stable_per_lr:.1f} 倍；{sure} 的训练图像的最大概率超过 "
        "{threshold:g}，测试精度为 {stable_acc:.3f}。",
    },
    "lesson.sweep.at_1": {
        "en": "The three side by side at lr 1: {naive} Stable: test accuracy {s_acc:.3f}, "
        "‖W‖ {s_w:.1f}, {s_below} of the training images with p < ε. Clamped: test accuracy "
        "{c_acc:.3f}, ‖W‖ {c_w:.1f}, and {c_below} of the training images with p < ε = {eps:g}, "
        "where its gradient is exactly 0: nothing pulls them back.",
        "zh": "学习率为 1 时三者并列：{naive}稳定版：测试精度 {s_acc:.3f}，‖W‖ 为 {s_w:.1f}，{s_below} "
        "的训练图像 p < ε。截断版：测试精度 {c_acc:.3f}，‖W‖ 为 {c_w:.1f}，{c_below} 的训练图像 "
        "p < ε = {eps:g}，在这些图像上它的梯度恰好为 0：没有什么能把它们拉回来。",
    },
    "lesson.sweep.at_1.naive_broke": {
        "en": "naive: broke down in epoch {epoch}, minibatch {batch}.",
        "zh": "朴素版：在第 {epoch} 个迭代周期的第 {batch} 个小批量崩溃。",
    },
    "lesson.sweep.at_1.naive_ok": {
        "en": "naive: test accuracy {acc:.3f}.",
        "zh": "朴素版：测试精度 {acc:.3f}。",
    },
    "lesson.sweep.chart": {"en": "The lr sweep", "zh": "学习率扫描"},
    "lesson.sweep.lr": {"en": "learning rate (log scale)", "zh": "学习率（对数刻度）"},
    "lesson.sweep.col.softmax": {"en": "loss", "zh": "损失"},
    "lesson.sweep.col.lr": {"en": "lr", "zh": "学习率"},
    "lesson.sweep.col.test_acc": {"en": "test acc", "zh": "测试精度"},
    "lesson.sweep.col.w_norm": {"en": "‖W‖", "zh": "‖W‖"},
    "lesson.sweep.col.max_logit": {"en": "largest |logit|", "zh": "最大 |logit|"},
    "lesson.sweep.col.sure": {"en": "share with top p > 0.999", "zh": "最大概率 > 0.999 的比例"},
    "lesson.sweep.col.below_eps": {"en": "share with p_true < ε", "zh": "真实类别 p < ε 的比例"},
    "lesson.sweep.col.breakdown_epoch": {"en": "broke down in epoch", "zh": "崩溃的迭代周期"},
    "lesson.sweep.col.cause": {"en": "cause", "zh": "原因"},
    "lesson.sweep.cause.exp_overflow": {"en": "exp overflowed", "zh": "exp 上溢"},
    "lesson.sweep.cause.log_zero": {"en": "log of 0", "zh": "对 0 取对数"},
    "lesson.sweep.cause.grad_overflow": {"en": "the gradient overflowed", "zh": "梯度上溢"},
    "lesson.sweep.cause.logits_overflow": {"en": "the logits overflowed", "zh": "logit 上溢"},
    "lesson.sweep.cause.loss_overflow": {"en": "the loss overflowed", "zh": "损失上溢"},
    "lesson.sweep.cause.log_zero_wrong_class": {
        "en": "log of a wrong class's 0",
        "zh": "对错误类别的 0 取对数",
    },
    "lesson.sweep.cause.unknown": {"en": "not reproduced", "zh": "未能复现"},
    "describe.lr_sweep": {
        "en": "Test accuracy and ‖W‖ against the learning rate: {parts}.",
        "zh": "测试精度和 ‖W‖ 随学习率的变化：{parts}。",
    },
    "describe.lr_sweep.part": {
        "en": "{name}: test accuracy {acc0:.2f} at lr {lr0:g} and {acc1:.2f} at lr {lr1:g}, "
        "‖W‖ up to {w_max:.4g}",
        "zh": "{name}：学习率 {lr0:g} 时测试精度 {acc0:.2f}，学习率 {lr1:g} 时 {acc1:.2f}，"
        "‖W‖ 最大 {w_max:.4g}",
    },
    "describe.lr_sweep.broke": {
        "en": "{name}: test accuracy {acc0:.2f} at lr {lr0:g}, broke down from lr {broke:g} on",
        "zh": "{name}：学习率 {lr0:g} 时测试精度 {acc0:.2f}，从学习率 {broke:g} 起数值崩溃",
    },
    # 8. decide (exercise 4)
    "lesson.decide.title": {
        "en": "Exercise 4: is the most probable class the best answer?",
        "zh": "练习 4：概率最大的类别一定是最好的回答吗？",
    },
    "lesson.decide.question": {
        "en": "On the Decisions page, pick the run with the book's settings (step 4) and the preset "
        "“Medical: dangerous to miss” (missing a shirt costs 10, any other mistake 1). "
        "Compared with argmax, what do the minimum-expected-cost answers do?",
        "zh": "在「决策」页面选择用书中参数训练的那条训练记录（第 4 步），并选择预设「医疗："
        "漏诊很危险」（漏掉衬衫代价为 10，其他错误代价为 1）。与 argmax 相比，"
        "期望代价最小的回答会怎样？",
    },
    "lesson.decide.option.same": {
        "en": "nothing changes: the most probable class is always best",
        "zh": "没有变化：概率最大的类别总是最好的",
    },
    "lesson.decide.option.cheaper": {
        "en": "many answers change and the total cost falls",
        "zh": "很多回答改变了，总代价下降",
    },
    "lesson.decide.option.dearer": {
        "en": "the total cost rises: every non-argmax answer is a mistake",
        "zh": "总代价上升：不是 argmax 的回答都是错的",
    },
    "lesson.decide.answer": {
        "en": "Many answers change, mostly to “shirt”, and the total cost falls: for the book's "
        "10-epoch run about 1,800 answers change and the cost drops from about 6,700 to "
        "3,500, while accuracy falls from 0.83 to 0.77. Argmax is the best answer only when "
        "every mistake costs the same. And the rule trusts the probabilities: with the "
        "preset “One costly mistake” this model's expected-cost answers cost slightly more "
        "than argmax. The calibration section shows how far its probabilities can be trusted.",
        "zh": "很多回答改变了，大多改成了「衬衫」，总代价下降：对用书中参数训练 10 个迭代周期的那条训练记录"
        "，约 1,800 个回答改变，代价从约 6,700 降到 3,500，精度则从 0.83 降到 "
        "0.77。只有当每种错误的代价都相同时，argmax 才是最好的回答。而且这个规则信任模型给出的"
        "概率：用预设「一种代价高昂的错误」时，这个模型按期望代价给出的回答反而比 argmax 的代价略"
        "高。校准部分显示了它的概率有多可信。",
    },
    # 9. vocab (exercise 5)
    "lesson.vocab.title": {"en": "Exercise 5: a huge vocabulary", "zh": "练习 5：巨大的词表"},
    "lesson.vocab.question": {
        "en": "Use softmax regression to predict the next word from a vocabulary of K words. How "
        "does the cost of one softmax and cross-entropy pass grow with K?",
        "zh": "用 softmax回归从 K 个词的词表中预测下一个词。一次 softmax 和交叉熵损失计算的代"
        "价如何随 K 增长？",
    },
    "lesson.vocab.option.constant": {"en": "hardly at all", "zh": "几乎不变"},
    "lesson.vocab.option.linear": {"en": "in proportion to K", "zh": "与 K 成正比"},
    "lesson.vocab.option.square": {"en": "with K²", "zh": "与 K² 成正比"},
    "lesson.vocab.answer": {
        "en": "In proportion to K: **W** has d × K weights, and every input needs all K logits and "
        "their `exp` for the partition function, in the forward and the backward pass. At "
        "K = 1,000,000 and d = 256, **W** alone takes about 1 GB of float32. Sampled softmax "
        "(a few hundred classes per step) and hierarchical softmax (O(log K) per example "
        "with a binary tree) avoid the full sum during training; the page measures all of "
        "them.",
        "zh": "与 K 成正比：**W** 有 d × K 个权重，每个输入在前向和反向传播中都要算全部 K 个"
        " logit 及其 `exp`，才能得到配分函数。K = 1,000,000、d = 256 时"
        "，仅 **W** 就要约 1 GB 的 float32。采样 softmax（每步只用几百个类别"
        "）和层序softmax（用二叉树时每个样本 O(log K)）在训练时避开了完整的求和；"
        "这个页面把它们都实测了一遍。",
    },
}
