"""Strings of the class poll: the built-in questions, the rules' messages, the results."""

STRINGS = {
    # ---- built-in question 1: lr 1 with the naive softmax ---------------------------------
    "poll.q.lr1_naive.text": {
        "en": "What will happen at learning rate 1 with the naive softmax (batch size 256, seed 0)?",
        "zh": "学习率为 1、使用朴素版 softmax（批量大小 256，种子 0）时会发生什么？",
    },
    "poll.q.lr1_naive.opt.breaks": {
        "en": "It breaks down in epoch 1: the loss turns into inf/NaN",
        "zh": "在第 1 个迭代周期崩溃：损失变成 inf/NaN",
    },
    "poll.q.lr1_naive.opt.trains": {
        "en": "It trains normally, to about 0.8 test accuracy",
        "zh": "正常训练，测试精度达到 0.8 左右",
    },
    "poll.q.lr1_naive.opt.slow": {
        "en": "It trains, but the loss goes down very slowly",
        "zh": "可以训练，但损失下降得很慢",
    },
    "poll.q.lr1_naive.opt.later": {
        "en": "It trains for a few epochs, then breaks down",
        "zh": "先训练几个迭代周期，之后才崩溃",
    },
    "poll.q.lr1_naive.why.breaks": {
        "en": "Right: in minibatch 4 of epoch 1 a true class's probability rounds to 0 in "
        "float32, and −log(0) = inf.",
        "zh": "正确：在第 1 个迭代周期的第 4 个小批量中，某个真实类别的概率在 float32 中下溢为 0，"
        "而 −log(0) = inf。",
    },
    "poll.q.lr1_naive.why.trains": {
        "en": "That is the stable softmax at lr 1. The naive one computes a probability first, "
        "and one rounds to 0 before the log.",
        "zh": "这是稳定版 softmax 在学习率 1 时的结果。朴素版先算出概率，其中一个在取 log 之前就下溢为 0。",
    },
    "poll.q.lr1_naive.why.slow": {
        "en": "A large learning rate takes large steps, not slow ones: the logits spread apart "
        "within a few minibatches.",
        "zh": "大学习率迈的是大步，不是慢步：几个小批量之内 logit 就拉得很开。",
    },
    "poll.q.lr1_naive.why.later": {
        "en": "The steps are large from the first minibatch: it does not last to epoch 2 "
        "(with seed 0 it fails in minibatch 4).",
        "zh": "从第一个小批量起步子就很大：撑不到第 2 个迭代周期（种子为 0 时在第 4 个小批量就失败了）。",
    },
    "poll.runs.none.lr1_naive": {
        "en": "Nobody in the class has trained at lr 1 with the naive softmax yet: try it on "
        "the Train page.",
        "zh": "班里还没有人用学习率 1 和朴素版 softmax 训练过：去训练页面试试。",
    },
    # ---- built-in question 2: which softmax survives lr 1 --------------------------------------
    "poll.q.lr1_which.text": {
        "en": "Which softmax keeps training at learning rate 1?",
        "zh": "学习率为 1 时，哪种 softmax 能继续训练？",
    },
    "poll.q.lr1_which.opt.naive": {
        "en": "The naive one (the book's)",
        "zh": "朴素版（书中的）",
    },
    "poll.q.lr1_which.opt.stable": {
        "en": "The stable one (max subtracted, log-sum-exp)",
        "zh": "稳定版（减去最大值，LogSumExp）",
    },
    "poll.q.lr1_which.opt.both": {"en": "Both", "zh": "两种都可以"},
    "poll.q.lr1_which.opt.neither": {"en": "Neither", "zh": "两种都不行"},
    "poll.q.lr1_which.why.stable": {
        "en": "Right: it computes the loss straight from the logits and never rounds a "
        "probability to 0, so it trains to about 0.8.",
        "zh": "正确：它直接从 logit 计算损失，从不把概率舍入为 0，所以能训练到 0.8 左右。",
    },
    "poll.q.lr1_which.why.naive": {
        "en": "The naive one breaks down in epoch 1: a probability underflows to 0 and its log "
        "is −inf.",
        "zh": "朴素版在第 1 个迭代周期就崩溃：有个概率下溢为 0，它的 log 是 −inf。",
    },
    "poll.q.lr1_which.why.both": {
        "en": "The naive one breaks down in epoch 1 (log of a probability that rounded to 0); "
        "only the stable one goes on.",
        "zh": "朴素版在第 1 个迭代周期崩溃（对下溢为 0 的概率取 log）；只有稳定版能继续。",
    },
    "poll.q.lr1_which.why.neither": {
        "en": "The same loss computed the stable way has no inf or NaN at lr 1: the breakdown "
        "is numerical, not the optimisation failing.",
        "zh": "用稳定版的方式计算同一个损失，在学习率 1 时不会出现 inf 或 NaN：崩溃是数值问题，而不是优化失败。",
    },
    "poll.runs.none.lr1_which": {
        "en": "Nobody in the class has trained at lr 1 yet: try both softmaxes on the Train page.",
        "zh": "班里还没有人用学习率 1 训练过：去训练页面把两种 softmax 都试试。",
    },
    # ---- built-in question 3: always "T-shirt/top" ----------------------------------------------
    "poll.q.tshirt.text": {
        "en": "What test accuracy does a model get that answers 'T-shirt/top' for every image?",
        "zh": "一个对每张图像都回答“T恤”的模型，测试精度是多少？",
    },
    "poll.q.tshirt.opt.zero": {"en": "0", "zh": "0"},
    "poll.q.tshirt.opt.tenth": {"en": "0.1", "zh": "0.1"},
    "poll.q.tshirt.opt.half": {"en": "0.5", "zh": "0.5"},
    "poll.q.tshirt.opt.trained": {
        "en": "About 0.8, like a trained model",
        "zh": "0.8 左右，和训练好的模型一样",
    },
    "poll.q.tshirt.why.tenth": {
        "en": "Right: the 10,000 test images hold 1,000 of each class, and the 1,000 "
        "T-shirts/tops are all right. A run whose W turned NaN does exactly this.",
        "zh": "正确：10,000 张测试图像中每个类别各 1,000 张，那 1,000 张 T恤全都答对。W 变成 NaN 的训练记录正是如此。",
    },
    "poll.q.tshirt.why.zero": {
        "en": "Every T-shirt/top image is answered right: 1,000 of the 10,000 test images.",
        "zh": "每张 T恤图像都答对了：10,000 张测试图像中有 1,000 张。",
    },
    "poll.q.tshirt.why.half": {
        "en": "There are ten classes, not two, and the test set holds as many images of each.",
        "zh": "类别有十个而不是两个，测试集中每个类别的图像数量一样多。",
    },
    "poll.q.tshirt.why.trained": {
        "en": "A constant answer looks at no pixel: it learns nothing, so it is right only "
        "for the one class it names.",
        "zh": "固定的回答不看任何像素：它什么也没学到，只对它说的那一个类别正确。",
    },
    "poll.runs.none.tshirt": {
        "en": "No run of the class has broken down yet. A run whose W turned NaN answers class 0 "
        "(T-shirt/top) for every image: try lr 1 with the naive softmax.",
        "zh": "班里还没有训练记录出现数值崩溃。W 变成 NaN 的训练记录对每张图像都回答类别 0（T恤）："
        "试试学习率 1 和朴素版 softmax。",
    },
    # ---- built-in question 4: the loss at the start ----------------------------------------------
    "poll.q.start_loss.text": {
        "en": "With W = 0 and b = 0 (10 classes), what is the cross-entropy loss before training?",
        "zh": "W = 0、b = 0（10 个类别）时，训练前的交叉熵损失是多少？",
    },
    "poll.q.start_loss.opt.zero": {"en": "0", "zh": "0"},
    "poll.q.start_loss.opt.tenth": {"en": "0.1", "zh": "0.1"},
    "poll.q.start_loss.opt.ln10": {"en": "log 10 ≈ 2.303", "zh": "log 10 ≈ 2.303"},
    "poll.q.start_loss.opt.ten": {"en": "10", "zh": "10"},
    "poll.q.start_loss.why.ln10": {
        "en": "Right: all logits are 0, so softmax gives every class 1/10, and −log(1/10) = "
        "log 10 ≈ 2.303.",
        "zh": "正确：所有 logit 都是 0，softmax 给每个类别 1/10，而 −log(1/10) = log 10 ≈ 2.303。",
    },
    "poll.q.start_loss.why.zero": {
        "en": "A loss of 0 needs probability 1 for the true class; with W = 0 every class gets "
        "only 1/10.",
        "zh": "损失为 0 要求真实类别的概率为 1；W = 0 时每个类别只有 1/10。",
    },
    "poll.q.start_loss.why.tenth": {
        "en": "0.1 is the true class's probability, not its loss: the loss is −log(0.1).",
        "zh": "0.1 是真实类别的概率，而不是损失：损失是 −log(0.1)。",
    },
    "poll.q.start_loss.why.ten": {
        "en": "The loss is −log p, not 1/p: −log(1/10) is about 2.3.",
        "zh": "损失是 −log p，不是 1/p：−log(1/10) 约为 2.3。",
    },
    "poll.runs.none.start_loss": {
        "en": "No run of the class has an epoch 0 yet: train one on the Train page.",
        "zh": "班里还没有带第 0 个迭代周期的训练记录：去训练页面训练一次。",
    },
    # ---- the runs that answer a question --------------------------------------------------------
    "poll.runs.sep": {"en": " ", "zh": ""},  # between the sentences of a summary
    "poll.runs.header": {"en": "What the class's runs say", "zh": "班级的训练记录怎么说"},
    "poll.runs.fate": {
        "en": "{n} of the class's runs answer this; {broke} broke down.",
        "zh": "班里有 {n} 条训练记录可以回答这个问题；其中 {broke} 条出现数值崩溃。",
    },
    "poll.runs.broke_in": {
        "en": "They broke down in epoch {epochs}.",
        "zh": "它们在第 {epochs} 个迭代周期崩溃。",
    },
    "poll.runs.broke_acc": {
        "en": "Their test accuracy: {low:.4f} to {high:.4f}.",
        "zh": "它们的测试精度：{low:.4f} 到 {high:.4f}。",
    },
    "poll.runs.acc": {
        "en": "The others ended at test accuracy {low:.4f} to {high:.4f}.",
        "zh": "其余训练的最终测试精度为 {low:.4f} 到 {high:.4f}。",
    },
    "poll.runs.start_loss": {
        "en": "The class's {n} runs started (epoch 0, W drawn near 0) at a train loss of "
        "{low:.4f} to {high:.4f}.",
        "zh": "班里的 {n} 条训练记录在开始时（第 0 个迭代周期，W 取接近 0 的随机值）训练损失为 "
        "{low:.4f} 到 {high:.4f}。",
    },
    "poll.runs.col.student": {"en": "student", "zh": "学生"},
    "poll.runs.col.run": {"en": "run", "zh": "训练记录"},
    "poll.runs.col.lr": {"en": "lr", "zh": "学习率"},
    "poll.runs.col.softmax": {"en": "softmax", "zh": "softmax"},
    "poll.runs.col.fate": {"en": "what happened", "zh": "结果"},
    "poll.runs.col.start_loss": {"en": "loss at epoch 0", "zh": "第 0 个迭代周期的损失"},
    "poll.runs.typed": {
        "en": "A typed question has no runs tied to it: the class's runs are on the board below.",
        "zh": "自己输入的问题没有对应的训练记录：班级的训练记录在下方看板上。",
    },
    "poll.fate.breakdown": {
        "en": "broke down in epoch {epoch} (test accuracy {acc})",
        "zh": "在第 {epoch} 个迭代周期崩溃（测试精度 {acc}）",
    },
    "poll.fate.done": {
        "en": "trained {epochs} epochs: test accuracy {acc}",
        "zh": "训练了 {epochs} 个迭代周期：测试精度 {acc}",
    },
    "poll.fate.stopped": {
        "en": "stopped after {epochs} epochs: test accuracy {acc}",
        "zh": "在 {epochs} 个迭代周期后停止：测试精度 {acc}",
    },
    "poll.fate.diverged": {
        "en": "the loss grew over {epochs} epochs: test accuracy {acc}",
        "zh": "{epochs} 个迭代周期中损失上升：测试精度 {acc}",
    },
    "poll.fate.running": {"en": "still training", "zh": "仍在训练"},
    # ---- the poll on the board -------------------------------------------------------------------
    "poll.header": {"en": "Class poll", "zh": "课堂投票"},
    "poll.ask.header": {"en": "Ask the class a question", "zh": "向全班提问"},
    "poll.ask.explain": {
        "en": "Students answer on their class board page. Nobody sees the answers, you neither, "
        "until you reveal them; then the board shows the distribution and the class's own "
        "runs that answer the question.",
        "zh": "学生在自己的班级看板页面上作答。在你公布之前，谁都看不到答案（你也看不到）；公布后，"
        "看板会显示答案分布，以及班级中能回答这个问题的训练记录。",
    },
    "poll.ask.pick": {"en": "Question", "zh": "问题"},
    "poll.ask.typed": {"en": "Type your own question", "zh": "自己输入问题"},
    "poll.ask.question": {"en": "Your question", "zh": "你的问题"},
    "poll.ask.question_help": {
        "en": "Plain text, at most {n} characters.",
        "zh": "纯文本，最多 {n} 个字符。",
    },
    "poll.ask.options": {
        "en": "Options, one per line ({low} to {high})",
        "zh": "选项，每行一个（{low} 到 {high} 个）",
    },
    "poll.ask.options_help": {
        "en": "Plain text, at most {n} characters each.",
        "zh": "纯文本，每个最多 {n} 个字符。",
    },
    "poll.ask.preview": {"en": "The options:", "zh": "选项："},
    "poll.ask.button": {"en": "Ask the class", "zh": "发出问题"},
    "poll.ask.replaces": {
        "en": "Asking closes the poll that is open now.",
        "zh": "提问会关闭当前正在进行的投票。",
    },
    "poll.asked": {"en": "The question is asked.", "zh": "问题已发出。"},
    "poll.typed.empty_question": {
        "en": "Type the question first.",
        "zh": "请先输入问题。",
    },
    "poll.typed.question_too_long": {
        "en": "The question is too long: at most {question} characters.",
        "zh": "问题太长了：最多 {question} 个字符。",
    },
    "poll.typed.too_few": {
        "en": "Give at least {low} options, one per line.",
        "zh": "请至少给出 {low} 个选项，每行一个。",
    },
    "poll.typed.too_many": {
        "en": "At most {high} options.",
        "zh": "最多 {high} 个选项。",
    },
    "poll.typed.option_too_long": {
        "en": "An option is too long: at most {option} characters each.",
        "zh": "有个选项太长了：每个最多 {option} 个字符。",
    },
    "poll.typed.repeated": {
        "en": "Two options are the same: each option once.",
        "zh": "有两个选项相同：每个选项只写一次。",
    },
    "poll.answered": {
        "en": "{n} of {students} students answered",
        "zh": "{students} 名学生中已有 {n} 名作答",
    },
    "poll.hidden": {
        "en": "The answers stay hidden until the teacher reveals them.",
        "zh": "在老师公布之前，答案保持隐藏。",
    },
    "poll.reveal": {"en": "Reveal the answers", "zh": "公布答案"},
    "poll.close": {"en": "Close the poll", "zh": "关闭投票"},
    "poll.close.help": {
        "en": "Takes the poll off everyone's board.",
        "zh": "从所有人的看板上移除这次投票。",
    },
    "poll.your_answer": {"en": "Your answer", "zh": "你的答案"},
    "poll.send": {"en": "Send my answer", "zh": "提交答案"},
    "poll.change": {"en": "Change my answer", "zh": "修改答案"},
    "poll.saved": {
        "en": "Your answer is in: {option}. You can change it until the teacher reveals the "
        "answers.",
        "zh": "已收到你的答案：{option}。在老师公布答案之前，你都可以修改。",
    },
    "poll.pick_first": {"en": "Pick an option first.", "zh": "请先选择一个选项。"},
    "poll.results": {"en": "The class's answers", "zh": "全班的答案"},
    "poll.right": {"en": "Right answer: {option}", "zh": "正确答案：{option}"},
    "poll.why_wrong": {"en": "Why the others are wrong", "zh": "其他选项为什么错"},
    "poll.mine.right": {"en": "You answered {option} — right.", "zh": "你的答案：{option}——正确。"},
    "poll.mine.wrong": {
        "en": "You answered {option} — not this time.",
        "zh": "你的答案：{option}——这次不对。",
    },
    "poll.mine.typed": {"en": "You answered {option}.", "zh": "你的答案：{option}。"},
    "poll.mine.none": {
        "en": "You did not answer this one.",
        "zh": "这道题你没有作答。",
    },
    "poll.col.option": {"en": "option", "zh": "选项"},
    "poll.col.answers": {"en": "answers", "zh": "人数"},
    "poll.col.share": {"en": "share", "zh": "占比"},
    "poll.chart.right": {"en": "right answer", "zh": "正确答案"},
    "poll.chart.other": {"en": "other option", "zh": "其他选项"},
    "poll.describe": {
        "en": "Poll answers, {n} in all: {parts}.",
        "zh": "投票答案，共 {n} 份：{parts}。",
    },
    "poll.describe.option": {
        "en": "{option}: {n} ({pct:.0f}%)",
        "zh": "{option}：{n}（{pct:.0f}%）",
    },
    "poll.describe.right": {"en": "Right answer: {option}.", "zh": "正确答案：{option}。"},
    "poll.sidebar": {
        "en": "Your teacher asked a question: answer it on the class board.",
        "zh": "老师提了一个问题：请在班级看板上作答。",
    },
    "poll.sidebar.link": {"en": "Answer the poll", "zh": "去投票"},
    # ---- refusals (lib/store/polls.py POLL_REASONS) --------------------------------------------
    "poll.error.no_poll": {
        "en": "This poll is closed: the teacher has asked another question or ended it.",
        "zh": "这次投票已关闭：老师提了新问题或结束了投票。",
    },
    "poll.error.revealed": {
        "en": "The answers are revealed: answers can no longer change.",
        "zh": "答案已公布：不能再修改答案了。",
    },
    "poll.error.not_member": {
        "en": "Only students of this class can answer: join it with its code first.",
        "zh": "只有这个班级的学生可以作答：请先用班级代码加入。",
    },
    "poll.error.bad_choice": {
        "en": "That is not one of the options.",
        "zh": "这不是其中的选项。",
    },
    "poll.error.bad_question": {
        "en": "The question could not be asked: check its text and options.",
        "zh": "无法发出这个问题：请检查问题和选项。",
    },
}
