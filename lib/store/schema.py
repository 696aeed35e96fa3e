"""The database's tables as they are now (schema version SCHEMA_VERSION), for queries.

These definitions are what lib/store/db.py reads and writes. They are not how
a database gets its tables: lib/store/migrations.py creates and upgrades them,
step by step, and a test checks that a database built by those steps has
exactly these tables and columns.

    runs            one row per training run: settings (TrainConfig.to_dict as JSON),
                    history (one JSON object per epoch), W and b as float32 bytes
    progress        a student's lesson progress (JSON), one row per student
    classes         a teacher's class: join code, hashed teacher secret, flags
    class_members   who joined which class, under which display name
    identities      per student: the personal link's version (a new link revokes the
                    old) and the last run number handed out (unique per student)
    polls           a class's poll: a built-in question's key or a typed question, its
                    options, when it was asked, revealed and closed (lib/store/polls.py)
    poll_answers    one answer per student and poll: the option chosen
    schema_version  one row per applied upgrade step

Students are not a table: a student is the SHA-256 of their secret token
(the `owner` columns), so nothing identifies a person but the name they type.
Times are naive UTC datetimes.
"""

from __future__ import annotations

import sqlalchemy as sa

SCHEMA_VERSION = 5

metadata = sa.MetaData()

schema_version = sa.Table(
    "schema_version",
    metadata,
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("applied", sa.DateTime, nullable=False),
)

runs = sa.Table(
    "runs",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),  # Run.id, a uuid4 in hex
    sa.Column("owner", sa.String(64), nullable=False),  # sha256(token) in hex
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("created", sa.DateTime, nullable=False),
    sa.Column("saved", sa.DateTime, nullable=False),
    sa.Column("settings", sa.JSON, nullable=False),  # TrainConfig.to_dict()
    sa.Column("framework", sa.String(32), nullable=False),  # also in settings
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("breakdown", sa.JSON, nullable=True),  # Breakdown.to_dict()
    sa.Column("device", sa.String(120), nullable=False),
    sa.Column("history", sa.JSON, nullable=False),  # [EpochRecord.metrics(), ...]
    sa.Column("seconds", sa.Float, nullable=False),
    sa.Column("epochs_run", sa.Integer, nullable=False),
    sa.Column("test_acc", sa.Float, nullable=True),  # the last epoch's, for boards
    sa.Column("w", sa.LargeBinary, nullable=True),  # W: float32 little-endian, row-major
    sa.Column("w_shape", sa.String(32), nullable=True),  # "784,10"
    sa.Column("b", sa.LargeBinary, nullable=True),
    sa.Column("b_shape", sa.String(32), nullable=True),  # "10"
    # version 2: the class the run was posted to, and whether its teacher removed it
    sa.Column("class_code", sa.String(6), nullable=True),
    sa.Column("on_board", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Index("runs_owner", "owner", "created"),
    sa.Index("runs_created", "created"),
    sa.Index("runs_class", "class_code"),
    # version 3: a student's run numbers are unique
    sa.Index("runs_owner_number", "owner", "number", unique=True),
)

progress = sa.Table(
    "progress",
    metadata,
    sa.Column("owner", sa.String(64), primary_key=True),
    sa.Column("data", sa.JSON, nullable=False),
    sa.Column("updated", sa.DateTime, nullable=False),
)

classes = sa.Table(
    "classes",
    metadata,
    sa.Column("code", sa.String(6), primary_key=True),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("teacher", sa.String(64), nullable=False),  # sha256(teacher secret) in hex
    sa.Column("created", sa.DateTime, nullable=False),
    sa.Column("closed", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("hide_names", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Index("classes_created", "created"),
)

class_members = sa.Table(
    "class_members",
    metadata,
    sa.Column(
        "code", sa.String(6), sa.ForeignKey("classes.code", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("owner", sa.String(64), primary_key=True),
    sa.Column("display_name", sa.String(200), nullable=False),
    sa.Column("joined", sa.DateTime, nullable=False),
    sa.Column("left_at", sa.DateTime, nullable=True),  # set by leave_class
    # version 4: the teacher removed this member (and their runs); they cannot rejoin
    sa.Column("removed", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Index("class_members_owner", "owner", "joined"),
)

identities = sa.Table(
    "identities",
    metadata,
    sa.Column("owner", sa.String(64), primary_key=True),  # sha256(token) in hex
    sa.Column("link_version", sa.Integer, nullable=False, server_default="0"),
    sa.Column("last_run", sa.Integer, nullable=False, server_default="0"),
    sa.Column("updated", sa.DateTime, nullable=False),
)

# version 5: class polls (version 4 belongs to the teacher's identity; see migrations.py)
polls = sa.Table(
    "polls",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "code", sa.String(6), sa.ForeignKey("classes.code", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("kind", sa.String(32), nullable=False),  # a built-in question's key, or "typed"
    sa.Column("question", sa.String(400), nullable=False),  # typed text ("" for built-in)
    sa.Column("options", sa.JSON, nullable=False),  # option keys, or typed texts
    sa.Column("asked", sa.DateTime, nullable=False),
    sa.Column("revealed", sa.DateTime, nullable=True),  # answers shown from then on
    sa.Column("closed", sa.DateTime, nullable=True),  # off the board
    sa.Index("polls_code", "code", "asked"),
)

poll_answers = sa.Table(
    "poll_answers",
    metadata,
    sa.Column(
        "poll_id", sa.Integer, sa.ForeignKey("polls.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("owner", sa.String(64), primary_key=True),  # sha256(token) in hex
    sa.Column("choice", sa.Integer, nullable=False),  # index into polls.options
    sa.Column("answered", sa.DateTime, nullable=False),
)
