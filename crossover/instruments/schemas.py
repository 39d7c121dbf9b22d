"""Instrument payloads."""

import marshmallow as ma

from crossover.web.api import Schema

_key = ma.validate.Regexp(r"^[a-z][a-z0-9_]{0,63}$", error="Use lowercase letters, digits and '_'.")


class AnchorSchema(Schema):
    value = ma.fields.Integer(required=True, strict=True)
    label_ja = ma.fields.String(required=True, validate=ma.validate.Length(1, 100))
    label_en = ma.fields.String(required=True, validate=ma.validate.Length(1, 100))


class ItemSchema(Schema):
    key = ma.fields.String(required=True, validate=_key)
    text_ja = ma.fields.String(required=True, validate=ma.validate.Length(1, 500))
    text_en = ma.fields.String(required=True, validate=ma.validate.Length(1, 500))
    subscale = ma.fields.String(required=True, validate=_key)
    reverse = ma.fields.Boolean(load_default=False)


class InstrumentInputSchema(Schema):
    name = ma.fields.String(required=True, validate=ma.validate.Length(1, 200))
    scale_min = ma.fields.Integer(required=True, strict=True, validate=ma.validate.Range(-10, 10))
    scale_max = ma.fields.Integer(required=True, strict=True, validate=ma.validate.Range(-10, 20))
    anchors = ma.fields.List(ma.fields.Nested(AnchorSchema), load_default=list)
    items = ma.fields.List(
        ma.fields.Nested(ItemSchema), required=True, validate=ma.validate.Length(1, 100)
    )

    @ma.validates_schema
    def _check(self, data, **kwargs):
        if data.get("scale_min") is not None and data.get("scale_max") is not None:
            if data["scale_min"] >= data["scale_max"]:
                raise ma.ValidationError("Must be greater than scale_min.", "scale_max")
            values = [a["value"] for a in data.get("anchors", [])]
            if any(not data["scale_min"] <= v <= data["scale_max"] for v in values):
                raise ma.ValidationError("Anchor values must lie on the scale.", "anchors")
            if len(values) != len(set(values)):
                raise ma.ValidationError("Anchor values must be distinct.", "anchors")
        keys = [item["key"] for item in data.get("items", [])]
        if len(keys) != len(set(keys)):
            raise ma.ValidationError("Item keys must be distinct.", "items")


class InstrumentSchema(Schema):
    id = ma.fields.Integer()
    key = ma.fields.String(allow_none=True)
    family = ma.fields.String()
    version = ma.fields.Integer()
    name = ma.fields.String()
    organization = ma.fields.Function(
        lambda i: i.organization_slug,
        allow_none=True,
        metadata={"description": "null for consortium-wide instruments"},
    )
    scale_min = ma.fields.Integer()
    scale_max = ma.fields.Integer()
    anchors = ma.fields.List(ma.fields.Nested(AnchorSchema))
    subscales = ma.fields.List(ma.fields.String())
    items = ma.fields.List(ma.fields.Nested(ItemSchema))
    frozen = ma.fields.Boolean(
        metadata={"description": "Used by a pilot past draft: edits make a new version"}
    )
    created_at = ma.fields.DateTime()
