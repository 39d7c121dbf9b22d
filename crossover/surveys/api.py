"""GET/POST /surveys/<token>: the participant's survey, reached by its token only."""

from flask.views import MethodView

from crossover.surveys import services
from crossover.surveys.schemas import (
    AnswersInputSchema,
    DraftSchema,
    ResponseReceiptSchema,
    SurveyQueryArgsSchema,
    SurveySchema,
)
from crossover.web.api import Blueprint

api_blp = Blueprint(
    "surveys_api", __name__, url_prefix="/surveys", description="Participant surveys (by token)"
)

TOKEN = "/<string(minlength=1, maxlength=128):token>"
# Instances, not classes: webargs builds a schema given as a class on every request, and
# building costs more than loading. Loading keeps no state in the schema.
ANSWERS_INPUT = AnswersInputSchema()


@api_blp.route(TOKEN)
class Survey(MethodView):
    @api_blp.doc(security=[])
    @api_blp.arguments(SurveyQueryArgsSchema, location="query")
    @api_blp.response(200, SurveySchema)
    def get(self, args, token):
        """The wave, its scale with anchor labels and its items (or the intake concerns)"""
        return services.survey_view(services.find_invitation(token), args["lang"])

    @api_blp.doc(security=[])
    @api_blp.arguments(ANSWERS_INPUT)
    @api_blp.response(201, ResponseReceiptSchema)
    def post(self, data, token):
        """Store a complete response (409 if already answered or outside the window)"""
        receipt = services.submit(services.find_invitation(token), data)
        return {
            "wave": receipt.wave,
            "submitted_at": receipt.submitted_at,
            "message": "Thank you.",
            "next": receipt.next,
        }


@api_blp.route(f"{TOKEN}/draft")
class SurveyDraft(MethodView):
    @api_blp.doc(security=[])
    @api_blp.arguments(ANSWERS_INPUT)
    @api_blp.response(200, DraftSchema)
    def put(self, data, token):
        """Save the answers given so far (never counted; 409 once answered or outside the window)"""
        return services.save_draft(services.find_invitation(token), data)
