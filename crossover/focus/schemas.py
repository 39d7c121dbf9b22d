"""Focus area, action and pilot-from-focus payloads."""

import marshmallow as ma

from crossover.focus.models import ACTION_STATUSES
from crossover.pilots.models import PilotFormat
from crossover.web.api import Id, Schema

_nullable = {"allow_none": True, "load_default": None}


class FocusCreateSchema(Schema):
    scale = ma.fields.String(
        validate=ma.validate.Length(1, 64),
        metadata={"description": "'total' or a subscale key (give scale or item)"},
        **_nullable,
    )
    item = ma.fields.String(
        validate=ma.validate.Length(1, 64),
        metadata={"description": "an item key of the round's questionnaire"},
        **_nullable,
    )
    age_band = ma.fields.String(
        validate=ma.validate.Length(1, 16),
        metadata={"description": "with tenure_band: a map cell; alone: an age row"},
        **_nullable,
    )
    tenure_band = ma.fields.String(validate=ma.validate.Length(1, 16), **_nullable)
    unit = ma.fields.String(
        validate=ma.validate.Length(1, 100),
        metadata={"description": "a unit the round's participation publishes (no bands)"},
        **_nullable,
    )
    note = ma.fields.String(load_default="", validate=ma.validate.Length(max=2000))


class FocusFigureSchema(Schema):
    figure = ma.fields.String(
        allow_none=True,
        metadata={
            "description": "the published figure: 'total', a subscale or item key; "
            "null for a unit (the results publish its counts only)"
        },
    )
    group = ma.fields.String()
    n = ma.fields.Integer(allow_none=True)
    mean = ma.fields.Float(allow_none=True)
    sd = ma.fields.Float(allow_none=True)
    favourable = ma.fields.Float(allow_none=True)
    ci_low = ma.fields.Float(allow_none=True)
    ci_high = ma.fields.Float(allow_none=True)


class FocusBaselineSchema(FocusFigureSchema):
    comparable = ma.fields.Boolean(
        metadata={"description": "the round has at least 30 respondents and 50% response"}
    )


class FocusActionInputSchema(Schema):
    what = ma.fields.String(required=True, validate=ma.validate.Length(1, 500))
    who = ma.fields.String(required=True, validate=ma.validate.Length(1, 200))
    starts_on = ma.fields.Date(required=True)
    ends_on = ma.fields.Date(required=True)
    status = ma.fields.String(load_default="planned", validate=ma.validate.OneOf(ACTION_STATUSES))


class FocusActionUpdateSchema(Schema):
    what = ma.fields.String(validate=ma.validate.Length(1, 500))
    who = ma.fields.String(validate=ma.validate.Length(1, 200))
    starts_on = ma.fields.Date()
    ends_on = ma.fields.Date()
    status = ma.fields.String(validate=ma.validate.OneOf(ACTION_STATUSES))


class FocusActionSchema(Schema):
    id = ma.fields.Integer()
    what = ma.fields.String()
    who = ma.fields.String()
    starts_on = ma.fields.Date()
    ends_on = ma.fields.Date()
    status = ma.fields.String()


class FocusChangeSchema(Schema):
    difference = ma.fields.Float(allow_none=True)
    ci_low = ma.fields.Float(allow_none=True)
    ci_high = ma.fields.Float(allow_none=True)
    favourable_change = ma.fields.Float(allow_none=True)


class FocusRoundSchema(Schema):
    id = ma.fields.Integer()
    label = ma.fields.String()


class FocusFollowThroughSchema(Schema):
    round = ma.fields.Nested(
        FocusRoundSchema,
        allow_none=True,
        metadata={"description": "the next closed round; null until there is one"},
    )
    figure = ma.fields.Nested(FocusFigureSchema, allow_none=True)
    withheld = ma.fields.String(allow_none=True)
    message = ma.fields.String()
    comparable = ma.fields.Boolean()
    # "break" is a keyword: the field is declared under another name
    instrument_break = ma.fields.Boolean(data_key="break", attribute="break")
    change = ma.fields.Nested(FocusChangeSchema, allow_none=True)
    panel = ma.fields.Dict(allow_none=True)


class FocusPilotSchema(Schema):
    id = ma.fields.Integer()
    title = ma.fields.String()
    status = ma.fields.String()
    outcome = ma.fields.String()


class FocusSchema(Schema):
    id = ma.fields.Integer()
    company_survey_id = ma.fields.Integer()
    round = ma.fields.Nested(FocusRoundSchema)
    scale = ma.fields.String(allow_none=True)
    item = ma.fields.String(allow_none=True)
    age_band = ma.fields.String(allow_none=True)
    tenure_band = ma.fields.String(allow_none=True)
    unit = ma.fields.String(allow_none=True)
    note = ma.fields.String()
    baseline = ma.fields.Nested(FocusBaselineSchema)
    privacy_k = ma.fields.Integer()
    actions = ma.fields.List(ma.fields.Nested(FocusActionSchema))
    pilots = ma.fields.List(ma.fields.Nested(FocusPilotSchema))
    follow_through = ma.fields.Nested(FocusFollowThroughSchema)
    created_at = ma.fields.DateTime()


class FocusPilotInputSchema(Schema):
    initiative_id = Id(required=True)
    title = ma.fields.String(validate=ma.validate.Length(1, 200))
    format = ma.fields.String(validate=ma.validate.OneOf([f.value for f in PilotFormat]))
    planned_n = ma.fields.Integer(validate=ma.validate.Range(min=2, max=100_000))
    starts_on = ma.fields.Date()
    ends_on = ma.fields.Date()
