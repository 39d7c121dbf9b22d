"""Company surveys, rounds, roster and engagement uploads, invitation status, erasure, sending.

Owners of the organisation only: reviewers and admins get 403 (they see the consortium view),
another organisation's ids answer 404.
"""

from flask import current_app, jsonify, request
from flask.views import MethodView

from crossover.auth.access import actor, api_auth
from crossover.auth.models import Role
from crossover.company import participation, publication, rosters, round_state, rounds, services
from crossover.company.access import owned_round, owned_survey
from crossover.company.models import SurveyRound
from crossover.company.schemas import (
    CompanySurveyCreateSchema,
    CompanySurveySchema,
    CompanySurveyUpdateSchema,
    DuplicateRosterUploadSchema,
    EngagementFileSchema,
    EngagementResultSchema,
    FileSchema,
    InvitationRowSchema,
    ParticipationSchema,
    RosterResultSchema,
    RosterUploadRecordSchema,
    RoundCreateSchema,
    RoundSchema,
    SendResultSchema,
)
from crossover.config import privacy_k
from crossover.db import MAX_OFFSET
from crossover.web.api import Blueprint

api_blp = Blueprint(
    "company_api",
    __name__,
    description="Company surveys (組織サーベイ): rounds, rosters, engagement, invitations",
)

SURVEY = "/company-surveys/<id:survey_id>"
ROUND = "/rounds/<id:round_id>"
LARGE_UPLOADS = {"company_api.RoundRoster", "company_api.RoundEngagement"}


def allow_large_roster(endpoints: set[str]):
    """A url_value_preprocessor: roster files may exceed the app's body limit (100,000 rows is a
    normal company). It runs before any before_request hook reads the form."""

    def preprocess(endpoint, values):
        if endpoint in endpoints:
            request.max_content_length = current_app.config["ROSTER_MAX_CONTENT_LENGTH"]

    return preprocess


api_blp.url_value_preprocessor(allow_large_roster(LARGE_UPLOADS))


def survey_view(survey) -> dict:
    return {
        "id": survey.id,
        "title": survey.title,
        "instrument_id": survey.instrument_id,
        "created_at": survey.created_at,
        "rounds": rounds.rounds_of(survey),
    }


@api_blp.route("/company-surveys")
class CompanySurveys(MethodView):
    @api_auth(Role.OWNER)
    @api_blp.response(200, CompanySurveySchema(many=True))
    def get(self):
        """The organisation's company surveys with their rounds"""
        return [survey_view(s) for s in services.list_surveys(actor())]

    @api_auth(Role.OWNER)
    @api_blp.arguments(CompanySurveyCreateSchema)
    @api_blp.response(201, CompanySurveySchema)
    def post(self, data):
        """Start a company survey (default instrument: the shipped career-ownership scale)"""
        return survey_view(services.create_survey(data, actor=actor()))


@api_blp.route(SURVEY)
class CompanySurveyById(MethodView):
    @api_auth(Role.OWNER)
    @api_blp.response(200, CompanySurveySchema)
    def get(self, survey_id):
        """One company survey with its rounds"""
        return survey_view(owned_survey(survey_id, actor()))

    @api_auth(Role.OWNER)
    @api_blp.arguments(CompanySurveyUpdateSchema)
    @api_blp.response(200, CompanySurveySchema)
    def patch(self, data, survey_id):
        """Rename, or move later rounds to another version of the survey's instrument"""
        survey = owned_survey(survey_id, actor())
        return survey_view(services.update_survey(survey, data, actor=actor()))


@api_blp.route(f"{SURVEY}/rounds")
class SurveyRounds(MethodView):
    @api_auth(Role.OWNER)
    @api_blp.arguments(RoundCreateSchema)
    @api_blp.response(201, RoundSchema)
    def post(self, data, survey_id):
        """Add a round; it freezes the survey's instrument (a label used before is 409)"""
        return services.create_round(owned_survey(survey_id, actor()), data, actor=actor())


@api_blp.route(ROUND)
class RoundById(MethodView):
    @api_auth(Role.OWNER)
    @api_blp.response(200, RoundSchema)
    def get(self, round_id):
        """One round: its window and frozen instrument"""
        return owned_round(round_id, actor())


@api_blp.route(f"{ROUND}/roster")
class RoundRoster(MethodView):
    @api_auth(Role.OWNER)
    @api_blp.arguments(FileSchema, location="files")
    @api_blp.response(201, RosterResultSchema)
    @api_blp.alt_response(
        409, schema=DuplicateRosterUploadSchema, description="This file was already added"
    )
    @api_blp.alt_response(409, description="The roster is fixed: an invitation has gone out")
    @api_blp.doc(
        summary="Add everyone in a roster CSV, or nobody: bad rows are reported by line and "
        "column. The answer counts the rows; no token or link ever comes back (links go only "
        "to each employee's e-mail address)"
    )
    def post(self, files, round_id):
        round_ = owned_round(round_id, actor())
        try:
            result = rosters.import_roster(round_, files["file"].read(), actor=actor())
        except rosters.DuplicateRosterUpload as duplicate:
            body = {
                "code": 409,
                "status": "Conflict",
                "message": duplicate.message,
                "errors": duplicate.errors,
                "result": RosterUploadRecordSchema().dump(duplicate.upload),
            }
            return jsonify(body), 409
        upload = RosterUploadRecordSchema().dump(result.upload)
        body = {"added": result.added, "upload": upload, "without_email": result.without_email}
        return jsonify(body), 201


@api_blp.route(f"{ROUND}/engagement")
class RoundEngagement(MethodView):
    @api_auth(Role.OWNER)
    @api_blp.arguments(EngagementFileSchema, location="files")
    @api_blp.response(200, EngagementResultSchema)
    @api_blp.alt_response(409, description="Engagement was already given, or the round closed")
    def post(self, files, round_id):
        """Set engagement scores from a CSV of employee_ref, engagement (all rows checked first;
        once per round, before it closes)"""
        round_ = owned_round(round_id, actor())
        return rosters.upload_engagement(round_, files["file"].read(), actor=actor())


@api_blp.route(f"{ROUND}/invitations")
class RoundInvitations(MethodView):
    @api_auth(Role.OWNER)
    @api_blp.response(200, InvitationRowSchema(many=True))
    @api_blp.paginate()
    def get(self, round_id, pagination_parameters):
        """Roster rows with their e-mail delivery (no refs, no addresses, and not who answered)"""
        round_ = owned_round(round_id, actor())
        if (pagination_parameters.page - 1) * pagination_parameters.page_size > MAX_OFFSET:
            pagination_parameters.item_count = 0
            return []
        rows, total = services.invitation_page(
            round_, pagination_parameters.page, pagination_parameters.page_size
        )
        pagination_parameters.item_count = total
        return rows


@api_blp.route(f"{ROUND}/close")
class RoundClose(MethodView):
    @api_auth(Role.OWNER)
    @api_blp.response(200, RoundSchema)
    @api_blp.alt_response(409, description="Already closed")
    def post(self, round_id):
        """Close the round before its window ends: no more answers; its results are published"""
        return services.close_round(owned_round(round_id, actor()), actor=actor())


@api_blp.route(f"{ROUND}/participation")
class RoundParticipation(MethodView):
    @api_auth(Role.OWNER)
    @api_blp.response(200, ParticipationSchema)
    def get(self, round_id):
        """Who answered, only as counts: overall and by groups of at least K invited"""
        return participation_view(owned_round(round_id, actor()))


def participation_view(round_: SurveyRound) -> dict:
    """The round's participation counts: live while open, its publication's once closed."""
    if round_state.is_closed(round_):
        counts = publication.published(round_)["results"]["participation"]
    else:
        counts = participation.open_participation(round_)
    return {**counts, "status": services.round_status(round_), "privacy_k": privacy_k()}


@api_blp.route(f"{ROUND}/roster/<id:member_id>/contact")
class RosterContact(MethodView):
    @api_auth(Role.OWNER)
    @api_blp.response(204)
    def delete(self, round_id, member_id):
        """Erase a roster row's e-mail address (its answers stay, under a code)"""
        services.erase_contact(owned_round(round_id, actor()), member_id, actor=actor())


@api_blp.route(f"{ROUND}/send-invitations")
class RoundSendInvitations(MethodView):
    @api_auth(Role.OWNER)
    @api_blp.response(202, SendResultSchema)
    def post(self, round_id):
        """Queue the round's due invitations and reminders for the background worker (each at
        most once per roster row); 409 when mail is off"""
        return services.send_invitations(owned_round(round_id, actor()), actor=actor())
