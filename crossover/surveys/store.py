"""Build a response with its scores and its analysis copies (packed scores, concern rows), and
store it.

A submission stores its rows with one Core INSERT each (NewResponse, insert_with_copies): no ORM
objects, so no unit of work to sort and no identity map to fill for rows nobody reads back in
the request. Bulk writers that build many responses (the simulation, test fixtures) use the ORM
form (scored_response, intake_response, add_with_copies); both forms come from the same values.
"""

from dataclasses import dataclass, field

import sqlalchemy as sa

from crossover.instruments.models import Instrument
from crossover.surveys.models import Response, ResponseConcern, ResponseScore
from crossover.surveys.packed import RecordLayout
from crossover.surveys.scoring import means, scale_sums

# Built once: an INSERT costs more to build than to run.
INSERT_RESPONSE = sa.insert(Response.__table__)
INSERT_SCORE_COPY = sa.insert(ResponseScore.__table__)
INSERT_CONCERN = sa.insert(ResponseConcern.__table__)
RESPONSE_PARAM = "response_"  # prefix of the response's values in INSERT_SCORED


def _insert_scored() -> sa.Insert:
    """A scored response and its score copy in one statement (one round trip): the response is
    inserted in a WITH clause whose RETURNING id the copy's row reads. PostgreSQL only."""
    responses, copies = Response.__table__, ResponseScore.__table__
    row = {
        c.name: sa.bindparam(RESPONSE_PARAM + c.name, type_=c.type)
        for c in responses.columns
        if c.name != "id"
    }
    new = sa.insert(responses).values(row).returning(responses.c.id).cte("new_response")
    packed = sa.bindparam("packed", type_=copies.c.packed.type)
    return sa.insert(copies).from_select(
        ["pilot_id", "wave", "enrollment_id", "packed", "response_id"],
        sa.select(row["pilot_id"], row["wave"], row["enrollment_id"], packed, new.c.id),
    )


INSERT_SCORED = _insert_scored()


@dataclass(frozen=True)
class NewResponse:
    """A response not stored yet, as column values: its row and its analysis copies' rows
    (without response_id, known once the response is inserted)."""

    row: dict
    score_copy: dict | None = None
    concern_rows: list[dict] = field(default_factory=list)

    @property
    def wave(self) -> str:
        return self.row["wave"]

    @property
    def submitted_at(self):
        return self.row["submitted_at"]


def scored_values(
    instrument: Instrument, answers: dict[str, int], *, layout: RecordLayout | None = None, **fields
) -> NewResponse:
    """A scale response: answers, mean scores, and the packed copy the reports read."""
    layout = layout or RecordLayout.of(instrument)
    sums = scale_sums(answers, layout.items, layout.scale_min, layout.scale_max)
    copy = {
        "pilot_id": fields["pilot_id"],
        "enrollment_id": fields["enrollment_id"],
        "wave": fields["wave"],
        "packed": layout.pack(fields["enrollment_id"], answers, sums),
    }
    row = {**fields, "answers": answers, "scores": means(sums), "concerns": [], "note": None}
    return NewResponse(row, score_copy=copy)


def intake_values(concerns: list[str], note: str | None, **fields) -> NewResponse:
    rows = [
        {"concern": key, "pilot_id": fields["pilot_id"], "enrollment_id": fields["enrollment_id"]}
        for key in concerns
    ]
    row = {**fields, "answers": {}, "scores": {}, "concerns": concerns, "note": note}
    return NewResponse(row, concern_rows=rows)


def insert_with_copies(session, new: NewResponse) -> None:
    """Insert a response and its analysis copies in the session's transaction.

    A second response to the same invitation raises IntegrityError (the unique invitation_id).
    """
    connection = session.connection()
    if new.score_copy is not None and connection.dialect.name == "postgresql":
        params = {RESPONSE_PARAM + name: value for name, value in new.row.items()}
        connection.execute(INSERT_SCORED, {**params, "packed": new.score_copy["packed"]})
        return
    response_id = connection.execute(INSERT_RESPONSE, new.row).inserted_primary_key[0]
    if new.score_copy is not None:
        connection.execute(INSERT_SCORE_COPY, {**new.score_copy, "response_id": response_id})
    if new.concern_rows:
        connection.execute(
            INSERT_CONCERN, [{**row, "response_id": response_id} for row in new.concern_rows]
        )


def _as_orm(new: NewResponse) -> Response:
    response = Response(**new.row)
    if new.score_copy is not None:
        response.score_copy = ResponseScore(**new.score_copy)
    if new.concern_rows:
        response.concern_rows = [ResponseConcern(**row) for row in new.concern_rows]
    return response


def scored_response(
    instrument: Instrument, answers: dict[str, int], *, layout: RecordLayout | None = None, **fields
) -> Response:
    """scored_values as an ORM Response with its copy, for add_with_copies."""
    return _as_orm(scored_values(instrument, answers, layout=layout, **fields))


def intake_response(concerns: list[str], note: str | None, **fields) -> Response:
    """intake_values as an ORM Response with its concern rows, for add_with_copies."""
    return _as_orm(intake_values(concerns, note, **fields))


def add_with_copies(session, responses: list[Response]) -> None:
    """Add responses with their analysis copies (related rows: same flush, same transaction)."""
    session.add_all(responses)
    session.flush()
