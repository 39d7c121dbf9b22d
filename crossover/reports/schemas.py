"""The report's shape, for the OpenAPI document (withheld numbers are null, with suppressed:
true)."""

import marshmallow as ma

from crossover.web.api import LabelSchema, Schema

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


class HodgesLehmannSchema(Schema):
    """The location estimate of the Wilcoxon test with its two-sided interval, as R
    wilcox.test(change, conf.int = TRUE, digits.rank = 7) gives them (zero changes dropped)."""

    estimate = F(
        metadata={
            "description": "The Hodges–Lehmann estimate (R's (pseudo)median); the midrange of "
            "the non-zero changes where R gives no interval"
        }
    )
    ci_low = F(metadata={"description": "Null where R gives none (under two distinct changes)"})
    ci_high = F()
    conf_level = F(
        metadata={
            "description": "The level the interval reaches: 0.95 unless too few changes allow "
            "it (R widens it then, e.g. 0.75 with 3 pairs)"
        }
    )
    method = S(
        metadata={
            "description": "exact (Walsh averages: fewer than 50 changes, no ties, no zeros) or "
            "normal (the approximation inverted with R's uniroot, tol 1e-4)",
            "enum": ["exact", "normal", None],
        }
    )


def EFFECT_INTERVAL(effect: str):
    return F(
        metadata={
            "description": f"Two-sided 95% interval of {effect} by inverting the noncentral t "
            "(as MBESS conf.limits.nct); null with no spread in the changes"
        }
    )


class IntervalFields(Schema):
    """Every effect with its interval: the fields outcomes, follow-ups and subgroups share."""

    dz_ci_low = EFFECT_INTERVAL("dz")
    dz_ci_high = EFFECT_INTERVAL("dz")
    gz_ci_low = EFFECT_INTERVAL("gz (dz's interval times J; null below 3 pairs, as gz)")
    gz_ci_high = EFFECT_INTERVAL("gz (dz's interval times J; null below 3 pairs, as gz)")
    hodges_lehmann = ma.fields.Nested(HodgesLehmannSchema, allow_none=True)


class OutcomeSchema(IntervalFields):
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
    bf10 = F(
        metadata={
            "description": "Primary outcome only: the JZS Bayes factor of the paired t-test "
            '(r = √2/2, BayesFactor::ttestBF(paired = TRUE, rscale = "medium"), one-sided '
            "by nullInterval for a one-sided preregistration); null with no spread"
        }
    )
    bf10_prior = S(
        metadata={
            "description": "The alternative's prior: positive (nullInterval c(0, Inf), an "
            "increase preregistered), negative (c(-Inf, 0)) or two-sided",
            "enum": ["positive", "negative", "two-sided", None],
        }
    )
    bf10_reading = S(
        metadata={
            "description": "BF10 in words, beside (never instead of) the verdict: "
            "evidence_for_no_effect (< 1/3), inconclusive, evidence_for_effect (> 3)",
            "enum": ["evidence_for_no_effect", "inconclusive", "evidence_for_effect", None],
        }
    )
    note = S()
    suppressed = ma.fields.Boolean()
    suppressed_reason = REASON()


class ChangeSchema(LabelSchema, IntervalFields):
    wave = S()
    days = I()
    n, mean_change, sd_change, ci_low, ci_high, t, df, p, dz, gz = (
        I(),
        F(),
        F(),
        F(),
        F(),
        F(),
        I(),
        F(),
        F(),
        F(),
    )
    ci_test_low = F(
        metadata={"description": "The test's interval (preregistered side, level 1 − alpha)"}
    )
    ci_test_high = F()
    ci_test_sided = TEST_SIDED()
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
    hedges_g_ci_low = F(
        metadata={
            "description": "95% interval of hedges_g: g ± z(0.975) √vi with metafor's "
            'escalc("SMD") vi = 1/n1 + 1/n2 + g² / (2 (n1 + n2))'
        }
    )
    hedges_g_ci_high = F()
    label = LABEL()


class AncovaSchema(Schema):
    """lm(post ~ pre + arm) of a randomised pilot (participant = 1, comparison = 0): the arm's
    coefficient as summary(lm()) and confint() give it; standardized = coefficient / pooled
    within-arm SD of pre."""

    n_participant, n_comparison, df = I(), I(), I()
    coefficient, se, t, p, ci_low, ci_high, standardized = F(), F(), F(), F(), F(), F(), F()
    ci_test_low, ci_test_high, ci_test_sided = F(), F(), TEST_SIDED()
    standardized_ci_low = F(
        metadata={
            "description": "95% interval of standardized: d ± z(0.975) √v, v = SE(b)² / s² + "
            "d² / (2 (n − 2)) (the variance the evidence board pools with)"
        }
    )
    standardized_ci_high = F()
    pre_coefficient = F(metadata={"description": 'The slope of post on pre: coef(fit)["pre"]'})
    r_squared = F(metadata={"description": "summary(lm(post ~ pre + arm))$r.squared"})
    slopes_p = F(
        metadata={
            "description": "Homogeneity of slopes: Pr(>F) of the pre:arm row of "
            "anova(lm(post ~ pre * arm)); null without a residual df"
        }
    )
    slopes_note = S(metadata={"description": "Set when slopes_p < 0.05: the slopes differ"})
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
