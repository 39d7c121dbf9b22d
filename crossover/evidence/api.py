"""GET /evidence: the consortium's evidence board (reviewers and admins)."""

from flask.views import MethodView

from crossover.auth.access import api_auth
from crossover.auth.models import Role
from crossover.evidence import services
from crossover.evidence.schemas import EvidenceBoardSchema, EvidenceQueryArgsSchema
from crossover.web.api import Blueprint

api_blp = Blueprint(
    "evidence_api", __name__, description="Evidence board: pooled results across pilots"
)


@api_blp.route("/evidence")
class Evidence(MethodView):
    @api_auth(Role.REVIEWER, Role.ADMIN)
    @api_blp.arguments(EvidenceQueryArgsSchema, location="query")
    @api_blp.response(200, EvidenceBoardSchema)
    @api_blp.doc(
        # The OpenAPI summary, too long for a one-line docstring.
        summary="Per grid cell and initiative: pooled effects (DerSimonian–Laird) and verdict "
        "counts; the pilot list with BH-adjusted p"
    )
    def get(self, filters):
        return services.board(filters)
