"""Strings of the Many-classes page (exercise 5)."""
STRINGS = {
    "many_classes.title": {"en": "Many classes: softmax over a huge vocabulary",
                           "zh": "大量类别：在巨大的词表上做 softmax"},
    "many_classes.intro": {
        "en": "Fashion-MNIST has 10 classes. A language model picks the next word from a vocabulary "
              "of 50,000 to 250,000 tokens, so its softmax has that many outputs. The chapter's "
              "exercise 5 asks what that costs. Here it is measured live on this server: one forward + "
              "backward pass of the cross-entropy loss for a batch of *n* inputs of dimension *d*, "
              "through **W** of shape (d, K), for K from 10 to 100,000 classes. Every logit needs *d* "
              "multiply-adds, so time and memory grow in proportion to K.",
        "zh": "Fashion-MNIST 只有 10 个类别。语言模型要从 5 万到 25 万个词元的词表中预测下一个词，"
              "它的 softmax 就有这么多个输出。本章的练习 5 问的正是这样做的代价。这里在本服务器上实时测量："
              "对批量大小为 *n*、输入维度为 *d* 的一批数据，经过形状为 (d, K) 的 **W**，"
              "计算一次交叉熵损失的前向与反向传播，类别数 K 从 10 到 100,000。每个 logit 需要 *d* 次乘加，"
              "所以时间和内存都与 K 成正比增长。"},
    "many_classes.method.full": {"en": "full softmax", "zh": "完整 softmax"},
    "many_classes.method.sampled": {"en": "sampled softmax", "zh": "采样 softmax"},
    "many_classes.method.hierarchical": {"en": "hierarchical softmax (2 levels)",
                                         "zh": "两层分层 softmax"},
    "many_classes.n": {"en": "Batch size n", "zh": "批量大小 n"},
    "many_classes.d": {"en": "Input dimension d", "zh": "输入维度 d"},
    "many_classes.S": {"en": "Sampled classes S (sampled softmax)", "zh": "采样类别数 S（采样 softmax）"},
    "many_classes.log_q": {"en": "log-Q correction for the sampled softmax",
                           "zh": "采样 softmax 的 log-Q 修正"},
    "many_classes.log_q_help": {
        "en": "Each class is drawn S/K times per batch on average; subtracting log(S/K) from the "
              "sampled logits makes their exp sum estimate the full partition function.",
        "zh": "每个类别在一个批量中平均被抽到 S/K 次；从采样的 logit 中减去 log(S/K)，"
              "它们的 exp 之和就能估计完整的配分函数。"},
    "many_classes.budget": {
        "en": "Limits that keep the server up for the whole class: no new size is started after "
              "{seconds:g} s (a measurement takes at most a few seconds), and a size whose tensors "
              "would need more than {mb:,.0f} MB is computed, never allocated. Device: **{device}**.",
        "zh": "为了让全班共用的服务器保持运行：{seconds:g} 秒后不再开始新的规模（一次测量最多几秒钟），"
              "张量需要超过 {mb:,.0f} MB 的规模只计算、不分配。设备：**{device}**。"},
    "many_classes.measure": {"en": "Measure", "zh": "测量"},
    "many_classes.press": {"en": "Press **Measure** to time the three methods on this server.",
                           "zh": "按下 **测量**，在本服务器上为三种方法计时。"},
    "many_classes.queue": {
        "en": "The server is busy: you are number {ahead} in the queue. The measurement starts by itself.",
        "zh": "服务器正忙：你在队列中排第 {ahead} 位。轮到你时测量会自动开始。"},
    "many_classes.progress": {"en": "Measured: {method}, K = {K:,}", "zh": "已测量：{method}，K = {K:,}"},
    "many_classes.measured": {
        "en": "Measured on {device} with n = {n}, d = {d}, S = {S}, log-Q correction {log_q}, "
              "in {seconds:.1f} s. Each time is the fastest of up to {repeats} passes.",
        "zh": "在 {device} 上测量，n = {n}，d = {d}，S = {S}，log-Q 修正{log_q}，用时 {seconds:.1f} 秒。"
              "每个时间取最多 {repeats} 次传播中最快的一次。"},
    "many_classes.on": {"en": "on", "zh": "开启"},
    "many_classes.off": {"en": "off", "zh": "关闭"},
    "many_classes.too_big": {
        "en": "Not run, they would need more than the {cap:,.0f} MB cap: {items}.",
        "zh": "没有运行，因为需要的内存超过上限 {cap:,.0f} MB：{items}。"},
    "many_classes.over_time": {
        "en": "Not run, the time budget was spent (or would be): {items}. Try a smaller n or d.",
        "zh": "没有运行，因为时间预算已用完（或将会用完）：{items}。试试更小的 n 或 d。"},
    "many_classes.chart.ms": {"en": "time per forward + backward (ms)", "zh": "每次前向 + 反向传播的时间（毫秒）"},
    "many_classes.chart.mb": {"en": "memory needed (MB, computed)", "zh": "所需内存（MB，计算值）"},
    "many_classes.chart.k": {"en": "number of classes K", "zh": "类别数 K"},
    "many_classes.chart.cap": {"en": "cap {mb} MB", "zh": "上限 {mb} MB"},
    "many_classes.col.method": {"en": "method", "zh": "方法"},
    "many_classes.col.ms": {"en": "time (ms)", "zh": "时间（毫秒）"},
    "many_classes.col.mb": {"en": "memory (MB, computed)", "zh": "内存（MB，计算值）"},
    "many_classes.col.peak_mb": {"en": "GPU peak (MB, measured)", "zh": "GPU 峰值（MB，实测）"},
    "many_classes.col.loss": {"en": "loss at the start", "zh": "初始损失"},
    "many_classes.col.status": {"en": "status", "zh": "状态"},
    "many_classes.status.ok": {"en": "measured", "zh": "已测量"},
    "many_classes.status.too_big": {"en": "too big", "zh": "太大"},
    "many_classes.status.over_time": {"en": "over the time budget", "zh": "超出时间预算"},
    "many_classes.loss_note": {
        "en": "The loss column: a fresh model finds every class about equally likely, so the full "
              "loss is close to log K. Without the log-Q correction the sampled loss stays near "
              "log(S + 1), far below: a loss computed from a few classes is a biased estimate.",
        "zh": "关于损失一列：刚初始化的模型认为每个类别的概率差不多，所以完整的交叉熵损失接近 log K。"
              "没有 log-Q 修正时，采样损失停留在 log(S + 1) 附近，远小于真实值：只用少数类别算出的损失是有偏估计。"},
    "many_classes.tradeoffs.header": {"en": "What each method trades away", "zh": "每种方法放弃了什么"},
    "many_classes.tradeoffs": {
        "en": "- **Full softmax**: exact. Every step computes all K logits, so time and memory grow "
              "linearly with K (n·d·K multiply-adds, n·K logits).\n"
              "- **Sampled softmax**: each step gives a logit only to the true class and S randomly "
              "drawn classes (cost ~ n·(S+1)·d). Its loss is a biased estimate of the real one (the "
              "log-Q correction reduces the bias), and it only serves training: to predict, or to "
              "know a probability, the full softmax over all K classes is still needed.\n"
              "- **Hierarchical softmax**: the classes are split into about √K clusters, and "
              "p(class) = p(cluster) · p(class | cluster): two softmaxes of about √K outputs each "
              "(cost ~ n·2√K·d). Training is fast, one class's probability is fast, and the "
              "probabilities still sum to 1. But the tree decides the quality: here the classes are "
              "grouped by number, i.e. arbitrarily; useful clusters put similar classes together.\n\n"
              "Both approximations still keep the d × K weights and a gradient of the same size "
              "(this simple hierarchical version also copies each example's cluster weights, "
              "n·d·√K numbers): what they save is the n × K logits and the n·d·K multiply-adds.",
        "zh": "- **完整 softmax**：精确。每一步都要计算全部 K 个 logit，所以时间和内存随 K 线性增长"
              "（n·d·K 次乘加，n·K 个 logit）。\n"
              "- **采样 softmax**：每一步只为真实类别和随机抽取的 S 个类别计算 logit（代价约为 n·(S+1)·d）。"
              "它的损失是真实损失的有偏估计（log-Q 修正可以减小偏差），而且只能用于训练："
              "要做预测或知道某个概率，仍然需要对全部 K 个类别做完整的 softmax。\n"
              "- **分层 softmax**：把类别分成约 √K 个簇，p(类别) = p(簇) · p(类别 | 簇)："
              "两个各有约 √K 个输出的 softmax（代价约为 n·2√K·d）。训练快，求单个类别的概率也快，"
              "概率之和仍然为 1。但树的结构决定了质量：这里按编号分簇，也就是随意分组；"
              "有用的簇应该把相似的类别放在一起。\n\n"
              "两种近似方法仍然保存 d × K 的权重和同样大小的梯度（这个简单的分层版本还要为每个样本复制"
              "它所在簇的权重，共 n·d·√K 个数）：它们省下的是 n × K 个 logit 和 n·d·K 次乘加。"},
    "many_classes.computed.header": {"en": "Too big to measure: computed", "zh": "大到无法测量：直接计算"},
    "many_classes.computed.intro": {
        "en": "Memory of the output layer alone, in float32: the weights **W** (d × K) and one "
              "batch's logits (n × K). Training doubles both with their gradients.",
        "zh": "仅输出层所需的内存（float32）：权重 **W**（d × K）和一个批量的 logit（n × K）。"
              "训练时它们的梯度还要再占同样多的内存。"},
    "many_classes.col.name": {"en": "model", "zh": "模型"},
    "many_classes.col.W_mb": {"en": "W (MB)", "zh": "W（MB）"},
    "many_classes.col.logits_mb": {"en": "logits of one batch (MB)", "zh": "一个批量的 logit（MB）"},
    "many_classes.failed": {
        "en": "The measurement stopped: {error}. The server is fine; try smaller sizes.",
        "zh": "测量中止：{error}。服务器没有问题；请试试更小的规模。"},
}
