"""The report's shape, for the OpenAPI document (withheld numbers are null, with suppressed:
true)."""

import marshmallow as ma

from crossover.api import LabelSchema, Schema

F = lambda **kw: ma.fields.Float(allow_none=True, **kw)  # noqa: E731
I = lambda **kw: ma.fields.Integer(allow_none=True, **kw)  # noqa: E731,E741
S = lambda **kw: ma.fields.String(allow_none=True, **kw)  # noqa: E731


def REASON():
    return S(
        metadata={
            "description": "Why the figures are withheld: small (the group holds fewer than K "
            "people) or complementary (withheld so that a small group cannot be recovered by "
            "combining the visible ones) or values_under_k (dose: the values the owner set per "
            "person do not form two ordered groups of at least K pairs); null when shown",
            "enum": ["small", "complementary", "values_under_k", None],
        }
    )


def REASONS():
    return ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.String(),
        metadata={
            "description": "Reviewers: each head count withheld (its field null) and why: small "
            "(fewer than K people) or complementary (it would give away a smaller count by "
            "difference); empty for the pilot's owners, who read their own counts"
        },
    )


def TEST_SIDED():
    return S(
        metadata={
            "description": "R's alternative of the test's interval: greater (upper bound null), "
            "less (lower bound null) or two-sided",
            "enum": ["greater", "less", "two-sided", None],
        }
    )


class OutcomeSchema(Schema):
    outcome = ma.fields.String()
    n, pre_mean, post_mean, mean_change, sd_change = I(), F(), F(), F(), F()
    ci_low, ci_high, t, df, p_t = F(), F(), F(), I(), F()
    wilcoxon_v, p_wilcoxon, dz, gz, rank_biserial = F(), F(), F(), F(), F()
    shapiro_w, p_shapiro, p_primary = F(), F(), F()
    ci_test_low = F(
        metadata={
            "description": "The interval that matches the test: R t.test(alternative = the "
            "preregistered direction, conf.level = 1 − alpha); null when that "
            "bound is infinite (one-sided)"
        }
    )
    ci_test_high = F(
        metadata={"description": "Upper bound of the test's interval; null when infinite"}
    )
    ci_test_sided = TEST_SIDED()
    wilcoxon_method = S(
        metadata={
            "description": "exact (fewer than 50 non-zero changes, no ties) or normal "
            "(approximation with tie and continuity correction), as R's wilcox.test",
            "enum": ["exact", "normal", None],
        }
    )
    wilcoxon_nonzero = I(metadata={"description": "Non-zero changes, the ones ranked"})
    wilcoxon_zeros = I(metadata={"description": "Zero changes, dropped before ranking"})
    sign_nonzero, sign_positive = I(), I()
    p_sign = F(
        metadata={"description": "Sign test: R binom.test(positive, non-zero, alternative = …)"}
    )
    p_holm = F(metadata={"description": "Subscales only: Holm-adjusted within the pilot"})
    note = S()
    suppressed = ma.fields.Boolean()
    suppressed_reason = REASON()


class ChangeSchema(LabelSchema):
    wave = S()
    days = I()
    n, mean_change, sd_change, ci_low, ci_high, t, df, p, dz = (
        I(),
        F(),
        F(),
        F(),
        F(),
        F(),
        I(),
        F(),
        F(),
    )
    suppressed = ma.fields.Boolean()
    suppressed_reason = REASON()


class SubgroupsSchema(Schema):
    career_phase = ma.fields.List(ma.fields.Nested(ChangeSchema))
    age_band = ma.fields.List(ma.fields.Nested(ChangeSchema))


class ReliabilitySchema(Schema):
    wave = ma.fields.String()
    n, alpha = I(), F()
    suppressed = ma.fields.Boolean()
    suppressed_reason = REASON()


class WelchSchema(Schema):
    t, df, p, difference, ci_low, ci_high, hedges_g = F(), F(), F(), F(), F(), F(), F()
    suppressed = ma.fields.Boolean()
    suppressed_reason = REASON()


class AttritionSchema(Schema):
    enrolled, with_post, without_post = I(), I(), I()
    rate, completers_pre_mean, non_completers_pre_mean = F(), F(), F()
    welch = ma.fields.Nested(WelchSchema)
    suppressed_counts = REASONS()
    suppressed = ma.fields.Boolean()
    suppressed_reason = REASON()


def LABEL():
    return S(
        metadata={
            "description": '"non-randomised comparison" when the owner assigned the arms; '
            "null when randomised"
        }
    )


class ComparisonSchema(WelchSchema):
    n_participant, n_comparison = I(), I()
    mean_change_participant, mean_change_comparison = F(), F()
    ci_test_low, ci_test_high, ci_test_sided = F(), F(), TEST_SIDED()
    label = LABEL()


class AncovaSchema(Schema):
    """lm(post ~ pre + arm) of a randomised pilot (participant = 1, comparison = 0): the arm's
    coefficient as summary(lm()) and confint() give it; standardized = coefficient / pooled
    within-arm SD of pre."""

    n_participant, n_comparison, df = I(), I(), I()
    coefficient, se, t, p, ci_low, ci_high, standardized = F(), F(), F(), F(), F(), F(), F()
    ci_test_low, ci_test_high, ci_test_sided = F(), F(), TEST_SIDED()
    note = S()
    suppressed = ma.fields.Boolean()
    suppressed_reason = REASON()


class StratumBalanceSchema(Schema):
    stratum = S()
    n, participant, comparison = I(), I(), I()
    suppressed = ma.fields.Boolean()
    suppressed_reason = REASON()


class AllocationSchema(Schema):
    method = S(metadata={"description": "randomised or assigned"})
    label = LABEL()
    strata = ma.fields.List(ma.fields.String(), allow_none=True)
    seed = S(metadata={"description": "The allocation seed, shown once the pilot is closed"})
    balance = ma.fields.List(ma.fields.Nested(StratumBalanceSchema))


class OrderedGroupSchema(Schema):
    low, high, n = I(), I(), I()


class CorrelationSchema(Schema):
    """Spearman's rho of change against a dose variable coarsened into ordered groups."""

    rho, p, note = F(), F(), S()
    groups = ma.fields.List(
        ma.fields.Nested(OrderedGroupSchema),
        allow_none=True,
        metadata={
            "description": "The ordered groups rho is computed over (values low to high, n "
            "pairs): equal values share a group, each holds at least K pairs. The owner chooses "
            "sessions and minutes per person, so raw values could fix one person's rank"
        },
    )
    suppressed = ma.fields.Boolean()
    suppressed_reason = REASON()


class DoseSchema(Schema):
    n = I()
    total_sessions = I(metadata={"description": "Null when the sessions correlation is withheld"})
    total_minutes = I(metadata={"description": "Null when the minutes correlation is withheld"})
    sessions = ma.fields.Nested(CorrelationSchema, allow_none=True)
    minutes = ma.fields.Nested(CorrelationSchema, allow_none=True)
    suppressed = ma.fields.Boolean()
    suppressed_reason = REASON()


class ConcernItemSchema(LabelSchema):
    count, rank = I(), I()
    rate = F()


class ConcernTableSchema(LabelSchema):
    n = I()
    items = ma.fields.List(ma.fields.Nested(ConcernItemSchema), allow_none=True)
    suppressed = ma.fields.Boolean()
    suppressed_reason = REASON()


class ConcernsSchema(Schema):
    overall = ma.fields.Nested(ConcernTableSchema)
    by_career_phase = ma.fields.List(ma.fields.Nested(ConcernTableSchema))


class RuleSchema(LabelSchema):
    """The branch of the verdict taken: a stable key plus the sentence in both languages (the
    house's key/label_ja/label_en triplet), e.g.
    "p 0.003 < α 0.05 in the hoped direction and dz 0.56 ≥ 0.2: ..."."""

    key = ma.fields.String(
        metadata={
            "description": "too_few_pairs, no_effect_size, significant_and_large, "
            "significant_but_small, significant_wrong_way, "
            "large_not_significant, neither"
        }
    )


class VerdictSchema(Schema):
    value = ma.fields.String(
        metadata={
            "description": "insufficient_data, small_success, promising, adverse, no_evidence"
        }
    )
    basis = ma.fields.String(
        metadata={
            "description": "paired; comparison (Welch on changes) with an assigned "
            "comparison arm; ancova for a randomised pilot"
        }
    )
    test = ma.fields.String(
        metadata={"description": "The test whose p decided: paired_t, wilcoxon, welch or ancova"}
    )
    p, alpha, effect, min_effect = F(), F(), F(), F()
    direction = ma.fields.String(
        metadata={"description": "increase, decrease or two-sided (preregistered)"}
    )
    effect_name = ma.fields.String(
        metadata={
            "description": "dz (paired), hedges_g (comparison) or ancova_d "
            "(randomised); when every change is the same, effect "
            "is null and counts as met"
        }
    )
    rule = ma.fields.Nested(RuleSchema)


class CountsSchema(Schema):
    enrolled, pre, post, pairs = I(), I(), I(), I()
    suppressed = ma.fields.Boolean(metadata={"description": "Some count is withheld"})
    suppressed_counts = REASONS()


class ReportPilotSchema(Schema):
    id, initiative_id, privacy_k = I(), I(), I()
    title, status, format, organization, venue, level, design, warning = (
        S(),
        S(),
        S(),
        S(),
        S(),
        S(),
        S(),
        S(),
    )
    allocation = S(
        metadata={"description": "randomised, assigned, or null without a comparison arm"}
    )
    comparison_label = LABEL()
    preregistration = ma.fields.Dict()


class PilotReportSchema(Schema):
    pilot = ma.fields.Nested(ReportPilotSchema)
    counts = ma.fields.Nested(CountsSchema)
    primary = ma.fields.Nested(OutcomeSchema)
    subscales = ma.fields.List(ma.fields.Nested(OutcomeSchema))
    followups = ma.fields.List(ma.fields.Nested(ChangeSchema))
    subgroups = ma.fields.Nested(SubgroupsSchema)
    reliability = ma.fields.List(ma.fields.Nested(ReliabilitySchema))
    attrition = ma.fields.Nested(AttritionSchema)
    comparison = ma.fields.Nested(ComparisonSchema, allow_none=True)
    ancova = ma.fields.Nested(AncovaSchema, allow_none=True)
    allocation = ma.fields.Nested(AllocationSchema, allow_none=True)
    dose = ma.fields.Nested(DoseSchema)
    concerns = ma.fields.Nested(ConcernsSchema)
    verdict = ma.fields.Nested(VerdictSchema)
