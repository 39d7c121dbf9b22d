"""Catalogue payloads: grid, reference lists, initiatives."""

import marshmallow as ma

from crossover.catalogue.models import InitiativeStatus
from crossover.web.api import LabelSchema, Schema

STATUSES = [s.value for s in InitiativeStatus]
_key = ma.validate.Regexp(r"^[a-z0-9_+\-]{1,64}$", error="Not a valid key.")


class ReferenceSchema(Schema):
    age_bands = ma.fields.List(ma.fields.Nested(LabelSchema))
    career_phases = ma.fields.List(ma.fields.Nested(LabelSchema))
    concerns = ma.fields.List(ma.fields.Nested(LabelSchema))
    formats = ma.fields.List(ma.fields.Nested(LabelSchema))
    effects = ma.fields.List(ma.fields.Nested(LabelSchema))
    venues = ma.fields.List(ma.fields.Nested(LabelSchema))
    levels = ma.fields.List(ma.fields.Nested(LabelSchema))


class AxisSchema(Schema):
    key = ma.fields.String()
    name_ja = ma.fields.String()
    name_en = ma.fields.String()
    position = ma.fields.Integer()


class LevelSchema(AxisSchema):
    description_ja = ma.fields.String()
    description_en = ma.fields.String()


class CellSchema(Schema):
    venue = ma.fields.String()
    level = ma.fields.String()
    initiatives = ma.fields.Integer(metadata={"description": "Initiatives not retired"})


class GridSchema(Schema):
    venues = ma.fields.List(ma.fields.Nested(AxisSchema))
    levels = ma.fields.List(ma.fields.Nested(LevelSchema))
    cells = ma.fields.List(ma.fields.Nested(CellSchema))


class InitiativeQueryArgsSchema(Schema):
    venue = ma.fields.String(validate=_key)
    level = ma.fields.String(validate=_key)
    status = ma.fields.String(validate=ma.validate.OneOf(STATUSES))
    q = ma.fields.String(
        validate=ma.validate.Length(1, 100),
        metadata={"description": "Words to find in the ja/en title or description"},
    )


_text = ma.validate.Length(max=4000)


class InitiativeWriteFields(Schema):
    venue = ma.fields.String(validate=_key)
    level = ma.fields.String(validate=_key)
    title_ja = ma.fields.String(validate=ma.validate.Length(1, 200))
    title_en = ma.fields.String(validate=ma.validate.Length(1, 200))
    description_ja = ma.fields.String(validate=_text)
    description_en = ma.fields.String(validate=_text)
    effects = ma.fields.List(ma.fields.String(validate=_key), validate=ma.validate.Length(max=10))
    status = ma.fields.String(validate=ma.validate.OneOf(STATUSES))


class InitiativeCreateSchema(InitiativeWriteFields):
    venue = ma.fields.String(required=True, validate=_key)
    level = ma.fields.String(required=True, validate=_key)
    title_ja = ma.fields.String(required=True, validate=ma.validate.Length(1, 200))
    title_en = ma.fields.String(required=True, validate=ma.validate.Length(1, 200))


class InitiativeUpdateSchema(InitiativeWriteFields):
    """Every field optional: PATCH changes only what it names."""


class InitiativeSchema(Schema):
    id = ma.fields.Integer()
    key = ma.fields.String(allow_none=True)
    venue = ma.fields.Function(lambda i: i.venue.key)
    level = ma.fields.Function(lambda i: i.level.key)
    title_ja = ma.fields.String()
    title_en = ma.fields.String()
    description_ja = ma.fields.String()
    description_en = ma.fields.String()
    effects = ma.fields.List(ma.fields.String())
    status = ma.fields.Function(lambda i: i.status.value)
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()
