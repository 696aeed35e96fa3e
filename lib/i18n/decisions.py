"""Strings of the Decisions page (exercise 4)."""

STRINGS = {
    "decisions.title": {
        "en": "Decisions: is the most probable class the best answer?",
        "zh": "决策：概率最大的类别一定是最好的回答吗？",
    },
    "decisions.intro": {
        "en": "Softmax gives every class a probability, and the chapter predicts the most "
        "probable one (argmax). That is the best answer only when every mistake costs the "
        "same. In a medical diagnosis, sending a sick patient home is far worse than a "
        "false alarm. Give each kind of mistake a price in the cost matrix **C**: the "
        "answer *j* with the lowest **expected cost** Σᵢ p(i | x)·C[i, j] can differ from "
        "the argmax. This is the chapter's exercise 4; the book leaves it open, so "
        "experiment.",
        "zh": "softmax 给每个类别一个概率，本章的预测取概率最大的类别（argmax）。"
        "只有当每种错误的代价都相同时，这才是最好的回答。在医疗诊断中，"
        "把病人当成健康人送回家，比一次误报严重得多。在代价矩阵 **C** "
        "中给每种错误定一个价格：**期望代价** Σᵢ p(i | x)·C[i, j] 最小的回答 *j* "
        "可能不同于 argmax。这是本章的练习 4，书中没有给出答案，动手试一试吧。",
    },
    "decisions.model": {
        "en": "Model: {run} · {n:,} test images.",
        "zh": "模型：{run} · {n:,} 张测试图像。",
    },
    "decisions.costs.header": {"en": "1. The cost matrix", "zh": "1. 代价矩阵"},
    "decisions.preset": {"en": "Start from a preset", "zh": "从预设开始"},
    "decisions.preset.equal": {"en": "All mistakes cost the same", "zh": "所有错误代价相同"},
    "decisions.preset.one_costly": {"en": "One costly mistake", "zh": "一种代价高昂的错误"},
    "decisions.preset.medical": {"en": "Medical: dangerous to miss", "zh": "医疗：漏诊很危险"},
    "decisions.explain.equal": {
        "en": "A right answer costs 0, every mistake costs 1. The expected cost of answering *j* "
        "is then 1 − p(j | x), so the cheapest answer is the most probable class: this "
        "matrix gives exactly the argmax.",
        "zh": "答对代价为 0，每种错误代价为 1。此时回答 *j* 的期望代价是 1 − p(j | x)，"
        "所以代价最小的回答就是概率最大的类别：这个矩阵得到的正是 argmax。",
    },
    "decisions.explain.one_costly": {
        "en": "Like the first preset, but answering **{answer}** when the truth is **{truth}** "
        "costs 10 (a shop that ships sandals to a customer who ordered winter boots). Now "
        "the model answers {answer} only when it is far more sure of {answer} than of "
        "{truth}.",
        "zh": "与第一个预设相同，只是真实类别为 **{truth}** 时回答 **{answer}** 的代价是 "
        "10（就像商店把凉鞋寄给了订购冬靴的顾客）。现在只有当模型认为 {answer} 比 {truth} "
        "可能得多时，它才会回答 {answer}。",
    },
    "decisions.explain.medical": {
        "en": "Think of each class as a diagnosis, and of the dangerous classes chosen here as "
        "illnesses that must not be missed. Any other answer when the truth is a dangerous "
        "class (a missed case) costs 10; every other mistake, including a false alarm (a "
        "dangerous class answered for a harmless image), costs 1. Expect more images to be "
        "answered as a dangerous class: its recall rises, and the other classes pay for it.",
        "zh": "把每个类别想象成一种诊断，把这里选中的危险类别当作绝不能漏诊的疾病。"
        "真实类别是危险类别时给出任何其他回答（漏诊）代价为 10；其他所有错误，"
        "包括误报（把无害的图像判为危险类别），代价为 1。可以预料会有更多图像被判为危险类"
        "别：它的召回率上升，其他类别为此付出代价。",
    },
    "decisions.dangerous": {
        "en": "Dangerous classes (missing one costs 10)",
        "zh": "危险类别（漏掉一个代价为 10）",
    },
    "decisions.editor_help": {
        "en": "Edit any cell. Rows are the true class, columns the answer given. Costs must be "
        "numbers ≥ 0; right answers (the diagonal) usually cost 0. Choosing a preset "
        "starts over.",
        "zh": "可以修改任意单元格。行是真实类别，列是给出的回答。代价必须是 ≥ 0 的数；"
        "答对（对角线）的代价通常为 0。选择一个预设会重新开始。",
    },
    "decisions.corner": {"en": "true ↓ · answer →", "zh": "真实 ↓ · 回答 →"},
    "decisions.bad": {
        "en": "These cells are not numbers ≥ 0: {cells}. Until they are fixed, the last valid "
        "cost matrix is used.",
        "zh": "这些单元格不是 ≥ 0 的数：{cells}。在改正之前，使用上一个有效的代价矩阵。",
    },
    "decisions.result.header": {
        "en": "2. argmax vs minimum expected cost",
        "zh": "2. argmax 与最小期望代价",
    },
    "decisions.metric.cost_argmax": {"en": "Total cost, argmax", "zh": "总代价（argmax）"},
    "decisions.metric.cost_min": {
        "en": "Total cost, min. expected cost",
        "zh": "总代价（最小期望代价）",
    },
    "decisions.metric.acc_min": {
        "en": "Accuracy, min. expected cost",
        "zh": "分类精度（最小期望代价）",
    },
    "decisions.metric.changed": {"en": "Answers changed", "zh": "改变的回答"},
    "decisions.summary": {
        "en": "Mean cost per image: {mean_a:.4f} with argmax, {mean_m:.4f} with the minimum "
        "expected cost. Accuracy: {acc_a:.4f} with argmax, {acc_m:.4f} with the minimum "
        "expected cost.",
        "zh": "每张图像的平均代价：argmax 为 {mean_a:.4f}，最小期望代价为 {mean_m:.4f}。"
        "分类精度：argmax 为 {acc_a:.4f}，最小期望代价为 {acc_m:.4f}。",
    },
    "decisions.costly": {
        "en": "Mistakes that cost more than 1: {a:,} with argmax, {m:,} with the minimum "
        "expected cost.",
        "zh": "代价大于 1 的错误：argmax 有 {a:,} 个，最小期望代价有 {m:,} 个。",
    },
    "decisions.verdict.same": {
        "en": "With these costs no answer changes: on every test image the most probable class "
        "is also the cheapest one.",
        "zh": "在这组代价下没有任何回答改变：在每张测试图像上，概率最大的类别也是期望代价最小的类"
        "别。",
    },
    "decisions.verdict.better": {
        "en": "The costs changed {changed:,} of {n:,} answers and the total cost fell by "
        "{saved:,.0f}. Accuracy may fall at the same time: being wrong in the cheap "
        "direction is the point.",
        "zh": "这组代价改变了 {n:,} 个回答中的 {changed:,} 个，总代价下降了 {saved:,.0f}。"
        "分类精度可能同时下降：要错就错在代价小的方向，这正是目的。",
    },
    "decisions.verdict.worse": {
        "en": "The costs changed {changed:,} of {n:,} answers, yet the total cost on the true "
        "labels did not fall. The rule trusts the model's probabilities; a model that is "
        "too sure or too unsure misjudges the risks.",
        "zh": "这组代价改变了 {n:,} 个回答中的 {changed:,} 个，但按真实标签计算的总代价没有下降。"
        "这个规则相信模型给出的概率；过于自信或不够自信的模型会估错风险。",
    },
    "decisions.recall.header": {"en": "Recall per class", "zh": "各类别的召回率"},
    "decisions.col.class": {"en": "class", "zh": "类别"},
    "decisions.col.recall_argmax": {"en": "recall, argmax", "zh": "召回率（argmax）"},
    "decisions.col.recall_min": {
        "en": "recall, min. expected cost",
        "zh": "召回率（最小期望代价）",
    },
    "decisions.col.change": {"en": "change", "zh": "变化"},
    "decisions.rule.argmax": {"en": "argmax (most probable)", "zh": "argmax（概率最大）"},
    "decisions.rule.min_cost": {"en": "minimum expected cost", "zh": "最小期望代价"},
    "decisions.chart.class": {"en": "true class", "zh": "真实类别"},
    "decisions.chart.recall": {"en": "recall (share answered right)", "zh": "召回率（答对的比例）"},
    "decisions.chart.rule": {"en": "decision rule", "zh": "决策规则"},
    "decisions.prior.header": {
        "en": "3. Base rates: when the field's class shares differ",
        "zh": "3. 基础比率：当实际应用中的类别比例不同时",
    },
    "decisions.prior.intro": {
        "en": "The model learned p(y | x) on a training set where every class has the same share. "
        "Where the model is used (the field), a class may be far rarer, say an illness seen "
        "in one patient in a thousand. Bayes' rule corrects the probabilities for the new "
        "class shares: p′(y | x) ∝ p(y | x) · π_field(y) / π_train(y), renormalized so each "
        "row sums to 1. The cheapest answer under the cost matrix above is then taken from "
        "p′. To judge both sets of answers in the field, each test image of class i counts "
        "π_field(i) / π_test(i) times: the expected cost per image in the field.",
        "zh": "模型是在每个类别所占比例都相同的训练集上学到 p(y | x) 的。在实际应用中，某个类别"
        "可能少见得多，比如千人中只有一人患的疾病。贝叶斯定理按新的类别比例修正概率："
        "p′(y | x) ∝ p(y | x) · π_field(y) / π_train(y)，再规范化使每一行的和为 1。然后在上面的代价"
        "矩阵下，从 p′ 中选出期望代价最小的回答。为了在实际应用中评价两组回答，类别 i 的每张"
        "测试图像按 π_field(i) / π_test(i) 计权：得到实际应用中每张图像的期望代价。",
    },
    "decisions.prior.class": {"en": "Class whose share changes", "zh": "比例改变的类别"},
    "decisions.prior.factor": {
        "en": "Its share in the field ÷ its share in the test set",
        "zh": "它在实际应用中的比例 ÷ 在测试集中的比例",
    },
    "decisions.prior.rarer": {
        "en": "×{factor} ({times} times rarer)",
        "zh": "×{factor}（少见 {times} 倍）",
    },
    "decisions.prior.commoner": {
        "en": "×{factor} ({factor} times as common)",
        "zh": "×{factor}（常见 {factor} 倍）",
    },
    "decisions.prior.same": {"en": "×1 (as in the test set)", "zh": "×1（与测试集相同）"},
    "decisions.prior.cost_plain": {
        "en": "Field cost per image (p)",
        "zh": "每张图像的实际代价（p）",
    },
    "decisions.prior.cost_adjusted": {
        "en": "Field cost per image (p′)",
        "zh": "每张图像的实际代价（p′）",
    },
    "decisions.prior.acc_adjusted": {
        "en": "Field accuracy (p′)",
        "zh": "实际应用中的精度（p′）",
    },
    "decisions.prior.changed": {
        "en": "Answers the base rates changed",
        "zh": "基础比率改变的回答",
    },
    "decisions.prior.summary": {
        "en": "{name}: share {train:.4f} in training, {field:.4f} in the field. Answered {name} "
        "on {plain:,} of {n:,} test images with p, on {adjusted:,} with p′. Field accuracy "
        "with p: {acc_plain:.4f}.",
        "zh": "{name}：在训练集中的比例为 {train:.4f}，在实际应用中为 {field:.4f}。用 p 时 {n:,} 张测试"
        "图像中有 {plain:,} 张被回答为 {name}，用 p′ 时有 {adjusted:,} 张。用 p 时实际应用中的精度："
        "{acc_plain:.4f}。",
    },
    "decisions.prior.verdict.same": {
        "en": "No answer changes: the reweighting moves the probabilities, but on no test image "
        "does it move the cheapest answer.",
        "zh": "没有任何回答改变：重新计权改变了概率，但没有改变任何一张测试图像上期望代价最小的回答。",
    },
    "decisions.prior.verdict.better": {
        "en": "The base rates changed {changed:,} answers and the expected cost in the field fell "
        "by {saved:.4f} per image ({per:,.1f} per 10,000 images).",
        "zh": "基础比率改变了 {changed:,} 个回答，实际应用中的期望代价每张图像下降了 {saved:.4f}"
        "（每 10,000 张图像下降 {per:,.1f}）。",
    },
    "decisions.prior.verdict.worse": {
        "en": "The base rates changed {changed:,} answers, yet the expected cost in the field did "
        "not fall. The correction trusts the model's probabilities; a model that is too "
        "sure or too unsure misjudges it.",
        "zh": "基础比率改变了 {changed:,} 个回答，但实际应用中的期望代价没有下降。这个修正相信模型"
        "给出的概率；过于自信或不够自信的模型会估错。",
    },
    "decisions.prior.col.train": {"en": "share in training", "zh": "训练集中的比例"},
    "decisions.prior.col.field": {"en": "share in the field", "zh": "实际应用中的比例"},
    "decisions.prior.col.plain": {"en": "answers with p", "zh": "用 p 的回答数"},
    "decisions.prior.col.adjusted": {"en": "answers with p′", "zh": "用 p′ 的回答数"},
    "decisions.prior.read": {
        "en": "The answer counts are on the {n:,} test images. A rarer class is answered less "
        "often, a commoner one more often: a doubtful image goes to the class that is more "
        "likely in the field.",
        "zh": "回答数是在 {n:,} 张测试图像上统计的。更少见的类别被回答得更少，更常见的类别被回答得"
        "更多：拿不准的图像归给在实际应用中更可能的类别。",
    },
    "decisions.reject.header": {
        "en": "4. The reject option: refer to a doctor",
        "zh": "4. 拒绝选项：转诊给医生",
    },
    "decisions.reject.intro": {
        "en": "Another way to avoid costly mistakes is not to answer when unsure. If the largest "
        "probability is below a threshold, the image is referred to a person (a doctor). A "
        "higher threshold answers fewer images (lower **coverage**) but gets more of them "
        "right.",
        "zh": "避免代价高昂的错误的另一种办法是：没把握时不回答。如果最大的概率低于某个阈值，"
        "就把这张图像转给人（医生）判断。阈值越高，回答的图像越少（**覆盖率**越低），"
        "但答对的比例越高。",
    },
    "decisions.reject.threshold": {
        "en": "Answer only when the top probability is at least",
        "zh": "只有当最大概率至少为此值时才回答",
    },
    "decisions.reject.coverage": {"en": "Coverage (answered)", "zh": "覆盖率（已回答）"},
    "decisions.reject.accuracy": {"en": "Accuracy on the answered", "zh": "已回答部分的分类精度"},
    "decisions.reject.referred": {"en": "Referred to a doctor", "zh": "转诊给医生"},
    "decisions.reject.nothing": {
        "en": "At this threshold no image is answered: everything goes to the doctor.",
        "zh": "在这个阈值下没有回答任何图像：全部转给医生。",
    },
    "decisions.reject.curve": {
        "en": "Each point is one threshold from 0.10 to 1.00; the red point is the threshold "
        "chosen above.",
        "zh": "每个点对应 0.10 到 1.00 之间的一个阈值；红点是上面选定的阈值。",
    },
    "decisions.chart.coverage": {
        "en": "coverage (share of images answered)",
        "zh": "覆盖率（回答的图像比例）",
    },
    "decisions.chart.accuracy": {
        "en": "accuracy on the answered images",
        "zh": "已回答图像上的分类精度",
    },
    "decisions.chart.threshold": {"en": "threshold", "zh": "阈值"},
    "decisions.chart.chow": {
        "en": "refer costs c: 1 − c = {threshold:.2f}",
        "zh": "转诊代价 c：1 − c = {threshold:.2f}",
    },
    # ---- refer to a doctor as a costed answer ----
    "decisions.c_reject": {
        "en": "Cost of referring an image to a doctor, c (a mistake costs 1)",
        "zh": "把一张图像转诊给医生的代价 c（一次错误的代价为 1）",
    },
    "decisions.c_reject_help": {
        "en": 'The price of the answer "refer to a doctor": the doctor\'s time, the same '
        "whatever the truth. Between 0 and 1: asking costs something, but less than a "
        "mistake.",
        "zh": "回答「转诊给医生」的价格：医生的时间，无论真实类别是什么都一样。取值在 0 和 1 "
        "之间：请人判断有代价，但比犯一次错误便宜。",
    },
    "decisions.refer.column": {"en": "refer (c)", "zh": "转诊 (c)"},
    "decisions.refer.column_help": {
        "en": "The last column, refer (c), is one more answer: refer to a doctor, which costs c "
        "in every row. Sections 2 and 3 leave it out and compare the 10 classes only; "
        "section 4 adds it.",
        "zh": "最后一列「转诊 (c)」是又一种回答：转诊给医生，每一行的代价都是 c。第 2、3 "
        "部分不考虑它，只比较 10 个类别；第 4 部分把它加进来。",
    },
    "decisions.refer.header": {
        "en": "Referring as an answer with a price (Chow's rule)",
        "zh": "把转诊当作有代价的回答（Chow 规则）",
    },
    "decisions.refer.intro": {
        "en": "The threshold above is a number picked by hand. A cleaner way: make *refer to a "
        "doctor* one more answer in the cost matrix, costing **c = {c:.2f}** whatever the "
        "truth, and let the minimum expected cost choose among the 10 classes and *refer*. "
        "It refers an image only when every class's expected cost is above c. With the 0-1 "
        "matrix the expected cost of answering *j* is 1 − p(j | x), so the rule becomes: "
        "answer only when the top probability is at least **1 − c = {threshold:.2f}**, "
        "else refer. This is Chow's rule (1970): the threshold now follows from a price.",
        "zh": "上面的阈值是手工挑选的一个数。更清楚的做法是：把*转诊给医生*作为代价矩阵中的又一种"
        "回答，无论真实类别是什么，代价都是 **c = {c:.2f}**，然后让最小期望代价在 10 "
        "个类别和*转诊*之间选择。只有当每个类别的期望代价都高于 c 时，它才会转诊。在 0-1 "
        "代价矩阵下，回答 *j* 的期望代价是 1 − p(j | x)，所以规则变成："
        "只有当最大概率至少为 **1 − c = {threshold:.2f}** 时才回答，否则转诊。这就是 Chow "
        "规则（1970）：阈值由一个价格推出。",
    },
    "decisions.refer.referred": {"en": "Referred (cost c each)", "zh": "转诊（每张代价 c）"},
    "decisions.refer.accuracy": {"en": "Accuracy on the answered", "zh": "已回答部分的分类精度"},
    "decisions.refer.cost": {"en": "Total cost with refer", "zh": "总代价（可转诊）"},
    "decisions.refer.cost_help": {
        "en": "Mistakes at their price in the cost matrix plus c for every referral. The change "
        "is against the minimum expected cost without the refer answer (section 2).",
        "zh": "按代价矩阵计价的错误，加上每次转诊的 c。变化量是与不能转诊时的最小期望代价（第 2 "
        "部分）相比。",
    },
    "decisions.refer.chow_check": {
        "en": 'Check with the 0-1 matrix: "refer costs {c:.2f}" and "answer when the top '
        'probability is at least {threshold:.2f}" make the same decision on {same:,} of '
        "{n:,} test images ({referred:,} referred).",
        "zh": "用 0-1 代价矩阵检验：「转诊代价为 {c:.2f}」与「最大概率至少为 {threshold:.2f} "
        "时才回答」在 {n:,} 张测试图像中的 {same:,} 张上做出相同的决策（转诊 {referred:,} "
        "张）。",
    },
    "decisions.refer.not_01": {
        "en": "Your cost matrix is not the 0-1 one, so the costed rule is no longer a single "
        "threshold on the top probability: how likely the costly classes are matters too.",
        "zh": "你的代价矩阵不是 0-1 矩阵，所以带代价的规则不再是最大概率上的单一阈值："
        "代价高的类别有多大可能也会起作用。",
    },
    "decisions.reject.curve_chow": {
        "en": "Each point is one threshold from 0.10 to 1.00; red: the threshold chosen above; "
        "blue: the threshold 1 − c that the price c gives with the 0-1 matrix.",
        "zh": "每个点对应 0.10 到 1.00 之间的一个阈值；红点：上面选定的阈值；蓝点：在 0-1 "
        "代价矩阵下由价格 c 得到的阈值 1 − c。",
    },
    # ---- calibration ----
    "decisions.calib.header": {
        "en": "5. How far can the probabilities be trusted? Calibration",
        "zh": "5. 这些概率有多可信？校准",
    },
    "decisions.calib.intro": {
        "en": "The minimum expected cost and Chow's rule both take p(i | x) at its word: they "
        "only choose well if the probabilities are right. A model is **calibrated** when, "
        "of all the images it answers with confidence 0.8, about 80 % are right. The "
        "**reliability diagram** sorts the test images by their top probability into "
        "equal-width bins and draws the accuracy of each bin: on the dashed diagonal the "
        "model is calibrated, a bar below it means the model was surer than it was right "
        "(overconfident), above it underconfident. The **expected calibration error** "
        "(ECE) is the mean distance to the diagonal, each bin weighted by its number of "
        "images: Σ_b (n_b / n) · |acc_b − conf_b|.",
        "zh": "最小期望代价和 Chow 规则都完全相信 p(i | x)：只有概率本身准确，它们才能选对。"
        "如果在模型以 0.8 的置信度回答的所有图像中，大约 80% 是对的，就说模型是**校准**的。"
        "**可靠性图**按最大概率把测试图像分进等宽的区间，画出每个区间的分类精度：落在虚线对角线上表示"
        "校准良好；柱子低于对角线表示模型的把握比它的精度高（过于自信），高于对角线则是不够自信。"
        "**期望校准误差**（ECE）是到对角线的平均距离，每个区间按其中的图像数加权："
        "Σ_b (n_b / n) · |acc_b − conf_b|。",
    },
    "decisions.calib.bins": {"en": "Number of confidence bins", "zh": "置信度区间的个数"},
    "decisions.calib.ece": {"en": "Expected calibration error (ECE)", "zh": "期望校准误差（ECE）"},
    "decisions.calib.mean_conf": {"en": "Mean confidence", "zh": "平均置信度"},
    "decisions.calib.accuracy": {"en": "Accuracy (argmax)", "zh": "分类精度（argmax）"},
    "decisions.calib.over": {
        "en": "On average this model is overconfident: its mean top probability {conf:.4f} is "
        "above its accuracy {acc:.4f}. The costs it expects are lower than what it really "
        "pays: it refers too few images and takes risky answers too lightly.",
        "zh": "这个模型平均而言过于自信：它的平均最大概率 {conf:.4f} 高于分类精度 {acc:.4f}。"
        "它估计的代价低于实际付出的代价：转诊的图像太少，对有风险的回答也太轻率。",
    },
    "decisions.calib.under": {
        "en": "On average this model is underconfident: its mean top probability {conf:.4f} is "
        "below its accuracy {acc:.4f}. It expects higher costs than it really pays: it "
        "refers more images than needed.",
        "zh": "这个模型平均而言不够自信：它的平均最大概率 {conf:.4f} 低于分类精度 {acc:.4f}。"
        "它估计的代价高于实际付出的代价：转诊的图像比需要的多。",
    },
    "decisions.calib.fair": {
        "en": "On average confidence ({conf:.4f}) and accuracy ({acc:.4f}) agree to within 0.01; "
        "the bins show where they still differ.",
        "zh": "平均置信度（{conf:.4f}）与分类精度（{acc:.4f}）相差不到 0.01；"
        "各区间显示它们在哪里仍有差别。",
    },
    "decisions.calib.read": {
        "en": "Blue bars: accuracy in each bin, with its number of test images on top; red: the "
        "gap to the bin's mean confidence; bins with no image are left out. Below: the "
        "share of test images in each bin. A common fix, not done here, is temperature "
        "scaling: divide the logits by one number T fitted on held-out data, which changes "
        "the probabilities but not the argmax.",
        "zh": "蓝色柱子：每个区间的分类精度，上方是其中测试图像的个数；红色："
        "与该区间平均置信度的差距；没有图像的区间不画。下方：每个区间中测试图像所占的比例。"
        "常用的修正方法（这里没有做）是温度缩放：把 logit 除以在留出数据上拟合的一个数 T，"
        "它会改变概率，但不改变 argmax。",
    },
    "decisions.chart.confidence": {
        "en": "confidence (top probability)",
        "zh": "置信度（最大概率）",
    },
    "decisions.chart.bin": {"en": "bin", "zh": "区间"},
    "decisions.chart.count": {"en": "test images", "zh": "测试图像数"},
    "decisions.chart.mean_conf": {"en": "mean confidence", "zh": "平均置信度"},
    "decisions.chart.bin_acc": {"en": "accuracy in the bin", "zh": "区间内的分类精度"},
    "decisions.chart.ideal": {"en": "calibrated", "zh": "完全校准"},
    "decisions.chart.share": {"en": "share of images", "zh": "图像比例"},
}
