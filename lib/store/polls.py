"""Class polls: the teacher asks, the class's members answer, the teacher reveals.

Store (lib/store/db.py) gets these operations from the Polls mixin below; they
use its engine and its write transactions, like Classes.

    poll_id = store.ask_poll(code, secret, "lr1_naive", "", ["breaks", "trains", "later"])
    store.answer_poll(code, token, poll_id, 1)     # a member; again to change, until revealed
    store.current_poll(code, token)                 # PollView: answered=1, counts=None (hidden)
    store.reveal_poll(code, secret, poll_id)        # the teacher only
    store.current_poll(code).counts                 # (0, 1, 0): now everyone sees them

The rules live here, where every page and every server reads them alike:
- one poll open per class (asking a new one closes the one before);
- one answer per member and poll, changed freely until the reveal, then fixed;
- before the reveal, nobody gets the counts per option (the teacher neither):
  only how many answered;
- only the teacher (the class's secret) asks, reveals and closes.

What a question says is lib/poll.py's business: `kind` is a built-in question's
key (its text and options come from lib/i18n/poll.py in the reader's language,
`options` holding the option keys) or "typed" (`question` and `options` are the
teacher's own plain text, cleaned here like class titles).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from lib.store import values as v
from lib.store.classes import _count_members, _teacher
from lib.store.errors import ClassError, StoreError
from lib.store.schema import class_members, classes, poll_answers, polls

TYPED = "typed"  # the kind of a question the teacher typed
KIND_MAX = 32
QUESTION_MAX = 200  # characters of a typed question
OPTION_MAX = 80  # characters of a typed option
OPTIONS_MIN, OPTIONS_MAX = 2, 6

POLL_REASONS = ("no_poll", "revealed", "not_member", "bad_choice", "bad_question")


class PollError(StoreError):
    """A poll operation was refused for `reason` (one of POLL_REASONS): a message key."""

    def __init__(self, reason: str, detail: str = ""):
        if reason not in POLL_REASONS:
            raise ValueError(f"unknown PollError reason {reason!r}")
        self.reason = reason
        self.detail = detail
        super().__init__(f"{reason}: {detail}" if detail else reason)


@dataclass(frozen=True)
class PollView:
    """The class's open poll as one reader may see it."""

    id: int
    kind: str  # a built-in question's key, or TYPED
    question: str  # the typed question ("" for a built-in one)
    options: tuple[str, ...]  # option keys (built-in) or typed texts
    revealed: bool
    answered: int  # how many answered: shown before the reveal too
    counts: tuple[int, ...] | None  # answers per option; None until revealed
    mine: int | None  # the reader's own choice (None: not answered, or no reader)


def check_question(kind: str, question: str, options) -> tuple[str, str, list[str]]:
    """(kind, question, options) fit to store; PollError("bad_question") otherwise.

    Texts are cleaned to plain one-line text (lib/store/values.clean_text); a
    text longer than its cap is refused, not cut, so nobody's question changes
    silently. lib/poll.py checks typed questions first, with a reason per problem.
    """
    if not isinstance(kind, str) or not 0 < len(kind) <= KIND_MAX:
        raise PollError("bad_question", "no kind")
    if not isinstance(options, (list, tuple)) or not OPTIONS_MIN <= len(options) <= OPTIONS_MAX:
        raise PollError("bad_question", f"{OPTIONS_MIN} to {OPTIONS_MAX} options")
    text = v.clean_text(question, QUESTION_MAX + 1)
    cleaned = [v.clean_text(o, OPTION_MAX + 1) for o in options]
    if len(text) > QUESTION_MAX or any(len(o) > OPTION_MAX for o in cleaned):
        raise PollError("bad_question", "too long")
    if not all(cleaned) or len(set(cleaned)) != len(cleaned):
        raise PollError("bad_question", "an empty or repeated option")
    if kind == TYPED and not text:
        raise PollError("bad_question", "a typed question needs its text")
    return kind, text, cleaned


class Polls:
    """The poll operations of Store (needs self.engine and self._write)."""

    # ---- the teacher -----------------------------------------------------------------

    def ask_poll(self, code: str, secret: str, kind: str, question: str, options) -> int:
        """A new open poll for the class (the one open before is closed); its id."""
        kind, question, options = check_question(kind, question, options)
        code = v.class_code(code)
        with self._write(lock="class:" + code) as conn:
            code = _teacher(conn, code, secret)
            closed = conn.execute(sa.select(classes.c.closed).where(classes.c.code == code))
            if closed.scalar():
                raise ClassError("closed")
            now = v.utc_now()
            conn.execute(
                polls.update()
                .where(polls.c.code == code, polls.c.closed.is_(None))
                .values(closed=now)
            )
            return conn.execute(
                polls.insert()
                .values(code=code, kind=kind, question=question, options=options, asked=now)
                .returning(polls.c.id)
            ).scalar_one()

    def reveal_poll(self, code: str, secret: str, poll_id: int) -> None:
        """Show everyone the answers per option; from now on no answer changes."""
        code = v.class_code(code)
        with self._write(lock="class:" + code) as conn:
            code = _teacher(conn, code, secret)
            row = _open_poll(conn, code, poll_id)
            if row.revealed is None:
                conn.execute(
                    polls.update().where(polls.c.id == row.id).values(revealed=v.utc_now())
                )

    def close_poll(self, code: str, secret: str, poll_id: int) -> None:
        """Take the poll off the board (its answers are kept with the class)."""
        code = v.class_code(code)
        with self._write(lock="class:" + code) as conn:
            code = _teacher(conn, code, secret)
            row = _open_poll(conn, code, poll_id)
            conn.execute(polls.update().where(polls.c.id == row.id).values(closed=v.utc_now()))

    # ---- the students ----------------------------------------------------------------

    def answer_poll(self, code: str, token: str, poll_id: int, choice: int) -> None:
        """Answer (or change the answer) as a member of the class, until the reveal."""
        owner = v.owner_of(token)
        code = v.class_code(code)
        # the class's lock (PostgreSQL): a reveal and an answer never cross, and one
        # student's two tabs never insert the same answer twice
        with self._write(lock="class:" + code) as conn:
            row = _open_poll(conn, code, poll_id)
            if row.revealed is not None:
                raise PollError("revealed")
            if isinstance(choice, bool) or not isinstance(choice, int):
                raise PollError("bad_choice")
            if not 0 <= choice < len(row.options):
                raise PollError("bad_choice", f"0 to {len(row.options) - 1}")
            member = conn.execute(
                sa.select(class_members.c.owner).where(
                    class_members.c.code == code,
                    class_members.c.owner == owner,
                    class_members.c.left_at.is_(None),
                )
            ).first()
            if member is None:
                raise PollError("not_member")
            values = {"choice": choice, "answered": v.utc_now()}
            mine = sa.and_(poll_answers.c.poll_id == row.id, poll_answers.c.owner == owner)
            if conn.execute(poll_answers.update().where(mine).values(**values)).rowcount == 0:
                conn.execute(poll_answers.insert().values(poll_id=row.id, owner=owner, **values))

    # ---- everyone ----------------------------------------------------------------------

    def current_poll(self, code: str, token: str | None = None) -> PollView | None:
        """The class's open poll (None: none, or no such class); counts only once revealed."""
        try:
            code = v.class_code(code)
        except ClassError:
            return None
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(polls)
                .where(polls.c.code == code, polls.c.closed.is_(None))
                .order_by(polls.c.asked.desc(), polls.c.id.desc())
                .limit(1)
            ).first()
            if row is None:
                return None
            per_choice = dict(
                conn.execute(
                    sa.select(poll_answers.c.choice, sa.func.count())
                    .where(poll_answers.c.poll_id == row.id)
                    .group_by(poll_answers.c.choice)
                ).all()
            )
            mine = None
            if token:
                mine = conn.execute(
                    sa.select(poll_answers.c.choice).where(
                        poll_answers.c.poll_id == row.id,
                        poll_answers.c.owner == v.owner_of(token),
                    )
                ).scalar()
        options = tuple(row.options)
        counts = tuple(per_choice.get(k, 0) for k in range(len(options)))
        return PollView(
            id=row.id,
            kind=row.kind,
            question=row.question,
            options=options,
            revealed=row.revealed is not None,
            answered=sum(per_choice.values()),
            counts=counts if row.revealed is not None else None,
            mine=mine,
        )

    def class_size(self, code: str) -> int:
        """Members who have not left (what "3 of 24 answered" counts against)."""
        with self.engine.connect() as conn:
            return _count_members(conn, v.class_code(code))


def _open_poll(conn, code: str, poll_id):
    """The class's poll `poll_id` if it is still open; PollError("no_poll") otherwise."""
    if isinstance(poll_id, bool) or not isinstance(poll_id, int):
        raise PollError("no_poll")
    row = conn.execute(
        sa.select(polls.c.id, polls.c.options, polls.c.revealed).where(
            polls.c.id == poll_id, polls.c.code == code, polls.c.closed.is_(None)
        )
    ).first()
    if row is None:
        raise PollError("no_poll")
    return row
