"""Sources of survey mail: what the outbox needs from a study whose people get invitations and
reminders, and the app's list of them.

A study (pilots, company survey rounds, ...) implements MailSource in its own room and registers
it when the app is built (crossover.modules); the outbox finds, counts, withdraws and follows
survey mail through these sources only, never by importing a study. Each source's messages name
their subject in one of OutboxMessage's subject columns (`subject_key`).

A scope limits a call to one source and one of its ids, given as one keyword: the source's
`scope_key` and the id (`pilot_id=3`: the pilots' mail, of pilot 3 only). Without a scope a call
covers every source, in the order they were registered.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar, Protocol

from flask import Flask, current_app
import sqlalchemy as sa
from sqlalchemy.orm import InstrumentedAttribute

from crossover.outbox.models import OutboxMessage

REGISTRY = "crossover.mail_sources"  # the app's extensions key: {source name: source}


@dataclass(frozen=True)
class Candidate:
    """Someone who may be due an invitation or a reminder: the subject (an id in the source's
    subject column), the day their survey closes, their address, and what the source needs to
    write to them (its own, for `render`)."""

    subject_id: int
    closes_on: date
    recipient: str
    details: Any


class MailSource(Protocol):
    """A study's survey mail, as the outbox sees it."""

    name: ClassVar[str]  # the source's name in the registry
    scope_key: ClassVar[str]  # the keyword that limits a call to one scope (a pilot, a round)
    subject_key: ClassVar[str]  # the name of OutboxMessage's column for its subjects
    noun: ClassVar[str]  # how the command line names a subject ("invitation", "roster row")

    def candidates(
        self, today: date, scope_id: int | None, *, after: int, limit: int
    ) -> Sequence[Candidate]:
        """Unanswered subjects with an address whose survey is open today (of one scope when
        given), by subject id: those after `after`, at most `limit`."""
        ...

    def render(self, kind: str, candidate: Candidate) -> tuple[str, str]:
        """The subject line and body of an invitation or a reminder to a candidate."""
        ...

    def due_count_base(self, today: date, scope_id: int | None) -> tuple[sa.Select, Any, Any]:
        """A count of the same candidates as `candidates` (one statement, nothing loaded), with
        the column of their subject id and the column of their close date, to which the outbox
        adds its own conditions."""
        ...

    def unwanted(self) -> sa.Select:
        """The subject ids whose queued mail is no longer wanted (the person answered, their
        address was erased, the survey was closed early): withdrawn when claimed."""
        ...

    def progress_rows(self, scope_id: int) -> tuple[Any, sa.Select]:
        """The column one scope's mail is grouped by on its progress block (a wave, a round's
        label) and a select of (that column, kind, status, failure) of the scope's outbox rows."""
        ...


def subject_column(source: MailSource) -> InstrumentedAttribute:
    """OutboxMessage's column that holds a source's subjects."""
    return getattr(OutboxMessage, source.subject_key)


def register(app: Flask, source: MailSource) -> None:
    """Add a source to an app's survey mail (again is harmless: the same place, the same name)."""
    app.extensions.setdefault(REGISTRY, {})[source.name] = source


def registered() -> list[MailSource]:
    """The current app's sources, in the order they were registered."""
    return list(current_app.extensions.get(REGISTRY, {}).values())


def in_scope(scope: dict[str, int | None]) -> list[tuple[MailSource, int | None]]:
    """The sources a call covers, each with the id it is limited to: every source, unlimited,
    without a scope; only the source whose scope key is given, limited to that id, with one.
    A key given as None counts as not given."""
    given = {key: value for key, value in scope.items() if value is not None}
    if not given:
        return [(source, None) for source in registered()]
    if len(given) > 1:
        raise TypeError(f"one mail scope at a time, not {sorted(given)}")
    [(key, scope_id)] = given.items()
    for source in registered():
        if source.scope_key == key:
            return [(source, scope_id)]
    raise TypeError(f"no mail source is scoped by {key!r}")


def one_scope(scope: dict[str, int | None]) -> tuple[MailSource, int]:
    """The one source and id a call about one scope names (a pilot's or a round's progress)."""
    covered = in_scope(scope)
    if len(covered) != 1:
        raise TypeError("a scope is needed here (a source's scope key and an id)")
    return covered[0]  # type: ignore[return-value]  (an id: the scope was given)


def source_of(subject_ids: Sequence[int | None]) -> tuple[MailSource, int] | None:
    """The source, and the subject id, of a message whose subject columns (one value per
    registered source, in their order) are given; None for a message of no source (account
    mail)."""
    for source, subject_id in zip(registered(), subject_ids, strict=True):
        if subject_id is not None:
            return source, subject_id
    return None
