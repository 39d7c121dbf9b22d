"""GET /reference, GET /grid, GET/POST /initiatives, GET/PATCH /initiatives/<id>."""

from flask.views import MethodView

from crossover.auth.access import actor, api_auth
from crossover.auth.models import Role
from crossover.catalogue import services
from crossover.catalogue.schemas import (
    GridSchema,
    InitiativeCreateSchema,
    InitiativeQueryArgsSchema,
    InitiativeSchema,
    InitiativeUpdateSchema,
    ReferenceSchema,
)
from crossover.web.api import Blueprint

api_blp = Blueprint("catalogue_api", __name__, description="The grid and the initiative catalogue")

ID = "<id:initiative_id>"


@api_blp.route("/reference")
class Reference(MethodView):
    @api_blp.doc(security=[])
    @api_blp.response(200, ReferenceSchema)
    def get(self):
        """Keys and ja/en labels of every choice list"""
        return services.reference()


@api_blp.route("/grid")
class Grid(MethodView):
    @api_auth()
    @api_blp.response(200, GridSchema)
    def get(self):
        """The 7×3 grid with the number of initiatives in each cell"""
        return services.grid()


@api_blp.route("/initiatives")
class Initiatives(MethodView):
    @api_auth()
    @api_blp.arguments(InitiativeQueryArgsSchema, location="query")
    @api_blp.response(200, InitiativeSchema(many=True))
    @api_blp.paginate()
    def get(self, filters, pagination_parameters):
        """List initiatives, filtered by venue, level, status and text"""
        items, total = services.list_initiatives(
            filters, pagination_parameters.page, pagination_parameters.page_size
        )
        pagination_parameters.item_count = total
        return items

    @api_auth(Role.OWNER, Role.ADMIN)
    @api_blp.arguments(InitiativeCreateSchema)
    @api_blp.response(201, InitiativeSchema)
    def post(self, data):
        """Add an initiative to the catalogue"""
        return services.create_initiative(data, actor=actor())


@api_blp.route(f"/initiatives/{ID}")
class InitiativeById(MethodView):
    @api_auth()
    @api_blp.response(200, InitiativeSchema)
    def get(self, initiative_id):
        """One initiative"""
        return services.get_initiative(initiative_id)

    @api_auth(Role.OWNER, Role.ADMIN)
    @api_blp.arguments(InitiativeUpdateSchema)
    @api_blp.response(200, InitiativeSchema)
    @api_blp.doc(
        # The OpenAPI summary, too long for a one-line docstring.
        summary="Change some fields of an initiative (409 for an owner once another organization's "
        "pilot uses it)"
    )
    def patch(self, data, initiative_id):
        return services.update_initiative(
            services.get_initiative(initiative_id), data, actor=actor()
        )
