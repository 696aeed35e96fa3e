"""Strings of the class board page (lessons/class_board.py) and its chart."""

STRINGS = {
    "nav.class_board": {"en": "Class board", "zh": "班级看板"},
    "class_board.title": {"en": "Class board", "zh": "班级看板"},
    "class_board.intro": {
        "en": "Everyone trains with other settings; every run a student finishes or stops lands "
        "here, on one chart and one table. Which learning rates work, and which break the "
        "book's softmax?",
        "zh": "每个人用不同的设置训练；学生完成或停止的每条训练记录都会出现在这里的同一张图和同一张表中。"
        "哪些学习率有效？哪些会让书中的 softmax 数值崩溃？",
    },
    # ---- not in a class yet
    "class_board.none": {
        "en": "You are not in a class. Join one with the code your teacher shows, or start one.",
        "zh": "你还没有加入班级。输入老师展示的代码加入，或者自己创建一个班级。",
    },
    "class_board.join.header": {"en": "Join a class", "zh": "加入班级"},
    "class_board.join.code": {"en": "Class code", "zh": "班级代码"},
    "class_board.join.code_help": {
        "en": "Six letters and digits, e.g. K7PX3Q (case and dashes do not matter).",
        "zh": "六个字母和数字，例如 K7PX3Q（不区分大小写，可以带短横线）。",
    },
    "class_board.join.button": {"en": "Find this class", "zh": "查找这个班级"},
    "class_board.join.empty": {"en": "Type the class code first.", "zh": "请先输入班级代码。"},
    "class_board.start.header": {"en": "Teaching? Start a class", "zh": "你是老师？创建一个班级"},
    "class_board.start.explain": {
        "en": "You get a join code and a link for the students, and a private teacher link that "
        "opens this board with the teacher's controls (no account needed).",
        "zh": "你会得到给学生的加入代码和链接，以及一个私密的老师链接：用它打开这个看板即可使用老师的"
        "操作（不需要账号）。",
    },
    "class_board.start.title": {"en": "Title (optional)", "zh": "标题（可选）"},
    "class_board.start.title_help": {
        "en": "Shown to the students, e.g. Monday 10:00.",
        "zh": "学生可以看到，例如“周一 10:00”。",
    },
    "class_board.start.button": {"en": "Start a class", "zh": "创建班级"},
    "class_board.start.another": {"en": "Start another class", "zh": "再创建一个班级"},
    "class_board.started": {
        "en": "Class {code} started. Show the code (or the join link) to the students. This "
        "browser stays the teacher (reloads and server restarts too); on another computer, "
        "open the teacher link (under Teacher link, close or delete).",
        "zh": "班级 {code} 已创建。把代码（或加入链接）给学生看。这个浏览器会一直是老师（刷新页面或服务器重启后"
        "也是）；在另一台电脑上，请打开老师链接（在“老师链接、关闭或删除”中）。",
    },
    # ---- the teacher's header
    "class_board.code": {"en": "Join code", "zh": "加入代码"},
    "class_board.class_title": {"en": "Title", "zh": "标题"},
    "class_board.join_link": {"en": "Join link for the students", "zh": "给学生的加入链接"},
    "class_board.teacher_link.show": {
        "en": "Show the teacher link (private)",
        "zh": "显示老师链接（私密）",
    },
    "class_board.teacher_link.note": {
        "en": "Whoever opens this link gets the teacher's controls of this class: open it on "
        "your other computer (the projector's), and do not share it. If it leaked, make a new "
        "one.",
        "zh": "打开这个链接的人可以使用这个班级的老师操作：请只在你自己的另一台电脑（例如投影电脑）上打开，"
        "不要分享。如果泄露了，请生成新链接。",
    },
    "class_board.rotate": {
        "en": "Make a new teacher link (the old one stops working)",
        "zh": "生成新的老师链接（旧链接失效）",
    },
    "class_board.rotate.help": {
        "en": "Every other browser that has the teacher's controls (through the old link) "
        "loses them within seconds; this browser keeps them.",
        "zh": "其他通过旧链接获得老师操作的浏览器会在几秒内失去它们；这个浏览器保留。",
    },
    "class_board.rotated": {
        "en": "New teacher link made. The old link, and every other browser that opened it, "
        "no longer have the teacher's controls.",
        "zh": "已生成新的老师链接。旧链接以及用它打开过的其他浏览器都不再拥有老师操作。",
    },
    "class_board.which": {"en": "Your class", "zh": "你的班级"},
    "class_board.teach.adopted": {
        "en": "You have the teacher's controls of class {code}.",
        "zh": "你现在可以使用班级 {code} 的老师操作。",
    },
    "class_board.teach.bad": {
        "en": "This teacher link is not valid (wrong, cut short, or its class was deleted):",
        "zh": "这个老师链接无效（有误、不完整，或者班级已被删除）：",
    },
    # ---- a student's header
    "class_board.member": {
        "en": "You are in class {code} and post your runs as:",
        "zh": "你在班级 {code} 中，你的训练记录以这个名字发布：",
    },
    "class_board.member.train": {
        "en": "Train a run: it appears here when it ends.",
        "zh": "去训练一次：训练结束后，这条训练记录会出现在这里。",
    },
    # ---- states and errors
    "class_board.down": {
        "en": "The class board cannot be reached right now (the database is not answering). "
        "This page tries again by itself.",
        "zh": "暂时无法读取班级看板（数据库没有响应）。这个页面会自动重试。",
    },
    "class_board.error": {"en": "That did not work:", "zh": "操作没有成功："},
    "class_board.gone": {
        "en": "This class no longer exists (its teacher deleted it).",
        "zh": "这个班级已不存在（老师已将其删除）。",
    },
    "class_board.refresh": {
        "en": "Updates by itself every {seconds} seconds.",
        "zh": "每 {seconds} 秒自动更新。",
    },
    # ---- the board
    "class_board.students": {"en": "Students", "zh": "学生"},
    "class_board.runs": {"en": "Runs", "zh": "训练记录数"},
    "class_board.broken_count": {"en": "Broke down (inf/NaN)", "zh": "数值崩溃（inf/NaN）"},
    "class_board.best_acc": {"en": "Best test acc", "zh": "最高测试精度"},
    "class_board.empty": {
        "en": "No runs on the board yet. Each run a student finishes or stops appears here by "
        "itself within a few seconds.",
        "zh": "看板上还没有训练记录。学生完成或停止的每条训练记录都会在几秒内自动出现在这里。",
    },
    "class_board.chart.caption": {
        "en": "One point per run: its final test accuracy against its learning rate (log "
        "scale). Colour: softmax; shape: framework.",
        "zh": "每个点是一条训练记录：最终测试精度与学习率（对数刻度）的关系。颜色表示 softmax 版本，"
        "形状表示框架。",
    },
    "class_board.broken": {
        "en": "{n} runs broke down (the loss became inf/NaN) and have no accuracy to plot; they "
        "are drawn on their own row. Learning rates: {lrs}.",
        "zh": "{n} 条训练记录出现数值崩溃（损失变成 inf/NaN），没有可画的精度，单独画在下面一行。"
        "学习率：{lrs}。",
    },
    "class_board.broken.one": {
        "en": "1 run broke down (the loss became inf/NaN) and has no accuracy to plot; it is "
        "drawn on its own row. Learning rate: {lrs}.",
        "zh": "1 条训练记录出现数值崩溃（损失变成 inf/NaN），没有可画的精度，单独画在下面一行。"
        "学习率：{lrs}。",
    },
    "class_board.table": {"en": "All runs", "zh": "全部训练记录"},
    "class_board.col.best": {"en": "best", "zh": "最佳"},
    "class_board.col.student": {"en": "student", "zh": "学生"},
    "class_board.curves": {"en": "Curves of chosen runs", "zh": "所选训练记录的曲线"},
    "class_board.curves.pick": {"en": "Runs to compare", "zh": "要比较的训练记录"},
    "class_board.curves.follow": {"en": "Follow the newest runs", "zh": "跟随最新的训练记录"},
    "class_board.curves.follow_help": {
        "en": "On: each new run joins the curves by itself (8 at most, the oldest go first). "
        "Off: only the runs you pick.",
        "zh": "开启：每条新的训练记录自动加入曲线（最多 8 条，最早的先移出）。关闭：只显示你选择的训练记录。",
    },
    "class_board.hidden_name": {"en": "Student {k}", "zh": "学生 {k}"},
    "class_board.chart.lr": {"en": "learning rate (log scale)", "zh": "学习率（对数刻度）"},
    "class_board.chart.acc": {"en": "final test accuracy", "zh": "最终测试精度"},
    "class_board.chart.softmax": {"en": "softmax", "zh": "softmax"},
    "class_board.chart.framework": {"en": "framework", "zh": "框架"},
    "class_board.chart.broken": {"en": "broke down", "zh": "数值崩溃"},
    "class_board.chart.student": {"en": "student", "zh": "学生"},
    # ---- the teacher's controls
    "class_board.teacher": {
        "en": "Teacher link, close or delete",
        "zh": "老师链接、关闭或删除",
    },
    "class_board.members": {"en": "Students ({n})", "zh": "学生（{n}）"},
    "class_board.members.one": {"en": "Students (1)", "zh": "学生（1）"},
    "class_board.members.none": {"en": "No student has joined yet.", "zh": "还没有学生加入。"},
    "class_board.member.pick": {"en": "Student to remove", "zh": "要移出的学生"},
    "class_board.member.placeholder": {"en": "Choose a student", "zh": "选择一个学生"},
    "class_board.member.runs": {"en": "{n} runs on the board", "zh": "看板上 {n} 条训练记录"},
    "class_board.member.runs.one": {"en": "1 run on the board", "zh": "看板上 1 条训练记录"},
    "class_board.member.left": {"en": "left", "zh": "已离开"},
    "class_board.member.confirm": {
        "en": "Yes, remove this student and take their runs off the board (they cannot join "
        "again; their runs stay theirs)",
        "zh": "是的，移出这个学生并把其训练记录从看板上移除（该学生不能再加入；训练记录仍归其所有）",
    },
    "class_board.member.button": {"en": "Remove from the class", "zh": "移出班级"},
    "class_board.member.removed": {
        "en": "The student was removed; {n} runs left the board.",
        "zh": "已移出这个学生；{n} 条训练记录已从看板上移除。",
    },
    "class_board.member.removed.one": {
        "en": "The student was removed; 1 run left the board.",
        "zh": "已移出这个学生；1 条训练记录已从看板上移除。",
    },
    "class_board.hide": {"en": "Hide names (for the projector)", "zh": "隐藏名字（用于投影）"},
    "class_board.hide_help": {
        "en": "Everyone sees Student 1, Student 2, … in the order they joined, until you turn "
        "this off.",
        "zh": "在你关闭之前，所有人看到的名字都是“学生 1、学生 2……”（按加入顺序）。",
    },
    "class_board.csv": {"en": "Download the class's runs (CSV)", "zh": "下载全班训练记录（CSV）"},
    "class_board.remove.pick": {"en": "Run to take off the board", "zh": "要移出看板的训练记录"},
    "class_board.remove.placeholder": {"en": "Choose a run", "zh": "选择一条训练记录"},
    "class_board.curves.placeholder": {"en": "Choose runs", "zh": "选择训练记录"},
    "class_board.remove.button": {"en": "Remove from the board", "zh": "从看板上移除"},
    "class_board.removed": {
        "en": "The run was taken off the board (the student still has it).",
        "zh": "这条训练记录已从看板上移除（学生自己仍然保留它）。",
    },
    "class_board.close.button": {"en": "Close the class", "zh": "关闭班级"},
    "class_board.close.help": {
        "en": "No new students and no new runs after this; the board stays readable. It cannot "
        "be reopened.",
        "zh": "关闭后不再接受新学生和新的训练记录，看板仍可查看。关闭后无法重新打开。",
    },
    "class_board.close.confirm": {"en": "Yes, close class {code}", "zh": "是的，关闭班级 {code}"},
    "class_board.closed_now": {"en": "Class {code} is closed.", "zh": "班级 {code} 已关闭。"},
    "class_board.delete.confirm": {
        "en": "Yes, delete class {code} and its board",
        "zh": "是的，删除班级 {code} 及其看板",
    },
    "class_board.delete.button": {"en": "Delete the class", "zh": "删除班级"},
    "class_board.deleted": {
        "en": "Class {code} was deleted. Its students keep their own runs.",
        "zh": "班级 {code} 已删除。学生仍然保留他们自己的训练记录。",
    },
    "class_board.csv.failed": {
        "en": "could not read the class's runs; try again",
        "zh": "无法读取班级的训练记录，请重试",
    },
}
