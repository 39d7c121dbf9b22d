"""GET/POST /instruments, GET/PUT /instruments/<id>."""

from flask.views import MethodView

from crossover.auth.access import actor, api_auth
from crossover.auth.models import Role
from crossover.instruments import services
from crossover.instruments.schemas import InstrumentInputSchema, InstrumentSchema
from crossover.web.api import Blueprint

api_blp = Blueprint(
    "instruments_api", __name__, url_prefix="/instruments", description="Questionnaires"
)


@api_blp.route("")
class Instruments(MethodView):
    @api_auth()
    @api_blp.response(200, InstrumentSchema(many=True))
    def get(self):
        """Instruments the caller may use: consortium-wide ones and its organization's"""
        return services.list_instruments(actor())

    @api_auth(Role.OWNER, Role.ADMIN)
    @api_blp.arguments(InstrumentInputSchema)
    @api_blp.response(201, InstrumentSchema)
    def post(self, data):
        """Create a questionnaire"""
        return services.create_instrument(data, actor=actor())


@api_blp.route("/<id:instrument_id>")
class InstrumentById(MethodView):
    @api_auth()
    @api_blp.response(200, InstrumentSchema)
    def get(self, instrument_id):
        """One instrument version"""
        return services.get_instrument(instrument_id, actor())

    @api_auth(Role.OWNER, Role.ADMIN)
    @api_blp.arguments(InstrumentInputSchema)
    @api_blp.response(200, InstrumentSchema)
    @api_blp.doc(
        # The OpenAPI summary, too long for a one-line docstring.
        summary="Replace an instrument's definition; when frozen, this creates and returns a "
        "new version"
    )
    def put(self, data, instrument_id):
        return services.revise_instrument(
            services.get_instrument(instrument_id, actor()), data, actor=actor()
        )
