"""The disclosure export: one CSV row per round up to the chosen one, the figures a
human-capital report (人的資本情報開示) cites.

UTF-8 with a BOM (Excel opens it as UTF-8), never cached, audit-logged. It opens with its
definitions, one labelled row each (questionnaire and version, scale, what "favourable" means,
the K rule, the CI method, the decimals), then an empty row, then the table: a header in the
reader's language (Japanese or English, as the page's locale; the same key order in both) and
one row per round. Python's csv module reads it back as it is (a definitions row is
[label, text]; the empty row is []).

Figures are those of each closed round's publication (crossover.company.publication), withheld
the same way (an empty cell). One rule for decimals: rates and shares as percentages to one
decimal (85.0, never 85), means, SDs, CIs and r to two decimals (3.10, never 3.1; the scale's own
precision is one answer step, two decimals keep differences between rounds visible).
"""

import csv
import io

from flask import Response as FlaskResponse
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from crossover import audit
from crossover.auth.models import User
from crossover.company import round_state
from crossover.company.models import CompanySurvey, SurveyRound
from crossover.company.publication import published
from crossover.company.rounds import rounds_of
from crossover.config import local_today, privacy_k
from crossover.extensions import db
from crossover.instruments.models import Instrument
from crossover.web.downloads import csv_download
from crossover.web.ui import number, score_number

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
    return [_row(r, published(r)) for r in rounds_up_to(survey_round)]


def rounds_up_to(survey_round: SurveyRound) -> list[SurveyRound]:
    """The survey's closed rounds up to and including this one, in time order."""
    survey = db.session.get(CompanySurvey, survey_round.company_survey_id)
    rounds = rounds_of(survey)
    return [r for r in rounds[: rounds.index(survey_round) + 1] if round_state.is_closed(r)]


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


def _fixed(value) -> str | None:
    return None if value is None else score_number(float(value))


def _percent(value) -> str | None:
    return None if value is None else number(100 * float(value), 1)


def definitions(survey_round: SurveyRound, rounds: list[SurveyRound]) -> list[tuple[str, str]]:
    """The labelled rows that open the export, in the current locale."""
    rounds = rounds or [survey_round]
    used: dict[int, list[str]] = {}
    for r in rounds:
        used.setdefault(r.instrument_id, []).append(r.label)
    instruments = {i: db.session.get(Instrument, i) for i in used}
    first = instruments[survey_round.instrument_id]
    return [
        (_("Survey"), db.session.get(CompanySurvey, survey_round.company_survey_id).title),
        (
            _("Questionnaire"),
            "; ".join(
                _(
                    "%(name)s, version %(version)s (rounds: %(rounds)s)",
                    name=i.name,
                    version=i.version,
                    rounds=", ".join(used[key]),
                )
                for key, i in instruments.items()
            ),
        ),
        (
            _("Response scale"),
            _(
                "%(min)s to %(max)s (%(min)s = lowest, %(max)s = highest; reverse-worded items "
                "recoded so that higher is always more ownership)",
                min=first.scale_min,
                max=first.scale_max,
            ),
        ),
        (
            _("Score"),
            _("The mean of a respondent's answers to all items (total) or to a subscale's items."),
        ),
        (
            _("Favourable (percent)"),
            _(
                "The percentage of respondents whose total score is 4 or more on the 1 to 5 "
                "scale (on another scale: at least three quarters of the way from its lowest "
                "to its highest point)."
            ),
        ),
        (
            _("Minimum group size (K)"),
            _(
                "K = %(k)s people: figures over fewer than %(k)s respondents are left empty, "
                "and so are figures from which such a group could be worked out.",
                k=privacy_k(),
            ),
        ),
        (
            _("95 percent CI"),
            _(
                "The 95 percent confidence interval of the mean from the t distribution "
                "(mean ± t(0.975, n − 1) × SD / √n)."
            ),
        ),
        (
            _("Decimals"),
            _(
                "Means, SDs, confidence intervals and r to two decimals; rates and shares as "
                "percentages to one decimal."
            ),
        ),
        (_("Exported on"), local_today().isoformat()),
    ]


def export_csv(survey_round: SurveyRound, *, actor: User, lang: str) -> str:
    """The CSV text (BOM first); withheld figures are empty cells. Audit-logged."""
    rows = rows_for(survey_round)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    with force_locale(lang if lang in ("ja", "en") else "en"):
        for label, text in definitions(survey_round, rounds_up_to(survey_round)):
            writer.writerow([str(label), _text(text)])
        writer.writerow([])
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
