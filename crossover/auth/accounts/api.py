"""GET/POST /organizations (admins); GET/POST /users, PATCH /users/<id>, POST .../setup-link."""

from flask.views import MethodView
import sqlalchemy as sa

from crossover.auth.access import actor, api_auth
from crossover.auth.accounts import services
from crossover.auth.accounts.schemas import (
    AccountSchema,
    CreatedUserSchema,
    NewUserSchema,
    OrganizationSchema,
    SetupLinkSchema,
    UserPatchSchema,
)
from crossover.auth.models import Role
from crossover.db import page_of
from crossover.extensions import db
from crossover.web.api import Blueprint

api_blp = Blueprint("accounts_api", __name__, description="Organizations and users")


def _page(query, pagination_parameters):
    pagination_parameters.item_count = db.session.scalar(
        sa.select(sa.func.count()).select_from(query.subquery())
    )
    return page_of(db.session, query, pagination_parameters.page, pagination_parameters.page_size)


@api_blp.route("/organizations")
class Organizations(MethodView):
    @api_auth(Role.ADMIN)
    @api_blp.response(200, OrganizationSchema(many=True))
    @api_blp.paginate()
    def get(self, pagination_parameters):
        """Member organizations (admins)"""
        return _page(services.list_orgs(), pagination_parameters)

    @api_auth(Role.ADMIN)
    @api_blp.arguments(OrganizationSchema)
    @api_blp.response(201, OrganizationSchema)
    @api_blp.alt_response(409, description="The slug is taken")
    def post(self, data):
        """Add a member organization (admins)"""
        return services.create_org(actor(), data["slug"], data["name"])


@api_blp.route("/users")
class Users(MethodView):
    @api_auth(Role.ADMIN, Role.OWNER)
    @api_blp.response(200, AccountSchema(many=True))
    @api_blp.paginate()
    def get(self, pagination_parameters):
        """Users: all for admins, the owners of their own organization for owners"""
        return _page(services.visible_users(actor()), pagination_parameters)

    @api_auth(Role.ADMIN, Role.OWNER)
    @api_blp.arguments(NewUserSchema)
    @api_blp.response(201, CreatedUserSchema)
    @api_blp.alt_response(409, description="The e-mail is registered")
    def post(self, data):
        """Add a user without a password; it is chosen at the one-time setup_url (7 days)"""
        user, link = services.invite_user(
            actor(), data["email"], Role(data["role"]), data.get("organization")
        )
        return _created(user, link)


def _created(user, link) -> dict:
    return {
        "id": user.id,
        "email": user.email,
        "role": user.role.value,
        "active": user.active,
        "organization": user.organization.slug if user.organization else None,
        "setup_url": link.url,
        "mail": link.mail_status,
    }


@api_blp.route("/users/<id:user_id>")
class UserDetail(MethodView):
    @api_auth(Role.ADMIN, Role.OWNER)
    @api_blp.arguments(UserPatchSchema)
    @api_blp.response(200, AccountSchema)
    def patch(self, data, user_id):
        """Deactivate (every token and session ends at once) or reactivate; admins change roles"""
        me = actor()
        user = services.get_visible_user(me, user_id)
        role = Role(data["role"]) if "role" in data else None
        return services.update_user(me, user, data.get("active"), role)


@api_blp.route("/users/<id:user_id>/setup-link")
class SetupLink(MethodView):
    @api_auth(Role.ADMIN, Role.OWNER)
    @api_blp.response(201, SetupLinkSchema)
    def post(self, user_id):
        """Issue a fresh setup link (the older one stops working)"""
        me = actor()
        link = services.resend_setup_link(me, services.get_visible_user(me, user_id))
        return {"setup_url": link.url, "mail": link.mail_status}
