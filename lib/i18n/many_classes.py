"""Strings of the Many-classes page (exercise 5)."""

STRINGS = {
    "many_classes.title": {
        "en": "Many classes: softmax over a huge vocabulary",
        "zh": "大量类别：在巨大的词表上做 softmax",
    },
    "many_classes.intro": {
        "en": "Fashion-MNIST has 10 classes. A language model picks the next word from a "
        "vocabulary of 50,000 to 250,000 tokens, so its softmax has that many outputs. The "
        "chapter's exercise 5 asks what that costs. Here it is measured live on this "
        "server: one forward + backward pass of the cross-entropy loss for a batch of *n* "
        "inputs of dimension *d*, through **W** of shape (d, K), for K from 10 to 100,000 "
        "classes. Every logit needs *d* multiply-adds, so time and memory grow in "
        "proportion to K.",
        "zh": "Fashion-MNIST 只有 10 个类别。语言模型要从 5 万到 25 万个词元的词表中预"
        "测下一个词，它的 softmax 就有这么多个输出。本章的练习 5 问的正是这样做的代价。"
        "这里在本服务器上实时测量：对一个有 *n* 个输入、输入维度为 *d* 的小批量，"
        "经过形状为 (d, K) 的 **W**，计算一次交叉熵损失的前向与反向传播，类别数 K 从 1"
        "0 到 100,000。每个 logit 需要 *d* 次乘加，所以时间和内存都与 K 成正比增"
        "长。",
    },
    "many_classes.method.full": {"en": "full softmax", "zh": "完整 softmax"},
    "many_classes.method.sampled": {"en": "sampled softmax", "zh": "采样 softmax"},
    "many_classes.method.hierarchical": {
        "en": "hierarchical softmax (2 levels)",
        "zh": "两层的层序softmax",
    },
    "many_classes.method.tree": {
        "en": "hierarchical softmax (binary tree)",
        "zh": "二叉树层序softmax",
    },
    "many_classes.n": {"en": "Batch size n", "zh": "批量大小 n"},
    "many_classes.d": {"en": "Input dimension d", "zh": "输入维度 d"},
    "many_classes.S": {
        "en": "Sampled classes S (sampled softmax)",
        "zh": "采样类别数 S（采样 softmax）",
    },
    "many_classes.log_q": {
        "en": "log-Q correction for the sampled softmax",
        "zh": "采样 softmax 的 log-Q 修正",
    },
    "many_classes.log_q_help": {
        "en": "Each class is drawn S/K times per batch on average; subtracting log(S/K) from the "
        "sampled logits (not from the true class's) makes exp(o_y) plus their exp sum an "
        "unbiased estimate of the full sum over all K classes. See the end of the page.",
        "zh": "每个类别在一个小批量中平均被抽到 S/K 次；从采样类别的 logit（不包括真实类别的）"
        "中减去 log(S/K)，exp(o_y) 加上它们的 exp 之和就是全部 K 个类别之和的无"
        "偏估计。详见本页末尾。",
    },
    "many_classes.budget": {
        "en": "Limits that keep the server up for the whole class: no new size is started after "
        "{seconds:g} s (a measurement takes at most a few seconds), and a size whose "
        "tensors would need more than {mb:,.0f} MB is computed, never allocated. Device: "
        "**{device}**.",
        "zh": "为了让全班共用的服务器保持运行：{seconds:g} 秒后不再开始新的规模（一次测量最多几秒"
        "钟），张量需要超过 {mb:,.0f} MB 的规模只计算、不分配。设备：**{device}**。",
    },
    "many_classes.measure": {"en": "Measure", "zh": "测量"},
    "many_classes.press": {
        "en": "Press **Measure** to time the four methods on this server.",
        "zh": "按下 **测量**，在本服务器上为四种方法计时。",
    },
    "many_classes.queue": {
        "en": "The server is busy: you are number {ahead} in the queue. The measurement starts "
        "by itself.",
        "zh": "服务器正忙：你在队列中排第 {ahead} 位。轮到你时测量会自动开始。",
    },
    "many_classes.progress": {
        "en": "Measured: {method}, K = {K:,}",
        "zh": "已测量：{method}，K = {K:,}",
    },
    "many_classes.measured": {
        "en": "Measured on {device} with n = {n}, d = {d}, S = {S}, log-Q correction {log_q}, in "
        "{seconds:.1f} s. Each time is the fastest of up to {repeats} passes.",
        "zh": "在 {device} 上测量，n = {n}，d = {d}，S = {S}，log-Q 修正{log_q}，用时 "
        "{seconds:.1f} 秒。每个时间取最多 {repeats} 次传播中最快的一次。",
    },
    "many_classes.on": {"en": "on", "zh": "开启"},
    "many_classes.off": {"en": "off", "zh": "关闭"},
    "many_classes.too_big": {
        "en": "Not run, they would need more than the {cap:,.0f} MB cap: {items}.",
        "zh": "没有运行，因为需要的内存超过上限 {cap:,.0f} MB：{items}。",
    },
    "many_classes.over_time": {
        "en": "Not run, the time budget was spent (or would be): {items}. Try a smaller n or d.",
        "zh": "没有运行，因为时间预算已用完（或将会用完）：{items}。试试更小的 n 或 d。",
    },
    "many_classes.no_reference": {
        "en": "Not run, the full softmax at the same K was not run for lack of time, so there "
        "would be nothing to compare them with: {items}.",
        "zh": "没有运行，因为同一个 K 上的完整 softmax 由于时间不够没有运行，它们就没有可以比较的对象：{items}。",
    },
    "many_classes.chart.ms": {
        "en": "time per forward + backward (ms)",
        "zh": "每次前向 + 反向传播的时间（毫秒）",
    },
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
    "many_classes.status.no_reference": {
        "en": "not run: no full softmax to compare",
        "zh": "未运行：没有可比较的完整 softmax",
    },
    "many_classes.loss_note": {
        "en": "The loss column: a fresh model finds every class about equally likely, so the "
        "full loss and both hierarchical losses are close to log K. Without the log-Q "
        "correction the sampled loss stays near log(S + 1), far below: a loss computed "
        "from a few classes is a biased estimate.",
        "zh": "关于损失一列：刚初始化的模型认为每个类别的概率差不多，所以完整的交叉熵损失和两种层序softma"
        "x 的损失都接近 log K。没有 log-Q 修正时，采样损失停留在 log(S + 1) 附"
        "近，远小于真实值：只用少数类别算出的损失是有偏估计。",
    },
    "many_classes.two_level.faster": {
        "en": "In this measurement the two-level hierarchical softmax was faster than the full "
        "softmax from K = {k:,} on (measured by both: K = {ks}).",
        "zh": "在这次测量中，从 K = {k:,} 起两层的层序softmax 比完整 softmax 快（两"
        "者都测量了的 K：{ks}）。",
    },
    "many_classes.two_level.not_faster": {
        "en": "In this measurement the two-level hierarchical softmax was not faster than the "
        "full softmax at the largest K both measured (measured by both: K = {ks}).",
        "zh": "在这次测量中，在两者都测量了的最大 K 上，两层的层序softmax 并不比完整 softmax"
        " 快（两者都测量了的 K：{ks}）。",
    },
    "many_classes.two_level.not_compared": {
        "en": "This measurement has no K at which both the two-level hierarchical softmax and "
        "the full softmax were measured, so it cannot say which is faster.",
        "zh": "这次测量中没有一个 K 同时测量了两层的层序softmax 和完整 softmax，"
        "所以无法判断哪个更快。",
    },
    "many_classes.tradeoffs.header": {
        "en": "What each method trades away",
        "zh": "每种方法放弃了什么",
    },
    "many_classes.tradeoffs": {
        "en": "- **Full softmax**: exact. Every step computes all K logits, so time and memory "
        "grow linearly with K (n·d·K multiply-adds, n·K logits).\n- **Sampled softmax**: "
        "each step gives a logit only to the true class and S randomly drawn classes (cost "
        "~ n·(S+1)·d). Its loss is a biased estimate of the real one (the log-Q correction "
        "reduces the bias), and it only serves training: to predict, or to know a "
        "probability, the full softmax over all K classes is still needed.\n- "
        "**Hierarchical softmax (2 levels)**: the classes are split into about √K "
        "clusters, and p(class) = p(cluster) · p(class | cluster): two softmaxes of about "
        "√K outputs each (cost ~ n·2√K·d). Fewer multiply-adds per example, and one "
        "class's probability costs only two small softmaxes; whether training is faster than "
        "the full softmax on a machine is what the measurement above shows. The probabilities still sum to 1. But the tree decides the quality: "
        "here the classes are grouped by number, i.e. arbitrarily; useful clusters put "
        "similar classes together.\n- **Binary-tree hierarchical softmax**: the classes "
        "are the leaves of a balanced binary tree; each of its K − 1 inner nodes has a "
        "weight vector and makes a left/right decision with a sigmoid. p(class) is the "
        "product of the ⌈log₂K⌉ or fewer decisions on its path (cost ~ n·d·log₂K: 17 dot "
        "products per example at K = 100,000). The loss adds up −log sigmoid(±o) along the "
        "path, computed without overflow. The cheapest per example, but a class depends on "
        "a chain of binary decisions, and the tree again decides the quality.\n\nAll three "
        "approximations still keep about d × K weights and a gradient of the same size "
        "(the hierarchical versions also copy each example's weights: n·d·√K or n·d·log₂K "
        "numbers): what they save is the n × K logits and the n·d·K multiply-adds.",
        "zh": "- **完整 softmax**：精确。每一步都要计算全部 K 个 logit，"
        "所以时间和内存随 K 线性增长（n·d·K 次乘加，n·K 个 logit）。\n"
        "- **采样 softmax**：每一步只为真实类别和随机抽取的 S 个类别计算 logit（代"
        "价约为 n·(S+1)·d）。它的损失是真实损失的有偏估计（log-Q 修正可以减小偏差）"
        "，而且只能用于训练：要做预测或知道某个概率，仍然需要对全部 K 个类别做完整的 softmax。"
        "\n"
        "- **两层的层序softmax**：把类别分成约 √K 个簇，p(类别) = p(簇) · p"
        "(类别 | 簇)：两个各有约 √K 个输出的 softmax（代价约为 n·2√K·d）"
        "。每个样本的乘加次数更少，求单个类别的概率只需两个小的 softmax；在一台机器上训练是否比完"
        "整 softmax 快，要看上面的测量结果。概率之和仍然为 1。但树的结构决定了质量："
        "这里按编号分簇，也就是随意分组；有用的簇应该把相似的类别放在一起。\n"
        "- **二叉树层序softmax**：类别是一棵平衡二叉树的叶子；树的 K − 1 个内部节点各"
        "有一个权重向量，用 sigmoid 做一次向左或向右的决定。p(类别) 是它路径上不超过 ⌈lo"
        "g₂K⌉ 个决定的乘积（代价约为 n·d·log₂K：K = 100,000 时每个样本只需 1"
        "7 次点积）。损失沿路径累加 −log sigmoid(±o)，计算时不会上溢。"
        "按每个样本计，它是最便宜的；但一个类别取决于一连串二元决定，树的结构同样决定质量。"
        "\n"
        "\n"
        "三种近似方法仍然保存约 d × K 的权重和同样大小的梯度（两种层序softmax还要为每个样本"
        "复制权重，共 n·d·√K 或 n·d·log₂K 个数）：它们省下的是 n × K 个 log"
        "it 和 n·d·K 次乘加。",
    },
    "many_classes.computed.header": {
        "en": "Too big to measure: computed",
        "zh": "大到无法测量：直接计算",
    },
    "many_classes.computed.intro": {
        "en": "Memory of the output layer alone, in float32: the weights **W** (d × K) and one "
        "batch's logits (n × K). Training doubles both with their gradients.",
        "zh": "仅输出层所需的内存（float32）：权重 **W**（d × K）和一个小批量的 logit（"
        "n × K）。训练时它们的梯度还要再占同样多的内存。",
    },
    "many_classes.col.name": {"en": "model", "zh": "模型"},
    "many_classes.col.W_mb": {"en": "W (MB)", "zh": "W（MB）"},
    "many_classes.col.logits_mb": {
        "en": "logits of one batch (MB)",
        "zh": "一个小批量的 logit（MB）",
    },
    "many_classes.failed": {
        "en": "The measurement stopped: {error}. The server is fine; try smaller sizes.",
        "zh": "测量中止：{error}。服务器没有问题；请试试更小的规模。",
    },
    "many_classes.book.header": {
        "en": "Later in the book: hierarchical softmax in word2vec",
        "zh": "本书后面的章节：word2vec 中的层序softmax",
    },
    "many_classes.book": {
        "en": "The word2vec chapter's section **Approximate training** comes back to this cost "
        "with two tricks, negative sampling and **hierarchical softmax**. Its hierarchical "
        "softmax is the binary-tree version here: each word is a leaf, each inner node has "
        "a vector, and the probability of a word is the product of σ(±u·v) over the inner "
        "nodes on its path, + where the path turns to the left child and − where it turns "
        "right. There *v* is the center word's vector; here it is the input *x*. One "
        "probability costs about log₂K dot products instead of K, and since a node's two "
        "branches get σ(o) and σ(−o), which add up to 1, the K probabilities add up to 1 "
        "without computing them all. The two-level version is the same idea with a "
        "shallow, wide tree: about √K branches at the root, each a softmax over about √K "
        "classes. Where each class sits matters: word2vec builds a Huffman tree from word "
        "counts, so frequent words get short paths; this page puts the classes in a "
        "balanced tree by number.",
        "zh": "word2vec 一章的「近似训练」一节用两种方法应对这个代价：负采样和**层序softmax*"
        "*。那里的层序softmax 就是这里的二叉树版本：每个词是一片叶子，每个内部节点有一个向量，"
        "一个词的概率是它路径上各内部节点的 σ(±u·v) 之积，路径走向左子节点时取 +，"
        "走向右子节点时取 −。那里的 *v* 是中心词的向量，这里是输入 *x*。求一个概率只需约 lo"
        "g₂K 次点积而不是 K 次；一个节点的两个分支分别得到 σ(o) 和 σ(−o)，"
        "两者之和为 1，所以不必把 K 个概率都算出来，它们的和也是 1。两层版本是同一个思路，"
        "只是树又浅又宽：根节点约有 √K 个分支，每个分支是约 √K 个类别上的 softmax。"
        "每个类别放在哪里很重要：word2vec 按词频构建哈夫曼树，让常见的词路径更短；"
        "本页按编号把类别放进一棵平衡树。",
    },
    "many_classes.logq.header": {
        "en": "What the log-Q correction does here, and in libraries",
        "zh": "log-Q 修正在这里做了什么，库里又是怎么做的",
    },
    "many_classes.logq": {
        "en": "Here the S classes are drawn **uniformly, with replacement**, so each class is "
        "expected S/K times per batch: Q = S/K for every class. Subtracting log Q from the "
        "sampled logits multiplies each sampled exp(o) by K/S, so exp(o_y) + (K/S)·Σ "
        "exp(o) over the samples is an unbiased estimate of the full sum over all K "
        "classes (the true class is counted once, exactly, and samples equal to it are "
        "masked out). Since Q is the same for every class, the shift is the same for every "
        "sampled logit: it does not change which negatives weigh more, only how much all "
        "of them weigh against the true class. At the start, with every logit equal, the "
        "loss is then about log K instead of log(S + 1): the true class counts once, and the "
        "samples that are not the true class (on average S − S/K of them) count K/S each, "
        "so the sum is about 1 + (K − 1) = K. It is still an estimate (the log of an unbiased sum is "
        "biased low).\n\nCommon libraries do it differently. TensorFlow's "
        "`tf.nn.sampled_softmax_loss` by default draws S **distinct** classes from a "
        "**log-uniform (Zipf)** proposal that favours small class ids (frequent words, "
        "when the vocabulary is sorted by frequency). It subtracts log Q(class), that "
        "class's own expected count, from **every** logit, the true class's included, so "
        "frequent classes are corrected more than rare ones; and it removes accidental "
        "hits (a sample equal to the true class) by adding a huge negative number to their "
        "logits. With a uniform proposal that correction would subtract the same number "
        "from every logit, true one included, and change nothing: that is why this page "
        "corrects the sampled logits only.",
        "zh": "这里的 S 个类别是**均匀、有放回地**抽取的，所以每个类别在一个小批量中平均被抽到 S/K "
        "次：对每个类别都有 Q = S/K。从采样的 logit 中减去 log Q，相当于把每个采样的"
        " exp(o) 乘以 K/S，于是 exp(o_y) + (K/S)·Σ exp(o)（对采样求"
        "和）就是全部 K 个类别之和的无偏估计（真实类别精确地计入一次，与它相同的采样被屏蔽）"
        "。因为每个类别的 Q 都一样，所有采样 logit 的平移量相同：它不改变哪个负类更重要，"
        "只改变负类整体相对真实类别的分量。于是在所有 logit 都相等的初始时刻，损失约为 log K"
        " 而不是 log(S + 1)：真实类别计入一次，不是真实类别的采样（平均 S − S/K 个）"
        "各计 K/S，所以和约为 1 + (K − 1) = K。它仍然只是估计（无偏之和取对数后偏低）"
        "。\n"
        "\n"
        "常见的库做法不同。TensorFlow 的 `tf.nn.sampled_softmax_los"
        "s` 默认从**对数均匀（Zipf）**提议分布中抽取 S 个**互不相同**的类别，"
        "这个分布偏向编号小的类别（词表按词频排序时就是常见词）。它从**每个** logit（包括真实类"
        "别的）中减去 log Q(类别)，即该类别自己的期望次数，所以常见类别比罕见类别修正得多；"
        "它还通过给 logit 加上一个极大的负数来去掉意外命中（与真实类别相同的采样）"
        "。如果提议分布是均匀的，这种修正会从每个 logit（包括真实类别的）减去同一个数，"
        "什么也不改变：所以本页只修正采样的 logit。",
    },
}
