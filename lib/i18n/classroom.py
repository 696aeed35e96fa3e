"""Strings of the shared classroom frame: storage, identity, joining a class."""

STRINGS = {
    "store.down": {
        "en": "Your runs are not being saved right now (the database cannot be reached). Keep "
        "working: they are kept here and saved as soon as it is back.",
        "zh": "你的训练记录暂时没有被保存（无法连接数据库）。可以继续使用：它们先保留在这里，数据库恢复后会立即"
        "保存。",
    },
    "store.recreated.one": {
        "en": "The database file on the server was deleted or replaced. It was created again, "
        "and your run in this tab was saved into it again.",
        "zh": "服务器上的数据库文件被删除或替换了。它已重新创建，这个标签页中你的 1 条训练记录已重新保存到其中。",
    },
    "store.recreated": {
        "en": "The database file on the server was deleted or replaced. It was created again, "
        "and your {n} runs in this tab were saved into it again.",
        "zh": "服务器上的数据库文件被删除或替换了。它已重新创建，这个标签页中你的 {n} 条训练记录已重新保存"
        "到其中。",
    },
    "store.too_many": {
        "en": "This run was not saved: you already have {limit} saved runs. Delete some old ones "
        "(Train page, or all of them in the sidebar) to save new ones.",
        "zh": "这条训练记录没有保存：你已经保存了 {limit} 条训练记录。请删除一些旧的训练记录（在训练页"
        "面，或在侧边栏中全部删除）后再保存新的。",
    },
    "store.refused": {
        "en": "The database refused to save this run:",
        "zh": "数据库拒绝保存这条训练记录：",
    },
    "me.header": {"en": "Your runs on another device", "zh": "在其他设备上使用你的训练记录"},
    "me.explain": {
        "en": "This browser keeps your runs under a random identity (no account). Open your "
        "personal link on another device to see them there.",
        "zh": "这个浏览器用一个随机身份保存你的训练记录（不需要账号）。在其他设备上打开你的个人链接即可看到它们"
        "。",
    },
    "me.show": {"en": "Show my personal link", "zh": "显示我的个人链接"},
    "me.private": {
        "en": "Keep it private: whoever opens it sees and can delete your runs. The part after "
        "me= is also your personal code. If it leaked, make a new link: the old one stops "
        "working.",
        "zh": "请勿分享：打开它的人可以看到并删除你的训练记录。me= 后面的部分也是你的个人代码。"
        "如果链接泄露了，请生成新链接：旧链接将失效。",
    },
    "me.renew": {
        "en": "Make a new link (the old one stops working)",
        "zh": "生成新链接（旧链接失效）",
    },
    "me.renewed": {
        "en": "New link made. The old link, and any other browser that opened it, no longer "
        "reach your runs: open the new link there.",
        "zh": "已生成新链接。旧链接以及用它打开过的其他浏览器都无法再访问你的训练记录：请在那里打开新链接。",
    },
    "me.bad_link": {
        "en": "This personal link does not work (any more): it was mistyped, or a newer link "
        "replaced it. Nothing was changed in this browser.",
        "zh": "这个个人链接无效（或已失效）：可能输入有误，或已被更新的链接取代。这个浏览器没有任何改变。",
    },
    "me.offer.title": {"en": "Open these runs here?", "zh": "在这里打开这些训练记录？"},
    "me.offer.body": {
        "en": "You opened a personal link. It belongs to a browser with {n} saved runs. Only "
        "continue if it is your own link: whoever sent it would see everything you do here.",
        "zh": "你打开了一个个人链接，它属于一个已保存 {n} 条训练记录的浏览器。只有当这是你自己的链接时才继"
        "续：发送链接的人将能看到你在这里做的一切。",
    },
    "me.offer.mine.one": {
        "en": "This browser now shows 1 run of its own. It stays saved, but this browser "
        "will no longer show it: keep its personal link first if you want it back.",
        "zh": "这个浏览器现在有自己的 1 条训练记录。它仍会保存，但这个浏览器将不再显示它："
        "如果以后还想看到，请先保存它的个人链接。",
    },
    "me.offer.mine": {
        "en": "This browser now shows {n} runs of its own. They stay saved, but this browser "
        "will no longer show them: keep its personal link first if you want them back.",
        "zh": "这个浏览器现在有自己的 {n} 条训练记录。它们仍会保存，但这个浏览器将不再显示它们："
        "如果以后还想看到，请先保存它的个人链接。",
    },
    "me.offer.none_here": {
        "en": "This browser has no runs of its own yet: nothing here is lost.",
        "zh": "这个浏览器还没有自己的训练记录：不会丢失任何东西。",
    },
    "me.offer.switch": {"en": "Yes, use the link's runs", "zh": "是的，使用链接中的训练记录"},
    "me.offer.keep": {"en": "No, keep this browser as it is", "zh": "不，保持这个浏览器不变"},
    "me.too_many_new": {
        "en": "Too many new visitors from your network in the last few minutes. Wait a few "
        "minutes, then reload this page.",
        "zh": "最近几分钟内来自你所在网络的新访问者太多。请等几分钟后重新加载本页。",
    },
    "me.paste": {"en": "Have a personal code? Paste it here", "zh": "有个人代码？粘贴到这里"},
    "me.bad_code": {
        "en": "That is not a current personal code: copy it again from your personal link "
        "(the part after me=), or paste the whole link.",
        "zh": "这不是有效的个人代码：请从你的个人链接中重新复制（me= 后面的部分），或粘贴整个链接。",
    },
    "me.adopted.one": {
        "en": "This browser now shows the runs of your personal link (1 run).",
        "zh": "这个浏览器现在显示你个人链接中的训练记录（共 1 条）。",
    },
    "me.adopted": {
        "en": "This browser now shows the runs of your personal link ({n} runs).",
        "zh": "这个浏览器现在显示你个人链接中的训练记录（共 {n} 条）。",
    },
    "me.delete_all.confirm": {
        "en": "Yes, delete all {n} of my runs",
        "zh": "是的，删除我全部 {n} 条训练记录",
    },
    "me.delete_all": {"en": "Delete all my runs", "zh": "删除我的全部训练记录"},
    "class.member": {"en": "Class {code}, as:", "zh": "班级 {code}，你的名字："},
    "class.join.header": {"en": "Join class **{code}**", "zh": "加入班级 **{code}**"},
    "class.join.name": {"en": "Your name on the class board", "zh": "你在班级看板上的名字"},
    "class.join.name_help": {
        "en": "Any name, up to 40 characters; leave it empty for a generated one.",
        "zh": "任意名字，最多 40 个字符；留空则自动生成一个。",
    },
    "class.join.button": {"en": "Join", "zh": "加入"},
    "class.join.dismiss": {"en": "Continue without joining", "zh": "不加入，继续"},
    "class.join.unknown": {
        "en": "There is no class with this code:",
        "zh": "没有使用这个代码的班级：",
    },
    "class.join.malformed": {
        "en": "This is not a class code (six letters and digits, e.g. K7PX3Q):",
        "zh": "这不是班级代码（六个字母和数字，例如 K7PX3Q）：",
    },
    "class.join.closed": {
        "en": "This class is closed: it takes no new students, and new runs are no longer "
        "posted to its board (they are still saved for whoever trained them).",
        "zh": "这个班级已关闭：不再接受新学生，新的训练记录也不再发布到班级看板（训练者自己仍会保存它们）。",
    },
    "class.join.full": {
        "en": "This class is full: it has as many students as this server allows in one class. "
        "Ask your teacher.",
        "zh": "这个班级已满：学生人数已达到服务器允许的每班上限。请询问你的老师。",
    },
    "class.join.removed": {
        "en": "The teacher removed you from this class, so you cannot join it again. Your runs "
        "are still yours.",
        "zh": "老师已将你移出这个班级，你不能再次加入。你的训练记录仍然属于你。",
    },
    "class.join.unknown_member": {
        "en": "This student is no longer in the class.",
        "zh": "这个学生已不在班级中。",
    },
    "class.joined": {
        "en": "You joined class {code}. Your name on its board:",
        "zh": "你已加入班级 {code}。你在班级看板上的名字：",
    },
    "class.joined.next": {
        "en": "Every run you finish or stop from now on is posted to the class board. "
        "Leave the class to stop posting.",
        "zh": "从现在起，你完成或停止的每条训练记录都会发布到班级看板。离开班级即可停止发布。",
    },
    "class.leave": {"en": "Leave the class", "zh": "离开班级"},
    "class.leave.help": {
        "en": "Your new runs are no longer posted; runs already on the board stay there.",
        "zh": "你之后的训练记录不再发布；已在看板上的训练记录保留。",
    },
    "class.left": {
        "en": "You left the class. Your runs stay yours.",
        "zh": "你已离开班级。你的训练记录仍然属于你。",
    },
    "class.closed.run": {
        "en": "This run is saved for you, but not posted to the board of class {code}: "
        "the class is closed.",
        "zh": "这条训练记录已为你保存，但没有发布到班级 {code} 的看板：这个班级已关闭。",
    },
    "class.link.local": {
        "en": "Students cannot open this link: it points at this computer itself (localhost). "
        "Either open this page at the computer's network address (e.g. "
        "`http://192.168.1.20:8501/class`, which the students then reach too), or start the "
        "server with SOFTMAX_PUBLIC_URL set to the address students use (e.g. "
        "`SOFTMAX_PUBLIC_URL=http://192.168.1.20:8501/`).",
        "zh": "学生无法打开这个链接：它指向这台电脑本身（localhost）。请用这台电脑的网络地址打开本页"
        "（例如 `http://192.168.1.20:8501/class`，学生也能访问这个地址），或者在启动服务器时把 "
        "SOFTMAX_PUBLIC_URL 设为学生使用的地址（例如 `SOFTMAX_PUBLIC_URL=http://192.168.1.20:8501/`）。",
    },
    "class.join.too_many": {
        "en": "Too many joins from your network in the last few minutes. Wait a few minutes, "
        "then try again.",
        "zh": "最近几分钟内来自你所在网络的加入请求太多。请等几分钟后再试。",
    },
    "class.join.not_teacher": {
        "en": "Only the class's teacher can do this.",
        "zh": "只有这个班级的老师可以这样做。",
    },
}
