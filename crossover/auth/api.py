"""POST /auth/token (failed tries rate-limited with /login), DELETE /auth/token, GET /auth/me."""

from typing import ClassVar

from flask import g
from flask.views import MethodView

from crossover.auth import services
from crossover.auth.access import actor, api_auth
from crossover.auth.limits import sign_in_address_limit, sign_in_limit
from crossover.auth.schemas import TokenRequestSchema, TokenSchema, UserSchema
from crossover.web.api import Blueprint
from crossover.web.errors import Unauthorized

api_blp = Blueprint("auth_api", __name__, url_prefix="/auth", description="Bearer tokens")


@api_blp.route("/token")
class Token(MethodView):
    decorators: ClassVar[list] = [sign_in_limit, sign_in_address_limit]

    @api_blp.doc(security=[])
    @api_blp.arguments(TokenRequestSchema)
    @api_blp.response(201, TokenSchema)
    def post(self, data):
        """Exchange e-mail and password for a bearer token"""
        user = services.authenticate(data["email"], data["password"])
        if user is None:
            raise Unauthorized("Wrong e-mail or password.")
        token, record = services.issue_token(user)
        return {"token": token, "expires_at": record.expires_at}

    @api_auth()
    @api_blp.response(204)
    def delete(self):
        """Revoke the token used for this request"""
        services.revoke_token(g.api_token)


@api_blp.route("/me")
class Me(MethodView):
    @api_auth()
    @api_blp.response(200, UserSchema)
    def get(self):
        """The signed-in user"""
        return actor()
