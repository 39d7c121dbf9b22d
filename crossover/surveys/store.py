"""Build a response with its scores and its analysis copies (packed scores, concern rows)."""

from crossover.instruments.models import Instrument
from crossover.surveys.models import Response, ResponseConcern, ResponseScore
from crossover.surveys.packed import RecordLayout
from crossover.surveys.scoring import means, scale_sums


def scored_response(
    instrument: Instrument, answers: dict[str, int], *, layout: RecordLayout | None = None, **fields
) -> Response:
    """A scale response: answers, mean scores, and the packed copy the reports read."""
    layout = layout or RecordLayout.of(instrument)
    sums = scale_sums(answers, layout.items, layout.scale_min, layout.scale_max)
    copy = ResponseScore(
        pilot_id=fields["pilot_id"],
        enrollment_id=fields["enrollment_id"],
        wave=fields["wave"],
        packed=layout.pack(fields["enrollment_id"], answers, sums),
    )
    return Response(answers=answers, scores=means(sums), concerns=[], score_copy=copy, **fields)


def intake_response(concerns: list[str], note: str | None, **fields) -> Response:
    rows = [
        ResponseConcern(
            concern=key, pilot_id=fields["pilot_id"], enrollment_id=fields["enrollment_id"]
        )
        for key in concerns
    ]
    return Response(
        concerns=concerns, note=note, answers={}, scores={}, concern_rows=rows, **fields
    )


def add_with_copies(session, responses: list[Response]) -> None:
    """Add responses with their analysis copies (related rows: same flush, same transaction)."""
    session.add_all(responses)
    session.flush()
