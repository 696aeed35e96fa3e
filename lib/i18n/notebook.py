"""Strings of the notebook a run downloads as (lib/notebook.py): its markdown cells, and the
download button on the Train page and the lesson's steps."""

STRINGS = {
    "notebook.download": {"en": "Download as notebook", "zh": "下载为 Jupyter 笔记本"},
    "notebook.download.help": {
        "en": "A Jupyter notebook (.ipynb) that trains this run with the chapter's code and "
        "these settings ({settings}), then three exercises where you write the code yourself: "
        "a stable softmax, the cross-entropy through log-sum-exp, and the reject option.",
        "zh": "一个 Jupyter 笔记本（.ipynb）：用本章的代码和这些参数（{settings}）重新训练这条训练记录，"
        "然后是三道由你自己写代码的练习：稳定版 softmax、用 LogSumExp技巧计算的交叉熵、以及拒绝选项。",
    },
    "notebook.title": {
        "en": "# Softmax regression from scratch: your run",
        "zh": "# softmax回归的从零开始实现：你的这条训练记录",
    },
    "notebook.intro": {
        "en": "This notebook trains softmax regression on Fashion-MNIST with the chapter's code, "
        "with the settings of a run in Softmax Explorer: {settings}. Run the cells from the top "
        "(Run All): with the same settings on a CPU you get the same figures as the app. Then "
        "come three exercises where you write the code; a check cell after each one tests your "
        "function against PyTorch's own.",
        "zh": "这个笔记本用本章的代码在 Fashion-MNIST 上训练 softmax回归，参数取自 Softmax Explorer 中的一条训练记录："
        "{settings}。从头依次运行各单元（全部运行）：在 CPU 上用相同的参数会得到与应用相同的数字。"
        "后面是三道需要你自己写代码的练习；每道练习之后的检查单元会把你的函数与 PyTorch 自带的函数对比。",
    },
    "notebook.framework": {
        "en": "The app trained this run with {framework}; this notebook trains it with the "
        "chapter's from-scratch code and the same settings, so its figures may differ slightly.",
        "zh": "应用用「{framework}」训练了这条训练记录；这个笔记本用本章从零开始实现的代码和相同的参数训练，"
        "因此数字可能略有不同。",
    },
    "notebook.solutions": {
        "en": "This copy has the reference solutions filled in.",
        "zh": "这一份已经填好了参考答案。",
    },
    "notebook.settings": {
        "en": "## Settings\n\nThe run's settings. Change them and run the cells below again "
        "to train another run.",
        "zh": "## 参数\n\n这条训练记录的参数。修改它们，再运行下面的单元，就能训练另一条训练记录。",
    },
    "notebook.data": {
        "en": "## The data\n\nFashion-MNIST is read from the folder named by the environment "
        "variable FASHION_MNIST_ROOT (default ./data), which must hold FashionMNIST/raw/ with "
        "the four files. Each 28×28 image is flattened to 784 pixels in [0, 1].",
        "zh": "## 数据\n\nFashion-MNIST 从环境变量 FASHION_MNIST_ROOT 指定的文件夹读取（默认 ./data），"
        "其中的 FashionMNIST/raw/ 里必须有那四个文件。每张 28×28 的图像被展平成 784 个 [0, 1] 之间的像素值。",
    },
    "notebook.code": {
        "en": "## The chapter's code\n\nThe functions this run calls, exactly as the app shows "
        "them: the model, the loss ({softmax}), minibatch SGD and the accuracy.",
        "zh": "## 本章的代码\n\n这条训练记录调用的函数，与应用中展示的完全相同：模型、损失（{softmax}）、"
        "小批量随机梯度下降和精度。",
    },
    "notebook.softmax.naive": {
        "en": "the book's naive softmax and cross-entropy",
        "zh": "书中朴素的 softmax 与交叉熵",
    },
    "notebook.softmax.stable": {
        "en": "the stable version: the cross-entropy from the logits with log-sum-exp",
        "zh": "稳定版：用 LogSumExp技巧直接从 logit 计算交叉熵",
    },
    "notebook.train": {
        "en": "## Training\n\nEpoch 0 is the random start; then one line per epoch. If the loss "
        "is no longer a finite number, training stops: the exercises below are about why.",
        "zh": "## 训练\n\n第 0 个迭代周期是随机的初始权重；之后每个迭代周期一行。如果损失不再是有限的数，"
        "训练就会停止：下面的练习讲的就是其中的原因。",
    },
    "notebook.plot": {
        "en": "## The curves\n\nThe training loss, training accuracy and test accuracy per epoch.",
        "zh": "## 曲线\n\n每个迭代周期的训练损失、训练精度和测试精度。",
    },
    "notebook.exercises": {
        "en": "## Exercises\n\nWrite the body of each function where it says YOUR CODE HERE "
        "(delete the raise line), then run the check cell below it. A check that passes prints "
        "ok; one that fails says what it expected. Do not copy from the cells above: "
        "write it yourself.",
        "zh": "## 练习\n\n在写着 YOUR CODE HERE 的地方写出函数体（删掉 raise 那一行），然后运行下面的检查单元。"
        "检查通过时输出 ok；不通过时会说明它期望的结果。不要从上面的单元复制：自己动手写。",
    },
    "notebook.ex.softmax": {
        "en": "### Exercise 1: a stable softmax\n\nexp(50) is about 5.2e21, and exp of a logit "
        "above about 88.7 is inf in float32, so the book's softmax gives inf / inf = nan. "
        "Write softmax_stable(X): for each row of X (n, q), the same probabilities as softmax, "
        "computed without overflow. Hint: subtracting the same number from every entry of a "
        "row does not change its softmax.",
        "zh": "### 练习 1：稳定版 softmax\n\nexp(50) 约为 5.2e21，而在 float32 中 logit 超过约 88.7 时 exp 就是 inf（上溢），"
        "于是书中的 softmax 会得到 inf / inf = nan。写出 softmax_stable(X)：对 X (n, q) 的每一行，"
        "给出与 softmax 相同的概率，但计算时不会上溢。提示：一行中的每个元素都减去同一个数，它的 softmax 不变。",
    },
    "notebook.ex.cross_entropy": {
        "en": "### Exercise 2: the cross-entropy through log-sum-exp\n\nOnce a probability "
        "underflows to 0, -log(0) is inf. Write cross_entropy_stable(O, y): from the logits O "
        "(n, q) and the labels y (n,), the loss of each example, -log softmax(O)[i, y[i]], "
        "as log-sum-exp(O[i]) - O[i, y[i]] with the row maximum taken out first, one value "
        "per example (shape (n,), no mean).",
        "zh": "### 练习 2：用 LogSumExp技巧计算交叉熵\n\n一旦某个概率下溢为 0，-log(0) 就是 inf。写出 "
        "cross_entropy_stable(O, y)：由 logit O (n, q) 和标签 y (n,) 计算每个样本的损失 "
        "-log softmax(O)[i, y[i]]，写成 LogSumExp(O[i]) - O[i, y[i]]，并先减去每行的最大值；"
        "每个样本一个值（形状 (n,)，不取平均）。",
    },
    "notebook.ex.reject": {
        "en": "### Exercise 3: the reject option (exercise 4 of the chapter)\n\nIs the most "
        "probable class always the best answer? Where a mistake is expensive, a model may "
        "refer an image on instead of answering. Write threshold_answers(probs, threshold): "
        "for each row of probs (n, q), the most probable class when its probability is at "
        "least threshold, otherwise q (meaning: refer it on).",
        "zh": "### 练习 3：拒绝选项（本章的练习 4）\n\n返回概率最大的类别总是最好的回答吗？在犯错代价很高的场合，"
        "模型可以不作回答，而把图像转交出去。写出 threshold_answers(probs, threshold)：对 probs (n, q) 的每一行，"
        "当最大概率不小于 threshold 时给出该类别，否则给出 q（表示转交）。",
    },
    "notebook.reject_table": {
        "en": "With your function and your model: the higher the threshold, the fewer test "
        "images it answers, and the more of those it gets right.",
        "zh": "用你的函数和你的模型：阈值越高，回答的测试图像越少，其中答对的比例越高。",
    },
}
