"""The disclosure export: one CSV row per round up to the chosen one, the figures a
human-capital report (人的資本情報開示) cites.

UTF-8 with a BOM (Excel opens it as UTF-8), never cached, audit-logged. The header is in the
reader's language (Japanese or English, as the page's locale); the same key order in both.
Figures are those of each closed round's publication (crossover.company.publication), withheld
the same way; rates and shares are given as
percentages to one decimal, means, SDs and CIs to two decimals (the scale's own precision is one
answer step; two decimals keep differences between rounds visible), r to two decimals.
"""

import csv
import io

from flask import Response as FlaskResponse
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from crossover import audit
from crossover.auth.models import User
from crossover.company import round_state
from crossover.company.models import CompanySurvey, SurveyRound
from crossover.company.publication import published
from crossover.company.trend import rounds_of
from crossover.downloads import csv_download
from crossover.extensions import db

COLUMNS = (
    ("label", _l("Round")),
    ("opens_on", _l("Opens on")),
    ("closes_on", _l("Closes on")),
    ("invited", _l("Invited")),
    ("responded", _l("Responded")),
    ("response_rate", _l("Response rate (percent)")),
    ("mean", _l("Mean")),
    ("sd", _l("SD")),
    ("ci_low", _l("95 percent CI, lower")),
    ("ci_high", _l("95 percent CI, upper")),
    ("favourable", _l("Favourable (percent)")),
    ("engagement_r", _l("Correlation with engagement (r)")),
)


def rows_for(survey_round: SurveyRound) -> list[dict]:
    """The export's rows: the survey's closed rounds up to and including this one (409 while
    this one is open), in time order, each exactly as its publication shows it."""
    round_state.check_closed(survey_round)
    survey = db.session.get(CompanySurvey, survey_round.company_survey_id)
    rounds = rounds_of(survey)
    rounds = [r for r in rounds[: rounds.index(survey_round) + 1] if round_state.is_closed(r)]
    return [_row(r, published(r)) for r in rounds]


def _row(survey_round: SurveyRound, publication: dict) -> dict:
    result = publication["results"]
    total, participation = result["total"], result["participation"]
    engagement = result["engagement"]
    return {
        "label": survey_round.label,
        "opens_on": survey_round.opens_on.isoformat(),
        "closes_on": survey_round.closes_on.isoformat(),
        "invited": participation["invited"],
        "responded": participation["responded"],
        "response_rate": _percent(participation["rate"]),
        "mean": _fixed(total["mean"]),
        "sd": _fixed(total["sd"]),
        "ci_low": _fixed(total["ci_low"]),
        "ci_high": _fixed(total["ci_high"]),
        "favourable": _percent(publication["favourable"]) if not total["suppressed"] else None,
        "engagement_r": None if engagement["suppressed"] else _fixed(engagement["pearson_r"]),
    }


def _fixed(value, digits: int = 2):
    return None if value is None else round(float(value), digits)


def _percent(value):
    return None if value is None else round(100 * float(value), 1)


def export_csv(survey_round: SurveyRound, *, actor: User, lang: str) -> str:
    """The CSV text (BOM first); withheld figures are empty cells. Audit-logged."""
    rows = rows_for(survey_round)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    with force_locale(lang if lang in ("ja", "en") else "en"):
        writer.writerow([str(title) for _key, title in COLUMNS])
    for row in rows:
        writer.writerow(["" if row[key] is None else _text(row[key]) for key, _ in COLUMNS])
    audit.record(actor, "round.disclosure_export", "survey_round", survey_round.id, lang=lang)
    db.session.commit()
    return out.getvalue()


def _text(value) -> str:
    """A cell: labels as they are, but never a formula (a label is the company's own text)."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") and not _is_number(text) else text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def csv_response(survey_round: SurveyRound, body: str, lang: str) -> FlaskResponse:
    """A round's disclosure figures as a download."""
    return csv_download(f"round-{survey_round.id}-disclosure-{lang}.csv", body)
