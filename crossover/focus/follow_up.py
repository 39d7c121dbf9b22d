"""What focus areas add to the company survey's trend page: each area a later closed round
follows, with its change. The company room cannot import focus (focus builds on it), so this
registers with the trend page's context providers when focus is imported."""

from crossover.company import dashboard
from crossover.company.models import CompanySurvey
from crossover.company.rounds import rounds_of
from crossover.focus import services as focus


def followed(survey: CompanySurvey) -> dict:
    """The survey's focus areas that a later closed round follows, with their change."""
    survey_rounds = rounds_of(survey)  # read once for every focus area
    areas = []
    for area in focus.focus_of_survey(survey):
        through = focus.follow_through(area, survey_rounds)
        if through.get("round") is not None:
            areas.append((area, focus.focus_words(area), through))
    return {"followed": areas}


def register() -> None:
    dashboard.trend_context.append(followed)
