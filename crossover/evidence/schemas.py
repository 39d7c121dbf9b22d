"""Evidence board payloads."""
import marshmallow as ma

from crossover.api import Schema

F = lambda **kw: ma.fields.Float(allow_none=True, **kw)  # noqa: E731


class EvidenceQueryArgsSchema(Schema):
    organization = ma.fields.String(validate=ma.validate.Length(1, 64), metadata={"description": "Organization slug"})
    format = ma.fields.String(validate=ma.validate.OneOf(["mentoring", "career_interview", "other"]))
    ended_from = ma.fields.Date(metadata={"description": "Pilots that ended on or after this date"})
    ended_to = ma.fields.Date(metadata={"description": "Pilots that ended on or before this date"})


class PooledSchema(Schema):
    k = ma.fields.Integer()
    pairs = ma.fields.Integer()
    estimate, ci_low, ci_high, tau2, i2, p = F(), F(), F(), F(), F(), F()


class SummaryFields(Schema):
    pilots = ma.fields.Integer()
    withheld_pilots = ma.fields.Integer(metadata={"description": "Pilots under K pairs: counted, never pooled"})
    organizations = ma.fields.Integer()
    pairs = ma.fields.Integer()
    controlled = ma.fields.Nested(PooledSchema)
    uncontrolled = ma.fields.Nested(PooledSchema)
    verdicts = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())


class CellEvidenceSchema(SummaryFields):
    venue = ma.fields.String()
    level = ma.fields.String()


class InitiativeEvidenceSchema(SummaryFields):
    initiative_id = ma.fields.Integer()
    title_ja = ma.fields.String()
    title_en = ma.fields.String()
    venue = ma.fields.String(metadata={"description": "The cell these pilots ran in: an initiative moved "
                                                      "after some closed has one entry per cell"})
    level = ma.fields.String()


class PilotEvidenceSchema(Schema):
    id = ma.fields.Integer()
    title = ma.fields.String()
    organization = ma.fields.String()
    organization_name = ma.fields.String()
    initiative_id = ma.fields.Integer()
    venue = ma.fields.String()
    level = ma.fields.String()
    format = ma.fields.String()
    ends_on = ma.fields.String()
    design = ma.fields.String()
    n = ma.fields.Integer(allow_none=True)
    effect = F(metadata={"description": "gz (uncontrolled) or Hedges' g between arms (controlled)"})
    ci_low, ci_high, p = F(), F(), F()
    p_bh = F(metadata={"description": "Benjamini–Hochberg across all closed pilots"})
    verdict = ma.fields.String()
    suppressed = ma.fields.Boolean()


class EvidenceBoardSchema(Schema):
    privacy_k = ma.fields.Integer()
    filters = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String())
    cells = ma.fields.List(ma.fields.Nested(CellEvidenceSchema))
    initiatives = ma.fields.List(ma.fields.Nested(InitiativeEvidenceSchema))
    pilots = ma.fields.List(ma.fields.Nested(PilotEvidenceSchema))
    verdicts = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())
