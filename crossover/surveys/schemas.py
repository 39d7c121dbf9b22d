"""Survey payloads: what a participant sees, and what they send."""

import marshmallow as ma

from crossover.web.api import Schema


class SurveyQueryArgsSchema(Schema):
    lang = ma.fields.String(load_default="ja", validate=ma.validate.OneOf(["ja", "en"]))


class AnchorOutSchema(Schema):
    value = ma.fields.Integer()
    label = ma.fields.String()


class ScaleSchema(Schema):
    min = ma.fields.Integer()
    max = ma.fields.Integer()
    anchors = ma.fields.List(ma.fields.Nested(AnchorOutSchema))


class SurveyItemSchema(Schema):
    key = ma.fields.String()
    text = ma.fields.String()


class ChoiceSchema(Schema):
    key = ma.fields.String()
    label = ma.fields.String()


class WindowSchema(Schema):
    opens_on = ma.fields.Date()
    closes_on = ma.fields.Date()


class DraftSchema(Schema):
    answers = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())
    concerns = ma.fields.List(ma.fields.String())
    note = ma.fields.String(allow_none=True)
    saved_at = ma.fields.DateTime()


class SurveySchema(Schema):
    wave = ma.fields.String()
    lang = ma.fields.String()
    kind = ma.fields.String(
        metadata={"description": "pilot (a pilot's wave) or company (a company survey round)"}
    )
    title = ma.fields.String(metadata={"description": "The pilot's or company survey's title"})
    pilot_title = ma.fields.String(allow_none=True, metadata={"description": "Pilots only"})
    round_label = ma.fields.String(
        allow_none=True, metadata={"description": "Company survey rounds only (e.g. 2026)"}
    )
    status = ma.fields.String(metadata={"description": "open, not_open, closed or answered"})
    window = ma.fields.Nested(WindowSchema)
    scale = ma.fields.Nested(ScaleSchema, allow_none=True)
    items = ma.fields.List(ma.fields.Nested(SurveyItemSchema))
    concerns = ma.fields.List(
        ma.fields.Nested(ChoiceSchema), metadata={"description": "Intake only"}
    )
    minutes = ma.fields.Integer(metadata={"description": "About how many minutes answering takes"})
    draft = ma.fields.Nested(
        DraftSchema,
        allow_none=True,
        metadata={"description": "Answers saved so far (PUT …/draft); null when none"},
    )


class AnswersInputSchema(Schema):
    answers = ma.fields.Dict(
        keys=ma.fields.String(validate=ma.validate.Length(1, 64)),
        values=ma.fields.Raw(),
        validate=ma.validate.Length(max=200),
        metadata={"description": "item key → integer on the scale"},
    )
    concerns = ma.fields.List(
        ma.fields.String(validate=ma.validate.Length(1, 64)), validate=ma.validate.Length(max=50)
    )
    note = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=2000))


class NextWaveSchema(Schema):
    wave = ma.fields.String()
    url = ma.fields.String()


class ResponseReceiptSchema(Schema):
    wave = ma.fields.String()
    submitted_at = ma.fields.DateTime()
    message = ma.fields.String()
    next = ma.fields.Nested(
        NextWaveSchema,
        allow_none=True,
        metadata={
            "description": "Another wave the same person can answer now (intake → pre), else null"
        },
    )
