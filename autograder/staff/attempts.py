"""The instant-feedback service's ledger: which submissions it answered, and the attempt limits.

One file per submission it has dealt with, ``.dlkit/serve/<inbound folder name>.json``,
written (aside, then renamed) only once its feedback is in the exchange:
so a service stopped at any moment, even by SIGKILL, deals on restart with
exactly the submissions it had not finished, and with none twice.

The limits (``instant.attempts`` in the course table, :class:`~autograder.course.table.InstantPolicy`)
count the feedbacks a submitter got for a week in any window: the time of
an attempt is when the service first saw it (the service's clock, not the
timestamp inside the submission, which its owner can rewrite).
"""

import dataclasses
import datetime as dt
import json
import os
from pathlib import Path

GRADED, OVER_LIMIT, ERROR = "graded", "over_limit", "error"  # only GRADED counts against a limit


@dataclasses.dataclass
class Entry:
    name: str  # the inbound folder's name
    week: str
    student: str
    submitter: str  # whom the limit counts (see inbound.submitter)
    seen: str  # ISO time the service first saw it
    outcome: str  # GRADED, OVER_LIMIT or ERROR
    score: float | None = None
    released: str = ""  # the feedback file in the exchange
    seconds: float = 0.0  # from seen to released


class Ledger:
    def __init__(self, folder):
        self.root = Path(folder.root) / ".dlkit" / "serve"
        self.root.mkdir(parents=True, exist_ok=True)
        self.entries = {}
        for path in self.root.glob("*.json"):
            try:
                entry = Entry(**json.loads(path.read_text(encoding="utf-8")))
            except (OSError, ValueError, TypeError):
                continue  # half written before a crash: dealt with again
            self.entries[entry.name] = entry

    def __contains__(self, name):
        return name in self.entries

    def record(self, entry: Entry) -> None:
        path = self.root / f"{entry.name}.json"
        draft = path.with_suffix(".part")
        draft.write_text(json.dumps(dataclasses.asdict(entry), ensure_ascii=False), encoding="utf-8")
        os.replace(draft, path)
        self.entries[entry.name] = entry

    def answered(self, submitter: str, week: str) -> list:
        """When ``submitter`` got feedback for ``week`` (aware datetimes, oldest first)."""
        return sorted(dt.datetime.fromisoformat(e.seen) for e in self.entries.values()
                      if e.submitter == submitter and e.week == week and e.outcome == GRADED)


def next_allowed(rules, answered, at):
    """None if one more feedback at ``at`` keeps within every rule ``(count, seconds)``; else the
    first moment it would, with the rule that holds it back: ``(when, (count, seconds))``."""
    latest = None
    for count, seconds in rules:
        window = dt.timedelta(seconds=seconds)
        recent = [when for when in answered if at - window < when <= at]
        if len(recent) >= count:
            when = recent[-count] + window  # the oldest of the last `count` leaves the window
            if latest is None or when > latest[0]:
                latest = (when, (count, seconds))
    return latest
