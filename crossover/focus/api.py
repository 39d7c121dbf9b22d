"""Focus areas on closed company-survey rounds, their actions, and pilots started from them.

Owners of the organisation only: other roles get 403, another organisation's ids answer 404.
"""

from flask.views import MethodView

from crossover.auth.access import actor, api_auth
from crossover.auth.models import Role
from crossover.company.access import owned_survey
from crossover.company.rounds import rounds_of
from crossover.focus import services
from crossover.focus.schemas import (
    FocusActionInputSchema,
    FocusActionSchema,
    FocusActionUpdateSchema,
    FocusCreateSchema,
    FocusPilotInputSchema,
    FocusSchema,
)
from crossover.pilots.schemas import PilotSchema
from crossover.web.api import Blueprint

api_blp = Blueprint(
    "focus_api",
    __name__,
    description="Focus areas: what a company works on after a round, its actions and pilots",
)

FOCUS = "/focus/<id:focus_id>"


@api_blp.route("/rounds/<id:round_id>/focus")
class RoundFocus(MethodView):
    @api_auth(Role.OWNER)
    @api_blp.arguments(FocusCreateSchema)
    @api_blp.response(201, FocusSchema)
    @api_blp.alt_response(409, description="The round is open: nothing about scores is published")
    @api_blp.alt_response(422, description="The round's results withhold this group or figure")
    def post(self, data, round_id):
        """Mark a focus area on a closed round; its baseline is the round's published figure"""
        return services.focus_view(services.create_focus(round_id, data, actor=actor()))


@api_blp.route("/company-surveys/<id:survey_id>/focus")
class SurveyFocus(MethodView):
    @api_auth(Role.OWNER)
    @api_blp.response(200, FocusSchema(many=True))
    def get(self, survey_id):
        """The survey's focus areas with their actions, pilots and follow-through"""
        survey = owned_survey(survey_id, actor())
        rounds = rounds_of(survey)
        return [services.focus_view(f, rounds) for f in services.focus_of_survey(survey)]


@api_blp.route(FOCUS)
class FocusById(MethodView):
    @api_auth(Role.OWNER)
    @api_blp.response(200, FocusSchema)
    def get(self, focus_id):
        """One focus area with its actions, pilots and follow-through"""
        return services.focus_view(services.owned_focus(focus_id, actor()))

    @api_auth(Role.OWNER)
    @api_blp.response(204)
    @api_blp.alt_response(409, description="A pilot was started from it")
    def delete(self, focus_id):
        """Remove a focus area and its actions"""
        services.delete_focus(services.owned_focus(focus_id, actor()), actor=actor())


@api_blp.route(f"{FOCUS}/actions")
class FocusActions(MethodView):
    @api_auth(Role.OWNER)
    @api_blp.arguments(FocusActionInputSchema)
    @api_blp.response(201, FocusActionSchema)
    def post(self, data, focus_id):
        """Add an action: what, who, from–to, status"""
        focus = services.owned_focus(focus_id, actor())
        return services.add_action(focus, data, actor=actor())


@api_blp.route(f"{FOCUS}/actions/<id:action_id>")
class FocusActionById(MethodView):
    @api_auth(Role.OWNER)
    @api_blp.arguments(FocusActionUpdateSchema)
    @api_blp.response(200, FocusActionSchema)
    def patch(self, data, focus_id, action_id):
        """Change an action (its status as it goes)"""
        focus = services.owned_focus(focus_id, actor())
        return services.update_action(services.owned_action(focus, action_id), data, actor=actor())

    @api_auth(Role.OWNER)
    @api_blp.response(204)
    def delete(self, focus_id, action_id):
        """Remove an action"""
        focus = services.owned_focus(focus_id, actor())
        services.delete_action(focus, services.owned_action(focus, action_id), actor=actor())


@api_blp.route(f"{FOCUS}/pilot")
class FocusPilot(MethodView):
    @api_auth(Role.OWNER)
    @api_blp.arguments(FocusPilotInputSchema)
    @api_blp.response(201, PilotSchema)
    def post(self, data, focus_id):
        """Start a draft pilot from the focus area (outcome, eligibility, instrument and
        rationale pre-filled; the rationale is frozen with the preregistration)"""
        focus = services.owned_focus(focus_id, actor())
        return services.start_pilot(focus, data, actor=actor())
