"""Company survey, round, roster and invitation payloads."""

from flask_smorest.fields import Upload
import marshmallow as ma

from crossover.web.api import Id, Schema

ROSTER_COLUMNS = "employee_ref, age_band, tenure_band, unit[, career_phase][, email][, engagement]"


class CompanySurveyCreateSchema(Schema):
    title = ma.fields.String(required=True, validate=ma.validate.Length(1, 200))
    instrument_id = Id(
        allow_none=True,
        load_default=None,
        metadata={"description": "Default: the shipped career-ownership scale"},
    )


class CompanySurveyUpdateSchema(Schema):
    title = ma.fields.String(validate=ma.validate.Length(1, 200))
    instrument_id = Id(
        metadata={"description": "Another version of the same instrument family, for later rounds"}
    )


class RoundSchema(Schema):
    id = ma.fields.Integer()
    company_survey_id = ma.fields.Integer()
    label = ma.fields.String()
    opens_on = ma.fields.Date()
    closes_on = ma.fields.Date()
    instrument_id = ma.fields.Integer(
        metadata={"description": "The instrument version this round froze"}
    )
    created_at = ma.fields.DateTime()
    closed_at = ma.fields.DateTime(
        allow_none=True, metadata={"description": "When an owner closed it before its window ended"}
    )
    paper_links_at = ma.fields.DateTime(
        allow_none=True,
        metadata={"description": "When an operator wrote its links for sealed paper delivery"},
    )


class CompanySurveySchema(Schema):
    id = ma.fields.Integer()
    title = ma.fields.String()
    instrument_id = ma.fields.Integer(
        metadata={"description": "The instrument the next round freezes"}
    )
    created_at = ma.fields.DateTime()
    rounds = ma.fields.List(ma.fields.Nested(RoundSchema))


class RoundCreateSchema(Schema):
    label = ma.fields.String(
        required=True,
        validate=ma.validate.Length(1, 64),
        metadata={"description": "e.g. 2026; unique within the survey (409 otherwise)"},
    )
    opens_on = ma.fields.Date(required=True)
    closes_on = ma.fields.Date(required=True)

    @ma.validates_schema
    def _order(self, data, **kwargs):
        if data.get("opens_on") and data.get("closes_on") and data["closes_on"] < data["opens_on"]:
            raise ma.ValidationError("Must not be before opens_on.", "closes_on")


class FileSchema(Schema):
    file = Upload(required=True, metadata={"description": f"CSV: {ROSTER_COLUMNS}"})


class EngagementFileSchema(Schema):
    file = Upload(required=True, metadata={"description": "CSV: employee_ref, engagement"})


class RosterUploadRecordSchema(Schema):
    """An accepted roster file: the same bytes (by SHA-256) are added to a round once."""

    id = ma.fields.Integer()
    round_id = ma.fields.Integer()
    sha256 = ma.fields.String()
    uploaded_at = ma.fields.DateTime()
    added = ma.fields.Integer()


class RosterResultSchema(Schema):
    """No token or link: those go only to each employee's own mailbox."""

    added = ma.fields.Integer()
    upload = ma.fields.Nested(RosterUploadRecordSchema)
    without_email = ma.fields.Integer(
        metadata={"description": "Rows without an e-mail address: they get no link by mail"}
    )


class DuplicateRosterUploadSchema(Schema):
    """409: this file was already added to the round; nobody was added again."""

    code = ma.fields.Integer()
    status = ma.fields.String()
    message = ma.fields.String()
    errors = ma.fields.Dict()
    result = ma.fields.Nested(
        RosterUploadRecordSchema, metadata={"description": "The earlier upload"}
    )


class EngagementResultSchema(Schema):
    matched = ma.fields.Integer(metadata={"description": "Roster rows given a score"})
    unmatched = ma.fields.Integer(metadata={"description": "Refs not on this round's roster"})


class InvitationRowSchema(Schema):
    id = ma.fields.Integer(metadata={"description": "The roster row (no employee ref is kept)"})
    age_band = ma.fields.String()
    tenure_band = ma.fields.String()
    unit = ma.fields.String()
    career_phase = ma.fields.String(allow_none=True)
    has_contact = ma.fields.Boolean()
    sent_at = ma.fields.DateTime(
        allow_none=True,
        metadata={
            "description": "When the invitation e-mail went out (whether the person "
            "answered is never shown per row, only as counts)"
        },
    )


class ParticipationGroupSchema(Schema):
    key = ma.fields.String()
    invited = ma.fields.Integer()
    responded = ma.fields.Integer(allow_none=True)
    rate = ma.fields.Float(allow_none=True)
    suppressed = ma.fields.Boolean()
    suppressed_reason = ma.fields.String(allow_none=True)


class ParticipationSchema(ParticipationGroupSchema):
    """Who answered, only as counts: overall and by groups of at least K invited."""

    status = ma.fields.String(metadata={"description": "not_open, open or closed"})
    privacy_k = ma.fields.Integer()
    by_age_band = ma.fields.List(ma.fields.Nested(ParticipationGroupSchema))
    by_tenure_band = ma.fields.List(ma.fields.Nested(ParticipationGroupSchema))
    by_unit = ma.fields.List(ma.fields.Nested(ParticipationGroupSchema))


class SendResultSchema(Schema):
    invitations = ma.fields.Integer(metadata={"description": "Invitations queued"})
    reminders = ma.fields.Integer(metadata={"description": "Reminders queued"})
