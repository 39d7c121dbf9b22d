"""Build a response with its scores and its analysis copies (packed scores, concern rows)."""
import numpy as np

from crossover.instruments.models import Instrument
from crossover.surveys.models import Response, ResponseConcern, ResponseScore
from crossover.surveys.scoring import ItemKey, recode, scale_sums


def scored_response(instrument: Instrument, answers: dict[str, int], **fields) -> Response:
    """A scale response: answers, mean scores, and the packed copy the reports read."""
    items = instrument.items
    keys = [ItemKey(i.key, i.subscale, i.reverse) for i in items]
    sums = scale_sums(answers, keys, instrument.scale_min, instrument.scale_max)
    response = Response(answers=answers, scores={name: total / count for name, (total, count) in sums.items()},
                        concerns=[], **fields)
    recoded = [recode(answers[i.key], instrument.scale_min, instrument.scale_max, i.reverse) for i in items]
    record = np.zeros(1, dtype=packed_dtype(instrument))
    record["enrollment_id"] = fields["enrollment_id"]
    record["sums"] = [sums["total"][0], *(sums[name][0] for name in instrument.subscales)]
    record["items"] = recoded
    response.packed = ResponseScore(pilot_id=fields["pilot_id"], enrollment_id=fields["enrollment_id"],
                                    wave=fields["wave"], packed=record.tobytes())
    return response


def packed_dtype(instrument: Instrument) -> np.dtype:
    """The record layout of ResponseScore.packed for this instrument."""
    return np.dtype([("enrollment_id", "<i4"), ("sums", "<i2", (1 + len(instrument.subscales),)),
                     ("items", "i1", (len(instrument.items),))])


def intake_response(concerns: list[str], note: str | None, **fields) -> Response:
    response = Response(concerns=concerns, note=note, answers={}, scores={}, **fields)
    response.concern_rows = [
        ResponseConcern(concern=key, pilot_id=fields["pilot_id"], enrollment_id=fields["enrollment_id"])
        for key in concerns
    ]
    return response


def add_with_copies(session, responses: list[Response]) -> None:
    """Add responses and, once they have ids, their analysis copies (same transaction)."""
    session.add_all(responses)
    session.flush()
    for response in responses:
        if getattr(response, "packed", None) is not None:
            response.packed.response_id = response.id
            session.add(response.packed)
        for row in getattr(response, "concern_rows", []):
            row.response_id = response.id
            session.add(row)
    session.flush()
