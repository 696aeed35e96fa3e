"""Strings of the Decisions page (exercise 4)."""
STRINGS = {
    "decisions.title": {"en": "Decisions: is the most probable class the best answer?",
                        "zh": "决策：概率最大的类别一定是最好的回答吗？"},
    "decisions.intro": {
        "en": "Softmax gives every class a probability, and the chapter predicts the most probable "
              "one (argmax). That is the best answer only when every mistake costs the same. In a "
              "medical diagnosis, sending a sick patient home is far worse than a false alarm. Give "
              "each kind of mistake a price in the cost matrix **C**: the answer *j* with the lowest "
              "**expected cost** Σᵢ p(i | x)·C[i, j] can differ from the argmax. This is the "
              "chapter's exercise 4; the book leaves it open, so experiment.",
        "zh": "softmax 给每个类别一个概率，本章的预测取概率最大的类别（argmax）。只有当每种错误的代价"
              "都相同时，这才是最好的回答。在医疗诊断中，把病人当成健康人送回家，比一次误报严重得多。"
              "在代价矩阵 **C** 中给每种错误定一个价格：**期望代价** Σᵢ p(i | x)·C[i, j] 最小的回答 *j* "
              "可能不同于 argmax。这是本章的练习 4，书中没有给出答案，动手试一试吧。"},
    "decisions.model": {"en": "Model: {run} · {n:,} test images.",
                        "zh": "模型：{run} · {n:,} 张测试图像。"},
    "decisions.costs.header": {"en": "1. The cost matrix", "zh": "1. 代价矩阵"},
    "decisions.preset": {"en": "Start from a preset", "zh": "从预设开始"},
    "decisions.preset.equal": {"en": "All mistakes cost the same", "zh": "所有错误代价相同"},
    "decisions.preset.one_costly": {"en": "One costly mistake", "zh": "一种代价高昂的错误"},
    "decisions.preset.medical": {"en": "Medical: dangerous to miss", "zh": "医疗：漏诊很危险"},
    "decisions.explain.equal": {
        "en": "A right answer costs 0, every mistake costs 1. The expected cost of answering *j* is "
              "then 1 − p(j | x), so the cheapest answer is the most probable class: this matrix "
              "gives exactly the argmax.",
        "zh": "答对代价为 0，每种错误代价为 1。此时回答 *j* 的期望代价是 1 − p(j | x)，"
              "所以代价最小的回答就是概率最大的类别：这个矩阵得到的正是 argmax。"},
    "decisions.explain.one_costly": {
        "en": "Like the first preset, but answering **{answer}** when the truth is **{truth}** costs "
              "10 (a shop that ships sandals to a customer who ordered winter boots). Now the model "
              "answers {answer} only when it is far more sure of {answer} than of {truth}.",
        "zh": "与第一个预设相同，只是真实类别为 **{truth}** 时回答 **{answer}** 的代价是 10"
              "（就像商店把凉鞋寄给了订购冬靴的顾客）。现在只有当模型认为 {answer} 比 {truth} "
              "可能得多时，它才会回答 {answer}。"},
    "decisions.explain.medical": {
        "en": "Think of each class as a diagnosis, and of the dangerous classes chosen here as illnesses "
              "that must not be missed. Any other answer when the truth is a dangerous class (a "
              "missed case) costs 10; every other mistake, including a false alarm (a dangerous "
              "class answered for a harmless image), costs 1. Expect more images to be answered as "
              "a dangerous class: its recall rises, and the other classes pay for it.",
        "zh": "把每个类别想象成一种诊断，把这里选中的危险类别当作绝不能漏诊的疾病。真实类别是危险类别时给出"
              "任何其他回答（漏诊）代价为 10；其他所有错误，包括误报（把无害的图像判为危险类别），"
              "代价为 1。可以预料会有更多图像被判为危险类别：它的召回率上升，其他类别为此付出代价。"},
    "decisions.dangerous": {"en": "Dangerous classes (missing one costs 10)",
                            "zh": "危险类别（漏掉一个代价为 10）"},
    "decisions.editor_help": {
        "en": "Edit any cell. Rows are the true class, columns the answer given. Costs must be "
              "numbers ≥ 0; right answers (the diagonal) usually cost 0. Choosing a preset starts over.",
        "zh": "可以修改任意单元格。行是真实类别，列是给出的回答。代价必须是 ≥ 0 的数；"
              "答对（对角线）的代价通常为 0。选择一个预设会重新开始。"},
    "decisions.corner": {"en": "true ↓ · answer →", "zh": "真实 ↓ · 回答 →"},
    "decisions.bad": {
        "en": "These cells are not numbers ≥ 0: {cells}. Until they are fixed, the last valid cost "
              "matrix is used.",
        "zh": "这些单元格不是 ≥ 0 的数：{cells}。在改正之前，使用上一个有效的代价矩阵。"},
    "decisions.result.header": {"en": "2. argmax vs minimum expected cost",
                                "zh": "2. argmax 与最小期望代价"},
    "decisions.metric.cost_argmax": {"en": "Total cost, argmax", "zh": "总代价（argmax）"},
    "decisions.metric.cost_min": {"en": "Total cost, min. expected cost",
                                  "zh": "总代价（最小期望代价）"},
    "decisions.metric.acc_min": {"en": "Accuracy, min. expected cost",
                                 "zh": "分类精度（最小期望代价）"},
    "decisions.metric.changed": {"en": "Answers changed", "zh": "改变的回答"},
    "decisions.summary": {
        "en": "Mean cost per image: {mean_a:.4f} with argmax, {mean_m:.4f} with the minimum expected "
              "cost. Accuracy: {acc_a:.4f} with argmax, {acc_m:.4f} with the minimum expected cost.",
        "zh": "每张图像的平均代价：argmax 为 {mean_a:.4f}，最小期望代价为 {mean_m:.4f}。"
              "分类精度：argmax 为 {acc_a:.4f}，最小期望代价为 {acc_m:.4f}。"},
    "decisions.costly": {
        "en": "Mistakes that cost more than 1: {a:,} with argmax, {m:,} with the minimum expected cost.",
        "zh": "代价大于 1 的错误：argmax 有 {a:,} 个，最小期望代价有 {m:,} 个。"},
    "decisions.verdict.same": {
        "en": "With these costs no answer changes: on every test image the most probable class is "
              "also the cheapest one.",
        "zh": "在这组代价下没有任何回答改变：在每张测试图像上，概率最大的类别也是期望代价最小的类别。"},
    "decisions.verdict.better": {
        "en": "The costs changed {changed:,} of {n:,} answers and the total cost fell by {saved:,.0f}. "
              "Accuracy may fall at the same time: being wrong in the cheap direction is the point.",
        "zh": "这组代价改变了 {n:,} 个回答中的 {changed:,} 个，总代价下降了 {saved:,.0f}。"
              "分类精度可能同时下降：要错就错在代价小的方向，这正是目的。"},
    "decisions.verdict.worse": {
        "en": "The costs changed {changed:,} of {n:,} answers, yet the total cost on the true labels "
              "did not fall. The rule trusts the model's probabilities; a model that is too sure or "
              "too unsure misjudges the risks.",
        "zh": "这组代价改变了 {n:,} 个回答中的 {changed:,} 个，但按真实标签计算的总代价没有下降。"
              "这个规则相信模型给出的概率；过于自信或不够自信的模型会估错风险。"},
    "decisions.recall.header": {"en": "Recall per class", "zh": "各类别的召回率"},
    "decisions.col.class": {"en": "class", "zh": "类别"},
    "decisions.col.recall_argmax": {"en": "recall, argmax", "zh": "召回率（argmax）"},
    "decisions.col.recall_min": {"en": "recall, min. expected cost", "zh": "召回率（最小期望代价）"},
    "decisions.col.change": {"en": "change", "zh": "变化"},
    "decisions.rule.argmax": {"en": "argmax (most probable)", "zh": "argmax（概率最大）"},
    "decisions.rule.min_cost": {"en": "minimum expected cost", "zh": "最小期望代价"},
    "decisions.chart.class": {"en": "true class", "zh": "真实类别"},
    "decisions.chart.recall": {"en": "recall (share answered right)", "zh": "召回率（答对的比例）"},
    "decisions.chart.rule": {"en": "decision rule", "zh": "决策规则"},
    "decisions.reject.header": {"en": "3. The reject option: refer to a doctor",
                                "zh": "3. 拒绝选项：转诊给医生"},
    "decisions.reject.intro": {
        "en": "Another way to avoid costly mistakes is not to answer when unsure. If the largest "
              "probability is below a threshold, the image is referred to a person (a doctor). A "
              "higher threshold answers fewer images (lower **coverage**) but gets more of them right.",
        "zh": "避免代价高昂的错误的另一种办法是：没把握时不回答。如果最大的概率低于某个阈值，"
              "就把这张图像转给人（医生）判断。阈值越高，回答的图像越少（**覆盖率**越低），"
              "但答对的比例越高。"},
    "decisions.reject.threshold": {"en": "Answer only when the top probability is at least",
                                   "zh": "只有当最大概率至少为此值时才回答"},
    "decisions.reject.coverage": {"en": "Coverage (answered)", "zh": "覆盖率（已回答）"},
    "decisions.reject.accuracy": {"en": "Accuracy on the answered", "zh": "已回答部分的分类精度"},
    "decisions.reject.referred": {"en": "Referred to a doctor", "zh": "转诊给医生"},
    "decisions.reject.nothing": {
        "en": "At this threshold no image is answered: everything goes to the doctor.",
        "zh": "在这个阈值下没有回答任何图像：全部转给医生。"},
    "decisions.reject.curve": {
        "en": "Each point is one threshold from 0.10 to 1.00; the red point is the threshold chosen above.",
        "zh": "每个点对应 0.10 到 1.00 之间的一个阈值；红点是上面选定的阈值。"},
    "decisions.chart.coverage": {"en": "coverage (share of images answered)",
                                 "zh": "覆盖率（回答的图像比例）"},
    "decisions.chart.accuracy": {"en": "accuracy on the answered images",
                                 "zh": "已回答图像上的分类精度"},
    "decisions.chart.threshold": {"en": "threshold", "zh": "阈值"},
}
