"""Evidence board payloads."""

import marshmallow as ma

from crossover.web.api import Schema

F = lambda **kw: ma.fields.Float(allow_none=True, **kw)  # noqa: E731


class EvidenceQueryArgsSchema(Schema):
    organization = ma.fields.String(
        validate=ma.validate.Length(1, 64), metadata={"description": "Organization slug"}
    )
    format = ma.fields.String(
        validate=ma.validate.OneOf(["mentoring", "career_interview", "other"])
    )
    ended_from = ma.fields.Date(metadata={"description": "Pilots that ended on or after this date"})
    ended_to = ma.fields.Date(metadata={"description": "Pilots that ended on or before this date"})


class PooledSchema(Schema):
    """DerSimonian–Laird pooling as metafor rma(yi, vi, method = "DL") and predict()."""

    k = ma.fields.Integer()
    pairs = ma.fields.Integer()
    estimate, ci_low, ci_high, tau2, i2, p = F(), F(), F(), F(), F(), F()
    se = F(metadata={"description": "Standard error of the pooled estimate"})
    z = F(metadata={"description": "estimate / se, the test whose two-sided p is p"})
    q = F(metadata={"description": "Cochran's Q of heterogeneity (metafor QE)"})
    q_df = ma.fields.Integer(allow_none=True, metadata={"description": "Q's df, k − 1"})
    q_p = F(
        metadata={
            "description": "P(χ²(k − 1) ≥ Q) (metafor QEp; 1 with one pilot): a small p says the "
            "pilots' effects differ by more than chance"
        }
    )
    pi_low = F(
        metadata={
            "description": "95% prediction interval, estimate ± z(0.975) √(se² + τ²) (metafor "
            "predict()): where the next pilot's effect is expected; null below 3 pilots, which "
            "cannot estimate how much effects vary"
        }
    )
    pi_high = F()


class SummaryFields(Schema):
    pilots = ma.fields.Integer()
    withheld_pilots = ma.fields.Integer(
        metadata={"description": "Pilots under K pairs: counted, never pooled"}
    )
    organizations = ma.fields.Integer()
    pairs = ma.fields.Integer()
    randomised = ma.fields.Nested(
        PooledSchema,
        metadata={
            "description": "Randomised pilots, pooled on the standardised ANCOVA effect d = b / s "
            "(b the arm coefficient of lm(post ~ pre + arm), s the pooled within-arm SD of pre) "
            "with variance v = SE(b)² / s² + d² / (2 (n − 2))"
        },
    )
    controlled = ma.fields.Nested(
        PooledSchema,
        metadata={
            "description": "Non-randomised comparisons (arms assigned by the owner), pooled on "
            "Hedges' g of the changes with v = (n1 + n2) / (n1 n2) + g² / (2 (n1 + n2))"
        },
    )
    uncontrolled = ma.fields.Nested(PooledSchema)
    verdicts = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())


class CellEvidenceSchema(SummaryFields):
    venue = ma.fields.String()
    level = ma.fields.String()


class InitiativeEvidenceSchema(SummaryFields):
    initiative_id = ma.fields.Integer()
    title_ja = ma.fields.String()
    title_en = ma.fields.String()
    venue = ma.fields.String(
        metadata={
            "description": "The cell these pilots ran in: an initiative moved "
            "after some closed has one entry per cell"
        }
    )
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
    allocation = ma.fields.String(
        allow_none=True, metadata={"description": "randomised, assigned or null"}
    )
    comparison_label = ma.fields.String(
        allow_none=True,
        metadata={"description": '"non-randomised comparison" when the owner assigned the arms'},
    )
    n = ma.fields.Integer(allow_none=True)
    effect = F(
        metadata={
            "description": "gz (uncontrolled), Hedges' g between arms (assigned comparison) or "
            "the standardised ANCOVA effect (randomised)"
        }
    )
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
