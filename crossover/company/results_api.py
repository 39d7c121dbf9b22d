"""GET /rounds/<id>/results, /company-surveys/<id>/trend, /rounds/<id>/disclosure.csv and
/consortium/company-surveys."""

from flask import request
from flask.views import MethodView
from flask_babel import get_locale
import marshmallow as ma

from crossover.auth.access import actor, api_auth
from crossover.auth.models import Role
from crossover.company import consortium, disclosure, publication, trend
from crossover.company.access import owned_round, owned_survey
from crossover.web.api import Blueprint, Schema

api_blp = Blueprint(
    "company_results_api", __name__, description="Company survey results, trend and disclosure"
)

F = lambda **kw: ma.fields.Float(allow_none=True, **kw)  # noqa: E731
I = lambda **kw: ma.fields.Integer(allow_none=True, **kw)  # noqa: E731,E741
S = lambda **kw: ma.fields.String(allow_none=True, **kw)  # noqa: E731
B = lambda **kw: ma.fields.Boolean(**kw)  # noqa: E731


def REASON():
    return S(
        metadata={
            "description": "Why withheld: small (fewer than K respondents) or complementary "
            "(withheld so that a small group cannot be recovered from visible ones)",
            "enum": ["small", "complementary", None],
        }
    )


class CompanyRoundHeaderSchema(Schema):
    id, company_survey_id = I(), I()
    label, opens_on, closes_on = S(), S(), S()
    instrument_id, instrument_version, scale_min, scale_max, privacy_k = I(), I(), I(), I(), I()


class CompanyParticipationGroupSchema(Schema):
    key = S()
    invited = I(metadata={"description": "From the company's own roster"})
    responded, rate = I(), F()
    suppressed, suppressed_reason = B(), REASON()


class CompanyParticipationSchema(CompanyParticipationGroupSchema):
    by_age_band = ma.fields.List(ma.fields.Nested(CompanyParticipationGroupSchema))
    by_tenure_band = ma.fields.List(ma.fields.Nested(CompanyParticipationGroupSchema))
    by_unit = ma.fields.List(ma.fields.Nested(CompanyParticipationGroupSchema))


class CompanySummarySchema(Schema):
    key = S()
    n, mean, sd, ci_low, ci_high = I(), F(), F(), F(), F()
    suppressed, suppressed_reason = B(), REASON()


class CompanyMapGroupSchema(Schema):
    age_band, tenure_band = S(), S()
    n, mean = I(), F()
    suppressed, suppressed_reason = B(), REASON()


class CompanyMapSchema(Schema):
    age_bands = ma.fields.List(ma.fields.String())
    tenure_bands = ma.fields.List(ma.fields.String())
    cells = ma.fields.List(ma.fields.Nested(CompanyMapGroupSchema))
    rows = ma.fields.List(
        ma.fields.Nested(CompanyMapGroupSchema), metadata={"description": "Age-band margins"}
    )
    columns = ma.fields.List(
        ma.fields.Nested(CompanyMapGroupSchema), metadata={"description": "Tenure-band margins"}
    )


class CompanyCorrelationSchema(Schema):
    key = S()
    n, pearson_r, ci_low, ci_high, p_pearson = I(), F(), F(), F(), F()
    spearman_rho, p_spearman = F(), F()


class CompanyItemCorrelationSchema(Schema):
    key, subscale = S(), S()
    reverse = B(metadata={"description": "Reverse-keyed: answers recoded before correlating"})
    pearson_r, p_pearson, mean, rank = F(), F(), F(), I()
    p_holm = F(metadata={"description": "p adjusted by Holm over the items (R p.adjust)"})
    work_on = B(metadata={"description": "Listed under what to work on: p_holm below 0.05"})


class CompanyLineSchema(Schema):
    intercept, slope = F(), F()


class CompanyBinSchema(Schema):
    low, high = F(), F()
    value = F(metadata={"description": "The engagement value the group stands for"})
    mean = F()
    suppressed = B()


class CompanyEngagementSchema(CompanyCorrelationSchema):
    suppressed, suppressed_reason = B(), REASON()
    subscales = ma.fields.List(ma.fields.Nested(CompanyCorrelationSchema), allow_none=True)
    items = ma.fields.List(
        ma.fields.Nested(CompanyItemCorrelationSchema),
        allow_none=True,
        metadata={"description": "Items ranked by Pearson r with engagement, strongest first"},
    )
    ranked_by = S()
    coarsened = B(
        metadata={
            "description": "The engagement scores were coarsened into ordered groups of at "
            "least K respondents (ties together) before relating them to scores"
        }
    )
    groups = I(metadata={"description": "How many engagement values the relation uses"})
    line = ma.fields.Nested(CompanyLineSchema, allow_none=True)
    bins = ma.fields.List(ma.fields.Nested(CompanyBinSchema), allow_none=True)


class CompanyItemDistributionSchema(Schema):
    key, subscale = S(), S()
    reverse = B(metadata={"description": "Reverse-keyed: shares are of the recoded answers"})
    n = I()
    favourable = F(
        metadata={
            "description": "Share (0–1) answering 4–5 on a 1–5 scale; on another scale, at or "
            "above 3/4 of the way from its minimum to its maximum"
        }
    )
    neutral = F(metadata={"description": "Share (0–1) between favourable and unfavourable"})
    unfavourable = F(
        metadata={"description": "Share (0–1) answering 1–2 on 1–5; at or below 1/4 of the way"}
    )
    change_favourable = F(
        metadata={
            "description": "Favourable share minus the previous closed round's, when both "
            "rounds published the item on the same scale (null otherwise)"
        }
    )


class CompanyRoundResultsSchema(Schema):
    round = ma.fields.Nested(CompanyRoundHeaderSchema)
    participation = ma.fields.Nested(CompanyParticipationSchema)
    total = ma.fields.Nested(CompanySummarySchema)
    subscales = ma.fields.List(ma.fields.Nested(CompanySummarySchema))
    map = ma.fields.Nested(CompanyMapSchema)
    engagement = ma.fields.Nested(CompanyEngagementSchema)
    item_distribution = ma.fields.List(
        ma.fields.Nested(CompanyItemDistributionSchema),
        metadata={"description": "Per item; empty when the total is withheld"},
    )


class CompanyTrendRoundSchema(Schema):
    id, label, opens_on, closes_on, instrument_version = I(), S(), S(), S(), I()
    n, mean, sd, ci_low, ci_high = I(), F(), F(), F(), F()
    suppressed, suppressed_reason = B(), REASON()
    not_comparable = ma.fields.List(
        ma.fields.String(),
        metadata={
            "description": "Why the round is not comparable across rounds (empty: it is): "
            "response_rate (under 50% answered) or respondents (under 30)"
        },
    )


class CompanyWelchSchema(Schema):
    t, df, p, ci_low, ci_high = F(), F(), F(), F(), F()
    g = F(metadata={"description": "Hedges' g: pooled SD, exact small-sample correction"})
    g_ci_low, g_ci_high = F(), F()
    note = S()
    suppressed, suppressed_reason = B(), REASON()


class CompanyPanelSchema(Schema):
    n, mean_change, sd_change, t, df, p, ci_low, ci_high, dz = (
        I(),
        F(),
        F(),
        F(),
        I(),
        F(),
        F(),
        F(),
        F(),
    )
    gz, dz_ci_low, dz_ci_high, gz_ci_low, gz_ci_high = F(), F(), F(), F(), F()
    note = S()
    suppressed, suppressed_reason = B(), REASON()


class CompanyTrendChangeSchema(Schema):
    from_ = S(data_key="from", attribute="from")
    to = S()
    difference = F()
    break_ = B(data_key="break", attribute="break")
    comparable = B(
        metadata={
            "description": "Both rounds are comparable (see not_comparable): only then may a "
            "change be called real"
        }
    )
    welch = ma.fields.Nested(CompanyWelchSchema)
    panel = ma.fields.Nested(CompanyPanelSchema)
    note = S()


class CompanyTrendSurveySchema(Schema):
    id, title, privacy_k = I(), S(), I()


class CompanyTrendSchema(Schema):
    survey = ma.fields.Nested(CompanyTrendSurveySchema)
    rounds = ma.fields.List(ma.fields.Nested(CompanyTrendRoundSchema))
    changes = ma.fields.List(ma.fields.Nested(CompanyTrendChangeSchema))


class CompanyConsortiumLabelSchema(Schema):
    label = S()
    shown = B()
    companies, respondents = I(), I()
    contributions = I(metadata={"description": "Closed company-rounds with K respondents"})
    q1, median, q3, pooled_mean = F(), F(), F(), F()
    band = S(metadata={"enum": list(consortium.BANDS)})


class CompanyConsortiumSchema(Schema):
    privacy_k, min_companies, min_for_quartiles = I(), I(), I()
    labels = ma.fields.List(ma.fields.Nested(CompanyConsortiumLabelSchema))


@api_blp.route("/rounds/<id:round_id>/results")
class RoundResults(MethodView):
    @api_auth(Role.OWNER, Role.REVIEWER, Role.ADMIN)
    @api_blp.response(200, CompanyRoundResultsSchema)
    @api_blp.alt_response(409, description="The round is open: nothing about scores yet")
    @api_blp.doc(
        summary="Participation, total and subscales, the age × tenure map and the engagement "
        "relation of a closed round, computed once (owners of the company only)"
    )
    def get(self, round_id):
        return publication.round_results(owned_round(round_id, actor()))


@api_blp.route("/company-surveys/<id:survey_id>/trend")
class SurveyTrend(MethodView):
    @api_auth(Role.OWNER, Role.REVIEWER, Role.ADMIN)
    @api_blp.response(200, CompanyTrendSchema)
    def get(self, survey_id):
        """Each round's mean with its CI and each change between consecutive rounds"""
        return trend.trend(owned_survey(survey_id, actor()))


@api_blp.route("/rounds/<id:round_id>/disclosure.csv")
class RoundDisclosure(MethodView):
    @api_auth(Role.OWNER, Role.REVIEWER, Role.ADMIN)
    @api_blp.doc(
        responses={
            "200": {
                "description": "One row per round up to this one (UTF-8 with BOM); header in "
                "the request's language (Accept-Language, ja or en)",
                "content": {"text/csv": {"schema": {"type": "string"}}},
            }
        }
    )
    def get(self, round_id):
        """Export the disclosure figures (owners only; audit-logged)"""
        survey_round = owned_round(round_id, actor())
        lang = request_language()
        body = disclosure.export_csv(survey_round, actor=actor(), lang=lang)
        return disclosure.csv_response(survey_round, body, lang)


@api_blp.route("/consortium/company-surveys")
class ConsortiumDistribution(MethodView):
    @api_auth(Role.OWNER, Role.REVIEWER, Role.ADMIN)
    @api_blp.response(200, CompanyConsortiumSchema)
    def get(self):
        """Per round label, the spread of company means; an owner gets only its own band"""
        return consortium.consortium_view(actor())


def request_language() -> str:
    """ja or en: the locale Flask-Babel chose for this request."""
    lang = str(get_locale() or request.accept_languages.best_match(["ja", "en"]) or "en")
    return "ja" if lang.startswith("ja") else "en"
