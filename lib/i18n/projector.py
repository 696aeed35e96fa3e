"""Strings of the class board's projector view (ui/projector.py) and its counts line."""

STRINGS = {
    # ---- the counts line: "24 students · 31 runs · 3 broke down" (lib/projector.py)
    "projector.count.students.one": {"en": "{n} student", "zh": "{n} 名学生"},
    "projector.count.students.other": {"en": "{n} students", "zh": "{n} 名学生"},
    "projector.count.runs.one": {"en": "{n} run", "zh": "{n} 条训练记录"},
    "projector.count.runs.other": {"en": "{n} runs", "zh": "{n} 条训练记录"},
    "projector.count.broken.one": {"en": "{n} broke down", "zh": "{n} 次数值崩溃"},
    "projector.count.broken.other": {"en": "{n} broke down", "zh": "{n} 次数值崩溃"},
    # ---- the view
    "projector.title": {"en": "Class {code}", "zh": "班级 {code}"},
    "projector.code": {"en": "Join code", "zh": "加入代码"},
    "projector.scan": {
        "en": "Scan, or open the link and type the code:",
        "zh": "扫码，或打开链接并输入代码：",
    },
    "projector.qr": {
        "en": "QR code of the join link {link}",
        "zh": "加入链接 {link} 的二维码",
    },
    "projector.empty": {
        "en": "No runs yet: each run a student finishes or stops appears here.",
        "zh": "还没有训练记录：学生完成或停止的每条训练记录都会出现在这里。",
    },
    "projector.table": {"en": "Runs on the board", "zh": "看板上的训练记录"},
    "projector.no_code": {
        "en": "Which class? Open the projector view from the class board, or add the class "
        "code to the address: /class?view=projector&code=K7PX3Q",
        "zh": "哪个班级？请从班级看板打开投影视图，或在地址中加上班级代码："
        "/class?view=projector&code=K7PX3Q",
    },
    # ---- the teacher's button on the board
    "projector.open": {"en": "Projector view", "zh": "投影视图"},
    "projector.open_help": {
        "en": "Opens a read-only view for the projector in a new tab: the join code large, a QR "
        "code of the join link, the chart and the counts. It shows no teacher link, whatever "
        "is switched on here; anyone with the class code may open it.",
        "zh": "在新标签页中打开只读的投影视图：大号加入代码、加入链接的二维码、图表和计数。"
        "无论这里打开了什么，它都不会显示老师链接；知道班级代码的人都可以打开它。",
    },
}
