"""GET /pilots/<id>/report and /pilots/<id>/export.csv."""

from flask.views import MethodView

from crossover.auth.access import actor, api_auth
from crossover.auth.models import Role
from crossover.pilots.access import get_owned_pilot
from crossover.reports import export, services
from crossover.reports.schemas import PilotReportSchema
from crossover.web.api import Blueprint

api_blp = Blueprint("reports_api", __name__, description="Pilot reports and exports")
PILOT = "/pilots/<id:pilot_id>"


@api_blp.route(f"{PILOT}/report")
class PilotReport(MethodView):
    @api_auth(Role.OWNER, Role.REVIEWER, Role.ADMIN)
    @api_blp.response(200, PilotReportSchema)
    @api_blp.doc(
        # The OpenAPI summary, too long for a one-line docstring.
        summary="Counts, primary and subscale tests, follow-ups, subgroups, reliability, "
        "attrition, comparison, dose, concerns, verdict"
    )
    def get(self, pilot_id):
        return services.report_for(pilot_id, actor())


@api_blp.route(f"{PILOT}/export.csv")
class PilotExport(MethodView):
    @api_auth(Role.OWNER)
    @api_blp.doc(
        responses={
            "200": {
                "description": "One row per participant and wave (UTF-8 with BOM)",
                "content": {"text/csv": {"schema": {"type": "string"}}},
            }
        }
    )
    def get(self, pilot_id):
        """Export the pilot's responses (owners only; audit-logged)"""
        pilot = get_owned_pilot(pilot_id, actor())
        return export.csv_response(pilot, export.export_csv(pilot, actor=actor()))
