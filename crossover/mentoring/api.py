"""GET/POST /mentors, PATCH /mentors/<id>, /pilots/<id>/matches, /matches/<id>/sessions."""

from flask.views import MethodView

from crossover.auth.access import actor, api_auth
from crossover.auth.models import Role
from crossover.mentoring import services
from crossover.mentoring.schemas import (
    MatchInputSchema,
    MatchSchema,
    MentorInputSchema,
    MentorQueryArgsSchema,
    MentorSchema,
    MentorUpdateSchema,
    SessionInputSchema,
    SessionSchema,
)
from crossover.pilots.access import get_owned_pilot
from crossover.web.api import Blueprint

api_blp = Blueprint(
    "mentoring_api", __name__, description="The shared mentor pool, matches and sessions"
)

MATCH = "/matches/<id:match_id>"


@api_blp.route("/mentors")
class Mentors(MethodView):
    @api_auth(Role.OWNER, Role.ADMIN)
    @api_blp.arguments(MentorQueryArgsSchema, location="query")
    @api_blp.response(200, MentorSchema(many=True))
    def get(self, args):
        """Browse the consortium's shared mentor pool"""
        return services.list_mentors(**args)

    @api_auth(Role.OWNER)
    @api_blp.arguments(MentorInputSchema)
    @api_blp.response(201, MentorSchema)
    def post(self, data):
        """Register a mentor of your own organization"""
        return services.register_mentor(data, actor=actor())


@api_blp.route("/mentors/<id:mentor_id>")
class MentorById(MethodView):
    @api_auth(Role.OWNER, Role.ADMIN)
    @api_blp.response(200, MentorSchema)
    def get(self, mentor_id):
        """One mentor of the pool"""
        return services.get_mentor(mentor_id)

    @api_auth(Role.OWNER)
    @api_blp.arguments(MentorUpdateSchema)
    @api_blp.response(200, MentorSchema)
    def patch(self, data, mentor_id):
        """Change one of your organization's mentors"""
        return services.update_mentor(services.get_mentor(mentor_id), data, actor=actor())


@api_blp.route("/pilots/<id:pilot_id>/matches")
class PilotMatches(MethodView):
    @api_auth(Role.OWNER)
    @api_blp.response(200, MatchSchema(many=True))
    def get(self, pilot_id):
        """Matches of a pilot with their sessions"""
        return services.list_matches(get_owned_pilot(pilot_id, actor()))

    @api_auth(Role.OWNER)
    @api_blp.arguments(MatchInputSchema)
    @api_blp.response(201, MatchSchema)
    @api_blp.doc(
        # The OpenAPI summary, too long for a one-line docstring.
        summary="Match a participant with a mentor of another organization "
        "(409: same organization or full)"
    )
    def post(self, data, pilot_id):
        pilot = get_owned_pilot(pilot_id, actor())
        return services.match(pilot, data["enrollment_id"], data["mentor_id"], actor=actor())


@api_blp.route(f"{MATCH}/end")
class MatchEnd(MethodView):
    @api_auth(Role.OWNER)
    @api_blp.response(200, MatchSchema)
    def post(self, match_id):
        """End a match, freeing the mentor's place"""
        return services.end_match(services.get_owned_match(match_id, actor()), actor=actor())


@api_blp.route(f"{MATCH}/sessions")
class MatchSessions(MethodView):
    @api_auth(Role.OWNER)
    @api_blp.response(200, SessionSchema(many=True))
    def get(self, match_id):
        """Sessions logged on a match"""
        return services.get_owned_match(match_id, actor()).sessions

    @api_auth(Role.OWNER)
    @api_blp.arguments(SessionInputSchema)
    @api_blp.response(201, SessionSchema)
    def post(self, data, match_id):
        """Log a session held on a match"""
        return services.log_session(
            services.get_owned_match(match_id, actor()), data, actor=actor()
        )
